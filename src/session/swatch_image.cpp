#include "session/swatch_image.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <opencv2/imgproc.hpp>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "colour/srgb.hpp"
#include "common/error.hpp"
#include "files/palette_edit.hpp"
#include "photo/cv_geometry.hpp"
#include "photo/png_encode.hpp"

namespace shadematch::session {
namespace {

using photo::to_cv;

cv::Scalar bgr(const colour::Lab& lab) {
  const colour::Srgb8 c = colour::lab_d50_to_srgb8(lab);
  return {static_cast<double>(c.b), static_cast<double>(c.g), static_cast<double>(c.r)};
}

// Hershey fonts draw ASCII only: other bytes (UTF-8 names) become '?'.
std::string ascii(const std::string& s) {
  std::string out;
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x80) {
      out += c;
    } else if ((u & 0xC0) != 0x80) {
      out += '?';  // one '?' per UTF-8 sequence (its continuation bytes are skipped)
    }
  }
  return out;
}

std::string fit_text(const std::string& s, double scale, int max_width) {
  std::string t = ascii(s);
  int baseline = 0;
  while (!t.empty() && cv::getTextSize(t, cv::FONT_HERSHEY_SIMPLEX, scale, 1, &baseline).width > max_width) {
    t.pop_back();
  }
  return t;
}

void text(cv::Mat& img, const std::string& s, cv::Point at, double scale, int max_width) {
  cv::putText(img, fit_text(s, scale, max_width), at, cv::FONT_HERSHEY_SIMPLEX, scale, cv::Scalar(40, 40, 40), 1,
              cv::LINE_AA);
}

}  // namespace

cv::Mat render_swatch_image(const report::SwatchChart& chart, const report::SwatchGeometry& g) {
  cv::Mat img(g.height(chart), g.width(chart), CV_8UC3, cv::Scalar(255, 255, 255));
  text(img, chart.title + " - masstone and healed dot (water:pigment) per skin", {g.gap, 18}, 0.5,
       img.cols - 2 * g.gap);
  text(img, "masstone", {g.label_width, g.header_height - 8}, 0.35, g.cell + g.group_gap);
  const int steps = static_cast<int>(chart.dilutions.size());
  for (int s = 0; s < static_cast<int>(chart.skins.size()); ++s) {
    const PixelRect first = g.healed_cell(chart, 0, s, 0);
    const int group_width = steps * (g.cell + g.gap) - g.gap;
    text(img, chart.skins[static_cast<std::size_t>(s)].name, {first.x, 38}, 0.45, group_width);
    for (int k = 0; k < steps; ++k) {
      const cv::Rect c = to_cv(g.healed_cell(chart, 0, s, k));
      text(img, chart.dilutions[static_cast<std::size_t>(k)], {c.x + 4, g.header_height - 8}, 0.4, g.cell);
    }
  }
  for (int r = 0; r < static_cast<int>(chart.rows.size()); ++r) {
    const report::SwatchRow& row = chart.rows[static_cast<std::size_t>(r)];
    const cv::Rect m = to_cv(g.masstone_cell(r));
    text(img, row.id, {g.gap, m.y + 22}, 0.5, g.label_width - 2 * g.gap);
    text(img, row.name, {g.gap, m.y + 44}, 0.4, g.label_width - 2 * g.gap);
    cv::rectangle(img, m, bgr(row.masstone), cv::FILLED);
    for (int s = 0; s < static_cast<int>(chart.skins.size()); ++s) {
      for (int k = 0; k < steps; ++k) {
        const cv::Rect c = to_cv(g.healed_cell(chart, r, s, k));
        cv::rectangle(img, c, bgr(chart.skins[static_cast<std::size_t>(s)].lab), cv::FILLED);
        const colour::Lab& dot = row.healed[static_cast<std::size_t>(s)][static_cast<std::size_t>(k)];
        cv::circle(img, {c.x + c.width / 2, c.y + c.height / 2}, g.dot_radius, bgr(dot), cv::FILLED, cv::LINE_AA);
      }
    }
  }
  return img;
}

void write_swatch_chart(const std::string& path, const report::SwatchChart& chart) {
  std::string ext;
  const std::size_t dot = path.rfind('.');
  const std::size_t slash = path.rfind('/');
  if (dot != std::string::npos && (slash == std::string::npos || dot > slash)) ext = path.substr(dot + 1);
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (ext == "html" || ext == "htm") {
    files::write_file_with_backup(path, report::swatch_html(chart));
  } else if (ext == "png") {
    std::vector<std::uint8_t> png;
    try {
      png = photo::encode_png(render_swatch_image(chart));
    } catch (const std::runtime_error& e) {
      throw InputError(path, e.what());
    }
    files::write_file_with_backup(path, std::string_view(reinterpret_cast<const char*>(png.data()), png.size()));
  } else {
    throw UsageError("palette swatches: --out: expected a .png or .html file, found '" + path + "'");
  }
}

}  // namespace shadematch::session
