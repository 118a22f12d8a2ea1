#pragma once
// Ink-in-skin model (DESIGN.md, "Ink-in-skin model"): a layered Kubelka–Munk model of a healed dot.
// Contract with the blend search (src/plan): the search forms the blend's mixed K/S itself, in its
// hot loop, and asks the model for the healed colour.
//
// The stack, top to bottom, per band of the model grid (400–700 nm, 10 nm):
//   skin surface  Saunderson (1942) boundary of index healing.skin_index (1.4: the dermis's 1.41,
//                 Tearney et al. 1995, Opt. Lett. 20:2258; Jacques 2013 uses 1.4 for soft tissue)
//   epidermis     healing.epidermis_um (80 µm: the middle of the 60–100 µm of most body sites,
//                 Sandby-Møller, Poulsen & Wulf 2003, Acta Derm. Venereol. 83:410), absorbing
//                 M·μa.mel + (1 − M)·μa.baseline (Jacques 2013 eq. 8; Jacques 1998), the client's
//                 melanosome fraction M estimated from the measured skin (below), scattering μs′;
//                 lit by the photo's beam it is an Eddington layer (skin_optics.hpp: eddington_beam),
//                 met from below by diffuse light it is a KM layer
//   pigment layer healing.pigment_layer_um (200 µm) of dermis holding the ink, starting
//                 healing.dermis_above_um (0 µm) below the epidermis. Healed tattoo pigment sits in
//                 the papillary dermis, concentrated just below the dermo-epidermal junction (OCT of
//                 black tattoos: pigment clusters as columns through the papillary dermis, Morsy et
//                 al. 2007, Skin Res. Technol. 13:444); SMP and cosmetic tattooing aim at the upper
//                 to mid papillary dermis, a band of the order of 0.2 mm. A clinic whose technique
//                 goes deeper raises dermis_above_um (the dermis above then veils the pigment more:
//                 lighter, bluer).
//   skin below    the same dermis, semi-infinite: the substrate R_g
// Scattering everywhere is Jacques 2013's skin μs′ = 46.0·(λ/500 nm)^−1.421 cm⁻¹, as KM
// S = (3/4)μs′, absorption K = 2μa (skin_optics.hpp has every constant with its source).
//
// Why Kubelka–Munk layers: every layer has a closed form (Kubelka 1948) and layers combine by
// Kubelka's formulas, so one prediction stays a few hundred floating-point operations (the blend
// search makes millions; adding-doubling or Monte Carlo could not); the drawdowns' K/S are KM
// quantities already, so ink and skin meet in one theory; and the single-layer formula DESIGN.md
// started from is its limit (below). Its known weakness: KM with S = (3/4)μs′ is a diffuse-light
// model and over-states the backscatter of layers thinner than a transport mean free path (~250 µm
// at 550 nm here). The epidermis is such a layer and the first one the photo's light meets as a
// beam (flash, or daylight from behind the camera): diffuse KM veils the pigment below with the
// epidermis's own reflectance — on light skin 16 % at 550 nm, L* 47 by itself, which held
// undiluted carbon near L* 49 on light and medium skin (issue 14). The beam
// therefore goes through the epidermis in the Eddington two-stream form (Meador & Weaver 1980),
// which sends back 12 % and passes more of it on; below the epidermis the light is diffuse and KM
// holds. The clinic's healed follow-ups refit the depths (healing fit), which is where the
// remaining error is taken out.
//
// The client's skin. Its measured Lab gives its spectrum R_skin (pigment/skin.hpp, NIST spectra);
// everything above the dermis (surface, epidermis) is one Möbius map of the dermis's reflectance
// (model.cpp: epidermis_map, Saunderson's correction in its beam form). The melanosome
// fraction M is the one that makes the epidermis over bloodless dermis (baseline absorption only)
// give, on average over 620–700 nm, the measured skin: there blood absorbs least (whole blood's
// μa falls by ~100× from 540 to 650 nm) and melanin is the one strong absorber. The dermis's own
// absorption — blood, which differs from client to client — is then taken from the skin itself:
// the dermis R∞ is the reflectance that, under the epidermis and the surface, gives the measured
// skin (the Möbius map inverted), and K_dermis = S·(1 − R∞)²/(2R∞). So a dot with no pigment predicts
// exactly the client's skin (KM: a dermis layer over dermis is dermis). Where the fitted melanin
// leaves the inversion without a solution (the epidermis alone darker, or too transparent, for the
// measured skin: melanin's λ^−3.5 need not match every skin's blue), that band's melanin is moved
// to the nearest value that has one, and the band is counted (clamped_bands()).
//
// The ink. Its drawdown reflectance (measured, or upsampled from its Lab) loses its surface by
// Saunderson's inverse with the binder's index (healing.drawdown_index 1.5, k₂ = 0.596, Judd
// 1942; specular excluded, as 45°/0° and d/8° SCE instruments measure, unless
// healing.drawdown_specular_included), then (K/S)ᵢ = (1 − R)²/2R. Mixed ink (K/S)ink = Σ wᵢ (K/S)ᵢ.
// In the pigment layer, with c = strength · retention · P/(W + P):
//     K = K_dermis + c·(K/S)ink·S_dermis        S = S_dermis + ink_scatter·c·S_dermis
// The ink's absorption per unit concentration is its K/S times the dermis's scattering — the
// single-layer formula's own scale, kept so that strength 1 means the same amount of ink — and with
// ink_scatter 1 it scatters as much again as that, so the undiluted ink in the layer has its
// drawdown's K/S (carbon-black particles scatter as well as absorb: India ink's single-scattering
// albedo is ≈ 0.1–0.2, Di Ninni, Martelli & Zaccanti 2010, Opt. Express 18:26854). ink_scatter 0
// is an absorbing-only ink. Defaults: strength 1; retention 0.6 — practitioners report 30–50 % of
// the pigment shed with the scabs, 40 % is the middle.
//
// The healed dot: the pigment layer over R_g (Kubelka 1948), under the dermis above (Kubelka's
// two-layer formula), the epidermis and the surface (the beam-form map above). Area appearance at
// viewing distance: XYZ mix of dot and skin by follicle coverage.
//
// The limit: with no epidermis, no dermis above, no surface (index 1), an absorbing-only ink and a
// pigment layer thick enough to be opaque, R_dot = R∞((K/S)skin + c·(K/S)ink): the single-layer
// formula (tests/pigment/model_test.cpp checks it).
//
// Domain and range: reflectance factors in [0, 1] per band; K/S in [0, ∞); Lab relative to D50
// (CIE 1931 2°). Every predicted reflectance stays in [0, 1].
//
// The hot path (healed_dot_lab) evaluates, per band, only the pigment layer and one rational map:
// everything above it (epidermis, dermis above, surface) is a fixed Möbius map of the layer's
// reflectance, R_measured = (αR + β)/(γR + δ), precomputed per client; the layer's own formula is
// written without divisions, R = (S·E + N·F·u)/(N·E + S·F·u) with N = S + K + y, y = √(K(K + 2S)),
// E = N − S·R_g, F = N·R_g − S, u = e^{−2y} (skin_optics.hpp's exp_neg2), so the band costs one
// square root and one division.
#include <array>
#include <cmath>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "colour/types.hpp"
#include "pigment/palette.hpp"
#include "pigment/skin_optics.hpp"

