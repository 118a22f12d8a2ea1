// Card detection on a photo full of follicle dots (issue 16): the candidate screen that keeps the
// search fast among dots (detect.cpp, kScreenLuminanceRatio / kScreenChromaRms) must not lose or
// move the card. The same generated scene is calibrated with and without a dense dot field laid
// over everything but the card; the card is read the same in both.
#include <catch2/catch.hpp>
#include <opencv2/imgcodecs.hpp>

#include "photo/calibrate.hpp"
#include "photo/classic_card.hpp"
#include "photo/cv_geometry.hpp"
#include "support/dot_field.hpp"
#include "support/paths.hpp"
#include "support/scene.hpp"

namespace {

using namespace shadematch;

photo::CalibrationResult calibrate_scene(const test::Scene& scene, const std::string& name) {
  const std::string path = test::make_temp_dir("dot_field_detect") + "/" + name + ".png";
  REQUIRE(cv::imwrite(path, scene.bgr));
  return photo::calibrate_file(path, test::classic_card_from_tables(), {});
}

}  // namespace

TEST_CASE("detect: a card among dense dark follicle dots is read as without the dots", "[property]") {
  test::SceneSpec spec;
  spec.seed = 5;
  spec.width = 1800;
  spec.height = 1200;
  spec.card_width = 0.2;  // patches ≈ 45 px: found on the first, 1200 px search copy
  spec.hair_melanin = 10;
  const test::Scene plain = test::render_scene(spec);
  test::Scene dotted = plain;
  dotted.bgr = plain.bgr.clone();
  // 40 % of the frame under 4 px near-black dots: the field that grew a lattice of ~1800 squares.
  test::add_dot_field(dotted, {0.40, 4.0, 22.0, 5});
  const auto without = calibrate_scene(plain, "plain");
  const auto with = calibrate_scene(dotted, "dotted");
  REQUIRE(without.detection.found);
  REQUIRE(with.detection.found);
  CHECK(with.detection.orientation_deg == without.detection.orientation_deg);
  for (std::size_t i = 0; i < 4; ++i) {
    // The truth corners (scene geometry), within 3 px as in calibrate_test's synthetic card: JPEG-
    // free here, but the patch edges are anti-aliased by about a pixel.
    CHECK(cv::norm(photo::to_cv(with.detection.corners)[i] - plain.card_corners[i]) < 3.0);
    // And the dotted reading where the plain one is: the dots stop a quarter of the card's size
    // away from it, so the patches sampled are the same pixels (0.5 px: grid refinement rounding).
    CHECK(cv::norm(photo::to_cv(with.detection.corners)[i] - photo::to_cv(without.detection.corners)[i]) < 0.5);
  }
  // Same patches, so the same fit: leave-one-out within 0.05 ΔE00 (the bar issue 16 sets for a
  // faster calibration on the development photos).
  CHECK(with.fit.loo_de00_mean == Approx(without.fit.loo_de00_mean).margin(0.05));
}
