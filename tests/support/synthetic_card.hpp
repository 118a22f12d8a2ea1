#pragma once
// A reference card drawn flat through a known camera (issue 3's synthetic card): any card
// definition's patches, at their layout positions, on a black card body over grey cloth. Shared by
// the photo tests (tests/photo/calibrate_test.cpp) and the card-file tests (another maker's card).
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "colour/lab.hpp"
#include "colour/spectral.hpp"
#include "photo/card.hpp"

namespace shadematch::test {

// A camera made of the parts issue 3 names, applied to the card's reference XYZ (D50):
//  - linear mixing: the XYZ → linear-sRGB matrix (IEC 61966-2-1, D65) blended 80/20 with a
//    luminance-only row, as overlapping sensor sensitivities desaturate; applied to D50 XYZ it also
//    leaves a D50-vs-D65 cast;
//  - white-balance error: gains (1.12, 1, 0.84) on R, G, B;
//  - exposure 0.8 (white patch below clipping);
//  - tone curve: v^(1/2.0) per channel stored as the 8-bit code (the decoder then assumes sRGB,
//    so what remains after its linearization is sRGB⁻¹∘v^(1/2) — not a pure power);
//  - noise: Gaussian, σ = 1.5 codes; JPEG quality 90 (4:2:0 chroma).
inline colour::LinearRgb camera_rgb(const colour::Xyz& xyz) {
  const double r = 3.2406 * xyz.x - 1.5372 * xyz.y - 0.4986 * xyz.z;
  const double g = -0.9689 * xyz.x + 1.8758 * xyz.y + 0.0415 * xyz.z;
  const double b = 0.0557 * xyz.x - 0.2040 * xyz.y + 1.0570 * xyz.z;
  const auto mix = [&](double c) { return 0.8 * c + 0.2 * xyz.y; };
  return {0.8 * 1.12 * mix(r), 0.8 * 1.00 * mix(g), 0.8 * 0.84 * mix(b)};
}

struct SyntheticCard {
  cv::Mat bgr;
  std::array<cv::Point2f, 4> corners;  // patch-grid corners, patch 1 first, clockwise
};

// An ink swatch drawn beside the card through the same camera (for `palette measure`).
struct Swatch {
  cv::Rect rect;
  colour::Lab lab;
};

// `jpeg_quality` 0: the 8-bit codes are kept as they are (a lossless file), no JPEG round trip.
// `px`: pixels per card unit (2.4: the Classic's patches ≈ 110 px); the grid starts at (170, 150)
// in a 1200 × 900 frame of grey cloth, so the card must fit: px · (width + 12) ≤ 1030 and
// px · (height + 12) ≤ 750.
inline SyntheticCard render_synthetic_card(const photo::CardDefinition& card, std::uint64_t seed,
                                           const std::optional<Swatch>& swatch = std::nullopt, int jpeg_quality = 90,
                                           double px = 2.4) {
  const cv::Point2d origin(170, 150);
  if (px * (card.width + 12) > 1030 || px * (card.height + 12) > 750) {
    throw std::invalid_argument("render_synthetic_card: the card does not fit the frame at this scale");
  }
  cv::Mat img(900, 1200, CV_64FC3, cv::Scalar(0.25, 0.25, 0.25));
  // Card body (black frame) around the patch grid.
  cv::rectangle(img, cv::Point(static_cast<int>(origin.x - 12 * px), static_cast<int>(origin.y - 12 * px)),
                cv::Point(static_cast<int>(origin.x + (card.width + 12) * px),
                          static_cast<int>(origin.y + (card.height + 12) * px)),
                cv::Scalar(0.03, 0.03, 0.03), cv::FILLED);
  for (const auto& p : card.patches) {
    const auto rgb = camera_rgb(colour::lab_to_xyz(p.reference_lab, colour::d50_white()));
    const cv::Point a(static_cast<int>(std::lround(origin.x + (p.cx - p.w / 2) * px)),
                      static_cast<int>(std::lround(origin.y + (p.cy - p.h / 2) * px)));
    const cv::Point b(static_cast<int>(std::lround(origin.x + (p.cx + p.w / 2) * px)) - 1,
                      static_cast<int>(std::lround(origin.y + (p.cy + p.h / 2) * px)) - 1);
    cv::rectangle(img, a, b, cv::Scalar(rgb.b, rgb.g, rgb.r), cv::FILLED);  // BGR
  }
  if (swatch) {
    const auto rgb = camera_rgb(colour::lab_to_xyz(swatch->lab, colour::d50_white()));
    cv::rectangle(img, swatch->rect, cv::Scalar(rgb.b, rgb.g, rgb.r), cv::FILLED);
  }
  // Tone curve, 8-bit codes, noise.
  cv::Mat coded(img.size(), CV_64FC3);
  for (int y = 0; y < img.rows; ++y) {
    for (int x = 0; x < img.cols; ++x) {
      const auto& v = img.at<cv::Vec3d>(y, x);
      for (int c = 0; c < 3; ++c) coded.at<cv::Vec3d>(y, x)[c] = 255.0 * std::pow(std::clamp(v[c], 0.0, 1.0), 1 / 2.0);
    }
  }
  cv::Mat noise(coded.size(), CV_64FC3);
  cv::RNG rng(seed);
  rng.fill(noise, cv::RNG::NORMAL, 0.0, 1.5);
  coded += noise;
  SyntheticCard out;
  coded.convertTo(out.bgr, CV_8UC3);  // rounds and saturates
  if (jpeg_quality > 0) {
    std::vector<unsigned char> jpeg;
    if (!cv::imencode(".jpg", out.bgr, jpeg, {cv::IMWRITE_JPEG_QUALITY, jpeg_quality})) {
      throw std::runtime_error("render_synthetic_card: JPEG encoding failed");
    }
    out.bgr = cv::imdecode(jpeg, cv::IMREAD_COLOR);
  }
  out.corners = {
      cv::Point2f(static_cast<float>(origin.x), static_cast<float>(origin.y)),
      cv::Point2f(static_cast<float>(origin.x + card.width * px), static_cast<float>(origin.y)),
      cv::Point2f(static_cast<float>(origin.x + card.width * px), static_cast<float>(origin.y + card.height * px)),
      cv::Point2f(static_cast<float>(origin.x), static_cast<float>(origin.y + card.height * px))};
  return out;
}

}  // namespace shadematch::test
