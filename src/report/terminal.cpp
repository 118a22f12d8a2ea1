#include "report/terminal.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace shadematch::report {

std::size_t display_width(std::string_view text) {
  std::size_t width = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == 0x1b && i + 1 < text.size() && text[i + 1] == '[') {
      // Skip a CSI sequence up to its final byte (0x40–0x7e).
      i += 2;
      while (i < text.size() &&
             !(static_cast<unsigned char>(text[i]) >= 0x40 && static_cast<unsigned char>(text[i]) <= 0x7e))
        ++i;
      continue;
    }
    if ((c & 0xc0) != 0x80) ++width;  // count lead bytes only
  }
  return width;
}

std::string swatch(const colour::Srgb8& rgb, int width) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "\x1b[48;2;%d;%d;%dm", rgb.r, rgb.g, rgb.b);
  return std::string(buf) + std::string(static_cast<std::size_t>(std::max(width, 0)), ' ') + "\x1b[0m";
}

std::string swatch(const colour::Lab& lab_d50, int width) {
  return swatch(colour::lab_d50_to_srgb8(lab_d50), width);
}

TextTable::TextTable(std::vector<std::string> header, std::vector<Align> align)
    : header_(std::move(header)), align_(std::move(align)) {
  align_.resize(header_.size(), Align::left);
}

void TextTable::add_row(std::vector<std::string> cells) {
  cells.resize(header_.size());
  rows_.push_back(std::move(cells));
}

std::string TextTable::render(int indent) const {
  std::vector<std::size_t> widths(header_.size(), 0);
  auto measure = [&](const std::vector<std::string>& row) {
    for (std::size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], display_width(row[c]));
  };
  measure(header_);
  for (const auto& r : rows_) measure(r);
  auto line = [&](const std::vector<std::string>& row) {
    std::string out(static_cast<std::size_t>(std::max(indent, 0)), ' ');
    for (std::size_t c = 0; c < row.size(); ++c) {
      const std::size_t pad = widths[c] - display_width(row[c]);
      if (c > 0) out += "  ";
      if (align_[c] == Align::right)
        out += std::string(pad, ' ') + row[c];
      else
        out += row[c] + std::string(pad, ' ');
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out + "\n";
  };
  std::string out = line(header_);
  for (const auto& r : rows_) out += line(r);
  return out;
}

std::string fixed(double value, int decimals) {
  if (!std::isfinite(value)) return "n/a";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  std::string s = buf;
  // "-0.0" → "0.0": a sign on a rounded zero only confuses.
  if (s.front() == '-' && s.find_first_not_of("-0.") == std::string::npos) s.erase(0, 1);
  return s;
}

std::string lab_text(const colour::Lab& lab) {
  return "L* " + fixed(lab.l, 1) + "  a* " + fixed(lab.a, 1) + "  b* " + fixed(lab.b, 1);
}

}  // namespace shadematch::report
