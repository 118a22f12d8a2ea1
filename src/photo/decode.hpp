#pragma once
// Photo decoding: JPEG, PNG and TIFF, 8 and 16 bits per channel, EXIF orientation applied, the
// embedded ICC profile read from the file and applied with Little CMS to reach linear light.
//
// Libraries: libjpeg(-turbo) for JPEG (APP1/APP2 markers, DCT-domain reduction, CMYK, corrupt-data
// warnings), libpng for PNG (iCCP, eXIf), libtiff for TIFF (ICC and orientation tags), libexif for
// the EXIF block, Little CMS 2 for every colour transform.
//
// Decisions (DESIGN.md "Bad input"):
// - Pixel limit: width × height > kMaxPixels is refused from the header, before any pixel is
//   decoded (InputError, exit 1). 100 MP is above every current phone/DSLR frame (61 MP) and keeps
//   a 16-bit RGB decode under 600 MB.
// - Missing, empty, unreadable, not-an-image, unsupported format, truncated or corrupt data:
//   InputError naming the file. A truncated JPEG (libjpeg would silently pad grey rows) or any
//   libjpeg "corrupt data" warning is an error: we never return a half image. One exception: a
//   single-scan JPEG that lacks only its final EOI marker (no entropy-coded data missing, as some
//   cameras write it) decodes whole, with a warning.
// - TIFF: unsigned 8/16-bit interleaved grey, RGB or CMYK (any libtiff compression, strips or
//   tiles, first page only); other layouts (planar, float, palette, 1-bit) are refused by name.
// - PNG gAMA/cHRM chunks without an iCCP are not applied (such a PNG is treated as sRGB).
// - Greyscale files decode (replicated to 3 channels) with info.greyscale = true; calibration
//   rejects them with reason "greyscale" (exit 3). A grey ICC profile is not applied (the replicated
//   grey is treated as sRGB-encoded neutral) — the image is rejected downstream anyway.
// - Untagged RGB images are treated as sRGB: assumed_srgb = true, and reports say so.
// - An embedded ICC profile that Little CMS cannot open, or whose colour space does not match the
//   pixels (e.g. a CMYK profile on an RGB image), is NOT fatal: a warning is added, the image is
//   treated as sRGB and assumed_srgb = true. Reason: phone/editor exports with a damaged profile
//   are still ordinary photos, and the colour fit corrects what the sRGB assumption gets wrong.
// - CMYK JPEG/TIFF: converted to sRGB-encoded RGB at decode time through the embedded CMYK profile
//   (Little CMS, relative colorimetric), so `encoded` is sRGB and linear() uses sRGB. Adobe's
//   inverted CMYK JPEGs (APP14 "Adobe" marker) are un-inverted first. Without a profile the naive
//   conversion R = (1 − C)(1 − K) … is used, with a warning and assumed_srgb = true (there is no
//   single "right" CMYK: the colour fit has to absorb the difference).
// - Alpha channels are dropped (channels = 4 with cmyk = false means RGBA).
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

namespace shadematch::photo {

// Documented pixel limit (width × height as stored); refused above, before decoding.
inline constexpr std::int64_t kMaxPixels = 100'000'000;

struct ImageInfo {
  std::string path;
  std::string format;  // "jpeg" | "png" | "tiff"
  int width = 0;       // as DISPLAYED, i.e. after EXIF orientation
  int height = 0;
  int stored_width = 0;  // as stored in the file
  int stored_height = 0;
  int exif_orientation = 1;  // 1..8 (TIFF/EXIF Orientation tag); 1 when absent or invalid
  int bit_depth = 8;         // 8 or 16 (1/2/4-bit PNG and TIFF are expanded and report 8)
  int channels = 3;          // channels in the file (1 grey, 2 grey+alpha, 3 RGB, 4 CMYK/RGBA)
  bool cmyk = false;
  bool greyscale = false;                 // the file stores one colour channel (grey, with or without alpha)
  std::vector<std::uint8_t> icc_profile;  // empty when untagged
  std::string icc_description;            // the profile's description tag, or ""
  std::string camera;                     // EXIF Make + " " + Model when present, else ""
};

// Reads headers only (cheap: no pixel data). Throws InputError(path, …) for a missing, empty or
// unreadable file, a truncated header, not an image, an unsupported format, and for
// width × height > kMaxPixels.
ImageInfo probe_image(const std::string& path);

struct DecodedImage {
  ImageInfo info;
  // CV_8UC3 or CV_16UC3, RGB channel order, EXIF orientation applied, possibly reduced:
  // encoded.cols ≈ info.width / reduce.
  cv::Mat encoded;
  double scale = 1;           // encoded.cols / info.width
  bool assumed_srgb = false;  // untagged (or unusable profile) → treated as sRGB
  std::vector<std::string> warnings;

  // Linear light of a region of `encoded` (default: all): CV_32FC3, RGB, in the linear sRGB
  // primaries (ITU-R BT.709 primaries, D65-white encoding, no tone curve; white = (1,1,1)), via the
  // embedded ICC profile and Little CMS (relative colorimetric, unbounded float). For matrix/TRC
  // profiles (and untagged sRGB) this is a per-channel lookup table plus a 3×3 matrix; otherwise a
  // Little CMS float transform. Thread-safe (const, no shared mutable state).
  // The roi must lie inside `encoded` (assert); an empty roi means the whole image.
  cv::Mat linear(cv::Rect roi = {}) const;

  // CV_8UC1 mask of `encoded` (roi): 255 where any channel is at/near its maximum code value
  // (8-bit ≥ 254, 16-bit ≥ 65280): clipped pixels; 0 elsewhere.
  cv::Mat saturated(cv::Rect roi = {}) const;

  // The colour transform behind linear(), built once by decode_image (opaque; shared so that
  // DecodedImage stays cheap to copy).
  struct Transform;
  std::shared_ptr<const Transform> transform;
};

// reduce ∈ {1, 2, 4, 8}: decode at 1/reduce size where the format allows it cheaply (JPEG DCT
// scaling: only the reduced image is ever in memory), otherwise decode and resize with INTER_AREA.
// Throws InputError as probe_image does, and for corrupt/truncated pixel data; UsageError-free:
// an invalid `reduce` is a programmer error (std::invalid_argument).
DecodedImage decode_image(const std::string& path, int reduce = 1);

// The same two on the file's bytes already in memory (decode_image and probe_image read the file
// and call these): every format is decoded from memory, so the fuzzers (fuzz/) and an upload need
// no file. `source` names the bytes in errors, as `path` does.
ImageInfo probe_image_bytes(const std::vector<std::uint8_t>& bytes, const std::string& source);
DecodedImage decode_image_bytes(const std::vector<std::uint8_t>& bytes, const std::string& source, int reduce = 1);

// The largest reduce in {1, 2, 4, 8} such that the reduced long side (of info.width/height) stays
// ≥ min_long_side; 1 if even the full image is smaller.
int reduce_for(const ImageInfo& info, int min_long_side);

}  // namespace shadematch::photo
