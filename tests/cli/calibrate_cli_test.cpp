// `shadematch calibrate` end to end: exit codes 0/1/2/3, JSON field names (DESIGN.md), --save then
// reuse of the saved file, --overlay.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "support/paths.hpp"

using shadematch::test::run_cli;

namespace {
std::string photo(const std::string& name) {
  return shadematch::test::test_data_dir() + "/photos/" + name;
}
}  // namespace

TEST_CASE("calibrate cli: a development photo calibrates and prints DESIGN.md's JSON fields", "[cli]") {
  const auto r = run_cli({"calibrate", photo("plantcv_source1_img.png"), "--json"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(r.out);
  REQUIRE(j.contains("card"));
  CHECK(j["card"]["id"] == "colorchecker-classic-2014");
  CHECK(j["card"]["corners"].size() == 4);
  CHECK(j["card"].contains("orientation_deg"));
  for (const char* key : {"model", "de00_mean", "de00_max", "loo_de00_mean", "loo_de00_max"})
    CHECK(j["fit"].contains(key));
  REQUIRE(j["patches"].size() == 24);
  for (const char* key : {"index", "name", "reference_lab", "measured_lab", "de00", "loo_de00", "flags"}) {
    CHECK(j["patches"][0].contains(key));
  }
  CHECK(j["patches"][0]["name"] == "dark skin");
  CHECK(j["patches"][0]["reference_lab"] == nlohmann::json({37.54, 14.37, 14.92}));  // X-Rite after Nov 2014
  CHECK((j["verdict"] == "good" || j["verdict"] == "usable"));
  CHECK_FALSE(j.contains("reason"));
  CHECK(j["warnings"].is_array());
}

TEST_CASE("calibrate cli: the text report has a patch table, summary and verdict", "[cli]") {
  const auto r = run_cli({"calibrate", photo("plantcv_source1_img.png"), "--model", "linear"});
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("dark skin"));
  CHECK_THAT(r.out, Catch::Contains("Fit: linear"));
  CHECK_THAT(r.out, Catch::Contains("Verdict: "));
}

TEST_CASE("calibrate cli: a photo without the given card exits 3 with the reason in JSON", "[cli]") {
  const std::string dir = shadematch::test::make_temp_dir("calibrate_cli_nocard");
  const auto src = photo("plantcv_source1_img.png");
  REQUIRE(std::filesystem::exists(src));
  // The photo holds a ColorChecker, not this 2×3 grey card: nothing to calibrate from.
  const std::string card = dir + "/grey6.yaml";
  std::ofstream(card) << "schema: shadematch-card/1\nid: grey-6\ngrid: {rows: 2, cols: 3, width: 30, height: 20}\n"
                         "neutral: [1, 2, 3, 4, 5, 6]\npatches:\n"
                         "  - {index: 1, name: a, center: [5, 5], size: [8, 8], lab: [95, 0, 0]}\n"
                         "  - {index: 2, name: b, center: [15, 5], size: [8, 8], lab: [80, 0, 0]}\n"
                         "  - {index: 3, name: c, center: [25, 5], size: [8, 8], lab: [65, 0, 0]}\n"
                         "  - {index: 4, name: d, center: [5, 15], size: [8, 8], lab: [50, 0, 0]}\n"
                         "  - {index: 5, name: e, center: [15, 15], size: [8, 8], lab: [35, 0, 0]}\n"
                         "  - {index: 6, name: f, center: [25, 15], size: [8, 8], lab: [20, 0, 0]}\n";
  const auto r = run_cli({"calibrate", src, "--card", card, "--json"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 3);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["verdict"] == "rejected");
  CHECK(j.contains("reason"));
  CHECK_THAT(r.err, Catch::StartsWith("shadematch: "));
}

TEST_CASE("calibrate cli: bad input exits 1, bad usage exits 2", "[cli]") {
  CHECK(run_cli({"calibrate", "/nonexistent/photo.jpg"}).exit_code == 1);
  CHECK(run_cli({"calibrate", photo("plantcv_source1_img.png"), "--card", "no-such-card"}).exit_code == 1);
  CHECK(run_cli({"calibrate"}).exit_code == 2);
  CHECK(run_cli({"calibrate", photo("plantcv_source1_img.png"), "--model", "cubic"}).exit_code == 2);
  CHECK(run_cli({"calibrate", photo("plantcv_source1_img.png"), "--corners", "1,2 3,4"}).exit_code == 2);
  CHECK(run_cli({"calibrate", photo("plantcv_source1_img.png"), "--bogus"}).exit_code == 2);
  const auto r = run_cli({"calibrate", "/nonexistent/photo.jpg"});
  CHECK_THAT(r.err, Catch::StartsWith("shadematch: /nonexistent/photo.jpg"));
  CHECK(r.out.empty());
}

TEST_CASE("calibrate cli: --save writes a calibration file and --overlay a PNG", "[cli]") {
  const std::string dir = shadematch::test::make_temp_dir("calibrate_cli_save");
  const std::string calib = dir + "/setup.calib.yaml";
  const std::string overlay = dir + "/overlay.png";
  const auto r = run_cli({"calibrate", photo("plantcv_target_img.png"), "--save", calib, "--overlay", overlay});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const std::string saved = shadematch::test::read_text_file(calib);
  CHECK_THAT(saved, Catch::Contains("schema: shadematch-calibration/1"));
  CHECK_THAT(saved, Catch::Contains("card: \"colorchecker-classic-2014\""));
  CHECK(std::filesystem::file_size(overlay) > 1000);
  // No temporary files left behind by the atomic writes.
  int files = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) ++files;
  CHECK(files == 2);
  // A rejected calibration is not saved.
  const std::string none = dir + "/none.calib.yaml";
  const auto bad = run_cli({"calibrate", photo("plantcv_target_img.png"), "--card", "colorchecker-classic-2014",
                            "--corners", "0,0 10,0 10,10 0,10", "--save", none});
  if (bad.exit_code == 3) CHECK_FALSE(std::filesystem::exists(none));
}
