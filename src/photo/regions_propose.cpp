// Automatic region proposal (photo/measure.hpp, propose_regions).
//
// One pass over the photo at low resolution (long side ≈ 600 px), strip by strip so that a 24 MP
// frame is never linearized whole. For every low-resolution cell we keep two numbers: the area
// mean (converted to Lab by the calibration) and the darkest full-resolution luminance inside the
// cell (follicle dots are smaller than a cell and vanish from the mean, but not from the minimum).
// Square tiles (a tenth of the short side, half-overlapping) outside the card are then scored:
//  - skin-like: Lab with L* 20–95, C*ab 5–40, hue 20–90° (the NIST skin set spans about L* 30–75,
//    C*ab 10–30, hue 35–70°; widened for noise and calibration error, but excluding saturated
//    reds and oranges such as cloth);
//  - dotted: a cell whose darkest pixel has under half the luminance of the tile's median cell
//    (≥ 20 L* darker in the mid tones: a follicle, not skin texture).
// scalp = the most skin-like, least dotted, most even tile; hair = the most dotted tile whose area
// colour is still skin-like (dots on skin). Confidence = the tile's score in 0..1.
#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

#include "colour/lab.hpp"
#include "photo/decode.hpp"
#include "photo/measure.hpp"
#include "photo/regions.hpp"