namespace shadematch::pigment {

// Kubelka–Munk per band. R is clamped to [1e-4, 1] before conversion (K/S of R = 0 is infinite).
colour::Spectrum reflectance_to_ks(const colour::Spectrum& r);
colour::Spectrum ks_to_reflectance(const colour::Spectrum& ks);

struct BlendPart {
  std::string ink_id;
  int parts = 1;
  friend bool operator==(const BlendPart&, const BlendPart&) = default;
};

struct Blend {
  std::vector<BlendPart> parts;  // distinct inks, each with ≥ 1 part
  DilutionStep dilution;
  friend bool operator==(const Blend&, const Blend&) = default;
};

// "2 jet-black + 1 warm-brown @ 8:1" (parts, ink ids, water:pigment). Parts and dilution as
// written; a bare id is 1 part, no "@" is undiluted (0:1).
std::string format_blend(const Blend& blend);
// Parses the grammar above against the palette. Throws InputError(source, 0, column, …) naming
// the palette's ids for an unknown ink; columns count from 1 within `text`.
Blend parse_blend(std::string_view text, const Palette& palette, const std::string& source = "--blend");

// The model for one client's skin and one palette's healing parameters.
class InkInSkinModel {
 public:
  InkInSkinModel(const Palette& palette, const colour::Lab& skin_lab);
  // The skin spectrum estimated from its Lab (pigment/skin.hpp, as measured: with its surface) and
  // its K/S.
  const colour::Spectrum& skin_reflectance() const noexcept { return skin_r_; }
  const colour::Spectrum& skin_ks() const noexcept { return skin_ks_; }
  // K/S of palette.inks[i]'s masstone under its drawdown's surface (Saunderson), in palette order.
  const std::vector<colour::Spectrum>& ink_ks() const noexcept { return ink_ks_; }

  // Hot path: healed dot colour from the blend's mixed ink K/S (Σ wᵢ (K/S)ᵢ, weights summing to 1)
  // and the dilution's pigment fraction P/(W+P). Thread-safe (const, no allocation).
  colour::Lab healed_dot_lab(const colour::Spectrum& mixed_ink_ks, double pigment_fraction) const noexcept;
  colour::Spectrum healed_dot_reflectance(const colour::Spectrum& mixed_ink_ks, double pigment_fraction) const noexcept;

