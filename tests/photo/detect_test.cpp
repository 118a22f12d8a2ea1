// Card detection and verification on the development photos (tests/data/photos, see its
// SOURCES.md) and on negatives generated from them: the card cropped out, the photo made
// greyscale, patches painted over, patches shuffled; and the same photos rotated by 90/180/270°.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <map>
#include <numeric>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <random>
#include <string>

#include "common/csv.hpp"
#include "common/embedded.hpp"
#include "photo/card.hpp"
#include "photo/cv_geometry.hpp"
#include "photo/decode.hpp"
#include "photo/detect.hpp"
#include "photo/detect_internal.hpp"
#include "support/paths.hpp"

namespace {

using shadematch::photo::CardDefinition;
using shadematch::photo::CardDetection;
using shadematch::photo::DecodedImage;
using shadematch::photo::PatchSample;
using shadematch::photo::RejectReason;

// The ColorChecker Classic built from the calibration tables (layout: Argyll's ColorChecker.cht
// boxes; reference: X-Rite after-November-2014 Lab D50), so these tests do not depend on the
// card YAML parser in src/files.
CardDefinition classic_card() {
  using namespace shadematch;
  const CsvTable layout = parse_csv(embedded_file("colorchecker24_layout.csv"), "colorchecker24_layout.csv");
  const CsvTable lab = parse_csv(embedded_file("colorchecker24_lab_d50.csv"), "colorchecker24_lab_d50.csv");
  CardDefinition card;
  card.id = "colorchecker-classic-2014";
  card.rows = 4;
  card.cols = 6;
  double x0 = 1e9, y0 = 1e9, x1 = 0, y1 = 0;
  for (const auto& row : layout.rows) {
    const double x = parse_csv_number(layout, row, layout.column("argyll_x0"));
    const double y = parse_csv_number(layout, row, layout.column("argyll_y0"));
    x0 = std::min(x0, x), y0 = std::min(y0, y);
    x1 = std::max(x1, x + parse_csv_number(layout, row, layout.column("argyll_w")));
    y1 = std::max(y1, y + parse_csv_number(layout, row, layout.column("argyll_h")));
  }
  for (std::size_t i = 0; i < layout.rows.size(); ++i) {
    const auto& row = layout.rows[i];
    photo::CardPatch p;
    p.index = static_cast<int>(parse_csv_number(layout, row, layout.column("patch")));
    p.name = row.fields[layout.column("name")];
    p.w = parse_csv_number(layout, row, layout.column("argyll_w"));
    p.h = parse_csv_number(layout, row, layout.column("argyll_h"));
    p.cx = parse_csv_number(layout, row, layout.column("argyll_x0")) - x0 + p.w / 2;
    p.cy = parse_csv_number(layout, row, layout.column("argyll_y0")) - y0 + p.h / 2;
    p.neutral = parse_csv_number(layout, row, layout.column("row")) == 4;  // the grey row
    const auto& l = lab.rows[i];
    p.reference_lab = {parse_csv_number(lab, l, lab.column("L_xrite_after_nov2014")),
                       parse_csv_number(lab, l, lab.column("a_xrite_after_nov2014")),
                       parse_csv_number(lab, l, lab.column("b_xrite_after_nov2014"))};
    card.patches.push_back(p);
  }
  card.width = x1 - x0;
  card.height = y1 - y0;
  return card;
}

const CardDefinition& card() {
  static const CardDefinition c = classic_card();
  return c;
}

std::string photo_path(const std::string& name) {
  return shadematch::test::test_data_dir() + "/photos/" + name;
}

// Decoding is the slow part of these tests: each photo is decoded once per test run.
const DecodedImage& decoded(const std::string& name) {
  static std::map<std::string, DecodedImage> cache;
  auto it = cache.find(name);
  if (it == cache.end()) it = cache.emplace(name, shadematch::photo::decode_image(photo_path(name))).first;
  return it->second;
}

struct DevPhoto {
  const char* file;
  int orientation_deg;  // by eye: where patch 1 (dark skin) sits, the card read clockwise
};
// Orientation: clockwise rotation of the card in the photo. 0 = dark skin top-left; 90 = dark
// skin top-right (white top-left); 270 = dark skin bottom-left.
const DevPhoto kPhotos[] = {
    {"pedrodiamel_hand_holding_classic.jpg", 0},
    {"macduff_fishbox1_passport_foot.jpg", 0},
    {"plantcv_classic.png", 90},
    {"plantcv_colorchecker-classic-mini.jpg", 270},
    {"plantcv_nano.jpeg", 0},
    {"plantcv_source1_img.png", 90},
    {"plantcv_target_img.png", 90},
    {"argylldoc_colorchecker_thumb.jpg", 0},
};

double luminance(const shadematch::colour::LinearRgb& c) {
  return 0.2126 * c.r + 0.7152 * c.g + 0.0722 * c.b;
}

// A copy of `image` with its pixels replaced (same colour transform and scale).
DecodedImage with_pixels(const DecodedImage& image, const cv::Mat& encoded) {
  DecodedImage out = image;
  out.encoded = encoded;
  out.info.width = static_cast<int>(std::lround(encoded.cols / image.scale));
  out.info.height = static_cast<int>(std::lround(encoded.rows / image.scale));
  return out;
}

// Card units → encoded pixels from a detection's patch-grid corners.
cv::Matx33d card_to_encoded(const CardDetection& d, const DecodedImage& image) {
  const auto w = static_cast<float>(card().width), h = static_cast<float>(card().height);
  std::vector<cv::Point2f> src{{0, 0}, {w, 0}, {w, h}, {0, h}};
  std::vector<cv::Point2f> dst;
  for (const auto& c : shadematch::photo::to_cv(d.corners)) dst.push_back(c * static_cast<float>(image.scale));
  const cv::Mat m = cv::getPerspectiveTransform(src, dst);
  return cv::Matx33d(m.ptr<double>());
}

// The whole of patch `i` (0-based) in encoded pixels.
std::vector<cv::Point> patch_polygon(const cv::Matx33d& h, std::size_t i) {
  const auto& p = card().patches[i];
  std::vector<cv::Point> out;
  for (const auto& [dx, dy] : {std::pair{-1, -1}, {1, -1}, {1, 1}, {-1, 1}}) {
    const cv::Vec3d v = h * cv::Vec3d(p.cx + dx * p.w / 2, p.cy + dy * p.h / 2, 1);
    out.emplace_back(static_cast<int>(std::lround(v[0] / v[2])), static_cast<int>(std::lround(v[1] / v[2])));
  }
  return out;
}

cv::Scalar mean_colour(const cv::Mat& encoded, const std::vector<cv::Point>& polygon) {
  cv::Mat mask = cv::Mat::zeros(encoded.size(), CV_8UC1);
  cv::fillConvexPoly(mask, polygon, cv::Scalar(255));
  return cv::mean(encoded, mask);
}

}  // namespace

