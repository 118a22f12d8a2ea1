// PNG encoding with libpng (src/photo/png_encode.hpp): what it writes decodes — with OpenCV's own
// PNG reader, an independent implementation — to exactly the pixels it was given.
#include <catch2/catch.hpp>

#include <cstdint>
#include <opencv2/imgcodecs.hpp>
#include <stdexcept>
#include <vector>

#include "photo/png_encode.hpp"

using namespace shadematch;

namespace {
// Every pixel different and every channel of a pixel different (so a swapped channel order or a
// row stride mistake shows).
cv::Mat pattern(int rows, int cols, int channels) {
  cv::Mat m(rows, cols, channels == 3 ? CV_8UC3 : CV_8UC1);
  for (int y = 0; y < rows; ++y) {
    auto* p = m.ptr<std::uint8_t>(y);
    for (int x = 0; x < cols * channels; ++x) p[x] = static_cast<std::uint8_t>((y * 31 + x * 7 + x % channels) & 0xff);
  }
  return m;
}
}  // namespace

TEST_CASE("png: encoded BGR and grey images decode to the same pixels", "[unit]") {
  for (const int channels : {3, 1}) {
    const cv::Mat image = pattern(37, 53, channels);
    const std::vector<std::uint8_t> png = photo::encode_png(image);
    REQUIRE(png.size() > 8);
    CHECK(png[1] == 'P');
    CHECK(png[2] == 'N');
    CHECK(png[3] == 'G');
    const cv::Mat back = cv::imdecode(png, channels == 3 ? cv::IMREAD_COLOR : cv::IMREAD_GRAYSCALE);
    REQUIRE(back.size() == image.size());
    REQUIRE(back.type() == image.type());
    CHECK(cv::countNonZero(back.reshape(1) != image.reshape(1)) == 0);
  }
  // A view into a larger image (rows not contiguous) is written as the view.
  const cv::Mat big = pattern(40, 60, 3);
  const cv::Mat view = big(cv::Rect(5, 3, 20, 10));
  const cv::Mat back = cv::imdecode(photo::encode_png(view), cv::IMREAD_COLOR);
  REQUIRE(back.size() == view.size());
  CHECK(cv::countNonZero(back.reshape(1) != view.reshape(1)) == 0);
}

TEST_CASE("png: an image of another type or an empty one is a programmer error", "[unit]") {
  CHECK_THROWS_AS(photo::encode_png(cv::Mat(4, 4, CV_16UC3, cv::Scalar::all(0))), std::invalid_argument);
  CHECK_THROWS_AS(photo::encode_png(cv::Mat(4, 4, CV_8UC4, cv::Scalar::all(0))), std::invalid_argument);
  CHECK_THROWS_AS(photo::encode_png(cv::Mat()), std::invalid_argument);
}
