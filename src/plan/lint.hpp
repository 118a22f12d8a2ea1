#pragma once
// `shadematch palette lint` (issue 8): what a clinic should fix or restock in its house palette.
//
// Checks, each a finding with the ink's id and its line in the palette file:
//  - near-duplicate inks: masstone ΔE00 < 1 (two inks the eye cannot tell apart in the bottle
//    add nothing to the blend search; ΔE00 1 is about the just-noticeable difference of two flat
//    patches side by side);
//  - expired lots (expires before today) and lots expiring soon: within kSoonDays = 60 days
//    (about the time between two SMP sessions, 4–8 weeks: a lot that expires within it will not
//    last to the client's next session);
//  - out-of-stock inks; inks without a lot number (a lot is what a clinic traces a reaction to);
//  - measured reflectances that are implausible (a band outside (0, 1], or a drawdown darker than
//    kMinPlausibleReflectance anywhere) or not smooth (see kZigzagStep);
//  - coverage: for a grid of natural hair colours on light, medium and dark reference skins, the
//    targets that no blend of the palette reaches within ΔE00 3 (the blend search of
//    plan/search.hpp with the ink-in-skin model), summarised as what the palette lacks.
//
// Hair grid. There is no published table of natural hair CIELAB (reference/SOURCES.md, "Hair
// colour"), so the grid comes from a physical eumelanin model, the one the synthetic test scenes
// use: a follicle seen end-on reflects
//     R(λ) = 0.04 + 0.55 · exp(−τ · (λ / 500 nm)^−3.48)
// (0.04: Fresnel reflectance of keratin, n ≈ 1.55; 0.55: diffuse return of an unpigmented fibre;
// (λ/500)^−3.48: eumelanin absorption, Jacques 2013, Phys. Med. Biol. 58 R37), with the melanin
// optical depth τ at 500 nm from light brown (τ 1.5) to black (τ 12). The black end lands at
// L* ≈ 22, in line with the one documented fact (natural black hair measures L* 15–18 on nylon
// swatches; a follicle in a photo adds the keratin surface reflection).
//
// Which pairs are checked. A palette can only be blamed for what some ink could reach:
//  - ink only darkens skin, so a hair colour not clearly darker than the skin (ΔL* < kMinContrastL)
//    is skipped;
//  - healed ink is seen through the dermis and loses chroma and depth, so some hair colours lie
//    outside what any ink can show in a given skin. The yardstick is an ideal two-ink palette: an
//    ink with the hair's own reflectance and an ideal black (a flat kIdealBlackReflectance
//    drawdown, as dark as the darkest carbon blacks), with this palette's dilutions, blend grid and
//    healing. When even those stay more than ΔE00 3 from the hair, the target becomes the closest
//    colour they heal to (the best any palette can do); such pairs are listed in `beyond_ink`.
// Skipped pairs and substituted targets are reported, not findings.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "colour/types.hpp"
#include "pigment/palette.hpp"
#include "plan/candidates.hpp"
#include "plan/score.hpp"

