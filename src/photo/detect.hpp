#pragma once
// Finding and verifying the reference card in a photo (DESIGN.md "Reference card", issue 3).
//
// OpenCV mcc (and a grid-of-squares finder of our own) only PROPOSE candidate quadrilaterals. Each
// candidate is verified here: the card's patch grid is projected through the candidate's
// homography, the inner part of every patch is sampled in linear light, all four orientations (and
// the mirror image, which is reported, never accepted silently) are scored against the reference
// colours, and the best is kept only if the evidence holds. Otherwise the result says why not.
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "colour/types.hpp"
#include "common/geometry.hpp"
#include "photo/card.hpp"

namespace shadematch::photo {

struct DecodedImage;  // photo/decode.hpp

// Why a photo holds no usable card. Exit code 3 for everything but `none`.
enum class RejectReason {
  none,       // a usable card was found
  no_card,    // nothing card-like in the photo
  occluded,   // a card, but 6 or more patches are covered or inconsistent with it
  lookalike,  // a 4×6 chart whose colours do not fit the reference (other brand, shuffled, monitor)
  greyscale,  // the photo carries no colour (greyscale file, or R = G = B everywhere)
  clipped,    // too many patches saturated to calibrate from
};

// "none", "no-card", "occluded", "lookalike", "greyscale", "clipped" (the JSON `reason` values).
std::string_view reject_reason_name(RejectReason reason);

// One patch as read from the photo, in linear light (the decoder's linear RGB, 1 = full scale).
struct PatchSample {
  int index = 0;                  // 1-based card index
  colour::LinearRgb mean;         // robust mean over the sampled box (outliers trimmed)
  colour::LinearRgb stddev;       // spread of the kept pixels
  int pixels = 0;                 // number of pixels kept
  double saturated_fraction = 0;  // share of the box's pixels with a saturated channel
  // Share of the box's pixels with a channel at the file's minimum code (0): clipped at black by
  // the camera's rendering (an out-of-gamut colour), not merely dark.
  double dark_clipped_fraction = 0;
  // "clipped" (> 25 % of the box saturated, or > 25 % with a channel at code 0: leave it out of
  // fits), "glare" (a bright tail),
  // "few-pixels" (< 16 kept), "non-uniform" (luminance spread > 20 %, or one channel's spread
  // > 20 % of the strongest channel's mean: a screen's sub-pixels), "inconsistent" (the quick
  // verification fit puts it > 12 ΔE00 from its reference: partly covered or marked; only on an
  // accepted card, at most 5 such patches).
  std::vector<std::string> flags;
  Quad box;  // sampled box, clockwise, in displayed full-photo pixels
};

struct CardDetection {
  bool found = false;
  RejectReason reason = RejectReason::no_card;
  std::string detail;  // one human sentence explaining `reason` (or describing the find)
  // Patch-grid corners (outer corners of patches 1, cols, last, (rows-1)*cols+1), patch 1 first,
  // clockwise as seen in the card's reading orientation, in displayed full-photo pixels.
  Quad corners;
  int orientation_deg = 0;           // 0/90/180/270: clockwise rotation of the card relative to the photo
  std::vector<PatchSample> patches;  // one per card patch, in card order
  // (consistent patches / all patches) / (1 + quick-fit mean ΔE00 of those / 10): 0..1, higher is
  // better; the development photos score 0.6–0.9.
  double verification_score = 0;
  std::vector<std::string> warnings;
};

struct DetectOptions {
  // --corners: patch-grid corners given by the user (patch 1 first, clockwise). Detection is
  // skipped but the card is still verified, and the orientation is chosen by the fit.
  std::optional<Quad> corners;
  bool allow_clipped = false;  // accept a card with many clipped patches (they stay flagged)
};

CardDetection detect_card(const DecodedImage& image, const CardDefinition& card, const DetectOptions& options = {});

}  // namespace shadematch::photo
