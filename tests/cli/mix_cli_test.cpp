#include <algorithm>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support/paths.hpp"

using shadematch::test::run_cli;
using shadematch::test::source_dir;

namespace {
std::string house() {
  return source_dir() + "/palettes/house.yaml";
}
std::vector<double> lab_of(const nlohmann::json& j) {
  return j.get<std::vector<double>>();
}
}  // namespace

TEST_CASE("cli mix: --json has the contract fields, and the prediction is lighter than the bottle", "[cli]") {
  const auto r = run_cli({"mix", "--palette", house(), "--blend", "2 jet-black + 1 warm-brown @ 8:1", "--skin",
                          "66,11,17", "--coverage", "0.25", "--json"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.empty());
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["recipe"] == "2 jet-black + 1 warm-brown @ 8:1");
  CHECK(j["dilution"] == "8:1");
  CHECK(j["inks"][0]["id"] == "jet-black");
  CHECK(j["inks"][0]["parts"] == 2);
  const auto masstone = lab_of(j["masstone_lab"]);
  const auto dot = lab_of(j["predicted_lab"]);
  const auto area = lab_of(j["area_lab"]);
  const auto skin = lab_of(j["skin_lab"]);
  // Healed 8:1 is far lighter than the undiluted masstone, darker than the skin; the area
  // appearance at 25 % coverage lies between the dot and the skin.
  CHECK(dot[0] > masstone[0] + 10.0);
  CHECK(dot[0] < skin[0]);
  CHECK(area[0] > dot[0]);
  CHECK(area[0] < skin[0]);
  CHECK(j["coverage"] == 0.25);
  const std::string hex = j["predicted_hex"];
  CHECK(hex.size() == 7);
  CHECK(hex[0] == '#');
  CHECK(j["masstone_hex"].get<std::string>().size() == 7);
  CHECK(j["warnings"].empty());
}

TEST_CASE("cli mix: text report and more water reads lighter", "[cli]") {
  auto l_of = [](const std::string& blend) {
    const auto r = run_cli({"mix", "--palette", house(), "--blend", blend, "--skin", "60,12,18", "--json"});
    REQUIRE(r.exit_code == 0);
    return nlohmann::json::parse(r.out)["predicted_lab"][0].get<double>();
  };
  CHECK(l_of("jet-black @ 2:1") < l_of("jet-black @ 8:1"));
  CHECK(l_of("jet-black @ 8:1") < l_of("jet-black @ 20:1"));
  const auto r = run_cli({"mix", "--palette", house(), "--blend", "jet-black", "--skin", "60,12,18"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("recipe       1 jet-black @ 0:1\n") == 0);
  for (const char* row : {"\nmasstone ", "\nskin ", "\nhealed dot ", "\narea (30 %) "})
    CHECK(r.out.find(row) != std::string::npos);
  CHECK(r.out.find("\x1b[") == std::string::npos);  // not a terminal: hex only, no escape codes
}

TEST_CASE("cli mix: an unknown ink names the palette's ids, with its column", "[cli]") {
  const auto r =
      run_cli({"mix", "--palette", house(), "--blend", "2 jet-black + 1 wram-brown @ 8:1", "--skin", "66,11,17"});
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK(r.err == "shadematch: --blend:1:17: error: unknown ink 'wram-brown'; the palette " + house() +
                     " has: jet-black, dark-grey, mid-grey, warm-brown, cool-brown, warm-modifier\n");
}

TEST_CASE("cli mix: usage errors exit 2, bad palettes exit 1, out-of-stock inks warn", "[cli]") {
  auto r = run_cli({"mix", "--palette", house(), "--skin", "66,11,17"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("--blend is required") != std::string::npos);
  r = run_cli({"mix", "--palette", house(), "--blend", "jet-black", "--skin", "66,11"});
  CHECK(r.exit_code == 2);
  r = run_cli({"mix", "--palette", house(), "--blend", "jet-black", "--skin", "66,11,17", "--coverage", "1.5"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("--coverage") != std::string::npos);
  r = run_cli(
      {"mix", "--palette", source_dir() + "/palettes/nonexistent.yaml", "--blend", "jet-black", "--skin", "66,11,17"});
  CHECK(r.exit_code == 1);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  r = run_cli({"mix", "--palette", house(), "--blend", "cool-brown @ 4:1", "--skin", "66,11,17"});
  CHECK(r.exit_code == 0);
  CHECK(r.err == "shadematch: warning: cool-brown is out of stock\n");
}
