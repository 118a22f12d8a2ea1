#include <catch2/catch.hpp>

#include "colour/lab.hpp"
#include "colour/spectral.hpp"
#include "plan/targets.hpp"

using namespace shadematch;
using plan::Goal;

TEST_CASE("plan targets: follicle sessions are lighter first, one shade apart, ending at the follicle colour",
          "[unit]") {
  const plan::PlanColours colours{{22.0, 3.0, 6.0}, {62.0, 12.0, 16.0}, std::nullopt, 0.3};
  const plan::PlanTargets t = plan::plan_targets({Goal::follicle, 3, 5.0}, colours);
  REQUIRE(t.sessions.size() == 3);
  // L*k = L*final + (N − k)·step: 32, 27, 22; a*, b* unchanged.
  CHECK(t.sessions[0].l == Approx(32.0));
  CHECK(t.sessions[1].l == Approx(27.0));
  CHECK(t.sessions[2].l == Approx(22.0));
  for (const colour::Lab& s : t.sessions) {
    CHECK(s.a == 3.0);
    CHECK(s.b == 6.0);
  }
  CHECK(t.final_target == colours.follicle);
  CHECK(t.substrate == colours.scalp);
  CHECK(t.appearance == plan::Appearance::dot);
}

TEST_CASE("plan targets: reduce-contrast lies between scalp and hair, 60 % of the way to the hair", "[unit]") {
  const colour::Lab hair{20.0, 2.0, 4.0};
  const colour::Lab scalp{65.0, 14.0, 18.0};
  const plan::PlanTargets t = plan::plan_targets({Goal::reduce_contrast, 1, 5.0}, {hair, scalp, std::nullopt, 0.3});
  // scalp + 0.6·(hair − scalp) = (38, 6.8, 9.6): every coordinate strictly between the two.
  CHECK(t.final_target.l == Approx(38.0));
  CHECK(t.final_target.a == Approx(6.8));
  CHECK(t.final_target.b == Approx(9.6));
  CHECK(t.final_target.l > hair.l);
  CHECK(t.final_target.l < scalp.l);
  REQUIRE(t.sessions.size() == 1);
  CHECK(t.sessions[0] == t.final_target);  // one session: no lighter steps
}

TEST_CASE("plan targets: scar uses the scar as substrate and the surrounding scalp's area appearance as target",
          "[unit]") {
  const colour::Lab hair{20.0, 2.0, 4.0};
  const colour::Lab scalp{65.0, 14.0, 18.0};
  const colour::Lab scar{78.0, 8.0, 12.0};
  const plan::PlanTargets t = plan::plan_targets({Goal::scar, 2, 4.0}, {hair, scalp, scar, 0.25});
  CHECK(t.substrate == scar);
  CHECK(t.appearance == plan::Appearance::area);
  CHECK(t.coverage == 0.25);
  // Area appearance: Y mixes linearly, so Y(target) = 0.25·Y(hair) + 0.75·Y(scalp).
  const auto& white = colour::d50_white();
  const double y_expected = 0.25 * colour::lab_to_xyz(hair, white).y + 0.75 * colour::lab_to_xyz(scalp, white).y;
  CHECK(colour::lab_to_xyz(t.final_target, white).y == Approx(y_expected).epsilon(1e-9));
  CHECK(t.final_target.l > hair.l);
  CHECK(t.final_target.l < scalp.l);
  CHECK(t.sessions[0].l == Approx(t.final_target.l + 4.0));
  CHECK_THROWS_AS(plan::plan_targets({Goal::scar, 2, 4.0}, {hair, scalp, std::nullopt, 0.25}), std::invalid_argument);
}

TEST_CASE("plan targets: area_mix at coverage 0 and 1 returns skin and dot", "[property]") {
  const colour::Lab dot{25.0, 1.0, -3.0};
  const colour::Lab skin{70.0, 10.0, 20.0};
  // Through XYZ and back: Little CMS round trip is exact to ~1e-9 in L*.
  const colour::Lab a = plan::area_mix(dot, skin, 0.0);
  const colour::Lab b = plan::area_mix(dot, skin, 1.0);
  CHECK(a.l == Approx(skin.l).margin(1e-6));
  CHECK(a.b == Approx(skin.b).margin(1e-6));
  CHECK(b.l == Approx(dot.l).margin(1e-6));
  CHECK(b.b == Approx(dot.b).margin(1e-6));
}

TEST_CASE("plan targets: goal names round-trip and bad plans are refused", "[unit]") {
  for (Goal g : {Goal::follicle, Goal::reduce_contrast, Goal::scar}) {
    CHECK(plan::parse_goal(plan::goal_name(g)) == g);
  }
  CHECK_FALSE(plan::parse_goal("follicles"));
  const plan::PlanColours c{{22.0, 3.0, 6.0}, {62.0, 12.0, 16.0}, std::nullopt, 0.3};
  CHECK_THROWS_AS(plan::plan_targets({Goal::follicle, 0, 5.0}, c), std::invalid_argument);
  CHECK_THROWS_AS(plan::plan_targets({Goal::follicle, 3, std::nan("")}, c), std::invalid_argument);
}
