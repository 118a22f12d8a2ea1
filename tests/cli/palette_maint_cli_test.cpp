// CLI tests of palette add / lint / swatches (issue 8), running the built binary.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "support/paths.hpp"

using shadematch::test::read_text_file;
using shadematch::test::run_cli;
using shadematch::test::test_data_dir;

namespace {

std::string copy_fixture(const std::string& name, const std::string& dir) {
  const std::string text = read_text_file(test_data_dir() + "/palettes/" + name);
  const std::string path = dir + "/" + name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

}  // namespace

TEST_CASE("palette add: the palette validates after, and only the ink's lines were added", "[cli]") {
  const std::string dir = shadematch::test::make_temp_dir("palette_add_cli");
  const std::string path = copy_fixture("clean.yaml", dir);
  const std::string before = read_text_file(path);
  const auto r = run_cli({"palette", "add", path, "--id", "mocha", "--name", "Mocha", "--lab", "30,10,15", "--lot",
                          "MO-1", "--expires", "2028-01-31", "--in-stock", "yes", "--maker", "example"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(run_cli({"palette", "validate", path}).exit_code == 0);
  CHECK(read_text_file(path + ".bak") == before);
  const std::string after = read_text_file(path);
  const std::string added = after.substr(after.find("  - id: mocha\n"), after.size() - before.size());
  CHECK(added.find("name: Mocha\n") != std::string::npos);
  CHECK(after.substr(0, after.find(added)) + after.substr(after.find(added) + added.size()) == before);

  // The same id again: refused, exit 1, the file unchanged.
  const auto dup = run_cli({"palette", "add", path, "--id", "mocha", "--name", "X", "--lab", "30,10,15"});
  CHECK(dup.exit_code == 1);
  CHECK_THAT(dup.err, Catch::Contains("already exists"));
  CHECK(read_text_file(path) == after);
  // An invalid value: exit 1, unchanged; two colours: usage error.
  CHECK(run_cli({"palette", "add", path, "--id", "x", "--name", "X", "--lab", "30,10,200"}).exit_code == 1);
  CHECK(run_cli({"palette", "add", path, "--id", "x", "--name", "X", "--lab", "30,10,20", "--reflectance", "r.csv"})
            .exit_code == 2);
  CHECK(read_text_file(path) == after);
}

TEST_CASE("palette add: a failed write leaves the original intact and exits 1", "[cli]") {
  const std::string dir = shadematch::test::make_temp_dir("palette_add_fail");
  const std::string path = copy_fixture("clean.yaml", dir);
  const std::string before = read_text_file(path);
  // The backup cannot be written: a directory stands where F.bak goes (works as root too, where an
  // unwritable directory would not stop the write).
  REQUIRE(::mkdir((path + ".bak").c_str(), 0755) == 0);
  auto r = run_cli({"palette", "add", path, "--id", "mocha", "--name", "Mocha", "--lab", "30,10,15"});
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Catch::StartsWith("shadematch: "));
  CHECK(read_text_file(path) == before);
  if (::geteuid() != 0) {  // an unwritable directory
    const std::string ro = shadematch::test::make_temp_dir("palette_add_ro");
    const std::string p2 = copy_fixture("clean.yaml", ro);
    REQUIRE(::chmod(ro.c_str(), 0555) == 0);
    r = run_cli({"palette", "add", p2, "--id", "mocha", "--name", "Mocha", "--lab", "30,10,15"});
    ::chmod(ro.c_str(), 0755);
    CHECK(r.exit_code == 1);
    CHECK(read_text_file(p2) == before);
  }
}

TEST_CASE("palette lint: nothing in the clean fixture, each planted problem in the other", "[cli]") {
  const auto clean = run_cli({"palette", "lint", test_data_dir() + "/palettes/clean.yaml", "--today", "2026-11-23"});
  INFO(clean.out << clean.err);
  CHECK(clean.exit_code == 0);
  CHECK_THAT(clean.out, Catch::EndsWith("clean\n"));

  const auto planted =
      run_cli({"palette", "lint", test_data_dir() + "/palettes/planted.yaml", "--today", "2026-11-23", "--json"});
  INFO(planted.out << planted.err);
  CHECK(planted.exit_code == 1);
  const auto j = nlohmann::json::parse(planted.out);
  std::multiset<std::string> found;
  for (const auto& f : j["findings"]) found.insert(f["kind"].get<std::string>() + " " + f["ink"].get<std::string>());
  const std::multiset<std::string> expected = {"near-duplicate jet-black-2", "expired dark-brown",
                                               "expiring-soon red-oxide",    "out-of-stock red-oxide",
                                               "missing-lot yellow-oxide",   "rough-reflectance noisy-tan"};
  CHECK(found == expected);
  CHECK(run_cli({"palette", "lint", test_data_dir() + "/palettes/clean.yaml", "--today", "23/11/2026"}).exit_code == 2);
}

TEST_CASE("palette swatches: PNG and HTML written; the HTML renders in headless Chromium", "[cli]") {
  const std::string dir = shadematch::test::make_temp_dir("palette_swatches");
  const std::string palette = test_data_dir() + "/palettes/clean.yaml";
  REQUIRE(run_cli({"palette", "swatches", palette, "--out", dir + "/s.png"}).exit_code == 0);
  const std::string png = read_text_file(dir + "/s.png");
  CHECK(png.substr(1, 3) == "PNG");
  const auto html = run_cli({"palette", "swatches", palette, "--out", dir + "/s.html", "--skin", "60,12,18"});
  REQUIRE(html.exit_code == 0);
  CHECK(run_cli({"palette", "swatches", palette, "--out", dir + "/nodir/s.png"}).exit_code == 1);
  CHECK(run_cli({"palette", "swatches", palette, "--out", dir + "/s.gif"}).exit_code == 2);

  const char* candidates[] = {"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"};
  std::string chromium;
  for (const char* c : candidates) {
    if (::access(c, X_OK) == 0) chromium = c;
  }
  if (chromium.empty()) {
    WARN("chromium not installed: the HTML chart was not rendered");
    return;
  }
  const std::string cmd = chromium +
                          " --headless --no-sandbox --disable-gpu --disable-quic --no-first-run"
                          " --disable-background-networking --disable-component-update --disable-sync"
                          " --user-data-dir=" +
                          dir + "/profile --screenshot=" + dir + "/shot.png" + " --window-size=1600,600 file://" + dir +
                          "/s.html > /dev/null 2>&1";
  REQUIRE(std::system(cmd.c_str()) == 0);
  const std::string shot = read_text_file(dir + "/shot.png");
  CHECK(shot.size() > 1000);
  const std::string dom_cmd = chromium +
                              " --headless --no-sandbox --disable-gpu --disable-quic --no-first-run"
                              " --disable-background-networking --disable-component-update --disable-sync"
                              " --user-data-dir=" +
                              dir + "/profile2 --dump-dom file://" + dir + "/s.html > " + dir + "/dom.html 2>/dev/null";
  REQUIRE(std::system(dom_cmd.c_str()) == 0);
  const std::string dom = read_text_file(dir + "/dom.html");
  CHECK(dom.find("data-ink=\"yellow-oxide\"") != std::string::npos);
}
