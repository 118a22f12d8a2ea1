#pragma once
// Renderings of `shadematch grade` (issue 7): the JSON object (DESIGN.md fields results[]
// {student, case, session, blend, target_lab, predicted_lab, de00, rank, candidates, pass, advice},
// summary {submissions, passed, mean_de00}; added: line, recipe, direction, dL/dC/dH, hex colours,
// first_choice, on_grid, allowed; summary.worst_de00, bad_rows, tolerance, cases[]; errors[]),
// the terminal report, a CSV for spreadsheets and a self-contained HTML page with a target /
// prediction swatch pair per submission. Also the trainer's answer key (the tool's picks).
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "plan/grade.hpp"

namespace shadematch::report {

struct GradeCaseInfo {
  std::string id;
  std::string title;
  std::string palette;                     // the palette file
  const plan::PlanResult* plan = nullptr;  // the tool's plan for the case
};

struct GradeReport {
  plan::GradeResult result;
  std::string submissions;  // the submissions file
  std::vector<GradeCaseInfo> cases;
};

// Numbers rounded to 4 decimals (far below anything visible; keeps output stable).
nlohmann::json grade_json(const GradeReport& report);
// Per-submission table, per-case summary table and the class line; `swatches`: true-colour
// swatches (target | prediction) in the table.
std::string grade_text(const GradeReport& report, bool swatches);
// One row per graded submission, RFC 4180 quoting, header first.
std::string grade_csv(const GradeReport& report);
// One self-contained page (inline CSS, no scripts, no network).
std::string grade_html(const GradeReport& report);

// The tool's picks per case and session (rank, recipe, predicted Lab, ΔE00, direction).
std::string answer_key_text(const std::vector<GradeCaseInfo>& cases, bool swatches);
nlohmann::json answer_key_json(const std::vector<GradeCaseInfo>& cases);

}  // namespace shadematch::report
