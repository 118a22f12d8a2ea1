#include <catch2/catch.hpp>
#include <cmath>
#include <random>

#include "pigment/skin_optics.hpp"

using namespace shadematch::pigment::optics;

TEST_CASE("skin optics: the published coefficients at their reference points", "[unit]") {
  // Jacques 2013 (Phys. Med. Biol. 58:R37) Table 2 "skin": μs′(500 nm) = a = 46.0 cm⁻¹ with
  // b = 1.421, so μs′(1000 nm) = 46.0·2^−1.421 = 17.18 cm⁻¹.
  CHECK(skin_reduced_scattering_cm(500.0) == Approx(46.0).epsilon(1e-15));
  CHECK(skin_reduced_scattering_cm(1000.0) == Approx(46.0 / std::pow(2.0, 1.421)).epsilon(1e-12));
  CHECK(skin_reduced_scattering_cm(1000.0) == Approx(17.18).margin(0.005));
  // Jacques 2013 eq. 8: μa.mel = 51.9 mm⁻¹ at 500 nm, ∝ λ^−3.5 (so ×2^3.5 = 11.31 at 250 nm).
  CHECK(melanosome_absorption_cm(500.0) == Approx(519.0).epsilon(1e-15));
  CHECK(melanosome_absorption_cm(250.0) / melanosome_absorption_cm(500.0) == Approx(11.3137).epsilon(1e-5));
  // Jacques 1998: 0.244 + 85.3·exp(−(λ − 154)/66.2) cm⁻¹, i.e. 0.244 + 85.3 at 154 nm and tending
  // to 0.244 in the red (0.2640 at 700 nm).
  CHECK(skin_baseline_absorption_cm(154.0) == Approx(85.544).epsilon(1e-12));
  CHECK(skin_baseline_absorption_cm(700.0) == Approx(0.244 + 85.3 * std::exp(-546.0 / 66.2)).epsilon(1e-12));
  CHECK(skin_baseline_absorption_cm(700.0) == Approx(0.2663).margin(0.0005));
}

TEST_CASE("skin optics: the diffuse internal reflectance of Judd 1942", "[unit]") {
  // Judd 1942 (J. Res. NBS 29:329): for n = 1.5 the internal reflectance of diffuse light is
  // 0.596 (the k₂ of Saunderson's correction, often rounded to 0.6); n = 1 reflects nothing, and
  // it grows with n.
  CHECK(diffuse_internal_reflectance(1.5) == Approx(0.596).margin(0.0015));
  CHECK(diffuse_internal_reflectance(1.0) == 0.0);
  CHECK(diffuse_internal_reflectance(1.4) < diffuse_internal_reflectance(1.5));
  CHECK(diffuse_internal_reflectance(1.4) > 0.4);
  // Normal-incidence Fresnel for n = 1.5: (0.5/2.5)² = 0.04.
  CHECK(fresnel_normal(1.5) == Approx(0.04).epsilon(1e-14));
}

TEST_CASE("skin optics: Saunderson's correction round-trips and keeps 0..1", "[property]") {
  for (const bool sci : {false, true}) {
    const Surface s = Surface::of_index(1.5, sci);
    for (double body : {0.01, 0.05, 0.2, 0.5, 0.9}) {
      const double m = s.to_measured(body);
      CHECK(m >= 0.0);
      CHECK(m <= 1.0);
      CHECK(s.to_body(m) == Approx(body).epsilon(1e-12));
    }
  }
  // A drawdown measured at 3.5 % with the specular excluded has a body reflectance of
  // 0.035 / ((1 − 0.04)(1 − k₂) + k₂·0.035): more than twice the measured value.
  const Surface sce = Surface::of_index(1.5, false);
  const double k2 = diffuse_internal_reflectance(1.5);
  CHECK(sce.to_body(0.035) == Approx(0.035 / (0.96 * (1.0 - k2) + k2 * 0.035)).epsilon(1e-12));
  CHECK(sce.to_body(0.035) > 0.07);
}

TEST_CASE("skin optics: Kubelka's layer in its limits", "[unit]") {
  // No thickness: reflects nothing, transmits all. Very thick: R∞ = 1 + K/S − √((K/S)² + 2K/S).
  const LayerRT empty = km_layer(0.0, 0.0);
  CHECK(empty.r == 0.0);
  CHECK(empty.t == 1.0);
  const LayerRT thick = km_layer(0.5 * 1e3, 2.0 * 1e3);
  CHECK(thick.r == Approx(1.0 + 0.25 - std::sqrt(0.0625 + 0.5)).epsilon(1e-12));
  CHECK(thick.t < 1e-100);
  // A non-absorbing layer: R = SX/(1 + SX), T = 1/(1 + SX) (Kubelka 1948), energy conserved.
  const LayerRT white = km_layer(0.0, 0.7);
  CHECK(white.r == Approx(0.7 / 1.7).epsilon(1e-12));
  CHECK(white.t == Approx(1.0 / 1.7).epsilon(1e-12));
  // A purely absorbing layer: T = e^{−KX}, R = 0.
  const LayerRT dye = km_layer(0.3, 0.0);
  CHECK(dye.r == 0.0);
  CHECK(dye.t == Approx(std::exp(-0.3)).epsilon(1e-12));
}

TEST_CASE("skin optics: the hot loop's exponential agrees with std::exp", "[property]") {
  std::mt19937 rng(14);  // fixed seed: reproducible
  std::uniform_real_distribution<double> u(0.0, 1.0);
  for (int i = 0; i < 20000; ++i) {
    const double y = i < 10000 ? 40.0 * u(rng) : 1e-3 * u(rng);
    // Degree-7 Taylor on |r| ≤ ln2/2: Lagrange remainder below (ln2/2)⁸/8!·e^{|r|}, relative to
    // e^r at most (ln2/2)⁸/8!·e^{ln2} = 1.05e-8; plus rounding.
    CHECK(detail::exp_neg2(y) == Approx(std::exp(-2.0 * y)).epsilon(1.1e-8));
  }
  CHECK(detail::exp_neg2(0.0) == 1.0);
  CHECK(detail::exp_neg2(1e6) == Approx(std::exp(-700.0)).epsilon(1e-12));  // clamped, never 0 or denormal
}
