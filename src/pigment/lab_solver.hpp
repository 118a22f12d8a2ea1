#pragma once
// A small Levenberg–Marquardt solver for "find three parameters whose spectrum has this Lab"
// (spectral upsampling and the skin model). Three unknowns, three residuals (ΔL*, Δa*, Δb*): the
// Jacobian is taken by central differences, the damped normal equations
// (JᵀJ + μ·diag(JᵀJ)) δ = −Jᵀr are solved by Gaussian elimination, μ shrinks after a step that
// lowers ‖r‖ and grows after one that does not (Marquardt 1963; Madsen, Nielsen & Tingleff 2004,
// "Methods for non-linear least squares problems", §3.2).
#include <array>
#include <cmath>

#include "colour/types.hpp"

namespace shadematch::pigment::detail {

using Vec3 = std::array<double, 3>;

inline bool solve3(std::array<std::array<double, 4>, 3> m, Vec3& x) noexcept {
  for (int col = 0; col < 3; ++col) {
    int pivot = col;
    for (int row = col + 1; row < 3; ++row) {
      if (std::abs(m[static_cast<std::size_t>(row)][static_cast<std::size_t>(col)]) >
          std::abs(m[static_cast<std::size_t>(pivot)][static_cast<std::size_t>(col)])) {
        pivot = row;
      }
    }
    std::swap(m[static_cast<std::size_t>(col)], m[static_cast<std::size_t>(pivot)]);
    const auto c = static_cast<std::size_t>(col);
    if (std::abs(m[c][c]) < 1e-300) return false;
    for (std::size_t row = c + 1; row < 3; ++row) {
      const double f = m[row][c] / m[c][c];
      for (std::size_t k = c; k < 4; ++k) m[row][k] -= f * m[c][k];
    }
  }
  for (int row = 2; row >= 0; --row) {
    const auto r = static_cast<std::size_t>(row);
    double s = m[r][3];
    for (std::size_t k = r + 1; k < 3; ++k) s -= m[r][k] * x[k];
    x[r] = s / m[r][r];
  }
  return true;
}

struct LmOutcome {
  Vec3 params{};
  double residual = 0.0;  // ΔE*ab at the solution
};

// lab_of(params) → Lab. Stops when ΔE*ab < tolerance or after max_iterations.
template <class LabOf>
LmOutcome solve_lab_lm(const LabOf& lab_of, Vec3 p, const colour::Lab& target, double tolerance = 1e-7,
                       int max_iterations = 200) {
  auto residual = [&](const Vec3& q, Vec3& r) {
    const colour::Lab lab = lab_of(q);
    r = {lab.l - target.l, lab.a - target.a, lab.b - target.b};
    return std::sqrt(r[0] * r[0] + r[1] * r[1] + r[2] * r[2]);
  };
  Vec3 r{};
  double err = residual(p, r);
  double mu = 1e-3;
  for (int it = 0; it < max_iterations && err > tolerance && std::isfinite(err); ++it) {
    // Jacobian J[i][k] = ∂r_i/∂p_k by central differences (step 1e-6, relative to the parameter's size).
    std::array<Vec3, 3> jac{};
    for (std::size_t k = 0; k < 3; ++k) {
      const double h = 1e-6 * (1.0 + std::abs(p[k]));
      Vec3 plus = p, minus = p;
      plus[k] += h;
      minus[k] -= h;
      Vec3 rp{}, rm{};
      residual(plus, rp);
      residual(minus, rm);
      for (std::size_t i = 0; i < 3; ++i) jac[i][k] = (rp[i] - rm[i]) / (2.0 * h);
    }
    std::array<std::array<double, 3>, 3> jtj{};
    Vec3 jtr{};
    for (std::size_t a = 0; a < 3; ++a) {
      for (std::size_t b = 0; b < 3; ++b) {
        for (std::size_t i = 0; i < 3; ++i) jtj[a][b] += jac[i][a] * jac[i][b];
      }
      for (std::size_t i = 0; i < 3; ++i) jtr[a] += jac[i][a] * r[i];
    }
    bool improved = false;
    for (int attempt = 0; attempt < 30 && !improved; ++attempt) {
      std::array<std::array<double, 4>, 3> m{};
      for (std::size_t a = 0; a < 3; ++a) {
        for (std::size_t b = 0; b < 3; ++b) m[a][b] = jtj[a][b];
        m[a][a] += mu * (jtj[a][a] + 1e-12);
        m[a][3] = -jtr[a];
      }
      Vec3 delta{};
      if (solve3(m, delta)) {
        const Vec3 trial{p[0] + delta[0], p[1] + delta[1], p[2] + delta[2]};
        Vec3 rt{};
        const double e = residual(trial, rt);
        if (std::isfinite(e) && e < err) {
          p = trial;
          r = rt;
          err = e;
          mu = std::max(mu / 3.0, 1e-12);
          improved = true;
          break;
        }
      }
      mu *= 4.0;
    }
    if (!improved) break;  // a local minimum (the colour is out of reach) or numerical floor
  }
  return {p, err};
}

}  // namespace shadematch::pigment::detail
