// `shadematch measure` on a real photo (tests/data/photos/pedrodiamel_hand_holding_classic.jpg,
// 1024×768, a ColorChecker Classic held by a hand; licence row in tests/data/photos/SOURCES.md):
// a forearm region, bad regions, usage errors and the regions sidecar. Scenes with known truth,
// no-card photos and --calibration are in tests/measure/measure_cli_scene_test.cpp.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "support/paths.hpp"

using shadematch::test::run_cli;

namespace {

std::string hand_photo() {
  return shadematch::test::test_data_dir() + "/photos/pedrodiamel_hand_holding_classic.jpg";
}

int lines(const std::string& s) {
  return static_cast<int>(std::count(s.begin(), s.end(), '\n'));
}

}  // namespace

TEST_CASE("cli measure: a forearm region gives a plausible ITA class", "[cli]") {
  // The sunlit inner side of the forearm at the left edge (x 10–100, y 225–250 of 1024×768).
  const auto r = run_cli({"measure", hand_photo(), "--scalp", "10,225,90,25", "--json"});
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(r.out);
  const auto& s = j["regions"]["scalp"];
  CHECK(s["pixels"].get<int>() > 1000);
  // Skin is reddish-yellow: a* and b* both positive, hue angle between 30° and 70° (the NIST
  // forearm set spans about 35–70°).
  const double a = s["lab"][1].get<double>(), b = s["lab"][2].get<double>();
  CHECK(a > 0);
  CHECK(b > 0);
  const double hue = std::atan2(b, a) * 180.0 / 3.14159265358979;
  CHECK(hue > 30);
  CHECK(hue < 70);
  // The arm is a fair-skinned (European-looking) adult's, in direct sunlight like the card. Del
  // Bino et al. (2006) found European forearm skin in the very light, light and intermediate ITA
  // classes; tan, brown or dark would mean the measurement (or calibration) is wrong.
  const std::string cls = s["ita_class"].get<std::string>();
  CHECK((cls == "very light" || cls == "light" || cls == "intermediate"));
  CHECK(s["ita_deg"].get<double>() > 28);
  CHECK(s["monk_tone"].get<int>() >= 1);
  CHECK(s["monk_tone"].get<int>() <= 6);  // the lighter half of the Monk scale
  CHECK(j["calibration"]["source"] == "card in the photo");
  CHECK(j["regions_source"] == "command line");
}

TEST_CASE("cli measure: regions outside the image, empty or on the card exit 1 with one clear line", "[cli]") {
  struct Case {
    std::vector<std::string> args;
    std::string expect;
  };
  const std::vector<Case> cases = {
      {{"--hair", "2000,10,50,50"}, "region 'hair' (2000,10,50,50): lies outside the image, which is 1024×768"},
      {{"--hair", "1000,10,50,50"}, "partly outside the image"},
      {{"--scalp", "10,225,0,25"}, "region 'scalp' (10,225,0,25): is empty"},
      {{"--scalp", "-5,225,20,25"}, "partly outside the image"},
      // The card's patch grid spans about x 237–539, y 282–476.
      {{"--region", "patch=350,350,40,40"}, "region 'patch' (350,350,40,40): overlaps the reference card"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> args{"measure", hand_photo()};
    args.insert(args.end(), c.args.begin(), c.args.end());
    const auto r = run_cli(args);
    INFO(c.args[0] << " " << c.args[1] << " → " << r.err);
    CHECK(r.exit_code == 1);
    CHECK(r.out.empty());
    CHECK(lines(r.err) == 1);
    CHECK(r.err.rfind("shadematch: ", 0) == 0);
    CHECK(r.err.find(c.expect) != std::string::npos);
  }
}

TEST_CASE("cli measure: malformed region flags are usage errors (exit 2)", "[cli]") {
  for (const std::vector<std::string>& extra : std::vector<std::vector<std::string>>{
           {"--hair", "1,2,3"}, {"--hair", "a,b,c,d"}, {"--region", "nameless"}, {"--region", "bad name=1,2,3,4"}}) {
    std::vector<std::string> args{"measure", hand_photo()};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto r = run_cli(args);
    INFO(extra[1] << " → " << r.err);
    CHECK(r.exit_code == 2);
    CHECK(lines(r.err) == 1);
  }
  CHECK(run_cli({"measure"}).exit_code == 2);
}

TEST_CASE("cli measure: regions come from the PHOTO.regions.yaml sidecar; its errors name file:line:col", "[cli]") {
  namespace fs = std::filesystem;
  const std::string dir = shadematch::test::make_temp_dir("measure-sidecar");
  const std::string photo = dir + "/hand.jpg";
  fs::copy_file(hand_photo(), photo, fs::copy_options::overwrite_existing);
  {
    std::ofstream(photo + ".regions.yaml") << "schema: shadematch-regions/1\n"
                                              "regions:\n"
                                              "  forearm: [10, 225, 90, 25]\n"
                                              "  arm: {polygon: [[10, 225], [100, 225], [100, 250], [10, 250]]}\n";
  }
  auto r = run_cli({"measure", photo, "--json"});
  REQUIRE(r.exit_code == 0);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["regions_source"] == photo + ".regions.yaml");
  REQUIRE(j["regions"].contains("forearm"));
  REQUIRE(j["regions"].contains("arm"));
  // The polygon is the same rectangle, drawn inclusive of its corner pixels (91 × 26 pixels).
  CHECK(j["regions"]["arm"]["pixels"].get<int>() == 91 * 26);
  CHECK(j["regions"]["forearm"]["pixels"].get<int>() == 90 * 25);

  { std::ofstream(photo + ".regions.yaml") << "regions:\n  forearm: [10, 225, 90]\n"; }
  r = run_cli({"measure", photo});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find(photo + ".regions.yaml:2:12: error: region 'forearm': a rectangle is [x, y, w, h]") !=
        std::string::npos);
  { std::ofstream(photo + ".regions.yaml") << "regions:\n  forearm: [10, 225, 90, 25]\n  shape: {circle: 3}\n"; }
  r = run_cli({"measure", photo});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find(".regions.yaml:3:10: error: region 'shape' must have exactly one of 'rect' or 'polygon'") !=
        std::string::npos);
  { std::ofstream(photo + ".regions.yaml") << "regions:\n  card: [300, 300, 30, 30]\n"; }
  r = run_cli({"measure", photo});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find(".regions.yaml:2:3: error: region 'card' (300,300,30,30): overlaps the reference card") !=
        std::string::npos);
}
