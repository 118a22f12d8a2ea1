#include <catch2/catch.hpp>
#include <cmath>
#include <limits>

#include "colour/delta_e.hpp"
#include "common/csv.hpp"
#include "support/paths.hpp"

using namespace shadematch;
using colour::Lab;

namespace {
struct Pair {
  int id;
  Lab a, b;
  double de00;
};
std::vector<Pair> sharma_pairs() {
  // Sharma, Wu & Dalal (2005), Table 1 — tests/data/ciede2000_sharma2005_pairs.csv (see SOURCES.md).
  const std::string path = test::test_data_dir() + "/ciede2000_sharma2005_pairs.csv";
  const CsvTable t = parse_csv(test::read_text_file(path), path);
  std::vector<Pair> out;
  for (const CsvRow& r : t.rows) {
    auto n = [&](const char* col) { return parse_csv_number(t, r, t.column(col)); };
    out.push_back({static_cast<int>(n("pair")), {n("L1"), n("a1"), n("b1")}, {n("L2"), n("a2"), n("b2")}, n("dE00")});
  }
  return out;
}
}  // namespace

TEST_CASE("delta_e_2000: reproduces the 34 Sharma 2005 pairs to 1e-4 in both orders", "[reference]") {
  const auto pairs = sharma_pairs();
  REQUIRE(pairs.size() == 34);
  for (const Pair& p : pairs) {
    INFO("pair " << p.id);
    // The table gives 4 decimals, so 1e-4 is the table's own resolution (plus rounding).
    CHECK(colour::delta_e_2000(p.a, p.b) == Approx(p.de00).margin(1e-4));
    CHECK(colour::delta_e_2000(p.b, p.a) == Approx(p.de00).margin(1e-4));
  }
}

TEST_CASE("delta_e_2000_fast: reproduces the Sharma pairs and agrees with Little CMS", "[reference]") {
  for (const Pair& p : sharma_pairs()) {
    INFO("pair " << p.id);
    CHECK(colour::delta_e_2000_fast(p.a, p.b) == Approx(p.de00).margin(1e-4));
    CHECK(colour::delta_e_2000_fast(p.b, p.a) == Approx(p.de00).margin(1e-4));
  }
  // Over a grid of colours the hot-loop version must match the library's (same formula; 1e-9 is
  // far below any visible difference, above double rounding).
  for (double l = 0; l <= 100; l += 25)
    for (double a = -80; a <= 80; a += 40)
      for (double b = -80; b <= 80; b += 40) {
        const Lab x{l, a, b};
        const Lab y{50, 10, -5};
        CHECK(colour::delta_e_2000_fast(x, y) == Approx(colour::delta_e_2000(x, y)).margin(1e-9));
      }
}

TEST_CASE("delta_e: identical colours differ by zero in every formula", "[property]") {
  const Lab c{43.2, 12.5, -7.8};
  for (auto f : {colour::DeltaEFormula::cie2000, colour::DeltaEFormula::cie94, colour::DeltaEFormula::cmc,
                 colour::DeltaEFormula::cie76}) {
    CHECK(colour::delta_e(f, c, c) == Approx(0.0).margin(1e-12));
  }
}

TEST_CASE("delta_e_76: is the Euclidean distance in CIELAB", "[unit]") {
  // 3-4-12 → 13 by Pythagoras.
  CHECK(colour::delta_e_76({50, 0, 0}, {53, 4, 12}) == Approx(13.0));
}

TEST_CASE("delta_e_94 and cmc: are zero along no axis and grow with lightness difference", "[unit]") {
  // For neutral colours (C* = 0) both formulas reduce to ΔL scaled: ΔE94 = ΔL/SL with SL = 1.
  CHECK(colour::delta_e_94({50, 0, 0}, {55, 0, 0}) == Approx(5.0));
  // CMC(2:1): ΔE = ΔL/(l·SL), SL = 0.040975·L/(1+0.01765·L) for L ≥ 16 (Clarke et al. 1984).
  const double sl = 0.040975 * 50 / (1 + 0.01765 * 50);
  CHECK(colour::delta_e_cmc({50, 0, 0}, {55, 0, 0}) == Approx(5.0 / (2 * sl)).epsilon(1e-6));
}

TEST_CASE("delta_e: NaN and infinite inputs do not crash", "[property]") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  for (const Lab& bad : {Lab{nan, 0, 0}, Lab{50, inf, 0}, Lab{50, 0, -inf}}) {
    (void)colour::delta_e_2000(bad, {50, 0, 0});
    (void)colour::delta_e_2000_fast(bad, {50, 0, 0});
    (void)colour::delta_e_94(bad, {50, 0, 0});
    (void)colour::delta_e_cmc(bad, {50, 0, 0});
    (void)colour::delta_e_76(bad, {50, 0, 0});
  }
  CHECK(std::isnan(colour::delta_e_2000_fast({nan, 0, 0}, {50, 0, 0})));
}

TEST_CASE("lab_difference: splits a difference into lightness, chroma and hue", "[unit]") {
  // Same hue, more chroma: ΔH = 0, ΔC = 5.
  auto d = colour::lab_difference({50, 10, 0}, {52, 15, 0});
  CHECK(d.dl == Approx(2.0));
  CHECK(d.dc == Approx(5.0));
  CHECK(d.dh == Approx(0.0).margin(1e-9));
  // Pure hue rotation by 90° at C = 10: ΔC = 0, |ΔH| = sqrt(200) (chord length), anticlockwise > 0.
  d = colour::lab_difference({50, 10, 0}, {50, 0, 10});
  CHECK(d.dc == Approx(0.0).margin(1e-9));
  CHECK(d.dh == Approx(std::sqrt(200.0)));
}
