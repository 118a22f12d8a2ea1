#pragma once
// `calibrate --overlay OUT.png`: a reduced copy of the photo with what calibration read drawn on
// it — the card's patch-grid outline (patch 1 corner marked), every sampled patch box coloured by
// its ΔE00 (green ≤ 2, amber ≤ 4, red above, grey when excluded) and the ΔE00 printed in it — so
// a technician can see at a glance whether the right squares were read.
#include <string>

#include <opencv2/core.hpp>

#include "photo/calibrate.hpp"
#include "photo/decode.hpp"

namespace shadematch::photo {

// The overlay as a CV_8UC3 BGR image whose long side is at most `max_long_side` (never enlarged).
// `image` may be decoded at any reduce; coordinates of `result` are displayed full-photo pixels.
cv::Mat render_calibration_overlay(const DecodedImage& image, const CalibrationResult& result,
                                   int max_long_side = 1600);

// Renders and writes a PNG, whole or not at all (temporary file in the same directory, then
// rename). InputError(path, …) when it cannot be written.
void write_calibration_overlay(const std::string& path, const DecodedImage& image, const CalibrationResult& result,
                               int max_long_side = 1600);

}  // namespace shadematch::photo
