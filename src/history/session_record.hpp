#pragma once
// What a recorded session stores about its blend, in one place for `client record`
// (cli/cmd_client.cpp) and `shadematch serve --db` (server/history_routes.cpp): the recipe in the
// clinic's words, the inks with the palette's lot of each, the dilution, the palette's name and
// healing values, and the healed dot the model predicts for it on the client's skin. The skin
// must be set in the record before the call (the prediction is made on it).
#include "history/clients.hpp"
#include "pigment/model.hpp"
#include "pigment/palette.hpp"

namespace shadematch::history {

// Fills recipe, inks, dilution, palette_name, model_parameters and predicted of `record` from
// `blend` mixed from `palette` (palette_path and palette_sha256 are the caller's: a file path, or
// the server's palette as loaded).
void fill_blend(SessionRecord& record, const pigment::Palette& palette, const pigment::Blend& blend);

// The palette's healing values as {name: value}, in the model's table order (what
// SessionRecord::model_parameters holds and `healing fit` reads back).
nlohmann::json model_parameters_json(const pigment::HealingParams& params);

}  // namespace shadematch::history
