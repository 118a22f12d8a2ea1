#pragma once
// The swatch chart (report/swatch.hpp) drawn as a PNG with OpenCV, and written as PNG or HTML.
#include <string>

#include <opencv2/core.hpp>

#include "report/swatch.hpp"

namespace shadematch::session {

// BGR 8-bit image of the chart, laid out by `geometry`.
cv::Mat render_swatch_image(const report::SwatchChart& chart, const report::SwatchGeometry& geometry = {});

// Writes OUT.png or OUT.html (by extension, case-insensitive) whole or not at all (temporary file
// in the same directory, then rename). Throws InputError naming the path on failure and
// UsageError for another extension.
void write_swatch_chart(const std::string& path, const report::SwatchChart& chart);

}  // namespace shadematch::session
