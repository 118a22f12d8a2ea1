#include "plan/describe.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "colour/delta_e.hpp"

namespace shadematch::plan {
namespace {

// A component is named when it is at least 0.5 CIELAB units (below that it is not visible on its
// own) and at least 35 % of the largest component (so "lighter" is not drowned in trivia).
constexpr double kMinComponent = 0.5;
constexpr double kRelativeComponent = 0.35;
// Below this chroma the hue angle of a colour is dominated by noise (near-neutral).
constexpr double kNeutralChroma = 3.0;

// Shift of sample − target along the warm axis (towards the warm pole's hue).
double warm_shift(const colour::Lab& target, const colour::Lab& sample) {
  constexpr double rad = kWarmHueDeg * std::numbers::pi / 180.0;
  return (sample.a - target.a) * std::cos(rad) + (sample.b - target.b) * std::sin(rad);
}

}  // namespace

std::string join_words(const std::vector<std::string>& words, const std::string& last_sep) {
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i > 0) out += (i + 1 == words.size()) ? last_sep : ", ";
    out += words[i];
  }
  return out;
}

DirectionWords difference_words(const colour::Lab& target, const colour::Lab& sample) {
  const colour::LabDifference d = colour::lab_difference(target, sample);
  const double largest = std::max({std::abs(d.dl), std::abs(d.dc), std::abs(d.dh)});
  auto significant = [&](double v) {
    return std::abs(v) >= kMinComponent && std::abs(v) >= kRelativeComponent * largest;
  };
  DirectionWords w;
  if (significant(d.dl)) {
    w.words.emplace_back(d.dl > 0.0 ? "lighter" : "darker");
    w.opposite.emplace_back(d.dl > 0.0 ? "darker" : "lighter");
  }
  const bool neutral = std::hypot(target.a, target.b) < kNeutralChroma;
  if (neutral) {
    // Chroma and hue of a near-neutral are one move: along the warm axis or across it.
    const double shift = std::hypot(d.dc, d.dh);
    if (shift >= kMinComponent && shift >= kRelativeComponent * largest) {
      const double warm = warm_shift(target, sample);
      if (std::abs(warm) >= 0.3 * shift) {  // within ~70° of the warm–cool axis
        w.words.emplace_back(warm > 0.0 ? "warmer" : "cooler");
        w.opposite.emplace_back(warm > 0.0 ? "cooler" : "warmer");
      } else {
        w.words.emplace_back("more saturated");
        w.opposite.emplace_back("greyer");
      }
    }
    return w;
  }
  if (significant(d.dc)) {
    w.words.emplace_back(d.dc > 0.0 ? "more saturated" : "greyer");
    w.opposite.emplace_back(d.dc > 0.0 ? "greyer" : "more saturated");
  }
  if (significant(d.dh)) {
    const bool warmer = warm_shift(target, sample) > 0.0;
    w.words.emplace_back(warmer ? "warmer" : "cooler");
    w.opposite.emplace_back(warmer ? "cooler" : "warmer");
  }
  return w;
}

std::string describe_difference(const colour::Lab& target, const colour::Lab& sample) {
  const double de = colour::delta_e_2000(target, sample);
  const DirectionWords w = difference_words(target, sample);
  if (de < 0.5 || w.words.empty()) return "matches target";
  // Adverbs by ΔE00: < 1 is at the edge of visibility, < 2.5 a small difference side by side,
  // ≥ 5 obvious at a glance.
  std::string adverb;
  if (de < 1.0) {
    adverb = "very slightly ";
  } else if (de < 2.5) {
    adverb = "slightly ";
  } else if (de >= 5.0) {
    adverb = "much ";
  }
  return adverb + join_words(w.words) + " than target";
}

std::string missing_ink(const colour::Lab& target, const colour::Lab& closest) {
  const DirectionWords w = difference_words(target, closest);
  if (w.opposite.empty()) return "a closer ink";
  return "a " + join_words(w.opposite, ", ") + " ink";
}

}  // namespace shadematch::plan
