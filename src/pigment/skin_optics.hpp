#pragma once
// Published optics of skin and of drawdowns used by the layered ink-in-skin model (model.hpp).
// Every constant names its source; tests/pigment/skin_optics_test.cpp checks them against the
// values their sources state.
#include <cmath>
#include <cstdint>
#include <cstring>

namespace shadematch::pigment::optics {

// Reduced scattering coefficient of skin, μs′ = a·(λ/500 nm)^−b with a = 46.0 cm⁻¹, b = 1.421:
// the average over the skin studies Jacques reviewed (Jacques 2013, Phys. Med. Biol. 58:R37,
// Table 2, "skin"). Used for the epidermis and the dermis alike, as Jacques does for generic skin.
inline constexpr double kSkinMusA = 46.0;   // cm⁻¹ at 500 nm
inline constexpr double kSkinMusB = 1.421;  // power-law exponent
inline double skin_reduced_scattering_cm(double lambda_nm) {
  return kSkinMusA * std::pow(lambda_nm / 500.0, -kSkinMusB);
}

// Absorption of the melanosome interior, μa.mel = 519·(λ/500 nm)^−3.5 cm⁻¹ (Jacques 2013, eq. 8:
// 51.9 mm⁻¹). The epidermis's absorption is M·μa.mel for a melanosome volume fraction M.
inline constexpr double kMelanosomeMua500 = 519.0;  // cm⁻¹
inline constexpr double kMelanosomeExponent = 3.5;
inline double melanosome_absorption_cm(double lambda_nm) {
  return kMelanosomeMua500 * std::pow(lambda_nm / 500.0, -kMelanosomeExponent);
}

// Baseline absorption of bloodless, melanin-free skin, μa = 0.244 + 85.3·exp(−(λ − 154)/66.2)
// cm⁻¹ (Jacques 1998, "Skin optics", Oregon Medical Laser Center News, §1.1; used for epidermis
// and dermis).
inline double skin_baseline_absorption_cm(double lambda_nm) {
  return 0.244 + 85.3 * std::exp(-(lambda_nm - 154.0) / 66.2);
}

// Kubelka–Munk coefficients from transport ones: K = 2μa, S = (3/4)·μs′ (Star, Marijnissen & van
// Gemert 1988, Phys. Med. Biol. 33:437; van Gemert et al. 1989, IEEE Trans. Biomed. Eng. 36:1146,
// whose S also carries −μa/4: dropped here because it turns S negative in the melanin-rich
// epidermis of dark skin in the blue, where μa > 3μs′ and the relation no longer holds anyway).
inline double km_absorption(double mua_cm) {
  return 2.0 * mua_cm;
}
inline double km_scattering(double musp_cm) {
  return 0.75 * musp_cm;
}

// Fresnel reflectance at normal incidence from air into a medium of index n: ((n − 1)/(n + 1))².
inline double fresnel_normal(double n) {
  return (n - 1.0) * (n - 1.0) / ((n + 1.0) * (n + 1.0));
}

// Reflectance, for diffuse light inside a medium of index n, of its boundary with air: the
// Fresnel reflectance (unpolarised) averaged over the hemisphere with the cosine weight,
// ∫ R(θ)·2 sinθ cosθ dθ, total beyond the critical angle (Judd 1942, J. Res. NBS 29:329: 0.596 for
// n = 1.5, the k₂ of Saunderson's correction).
double diffuse_internal_reflectance(double n);

// Saunderson (1942, J. Opt. Soc. Am. 32:727) between a measured reflectance Rm and the body
// reflectance R under the surface, k₁ the external (normal-incidence Fresnel) and k₂ the internal
// diffuse reflectance:
//   specular excluded (45°/0°, d/8° SCE; a photo's robust median): Rm = (1 − k₁)(1 − k₂)R / (1 − k₂R)
//   specular included (d/8° SCI):                                 Rm = k₁ + (1 − k₁)(1 − k₂)R / (1 − k₂R)
struct Surface {
  double k1 = 0.0;
  double k2 = 0.0;
  bool specular_included = false;
  static Surface of_index(double n, bool specular_included) {
    return {fresnel_normal(n), diffuse_internal_reflectance(n), specular_included};
  }
  double to_measured(double body) const {
    const double r = (1.0 - k1) * (1.0 - k2) * body / (1.0 - k2 * body);
    return specular_included ? k1 + r : r;
  }
  // The inverse, clamped to [1e-4, 0.9999] (a measured value below k₁ with SCI, or one no body
  // reflectance could give, lands on the bound).
  double to_body(double measured) const;
};

// A homogeneous Kubelka–Munk layer of optical thicknesses kx = K·X and sx = S·X (Kubelka 1948,
// J. Opt. Soc. Am. 38:448, hyperbolic solution): y = √(kx(kx + 2sx)) = bSX, ρ = sx/(sx + kx + y)
// its R∞, u = e^{−2y}:  R = ρ(1 − u)/(1 − ρ²u),  T = (1 − ρ²)√u/(1 − ρ²u).  Symmetric: the same
// from either side.
struct LayerRT {
  double r = 0.0;
  double t = 1.0;
};
LayerRT km_layer(double kx, double sx);
// A layer lit from above by a collimated beam at normal incidence — a photo's light (flash, or
// daylight from behind the camera) arrives as a beam, not as the diffuse light Kubelka–Munk
// assumes — in the Eddington two-stream approximation with the similarity relation (isotropic
// scattering of coefficient μs′ = μs(1 − g) in place of anisotropic μs, g: Wyman, Patterson &
// Wilson 1989, J. Comput. Phys. 81:137): Meador & Weaver 1980 (J. Atmos. Sci. 37:630), Table 1's
// Eddington coefficients γ₁ = (7 − 4ω)/4, γ₂ = −(1 − 4ω)/4, γ₃ = γ₄ = 1/2 at g = 0, and their
// closed forms for the beam's diffuse reflectance R(μ₀) and total transmittance T(μ₀) (direct plus
// diffuse) of a layer over a black background, at μ₀ = 1. Inputs are optical depths μa·d, μs′·d.
// Why: for a layer thinner than a transport mean free path (the 60–100 µm epidermis, 1/μs′ ≈ 250 µm
// at 550 nm) a beam mostly passes straight through, where KM with S = (3/4)μs′ treats the light
// as diffuse, with longer paths: for the epidermis of light skin at 550 nm (μa·d ≈ 0.1, μs′·d ≈
// 0.32) KM reflects 16 %, the beam form 12 % (tests/pigment/skin_optics_test.cpp checks the closed
// forms against the two-stream equations integrated numerically).
struct BeamRT {
  double r = 0.0;  // diffuse reflectance of the beam
  double t = 1.0;  // total transmittance: direct e^{−τ} plus diffuse
};
BeamRT eddington_beam(double mua_x, double musp_x);

namespace detail {

// e^{−2y} for y ≥ 0, from IEEE-exact operations only (no libm call, no fused multiply-add), so
// that the SIMD predictor (plan/model_predictor.cpp) reproduces it to the bit: Cody–Waite range
// reduction x = n·ln 2 + r with n rounded by the 1.5·2⁵² trick, e^r by its Taylor polynomial of
// degree 7 in Estrin's form (|r| ≤ ln2/2: Lagrange remainder < (ln2/2)⁸/8!·e^{ln2} = 1.1e-8
// relative: a reflectance error below 1e-8, far below what a colour needs), then 2ⁿ set in the exponent bits. x is
// clamped at −700 (e^{−700} ≈ 1e-304 is 0 for every use here).
inline constexpr double kExpClamp = -700.0;
inline constexpr double kLog2e = 1.4426950408889634;
inline constexpr double kRoundMagic = 6755399441055744.0;  // 1.5·2⁵²
inline constexpr double kLn2Hi = 6.93147180369123816490e-01;
inline constexpr double kLn2Lo = 1.90821492927058770002e-10;
inline constexpr double kExpC[8] = {1.0, 1.0, 1.0 / 2.0, 1.0 / 6.0, 1.0 / 24.0, 1.0 / 120.0, 1.0 / 720.0, 1.0 / 5040.0};

inline double exp_neg2(double y) noexcept {
  double x = y * -2.0;                // exact (a power of two)
  x = x > kExpClamp ? x : kExpClamp;  // also maps NaN to the clamp, as _mm_max_pd(x, clamp) does
  const double t = x * kLog2e + kRoundMagic;
  const double n = t - kRoundMagic;
  const double r = (x - n * kLn2Hi) - n * kLn2Lo;
  // Estrin's scheme (short dependency chains: the hot loop is latency-bound), in this order.
  const double r2 = r * r;
  const double r4 = r2 * r2;
  const double q0 = kExpC[0] + kExpC[1] * r;
  const double q1 = kExpC[2] + kExpC[3] * r;
  const double q2 = kExpC[4] + kExpC[5] * r;
  const double q3 = kExpC[6] + kExpC[7] * r;
  const double s0 = q0 + q1 * r2;
  const double s1 = q2 + q3 * r2;
  const double p = s0 + s1 * r4;
  std::uint64_t tb;
  std::uint64_t mb;
  std::memcpy(&tb, &t, sizeof tb);
  const double magic = kRoundMagic;
  std::memcpy(&mb, &magic, sizeof mb);
  const std::uint64_t bits = ((tb - mb) + 1023U) << 52;  // n + 1023 in the exponent field
  double scale;
  std::memcpy(&scale, &bits, sizeof scale);
  return p * scale;
}

}  // namespace detail
}  // namespace shadematch::pigment::optics
