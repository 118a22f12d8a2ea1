#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support/paths.hpp"

using shadematch::test::run_cli;

TEST_CASE("cli delta-e: prints the Sharma 2005 value of pair 1", "[cli]") {
  // Sharma et al. (2005) Table 1, pair 1: ΔE00 = 2.0425.
  const auto r = run_cli({"delta-e", "50,2.6772,-79.7751", "50,0,-82.7485"});
  CHECK(r.exit_code == 0);
  CHECK(r.out == "2.0425\n");
  CHECK(r.err.empty());
}

TEST_CASE("cli delta-e: --json and --formula 76", "[cli]") {
  const auto r = run_cli({"delta-e", "50,0,0", "53,4,12", "--formula", "76", "--json"});
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["formula"] == "76");
  CHECK(j["delta_e"].get<double>() == Approx(13.0));  // 3-4-12-13 right triangle
}

TEST_CASE("cli delta-e: a malformed colour exits 2 with one line on stderr", "[cli]") {
  const auto r = run_cli({"delta-e", "50,abc,0", "50,0,0"});
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  CHECK(r.err.find("50,abc,0") != std::string::npos);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
}

TEST_CASE("cli: --help, --version and unknown commands", "[cli]") {
  auto r = run_cli({"--help"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("delta-e") != std::string::npos);
  r = run_cli({"--version"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.rfind("shadematch ", 0) == 0);
  r = run_cli({"frobnicate"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("frobnicate") != std::string::npos);
  r = run_cli({"delta-e", "--help"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("--formula") != std::string::npos);
  r = run_cli({"delta-e", "50,0,0", "50,0,0", "--formula", "99"});
  CHECK(r.exit_code == 2);
}
