#include <catch2/catch.hpp>
#include <string>

#include "colour/delta_e.hpp"
#include "colour/spectral.hpp"
#include "common/error.hpp"
#include "files/palette_file.hpp"
#include "support/paths.hpp"

using namespace shadematch;
using shadematch::files::parse_palette;

namespace {

// A valid palette; tests replace one line to break it. Line numbers are fixed (1-based):
//  1 schema        2 name         3 inks:        4 - id: jet-black   5 name      6 lot
//  7 expires       8 in_stock     9 reflectance 10 - id: warm-brown 11 name     12 lab
// 13 dilution     14 blends      15 healing     16 plan
const char* const kValid =
    "schema: shadematch-palette/1\n"
    "name: Test palette\n"
    "inks:\n"
    "  - id: jet-black\n"
    "    name: Jet Black\n"
    "    lot: JB-2611\n"
    "    expires: 2027-06-30\n"
    "    in_stock: true\n"
    "    reflectance: {start_nm: 400, step_nm: 20, values: [0.04, 0.04, 0.04, 0.04, 0.04, 0.04, 0.04, 0.04, 0.04, "
    "0.04, 0.04, 0.04, 0.04, 0.04, 0.04, 0.05]}\n"
    "  - id: warm-brown\n"
    "    name: Warm Brown\n"
    "    lab: [28.4, 9.1, 14.7]\n"
    "dilution: {diluent: distilled water, steps: [\"0:1\", \"2:1\", \"8:1\", \"20:1\"]}\n"
    "blends: {max_inks: 2, parts_total: 4}\n"
    "healing: {strength: 1.1, retention: 0.6, epidermis_um: 70, dermis_above_um: 20, pigment_layer_um: 150, "
    "ink_scatter: 0.5, skin_index: 1.38, drawdown_index: 1.52, drawdown_specular_included: true}\n"
    "plan: {shade_step_dL: 4.5}\n";

// kValid with line `line` (1-based) replaced by `replacement` (which may hold several lines or none).
std::string with_line(int line, const std::string& replacement) {
  std::string text = kValid;
  std::size_t start = 0;
  for (int i = 1; i < line; ++i) start = text.find('\n', start) + 1;
  const std::size_t end = text.find('\n', start);
  return text.replace(start, end - start + 1, replacement.empty() ? "" : replacement + "\n");
}

struct Failure {
  int line = 0;
  int column = 0;
  std::string message;
};

Failure failure(const std::string& text) {
  try {
    (void)parse_palette(text, "p.yaml");
  } catch (const InputError& e) {
    CHECK(e.file() == "p.yaml");
    return {e.line(), e.column(), e.message()};
  }
  FAIL("expected an InputError for:\n" << text);
  return {};
}

}  // namespace

TEST_CASE("parse_palette: reads every field of a valid palette", "[unit]") {
  const pigment::Palette p = parse_palette(kValid, "p.yaml");
  CHECK(p.source == "p.yaml");
  CHECK(p.schema == "shadematch-palette/1");
  CHECK(p.name == "Test palette");
  REQUIRE(p.inks.size() == 2);
  const pigment::Ink& black = p.inks[0];
  CHECK(black.id == "jet-black");
  CHECK(black.name == "Jet Black");
  CHECK(black.lot == "JB-2611");
  CHECK(black.expires == std::optional<std::string>("2027-06-30"));
  CHECK(black.in_stock);
  CHECK(black.source_line == 4);
  REQUIRE(black.measured_reflectance);
  // 400–700 at 20 nm → model grid at 10 nm: 690 nm lies halfway between 680 (0.04) and 700 (0.05).
  CHECK((*black.measured_reflectance)[0] == Approx(0.04));
  CHECK((*black.measured_reflectance)[29] == Approx(0.045));
  CHECK((*black.measured_reflectance)[30] == Approx(0.05));
  CHECK(black.reflectance == *black.measured_reflectance);
  const pigment::Ink& brown = p.inks[1];
  CHECK_FALSE(brown.measured_reflectance);
  REQUIRE(brown.given_lab);
  CHECK(brown.in_stock);  // default
  CHECK(brown.lot.empty());
  // The upsampled spectrum reproduces the given Lab (pigment/upsample.hpp stops at 1e-7 ΔE*ab).
  CHECK(colour::delta_e_2000(brown.masstone_lab, colour::Lab{28.4, 9.1, 14.7}) < 1e-3);
  CHECK(colour::delta_e_2000(colour::spectrum_to_lab_d50(brown.reflectance), brown.masstone_lab) < 1e-9);
  CHECK(p.diluent == "distilled water");
  CHECK(p.dilution == std::vector<pigment::DilutionStep>{{0, 1}, {2, 1}, {8, 1}, {20, 1}});
  CHECK(p.max_inks == 2);
  CHECK(p.parts_total == 4);
  CHECK(p.healing.strength == 1.1);
  CHECK(p.healing.retention == 0.6);
  CHECK(p.healing.epidermis_um == 70.0);
  CHECK(p.healing.dermis_above_um == 20.0);
  CHECK(p.healing.pigment_layer_um == 150.0);
  CHECK(p.healing.ink_scatter == 0.5);
  CHECK(p.healing.skin_index == 1.38);
  CHECK(p.healing.drawdown_index == 1.52);
  CHECK(p.healing.drawdown_specular_included);
  CHECK(p.shade_step_dl == 4.5);
}

