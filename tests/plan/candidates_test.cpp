// Tests of the one candidate grid (plan/candidates.hpp): the blend search, grading and palette
// lint rank the same candidates with the same predicted colours, and those colours are the
// scalar ink-in-skin model's to the bit.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstring>
#include <stdexcept>
#include <string>

#include "files/palette_file.hpp"
#include "pigment/model.hpp"
#include "plan/candidates.hpp"
#include "plan/grade.hpp"
#include "plan/lint.hpp"
#include "plan/model_predictor.hpp"
#include "plan/search.hpp"
#include "plan/targets.hpp"
#include "support/paths.hpp"

using namespace shadematch;

namespace {

// Bits, not values: NaN == NaN and −0 ≠ +0 here.
bool same_bits(const colour::Lab& x, const colour::Lab& y) {
  return std::memcmp(&x, &y, sizeof x) == 0;  // NOLINT(bugprone-suspicious-memory-comparison)
}

bool same_mix(const plan::CandidateMix& x, const plan::CandidateMix& y) {
  return x.count == y.count && x.ink == y.ink && x.parts == y.parts && x.reduced_parts == y.reduced_parts &&
         x.out_of_stock == y.out_of_stock;
}

}  // namespace

TEST_CASE("candidate grid: search, grade and lint see the same candidates and colours, the scalar model's bits",
          "[unit]") {
  // The house palette: 6 inks, blends of ≤ 3 inks in 6 parts, 7 dilution steps; its cool-brown
  // lot expired 2026-10-31 and is out of stock (palettes/house.yaml).
  const pigment::Palette palette = files::load_palette(test::source_dir() + "/palettes/house.yaml");
  REQUIRE(palette.inks.size() == 6);
  REQUIRE(palette.max_inks == 3);
  REQUIRE(palette.parts_total == 6);
  REQUIRE(palette.dilution.size() == 7);
  // Lint's medium reference skin (Monk 5) and its dark-brown hair (τ 5).
  const plan::ReferenceSkin skin = plan::reference_skins()[1];
  const plan::HairColour hair = plan::natural_hair_grid()[2];
  const plan::PlanTargets targets =
      plan::plan_targets({plan::Goal::follicle, 3, palette.shade_step_dl}, {hair.lab, skin.lab, std::nullopt, 0.3});

  const pigment::InkInSkinModel model(palette, skin.lab);
  const plan::InkInSkinPredictor product(model, palette.healing);
#if defined(__x86_64__)
  REQUIRE(product.simd());  // the grid below is predicted through the SIMD path
#endif
  const plan::CaseGrader grader(palette, product, targets);
  plan::LintOptions lint_options;
  lint_options.today = "2026-12-03";  // after cool-brown's date: lint sees it expired
  const plan::CandidateGrid lint_grid = plan::coverage_grid(palette, skin.lab, lint_options);
  const plan::CandidateGrid& grade_grid = grader.grid();

  // The whole grid: C(6,1)·C(5,0) + C(6,2)·C(5,1) + C(6,3)·C(5,2) = 6 + 75 + 200 = 281 mixes
  // (stars and bars: compositions of 6 into m positive parts), × 7 steps.
  CHECK(grade_grid.size() == 1967);
  REQUIRE(lint_grid.size() == grade_grid.size());
  REQUIRE(lint_grid.mixes().size() == 281);
  REQUIRE(grade_grid.pigment_fractions() == lint_grid.pigment_fractions());
  CHECK(grade_grid.left_out().empty());  // cases and lint search the whole palette
  CHECK(lint_grid.left_out().empty());

  const auto expired_ink = static_cast<std::uint16_t>(palette.find("cool-brown") - palette.inks.data());
  for (std::size_t m = 0; m < grade_grid.mixes().size(); ++m) {
    const plan::CandidateMix& g = grade_grid.mixes()[m];
    const plan::CandidateMix& l = lint_grid.mixes()[m];
    INFO("mix " << m);
    REQUIRE(same_mix(g, l));
    int sum = 0;
    for (std::size_t j = 0; j < g.count; ++j) sum += g.parts[j];
    CHECK(sum == 6);
    CHECK(std::is_sorted(g.ink.begin(), g.ink.begin() + g.count));
    if (m > 0) CHECK(plan::mix_less(grade_grid.mixes()[m - 1], g));  // strictly increasing: no repeats
    // Grading has no date (a case must not drift with the clinic's stock); lint has today's.
    const bool has_expired = std::find(g.ink.begin(), g.ink.begin() + g.count, expired_ink) != g.ink.begin() + g.count;
    CHECK_FALSE(g.expired);
    CHECK(l.expired == has_expired);
  }
  std::size_t checked = 0;
  for (std::size_t i = 0; i < grade_grid.size(); ++i) {
    const colour::Spectrum mixed = plan::mixed_ks(grade_grid.mix(i), model.ink_ks());
    const colour::Lab scalar =
        model.healed_dot_lab(mixed, grade_grid.pigment_fractions()[grade_grid.dilution_index(i)]);
    INFO("candidate " << i << " " << pigment::format_blend(grade_grid.blend(i)));
    REQUIRE(same_bits(grade_grid.predicted(i), scalar));
    REQUIRE(same_bits(lint_grid.predicted(i), scalar));
    ++checked;
  }
  CHECK(checked == 1967);

  // The search on its own (plan_blends, here through the scalar predictor only) plans exactly
  // what grading plans on the shared grid: same recipes, same predicted bits, same scores.
  const plan::InkInSkinPredictor scalar_only(model);
  REQUIRE_FALSE(scalar_only.simd());
  plan::SearchOptions options;
  options.top_k = 3;
  options.include_unavailable = true;
  const plan::PlanResult alone = plan::plan_blends(palette, scalar_only, targets, options);
  const plan::PlanResult& shared = grader.plan();
  CHECK(alone.candidates == grade_grid.size());
  REQUIRE(alone.sessions.size() == 3);
  REQUIRE(shared.sessions.size() == alone.sessions.size());
  for (std::size_t s = 0; s < alone.sessions.size(); ++s) {
    REQUIRE(alone.sessions[s].blends.size() == 3);
    REQUIRE(shared.sessions[s].blends.size() == alone.sessions[s].blends.size());
    for (std::size_t k = 0; k < alone.sessions[s].blends.size(); ++k) {
      const plan::RankedBlend& a = alone.sessions[s].blends[k];
      const plan::RankedBlend& b = shared.sessions[s].blends[k];
      INFO("session " << s + 1 << " rank " << k + 1 << ": " << a.recipe);
      CHECK(a.recipe == b.recipe);
      CHECK(same_bits(a.predicted, b.predicted));
      CHECK(a.score == b.score);
    }
  }
  // Each session's first choice is, by grading, rank 1 of the same grid.
  for (int s = 1; s <= grader.sessions(); ++s) {
    const plan::BlendGrade g = grader.grade(s, alone.sessions[static_cast<std::size_t>(s - 1)].blends.front().blend);
    CHECK(g.on_grid);
    CHECK(g.rank == 1);
  }
}

TEST_CASE("candidate grid: a plan refuses a grid predicted for another appearance", "[unit]") {
  const pigment::Palette palette = files::load_palette(test::source_dir() + "/palettes/house.yaml");
  const colour::Lab scalp{62.0, 11.0, 17.0};
  const plan::PlanTargets follicle = plan::plan_targets({plan::Goal::follicle, 1, palette.shade_step_dl},
                                                        {{30.0, 2.0, 1.0}, scalp, std::nullopt, 0.3});
  const plan::PlanTargets scar = plan::plan_targets({plan::Goal::scar, 1, palette.shade_step_dl},
                                                    {{30.0, 2.0, 1.0}, scalp, colour::Lab{70.0, 9.0, 12.0}, 0.3});
  const pigment::InkInSkinModel model(palette, scalp);
  const plan::InkInSkinPredictor predictor(model, palette.healing);
  const plan::CandidateGrid dots(palette, predictor, plan::GridAppearance::of(follicle), {});
  CHECK_THROWS_AS(plan::plan_on_grid(dots, scar, {}), std::invalid_argument);
  CHECK_NOTHROW(plan::plan_on_grid(dots, follicle, {}));
}
