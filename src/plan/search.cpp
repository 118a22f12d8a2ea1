#include "plan/search.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <optional>
#include <stdexcept>
#include <thread>
#include <utility>

#include "common/error.hpp"
#include "plan/describe.hpp"
#include "plan/gamut.hpp"

namespace shadematch::plan {
namespace {

// One plan's ranking on a predicted grid.
struct Search {
  const CandidateGrid& grid;
  unsigned threads = 1;

  // The best `pool_size` candidates for `target` among those with l_min ≤ L*pred ≤ l_max, sorted.
  std::vector<RankKey> best(const colour::Lab& target, double l_min, double l_max, std::size_t pool_size) const {
    const colour::Lab* predicted = grid.predicted();
    const std::size_t n = grid.size();
    const unsigned t_count = n < 50'000 ? 1U : threads;
    std::vector<std::vector<RankKey>> heaps(t_count);
    auto scan = [&](unsigned t) {
      std::vector<RankKey>& heap = heaps[t];  // max-heap of the best so far
      heap.reserve(pool_size + 1);
      const std::size_t begin = n * t / t_count;
      const std::size_t end = n * (t + 1) / t_count;
      // A candidate whose score's lower bound exceeds the worst kept score by more than the 1e-6
      // rounding of the key (plus a margin for the two formulas' rounding) cannot enter the heap.
      double cut = std::numeric_limits<double>::infinity();
      for (std::size_t i = begin; i < end; ++i) {
        const colour::Lab& p = predicted[i];
        if (!(p.l <= l_max && p.l >= l_min)) continue;  // also drops NaN predictions
        if (score_lightness_bound(target, p) > cut || score_lower_bound(target, p) > cut) continue;
        const RankKey k = grid.key(i, blend_score(target, p));
        if (heap.size() < pool_size) {
          heap.push_back(k);
          std::push_heap(heap.begin(), heap.end());
        } else if (k < heap.front()) {
          std::pop_heap(heap.begin(), heap.end());
          heap.back() = k;
          std::push_heap(heap.begin(), heap.end());
        } else {
          continue;
        }
        if (heap.size() == pool_size) cut = (static_cast<double>(heap.front().score) + 1.5) * kScoreResolution;
      }
    };
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < t_count; ++t) pool.emplace_back(scan, t);
    scan(0);
    for (std::thread& th : pool) th.join();
    std::vector<RankKey> all;
    for (const auto& h : heaps) all.insert(all.end(), h.begin(), h.end());
    std::sort(all.begin(), all.end());
    if (all.size() > pool_size) all.resize(pool_size);
    return all;
  }

  // Up to k candidate indices for the target, best first, without near-duplicates (same inks and
  // ΔE00 < kListedMinDe00 from one already listed).
  std::vector<std::size_t> list(const colour::Lab& target, double l_min, double l_max, std::size_t k) const {
    std::size_t pool_size = std::max<std::size_t>(64, 16 * k);
    for (;;) {
      const std::vector<RankKey> ranked = best(target, l_min, l_max, pool_size);
      std::vector<std::size_t> chosen;
      for (const RankKey& key : ranked) {
        const std::size_t i = key.index;
        if (key.score == std::numeric_limits<std::int64_t>::max()) break;
        const bool duplicate = std::any_of(chosen.begin(), chosen.end(), [&](std::size_t j) {
          return grid.same_inks(i, j) &&
                 colour::delta_e_2000_fast(grid.predicted(i), grid.predicted(j)) < kListedMinDe00;
        });
        if (!duplicate) chosen.push_back(i);
        if (chosen.size() == k) return chosen;
      }
      // Ran out of pool before k distinct blends: widen it, unless it already held everything.
      if (ranked.size() < pool_size || pool_size >= grid.size()) return chosen;
      pool_size *= 8;
    }
  }

