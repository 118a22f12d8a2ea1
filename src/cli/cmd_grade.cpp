// shadematch grade --case F [--case F]… --submissions FILE.csv [--tolerance DE] [--json] [--csv OUT] [--html OUT]
// shadematch grade --answer-key --case F [--json]
#include <cmath>
#include <iostream>
#include <map>
#include <memory>
#include <set>

#include "cli/command.hpp"
#include "cli/options.hpp"
#include "common/error.hpp"
#include "files/calibration_file.hpp"
#include "files/case_file.hpp"
#include "files/palette_file.hpp"
#include "files/submissions.hpp"
#include "pigment/model.hpp"
#include "plan/grade.hpp"
#include "plan/model_predictor.hpp"
#include "report/grade_report.hpp"
#include "report/measure_report.hpp"
#include "session/measure.hpp"
#include "session/region_colour.hpp"

namespace shadematch::cli {
namespace {

const char* const kUsage =
    "--case CASE.yaml [--case F]… --submissions FILE.csv [--tolerance DE] [--json] [--csv OUT] [--html OUT]\n"
    "       shadematch grade --answer-key --case CASE.yaml [--json]\n\n"
    "Grades students' blends against the tool's plan (trainer mode).\n\n"
    "Case files (schema shadematch-case/1) hold one or more cases, each with an id; --case may be\n"
    "given several times and the ids must be unique over all of them. A case gives the client's\n"
    "final target and skin as Lab (target: [L, a, b], skin: [L, a, b]) or a photo with a card and\n"
    "regions (photo, card, goal, regions {hair, scalp, scar}); palette and photo paths are relative\n"
    "to the case file. Submissions: CSV with the header student,case,session,blend (blend as in\n"
    "'shadematch mix', e.g. \"2 jet-black + 1 warm-brown @ 8:1\"). Bad rows are reported by line on\n"
    "stderr and the rest graded; the exit code is then 1.\n\n"
    "Per submission: ΔE00 of the predicted healed blend to the session target, the direction in\n"
    "words, its rank among every candidate the palette allows for that session, pass/fail and the\n"
    "tool's first choice. The default tolerance, ΔE00 2.0, is about the largest difference trained\n"
    "eyes do not reliably see between healed dots and the client's follicles, and within the\n"
    "variation of healing itself; set what your academy teaches. Cases search the whole palette,\n"
    "in stock or not, so an answer does not change with the clinic's stock.";

struct LoadedCase {
  files::CaseSpec spec;
  const pigment::Palette* palette = nullptr;
  std::unique_ptr<pigment::InkInSkinModel> model;
  std::unique_ptr<plan::InkInSkinPredictor> predictor;
  std::unique_ptr<plan::CaseGrader> grader;
};

// The colours a case plans from: given, or measured in its photo. nullopt: no usable card.
std::optional<plan::PlanColours> case_colours(const files::CaseSpec& spec) {
  if (!spec.has_photo()) return plan::PlanColours{*spec.target, *spec.skin, std::nullopt, 0.3};
  session::MeasureRequest request;
  request.photo = spec.photo_path;
  if (!spec.card.empty()) request.card_id = spec.card;
  request.regions = spec.regions;
  const session::MeasureResult m = session::run_measure(request);
  if (!m.usable()) {
    std::cerr << "shadematch: " << position_prefix(spec.source, spec.line, spec.column) << "error: case '" << spec.id
              << "': " << spec.photo_path << " has no usable card (" << m.calibration.reason << ")\n";
    return std::nullopt;
  }
  plan::PlanColours c;
  // A region with no usable pixel (all clipped) has no colour: named at its line in the case file.
  for (const photo::RegionMeasurement& r : m.regions) {
    if (r.name == "hair") {
      c.follicle = session::region_colour(r, r.follicle_lab ? r.follicle_lab : std::optional<colour::Lab>(r.lab),
                                          spec.regions, spec.source, spec.photo_path);
      if (r.coverage) c.coverage = *r.coverage;
    } else if (r.name == "scalp") {
      c.scalp = session::region_colour(r, r.lab, spec.regions, spec.source, spec.photo_path);
    } else if (r.name == "scar") {
      c.scar = session::region_colour(r, r.lab, spec.regions, spec.source, spec.photo_path);
    }
  }
  return c;
}

int run_grade(const std::vector<std::string>& args) {
  po::options_description visible("Options");
  std::vector<std::string> case_paths;
  std::string submissions_path;
  std::string csv_path;
  std::string html_path;
  double tolerance = plan::kDefaultTolerance;
  visible.add_options()("case", po::value(&case_paths)->composing(), "case file (YAML, shadematch-case/1); repeatable")(
      "submissions", po::value(&submissions_path), "students' blends: CSV with header student,case,session,blend")(
      "tolerance", po::value(&tolerance)->default_value(plan::kDefaultTolerance, "2.0"),
      "pass mark: the largest ΔE00 that passes")("json", "print one JSON object")(
      "csv", po::value(&csv_path), "also write the grades as CSV to OUT (for spreadsheets)")(
      "html", po::value(&html_path), "also write a self-contained HTML report to OUT")(
      "answer-key", "print the tool's picks per case and session instead of grading");
  po::variables_map vm;
  if (parse_command_line("grade", kUsage, args, visible, vm)) return 0;
  const bool answer_key = vm.count("answer-key") > 0;
  if (case_paths.empty()) throw UsageError("grade: --case is required (see 'shadematch grade --help')");
  if (!answer_key && submissions_path.empty()) {
    throw UsageError("grade: --submissions is required unless --answer-key (see 'shadematch grade --help')");
  }
  if (!std::isfinite(tolerance) || tolerance <= 0.0 || tolerance > 100.0) {
    throw UsageError("grade: --tolerance: expected a ΔE00 above 0 and at most 100, found " + std::to_string(tolerance));
  }
  if (vm.count("csv") && csv_path.empty()) throw UsageError("grade: --csv: empty path");
  if (vm.count("html") && html_path.empty()) throw UsageError("grade: --html: empty path");

  // Read everything the user gave before the slow part, so that a typo fails fast.
  std::vector<files::CaseSpec> specs;
  std::set<std::string> ids;
  for (const std::string& path : case_paths) {
    for (files::CaseSpec& spec : files::load_case_file(path).cases) {
      if (!ids.insert(spec.id).second) {
        throw InputError(spec.source, spec.line, spec.column,
                         "id: case '" + spec.id + "' is defined twice (ids must be unique over all --case files)");
      }
      specs.push_back(std::move(spec));
    }
  }
  std::optional<files::SubmissionsFile> submissions;
  if (!answer_key) submissions = files::load_submissions(submissions_path);

  std::map<std::string, std::unique_ptr<pigment::Palette>> palettes;
  std::vector<LoadedCase> cases;
  for (files::CaseSpec& spec : specs) {
    auto& palette = palettes[spec.palette_path];
    if (!palette) palette = std::make_unique<pigment::Palette>(files::load_palette(spec.palette_path));
    const std::optional<plan::PlanColours> colours = case_colours(spec);
    if (!colours) return static_cast<int>(ExitCode::no_card);
    const plan::PlanSpec plan_spec{spec.goal, spec.sessions, spec.shade_step_dl.value_or(palette->shade_step_dl)};
    const plan::PlanTargets targets = plan::plan_targets(plan_spec, *colours);
    LoadedCase c;
    c.palette = palette.get();
    c.model = std::make_unique<pigment::InkInSkinModel>(*palette, targets.substrate);
    c.predictor = std::make_unique<plan::InkInSkinPredictor>(*c.model, palette->healing);
    c.grader = std::make_unique<plan::CaseGrader>(*palette, *c.predictor, targets);
    c.spec = std::move(spec);
    cases.push_back(std::move(c));
  }
  std::vector<report::GradeCaseInfo> infos;
  for (const LoadedCase& c : cases) infos.push_back({c.spec.id, c.spec.title, c.spec.palette_path, &c.grader->plan()});

  if (answer_key) {
    if (vm.count("json")) {
      std::cout << report::answer_key_json(infos).dump(2) << "\n";
    } else {
      std::cout << report::answer_key_text(infos, stdout_is_terminal());
    }
    return 0;
  }

  std::vector<plan::GradeCase> grade_cases;
  for (const LoadedCase& c : cases) grade_cases.push_back({c.spec.id, c.palette, c.grader.get()});
  report::GradeReport rep;
  rep.submissions = submissions_path;
  rep.cases = infos;
  rep.result = plan::grade_submissions(grade_cases, submissions->rows, tolerance, submissions->errors);
  for (const plan::RowError& e : rep.result.errors) {
    std::cerr << "shadematch: " << position_prefix(submissions_path, e.line, 0) << "error: " << e.message << "\n";
  }
  if (!csv_path.empty()) files::write_file_atomically(csv_path, report::grade_csv(rep));
  if (!html_path.empty()) files::write_file_atomically(html_path, report::grade_html(rep));
  if (vm.count("json")) {
    std::cout << report::grade_json(rep).dump(2) << "\n";
  } else {
    std::cout << report::grade_text(rep, stdout_is_terminal());
  }
  return rep.result.errors.empty() ? 0 : static_cast<int>(ExitCode::bad_input);
}

const Registration registration{{"grade", "grade students' blends against the tool's plan (trainer mode)", run_grade}};

}  // namespace
}  // namespace shadematch::cli
