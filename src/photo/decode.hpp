#pragma once
// Photo decoding: JPEG, PNG, TIFF and HEIF (HEIC, and AVIF), 8 to 16 bits per channel, orientation
// applied, the embedded ICC profile (or a HEIF nclx colour description) applied with Little CMS to
// reach linear light.
//
// Libraries: libjpeg(-turbo) for JPEG (APP1/APP2 markers, DCT-domain reduction, CMYK, corrupt-data
// warnings), libpng for PNG (iCCP, eXIf), libtiff for TIFF (ICC and orientation tags), libheif for
// HEIF (its HEVC decoder is libde265, AV1 libdav1d/libaom, all linked by Debian's libheif1), libexif
// for the EXIF block, Little CMS 2 for every colour transform.
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
// - HEIF (ISO/IEC 23008-12) is recognised by its ftyp box (a HEIF brand: heic, heix, heim, heis,
//   hevc, hevx, mif1, msf1, mif2, heif, avif, avis), never by the file name. The primary image is
//   decoded; thumbnails, depth and auxiliary images are ignored.
//   - Pixel limit: the primary item's declared size ('ispe') is checked before any pixel is
//     decoded, and so is the canvas a grid or overlay image declares in its own descriptor
//     (libheif 1.15 allocates that canvas whatever 'ispe' says); the decoded image must then have
//     the size the container declares (else corrupt).
//   - Orientation: the container's transformative properties (clean aperture 'clap', rotation
//     'irot', mirror 'imir') are applied by libheif, in the order the file lists them. The EXIF
//     Orientation tag is NOT applied on top: ISO/IEC 23008-12 makes the transformative properties
//     the orientation of a HEIF image, and phones write both (an iPhone photo held upright has
//     'irot' and EXIF Orientation 6 describing the same turn: applying both turns it twice). So
//     exif_orientation is 1 for HEIF, width/height are the size after the transforms and
//     stored_width/stored_height the coded size ('ispe').
//   - Colour: an ICC profile in the 'colr' box (types prof and rICC) is used as for other formats.
//     Without one, an nclx 'colr' box (ITU-T H.273 colour primaries, transfer characteristics,
//     matrix coefficients) becomes a matrix/TRC ICC profile built by Little CMS from the primaries,
//     white and transfer curve (icc.hpp: make_nclx_profile), stored in icc_profile with
//     icc_from_nclx = true. With neither, or with primaries and transfer both "unspecified" (2),
//     the image is untagged: sRGB, assumed_srgb = true. The YCbCr → RGB conversion (matrix
//     coefficients, full/limited range) is libheif's; without an nclx box libheif 1.15 takes
//     BT.601 full range, which is what heif-enc writes and what iPhones encode.
//   - Bit depth: 8-bit images decode to CV_8UC3; deeper ones (10, 12 bits) to CV_16UC3, each code
//     rescaled to the 16-bit range (v·65535/(2^bits − 1), rounded), so no precision is lost;
//     bit_depth reports the file's depth (10 for a 10-bit HEIC).
//   - Truncated or corrupt data (box structure, item data outside the file, codec errors, any
//     libheif decoding warning: strict decoding) is an InputError; never a half image. Known gap:
//     HEVC has no checksum and libde265 1.0.11 reports nothing for damaged slice data, so a file
//     whose coded data (not its boxes) is overwritten decodes to a damaged image (calibration then
//     refuses it as it would any photo without a readable card).
//   - Monochrome HEIF is decoded as grey RGB (libheif 1.15 does not tell the chroma before
//     decoding); greyscale is false and calibration refuses it by content (R = G = B).
#include <memory>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "photo/image_info.hpp"

namespace shadematch::photo {

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
DecodedImage decode_image(const EncodedImage& file, int reduce = 1);  // the same from bytes

}  // namespace shadematch::photo
