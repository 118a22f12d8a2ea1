#pragma once
// Internals of card detection shared by detect*.cpp (not a public API; tests may use it).
//
// Vocabulary:
// - "lattice": integer patch positions as seen in the photo. Lattice point (a, b) is the centre of
//   the patch in lattice column a, row b; a candidate maps lattice coordinates to image pixels with
//   a homography and says how many columns × rows it spans (6 × 4 or 4 × 6 for a Classic).
// - "card lattice": the same for the card in its reading orientation, (u, v) = (column, row).
// - A "hypothesis" is one of the rectangle's symmetries taking the card lattice onto the candidate
//   lattice: two rotations and two mirror images for each candidate (which pair depends on whether
//   the candidate is landscape or portrait relative to the card).
#include <array>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "photo/card.hpp"
#include "photo/decode.hpp"
#include "photo/detect.hpp"

namespace shadematch::photo::detail {

struct LatticeCandidate {
  cv::Matx33d lattice_to_image;  // lattice (a, b, 1) → pixels of DecodedImage::encoded
  int cols = 0;                  // lattice columns (a = 0 … cols − 1)
  int rows = 0;                  // lattice rows (b = 0 … rows − 1)
  std::string source;            // "grid", "mcc" or "corners", for diagnostics
  int squares = 0;               // grid: squares seen on the lattice
  bool full_extent = false;      // grid: the squares seen span exactly cols × rows
};

// Finds 4×6-like grids of squares in an 8-bit RGB image (our own finder: multi-scale adaptive
// thresholds, square-ish contours, lattice growing). `to_encoded` maps the searched image's pixels
// to DecodedImage::encoded pixels (searched image = encoded resized by 1/to_encoded). Squares
// larger than `max_square` pixels (√area) are not sought when it is > 0 (later, larger passes
// only look for what the earlier pass could not see).
std::vector<LatticeCandidate> find_grid_candidates(const cv::Mat& rgb8, double to_encoded, int card_cols, int card_rows,
                                                   double max_square = 0);

// OpenCV mcc's MCC24 detector as a second opinion (not trusted: every candidate is verified).
std::vector<LatticeCandidate> find_mcc_candidates(const cv::Mat& rgb8, double to_encoded);

// A candidate from four patch-grid corners in encoded pixels (patch 1 first, clockwise), plus the
// candidate with the corners taken one step round (in case the user started on the wrong side).
std::vector<LatticeCandidate> candidates_from_corners(const std::array<cv::Point2f, 4>& corners,
                                                      const CardDefinition& card);

// Card units (x, y) → card lattice (u, v): u = (x − cx₀)/pitch_x, v = (y − cy₀)/pitch_y.
cv::Matx33d card_to_card_lattice(const CardDefinition& card);

// The i-th (0..7) symmetry taking card lattice (u, v) to candidate lattice (a, b), or false when
// its dimensions do not match the candidate's.
bool symmetry(int i, const CardDefinition& card, const LatticeCandidate& candidate, cv::Matx33d& out);

// Robust statistics of a quadrilateral of `image.encoded` (pixels of encoded) in linear light.
PatchSample sample_quad(const DecodedImage& image, const std::array<cv::Point2f, 4>& quad_encoded);

// The quick verification fit: per-channel linearization from the neutral patches, then a
// weighted least-squares degree-2 root-polynomial to the reference XYZ D50; the worst patches are
// dropped one by one (down to half the card) while any kept patch is further than kInlierDe00
// from its reference. Patches flagged "clipped" are left out.
// `robust`: also start the greedy drop from the fit without each block of 4–8 neighbouring
// patches and keep the start that leaves the most patches consistent. Six covered patches are a
// quarter of the card and pull the 18-parameter fit towards themselves, so the plain greedy drop
// often discards good patches instead; a covering is one piece, so one of the blocks holds most
// of it. About 80 fits: used on the final reading only.
struct VerifyFit {
  int usable = 0;                      // patches not clipped and with a finite mean
  int inliers = 0;                     // usable patches consistent with the fit
  double inlier_mean_de00 = 0;         // mean ΔE00 of the inliers
  double median_de00 = 0;              // median ΔE00 over all usable patches (fit on the inliers)
  std::vector<double> de00;            // per patch (card order); NaN for unusable
  std::vector<bool> inlier;            // per patch
  bool neutrals_ordered = false;       // the neutral patches get darker in card order
  double chroma_spread = 0;            // max over patches of (max − min)/mean channel (0 for a grey image)
  std::vector<colour::Lab> corrected;  // per patch: the fit's Lab D50 (NaN for unusable)
};
// A patch further than this from its reference after the quick fit is "inconsistent": covered,
// painted or in the wrong place. Real cards' worst patches stay under 10 on the development photos;
// a finger, tape or the wrong patch is 20–80 away.
inline constexpr double kInlierDe00 = 12.0;
VerifyFit verify_fit(const std::vector<PatchSample>& samples, const CardDefinition& card, bool robust = false);

// Grid refinement: a candidate's homography (our lattice of square centroids, mcc's box, a
// user's corners) can sit a fraction of a pitch off, most on small cards and on mcc's coarser box,
// which then samples patch edges or the neighbour. Each patch is located on its own in a
// rectified copy of the card: the box of 60 % of the patch whose pixels vary least (where the box
// holds no edge), searched within `search_pitch` of a pitch around where the grid puts it; then a
// homography is fitted to the located centres (RANSAC). `located` counts the patches whose box
// found a clear minimum (an edge near it); `inliers` those within 0.15 pitch of the new grid;
// `rms_pitch` their residual in pitches. `ok` when at least half the card agrees (else the input
// homography is returned unchanged).
struct GridRefinement {
  cv::Matx33d card_to_image;
  bool ok = false;
  int located = 0;
  int inliers = 0;
  double rms_pitch = 0;
  double moved_pitch = 0;  // largest move of a patch centre from the input grid, in pitches
};
GridRefinement refine_grid(const cv::Mat& encoded, const CardDefinition& card, const cv::Matx33d& card_to_image,
                           double search_pitch);

// detect_card with a choice of candidate finders (tests exercise each on its own).
enum CandidateSource : unsigned { kGridFinder = 1U, kMccFinder = 2U };
CardDetection detect_card_with(const DecodedImage& image, const CardDefinition& card, const DetectOptions& options,
                               unsigned sources);

// Flag thresholds (see detect_verify.cpp for the reasoning).
inline constexpr double kClippedFraction = 0.25;

}  // namespace shadematch::photo::detail
