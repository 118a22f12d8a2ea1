#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>

#include "support/paths.hpp"

using shadematch::test::run_cli;
using shadematch::test::source_dir;

namespace {
std::string palette_path(const char* name) {
  return source_dir() + "/palettes/" + name;
}
}  // namespace

TEST_CASE("cli palette validate: one summary line and exit 0 for the shipped palettes", "[cli]") {
  const auto r = run_cli({"palette", "validate", palette_path("house.yaml")});
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK(r.out ==
        palette_path("house.yaml") +
            ": valid: 'Example house palette (example data)', 6 inks (1 measured, 5 from Lab), 7 dilution steps "
            "(0:1 … 20:1), blends of up to 3 inks in 6 parts\n");
  const auto both = run_cli({"palette", "validate", palette_path("house.yaml"), palette_path("minimal.yaml")});
  CHECK(both.exit_code == 0);
  CHECK(std::count(both.out.begin(), both.out.end(), '\n') == 2);
}

TEST_CASE("cli palette validate: a malformed palette exits 1 with file:line:col", "[cli]") {
  const std::string dir = shadematch::test::make_temp_dir("palette-cli");
  const std::string bad = dir + "/bad.yaml";
  std::ofstream(bad)
      << "schema: shadematch-palette/1\nname: Bad\ninks:\n  - id: a\n    name: A\n    lab: [30, 0, .nan]\n";
  auto r = run_cli({"palette", "validate", bad});
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK(r.err == "shadematch: " + bad + ":6:18: error: inks[1].lab[3]: expected a finite number, found '.nan'\n");
  // Several files: every valid one is summarised, every invalid one reported, exit 1.
  r = run_cli({"palette", "validate", palette_path("minimal.yaml"), bad});
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("minimal.yaml: valid: ") != std::string::npos);
  CHECK(r.err.find("bad.yaml:6:18: error:") != std::string::npos);
}

TEST_CASE("cli palette show: table and --json", "[cli]") {
  auto r = run_cli({"palette", "show", palette_path("minimal.yaml")});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("id            name          lot     stock  expires") != std::string::npos);
  CHECK(r.out.find("carbon-black  Carbon Black  CB-001  yes    2027-06-30") != std::string::npos);
  CHECK(r.out.find("warm-brown    Warm Brown    -       no     -") != std::string::npos);
  CHECK(r.out.find("dilution (distilled water, water:pigment): 0:1 4:1 12:1\n") != std::string::npos);
  CHECK(r.out.find("\x1b[") == std::string::npos);  // not a terminal: hex, no escape codes
  r = run_cli({"palette", "show", palette_path("minimal.yaml"), "--json"});
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["name"] == "Minimal test palette");
  REQUIRE(j["inks"].size() == 2);
  CHECK(j["inks"][0]["colour_source"] == "reflectance");
  CHECK(j["inks"][0]["reflectance"]["values"].size() == 31);
  // A flat 4 % reflector: L* = 116·0.04^(1/3) − 16 = 23.67 (CIE 1976), a* = b* = 0 under any white.
  CHECK(j["inks"][0]["masstone_lab"][0].get<double>() == Approx(23.67).margin(0.01));
  CHECK(j["inks"][1]["in_stock"] == false);
  CHECK(j["inks"][1]["expires"].is_null());
  // Lab-only ink: the upsampled spectrum reproduces the given Lab (to 1e-3, the upsampler's bound).
  CHECK(j["inks"][1]["masstone_lab"][0].get<double>() == Approx(28.4).margin(1e-3));
  CHECK(j["dilution"]["steps"] == nlohmann::json::array({"0:1", "4:1", "12:1"}));
  // Not set in the file: the documented default (pigment/palette.hpp, palettes/README.md), and
  // every key of the layered model's healing section is shown.
  CHECK(j["healing"]["retention"] == 0.6);
  for (const char* key : {"strength", "epidermis_um", "dermis_above_um", "pigment_layer_um", "ink_scatter",
                          "skin_index", "drawdown_index", "drawdown_specular_included"}) {
    CHECK(j["healing"].contains(key));
  }
}

TEST_CASE("cli palette: missing and unknown actions are usage errors", "[cli]") {
  auto r = run_cli({"palette"});
  CHECK(r.exit_code == 2);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  r = run_cli({"palette", "frobnicate", "x.yaml"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("unknown action 'frobnicate'") != std::string::npos);
  r = run_cli({"palette", "--help"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("validate") != std::string::npos);
  CHECK(r.out.find("show") != std::string::npos);
  r = run_cli({"palette", "show"});
  CHECK(r.exit_code == 2);
  r = run_cli({"palette", "validate", source_dir() + "/palettes/nonexistent.yaml"});
  CHECK(r.exit_code == 1);
}
