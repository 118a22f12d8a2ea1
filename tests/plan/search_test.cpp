#include <algorithm>
#include <catch2/catch.hpp>
#include <numeric>
#include <set>

#include "colour/delta_e.hpp"
#include "pigment/model.hpp"
#include "plan/model_predictor.hpp"
#include "plan/search.hpp"
#include "plan_support.hpp"

using namespace shadematch;
using test::LinearLabPredictor;
using test::make_palette;

namespace {

const std::vector<pigment::DilutionStep> kSteps{{0, 1}, {1, 1}, {2, 1}, {4, 1}, {8, 1}};
const colour::Lab kSkin{65.0, 12.0, 16.0};

// Five inks spanning hair colours (masstone Lab D50, chosen by hand to bracket dark hair).
const std::vector<std::string> kIds{"jet-black", "dark-brown", "mid-brown", "warm-brown", "cool-grey"};
const std::vector<colour::Lab> kLabs{
    {15.0, 0.0, 0.0}, {25.0, 6.0, 10.0}, {40.0, 10.0, 18.0}, {50.0, 15.0, 25.0}, {35.0, -2.0, -6.0}};

plan::PlanTargets follicle_plan(const colour::Lab& follicle, int sessions, double step) {
  return plan::plan_targets({plan::Goal::follicle, sessions, step}, {follicle, kSkin, std::nullopt, 0.3});
}

}  // namespace

TEST_CASE("plan search: the candidate count is Σ C(n,m)·C(parts−1,m−1)·steps", "[unit]") {
  // The benchmark's grid: 40 inks, ≤ 3 inks, 10 parts, 7 steps:
  // (40 + 780·9 + 9880·36)·7 = 362 740·7.
  CHECK(plan::count_candidates(40, 3, 10, 7) == 2'539'180);
  CHECK(plan::count_candidates(5, 3, 6, 5) == (5 + 10 * 5 + 10 * 10) * 5);
  CHECK(plan::count_candidates(2, 3, 6, 1) == 2 + 1 * 5);  // no triples from two inks
  CHECK(plan::count_candidates(5, 3, 2, 1) == 5 + 10);     // 2 parts cannot feed three inks
}

TEST_CASE("plan search: every candidate of the grid is searched", "[unit]") {
  const auto palette = make_palette(kIds, kLabs, kSteps, 3, 6);
  const LinearLabPredictor predictor(kLabs, kSkin);
  const auto r = plan::plan_blends(palette, predictor, follicle_plan({22, 3, 6}, 1, 5.0), {});
  CHECK(r.candidates == plan::count_candidates(5, 3, 6, 5));
  CHECK(r.inks_searched == 5);
  CHECK(r.left_out.empty());
}

TEST_CASE("plan search: a target equal to a blend's prediction ranks that blend first with ΔE00 0", "[unit]") {
  const auto palette = make_palette(kIds, kLabs, kSteps, 3, 6);
  const LinearLabPredictor predictor(kLabs, kSkin);
  // 4 dark-brown + 2 cool-grey at 2:1 (pigment fraction 1/3) is "2 dark-brown + 1 cool-grey @ 2:1".
  const colour::Lab target = predictor.predict({{1, 4.0 / 6.0}, {4, 2.0 / 6.0}}, 1.0 / 3.0);
  const auto r = plan::plan_blends(palette, predictor, follicle_plan(target, 1, 5.0), {});
  REQUIRE(r.sessions.size() == 1);
  REQUIRE_FALSE(r.sessions[0].blends.empty());
  const plan::RankedBlend& first = r.sessions[0].blends.front();
  CHECK(first.recipe == "2 dark-brown + 1 cool-grey @ 2:1");
  CHECK(first.rank == 1);
  CHECK(first.de00 < 1e-9);  // same arithmetic up to rounding of the weights
  CHECK(first.score < 1e-9);
  CHECK(first.direction == "matches target");
}

TEST_CASE("plan search: first choices darken monotonically by about a shade", "[unit]") {
  const auto palette = make_palette(kIds, kLabs, kSteps, 3, 6);
  const LinearLabPredictor predictor(kLabs, kSkin);
  const double step = 5.0;
  const auto r = plan::plan_blends(palette, predictor, follicle_plan({22.0, 3.0, 6.0}, 4, step), {});
  REQUIRE(r.sessions.size() == 4);
  for (std::size_t k = 0; k + 1 < r.sessions.size(); ++k) {
    REQUIRE_FALSE(r.sessions[k].blends.empty());
    REQUIRE_FALSE(r.sessions[k + 1].blends.empty());
    const double l1 = r.sessions[k].blends.front().predicted.l;
    const double l2 = r.sessions[k + 1].blends.front().predicted.l;
    // At least half a shade darker (the rule), and no more than a shade and a half (the palette
    // is rich enough near these targets that the first choice lands close to each target).
    CHECK(l1 - l2 >= 0.5 * step);
    CHECK(l1 - l2 <= 1.5 * step);
    // The whole list of session k+1 obeys the half-shade rule.
    for (const plan::RankedBlend& b : r.sessions[k + 1].blends) CHECK(b.predicted.l <= l1 - 0.5 * step + 1e-12);
  }
  // Every first choice is close to its target: ΔE00 < 2.5, a small difference side by side (the
  // half-shade rule can push a session's choice off its target when the palette has gaps).
  for (const auto& s : r.sessions) CHECK(s.blends.front().de00 < 2.5);
}

