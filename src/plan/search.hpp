#pragma once
// Blend search and ranking (DESIGN.md, "Session plan and ranking").
//
// Candidates: every combination of ≤ max_inks of the available inks with integer parts ≥ 1 summing
// to parts_total, at every dilution step. A candidate's healed colour does not depend on the
// session, so each is predicted once (both cores, std::thread) and then ranked per session:
//
//   score = ΔE00(predicted, target) + 0.5·max(0, L*target − L*pred)      (too dark cannot be undone)
//                                   + 0.3·max(0, b*target − b*pred − 1)  (too blue)
// (plan/score.hpp holds the score, its constants and their reasons; plan/candidates.hpp the grid).
//
// Ties (scores equal to 1e-6): fewer inks, fewer parts (after reducing the parts by their common
// divisor: 5 + 5 is 1 + 1), in stock, not expired, then enumeration order (deterministic).
// Session k + 1 lists only blends at least half a shade (0.5·shade_step_dL) darker than session
// k's first choice; no two listed blends with the same inks lie closer than ΔE00 0.5. Out-of-stock
// and expired inks are left out unless include_unavailable. The optional accent is the best blend
// for one shade darker than the final target, itself at least half a shade darker than the last
// session's first choice.
#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "colour/delta_e.hpp"
#include "colour/types.hpp"
#include "pigment/model.hpp"
#include "pigment/palette.hpp"
#include "plan/candidates.hpp"
#include "plan/score.hpp"
#include "plan/targets.hpp"

