#pragma once
// Reference card definition files (DESIGN.md "Reference card"): calibration/<id>.yaml, schema
// `shadematch-card/1`. Built-in cards are the calibration/*.yaml files compiled into the binary
// (common/embedded.hpp); a clinic can pass its own file with `--card PATH`.
//
//   schema: shadematch-card/1
//   id: colorchecker-classic-2014          # [a-z0-9-]+
//   title: "…"  edition: after-nov-2014  source: "citation"
//   aliases: [colorchecker, colorchecker-mini, …]   # optional: other names for --card
//   illuminant: D50   observer: 2          # optional; only D50 / 2° are accepted (the PCS)
//   grid: {rows: 4, cols: 6, width: 308.5, height: 203.5}   # card units, photo/card.hpp
//   neutral: [19, 20, 21, 22, 23, 24]      # patch indices of the grey scale (≥ 3 for linearization)
//   patches:                               # rows × cols, row-major, patch 1 top-left
//     - {index: 1, name: "dark skin", center: [23, 23], size: [46, 46], lab: [37.54, 14.37, 14.92]}
//
// Built-in ids: colorchecker-classic-2014 (default; X-Rite values for charts made after November
// 2014) and colorchecker-classic-pre2014. Aliases (Mini, Nano and the Passport's 24-patch page
// share the Classic layout): colorchecker, colorchecker-classic, colorchecker-mini,
// colorchecker-nano, colorchecker-passport (→ 2014) and colorchecker-{mini,nano,passport}-pre2014.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "photo/card.hpp"

namespace shadematch::files {

struct CardFile {
  photo::CardDefinition card;
  std::vector<std::string> aliases;
};

// Parses and validates a card file's text. Errors: InputError(source, line, column, message)
// naming the key, what was expected and what was found; unknown keys are errors.
CardFile parse_card(std::string_view text, const std::string& source);

// Reads PATH and parses it (InputError when missing/unreadable).
photo::CardDefinition load_card_file(const std::string& path);

// Ids of the built-in cards (not the aliases), sorted.
std::vector<std::string> builtin_card_ids();
// A built-in card by id or alias; nullopt when unknown.
std::optional<photo::CardDefinition> builtin_card(std::string_view id_or_alias);

// What --card means: a built-in id or alias, else a path to a card file (when it names an
// existing file or ends in .yaml/.yml). Unknown → InputError listing the built-in ids.
photo::CardDefinition resolve_card(const std::string& id_or_path);

}  // namespace shadematch::files
