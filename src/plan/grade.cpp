#include "plan/grade.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <numeric>
#include <optional>
#include <stdexcept>
#include <unordered_map>

#include "common/error.hpp"
#include "plan/describe.hpp"

namespace shadematch::plan {
namespace {

std::string fmt1(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

// "slightly too warm" / "too warm" / "much too warm" by the size of the component (CIELAB
// units), with the adverb thresholds describe_difference uses for ΔE00.
std::string sized(const std::string& word, double size) {
  if (size < 1.0) return "very slightly too " + word;
  if (size < 2.5) return "slightly too " + word;
  if (size >= 5.0) return "much too " + word;
  return "too " + word;
}

}  // namespace

std::string GradeDirection::text() const {
  return phrases.empty() ? "matches target" : join_words(phrases, ", ");
}

GradeDirection grade_direction(const colour::Lab& target, const colour::Lab& predicted) {
  GradeDirection out;
  if (colour::delta_e_2000(target, predicted) < 0.5) return out;  // describe.hpp: not visible
  const DirectionWords w = difference_words(target, predicted);
  const colour::LabDifference d = colour::lab_difference(target, predicted);
  for (const std::string& word : w.words) {
    if (word == "lighter" || word == "darker") {
      const std::string adj = word == "lighter" ? "light" : "dark";
      out.phrases.push_back("too " + adj + " by " + fmt1(std::abs(d.dl)) + " L*");
      out.keys.push_back("too " + adj);
    } else if (word == "more saturated" || word == "greyer") {
      const std::string adj = word == "greyer" ? "grey" : "saturated";
      out.phrases.push_back(sized(adj, std::abs(d.dc)));
      out.keys.push_back("too " + adj);
    } else {
      const std::string adj = word == "warmer" ? "warm" : "cool";
      out.phrases.push_back(sized(adj, std::abs(d.dh)));
      out.keys.push_back("too " + adj);
    }
  }
  return out;
}

struct CaseGrader::Impl {
  const pigment::Palette* palette = nullptr;
  const DotPredictor* predictor = nullptr;
  PlanTargets targets;
  std::optional<CandidateGrid> grid;  // the one grid the plan and the ranks are taken from
  PlanResult plan;
  std::vector<std::vector<RankKey>> ranked;  // per session, sorted, allowed candidates only

  colour::Lab appearance(const colour::Lab& dot) const {
    return targets.appearance == Appearance::area ? area_mix(dot, targets.substrate, targets.coverage) : dot;
  }

  void rank_sessions() {
    // Each session's keys are the candidates within the plan's own lightness window (search.hpp:
    // half a shade below the session before's first choice, and the look-ahead bound), so that
    // the tool's first choices rank 1.
    const colour::Lab* predicted = grid->predicted();
    for (std::size_t s = 0; s < targets.sessions.size(); ++s) {
      const SessionBlends& session = plan.sessions.at(s);
      const colour::Lab& target = targets.sessions[s];
      std::vector<RankKey> keys;
      keys.reserve(grid->size());
      for (std::size_t i = 0; i < grid->size(); ++i) {
        const colour::Lab& p = predicted[i];
        if (!session.admits(p.l)) continue;  // also drops NaN predictions, as the search does
        keys.push_back(grid->key(i, blend_score(target, p)));
      }
      std::sort(keys.begin(), keys.end());
      ranked.push_back(std::move(keys));
    }
  }

