#pragma once
// The clinic's house palette (DESIGN.md, "Palette"): inks, dilution steps, blend limits, healing
// parameters and plan settings. A Palette value is always fully valid: the parser
// (files/palette_file.hpp) rejects anything else with file:line:column.
#include <optional>
#include <string>
#include <vector>

#include "colour/types.hpp"

namespace shadematch::pigment {

struct Ink {
  std::string id;     // [a-z0-9-]+, unique within the palette
  std::string name;
  std::string maker;  // free text, may be empty
  std::string lot;    // may be empty
  std::optional<std::string> expires;  // ISO date YYYY-MM-DD
  bool in_stock = true;
  // Masstone drawdown reflectance as given (model grid), or nullopt when only Lab is known.
  std::optional<colour::Spectrum> measured_reflectance;
  // Masstone Lab D50 as given (when no reflectance is known).
  std::optional<colour::Lab> given_lab;
  // The reflectance the model uses: measured, or upsampled from the Lab (see spectral upsampling).
  colour::Spectrum reflectance;
  colour::Lab masstone_lab;  // Lab D50 of `reflectance`
  int source_line = 0;       // 1-based line of the ink in its palette file (0 = unknown)
};

// Water:pigment by volume, e.g. 8:1 → water 8, pigment 1. "0:1" is undiluted.
struct DilutionStep {
  int water = 0;
  int pigment = 1;
  std::string label() const { return std::to_string(water) + ":" + std::to_string(pigment); }
  // Pigment fraction of the diluted ink, P / (W + P).
  double pigment_fraction() const { return static_cast<double>(pigment) / static_cast<double>(water + pigment); }
  friend bool operator==(const DilutionStep&, const DilutionStep&) = default;
};

// Kubelka–Munk ink-in-skin parameters (DESIGN.md, "Ink-in-skin model"); defaults documented in
// pigment/model.hpp.
struct HealingParams {
  double strength = 1.0;
  double retention = 0.7;
  double overlay_scatter = 0.06;   // S·d of the dermis above the dot at 550 nm (see model.hpp)
  double overlay_exponent = 3.0;  // S ∝ (550/λ)^exponent
};

struct Palette {
  std::string source;  // file the palette came from (for messages)
  std::string schema;  // "shadematch-palette/1"
  std::string name;
  std::vector<Ink> inks;
  std::string diluent = "distilled water";
  std::vector<DilutionStep> dilution;  // in file order; always holds at least one step
  int max_inks = 3;
  int parts_total = 6;
  HealingParams healing;
  double shade_step_dl = 5.0;  // plan.shade_step_dL

  // nullptr when no ink has this id.
  const Ink* find(const std::string& id) const;
  // "jet-black, warm-brown, …" for error messages.
  std::string ids() const;
};

// Fills ink.reflectance and ink.masstone_lab: the measured reflectance when there is one (clamped to
// [0, 1]), else the smooth spectrum upsampled from ink.given_lab (pigment/upsample.hpp). Returns
// false, leaving the ink unchanged, when the Lab cannot be reproduced by any reflectance in (0, 1)
// or neither is given. `residual_de76` (optional) receives the upsampling residual.
bool complete_ink_reflectance(Ink& ink, double* residual_de76 = nullptr);

}  // namespace shadematch::pigment
