#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "support/paths.hpp"

using shadematch::test::read_text_file;
using shadematch::test::run_cli;
using shadematch::test::test_data_dir;

namespace {

std::string data(const std::string& name) {
  return test_data_dir() + "/grade/" + name;
}

std::size_t lines(const std::string& s) {
  return static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n'));
}

// Lines of stderr that are grade's row errors (other layers may log to stderr in debug builds).
std::vector<std::string> error_lines(const std::string& err) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < err.size()) {
    const std::size_t end = err.find('\n', start);
    const std::string line = err.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (line.rfind("shadematch: ", 0) == 0) out.push_back(line);
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return out;
}

}  // namespace

TEST_CASE("cli grade: a clean class exits 0; JSON has the DESIGN.md fields and the tool's pick ranks 1", "[cli]") {
  const auto r = run_cli({"grade", "--case", data("cases.yaml"), "--submissions", data("class_ok.csv"), "--json"});
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(r.out);
  REQUIRE(j["results"].size() == 4);
  for (const char* key : {"student", "case", "session", "blend", "target_lab", "predicted_lab", "de00", "rank",
                          "candidates", "pass", "advice"}) {
    CHECK(j["results"][0].contains(key));
  }
  const auto& ana = j["results"][0];
  CHECK(ana["student"] == "ana");
  CHECK(ana["case"] == "near-black");
  CHECK(ana["session"] == 2);
  // ana submitted the tool's own first choice: rank 1, and ΔE00 equal to the plan's.
  CHECK(ana["rank"] == 1);
  CHECK(ana["pass"] == true);
  REQUIRE(ana["first_choice"].is_object());
  CHECK(ana["first_choice"]["recipe"] == ana["recipe"]);
  CHECK(ana["de00"].get<double>() == ana["first_choice"]["de00"].get<double>());
  CHECK(ana["candidates"].get<int>() > 1);
  // bob: undiluted jet-black for a session-1 target is far too dark.
  const auto& bob = j["results"][1];
  CHECK(bob["pass"] == false);
  CHECK(bob["rank"].get<int>() > 1);
  CHECK(bob["advice"].get<std::string>().rfind("too dark by ", 0) == 0);
  CHECK(bob["predicted_lab"][0].get<double>() < bob["target_lab"][0].get<double>());
  const auto& s = j["summary"];
  CHECK(s["submissions"] == 4);
  CHECK(s["passed"] == 2);
  double mean = 0;
  for (const auto& x : j["results"]) mean += x["de00"].get<double>() / 4.0;
  CHECK(s["mean_de00"].get<double>() == Approx(mean).margin(1e-3));  // each value rounded to 1e-4
  CHECK(j["errors"].empty());
}

TEST_CASE("cli grade: every bad row is reported with its line, the rest graded, exit 1", "[cli]") {
  const auto r = run_cli({"grade", "--case", data("cases.yaml"), "--submissions", data("class.csv"), "--json"});
  CHECK(r.exit_code == 1);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["results"].size() == 4);
  const std::string f = data("class.csv");
  const auto errors = error_lines(r.err);
  REQUIRE(errors.size() == 5);
  CHECK(errors[0] ==
        "shadematch: " + f + ":6: error: case: unknown case 'blonde'; the cases are: dark-brown, near-black");
  CHECK(errors[1] ==
        "shadematch: " + f + ":7: error: session: expected 1 to 2 (case 'near-black' has 2 sessions), found 3");
  CHECK(errors[2] == "shadematch: " + f + ":8: error: blend '2 jet-blak @ 4:1': unknown ink 'jet-blak'; the palette " +
                         data("palette.yaml") + " has: jet-black, dark-brown, mid-brown, warm-brown, cool-grey");
  CHECK(errors[3].rfind("shadematch: " + f + ":9: error: blend '2 jet-black @ 4': ", 0) == 0);
  CHECK(errors[4] == "shadematch: " + f + ":10: error: expected 4 fields (student,case,session,blend), found 3");
  CHECK(j["summary"]["bad_rows"] == 5);
  REQUIRE(j["errors"].size() == 5);
  CHECK(j["errors"][0]["line"] == 6);
}

