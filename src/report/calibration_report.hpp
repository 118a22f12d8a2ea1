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
//  verdict, reason (only when rejected), warnings[]} plus photo and image {width, height, camera,
//  assumed_srgb}. Non-finite numbers are written as null.
nlohmann::json calibration_json(const photo::CalibrationResult& result);

// The same without the per-patch list: {photo, card, fit, verdict, reason?, warnings} — for the
// `calibration` field of measure and match.
nlohmann::json calibration_summary_json(const photo::CalibrationResult& result);

// Human-readable report, ending with a newline.
std::string calibration_text(const photo::CalibrationResult& result);

}  // namespace shadematch::report
