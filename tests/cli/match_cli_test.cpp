// `shadematch match` end to end through the binary: golden text and JSON on the fixed sample
// (samples/hand/palette.yaml, given colours, a fixed --today), usage errors and bad input.
// Regenerate the goldens after an intended change with SHADEMATCH_UPDATE_GOLDEN=1 and review the diff.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "support/paths.hpp"

using shadematch::test::run_cli;

namespace {

std::string sample_palette() {
  return shadematch::test::source_dir() + "/samples/hand/palette.yaml";
}

// The fixed sample: a mid-grey-brown follicle colour in light-medium skin, three sessions, top 3,
// with the accent; expiry checked on a fixed day so that the left-out inks do not drift.
std::vector<std::string> sample_args() {
  return {"match",          "--target", "45,3,2",     "--skin", "62,11,17", "--palette",
          sample_palette(), "--today",  "2026-11-23", "--top",  "3",        "--accent"};
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (std::size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size()))
    s.replace(p, from.size(), to);
  return s;
}

void check_golden(const std::string& name, const std::string& actual) {
  const std::string path = shadematch::test::test_data_dir() + "/golden/" + name;
  if (std::getenv("SHADEMATCH_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(path, std::ios::binary) << actual;
    WARN("updated " << path);
  }
  const std::string expected = shadematch::test::read_text_file(path);
  CHECK(actual == expected);
}

}  // namespace

TEST_CASE("cli match: text report of the sample matches the golden file", "[cli]") {
  const auto r = run_cli(sample_args());
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.empty());
  // Not a terminal: plain text, no escape sequences.
  CHECK(r.out.find('\x1b') == std::string::npos);
  check_golden("match_sample.txt", replace_all(r.out, sample_palette(), "samples/hand/palette.yaml"));
}

TEST_CASE("cli match: JSON of the sample matches the golden file and has the fields of DESIGN.md", "[cli]") {
  auto args = sample_args();
  args.emplace_back("--json");
  const auto r = run_cli(args);
  REQUIRE(r.exit_code == 0);
  auto j = nlohmann::json::parse(r.out);
  j["palette"]["source"] = "samples/hand/palette.yaml";
  check_golden("match_sample.json", j.dump(2) + "\n");
  for (const char* key : {"calibration", "regions", "plan", "sessions", "warnings"}) CHECK(j.contains(key));
  CHECK(j["plan"]["goal"] == "follicle");
  CHECK(j["plan"]["sessions"] == 3);
  CHECK(j["plan"]["shade_step_dL"] == 5.0);
  REQUIRE(j["sessions"].size() == 3);
  double previous_l = 1e9;
  for (const auto& s : j["sessions"]) {
    for (const char* key : {"session", "target_lab", "target_hex", "blends"}) CHECK(s.contains(key));
    REQUIRE_FALSE(s["blends"].empty());
    for (const auto& b : s["blends"]) {
      for (const char* key : {"rank", "recipe", "inks", "dilution", "predicted_lab", "predicted_hex", "de00", "dL",
                              "dC", "dH", "score"}) {
        CHECK(b.contains(key));
      }
      CHECK(b["inks"][0].contains("id"));
      CHECK(b["inks"][0].contains("parts"));
    }
    // First choices darken by at least half a shade (2.5) from session to session.
    const double l = s["blends"][0]["predicted_lab"][0].get<double>();
    CHECK(l <= previous_l - 2.5);
    previous_l = l;
  }
  // The sample palette has one ink out of stock and expired, one expired on 2026-11-23.
  CHECK(j["palette"]["inks_left_out"] == 2);
  // The layered skin model heals this palette's darkest blend to L* ≈ 39.9 in this skin, and the
  // last session's first choice is L* ≈ 44.9: the accent (DESIGN.md: a shade darker than the final
  // target, and at least half a shade darker than its first choice) exists, and is darker by that
  // half shade (the search for it is tested in tests/plan/search_test.cpp).
  const auto& last = j["sessions"][2];
  REQUIRE(last.contains("accent"));
  CHECK(last["accent"]["target_lab"][0].get<double>() == Approx(45.0 - 5.0));
  CHECK(last["accent"]["predicted_lab"][0].get<double>() <= last["blends"][0]["predicted_lab"][0].get<double>() - 2.5);
  for (const auto& w : j["warnings"]) CHECK(w.get<std::string>().find("no accent blend") == std::string::npos);
}

