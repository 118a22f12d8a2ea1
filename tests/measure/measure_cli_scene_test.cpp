// `shadematch measure` end to end (decode → detect → fit → measure) on rendered scenes with known
// truth: measured colours, proposed regions, a photo without a card (exit 3) and --calibration.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "colour/delta_e.hpp"
#include "support/paths.hpp"
#include "support/scene.hpp"

using namespace shadematch;

namespace {

colour::Lab lab_of(const nlohmann::json& j) {
  return {j[0].get<double>(), j[1].get<double>(), j[2].get<double>()};
}

std::string rect_arg(const cv::Rect& r) {
  return std::to_string(r.x) + "," + std::to_string(r.y) + "," + std::to_string(r.width) + "," +
         std::to_string(r.height);
}

test::SceneSpec daylight_scene() {
  test::SceneSpec spec;
  spec.seed = 7;
  spec.width = 900;
  spec.height = 600;
  spec.illuminant = "D65";
  spec.skin_subject = 30;
  spec.hair_melanin = 6.0;
  spec.jpeg_quality = 95;
  spec.card_angle_deg = 5;
  return spec;
}

}  // namespace

TEST_CASE("measure cli: a rendered scene measures within 2 ΔE00 of the truth, end to end", "[cli]") {
  const test::Scene scene = test::render_scene(daylight_scene());
  const std::string dir = test::make_temp_dir("measure-cli-scene");
  const std::string photo = test::write_scene(scene, dir, "daylight");
  const auto r = test::run_cli(
      {"measure", photo, "--hair", rect_arg(scene.hair_rect), "--scalp", rect_arg(scene.scalp_rect), "--json"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(r.out);
  const colour::Lab follicle = lab_of(j["regions"]["hair"]["follicle_lab"]);
  const colour::Lab skin = lab_of(j["regions"]["scalp"]["lab"]);
  INFO("follicle " << follicle.l << "," << follicle.a << "," << follicle.b << " truth " << scene.follicle_lab.l << ","
                   << scene.follicle_lab.a << "," << scene.follicle_lab.b << "; skin " << skin.l << "," << skin.a << ","
                   << skin.b << " truth " << scene.skin_lab.l << "," << scene.skin_lab.a << "," << scene.skin_lab.b);
  // Issue 4's bar (2 ΔE00). The card is the BabelColor average chart while calibration uses the
  // X-Rite 2014 reference values, so this includes the chart-to-reference difference too.
  CHECK(colour::delta_e_2000(follicle, scene.follicle_lab) < 2.0);
  CHECK(colour::delta_e_2000(skin, scene.skin_lab) < 2.0);
  // Coverage: the hair zone is rendered with 30 % dot area.
  CHECK(j["regions"]["hair"]["coverage"].get<double>() == Approx(0.30).margin(0.08));
}

TEST_CASE("measure cli: without regions, proposed regions land inside the true scalp area", "[cli]") {
  const test::Scene scene = test::render_scene(daylight_scene());
  const std::string dir = test::make_temp_dir("measure-cli-propose");
  const std::string photo = test::write_scene(scene, dir, "daylight");
  const std::string overlay = dir + "/overlay.png";
  const auto r = test::run_cli({"measure", photo, "--json", "--overlay", overlay});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["regions_source"] == "proposed");
  REQUIRE(j["regions"].contains("scalp"));
  REQUIRE(j["regions"].contains("hair"));
  for (const char* name : {"hair", "scalp"}) {
    const auto& rect = j["regions"][name]["rect"];
    const cv::Rect got(rect[0].get<int>(), rect[1].get<int>(), rect[2].get<int>(), rect[3].get<int>());
    INFO(name << " proposed at " << rect_arg(got) << ", scalp area " << rect_arg(scene.scalp_area));
    CHECK((got & scene.scalp_area) == got);
    CHECK(j["regions"][name]["proposed"] == true);
    CHECK(j["regions"][name]["confidence"].get<double>() > 0.5);
  }
  // The dense (hair) zone is the upper half of the scalp area, the sparse one the lower half.
  CHECK(j["regions"]["hair"]["rect"][1].get<int>() < scene.scalp_area.y + scene.scalp_area.height / 2);
  CHECK(test::read_text_file(overlay).substr(1, 3) == "PNG");
}

TEST_CASE("measure cli: no card and no --calibration exits 3; --calibration measures it", "[cli]") {
  const std::string dir = test::make_temp_dir("measure-cli-nocard");
  test::SceneSpec with_card = daylight_scene();
  const std::string card_photo = test::write_scene(test::render_scene(with_card), dir, "card");
  test::SceneSpec no_card = with_card;
  no_card.card = false;
  const test::Scene scene = test::render_scene(no_card);
  const std::string photo = test::write_scene(scene, dir, "nocard");

  auto r = test::run_cli({"measure", photo, "--scalp", rect_arg(scene.scalp_rect)});
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("no usable card") != std::string::npos);
  CHECK(r.err.find("--calibration") != std::string::npos);

  const std::string calib = dir + "/setup.calib.yaml";
  REQUIRE(test::run_cli({"calibrate", card_photo, "--save", calib}).exit_code == 0);
  r = test::run_cli({"measure", photo, "--calibration", calib, "--scalp", rect_arg(scene.scalp_rect), "--json"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["calibration"]["source"] == calib);
  // Same light and camera as the card photo: its saved calibration (global fit and the local
  // refinement on the card photo's patches, issue 16) — within 2.5 ΔE00, the global fit's error on
  // skin under daylight in scene_accuracy_test plus margin.
  CHECK(j["calibration"]["local_refinement"]["applied"] == true);
  CHECK(colour::delta_e_2000(lab_of(j["regions"]["scalp"]["lab"]), scene.skin_lab) < 2.5);
}

TEST_CASE("measure cli: on the hand photo the proposed scalp region lands on the forearm", "[cli]") {
  // pedrodiamel_hand_holding_classic.jpg (1024×768): a bare forearm enters from the left edge and
  // holds the card. Checked by eye on an --overlay of the photo: the forearm fills x 0–115,
  // y 192–254 (above: cups and the window sill; below: cups; right: the bracelet at x ≈ 115–165).
  // The rest of the frame is a white wall, grass, a red cloth, steel flasks, wood and granite:
  // the proposal used to land on the wall (L* 53, C* 7) at 0.59 confidence.
  const cv::Rect forearm(0, 192, 115, 62);
  const auto r =
      test::run_cli({"measure", test::test_data_dir() + "/photos/pedrodiamel_hand_holding_classic.jpg", "--json"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["regions_source"] == "proposed");
  REQUIRE(j["regions"].contains("scalp"));
  const auto& rect = j["regions"]["scalp"]["rect"];
  const cv::Rect got(rect[0].get<int>(), rect[1].get<int>(), rect[2].get<int>(), rect[3].get<int>());
  INFO("scalp proposed at " << rect_arg(got));
  CHECK((got & forearm) == got);
  CHECK(j["regions"]["scalp"]["confidence"].get<double>() >= 0.5);
  // The sunlit top of a light forearm: ITA° "very light" or "light" (> 41°) is what such skin
  // gives (Del Bino et al. 2006: European forearms mostly light/intermediate, sunlit skin reads
  // lighter); anything "brown" or "dark" would mean the region is not on this arm.
  CHECK(j["regions"]["scalp"]["ita_deg"].get<double>() > 28.0);
}