namespace shadematch::plan {

enum class LintKind {
  near_duplicate,
  expired,
  expiring_soon,
  out_of_stock,
  missing_lot,
  implausible_reflectance,
  rough_reflectance,
  coverage_gap,
};

// "near-duplicate", "expired", "expiring-soon", "out-of-stock", "missing-lot",
// "implausible-reflectance", "rough-reflectance", "coverage-gap" (JSON and text).
std::string_view lint_kind_name(LintKind kind);

inline constexpr int kSoonDays = 60;
inline constexpr double kNearDuplicateDe00 = 1.0;
// A coverage gap is a target no blend comes within the search's shortfall distance of (score.hpp).
inline constexpr double kCoverageDe00 = kShortfallDe00;
// A masstone drawdown darker than this in some band is not a measurement: even carbon black
// drawdowns measure a few per cent (the surface reflection of the binder is about 4 %).
inline constexpr double kMinPlausibleReflectance = 0.005;
// Smoothness of a measured reflectance at 10 nm. A real pigment spectrum bends, but it does not
// zigzag: a "reversal" is a band where R changes direction with steps of more than
// kZigzagStep on both sides, and two reversals in adjacent bands (up-down-up) mark noise or a
// typing error. None of the 24 ColorChecker Classic spectra (Ohta, ISO 17321; tests/data) has one
// at 0.01 (the "light skin" patch has one at 0.005, hence not lower). A single bend sharper than
// kMaxSecondDifference is flagged too: the sharpest in those 24 spectra is 0.131 (the white
// patch's edge at 420 nm), |R(λ−10) − 2R(λ) + R(λ+10)|.
inline constexpr double kZigzagStep = 0.01;
inline constexpr double kMaxSecondDifference = 0.2;
inline constexpr double kMinContrastL = 5.0;
// The dark end of carbon-black drawdowns (3–5 %, the binder's surface reflection included): the
// yardstick black should be as dark as the best real ink, not darker, or every palette would
// "lack" a black no maker sells.
inline constexpr double kIdealBlackReflectance = 0.03;

struct HairColour {
  std::string name;  // "light brown", …, "black"
  double melanin_tau = 0;
  colour::Lab lab;  // D50
};

struct ReferenceSkin {
  std::string name;  // "light (Monk 2)"
  colour::Lab lab;   // D50
};

// The follicle model above on the model grid, and the grid of hair colours it gives.
colour::Spectrum eumelanin_hair_reflectance(double melanin_tau);
std::vector<HairColour> natural_hair_grid();
// Monk Skin Tone 2, 5 and 8 (colour/skin_tone.hpp): light, medium, dark.
std::vector<ReferenceSkin> reference_skins();

struct LintFinding {
  LintKind kind = LintKind::missing_lot;
  std::string ink_id;  // "" for coverage gaps
  int line = 0;        // the ink's line in the palette file (0 = unknown)
  std::string message;
};

struct CoverageGap {
  std::string hair;
  std::string skin;
  colour::Lab target;
  std::string closest_recipe;  // "" when the palette has no usable blend at all
  colour::Lab closest;
  double de00 = 0;
  std::string lacks;  // "a darker, warmer ink"
};

struct LintOptions {
  std::string today;  // YYYY-MM-DD (required: there is no hidden clock in the library)
  bool coverage = true;
  std::vector<HairColour> hair = natural_hair_grid();
  std::vector<ReferenceSkin> skins = reference_skins();
  unsigned threads = 0;  // blend search threads (0 = all)
};

struct LintReport {
  std::vector<LintFinding> findings;  // palette order, then coverage
  std::vector<CoverageGap> gaps;
  std::size_t targets_checked = 0;
  std::size_t targets_skipped = 0;      // hair not darker than the skin
  std::vector<std::string> skipped;     // pairs not checked, with the reason
  std::vector<std::string> beyond_ink;  // pairs checked against the closest healable colour
  std::vector<std::string> lacks;       // distinct "what the palette lacks", most frequent first
  bool clean() const noexcept { return findings.empty(); }
};

// Days from `from` to `to` (both YYYY-MM-DD); nullopt when either is not a valid date.
std::optional<long> days_between(std::string_view from, std::string_view to);

// The candidate grid the coverage check ranks for one skin: the whole palette (stock and dates are
// findings of their own, so no ink is left out; options.today marks the expired ones), predicted
// once through the product's ink-in-skin predictor and shared by every hair colour on that skin.
CandidateGrid coverage_grid(const pigment::Palette& palette, const colour::Lab& skin, const LintOptions& options);

// Throws std::invalid_argument when options.today is not a valid date (the caller validates
// user input first).
LintReport lint_palette(const pigment::Palette& palette, const LintOptions& options);

}  // namespace shadematch::plan
