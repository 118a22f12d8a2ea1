#pragma once
// Skin-tone descriptors (DESIGN.md, Regions).
// ITA° = atan2(L* − 50, b*)·180/π (Chardon, Cretois & Hourseau 1991; Del Bino et al. 2006 classes):
// very light > 55, light 41–55, intermediate 28–41, tan 10–28, brown −30–10, dark < −30.
// Monk Skin Tone scale (Monk 2019; Google MST swatches, calibration/monk_skin_tone_srgb.csv):
// nearest of the ten display swatches by ΔE00 in CIELAB D50.
#include <span>
#include <string>
#include <string_view>

#include "colour/types.hpp"

namespace shadematch::colour {

double ita_deg(const Lab& lab);

enum class ItaClass { very_light, light, intermediate, tan, brown, dark };
ItaClass ita_class(double ita_deg);
std::string_view ita_class_name(ItaClass c);  // "very light", "light", …

struct MonkTone {
  int level = 0;  // 1 (lightest) … 10 (darkest)
  std::string hex;
  Lab lab;  // D50, from the sRGB swatch
};
std::span<const MonkTone> monk_tones();
const MonkTone& nearest_monk_tone(const Lab& lab);

}  // namespace shadematch::colour
