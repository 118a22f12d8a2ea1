#pragma once
// The client's skin as a reflectance spectrum, estimated from its CIELAB D50 alone and constrained
// by real skin spectra.
//
// Data: NIST reference data set of human skin reflectance (Cooksey, Tsai & Allen 2017, J. Res. NIST
// 122:26; inner forearm, 100 subjects, 379–781 nm; calibration/skin_reflectance_nist_cooksey2017_…
// csv), resampled to the model grid (400–700 nm, 10 nm).
// Model: principal component analysis of those spectra — the mean and the first three principal
// components (eigenvectors of the 31 × 31 covariance, cyclic Jacobi). A skin colour is reproduced by
// the spectrum  R = clip(mean + Σₖ wₖ·PCₖ, 0, 1)  whose Lab D50 equals the target; the three weights
// are solved with Levenberg–Marquardt (pigment/lab_solver.hpp), starting at the mean. Three
// components because three numbers (L*, a*, b*) determine three weights exactly; the first three
// components of skin carry melanin, haemoglobin and overall scattering (Tsumura et al. 1999), so the
// estimate stays inside the family of real skin spectra. Lab values far outside human skin (e.g. a
// saturated green) are still answered with the nearest reachable spectrum and its residual.
#include <array>
#include <string_view>
#include <vector>

#include "colour/types.hpp"

namespace shadematch::pigment {

class SkinSpectralModel {
 public:
  static constexpr std::size_t kComponents = 3;

  // PCA of the given spectra (at least kComponents + 1 of them).
  explicit SkinSpectralModel(const std::vector<colour::Spectrum>& spectra);

  struct Estimate {
    colour::Spectrum reflectance;  // in [0, 1] per band
    std::array<double, kComponents> weights{};
    double residual_de76 = 0.0;  // ΔE*ab between the target and the estimate's Lab
  };
  Estimate estimate(const colour::Lab& skin_d50) const;

  const colour::Spectrum& mean() const noexcept { return mean_; }
  // Unit-length principal components, by decreasing variance.
  const std::array<colour::Spectrum, kComponents>& components() const noexcept { return components_; }
  // The variance each component explains (eigenvalues), same order.
  const std::array<double, kComponents>& variances() const noexcept { return variances_; }
  // Fraction of the total variance the kept components explain.
  double explained_fraction() const noexcept { return explained_; }

 private:
  colour::Spectrum mean_;
  std::array<colour::Spectrum, kComponents> components_{};
  std::array<double, kComponents> variances_{};
  double explained_ = 0.0;
};

// The 100 NIST spectra on the model grid (from the embedded calibration table).
std::vector<colour::Spectrum> nist_skin_spectra();
// The model built from them: computed at first use, then cached (thread-safe static).
const SkinSpectralModel& nist_skin_model();

}  // namespace shadematch::pigment
