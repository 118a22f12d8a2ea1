#pragma once
// The house palette file, palettes/*.yaml (DESIGN.md "Palette"; schema shadematch-palette/1;
// palettes/README.md documents every key). A Palette that loads is fully valid: every value is
// checked here, and inks given only as Lab are upsampled (pigment/upsample.hpp) so that each ink
// has a reflectance.
//
// Errors: InputError(file, line, column, "<key>: expected …, found …") with 1-based positions
// (yaml-cpp marks count from 0). <key> is the path to the value, ink items numbered from 1 in file
// order: "inks[3].reflectance.values[7]", "dilution.steps[2]", "healing.retention". Rejected:
// malformed YAML, unknown or duplicate keys, wrong types, quoted numbers, NaN/inf, out-of-range
// values, ink ids not matching [a-z0-9-]+ or used twice, reflectance outside 0..1 or with fewer
// than 16 values or not covering 400–700 nm, a Lab no reflectance can have, both or neither of
// reflectance/lab, expiry dates that are not real YYYY-MM-DD dates, malformed or repeated
// dilution steps ("W:P", whole numbers, P ≥ 1), parts and limits out of range.
#include <string>
#include <string_view>

#include "pigment/palette.hpp"

namespace shadematch::files {

// `source` names the text in messages (the file path as the user gave it).
pigment::Palette parse_palette(std::string_view text, std::string source);
// Reads `path` (InputError naming it when unreadable) and parses it with source = path.
pigment::Palette load_palette(const std::string& path);

// Limits the parser enforces (also quoted in palettes/README.md).
inline constexpr int kMaxBlendInks = 6;                  // blends.max_inks: 1..6
inline constexpr int kMaxPartsTotal = 24;                // blends.parts_total: 1..24 (the search enumerates them)
inline constexpr int kMaxDilutionTerm = 1000;            // W and P of "W:P"
inline constexpr std::size_t kMinReflectanceBands = 16;  // 400–700 nm at 20 nm

// True for a real calendar date written YYYY-MM-DD (Gregorian leap years).
bool is_iso_date(std::string_view text);

}  // namespace shadematch::files
