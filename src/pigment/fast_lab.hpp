#pragma once
// Hand-inlined CIE XYZ → CIELAB (CIE 15:2004 §8.2.1) for the model's inner loops, where a call
// into Little CMS per evaluation would dominate. Same formula as cmsXYZ2Lab:
//   L* = 116 f(Y/Yn) − 16, a* = 500 (f(X/Xn) − f(Y/Yn)), b* = 200 (f(Y/Yn) − f(Z/Zn)),
//   f(t) = t^(1/3) for t > (6/29)³, else t / (3 (6/29)²) + 4/29.
// Tested against colour::xyz_to_lab (tests/pigment/model_test.cpp).
#include <cmath>

#include "colour/types.hpp"

namespace shadematch::pigment::detail {

inline double lab_f(double t) noexcept {
  constexpr double kDelta = 6.0 / 29.0;
  constexpr double kDelta3 = kDelta * kDelta * kDelta;
  constexpr double kSlope = 1.0 / (3.0 * kDelta * kDelta);
  return t > kDelta3 ? std::cbrt(t) : t * kSlope + 4.0 / 29.0;
}

inline colour::Lab xyz_to_lab_fast(double x, double y, double z, const colour::Xyz& white) noexcept {
  const double fx = lab_f(x / white.x);
  const double fy = lab_f(y / white.y);
  const double fz = lab_f(z / white.z);
  return {116.0 * fy - 16.0, 500.0 * (fx - fy), 200.0 * (fy - fz)};
}

// Lab D50 of a model-grid reflectance through the shared D50 observer's weights.
colour::Lab spectrum_to_lab_d50_fast(const colour::Spectrum& r) noexcept;

}  // namespace shadematch::pigment::detail
