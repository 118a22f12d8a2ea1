// Automatic region proposal (photo/measure.hpp, propose_regions).
//
// One pass over the photo at low resolution (long side ≈ 600 px), strip by strip so that a 24 MP
// frame is never linearized whole. For every low-resolution cell we keep the area mean (converted
// to Lab by the calibration) and the darkest full-resolution luminance inside the cell (follicle
// dots are smaller than a cell and vanish from the mean, but not from the minimum).
//
// Skin plausibility of a cell, from the CALIBRATED colour: human skin occupies a narrow band of
// chromaticity (hue ≈ 40–70°, moderate chroma) whatever its lightness. The reference set is the
// 100 NIST forearm spectra (Cooksey et al. 2017, D50 Lab of each) plus the Monk Skin Tone
// swatches (Monk 2019) darker than every NIST subject (the NIST set lacks the darkest skins), plus
// the 10 darkest NIST spectra darkened by more epidermal eumelanin (see reference_skins).
// Colours are compared by chromaticity per unit lightness, q = 50·(a*, b*)/L*: more or less light
// on one surface scales L*, a* and b* alike (all three go as Y^⅓ above the CIELAB linear segment),
// so q does not change from the sunlit to the shaded side of an arm, while a white wall (q ≈ 2)
// stays far from every skin (q ≈ 7–20). A cell's score is exp(−d²/2σ²), d = the distance in q to
// the nearest reference skin, σ = 4 (about a calibrated skin measurement's spread in a phone
// photo: ≈ 2 ΔE calibration plus pixel noise and lighting). L* must lie in 20–97: darker than the
// card's black patch (L* ≈ 20) nothing is measurable, and near-black objects have skin-like q.
//
// Square tiles at two scales (a tenth and a twentieth of the short side, half-overlapping) outside
// the card are then scored:
//  - scalp = skin score of the tile's UNDOTTED cells × their evenness × (1 − ½ dotted share), and
//    0 unless a third of the tile is undotted; evenness = 1 − σ/4, σ the robust spread of L*
//    between neighbouring cells, so textured surfaces (wood grain, granite, fabric folds) score low
//    but smooth shading (the sunlit and shaded sides of an arm) does not. (Until issue 19 the scalp
//    used all cells: follicles all over the skin then read as texture and no scalp was proposed.)
//  - hair = skin score of the tile's UNDOTTED cells (the skin between the follicles) × evenness of
//    those cells × min(1, dotted share / 0.5), where a cell is dotted when its darkest pixel has
//    under half the luminance of the tile's median cell (≥ 20 L* darker in the mid tones).
// The best tile of each kind is proposed when its score (its confidence) is at least 0.5; hair
// lighter than the skin (blond, grey) is not proposed (no dark dots): give --hair for it.
#include <algorithm>
#include <array>
#include <cmath>
#include <string>

#include <opencv2/imgproc.hpp>

#include "colour/lab.hpp"
#include "colour/skin_tone.hpp"
#include "colour/spectral.hpp"
#include "common/csv.hpp"
#include "common/embedded.hpp"
#include "photo/cv_geometry.hpp"
#include "photo/decode.hpp"
#include "photo/measure.hpp"
#include "photo/regions.hpp"

