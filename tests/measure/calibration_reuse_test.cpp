// One calibration value (issue 16): a photo measured with its card and with its own saved
// calibration (`calibrate --save` then `measure --calibration`) gives the same colours; an older
// calibration file without the `refinement` section still loads and says it has none; a damaged
// `refinement` section is one error line naming file:line:col, exit 1.
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "colour/delta_e.hpp"
#include "support/paths.hpp"

using namespace shadematch;

namespace {

colour::Lab lab_of(const nlohmann::json& j) {
  return {j[0].get<double>(), j[1].get<double>(), j[2].get<double>()};
}

nlohmann::json measure_json(const std::vector<std::string>& args) {
  const auto r = test::run_cli(args);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return nlohmann::json::parse(r.out);
}

// The saved text up to (not including) its `refinement:` section: the file an older shadematch
// wrote for the same photo (the section is the last one format_calibration writes).
std::string without_refinement(const std::string& saved) {
  const std::size_t at = saved.find("\nrefinement:\n");
  REQUIRE(at != std::string::npos);
  return saved.substr(0, at + 1);
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

}  // namespace

TEST_CASE("calibration reuse: the same photo with its card and with its saved calibration gives the same colours",
          "[cli]") {
  // samples/scalp (synthetic, 0.64 ΔE00 follicle / 0.41 scalp apart before issue 16, when the
  // saved file kept the global fit only and the local refit on the card's patches was lost) and
  // samples/hand (real photo: 2.71 / 3.14 apart). Both measure their sidecar regions.
  const std::string dir = test::make_temp_dir("calibration-reuse");
  for (const std::string sample : {"scalp", "hand"}) {
    CAPTURE(sample);
    const std::string photo = test::source_dir() + "/samples/" + sample + "/photo.jpg";
    const std::string calib = dir + "/" + sample + ".calib.yaml";
    REQUIRE(test::run_cli({"calibrate", photo, "--save", calib}).exit_code == 0);
    const auto card = measure_json({"measure", photo, "--json"});
    const auto saved = measure_json({"measure", photo, "--calibration", calib, "--json"});
    CHECK(saved["calibration"]["local_refinement"] == card["calibration"]["local_refinement"]);
    CHECK(saved["calibration"]["local_refinement"]["applied"] == true);
    // Expected 0.00: both paths convert through the same photo::Calibration, and the file holds
    // its numbers (coefficients, curve knots, the refinement's patch RGB and XYZ) with 17
    // significant digits, which give back the same doubles. The decimal printing is the only
    // difference the file could make; 0.01 ΔE00 (the JSON's two-decimal rounding of L*a*b*) is
    // the bound.
    for (const auto& [name, region] : card["regions"].items()) {
      CAPTURE(name);
      const auto& other = saved["regions"][name];
      CHECK(colour::delta_e_2000(lab_of(region["lab"]), lab_of(other["lab"])) <= 0.01);
      if (region.contains("follicle_lab") && !region["follicle_lab"].is_null()) {
        CHECK(colour::delta_e_2000(lab_of(region["follicle_lab"]), lab_of(other["follicle_lab"])) <= 0.01);
      }
    }
  }
}

TEST_CASE("calibration reuse: a calibration file without 'refinement' still loads: the global fit only, said so",
          "[cli]") {
  const std::string dir = test::make_temp_dir("calibration-reuse-old");
  const std::string photo = test::source_dir() + "/samples/scalp/photo.jpg";
  const std::string calib = dir + "/new.calib.yaml";
  REQUIRE(test::run_cli({"calibrate", photo, "--save", calib}).exit_code == 0);
  const std::string old_calib = dir + "/old.calib.yaml";
  write_text(old_calib, without_refinement(test::read_text_file(calib)));

  const auto r = test::run_cli({"measure", photo, "--calibration", old_calib, "--json"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["calibration"]["local_refinement"]["applied"] == false);
  CHECK(j["calibration"]["local_refinement"].contains("reason"));
  bool warned = false;
  for (const auto& w : j["warnings"])
    warned = warned || w.get<std::string>().find("no 'refinement'") != std::string::npos;
  CHECK(warned);
  // Read without refinement, the follicle is the global fit's: issue 16 measured it 0.64 ΔE00 from
  // the refined one on samples/scalp, where the same file with its refinement gives 0.00 (the test
  // above). More than half of that gap says the refinement was not applied.
  const auto refined = measure_json({"measure", photo, "--calibration", calib, "--json"});
  const double moved = colour::delta_e_2000(lab_of(j["regions"]["hair"]["follicle_lab"]),
                                            lab_of(refined["regions"]["hair"]["follicle_lab"]));
  CHECK(moved > 0.32);
}

TEST_CASE("calibration reuse: a damaged 'refinement' section is one error line with file:line:col, exit 1", "[cli]") {
  const std::string dir = test::make_temp_dir("calibration-reuse-damaged");
  const std::string photo = test::source_dir() + "/samples/scalp/photo.jpg";
  const std::string calib = dir + "/good.calib.yaml";
  REQUIRE(test::run_cli({"calibrate", photo, "--save", calib}).exit_code == 0);
  const std::string text = test::read_text_file(calib);

  // The line and column (from 1) where `needle` starts in `damaged`.
  const auto position = [](const std::string& damaged, const std::string& needle) {
    const std::size_t at = damaged.find(needle);
    REQUIRE(at != std::string::npos);
    const std::size_t line_start = damaged.rfind('\n', at) + 1;  // npos + 1 = 0 on the first line
    const auto line = 1 + std::count(damaged.begin(), damaged.begin() + static_cast<std::ptrdiff_t>(at), '\n');
    return std::to_string(line) + ":" + std::to_string(at - line_start + 1);
  };
  const auto refused = [&](const std::string& damaged, const std::string& at, const std::string& message) {
    CAPTURE(at);
    const std::string path = dir + "/damaged.calib.yaml";
    write_text(path, damaged);
    const auto r = test::run_cli({"measure", photo, "--calibration", path});
    CHECK(r.exit_code == 1);
    CHECK(r.out.empty());
    const std::string expected = "shadematch: " + path + ":" + position(damaged, at) + ": error: " + message;
    CHECK_THAT(r.err, Catch::StartsWith(expected));
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  };
  const auto replaced = [&](const std::string& from, const std::string& to) {
    std::string damaged = text;
    const std::size_t at = damaged.find(from);
    REQUIRE(at != std::string::npos);
    return damaged.replace(at, from.size(), to);
  };
  refused(replaced("neutral: true}", "neutral: maybe}"), "maybe}", "'neutral' must be true or false, found 'maybe'");
  refused(replaced("  nearest: 4\n", "  nearest: 2.5\n"), "2.5\n",
          "'nearest' must be a whole number of patches from 1 to 1000, found '2.5'");
  refused(replaced("  nearest: 4\n", "  nearst: 4\n"), "nearst", "unknown key 'nearst' in 'refinement'");
  refused(replaced("    - {rgb: [", "    - {rgb: [1, 2, 3, "), "[1, 2, 3, ",
          "'rgb' must be a list of 3 numbers, found a list");
  refused(replaced("xyz: [0.", "xyz: [-0."), "[-0.", "'xyz' must be a reference colour: X ≥ 0, Y > 0, Z ≥ 0");
  refused(text.substr(0, text.find("refinement:\n")) + "refinement: yes\n", "yes",
          "'refinement' must be a mapping {nearest, patches}, found 'yes'");
}
