#include <catch2/catch.hpp>
#include <string>

#include "common/error.hpp"
#include "files/case_file.hpp"

using shadematch::InputError;
using shadematch::files::parse_case_file;

namespace {

// The error a case file text raises, as printed ("FILE:LINE:COL: error: …"); "" when it parses.
std::string error_of(const std::string& text) {
  try {
    parse_case_file(text, "cases/class.yaml");
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

const std::string kHead = "schema: shadematch-case/1\npalette: ../palettes/house.yaml\ncases:\n";

}  // namespace

TEST_CASE("case file: colour and photo cases parse, paths relative to the case file", "[unit]") {
  const auto f = parse_case_file(kHead +
                                     "  - id: dark-1\n"
                                     "    title: Dark brown\n"
                                     "    target: [30, 4.5, 7]\n"
                                     "    skin: [65, 12, 16]\n"
                                     "    sessions: 2\n"
                                     "  - id: photo-1\n"
                                     "    palette: /abs/other.yaml\n"
                                     "    photo: photos/client.jpg\n"
                                     "    goal: reduce-contrast\n"
                                     "    shade_step_dL: 4\n"
                                     "    regions: {hair: [10, 20, 30, 40], scalp: [100, 20, 30, 40]}\n",
                                 "cases/class.yaml");
  REQUIRE(f.cases.size() == 2);
  const auto& a = f.cases[0];
  CHECK(a.id == "dark-1");
  CHECK(a.title == "Dark brown");
  CHECK(a.palette_path == "palettes/house.yaml");  // cases/../palettes, normalised
  CHECK(a.sessions == 2);
  REQUIRE(a.target);
  CHECK(*a.target == shadematch::colour::Lab{30.0, 4.5, 7.0});
  CHECK(*a.skin == shadematch::colour::Lab{65.0, 12.0, 16.0});
  CHECK_FALSE(a.has_photo());
  CHECK_FALSE(a.shade_step_dl);
  CHECK(a.line == 4);
  const auto& b = f.cases[1];
  CHECK(b.palette_path == "/abs/other.yaml");
  CHECK(b.photo_path == "cases/photos/client.jpg");
  CHECK(b.goal == shadematch::plan::Goal::reduce_contrast);
  CHECK(b.shade_step_dl == 4.0);
  REQUIRE(b.regions.size() == 2);
  CHECK(b.regions[0].name == "hair");
  CHECK(b.regions[0].rect == shadematch::PixelRect{10, 20, 30, 40});
  CHECK(b.regions[0].origin == "cases/class.yaml");
  CHECK(b.regions[0].line == 14);
  CHECK(b.sessions == 3);  // default
}

TEST_CASE("case file: every malformed value names file, line, column, key, expected and found", "[unit]") {
  // Structure.
  CHECK(error_of("") == "cases/class.yaml: error: case file: expected a mapping with schema and cases, found nothing");
  CHECK(error_of("schema: [\n").rfind("cases/class.yaml:", 0) == 0);
  CHECK(error_of("schema: shadematch-case/2\ncases: []\n") ==
        "cases/class.yaml:1:9: error: schema: expected shadematch-case/1, found 'shadematch-case/2'");
  CHECK(error_of("schema: shadematch-case/1\ncases: []\n") ==
        "cases/class.yaml:2:8: error: cases: expected a list of at least one case, found a list of 0");
  CHECK(error_of("schema: shadematch-case/1\ncase: []\n")
            .rfind("cases/class.yaml:2:1: error: unknown key 'case' in the case file (expected one of: schema, "
                   "palette, cases)",
                   0) == 0);
  // Keys of a case.
  CHECK(error_of(kHead + "  - id: a\n    target: [30, 4, 7]\n    skin: [65, 12, 16]\n    sesions: 2\n")
            .rfind("cases/class.yaml:7:5: error: unknown key 'sesions' in a case", 0) == 0);
  CHECK(error_of(kHead + "  - target: [30, 4, 7]\n    skin: [65, 12, 16]\n") ==
        "cases/class.yaml:4:5: error: id: missing in a case");
  CHECK(error_of(kHead + "  - id: a b\n    target: [30, 4, 7]\n    skin: [65, 12, 16]\n") ==
        "cases/class.yaml:4:9: error: id: expected letters, digits, '-', '_' or '.' (at most 64), found 'a b'");
  CHECK(error_of(kHead +
                 "  - id: a\n    target: [30, 4, 7]\n    skin: [65, 12, 16]\n  - id: a\n    target: [30, 4, 7]\n"
                 "    skin: [65, 12, 16]\n") == "cases/class.yaml:7:9: error: id: duplicate case id 'a'");
  // Numbers.
  CHECK(error_of(kHead + "  - id: a\n    target: [130, 4, 7]\n    skin: [65, 12, 16]\n") ==
        "cases/class.yaml:5:14: error: target L*: expected a number from 0 to 100, found '130'");
  CHECK(error_of(kHead + "  - id: a\n    target: [30, .nan, 7]\n    skin: [65, 12, 16]\n") ==
        "cases/class.yaml:5:18: error: target a*: expected a number from -128 to 128, found '.nan'");
  CHECK(error_of(kHead + "  - id: a\n    target: [30, 4]\n    skin: [65, 12, 16]\n") ==
        "cases/class.yaml:5:13: error: target: expected [L*, a*, b*] with L* 0..100 and a*, b* within ±128, found a "
        "list of 2");
  CHECK(error_of(kHead + "  - id: a\n    target: [30, 4, 7]\n    skin: [65, 12, 16]\n    sessions: 2.5\n") ==
        "cases/class.yaml:7:15: error: sessions: expected a whole number from 1 to 10, found '2.5'");
  CHECK(error_of(kHead + "  - id: a\n    target: [30, 4, 7]\n    skin: [65, 12, 16]\n    sessions: 0\n") ==
        "cases/class.yaml:7:15: error: sessions: expected a whole number from 1 to 10, found '0'");
  CHECK(error_of(kHead + "  - id: a\n    target: [30, 4, 7]\n    skin: [65, 12, 16]\n    shade_step_dL: -1\n") ==
        "cases/class.yaml:7:20: error: shade_step_dL: expected a number from 0 to 20, found '-1'");
  // Forms: colour or photo, not both, nothing missing.
  CHECK(error_of(kHead + "  - id: a\n    target: [30, 4, 7]\n") ==
        "cases/class.yaml:5:13: error: skin: missing in case 'a' (target is given; the skin is needed too)");
  CHECK(error_of(kHead + "  - id: a\n    sessions: 2\n") ==
        "cases/class.yaml:4:5: error: target: missing in case 'a' (give target and skin Lab, or a photo with regions)");
  CHECK(error_of(kHead + "  - id: a\n    photo: x.jpg\n    target: [30, 4, 7]\n") ==
        "cases/class.yaml:6:13: error: target: expected either a photo or target and skin, found both in case 'a'");
  CHECK(error_of(kHead + "  - id: a\n    photo: x.jpg\n    regions: {hair: [1, 2, 3, 4]}\n") ==
        "cases/class.yaml:6:14: error: regions.scalp: missing (goal follicle needs hair and scalp)");
  CHECK(error_of(
            kHead +
            "  - id: a\n    photo: x.jpg\n    goal: scar\n    regions: {hair: [1, 2, 3, 4], scalp: [1, 2, 3, 4]}\n") ==
        "cases/class.yaml:7:14: error: regions.scar: missing (goal scar needs hair, scalp and scar)");
  CHECK(error_of(kHead + "  - id: a\n    photo: x.jpg\n    regions: {hair: [1, 2, 0, 4], scalp: [1, 2, 3, 4]}\n") ==
        "cases/class.yaml:6:28: error: regions.hair w: expected a whole number from 1 to 1000000, found '0'");
  CHECK(
      error_of(
          kHead +
          "  - id: a\n    photo: x.jpg\n    goal: shaved\n    regions: {hair: [1, 2, 3, 4], scalp: [1, 2, 3, 4]}\n") ==
      "cases/class.yaml:6:11: error: goal: expected follicle, reduce-contrast or scar, found 'shaved'");
  CHECK(error_of(kHead + "  - id: a\n    target: [30, 4, 7]\n    skin: [65, 12, 16]\n    goal: scar\n") ==
        "cases/class.yaml:7:11: error: goal: expected follicle (target and skin give the final target itself; other "
        "goals need a photo), found 'scar'");
  CHECK(error_of("schema: shadematch-case/1\ncases:\n  - id: a\n    target: [30, 4, 7]\n    skin: [65, 12, 16]\n") ==
        "cases/class.yaml:3:5: error: palette: missing in case 'a' (give it here or at the top of the file)");
}

TEST_CASE("case file: a missing file is one clear error", "[unit]") {
  try {
    shadematch::files::load_case_file("/nonexistent/dir/case.yaml");
    FAIL("expected an error");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()) ==
          "/nonexistent/dir/case.yaml: error: cannot read the case file (missing or unreadable)");
  }
}