TEST_CASE("cli match: --include-unavailable searches every ink", "[cli]") {
  auto args = sample_args();
  args.emplace_back("--json");
  args.emplace_back("--include-unavailable");
  const auto r = run_cli(args);
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["palette"]["inks_left_out"] == 0);
  CHECK(j["palette"]["inks_searched"] == 6);
}

TEST_CASE("cli match: goals reduce-contrast and scar from given colours", "[cli]") {
  auto r = run_cli({"match", "--target", "30,3,5", "--skin", "65,12,16", "--palette", sample_palette(), "--goal",
                    "reduce-contrast", "--sessions", "1", "--json", "--today", "2026-11-23"});
  REQUIRE(r.exit_code == 0);
  auto j = nlohmann::json::parse(r.out);
  // 65 + 0.6·(30 − 65) = 44: between scalp and hair.
  CHECK(j["plan"]["final_target_lab"][0].get<double>() == Approx(44.0));
  r = run_cli({"match", "--target", "30,3,5", "--skin", "65,12,16", "--scar", "78,8,10", "--palette", sample_palette(),
               "--goal", "scar", "--sessions", "1", "--json", "--today", "2026-11-23"});
  REQUIRE(r.exit_code == 0);
  j = nlohmann::json::parse(r.out);
  CHECK(j["plan"]["substrate_lab"][0].get<double>() == Approx(78.0));
  CHECK(j["plan"]["appearance"] == "area");
}

// A near-black follicle on very light skin (the demo photo's case): the darkest blend of the
// sample palette heals to L* ≈ 49 there (layered skin optics), far lighter than the hair's 15.
std::vector<std::string> beyond_reach_args() {
  return {"match",          "--target", "15,-1,2",    "--skin", "85,12,12", "--palette",
          sample_palette(), "--today",  "2026-11-23", "--top",  "3"};
}