TEST_CASE("plan search: ranks are ordered by score and near-duplicates with the same inks are dropped", "[unit]") {
  const auto palette = make_palette(kIds, kLabs, kSteps, 3, 6);
  const LinearLabPredictor predictor(kLabs, kSkin);
  plan::SearchOptions options;
  options.top_k = 12;
  const auto r = plan::plan_blends(palette, predictor, follicle_plan({30.0, 4.0, 7.0}, 1, 5.0), options);
  const auto& blends = r.sessions[0].blends;
  REQUIRE(blends.size() == 12);
  for (std::size_t i = 0; i < blends.size(); ++i) {
    CHECK(blends[i].rank == static_cast<int>(i + 1));
    if (i > 0) CHECK(blends[i - 1].score <= blends[i].score + 1e-6);  // ties are within 1e-6
    CHECK(blends[i].score == Approx(plan::blend_score(r.sessions[0].target, blends[i].predicted)));
    for (std::size_t j = 0; j < i; ++j) {
      auto ids = [](const plan::RankedBlend& b) {
        std::set<std::string> s;
        for (const auto& p : b.blend.parts) s.insert(p.ink_id);
        return s;
      };
      if (ids(blends[i]) == ids(blends[j]))
        CHECK(colour::delta_e_2000(blends[i].predicted, blends[j].predicted) >= 0.5);
    }
  }
}

TEST_CASE("plan search: the score adds the too-dark and too-blue penalties of DESIGN.md", "[unit]") {
  const colour::Lab target{30.0, 2.0, 5.0};
  // Lighter by 2 and yellower: ΔE00 only.
  const colour::Lab lighter{32.0, 2.0, 6.0};
  CHECK(plan::blend_score(target, lighter) == Approx(colour::delta_e_2000(target, lighter)));
  // Darker by 2: + 0.5·2.
  const colour::Lab darker{28.0, 2.0, 5.0};
  CHECK(plan::blend_score(target, darker) == Approx(colour::delta_e_2000(target, darker) + 1.0));
  // b* 3 below target: + 0.3·(3 − 1).
  const colour::Lab bluer{30.0, 2.0, 2.0};
  CHECK(plan::blend_score(target, bluer) == Approx(colour::delta_e_2000(target, bluer) + 0.6));
}

TEST_CASE("plan search: out-of-stock and expired inks are left out and counted unless asked for", "[unit]") {
  auto palette = make_palette(kIds, kLabs, kSteps, 2, 4);
  palette.inks[0].in_stock = false;        // jet-black
  palette.inks[2].expires = "2026-01-31";  // mid-brown, expired on 2026-03-01
  palette.inks[3].expires = "2026-03-01";  // warm-brown: usable through its date
  const LinearLabPredictor predictor(kLabs, kSkin);
  plan::SearchOptions options;
  options.today = "2026-03-01";
  options.top_k = 50;
  auto r = plan::plan_blends(palette, predictor, follicle_plan({22, 3, 6}, 1, 5.0), options);
  REQUIRE(r.left_out.size() == 2);
  CHECK(r.left_out[0].id == "jet-black");
  CHECK(r.left_out[0].reason == "out of stock");
  CHECK(r.left_out[1].id == "mid-brown");
  CHECK(r.left_out[1].reason == "expired 2026-01-31");
  CHECK(r.inks_searched == 3);
  CHECK(r.candidates == plan::count_candidates(3, 2, 4, 5));
  REQUIRE_FALSE(r.warnings.empty());
  CHECK(r.warnings.front().rfind("2 inks were left out", 0) == 0);
  for (const auto& b : r.sessions[0].blends) {
    for (const auto& p : b.blend.parts) {
      CHECK(p.ink_id != "jet-black");
      CHECK(p.ink_id != "mid-brown");
    }
  }
  options.include_unavailable = true;
  r = plan::plan_blends(palette, predictor, follicle_plan({22, 3, 6}, 1, 5.0), options);
  CHECK(r.left_out.empty());
  CHECK(r.candidates == plan::count_candidates(5, 2, 4, 5));
  bool saw_unavailable = false;
  for (const auto& b : r.sessions[0].blends) saw_unavailable |= !b.in_stock || b.expired;
  CHECK(saw_unavailable);
}

