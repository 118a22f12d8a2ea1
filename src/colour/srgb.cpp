#include "colour/srgb.hpp"

#include <lcms2.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <memory>

namespace shadematch::colour {
namespace {

// Transforms are built once and shared; cmsFLAGS_NOCACHE makes cmsDoTransform safe to call
// from several threads on the same transform.
struct Transforms {
  cmsHTRANSFORM lab_to_rgb = nullptr;
  cmsHTRANSFORM rgb_to_lab = nullptr;
  Transforms() {
    cmsHPROFILE lab = cmsCreateLab4Profile(cmsD50_xyY());
    cmsHPROFILE srgb = cmsCreate_sRGBProfile();
    lab_to_rgb = cmsCreateTransform(lab, TYPE_Lab_DBL, srgb, TYPE_RGB_DBL, INTENT_RELATIVE_COLORIMETRIC,
                                    cmsFLAGS_NOCACHE | cmsFLAGS_NOOPTIMIZE);
    rgb_to_lab = cmsCreateTransform(srgb, TYPE_RGB_DBL, lab, TYPE_Lab_DBL, INTENT_RELATIVE_COLORIMETRIC,
                                    cmsFLAGS_NOCACHE | cmsFLAGS_NOOPTIMIZE);
    cmsCloseProfile(lab);
    cmsCloseProfile(srgb);
  }
  ~Transforms() {
    if (lab_to_rgb) cmsDeleteTransform(lab_to_rgb);
    if (rgb_to_lab) cmsDeleteTransform(rgb_to_lab);
  }
  Transforms(const Transforms&) = delete;
  Transforms& operator=(const Transforms&) = delete;
};

const Transforms& transforms() {
  static const Transforms t;
  return t;
}

std::uint8_t to_byte(double v) {
  return static_cast<std::uint8_t>(std::lround(std::clamp(v, 0.0, 1.0) * 255.0));
}

}  // namespace

std::string Srgb8::hex() const {
  std::array<char, 8> buf{};
  std::snprintf(buf.data(), buf.size(), "#%02x%02x%02x", r, g, b);
  return buf.data();
}

Srgb8 lab_d50_to_srgb8(const Lab& lab) {
  if (!std::isfinite(lab.l) || !std::isfinite(lab.a) || !std::isfinite(lab.b)) return {0, 0, 0, true};
  const double in[3] = {lab.l, lab.a, lab.b};
  double out[3] = {0, 0, 0};
  cmsDoTransform(transforms().lab_to_rgb, in, out, 1);
  // Float transforms on matrix-shaper profiles are unbounded in lcms2, so values outside 0..1
  // show the colour is out of gamut. 0.5/255 slack: what rounds into range is in gamut.
  constexpr double slack = 0.5 / 255.0;
  bool clipped = false;
  for (double v : out) clipped = clipped || !std::isfinite(v) || v < -slack || v > 1.0 + slack;
  return {to_byte(out[0]), to_byte(out[1]), to_byte(out[2]), clipped};
}

Lab srgb_to_lab_d50(double r, double g, double b) {
  const double in[3] = {r, g, b};
  double out[3] = {0, 0, 0};
  cmsDoTransform(transforms().rgb_to_lab, in, out, 1);
  return {out[0], out[1], out[2]};
}

Lab srgb8_to_lab_d50(std::uint8_t r, std::uint8_t g, std::uint8_t b) {
  return srgb_to_lab_d50(r / 255.0, g / 255.0, b / 255.0);
}

bool hex_to_lab_d50(const std::string& hex, Lab& out) {
  std::string_view s = hex;
  if (!s.empty() && s.front() == '#') s.remove_prefix(1);
  if (s.size() != 6) return false;
  unsigned v[3] = {0, 0, 0};
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 2; ++j) {
      const char c = s[static_cast<std::size_t>(i * 2 + j)];
      unsigned d = 0;
      if (c >= '0' && c <= '9')
        d = static_cast<unsigned>(c - '0');
      else if (c >= 'a' && c <= 'f')
        d = static_cast<unsigned>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F')
        d = static_cast<unsigned>(c - 'A' + 10);
      else
        return false;
      v[i] = v[i] * 16 + d;
    }
  }
  out = srgb8_to_lab_d50(static_cast<std::uint8_t>(v[0]), static_cast<std::uint8_t>(v[1]),
                         static_cast<std::uint8_t>(v[2]));
  return true;
}

}  // namespace shadematch::colour
