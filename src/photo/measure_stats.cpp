#include "photo/measure_pixels.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>

#include <opencv2/imgproc.hpp>

#include "colour/delta_e.hpp"
#include "colour/skin_tone.hpp"
#include "common/error.hpp"
#include "photo/cv_geometry.hpp"
#include "photo/decode.hpp"  // ImageInfo
#include "photo/regions.hpp"

namespace shadematch::photo {

RegionKind region_kind(std::string_view name) {
  if (name == "hair") return RegionKind::hair;
  if (name == "scalp") return RegionKind::scalp;
  if (name == "scar") return RegionKind::scar;
  return RegionKind::other;
}

RegionKind kind_of(const Region& region) {
  return region.kind ? *region.kind : region_kind(region.name);
}

namespace {

std::string rect_text(const cv::Rect& r) {
  std::ostringstream s;
  s << r.x << "," << r.y << "," << r.width << "," << r.height;
  return s.str();
}

[[noreturn]] void region_error(const Region& region, const std::string& what) {
  const std::string text = "region '" + region.name + "' (" + rect_text(to_cv(region.rect)) + "): " + what;
  if (region.line > 0) throw InputError(region.origin, region.line, region.column, text);
  throw InputError(region.origin.empty() ? text : region.origin + ": " + text);
}

// The card's outline: the patch grid grown by `margin` of its size around its centre.
std::vector<cv::Point2f> card_outline(const std::array<cv::Point2f, 4>& corners, double margin) {
  cv::Point2f centre(0, 0);
  for (const auto& p : corners) centre += p;
  centre *= 0.25f;
  std::vector<cv::Point2f> out;
  for (const auto& p : corners) out.push_back(centre + (p - centre) * static_cast<float>(1.0 + 2.0 * margin));
  return out;
}

bool rect_meets_polygon(const cv::Rect& rect, const std::vector<cv::Point2f>& polygon) {
  std::vector<cv::Point2f> r{{static_cast<float>(rect.x), static_cast<float>(rect.y)},
                             {static_cast<float>(rect.x + rect.width), static_cast<float>(rect.y)},
                             {static_cast<float>(rect.x + rect.width), static_cast<float>(rect.y + rect.height)},
                             {static_cast<float>(rect.x), static_cast<float>(rect.y + rect.height)}};
  std::vector<cv::Point2f> hull;
  cv::convexHull(polygon, hull);
  std::vector<cv::Point2f> overlap;
  return cv::intersectConvexConvex(r, hull, overlap, true) > 0.0f;
}

// The members whose whole (2·reach + 1)² neighbourhood belongs to the same set (and to the
// region): the erosion of the set's mask by a square, outside the crop counting as not in it.
std::vector<std::size_t> interior(const std::vector<std::size_t>& members, const std::vector<cv::Point>& where,
                                  const cv::Size& size, int reach) {
  if (reach <= 0) return members;
  cv::Mat mask = cv::Mat::zeros(size, CV_8UC1);
  for (std::size_t i : members) mask.at<unsigned char>(where[i]) = 255;
  cv::Mat eroded;
  cv::erode(mask, eroded, cv::getStructuringElement(cv::MORPH_RECT, {2 * reach + 1, 2 * reach + 1}), {-1, -1}, 1,
            cv::BORDER_CONSTANT, cv::Scalar(0));
  std::vector<std::size_t> out;
  for (std::size_t i : members) {
    if (eroded.at<unsigned char>(where[i]) != 0) out.push_back(i);
  }
  return out;
}

// The members deepest inside their dots, for dots too small to have an interior: distance (L2)
// to the nearest non-member pixel (outside the crop counts as non-member), and the members at or
// above the 80th percentile of that distance. A small dot's pigment is purest at its centre:
// its rim mixes the skin in, by the dot's own soft edge, the lens and JPEG. (The L* mode of all
// such a cluster's pixels sits among the rim pixels, which outnumber the centre ones: issue 19,
// 2–5 px dots read several ΔE00 towards the skin.) Returns an empty list when the dots are large
// enough (that percentile ≥ reach + 1: the interior above then serves).
std::vector<std::size_t> deepest(const std::vector<std::size_t>& members, const std::vector<cv::Point>& where,
                                 const cv::Size& size, int reach) {
  if (members.empty()) return {};
  cv::Mat mask = cv::Mat::zeros(size.height + 2, size.width + 2, CV_8UC1);
  for (std::size_t i : members) mask.at<unsigned char>(where[i] + cv::Point(1, 1)) = 255;
  cv::Mat dt;
  cv::distanceTransform(mask, dt, cv::DIST_L2, cv::DIST_MASK_PRECISE);
  std::vector<double> d;
  d.reserve(members.size());
  for (std::size_t i : members) d.push_back(dt.at<float>(where[i] + cv::Point(1, 1)));
  std::vector<double> sorted = d;
  const auto k = static_cast<std::ptrdiff_t>(0.8 * static_cast<double>(sorted.size() - 1));
  std::nth_element(sorted.begin(), sorted.begin() + k, sorted.end());
  const double q80 = sorted[static_cast<std::size_t>(k)];
  if (q80 >= reach + 1.0) return {};
  std::vector<std::size_t> out;
  for (std::size_t j = 0; j < members.size(); ++j) {
    if (d[j] >= q80) out.push_back(members[j]);
  }
  return out;
}

}  // namespace

void validate_regions(const ImageInfo& info, const std::vector<Region>& regions, const MeasureOptions& options) {
  std::set<std::string> names;
  const cv::Rect image(0, 0, info.width, info.height);
  std::vector<cv::Point2f> card;
  if (options.card_corners) card = card_outline(to_cv(*options.card_corners), options.card_margin);
  for (const Region& region : regions) {
    if (!names.insert(region.name).second) region_error(region, "given twice");
    const cv::Rect r = to_cv(region.rect);
    if (r.width <= 0 || r.height <= 0) region_error(region, "is empty (width and height must be at least 1 pixel)");
    if ((r & image) != r) {
      region_error(region, "lies " + std::string((r & image).area() == 0 ? "outside" : "partly outside") +
                               " the image, which is " + std::to_string(info.width) + "×" +
                               std::to_string(info.height) + " pixels as displayed");
    }
    for (const auto& p : region.polygon) {
      if (!image.contains(to_cv(p)) && !(p.x == info.width || p.y == info.height)) {
        region_error(region,
                     "polygon point (" + std::to_string(p.x) + "," + std::to_string(p.y) + ") lies outside the image");
      }
    }
    if (!card.empty() && rect_meets_polygon(r, card)) {
      region_error(region, "overlaps the reference card; choose an area of skin or hair away from the card");
    }
  }
}

RegionMeasurement measure_lab_pixels(const Region& region, cv::Mat lab, const cv::Mat& inside, const cv::Mat& clipped,
                                     const MeasureOptions& options) {
  CV_Assert(lab.type() == CV_32FC3);
  RegionMeasurement m;
  m.name = region.name;
  m.kind = kind_of(region);
  m.rect = region.rect;
  m.proposed = region.proposed;
  m.confidence = region.confidence;

  std::vector<colour::Lab> pixels;
  std::vector<cv::Point> where;  // each pixel's position in the crop (for the interior test)
  pixels.reserve(static_cast<std::size_t>(lab.total()));
  where.reserve(static_cast<std::size_t>(lab.total()));
  int in_region = 0, n_clipped = 0;
  for (int y = 0; y < lab.rows; ++y) {
    const auto* row = lab.ptr<cv::Vec3f>(y);
    const auto* in = inside.empty() ? nullptr : inside.ptr<unsigned char>(y);
    const auto* cl = clipped.empty() ? nullptr : clipped.ptr<unsigned char>(y);
    for (int x = 0; x < lab.cols; ++x) {
      if (in && !in[x]) continue;
      ++in_region;
      if (cl && cl[x]) {
        ++n_clipped;
        continue;
      }
      const cv::Vec3f& v = row[x];
      if (!std::isfinite(v[0]) || !std::isfinite(v[1]) || !std::isfinite(v[2])) continue;
      pixels.push_back({v[0], v[1], v[2]});
      where.emplace_back(x, y);
    }
  }
  const cv::Size crop = lab.size();
  lab.release();
  m.region_pixels = in_region;
  if (in_region > 0 && static_cast<double>(n_clipped) / in_region > options.max_clipped_fraction) {
    std::ostringstream s;
    s << "clipped: " << std::lround(100.0 * n_clipped / in_region)
      << "% of the pixels are saturated (left out); expose for the skin";
    m.warnings.push_back(s.str());
  }
  if (pixels.empty()) {
    m.warnings.push_back("no usable pixels in the region");
    m.lab = m.lab_std = {std::nan(""), std::nan(""), std::nan("")};
    return m;
  }

  // The pixels the region's colour is the median of: all of them, or the scalp's skin core.
  std::vector<colour::Lab> core_pixels;
  const std::vector<colour::Lab>* kept = &pixels;
  switch (m.kind) {
    case RegionKind::hair: {
      m.mean_lab = mean_lab(pixels);
      if (auto split = split_two_clusters(pixels)) {
        // Follicles are the dark cluster, unless the scalp's colour is known and the LIGHT cluster
        // is the one that differs from it (blond or grey hair on darker skin).
        bool light = false;
        if (options.scalp_lab) {
          light = colour::delta_e_76(split->light_centre, *options.scalp_lab) >
                  colour::delta_e_76(split->dark_centre, *options.scalp_lab);
        }
        const std::vector<std::size_t>& members = light ? split->light : split->dark;
        m.follicle_cluster = light ? "light" : "dark";
        m.follicle_basis = options.scalp_lab ? "differs from scalp" : "darker cluster";
        m.coverage = static_cast<double>(members.size()) / static_cast<double>(pixels.size());
        const std::vector<std::size_t> core = interior(members, where, crop, options.chroma_reach_px);
        if (static_cast<int>(core.size()) >= options.min_follicle_interior) {
          m.follicle_lab = cluster_mode_lab(pixels, core);
          m.follicle_pixels = static_cast<int>(core.size());
        } else {
          // Small dots: their deepest pixels when there are a few dozen (20: the median's standard
          // error ≈ 1.25σ/√20 ≈ 0.28σ of the pixel noise), else the whole cluster.
          const std::vector<std::size_t> deep = deepest(members, where, crop, options.chroma_reach_px);
          const std::vector<std::size_t>& from = deep.size() >= 20 ? deep : members;
          m.follicle_lab = cluster_mode_lab(pixels, from);
          m.follicle_pixels = static_cast<int>(from.size());
          m.warnings.push_back("follicle dots too small: " + std::to_string(core.size()) + " pixels lie farther than " +
                               std::to_string(options.chroma_reach_px) + " px inside a dot (at least " +
                               std::to_string(options.min_follicle_interior) +
                               " wanted); JPEG chroma and demosaicing mix the skin's colour into the dots' rims, so "
                               "the follicle colour leans towards the skin: take the photo closer");
        }
        // Follicles on skin differ by tens of ΔE; two clusters closer than 10 ΔE*ab are noise or
        // texture of one surface, not dots on skin.
        if (colour::delta_e_76(split->light_centre, split->dark_centre) < 10.0) {
          m.warnings.push_back(
              "no distinct follicles in the region (the two colour clusters differ by less than 10 ΔE*ab)");
        }
      } else {
        m.warnings.push_back("the region is uniform: no follicle cluster");
      }
      break;
    }
    case RegionKind::scalp: {
      const auto core = skin_core(pixels);
      core_pixels.reserve(core.size());
      for (std::size_t i : core) core_pixels.push_back(pixels[i]);
      kept = &core_pixels;
      break;
    }
    case RegionKind::scar:
    case RegionKind::other:
      break;
  }
  m.lab = median_lab(*kept);
  m.lab_std = robust_sigma_lab(*kept, m.lab);
  m.pixels = static_cast<int>(kept->size());
  if (m.kind == RegionKind::scalp) {
    m.ita_deg = colour::ita_deg(m.lab);
    m.ita_class = std::string(colour::ita_class_name(colour::ita_class(*m.ita_deg)));
    m.monk_tone = colour::nearest_monk_tone(m.lab).level;
  }
  if (m.pixels < options.min_pixels) {
    m.warnings.push_back("too small: " + std::to_string(m.pixels) + " usable pixels, at least " +
                         std::to_string(options.min_pixels) + " recommended");
  }
  // The calibration maps the card's lighting; a region lit much more or less than the card reads
  // lighter or darker than it is. L* above the card's white patch (≈ 96) cannot be skin or hair
  // under the card's light; below 8 is darker than the card's black patch (L* ≈ 20) by a factor
  // of about four in luminance, darker than any hair or skin we expect under the same light.
  const double l = m.kind == RegionKind::hair && m.follicle_lab ? m.follicle_lab->l : m.lab.l;
  if (m.lab.l > 97.0) {
    m.warnings.push_back("much brighter than the card's white patch: the light on the region differs from the card's");
  } else if (l < 8.0) {
    m.warnings.push_back("much darker than the card's black patch: the light on the region differs from the card's");
  }
  return m;
}

}  // namespace shadematch::photo
