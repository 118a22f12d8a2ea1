// Blend recipes in the clinic's words: "2 jet-black + 1 warm-brown @ 8:1".
#include <cctype>
#include <charconv>

#include "common/error.hpp"
#include "pigment/model.hpp"

namespace shadematch::pigment {
namespace {

constexpr int kMaxNumber = 1000;  // parts or dilution terms above this are typos, not recipes

bool is_space(char c) {
  return c == ' ' || c == '\t';
}
bool is_word(char c) {
  return !is_space(c) && c != '+' && c != '@';
}

class BlendLexer {
 public:
  BlendLexer(std::string_view text, const std::string& source) : text_(text), source_(source) {}

  void skip_space() {
    while (pos_ < text_.size() && is_space(text_[pos_])) ++pos_;
  }
  bool at_end() {
    skip_space();
    return pos_ >= text_.size();
  }
  bool accept(char c) {
    skip_space();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  // A maximal run of characters that are not space, '+' or '@'; empty when there is none.
  std::string_view word(int& column) {
    skip_space();
    column = static_cast<int>(pos_) + 1;
    const std::size_t start = pos_;
    while (pos_ < text_.size() && is_word(text_[pos_])) ++pos_;
    return text_.substr(start, pos_ - start);
  }
  int column() const { return static_cast<int>(pos_) + 1; }
  [[noreturn]] void fail(int column, const std::string& message) const {
    throw InputError(source_, 0, column, message);
  }
  std::string rest() const { return std::string(text_.substr(std::min(pos_, text_.size()))); }

 private:
  std::string_view text_;
  const std::string& source_;
  std::size_t pos_ = 0;
};

bool parse_small_int(std::string_view s, int& out) {
  if (s.empty() || s.size() > 6) return false;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && end == s.data() + s.size() && out <= kMaxNumber;
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

std::string format_blend(const Blend& blend) {
  std::string out;
  for (const BlendPart& p : blend.parts) {
    if (!out.empty()) out += " + ";
    out += std::to_string(p.parts) + " " + p.ink_id;
  }
  out += " @ " + blend.dilution.label();
  return out;
}

Blend parse_blend(std::string_view text, const Palette& palette, const std::string& source) {
  static const std::string kExample = "such as '2 jet-black + 1 warm-brown @ 8:1'";
  BlendLexer lex(text, source);
  Blend blend;
  if (lex.at_end()) lex.fail(0, "expected a blend " + kExample + ", found nothing");
  do {
    int column = 0;
    std::string_view w = lex.word(column);
    if (w.empty()) lex.fail(column, "expected parts and an ink id " + kExample + ", found '" + lex.rest() + "'");
    BlendPart part;
    if (all_digits(w)) {
      if (!parse_small_int(w, part.parts) || part.parts < 1) {
        lex.fail(column, "parts: expected a whole number from 1 to " + std::to_string(kMaxNumber) + ", found '" +
                             std::string(w) + "'");
      }
      w = lex.word(column);
      if (w.empty()) lex.fail(column, "expected an ink id after the parts, found '" + lex.rest() + "'");
    } else if (w.front() == '-' || w.front() == '+') {
      lex.fail(column, "parts: expected a whole number from 1 to " + std::to_string(kMaxNumber) + ", found '" +
                           std::string(w) + "'");
    }
    const std::string id(w);
    if (palette.find(id) == nullptr) {
      lex.fail(column, "unknown ink '" + id + "'; the palette " + (palette.source.empty() ? "" : palette.source + " ") +
                           "has: " + palette.ids());
    }
    for (const BlendPart& seen : blend.parts) {
      if (seen.ink_id == id) lex.fail(column, "ink '" + id + "' appears twice; give each ink once with its parts");
    }
    part.ink_id = id;
    blend.parts.push_back(part);
  } while (lex.accept('+'));
  if (lex.accept('@')) {
    int column = 0;
    const std::string_view w = lex.word(column);
    const std::size_t colon = w.find(':');
    int water = -1, pigment = -1;
    if (colon == std::string_view::npos || !parse_small_int(w.substr(0, colon), water) ||
        !parse_small_int(w.substr(colon + 1), pigment) || pigment < 1) {
      lex.fail(column, "dilution: expected water:pigment as whole numbers such as 8:1 (pigment ≥ 1), found '" +
                           std::string(w) + "'");
    }
    blend.dilution = {water, pigment};
  }
  if (!lex.at_end()) {
    const int column = lex.column();
    lex.fail(column, "expected '+ parts ink' or '@ water:pigment', found '" + lex.rest() + "'");
  }
  return blend;
}

}  // namespace shadematch::pigment
