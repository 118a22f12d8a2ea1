#include "colour/lab.hpp"

#include <lcms2.h>

#include <cmath>
#include <limits>

namespace shadematch::colour {
namespace {

bool finite(const Xyz& v) {
  return std::isfinite(v.x) && std::isfinite(v.y) && std::isfinite(v.z);
}
bool finite(const Lab& v) {
  return std::isfinite(v.l) && std::isfinite(v.a) && std::isfinite(v.b);
}
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

cmsCIEXYZ to_cms(const Xyz& v) {
  return cmsCIEXYZ{v.x, v.y, v.z};
}

}  // namespace

Lab xyz_to_lab(const Xyz& xyz, const WhitePoint& white) {
  if (!finite(xyz) || !finite(white.xyz)) return {kNaN, kNaN, kNaN};
  const cmsCIEXYZ w = to_cms(white.xyz);
  const cmsCIEXYZ in = to_cms(xyz);
  cmsCIELab out{};
  cmsXYZ2Lab(&w, &out, &in);
  return {out.L, out.a, out.b};
}

Xyz lab_to_xyz(const Lab& lab, const WhitePoint& white) {
  if (!finite(lab) || !finite(white.xyz)) return {kNaN, kNaN, kNaN};
  const cmsCIEXYZ w = to_cms(white.xyz);
  const cmsCIELab in{lab.l, lab.a, lab.b};
  cmsCIEXYZ out{};
  cmsLab2XYZ(&w, &out, &in);
  return {out.X, out.Y, out.Z};
}

Lch lab_to_lch(const Lab& lab) {
  if (!finite(lab)) return {kNaN, kNaN, kNaN};
  const cmsCIELab in{lab.l, lab.a, lab.b};
  cmsCIELCh out{};
  cmsLab2LCh(&out, &in);
  return {out.L, out.C, out.h};
}

Lab lch_to_lab(const Lch& lch) {
  if (!std::isfinite(lch.l) || !std::isfinite(lch.c) || !std::isfinite(lch.h)) return {kNaN, kNaN, kNaN};
  const cmsCIELCh in{lch.l, lch.c, lch.h};
  cmsCIELab out{};
  cmsLCh2Lab(&out, &in);
  return {out.L, out.a, out.b};
}

Xyz adapt_bradford(const Xyz& xyz, const WhitePoint& from, const WhitePoint& to) {
  if (!finite(xyz) || !finite(from.xyz) || !finite(to.xyz)) return {kNaN, kNaN, kNaN};
  // cmsAdaptToIlluminant applies the Bradford cone response (lcms2 cmsBradfordMatrix).
  const cmsCIEXYZ src = to_cms(from.xyz);
  const cmsCIEXYZ dst = to_cms(to.xyz);
  const cmsCIEXYZ in = to_cms(xyz);
  cmsCIEXYZ out{};
  if (!cmsAdaptToIlluminant(&out, &src, &dst, &in)) return {kNaN, kNaN, kNaN};
  return {out.X, out.Y, out.Z};
}

WhitePoint white_from_xy(double x, double y) {
  if (!(y > 0.0) || !std::isfinite(x) || !std::isfinite(y)) return {{kNaN, kNaN, kNaN}};
  return {{x / y, 1.0, (1.0 - x - y) / y}};
}

}  // namespace shadematch::colour
