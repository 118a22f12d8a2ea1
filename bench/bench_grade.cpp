// Trainer-mode grading speed (issue 7): 10,000 submissions over 20 cases must grade in under
// 10 s on this machine, because each case's grid is predicted and each session ranked once, not
// once per student.
//
// Generated inputs (deterministic, no randomness): a 12-ink palette (Lab-only inks over the range
// of SMP inks, ≤ 3 inks, 6 parts, 7 dilution steps: 17,794 candidates per case), 20 colour-form
// cases (target + skin Lab, 3 sessions), and 10,000 submissions cycling through cases, sessions and
// blends of the grid. Figures:
//   grade_class        the whole job as the CLI runs it: parse case file, palette and CSV, plan and
//                      rank every case, grade every submission, render the JSON
//   prepare_cases      the per-case part alone (plan + grid prediction + ranking, 20 cases)
//   grade_submissions  the per-submission part alone (10,000 submissions, graders ready)
//   build-x/bench/bench_grade
#include <benchmark/benchmark.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "files/case_file.hpp"
#include "files/palette_file.hpp"
#include "files/submissions.hpp"
#include "pigment/model.hpp"
#include "plan/grade.hpp"
#include "plan/model_predictor.hpp"
#include "report/grade_report.hpp"

namespace {

using namespace shadematch;

constexpr int kCases = 20;
constexpr int kSubmissions = 10'000;
constexpr int kInks = 12;

std::string fmt(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

// 12 inks, L* 14–54, hues from blue-grey through neutral to warm brown.
std::string palette_text() {
  std::string t = "schema: shadematch-palette/1\nname: bench 12 inks\ninks:\n";
  for (int i = 0; i < kInks; ++i) {
    const double l = 14.0 + 40.0 * static_cast<double>(i % 4) / 3.0;
    const double hue = (-140.0 + 70.0 * static_cast<double>(i / 4)) * 3.14159265358979 / 180.0;
    const double chroma = 3.0 + 4.0 * static_cast<double>(i % 3);
    t += "  - id: ink-" + std::to_string(i + 1) + "\n    name: Ink " + std::to_string(i + 1) + "\n    lab: [" + fmt(l) +
         ", " + fmt(chroma * std::cos(hue)) + ", " + fmt(chroma * std::sin(hue)) + "]\n";
  }
  t += "dilution: {diluent: distilled water, steps: [\"0:1\", \"2:1\", \"4:1\", \"8:1\", \"12:1\", \"16:1\", "
       "\"20:1\"]}\n"
       "blends: {max_inks: 3, parts_total: 6}\n";
  return t;
}

// 20 cases: follicle L* 30–49, slightly warm to neutral; skin from fair to tan.
std::string cases_text() {
  std::string t = "schema: shadematch-case/1\npalette: bench-palette.yaml\ncases:\n";
  for (int i = 0; i < kCases; ++i) {
    t += "  - id: case-" + std::to_string(i + 1) + "\n    target: [" + fmt(30.0 + i) + ", " + fmt(1.0 + 0.2 * i) +
         ", " + fmt(-3.0 + 0.4 * i) + "]\n    skin: [" + fmt(72.0 - 0.8 * i) + ", " + fmt(9.0 + 0.3 * i) + ", " +
         fmt(14.0 + 0.4 * i) + "]\n    sessions: 3\n";
  }
  return t;
}

std::string submissions_text() {
  const char* blends[] = {"ink-1",
                          "2 ink-2 + 1 ink-5 @ 4:1",
                          "1 ink-3 + 1 ink-7 + 1 ink-12 @ 8:1",
                          "5 ink-4 + 1 ink-9 @ 2:1",
                          "3 ink-1 + 2 ink-6 + 1 ink-11 @ 12:1",
                          "ink-8 @ 20:1",
                          "1 ink-2 + 1 ink-10 @ 16:1"};
  std::string t = "student,case,session,blend\n";
  for (int i = 0; i < kSubmissions; ++i) {
    t += "student-" + std::to_string(i / kCases) + ",case-" + std::to_string(i % kCases + 1) + "," +
         std::to_string(i % 3 + 1) + ",\"" + blends[i % 7] + "\"\n";
  }
  return t;
}

struct Prepared {
  pigment::Palette palette;
  std::vector<std::unique_ptr<pigment::InkInSkinModel>> models;
  std::vector<std::unique_ptr<plan::InkInSkinPredictor>> predictors;
  std::vector<std::unique_ptr<plan::CaseGrader>> graders;
  std::vector<plan::GradeCase> cases;
};

std::unique_ptr<Prepared> prepare(const std::string& case_text, const std::string& palette_yaml) {
  auto p = std::make_unique<Prepared>();
  const files::CaseFile cf = files::parse_case_file(case_text, "bench-cases.yaml");
  p->palette = files::parse_palette(palette_yaml, "bench-palette.yaml");
  for (const files::CaseSpec& spec : cf.cases) {
    const plan::PlanTargets targets = plan::plan_targets({spec.goal, spec.sessions, p->palette.shade_step_dl},
                                                         {*spec.target, *spec.skin, std::nullopt, 0.3});
    p->models.push_back(std::make_unique<pigment::InkInSkinModel>(p->palette, targets.substrate));
    p->predictors.push_back(std::make_unique<plan::InkInSkinPredictor>(*p->models.back(), p->palette.healing));
    p->graders.push_back(std::make_unique<plan::CaseGrader>(p->palette, *p->predictors.back(), targets));
    p->cases.push_back({spec.id, &p->palette, p->graders.back().get()});
  }
  return p;
}

void grade_class(benchmark::State& state) {
  const std::string cases = cases_text();
  const std::string palette = palette_text();
  const std::string subs = submissions_text();
  std::size_t graded = 0;
  for (auto _ : state) {
    const auto prepared = prepare(cases, palette);
    const files::SubmissionsFile sf = files::parse_submissions(subs, "bench.csv");
    report::GradeReport rep;
    rep.result = plan::grade_submissions(prepared->cases, sf.rows, plan::kDefaultTolerance, sf.errors);
    const std::string json = report::grade_json(rep).dump(2);
    benchmark::DoNotOptimize(json.data());
    graded = rep.result.results.size();
    if (!rep.result.errors.empty()) state.SkipWithError("generated submissions had bad rows");
  }
  state.counters["submissions"] = static_cast<double>(graded);
  state.counters["cases"] = kCases;
  state.counters["candidates_per_case"] = static_cast<double>(plan::count_candidates(kInks, 3, 6, 7));
}
BENCHMARK(grade_class)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();

void prepare_cases(benchmark::State& state) {
  const std::string cases = cases_text();
  const std::string palette = palette_text();
  for (auto _ : state) {
    const auto prepared = prepare(cases, palette);
    benchmark::DoNotOptimize(prepared.get());
  }
}
BENCHMARK(prepare_cases)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();

void grade_submissions(benchmark::State& state) {
  const auto prepared = prepare(cases_text(), palette_text());
  const files::SubmissionsFile sf = files::parse_submissions(submissions_text(), "bench.csv");
  for (auto _ : state) {
    const plan::GradeResult r = plan::grade_submissions(prepared->cases, sf.rows, plan::kDefaultTolerance);
    benchmark::DoNotOptimize(r.results.data());
  }
  state.counters["per_submission_us"] = benchmark::Counter(
      static_cast<double>(kSubmissions), benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}
BENCHMARK(grade_submissions)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
