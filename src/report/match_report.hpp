#pragma once
// Renderings of a match (DESIGN.md "Session plan and ranking", `shadematch match`): the JSON object
// (field names fixed by DESIGN.md: calibration, regions, plan {goal, sessions, shade_step_dL},
// sessions[] {session, target_lab, target_hex, blends[] {rank, recipe, inks[] {id, parts},
// dilution, predicted_lab, predicted_hex, de00, dL, dC, dH, score}}, warnings[]), the terminal
// report (one table per session) and the self-contained HTML page.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "plan/search.hpp"

namespace shadematch::report {

struct MatchReport {
  plan::PlanResult plan;
  std::string palette_name;
  std::string palette_source;
  std::string photo;                  // the photo's path; empty when planned from given colours
  nlohmann::json calibration;         // calibration_summary_json(), or null without a photo
  nlohmann::json regions;             // {NAME: {rect, lab, …}} as measured, or the given colours
  std::vector<std::string> warnings;  // calibration and measurement warnings (the plan's come after)
  std::string today;                  // YYYY-MM-DD the expiry dates were checked against
  // HTML only: the photo thumbnail with card and regions outlined, as a data: URI (may be empty).
  std::string thumbnail_data_uri;
  // HTML only: the healed preview (photo/preview.hpp) as a data: URI (may be empty).
  std::string preview_data_uri;
};

// Numbers are rounded to 4 decimals (far below anything visible; keeps output stable).
nlohmann::json match_json(const MatchReport& report);

// The terminal report; with `swatches`, true-colour swatches beside targets and predictions.
std::string match_text(const MatchReport& report, bool swatches);

// One self-contained HTML page (inline CSS, images as data: URIs, no scripts, no network).
std::string match_html(const MatchReport& report);

// The regions object for a plan from given colours (--target/--skin): hair.follicle_lab,
// scalp.lab, scar.lab, each marked "given": true.
nlohmann::json given_regions_json(const plan::PlanColours& colours, bool with_scar, bool with_coverage);

}  // namespace shadematch::report