TEST_CASE("plan search: ties go to fewer inks, then to inks in stock", "[unit]") {
  // Two inks of identical colour: a blend of both predicts exactly the single ink.
  const std::vector<colour::Lab> labs{{25.0, 6.0, 10.0}, {25.0, 6.0, 10.0}};
  auto palette = make_palette({"brown-a", "brown-b"}, labs, {{0, 1}}, 2, 2);
  palette.inks[0].in_stock = false;
  const LinearLabPredictor predictor(labs, kSkin);
  plan::SearchOptions options;
  options.include_unavailable = true;
  options.top_k = 3;
  const auto r = plan::plan_blends(palette, predictor, follicle_plan(labs[0], 1, 5.0), options);
  const auto& blends = r.sessions[0].blends;
  // All three candidates score 0; the near-duplicate rule keeps one per ink set, and the order is
  // brown-b (one ink, in stock), brown-a (one ink, out of stock), then the two-ink blend.
  REQUIRE(blends.size() == 3);
  CHECK(blends[0].recipe == "1 brown-b @ 0:1");
  CHECK(blends[1].recipe == "1 brown-a @ 0:1");
  CHECK_FALSE(blends[1].in_stock);
  CHECK(blends[2].recipe == "1 brown-a + 1 brown-b @ 0:1");
}

TEST_CASE("plan search: parts are reduced to their smallest whole numbers", "[unit]") {
  const auto palette = make_palette(kIds, kLabs, {{0, 1}}, 2, 10);
  const LinearLabPredictor predictor(kLabs, kSkin);
  // 5 + 5 of jet-black and warm-brown: the 1:1 mix.
  const colour::Lab target = predictor.predict({{0, 0.5}, {3, 0.5}}, 1.0);
  const auto r = plan::plan_blends(palette, predictor, follicle_plan(target, 1, 5.0), {});
  CHECK(r.sessions[0].blends.front().recipe == "1 jet-black + 1 warm-brown @ 0:1");
}

TEST_CASE("plan search: when nothing is within ΔE00 3 the plan names the ink the palette lacks", "[unit]") {
  // Only light, warm inks.
  const std::vector<colour::Lab> labs{{55.0, 15.0, 25.0}, {60.0, 10.0, 20.0}};
  const auto palette = make_palette({"honey", "sand"}, labs, kSteps, 2, 4);
  const LinearLabPredictor predictor(labs, kSkin);
  SECTION("a cool target within reach in L*: mapped into the warm gamut, which lacks a cooler ink") {
    const colour::Lab ideal{58.0, -8.0, -12.0};
    const auto r = plan::plan_blends(palette, predictor, follicle_plan(ideal, 1, 5.0), {});
    REQUIRE(r.reach);
    // The L* is reachable, the chroma is not: lightness kept, a*, b* moved to the nearest the
    // warm inks reach at that lightness (plan/gamut.hpp), and what would close the gap is named.
    CHECK(r.reach->anchored);
    CHECK(r.reach->aimed_final.l == Approx(58.0));
    CHECK(r.reach->aimed_final.b > ideal.b);
    CHECK(r.reach->lacks.find("cooler") != std::string::npos);
    CHECK(r.reach->gap_de00 == Approx(colour::delta_e_2000(ideal, r.reach->aimed_final)));
    const auto& s = r.sessions[0];
    CHECK(s.target == r.reach->aimed_final);
    REQUIRE_FALSE(s.blends.empty());
    CHECK(s.blends.front().de00 < 2.0);  // the reachable target is reached
    CHECK_FALSE(s.shortfall);
  }
  SECTION("a near-black target: the palette lacks a darker ink") {
    const auto r = plan::plan_blends(palette, predictor, follicle_plan({18.0, 0.0, 0.0}, 1, 5.0), {});
    REQUIRE(r.reach);
    CHECK(r.reach->anchored);
    CHECK(r.reach->lacks.find("darker") != std::string::npos);
  }
}

TEST_CASE("plan search: the accent is a shade darker than the final target", "[unit]") {
  const auto palette = make_palette(kIds, kLabs, kSteps, 3, 6);
  const LinearLabPredictor predictor(kLabs, kSkin);
  plan::SearchOptions options;
  options.accent = true;
  const auto r = plan::plan_blends(palette, predictor, follicle_plan({27.0, 3.0, 6.0}, 2, 5.0), options);
  CHECK_FALSE(r.sessions[0].accent);
  const auto& last = r.sessions.back();
  REQUIRE(last.accent);
  REQUIRE(last.accent_target);
  CHECK(last.accent_target->l == Approx(22.0));
  CHECK(last.accent->predicted.l <= last.blends.front().predicted.l - 2.5);
  CHECK(last.accent->de00 < 1.0);  // dark-brown and jet-black reach L* 22 closely
}

