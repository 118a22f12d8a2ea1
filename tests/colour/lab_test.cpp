#include <catch2/catch.hpp>
#include <cmath>
#include <limits>

#include "colour/delta_e.hpp"
#include "colour/lab.hpp"
#include "colour/skin_tone.hpp"
#include "colour/spectral.hpp"
#include "colour/srgb.hpp"

using namespace shadematch::colour;

TEST_CASE("xyz_to_lab: round trip XYZ → Lab → XYZ is exact to 1e-9 over a grid", "[property]") {
  const WhitePoint& w = d50_white();
  for (double x = 0.0; x <= 1.2; x += 0.05)
    for (double y = 0.0; y <= 1.2; y += 0.05)
      for (double z = 0.0; z <= 1.2; z += 0.05) {
        const Xyz in{x, y, z};
        const Xyz back = lab_to_xyz(xyz_to_lab(in, w), w);
        REQUIRE(back.x == Approx(x).margin(1e-9));
        REQUIRE(back.y == Approx(y).margin(1e-9));
        REQUIRE(back.z == Approx(z).margin(1e-9));
      }
}

TEST_CASE("xyz_to_lab: the white is L* 100 and a mid grey of Y 0.18 is L* 49.5", "[reference]") {
  const WhitePoint& w = d50_white();
  const Lab white = xyz_to_lab(w.xyz, w);
  CHECK(white.l == Approx(100.0));
  CHECK(white.a == Approx(0.0).margin(1e-9));
  // L* = 116·Y^(1/3) − 16 (CIE 15:2004 eq. 8.1): Y = 0.18 → 49.496.
  const Lab grey = xyz_to_lab({w.xyz.x * 0.18, 0.18, w.xyz.z * 0.18}, w);
  CHECK(grey.l == Approx(116.0 * std::cbrt(0.18) - 16.0).epsilon(1e-12));
}

TEST_CASE("lab conversions: NaN and infinity give NaN, never a crash", "[property]") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  CHECK(std::isnan(xyz_to_lab({nan, 0.5, 0.5}, d50_white()).l));
  CHECK(std::isnan(lab_to_xyz({50, inf, 0}, d50_white()).x));
  CHECK(std::isnan(adapt_bradford({0.5, inf, 0.5}, d50_white(), illuminant_white("D65")).y));
  CHECK(lab_d50_to_srgb8({nan, 0, 0}).clipped);
}

TEST_CASE("adapt_bradford: maps the source white onto the destination white", "[property]") {
  const WhitePoint d65 = illuminant_white("D65");
  const Xyz out = adapt_bradford(d65.xyz, d65, d50_white());
  CHECK(out.x == Approx(d50_white().xyz.x).epsilon(1e-6));
  CHECK(out.z == Approx(d50_white().xyz.z).epsilon(1e-6));
}

TEST_CASE("lab_d50_to_srgb8: white, black and an out-of-gamut colour", "[unit]") {
  CHECK(lab_d50_to_srgb8({100, 0, 0}).hex() == "#ffffff");
  CHECK(lab_d50_to_srgb8({0, 0, 0}).hex() == "#000000");
  CHECK_FALSE(lab_d50_to_srgb8({50, 10, 10}).clipped);
  // a* = 120 at L* 50 lies far outside sRGB (its red primary has a* ≈ 80 at L* 54).
  CHECK(lab_d50_to_srgb8({50, 120, 0}).clipped);
  // Round trip through 8-bit sRGB: within quantisation, ~0.5 ΔE00 at most for mid colours.
  const Lab c{45, 12, 18};
  const Srgb8 s = lab_d50_to_srgb8(c);
  CHECK(delta_e_2000(srgb8_to_lab_d50(s.r, s.g, s.b), c) < 0.5);
}

TEST_CASE("ita: angle and class follow the published thresholds", "[unit]") {
  // ITA = atan2(L − 50, b): L 70, b 20 → 45° (light).
  CHECK(ita_deg({70, 5, 20}) == Approx(45.0));
  CHECK(ita_class(45.0) == ItaClass::light);
  CHECK(ita_class(56.0) == ItaClass::very_light);
  CHECK(ita_class(30.0) == ItaClass::intermediate);
  CHECK(ita_class(20.0) == ItaClass::tan);
  CHECK(ita_class(0.0) == ItaClass::brown);
  CHECK(ita_class(-45.0) == ItaClass::dark);
  CHECK(ita_class_name(ItaClass::very_light) == "very light");
}

TEST_CASE("monk: each swatch's own colour is nearest to its own tone", "[property]") {
  const auto tones = monk_tones();
  REQUIRE(tones.size() == 10);
  for (const MonkTone& t : tones) CHECK(nearest_monk_tone(t.lab).level == t.level);
  CHECK(tones.front().lab.l > tones.back().lab.l);  // MST 1 is the lightest, 10 the darkest
}
