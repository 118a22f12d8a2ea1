#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>

#include "colour/delta_e.hpp"
#include "pigment/model.hpp"
#include "plan/grade.hpp"
#include "plan/model_predictor.hpp"
#include "plan/search.hpp"
#include "plan_support.hpp"

using namespace shadematch;
using test::LinearLabPredictor;
using test::make_palette;

namespace {

const std::vector<pigment::DilutionStep> kSteps{{0, 1}, {1, 1}, {2, 1}, {4, 1}, {8, 1}};
const colour::Lab kSkin{65.0, 12.0, 16.0};
// Five inks bracketing dark hair (masstone Lab D50 chosen by hand, as in search_test.cpp).
const std::vector<std::string> kIds{"jet-black", "dark-brown", "mid-brown", "warm-brown", "cool-grey"};
const std::vector<colour::Lab> kLabs{
    {15.0, 0.0, 0.0}, {25.0, 6.0, 10.0}, {40.0, 10.0, 18.0}, {50.0, 15.0, 25.0}, {35.0, -2.0, -6.0}};

plan::PlanTargets targets_for(const colour::Lab& follicle, int sessions) {
  return plan::plan_targets({plan::Goal::follicle, sessions, 5.0}, {follicle, kSkin, std::nullopt, 0.3});
}

struct Fixture {
  pigment::Palette palette = make_palette(kIds, kLabs, kSteps, 3, 6);
  LinearLabPredictor predictor{kLabs, kSkin};
  plan::CaseGrader grader{palette, predictor, targets_for({30.0, 4.0, 7.0}, 3)};
  pigment::Blend blend(const std::string& spec) const { return pigment::parse_blend(spec, palette); }
};

}  // namespace

TEST_CASE("grade: the tool's own first choice ranks 1 with the plan's ΔE00, in every session", "[unit]") {
  const Fixture f;
  const plan::PlanResult& plan = f.grader.plan();
  REQUIRE(plan.sessions.size() == 3);
  for (const plan::SessionBlends& s : plan.sessions) {
    REQUIRE_FALSE(s.blends.empty());
    const plan::RankedBlend& first = s.blends.front();
    const plan::BlendGrade g = f.grader.grade(s.session, f.blend(first.recipe));
    CHECK(g.rank == 1);
    CHECK(g.on_grid);
    CHECK(g.allowed);
    // Same predictor arithmetic and the same ΔE00 function: equal, not merely close.
    CHECK(g.de00 == first.de00);
    CHECK(g.predicted == first.predicted);
    REQUIRE(g.first_choice);
    CHECK(g.first_choice->recipe == first.recipe);
  }
  // Session 1 allows the whole grid but the blends darker than the look-ahead bound (search.hpp):
  // the darkest blend (jet-black, L* 15) plus two half shades, L* 20. On the stand-in predictor
  // an undiluted mix is the parts-weighted mean of its inks' L* and any dilution lies above 48, so
  // five blends fall below: jet-black (15), 5+1 dark-brown (16.67), 5+1 cool-grey (18.33), 4+2
  // dark-brown (18.33), 5+1 mid-brown (19.17); 4 jet-black + 1 dark-brown + 1 cool-grey is 20.
  // Later sessions allow only blends half a shade darker.
  CHECK(plan.sessions[0].l_min == Approx(20.0));
  CHECK(f.grader.grade(1, f.blend("jet-black")).candidates == plan::count_candidates(5, 3, 6, 5) - 5);
  CHECK_FALSE(f.grader.grade(1, f.blend("jet-black")).leaves_room);
  CHECK(f.grader.grade(1, f.blend("4 jet-black + 1 dark-brown + 1 cool-grey")).leaves_room);
  CHECK(f.grader.grade(3, f.blend("jet-black")).candidates < plan::count_candidates(5, 3, 6, 5));
}