TEST_CASE("plan search: one thread and two threads give the same plan", "[property]") {
  const auto palette = make_palette(kIds, kLabs, kSteps, 3, 10);
  const LinearLabPredictor predictor(kLabs, kSkin);
  plan::SearchOptions one;
  one.threads = 1;
  one.top_k = 8;
  plan::SearchOptions two = one;
  two.threads = 2;
  const auto t = follicle_plan({24.0, 4.0, 8.0}, 3, 5.0);
  const auto a = plan::plan_blends(palette, predictor, t, one);
  const auto b = plan::plan_blends(palette, predictor, t, two);
  REQUIRE(a.sessions.size() == b.sessions.size());
  for (std::size_t s = 0; s < a.sessions.size(); ++s) {
    REQUIRE(a.sessions[s].blends.size() == b.sessions[s].blends.size());
    for (std::size_t i = 0; i < a.sessions[s].blends.size(); ++i) {
      CHECK(a.sessions[s].blends[i].recipe == b.sessions[s].blends[i].recipe);
    }
  }
}

TEST_CASE("plan search: progress reaches 1 and NaN predictions are never listed", "[property]") {
  struct NanPredictor final : plan::DotPredictor {
    std::vector<colour::Spectrum> ks{colour::Spectrum::constant(1.0), colour::Spectrum::constant(2.0)};
    const std::vector<colour::Spectrum>& ink_ks() const noexcept override { return ks; }
    colour::Lab healed_dot_lab(const colour::Spectrum& m, double) const noexcept override {
      if (m[0] > 1.5) return {std::nan(""), 0.0, 0.0};
      return {30.0, 0.0, 0.0};
    }
  } predictor;
  const auto palette = make_palette({"a", "b"}, {{30, 0, 0}, {30, 0, 0}}, {{0, 1}}, 2, 4);
  double last = 0.0;
  plan::SearchOptions options;
  options.top_k = 10;
  options.progress = [&](double f) { last = f; };
  const auto r = plan::plan_blends(palette, predictor, follicle_plan({30, 0, 0}, 1, 5.0), options);
  CHECK(last == 1.0);
  for (const auto& b : r.sessions[0].blends) CHECK(std::isfinite(b.predicted.l));
}

