#include "colour/delta_e.hpp"

#include <lcms2.h>

#include <algorithm>
#include <cmath>
#include <numbers>

namespace shadematch::colour {
namespace {
cmsCIELab to_cms(const Lab& v) {
  return cmsCIELab{v.l, v.a, v.b};
}
}  // namespace

double delta_e_2000(const Lab& a, const Lab& b) {
  const cmsCIELab x = to_cms(a);
  const cmsCIELab y = to_cms(b);
  return cmsCIE2000DeltaE(&x, &y, 1.0, 1.0, 1.0);
}

double delta_e_94(const Lab& reference, const Lab& sample) {
  const cmsCIELab x = to_cms(reference);
  const cmsCIELab y = to_cms(sample);
  return cmsCIE94DeltaE(&x, &y);
}

double delta_e_cmc(const Lab& reference, const Lab& sample, double l, double c) {
  const cmsCIELab x = to_cms(reference);
  const cmsCIELab y = to_cms(sample);
  return cmsCMCdeltaE(&x, &y, l, c);
}

double delta_e_76(const Lab& a, const Lab& b) {
  const cmsCIELab x = to_cms(a);
  const cmsCIELab y = to_cms(b);
  return cmsDeltaE(&x, &y);
}

double delta_e(DeltaEFormula formula, const Lab& reference, const Lab& sample) {
  switch (formula) {
    case DeltaEFormula::cie2000:
      return delta_e_2000(reference, sample);
    case DeltaEFormula::cie94:
      return delta_e_94(reference, sample);
    case DeltaEFormula::cmc:
      return delta_e_cmc(reference, sample);
    case DeltaEFormula::cie76:
      return delta_e_76(reference, sample);
  }
  return std::nan("");
}

std::optional<DeltaEFormula> parse_delta_e_formula(std::string_view name) {
  if (name == "2000" || name == "00" || name == "de2000") return DeltaEFormula::cie2000;
  if (name == "94") return DeltaEFormula::cie94;
  if (name == "cmc" || name == "CMC") return DeltaEFormula::cmc;
  if (name == "76") return DeltaEFormula::cie76;
  return std::nullopt;
}

std::string_view delta_e_formula_name(DeltaEFormula formula) {
  switch (formula) {
    case DeltaEFormula::cie2000:
      return "2000";
    case DeltaEFormula::cie94:
      return "94";
    case DeltaEFormula::cmc:
      return "cmc";
    case DeltaEFormula::cie76:
      return "76";
  }
  return "?";
}

namespace {
// The weighted terms of CIEDE2000: ΔL'/S_L, ΔC'/S_C, ΔH'/S_H and R_T (eq. 16–20), so that
// ΔE00² = tl² + tc² + th² + rt·tc·th.
struct De2000Terms {
  double tl, tc, th, rt;
};

// x⁷ by three multiplications: eq. (4) and (17)'s C̄⁷ in every hot loop (colour fits, blend
// ranking), where std::pow(x, 7.0) took a tenth of a calibration's time.
constexpr double pow7(double x) noexcept {
  const double x3 = x * x * x;
  return x3 * x3 * x;
}

// CIEDE2000 following Sharma, Wu & Dalal (2005), equations (1)–(20), kL = kC = kH = 1.
// Hue angles in radians internally; the mean hue uses the |Δh| > 180° rule of eq. (14).
De2000Terms delta_e_2000_terms(const Lab& x, const Lab& y) noexcept {
  constexpr double pi = std::numbers::pi;
  constexpr double deg = pi / 180.0;
  constexpr double pow25_7 = 6103515625.0;  // 25^7, eq. (4)
  const double c1 = std::hypot(x.a, x.b);
  const double c2 = std::hypot(y.a, y.b);
  const double cbar = 0.5 * (c1 + c2);
  const double cbar7 = pow7(cbar);
  const double g = 0.5 * (1.0 - std::sqrt(cbar7 / (cbar7 + pow25_7)));
  const double a1p = (1.0 + g) * x.a;
  const double a2p = (1.0 + g) * y.a;
  const double c1p = std::hypot(a1p, x.b);
  const double c2p = std::hypot(a2p, y.b);
  auto hue = [&](double b, double ap) {
    if (b == 0.0 && ap == 0.0) return 0.0;
    double h = std::atan2(b, ap);
    if (h < 0.0) h += 2.0 * pi;
    return h;
  };
  const double h1p = hue(x.b, a1p);
  const double h2p = hue(y.b, a2p);
  const double dlp = y.l - x.l;
  const double dcp = c2p - c1p;
  double dhp = 0.0;
  if (c1p * c2p != 0.0) {
    dhp = h2p - h1p;
    if (dhp > pi)
      dhp -= 2.0 * pi;
    else if (dhp < -pi)
      dhp += 2.0 * pi;
  }
  const double dHp = 2.0 * std::sqrt(c1p * c2p) * std::sin(dhp / 2.0);
  const double lbarp = 0.5 * (x.l + y.l);
  const double cbarp = 0.5 * (c1p + c2p);
  double hbarp = h1p + h2p;
  if (c1p * c2p != 0.0) {
    if (std::fabs(h1p - h2p) > pi)
      hbarp = (h1p + h2p < 2.0 * pi) ? (h1p + h2p + 2.0 * pi) / 2.0 : (h1p + h2p - 2.0 * pi) / 2.0;
    else
      hbarp = (h1p + h2p) / 2.0;
  }
  const double t = 1.0 - 0.17 * std::cos(hbarp - 30.0 * deg) + 0.24 * std::cos(2.0 * hbarp) +
                   0.32 * std::cos(3.0 * hbarp + 6.0 * deg) - 0.20 * std::cos(4.0 * hbarp - 63.0 * deg);
  const double hue_off = (hbarp / deg - 275.0) / 25.0;
  const double dtheta = 30.0 * deg * std::exp(-hue_off * hue_off);
  const double cbarp7 = pow7(cbarp);
  const double rc = 2.0 * std::sqrt(cbarp7 / (cbarp7 + pow25_7));
  const double l50 = (lbarp - 50.0) * (lbarp - 50.0);
  const double sl = 1.0 + 0.015 * l50 / std::sqrt(20.0 + l50);
  const double sc = 1.0 + 0.045 * cbarp;
  const double sh = 1.0 + 0.015 * cbarp * t;
  const double rt = -std::sin(2.0 * dtheta) * rc;
  const double tl = dlp / sl;
  const double tc = dcp / sc;
  const double th = dHp / sh;
  return {tl, tc, th, rt};
}
}  // namespace

double delta_e_2000_fast(const Lab& x, const Lab& y) noexcept {
  const De2000Terms t = delta_e_2000_terms(x, y);
  return std::sqrt(t.tl * t.tl + t.tc * t.tc + t.th * t.th + t.rt * t.tc * t.th);
}

std::array<double, 3> delta_e_2000_components(const Lab& reference, const Lab& sample) noexcept {
  // tc² + rt·tc·th + th² = u² + v² with u = tc + (rt/2)·th, v = √(1 − rt²/4)·th (the Cholesky
  // factor of [[1, rt/2], [rt/2, 1]]); |rt| ≤ 2·sin 60° < 2 (eq. 17–19), so the root is real.
  const De2000Terms t = delta_e_2000_terms(reference, sample);
  const double half = 0.5 * t.rt;
  return {t.tl, t.tc + half * t.th, std::sqrt(std::max(0.0, 1.0 - half * half)) * t.th};
}

LabDifference lab_difference(const Lab& reference, const Lab& sample) {
  const double c1 = std::hypot(reference.a, reference.b);
  const double c2 = std::hypot(sample.a, sample.b);
  const double da = sample.a - reference.a;
  const double db = sample.b - reference.b;
  const double dc = c2 - c1;
  // ΔH*ab with its sign: positive when the sample's hue angle is anticlockwise of the reference's.
  const double dh2 = std::max(0.0, da * da + db * db - dc * dc);
  const double cross = reference.a * sample.b - reference.b * sample.a;
  const double dh = (cross < 0.0 ? -1.0 : 1.0) * std::sqrt(dh2);
  return {sample.l - reference.l, dc, dh};
}

}  // namespace shadematch::colour
