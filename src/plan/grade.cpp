#include "plan/grade.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <thread>
#include <unordered_map>

#include "common/error.hpp"
#include "plan/describe.hpp"

namespace shadematch::plan {
namespace {

// The grid of plan/search.cpp, enumerated in the same order so that candidate indices (the last
// tie-break of the ranking) agree: by number of inks, then ink combination (palette indices,
// lexicographic), then parts (compositions of parts_total, lexicographic), then dilution step.
// Kept in step with search.cpp by tests/plan/grade_test.cpp (same count, same first choice).
struct Mix {
  std::array<std::uint16_t, kMaxBlendInks> ink{};
  std::array<std::uint16_t, kMaxBlendInks> parts{};
  std::uint8_t count = 0;
  std::uint8_t stock = 0;  // 1 when some ink is out of stock
  std::uint16_t reduced_parts = 0;
};

// The ranking key of search.cpp: score to 1e-6, fewer inks, fewer parts, in stock, then index.
// (Expiry needs a date; cases are graded without one, so no ink counts as expired.)
struct Key {
  std::int64_t score_micro = 0;
  std::uint8_t count = 0;
  std::uint16_t reduced_parts = 0;
  std::uint8_t stock = 0;
  std::uint32_t index = 0;
  friend bool operator<(const Key& x, const Key& y) {
    if (x.score_micro != y.score_micro) return x.score_micro < y.score_micro;
    if (x.count != y.count) return x.count < y.count;
    if (x.reduced_parts != y.reduced_parts) return x.reduced_parts < y.reduced_parts;
    if (x.stock != y.stock) return x.stock < y.stock;
    return x.index < y.index;
  }
};

std::int64_t micro(double score) {
  if (!std::isfinite(score) || score > 1e12) return std::numeric_limits<std::int64_t>::max();
  return std::llround(score * 1e6);
}

// Lexicographic order of (count, inks, parts): the enumeration order, so the grid is sorted by it.
bool mix_less(const Mix& x, const Mix& y) {
  if (x.count != y.count) return x.count < y.count;
  for (std::size_t j = 0; j < x.count; ++j) {
    if (x.ink[j] != y.ink[j]) return x.ink[j] < y.ink[j];
  }
  for (std::size_t j = 0; j < x.count; ++j) {
    if (x.parts[j] != y.parts[j]) return x.parts[j] < y.parts[j];
  }
  return false;
}

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
  PlanResult plan;
  std::vector<Mix> mixes;
  std::vector<double> fractions;
  std::vector<colour::Lab> predicted;    // mix index · steps + dilution index
  std::vector<std::vector<Key>> ranked;  // per session, sorted, allowed candidates only
  std::vector<double> l_max;             // per session: the "half a shade darker" bound

  std::size_t steps() const { return fractions.size(); }

  colour::Lab appearance(const colour::Lab& dot) const {
    return targets.appearance == Appearance::area ? area_mix(dot, targets.substrate, targets.coverage) : dot;
  }

  // Same arithmetic as search.cpp's predict_all: Σ (parts/total)·(K/S)ᵢ in the mix's ink order.
  colour::Spectrum mixed_ks(const Mix& m) const {
    const std::vector<colour::Spectrum>& ks = predictor->ink_ks();
    double total = 0.0;
    for (std::size_t j = 0; j < m.count; ++j) total += m.parts[j];
    colour::Spectrum mixed;
    for (std::size_t j = 0; j < m.count; ++j) {
      const double w = m.parts[j] / total;
      const colour::Spectrum& k = ks[m.ink[j]];
      for (std::size_t b = 0; b < colour::kSpectrumBands; ++b) mixed.values[b] += w * k.values[b];
    }
    return mixed;
  }

  void enumerate() {
    const std::size_t n = palette->inks.size();
    for (int m = 1; m <= palette->max_inks && static_cast<std::size_t>(m) <= n; ++m) {
      const auto parts = compositions(palette->parts_total, m);
      if (parts.empty()) break;
      const std::size_t mm = static_cast<std::size_t>(m);
      std::array<std::size_t, kMaxBlendInks> idx{};
      for (std::size_t j = 0; j < mm; ++j) idx[j] = j;
      for (;;) {
        Mix base;
        base.count = static_cast<std::uint8_t>(m);
        for (std::size_t j = 0; j < mm; ++j) {
          base.ink[j] = static_cast<std::uint16_t>(idx[j]);
          if (!palette->inks[idx[j]].in_stock) base.stock = 1;
        }
        for (const auto& p : parts) {
          Mix mix = base;
          int g = 0;
          int sum = 0;
          for (std::size_t j = 0; j < mm; ++j) {
            mix.parts[j] = p[j];
            g = std::gcd(g, static_cast<int>(p[j]));
            sum += p[j];
          }
          mix.reduced_parts = static_cast<std::uint16_t>(sum / g);
          mixes.push_back(mix);
        }
        std::size_t j = mm;
        while (j > 0 && idx[j - 1] == n - mm + (j - 1)) --j;
        if (j == 0) break;
        ++idx[j - 1];
        for (std::size_t q = j; q < mm; ++q) idx[q] = idx[q - 1] + 1;
      }
    }
  }