// The product path: the ink-in-skin model of src/pigment, and an exhaustive search written
// independently (subsets by bit mask, the model's Blend convenience API) on a small palette.
TEST_CASE("plan search: first choices equal the exhaustive search's best (ink-in-skin model)", "[unit]") {
  const std::vector<std::string> ids{"jet-black", "dark-brown", "warm-brown", "cool-grey", "sepia"};
  const std::vector<colour::Lab> labs{
      {18.0, 0.5, -0.5}, {26.0, 7.0, 11.0}, {38.0, 14.0, 24.0}, {34.0, -1.5, -5.0}, {30.0, 9.0, 6.0}};
  auto palette = make_palette(ids, labs, {{0, 1}, {2, 1}, {4, 1}, {8, 1}, {16, 1}}, 3, 4);
  for (pigment::Ink& ink : palette.inks) REQUIRE(pigment::complete_ink_reflectance(ink));
  const colour::Lab skin{62.0, 11.0, 17.0};
  const pigment::InkInSkinModel model(palette, skin);
  const plan::InkInSkinPredictor predictor(model, palette.healing);

  // Every blend of ≤ 3 inks, parts ≥ 1 summing to 4, every dilution step, predicted one by one.
  struct Candidate {
    pigment::Blend blend;
    colour::Lab predicted;
    std::size_t inks = 0;
    int parts = 0;
  };
  std::vector<Candidate> all;
  for (unsigned mask = 1; mask < 32U; ++mask) {
    std::vector<std::size_t> chosen;
    for (std::size_t i = 0; i < 5; ++i) {
      if (mask & (1U << i)) chosen.push_back(i);
    }
    if (chosen.size() > 3) continue;
    std::vector<std::vector<int>> splits;
    for (int a = 1; a <= 4; ++a) {
      for (int b = 1; b <= 4; ++b) {
        for (int c = 1; c <= 4; ++c) {
          std::vector<int> split{a, b, c};
          split.resize(chosen.size());
          if (std::accumulate(split.begin(), split.end(), 0) == 4 &&
              std::find(splits.begin(), splits.end(), split) == splits.end()) {
            splits.push_back(split);
          }
        }
      }
    }
    for (const auto& split : splits) {
      for (const pigment::DilutionStep& d : palette.dilution) {
        Candidate c;
        int g = 0;
        for (int p : split) g = std::gcd(g, p);
        for (std::size_t j = 0; j < chosen.size(); ++j) c.blend.parts.push_back({ids[chosen[j]], split[j] / g});
        c.blend.dilution = d;
        c.predicted = model.healed_dot_lab(c.blend);
        c.inks = chosen.size();
        c.parts = 4 / g;
        all.push_back(c);
      }
    }
  }
  // The best by score, then fewer inks, then fewer parts, among blends no lighter than l_max.
  auto exhaustive_best = [&](const colour::Lab& target, double l_max) {
    const Candidate* best = nullptr;
    double best_score = 1e300;
    for (const Candidate& c : all) {
      if (c.predicted.l > l_max) continue;
      const double score = plan::blend_score(target, c.predicted);
      const bool better =
          best == nullptr || score < best_score - 1e-6 ||
          (score <= best_score + 1e-6 && (c.inks < best->inks || (c.inks == best->inks && c.parts < best->parts)));
      if (better) {
        best = &c;
        best_score = score;
      }
    }
    REQUIRE(best != nullptr);
    return *best;
  };

  const colour::Lab follicle{49.0, 2.0, 3.0};
  const double step = 3.0;
  SECTION("one session: the best blend for the final target") {
    const auto t = plan::plan_targets({plan::Goal::follicle, 1, step}, {follicle, skin, std::nullopt, 0.3});
    const auto r = plan::plan_blends(palette, predictor, t, {});
    CHECK(r.candidates == all.size());
    // The target the search states: the final target, or its reachable colour when the healed
    // gamut does not hold it (plan/gamut.hpp).
    const Candidate best = exhaustive_best(r.sessions[0].target, 1e300);
    REQUIRE_FALSE(r.sessions[0].blends.empty());
    CHECK(r.sessions[0].blends.front().recipe == pigment::format_blend(best.blend));
    // The search's hot loop and the model's Blend API agree (same sums in another order).
    CHECK(colour::delta_e_2000(r.sessions[0].blends.front().predicted, best.predicted) < 1e-9);
  }
  SECTION("three sessions: the last first choice is the best among blends half a shade darker than session 2's") {
    const auto t = plan::plan_targets({plan::Goal::follicle, 3, step}, {follicle, skin, std::nullopt, 0.3});
    const auto r = plan::plan_blends(palette, predictor, t, {});
    REQUIRE(r.sessions.size() == 3);
    for (const auto& s : r.sessions) REQUIRE_FALSE(s.blends.empty());
    double l_max = 1e300;
    for (const auto& s : r.sessions) {
      const Candidate best = exhaustive_best(s.target, l_max);
      INFO("session " << s.session << ": search " << s.blends.front().recipe << ", exhaustive "
                      << pigment::format_blend(best.blend));
      CHECK(s.blends.front().recipe == pigment::format_blend(best.blend));
      l_max = s.blends.front().predicted.l - 0.5 * step;
    }
    // Sessions darken: each first choice at least half a shade below the previous one.
    for (std::size_t k = 0; k + 1 < r.sessions.size(); ++k) {
      CHECK(r.sessions[k + 1].blends.front().predicted.l <= r.sessions[k].blends.front().predicted.l - 0.5 * step);
    }
  }
}

TEST_CASE("plan search: the score's lower bound never exceeds the score", "[property]") {
  // A deterministic sweep of pairs over the whole CIELAB range, including blues near hue 275°
  // where the CIEDE2000 rotation term is largest, and the Sharma (2005) test pairs' region.
  std::size_t checked = 0;
  double tightest = 0.0;
  for (double l1 = 5.0; l1 <= 95.0; l1 += 15.0) {
    for (double a1 = -60.0; a1 <= 60.0; a1 += 20.0) {
      for (double b1 = -60.0; b1 <= 60.0; b1 += 20.0) {
        for (double dl = -6.0; dl <= 6.0; dl += 3.0) {
          for (double da = -8.0; da <= 8.0; da += 2.0) {
            for (double db = -8.0; db <= 8.0; db += 2.0) {
              const colour::Lab t{l1, a1, b1};
              const colour::Lab p{l1 + dl, a1 + da, b1 + db};
              const double bound = plan::score_lower_bound(t, p);
              const double score = plan::blend_score(t, p);
              ++checked;
              if (score > 0.0) tightest = std::max(tightest, bound / score);
              REQUIRE(bound <= score + 1e-9);  // rounding of the two formulas
              REQUIRE(plan::score_lightness_bound(t, p) <= bound + 1e-9);
            }
          }
        }
      }
    }
  }
  CHECK(checked > 100000);
  CHECK(tightest > 0.5);  // the bound is useful, not vacuous
}

