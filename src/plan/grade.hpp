#pragma once
// Trainer mode (issue 7): grade students' blends against the tool's plan.
//
// A case is a client (skin, targets) and a palette; students submit one blend per case and
// session. Each submission is graded by the same ink-in-skin model and the same score the blend
// search uses (plan/search.hpp):
//   - predicted healed colour of the student's blend, ΔE00 to the session target and the
//     direction of the difference in words ("too dark by 3.1 L*, slightly too warm");
//   - rank among every candidate of the palette's blend grid for that session (≤ max_inks inks,
//     integer parts summing to parts_total, every dilution step), ordered exactly as the search
//     orders them (score, then fewer inks, fewer parts, in stock, not expired, enumeration order),
//     so the tool's own first choice has rank 1. Session k + 1 allows only blends at least half a
//     shade darker than session k's first choice (the search's rule); `candidates` counts those.
//   - pass when ΔE00 ≤ the tolerance (default kDefaultTolerance, see there).
//
// Speed: a case's grid (plan/candidates.hpp) is predicted once, shared by the plan and the ranks,
// and each session's scores are sorted once (CaseGrader); grading a submission is then a lookup
// (or, off the grid, one prediction) and one binary search, so a class
// of 10,000 submissions costs about as much as the searches themselves (bench/bench_grade.cpp).
//
// Out-of-stock and expired inks: a case is a colour exercise and its answer must not drift with
// the clinic's stock, so cases search the whole palette (SearchOptions::include_unavailable).
#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "colour/delta_e.hpp"
#include "colour/types.hpp"
#include "pigment/model.hpp"
#include "pigment/palette.hpp"
#include "plan/search.hpp"
#include "plan/targets.hpp"

namespace shadematch::plan {

// Default pass mark, ΔE00 2.0. Reasoning (a judgement, not a published standard): below about
// ΔE00 1 two flat patches side by side look the same; a healed SMP dot is a small, textured spot
// seen among hair and skin, where differences under about 2 are not reliably seen by trained eyes
// and are within the session-to-session variation of healing itself (retention varies by tens of
// percent). Above 2 the difference shows as a patch that reads lighter, darker or off-hue next to
// the client's own follicles. Trainers can set --tolerance to what their academy teaches.
inline constexpr double kDefaultTolerance = 2.0;

// One line of a submissions file, as read by files/submissions.hpp.
struct Submission {
  int line = 0;  // 1-based line in the submissions file
  std::string student;
  std::string case_id;
  int session = 0;    // 1-based
  std::string blend;  // pigment::parse_blend grammar
};

// A bad row: reported as "FILE:LINE: error: MESSAGE" and left out of the grading.
struct RowError {
  int line = 0;
  std::string message;
};

// The words of one difference: "too dark by 3.1 L*", "slightly too warm"; `keys` are the same
// without sizes ("too dark", "too warm") for counting the most common error in a class.
struct GradeDirection {
  std::vector<std::string> phrases;
  std::vector<std::string> keys;
  std::string text() const;  // phrases joined by ", "; "matches target" when empty
};
GradeDirection grade_direction(const colour::Lab& target, const colour::Lab& predicted);

struct BlendGrade {
  colour::Lab target;
  colour::Lab predicted;
  double de00 = 0.0;
  double score = 0.0;          // plan::blend_score
  colour::LabDifference diff;  // predicted − target
  GradeDirection direction;
  int rank = 0;                             // 1-based among the session's candidates
  std::size_t candidates = 0;               // candidates the session allows
  bool on_grid = true;                      // the blend is a point of the palette's grid
  bool allowed = true;                      // meets the session's "half a shade darker" rule
  bool leaves_room = true;                  // not darker than the plan's look-ahead bound (search.hpp)
  std::optional<RankedBlend> first_choice;  // the tool's pick for the session
};

// Every candidate of one case, predicted once; each session's ranking sorted once.
class CaseGrader {
 public:
  // `palette` and `predictor` must outlive the grader. Throws like plan_blends.
  CaseGrader(const pigment::Palette& palette, const DotPredictor& predictor, const PlanTargets& targets);
  ~CaseGrader();
  CaseGrader(CaseGrader&&) noexcept;
  CaseGrader& operator=(CaseGrader&&) noexcept;

  int sessions() const noexcept;
  // The tool's plan for the case (top 3 per session), as `shadematch match` would list it.
  const PlanResult& plan() const noexcept;
  // The case's candidate grid (the whole palette: a case ignores stock), from which both the plan
  // and every rank are taken.
  const CandidateGrid& grid() const noexcept;
  // Grades one blend for a 1-based session (std::out_of_range when outside 1..sessions()).
  // The blend's inks must be the palette's (pigment::parse_blend guarantees it).
  BlendGrade grade(int session, const pigment::Blend& blend) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

struct GradedSubmission {
  Submission submission;
  std::string recipe;  // the student's blend as pigment::format_blend writes it
  BlendGrade grade;
  bool pass = false;
  std::string advice;  // "too dark by 3.1 L*, slightly too warm; the tool's first choice: …"
};

struct CaseSummary {
  std::string case_id;
  std::size_t submissions = 0;
  std::size_t passed = 0;
  double mean_de00 = 0.0;
  double worst_de00 = 0.0;
  std::string common_error;  // most common direction key ("too dark"), "" when none
  std::size_t common_error_count = 0;
};

struct ClassSummary {
  std::size_t submissions = 0;  // graded (bad rows are not counted)
  std::size_t passed = 0;
  double mean_de00 = 0.0;
  double worst_de00 = 0.0;
  std::size_t bad_rows = 0;
  std::vector<CaseSummary> cases;  // in order of first appearance
};

struct GradeResult {
  double tolerance = kDefaultTolerance;
  std::vector<GradedSubmission> results;  // file order
  std::vector<RowError> errors;           // bad rows, file order
  ClassSummary summary;
};

// A case ready to grade: its grader and palette (for parsing blends).
struct GradeCase {
  std::string id;
  const pigment::Palette* palette = nullptr;
  const CaseGrader* grader = nullptr;
};

// Grades every submission; bad rows (unknown case, session out of range, malformed blend,
// unknown ink) go to `errors` with their line and the rest are graded. `errors_in` are the rows
// the file reader already refused (wrong column count, session not a number); they are merged
// in line order.
GradeResult grade_submissions(const std::vector<GradeCase>& cases, const std::vector<Submission>& submissions,
                              double tolerance, std::vector<RowError> errors_in = {});

// The summary of graded results (also used by grade_submissions).
ClassSummary summarise(const std::vector<GradedSubmission>& results);

}  // namespace shadematch::plan