TEST_CASE("detect: reject reasons have their JSON names", "[unit]") {
  using shadematch::photo::reject_reason_name;
  CHECK(reject_reason_name(RejectReason::none) == "none");
  CHECK(reject_reason_name(RejectReason::no_card) == "no-card");
  CHECK(reject_reason_name(RejectReason::occluded) == "occluded");
  CHECK(reject_reason_name(RejectReason::lookalike) == "lookalike");
  CHECK(reject_reason_name(RejectReason::greyscale) == "greyscale");
  CHECK(reject_reason_name(RejectReason::clipped) == "clipped");
}

TEST_CASE("detect: every development photo gives the card in its true orientation", "[reference]") {
  for (const auto& photo : kPhotos) {
    INFO(photo.file);
    const DecodedImage& image = decoded(photo.file);
    const CardDetection d = shadematch::photo::detect_card(image, card());
    INFO(d.detail);
    REQUIRE(d.found);
    CHECK(d.reason == RejectReason::none);
    CHECK(d.orientation_deg == photo.orientation_deg);
    REQUIRE(d.patches.size() == 24);
    // Read in the right order, the white patch (19) is the brightest and black (24) the darkest
    // (of the patches with reference L* above 35: flare on the black can lift it to the dark
    // purple's and blue's level, L* 29–31), and the neutrals get darker along the grey row.
    for (std::size_t i = 0; i < 24; ++i) {
      INFO("patch " << i + 1);
      CHECK(d.patches[i].index == static_cast<int>(i + 1));
      if (i != 18) CHECK(luminance(d.patches[18].mean) > luminance(d.patches[i].mean));
      if (i != 23 && card().patches[i].reference_lab.l > 35) {
        CHECK(luminance(d.patches[23].mean) < luminance(d.patches[i].mean));
      }
    }
    for (std::size_t i = 19; i < 24; ++i) CHECK(luminance(d.patches[i].mean) < luminance(d.patches[i - 1].mean));
    // Dark skin (1) is red-dominant in any white balance these photos have.
    CHECK(d.patches[0].mean.r > d.patches[0].mean.b);
    // Corners: patch 1 first and clockwise in the photo (positive signed area, y downwards).
    double area = 0;
    for (std::size_t k = 0; k < 4; ++k) {
      const cv::Point2f p = shadematch::photo::to_cv(d.corners)[k];
      const cv::Point2f q = shadematch::photo::to_cv(d.corners)[(k + 1) % 4];
      area += p.x * q.y - q.x * p.y;
    }
    CHECK(area > 0);
    CHECK(d.verification_score > 0.5);  // ≥ 19 consistent patches with a quick-fit mean ≤ 8
  }
}

