// Tests of `palette lint` (plan/lint.hpp): each planted problem is found, a clean palette gives
// nothing, and the hair grid follows its physical model.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>

#include "colour/delta_e.hpp"
#include "colour/spectral.hpp"
#include "pigment/palette.hpp"
#include "plan/lint.hpp"

using namespace shadematch;

namespace {

pigment::Ink lab_ink(const std::string& id, const colour::Lab& lab, int line) {
  pigment::Ink ink;
  ink.id = id;
  ink.name = id;
  ink.lot = id + "-lot";
  ink.expires = "2030-01-01";
  ink.given_lab = lab;
  ink.source_line = line;
  REQUIRE(pigment::complete_ink_reflectance(ink));
  return ink;
}

// A clinic palette that reaches every healable hair target on the three reference skins (checked
// below): carbon black, a dark brown and the two iron oxides (red, yellow) that brown SMP and
// cosmetic-tattoo inks are mixed from.
pigment::Palette clean_palette() {
  pigment::Palette p;
  p.source = "clean.yaml";
  p.schema = "shadematch-palette/1";
  p.name = "clean";
  p.inks = {lab_ink("jet-black", {18.0, 0.3, -0.8}, 5), lab_ink("dark-brown", {16.0, 8.0, 9.0}, 10),
            lab_ink("red-oxide", {38.0, 38.0, 32.0}, 15), lab_ink("yellow-oxide", {62.0, 14.0, 60.0}, 20)};
  p.dilution = {{0, 1}, {2, 1}, {4, 1}, {8, 1}, {12, 1}, {16, 1}, {20, 1}};
  return p;
}

plan::LintOptions options_today(const std::string& today) {
  plan::LintOptions o;
  o.today = today;
  return o;
}

std::vector<plan::LintFinding> of_kind(const plan::LintReport& r, plan::LintKind kind) {
  std::vector<plan::LintFinding> out;
  std::copy_if(r.findings.begin(), r.findings.end(), std::back_inserter(out),
               [&](const plan::LintFinding& f) { return f.kind == kind; });
  return out;
}

}  // namespace

TEST_CASE("lint: the hair grid runs from light brown to black, darker and less chroma at each step",
          "[unit][property]") {
  const auto grid = plan::natural_hair_grid();
  REQUIRE(grid.size() == 5);
  for (std::size_t i = 1; i < grid.size(); ++i) {
    CHECK(grid[i].lab.l < grid[i - 1].lab.l);
  }
  // Light brown is a warm (b* > a* > 0) mid-dark colour; black sits near the keratin surface
  // reflection of 4 % (L* ≈ 22) and is nearly neutral.
  CHECK(grid.front().lab.b > grid.front().lab.a);
  CHECK(grid.front().lab.a > 0);
  CHECK(grid.back().lab.l == Approx(colour::spectrum_to_lab_d50(colour::Spectrum::constant(0.04)).l).margin(2.0));
}

TEST_CASE("lint: a clean palette gives no finding", "[unit]") {
  const plan::LintReport r = plan::lint_palette(clean_palette(), options_today("2026-11-23"));
  INFO(r.findings.size() << " findings; first: " << (r.findings.empty() ? "" : r.findings.front().message));
  CHECK(r.findings.empty());
  CHECK(r.clean());
  // Light and medium skin take the four lighter hair colours; dark skin (Monk 8) only the darker
  // ones: ink cannot lighten skin.
  CHECK(r.targets_checked >= 8);
  CHECK(r.targets_checked + r.targets_skipped == 15);
}

