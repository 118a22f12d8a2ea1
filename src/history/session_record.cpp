#include "history/session_record.hpp"

#include "pigment/healing_parameters.hpp"

namespace shadematch::history {

nlohmann::json model_parameters_json(const pigment::HealingParams& params) {
  nlohmann::json j = nlohmann::json::object();
  for (const pigment::HealingParameter& row : pigment::healing_parameter_table()) {
    j[std::string(row.name)] = pigment::get(params, row);
  }
  return j;
}

void fill_blend(SessionRecord& record, const pigment::Palette& palette, const pigment::Blend& blend) {
  const pigment::InkInSkinModel model(palette, record.skin);
  record.predicted = model.healed_dot_lab(blend);
  record.recipe = pigment::format_blend(blend);
  record.dilution = blend.dilution.label();
  record.inks.clear();
  for (const pigment::BlendPart& part : blend.parts) {
    const pigment::Ink* ink = palette.find(part.ink_id);
    record.inks.push_back({part.ink_id, part.parts, ink != nullptr ? ink->lot : ""});
  }
  record.palette_name = palette.name;
  record.model_parameters = model_parameters_json(palette.healing);
}

}  // namespace shadematch::history