TEST_CASE("detect: a rotated photo gives the same patches, rotated corners and orientation", "[property]") {
  for (const auto& photo : kPhotos) {
    INFO(photo.file);
    const DecodedImage& image = decoded(photo.file);
    const CardDetection d0 = shadematch::photo::detect_card(image, card());
    REQUIRE(d0.found);
    for (const int quarter : {1, 2, 3}) {
      INFO("rotated by " << quarter * 90 << "° clockwise");
      cv::Mat rotated;
      const cv::RotateFlags flag = quarter == 1   ? cv::ROTATE_90_CLOCKWISE
                                   : quarter == 2 ? cv::ROTATE_180
                                                  : cv::ROTATE_90_COUNTERCLOCKWISE;
      cv::rotate(image.encoded, rotated, flag);
      const DecodedImage r = with_pixels(image, rotated);
      const CardDetection d = shadematch::photo::detect_card(r, card());
      INFO(d.detail);
      REQUIRE(d.found);
      CHECK(d.orientation_deg == (d0.orientation_deg + 90 * quarter) % 360);
      // Same pixels, so the same means up to the sampled boxes' rasterization: 2 % of the value
      // plus 0.003 (under one 8-bit code in the mid-tones, in linear units).
      for (std::size_t i = 0; i < 24; ++i) {
        INFO("patch " << i + 1);
        const auto& a = d0.patches[i].mean;
        const auto& b = d.patches[i].mean;
        CHECK(b.r == Approx(a.r).epsilon(0.02).margin(0.003));
        CHECK(b.g == Approx(a.g).epsilon(0.02).margin(0.003));
        CHECK(b.b == Approx(a.b).epsilon(0.02).margin(0.003));
      }
      // Corners follow the rotation (full-photo pixels, pixel centres at integers): within 1.5 %
      // of the card's diagonal — the grid is re-fitted from squares found in rotated pixels.
      const double diagonal =
          cv::norm(shadematch::photo::to_cv(d0.corners)[0] - shadematch::photo::to_cv(d0.corners)[2]);
      const double w = image.info.width, h = image.info.height;
      for (std::size_t k = 0; k < 4; ++k) {
        cv::Point2d p = shadematch::photo::to_cv(d0.corners)[k];
        for (int q = 0; q < quarter; ++q) {
          const double ph = (q % 2 == 0) ? h : w;  // height of the frame being rotated
          p = cv::Point2d(ph - 1 - p.y, p.x);
        }
        INFO("corner " << k << " expected " << p << " got " << shadematch::photo::to_cv(d.corners)[k]);
        CHECK(cv::norm(cv::Point2d(shadematch::photo::to_cv(d.corners)[k]) - p) < 0.015 * diagonal);
      }
    }
  }
}

