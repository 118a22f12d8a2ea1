#pragma once
// ICC profiles for photo decoding, over Little CMS (internal to src/photo; see decode.hpp).
//
// The target of every photo transform is *linear sRGB*: the sRGB primaries and D65 white
// (IEC 61966-2-1) without the tone curve, white = (1, 1, 1). We do not type the primaries: the
// linear profile is Little CMS's built-in sRGB profile with its three TRCs replaced by gamma 1.0,
// so its colorants (already Bradford-adapted to the D50 PCS) are exactly those of sRGB.
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "photo/decode.hpp"

namespace shadematch::photo {

// How linear() turns code values into linear sRGB.
struct DecodedImage::Transform {
  enum class Kind {
    lut_matrix,  // matrix/TRC profile: per-channel LUT (TRC) then a 3×3 matrix
    lcms,        // anything else: Little CMS float transform (RGB 0..1 → linear sRGB)
  };
  Kind kind = Kind::lut_matrix;
  int bits = 8;                          // 8 or 16: code values the LUT is indexed by
  std::vector<float> lut;                // 3 × 2^bits entries: R table, then G, then B
  std::array<float, 9> matrix{};         // row-major, linear device RGB → linear sRGB
  std::shared_ptr<void> lcms_transform;  // cmsHTRANSFORM (TYPE_RGB_FLT → TYPE_RGB_FLT), NOCACHE
};

// What Little CMS makes of a profile: opened at all, its colour space, its description.
struct IccSummary {
  bool opened = false;
  bool rgb = false;           // data colour space RGB
  bool cmyk = false;          // data colour space CMYK
  bool gray = false;          // data colour space gray
  bool usable_class = false;  // input, display, output or colour-space class (not link/abstract)
  std::string description;
};
IccSummary summarize_icc(const std::vector<std::uint8_t>& profile);

// The transform of an RGB image with `bits` per channel (8 or 16) tagged with `profile` (empty:
// untagged, i.e. sRGB). Returns nullptr and sets `why` when the profile cannot be used; the caller
// then warns and falls back to sRGB.
std::shared_ptr<const DecodedImage::Transform> make_linear_transform(const std::vector<std::uint8_t>& profile, int bits,
                                                                     std::string& why);

// Runs t.lcms_transform (kind lcms) on `pixels` RGB float triples; thread-safe (NOCACHE).
void lcms_rgb_float(const DecodedImage::Transform& t, const float* in, float* out, std::size_t pixels);

// A matrix/TRC RGB display profile (ICC v4, Little CMS) equivalent to a HEIF nclx description:
// colorants from the primaries' and white's chromaticities (Bradford-adapted to the D50 PCS, as
// Little CMS builds every RGB profile), one tone curve per channel inverting the transfer
// characteristics of ITU-T H.273 Table 3 (code value V in 0..1 → linear light L in 0..1):
//   1, 6, 14, 15 (BT.709, BT.601, BT.2020): L = V/4.5 below V = 4.5β, else ((V + α − 1)/α)^(1/0.45),
//                 α = 1.099296826809442, β = 0.018053968510807 (H.273 gives both to 15 digits);
//   4, 5 (assumed display gamma 2.2, 2.8): L = V^2.2, V^2.8;
//   7 (SMPTE ST 240): as 1 with α = 1.1115, β = 0.0228 and slope 4 (not 4.5);
//   8 (linear): L = V;
//   13 (IEC 61966-2-1 sRGB): L = V/12.92 below V = 0.04045, else ((V + 0.055)/1.055)^2.4.
// These invert the scene → code value function the standard defines (for 1/6/14/15 the camera's
// OETF, not a display's BT.1886 EOTF): what a camera did is what the calibration has to undo, and
// its own tone-curve fit absorbs the rest. Other transfer codes (PQ, HLG, log, unspecified) get
// the sRGB curve and a warning; unspecified (2) or unknown primaries get the sRGB primaries and a
// warning. `description` names what was built (it is also the profile's description tag).
std::vector<std::uint8_t> make_nclx_profile(const NclxColour& nclx, std::string& description,
                                            std::vector<std::string>& warnings);

// CMYK (8-bit, `inverted` as in Adobe JPEGs: 0 = full ink) → sRGB-encoded 8-bit RGB through the
// CMYK profile (relative colorimetric). Returns false and sets `why` when the profile is unusable.
bool cmyk_to_srgb8(const std::vector<std::uint8_t>& profile, bool inverted, const cv::Mat& cmyk, cv::Mat& rgb,
                   std::string& why);

}  // namespace shadematch::photo