  RankedBlend describe(std::size_t index, const colour::Lab& target) const {
    const CandidateMix& m = grid.mix(index);
    RankedBlend r;
    r.blend = grid.blend(index);
    r.recipe = pigment::format_blend(r.blend);
    r.predicted = grid.predicted(index);
    r.de00 = colour::delta_e_2000(target, r.predicted);
    r.diff = colour::lab_difference(target, r.predicted);
    r.score = blend_score(target, r.predicted);
    r.direction = describe_difference(target, r.predicted);
    r.in_stock = !m.out_of_stock;
    r.expired = m.expired;
    return r;
  }
};

std::string fmt1(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

}  // namespace

double blend_score(const colour::Lab& target, const colour::Lab& predicted) noexcept {
  return colour::delta_e_2000_fast(target, predicted) + kTooDarkWeight * std::max(0.0, target.l - predicted.l) +
         kTooBlueWeight * std::max(0.0, target.b - predicted.b - kTooBlueAllowance);
}

// Sharma, Wu & Dalal (2005), eqs. (1)–(22). With x = ΔC'/S_C, y = ΔH'/S_H and the rotation term
// R_T·x·y ≥ −(|R_T|/2)(x² + y²):
//   ΔE00² ≥ (ΔL*/S_L)² + (1 − |R_T|/2)(ΔC'² + ΔH'²)/S_C²     (S_H ≤ S_C: 0.015·T ≤ 0.045, T < 1.93)
// where ΔC'² + ΔH'² = Δa'² + Δb*² with a' = (1 + G)·a*, G exact (eq. 4, from C̄*ab); S_L exact
// at L̄. C̄' and the hue are not computed (they need trigonometry); instead
//   C̄' ≤ (1 + G)·C̄*ab                    (C' = √((1+G)²a² + b²) ≤ (1 + G)·C*ab)
//   S_C = 1 + 0.045·C̄' ≤ 1 + 0.045·(1 + G)·C̄*ab
//   |R_T| = 2·√(C̄'⁷/(C̄'⁷ + 25⁷))·|sin 2Δθ| ≤ 2·sin 60°·√(c⁷/(c⁷ + 25⁷)),  c = (1 + G)·C̄*ab  (Δθ ≤ 30°)
// R_T matters only for saturated colours (its factor is 0.04 at C̄' = 10), so for hair and skin
// colours the bound is within a few per cent of ΔE00 instead of the 37 % of a fixed |R_T| ≤ √3.
double score_lower_bound(const colour::Lab& target, const colour::Lab& predicted) noexcept {
  constexpr double kPow25_7 = 6103515625.0;      // 25⁷, eq. (4)
  constexpr double kSin60 = 0.8660254037844386;  // sin 60°: the largest |sin 2Δθ|
  const double dl = target.l - predicted.l;
  const double da = target.a - predicted.a;
  const double db = target.b - predicted.b;
  const double lbar = 0.5 * (target.l + predicted.l) - 50.0;
  const double sl = 1.0 + 0.015 * lbar * lbar / std::sqrt(20.0 + lbar * lbar);
  const double cbar = 0.5 * (std::sqrt(target.a * target.a + target.b * target.b) +
                             std::sqrt(predicted.a * predicted.a + predicted.b * predicted.b));
  const double cbar2 = cbar * cbar;
  const double cbar7 = cbar2 * cbar2 * cbar2 * cbar;
  const double g1 = 1.5 - 0.5 * std::sqrt(cbar7 / (cbar7 + kPow25_7));  // 1 + G
  const double c = g1 * cbar;                                           // ≥ C̄'
  const double c2 = c * c;
  const double c7 = c2 * c2 * c2 * c;
  const double rotation = 1.0 - kSin60 * std::sqrt(c7 / (c7 + kPow25_7));  // 1 − |R_T|/2, ≥ 1 − sin 60°
  const double sc = 1.0 + 0.045 * c;
  const double dap = g1 * da;
  const double de_bound = std::sqrt(dl * dl / (sl * sl) + rotation * (dap * dap + db * db) / (sc * sc));
  return de_bound + kTooDarkWeight * std::max(0.0, dl) + kTooBlueWeight * std::max(0.0, db - kTooBlueAllowance);
}

GridOptions grid_options(const SearchOptions& options) {
  GridOptions g;
  g.include_unavailable = options.include_unavailable;
  g.today = options.today;
  g.threads = options.threads;
  g.progress = options.progress;
  return g;
}

PlanResult plan_blends(const pigment::Palette& palette, const DotPredictor& predictor, const PlanTargets& targets,
                       const SearchOptions& options) {
  if (options.top_k < 1) throw std::invalid_argument("plan_blends: top_k must be ≥ 1");
  const CandidateGrid grid(palette, predictor, GridAppearance::of(targets), grid_options(options));
  return plan_on_grid(grid, targets, options);
}

PlanResult plan_on_grid(const CandidateGrid& grid, const PlanTargets& targets, const SearchOptions& options) {
  if (options.top_k < 1) throw std::invalid_argument("plan_on_grid: top_k must be ≥ 1");
  if (!grid.appearance().serves(targets)) {
    throw std::invalid_argument("plan_on_grid: the grid was predicted for another appearance or substrate");
  }
  PlanResult result;
  result.targets = targets;
  result.left_out = grid.left_out();
  result.inks_searched = grid.inks_searched();
  if (!result.left_out.empty()) {
    std::string ids;
    for (const LeftOutInk& l : result.left_out) ids += (ids.empty() ? "" : ", ") + l.id + " (" + l.reason + ")";
    result.warnings.push_back(std::to_string(result.left_out.size()) + " ink" +
                              (result.left_out.size() == 1 ? " was" : "s were") + " left out: " + ids +
                              "; use --include-unavailable to search them too");
  }
  result.candidates = grid.size();
  if (result.candidates == 0) {
    result.warnings.push_back("no ink is available for the search");
  }
  const unsigned hw = options.threads != 0 ? options.threads : std::max(1U, std::thread::hardware_concurrency());
  const Search s{grid, result.candidates < 20'000 ? 1U : std::min(hw, 64U)};

  // Half a shade of this plan: of the palette's shade, or of the shrunk step when the skin leaves
  // too little room even for that (search.hpp).
  const double palette_half = kSessionMinShades * targets.shade_step_dl;
  double half_shade = palette_half;
  // With reachable targets: the darkest blend's L*, below which no later session can go.
  std::optional<double> darkest_l;
  if (const std::optional<std::size_t> dark = grid.darkest()) {
    const colour::Lab* predicted = grid.predicted();
    const HealedGamut gamut(predicted, grid.size());
    Reach reach;
    reach.darkest = predicted[*dark];
    reach.darkest_recipe = s.describe(*dark, targets.final_target).recipe;
    reach.lightest = reach.darkest;
    for (std::size_t i = 0; i < grid.size(); ++i) {
      if (predicted[i].l > reach.lightest.l) reach.lightest = predicted[i];  // NaN never compares greater
    }
    reach.beyond_dl = reach.darkest.l - targets.final_target.l;
    reach.margin_dl = kReachMarginShades * targets.shade_step_dl;
    reach.ideal_sessions = targets.sessions;
    const std::size_t n = targets.sessions.size();
    const colour::Lab final_reachable = gamut.map(targets.final_target);
    double step = targets.shade_step_dl;
    const double room = gamut.lightest_l() - final_reachable.l;
    double spacing = palette_half;  // the plan's half shade (below)
    if (n > 1 && final_reachable.l + static_cast<double>(n) * step > gamut.lightest_l()) {
      // The first session would not lie a step below the lightest blend (about the skin itself):
      // the step shrinks (search.hpp, kSessionSpacingMargin), the room between the sessions kept
      // before the room between the skin and session 1.
      const double gaps = static_cast<double>(n - 1);
      const double kept = (1.0 + kSessionSpacingMargin) * palette_half;
      if (room >= gaps * kept) {
        step = std::max(room / static_cast<double>(n), kept);
      } else {
        step = std::max(0.0, room / static_cast<double>(n));
        spacing = kSessionMinShades * step;
      }
      result.warnings.push_back("this skin leaves ΔL* " + fmt1(room) +
                                " between the darkest reachable target and the lightest blend: the sessions are ΔL* " +
                                fmt1(step) + " apart instead of one shade (" + fmt1(targets.shade_step_dl) + ")" +
                                (spacing < palette_half ? ", less than half a shade" : ""));
    }
    if (room < 0.5) {
      result.warnings.push_back(
          "the target is not darker than this skin: pigment only darkens the skin, so no blend "
          "comes closer than the lightest, and the sessions cannot each be darker");
    }
    reach.step_dl = step;
    for (std::size_t si = 0; si < n; ++si) {
      colour::Lab ideal = targets.final_target;
      ideal.l = final_reachable.l + static_cast<double>(n - 1 - si) * step;
      if (step == targets.shade_step_dl && final_reachable.l == targets.final_target.l) {
        ideal = targets.sessions[si];  // exactly DESIGN.md's spacing
      }
      const colour::Lab mapped = si + 1 == n ? final_reachable : gamut.map(ideal);
      if (!options.reachable_targets) continue;
      if (colour::delta_e_2000(mapped, targets.sessions[si]) > 1e-9) reach.mapped = true;
      result.targets.sessions[si] = mapped;
    }
    reach.aimed_final = final_reachable;
    reach.gap_de00 = colour::delta_e_2000(targets.final_target, final_reachable);
    reach.anchored = options.reachable_targets && reach.gap_de00 > 1e-9;
    if (reach.anchored) {
      reach.lacks = missing_ink(targets.final_target, final_reachable);
      if (targets.goal == Goal::follicle) {
        const colour::Lab& skin = targets.substrate;
        const colour::Lab& hair = targets.final_target;
        const double a = kReduceContrastAlpha;
        const colour::Lab rc{skin.l + a * (hair.l - skin.l), skin.a + a * (hair.a - skin.a),
                             skin.b + a * (hair.b - skin.b)};
        if (reach.darkest.l - rc.l <= reach.margin_dl) reach.reduce_contrast_target = rc;
      }
    }
    if (options.reachable_targets) {
      half_shade = spacing;
      darkest_l = reach.darkest.l;
    }
    result.reach = std::move(reach);
  }
  result.half_shade_dl = half_shade;

  const std::size_t k = static_cast<std::size_t>(options.top_k);
  std::optional<double> previous_first_l;
  for (std::size_t si = 0; si < result.targets.sessions.size(); ++si) {
    SessionBlends session;
    session.session = static_cast<int>(si + 1);
    session.target = result.targets.sessions[si];
    session.l_max = previous_first_l ? *previous_first_l - half_shade : std::numeric_limits<double>::infinity();
    // Look ahead: a first choice darker than this leaves the later sessions no room to be half a
    // shade apart down to the darkest blend. Dropped when no blend is left within both bounds.
    const std::size_t later = result.targets.sessions.size() - 1 - si;
    if (darkest_l) session.l_min = *darkest_l + static_cast<double>(later) * half_shade;
    std::vector<std::size_t> listed = s.list(session.target, session.l_min, session.l_max, k);
    if (listed.empty() && session.l_min > -std::numeric_limits<double>::infinity()) {
      session.l_min = -std::numeric_limits<double>::infinity();
      listed = s.list(session.target, session.l_min, session.l_max, k);
    }
    for (std::size_t index : listed) {
      RankedBlend r = s.describe(index, session.target);
      r.rank = static_cast<int>(session.blends.size() + 1);
      session.blends.push_back(std::move(r));
    }
    const std::string label = "session " + std::to_string(session.session);
    if (session.blends.empty()) {
      if (result.candidates > 0 && previous_first_l) {
        result.warnings.push_back(label + ": no blend is at least half a shade (ΔL* " + fmt1(half_shade) +
                                  ") darker than session " + std::to_string(session.session - 1) +
                                  "'s first choice; the palette lacks a darker ink");
        session.shortfall = "a darker ink";
      }
    } else {
      const RankedBlend& first = session.blends.front();
      if (first.de00 > kShortfallDe00) {
        session.shortfall = missing_ink(session.target, first.predicted);
        // Anchored, the report says once at the top that the palette cannot reach this target;
        // the session keeps its own shortfall, without repeating it as a warning.
        if (!(result.reach && result.reach->anchored)) {
          result.warnings.push_back(label + ": no blend comes within ΔE00 3 of the target (closest " +
                                    fmt1(first.de00) + ", " + first.direction + "); the palette lacks " +
                                    *session.shortfall);
        }
      }
      previous_first_l = first.predicted.l;
    }
    if (options.accent && si + 1 == result.targets.sessions.size() && !session.blends.empty()) {
      colour::Lab accent_target = session.target;
      accent_target.l -= targets.shade_step_dl;
      session.accent_target = accent_target;
      const auto accent = s.list(accent_target, -std::numeric_limits<double>::infinity(),
                                 session.blends.front().predicted.l - half_shade, 1);
      if (accent.empty() && result.reach && result.reach->anchored) {
        result.warnings.push_back(label +
                                  ": no accent blend: the session already aims at the darkest colour the "
                                  "palette heals to in this skin");
      } else if (accent.empty()) {
        result.warnings.push_back(label + ": no accent blend is half a shade darker than the first choice");
      } else {
        session.accent = s.describe(accent.front(), accent_target);
      }
    }
    result.sessions.push_back(std::move(session));
  }
  return result;
}

}  // namespace shadematch::plan
