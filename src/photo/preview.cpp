#include "photo/preview.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <numeric>
#include <random>
#include <string_view>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "colour/srgb.hpp"
#include "common/atomic_file.hpp"
#include "common/error.hpp"
#include "photo/png_encode.hpp"

namespace shadematch::photo {
namespace {

constexpr int kLabelHeight = 40;
constexpr int kGap = 8;
constexpr double kDotRadius = kPreviewPanel / 40.0;
constexpr unsigned kSeed = 14;  // fixed: the same plan draws the same picture

double srgb_to_linear(double v) {
  return v <= 0.04045 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4);
}
double linear_to_srgb(double v) {
  v = std::clamp(v, 0.0, 1.0);
  return v <= 0.0031308 ? 12.92 * v : 1.055 * std::pow(v, 1.0 / 2.4) - 0.055;
}

cv::Scalar bgr_of(const colour::Lab& lab) {
  const colour::Srgb8 s = colour::lab_d50_to_srgb8(lab);
  return {static_cast<double>(s.b), static_cast<double>(s.g), static_cast<double>(s.r)};
}

cv::Mat flat(const colour::Lab& lab) {
  return cv::Mat(kPreviewPanel, kPreviewPanel, CV_8UC3, bgr_of(lab));
}

// The region of the photo (displayed full-photo pixels), its central square scaled to the panel,
// per channel scaled in linear light so that its median shows `lab`. Flat `lab` when the region
// is missing or empty.
cv::Mat region_panel(const PreviewInput& in, const std::optional<PixelRect>& rect, const colour::Lab& lab) {
  if (in.image == nullptr || !rect || in.image->encoded.empty()) return flat(lab);
  const double s = in.image->scale;
  cv::Rect r(static_cast<int>(std::floor(rect->x * s)), static_cast<int>(std::floor(rect->y * s)),
             std::max(1, static_cast<int>(std::lround(rect->width * s))),
             std::max(1, static_cast<int>(std::lround(rect->height * s))));
  r &= cv::Rect(0, 0, in.image->encoded.cols, in.image->encoded.rows);
  if (r.width < 2 || r.height < 2) return flat(lab);
  const int side = std::min(r.width, r.height);
  r = cv::Rect(r.x + (r.width - side) / 2, r.y + (r.height - side) / 2, side, side);
  cv::Mat lin = in.image->linear(r);  // CV_32FC3, RGB, linear sRGB primaries
  cv::resize(lin, lin, {kPreviewPanel, kPreviewPanel}, 0, 0, side > kPreviewPanel ? cv::INTER_AREA : cv::INTER_LINEAR);
  const colour::Srgb8 want = colour::lab_d50_to_srgb8(lab);
  const double target[3] = {srgb_to_linear(want.r / 255.0), srgb_to_linear(want.g / 255.0),
                            srgb_to_linear(want.b / 255.0)};
  std::vector<cv::Mat> ch;
  cv::split(lin, ch);
  cv::Mat out(kPreviewPanel, kPreviewPanel, CV_8UC3);
  for (int c = 0; c < 3; ++c) {
    std::vector<float> v(ch[static_cast<std::size_t>(c)].begin<float>(), ch[static_cast<std::size_t>(c)].end<float>());
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
    const double median = v[v.size() / 2];
    const double gain = median > 1e-6 ? target[c] / median : 0.0;
    const cv::Mat& src = ch[static_cast<std::size_t>(c)];
    for (int y = 0; y < kPreviewPanel; ++y) {
      const float* p = src.ptr<float>(y);
      cv::Vec3b* o = out.ptr<cv::Vec3b>(y);
      for (int x = 0; x < kPreviewPanel; ++x) {
        const double value = median > 1e-6 ? gain * p[x] : target[c];
        o[x][2 - c] = static_cast<std::uint8_t>(std::lround(255.0 * linear_to_srgb(value)));  // BGR
      }
    }
  }
  return out;
}

void draw_dots(cv::Mat& panel, const colour::Lab& dot, double density) {
  const double area = static_cast<double>(kPreviewPanel) * kPreviewPanel;
  const double per_dot = std::numbers::pi * kDotRadius * kDotRadius;
  const int n = static_cast<int>(std::lround(std::clamp(density, 0.0, 1.0) * area / per_dot));
  if (n <= 0) return;
  const int grid = static_cast<int>(std::ceil(std::sqrt(static_cast<double>(n))));
  const double cell = static_cast<double>(kPreviewPanel) / grid;
  std::vector<int> cells(static_cast<std::size_t>(grid * grid));
  std::iota(cells.begin(), cells.end(), 0);
  std::mt19937 rng(kSeed);
  std::shuffle(cells.begin(), cells.end(), rng);
  std::uniform_real_distribution<double> jitter(0.2, 0.8);
  const cv::Scalar colour = bgr_of(dot);
  for (int k = 0; k < n; ++k) {
    const int c = cells[static_cast<std::size_t>(k)];
    const int column = c % grid, row = c / grid;  // the cell's place in the grid (integer division)
    const double x = (static_cast<double>(column) + jitter(rng)) * cell;
    const double y = (static_cast<double>(row) + jitter(rng)) * cell;
    cv::circle(panel, {static_cast<int>(std::lround(x)), static_cast<int>(std::lround(y))},
               static_cast<int>(std::lround(kDotRadius)), colour, cv::FILLED, cv::LINE_AA);
  }
}

void label(cv::Mat& canvas, int x, const std::string& text) {
  // Two lines: up to the first ':' and the rest, each cut to fit the panel.
  const std::size_t colon = text.find(':');
  const std::string first = text.substr(0, colon);
  const std::string second =
      colon == std::string::npos ? "" : text.substr(colon + 1 + (colon + 1 < text.size() ? 1 : 0));
  int line = 0;
  for (std::string s : {first, second}) {
    while (!s.empty() && cv::getTextSize(s, cv::FONT_HERSHEY_SIMPLEX, 0.4, 1, nullptr).width > kPreviewPanel)
      s.pop_back();
    cv::putText(canvas, s, {x, kGap + kPreviewPanel + 15 + 16 * line}, cv::FONT_HERSHEY_SIMPLEX, 0.4, {30, 30, 30}, 1,
                cv::LINE_AA);
    ++line;
  }
}

}  // namespace

