#pragma once
// The region statistics on pixels already converted to CIELAB (OpenCV images; photo/ and tests
// only). The values and the file-level entry points are photo/measure.hpp.
#include <opencv2/core.hpp>

#include "photo/measure.hpp"

namespace shadematch::photo {

// The maths on an already converted Lab crop (CV_32FC3, L*, a*, b*), with optional masks
// (CV_8UC1, 255 = inside the region / 255 = clipped). Used by measure_regions and by tests.
// `lab` is taken by value and released once its pixels are gathered: a caller that moves its crop
// in does not hold it, as well as the gathered pixels, while the statistics run.
RegionMeasurement measure_lab_pixels(const Region& region, cv::Mat lab, const cv::Mat& inside, const cv::Mat& clipped,
                                     const MeasureOptions& options = {});

}  // namespace shadematch::photo