namespace shadematch::plan {

struct SearchOptions {
  int top_k = 5;                     // blends listed per session, ≥ 1
  bool include_unavailable = false;  // keep out-of-stock and expired inks
  std::string today;                 // YYYY-MM-DD; an ink is expired when its date is before today
  bool accent = false;               // add a darker accent blend to the last session
  unsigned threads = 0;              // 0: all hardware threads
  // Map session targets outside the healed gamut to the nearest reachable colour (Reach); off,
  // the targets stay as given and only `reach` reports the gamut (palette lint compares blends
  // with the hair itself).
  bool reachable_targets = true;
  // Progress of the prediction pass, fraction in [0, 1]; called from the calling thread only.
  std::function<void(double)> progress;
};

struct RankedBlend {
  int rank = 0;           // 1-based within its session (0 for the accent)
  pigment::Blend blend;   // parts reduced by their common divisor
  std::string recipe;     // pigment::format_blend(blend)
  colour::Lab predicted;  // healed dot (or area appearance for the scar goal)
  double de00 = 0.0;
  colour::LabDifference diff;  // predicted − target: ΔL*, ΔC*ab, ΔH*ab
  double score = 0.0;
  std::string direction;  // "slightly lighter and cooler than target"
  bool in_stock = true;   // every ink in stock
  bool expired = false;   // some ink past its date
};

struct SessionBlends {
  int session = 0;  // 1-based, lighter first
  colour::Lab target;
  std::vector<RankedBlend> blends;    // best first; may be empty (see warnings)
  std::optional<RankedBlend> accent;  // last session only, when asked for
  std::optional<colour::Lab> accent_target;
  // Set when no listed blend is within ΔE00 3 of the target: what the palette lacks.
  std::optional<std::string> shortfall;
  // The lightness window the list was drawn from: l_max half a shade below the session before's
  // first choice, l_min the look-ahead (plan_on_grid); infinite when unbounded.
  double l_max = std::numeric_limits<double>::infinity();
  double l_min = -std::numeric_limits<double>::infinity();
  // Whether a prediction of this lightness lies in that window (NaN never does).
  bool admits(double l) const noexcept { return l <= l_max && l >= l_min; }
};

// Reachable targets (DESIGN.md): the palette's healed gamut in this skin (plan/gamut.hpp) bounds
// what any blend can do. The session targets DESIGN.md spaces (final target, each earlier one a
// shade lighter) are mapped into it:
//   * the final target's L* is clamped to the gamut's lightness range (a final target darker than
//     the darkest blend aims at the darkest), then each session's target is the gamut's nearest
//     colour to (L*final,reachable + (N − k)·step, a*final, b*final) — lightness first, then the
//     nearest chromaticity at that lightness (HealedGamut::map);
//   * when the first session would not lie a full step below the lightest blend (a dark skin
//     leaves little room between the darkest blend and the skin itself), the plan's step shrinks,
//     with a warning. The room R = L*lightest − L*final,reachable goes to the spacing between the
//     sessions before the room between the skin and session 1: while R ≥ (N − 1)·s, with s = (1 +
//     kSessionSpacingMargin)·half a shade, the step is max(R/N, s) and the sessions' first choices
//     stay half the palette's shade apart (session 1 moves up toward the lightest blend); with less
//     room the step is R/N — the range divided evenly, one step between the skin and session 1 —
//     and "half a shade" (by which each session's list must be darker than the session before's
//     first choice) is half of that step;
//   * each session's list is also bounded below (look-ahead): no blend darker than L*darkest +
//     (later sessions)·half a shade, which would leave the later sessions no room; the bound is
//     dropped for a session where no blend lies within both bounds.
// A target inside the gamut stays exactly as DESIGN.md says.
inline constexpr double kReachMarginShades = 0.5;
// Sessions kept half a shade apart on a shrunk range are aimed 20 % further apart than that, so
// that each first choice may fall a little off its target (on the house palette on Monk 8 skin
// the first choices lie within about 0.25 L* of their targets, 10 % of the 2.5 half shade) and the
// next session still finds a blend between the half-shade bound and the look-ahead bound: at 0 %
// those bounds meet and a discrete grid has no blend between them.
inline constexpr double kSessionSpacingMargin = 0.2;

struct Reach {
  colour::Lab darkest;                      // the darkest prediction of all searched candidates (dot or area)
  std::string darkest_recipe;               // its recipe (first in enumeration order among equally dark)
  colour::Lab lightest;                     // the lightest prediction
  double beyond_dl = 0.0;                   // L*darkest − L*final target (> 0: the target is darker than any blend)
  double margin_dl = 0.0;                   // kReachMarginShades · shade_step_dL (the half shade)
  bool anchored = false;                    // the final target lay outside the gamut and was mapped into it
  bool mapped = false;                      // some session target was mapped (anchored, or a lighter session)
  colour::Lab aimed_final;                  // last session's target (== final target unless anchored)
  double gap_de00 = 0.0;                    // ΔE00 between the final target and aimed_final
  double step_dl = 0.0;                     // ΔL* between the planned sessions (shade_step_dL unless shrunk)
  std::vector<colour::Lab> ideal_sessions;  // the targets before mapping, lighter first
  std::string lacks;                        // when anchored: the ink that would close the gap ("a darker, warmer ink")
  // When anchored under the follicle goal and the reduce-contrast target (scalp + α·(hair −
  // scalp)) lies within reach: that target, as the other way out.
  std::optional<colour::Lab> reduce_contrast_target;
};

struct PlanResult {
  // The goal's targets; when reach->mapped, sessions hold the reachable targets (so
  // sessions.back() is reach->aimed_final) while final_target stays the goal's own.
  PlanTargets targets;
  std::optional<Reach> reach;  // empty when there was no candidate
  std::vector<SessionBlends> sessions;
  // Half a shade of this plan: how much darker each session's list must be than the session
  // before's first choice (kSessionMinShades of the shade step, or of reach->step_dl when the
  // range was too short to keep that, see Reach above).
  double half_shade_dl = 0.0;
  std::size_t candidates = 0;  // blends predicted and ranked per session
  std::size_t inks_searched = 0;
  std::vector<LeftOutInk> left_out;
  std::vector<std::string> warnings;
};

// Plans every session: builds the palette's candidate grid (plan/candidates.hpp) with the
// options' stock, date and thread settings and ranks it (plan_on_grid). Throws like
// CandidateGrid; std::invalid_argument for programmer errors (top_k < 1, predictor not matching
// the palette).
PlanResult plan_blends(const pigment::Palette& palette, const DotPredictor& predictor, const PlanTargets& targets,
                       const SearchOptions& options);

// Plans every session on a grid already predicted (shared by grading and palette lint, which
// plan several targets on one skin's grid). The grid's appearance must serve the targets
// (GridAppearance::serves; std::invalid_argument otherwise); of the options, include_unavailable,
// today and progress were the grid's and are not read again.
PlanResult plan_on_grid(const CandidateGrid& grid, const PlanTargets& targets, const SearchOptions& options);

// The grid options of a search's options.
GridOptions grid_options(const SearchOptions& options);

}  // namespace shadematch::plan
