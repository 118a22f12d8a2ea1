#pragma once
// `shadematch palette measure PHOTO --roi x,y,w,h [--calibration F]` (issue 8): the calibrated
// CIELAB D50 of an ink drawdown or swatch photographed beside the reference card.
//
// The photo goes through `measure`'s pipeline (session::run_measure): calibrated from its card, or
// from a saved calibration (for further photos in the same setup) — the one calibration value,
// global fit and local refinement. The ROI is a region of kind "other" (photo/measure.hpp: per-
// channel robust median, spread = 1.4826·MAD per channel, clipped pixels counted), and judged:
//  - "too small": fewer than kMinSwatchPixels pixels (the median of 400 pixels has a standard error
//    of about 0.06σ, below a phone JPEG's noise; photo::MeasureOptions::min_pixels);
//  - "not uniform": the spread as a colour difference, ΔE00(median, median + lab_std), exceeds
//    kMaxUniformSpreadDe00 = 2 — a drawdown with streaks, a glare spot or a ROI that takes in the
//    background or the card; the median is still reported, but should not be trusted for a palette.
#include <optional>
#include <string>
#include <vector>

#include "colour/types.hpp"
#include "common/geometry.hpp"
#include "photo/calibrate.hpp"

namespace shadematch::session {

inline constexpr int kMinSwatchPixels = 400;
inline constexpr double kMaxUniformSpreadDe00 = 2.0;

struct SwatchMeasurement {
  std::string photo;
  PixelRect roi;
  colour::Lab lab;      // D50
  colour::Lab lab_std;  // robust spread per channel
  double spread_de00 = 0;
  int pixels = 0;
  bool uniform = true;
  bool too_small = false;
  std::string calibration_source;  // "card in the photo" or the calibration file
  photo::FitSummary fit;
  std::string verdict;  // calibration verdict ("good", …)
  std::vector<std::string> warnings;
};

// Throws InputError for unreadable files and an ROI outside the image (naming "--roi").
// Returns nullopt, with `calibration` filled in (verdict rejected, reason), when the photo has no
// usable card and no calibration file was given (exit 3 in the CLI).
std::optional<SwatchMeasurement> measure_swatch(const std::string& photo_path, const PixelRect& roi,
                                                const std::optional<std::string>& calibration_path,
                                                photo::CalibrationResult& calibration);

}  // namespace shadematch::session