TEST_CASE("cli match: hair darker than the palette can heal gets an anchored plan, said once at the top", "[cli]") {
  const auto r = run_cli(beyond_reach_args());
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.empty());
  const std::string out = replace_all(r.out, sample_palette(), "samples/hand/palette.yaml");
  check_golden("match_beyond_reach.txt", out);
  // Once, before the first session; every session lists blends.
  const std::size_t note = out.find("Beyond reach:");
  REQUIRE(note != std::string::npos);
  CHECK(out.find("Beyond reach:", note + 1) == std::string::npos);
  CHECK(note < out.find("Session 1 of 3"));
  CHECK(out.find("No blend qualifies") == std::string::npos);
  CHECK(out.find("Nothing comes within") == std::string::npos);
  // The reduce-contrast target, 85 + 0.6·(15 − 85) = L* 43, lies within half a shade (2.5) of the
  // darkest blend (L* ≈ 45.4 here): it is offered as the way out (the refusal when it lies
  // further is tested in tests/plan/search_test.cpp).
  CHECK(out.find("--goal reduce-contrast") != std::string::npos);

  auto args = beyond_reach_args();
  args.emplace_back("--json");
  const auto rj = run_cli(args);
  REQUIRE(rj.exit_code == 0);
  const auto j = nlohmann::json::parse(rj.out);
  CHECK(j["plan"]["anchored"] == true);
  CHECK(j["plan"]["final_target_lab"][0].get<double>() == Approx(15.0));  // the goal's target is kept
  const auto& b = j["beyond_reach"];
  for (const char* key : {"target_lab", "darkest_lab", "darkest_recipe", "dL", "margin_dL", "aimed_final_lab",
                          "gap_de00", "palette_lacks", "message"}) {
    CHECK(b.contains(key));
  }
  REQUIRE(b.contains("alternative"));
  CHECK(b["alternative"]["goal"] == "reduce-contrast");
  CHECK(b["alternative"]["target_lab"][0].get<double>() == Approx(85.0 + 0.6 * (15.0 - 85.0)));
  const double darkest = b["darkest_lab"][0].get<double>();
  CHECK(b["dL"].get<double>() == Approx(darkest - 15.0).margin(1e-3));  // JSON rounds to 1e-4
  CHECK(b["dL"].get<double>() > b["margin_dL"].get<double>());
  CHECK(b["margin_dL"].get<double>() == Approx(2.5));  // half of the palette's shade step 5
  CHECK(darkest - (85.0 + 0.6 * (15.0 - 85.0)) <= 2.5);
  CHECK(j["plan"]["darkest_reachable"]["recipe"] == b["darkest_recipe"]);
  // plan.reachable: the ideal, the reachable target (lightness first: the darkest L*), the gap.
  const auto& reach = j["plan"]["reachable"];
  CHECK(reach["ideal_lab"][0].get<double>() == Approx(15.0));
  CHECK(reach["target_lab"][0].get<double>() == Approx(darkest).margin(1e-3));
  CHECK(reach["target_lab"] == b["aimed_final_lab"]);
  CHECK(reach["gap_de00"].get<double>() > 10.0);
  CHECK(reach["gap_dL"].get<double>() == Approx(darkest - 15.0).margin(1e-3));
  CHECK(reach["session_step_dL"].get<double>() == Approx(5.0));
  REQUIRE(reach["ideal_session_targets"].size() == 3);
  // The last session aims at the reachable target, earlier ones a shade lighter, each within
  // ΔE00 2 of its first choice.
  REQUIRE(j["sessions"].size() == 3);
  for (std::size_t k = 0; k < 3; ++k) {
    const auto& s = j["sessions"][k];
    CHECK(s["target_lab"][0].get<double>() == Approx(darkest + 5.0 * static_cast<double>(2 - k)).margin(1e-3));
    REQUIRE_FALSE(s["blends"].empty());
    CHECK(s["blends"][0]["de00"].get<double>() < 2.0);
  }
  CHECK(j["sessions"][2]["target_lab"] == reach["target_lab"]);
  for (const auto& w : j["warnings"]) CHECK(w.get<std::string>().find("half a shade") == std::string::npos);
}