namespace shadematch::photo {

namespace {

// The reference skins' a*, b* (D50): 100 NIST subjects + the darker Monk swatches.
const std::vector<std::array<double, 2>>& reference_skins() {
  static const std::vector<std::array<double, 2>> skins = [] {
    std::vector<std::array<double, 2>> out;
    double darkest = 100;
    const CsvTable t = parse_csv(embedded_file("skin_reflectance_nist_cooksey2017_100subjects_379-781nm.csv"),
                                 "skin_reflectance_nist_cooksey2017_100subjects_379-781nm.csv");
    const std::size_t wl = t.column("wavelength_nm");
    for (std::size_t col = 0; col < t.header.size(); ++col) {
      if (t.header[col].rfind("subject_", 0) != 0 || t.header[col].find("_avg") == std::string::npos) continue;
      colour::SampledSpectrum spd;
      for (const CsvRow& row : t.rows) {
        spd.wavelengths_nm.push_back(parse_csv_number(t, row, wl));
        spd.values.push_back(parse_csv_number(t, row, col));
      }
      const colour::Lab lab = colour::xyz_to_lab(colour::spectrum_to_xyz(spd, "D50"), colour::d50_white());
      out.push_back({50.0 * lab.a / lab.l, 50.0 * lab.b / lab.l});
      darkest = std::min(darkest, lab.l);
    }
    // Skin darker than NIST's darkest subjects (issue 19: no scalp was proposed on darker skins):
    // the 10 darkest spectra with more epidermal eumelanin, seen twice on the way in and out,
    //   R′(λ) = R(λ) · exp(−2 Δτ (λ/500 nm)^−3.48),  Δτ = 0.15, 0.3, 0.45, 0.6
    // (eumelanin absorption spectrum of Jacques 2013, Phys. Med. Biol. 58 R37). Darkening by melanin
    // moves the colour along a chromaticity path the Monk swatches below (display colours) miss.
    {
      std::vector<std::pair<double, std::size_t>> by_l;
      std::vector<colour::SampledSpectrum> spectra;
      for (std::size_t col = 0; col < t.header.size(); ++col) {
        if (t.header[col].rfind("subject_", 0) != 0 || t.header[col].find("_avg") == std::string::npos) continue;
        colour::SampledSpectrum spd;
        for (const CsvRow& row : t.rows) {
          spd.wavelengths_nm.push_back(parse_csv_number(t, row, wl));
          spd.values.push_back(parse_csv_number(t, row, col));
        }
        by_l.emplace_back(colour::xyz_to_lab(colour::spectrum_to_xyz(spd, "D50"), colour::d50_white()).l,
                          spectra.size());
        spectra.push_back(spd);
      }
      std::sort(by_l.begin(), by_l.end());
      for (std::size_t k = 0; k < std::min<std::size_t>(10, by_l.size()); ++k) {
        for (const double dtau : {0.15, 0.3, 0.45, 0.6}) {
          colour::SampledSpectrum d = spectra[by_l[k].second];
          for (std::size_t i = 0; i < d.values.size(); ++i) {
            d.values[i] *= std::exp(-2.0 * dtau * std::pow(d.wavelengths_nm[i] / 500.0, -3.48));
          }
          const colour::Lab lab = colour::xyz_to_lab(colour::spectrum_to_xyz(d, "D50"), colour::d50_white());
          out.push_back({50.0 * lab.a / lab.l, 50.0 * lab.b / lab.l});
        }
      }
    }
    // Monk swatches only where NIST has no subject (darker skin): the light swatches are display
    // colours close to neutral, and would let white walls pass for skin.
    for (const colour::MonkTone& m : colour::monk_tones()) {
      if (m.lab.l < darkest) out.push_back({50.0 * m.lab.a / m.lab.l, 50.0 * m.lab.b / m.lab.l});
    }
    return out;
  }();
  return skins;
}

}  // namespace

double skin_plausibility(const colour::Lab& lab) {
  if (!std::isfinite(lab.l) || lab.l < 20 || lab.l > 97) return 0.0;
  const double qa = 50.0 * lab.a / lab.l, qb = 50.0 * lab.b / lab.l;
  double d2 = 1e9;
  for (const auto& s : reference_skins()) d2 = std::min(d2, (qa - s[0]) * (qa - s[0]) + (qb - s[1]) * (qb - s[1]));
  constexpr double sigma = 4.0;
  return std::exp(-d2 / (2 * sigma * sigma));
}

namespace {

struct Cell {
  colour::Lab lab;
  double skin = 0;   // skin_plausibility(lab)
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
  const auto cells = [&](int y, int x) -> Cell& {
    return grid[static_cast<std::size_t>(y) * static_cast<std::size_t>(cw) + static_cast<std::size_t>(x)];
  };

  // The card, grown generously (half its size) so that proposals keep clear of its border and shadow.
  cv::Mat card_mask = cv::Mat::zeros(ch, cw, CV_8UC1);
  if (options.card_corners) {
    cv::Point2f centre(0, 0);
    for (const auto& p : *options.card_corners) centre += to_cv(p);
    centre *= 0.25f;
    std::vector<cv::Point> poly;
    const auto s = static_cast<float>(image.scale / f);
    for (const auto& p : *options.card_corners) {
      const cv::Point2f q = (centre + (to_cv(p) - centre) * 1.5f) * s;
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
      c.skin = skin_plausibility(c.lab);
      c.min_y = min_y;
      c.mean_y = static_cast<float>(0.2126 * sum[0] + 0.7152 * sum[1] + 0.0722 * sum[2]);
      c.card = card_mask.at<unsigned char>(cy, cx) != 0;
    }
  }