TEST_CASE("grade: the first choice ranks 1 with the ink-in-skin model too", "[unit]") {
  pigment::Palette palette = make_palette(kIds, kLabs, kSteps, 3, 6);
  for (pigment::Ink& ink : palette.inks) REQUIRE(pigment::complete_ink_reflectance(ink));
  const pigment::InkInSkinModel model(palette, kSkin);
  const plan::InkInSkinPredictor predictor(model);
  const plan::CaseGrader grader(palette, predictor, targets_for({35.0, 5.0, 8.0}, 2));
  for (const plan::SessionBlends& s : grader.plan().sessions) {
    REQUIRE_FALSE(s.blends.empty());
    const plan::BlendGrade g = grader.grade(s.session, pigment::parse_blend(s.blends.front().recipe, palette));
    CHECK(g.rank == 1);
    CHECK(g.de00 == s.blends.front().de00);
    // The model's own healed prediction of the recipe agrees with the grid's (same K/S mix up to
    // the order of summation: 1e-9 in L*a*b* is far below anything visible).
    const colour::Lab direct = model.healed_dot_lab(pigment::parse_blend(s.blends.front().recipe, palette));
    CHECK(g.predicted.l == Approx(direct.l).margin(1e-9));
    CHECK(g.predicted.a == Approx(direct.a).margin(1e-9));
    CHECK(g.predicted.b == Approx(direct.b).margin(1e-9));
  }
}

TEST_CASE("grade: on dark skin, where the plan shrinks its step, the tool's first choices still rank 1", "[unit]") {
  // Monk 8 skin (#604134 as Lab D50, as in tests/cli's issue-14 matrix) leaves only a few L*
  // between the skin and the darkest blend: the plan shrinks its step (search.hpp, Reach) and
  // bounds each session's list from below too. Grading must use the same window, or the tool's
  // own first choice fails its own key ("not half a shade darker", or "too dark").
  pigment::Palette palette = make_palette(kIds, kLabs, kSteps, 3, 6);
  for (pigment::Ink& ink : palette.inks) REQUIRE(pigment::complete_ink_reflectance(ink));
  const colour::Lab skin{30.88, 12.57, 13.64};
  const pigment::InkInSkinModel model(palette, skin);
  const plan::InkInSkinPredictor predictor(model);
  // Over the ~7.8 L* from the lightest to the darkest blend, three sessions keep half the
  // palette's shade apart: their targets 3.0 apart (2 · 3.0 ≤ 7.8, search.hpp), the look-ahead
  // bound and the half-shade bound both in play. Four cannot (3 · 3.0 > 7.8) and share the range
  // evenly, about 1.95 L* apart, half of that being their half shade.
  for (const int sessions : {3, 4}) {
    const auto targets =
        plan::plan_targets({plan::Goal::follicle, sessions, 5.0}, {{18.0, 0.0, -1.0}, skin, std::nullopt, 0.3});
    const plan::CaseGrader grader(palette, predictor, targets);
    REQUIRE(grader.plan().reach);
    if (sessions == 3) {
      REQUIRE(grader.plan().reach->step_dl == Approx((1.0 + plan::kSessionSpacingMargin) * 2.5));
      CHECK(grader.plan().half_shade_dl == Approx(2.5));
    } else {
      REQUIRE(grader.plan().reach->step_dl < 2.5);  // the premise: less than half the palette's shade
      CHECK(grader.plan().half_shade_dl == Approx(grader.plan().reach->step_dl / 2.0));
    }
    for (const plan::SessionBlends& s : grader.plan().sessions) {
      INFO(sessions << " sessions, session " << s.session << ": target L* " << s.target.l << ", window L* " << s.l_min
                    << " … " << s.l_max << ", darkest blend L* " << grader.plan().reach->darkest.l);
      REQUIRE_FALSE(s.blends.empty());
      const plan::BlendGrade g = grader.grade(s.session, pigment::parse_blend(s.blends.front().recipe, palette));
      INFO(sessions << " sessions, session " << s.session << ": " << s.blends.front().recipe << " L* "
                    << s.blends.front().predicted.l << ", step " << grader.plan().reach->step_dl);
      CHECK(g.allowed);
      CHECK(g.leaves_room);
      CHECK(g.rank == 1);
    }
  }
}

