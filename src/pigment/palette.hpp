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
  std::string id;  // [a-z0-9-]+, unique within the palette
  std::string name;
  std::string maker;                   // free text, may be empty
  std::string lot;                     // may be empty
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

// Layered ink-in-skin parameters (DESIGN.md, "Ink-in-skin model"): the palette's `healing` section.
// Each default, its range and its source are documented in pigment/model.hpp and palettes/README.md.
struct HealingParams {
  double strength = 1.0;                    // scales the ink's concentration in the pigment layer, (0, 10]
  double retention = 0.6;                   // fraction of the implanted pigment kept after healing, (0, 1]
  double epidermis_um = 80.0;               // epidermis thickness, 10–300 µm
  double dermis_above_um = 0.0;             // dermis between the epidermis and the pigment, 0–1000 µm
  double pigment_layer_um = 200.0;          // thickness of the dermis holding the pigment, 10–1000 µm
  double ink_scatter = 1.0;                 // the ink's own scattering: 1 = its drawdown's K/S ratio, 0 = none; 0–2
  double skin_index = 1.4;                  // refractive index of the skin surface (Saunderson), 1–1.7
  double drawdown_index = 1.5;              // refractive index of the drawdown's binder (Saunderson), 1–1.7
  bool drawdown_specular_included = false;  // the drawdowns were measured with the specular (SCI)
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
