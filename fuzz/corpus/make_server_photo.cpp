// Writes the server target's photo, fuzz/corpus/server-photo/card_skin.jpg (see fuzz/corpus/SOURCES.md):
//   g++ -std=c++20 make_server_photo.cpp $(pkg-config --cflags --libs opencv4) -o /tmp/photo && \
//     /tmp/photo ../../tests/data/photos/argylldoc_colorchecker_thumb.jpg server-photo/card_skin.jpg
// The 200 × 141 ColorChecker thumbnail (it fills its frame, so no region can avoid the card) on
// the left of a 300 × 141 canvas; on the right a flat skin tone (sRGB 200,160,138) with dark
// vertical strands (sRGB 42,28,20) at x 230–270, y 20–80: a "hair" region over skin and a bare
// "scalp" region below it, for the match and record routes. Not a photo of anyone: a stand-in.
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <vector>

int main(int argc, char** argv) {
  if (argc != 3) return 2;
  const cv::Mat card = cv::imread(argv[1], cv::IMREAD_COLOR);
  if (card.empty()) return 1;
  cv::Mat canvas(141, 300, CV_8UC3, cv::Scalar(138, 160, 200));  // BGR
  card.copyTo(canvas(cv::Rect(0, 0, card.cols, card.rows)));
  for (int x = 232; x < 270; x += 6) {
    cv::line(canvas, {x, 20}, {x + 1, 79}, cv::Scalar(20, 28, 42), 2);
  }
  return cv::imwrite(argv[2], canvas, std::vector<int>{cv::IMWRITE_JPEG_QUALITY, 90}) ? 0 : 1;
}
