// measure_regions: decode-level driver (linearize the crop, convert to Lab, measure).
#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

#include "photo/decode.hpp"
#include "photo/measure.hpp"

namespace shadematch::photo {

namespace {
void to_lab_crop(const cv::Mat& linear, const LinearToLab& to_lab, cv::Mat& lab) {
  lab.create(linear.size(), CV_32FC3);
  for (int y = 0; y < linear.rows; ++y) {
    const auto* src = linear.ptr<cv::Vec3f>(y);
    auto* dst = lab.ptr<cv::Vec3f>(y);
    for (int x = 0; x < linear.cols; ++x) {
      const colour::Lab v = to_lab({src[x][0], src[x][1], src[x][2]});
      dst[x] = cv::Vec3f(static_cast<float>(v.l), static_cast<float>(v.a), static_cast<float>(v.b));
    }
  }
}
}  // namespace

std::vector<RegionMeasurement> measure_regions(const DecodedImage& image, const LinearToLab& to_lab,
                                               const std::vector<Region>& regions, const MeasureOptions& options) {
  validate_regions(image.info, regions, options);
  // The scalp first: a hair region's follicle cluster is the one that differs from the scalp.
  std::vector<std::size_t> order(regions.size());
  for (std::size_t i = 0; i < regions.size(); ++i) order[i] = i;
  std::stable_partition(order.begin(), order.end(),
                        [&](std::size_t i) { return kind_of(regions[i]) == RegionKind::scalp; });
  MeasureOptions opts = options;
  std::vector<RegionMeasurement> out(regions.size());
  for (std::size_t index : order) {
    const Region& region = regions[index];
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
    cv::Mat lab;
    to_lab_crop(linear, to_lab, lab);
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
    RegionMeasurement m = measure_lab_pixels(region, lab, inside, saturated, opts);
    if (opts.local_correction && std::isfinite(m.lab.l)) {
      const colour::Lab estimate = m.follicle_lab ? *m.follicle_lab : m.lab;
      const LinearToLab local = opts.local_correction(estimate);
      if (local) {
        to_lab_crop(linear, local, lab);
        m = measure_lab_pixels(region, lab, inside, saturated, opts);
      }
    }
    if (m.kind == RegionKind::scalp && !opts.scalp_lab && std::isfinite(m.lab.l)) opts.scalp_lab = m.lab;
    out[index] = std::move(m);
  }
  return out;
}

}  // namespace shadematch::photo
