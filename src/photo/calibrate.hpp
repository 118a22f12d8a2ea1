#pragma once
// The calibration pipeline (issue 3): decode → detect and verify the card → fit the colour
// correction → per-patch report values. The result is a plain value; src/report renders it and
// src/files saves/loads the reusable part, the photo::Calibration (photo/calibration.hpp: the
// global fit and the local refinement's samples; files/calibration_file.hpp).
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "colour/types.hpp"
#include "common/geometry.hpp"
#include "photo/calibration.hpp"
#include "photo/card.hpp"
#include "photo/detect.hpp"
#include "photo/fit.hpp"
#include "photo/image_info.hpp"

namespace shadematch::photo {

struct DecodedImage;  // photo/decode.hpp

struct PatchResult {
  int index = 0;
  std::string name;
  colour::Lab reference_lab;
  colour::Lab measured_lab;        // the patch mean through the chosen correction
  double de00 = 0;                 // ΔE00(reference, measured) with the patch in the fit
  double loo_de00 = 0;             // ΔE00 when the fit is made without this patch (leave-one-out)
  std::vector<std::string> flags;  // from detection ("clipped", "glare", …) + "excluded"
};

struct FitSummary {
  std::string model;            // "linear" | "rootpoly" ("" when rejected)
  std::string linearization;    // neutral_curve_name(): "identity" | "power" | "spline" | "gamma-offset" |
                                // "log-quadratic" | "shared-log-quadratic" | "shared-log-quadratic-offset"
  bool light_gradient = false;  // the fit modelled light falling off across the card
  double de00_mean = 0;
  double de00_max = 0;
  double loo_de00_mean = 0;
  double loo_de00_max = 0;
};

// DESIGN.md "Calibration report": good (LOO mean ≤ 2), usable (≤ 4), poor (> 4, returned with a
// warning), rejected (no usable card; exit 3).
enum class Verdict { good, usable, poor, rejected };
std::string_view verdict_name(Verdict verdict);  // "good" | "usable" | "poor" | "rejected"
Verdict verdict_for_loo_mean(double loo_de00_mean);

struct CalibrationResult {
  std::string photo;
  std::string card_id;
  CardDetection detection;
  // The global fit and the local refinement, built from the detection's samples (fit_detection);
  // from a saved file with --calibration. Measurements convert through this value only.
  Calibration calibration;
  FitSummary fit;
  std::vector<PatchResult> patches;  // card order; empty when rejected before the fit
  Verdict verdict = Verdict::rejected;
  std::string reason;  // reject_reason_name() when rejected, else ""
  std::vector<std::string> warnings;
  ImageInfo image;
  bool assumed_srgb = false;  // the photo was untagged (or its profile unusable)

  bool usable() const noexcept { return verdict != Verdict::rejected; }
};

struct CalibrateOptions {
  std::string card_id = "colorchecker-classic-2014";
  std::optional<Quad> corners;           // --corners, displayed full-photo pixels
  std::optional<CorrectionModel> model;  // nullopt = auto (lower leave-one-out mean)
};

// Fits and reports from an already decoded image (any reduce; detection reports full-photo
// pixels). Never throws for "no usable card": verdict = rejected with `reason`.
CalibrationResult calibrate_photo(const DecodedImage& image, const CardDefinition& card,
                                  const CalibrateOptions& options);

// Decodes `path` at a reduce that keeps the long side ≥ kCalibrateMinLongSide (patch means over
// many pixels lose nothing), then calibrate_photo. Throws InputError for unreadable files.
inline constexpr int kCalibrateMinLongSide = 1500;
// `decoded`, when given, receives the image the returned result was calibrated on (reduced, or
// full size after a retry), so that a caller drawing on the photo (calibrate --overlay) need not
// decode it again.
CalibrationResult calibrate_file(const std::string& path, const CardDefinition& card, const CalibrateOptions& options,
                                 DecodedImage* decoded = nullptr);
// The same from a file's bytes already in memory (read once, decoded at each size it needs).
CalibrationResult calibrate_image(const EncodedImage& file, const CardDefinition& card, const CalibrateOptions& options,
                                  DecodedImage* decoded = nullptr);

// Fit-level entry used by calibrate_photo and by tests: given the detection's patch samples,
// fits the correction (model chosen by leave-one-out unless `model`), fills fit/patches/verdict.
// Patches flagged "clipped" are excluded from the fit (flag "excluded" added, and a warning).
// Also fills calibration.refinement (local_refinement_from).
void fit_detection(const CardDetection& detection, const CardDefinition& card, std::optional<CorrectionModel> model,
                   CalibrationResult& result);

// The local refinement's samples from a detection: every patch read without any flag (clipped,
// glare, too few pixels… — a flagged patch's mean does not show its colour, and the 3×3 on 9–10
// samples would follow it), with its reference XYZ D50 and whether it is neutral.
LocalRefinement local_refinement_from(const CardDetection& detection, const CardDefinition& card,
                                      std::size_t nearest = kLocalRefinementNearest);

}  // namespace shadematch::photo
