// Card definition files (src/files/card_file.hpp): the built-in cards against the reference tables,
// aliases, a clinic's own file, and malformed input.
#include <catch2/catch.hpp>

#include <fstream>

#include "common/csv.hpp"
#include "common/embedded.hpp"
#include "common/error.hpp"
#include "files/card_file.hpp"
#include "support/paths.hpp"

using namespace shadematch;

namespace {

const char* kSmallCard = R"(schema: shadematch-card/1
id: clinic-grey-6
title: "A 2 x 3 grey card"
grid: {rows: 2, cols: 3, width: 30, height: 20}
neutral: [1, 2, 3, 4, 5, 6]
patches:
  - {index: 1, name: "g1", center: [5, 5], size: [8, 8], lab: [95, 0, 0]}
  - {index: 2, name: "g2", center: [15, 5], size: [8, 8], lab: [80, 0, 0]}
  - {index: 3, name: "g3", center: [25, 5], size: [8, 8], lab: [65, 0, 0]}
  - {index: 4, name: "g4", center: [5, 15], size: [8, 8], lab: [50, 0, 0]}
  - {index: 5, name: "g5", center: [15, 15], size: [8, 8], lab: [35, 0, 0]}
  - {index: 6, name: "g6", center: [25, 15], size: [8, 8], lab: [20, 0, 0]}
)";

}  // namespace

TEST_CASE("card file: built-in cards carry the X-Rite reference values of their edition", "[reference]") {
  // Compared with the embedded source table itself (calibration/colorchecker24_lab_d50.csv), so
  // the YAML cannot drift from the published values. Tolerance 0: the generator copies the text.
  const auto table = parse_csv(embedded_file("colorchecker24_lab_d50.csv"), "colorchecker24_lab_d50.csv");
  for (const auto& [id, suffix] : {std::pair{"colorchecker-classic-2014", "_xrite_after_nov2014"},
                                   std::pair{"colorchecker-classic-pre2014", "_xrite_before_nov2014"}}) {
    const auto card = files::builtin_card(id);
    REQUIRE(card.has_value());
    CHECK(card->id == id);
    REQUIRE(card->patches.size() == 24);
    CHECK(card->rows == 4);
    CHECK(card->cols == 6);
    const auto cl = table.column(std::string("L") + suffix), ca = table.column(std::string("a") + suffix),
               cb = table.column(std::string("b") + suffix), cname = table.column("name");
    for (std::size_t i = 0; i < 24; ++i) {
      const auto& p = card->patches[i];
      CHECK(p.index == static_cast<int>(i) + 1);
      CHECK(p.name == table.rows[i].fields[cname]);
      CHECK(p.reference_lab.l == parse_csv_number(table, table.rows[i], cl));
      CHECK(p.reference_lab.a == parse_csv_number(table, table.rows[i], ca));
      CHECK(p.reference_lab.b == parse_csv_number(table, table.rows[i], cb));
      CHECK(p.neutral == (i >= 18));  // the bottom row is the grey scale
    }
  }
}

TEST_CASE("card file: the Classic layout matches Argyll's ColorChecker.cht boxes", "[reference]") {
  const auto card = files::builtin_card("colorchecker-classic-2014");
  REQUIRE(card.has_value());
  // Argyll boxes: 46 units square at a 52.5 unit pitch, first box at (12, 11.5): the grid is
  // 5·52.5 + 46 = 308.5 wide and 3·52.5 + 46 = 203.5 high.
  CHECK(card->width == Approx(308.5));
  CHECK(card->height == Approx(203.5));
  CHECK(card->patches[0].cx == Approx(23));
  CHECK(card->patches[23].cx == Approx(308.5 - 23));
  CHECK(card->patches[23].cy == Approx(203.5 - 23));
}