TEST_CASE("detect: the photo with the card cropped out has no card", "[reference]") {
  // Photos with room beside the card: keep the wider of the full-height strips left and right of
  // the card (so the Passport's other page, above its 24-patch page, goes too).
  for (const char* file :
       {"pedrodiamel_hand_holding_classic.jpg", "macduff_fishbox1_passport_foot.jpg", "plantcv_source1_img.png"}) {
    INFO(file);
    const DecodedImage& image = decoded(file);
    const CardDetection d0 = shadematch::photo::detect_card(image, card());
    REQUIRE(d0.found);
    std::vector<cv::Point2f> corners;
    for (const auto& c : shadematch::photo::to_cv(d0.corners)) corners.push_back(c * static_cast<float>(image.scale));
    // The card's whole outline: the patch grid grown by 15 % for the frame around it.
    const cv::Rect grid = cv::boundingRect(corners);
    const int margin = grid.width * 15 / 100;
    const int left = std::max(0, grid.x - margin);
    const int right = std::min(image.encoded.cols, grid.br().x + margin);
    const cv::Rect strip = left > image.encoded.cols - right
                               ? cv::Rect(0, 0, left, image.encoded.rows)
                               : cv::Rect(right, 0, image.encoded.cols - right, image.encoded.rows);
    const CardDetection d = shadematch::photo::detect_card(with_pixels(image, image.encoded(strip).clone()), card());
    INFO(d.detail);
    CHECK_FALSE(d.found);
    CHECK(d.reason == RejectReason::no_card);
  }
  SECTION("the Passport's other page (a different chart) is not taken for the card") {
    const DecodedImage& image = decoded("macduff_fishbox1_passport_foot.jpg");
    const CardDetection d0 = shadematch::photo::detect_card(image, card());
    REQUIRE(d0.found);
    const int top = static_cast<int>(
                        std::min(shadematch::photo::to_cv(d0.corners)[0].y, shadematch::photo::to_cv(d0.corners)[1].y) *
                        image.scale) -
                    20;
    const CardDetection d = shadematch::photo::detect_card(
        with_pixels(image, image.encoded(cv::Rect(0, 0, image.encoded.cols, top)).clone()), card());
    INFO(d.detail);
    CHECK_FALSE(d.found);
    CHECK((d.reason == RejectReason::no_card || d.reason == RejectReason::lookalike));
  }
}

TEST_CASE("detect: a photo converted to greyscale is refused as greyscale", "[reference]") {
  for (const auto& photo : kPhotos) {
    INFO(photo.file);
    const DecodedImage& image = decoded(photo.file);
    cv::Mat grey, grey3;
    cv::cvtColor(image.encoded, grey, cv::COLOR_RGB2GRAY);
    cv::cvtColor(grey, grey3, cv::COLOR_GRAY2RGB);
    const CardDetection d = shadematch::photo::detect_card(with_pixels(image, grey3), card());
    INFO(d.detail);
    CHECK_FALSE(d.found);
    CHECK(d.reason == RejectReason::greyscale);
  }
  SECTION("and a file that stores one channel is refused without a search") {
    DecodedImage image = decoded("plantcv_nano.jpeg");
    image.info.greyscale = true;
    CHECK(shadematch::photo::detect_card(image, card()).reason == RejectReason::greyscale);
  }
}

TEST_CASE("detect: a card with six or more patches painted over is occluded", "[reference]") {
  for (const auto& photo : kPhotos) {
    INFO(photo.file);
    const DecodedImage& image = decoded(photo.file);
    const CardDetection d0 = shadematch::photo::detect_card(image, card());
    REQUIRE(d0.found);
    const cv::Matx33d h = card_to_encoded(d0, image);
    // Paint over a 2 × 3 block of colour patches (8–10, 14–16) with the card frame's black, as
    // a finger, tape or marker would: the card is still found but must not be used.
    cv::Mat painted = image.encoded.clone();
    const cv::Scalar frame = mean_colour(image.encoded, patch_polygon(h, 23)) * 0.5;
    for (const std::size_t i : {7u, 8u, 9u, 13u, 14u, 15u}) {
      cv::fillConvexPoly(painted, patch_polygon(h, i), frame);
    }
    const CardDetection d = shadematch::photo::detect_card(with_pixels(image, painted), card());
    INFO(d.detail);
    CHECK_FALSE(d.found);
    CHECK(d.reason == RejectReason::occluded);
  }
}

TEST_CASE("detect: a card with its patches shuffled is a look-alike", "[reference]") {
  for (const auto& photo : kPhotos) {
    INFO(photo.file);
    const DecodedImage& image = decoded(photo.file);
    const CardDetection d0 = shadematch::photo::detect_card(image, card());
    REQUIRE(d0.found);
    const cv::Matx33d h = card_to_encoded(d0, image);
    std::vector<cv::Scalar> colours;
    for (std::size_t i = 0; i < 24; ++i) colours.push_back(mean_colour(image.encoded, patch_polygon(h, i)));
    // A fixed derangement-like shuffle (seeded, so the test is repeatable): a printed chart with
    // the right inks in the wrong places.
    std::vector<std::size_t> order(24);
    std::iota(order.begin(), order.end(), 0);
    std::mt19937 rng(20261123);
    std::shuffle(order.begin(), order.end(), rng);
    cv::Mat shuffled = image.encoded.clone();
    for (std::size_t i = 0; i < 24; ++i) cv::fillConvexPoly(shuffled, patch_polygon(h, i), colours[order[i]]);
    const CardDetection d = shadematch::photo::detect_card(with_pixels(image, shuffled), card());
    INFO(d.detail);
    CHECK_FALSE(d.found);
    CHECK(d.reason == RejectReason::lookalike);
  }
}

