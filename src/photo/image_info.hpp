#pragma once
// What a photo file is, without its pixels: the header's facts (ImageInfo), the bytes read once
// (EncodedImage), the probe. OpenCV-free, so that files/ and report/ can hold them; the decoding
// itself and the decoded pixels are photo/decode.hpp (documented there).
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace shadematch::photo {

// Documented pixel limit (width × height as stored); refused above, before decoding.
inline constexpr std::int64_t kMaxPixels = 100'000'000;

// A HEIF nclx colour description (ISO/IEC 23008-12 'colr' box of type nclx): code points of
// ITU-T H.273 (Tables 2, 3 and 4), and the chromaticities libheif decodes the primaries to.
struct NclxColour {
  bool present = false;
  int colour_primaries = 2;          // H.273 Table 2 (1 BT.709/sRGB, 9 BT.2020, 12 Display P3, 2 unspecified)
  int transfer_characteristics = 2;  // H.273 Table 3 (1 BT.709, 8 linear, 13 sRGB, 16 PQ, 18 HLG, 2 unspecified)
  int matrix_coefficients = 2;       // H.273 Table 4 (0 RGB, 1 BT.709, 6 BT.601, 2 unspecified)
  bool full_range = true;
  // x, y of red, green, blue and white; all 0 when the primaries code point is unknown to libheif.
  double red_x = 0, red_y = 0, green_x = 0, green_y = 0, blue_x = 0, blue_y = 0, white_x = 0, white_y = 0;
};

struct ImageInfo {
  std::string path;
  std::string format;  // "jpeg" | "png" | "tiff" | "heif"
  int width = 0;       // as DISPLAYED, i.e. after EXIF orientation
  int height = 0;
  int stored_width = 0;  // as stored in the file
  int stored_height = 0;
  int exif_orientation = 1;  // 1..8 (TIFF/EXIF Orientation tag); 1 when absent or invalid, and for HEIF
  int bit_depth = 8;         // 8 or 16; HEIF 8, 10 or 12 (1/2/4-bit PNG and TIFF are expanded and report 8)
  int channels = 3;          // channels in the file (1 grey, 2 grey+alpha, 3 RGB, 4 CMYK/RGBA)
  bool cmyk = false;
  bool greyscale = false;                 // the file stores one colour channel (grey, with or without alpha)
  std::vector<std::uint8_t> icc_profile;  // empty when untagged
  std::string icc_description;            // the profile's description tag, or ""
  bool icc_from_nclx = false;             // HEIF: icc_profile was built from the nclx box (see above)
  NclxColour nclx;                        // HEIF: the nclx colour description, when the file has one
  std::string camera;                     // EXIF Make + " " + Model when present, else ""
};

// An image file's bytes, read once — from disk (read_image_file) or received in memory (an upload
// to `shadematch serve`). `name` is what messages and ImageInfo::path call it; it is never opened
// again, so an in-memory image may carry any label.
struct EncodedImage {
  std::string name;
  std::shared_ptr<const std::vector<std::uint8_t>> bytes;
};

// Reads the whole file. Throws InputError(path, …) for a missing, unreadable or empty file and
// for a directory.
EncodedImage read_image_file(const std::string& path);

// Reads headers only (cheap: no pixel data). Throws InputError(path, …) for a missing, empty or
// unreadable file, a truncated header, not an image, an unsupported format, and for
// width × height > kMaxPixels.
ImageInfo probe_image(const std::string& path);
ImageInfo probe_image(const EncodedImage& file);  // the same from bytes (InputError names file.name)

// The largest reduce in {1, 2, 4, 8} such that the reduced long side (of info.width/height) stays
// ≥ min_long_side; 1 if even the full image is smaller.
int reduce_for(const ImageInfo& info, int min_long_side);

}  // namespace shadematch::photo
