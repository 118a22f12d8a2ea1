#include "plan/targets.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

#include "colour/lab.hpp"
#include "colour/spectral.hpp"

namespace shadematch::plan {
namespace {

bool finite(const colour::Lab& c) {
  return std::isfinite(c.l) && std::isfinite(c.a) && std::isfinite(c.b);
}

}  // namespace

std::optional<Goal> parse_goal(std::string_view name) {
  if (name == "follicle") return Goal::follicle;
  if (name == "reduce-contrast") return Goal::reduce_contrast;
  if (name == "scar") return Goal::scar;
  return std::nullopt;
}

std::string_view goal_name(Goal goal) {
  switch (goal) {
    case Goal::follicle:
      return "follicle";
    case Goal::reduce_contrast:
      return "reduce-contrast";
    case Goal::scar:
      return "scar";
  }
  return "?";
}

colour::Lab area_mix(const colour::Lab& dot, const colour::Lab& skin, double coverage) {
  const colour::WhitePoint& white = colour::d50_white();
  const colour::Xyz d = colour::lab_to_xyz(dot, white);
  const colour::Xyz s = colour::lab_to_xyz(skin, white);
  const double c = coverage;
  return colour::xyz_to_lab({c * d.x + (1.0 - c) * s.x, c * d.y + (1.0 - c) * s.y, c * d.z + (1.0 - c) * s.z}, white);
}

PlanTargets plan_targets(const PlanSpec& spec, const PlanColours& colours) {
  if (spec.sessions < 1) throw std::invalid_argument("plan: sessions must be at least 1");
  if (!std::isfinite(spec.shade_step_dl) || spec.shade_step_dl < 0.0) {
    throw std::invalid_argument("plan: shade step must be a finite ΔL* ≥ 0");
  }
  if (!finite(colours.follicle) || !finite(colours.scalp)) throw std::invalid_argument("plan: colours must be finite");
  if (!(colours.coverage >= 0.0 && colours.coverage <= 1.0)) {
    throw std::invalid_argument("plan: coverage must lie in [0, 1]");
  }
  PlanTargets t;
  t.goal = spec.goal;
  t.coverage = colours.coverage;
  t.shade_step_dl = spec.shade_step_dl;
  switch (spec.goal) {
    case Goal::follicle:
      t.substrate = colours.scalp;
      t.final_target = colours.follicle;
      break;
    case Goal::reduce_contrast: {
      const colour::Lab& s = colours.scalp;
      const colour::Lab& h = colours.follicle;
      const double k = kReduceContrastAlpha;
      t.substrate = colours.scalp;
      t.final_target = {s.l + k * (h.l - s.l), s.a + k * (h.a - s.a), s.b + k * (h.b - s.b)};
      break;
    }
    case Goal::scar:
      if (!colours.scar || !finite(*colours.scar))
        throw std::invalid_argument("plan: the scar goal needs a scar colour");
      t.substrate = *colours.scar;
      t.final_target = area_mix(colours.follicle, colours.scalp, colours.coverage);
      t.appearance = Appearance::area;
      break;
  }
  const int n = spec.sessions;
  for (int k = 1; k <= n; ++k) {
    colour::Lab target = t.final_target;
    target.l += static_cast<double>(n - k) * spec.shade_step_dl;
    t.sessions.push_back(target);
  }
  return t;
}

}  // namespace shadematch::plan