TEST_CASE("lint: each planted problem is found, on its ink and line", "[unit]") {
  pigment::Palette p = clean_palette();
  // Near-duplicate: masstone ΔE00 ≈ 0.5 from jet-black (below the threshold of 1).
  p.inks.push_back(lab_ink("jet-black-2", {18.5, 0.3, -0.8}, 30));
  // Expired (before today), expiring within 60 days, and not soon (61 days: no finding).
  p.inks[1].expires = "2026-11-01";
  p.inks[2].expires = "2027-01-22";  // 60 days after 2026-11-23
  p.inks[3].expires = "2027-01-23";  // 61 days
  p.inks[2].in_stock = false;
  p.inks[3].lot.clear();
  // Implausible: a drawdown reflecting 0.1 % somewhere; rough: a zigzag of ±0.03.
  pigment::Ink dark = lab_ink("too-dark", {30, 5, 5}, 40);
  colour::Spectrum r = dark.reflectance;
  r[3] = 0.001;
  dark.measured_reflectance = r;
  REQUIRE(pigment::complete_ink_reflectance(dark));
  p.inks.push_back(dark);
  pigment::Ink rough = lab_ink("rough", {40, 8, 12}, 50);
  colour::Spectrum z = rough.reflectance;
  z[10] += 0.03;
  z[11] -= 0.03;
  z[12] += 0.03;
  rough.measured_reflectance = z;
  REQUIRE(pigment::complete_ink_reflectance(rough));
  p.inks.push_back(rough);

  plan::LintOptions o = options_today("2026-11-23");
  o.coverage = false;  // checked on its own below
  const plan::LintReport rep = plan::lint_palette(p, o);

  const auto dup = of_kind(rep, plan::LintKind::near_duplicate);
  REQUIRE(dup.size() == 1);
  CHECK(dup[0].ink_id == "jet-black-2");
  CHECK(dup[0].line == 30);
  const auto expired = of_kind(rep, plan::LintKind::expired);
  REQUIRE(expired.size() == 1);
  CHECK(expired[0].ink_id == "dark-brown");
  const auto soon = of_kind(rep, plan::LintKind::expiring_soon);
  REQUIRE(soon.size() == 1);
  CHECK(soon[0].ink_id == "red-oxide");
  CHECK_THAT(soon[0].message, Catch::Contains("in 60 days"));
  const auto stock = of_kind(rep, plan::LintKind::out_of_stock);
  REQUIRE(stock.size() == 1);
  CHECK(stock[0].ink_id == "red-oxide");
  const auto lot = of_kind(rep, plan::LintKind::missing_lot);
  REQUIRE(lot.size() == 1);
  CHECK(lot[0].ink_id == "yellow-oxide");
  const auto implausible = of_kind(rep, plan::LintKind::implausible_reflectance);
  REQUIRE(implausible.size() == 1);
  CHECK(implausible[0].ink_id == "too-dark");
  CHECK_THAT(implausible[0].message, Catch::Contains("430 nm"));
  const auto rough_found = of_kind(rep, plan::LintKind::rough_reflectance);
  REQUIRE(rough_found.size() == 1);
  CHECK(rough_found[0].ink_id == "rough");
  CHECK(rep.findings.size() == 7);
}

TEST_CASE("lint: smooth measured spectra are not flagged rough", "[unit][reference]") {
  // The upsampled spectra of real ink colours, given as if measured: smooth by construction.
  pigment::Palette p = clean_palette();
  for (pigment::Ink& ink : p.inks) {
    ink.measured_reflectance = ink.reflectance;
    REQUIRE(pigment::complete_ink_reflectance(ink));
  }
  plan::LintOptions o = options_today("2026-11-23");
  o.coverage = false;
  CHECK(plan::lint_palette(p, o).findings.empty());
}

TEST_CASE("lint: a palette without browns lacks them for the lighter hair colours", "[unit]") {
  pigment::Palette p = clean_palette();
  p.inks.resize(1);  // carbon black only: diluted, it turns grey-blue, never warm brown
  const plan::LintReport rep = plan::lint_palette(p, options_today("2026-11-23"));
  const auto gaps = of_kind(rep, plan::LintKind::coverage_gap);
  REQUIRE_FALSE(gaps.empty());
  REQUIRE(rep.gaps.size() == gaps.size());
  bool light_brown = false;
  for (const auto& g : rep.gaps) {
    CHECK(g.de00 > plan::kCoverageDe00);
    if (g.hair == "light brown") light_brown = true;
  }
  CHECK(light_brown);
  REQUIRE_FALSE(rep.lacks.empty());
  CHECK_THAT(rep.lacks.front(), Catch::Contains("warmer"));
}

TEST_CASE("lint: dates count days across months and leap years", "[unit]") {
  CHECK(plan::days_between("2026-11-23", "2027-01-22") == 60);
  CHECK(plan::days_between("2028-02-28", "2028-03-01") == 2);  // 2028 is a leap year
  CHECK(plan::days_between("2026-01-02", "2026-01-01") == -1);
  CHECK_FALSE(plan::days_between("2026-02-30", "2026-03-01"));
  CHECK_FALSE(plan::days_between("26-01-01", "2026-03-01"));
  CHECK_THROWS_AS(plan::lint_palette(clean_palette(), options_today("today")), std::invalid_argument);
}
