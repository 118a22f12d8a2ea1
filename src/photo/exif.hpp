#pragma once
// The two EXIF facts decoding needs, read with libexif (internal to src/photo; see decode.hpp).
#include <cstddef>
#include <cstdint>
#include <string>

namespace shadematch::photo {

struct ExifFacts {
  int orientation = 1;  // TIFF/EXIF Orientation 1..8; 1 when absent or out of range
  std::string camera;   // Make + " " + Model (Model alone when it already names the maker), or ""
};

// `data` is an EXIF block as stored in a JPEG APP1 segment ("Exif\0\0" + TIFF header) or in a PNG
// eXIf chunk (TIFF header only). Malformed blocks give the defaults: EXIF is advisory.
ExifFacts parse_exif(const std::uint8_t* data, std::size_t size);

}  // namespace shadematch::photo
