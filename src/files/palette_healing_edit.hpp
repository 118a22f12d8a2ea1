#pragma once
// `healing fit --write` (issue 15): sets the values of the palette's `healing` section and keeps
// every other byte of the file — comments, blank lines, key order, the section's own style.
//
// How: yaml-cpp gives the position of each healing value as written (its Mark); a value that is
// present is replaced in place (its plain-scalar text, checked to be exactly what yaml-cpp read);
// a key that is missing is added to the section in its style (`, key: v` before the closing brace
// of a flow mapping, or a line at the keys' indentation after the section's last key in block
// style); with no section at all, one flow-style line `healing: {…}` is appended. The result is
// re-parsed with the palette parser and must carry exactly the values written (else refused).
// Numbers are written with 4 significant digits: finer than any fit's uncertainty, and a change
// of 1e-4 relative moves a prediction by well under 0.01 ΔE00.
// Writing goes through files::write_file_with_backup (atomic rename, previous file as F.bak).
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "files/palette_edit.hpp"
#include "pigment/palette.hpp"

namespace shadematch::files {

using HealingValues = std::vector<std::pair<std::string, double>>;  // (key, value), in table order

// "%.4g" (see above).
std::string format_healing_value(double value);

// The text with healing.<key> = value for each pair. InputError(source, line, column, …) when
// the text does not parse, a value is not a plain scalar, or the result does not validate.
std::string set_healing_values_text(std::string_view text, const HealingValues& values, const std::string& source,
                                    const PaletteParser& parse);

// Reads `path`, sets the values, writes it back atomically with the previous version as
// `path`.bak. Returns the palette as written.
pigment::Palette write_healing_values(const std::string& path, const HealingValues& values, const PaletteParser& parse);

}  // namespace shadematch::files