TEST_CASE("parse_palette: optional sections take their documented defaults", "[unit]") {
  const std::string text = with_line(13, "");
  std::string minimal = text.substr(0, text.find("blends:"));
  const pigment::Palette p = parse_palette(minimal, "p.yaml");
  CHECK(p.dilution == std::vector<pigment::DilutionStep>{{0, 1}});
  const pigment::HealingParams defaults;
  CHECK(p.healing.retention == defaults.retention);
  CHECK(p.max_inks == 3);
  CHECK(p.parts_total == 6);
  CHECK(p.shade_step_dl == 5.0);
}

TEST_CASE("load_palette: the shipped palettes load", "[unit]") {
  for (const char* name : {"minimal.yaml", "house.yaml"}) {
    const pigment::Palette p = files::load_palette(test::source_dir() + "/palettes/" + name);
    INFO(name);
    CHECK(p.inks.size() >= 2);
    CHECK_FALSE(p.dilution.empty());
  }
  const pigment::Palette house = files::load_palette(test::source_dir() + "/palettes/house.yaml");
  CHECK(house.dilution.back() == pigment::DilutionStep{20, 1});  // water dilution steps up to 20:1
  try {
    (void)files::load_palette("/nonexistent/palette.yaml");
    FAIL("expected an InputError");
  } catch (const InputError& e) {
    CHECK(e.file() == "/nonexistent/palette.yaml");
    CHECK_THAT(e.message(), Catch::StartsWith("cannot read the palette"));
  }
}

TEST_CASE("parse_palette: malformed YAML, empty files and wrong top level", "[unit]") {
  Failure f = failure(with_line(12, "    lab: [28.4, 9.1, 14.7"));
  CHECK(f.line >= 12);  // yaml-cpp reports where it noticed the unclosed flow sequence
  CHECK_THAT(f.message, Catch::StartsWith("malformed YAML: "));
  f = failure("");
  CHECK(f.line == 0);
  CHECK(f.message == "expected a palette (a mapping with schema, name, inks, …), found an empty file");
  f = failure("- a\n- b\n");
  CHECK(f.line == 1);
  CHECK(f.column == 1);
  CHECK(f.message == "expected a palette (a mapping with schema, name, inks, …), found a list");
  f = failure(with_line(1, "schema: shadematch-palette/2"));
  CHECK(f.line == 1);
  CHECK(f.column == 9);
  CHECK(f.message == "schema: expected 'shadematch-palette/1', found 'shadematch-palette/2'");
  f = failure(with_line(2, ""));
  CHECK(f.line == 1);
  CHECK(f.message == "expected key 'name' (the palette's name), found none");
}

TEST_CASE("parse_palette: unknown and duplicate keys", "[unit]") {
  Failure f = failure(with_line(2, "nmae: Test palette"));
  CHECK(f.line == 2);
  CHECK(f.column == 1);
  CHECK(f.message ==
        "nmae: expected one of the keys schema, name, inks, dilution, blends, healing, plan, found unknown key 'nmae'");
  f = failure(with_line(6, "    colour: black"));
  CHECK(f.line == 6);
  CHECK(f.column == 5);
  CHECK_THAT(f.message, Catch::StartsWith("inks[1].colour: expected one of the keys id, name, maker, lot") &&
                            Catch::EndsWith("found unknown key 'colour'"));
  f = failure(with_line(16, "plan: {shade_step_dl: 4.5}"));
  CHECK(f.line == 16);
  CHECK(f.column == 8);
  CHECK(f.message == "plan.shade_step_dl: expected one of the keys shade_step_dL, found unknown key 'shade_step_dl'");
  f = failure(with_line(6, "    name: Again"));
  CHECK(f.line == 6);
  CHECK(f.column == 5);
  CHECK(f.message == "inks[1].name: expected each key once, found it again (first on line 5)");
}

