#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <vector>

#include "plan/gamut.hpp"

using namespace shadematch;
using plan::HealedGamut;

namespace {

// A square of chromaticities (a*, b* = ±2) at L* 40 and one point at L* 30 and at L* 60.
std::vector<colour::Lab> square() {
  return {{40.0, -2.0, -2.0}, {40.0, 2.0, -2.0}, {40.0, 2.0, 2.0},
          {40.0, -2.0, 2.0},  {30.0, 1.0, 1.0},  {60.0, 0.0, 5.0}};
}

}  // namespace

TEST_CASE("healed gamut: a target inside is unchanged", "[unit]") {
  const auto p = square();
  const HealedGamut g(p.data(), p.size());
  CHECK(g.darkest_l() == 30.0);
  CHECK(g.lightest_l() == 60.0);
  const colour::Lab inside{40.0, 0.5, -1.0};
  CHECK(g.map(inside) == inside);
  CHECK(g.map(p[2]) == p[2]);  // a vertex of the slice's hull
}

TEST_CASE("healed gamut: outside the slice's hull, the nearest point of it at the same L*", "[unit]") {
  const auto p = square();
  const HealedGamut g(p.data(), p.size());
  // Straight out from an edge: projected onto it (5, 0) → (2, 0); beyond a corner: the corner.
  CHECK(g.map({40.0, 5.0, 0.0}) == colour::Lab{40.0, 2.0, 0.0});
  CHECK(g.map({40.0, 5.0, 5.0}) == colour::Lab{40.0, 2.0, 2.0});
  CHECK(g.map({40.3, -7.0, 1.0}) == colour::Lab{40.3, -2.0, 1.0});  // within the ±0.5 slice
}

TEST_CASE("healed gamut: lightness first, clamped to the gamut's range", "[unit]") {
  const auto p = square();
  const HealedGamut g(p.data(), p.size());
  // Darker than the darkest (30, its only point (1, 1)): L* 30, the point itself.
  CHECK(g.map({10.0, 0.0, -1.0}) == colour::Lab{30.0, 1.0, 1.0});
  // Lighter than the lightest: L* 60, its only point.
  CHECK(g.map({80.0, 3.0, 3.0}) == colour::Lab{60.0, 0.0, 5.0});
  // Between slices: at L* 50 nothing lies within ±0.5, ±1, … ±8; the ±16 slice is not tried, so
  // the chromaticity stays (no colour of the gamut is known there).
  CHECK(g.map({50.0, 9.0, 9.0}) == colour::Lab{50.0, 9.0, 9.0});
  // At L* 35 the ±8 slice holds the square and the L* 30 point: the hull is the square (which
  // contains (1, 1)), so (5, 0) goes to (2, 0).
  CHECK(g.map({35.0, 5.0, 0.0}) == colour::Lab{35.0, 2.0, 0.0});
}

TEST_CASE("healed gamut: NaN predictions are ignored, an empty gamut maps nothing", "[unit]") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::vector<colour::Lab> p{{nan, 0.0, 0.0}, {20.0, 0.0, 0.0}};
  const HealedGamut g(p.data(), p.size());
  CHECK(g.darkest_l() == 20.0);
  CHECK(g.map({10.0, 1.0, 1.0}) == colour::Lab{20.0, 0.0, 0.0});
  const HealedGamut none(p.data(), 1);
  CHECK(none.empty());
  CHECK(none.map({10.0, 1.0, 1.0}) == colour::Lab{10.0, 1.0, 1.0});
}
