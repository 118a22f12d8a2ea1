#pragma once
// `measure --overlay OUT.png`: a reduced copy of the photo with every measured region drawn on
// it — its outline (dashed when proposed automatically), its name, and a swatch of its measured
// colour (the follicle colour for "hair") — and the card's outline when one was found, so the
// technician can check WHAT was measured.
#include <array>
#include <optional>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "photo/decode.hpp"
#include "photo/measure.hpp"

namespace shadematch::photo {

// CV_8UC3 BGR, long side at most `max_long_side` (never enlarged). Coordinates are displayed
// full-photo pixels; `image` may be decoded at any reduce.
cv::Mat render_regions_overlay(const DecodedImage& image, const std::vector<RegionMeasurement>& regions,
                               const std::optional<Quad>& card_corners, int max_long_side = 1600);

// Renders and writes a PNG whole or not at all (temporary file in the same directory, then
// rename). InputError(path, …) when it cannot be written.
void write_regions_overlay(const std::string& path, const DecodedImage& image,
                           const std::vector<RegionMeasurement>& regions, const std::optional<Quad>& card_corners,
                           int max_long_side = 1600);

}  // namespace shadematch::photo
