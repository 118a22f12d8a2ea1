#include "pigment/skin_optics.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace shadematch::pigment::optics {

double diffuse_internal_reflectance(double n) {
  if (!(n > 1.0)) return 0.0;
  // Light inside (index n) meets the boundary at θ; beyond the critical angle it is reflected
  // whole. Midpoint rule on 20 000 steps: the integrand is smooth except for its kink at the
  // critical angle, which a step of 8e-5 rad resolves to ~1e-8.
  constexpr int kSteps = 20000;
  const double half_pi = 0.5 * std::numbers::pi;
  double sum = 0.0;
  for (int i = 0; i < kSteps; ++i) {
    const double theta = (i + 0.5) * half_pi / kSteps;
    const double si = std::sin(theta);
    const double ci = std::cos(theta);
    const double st = n * si;  // sin of the refracted angle in air
    double r = 1.0;
    if (st < 1.0) {
      const double ct = std::sqrt(1.0 - st * st);
      const double rs = (n * ci - ct) / (n * ci + ct);
      const double rp = (n * ct - ci) / (n * ct + ci);
      r = 0.5 * (rs * rs + rp * rp);
    }
    sum += r * 2.0 * si * ci;
  }
  return sum * half_pi / kSteps;
}

double Surface::to_body(double measured) const {
  const double m = specular_included ? measured - k1 : measured;
  const double g = (1.0 - k1) * (1.0 - k2);
  const double body = m / (g + k2 * m);
  if (!(body >= 1e-4)) return 1e-4;  // also NaN
  return std::min(body, 0.9999);
}

LayerRT km_layer(double kx, double sx) {
  // ρ(1 − u)/(1 − ρ²u) is 0/0 for a non-absorbing layer (ρ = u = 1). Multiplied out with N² − S² =
  // (K + y)(N + S) and w = (K + y)/(1 − u) (→ 1/2 as K → 0, since y ≈ √(2KS) ≫ K):
  //   R = S·N / (w(N + S) + S²),   T = w(N + S)√u / (w(N + S) + S²)
  // which gives Kubelka's R = SX/(1 + SX), T = 1/(1 + SX) at K = 0.
  const double y = std::sqrt(kx * (kx + 2.0 * sx));
  const double n = sx + kx + y;
  if (!(n > 0.0)) return {0.0, 1.0};  // an empty layer
  const double one_minus_u = -std::expm1(-2.0 * y);
  const double w = one_minus_u > 0.0 ? (kx + y) / one_minus_u : 0.5;
  const double den = w * (n + sx) + sx * sx;
  return {sx * n / den, w * (n + sx) * std::exp(-y) / den};
}

namespace {
// ω is kept below 1 − 1e-9: the closed forms are 0/0 for a lossless layer (k = 0), and no tissue is
// lossless (Jacques 1998's baseline absorption is ≥ 0.244 cm⁻¹ everywhere).
constexpr double kMaxAlbedo = 1.0 - 1e-9;
// The closed forms carry 1/(1 − k²μ₀²), removable where kμ₀ = 1 (ω = 2/3 at μ₀ = 1): within 1e-6
// of it μ₀ moves to 1 + 2e-6 (a change of R and T of order 1e-6, far below a colour's resolution;
// the cancellation left is ~1e-10 relative).
constexpr double kResonance = 1e-6;
}  // namespace

BeamRT eddington_beam(double mua_x, double musp_x) {
  const double tau = mua_x + musp_x;
  if (!(tau > 0.0)) return {0.0, 1.0};  // an empty layer (also NaN)
  const double w = std::min(musp_x / tau, kMaxAlbedo);
  const double g1 = (7.0 - 4.0 * w) / 4.0;
  const double g2 = -(1.0 - 4.0 * w) / 4.0;
  const double g3 = 0.5;
  const double g4 = 0.5;
  const double k = std::sqrt((g1 - g2) * (g1 + g2));  // √(3(1 − ω))
  const double mu0 = std::abs(1.0 - k) < kResonance ? 1.0 + 2.0 * kResonance : 1.0;
  const double a1 = g1 * g4 + g2 * g3;
  const double a2 = g1 * g3 + g2 * g4;
  // Meador & Weaver's forms divided through by e^{kτ} (no overflow for thick layers).
  const double e2k = std::exp(-2.0 * k * tau);
  const double ek = std::exp(-k * tau);
  const double direct = std::exp(-tau / mu0);
  const double den = (1.0 - k * k * mu0 * mu0) * (k * (1.0 + e2k) - g1 * std::expm1(-2.0 * k * tau));
  const double r = w / den *
                   ((1.0 - k * mu0) * (a2 + k * g3) - (1.0 + k * mu0) * (a2 - k * g3) * e2k -
                    2.0 * k * (g3 - a2 * mu0) * direct * ek);
  const double t = direct -
                   w * direct / den * ((1.0 + k * mu0) * (a1 + k * g4) - (1.0 - k * mu0) * (a1 - k * g4) * e2k) +
                   w / den * 2.0 * k * (g4 + a1 * mu0) * ek;
  return {std::clamp(r, 0.0, 1.0), std::clamp(t, 0.0, 1.0)};
}

}  // namespace shadematch::pigment::optics