TEST_CASE("parse_palette: ink ids must be well formed and unique", "[unit]") {
  Failure f = failure(with_line(10, "  - id: jet-black"));
  CHECK(f.line == 10);
  CHECK(f.column == 9);
  CHECK(f.message == "inks[2].id: expected a unique id, found 'jet-black' again (first on line 4)");
  f = failure(with_line(4, "  - id: Jet Black"));
  CHECK(f.line == 4);
  CHECK(f.column == 9);
  CHECK(f.message == "inks[1].id: expected lower-case letters, digits and '-', found 'Jet Black'");
  f = failure(with_line(4, "  - idx: jet-black"));
  CHECK(f.line == 4);
  CHECK_THAT(f.message, Catch::Contains("found unknown key 'idx'"));
}

TEST_CASE("parse_palette: reflectance values, band count and coverage", "[unit]") {
  const std::string head = "    reflectance: {start_nm: 400, step_nm: 20, values: [";
  Failure f = failure(with_line(
      9, head + "0.04, 1.2, 0.04, 0.04, 0.04, 0.04, 0.04, 0.04, 0.04, 0.04, 0.04, 0.04, 0.04, 0.04, 0.04, 0.04]}"));
  CHECK(f.line == 9);
  CHECK(f.column == static_cast<int>(head.size()) + 7);  // the "1.2"
  CHECK(f.message == "inks[1].reflectance.values[2]: expected a reflectance factor from 0 to 1, found 1.2");
  f = failure(with_line(
      9, head + "0.04, 0.04, -0.01, 0.04, 0.04, 0.04, 0.04, 0.04, 0.04, 0.04, 0.04, 0.04, 0.04, 0.04, 0.04, 0.04]}"));
  CHECK(f.column == static_cast<int>(head.size()) + 13);
  CHECK(f.message == "inks[1].reflectance.values[3]: expected a reflectance factor from 0 to 1, found -0.01");
  f = failure(with_line(9, head + "0.04, 0.04, 0.04, 0.04, 0.04]}"));
  CHECK(f.line == 9);
  CHECK(f.column == static_cast<int>(head.size()));  // the "[" of the list
  CHECK(f.message == "inks[1].reflectance.values: expected at least 16 values (400–700 nm at 20 nm or finer), found 5");
  f = failure(with_line(9,
                        "    reflectance: {start_nm: 400, step_nm: 10, values: [0.04, 0.04, 0.04, 0.04, 0.04, 0.04, "
                        "0.04, 0.04, 0.04, 0.04, 0.04, 0.04, 0.04, 0.04, 0.04, 0.04, 0.04, 0.04, 0.04, 0.04]}"));
  CHECK(f.line == 9);
  CHECK(f.message ==
        "inks[1].reflectance.values: expected values covering 400–700 nm, found 20 values from 400 nm at 10 nm, ending "
        "at 590 nm");
  f = failure(with_line(9,
                        "    reflectance: {start_nm: 420, step_nm: 20, values: [0.04, 0.04, 0.04, 0.04, 0.04, 0.04, "
                        "0.04, 0.04, 0.04, 0.04, 0.04, 0.04, 0.04, 0.04, 0.04, 0.04]}"));
  CHECK(f.column == 29);
  CHECK(f.message ==
        "inks[1].reflectance.start_nm: expected a wavelength from 300 to 400 nm (the values must cover 400–700 nm), "
        "found 420");
  f = failure(with_line(9,
                        "    reflectance: {start_nm: 400, step_nm: 25, values: [0.04, 0.04, 0.04, 0.04, 0.04, 0.04, "
                        "0.04, 0.04, 0.04, 0.04, 0.04, 0.04, 0.04, 0.04, 0.04, 0.04]}"));
  CHECK(f.column == 43);
  CHECK(f.message == "inks[1].reflectance.step_nm: expected a step > 0 and ≤ 20 nm, found 25");
  f = failure(with_line(9, "    reflectance: {start_nm: 400, step_nm: 20}"));
  CHECK(f.line == 9);
  CHECK(f.message == "inks[1].reflectance: expected key 'values' (reflectance factors 0..1), found none");
}

