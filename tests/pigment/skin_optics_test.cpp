#include <catch2/catch.hpp>
#include <cmath>
#include <random>
#include <utility>

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

namespace {

// The two-stream equations the closed forms solve (Meador & Weaver 1980, eqs. 2–3, μ₀ = 1, unit
// incident flux), τ measured downwards: dF↑/dτ = γ₁F↑ − γ₂F↓ − ωγ₃e^{−τ},
// dF↓/dτ = γ₂F↑ − γ₁F↓ + ωγ₄e^{−τ}, with F↓(0) = 0 (no diffuse light enters from above) and
// F↑(τ*) = 0 (black below). Integrated here by classical Runge–Kutta from the top with F↑(0)
// unknown: the solution is affine in it, so two runs fix it. R = F↑(0), T = F↓(τ*) + e^{−τ*}.
BeamRT two_stream_numerically(double mua_x, double musp_x) {
  const double tau = mua_x + musp_x;
  const double w = musp_x / tau;
  const double g1 = (7.0 - 4.0 * w) / 4.0, g2 = -(1.0 - 4.0 * w) / 4.0, g3 = 0.5, g4 = 0.5;
  auto f = [&](double t, double up, double down, double& dup, double& ddown) {
    const double s = std::exp(-t);
    dup = g1 * up - g2 * down - w * g3 * s;
    ddown = g2 * up - g1 * down + w * g4 * s;
  };
  auto run = [&](double up0, double& up_end, double& down_end) {
    constexpr int kSteps = 20000;
    const double h = tau / kSteps;
    double u = up0, d = 0.0, t = 0.0;
    for (int i = 0; i < kSteps; ++i) {
      double k1u, k1d, k2u, k2d, k3u, k3d, k4u, k4d;
      f(t, u, d, k1u, k1d);
      f(t + h / 2, u + h / 2 * k1u, d + h / 2 * k1d, k2u, k2d);
      f(t + h / 2, u + h / 2 * k2u, d + h / 2 * k2d, k3u, k3d);
      f(t + h, u + h * k3u, d + h * k3d, k4u, k4d);
      u += h / 6 * (k1u + 2 * k2u + 2 * k3u + k4u);
      d += h / 6 * (k1d + 2 * k2d + 2 * k3d + k4d);
      t += h;
    }
    up_end = u;
    down_end = d;
  };
  double ua, da, ub, db;
  run(0.0, ua, da);
  run(1.0, ub, db);
  const double up0 = -ua / (ub - ua);
  return {up0, da + up0 * (db - da) + std::exp(-tau)};
}

}  // namespace

TEST_CASE("skin optics: the Eddington beam layer solves its two-stream equations", "[unit]") {
  // Optical depths spanning the epidermis of every skin across 400–700 nm (μs′·d 0.2–0.5, μa·d
  // 0.002–6) and beyond, including ω = 2/3 exactly, where the closed forms' 1/(1 − k²) is
  // removable (k = √(3(1 − ω)) = 1).
  const std::pair<double, double> layers[] = {{0.1, 0.32}, {0.002, 0.4}, {1.8, 0.24}, {6.0, 0.5},
                                              {0.2, 0.4},  {0.25, 0.75}, {0.01, 5.0}, {2.0, 20.0}};
  for (const auto& [mua, musp] : layers) {
    const BeamRT closed = eddington_beam(mua, musp);
    const BeamRT numeric = two_stream_numerically(mua, musp);
    INFO("μa·d " << mua << ", μs′·d " << musp << ": R " << closed.r << " vs " << numeric.r << ", T " << closed.t
                 << " vs " << numeric.t);
    // 1e-6: the closed forms' μ₀ shift at ω = 2/3 (skin_optics.cpp, kResonance) moves R and T by
    // that order; RK4's own error at 20 000 steps is far smaller.
    CHECK(closed.r == Approx(numeric.r).margin(1e-6));
    CHECK(closed.t == Approx(numeric.t).margin(1e-6));
    CHECK(closed.r + closed.t <= 1.0 + 1e-12);  // the layer absorbs: nothing is created
  }
}

TEST_CASE("skin optics: the Eddington beam layer in its limits", "[unit]") {
  // No thickness: all passes. No scattering: Beer–Lambert, e^{−μa·d}, and nothing back.
  const BeamRT empty = eddington_beam(0.0, 0.0);
  CHECK(empty.r == 0.0);
  CHECK(empty.t == 1.0);
  const BeamRT dye = eddington_beam(0.7, 0.0);
  CHECK(dye.r == Approx(0.0).margin(1e-15));
  CHECK(dye.t == Approx(std::exp(-0.7)).epsilon(1e-12));
  // Almost no absorption: what is not reflected is transmitted (to the albedo's 1e-9 bound).
  const BeamRT white = eddington_beam(1e-12, 0.8);
  CHECK(white.r + white.t == Approx(1.0).margin(1e-6));
  // Very thick: nothing through, and the reflectance no longer depends on the thickness.
  const BeamRT thick = eddington_beam(10.0, 100.0);
  // Diffuse light decays as e^{−kτ}, k = √(3(1 − ω)) ≈ 0.52 here: e^{−57} ≈ 1e-25.
  CHECK(thick.t < 1e-20);
  CHECK(eddington_beam(20.0, 200.0).r == Approx(thick.r).epsilon(1e-12));
  // Continuous through ω = 2/3 (the removable singularity).
  const double at = eddington_beam(0.2, 0.4).r;
  CHECK(eddington_beam(0.2 * (1 + 1e-4), 0.4).r == Approx(at).margin(1e-5));
  CHECK(eddington_beam(0.2 * (1 - 1e-4), 0.4).r == Approx(at).margin(1e-5));
  // A beam passes a thin scattering layer more freely than Kubelka–Munk's diffuse light does
  // (the reason for the beam form, skin_optics.hpp): the epidermis of light skin at 550 nm.
  const BeamRT beam = eddington_beam(0.19 / 2, 0.32);
  const LayerRT diffuse = km_layer(0.19, 0.75 * 0.32);
  CHECK(beam.r < diffuse.r);
  CHECK(beam.t > diffuse.t);
}