TEST_CASE("plan search: for hair and skin colours the lower bound is close to the score", "[property]") {
  // Hair, skin and SMP ink colours have C*ab ≤ 25, where the CIEDE2000 rotation term is small
  // (R_C = 0.5 at C̄' = 25), so the bound that skips candidates should be near the score for most
  // pairs; pure hue differences of the more saturated colours stay looser (S_C stands in for S_H).
  double sum = 0.0;
  std::size_t n = 0;
  for (double l1 = 10.0; l1 <= 90.0; l1 += 10.0) {
    for (double a1 = -15.0; a1 <= 15.0; a1 += 5.0) {
      for (double b1 = -15.0; b1 <= 15.0; b1 += 5.0) {
        for (double dl = -4.0; dl <= 4.0; dl += 2.0) {
          for (double da = -3.0; da <= 3.0; da += 1.5) {
            for (double db = -3.0; db <= 3.0; db += 1.5) {
              const colour::Lab t{l1, a1, b1};
              const colour::Lab p{l1 + dl, a1 + da, b1 + db};
              const double score = plan::blend_score(t, p);
              if (score < 0.5) continue;
              const double bound = plan::score_lower_bound(t, p);
              REQUIRE(bound <= score + 1e-9);
              sum += bound / score;
              ++n;
            }
          }
        }
      }
    }
  }
  const double mean = sum / static_cast<double>(n);
  INFO("mean bound / score over " << n << " pairs: " << mean);
  CHECK(mean > 0.75);  // measured 0.83; a fixed |R_T| ≤ √3 would scale the chroma and hue terms by 0.37
}

// Beyond the palette's reach. With the linear stand-in the darkest prediction is the darkest ink
// undiluted: jet-black, L* 15 (0, 0), alone at that lightness, so it is the reachable final target.
TEST_CASE("plan search: a target darker than any blend is mapped to the nearest reachable colour", "[unit]") {
  const auto palette = make_palette(kIds, kLabs, kSteps, 2, 4);
  const LinearLabPredictor predictor(kLabs, kSkin);
  const colour::Lab hair{5.0, 1.0, 2.0};  // 10 L* below jet-black, the darkest any blend gets
  const auto r = plan::plan_blends(palette, predictor, follicle_plan(hair, 3, 5.0), {});
  REQUIRE(r.reach);
  CHECK(r.reach->darkest.l == Approx(15.0));
  CHECK(r.reach->darkest_recipe == "1 jet-black @ 0:1");
  CHECK(r.reach->beyond_dl == Approx(10.0));
  REQUIRE(r.reach->anchored);
  CHECK(r.reach->mapped);
  // Lightness first: L* 15; the only candidate within ±0.5 of it is jet-black itself (the next
  // darkest, 3 jet-black + 1 cool-grey, heals to 20): a*, b* = 0, 0.
  CHECK(r.reach->aimed_final.l == Approx(15.0));
  CHECK(r.reach->aimed_final.a == Approx(0.0).margin(1e-12));
  CHECK(r.reach->aimed_final.b == Approx(0.0).margin(1e-12));
  CHECK(r.reach->gap_de00 == Approx(colour::delta_e_2000(hair, colour::Lab{15.0, 0.0, 0.0})));
  // The goal's final target is kept; the sessions aim at L* 25, 20, 15 (the skin, L* 65, leaves
  // room for full shades), each mapped into reach, and their ideal targets are reported.
  CHECK(r.targets.final_target == hair);
  CHECK(r.reach->step_dl == 5.0);
  REQUIRE(r.reach->ideal_sessions.size() == 3);
  REQUIRE(r.sessions.size() == 3);
  for (std::size_t k = 0; k < 3; ++k) {
    CHECK(r.reach->ideal_sessions[k].l == Approx(5.0 + 5.0 * static_cast<double>(2 - k)));
    CHECK(r.sessions[k].target.l == Approx(15.0 + 5.0 * static_cast<double>(2 - k)));
    REQUIRE_FALSE(r.sessions[k].blends.empty());  // every session gets a plan
  }
  CHECK(r.sessions[2].target == r.reach->aimed_final);
  // Sessions darken by at least half a shade.
  CHECK(r.sessions[1].blends.front().predicted.l <= r.sessions[0].blends.front().predicted.l - 2.5);
  CHECK(r.sessions[2].blends.front().predicted.l <= r.sessions[1].blends.front().predicted.l - 2.5);
  // What would help names a darker ink; reduce-contrast (65 + 0.6·(5 − 65) = 29) is within reach.
  CHECK(r.reach->lacks.find("darker") != std::string::npos);
  REQUIRE(r.reach->reduce_contrast_target);
  CHECK(r.reach->reduce_contrast_target->l == Approx(29.0));
  CHECK(r.reach->reduce_contrast_target->a == Approx(12.0 + 0.6 * (1.0 - 12.0)));
  // Said once (by the report), not as a warning per session.
  for (const std::string& w : r.warnings) CHECK(w.find("half a shade") == std::string::npos);
}

