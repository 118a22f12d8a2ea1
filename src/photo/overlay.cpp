#include "photo/overlay.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <vector>

#include <unistd.h>

#include <opencv2/imgproc.hpp>

#include "photo/cv_geometry.hpp"
#include "photo/png_encode.hpp"

namespace shadematch::photo {
namespace {

cv::Scalar colour_for(const PatchResult* p) {
  if (p == nullptr || !std::isfinite(p->de00)) return {160, 160, 160};
  for (const auto& f : p->flags) {
    if (f == "excluded") return {160, 160, 160};
  }
  if (p->loo_de00 <= 2.0) return {60, 200, 60};  // BGR green: good
  if (p->loo_de00 <= 4.0) return {0, 190, 255};  // amber: usable
  return {40, 40, 230};                          // red: poor
}

}  // namespace

cv::Mat render_calibration_overlay(const DecodedImage& image, const CalibrationResult& result, int max_long_side) {
  cv::Mat bgr;
  if (image.encoded.depth() == CV_16U) {
    image.encoded.convertTo(bgr, CV_8U, 1.0 / 257.0);
    cv::cvtColor(bgr, bgr, cv::COLOR_RGB2BGR);
  } else {
    cv::cvtColor(image.encoded, bgr, cv::COLOR_RGB2BGR);
  }
  const int long_side = std::max(bgr.cols, bgr.rows);
  double extra = 1.0;
  if (max_long_side > 0 && long_side > max_long_side) {
    extra = static_cast<double>(max_long_side) / long_side;
    cv::resize(bgr, bgr, cv::Size(), extra, extra, cv::INTER_AREA);
  }
  // Full-photo pixels → overlay pixels.
  const double s = image.info.width > 0 ? static_cast<double>(bgr.cols) / image.info.width : 1.0;
  const auto to_px = [s](const cv::Point2f& p) {
    return cv::Point(static_cast<int>(std::lround(p.x * s)), static_cast<int>(std::lround(p.y * s)));
  };
  const int thick = std::max(1, static_cast<int>(std::lround(std::max(bgr.cols, bgr.rows) / 600.0)));
  if (!result.detection.found) {
    const std::string text = "no usable card: " + result.reason;
    cv::putText(bgr, text, {10, 10 + 20 * thick}, cv::FONT_HERSHEY_SIMPLEX, 0.6 * thick, {40, 40, 230}, thick,
                cv::LINE_AA);
    return bgr;
  }
  std::vector<cv::Point> outline;
  for (const auto& c : result.detection.corners) outline.push_back(to_px(to_cv(c)));
  cv::polylines(bgr, outline, true, {255, 255, 255}, thick + 1, cv::LINE_AA);
  cv::polylines(bgr, outline, true, {0, 0, 0}, std::max(1, thick - 1), cv::LINE_AA);
  cv::circle(bgr, outline[0], 4 * thick, {255, 0, 255}, cv::FILLED, cv::LINE_AA);  // patch 1 corner
  for (const auto& sample : result.detection.patches) {
    const PatchResult* pr = nullptr;
    for (const auto& p : result.patches) {
      if (p.index == sample.index) pr = &p;
    }
    std::vector<cv::Point> box;
    cv::Point2f centre(0, 0);
    for (const auto& c : sample.box) {
      box.push_back(to_px(to_cv(c)));
      centre += to_cv(c) * 0.25f;
    }
    const cv::Scalar col = colour_for(pr);
    cv::polylines(bgr, box, true, col, thick, cv::LINE_AA);
    if (pr != nullptr && std::isfinite(pr->de00)) {
      char buf[16];
      std::snprintf(buf, sizeof buf, "%.1f", pr->de00);
      const double side = cv::norm(to_cv(sample.box[1]) - to_cv(sample.box[0])) * s;
      const double font = std::clamp(side / 60.0, 0.3, 1.5);
      int base = 0;
      const cv::Size ts = cv::getTextSize(buf, cv::FONT_HERSHEY_SIMPLEX, font, 1, &base);
      const cv::Point at = to_px(centre) - cv::Point(ts.width / 2, -ts.height / 2);
      cv::putText(bgr, buf, at, cv::FONT_HERSHEY_SIMPLEX, font, {0, 0, 0}, 3, cv::LINE_AA);
      cv::putText(bgr, buf, at, cv::FONT_HERSHEY_SIMPLEX, font, {255, 255, 255}, 1, cv::LINE_AA);
    }
  }
  return bgr;
}

void write_calibration_overlay(const std::string& path, const DecodedImage& image, const CalibrationResult& result,
                               int max_long_side) {
  write_png_file(path, render_calibration_overlay(image, result, max_long_side));
}

}  // namespace shadematch::photo