TEST_CASE("cli grade: terminal report, CSV and HTML files", "[cli]") {
  const std::string dir = shadematch::test::make_temp_dir("grade-cli");
  const std::string csv = dir + "/grades.csv";
  const std::string html = dir + "/grades.html";
  const auto r = run_cli(
      {"grade", "--case", data("cases.yaml"), "--submissions", data("class_ok.csv"), "--csv", csv, "--html", html});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("Class: 2 of 4 passed") != std::string::npos);
  CHECK(r.out.find("too dark by") != std::string::npos);
  CHECK(r.out.find("near-black") != std::string::npos);
  const std::string c = read_text_file(csv);
  CHECK(c.rfind("line,student,case,session,blend,", 0) == 0);
  CHECK(lines(c) == 5);                                                                      // header + 4 submissions
  CHECK(c.find("\"2 jet-black + 1 dark-brown + 3 cool-grey @ 0:1\"") == std::string::npos);  // no comma: not quoted
  const std::string h = read_text_file(html);
  CHECK(h.rfind("<!doctype html>", 0) == 0);
  CHECK(h.find("<script") == std::string::npos);
  CHECK(h.find("http://") == std::string::npos);
  CHECK(h.find("ana") != std::string::npos);
  // No temporary files left beside the outputs.
  std::size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    (void)e;
    ++files;
  }
  CHECK(files == 2);
}

TEST_CASE("cli grade: the tolerance flag moves the pass mark", "[cli]") {
  const auto r = run_cli(
      {"grade", "--case", data("cases.yaml"), "--submissions", data("class_ok.csv"), "--json", "--tolerance", "20"});
  REQUIRE(r.exit_code == 0);
  CHECK(nlohmann::json::parse(r.out)["summary"]["passed"] == 4);  // worst ΔE00 of the class is below 20
}

TEST_CASE("cli grade: --answer-key prints the tool's picks per session", "[cli]") {
  const auto r = run_cli({"grade", "--answer-key", "--case", data("cases.yaml"), "--json"});
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(r.out);
  REQUIRE(j["cases"].size() == 2);
  CHECK(j["cases"][0]["case"] == "dark-brown");
  CHECK(j["cases"][0]["sessions"].size() == 3);
  CHECK(j["cases"][1]["sessions"].size() == 2);
  // The key's first pick for near-black session 2 is what ana submitted (class_ok.csv line 2).
  CHECK(j["cases"][1]["sessions"][1]["blends"][0]["recipe"] == "2 jet-black + 1 dark-brown + 3 cool-grey @ 0:1");
  const auto t = run_cli({"grade", "--answer-key", "--case", data("cases.yaml")});
  CHECK(t.exit_code == 0);
  CHECK(t.out.find("Session 1") != std::string::npos);
}

