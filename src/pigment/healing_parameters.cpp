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
      {"dermis_above_um", d.dermis_above_um, 0.0, 400.0, 60.0, &HealingParams::dermis_above_um,
       "how deep below the epidermis the pigment sits (model.hpp: papillary dermis, a band of the order of "
       "0.2 mm, Morsy 2007): 60 um is about a third of that band, the spread between a shallow and a deep "
       "hand; below 400 um is still papillary to upper reticular dermis, past it the work is a blow-out"},
      {"pigment_layer_um", d.pigment_layer_um, 20.0, 600.0, 80.0, &HealingParams::pigment_layer_um,
       "thickness of the pigmented band (default 200 um, model.hpp); 80 um spans needle depths from a tight to "
       "a spread deposit; inside the parser's 10-1000 um"},
  };
  return table;
}

}  // namespace shadematch::pigment
