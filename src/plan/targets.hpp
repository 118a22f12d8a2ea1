#pragma once
// Session targets (DESIGN.md, "Session plan and ranking").
//
//   follicle (default; men, shaved look): final target = the hair region's follicle colour; the
//       healed dot sits in the client's scalp skin.
//   reduce-contrast (women, thinning): final target = scalp + α·(hair − scalp) in CIELAB, α = 0.6,
//       so the dots soften the contrast between thinning hair and the scalp showing through.
//   scar: the substrate is the scar tissue; the target is the surrounding scalp's area appearance
//       (the XYZ mix of follicle and scalp colour by follicle coverage, as seen at viewing
//       distance), and a blend is judged by the area appearance of its dots in the scar.
//
// Sessions N: target k (1-based) has L* = L*final + (N − k)·shade_step_dL with the final target's
// a*, b*: the first session is the lightest (a too-light session can be darkened later, a too-dark
// one cannot be undone), the last one is the final target.
#include <optional>
#include <string_view>
#include <vector>

#include "colour/types.hpp"

namespace shadematch::plan {

enum class Goal { follicle, reduce_contrast, scar };

// "follicle", "reduce-contrast", "scar" (as on the command line).
std::optional<Goal> parse_goal(std::string_view name);
std::string_view goal_name(Goal goal);

// α of the reduce-contrast goal (DESIGN.md): 60 % of the way from the scalp towards the hair.
inline constexpr double kReduceContrastAlpha = 0.6;

// What the plan starts from: measured in the photo, or given as colours on the command line.
struct PlanColours {
  colour::Lab follicle;             // hair region: follicle (dark mode) colour
  colour::Lab scalp;                // scalp skin without dots
  std::optional<colour::Lab> scar;  // scar tissue (scar goal only)
  double coverage = 0.3;            // fraction of the hair region covered by follicles, 0..1
};

struct PlanSpec {
  Goal goal = Goal::follicle;
  int sessions = 3;            // ≥ 1
  double shade_step_dl = 5.0;  // ΔL* between sessions (palette plan.shade_step_dL)
};

// How a candidate's predicted colour is compared with the target.
enum class Appearance {
  dot,   // the healed dot itself (follicle, reduce-contrast)
  area,  // XYZ mix of healed dot and substrate by coverage (scar)
};

struct PlanTargets {
  Goal goal = Goal::follicle;
  colour::Lab substrate;  // skin the ink heals in (scalp, or scar tissue)
  colour::Lab final_target;
  std::vector<colour::Lab> sessions;  // one per session, lighter first; back() == final_target
  Appearance appearance = Appearance::dot;
  double coverage = 0.3;  // used when appearance == area
  double shade_step_dl = 5.0;
};

// Throws std::invalid_argument for sessions < 1, a non-finite step or colour, coverage outside
// [0, 1], or the scar goal without a scar colour (callers validate user input first and report it).
PlanTargets plan_targets(const PlanSpec& spec, const PlanColours& colours);

// Area appearance at viewing distance: XYZ (D50) mix of dot and skin, coverage in [0, 1].
colour::Lab area_mix(const colour::Lab& dot, const colour::Lab& skin, double coverage);

}  // namespace shadematch::plan
