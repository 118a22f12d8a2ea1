// Generated follow-up photos (tests/support/scene.hpp): sessions recorded from a clinic photo, and
// healed follow-ups photographed with the card, their dots rendered with the reflectance the
// ink-in-skin model gives under the hidden parameters. `client healed --treated` must measure
// them as `measure` measures follicles, and `healing fit` must learn from them.
#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "clinic.hpp"
#include "colour/delta_e.hpp"
#include "colour/spectral.hpp"
#include "files/palette_file.hpp"
#include "history/sha256.hpp"
#include "pigment/model.hpp"
#include "support/paths.hpp"
#include "support/scene.hpp"

using namespace shadematch;
using test::run_cli;

namespace {

std::string house() {
  return test::source_dir() + "/palettes/house.yaml";
}
colour::Lab lab_of(const nlohmann::json& j) {
  return {j[0].get<double>(), j[1].get<double>(), j[2].get<double>()};
}
std::string rect_arg(const cv::Rect& r) {
  return std::to_string(r.x) + "," + std::to_string(r.y) + "," + std::to_string(r.width) + "," +
         std::to_string(r.height);
}
std::string lab_arg(const colour::Lab& lab) {
  char buf[96];
  std::snprintf(buf, sizeof buf, "%.4f,%.4f,%.4f", lab.l, lab.a, lab.b);
  return buf;
}

// A clinic photo as the measure tests take it (daylight, JPEG 95, card slightly turned).
test::SceneSpec photo_spec(std::uint64_t seed, int subject, int width = 900) {
  test::SceneSpec spec;
  spec.seed = seed;
  spec.width = width;
  spec.height = width * 2 / 3;
  spec.illuminant = "D65";
  spec.skin_subject = subject;
  spec.hair_melanin = 6.0;
  spec.jpeg_quality = 95;
  spec.card_angle_deg = 5;
  return spec;
}

// The healed follow-up: the same client's skin, the dots rendered with the model's healed
// reflectance of `blend` in `skin` under the hidden parameters.
test::Scene followup(std::uint64_t seed, int subject, const pigment::Palette& palette, const std::string& blend,
                     const colour::Lab& skin, int width = 900) {
  pigment::Palette hidden = palette;
  hidden.healing = test::hidden_healing();
  const pigment::InkInSkinModel model(hidden, skin);
  const pigment::Blend b = pigment::parse_blend(blend, hidden);
  const colour::Spectrum r = model.healed_dot_reflectance(model.mixed_ks(b), b.dilution.pigment_fraction());
  test::SceneSpec spec = photo_spec(seed, subject, width);
  for (std::size_t i = 0; i < colour::kSpectrumBands; ++i) {
    spec.dot_wavelengths_nm.push_back(colour::band_wavelength_nm(i));
    spec.dot_reflectance.push_back(r[i]);
  }
  return test::render_scene(spec);
}

struct TempDir {
  std::string path = test::make_temp_dir("client-photo");
  ~TempDir() { std::filesystem::remove_all(path); }
};

}  // namespace