  // Conveniences over a Blend (the ids must exist in the palette).
  colour::Spectrum mixed_ks(const Blend& blend) const;
  colour::Lab masstone_lab(const Blend& blend) const;  // undiluted mix, drawdown (with its surface), no skin
  colour::Lab healed_dot_lab(const Blend& blend) const;
  // Area appearance at viewing distance: XYZ mix of dot and skin, coverage in [0, 1].
  colour::Lab area_lab(const Blend& blend, double coverage) const;
  // The same from a healed dot's Lab (coverage clamped to [0, 1]).
  colour::Lab area_lab(const colour::Lab& dot, double coverage) const;

  // Additions beyond the agreed contract (for reports and tests).
  // Lab of the estimated skin spectrum (equals the given skin Lab up to skin_fit_residual()).
  colour::Lab skin_lab() const;
  double skin_fit_residual() const noexcept { return skin_residual_; }
  // The client's melanosome volume fraction in the epidermis, estimated from the skin (0..0.6).
  double melanin_fraction() const noexcept { return melanin_; }
  // Bands whose melanin had to differ from the fit for the skin to be inverted (model.cpp).
  int clamped_bands() const noexcept { return clamped_bands_; }
  // Per band: the dermis's R∞ (the substrate) and its K/S.
  const colour::Spectrum& dermis_reflectance() const noexcept { return dermis_r_; }
  const colour::Spectrum& dermis_ks() const noexcept { return dermis_ks_; }
  // Saunderson surfaces of the skin and of the drawdowns.
  const optics::Surface& skin_surface() const noexcept { return skin_surface_; }
  const optics::Surface& drawdown_surface() const noexcept { return drawdown_surface_; }
  // What the hot loop reads, per band (the SIMD predictor copies it): the pigment layer's dermis
  // optical depths kd = K·X, sd = S·X, the substrate rg, and the Möbius map (α, β, γ, δ) of
  // everything above; q = ink_scatter; c_scale = strength · retention.
  struct HotBands {
    std::array<double, colour::kSpectrumBands> kd{}, sd{}, rg{}, alpha{}, beta{}, gamma{}, delta{};
    double q = 0.0;
    double c_scale = 0.0;
  };
  const HotBands& hot_bands() const noexcept { return hot_; }
  // Slow reference path for healed_dot_lab (spectrum, then Little CMS XYZ→Lab); for tests.
  colour::Lab healed_dot_lab_reference(const colour::Spectrum& mixed_ink_ks, double pigment_fraction) const;
  // Index of an ink id in palette order; throws InputError naming the palette's ids if unknown.
  std::size_t ink_index(const std::string& id) const;

 private:
  const Palette* palette_;  // must outlive the model
  HealingParams healing_;
  colour::Spectrum skin_r_;
  colour::Spectrum skin_ks_;
  colour::Spectrum dermis_r_;
  colour::Spectrum dermis_ks_;
  std::vector<colour::Spectrum> ink_ks_;
  optics::Surface skin_surface_;
  optics::Surface drawdown_surface_;
  HotBands hot_;
  double melanin_ = 0.0;
  int clamped_bands_ = 0;
  double skin_residual_ = 0.0;
  // Hot-path copies of the D50 observer (weights and white) so the loop touches only this object.
  std::array<double, colour::kSpectrumBands> wx_{};
  std::array<double, colour::kSpectrumBands> wy_{};
  std::array<double, colour::kSpectrumBands> wz_{};
  colour::Xyz white_;
};

// One band of the healed dot (model.hpp): the pigment layer of optical depths K = kd + c·sd·m,
// S = sd + q·c·sd over rg, through the Möbius map of the layers above. The scalar model and the
// SIMD predictor perform exactly these operations in this order.
inline double healed_band(const InkInSkinModel::HotBands& h, std::size_t i, double c, double m) noexcept {
  const double cs = c * h.sd[i];
  const double k = h.kd[i] + cs * m;
  const double s = h.sd[i] + cs * h.q;
  const double y = std::sqrt(k * (k + (s + s)));
  const double n = (s + k) + y;
  const double e = n - s * h.rg[i];
  const double f = n * h.rg[i] - s;
  const double fu = f * optics::detail::exp_neg2(y);
  const double t1 = s * e + n * fu;
  const double t2 = n * e + s * fu;
  return (h.alpha[i] * t1 + h.beta[i] * t2) / (h.gamma[i] * t1 + h.delta[i] * t2);
}

// Lab D50 of an opaque layer with this K/S (a drawdown: no skin, no overlay).
colour::Lab ks_to_lab_d50(const colour::Spectrum& ks);

}  // namespace shadematch::pigment
