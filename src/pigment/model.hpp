#pragma once
// Ink-in-skin model (DESIGN.md, "Ink-in-skin model"). Contract between the palette model and the
// blend search (src/plan): the search forms the blend's mixed K/S itself, in its hot loop, and asks
// the model for the healed colour.
//
//   Ink K/S from masstone reflectance:   (K/S)ᵢ = (1 − Rᵢ)² / 2Rᵢ           per band (Kubelka–Munk)
//   Mixed ink:                          (K/S)ink = Σ wᵢ (K/S)ᵢ,  wᵢ = partsᵢ / Σ parts
//   Healed dot in skin:                 (K/S)dot = (K/S)skin + c · (K/S)ink
//                                       c = strength · retention · P / (W + P)
//                                       R = 1 + K/S − √((K/S)² + 2 K/S)
//   Dermis overlay (Kubelka layer formula over the dot), S(λ) = overlay_scatter·(550/λ)^overlay_exponent
//   Area appearance: XYZ mix of dot and skin by follicle coverage.
//
// Domain and range: reflectance factors in [0, 1] per band of the model grid (400–700 nm, 10 nm);
// K/S in [0, ∞); Lab relative to D50 (CIE 1931 2°). Every predicted reflectance stays in [0, 1].
//
// Choices made where DESIGN.md leaves room (see also palettes/README.md):
//  * Kubelka–Munk reflectance is computed as R = 1 / (1 + K/S + √((K/S)² + 2 K/S)), algebraically
//    equal to 1 + K/S − √((K/S)² + 2 K/S) but free of cancellation for dark inks (large K/S).
//  * The dermis overlay is a thin, non-absorbing scattering layer of optical thickness
//    s(λ) = S(λ)·d = overlay_scatter·(550/λ)^overlay_exponent (the parameter is the scattering power
//    of the whole layer at 550 nm; the exponent the λ⁻ᵇ law of scattering in tissue). For K = 0 Kubelka's layer solution is
//    R_layer = s / (1 + s), T = 1 / (1 + s), and over a background R_dot
//        R_total = R_layer + T²·R_dot / (1 − R_layer·R_dot)          (Kubelka 1948)
//    which keeps a white background white (energy is only redistributed) and turns a black one into
//    R_layer: blue-grey, because s is larger at short wavelengths. This is why carbon reads cooler
//    healed than in the bottle.
//  * The measured skin already includes that layer. The substrate under the dot is therefore the
//    "deep" skin R_deep that, seen through the layer, gives the skin's reflectance:
//        R_deep = (R_skin − R_layer) / (T² + R_layer·(R_skin − R_layer)),
//    so that a dot with no pigment predicts exactly the client's skin. A dermis cannot reflect more
//    than the skin it is part of, so R_layer is capped at 90 % of R_skin per band (matters only for
//    very dark skin in the blue, where the overlay would otherwise exceed the skin itself).
//  * Defaults (palette.hpp HealingParams; a palette's `healing` section overrides them):
//      strength 1.0 — the inks' K/S are used as measured in their drawdown; a clinic whose healed
//        work reads systematically lighter or darker than predicted tunes this one number.
//      retention 0.7 — healing sheds part of the implanted pigment with the scabs; SMP practice
//        expects about a third of the colour to go in the first weeks (hence the 2–4 sessions).
//      overlay_scatter 0.06, overlay_exponent 3.0 — chosen so that, on the NIST-like light skin
//        Lab (66, 11, 17), undiluted carbon black (a flat 4 % drawdown, masstone L* ≈ 24) heals to
//        L* ≈ 38 with b* ≈ −9: very dark but not black, and blue-grey, as clinicians see healed
//        black work; diluted 2:1 it still reads cooler (b* < 0) than the neutral grey the bottle
//        promises, by 4:1 the skin's own warmth takes over. The exponent sits between the λ⁻¹·⁵ of
//        bulk dermis scattering (Jacques 2013, Phys. Med. Biol. 58:R37) and the λ⁻⁴ Rayleigh law of
//        the collagen fibrils (≈ 100 nm, much smaller than λ) that cause the bluish "Tyndall" cast.
//        DESIGN.md's example palette (0.15, 1.5) reads lighter (black heals to L* ≈ 48) and is not
//        cooler than neutral once diluted — hence these defaults (tests/pigment/model_test.cpp).
#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "colour/types.hpp"
#include "pigment/palette.hpp"

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
  // The skin spectrum estimated from its Lab (pigment/skin.hpp) and its K/S.
  const colour::Spectrum& skin_reflectance() const noexcept { return skin_r_; }
  const colour::Spectrum& skin_ks() const noexcept { return skin_ks_; }
  // K/S of palette.inks[i]'s masstone, in palette order.
  const std::vector<colour::Spectrum>& ink_ks() const noexcept { return ink_ks_; }

  // Hot path: healed dot colour from the blend's mixed ink K/S (Σ wᵢ (K/S)ᵢ, weights summing to 1)
  // and the dilution's pigment fraction P/(W+P). Thread-safe (const, no allocation).
  colour::Lab healed_dot_lab(const colour::Spectrum& mixed_ink_ks, double pigment_fraction) const noexcept;
  colour::Spectrum healed_dot_reflectance(const colour::Spectrum& mixed_ink_ks, double pigment_fraction) const noexcept;

  // Conveniences over a Blend (the ids must exist in the palette).
  colour::Spectrum mixed_ks(const Blend& blend) const;
  colour::Lab masstone_lab(const Blend& blend) const;     // undiluted mix, drawdown, no skin
  colour::Lab healed_dot_lab(const Blend& blend) const;
  // Area appearance at viewing distance: XYZ mix of dot and skin, coverage in [0, 1].
  colour::Lab area_lab(const Blend& blend, double coverage) const;
  // The same from a healed dot's Lab (coverage clamped to [0, 1]).
  colour::Lab area_lab(const colour::Lab& dot, double coverage) const;

  // Additions beyond the agreed contract (for reports and tests).
  // Lab of the estimated skin spectrum (equals the given skin Lab up to skin_fit_residual()).
  colour::Lab skin_lab() const;
  double skin_fit_residual() const noexcept { return skin_residual_; }
  // Per band: the dermis layer's own reflectance and its transmittance squared (Kubelka 1948),
  // and the K/S of the deep skin the dot is mixed into.
  const colour::Spectrum& overlay_reflectance() const noexcept { return overlay_r_; }
  const colour::Spectrum& overlay_transmittance_squared() const noexcept { return overlay_t2_; }
  const colour::Spectrum& substrate_ks() const noexcept { return substrate_ks_; }
  // Slow reference path for healed_dot_lab (spectrum, then Little CMS XYZ→Lab); for tests.
  colour::Lab healed_dot_lab_reference(const colour::Spectrum& mixed_ink_ks, double pigment_fraction) const;
  // Index of an ink id in palette order; throws InputError naming the palette's ids if unknown.
  std::size_t ink_index(const std::string& id) const;

 private:
  const Palette* palette_;  // must outlive the model
  HealingParams healing_;
  colour::Spectrum skin_r_;
  colour::Spectrum skin_ks_;
  std::vector<colour::Spectrum> ink_ks_;
  colour::Spectrum overlay_s_;  // dermis scattering per band
  colour::Spectrum overlay_r_;     // R_layer per band
  colour::Spectrum overlay_t2_;    // T² per band
  colour::Spectrum substrate_ks_;  // K/S of the deep skin under the dermis layer
  double skin_residual_ = 0.0;
  // Hot-path copies of the D50 observer (weights and white) so the loop touches only this object.
  std::array<double, colour::kSpectrumBands> wx_{};
  std::array<double, colour::kSpectrumBands> wy_{};
  std::array<double, colour::kSpectrumBands> wz_{};
  colour::Xyz white_;
};

// Lab D50 of an opaque layer with this K/S (a drawdown: no skin, no overlay).
colour::Lab ks_to_lab_d50(const colour::Spectrum& ks);

}  // namespace shadematch::pigment
