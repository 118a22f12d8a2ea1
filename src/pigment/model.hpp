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

 private:
  const Palette* palette_;
  HealingParams healing_;
  colour::Spectrum skin_r_;
  colour::Spectrum skin_ks_;
  std::vector<colour::Spectrum> ink_ks_;
  colour::Spectrum overlay_s_;  // dermis scattering per band
};

}  // namespace shadematch::pigment
