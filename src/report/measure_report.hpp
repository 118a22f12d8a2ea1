#pragma once
// `shadematch measure`'s renderings (text, JSON) of a measured photo. The measuring itself is
// session::run_measure (session/measure.hpp, issue 16): report/ only renders values.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "photo/calibrate.hpp"
#include "photo/measure.hpp"

namespace shadematch::report {

// What session::run_measure measured in a photo.
struct MeasureResult {
  std::string photo;
  // From the card in the photo; with --calibration F a stand-in carrying the saved calibration
  // value (global fit and, when the file has it, the local refinement; no detection, no patches).
  photo::CalibrationResult calibration;
  std::optional<std::string> calibration_file;
  std::string regions_source;  // "command line", "PATH.regions.yaml", "proposed", or "none found"
  std::vector<photo::RegionMeasurement> regions;
  std::vector<std::string> warnings;

  // False when the photo has no usable card and no --calibration was given (exit 3).
  bool usable() const noexcept { return calibration.usable(); }
};

// {photo, calibration {…fit, verdict, source}, regions_source, regions {NAME: {rect, lab, lab_std,
// pixels, hex, proposed, confidence, warnings; hair: follicle_lab, coverage, mean_lab,
// follicle_cluster ("dark" | "light"), follicle_basis, follicle_pixels; scalp:
// ita_deg, ita_class, monk_tone}}, warnings[]}. Non-finite numbers are null.
nlohmann::json measure_json(const MeasureResult& result);
nlohmann::json region_json(const photo::RegionMeasurement& region);

// Human-readable report, ending with a newline.
std::string measure_text(const MeasureResult& result);

}  // namespace shadematch::report
