#include "report/palette_report.hpp"

#include "colour/srgb.hpp"

namespace shadematch::report {
namespace {

// As given (unrounded): `palette show --json` reports the palette, not a measurement.
nlohmann::json masstone_lab_json(const colour::Lab& lab) {
  return {lab.l, lab.a, lab.b};
}

}  // namespace

nlohmann::json palette_json(const pigment::Palette& p) {
  nlohmann::json j;
  j["source"] = p.source;
  j["schema"] = p.schema;
  j["name"] = p.name;
  j["inks"] = nlohmann::json::array();
  for (const pigment::Ink& ink : p.inks) {
    nlohmann::json i;
    i["id"] = ink.id;
    i["name"] = ink.name;
    i["maker"] = ink.maker;
    i["lot"] = ink.lot;
    i["expires"] = ink.expires ? nlohmann::json(*ink.expires) : nlohmann::json(nullptr);
    i["in_stock"] = ink.in_stock;
    i["colour_source"] = ink.measured_reflectance ? "reflectance" : "lab";
    i["masstone_lab"] = masstone_lab_json(ink.masstone_lab);
    i["masstone_hex"] = colour::lab_d50_to_srgb8(ink.masstone_lab).hex();
    i["reflectance"] = {{"start_nm", colour::kSpectrumStartNm},
                        {"step_nm", colour::kSpectrumStepNm},
                        {"values", ink.reflectance.values}};
    i["line"] = ink.source_line;
    j["inks"].push_back(i);
  }
  nlohmann::json steps = nlohmann::json::array();
  for (const pigment::DilutionStep& s : p.dilution) steps.push_back(s.label());
  j["dilution"] = {{"diluent", p.diluent}, {"steps", steps}};
  j["blends"] = {{"max_inks", p.max_inks}, {"parts_total", p.parts_total}};
  j["healing"] = {{"strength", p.healing.strength},
                  {"retention", p.healing.retention},
                  {"epidermis_um", p.healing.epidermis_um},
                  {"dermis_above_um", p.healing.dermis_above_um},
                  {"pigment_layer_um", p.healing.pigment_layer_um},
                  {"ink_scatter", p.healing.ink_scatter},
                  {"skin_index", p.healing.skin_index},
                  {"drawdown_index", p.healing.drawdown_index},
                  {"drawdown_specular_included", p.healing.drawdown_specular_included}};
  j["plan"] = {{"shade_step_dL", p.shade_step_dl}};
  return j;
}

}  // namespace shadematch::report
