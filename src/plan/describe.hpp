#pragma once
// A colour difference in the clinic's words: "slightly lighter and cooler than target".
//
// Built from the CIELAB components of sample − target (colour::lab_difference): ΔL* (lighter /
// darker), ΔC*ab (more saturated / greyer) and ΔH*ab (warmer / cooler). Warm and cool are read
// against a warm pole at hue 50° (the orange-brown of hair and skin) and a cool pole at 230°
// (blue-grey): a hue rotation towards 50° is warmer. For near-neutral colours (C*ab < 3, where
// the hue angle is not meaningful) the hue word comes from the shift along the same warm axis,
// Δa*·cos 50° + Δb*·sin 50°.
#include <string>
#include <vector>

#include "colour/types.hpp"

namespace shadematch::plan {

// Hue angle (degrees) of the warm pole: orange-brown, where hair and skin colours lie.
inline constexpr double kWarmHueDeg = 50.0;

struct DirectionWords {
  std::vector<std::string> words;  // e.g. {"lighter", "cooler"}; empty when indistinguishable
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
