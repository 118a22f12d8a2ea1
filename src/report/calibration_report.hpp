#pragma once
// Renderings of a calibration (DESIGN.md "Calibration report"): the JSON object of
// `shadematch calibrate --json` (field names fixed by DESIGN.md) and the text report (per-patch
// table, summary, verdict). measure/match embed calibration_summary_json() as their
// `calibration` field.
#include <string>

#include <nlohmann/json.hpp>

#include "photo/calibrate.hpp"

namespace shadematch::report {

// {card {id, corners, orientation_deg}, fit {model, de00_mean, de00_max, loo_de00_mean,
//  loo_de00_max}, patches[] {index, name, reference_lab, measured_lab, de00, loo_de00, flags},
//  verdict, reason (only when rejected), local_refinement, warnings[]} plus photo and image
//  {width, height, camera, assumed_srgb}. Non-finite numbers are written as null.
// local_refinement (issue 16): what the measurements refine colours with (photo/calibration.hpp)
//  — {applied, nearest, patches, neutral_patches}; {applied: false, reason} for a calibration file
//  saved without it; null when rejected.
nlohmann::json calibration_json(const photo::CalibrationResult& result);

// The same without the per-patch list: {photo, card, fit, verdict, reason?, local_refinement,
// warnings} — for the
// `calibration` field of measure and match.
nlohmann::json calibration_summary_json(const photo::CalibrationResult& result);

// Human-readable report, ending with a newline.
std::string calibration_text(const photo::CalibrationResult& result);

}  // namespace shadematch::report