TEST_CASE("history sha256: FIPS 180-2 test vectors", "[reference]") {
  // FIPS 180-2, Appendix B.1 ("abc") and B.2 (the 448-bit message).
  CHECK(history::sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(history::sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  CHECK(history::sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST_CASE("cli client: photos — record measures as measure does, healed measures the treated dots' dark mode",
          "[cli]") {
  TempDir dir;
  const std::string db = dir.path + "/clinic.db";
  REQUIRE(run_cli({"client", "add", "p1", "--name", "Photo client", "--db", db}).exit_code == 0);
  const test::Scene session = test::render_scene(photo_spec(7, 30));
  const std::string photo = test::write_scene(session, dir.path, "session1");
  const std::string blend = "2 jet-black + 1 warm-brown @ 8:1";
  auto r = run_cli({"client", "record", "p1", photo, "--hair", rect_arg(session.hair_rect), "--scalp",
                    rect_arg(session.scalp_rect), "--session", "1", "--blend", blend, "--palette", house(), "--date",
                    "2026-01-10", "--db", db, "--json"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto rec = nlohmann::json::parse(r.out)["session"];
  // Stored exactly as `measure --json` measures the same photo and regions (the same code).
  const auto m = run_cli(
      {"measure", photo, "--hair", rect_arg(session.hair_rect), "--scalp", rect_arg(session.scalp_rect), "--json"});
  REQUIRE(m.exit_code == 0);
  const auto mj = nlohmann::json::parse(m.out);
  CHECK(rec["target_lab"] == mj["regions"]["hair"]["follicle_lab"]);
  CHECK(rec["skin_lab"] == mj["regions"]["scalp"]["lab"]);
  CHECK(rec["measurements"]["hair"] == mj["regions"]["hair"]);
  CHECK(rec["calibration"]["verdict"] == mj["calibration"]["verdict"]);
  CHECK(rec["regions"]["hair"] == nlohmann::json::array({session.hair_rect.x, session.hair_rect.y,
                                                         session.hair_rect.width, session.hair_rect.height}));
  CHECK(rec["photo"]["path"] == photo);
  CHECK(rec["photo"]["sha256"] == history::sha256_file_hex(photo));

  // Six weeks later: the healed dots, photographed with the card.
  const pigment::Palette palette = files::load_palette(house());
  const test::Scene healed = followup(8, 30, palette, blend, lab_of(rec["skin_lab"]));
  const std::string healed_photo = test::write_scene(healed, dir.path, "healed1");
  r = run_cli({"client", "healed", "p1", "--session", "1", healed_photo, "--treated", rect_arg(healed.hair_rect),
               "--scalp", rect_arg(healed.scalp_rect), "--date", "2026-02-21", "--db", db, "--json"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto hj = nlohmann::json::parse(r.out);
  const colour::Lab measured = lab_of(hj["healed"]["healed_lab"]);
  INFO("measured " << lab_arg(measured) << " truth " << lab_arg(healed.follicle_lab));
  // Issue 4's bar for a measured follicle colour (2 ΔE00, chart-to-reference difference included).
  CHECK(colour::delta_e_2000(measured, healed.follicle_lab) < 2.0);
  CHECK(hj["healed"]["measurements"]["treated"].contains("follicle_lab"));  // measured as follicles are
  CHECK(hj["healed"]["photo"]["sha256"] == history::sha256_file_hex(healed_photo));
}

TEST_CASE("cli healing fit: learns from 8 photographed follow-ups", "[cli]") {
  TempDir dir;
  const std::string db = dir.path + "/clinic.db";
  const pigment::Palette palette = files::load_palette(house());
  // Sessions recorded from given colours (the skin as NIST subject's Lab, which the scene renders),
  // their follow-ups photographed: the measurement error is now the photo pipeline's.
  const int subjects[] = {10, 30, 50, 70, 90, 20, 40, 60};
  // 720 × 480 (card ≈ 290 px wide, dots ≈ 12 px): well inside what calibration and the follicle
  // measurement handle, and eight photos stay cheap for CI.
  constexpr int kSmall = 720;
  const auto book = test::clinic_records();
  for (int i = 0; i < 8; ++i) {
    const std::string id = "f" + std::to_string(i + 1);
    REQUIRE(run_cli({"client", "add", id, "--name", id, "--db", db}).exit_code == 0);
    const test::Scene probe = test::render_scene(photo_spec(100 + static_cast<std::uint64_t>(i), subjects[i], kSmall));
    const colour::Lab skin = probe.skin_lab;
    const std::string blend = book[static_cast<std::size_t>(i)].blend;
    REQUIRE(run_cli({"client", "record", id, "--session", "1", "--blend", blend, "--palette", house(), "--target",
                     "24,4,5", "--skin", lab_arg(skin), "--date", "2026-01-10", "--db", db})
                .exit_code == 0);
    const test::Scene healed = followup(200 + static_cast<std::uint64_t>(i), subjects[i], palette, blend, skin, kSmall);
    const std::string photo = test::write_scene(healed, dir.path, id);
    const auto r = run_cli({"client", "healed", id, "--session", "1", photo, "--treated", rect_arg(healed.hair_rect),
                            "--scalp", rect_arg(healed.scalp_rect), "--date", "2026-02-21", "--db", db});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
  }
  const auto r = run_cli({"healing", "fit", "--palette", house(), "--db", db, "--json"});
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(r.out);
  INFO(r.out);
  CHECK(j["records"] == 8);
  std::printf("photographed follow-ups: cv ΔE00 %.2f -> %.2f\n", j["cv_de00_before"].get<double>(),
              j["cv_de00_after"].get<double>());
  CHECK(j["cv_de00_before"].get<double>() > 3.0);
  CHECK(j["cv_de00_after"].get<double>() < 2.0);
}