cv::Mat render_healed_preview(const PreviewInput& in) {
  const int panels = static_cast<int>(in.sessions.size()) + 1;
  cv::Mat canvas(kGap + kPreviewPanel + kLabelHeight, kGap + panels * (kPreviewPanel + kGap), CV_8UC3,
                 cv::Scalar(255, 255, 255));
  const cv::Mat skin = region_panel(in, in.scalp_rect, in.skin);
  int x = kGap;
  for (const PreviewSession& s : in.sessions) {
    cv::Mat panel = skin.clone();
    if (s.dot) draw_dots(panel, *s.dot, s.density);
    panel.copyTo(canvas(cv::Rect(x, kGap, kPreviewPanel, kPreviewPanel)));
    label(canvas, x, s.label);
    x += kPreviewPanel + kGap;
  }
  cv::Mat hair;
  if (in.image != nullptr && in.hair_rect) {
    hair = region_panel(in, in.hair_rect, in.hair);
  } else {
    hair = skin.clone();
    draw_dots(hair, in.hair, in.coverage);
  }
  hair.copyTo(canvas(cv::Rect(x, kGap, kPreviewPanel, kPreviewPanel)));
  label(canvas, x, in.image != nullptr && in.hair_rect ? "Hair: as measured" : "Hair: follicle colour");
  return canvas;
}

std::string encode_healed_preview_png(const PreviewInput& input) {
  std::vector<std::uint8_t> png;
  try {
    png = encode_png(render_healed_preview(input));
  } catch (const std::runtime_error&) {
    return {};  // the caller reports an empty preview
  }
  return std::string(reinterpret_cast<const char*>(png.data()), png.size());
}

void write_healed_preview(const std::string& path, const PreviewInput& input) {
  const std::string png = encode_healed_preview_png(input);
  if (png.empty()) throw InputError(path, "cannot encode the preview as PNG");
  write_file_atomically(path, png);
}

}  // namespace shadematch::photo
