#include "pigment/upsample.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "colour/spectral.hpp"
#include "pigment/fast_lab.hpp"
#include "pigment/lab_solver.hpp"

namespace shadematch::pigment {
namespace detail {

colour::Lab spectrum_to_lab_d50_fast(const colour::Spectrum& r) noexcept {
  const colour::SpectralObserver& o = colour::d50_observer();
  double x = 0.0, y = 0.0, z = 0.0;
  for (std::size_t i = 0; i < colour::kSpectrumBands; ++i) {
    x += r[i] * o.weights_x()[i];
    y += r[i] * o.weights_y()[i];
    z += r[i] * o.weights_z()[i];
  }
  return xyz_to_lab_fast(x, y, z, o.white().xyz);
}

}  // namespace detail

namespace {

// ΔE*ab below which a reproduction counts as exact: a thousandth of a just-noticeable difference.
constexpr double kAcceptDe = 1e-3;

double sigmoid(double z) noexcept {
  return 0.5 + z / (2.0 * std::sqrt(1.0 + z * z));
}
// Inverse of the sigmoid for a value in (0, 1): z = (2v − 1) / √(1 − (2v − 1)²).
double inverse_sigmoid(double v) noexcept {
  const double t = 2.0 * v - 1.0;
  return t / std::sqrt(1.0 - t * t);
}

colour::Lab lab_of(const detail::Vec3& p) noexcept {
  return detail::spectrum_to_lab_d50_fast(sigmoid_polynomial_spectrum({p[0], p[1], p[2]}));
}

double flat_y_for_l(double l) noexcept {
  // Y of a neutral with this L* (inverse of L* = 116 f(Y) − 16), kept inside (0, 1).
  const double fy = (l + 16.0) / 116.0;
  const double y = fy > 6.0 / 29.0 ? fy * fy * fy : (fy - 4.0 / 29.0) * 3.0 * (6.0 / 29.0) * (6.0 / 29.0);
  return std::clamp(y, 1e-4, 1.0 - 1e-4);
}

}  // namespace

colour::Spectrum sigmoid_polynomial_spectrum(const SigmoidCoefficients& c) noexcept {
  colour::Spectrum s;
  for (std::size_t i = 0; i < colour::kSpectrumBands; ++i) {
    const double x = (colour::band_wavelength_nm(i) - 550.0) / 150.0;
    s[i] = sigmoid((c.c0 * x + c.c1) * x + c.c2);
  }
  return s;
}

UpsampleResult upsample_lab_jakob2019(const colour::Lab& target) {
  UpsampleResult out;
  if (!std::isfinite(target.l) || !std::isfinite(target.a) || !std::isfinite(target.b)) {
    out.residual_de76 = std::numeric_limits<double>::infinity();
    out.reflectance = colour::Spectrum::constant(0.5);
    return out;
  }
  const detail::Vec3 flat{0.0, 0.0, inverse_sigmoid(flat_y_for_l(target.l))};
  detail::LmOutcome best = detail::solve_lab_lm(lab_of, flat, target);
  if (!(best.residual < kAcceptDe)) {
    // Continuation: walk the target from the neutral of the same L* to the requested chroma in ten
    // steps, each solve warm-started from the previous one.
    detail::Vec3 p = flat;
    detail::LmOutcome step;
    for (int k = 1; k <= 10; ++k) {
      const double t = k / 10.0;
      step = detail::solve_lab_lm(lab_of, p, {target.l, t * target.a, t * target.b});
      p = step.params;
    }
    if (step.residual < best.residual || !std::isfinite(best.residual)) best = step;
  }
  out.coefficients = {best.params[0], best.params[1], best.params[2]};
  out.reflectance = sigmoid_polynomial_spectrum(out.coefficients);
  out.residual_de76 = best.residual;
  out.ok = best.residual < kAcceptDe;
  return out;
}

}  // namespace shadematch::pigment
