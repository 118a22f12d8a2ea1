#pragma once
// Conversions between common/geometry.hpp and OpenCV's types, field for field (photo/ and
// session/ only: the layers that include OpenCV).
#include <array>
#include <vector>

#include <opencv2/core.hpp>

#include "common/geometry.hpp"

namespace shadematch::photo {

inline cv::Rect to_cv(const PixelRect& r) {
  return {r.x, r.y, r.width, r.height};
}
inline PixelRect from_cv(const cv::Rect& r) {
  return {r.x, r.y, r.width, r.height};
}
inline cv::Point to_cv(const PixelPoint& p) {
  return {p.x, p.y};
}
inline PixelPoint from_cv(const cv::Point& p) {
  return {p.x, p.y};
}
inline cv::Point2f to_cv(const PointF& p) {
  return {p.x, p.y};
}
inline PointF from_cv(const cv::Point2f& p) {
  return {p.x, p.y};
}

inline std::array<cv::Point2f, 4> to_cv(const Quad& q) {
  return {to_cv(q[0]), to_cv(q[1]), to_cv(q[2]), to_cv(q[3])};
}
inline Quad from_cv(const std::array<cv::Point2f, 4>& q) {
  return {from_cv(q[0]), from_cv(q[1]), from_cv(q[2]), from_cv(q[3])};
}

inline std::vector<cv::Point> to_cv(const std::vector<PixelPoint>& polygon) {
  std::vector<cv::Point> out;
  out.reserve(polygon.size());
  for (const PixelPoint& p : polygon) out.push_back(to_cv(p));
  return out;
}

}  // namespace shadematch::photo