TEST_CASE("detect: --corners skips the search, still verifies, and the fit picks the orientation", "[unit]") {
  const DecodedImage& image = decoded("pedrodiamel_hand_holding_classic.jpg");
  const CardDetection d0 = shadematch::photo::detect_card(image, card());
  REQUIRE(d0.found);
  for (const int start : {0, 1, 2, 3}) {
    INFO("corners given starting at corner " << start);
    shadematch::photo::DetectOptions options;
    std::array<cv::Point2f, 4> given;
    for (std::size_t k = 0; k < 4; ++k)
      given[k] = shadematch::photo::to_cv(d0.corners)[(k + static_cast<std::size_t>(start)) % 4];
    options.corners = shadematch::photo::from_cv(given);
    const CardDetection d = shadematch::photo::detect_card(image, card(), options);
    INFO(d.detail);
    REQUIRE(d.found);
    CHECK(d.orientation_deg == d0.orientation_deg);
    for (std::size_t k = 0; k < 4; ++k) {
      CHECK(cv::norm(shadematch::photo::to_cv(d.corners)[k] - shadematch::photo::to_cv(d0.corners)[k]) <
            1.0);  // same grid: float round-off only
    }
  }
  SECTION("corners around something else are not a card") {
    shadematch::photo::DetectOptions options;
    options.corners =
        shadematch::Quad{shadematch::PointF{700, 500}, {1000, 500}, {1000, 700}, {700, 700}};  // red cloth
    const CardDetection d = shadematch::photo::detect_card(image, card(), options);
    INFO(d.detail);
    CHECK_FALSE(d.found);
  }
}

TEST_CASE("detect: a tiny card (8 px patches) near the frame's corner is still found", "[reference]") {
  // The hand-held Classic shrunk to 0.19 × (its 42 px patches become 8 px) and pasted 10 px from
  // the bottom-right corner of a 2400 × 1800 frame made of the photo's card-free right part.
  const DecodedImage& image = decoded("pedrodiamel_hand_holding_classic.jpg");
  cv::Mat frame;
  cv::resize(image.encoded(cv::Rect(600, 0, image.encoded.cols - 600, image.encoded.rows)), frame, cv::Size(2400, 1800),
             0, 0, cv::INTER_CUBIC);
  cv::Mat small;
  cv::resize(image.encoded, small, cv::Size(), 0.19, 0.19, cv::INTER_AREA);
  small.copyTo(frame(cv::Rect(frame.cols - small.cols - 10, frame.rows - small.rows - 10, small.cols, small.rows)));
  const CardDetection d = shadematch::photo::detect_card(with_pixels(image, frame), card());
  INFO(d.detail);
  REQUIRE(d.found);
  CHECK(d.orientation_deg == 0);
  const double pitch = cv::norm(shadematch::photo::to_cv(d.corners)[1] - shadematch::photo::to_cv(d.corners)[0]) / 6;
  CHECK(pitch == Approx(48.5 * 0.19).epsilon(0.15));  // the photo's 48.5 px pitch, shrunk; 15 %: perspective
  CHECK(luminance(d.patches[18].mean) > luminance(d.patches[21].mean));
}

