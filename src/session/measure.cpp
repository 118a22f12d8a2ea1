#include "session/measure.hpp"

#include <filesystem>

#include "files/calibration_file.hpp"
#include "files/card_file.hpp"
#include "files/regions_file.hpp"
#include "photo/calibrate.hpp"
#include "photo/decode.hpp"
#include "photo/measure_overlay.hpp"

namespace shadematch::session {

namespace {

// A saved calibration as a CalibrationResult (no detection, no patches) so both sources render
// the same way; its Calibration is the saved one, refinement included when the file has it.
photo::CalibrationResult from_saved(const files::SavedCalibration& saved, const photo::EncodedImage& photo_file) {
  photo::CalibrationResult r;
  r.photo = saved.photo;
  r.card_id = saved.card_id;
  r.calibration = saved.calibration;
  r.fit = saved.fit;
  r.verdict = saved.verdict;
  r.detection.found = false;
  r.image = photo::probe_image(photo_file);
  return r;
}

}  // namespace

MeasureResult run_measure(const MeasureRequest& request) {
  MeasureResult result;
  result.photo = request.photo;
  // The photo's bytes, read once, when first needed (a bad --calibration file is reported first).
  std::optional<photo::EncodedImage> file;
  const auto photo_file = [&]() -> const photo::EncodedImage& {
    if (!file) {
      file = request.photo_bytes ? photo::EncodedImage{request.photo, request.photo_bytes}
                                 : photo::read_image_file(request.photo);
    }
    return *file;
  };
  photo::MeasureOptions options;
  if (request.calibration_path) {
    const files::SavedCalibration saved = files::load_calibration(*request.calibration_path);
    result.calibration = from_saved(saved, photo_file());
    result.calibration_file = request.calibration_path;
    for (const std::string& w : files::reuse_warnings(saved, result.calibration.image)) result.warnings.push_back(w);
    if (!saved.calibration.refinement) {
      result.warnings.push_back(*request.calibration_path +
                                " has no 'refinement' (saved before it was kept): colours come from the global fit "
                                "only; save it again with calibrate --save for the card's local refinement");
    }
  } else {
    photo::CalibrateOptions calibrate;
    const photo::CardDefinition card = files::resolve_card(request.card_id);
    calibrate.card_id = card.id;
    result.calibration = photo::calibrate_image(photo_file(), card, calibrate);
    if (!result.calibration.usable()) return result;
    options.card_corners = result.calibration.detection.corners;
  }
  for (const std::string& w : result.calibration.warnings) result.warnings.push_back("calibration: " + w);

  // One calibration value for both sources: the global fit first, then the local refinement
  // around each region's colour (photo/calibration.hpp).
  const photo::Calibration calibration = result.calibration.calibration;
  options.local_correction = calibration.refiner();
  // Measure at full resolution: only the region crops are linearized (decode.hpp).
  const photo::DecodedImage image = photo::decode_image(photo_file(), 1);
  const photo::LinearToLab to_lab = [&calibration](const colour::LinearRgb& c) { return calibration.to_lab(c); };

  std::vector<photo::Region> regions = request.regions;
  if (!regions.empty()) {
    result.regions_source = "command line";
  } else if (const std::string sidecar = files::regions_sidecar_path(request.photo);
             !request.photo_bytes && std::filesystem::exists(sidecar)) {
    regions = files::load_regions_file(sidecar);
    result.regions_source = sidecar;
  } else {
    regions = photo::propose_regions(image, to_lab, options);
    result.regions_source = regions.empty() ? "none found" : "proposed";
    if (regions.empty()) {
      result.warnings.push_back(
          "no regions given and none could be proposed (no even, skin-coloured area outside the card): give --hair, "
          "--scalp or --region NAME=x,y,w,h");
    } else {
      result.warnings.push_back("regions were proposed automatically (no --hair/--scalp/--region and no " +
                                files::regions_sidecar_path(request.photo) + "); check them with --overlay");
    }
  }
  result.regions = photo::measure_regions(image, to_lab, regions, options);
  if (request.overlay_path) {
    photo::write_regions_overlay(*request.overlay_path, image, result.regions,
                                 options.card_corners ? options.card_corners : std::nullopt);
  }
  return result;
}

}  // namespace shadematch::session
