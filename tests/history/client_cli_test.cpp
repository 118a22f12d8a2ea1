// `shadematch client …` and `shadematch healing fit` through the binary, and the evidence:
// a clinic of 16 healed records under parameters the fit is not told.
#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "clinic.hpp"
#include "colour/delta_e.hpp"
#include "files/palette_file.hpp"
#include "history/healing_fit.hpp"
#include "support/paths.hpp"

using namespace shadematch;
using test::run_cli;

namespace {

std::string house() {
  return test::source_dir() + "/palettes/house.yaml";
}

std::string lab_arg(const colour::Lab& lab) {
  char buf[96];
  std::snprintf(buf, sizeof buf, "%.4f,%.4f,%.4f", lab.l, lab.a, lab.b);
  return buf;
}

colour::Lab lab_of(const nlohmann::json& j) {
  return {j[0].get<double>(), j[1].get<double>(), j[2].get<double>()};
}

// A non-empty stderr that is exactly one "shadematch: …" line.
void one_error_line(const test::RunResult& r) {
  INFO(r.err);
  CHECK(r.err.rfind("shadematch: ", 0) == 0);
  CHECK(r.err.find('\n') == r.err.size() - 1);
}

struct TempDir {
  std::string path = test::make_temp_dir("client-cli");
  ~TempDir() { std::filesystem::remove_all(path); }
};

}  // namespace

TEST_CASE("cli client: add, list, show with --json, errors and their exit codes", "[cli]") {
  TempDir dir;
  const std::string db = dir.path + "/clinic.db";
  auto r = run_cli({"client", "list", "--db", db});
  CHECK(r.exit_code == 1);  // no database yet: only `client add` creates one
  one_error_line(r);
  CHECK(r.err.find("no client database here") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(db));

  r = run_cli({"client", "add", "anna-k", "--name", "Anna K", "--notes", "thinning crown", "--db", db, "--json"});
  REQUIRE(r.exit_code == 0);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["client"]["id"] == "anna-k");
  CHECK(j["client"]["notes"] == "thinning crown");
  CHECK(j["client"]["sessions"] == 0);

  r = run_cli({"client", "add", "anna-k", "--name", "Again", "--db", db});
  CHECK(r.exit_code == 1);
  one_error_line(r);
  CHECK(r.err.find("already exists") != std::string::npos);
  CHECK(run_cli({"client", "add", "bad id!", "--name", "X", "--db", db}).exit_code == 2);
  CHECK(run_cli({"client", "add", "b", "--db", db}).exit_code == 2);  // --name missing
  CHECK(run_cli({"client", "frobnicate", "--db", db}).exit_code == 2);
  CHECK(run_cli({"client"}).exit_code == 2);
  CHECK(run_cli({"client", "show", "nobody", "--db", db}).exit_code == 1);

  r = run_cli({"client", "list", "--db", db, "--json"});
  REQUIRE(r.exit_code == 0);
  j = nlohmann::json::parse(r.out);
  REQUIRE(j["clients"].size() == 1);
  CHECK(j["clients"][0]["name"] == "Anna K");

  // The default database: $SHADEMATCH_DB.
  ::setenv("SHADEMATCH_DB", db.c_str(), 1);
  r = run_cli({"client", "list"});
  ::unsetenv("SHADEMATCH_DB");
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("anna-k  Anna K") != std::string::npos);
}

