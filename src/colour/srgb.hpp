#pragma once
// CIELAB D50 ↔ sRGB (IEC 61966-2-1) for display swatches, through Little CMS's built-in sRGB
// profile (relative colorimetric; the profile's D65→D50 Bradford adaptation). Colours outside the
// sRGB gamut are clipped to it and flagged.
#include <cstdint>
#include <string>

#include "colour/types.hpp"

namespace shadematch::colour {

struct Srgb8 {
  std::uint8_t r = 0;
  std::uint8_t g = 0;
  std::uint8_t b = 0;
  bool clipped = false;     // the Lab lay outside sRGB (or was not finite) and was clipped
  std::string hex() const;  // "#rrggbb"
};

Srgb8 lab_d50_to_srgb8(const Lab& lab);
// Encoded sRGB in 0..1 (not clipped) → Lab D50.
Lab srgb_to_lab_d50(double r, double g, double b);
Lab srgb8_to_lab_d50(std::uint8_t r, std::uint8_t g, std::uint8_t b);
// "#rrggbb" → Lab D50; false if the text is not a 6-digit hex colour.
bool hex_to_lab_d50(const std::string& hex, Lab& out);

}  // namespace shadematch::colour
