// Other makers' cards (issue 19): the Datacolor SpyderCheckr 24 shipped as
// calibration/spydercheckr-24.yaml (written by scripts/gen_spydercheckr_yaml.py). Its values are
// recomputed here from the raw ArgyllCMS file beside it with the C++ colour core; a synthetic card
// drawn from it calibrates against its own definition, and is refused as the ColorChecker it
// imitates.
#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include <opencv2/imgcodecs.hpp>

#include "colour/delta_e.hpp"
#include "colour/lab.hpp"
#include "colour/spectral.hpp"
#include "files/card_file.hpp"
#include "photo/calibrate.hpp"
#include "photo/cv_geometry.hpp"
#include "support/paths.hpp"
#include "support/synthetic_card.hpp"

using namespace shadematch;

namespace {
// SAMPLE_ID → XYZ (Y of the perfect diffuser = 100) from the CGATS data block of a .cie file.
std::map<std::string, colour::Xyz> read_cie(const std::string& path) {
  std::ifstream in(path);
  REQUIRE(in);
  std::map<std::string, colour::Xyz> out;
  std::string line;
  bool data = false;
  while (std::getline(in, line)) {
    if (line == "BEGIN_DATA") {
      data = true;
    } else if (line == "END_DATA") {
      break;
    } else if (data) {
      std::istringstream s(line);
      std::string id;
      colour::Xyz v;
      s >> id >> v.x >> v.y >> v.z;
      out[id] = v;
    }
  }
  return out;
}
}  // namespace

TEST_CASE("cards: the SpyderCheckr 24 definition is the ArgyllCMS data carried to D50", "[unit]") {
  const auto card = files::builtin_card("spydercheckr-24");
  REQUIRE(card);
  CHECK(files::builtin_card("spydercheckr")->id == "spydercheckr-24");
  CHECK(card->rows == 6);
  CHECK(card->cols == 4);
  REQUIRE(card->patches.size() == 24);
  const auto xyz = read_cie(test::source_dir() + "/calibration/SpyderChecker24.cie");
  REQUIRE(xyz.size() == 24);
  const colour::WhitePoint d65 = colour::illuminant_white("D65");
  int neutral = 0;
  for (const auto& p : card->patches) {
    // The patch named "B3" is column B, row 3 of the .cht: index (3 − 1) · 4 + 2 = 10.
    const int col = p.name[0] - 'A', row = p.name[1] - '1';
    CHECK(p.index == row * 4 + col + 1);
    const colour::Xyz v = xyz.at(p.name);
    const colour::Lab expected = colour::xyz_to_lab(
        colour::adapt_bradford({v.x / 100, v.y / 100, v.z / 100}, d65, colour::d50_white()), colour::d50_white());
    // The file holds two decimals.
    CHECK(p.reference_lab.l == Approx(expected.l).margin(0.0051));
    CHECK(p.reference_lab.a == Approx(expected.a).margin(0.0051));
    CHECK(p.reference_lab.b == Approx(expected.b).margin(0.0051));
    // Column A is the grey scale: near neutral (C*ab < 1.5), white to black down the column.
    if (col == 0) {
      CHECK(p.neutral);
      CHECK(std::hypot(p.reference_lab.a, p.reference_lab.b) < 1.5);
      ++neutral;
    } else {
      CHECK_FALSE(p.neutral);
    }
  }
  CHECK(neutral == 6);
}

TEST_CASE("cards: a SpyderCheckr calibrates against its own card and is refused as a ColorChecker", "[property]") {
  const auto spyder = *files::builtin_card("spydercheckr-24");
  // 1.15 px per card unit: patches of about 100 px, the card 470 × 700 px.
  const auto scene = test::render_synthetic_card(spyder, 23, std::nullopt, 90, 1.15);
  const std::string path = test::make_temp_dir("spydercheckr") + "/card.jpg";
  REQUIRE(cv::imwrite(path, scene.bgr, {cv::IMWRITE_JPEG_QUALITY, 95}));

  const auto own = photo::calibrate_file(path, spyder, {});
  REQUIRE(own.detection.found);
  CHECK(own.detection.orientation_deg == 0);
  for (std::size_t i = 0; i < 4; ++i) CHECK(cv::norm(photo::to_cv(own.detection.corners[i]) - scene.corners[i]) < 3.0);
  // The same camera and bounds as the Classic's synthetic card (tests/photo/calibrate_test.cpp).
  CHECK(own.fit.de00_mean <= 1.0);
  CHECK(own.fit.loo_de00_mean <= 1.5);
  CHECK(own.verdict == photo::Verdict::good);

  // DESIGN.md "Reference card": another brand's chart is refused, with a reason.
  const auto classic = *files::builtin_card("colorchecker-classic-2014");
  const auto as_classic = photo::calibrate_file(path, classic, {});
  CHECK(as_classic.verdict == photo::Verdict::rejected);
  CHECK((as_classic.reason == "lookalike" || as_classic.reason == "no-card"));
}