TEST_CASE("plan search: a target inside the healed gamut keeps DESIGN.md's targets", "[unit]") {
  const auto palette = make_palette(kIds, kLabs, kSteps, 2, 4);
  const LinearLabPredictor predictor(kLabs, kSkin);
  // 1 dark-brown + 1 mid-brown, undiluted: (32.5, 8, 14), a blend's own colour, so in the gamut;
  // a shade and two lighter lie between it and the skin's diluted blends.
  const colour::Lab hair = predictor.predict({{1, 0.5}, {2, 0.5}}, 1.0);
  const auto t = follicle_plan(hair, 3, 5.0);
  const auto r = plan::plan_blends(palette, predictor, t, {});
  REQUIRE(r.reach);
  CHECK_FALSE(r.reach->anchored);
  CHECK_FALSE(r.reach->reduce_contrast_target);
  CHECK(r.reach->aimed_final == hair);
  CHECK(r.reach->gap_de00 == 0.0);
  CHECK(r.sessions.back().target == hair);
}

// A dark skin leaves less room than the plan's shades between the darkest blend and itself.
TEST_CASE("plan search: on a skin close to the darkest blend the sessions share the room evenly", "[unit]") {
  // Carbon alone on a skin of L* 21: the linear stand-in heals jet-black at pigment fraction f
  // to 21 + f·(15 − 21): 15, 18, 19, 19.8, 20.33 for the five steps. The hair (L* 5) maps to 15;
  // 15 + 3·5 lies above the lightest (20.33), so the step is (20.33 − 15)/3 = 1.78.
  const auto palette = make_palette({"jet-black"}, {{15.0, 0.0, 0.0}}, kSteps, 1, 1);
  const colour::Lab dark_skin{21.0, 8.0, 10.0};
  const LinearLabPredictor predictor({{15.0, 0.0, 0.0}}, dark_skin);
  const auto t = plan::plan_targets({plan::Goal::follicle, 3, 5.0}, {{5.0, 1.0, 2.0}, dark_skin, std::nullopt, 0.3});
  const auto r = plan::plan_blends(palette, predictor, t, {});
  REQUIRE(r.reach);
  CHECK(r.reach->lightest.l == Approx(21.0 - 6.0 / 9.0));
  const double step = (21.0 - 6.0 / 9.0 - 15.0) / 3.0;
  CHECK(r.reach->step_dl == Approx(step));
  REQUIRE(r.sessions.size() == 3);
  for (std::size_t k = 0; k < 3; ++k) CHECK(r.sessions[k].target.l == Approx(15.0 + static_cast<double>(2 - k) * step));
  // 5.33 < 2 · 3.0 (search.hpp): too little room to keep half the palette's shade between them.
  CHECK(r.half_shade_dl == Approx(step / 2.0));
  bool warned = false;
  for (const std::string& w : r.warnings) {
    warned = warned || w.find("instead of one shade (5.0), less than half a shade") != std::string::npos;
  }
  CHECK(warned);
}

TEST_CASE("plan search: with room for half a shade between sessions, session 1 moves up instead", "[unit]") {
  // Skin L* 23: jet-black at fractions 1, 1/2, 1/3, 1/5, 1/9 heals to 15, 19, 20.33, 21.4, 22.11 on
  // the linear stand-in. The room 22.11 − 15 = 7.11 would give R/3 = 2.37 per session, less than
  // half the palette's shade; it holds two gaps of (1 + 0.2) · 2.5 = 3.0, so the sessions aim at
  // 21, 18, 15 (0.11 between the lightest blend and session 1) and their lists stay half a shade
  // (2.5) apart.
  const auto palette = make_palette({"jet-black"}, {{15.0, 0.0, 0.0}}, kSteps, 1, 1);
  const colour::Lab skin{23.0, 8.0, 10.0};
  const LinearLabPredictor predictor({{15.0, 0.0, 0.0}}, skin);
  const auto t = plan::plan_targets({plan::Goal::follicle, 3, 5.0}, {{5.0, 1.0, 2.0}, skin, std::nullopt, 0.3});
  const auto r = plan::plan_blends(palette, predictor, t, {});
  REQUIRE(r.reach);
  CHECK(r.reach->lightest.l == Approx(23.0 - 8.0 / 9.0));
  CHECK(r.reach->step_dl == Approx(3.0));
  CHECK(r.half_shade_dl == Approx(2.5));
  REQUIRE(r.sessions.size() == 3);
  for (std::size_t k = 0; k < 3; ++k) CHECK(r.sessions[k].target.l == Approx(15.0 + 3.0 * static_cast<double>(2 - k)));
  // Look-ahead: session 1 lists nothing darker than 15 + 2 · 2.5, so its first choice is 21.4
  // (closest to 21 of 20.33, 21.4, 22.11: 20.33 is 0.67 darker, penalised, 21.4 only 0.4 lighter).
  CHECK(r.sessions[0].l_min == Approx(20.0));
  REQUIRE_FALSE(r.sessions[0].blends.empty());
  CHECK(r.sessions[0].blends.front().predicted.l == Approx(21.4));
  for (const auto& b : r.sessions[0].blends) CHECK(b.predicted.l >= 20.0);
  bool warned = false;
  for (const std::string& w : r.warnings) {
    warned = warned || w.find("ΔL* 3.0 apart instead of one shade (5.0)") != std::string::npos;
    CHECK(w.find("less than half a shade") == std::string::npos);
  }
  CHECK(warned);
}