  void predict_all() {
    const std::size_t n_dil = steps();
    predicted.assign(mixes.size() * n_dil, colour::Lab{});
    constexpr std::size_t kChunk = 256;
    std::atomic<std::size_t> next{0};
    auto work = [&] {
      for (;;) {
        const std::size_t begin = next.fetch_add(kChunk);
        if (begin >= mixes.size()) break;
        const std::size_t end = std::min(begin + kChunk, mixes.size());
        for (std::size_t i = begin; i < end; ++i) {
          const colour::Spectrum mixed = mixed_ks(mixes[i]);
          for (std::size_t d = 0; d < n_dil; ++d) {
            predicted[i * n_dil + d] = appearance(predictor->healed_dot_lab(mixed, fractions[d]));
          }
        }
      }
    };
    const unsigned threads =
        predicted.size() < 20'000 ? 1U : std::max(1U, std::min(std::thread::hardware_concurrency(), 64U));
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work);
    work();
    for (std::thread& t : pool) t.join();
  }

  Key key_of(const Mix& m, std::uint32_t index, const colour::Lab& p, const colour::Lab& target) const {
    return Key{micro(blend_score(target, p)), m.count, m.reduced_parts, m.stock, index};
  }

  void rank_sessions() {
    const double half_shade = 0.5 * targets.shade_step_dl;
    std::optional<double> previous_first_l;
    for (std::size_t s = 0; s < targets.sessions.size(); ++s) {
      const double bound = previous_first_l ? *previous_first_l - half_shade : std::numeric_limits<double>::infinity();
      l_max.push_back(bound);
      const colour::Lab& target = targets.sessions[s];
      std::vector<Key> keys;
      keys.reserve(predicted.size());
      for (std::size_t i = 0; i < predicted.size(); ++i) {
        const colour::Lab& p = predicted[i];
        if (!(p.l <= bound)) continue;  // also drops NaN predictions, as the search does
        keys.push_back(key_of(mixes[i / steps()], static_cast<std::uint32_t>(i), p, target));
      }
      std::sort(keys.begin(), keys.end());
      ranked.push_back(std::move(keys));
      if (s < plan.sessions.size() && !plan.sessions[s].blends.empty()) {
        previous_first_l = plan.sessions[s].blends.front().predicted.l;
      }
    }
  }

  // The student's blend as a Mix (inks in palette order, parts reduced), and its grid index when
  // it is a point of the grid.
  std::pair<Mix, std::optional<std::uint32_t>> locate(const pigment::Blend& blend) const {
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
    Mix m;
    m.count = static_cast<std::uint8_t>(std::min<std::size_t>(parts.size(), 255));
    m.reduced_parts = static_cast<std::uint16_t>(std::min(sum / g, 65535));
    const bool fits = parts.size() <= static_cast<std::size_t>(std::min(palette->max_inks, kMaxBlendInks)) &&
                      palette->parts_total % (sum / g) == 0;
    const int scale = fits ? palette->parts_total / (sum / g) : 1;
    for (std::size_t j = 0; j < parts.size() && j < kMaxBlendInks; ++j) {
      m.ink[j] = parts[j].first;
      m.parts[j] = static_cast<std::uint16_t>(std::min(parts[j].second / g * scale, 65535));
      if (!palette->inks[parts[j].first].in_stock) m.stock = 1;
    }
    const auto step = std::find(palette->dilution.begin(), palette->dilution.end(), blend.dilution);
    if (!fits || step == palette->dilution.end()) return {m, std::nullopt};
    const auto it = std::lower_bound(mixes.begin(), mixes.end(), m, mix_less);
    if (it == mixes.end() || mix_less(m, *it)) return {m, std::nullopt};
    const auto mix_index = static_cast<std::size_t>(it - mixes.begin());
    return {m, static_cast<std::uint32_t>(mix_index * steps() +
                                          static_cast<std::size_t>(step - palette->dilution.begin()))};
  }
};

CaseGrader::CaseGrader(const pigment::Palette& palette, const DotPredictor& predictor, const PlanTargets& targets)
    : impl_(std::make_unique<Impl>()) {
  Impl& s = *impl_;
  s.palette = &palette;
  s.predictor = &predictor;
  s.targets = targets;
  SearchOptions options;
  options.top_k = 3;
  options.include_unavailable = true;
  s.plan = plan_blends(palette, predictor, targets, options);  // validates the grid size
  // Grade against the plan's own session targets: anchored to the darkest reachable colour when
  // the case's hair is beyond the palette's reach (search.hpp, Reach), as `match` plans them.
  s.targets = s.plan.targets;
  for (const pigment::DilutionStep& d : palette.dilution) s.fractions.push_back(d.pigment_fraction());
  s.mixes.reserve(count_candidates(palette.inks.size(), palette.max_inks, palette.parts_total, 1));
  s.enumerate();
  s.predict_all();
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

BlendGrade CaseGrader::grade(int session, const pigment::Blend& blend) const {
  const Impl& s = *impl_;
  if (session < 1 || session > sessions()) throw std::out_of_range("grade: session out of range");
  const auto si = static_cast<std::size_t>(session - 1);
  const auto [mix, index] = s.locate(blend);
  BlendGrade g;
  g.target = s.targets.sessions[si];
  g.on_grid = index.has_value();
  if (index) {
    g.predicted = s.predicted[*index];
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
  g.allowed = g.predicted.l <= s.l_max[si];
  const std::vector<Key>& keys = s.ranked[si];
  const Key key = s.key_of(mix, index.value_or(std::numeric_limits<std::uint32_t>::max()), g.predicted, g.target);
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
  if (g.rank == 1 && g.allowed) {
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
