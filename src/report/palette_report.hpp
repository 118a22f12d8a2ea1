#pragma once
// The JSON of `shadematch palette show F --json`, also what `GET /api/palette` answers:
// {source, schema, name, inks[] {id, name, maker, lot, expires, in_stock, colour_source,
// masstone_lab, masstone_hex, reflectance {start_nm, step_nm, values}, line}, dilution {diluent,
// steps}, blends {max_inks, parts_total}, healing {…}, plan {shade_step_dL}}.
#include <nlohmann/json.hpp>

#include "pigment/palette.hpp"

namespace shadematch::report {

nlohmann::json palette_json(const pigment::Palette& palette);

}  // namespace shadematch::report