TEST_CASE("parse_palette: Lab inks, and reflectance or lab but not both", "[unit]") {
  Failure f = failure(with_line(12, "    lab: [50, 120, -120]"));
  CHECK(f.line == 12);
  CHECK(f.column == 10);
  CHECK_THAT(
      f.message,
      Catch::StartsWith("inks[2].lab: expected a colour that a reflectance in 0..1 can have, found [50, 120, -120]"));
  f = failure(with_line(12, "    lab: [28.4, 9.1]"));
  CHECK(f.column == 10);
  CHECK(f.message == "inks[2].lab: expected [L, a, b] (three numbers), found a list");
  f = failure(with_line(12, "    lab: [128.4, 9.1, 14.7]"));
  CHECK(f.column == 11);
  CHECK(f.message == "inks[2].lab[1]: expected L* from 0 to 100, found 128.4");
  f = failure(with_line(12, "    lab: dark brown"));
  CHECK(f.message == "inks[2].lab: expected [L, a, b] (three numbers), found 'dark brown'");
  f = failure(with_line(12, "    lab: [28.4, 9.1, 14.7]\n    reflectance: {start_nm: 400, step_nm: 20, values: []}"));
  CHECK(f.line == 12);
  CHECK(f.message == "inks[2]: expected either reflectance or lab, found both");
  f = failure(with_line(12, ""));
  CHECK(f.line == 10);
  CHECK(f.column == 5);
  CHECK(f.message == "inks[2]: expected reflectance {start_nm, step_nm, values} or lab [L, a, b], found neither");
}

TEST_CASE("parse_palette: NaN, infinities and quoted numbers are rejected", "[unit]") {
  Failure f = failure(with_line(12, "    lab: [.nan, 9.1, 14.7]"));
  CHECK(f.line == 12);
  CHECK(f.column == 11);
  CHECK(f.message == "inks[2].lab[1]: expected a finite number, found '.nan'");
  f = failure(with_line(15, "healing: {strength: 1.1, retention: NaN, epidermis_um: 80}"));
  CHECK(f.column == 37);
  CHECK(f.message == "healing.retention: expected a finite number, found 'NaN'");
  f = failure(with_line(15, "healing: {strength: .inf}"));
  CHECK(f.message == "healing.strength: expected a finite number, found '.inf'");
  f = failure(with_line(15, "healing: {retention: \"0.5\"}"));
  CHECK(f.column == 22);
  CHECK(f.message == "healing.retention: expected a number, found the text \"0.5\" (remove the quotes)");
  f = failure(with_line(15, "healing: {retention: 1.5}"));
  CHECK(f.message == "healing.retention: expected a fraction > 0 and ≤ 1, found 1.5");
  f = failure(with_line(16, "plan: {shade_step_dL: five}"));
  CHECK(f.column == 23);
  CHECK(f.message == "plan.shade_step_dL: expected a number, found 'five'");
}

TEST_CASE("parse_palette: the layered model's healing keys, their ranges, and the replaced overlay keys", "[unit]") {
  // The single-layer model's overlay keys have no faithful translation (pigment/model.hpp): one
  // error naming the keys that replaced them, at the old key's value.
  Failure f = failure(with_line(15, "healing: {strength: 1.0, overlay_scatter: 0.06, overlay_exponent: 3.0}"));
  CHECK(f.line == 15);
  CHECK(f.column == 43);
  CHECK_THAT(f.message, Catch::StartsWith("healing.overlay_scatter: the layered skin model replaced overlay_scatter"));
  CHECK_THAT(f.message, Catch::Contains("epidermis_um, dermis_above_um, pigment_layer_um, ink_scatter"));
  f = failure(with_line(15, "healing: {overlay_exponent: 3.0}"));
  CHECK_THAT(f.message, Catch::StartsWith("healing.overlay_exponent: the layered skin model replaced"));
  // Ranges (palettes/README.md).
  f = failure(with_line(15, "healing: {epidermis_um: 5}"));
  CHECK(f.message == "healing.epidermis_um: expected µm from 10 to 300, found 5");
  f = failure(with_line(15, "healing: {dermis_above_um: -1}"));
  CHECK(f.message == "healing.dermis_above_um: expected µm from 0 to 1000, found -1");
  f = failure(with_line(15, "healing: {pigment_layer_um: 2000}"));
  CHECK(f.message == "healing.pigment_layer_um: expected µm from 10 to 1000, found 2000");
  f = failure(with_line(15, "healing: {ink_scatter: 3}"));
  CHECK(f.message == "healing.ink_scatter: expected a number from 0 to 2, found 3");
  f = failure(with_line(15, "healing: {skin_index: 0.9}"));
  CHECK(f.message == "healing.skin_index: expected a refractive index from 1 to 1.7, found 0.9");
  f = failure(with_line(15, "healing: {drawdown_specular_included: maybe}"));
  CHECK(f.message == "healing.drawdown_specular_included: expected true or false, found 'maybe'");
  f = failure(with_line(15, "healing: {epidermis: 80}"));
  CHECK_THAT(f.message, Catch::StartsWith("healing.epidermis: expected one of the keys"));
}

