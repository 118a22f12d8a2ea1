#pragma once
// UTF-8 validation of text read from users (issue 20). Every text that can reach JSON output
// (palette and ink names, makers, lots, case titles, student names, …) comes from a YAML or CSV
// file or from the command line; nlohmann::json refuses to print invalid UTF-8, so such text is
// checked where it is read, once for the whole file, and the file is refused with the position of
// the first bad byte (a file with broken text is a broken file: we do not guess an encoding).
// Metadata a camera wrote (EXIF Make/Model) is not the user's text: it is repaired instead
// (`repair`), since refusing a photo for a garbled camera name would help no one.
//
// Valid means RFC 3629 UTF-8: no overlong forms, no UTF-16 surrogates (U+D800–U+DFFF), nothing
// above U+10FFFF, no truncated sequence.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/error.hpp"

namespace shadematch::utf8 {

// Length of the valid UTF-8 sequence starting at text[i], or 0 when the bytes there are not one.
inline std::size_t sequence_length(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<std::uint8_t>(text[k]); };
  const std::uint8_t b0 = byte(i);
  if (b0 < 0x80) return 1;
  std::size_t n = 0;
  std::uint8_t lo = 0x80;  // allowed range of the second byte (RFC 3629 §4 table)
  std::uint8_t hi = 0xBF;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    n = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    n = 3;
    if (b0 == 0xE0) lo = 0xA0;  // no overlong 3-byte forms
    if (b0 == 0xED) hi = 0x9F;  // no surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    n = 4;
    if (b0 == 0xF0) lo = 0x90;  // no overlong 4-byte forms
    if (b0 == 0xF4) hi = 0x8F;  // nothing above U+10FFFF
  } else {
    return 0;  // a continuation byte, C0/C1 (overlong) or F5..FF
  }
  if (i + n > text.size()) return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (std::size_t k = 2; k < n; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  }
  return n;
}

// Byte offset of the first byte that is not valid UTF-8, or npos when all of `text` is valid.
inline std::size_t first_invalid(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t n = sequence_length(text, i);
    if (n == 0) return i;
    i += n;
  }
  return std::string_view::npos;
}

inline bool valid(std::string_view text) {
  return first_invalid(text) == std::string_view::npos;
}

// Throws InputError(source, line, column, …) at the first invalid byte of a file's whole text.
// Lines and columns count from 1; the column counts bytes, as yaml-cpp's marks and the CSV reader
// do, so every position the tool reports for one file agrees.
inline void require_valid_text(std::string_view text, const std::string& source) {
  const std::size_t bad = first_invalid(text);
  if (bad == std::string_view::npos) return;
  int line = 1;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < bad; ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  static constexpr char kHex[] = "0123456789ABCDEF";
  const auto b = static_cast<std::uint8_t>(text[bad]);
  std::string message = "invalid UTF-8 (byte 0x";
  message += kHex[b >> 4];
  message += kHex[b & 0xF];
  message += "): the file must be UTF-8 text";
  const bool utf16_bom =
      text.size() >= 2 && ((static_cast<std::uint8_t>(text[0]) == 0xFF && static_cast<std::uint8_t>(text[1]) == 0xFE) ||
                           (static_cast<std::uint8_t>(text[0]) == 0xFE && static_cast<std::uint8_t>(text[1]) == 0xFF));
  if (bad == 0 && utf16_bom) {
    message += " (this one starts like UTF-16; save it as UTF-8)";
  } else {
    message += " (save it as UTF-8; a Latin-1 or Windows-1252 accent is a typical cause)";
  }
  throw InputError(source, line, static_cast<int>(bad - line_start) + 1, message);
}

// `text` with every invalid byte replaced by U+FFFD (the replacement character), for metadata
// that is shown, not parsed.
inline std::string repair(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t n = sequence_length(text, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(text.substr(i, n));
      i += n;
    }
  }
  return out;
}

}  // namespace shadematch::utf8