TEST_CASE("grade: listed blends rank in the plan's order, and rank counts better candidates", "[unit]") {
  const Fixture f;
  const plan::SessionBlends& s1 = f.grader.plan().sessions.front();
  REQUIRE(s1.blends.size() >= 2);
  const int r2 = f.grader.grade(1, f.blend(s1.blends[1].recipe)).rank;
  CHECK(r2 >= 2);  // near-duplicates of the first choice may sit between the two listed blends
  // Brute force over the grid with the stand-in predictor: rank = 1 + candidates scoring better.
  const pigment::Blend wrong = f.blend("1 warm-brown @ 8:1");
  const plan::BlendGrade g = f.grader.grade(1, wrong);
  std::size_t better = 0;
  const colour::Lab target = s1.target;
  const double mine = plan::blend_score(target, g.predicted);
  for (std::size_t a = 0; a < 5; ++a) {
    for (const pigment::DilutionStep& d : kSteps) {
      const colour::Lab p = f.predictor.predict({{a, 1.0}}, d.pigment_fraction());
      if (plan::blend_score(target, p) < mine - 1e-6) ++better;
    }
  }
  // One-ink candidates alone already give a lower bound of the rank.
  CHECK(static_cast<std::size_t>(g.rank) > better);
  CHECK(g.rank > 1);
}

TEST_CASE("grade: equivalent recipes grade the same; off-grid blends are graded too", "[unit]") {
  const Fixture f;
  const plan::BlendGrade a = f.grader.grade(2, f.blend("2 dark-brown + 1 mid-brown @ 2:1"));
  const plan::BlendGrade b = f.grader.grade(2, f.blend("4 dark-brown + 2 mid-brown @ 2:1"));
  const plan::BlendGrade c = f.grader.grade(2, f.blend("1 mid-brown + 2 dark-brown @ 2:1"));
  CHECK(a.rank == b.rank);
  CHECK(a.rank == c.rank);
  CHECK(a.predicted == b.predicted);
  CHECK(a.on_grid);
  // 3:4 cannot be written in 6 parts, and 3:1 is not a palette dilution step: off the grid.
  const plan::BlendGrade off = f.grader.grade(1, f.blend("3 dark-brown + 4 mid-brown @ 2:1"));
  CHECK_FALSE(off.on_grid);
  CHECK(off.rank >= 1);
  const plan::BlendGrade off2 = f.grader.grade(1, f.blend("dark-brown @ 3:1"));
  CHECK_FALSE(off2.on_grid);
  // Stand-in predictor: skin + ¼·(ink − skin) for 3:1.
  CHECK(off2.predicted.l == Approx(65.0 + 0.25 * (25.0 - 65.0)));
}

TEST_CASE("grade: a blend far too dark fails and says so in words", "[unit]") {
  const Fixture f;
  // Session 1 target: L* 30 + 2·5 = 40. Undiluted jet-black predicts L* 15 (the stand-in
  // predictor at pigment fraction 1 is the ink itself): 25 L* too dark.
  const plan::BlendGrade g = f.grader.grade(1, f.blend("1 jet-black @ 0:1"));
  CHECK(g.target.l == Approx(40.0));
  CHECK(g.predicted.l == Approx(15.0));
  CHECK(g.de00 > plan::kDefaultTolerance);
  REQUIRE_FALSE(g.direction.phrases.empty());
  CHECK(g.direction.phrases.front() == "too dark by 25.0 L*");
  CHECK(g.direction.keys.front() == "too dark");
  CHECK(g.rank > 1);
}