TEST_CASE("plan search: reduce-contrast beyond reach names only the ink; scar compares area appearances", "[unit]") {
  const auto palette = make_palette(kIds, kLabs, kSteps, 2, 4);
  const LinearLabPredictor predictor(kLabs, kSkin);
  SECTION("reduce-contrast") {
    // Skin 65, hair −40 (not a real colour, but the arithmetic is plain): 65 + 0.6·(−40 − 65) = 2.
    const auto t =
        plan::plan_targets({plan::Goal::reduce_contrast, 2, 5.0}, {{-40.0, 0.0, 0.0}, kSkin, std::nullopt, 0.3});
    const auto r = plan::plan_blends(palette, predictor, t, {});
    REQUIRE(r.reach);
    CHECK(r.reach->anchored);
    CHECK_FALSE(r.reach->reduce_contrast_target);  // already that goal
    CHECK(r.sessions.back().target.l == Approx(15.0));
  }
  SECTION("scar") {
    // Area appearance at coverage 0.3: the darkest area is the darkest dot mixed with the scar.
    const colour::Lab scar{75.0, 8.0, 10.0};
    const auto t = plan::plan_targets({plan::Goal::scar, 2, 5.0}, {{10.0, 0.0, 0.0}, {20.0, 2.0, 3.0}, scar, 0.3});
    const auto r = plan::plan_blends(palette, predictor, t, {});
    REQUIRE(r.reach);
    const colour::Lab darkest_area = plan::area_mix({15.0, 0.0, 0.0}, scar, 0.3);
    CHECK(r.reach->darkest.l == Approx(darkest_area.l).margin(1e-9));
    CHECK(r.reach->anchored);  // the scalp around (L* ≈ 17) is far darker than any area in the scar
    CHECK(r.sessions.back().target.l == Approx(darkest_area.l).margin(1e-9));
    CHECK_FALSE(r.reach->reduce_contrast_target);
  }
}

TEST_CASE("plan search: the product predictor's dilution steps at once equal the model's, bit for bit", "[property]") {
  const std::vector<std::string> ids{"jet-black", "dark-brown", "warm-brown", "cool-grey"};
  const std::vector<colour::Lab> labs{{18.0, 0.5, -0.5}, {26.0, 7.0, 11.0}, {38.0, 14.0, 24.0}, {34.0, -1.5, -5.0}};
  auto palette = make_palette(ids, labs, {{0, 1}, {2, 1}, {4, 1}, {8, 1}, {12, 1}, {16, 1}, {20, 1}}, 3, 6);
  for (pigment::Ink& ink : palette.inks) REQUIRE(pigment::complete_ink_reflectance(ink));
  std::vector<double> fractions;
  for (const pigment::DilutionStep& d : palette.dilution) fractions.push_back(d.pigment_fraction());
  for (const colour::Lab& skin :
       {colour::Lab{62.0, 11.0, 17.0}, colour::Lab{85.0, 12.0, 12.0}, colour::Lab{35.0, 8.0, 14.0}}) {
    const pigment::InkInSkinModel model(palette, skin);
    const plan::InkInSkinPredictor predictor(model, palette.healing);
#if defined(__x86_64__)
    CHECK(predictor.simd());
#endif
    // Every pair of inks in thirds, at all 7 steps (7 = one AVX2 group of 4 and one of 3).
    for (std::size_t i = 0; i < ids.size(); ++i) {
      for (std::size_t j = 0; j < ids.size(); ++j) {
        colour::Spectrum mixed;
        for (std::size_t b = 0; b < colour::kSpectrumBands; ++b) {
          mixed[b] = model.ink_ks()[i][b] / 3.0 + 2.0 * model.ink_ks()[j][b] / 3.0;
        }
        std::vector<colour::Lab> out(fractions.size());
        predictor.healed_dot_labs(mixed, fractions.data(), fractions.size(), out.data());
        for (std::size_t k = 0; k < fractions.size(); ++k) CHECK(out[k] == model.healed_dot_lab(mixed, fractions[k]));
      }
    }
  }
  // Healing parameters other than the model's fail the constructor's probe: the scalar path.
  pigment::HealingParams other = palette.healing;
  other.retention = 0.5;
  const pigment::InkInSkinModel model(palette, {62.0, 11.0, 17.0});
  const plan::InkInSkinPredictor wrong(model, other);
  CHECK_FALSE(wrong.simd());
  colour::Lab out[2];
  const double f[2] = {1.0, 0.2};
  wrong.healed_dot_labs(model.ink_ks()[0], f, 2, out);
  CHECK(out[1] == model.healed_dot_lab(model.ink_ks()[0], 0.2));
}
