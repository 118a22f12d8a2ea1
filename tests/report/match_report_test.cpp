// The match report's renderings from a plan computed with the stand-in predictor of tests/plan.
// The HTML page is rendered in headless Chromium when it is installed (scripts/test installs it).
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "plan/plan_support.hpp"
#include "report/html.hpp"
#include "report/match_report.hpp"
#include "report/terminal.hpp"
#include "support/paths.hpp"

using namespace shadematch;

namespace {

report::MatchReport sample_report() {
  const std::vector<colour::Lab> labs{{15.0, 0.0, 0.0}, {25.0, 6.0, 10.0}, {40.0, 10.0, 18.0}, {50.0, 15.0, 25.0}};
  const colour::Lab skin{65.0, 12.0, 16.0};
  const auto palette = test::make_palette({"jet-black", "dark-brown", "mid-brown", "warm-brown"}, labs,
                                          {{0, 1}, {2, 1}, {4, 1}, {8, 1}}, 3, 6);
  const test::LinearLabPredictor predictor(labs, skin);
  const plan::PlanColours colours{{24.0, 4.0, 8.0}, skin, std::nullopt, 0.3};
  const auto targets = plan::plan_targets({plan::Goal::follicle, 3, 5.0}, colours);
  report::MatchReport r;
  plan::SearchOptions options;
  options.top_k = 3;
  r.plan = plan::plan_blends(palette, predictor, targets, options);
  r.palette_name = "Test palette";
  r.palette_source = "test-palette.yaml";
  r.regions = report::given_regions_json(colours, false, false);
  r.today = "2026-11-23";
  return r;
}

}  // namespace

TEST_CASE("report terminal: display width counts code points and skips escape sequences", "[unit]") {
  CHECK(report::display_width("ΔE00") == 4);
  CHECK(report::display_width(report::swatch(colour::Srgb8{10, 20, 30, false}, 4)) == 4);
  CHECK(report::fixed(-0.04, 1) == "0.0");
  report::TextTable t({"a", "ΔE"}, {report::Align::left, report::Align::right});
  t.add_row({"xyz", "1.5"});
  CHECK(t.render() == "a     ΔE\nxyz  1.5\n");
}