TEST_CASE("parse_palette: dilution steps", "[unit]") {
  const std::string head = "dilution: {diluent: distilled water, steps: [\"0:1\", ";
  struct Case {
    const char* step;
    const char* found;
  };
  for (const Case c : {Case{"\"8-1\"", "'8-1'"}, Case{"\"8:0\"", "'8:0'"}, Case{"\"-2:1\"", "'-2:1'"},
                       Case{"\"2.5:1\"", "'2.5:1'"}, Case{"8", "'8'"}, Case{"[8, 1]", "a list"}}) {
    const Failure f = failure(with_line(13, head + c.step + "]}"));
    INFO(c.step);
    CHECK(f.line == 13);
    CHECK(f.column == static_cast<int>(head.size()) + 1);
    CHECK(f.message ==
          std::string("dilution.steps[2]: expected water:pigment as whole numbers such as \"8:1\" (water ≥ 0, "
                      "pigment ≥ 1, each ≤ 1000), found ") +
              c.found);
  }
  Failure f = failure(with_line(13, head + "\"0:1\"]}"));
  CHECK(f.message == "dilution.steps[2]: expected each step once, found \"0:1\" again");
  f = failure(with_line(13, "dilution: {steps: []}"));
  CHECK(f.column == 19);
  CHECK_THAT(f.message, Catch::StartsWith("dilution.steps: expected a non-empty list"));
}

TEST_CASE("parse_palette: blend limits and negative parts", "[unit]") {
  Failure f = failure(with_line(14, "blends: {max_inks: 2, parts_total: -3}"));
  CHECK(f.line == 14);
  CHECK(f.column == 36);
  CHECK(f.message == "blends.parts_total: expected a whole number from 1 to 24, found '-3'");
  f = failure(with_line(14, "blends: {max_inks: 2.5}"));
  CHECK(f.column == 20);
  CHECK(f.message == "blends.max_inks: expected a whole number from 1 to 6, found '2.5'");
  f = failure(with_line(14, "blends: {max_inks: 3, parts_total: 2}"));
  CHECK(f.column == 20);
  CHECK(f.message == "blends.max_inks: expected at most parts_total (2: every ink needs a part), found 3");
}

TEST_CASE("parse_palette: expiry dates must be real dates, in_stock a boolean", "[unit]") {
  for (const char* bad : {"2027-02-29", "2027-13-01", "2027-6-30", "next year", "2027-04-31", "30/06/2027"}) {
    const Failure f = failure(with_line(7, std::string("    expires: ") + bad));
    INFO(bad);
    CHECK(f.line == 7);
    CHECK(f.column == 14);
    CHECK(f.message == std::string("inks[1].expires: expected a date YYYY-MM-DD, found '") + bad + "'");
  }
  CHECK(parse_palette(with_line(7, "    expires: 2028-02-29"), "p.yaml").inks[0].expires == "2028-02-29");  // leap year
  Failure f = failure(with_line(8, "    in_stock: \"yes\""));
  CHECK(f.column == 15);
  CHECK(f.message == "inks[1].in_stock: expected true or false, found the text \"yes\"");
  f = failure(with_line(5, "    name: [Jet, Black]"));
  CHECK(f.column == 11);
  CHECK(f.message == "inks[1].name: expected text, found a list");
  f = failure("schema: shadematch-palette/1\nname: x\ninks: []\n");
  CHECK(f.line == 3);
  CHECK(f.column == 7);
  CHECK(f.message == "inks: expected a non-empty list of inks, found a list");
}

TEST_CASE("is_iso_date: Gregorian calendar", "[unit]") {
  CHECK(files::is_iso_date("2000-02-29"));        // divisible by 400
  CHECK_FALSE(files::is_iso_date("1900-02-29"));  // divisible by 100, not 400
  CHECK(files::is_iso_date("2024-02-29"));
  CHECK_FALSE(files::is_iso_date("2023-02-29"));
  CHECK(files::is_iso_date("2027-12-31"));
  CHECK_FALSE(files::is_iso_date("2027-12-32"));
  CHECK_FALSE(files::is_iso_date("2027-00-10"));
  CHECK_FALSE(files::is_iso_date("2027-01-1 "));
}