TEST_CASE("detect: a 16-bit photo reads the same card as its 8-bit original", "[unit]") {
  // The same pixels written as an untagged 8-bit and a 16-bit PNG (16-bit code = 257 × 8-bit
  // code, the same level), each decoded as sRGB.
  const DecodedImage& image = decoded("plantcv_classic.png");
  cv::Mat bgr8, bgr16;
  cv::cvtColor(image.encoded, bgr8, cv::COLOR_RGB2BGR);
  bgr8.convertTo(bgr16, CV_16U, 257.0);
  const std::string dir = shadematch::test::make_temp_dir("detect16");
  REQUIRE(cv::imwrite(dir + "/classic8.png", bgr8));
  REQUIRE(cv::imwrite(dir + "/classic16.png", bgr16));
  const DecodedImage image8 = shadematch::photo::decode_image(dir + "/classic8.png");
  const DecodedImage image16 = shadematch::photo::decode_image(dir + "/classic16.png");
  REQUIRE(image16.encoded.depth() == CV_16U);
  const CardDetection d8 = shadematch::photo::detect_card(image8, card());
  const CardDetection d16 = shadematch::photo::detect_card(image16, card());
  REQUIRE(d8.found);
  REQUIRE(d16.found);
  CHECK(d16.orientation_deg == d8.orientation_deg);
  for (std::size_t i = 0; i < 24; ++i) {
    // Same levels through the same curve: only the float linearization's rounding differs.
    CHECK(d16.patches[i].mean.g == Approx(d8.patches[i].mean.g).epsilon(2e-3).margin(2e-4));
  }
}

TEST_CASE("detect: an over-exposed card is refused as clipped unless clipping is allowed", "[reference]") {
  const DecodedImage& image = decoded("pedrodiamel_hand_holding_classic.jpg");
  cv::Mat bright;
  image.encoded.convertTo(bright, -1, 2.5);  // ×2.5 in code values, saturating at 255
  const DecodedImage over = with_pixels(image, bright);
  const CardDetection d = shadematch::photo::detect_card(over, card());
  INFO(d.detail);
  CHECK_FALSE(d.found);
  CHECK(d.reason == RejectReason::clipped);
  int clipped = 0;
  for (const auto& p : d.patches) clipped += std::count(p.flags.begin(), p.flags.end(), "clipped") > 0 ? 1 : 0;
  CHECK(clipped > 6);
  shadematch::photo::DetectOptions allow;
  allow.allow_clipped = true;
  CHECK(shadematch::photo::detect_card(over, card(), allow).reason != RejectReason::clipped);
}

TEST_CASE("detect: OpenCV mcc's candidates alone, verified, give the same card", "[reference]") {
  for (const char* file : {"pedrodiamel_hand_holding_classic.jpg", "plantcv_classic.png", "plantcv_nano.jpeg"}) {
    INFO(file);
    const DecodedImage& image = decoded(file);
    const CardDetection grid =
        shadematch::photo::detail::detect_card_with(image, card(), {}, shadematch::photo::detail::kGridFinder);
    const CardDetection mcc =
        shadematch::photo::detail::detect_card_with(image, card(), {}, shadematch::photo::detail::kMccFinder);
    INFO(mcc.detail);
    REQUIRE(grid.found);
    REQUIRE(mcc.found);
    CHECK(mcc.orientation_deg == grid.orientation_deg);
    // mcc's box and our grid fit differ by a few pixels, which moves the sampled boxes: the patch
    // means agree within 5 % + 0.01 (the black patch, 0.013 in linear light, picks up frame glare).
    for (std::size_t i = 0; i < 24; ++i) {
      CHECK(mcc.patches[i].mean.g == Approx(grid.patches[i].mean.g).epsilon(0.05).margin(0.01));
    }
  }
}

TEST_CASE("detect: a chart with a screen's pixel texture is a look-alike", "[reference]") {
  // A screen photographed close up: every third pixel column dark (the gaps between sub-pixels),
  // over the card's area only.
  const DecodedImage& image = decoded("plantcv_classic.png");
  const CardDetection d0 = shadematch::photo::detect_card(image, card());
  REQUIRE(d0.found);
  std::vector<cv::Point> outline;
  for (const auto& c : shadematch::photo::to_cv(d0.corners))
    outline.emplace_back(cv::Point(c * static_cast<float>(image.scale)));
  cv::Mat mask = cv::Mat::zeros(image.encoded.size(), CV_8UC1);
  cv::fillConvexPoly(mask, outline, cv::Scalar(255));
  cv::Mat screen = image.encoded.clone();
  for (int y = 0; y < screen.rows; ++y) {
    for (int x = 0; x < screen.cols; x += 3) {
      if (mask.at<std::uint8_t>(y, x) != 0) screen.at<cv::Vec3b>(y, x) = screen.at<cv::Vec3b>(y, x) * 0.3;
    }
  }
  const CardDetection d = shadematch::photo::detect_card(with_pixels(image, screen), card());
  INFO(d.detail);
  CHECK_FALSE(d.found);
  CHECK(d.reason == RejectReason::lookalike);
}