TEST_CASE("cli client: record and healed store what mix predicts and what healed, show lists it", "[cli]") {
  TempDir dir;
  const std::string db = dir.path + "/clinic.db";
  REQUIRE(run_cli({"client", "add", "c1", "--name", "C One", "--db", db}).exit_code == 0);
  const std::string blend = "2 jet-black + 1 warm-brown @ 8:1";
  auto r = run_cli({"client", "record", "c1", "--session", "1", "--blend", blend, "--palette", house(), "--target",
                    "24,4,5", "--skin", "66,11,17", "--date", "2026-01-10", "--db", db, "--json"});
  REQUIRE(r.exit_code == 0);
  INFO(r.out);
  auto j = nlohmann::json::parse(r.out);
  const auto session = j["session"];
  CHECK(session["recipe"] == blend);
  CHECK(session["inks"][0]["lot"] == "JB-2611");  // the palette's lot that day
  CHECK(session["palette"]["sha256"].get<std::string>().size() == 64);
  CHECK(session["model_parameters"]["retention"] == 0.6);  // palettes/house.yaml's healing
  CHECK(session["photo"].is_null());
  // The stored prediction is the one `mix` makes for the same blend and skin (the same model).
  const auto mix = run_cli({"mix", "--palette", house(), "--blend", blend, "--skin", "66,11,17", "--json"});
  REQUIRE(mix.exit_code == 0);
  const colour::Lab mixed = lab_of(nlohmann::json::parse(mix.out)["predicted_lab"]);
  CHECK(colour::delta_e_76(lab_of(session["predicted_lab"]), mixed) < 0.01);  // both rounded to 0.01

  // The session is taken; unknown inks name their column; a photo and --target together is usage.
  r = run_cli({"client", "record", "c1", "--session", "1", "--blend", blend, "--palette", house(), "--target", "24,4,5",
               "--skin", "66,11,17", "--db", db});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("already has session 1") != std::string::npos);
  r = run_cli({"client", "record", "c1", "--session", "2", "--blend", "2 jet-blak", "--palette", house(), "--target",
               "24,4,5", "--skin", "66,11,17", "--db", db});
  CHECK(r.exit_code == 1);
  one_error_line(r);
  CHECK(r.err.find("--blend:1:3: error: unknown ink 'jet-blak'") != std::string::npos);
  CHECK(run_cli({"client", "record", "c1", "--session", "2", "--blend", blend, "--palette", house(), "photo.jpg",
                 "--target", "24,4,5", "--skin", "66,11,17", "--db", db})
            .exit_code == 2);
  CHECK(run_cli({"client", "record", "c1", "--session", "0", "--blend", blend, "--palette", house(), "--target",
                 "24,4,5", "--skin", "66,11,17", "--db", db})
            .exit_code == 2);
  CHECK(run_cli({"client", "record", "c1", "--session", "2", "--blend", blend, "--palette", house(), "--target",
                 "24,4,5", "--skin", "66,11,17", "--date", "2026-02-30", "--db", db})
            .exit_code == 2);

  // Healed: under 3 weeks warns; before the session or of an unknown session is refused.
  r = run_cli({"client", "healed", "c1", "--session", "1", "--lab", "47,2.5,0.5", "--date", "2026-01-24", "--db", db,
               "--json"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.find("warning: the follow-up is 14 days after session 1") != std::string::npos);
  j = nlohmann::json::parse(r.out);
  CHECK(j["days_after_session"] == 14);
  CHECK(j["de00"].get<double>() ==
        Approx(colour::delta_e_2000(lab_of(session["predicted_lab"]), {47, 2.5, 0.5})).margin(0.01));
  r = run_cli({"client", "healed", "c1", "--session", "1", "--lab", "48,2,0", "--date", "2026-02-21", "--db", db});
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK(run_cli({"client", "healed", "c1", "--session", "1", "--lab", "48,2,0", "--date", "2026-01-01", "--db", db})
            .exit_code == 1);
  CHECK(run_cli({"client", "healed", "c1", "--session", "7", "--lab", "48,2,0", "--db", db}).exit_code == 1);
  CHECK(run_cli({"client", "healed", "c1", "--session", "1", "photo.jpg", "--db", db}).exit_code == 2);  // no --treated

  r = run_cli({"client", "show", "c1", "--db", db, "--json"});
  REQUIRE(r.exit_code == 0);
  j = nlohmann::json::parse(r.out);
  REQUIRE(j["sessions"].size() == 1);
  CHECK(j["sessions"][0]["followups"].size() == 2);
  CHECK(lab_of(j["sessions"][0]["healed_lab"]).l == 48.0);  // the latest follow-up
  r = run_cli({"client", "show", "c1", "--db", db});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("2026-02-21 (42 d)") != std::string::npos);
}

