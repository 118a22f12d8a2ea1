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

double hue_deg(double a, double b) {
  double h = std::atan2(b, a) * 180.0 / std::numbers::pi;
  return h < 0.0 ? h + 360.0 : h;
}

// +1 warmer, −1 cooler for the hue part of sample − target.
int warmth_sign(const colour::Lab& target, const colour::Lab& sample, double dh) {
  const double c_t = std::hypot(target.a, target.b);
  const double c_s = std::hypot(sample.a, sample.b);
  if (std::min(c_t, c_s) < kNeutralChroma) {
    constexpr double rad = kWarmHueDeg * std::numbers::pi / 180.0;
    const double shift = (sample.a - target.a) * std::cos(rad) + (sample.b - target.b) * std::sin(rad);
    return shift >= 0.0 ? 1 : -1;
  }
  // Mean hue of the two, on the short arc.
  double h1 = hue_deg(target.a, target.b);
  double h2 = hue_deg(sample.a, sample.b);
  if (std::abs(h1 - h2) > 180.0) (h1 < h2 ? h1 : h2) += 360.0;
  double mean = std::fmod(0.5 * (h1 + h2), 360.0);
  // Anticlockwise (dh > 0) moves away from the warm pole when the mean hue lies on the arc
  // from the warm pole anticlockwise to the cool pole.
  double from_warm = mean - kWarmHueDeg;
  if (from_warm < 0.0) from_warm += 360.0;
  const bool away_when_anticlockwise = from_warm < 180.0;
  const bool anticlockwise = dh > 0.0;
  return anticlockwise == away_when_anticlockwise ? -1 : 1;
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
  auto significant = [&](double v) { return std::abs(v) >= kMinComponent && std::abs(v) >= kRelativeComponent * largest; };
  DirectionWords w;
  if (significant(d.dl)) {
    w.words.emplace_back(d.dl > 0.0 ? "lighter" : "darker");
    w.opposite.emplace_back(d.dl > 0.0 ? "darker" : "lighter");
  }
  if (significant(d.dc)) {
    w.words.emplace_back(d.dc > 0.0 ? "more saturated" : "greyer");
    w.opposite.emplace_back(d.dc > 0.0 ? "greyer" : "more saturated");
  }
  if (significant(d.dh)) {
    const bool warmer = warmth_sign(target, sample, d.dh) > 0;
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
