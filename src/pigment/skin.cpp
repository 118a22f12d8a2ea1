#include "pigment/skin.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>
#include <numeric>

#include "colour/spectral.hpp"
#include "common/csv.hpp"
#include "common/embedded.hpp"
#include "pigment/fast_lab.hpp"
#include "pigment/lab_solver.hpp"

namespace shadematch::pigment {
namespace {

constexpr std::size_t kN = colour::kSpectrumBands;
using Matrix = std::array<std::array<double, kN>, kN>;

// Eigen-decomposition of a symmetric matrix by cyclic Jacobi rotations (Golub & Van Loan,
// "Matrix Computations", §8.5). On return `a` is (numerically) diagonal with the eigenvalues and
// column j of `v` is the eigenvector of a[j][j].
void jacobi_eigen(Matrix& a, Matrix& v) {
  for (std::size_t i = 0; i < kN; ++i) {
    v[i].fill(0.0);
    v[i][i] = 1.0;
  }
  for (int sweep = 0; sweep < 100; ++sweep) {
    double off = 0.0;
    for (std::size_t p = 0; p < kN; ++p) {
      for (std::size_t q = p + 1; q < kN; ++q) off += a[p][q] * a[p][q];
    }
    if (off < 1e-30) return;
    for (std::size_t p = 0; p < kN; ++p) {
      for (std::size_t q = p + 1; q < kN; ++q) {
        if (std::abs(a[p][q]) < 1e-300) continue;
        const double theta = (a[q][q] - a[p][p]) / (2.0 * a[p][q]);
        const double t = (theta >= 0 ? 1.0 : -1.0) / (std::abs(theta) + std::sqrt(theta * theta + 1.0));
        const double c = 1.0 / std::sqrt(t * t + 1.0);
        const double s = t * c;
        for (std::size_t k = 0; k < kN; ++k) {  // A ← A·J
          const double akp = a[k][p], akq = a[k][q];
          a[k][p] = c * akp - s * akq;
          a[k][q] = s * akp + c * akq;
        }
        for (std::size_t k = 0; k < kN; ++k) {  // A ← Jᵀ·A
          const double apk = a[p][k], aqk = a[q][k];
          a[p][k] = c * apk - s * aqk;
          a[q][k] = s * apk + c * aqk;
        }
        for (std::size_t k = 0; k < kN; ++k) {  // V ← V·J
          const double vkp = v[k][p], vkq = v[k][q];
          v[k][p] = c * vkp - s * vkq;
          v[k][q] = s * vkp + c * vkq;
        }
      }
    }
  }
}

}  // namespace

SkinSpectralModel::SkinSpectralModel(const std::vector<colour::Spectrum>& spectra) {
  assert(spectra.size() > kComponents);
  const double n = static_cast<double>(spectra.size());
  for (const colour::Spectrum& s : spectra) {
    for (std::size_t i = 0; i < kN; ++i) mean_[i] += s[i] / n;
  }
  Matrix cov{};
  for (const colour::Spectrum& s : spectra) {
    for (std::size_t i = 0; i < kN; ++i) {
      for (std::size_t j = 0; j < kN; ++j) cov[i][j] += (s[i] - mean_[i]) * (s[j] - mean_[j]) / (n - 1.0);
    }
  }
  Matrix vec{};
  jacobi_eigen(cov, vec);
  std::array<std::size_t, kN> order{};
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) { return cov[x][x] > cov[y][y]; });
  double total = 0.0;
  for (std::size_t i = 0; i < kN; ++i) total += std::max(cov[i][i], 0.0);
  double kept = 0.0;
  for (std::size_t k = 0; k < kComponents; ++k) {
    const std::size_t col = order[k];
    variances_[k] = cov[col][col];
    kept += variances_[k];
    // Sign convention: each component's largest-magnitude entry is positive, so that the weights
    // mean the same thing from one build to the next.
    std::size_t big = 0;
    for (std::size_t i = 0; i < kN; ++i) {
      if (std::abs(vec[i][col]) > std::abs(vec[big][col])) big = i;
    }
    const double sign = vec[big][col] < 0 ? -1.0 : 1.0;
    for (std::size_t i = 0; i < kN; ++i) components_[k][i] = sign * vec[i][col];
  }
  explained_ = total > 0 ? kept / total : 0.0;
}

SkinSpectralModel::Estimate SkinSpectralModel::estimate(const colour::Lab& target) const {
  auto spectrum_of = [this](const detail::Vec3& w) {
    colour::Spectrum r = mean_;
    for (std::size_t i = 0; i < kN; ++i) {
      for (std::size_t k = 0; k < kComponents; ++k) r[i] += w[k] * components_[k][i];
      r[i] = std::clamp(r[i], 0.0, 1.0);
    }
    return r;
  };
  auto lab_of = [&](const detail::Vec3& w) { return detail::spectrum_to_lab_d50_fast(spectrum_of(w)); };
  Estimate out;
  if (!std::isfinite(target.l) || !std::isfinite(target.a) || !std::isfinite(target.b)) {
    out.reflectance = mean_;
    out.residual_de76 = std::numeric_limits<double>::infinity();
    return out;
  }
  const detail::LmOutcome fit = detail::solve_lab_lm(lab_of, detail::Vec3{0.0, 0.0, 0.0}, target, 1e-7, 300);
  out.reflectance = spectrum_of(fit.params);
  for (std::size_t k = 0; k < kComponents; ++k) out.weights[k] = fit.params[k];
  out.residual_de76 = fit.residual;
  return out;
}

std::vector<colour::Spectrum> nist_skin_spectra() {
  const CsvTable table = parse_csv(embedded_file("skin_reflectance_nist_cooksey2017_100subjects_379-781nm.csv"),
                                   "skin_reflectance_nist_cooksey2017_100subjects_379-781nm.csv");
  std::vector<double> wavelengths;
  for (const CsvRow& row : table.rows) wavelengths.push_back(parse_csv_number(table, row, 0));
  std::vector<colour::Spectrum> out;
  for (std::size_t col = 1; col < table.header.size(); ++col) {
    colour::SampledSpectrum s;
    s.wavelengths_nm = wavelengths;
    for (const CsvRow& row : table.rows) s.values.push_back(parse_csv_number(table, row, col));
    out.push_back(colour::resample_to_model_grid(s, table.source));
  }
  return out;
}

const SkinSpectralModel& nist_skin_model() {
  static const SkinSpectralModel model(nist_skin_spectra());
  return model;
}

}  // namespace shadematch::pigment