TEST_CASE("detect: a tilted card under perspective is found in its orientation", "[property]") {
  const DecodedImage& image = decoded("pedrodiamel_hand_holding_classic.jpg");
  const CardDetection d0 = shadematch::photo::detect_card(image, card());
  REQUIRE(d0.found);
  const auto w = static_cast<float>(image.encoded.cols), h = static_cast<float>(image.encoded.rows);
  struct Warp {
    const char* what;
    std::vector<cv::Point2f> to;  // where the frame's corners go
    int orientation_deg;
  };
  const Warp warps[] = {
      // Seen from the left: the right edge shrunk to 60 % of its height.
      {"perspective", {{0, 0}, {w, 0.2f * h}, {w, 0.8f * h}, {0, h}}, 0},
      // Rotated 30° clockwise about the centre (orientation rounds to 0).
      {"30°", {}, 0},
      // Rotated 120° clockwise (rounds to 90).
      {"120°", {}, 90},
  };
  for (const auto& warp : warps) {
    INFO(warp.what);
    cv::Mat m;
    cv::Mat out;
    if (!warp.to.empty()) {
      m = cv::getPerspectiveTransform(std::vector<cv::Point2f>{{0, 0}, {w, 0}, {w, h}, {0, h}}, warp.to);
      cv::warpPerspective(image.encoded, out, m, image.encoded.size(), cv::INTER_LINEAR, cv::BORDER_REPLICATE);
    } else {
      const double angle = warp.orientation_deg == 0 ? -30.0 : -120.0;  // OpenCV: positive = anticlockwise
      const double side = std::hypot(w, h);
      cv::Mat r = cv::getRotationMatrix2D(cv::Point2f(w / 2, h / 2), angle, 1.0);
      r.at<double>(0, 2) += (side - w) / 2;
      r.at<double>(1, 2) += (side - h) / 2;
      cv::warpAffine(image.encoded, out, r, cv::Size(static_cast<int>(side), static_cast<int>(side)), cv::INTER_LINEAR,
                     cv::BORDER_CONSTANT, cv::Scalar(128, 128, 128));
    }
    const CardDetection d = shadematch::photo::detect_card(with_pixels(image, out), card());
    INFO(d.detail);
    REQUIRE(d.found);
    CHECK(d.orientation_deg == warp.orientation_deg);
    for (std::size_t i = 0; i < 24; ++i) {
      // Resampled pixels: the means agree within 5 % + 0.005 (interpolation blurs patch edges,
      // which the inner-half boxes stay clear of).
      INFO("patch " << i + 1);
      CHECK(d.patches[i].mean.g == Approx(d0.patches[i].mean.g).epsilon(0.05).margin(0.005));
    }
  }
}

TEST_CASE("detect: a mirror-imaged photo is read, and said to be mirrored", "[property]") {
  const DecodedImage& image = decoded("plantcv_nano.jpeg");
  const CardDetection d0 = shadematch::photo::detect_card(image, card());
  REQUIRE(d0.found);
  cv::Mat flipped;
  cv::flip(image.encoded, flipped, 1);  // left ↔ right, as a selfie camera saves it
  const CardDetection d = shadematch::photo::detect_card(with_pixels(image, flipped), card());
  INFO(d.detail);
  REQUIRE(d.found);
  const bool warned = std::any_of(d.warnings.begin(), d.warnings.end(),
                                  [](const std::string& w) { return w.find("mirror") != std::string::npos; });
  CHECK(warned);
  for (std::size_t i = 0; i < 24; ++i) {
    // The same patches, read in card order: within 2 % + 0.003 (rasterization of mirrored boxes).
    CHECK(d.patches[i].mean.g == Approx(d0.patches[i].mean.g).epsilon(0.02).margin(0.003));
  }
}