// The evidence (issue 14): hair black, dark brown, mid brown and grey on Monk 2, 5 and 8
// skin with palettes/house.yaml, three sessions. Hair colours: black and dark-brown tresses of
// Scanavez et al. 2000 (J Cosmet Sci 51:289: L* 18.0–21.6 and 21.7–23.8), mid brown and grey as
// the issue states them. Skins: the Monk Skin Tone Scale's sRGB (calibration/
// monk_skin_tone_srgb.csv #f3e7db, #d7bd96, #604134) as Lab D50 (Bradford-adapted sRGB).
// What must hold where the hair is darker than the skin: three sessions, each first choice at least
// half the palette's shade darker than the one before and within ΔE00 2 of its stated
// (reachable) target, and the report says how far the final target is from the hair. Where the
// hair is not darker than the skin (mid brown and grey on Monk 8) pigment cannot help: the plan
// must say so instead.
TEST_CASE("cli match: the issue-14 evidence matrix of hair colours and Monk skins", "[cli]") {
  const std::string palette = shadematch::test::source_dir() + "/palettes/house.yaml";
  const std::vector<std::pair<std::string, std::string>> hairs{
      {"black", "18,0,-1"}, {"dark brown", "22,4,5"}, {"mid brown", "35,8,14"}, {"grey", "55,0,2"}};
  const std::vector<std::pair<std::string, std::string>> skins{
      {"Monk 2", "92.36,2.73,7.39"}, {"Monk 5", "78.14,5.32,23.36"}, {"Monk 8", "30.88,12.57,13.64"}};
  for (const auto& [hair_name, hair] : hairs) {
    for (const auto& [skin_name, skin] : skins) {
      INFO(hair_name << " hair on " << skin_name);
      // --today fixed so that the example inks' expiry dates do not change the plan.
      const auto r = run_cli({"match", "--target", hair, "--skin", skin, "--palette", palette, "--sessions", "3",
                              "--today", "2026-01-01", "--json"});
      REQUIRE(r.exit_code == 0);
      const auto j = nlohmann::json::parse(r.out);
      const double hair_l = std::stod(hair.substr(0, hair.find(',')));
      const double skin_l = std::stod(skin.substr(0, skin.find(',')));
      const auto& reach = j["plan"]["reachable"];
      REQUIRE(reach.contains("gap_de00"));  // how far the final target is from the hair
      REQUIRE(j["sessions"].size() == 3);
      if (hair_l >= skin_l) {
        bool said = false;
        for (const auto& w : j["warnings"])
          said = said || w.get<std::string>().find("not darker than this skin") != std::string::npos;
        CHECK(said);
        continue;
      }
      // Half the palette's shade (house.yaml: 5), on every skin: a dark skin shrinks the step
      // between the targets but keeps the first choices that far apart while its room allows
      // (search.hpp).
      const double half = 0.5 * j["plan"]["shade_step_dL"].get<double>();
      REQUIRE(half == 2.5);
      double previous = 101.0;
      for (const auto& s : j["sessions"]) {
        REQUIRE_FALSE(s["blends"].empty());
        const auto& first = s["blends"][0];
        const double l = first["predicted_lab"][0].get<double>();
        INFO("session " << s["session"] << ": " << first["recipe"] << " L* " << l << ", ΔE00 " << first["de00"]);
        CHECK(first["de00"].get<double>() < 2.0);
        CHECK(l <= previous - half + 1e-9);
        previous = l;
      }
      // On light and medium skin the shade is the palette's own (5); only a dark skin shrinks it.
      // On Monk 8 the range from the lightest blend (L* 30.8) to undiluted jet-black (24.3) holds two
      // steps of 1.2 half shades (3.0) but not three of 5.
      if (skin_name != "Monk 8") CHECK(reach["session_step_dL"].get<double>() == Approx(5.0));
      if (skin_name == "Monk 8") CHECK(reach["session_step_dL"].get<double>() == Approx(3.0));
      for (const auto& s : j["sessions"]) CHECK_FALSE(s.contains("palette_lacks"));  // no "Nothing comes within"
    }
  }
}

TEST_CASE("cli match: usage errors exit 2 and bad files exit 1, with one line on stderr", "[cli]") {
  const std::string palette = sample_palette();
  struct Case {
    std::vector<std::string> args;
    int code;
    std::string mentions;
  };
  const std::vector<Case> cases{
      {{"match", "--target", "30,3,5", "--skin", "65,12,16"}, 2, "--palette"},
      {{"match", "--target", "30,3,5", "--palette", palette}, 2, "--skin"},
      {{"match", "--target", "30,3,5", "--skin", "65,12,16", "--palette", palette, "--goal", "eyebrows"},
       2,
       "eyebrows"},
      {{"match", "--target", "30,x,5", "--skin", "65,12,16", "--palette", palette}, 2, "30,x,5"},
      {{"match", "--target", "30,3,5", "--skin", "65,12,16", "--palette", palette, "--sessions", "0"}, 2, "--sessions"},
      {{"match", "--target", "30,3,5", "--skin", "65,12,16", "--palette", palette, "--today", "23/11/2026"},
       2,
       "--today"},
      {{"match", "--target", "30,3,5", "--skin", "65,12,16", "--palette", palette, "--goal", "scar"}, 2, "--scar"},
      {{"match", "--target", "30,3,5", "--skin", "65,12,16", "--palette", "/nonexistent/palette.yaml"},
       1,
       "palette.yaml"},
  };
  for (const Case& c : cases) {
    const auto r = run_cli(c.args);
    INFO(r.err);
    CHECK(r.exit_code == c.code);
    CHECK(r.out.empty());
    CHECK(r.err.find(c.mentions) != std::string::npos);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  }
}