TEST_CASE("report html: base64 of RFC 4648 test vectors and escaping", "[reference]") {
  // RFC 4648 §10.
  CHECK(report::base64("") == "");
  CHECK(report::base64("f") == "Zg==");
  CHECK(report::base64("fo") == "Zm8=");
  CHECK(report::base64("foo") == "Zm9v");
  CHECK(report::base64("foobar") == "Zm9vYmFy");
  CHECK(report::html_escape("<a href=\"x\">&'") == "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
}

TEST_CASE("report match: text lists every session with swatches only when asked", "[unit]") {
  const auto r = sample_report();
  const std::string plain = report::match_text(r, false);
  const std::string colour = report::match_text(r, true);
  CHECK(plain.find('\x1b') == std::string::npos);
  CHECK(colour.find("\x1b[48;2;") != std::string::npos);
  for (const auto& s : r.plan.sessions) {
    CHECK(plain.find("Session " + std::to_string(s.session) + " of 3") != std::string::npos);
    for (const auto& b : s.blends) CHECK(plain.find(b.recipe) != std::string::npos);
  }
}

TEST_CASE("report match: JSON numbers are those of the plan, rounded to 1e-4", "[unit]") {
  const auto r = sample_report();
  const auto j = report::match_json(r);
  const auto& b = r.plan.sessions[0].blends[0];
  const auto& jb = j["sessions"][0]["blends"][0];
  CHECK(jb["recipe"] == b.recipe);
  CHECK(jb["de00"].get<double>() == Approx(b.de00).margin(5e-5));  // rounding to 4 decimals
  CHECK(jb["predicted_lab"][0].get<double>() == Approx(b.predicted.l).margin(5e-5));
  CHECK(jb["dL"].get<double>() == Approx(b.diff.dl).margin(5e-5));
  CHECK(j["plan"]["shade_step_dL"] == 5.0);
  CHECK(j["calibration"].is_null());
}

TEST_CASE("report match: a target beyond the palette's reach is said once, at the top, in text, JSON and HTML",
          "[unit]") {
  // The stand-in's darkest blend is undiluted jet-black, L* 15; the follicle at L* 5 lies 10 below.
  const std::vector<colour::Lab> labs{{15.0, 0.0, 0.0}, {25.0, 6.0, 10.0}};
  const colour::Lab skin{65.0, 12.0, 16.0};
  const auto palette = test::make_palette({"jet-black", "dark-brown"}, labs, {{0, 1}, {2, 1}, {4, 1}}, 2, 4);
  const test::LinearLabPredictor predictor(labs, skin);
  const plan::PlanColours colours{{5.0, 1.0, 2.0}, skin, std::nullopt, 0.3};
  report::MatchReport r;
  r.plan = plan::plan_blends(palette, predictor, plan::plan_targets({plan::Goal::follicle, 3, 5.0}, colours), {});
  r.palette_name = "Test palette";
  r.palette_source = "test-palette.yaml";
  r.regions = report::given_regions_json(colours, false, false);
  REQUIRE(r.plan.reach);
  REQUIRE(r.plan.reach->anchored);

  const std::string text = report::match_text(r, false);
  const std::size_t note = text.find("Beyond reach: the hair (L* 5.0)");
  REQUIRE(note != std::string::npos);
  CHECK(text.find("Beyond reach", note + 1) == std::string::npos);
  CHECK(note < text.find("Session 1 of 3"));
  CHECK(text.find("by ΔL* 10.0") != std::string::npos);
  CHECK(text.find("1 jet-black @ 0:1") != std::string::npos);
  CHECK(text.find("--goal reduce-contrast") != std::string::npos);  // 65 + 0.6·(5 − 65) = 29 is reachable

  const auto j = report::match_json(r);
  CHECK(j["plan"]["anchored"] == true);
  CHECK(j["beyond_reach"]["dL"].get<double>() == Approx(10.0));
  CHECK(j["beyond_reach"]["darkest_recipe"] == "1 jet-black @ 0:1");
  CHECK(j["beyond_reach"]["aimed_final_lab"][0].get<double>() == Approx(15.0));
  CHECK(j["beyond_reach"]["alternative"]["target_lab"][0].get<double>() == Approx(29.0));
  CHECK(j["sessions"][2]["target_lab"][0].get<double>() == Approx(15.0));

  const std::string html = report::match_html(r);
  const std::size_t at = html.find("Beyond this palette's reach");
  REQUIRE(at != std::string::npos);
  CHECK(at < html.find("Session 1 of 3"));
  CHECK(html.find("Beyond reach: the hair") != std::string::npos);
}

TEST_CASE("report match: the HTML page renders in headless Chromium with the recipes, not blank", "[unit]") {
  const auto r = sample_report();
  const std::string html = report::match_html(r);
  const std::string dir = test::make_temp_dir("shadematch-html-render");
  const std::string page = dir + "/report.html";
  std::ofstream(page) << html;
  std::string browser;
  for (const char* candidate : {"/usr/bin/chromium", "/usr/bin/chromium-browser"}) {
    if (std::filesystem::exists(candidate)) {
      browser = candidate;
      break;
    }
  }
  if (browser.empty()) {
    WARN("chromium is not installed: the HTML rendering check is skipped (scripts/test installs it)");
    std::filesystem::remove_all(dir);
    return;
  }
  const std::string flags =
      " --headless --no-sandbox --disable-gpu --disable-quic --no-first-run"
      " --disable-background-networking --disable-component-update --disable-sync"
      " --window-size=412,900 --user-data-dir=";
  const std::string shot = dir + "/shot.png";
  const std::string dom = dir + "/dom.html";
  const std::string cmd1 = "timeout 120 " + browser + flags + dir + "/profile1 --screenshot=" + shot + " file://" +
                           page + " >/dev/null 2>&1";
  const std::string cmd2 =
      "timeout 120 " + browser + flags + dir + "/profile2 --dump-dom file://" + page + " >" + dom + " 2>/dev/null";
  REQUIRE(std::system(cmd1.c_str()) == 0);
  REQUIRE(std::system(cmd2.c_str()) == 0);
  const std::string rendered = test::read_text_file(dom);
  for (const auto& s : r.plan.sessions) {
    for (const auto& b : s.blends) CHECK(rendered.find(b.recipe) != std::string::npos);
  }
  const cv::Mat img = cv::imread(shot, cv::IMREAD_COLOR);
  REQUIRE_FALSE(img.empty());
  cv::Scalar mean, stddev;
  cv::meanStdDev(img, mean, stddev);
  // A blank page is one flat colour (σ = 0); text, tables and swatches give σ well above 10 levels.
  CHECK(stddev[0] + stddev[1] + stddev[2] > 10.0);
  std::filesystem::remove_all(dir);
}
