#include "pigment/healing_parameters.hpp"

namespace shadematch::pigment {

const std::vector<HealingParameter>& healing_parameter_table() {
  static const HealingParams d{};
  // Bounds and widths: see each `why`. The defaults themselves are explained in pigment/model.hpp.
  static const std::vector<HealingParameter> table{
      {"strength", d.strength, 0.2, 3.0, 0.5, &HealingParams::strength,
       "a drawdown's K/S may differ from the same ink's in skin by about half either way; below 0.2 or above 3 "
       "the inks would not be the ones measured"},
      {"retention", d.retention, 0.2, 1.0, 0.15, &HealingParams::retention,
       "practitioners report 30-50 % of the pigment shed with the scabs (retention 0.5-0.7): 0.15 spans that "
       "range; only strength x retention is seen in the colour, and the prior shares it between the two"},
      {"overlay_scatter", d.overlay_scatter, 0.0, 0.5, 0.04, &HealingParams::overlay_scatter,
       "the default 0.06 puts healed carbon at L* 38 on light skin; +-0.04 moves it by about 4 L*, the spread "
       "of healed black work between clinics; 0.5 would grey every dot to L* > 60"},
      {"overlay_exponent", d.overlay_exponent, 0.5, 4.5, 1.0, &HealingParams::overlay_exponent,
       "between the lambda^-1.5 of bulk dermis (Jacques 2013) and the lambda^-4 Rayleigh law of collagen fibrils; "
       "+-1 spans that range around the default 3"},
  };
  return table;
}

}  // namespace shadematch::pigment