TEST_CASE("detect: a patch with a channel stored at code 0 is clipped; a near-black one without zeros is not",
          "[unit]") {
  // A camera that clipped the blue of a saturated yellow at black before JPEG encoding: the file
  // holds 0 plus the codec's error, clamped, so about half the pixels sit at code 0. Beside it a
  // dark but exposed patch: every channel around code 12 with the same noise, never reaching 0.
  const DecodedImage& base = decoded("plantcv_classic.png");
  std::mt19937 rng(7);
  std::normal_distribution<double> noise(0.0, 2.0);
  auto code = [&](double level) {
    return cv::saturate_cast<std::uint8_t>(std::max(0.0, std::round(level + noise(rng))));
  };
  cv::Mat yellow(40, 40, CV_8UC3), black(40, 40, CV_8UC3);
  for (int y = 0; y < 40; ++y) {
    for (int x = 0; x < 40; ++x) {
      yellow.at<cv::Vec3b>(y, x) = cv::Vec3b(code(230), code(180), code(0));
      // 12 = 6σ above 0: the chance of a 0 code is about 1e-9 per pixel.
      black.at<cv::Vec3b>(y, x) = cv::Vec3b(code(12), code(12), code(12));
    }
  }
  const std::array<cv::Point2f, 4> quad{cv::Point2f(5, 5), cv::Point2f(35, 5), cv::Point2f(35, 35), cv::Point2f(5, 35)};
  const PatchSample y = shadematch::photo::detail::sample_quad(with_pixels(base, yellow), quad);
  const PatchSample k = shadematch::photo::detail::sample_quad(with_pixels(base, black), quad);
  auto flagged = [](const PatchSample& s) { return std::count(s.flags.begin(), s.flags.end(), "clipped") > 0; };
  // round(N(0, 2)) ≤ 0 for 60 % of draws (P(N < 0.5) = Φ(0.25)); 900 pixels keep the share within
  // a few percent of that.
  CHECK(y.dark_clipped_fraction == Approx(0.60).margin(0.06));
  CHECK(y.saturated_fraction == 0);
  CHECK(flagged(y));
  CHECK(k.dark_clipped_fraction == 0);
  CHECK_FALSE(flagged(k));
}

TEST_CASE("detect: a patch clipped at code 0 is still flagged when the search runs on a reduced copy", "[reference]") {
  // Detection searches a reduced copy (long side 1200 px); the reduction averages a code-0
  // channel with its neighbours' codes and would lift it off 0. The final reading samples the
  // decoded pixels, so a 12+ MP photo must still show the patch as clipped. The plantcv Classic
  // (300 × 396) upscaled 10.5 × (3150 × 4158, 13.1 MP), its yellow patch (16) repainted as a camera
  // that clipped the blue channel at black saves it: blue at code 0 plus the codec's error,
  // clamped (as in the unit test above, about 60 % of the pixels at 0).
  const DecodedImage& small = decoded("plantcv_classic.png");
  const CardDetection d0 = shadematch::photo::detect_card(small, card());
  REQUIRE(d0.found);
  constexpr double kUp = 10.5;
  cv::Mat big;
  cv::resize(small.encoded, big, cv::Size(), kUp, kUp, cv::INTER_LINEAR);
  REQUIRE(big.total() >= 12'000'000);
  const cv::Matx33d h = cv::Matx33d(kUp, 0, 0, 0, kUp, 0, 0, 0, 1) * card_to_encoded(d0, small);
  cv::Mat mask = cv::Mat::zeros(big.size(), CV_8UC1);
  cv::fillConvexPoly(mask, patch_polygon(h, 15), cv::Scalar(255));
  std::mt19937 rng(16);
  std::normal_distribution<double> noise(0.0, 2.0);
  auto code = [&](double level) {
    return cv::saturate_cast<std::uint8_t>(std::max(0.0, std::round(level + noise(rng))));
  };
  const cv::Rect box = cv::boundingRect(patch_polygon(h, 15));
  for (int y = box.y; y < box.y + box.height; ++y) {
    for (int x = box.x; x < box.x + box.width; ++x) {
      if (mask.at<std::uint8_t>(y, x) != 0) big.at<cv::Vec3b>(y, x) = cv::Vec3b(code(230), code(180), code(0));
    }
  }
  DecodedImage image = small;
  image.encoded = big;
  image.scale = 1;
  image.info.width = big.cols;
  image.info.height = big.rows;
  const CardDetection d = shadematch::photo::detect_card(image, card());
  INFO(d.detail);
  REQUIRE(d.found);
  CHECK(d.orientation_deg == d0.orientation_deg);
  const PatchSample& yellow = d.patches[15];
  CHECK(yellow.dark_clipped_fraction == Approx(0.60).margin(0.06));
  CHECK(std::count(yellow.flags.begin(), yellow.flags.end(), "clipped") == 1);
  // No other patch is.
  for (std::size_t i = 0; i < 24; ++i) {
    if (i == 15) continue;
    INFO("patch " << i + 1);
    CHECK(std::count(d.patches[i].flags.begin(), d.patches[i].flags.end(), "clipped") == 0);
  }
}