TEST_CASE("cli client: a corrupt or foreign --db is one error, exit 1, and stays byte for byte", "[cli]") {
  TempDir dir;
  const std::string db = dir.path + "/clinic.db";
  {
    std::ofstream out(db, std::ios::binary);
    out << "SQLite format 3 is not what this is\n";
  }
  const std::string before = test::read_text_file(db);
  for (const std::vector<std::string>& args : {std::vector<std::string>{"client", "list", "--db", db},
                                               {"client", "add", "x", "--name", "X", "--db", db},
                                               {"healing", "fit", "--palette", house(), "--db", db}}) {
    const auto r = run_cli(args);
    CHECK(r.exit_code == 1);
    one_error_line(r);
    CHECK(r.err.find("not a shadematch client database") != std::string::npos);
  }
  CHECK(test::read_text_file(db) == before);
}

TEST_CASE("cli healing fit: the evidence — 16 healed records, --write, then mix predicts 6 more within ΔE00 1",
          "[cli]") {
  TempDir dir;
  const std::string db = dir.path + "/clinic.db";
  const std::string palette = dir.path + "/house.yaml";
  std::filesystem::copy_file(house(), palette);
  const std::string original = test::read_text_file(palette);
  const pigment::Palette p = files::load_palette(palette);

  // The clinic's book: 16 sessions, each followed up 6 weeks later; the healed colours come from
  // the model under test::hidden_healing() plus measurement error (tests/history/clinic.hpp).
  std::uint64_t k = 0;
  std::set<std::string> clients;
  auto record = [&](const test::ClinicRecord& c, bool healed) {
    if (clients.insert(c.client).second) {
      REQUIRE(run_cli({"client", "add", c.client, "--name", "Client " + c.client, "--db", db}).exit_code == 0);
    }
    const auto r = run_cli({"client", "record", c.client, "--session", std::to_string(c.session), "--blend", c.blend,
                            "--palette", palette, "--target", lab_arg(c.target), "--skin", lab_arg(c.skin), "--date",
                            c.session == 1 ? "2026-01-05" : "2026-03-02", "--db", db});
    REQUIRE(r.exit_code == 0);
    if (!healed) return;
    colour::Lab h = history::predict_healed(p, test::hidden_healing(), pigment::parse_blend(c.blend, p), c.skin);
    const auto e = test::measurement_error(k++);
    h = {h.l + e[0], h.a + e[1], h.b + e[2]};
    const auto hr = run_cli({"client", "healed", c.client, "--session", std::to_string(c.session), "--lab", lab_arg(h),
                             "--date", c.session == 1 ? "2026-02-16" : "2026-04-13", "--db", db});
    REQUIRE(hr.exit_code == 0);
    CHECK(hr.err.empty());  // 6 weeks: no warning
  };
  const auto book = test::clinic_records();
  // With 7 records --write is refused (minimum 8 for 4 parameters) and the palette is untouched.
  for (std::size_t i = 0; i < 7; ++i) record(book[i], true);
  auto r = run_cli({"healing", "fit", "--palette", palette, "--db", db, "--write"});
  CHECK(r.exit_code == 1);
  one_error_line(r);
  CHECK(r.err.find("needs at least 8 healed records") != std::string::npos);
  CHECK(test::read_text_file(palette) == original);
  CHECK_FALSE(std::filesystem::exists(palette + ".bak"));
  for (std::size_t i = 7; i < book.size(); ++i) record(book[i], true);

  r = run_cli({"healing", "fit", "--palette", palette, "--db", db, "--write", "--json"});
  REQUIRE(r.exit_code == 0);
  INFO(r.out);
  const auto fit = nlohmann::json::parse(r.out);
  CHECK(fit["records"] == 16);
  CHECK(fit["written"] == true);
  const double before = fit["cv_de00_before"], after = fit["cv_de00_after"];
  CHECK(before > 3.0);
  CHECK(after < 1.0);
  for (const char* name : {"strength", "retention", "dermis_above_um", "pigment_layer_um"}) {
    CHECK(fit["parameters"].contains(name));
    CHECK(fit["uncertainty"][name].get<double>() > 0.0);
  }
  // Only the healing line changed; the previous file is F.bak.
  CHECK(test::read_text_file(palette + ".bak") == original);
  const std::string written = test::read_text_file(palette);
  const std::string line = "healing: {strength: 1.0, retention: 0.6}";
  const std::size_t at = original.find(line);
  REQUIRE(at != std::string::npos);
  CHECK(written.substr(0, at) == original.substr(0, at));
  const std::size_t tail = original.size() - at - line.size();
  CHECK(written.substr(written.size() - tail) == original.substr(original.size() - tail));

  // Six further clients, never recorded: `mix` with the written palette against the colours
  // their work heals to under the hidden parameters (noise-free: the model's own truth).
  double worst_after = 0.0, least_before = 1e9;
  for (const test::ClinicRecord& c : test::further_records()) {
    const colour::Lab truth =
        history::predict_healed(p, test::hidden_healing(), pigment::parse_blend(c.blend, p), c.skin);
    auto mix = [&](const std::string& pal) {
      const auto m = run_cli({"mix", "--palette", pal, "--blend", c.blend, "--skin", lab_arg(c.skin), "--json"});
      REQUIRE(m.exit_code == 0);
      return lab_of(nlohmann::json::parse(m.out)["predicted_lab"]);
    };
    const double de_after = colour::delta_e_2000(truth, mix(palette));
    const double de_before = colour::delta_e_2000(truth, mix(house()));
    INFO(c.blend << " on " << lab_arg(c.skin) << ": defaults " << de_before << ", refitted " << de_after);
    CHECK(de_after < 1.0);
    CHECK(de_before > 2.0);
    worst_after = std::max(worst_after, de_after);
    least_before = std::min(least_before, de_before);
  }
  std::printf("evidence: cv ΔE00 %.2f -> %.2f; 6 further: defaults miss by >= %.2f, refitted within %.2f\n", before,
              after, least_before, worst_after);

  // The fit is logged; a second fit without --write leaves the palette as it is.
  r = run_cli({"healing", "fit", "--palette", palette, "--db", db});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("Nothing written") != std::string::npos);
}

