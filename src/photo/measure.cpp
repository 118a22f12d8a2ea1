// measure_regions: decode-level driver (linearize the crop, convert to Lab, measure).
#include <cmath>

#include <opencv2/imgproc.hpp>

#include "photo/decode.hpp"
#include "photo/measure.hpp"

namespace shadematch::photo {

std::vector<RegionMeasurement> measure_regions(const DecodedImage& image, const LinearToLab& to_lab,
                                               const std::vector<Region>& regions, const MeasureOptions& options) {
  validate_regions(image.info, regions, options);
  std::vector<RegionMeasurement> out;
  for (const Region& region : regions) {
    // Regions are given in full-photo pixels; the decode may be reduced (scale < 1).
    cv::Rect r = region.rect;
    if (image.scale != 1.0) {
      const double s = image.scale;
      r = cv::Rect(cv::Point(static_cast<int>(std::floor(r.x * s)), static_cast<int>(std::floor(r.y * s))),
                   cv::Point(static_cast<int>(std::ceil((r.x + r.width) * s)),
                             static_cast<int>(std::ceil((r.y + r.height) * s))));
      r &= cv::Rect(0, 0, image.encoded.cols, image.encoded.rows);
    }
    const cv::Mat linear = image.linear(r);
    const cv::Mat saturated = image.saturated(r);
    cv::Mat lab(linear.size(), CV_32FC3);
    for (int y = 0; y < linear.rows; ++y) {
      const auto* src = linear.ptr<cv::Vec3f>(y);
      auto* dst = lab.ptr<cv::Vec3f>(y);
      for (int x = 0; x < linear.cols; ++x) {
        const colour::Lab v = to_lab({src[x][0], src[x][1], src[x][2]});
        dst[x] = cv::Vec3f(static_cast<float>(v.l), static_cast<float>(v.a), static_cast<float>(v.b));
      }
    }
    cv::Mat inside;
    if (!region.polygon.empty()) {
      inside = cv::Mat::zeros(r.size(), CV_8UC1);
      std::vector<cv::Point> shifted;
      for (const auto& p : region.polygon) {
        shifted.emplace_back(static_cast<int>(std::lround(p.x * image.scale)) - r.x,
                             static_cast<int>(std::lround(p.y * image.scale)) - r.y);
      }
      cv::fillPoly(inside, std::vector<std::vector<cv::Point>>{shifted}, cv::Scalar(255));
    }
    out.push_back(measure_lab_pixels(region, lab, inside, saturated, options));
  }
  return out;
}

}  // namespace shadematch::photo