TEST_CASE("cli match: --html writes one self-contained page with the recipes", "[cli]") {
  const std::string dir = shadematch::test::make_temp_dir("shadematch-match-html");
  const std::string out = dir + "/report.html";
  auto args = sample_args();
  args.insert(args.end(), {"--html", out});
  const auto r = run_cli(args);
  REQUIRE(r.exit_code == 0);
  const std::string html = shadematch::test::read_text_file(out);
  CHECK(html.rfind("<!doctype html>", 0) == 0);
  CHECK(html.find("name=\"viewport\"") != std::string::npos);  // readable on a phone
  CHECK(html.find("http://") == std::string::npos);            // nothing fetched from the network
  CHECK(html.find("https://") == std::string::npos);
  CHECK(html.find("<script") == std::string::npos);
  // Every recipe of the text report is on the page.
  const auto j = nlohmann::json::parse(run_cli([&] {
                                         auto a = sample_args();
                                         a.emplace_back("--json");
                                         return a;
                                       }())
                                           .out);
  for (const auto& s : j["sessions"]) {
    for (const auto& b : s["blends"]) CHECK(html.find(b["recipe"].get<std::string>()) != std::string::npos);
  }
  // Written whole: no temporary file left beside it.
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) ++files;
  CHECK(files == 1);
  std::filesystem::remove_all(dir);
}

TEST_CASE("cli match: --preview writes the healed preview PNG, whole, and the HTML embeds it", "[cli]") {
  const std::string dir = shadematch::test::make_temp_dir("shadematch-match-preview");
  const std::string png = dir + "/preview.png";
  const std::string html = dir + "/report.html";
  auto args = sample_args();
  args.insert(args.end(), {"--preview", png, "--html", html});
  const auto r = run_cli(args);
  REQUIRE(r.exit_code == 0);
  const std::string bytes = shadematch::test::read_text_file(png);
  REQUIRE(bytes.size() > 8);
  CHECK(bytes.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0);  // the PNG signature
  // One panel per session and one for the hair, 240 px each with 8 px gaps: 8 + 4·248 = 1000 wide,
  // 8 + 240 + 40 = 288 high (photo/preview.hpp). The IHDR chunk holds width and height big-endian.
  auto be32 = [&](std::size_t at) {
    return (static_cast<unsigned>(static_cast<unsigned char>(bytes[at])) << 24) |
           (static_cast<unsigned>(static_cast<unsigned char>(bytes[at + 1])) << 16) |
           (static_cast<unsigned>(static_cast<unsigned char>(bytes[at + 2])) << 8) |
           static_cast<unsigned>(static_cast<unsigned char>(bytes[at + 3]));
  };
  CHECK(be32(16) == 1000U);
  CHECK(be32(20) == 288U);
  const std::string page = shadematch::test::read_text_file(html);
  CHECK(page.find("<h2>Healed preview</h2>") != std::string::npos);
  CHECK(page.find("data:image/png;base64,") != std::string::npos);
  // Written whole: only the two files in the directory.
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) ++files;
  CHECK(files == 2);
  // An unwritable path: one error line, exit 1, nothing written.
  auto bad = sample_args();
  bad.insert(bad.end(), {"--preview", dir + "/no/such/dir/p.png"});
  const auto rb = run_cli(bad);
  CHECK(rb.exit_code == 1);
  CHECK(std::count(rb.err.begin(), rb.err.end(), '\n') == 1);
  std::filesystem::remove_all(dir);
}
