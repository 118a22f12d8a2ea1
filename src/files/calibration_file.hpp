#pragma once
// Saved calibrations (`calibrate --save F`, reused by `measure/match --calibration F`): the colour
// correction of one photo, kept as a small YAML file so that further photos taken in the same
// setup (same camera, light and settings) can be measured without a card in the frame.
//
//   schema: shadematch-calibration/1
//   photo: IMG_0412.jpg               # the photo the calibration came from (information only)
//   card: colorchecker-classic-2014
//   image: {width: 4032, height: 3024, camera: "Apple iPhone 13"}
//   model: rootpoly                   # linear | rootpoly
//   coefficients: [… 9 or 18 numbers, row-major: X row, Y row, Z row …]
//   linearization: {r: [scale, gamma] or [c1, Y1, c2, Y2, …], g: …, b: …}   # or {} (identity)
//   fit: {de00_mean: …, de00_max: …, loo_de00_mean: …, loo_de00_max: …}
//   verdict: good
//   refinement:                       # the local refinement (photo/calibration.hpp), issue 16
//     nearest: 4                      # chromatic patches refitted with the neutrals
//     patches:                        # the card's unflagged patches as the photo showed them
//       - {rgb: [r, g, b], xyz: [X, Y, Z], neutral: false}   # camera linear RGB; reference XYZ D50
//       …
//
// Numbers are written with 17 significant digits, so a load returns exactly what was saved: the
// same photo measured with its card and with its saved calibration gives the same colours. A file
// without `refinement` (saved before issue 16) still loads and means "no refinement": the global
// fit alone converts, and the JSON's calibration.local_refinement says so.
#include <string>
#include <string_view>
#include <vector>

#include "common/atomic_file.hpp"
#include "photo/calibrate.hpp"
#include "photo/fit.hpp"
#include "photo/image_info.hpp"

namespace shadematch::files {

struct SavedCalibration {
  std::string photo;
  std::string card_id;
  int width = 0;
  int height = 0;
  std::string camera;
  photo::Calibration calibration;  // the global fit and, when saved, the local refinement
  photo::FitSummary fit;
  photo::Verdict verdict = photo::Verdict::good;
};

SavedCalibration saved_calibration_from(const photo::CalibrationResult& result);
std::string format_calibration(const SavedCalibration& calibration);
// Validates everything (schema, model, coefficient count, finite numbers, unknown keys):
// InputError(source, line, column, …).
SavedCalibration parse_calibration(std::string_view text, const std::string& source);

// Writes `path` whole or not at all (temporary file in the same directory, then rename). A
// rejected calibration cannot be saved (std::invalid_argument: the caller checks). Write
// failures: InputError naming the path.
void save_calibration(const std::string& path, const photo::CalibrationResult& result);
SavedCalibration load_calibration(const std::string& path);

// Warnings when a saved calibration is applied to another photo: different pixel size (either
// orientation) or different camera (when both are known).
std::vector<std::string> reuse_warnings(const SavedCalibration& calibration, const photo::ImageInfo& image);

// Writes `bytes` to `path` atomically (common/atomic_file.hpp), for the writers of this layer.
using shadematch::write_file_atomically;

}  // namespace shadematch::files
