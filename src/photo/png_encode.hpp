#pragma once
// PNG encoding of the images the tool renders (overlays, the healed preview, palette swatches),
// with libpng directly: OpenCV's imgcodecs, the only other user of it, loads about 120 shared
// libraries (GDAL, OpenEXR, …) at every start of the binary — 50–60 ms on each command, more than
// decoding a 12 MP JPEG takes.
#include <cstdint>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

namespace shadematch::photo {

// An 8-bit BGR (CV_8UC3) or grey (CV_8UC1) image as PNG bytes: 8 bits per channel, no
// interlacing, zlib level 6 (its default: the usual balance of size and speed). Throws
// std::invalid_argument for an empty image or another type (a programmer error) and
// std::runtime_error when libpng fails (out of memory).
std::vector<std::uint8_t> encode_png(const cv::Mat& image);

// encode_png, then the file written whole or not at all (common/atomic_file.hpp); a libpng
// failure is InputError(path, …).
void write_png_file(const std::string& path, const cv::Mat& image);

}  // namespace shadematch::photo
