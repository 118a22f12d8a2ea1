#pragma once
// The blend score and ranking of DESIGN.md ("Session plan and ranking"), and every constant the
// search, grading and palette lint judge blends by, in one place with its reason.
//
//   score = ΔE00(predicted, target) + kTooDarkWeight·max(0, L*target − L*pred)
//                                   + kTooBlueWeight·max(0, b*target − b*pred − kTooBlueAllowance)
//
// ΔE00 is CIEDE2000 (Sharma, Wu & Dalal 2005; colour/delta_e.hpp). The penalty weights are
// DESIGN.md's; no published study weighs SMP errors, so they are a design judgement, and a
// clinic's healed follow-ups (healing fit) correct the model, not these weights. The ranking key
// orders equal scores (to kScoreResolution) by fewer inks, fewer parts, in stock, not expired,
// then enumeration order, so that every plan is deterministic.
#include <cmath>
#include <cstdint>
#include <limits>

#include "colour/types.hpp"

namespace shadematch::plan {

// Too dark cannot be undone (DESIGN.md): a session that heals too light is darkened by the next
// one (ink only adds pigment), one that heals too dark needs laser removal. For a pure lightness
// error at L̄ ≈ 50 (S_L = 1, ΔE00 = |ΔL*|) a blend too dark by ΔL* costs 1.5·ΔL*, one too light
// by as much 1·ΔL*: at equal score the search prefers erring light by half as much again.
inline constexpr double kTooDarkWeight = 0.5;
// Healed carbon inks drift blue-grey (the dermis above the pigment scatters short wavelengths
// back; pigment/skin_optics.hpp models it), and a blue cast is the complaint clients notice
// first (DESIGN.md, "too blue"). A blend predicted bluer (lower b*) than the target by more than
// kTooBlueAllowance pays kTooBlueWeight per b* unit on top of ΔE00.
inline constexpr double kTooBlueWeight = 0.3;
// One b* unit: about one just-noticeable step of a flat patch (ΔE*ab ≈ 1), so a cast nobody
// could see costs nothing extra.
inline constexpr double kTooBlueAllowance = 1.0;
// Scores equal to 1e-6 are ties: far below any visible difference (describe.hpp calls
// ΔE00 < 0.5 "matches target") and far above the rounding of one score in double precision
// (~1e-14), so a score computed in any thread or order lands on the same key. kScoreTicks is its
// inverse, the key's units per ΔE00 (written out: 1/1e-6 need not round to exactly 1e6).
inline constexpr double kScoreResolution = 1e-6;
inline constexpr double kScoreTicks = 1e6;
// DESIGN.md: no two listed blends with the same inks closer than ΔE00 0.5 — below 0.5 two
// predictions are the same colour to the eye (describe.hpp), so the second adds no choice.
inline constexpr double kListedMinDe00 = 0.5;
// Session k + 1 lists only blends at least this many shades (shade_step_dL) darker than session
// k's first choice (DESIGN.md): each session must visibly darken the last, and half a shade is
// the most a blend may fall short of a whole shade and still count as the next one.
inline constexpr double kSessionMinShades = 0.5;
// A session whose first choice is further than ΔE00 3 from its target reports what the palette
// lacks (search), and palette lint calls such a target a coverage gap. A judgement, not a
// published tolerance: describe.hpp calls ΔE00 ≥ 2.5 more than a small difference side by side;
// past 3 the healed dot reads as another colour beside the client's own follicles, which no
// choice among the palette's blends can fix.
inline constexpr double kShortfallDe00 = 3.0;

// Score of DESIGN.md for one prediction against one target.
double blend_score(const colour::Lab& target, const colour::Lab& predicted) noexcept;
// A cheap lower bound of blend_score (no trigonometry), used to skip candidates that cannot
// enter a session's list; never above the score (tests/plan/search_test.cpp).
double score_lower_bound(const colour::Lab& target, const colour::Lab& predicted) noexcept;
// A cruder bound from the lightness alone (no square root), never above score_lower_bound: the
// search's first test, which most candidates far from the target's L* do not pass.
inline double score_lightness_bound(const colour::Lab& target, const colour::Lab& predicted) noexcept {
  // ΔE00 ≥ |ΔL*|/S_L, S_L = 1 + 0.015·x²/√(20 + x²) ≤ 1 + 0.015·|x| (x = L̄ − 50).
  const double dl = target.l - predicted.l;
  const double x = 0.5 * (target.l + predicted.l) - 50.0;
  return (dl < 0.0 ? -dl : dl) / (1.0 + 0.015 * (x < 0.0 ? -x : x)) + kTooDarkWeight * (dl > 0.0 ? dl : 0.0);
}

// A score on the tie grid (units of kScoreResolution); NaN and absurd scores rank last.
inline std::int64_t score_key(double score) noexcept {
  if (!std::isfinite(score) || score > 1e12) return std::numeric_limits<std::int64_t>::max();
  return std::llround(score * kScoreTicks);
}

// The ranking key of DESIGN.md: score (to kScoreResolution), fewer inks, fewer parts (reduced by
// their common divisor), in stock, not expired, then the candidate's index in the grid
// (plan/candidates.hpp), so that ranking never depends on threads or sort stability.
struct RankKey {
  std::int64_t score = 0;  // score_key
  std::uint8_t count = 0;
  std::uint16_t reduced_parts = 0;
  std::uint8_t out_of_stock = 0;  // 1 when some ink is out of stock
  std::uint8_t expired = 0;       // 1 when some ink is expired
  std::uint32_t index = 0;
  friend bool operator<(const RankKey& x, const RankKey& y) noexcept {
    if (x.score != y.score) return x.score < y.score;
    if (x.count != y.count) return x.count < y.count;
    if (x.reduced_parts != y.reduced_parts) return x.reduced_parts < y.reduced_parts;
    if (x.out_of_stock != y.out_of_stock) return x.out_of_stock < y.out_of_stock;
    if (x.expired != y.expired) return x.expired < y.expired;
    return x.index < y.index;
  }
};

}  // namespace shadematch::plan
