#pragma once
// The healed-appearance model's tunable parameters as a table (issue 15): what `healing fit`
// refits from a clinic's healed follow-ups, and what `--write` puts back into the palette's
// `healing` section. The fit is written over this table only, so it follows the model: a
// parameter added to HealingParams joins the fit by adding one row here.
//
// Each row: the palette key, the documented default (equal to HealingParams{}; checked by
// tests/history), the bounds the fit keeps to (inside what the palette parser accepts, also
// checked), and the width of the Gaussian prior that holds a fit on few records near the
// default. Widths are in the parameter's own units: a parameter one width from its default costs
// the fit as much as one record predicted (0.6·√3 ≈) 1 ΔE00 worse (history/healing_fit.hpp).
#include <string_view>
#include <vector>

#include "pigment/palette.hpp"

namespace shadematch::pigment {

struct HealingParameter {
  std::string_view name;     // key in the palette's `healing` section
  double default_value = 0;  // HealingParams{}'s value
  double lower = 0;          // bounds of the fit
  double upper = 0;
  double prior_width = 0;  // σ of the prior toward default_value
  double HealingParams::*member = nullptr;
  std::string_view why;  // one line: why these bounds and width
};

// In the order of the palette's `healing` section.
const std::vector<HealingParameter>& healing_parameter_table();

inline double get(const HealingParams& p, const HealingParameter& row) {
  return p.*row.member;
}
inline void set(HealingParams& p, const HealingParameter& row, double v) {
  p.*row.member = v;
}

}  // namespace shadematch::pigment
