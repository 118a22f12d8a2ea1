#pragma once
// `shadematch measure` (issue 4): the whole measurement pipeline as one library call — shared
// with `match`, which measures the same regions — and its renderings (text, JSON).
//
// Pipeline: calibration from the card in the photo (photo/calibrate.hpp), or a saved one
// (--calibration F, files/calibration_file.hpp) → regions from the flags, else from the sidecar
// PHOTO.regions.yaml (files/regions_file.hpp), else proposed automatically outside the card
// (photo::propose_regions) → photo decoded at full resolution, only the region crops linearized
// and converted → photo::measure_regions.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "photo/calibrate.hpp"
#include "photo/measure.hpp"

namespace shadematch::report {

struct MeasureRequest {
  std::string photo;  // the photo's path; with photo_bytes only its name (never opened)
  // The photo's bytes when they are already in memory (an upload to `shadematch serve`): then
  // nothing is read from disk, not even a PHOTO.regions.yaml sidecar.
  std::shared_ptr<const std::vector<std::uint8_t>> photo_bytes;
  std::optional<std::string> calibration_path;  // --calibration F
  std::string card_id = "colorchecker-classic-2014";
  std::vector<photo::Region> regions;       // from the command line; empty → sidecar → proposed
  std::optional<std::string> overlay_path;  // --overlay OUT.png: regions (and card) drawn on the photo
};

struct MeasureResult {
  std::string photo;
  // From the card in the photo; with --calibration F a stand-in carrying the saved fit (no
  // detection, no patches).
  photo::CalibrationResult calibration;
  std::optional<std::string> calibration_file;
  std::string regions_source;  // "command line", "PATH.regions.yaml", "proposed", or "none found"
  std::vector<photo::RegionMeasurement> regions;
  std::vector<std::string> warnings;

  // False when the photo has no usable card and no --calibration was given (exit 3).
  bool usable() const noexcept { return calibration.usable(); }
};

// Throws InputError for unreadable photos/files and bad regions (exit 1). "No usable card" is the
// returned result with usable() == false (no regions measured).
MeasureResult run_measure(const MeasureRequest& request);

// {photo, calibration {…fit, verdict, source}, regions_source, regions {NAME: {rect, lab, lab_std,
// pixels, hex, proposed, confidence, warnings; hair: follicle_lab, coverage, mean_lab,
// follicle_cluster ("dark" | "light"), follicle_basis, follicle_pixels; scalp:
// ita_deg, ita_class, monk_tone}}, warnings[]}. Non-finite numbers are null.
nlohmann::json measure_json(const MeasureResult& result);
nlohmann::json region_json(const photo::RegionMeasurement& region);

// Human-readable report, ending with a newline.
std::string measure_text(const MeasureResult& result);

}  // namespace shadematch::report