TEST_CASE("cli grade: usage and whole-file errors", "[cli]") {
  const std::string dir = shadematch::test::make_temp_dir("grade-cli-bad");
  auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir + "/" + name) << text;
    return dir + "/" + name;
  };
  auto r = run_cli({"grade", "--submissions", data("class.csv")});
  CHECK(r.exit_code == 2);  // no --case
  r = run_cli({"grade", "--case", data("cases.yaml")});
  CHECK(r.exit_code == 2);  // no --submissions
  r = run_cli({"grade", "--case", data("cases.yaml"), "--submissions", data("class.csv"), "--tolerance", "-1"});
  CHECK(r.exit_code == 2);
  // Empty submissions file.
  const std::string empty = write("empty.csv", "");
  r = run_cli({"grade", "--case", data("cases.yaml"), "--submissions", empty});
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK(error_lines(r.err) == std::vector<std::string>{"shadematch: " + empty +
                                                       ": error: empty submissions file: expected a header row "
                                                       "'student,case,session,blend' and one row per submission"});
  // Wrong header.
  const std::string header = write("header.csv", "name,case,session,blend\nana,dark-brown,1,jet-black\n");
  r = run_cli({"grade", "--case", data("cases.yaml"), "--submissions", header});
  CHECK(r.exit_code == 1);
  REQUIRE(error_lines(r.err).size() == 1);
  CHECK(error_lines(r.err)[0].rfind("shadematch: " + header + ":1: error: header: expected the columns", 0) == 0);
  // Missing submissions file and malformed case file.
  r = run_cli({"grade", "--case", data("cases.yaml"), "--submissions", dir + "/nope.csv"});
  CHECK(r.exit_code == 1);
  const std::string bad_case =
      write("bad.yaml",
            "schema: shadematch-case/1\npalette: p.yaml\ncases:\n  - id: a\n    target: [30, 4]\n"
            "    skin: [65, 12, 16]\n");
  r = run_cli({"grade", "--case", bad_case, "--submissions", data("class.csv")});
  CHECK(r.exit_code == 1);
  REQUIRE(error_lines(r.err).size() == 1);
  CHECK(error_lines(r.err)[0].rfind("shadematch: " + bad_case + ":5:13: error: target: expected [L*, a*, b*]", 0) == 0);
  // The same case file twice: duplicate ids.
  r = run_cli({"grade", "--case", data("cases.yaml"), "--case", data("cases.yaml"), "--answer-key"});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("case 'dark-brown' is defined twice") != std::string::npos);
}

TEST_CASE("cli grade: a photo case grades against the plan measured from the photo", "[cli]") {
  // A case given as a photo with a card and regions (the demo sample: a hand with a ColorChecker,
  // samples/SOURCES.md). The tool's own first pick for session 1, taken from --answer-key, must
  // grade as rank 1 with the key's ΔE00, and the session target must be the one `match` plans from
  // the same photo, regions and palette (the same measurement path, not a second one).
  namespace fs = std::filesystem;
  const std::string root = shadematch::test::source_dir();
  const std::string dir = shadematch::test::make_temp_dir("shadematch-grade-photo");
  {
    std::ofstream c(dir + "/case.yaml");
    c << "schema: shadematch-case/1\n"
      << "palette: " << root << "/samples/hand/palette.yaml\n"
      << "cases:\n"
      << "  - id: hand\n"
      << "    photo: " << root << "/samples/hand/photo.jpg\n"
      << "    goal: follicle\n"
      << "    sessions: 3\n"
      << "    regions: {hair: [115, 205, 50, 75], scalp: [25, 205, 75, 30]}\n";
  }
  const auto key = run_cli({"grade", "--answer-key", "--case", dir + "/case.yaml", "--json"});
  INFO(key.err);
  REQUIRE(key.exit_code == 0);
  const auto k = nlohmann::json::parse(key.out);
  const auto& s1 = k["cases"][0]["sessions"][0];
  REQUIRE(s1["blends"].size() >= 1);
  const std::string pick = s1["blends"][0]["recipe"];
  {
    std::ofstream csv(dir + "/class.csv");
    csv << "student,case,session,blend\n"
        << "ana,hand,1," << pick << "\n";
  }
  const auto r = run_cli({"grade", "--case", dir + "/case.yaml", "--submissions", dir + "/class.csv", "--json"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto g = nlohmann::json::parse(r.out);
  REQUIRE(g["results"].size() == 1);
  CHECK(g["results"][0]["rank"] == 1);
  CHECK(g["results"][0]["de00"].get<double>() == Approx(s1["blends"][0]["de00"].get<double>()).margin(1e-4));

  const auto m = run_cli({"match", root + "/samples/hand/photo.jpg", "--palette", root + "/samples/hand/palette.yaml",
                          "--hair", "115,205,50,75", "--scalp", "25,205,75,30", "--include-unavailable", "--json"});
  REQUIRE(m.exit_code == 0);
  const auto mj = nlohmann::json::parse(m.out);
  for (int i = 0; i < 3; ++i) {
    // Both print Lab rounded for reports; 1e-3 is below that rounding.
    CHECK(g["results"][0]["target_lab"][i].get<double>() ==
          Approx(mj["sessions"][0]["target_lab"][i].get<double>()).margin(1e-3));
  }
  fs::remove_all(dir);
}