TEST_CASE("cli client next: the next session aims a shade darker than what healed, over darkens more than among",
          "[cli]") {
  TempDir dir;
  const std::string db = dir.path + "/clinic.db";
  REQUIRE(run_cli({"client", "add", "c1", "--name", "C One", "--db", db}).exit_code == 0);
  REQUIRE(run_cli({"client", "record", "c1", "--session", "1", "--blend", "jet-black @ 8:1", "--palette", house(),
                   "--target", "30,3,4", "--skin", "66,11,17", "--date", "2026-01-10", "--db", db})
              .exit_code == 0);
  REQUIRE(run_cli({"client", "healed", "c1", "--session", "1", "--lab", "52,1.5,1", "--date", "2026-02-21", "--db", db})
              .exit_code == 0);
  auto next = [&](const std::string& placement) {
    const auto r = run_cli({"client", "next", "c1", "--palette", house(), "--placement", placement, "--today",
                            "2026-03-01", "--db", db, "--json"});
    REQUIRE(r.exit_code == 0);
    return nlohmann::json::parse(r.out);
  };
  const auto over = next("over");
  CHECK(over["session"] == 2);
  // One shade (house plan.shade_step_dL = 5) darker than the healed L* 52, with the target's a*, b*.
  CHECK(lab_of(over["session_target_lab"]).l == Approx(47.0));
  CHECK(lab_of(over["session_target_lab"]).a == Approx(3.0));
  REQUIRE(!over["blends"].empty());
  // The same blend over the healed dot reads darker than in untouched skin: its K/S adds to the
  // pigment already there (Kubelka–Munk mixture), so the reflectance can only fall.
  const std::string recipe = over["blends"][0]["recipe"];
  const auto mix = run_cli({"mix", "--palette", house(), "--blend", recipe, "--skin", "66,11,17", "--json"});
  REQUIRE(mix.exit_code == 0);
  CHECK(lab_of(over["blends"][0]["predicted_lab"]).l < lab_of(nlohmann::json::parse(mix.out)["predicted_lab"]).l);
  const auto among = next("among");
  CHECK(lab_of(among["session_target_lab"]).l == Approx(47.0));
  CHECK(run_cli({"client", "next", "c1", "--palette", house(), "--placement", "under", "--db", db}).exit_code == 2);
  CHECK(run_cli({"client", "next", "c1", "--db", db}).exit_code == 2);
  REQUIRE(run_cli({"client", "add", "c2", "--name", "C Two", "--db", db}).exit_code == 0);
  CHECK(run_cli({"client", "next", "c2", "--palette", house(), "--db", db}).exit_code == 1);  // nothing recorded
}
