#pragma once
// `shadematch measure`'s pipeline (issue 4; moved out of report/ by issue 16): one library call
// shared by `measure`, `match`, `grade`'s photo cases, `client record|healed` and the server's
// history routes, which all measure the same way. report/measure_report.hpp renders its result.
//
// Pipeline: calibration from the card in the photo (photo/calibrate.hpp), or a saved one
// (--calibration F, files/calibration_file.hpp) — either way ONE photo::Calibration value, the
// global fit plus the local refinement's samples (photo/calibration.hpp), so a photo measured
// with its card and with its own saved calibration gives the same colours → regions from the
// flags, else from the sidecar PHOTO.regions.yaml (files/regions_file.hpp), else proposed
// automatically outside the card (photo::propose_regions) → photo decoded at full resolution,
// only the region crops linearized and converted → photo::measure_regions, each region refined
// by Calibration::local_for its first estimate.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "photo/measure.hpp"
#include "report/measure_report.hpp"

namespace shadematch::session {

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

// The measured value (photo, calibration, regions, warnings), as report/ renders it.
using MeasureResult = report::MeasureResult;

// Throws InputError for unreadable photos/files and bad regions (exit 1). "No usable card" is the
// returned result with usable() == false (no regions measured).
MeasureResult run_measure(const MeasureRequest& request);

}  // namespace shadematch::session
