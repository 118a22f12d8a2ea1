#pragma once
// Measuring hair and scalp colour in a calibrated photo (DESIGN.md "Regions", issue 4).
//
// A region is a rectangle (optionally a polygon inside it) in DISPLAYED full-photo pixels (after
// EXIF orientation). Its pixels are taken from the decoder's linear light at full resolution
// (only the region's crop is linearized), converted to CIELAB D50 by the calibration's colour
// correction, and summarised with robust statistics chosen by the region's kind:
//  - "hair":  a two-cluster split in Lab (k-means, k = 2, on L*, a*, b*): the follicle cluster is
//             the DARK one, or — when a scalp region is measured too — the one that differs more
//             from the scalp's colour (blond or grey hair on darker skin is LIGHTER than the skin);
//             coverage = the fraction of pixels in it. The follicle colour is taken from the
//             cluster's INTERIOR only (pixels whose whole (2r+1)² neighbourhood, r =
//             chroma_reach_px, is in the cluster): JPEG 4:2:0 chroma and demosaicing give a pixel the
//             chroma of its neighbours, so a dot's rim is dark but skin-coloured (see
//             chroma_reach_px). The region mean is kept too (it mixes follicles and skin, which is
//             what the eye sees from a distance).
//  - "scalp": robust median after excluding follicle dots (pixels much darker than the skin mode)
//             and specular highlights (much lighter / clipped); ITA° with its class and the nearest
//             Monk skin tone (colour/skin_tone.hpp).
//  - "scar" and any other name: plain robust statistics (median, spread).
// Every region reports Lab (per-channel median), lab_std (robust per-channel spread: 1.4826·MAD,
// i.e. the standard deviation for normal data), the pixel count and warnings ("too small",
// "clipped", lighting differs from the card's).
//
// The colour correction is passed as a function (linear RGB of the decoder → Lab D50) so that
// this layer does not depend on how the fit is represented: pass
// `[&](const colour::LinearRgb& c) { return correction.apply_lab(c); }`.
#include <array>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "colour/types.hpp"
#include "common/geometry.hpp"
#include "photo/calibration.hpp"