TEST_CASE("card file: aliases name the Mini, Nano and Passport", "[unit]") {
  for (const char* alias : {"colorchecker", "colorchecker-mini", "colorchecker-nano", "colorchecker-passport"}) {
    const auto card = files::builtin_card(alias);
    REQUIRE(card.has_value());
    CHECK(card->id == "colorchecker-classic-2014");
  }
  const auto old = files::builtin_card("colorchecker-passport-pre2014");
  REQUIRE(old.has_value());
  CHECK(old->id == "colorchecker-classic-pre2014");
  CHECK_FALSE(files::builtin_card("colorchecker-sg").has_value());  // the 140-patch SG is not shipped
  const auto ids = files::builtin_card_ids();
  CHECK(ids ==
        std::vector<std::string>{"colorchecker-classic-2014", "colorchecker-classic-pre2014", "spydercheckr-24"});
}

TEST_CASE("card file: a clinic's own card file parses", "[unit]") {
  const auto parsed = files::parse_card(kSmallCard, "clinic.yaml");
  CHECK(parsed.card.id == "clinic-grey-6");
  CHECK(parsed.card.rows == 2);
  CHECK(parsed.card.cols == 3);
  REQUIRE(parsed.card.patches.size() == 6);
  CHECK(parsed.card.patches[5].reference_lab.l == 20);
  CHECK(parsed.card.patches[5].neutral);

  const std::string dir = test::make_temp_dir("card_file");
  const std::string path = dir + "/clinic.yaml";
  std::ofstream(path) << kSmallCard;
  CHECK(files::resolve_card(path).id == "clinic-grey-6");
  CHECK(files::resolve_card("colorchecker-nano").id == "colorchecker-classic-2014");
}

TEST_CASE("card file: errors name the file, line, column and key", "[unit]") {
  const auto error_of = [](const std::string& text) {
    try {
      files::parse_card(text, "bad.yaml");
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  std::string text = kSmallCard;
  // An unknown key (a typo must not pass silently): line 4 of the text, column 1.
  CHECK(error_of(std::string(text).insert(text.find("grid:"), "gird: 1\n")) ==
        "bad.yaml:4:1: error: unknown key 'gird' in the card file (expected one of: schema, id, title, edition, "
        "source, aliases, illuminant, observer, grid, neutral, patches)");
  // A key that is not a name (issue 20: yaml-cpp's as<std::string>() threw, exit 70): a mapping
  // as a key on line 4, and a list as a key inside 'grid' (line 4, column 8 after "grid: {").
  CHECK(error_of(std::string(text).insert(text.find("grid:"), "{a: 1}: 2\n")) ==
        "bad.yaml:4:1: error: expected a key name in the card file, found a mapping");
  std::string list_key = text;
  list_key.insert(list_key.find("rows: 2"), "[r, c]: 1, ");
  CHECK(error_of(list_key) == "bad.yaml:4:8: error: expected a key name in 'grid', found a list");
  // A key given twice (yaml-cpp keeps the first silently).
  CHECK_THAT(error_of(std::string(text).insert(text.find("grid:"), "title: again\n")),
             Catch::Contains("key 'title' is given twice in the card file (first on line"));
  // Wrong type of a number.
  std::string bad_lab = text;
  bad_lab.replace(bad_lab.find("[20, 0, 0]"), 10, "[20, x, 0]");
  CHECK_THAT(error_of(bad_lab), Catch::Matches("bad\\.yaml:12:\\d+: error: 'lab' must be a number, found 'x'"));
  // NaN is not a colour.
  std::string nan_lab = text;
  nan_lab.replace(nan_lab.find("[20, 0, 0]"), 10, "[.nan, 0, 0]");
  CHECK_THAT(error_of(nan_lab), Catch::Contains("must be a finite number"));
  // Too few patches for the grid.
  std::string short_card = text.substr(0, text.rfind("  - {index: 6"));
  CHECK_THAT(error_of(short_card), Catch::Contains("'patches' must list 6 patches (rows × cols), found 5 patches"));
  CHECK_THAT(error_of("schema: [unclosed"), Catch::StartsWith("bad.yaml:"));
  CHECK_THAT(error_of("schema: shadematch-palette/1\n"), Catch::Contains("'schema' must be 'shadematch-card/1'"));
  CHECK_THROWS_AS(files::resolve_card("no-such-card"), InputError);
  CHECK_THROWS_AS(files::load_card_file("/nonexistent/card.yaml"), InputError);
}
