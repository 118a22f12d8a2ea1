#pragma once
// `shadematch palette add` (issue 8): appends an ink to a palette file while keeping every byte
// already in it — comments, blank lines, quoting, key order — because a clinic's palette is a
// hand-kept document, not a dump.
//
// How: the new ink is inserted as text at the end of the top-level `inks:` block sequence, right
// after its last content line (comments at column 0 and blank lines that follow belong to the next
// key and stay after it), in the block's own style: the indentation of its "- " items and of
// their keys, and the file's line ending (LF or CRLF). The whole result is then re-parsed with the
// palette parser, and refused if it does not validate. A flow-style `inks: [...]` is refused with
// a message (inserting into it would mean rewriting the user's line).
//
// Writing (write_file_with_backup): the new text goes to a temporary file in the same directory
// (same permissions as the original), is flushed to disk, the previous version is copied to F.bak
// (itself through a temporary file and rename), and only then is the temporary renamed over F.
// Any failure before that last rename leaves F as it was; rename is atomic on POSIX file systems,
// so an interrupted write never loses the palette.
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "colour/types.hpp"
#include "pigment/palette.hpp"

namespace shadematch::files {

struct NewInk {
  std::string id;    // [a-z0-9-]+
  std::string name;  // non-empty
  std::string maker;
  std::string lot;
  std::optional<std::string> expires;  // YYYY-MM-DD
  std::optional<bool> in_stock;
  std::optional<colour::Lab> lab;  // masstone Lab D50 …
  // … or a measured masstone reflectance on a regular grid.
  double start_nm = 400;
  double step_nm = 10;
  std::vector<double> reflectance;
};

// The YAML lines of one ink item: "- id: …" at `dash_indent` spaces, its keys at `key_indent`,
// each line ending with `eol`. Strings are written plain when YAML reads them back unchanged,
// otherwise double-quoted; numbers with up to 6 significant decimals.
std::string format_ink_item(const NewInk& ink, int dash_indent, int key_indent, std::string_view eol);

// The palette text with the ink inserted (see above). Throws InputError(source, line, column, …)
// when there is no top-level block-style `inks:` sequence to append to.
std::string insert_ink_text(std::string_view text, const NewInk& ink, const std::string& source);

// Parses palette text (files::parse_palette in the product; injected so that this layer's text
// surgery can be built and tested on its own).
using PaletteParser = std::function<pigment::Palette(std::string_view text, const std::string& source)>;

// Checks the ink's values that the text insertion relies on (id syntax, non-empty name, a colour
// given one way), then: parses `text` (must validate), refuses a duplicate id (naming the line
// of the existing ink), inserts, re-parses the result and returns it. InputError on any failure,
// naming `source`.
std::string add_ink_text(std::string_view text, const NewInk& ink, const std::string& source,
                         const PaletteParser& parse);

// Reads `path`, add_ink_text, then write_file_with_backup(path, …, path + ".bak").
// Returns the parsed new palette.
pigment::Palette add_ink_to_file(const std::string& path, const NewInk& ink, const PaletteParser& parse);

// Writes `bytes` to `path` whole or not at all (see above); when `backup_path` is non-empty and
// `path` exists, its previous contents are kept there. Throws InputError naming the path.
void write_file_with_backup(const std::string& path, std::string_view bytes, const std::string& backup_path = "");

// Reads a measured reflectance from CSV text: two columns (wavelength in nm, reflectance 0..1, or
// 0..100 when any value exceeds 1.5, i.e. percent), a header row, regular wavelength steps
// (InputError naming file:line otherwise). Fills ink.start_nm, step_nm and reflectance.
void read_reflectance_csv(std::string_view text, const std::string& source, NewInk& ink);

}  // namespace shadematch::files
