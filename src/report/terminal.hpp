#pragma once
// Terminal renderings shared by the reports: true-colour swatches (ISO 8613-6 / ECMA-48 SGR
// 38;2 and 48;2, supported by every current terminal emulator) and column-aligned tables that
// count UTF-8 code points, not bytes ("ΔE00" is four columns wide).
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "colour/srgb.hpp"
#include "colour/types.hpp"

namespace shadematch::report {

// Display width of UTF-8 text in terminal columns: one per code point, escape sequences
// (ESC [ … m) count zero. Good enough for the Latin, Greek and symbol text of our reports.
std::size_t display_width(std::string_view text);

// `width` columns of solid colour (background SGR with spaces, then reset).
std::string swatch(const colour::Srgb8& rgb, int width = 4);
std::string swatch(const colour::Lab& lab_d50, int width = 4);

enum class Align { left, right };

// A table: header row, then rows; columns separated by two spaces; trailing spaces trimmed.
class TextTable {
 public:
  explicit TextTable(std::vector<std::string> header, std::vector<Align> align = {});
  void add_row(std::vector<std::string> cells);
  // Every line ends with "\n"; `indent` spaces before each line.
  std::string render(int indent = 0) const;

 private:
  std::vector<std::string> header_;
  std::vector<Align> align_;
  std::vector<std::vector<std::string>> rows_;
};

// printf-style fixed-point number ("%.*f"), with "-0.0" written as "0.0".
std::string fixed(double value, int decimals);
// "L* 22.0  a* 3.0  b* 6.0"
std::string lab_text(const colour::Lab& lab);

}  // namespace shadematch::report
