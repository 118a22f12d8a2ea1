#pragma once
// Plain pixel geometry for the values that cross from photo/ to files/, report/ and the server:
// a region's rectangle and polygon, a card's corners. Only photo/ and session/ include OpenCV;
// they convert with photo/cv_geometry.hpp. Same field names and meaning as cv::Rect, cv::Point
// and cv::Point2f, so a value converts field for field.
#include <array>
#include <ostream>

namespace shadematch {

// x, y of the top-left pixel; width × height pixels (empty when either is ≤ 0).
struct PixelRect {
  int x = 0;
  int y = 0;
  int width = 0;
  int height = 0;

  bool empty() const noexcept { return width <= 0 || height <= 0; }
  long long area() const noexcept { return empty() ? 0 : static_cast<long long>(width) * height; }
  friend bool operator==(const PixelRect&, const PixelRect&) = default;
};

struct PixelPoint {
  int x = 0;
  int y = 0;
  friend bool operator==(const PixelPoint&, const PixelPoint&) = default;
};

// A sub-pixel position (pixel centres at integer + 0.5 as in OpenCV: the same convention).
struct PointF {
  float x = 0;
  float y = 0;
  friend bool operator==(const PointF&, const PointF&) = default;
};

using Quad = std::array<PointF, 4>;  // four corners, in the order their owner documents

// For messages and test output: "x,y,w,h" as the command line takes a rectangle; "(x, y)".
inline std::ostream& operator<<(std::ostream& os, const PixelRect& r) {
  return os << r.x << ',' << r.y << ',' << r.width << ',' << r.height;
}
inline std::ostream& operator<<(std::ostream& os, const PixelPoint& p) {
  return os << '(' << p.x << ", " << p.y << ')';
}
inline std::ostream& operator<<(std::ostream& os, const PointF& p) {
  return os << '(' << p.x << ", " << p.y << ')';
}

}  // namespace shadematch