TEST_CASE("grade: direction words for lightness, warmth and a match", "[unit]") {
  // Pure lightness: 3.1 L* darker.
  auto d = plan::grade_direction({40.0, 10.0, 15.0}, {36.9, 10.0, 15.0});
  REQUIRE(d.phrases.size() == 1);
  CHECK(d.phrases[0] == "too dark by 3.1 L*");
  CHECK(d.text() == "too dark by 3.1 L*");
  // From a blue-grey target (hue 270°) towards orange (a*, b* both up): warmer (describe.hpp).
  d = plan::grade_direction({40.0, 0.0, -8.0}, {40.0, 3.0, -4.0});
  REQUIRE_FALSE(d.keys.empty());
  CHECK(std::find(d.keys.begin(), d.keys.end(), "too warm") != d.keys.end());
  // Identical colours: nothing to say.
  d = plan::grade_direction({40.0, 5.0, 5.0}, {40.0, 5.0, 5.0});
  CHECK(d.phrases.empty());
  CHECK(d.text() == "matches target");
}

TEST_CASE("grade: submissions with bad rows are reported by line and the rest graded", "[unit]") {
  const Fixture f;
  const std::vector<plan::GradeCase> cases{{"c1", &f.palette, &f.grader}};
  const std::string first = f.grader.plan().sessions[0].blends.front().recipe;
  const std::vector<plan::Submission> subs{
      {2, "ann", "c1", 1, first},
      {3, "bob", "c9", 1, first},                // unknown case
      {4, "cid", "c1", 4, first},                // session out of range
      {5, "dee", "c1", 1, "2 jet-blak @ 8:1"},   // unknown ink
      {6, "eve", "c1", 1, "2 jet-black @ 8"},    // malformed blend
      {7, "fay", "c1", 1, "1 jet-black @ 0:1"},  // graded, fails
  };
  const plan::GradeResult r = plan::grade_submissions(cases, subs, 2.0, {{9, "wrong column count"}});
  REQUIRE(r.results.size() == 2);
  CHECK(r.results[0].submission.student == "ann");
  CHECK(r.results[0].pass);
  CHECK(r.results[0].grade.rank == 1);
  CHECK(r.results[1].submission.student == "fay");
  CHECK_FALSE(r.results[1].pass);
  CHECK(r.results[1].advice.find("too dark by") == 0);
  CHECK(r.results[1].advice.find("the tool's first choice: " + first) != std::string::npos);
  REQUIRE(r.errors.size() == 5);
  CHECK(r.errors[0].line == 3);
  CHECK(r.errors[0].message == "case: unknown case 'c9'; the cases are: c1");
  CHECK(r.errors[1].line == 4);
  CHECK(r.errors[1].message == "session: expected 1 to 3 (case 'c1' has 3 sessions), found 4");
  CHECK(r.errors[2].line == 5);
  CHECK(r.errors[2].message.rfind("blend '2 jet-blak @ 8:1': unknown ink 'jet-blak'", 0) == 0);
  CHECK(r.errors[3].line == 6);
  CHECK(r.errors[3].message.rfind("blend '2 jet-black @ 8': ", 0) == 0);
  CHECK(r.errors[4].line == 9);  // merged in line order
  CHECK(r.summary.submissions == 2);
  CHECK(r.summary.passed == 1);
  CHECK(r.summary.bad_rows == 5);
  CHECK(r.summary.mean_de00 == Approx((r.results[0].grade.de00 + r.results[1].grade.de00) / 2));
  CHECK(r.summary.worst_de00 == r.results[1].grade.de00);
  REQUIRE(r.summary.cases.size() == 1);
  CHECK(r.summary.cases[0].common_error == "too dark");
  CHECK(r.summary.cases[0].common_error_count == 1);
}

TEST_CASE("grade: the tolerance decides pass and fail at its edge", "[unit]") {
  const Fixture f;
  const std::vector<plan::GradeCase> cases{{"c1", &f.palette, &f.grader}};
  const std::vector<plan::Submission> subs{{2, "ann", "c1", 1, "1 dark-brown @ 4:1"}};
  const double de = plan::grade_submissions(cases, subs, 2.0).results[0].grade.de00;
  CHECK(plan::grade_submissions(cases, subs, de).results[0].pass);  // ≤ passes
  CHECK_FALSE(plan::grade_submissions(cases, subs, std::nextafter(de, 0.0)).results[0].pass);
}