namespace shadematch::photo {

namespace {

bool skin_like(const colour::Lab& lab) {
  const colour::Lch lch = colour::lab_to_lch(lab);
  return lab.l >= 20 && lab.l <= 95 && lch.c >= 5 && lch.c <= 40 && lch.h >= 20 && lch.h <= 90;
}

struct Cell {
  colour::Lab lab;
  float min_y = 0;   // darkest full-resolution luminance (linear, Rec. 709 weights)
  float mean_y = 0;  // area-mean luminance
  bool card = false;
};

}  // namespace

std::vector<Region> propose_regions(const DecodedImage& image, const LinearToLab& to_lab,
                                    const MeasureOptions& options) {
  const int width = image.encoded.cols, height = image.encoded.rows;
  if (width < 8 || height < 8) return {};
  const int f = std::max(1, static_cast<int>(std::ceil(std::max(width, height) / 600.0)));
  const int cw = width / f, ch = height / f;
  std::vector<Cell> grid(static_cast<std::size_t>(cw) * static_cast<std::size_t>(ch));
  const auto cells = [&](int y, int x) -> Cell& { return grid[static_cast<std::size_t>(y) * static_cast<std::size_t>(cw) + static_cast<std::size_t>(x)]; };

  // The card, grown generously (half its size) so that proposals keep clear of its border and shadow.
  cv::Mat card_mask = cv::Mat::zeros(ch, cw, CV_8UC1);
  if (options.card_corners) {
    cv::Point2f centre(0, 0);
    for (const auto& p : *options.card_corners) centre += p;
    centre *= 0.25f;
    std::vector<cv::Point> poly;
    const auto s = static_cast<float>(image.scale / f);
    for (const auto& p : *options.card_corners) {
      const cv::Point2f q = (centre + (p - centre) * 1.5f) * s;
      poly.emplace_back(static_cast<int>(std::lround(q.x)), static_cast<int>(std::lround(q.y)));
    }
    std::vector<cv::Point> hull;
    cv::convexHull(poly, hull);
    cv::fillConvexPoly(card_mask, hull, cv::Scalar(255));
  }

  for (int cy = 0; cy < ch; ++cy) {
    const cv::Mat strip = image.linear(cv::Rect(0, cy * f, cw * f, f));
    for (int cx = 0; cx < cw; ++cx) {
      cv::Vec3d sum(0, 0, 0);
      float min_y = 1e9f;
      for (int y = 0; y < f; ++y) {
        const auto* row = strip.ptr<cv::Vec3f>(y);
        for (int x = cx * f; x < (cx + 1) * f; ++x) {
          const cv::Vec3f& v = row[x];
          sum += cv::Vec3d(v[0], v[1], v[2]);
          min_y = std::min(min_y, 0.2126f * v[0] + 0.7152f * v[1] + 0.0722f * v[2]);
        }
      }
      sum /= static_cast<double>(f * f);
      Cell& c = cells(cy, cx);
      c.lab = to_lab({sum[0], sum[1], sum[2]});
      c.min_y = min_y;
      c.mean_y = static_cast<float>(0.2126 * sum[0] + 0.7152 * sum[1] + 0.0722 * sum[2]);
      c.card = card_mask.at<unsigned char>(cy, cx) != 0;
    }
  }

  const int tile = std::max(6, std::min(cw, ch) / 10);
  const int step = std::max(1, tile / 2);
  struct Best {
    double score = 0;
    cv::Rect cells;
  } best_scalp, best_hair;
  for (int ty = 0; ty + tile <= ch; ty += step) {
    for (int tx = 0; tx + tile <= cw; tx += step) {
      const cv::Rect t(tx, ty, tile, tile);
      bool on_card = false;
      std::vector<double> l, mean_y;
      int skin = 0;
      for (int y = t.y; y < t.y + t.height && !on_card; ++y) {
        for (int x = t.x; x < t.x + t.width; ++x) {
          const Cell& c = cells(y, x);
          if (c.card) {
            on_card = true;
            break;
          }
          if (skin_like(c.lab)) ++skin;
          l.push_back(c.lab.l);
          mean_y.push_back(c.mean_y);
        }
      }
      if (on_card) continue;
      const double n = static_cast<double>(tile * tile);
      const double skin_fraction = skin / n;
      const double med_y = median_of(mean_y);
      int dotted = 0;
      for (int y = t.y; y < t.y + t.height; ++y) {
        for (int x = t.x; x < t.x + t.width; ++x) {
          if (cells(y, x).min_y < 0.5 * med_y) ++dotted;
        }
      }
      const double dot_fraction = dotted / n;
      const double med_l = median_of(l);
      // Evenness: a robust L* spread of 8 between cells is already a shadow or an edge.
      const double evenness = std::clamp(1.0 - robust_sigma(l, med_l) / 8.0, 0.0, 1.0);
      const double scalp_score = skin_fraction * evenness * (1.0 - 0.5 * dot_fraction);
      const double hair_score = skin_fraction * evenness * std::min(1.0, dot_fraction / 0.5);
      if (scalp_score > best_scalp.score) best_scalp = {scalp_score, t};
      if (dot_fraction >= 0.1 && hair_score > best_hair.score) best_hair = {hair_score, t};
    }
  }

  std::vector<Region> out;
  const auto to_full = [&](const cv::Rect& c) {
    // Cells → full-photo pixels, shrunk by a tenth on every side to stay off the tile's edges.
    const double k = f / image.scale;
    const int inset = std::max(1, c.width / 10);
    const cv::Rect in(c.x + inset, c.y + inset, c.width - 2 * inset, c.height - 2 * inset);
    cv::Rect r(static_cast<int>(std::floor(in.x * k)), static_cast<int>(std::floor(in.y * k)),
               static_cast<int>(std::floor(in.width * k)), static_cast<int>(std::floor(in.height * k)));
    return r & cv::Rect(0, 0, image.info.width, image.info.height);
  };
  // Below 0.5 the best tile is less than half skin or very uneven: not worth proposing.
  if (best_hair.score >= 0.5) {
    out.push_back({"hair", to_full(best_hair.cells), {}, true, best_hair.score, "proposed", 0, 0});
  }
  if (best_scalp.score >= 0.5) {
    out.push_back({"scalp", to_full(best_scalp.cells), {}, true, best_scalp.score, "proposed", 0, 0});
  }
  return out;
}

}  // namespace shadematch::photo