namespace shadematch::photo {

struct DecodedImage;  // photo/decode.hpp
struct ImageInfo;     // photo/decode.hpp

enum class RegionKind { hair, scalp, scar, other };
// "hair" → hair, "scalp" → scalp, "scar" → scar, anything else → other.
RegionKind region_kind(std::string_view name);
struct Region;
// The region's kind: Region::kind when set, else region_kind(name).
RegionKind kind_of(const Region& region);

struct Region {
  std::string name;                 // "hair", "scalp", "scar" or any user name ([A-Za-z0-9_-]+)
  PixelRect rect;                   // displayed full-photo pixels; for a polygon, its bounding box
  std::vector<PixelPoint> polygon;  // optional: when non-empty, only pixels inside it count
  bool proposed = false;            // found by propose_regions, not given by the user
  double confidence = 1.0;          // 0..1; 1 for user regions
  // Where it came from, for error messages: a flag ("--hair"), a file ("IMG.regions.yaml", with
  // line and column from 1; 0 = unknown) or "proposed".
  std::string origin;
  int line = 0;
  int column = 0;
  // Measured as this kind whatever its name (e.g. `client healed --treated`: healed SMP dots are
  // measured as follicles are, the dark mode inside the region); unset: region_kind(name).
  std::optional<RegionKind> kind;
};

struct RegionMeasurement {
  std::string name;
  RegionKind kind = RegionKind::other;
  PixelRect rect;
  bool proposed = false;
  double confidence = 1.0;
  colour::Lab lab;        // robust (per-channel) median of the kept pixels, D50
  colour::Lab lab_std;    // robust spread per channel (1.4826·MAD)
  int pixels = 0;         // pixels kept for `lab` (after exclusions)
  int region_pixels = 0;  // pixels inside the region before exclusions
  // hair only
  std::optional<colour::Lab> follicle_lab;  // median of the dark cluster
  std::optional<double> coverage;           // fraction of region pixels in the dark cluster
  std::optional<colour::Lab> mean_lab;      // mean of all region pixels (hair and scalp)
  // Which cluster was taken as follicles: "dark" (the default) or "light" (lighter than the scalp:
  // blond or grey hair); follicle_basis says why: "darker cluster" or "differs from scalp".
  std::string follicle_cluster;
  std::string follicle_basis;
  int follicle_pixels = 0;  // pixels the follicle colour was taken from (the clusters' interior)
  // scalp only
  std::optional<double> ita_deg;
  std::string ita_class;  // "very light", "light", … ("" when not scalp)
  int monk_tone = 0;      // 1..10 (0 when not scalp)
  std::vector<std::string> warnings;
};

// LinearToLab (the decoder's linear RGB → CIELAB D50): photo/calibration.hpp.

struct MeasureOptions {
  // Patch-grid corners of the detected card (CardDetection::corners), displayed full-photo
  // pixels. When present, regions overlapping the card (grid grown by card_margin on every side,
  // to cover the card's border) are refused and proposals avoid it.
  std::optional<Quad> card_corners;
  double card_margin = 0.12;  // fraction of the grid's size (Classic border ≈ 0.1 of the grid)
  // Fewer kept pixels than this gives the warning "too small" (the median of 400 pixels has a
  // standard error of ≈ 1.25σ/20 ≈ 0.06σ, below the noise of a phone JPEG).
  int min_pixels = 400;
  // Share of clipped pixels above which a region gets the warning "clipped".
  double max_clipped_fraction = 0.02;
  // Optional local refinement (Calibration::refiner(), photo/calibration.hpp): given a region's
  // first estimate (the follicle colour for "hair", the median otherwise), a conversion tuned to
  // colours near it. measure_regions then measures the region again with it.
  std::function<LinearToLab(const colour::Lab&)> local_correction;
  // The scalp's colour, when known: a hair region's follicle cluster is then the one farther from
  // it (ΔE*ab), not necessarily the darker one. measure_regions fills it from a "scalp" region.
  std::optional<colour::Lab> scalp_lab;
  // How far (pixels, Chebyshev) colour leaks between neighbours in the photo. JPEG 4:2:0 stores
  // one chroma sample per 2×2 pixels and libjpeg's default ("fancy") upsampling interpolates
  // between the nearest samples with weights 3/4, 1/4 per axis (ITU-T T.81 leaves upsampling to
  // the decoder; libjpeg jdsample.c h2v2_fancy_upsample), so a pixel's chroma comes from the 2×2
  // blocks within 2 pixels of it; bilinear demosaicing of a Bayer sensor reaches 1 pixel. A
  // follicle pixel closer than this to skin carries skin chroma at follicle lightness: on the
  // scene tests, such rims moved a near-black follicle (L* 24) by 4–5 ΔE00 towards the skin's hue.
  int chroma_reach_px = 2;
  // Fewest interior pixels to take the follicle colour from; with fewer (dots under about 6 px
  // across) the region is flagged and the colour comes from the dots' deepest pixels (the fifth
  // farthest from the cluster's edge: their centres; measure_stats.cpp deepest), or the whole
  // cluster when even those are under 20. 50 pixels: the median's standard error is then
  // ≈ 1.25σ/√50 ≈ 0.18σ of the pixel noise. (Deepest pixels, issue 19, on the first 30 TUNE wide
  // scenes: the 6 with such dots moved 5.17→3.22, 7.92→6.78, 2.43→1.42, 3.20→2.47, 1.16→0.94 and
  // 1.80→2.06 ΔE00; taking them even when an interior exists made the median worse, 1.24→1.53.)
  int min_follicle_interior = 50;
};

// local_correction (the refit on the card's patches nearest a region's colour, with the tuning of
// its `nearest`): photo/calibration.hpp.

// Checks every region against the image and the card: empty (w or h ≤ 0), outside or partly
// outside the image, overlapping the card, duplicate names. Throws InputError naming the region's
// origin and what is wrong (exit 1).
void validate_regions(const ImageInfo& info, const std::vector<Region>& regions, const MeasureOptions& options);

// Validates (as above), then measures each region. `image` must be decoded at reduce = 1
// (image.scale == 1); regions are in displayed full-photo pixels.
std::vector<RegionMeasurement> measure_regions(const DecodedImage& image, const LinearToLab& to_lab,
                                               const std::vector<Region>& regions, const MeasureOptions& options = {});

// Proposes a "hair" and a "scalp" region outside the card when the user gave none: looks for
// skin-coloured area with dark dots in it (a low-resolution pass over the image), and returns at
// most one of each, with proposed = true and a confidence in 0..1. Empty when nothing plausible
// was found (the caller reports that).
// How skin-like a CALIBRATED colour is, 0..1 (regions_propose.cpp): exp(−d²/2·4²), d = distance
// of q = 50·(a*, b*)/L* (chromaticity per unit lightness, unchanged by more or less light) to the
// nearest of the 100 NIST skin spectra and the Monk swatches darker than them (D50); 0 when L* is
// outside 20–97.
double skin_plausibility(const colour::Lab& lab);

std::vector<Region> propose_regions(const DecodedImage& image, const LinearToLab& to_lab,
                                    const MeasureOptions& options = {});

}  // namespace shadematch::photo
