// measure_regions: decode-level driver (linearize the crop, convert to Lab, measure).
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "photo/cv_geometry.hpp"
#include "photo/decode.hpp"
#include "photo/measure_pixels.hpp"

namespace shadematch::photo {

namespace {

// A region's pixels repeat their colours: an 8-bit photo has at most 2^24 of them, and a patch of
// skin or hair holds far fewer, mostly next to each other. The conversion (the calibration's
// tone curves — pow, log, exp — its model and the cube roots of CIELAB) is memoised in a
// direct-mapped table keyed by the linear triplet's bits. Exact: a hit returns what the call
// returned for the same input. 2^16 slots (about 1.5 MB, inside a core's cache): on the 12 and
// 24 MP bench scenes (bench/bench_scalp.cpp) the hit rate is already most of what a table 16×
// larger reaches.
class LabMemo {
 public:
  explicit LabMemo(const LinearToLab& to_lab) : to_lab_(to_lab), slots_(kSlots) {}

  cv::Vec3f operator()(const cv::Vec3f& rgb) {
    std::array<std::uint32_t, 3> key{};
    std::memcpy(key.data(), &rgb[0], sizeof key);
    const std::uint32_t h = key[0] * 0x9E3779B1u ^ key[1] * 0x85EBCA77u ^ key[2] * 0xC2B2AE3Du;
    Slot& slot = slots_[h >> (32 - kBits)];
    if (!slot.used || slot.key != key) {
      const colour::Lab v = to_lab_({rgb[0], rgb[1], rgb[2]});
      slot = {key, cv::Vec3f(static_cast<float>(v.l), static_cast<float>(v.a), static_cast<float>(v.b)), true};
    }
    return slot.lab;
  }

 private:
  static constexpr int kBits = 16;
  static constexpr std::size_t kSlots = std::size_t{1} << kBits;
  struct Slot {
    std::array<std::uint32_t, 3> key{};
    cv::Vec3f lab;
    bool used = false;
  };
  const LinearToLab& to_lab_;
  std::vector<Slot> slots_;
};

// Rows of a crop linearized at a time: the linear float copy of a band (a few MB) instead of the
// whole crop's (12 bytes a pixel: 54 MB for a quarter of a 24 MP photo).
constexpr int kBandRows = 128;

// The crop `roi` of the photo in CIELAB through `to_lab`, linearized band by band.
cv::Mat lab_crop(const DecodedImage& image, const cv::Rect& roi, const LinearToLab& to_lab) {
  cv::Mat lab(roi.size(), CV_32FC3);
  LabMemo memo(to_lab);
  for (int top = 0; top < roi.height; top += kBandRows) {
    const int rows = std::min(kBandRows, roi.height - top);
    const cv::Mat linear = image.linear({roi.x, roi.y + top, roi.width, rows});
    for (int y = 0; y < rows; ++y) {
      const auto* src = linear.ptr<cv::Vec3f>(y);
      auto* dst = lab.ptr<cv::Vec3f>(top + y);
      for (int x = 0; x < linear.cols; ++x) dst[x] = memo(src[x]);
    }
  }
  return lab;
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
    cv::Rect r = to_cv(region.rect);
    if (image.scale != 1.0) {
      const double s = image.scale;
      r = cv::Rect(cv::Point(static_cast<int>(std::floor(r.x * s)), static_cast<int>(std::floor(r.y * s))),
                   cv::Point(static_cast<int>(std::ceil((r.x + r.width) * s)),
                             static_cast<int>(std::ceil((r.y + r.height) * s))));
      r &= cv::Rect(0, 0, image.encoded.cols, image.encoded.rows);
    }
    const cv::Mat saturated = image.saturated(r);
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
    // (The Lab crop is handed over: measure_lab_pixels lets it go once it holds the pixels.)
    RegionMeasurement m = measure_lab_pixels(region, lab_crop(image, r, to_lab), inside, saturated, opts);
    if (opts.local_correction && std::isfinite(m.lab.l)) {
      const colour::Lab estimate = m.follicle_lab ? *m.follicle_lab : m.lab;
      const LinearToLab local = opts.local_correction(estimate);
      if (local) m = measure_lab_pixels(region, lab_crop(image, r, local), inside, saturated, opts);
    }
    if (m.kind == RegionKind::scalp && !opts.scalp_lab && std::isfinite(m.lab.l)) opts.scalp_lab = m.lab;
    out[index] = std::move(m);
  }
  return out;
}

}  // namespace shadematch::photo
