#include "photo/measure_overlay.hpp"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include <opencv2/imgproc.hpp>

#include "colour/srgb.hpp"
#include "photo/png_encode.hpp"

namespace shadematch::photo {

namespace {

cv::Mat display_bgr8(const DecodedImage& image) {
  cv::Mat rgb = image.encoded;
  if (rgb.depth() == CV_16U) rgb.convertTo(rgb, CV_8U, 1.0 / 257.0);
  cv::Mat bgr;
  cv::cvtColor(rgb, bgr, cv::COLOR_RGB2BGR);
  return bgr;
}

void dashed_rect(cv::Mat& img, const cv::Rect& r, const cv::Scalar& colour, int thickness) {
  const cv::Point corners[4] = {r.tl(), {r.x + r.width, r.y}, r.br(), {r.x, r.y + r.height}};
  for (int i = 0; i < 4; ++i) {
    const cv::Point a = corners[i], b = corners[(i + 1) % 4];
    const double length = std::hypot(b.x - a.x, b.y - a.y);
    const int dashes = std::max(1, static_cast<int>(length / 12.0));
    for (int d = 0; d < dashes; d += 2) {
      const double t0 = static_cast<double>(d) / dashes, t1 = static_cast<double>(d + 1) / dashes;
      cv::line(img, a + (b - a) * t0, a + (b - a) * t1, colour, thickness, cv::LINE_AA);
    }
  }
}

}  // namespace

cv::Mat render_regions_overlay(const DecodedImage& image, const std::vector<RegionMeasurement>& regions,
                               const std::optional<Quad>& card_corners, int max_long_side) {
  cv::Mat out = display_bgr8(image);
  double k = image.scale;  // full-photo px → encoded px
  const int long_side = std::max(out.cols, out.rows);
  if (long_side > max_long_side) {
    const double shrink = static_cast<double>(max_long_side) / long_side;
    cv::resize(out, out, {}, shrink, shrink, cv::INTER_AREA);
    k *= shrink;
  }
  const int thick = std::max(2, std::max(out.cols, out.rows) / 500);
  const double font = std::max(0.5, std::max(out.cols, out.rows) / 1600.0);
  if (card_corners) {
    std::vector<cv::Point> poly;
    for (const auto& p : *card_corners)
      poly.emplace_back(static_cast<int>(std::lround(p.x * k)), static_cast<int>(std::lround(p.y * k)));
    cv::polylines(out, poly, true, cv::Scalar(255, 255, 255), thick, cv::LINE_AA);
    cv::putText(out, "card", poly[0] + cv::Point(0, -thick * 2), cv::FONT_HERSHEY_SIMPLEX, font,
                cv::Scalar(255, 255, 255), thick, cv::LINE_AA);
  }
  for (const RegionMeasurement& m : regions) {
    const cv::Rect r(static_cast<int>(std::lround(m.rect.x * k)), static_cast<int>(std::lround(m.rect.y * k)),
                     std::max(1, static_cast<int>(std::lround(m.rect.width * k))),
                     std::max(1, static_cast<int>(std::lround(m.rect.height * k))));
    const cv::Scalar colour = m.kind == RegionKind::hair    ? cv::Scalar(0, 200, 255)
                              : m.kind == RegionKind::scalp ? cv::Scalar(80, 220, 80)
                                                            : cv::Scalar(255, 160, 60);
    if (m.proposed) {
      dashed_rect(out, r, colour, thick);
    } else {
      cv::rectangle(out, r, colour, thick, cv::LINE_AA);
    }
    // Swatch of the measured colour beside the name.
    const colour::Lab shown = m.follicle_lab ? *m.follicle_lab : m.lab;
    const colour::Srgb8 rgb = colour::lab_d50_to_srgb8(shown);
    const int side = static_cast<int>(24 * font);
    const cv::Rect sw(r.x, std::max(0, r.y - side - thick), side, side);
    cv::rectangle(out, sw & cv::Rect(0, 0, out.cols, out.rows), cv::Scalar(rgb.b, rgb.g, rgb.r), cv::FILLED);
    std::string label = m.name;
    if (m.proposed) {
      char buf[32];
      std::snprintf(buf, sizeof buf, " (proposed, %.0f%%)", 100.0 * m.confidence);
      label += buf;
    }
    cv::putText(out, label, {sw.x + side + thick * 2, sw.y + side - thick}, cv::FONT_HERSHEY_SIMPLEX, font, colour,
                thick, cv::LINE_AA);
  }
  return out;
}

void write_regions_overlay(const std::string& path, const DecodedImage& image,
                           const std::vector<RegionMeasurement>& regions, const std::optional<Quad>& card_corners,
                           int max_long_side) {
  write_png_file(path, render_regions_overlay(image, regions, card_corners, max_long_side));
}

}  // namespace shadematch::photo
