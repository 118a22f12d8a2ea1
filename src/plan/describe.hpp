#pragma once
// A colour difference in the clinic's words: "slightly lighter and cooler than target".
//
// Built from the CIELAB components of sample − target (colour::lab_difference): ΔL* (lighter /
// darker), ΔC*ab (more saturated / greyer) and ΔH*ab (warmer / cooler). Warm and cool follow the
// hair-colour trade's use: warm is copper / red-orange, cool is ash (blue-green-grey). The hue word
// is the sign of the shift along the warm axis, Δa*·cos 40° + Δb*·sin 40° (hue 40°: copper).
// For near-neutral targets (C*ab < 3, where the hue angle means nothing) the chroma and hue shifts
// together are one warmer / cooler move along that axis.
#include <string>
#include <vector>

#include "colour/types.hpp"

namespace shadematch::plan {

// Hue angle (degrees) of the warm pole: copper, red-orange.
inline constexpr double kWarmHueDeg = 40.0;

struct DirectionWords {
  std::vector<std::string> words;     // e.g. {"lighter", "cooler"}; empty when indistinguishable
  std::vector<std::string> opposite;  // e.g. {"darker", "warmer"}: what would close the gap
};

// The significant components of `sample` − `target`, as words.
DirectionWords difference_words(const colour::Lab& target, const colour::Lab& sample);

// "slightly lighter and cooler than target"; "matches target" below ΔE00 0.5 (about the
// threshold of a visible difference between two flat patches side by side).
std::string describe_difference(const colour::Lab& target, const colour::Lab& sample);

// When even the closest blend is far from the target: what ink the palette lacks, e.g.
// "a darker, warmer ink".
std::string missing_ink(const colour::Lab& target, const colour::Lab& closest);

// "a", "a and b", "a, b and c".
std::string join_words(const std::vector<std::string>& words, const std::string& last_sep = " and ");

}  // namespace shadematch::plan