  struct Best {
    double score = 0;
    cv::Rect cells;
  } best_scalp, best_hair;
  for (const int divisor : {10, 20}) {
    const int tile = std::max(6, std::min(cw, ch) / divisor);
    const int step = std::max(1, tile / 2);
    for (int ty = 0; ty + tile <= ch; ty += step) {
      for (int tx = 0; tx + tile <= cw; tx += step) {
        const cv::Rect t(tx, ty, tile, tile);
        bool on_card = false;
        std::vector<double> mean_y;
        mean_y.reserve(static_cast<std::size_t>(tile * tile));
        for (int y = t.y; y < t.y + t.height && !on_card; ++y) {
          for (int x = t.x; x < t.x + t.width; ++x) {
            if (cells(y, x).card) {
              on_card = true;
              break;
            }
            mean_y.push_back(cells(y, x).mean_y);
          }
        }
        if (on_card) continue;
        const double med_y = median_of(mean_y);
        const auto is_dotted = [&](int y, int x) { return cells(y, x).min_y < 0.5 * med_y; };
        double skin_clear = 0;
        int dotted = 0, clear = 0;
        // Texture: differences of L* between neighbouring cells (right and below), all pairs and
        // pairs of undotted cells. Smooth shading (a curved arm, light falling off) changes little
        // from one cell to the next; wood grain, granite, fabric folds and edges change a lot.
        std::vector<double> d_all, d_clear;
        for (int y = t.y; y < t.y + t.height; ++y) {
          for (int x = t.x; x < t.x + t.width; ++x) {
            const Cell& c = cells(y, x);
            const bool dot = is_dotted(y, x);
            if (dot) {
              ++dotted;
            } else {
              ++clear;
              skin_clear += c.skin;
            }
            for (const cv::Point n : {cv::Point(x + 1, y), cv::Point(x, y + 1)}) {
              if (n.x >= t.x + t.width || n.y >= t.y + t.height) continue;
              const double d = cells(n.y, n.x).lab.l - c.lab.l;
              d_all.push_back(d);
              if (!dot && !is_dotted(n.y, n.x)) d_clear.push_back(d);
            }
          }
        }
        const double n = static_cast<double>(tile * tile);
        const double dot_fraction = dotted / n;
        // Evenness = 1 − σ/4, σ the robust spread of one cell's L* about its neighbour's (the
        // MAD-σ of the differences over √2): skin between follicles in a phone photo varies by
        // 1–2 L* from cell to cell; 4 is already grain or texture.
        const auto evenness = [](const std::vector<double>& d) {
          return d.empty() ? 0.0 : std::clamp(1.0 - robust_sigma(d, 0.0) / std::sqrt(2.0) / 4.0, 0.0, 1.0);
        };
        // The scalp is judged on its UNDOTTED cells too (issue 19: follicles everywhere on the
        // skin made every tile look textured), preferring sparser tiles; at least a third of the
        // tile must be clear skin.
        const double scalp_score =
            clear >= n / 3.0 ? (skin_clear / clear) * evenness(d_clear) * (1.0 - 0.5 * dot_fraction) : 0.0;
        const double hair_score =
            clear > 0 ? (skin_clear / clear) * evenness(d_clear) * std::min(1.0, dot_fraction / 0.5) : 0.0;
        if (scalp_score > best_scalp.score) best_scalp = {scalp_score, t};
        if (dot_fraction >= 0.1 && hair_score > best_hair.score) best_hair = {hair_score, t};
      }
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
    out.push_back(
        {"hair", from_cv(to_full(best_hair.cells)), {}, true, best_hair.score, "proposed", 0, 0, std::nullopt});
  }
  if (best_scalp.score >= 0.5) {
    out.push_back(
        {"scalp", from_cv(to_full(best_scalp.cells)), {}, true, best_scalp.score, "proposed", 0, 0, std::nullopt});
  }
  return out;
}

}  // namespace shadematch::photo