  // The student's blend as a grid mix (inks in palette order, parts scaled to parts_total when
  // they divide it), and its grid index when it is a point of the grid.
  std::pair<CandidateMix, std::optional<std::size_t>> locate(const pigment::Blend& blend) const {
    std::vector<std::pair<std::uint16_t, int>> parts;
    for (const pigment::BlendPart& bp : blend.parts) {
      const pigment::Ink* ink = palette->find(bp.ink_id);
      if (ink == nullptr || bp.parts < 1) throw std::invalid_argument("grade: blend not of this palette");
      parts.emplace_back(static_cast<std::uint16_t>(ink - palette->inks.data()), bp.parts);
    }
    std::sort(parts.begin(), parts.end());
    int g = 0;
    int sum = 0;
    for (const auto& [i, p] : parts) {
      g = std::gcd(g, p);
      sum += p;
    }
    CandidateMix m;
    m.count = static_cast<std::uint8_t>(std::min<std::size_t>(parts.size(), 255));
    m.reduced_parts = static_cast<std::uint16_t>(std::min(sum / g, 65535));
    const bool fits = parts.size() <= static_cast<std::size_t>(std::min(palette->max_inks, kMaxBlendInks)) &&
                      palette->parts_total % (sum / g) == 0;
    const int scale = fits ? palette->parts_total / (sum / g) : 1;
    for (std::size_t j = 0; j < parts.size() && j < kMaxBlendInks; ++j) {
      m.ink[j] = parts[j].first;
      m.parts[j] = static_cast<std::uint16_t>(std::min(parts[j].second / g * scale, 65535));
      if (!palette->inks[parts[j].first].in_stock) m.out_of_stock = true;
    }
    const auto step = std::find(palette->dilution.begin(), palette->dilution.end(), blend.dilution);
    if (!fits || step == palette->dilution.end()) return {m, std::nullopt};
    return {m, grid->find(m, static_cast<std::size_t>(step - palette->dilution.begin()))};
  }
};

CaseGrader::CaseGrader(const pigment::Palette& palette, const DotPredictor& predictor, const PlanTargets& targets)
    : impl_(std::make_unique<Impl>()) {
  Impl& s = *impl_;
  s.palette = &palette;
  s.predictor = &predictor;
  SearchOptions options;
  options.top_k = 3;
  options.include_unavailable = true;
  s.grid.emplace(palette, predictor, GridAppearance::of(targets), grid_options(options));  // validates the grid
  s.plan = plan_on_grid(*s.grid, targets, options);
  // Grade against the plan's own session targets: anchored to the darkest reachable colour when
  // the case's hair is beyond the palette's reach (search.hpp, Reach), as `match` plans them.
  s.targets = s.plan.targets;
  s.rank_sessions();
}

CaseGrader::~CaseGrader() = default;
CaseGrader::CaseGrader(CaseGrader&&) noexcept = default;
CaseGrader& CaseGrader::operator=(CaseGrader&&) noexcept = default;

int CaseGrader::sessions() const noexcept {
  return static_cast<int>(impl_->targets.sessions.size());
}

const PlanResult& CaseGrader::plan() const noexcept {
  return impl_->plan;
}

const CandidateGrid& CaseGrader::grid() const noexcept {
  return *impl_->grid;
}

BlendGrade CaseGrader::grade(int session, const pigment::Blend& blend) const {
  const Impl& s = *impl_;
  if (session < 1 || session > sessions()) throw std::out_of_range("grade: session out of range");
  const auto si = static_cast<std::size_t>(session - 1);
  const auto [mix, index] = s.locate(blend);
  BlendGrade g;
  g.target = s.targets.sessions[si];
  g.on_grid = index.has_value();
  if (index) {
    g.predicted = s.grid->predicted(*index);
  } else {
    // The student's own proportions (an off-grid blend), summed in palette order like the grid.
    double total = 0.0;
    std::vector<std::pair<std::uint16_t, int>> parts;
    for (const pigment::BlendPart& bp : blend.parts) {
      parts.emplace_back(static_cast<std::uint16_t>(s.palette->find(bp.ink_id) - s.palette->inks.data()), bp.parts);
    }
    std::sort(parts.begin(), parts.end());
    colour::Spectrum mixed;
    for (const auto& [i, p] : parts) total += p;
    for (const auto& [i, p] : parts) {
      const double w = p / total;
      const colour::Spectrum& k = s.predictor->ink_ks()[i];
      for (std::size_t b = 0; b < colour::kSpectrumBands; ++b) mixed.values[b] += w * k.values[b];
    }
    g.predicted = s.appearance(s.predictor->healed_dot_lab(mixed, blend.dilution.pigment_fraction()));
  }
  g.de00 = colour::delta_e_2000(g.target, g.predicted);
  g.score = blend_score(g.target, g.predicted);
  g.diff = colour::lab_difference(g.target, g.predicted);
  g.direction = grade_direction(g.target, g.predicted);
  const SessionBlends& planned = s.plan.sessions.at(si);
  g.allowed = g.predicted.l <= planned.l_max;
  g.leaves_room = g.predicted.l >= planned.l_min;
  const std::vector<RankKey>& keys = s.ranked[si];
  const RankKey key =
      rank_key(mix, index.value_or(std::numeric_limits<std::uint32_t>::max()), blend_score(g.target, g.predicted));
  g.rank = static_cast<int>(std::lower_bound(keys.begin(), keys.end(), key) - keys.begin()) + 1;
  g.candidates = keys.size();
  if (si < s.plan.sessions.size() && !s.plan.sessions[si].blends.empty()) {
    g.first_choice = s.plan.sessions[si].blends.front();
  }
  return g;
}

namespace {

std::string advice_for(const BlendGrade& g, int session, bool pass, double tolerance) {
  std::string out = g.direction.text();
  if (!g.allowed) {
    out += "; not half a shade darker than session " + std::to_string(session - 1) +
           "'s first choice (a session must not lighten the previous one)";
  }
  if (!g.leaves_room) {
    out += "; too dark for session " + std::to_string(session) +
           ": the later sessions would have no room to be half a shade darker each";
  }
  if (g.rank == 1 && g.allowed && g.leaves_room) {
    out += "; the tool's first choice too";
  } else if (g.first_choice) {
    out += "; the tool's first choice: " + g.first_choice->recipe + " (ΔE00 " + fmt1(g.first_choice->de00) + ")";
  }
  if (!pass) out += "; ΔE00 " + fmt1(g.de00) + " is over the tolerance " + fmt1(tolerance);
  return out;
}

}  // namespace

ClassSummary summarise(const std::vector<GradedSubmission>& results) {
  ClassSummary sum;
  std::vector<std::map<std::string, std::size_t>> errors;
  double total = 0.0;
  for (const GradedSubmission& r : results) {
    auto it = std::find_if(sum.cases.begin(), sum.cases.end(),
                           [&](const CaseSummary& c) { return c.case_id == r.submission.case_id; });
    if (it == sum.cases.end()) {
      sum.cases.push_back({r.submission.case_id, 0, 0, 0.0, 0.0, "", 0});
      errors.emplace_back();
      it = sum.cases.end() - 1;
    }
    const auto ci = static_cast<std::size_t>(it - sum.cases.begin());
    ++it->submissions;
    it->mean_de00 += r.grade.de00;  // sum for now
    it->worst_de00 = std::max(it->worst_de00, r.grade.de00);
    if (r.pass) {
      ++it->passed;
      ++sum.passed;
    } else {
      for (const std::string& k : r.grade.direction.keys) ++errors[ci][k];
    }
    ++sum.submissions;
    total += r.grade.de00;
    sum.worst_de00 = std::max(sum.worst_de00, r.grade.de00);
  }
  for (std::size_t i = 0; i < sum.cases.size(); ++i) {
    CaseSummary& c = sum.cases[i];
    c.mean_de00 /= static_cast<double>(c.submissions);
    for (const auto& [key, count] : errors[i]) {  // map order: ties go to the first key alphabetically
      if (count > c.common_error_count) {
        c.common_error = key;
        c.common_error_count = count;
      }
    }
  }
  sum.mean_de00 = sum.submissions > 0 ? total / static_cast<double>(sum.submissions) : 0.0;
  return sum;
}

GradeResult grade_submissions(const std::vector<GradeCase>& cases, const std::vector<Submission>& submissions,
                              double tolerance, std::vector<RowError> errors_in) {
  GradeResult out;
  out.tolerance = tolerance;
  out.errors = std::move(errors_in);
  std::unordered_map<std::string, const GradeCase*> by_id;
  std::string ids;
  for (const GradeCase& c : cases) {
    by_id.emplace(c.id, &c);
    ids += (ids.empty() ? "" : ", ") + c.id;
  }
  for (const Submission& sub : submissions) {
    const auto it = by_id.find(sub.case_id);
    if (it == by_id.end()) {
      out.errors.push_back({sub.line, "case: unknown case '" + sub.case_id + "'; the cases are: " + ids});
      continue;
    }
    const GradeCase& c = *it->second;
    const int n = c.grader->sessions();
    if (sub.session < 1 || sub.session > n) {
      out.errors.push_back({sub.line, "session: expected 1 to " + std::to_string(n) + " (case '" + c.id + "' has " +
                                          std::to_string(n) + " session" + (n == 1 ? "" : "s") + "), found " +
                                          std::to_string(sub.session)});
      continue;
    }
    pigment::Blend blend;
    try {
      blend = pigment::parse_blend(sub.blend, *c.palette, "blend");
    } catch (const InputError& e) {
      out.errors.push_back({sub.line, "blend '" + sub.blend + "': " + e.message()});
      continue;
    }
    GradedSubmission r;
    r.submission = sub;
    r.recipe = pigment::format_blend(blend);
    r.grade = c.grader->grade(sub.session, blend);
    r.pass = r.grade.de00 <= tolerance;
    r.advice = advice_for(r.grade, sub.session, r.pass, tolerance);
    out.results.push_back(std::move(r));
  }
  std::stable_sort(out.errors.begin(), out.errors.end(),
                   [](const RowError& a, const RowError& b) { return a.line < b.line; });
  out.summary = summarise(out.results);
  out.summary.bad_rows = out.errors.size();
  return out;
}

}  // namespace shadematch::plan
