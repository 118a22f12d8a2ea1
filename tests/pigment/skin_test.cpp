#include <catch2/catch.hpp>
#include <cmath>

#include "colour/delta_e.hpp"
#include "colour/spectral.hpp"
#include "pigment/skin.hpp"

using namespace shadematch;
using namespace shadematch::colour;
using namespace shadematch::pigment;

namespace {
double rms(const Spectrum& a, const Spectrum& b) {
  double s = 0.0;
  for (std::size_t i = 0; i < kSpectrumBands; ++i) s += (a[i] - b[i]) * (a[i] - b[i]);
  return std::sqrt(s / static_cast<double>(kSpectrumBands));
}
}  // namespace

TEST_CASE("nist_skin_model: principal components are orthonormal and explain most of the variance", "[unit]") {
  const SkinSpectralModel& m = nist_skin_model();
  for (std::size_t a = 0; a < SkinSpectralModel::kComponents; ++a) {
    for (std::size_t b = 0; b < SkinSpectralModel::kComponents; ++b) {
      double dot = 0.0;
      for (std::size_t i = 0; i < kSpectrumBands; ++i) dot += m.components()[a][i] * m.components()[b][i];
      // Jacobi rotations are orthogonal to rounding: 1e-9 is far above double rounding over 31 terms.
      CHECK(dot == Approx(a == b ? 1.0 : 0.0).margin(1e-9));
    }
  }
  CHECK(m.variances()[0] >= m.variances()[1]);
  CHECK(m.variances()[1] >= m.variances()[2]);
  // Skin reflectance is low-dimensional (melanin, haemoglobin, scattering): the literature finds
  // three components carry well over 95 % of the variance of skin spectra.
  WARN("NIST skin PCA: 3 components explain " << 100.0 * m.explained_fraction() << " % of the variance");
  CHECK(m.explained_fraction() > 0.95);
}

TEST_CASE("nist_skin_model: reproduces each NIST subject's Lab within 0.5 ΔE00 from that Lab alone", "[reference]") {
  // For each of the 100 subjects: its Lab D50 from its measured spectrum, then the model's spectrum
  // from that Lab only. Issue 5 bounds the colour error at 0.5 ΔE00; the spectral RMS against the
  // subject's own spectrum is reported (in-sample: the subject is part of the PCA) and bounded at
  // 0.03 reflectance — a tenth of a typical forearm's reflectance at 550 nm.
  const std::vector<Spectrum> spectra = nist_skin_spectra();
  REQUIRE(spectra.size() == 100);
  const SkinSpectralModel& m = nist_skin_model();
  double sum_rms = 0.0, max_rms = 0.0, max_de = 0.0;
  for (std::size_t s = 0; s < spectra.size(); ++s) {
    const Lab lab = spectrum_to_lab_d50(spectra[s]);
    const SkinSpectralModel::Estimate e = m.estimate(lab);
    const double de = delta_e_2000(spectrum_to_lab_d50(e.reflectance), lab);
    const double r = rms(e.reflectance, spectra[s]);
    INFO("subject " << s + 1);
    CHECK(de < 0.5);
    CHECK(r < 0.03);
    for (double v : e.reflectance.values) {
      CHECK(v >= 0.0);
      CHECK(v <= 1.0);
    }
    sum_rms += r;
    max_rms = std::max(max_rms, r);
    max_de = std::max(max_de, de);
  }
  WARN("NIST skin from Lab: spectral RMS mean " << sum_rms / 100.0 << ", max " << max_rms << "; max ΔE00 " << max_de);
}

TEST_CASE("SkinSpectralModel: leave-one-out, a subject unseen by the PCA is still reproduced", "[property]") {
  // The honest version of the test above for ten subjects spread over the set: the PCA is built
  // without the subject. Same 0.5 ΔE00 bound; the RMS bound is looser (0.04) because the subject's
  // own peculiarities are no longer in the components.
  const std::vector<Spectrum> spectra = nist_skin_spectra();
  double sum_rms = 0.0;
  for (std::size_t held = 5; held < spectra.size(); held += 10) {
    std::vector<Spectrum> rest;
    for (std::size_t s = 0; s < spectra.size(); ++s) {
      if (s != held) rest.push_back(spectra[s]);
    }
    const SkinSpectralModel m(rest);
    const Lab lab = spectrum_to_lab_d50(spectra[held]);
    const SkinSpectralModel::Estimate e = m.estimate(lab);
    INFO("held-out subject " << held + 1);
    CHECK(delta_e_2000(spectrum_to_lab_d50(e.reflectance), lab) < 0.5);
    CHECK(rms(e.reflectance, spectra[held]) < 0.04);
    sum_rms += rms(e.reflectance, spectra[held]);
  }
  WARN("NIST skin leave-one-out spectral RMS mean over 10 subjects: " << sum_rms / 10.0);
}

TEST_CASE("SkinSpectralModel: NaN and impossible skin colours do not crash", "[property]") {
  const SkinSpectralModel& m = nist_skin_model();
  const auto e = m.estimate({std::nan(""), 0.0, 0.0});
  CHECK_FALSE(std::isfinite(e.residual_de76));
  const auto green = m.estimate({50.0, -80.0, 60.0});
  CHECK(green.residual_de76 > 1.0);  // far outside human skin: answered, with its residual
  for (double v : green.reflectance.values) {
    CHECK(v >= 0.0);
    CHECK(v <= 1.0);
  }
}
