// Patch sampling and the quick verification fit behind card detection (detect_internal.hpp).
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include <opencv2/calib3d.hpp>
#include <opencv2/imgproc.hpp>

#include "colour/delta_e.hpp"
#include "colour/lab.hpp"
#include "colour/spectral.hpp"
#include "photo/cv_geometry.hpp"
#include "photo/detect_internal.hpp"

namespace shadematch::photo::detail {
namespace {

// Share of the box trimmed at each end of the luminance order before averaging: drops specks of
// dust, a stray edge pixel and sensor/JPEG outliers without biasing a uniform patch.
// The verification fit maps linearized camera RGB through a degree-2 root-polynomial
// (Finlayson, Mackiewicz & Hurlbert 2015: r, g, b, √rg, √gb, √rb): phone renderings push
// saturated colours in ways a 3 × 3 matrix cannot follow (the Mini photo's out-of-sRGB greens
// and yellows miss a 3 × 3 fit by 16–25 ΔE00), yet on 4000 random shuffles of the development
// cards it still never explains more than 11 patches (a 3 × 3: 8).
constexpr int kVerifyTerms = 6;
constexpr double kTrimFraction = 0.10;
// Fewer kept pixels than this (a 4 × 4 box: an 8 px patch sampled over its inner half) and the mean
// rests on too little to trust; the patch is flagged, not dropped.
constexpr int kFewPixels = 16;
// Glare: a bright tail on an otherwise uniform patch. A pixel brighter than 1.5 × the median plus
// 0.02 (noise floor of dark patches, in linear units of white = 1) counts as glare; more than 5 %
// of the box such pixels flags the patch.
constexpr double kGlareRatio = 1.5;
constexpr double kGlareFloor = 0.02;
constexpr double kGlareShare = 0.05;
// Non-uniform: luminance spread of the kept pixels above 20 % of their mean (+0.01 floor so the
// noise of the black patch does not trigger it): a patch edge, a shadow or a label in the box.
// The same bound applies to each colour channel's spread relative to the strongest channel's
// mean: a screen's sub-pixels (R, G, B stripes side by side) or a print's halftone dots of
// separate inks vary strongly per channel while their luminance can stay nearly even (the
// channels' modulations are out of phase).
constexpr double kNonUniform = 0.20;
// Clipped dark: a channel stored at the file's minimum code (0) carries no information — the
// camera's rendering gave it a value at or below black (an out-of-gamut colour such as the card's
// yellow or orange yellow: the camera → sRGB matrix makes a channel negative and the encoder
// stores 0). Mirror of the saturated test (kClippedFraction of the box). The noise floor decides
// the threshold: a channel truly recorded at mean μ with noise σ lands on code 0 in a share
// Φ(−μ/σ) of its pixels (under 0.2 % once μ ≥ 3σ, so a dark but exposed black patch, typically
// code 20–60 in 8 bits, has none), whereas a channel clipped before JPEG encoding decodes as
// 0 plus the codec's roughly symmetric error, clamped: about half its pixels at 0. A quarter sits
// between the two (μ ≈ 0.7σ: the channel is within its own noise of black, no longer a measure).
// Only code 0 counts (not "near 0"): a dark patch's low codes are real data, and in wide-gamut
// files (Display P3, Adobe RGB) the same colours are stored well above 0 and stay usable.
constexpr double kDarkClippedFraction = kClippedFraction;
// Blocks of patches left out of the robust verification's starting fits: 4 to 8 patches, from a
// fingertip to a label over two rows of a 4 × 6 card (DESIGN.md: six or more covered is occluded;
// coverings of 6–8 are what the start must see past, the greedy drop handles smaller ones).
constexpr int kBlockMin = 4;
constexpr int kBlockMax = 8;

double luminance(const cv::Vec3f& p) {
  // Rec. 709 luminance weights: linear() is in BT.709 primaries.
  return 0.2126 * p[0] + 0.7152 * p[1] + 0.0722 * p[2];
}

bool finite(const colour::LinearRgb& c) {
  return std::isfinite(c.r) && std::isfinite(c.g) && std::isfinite(c.b);
}

double channel(const colour::LinearRgb& c, int i) {
  return i == 0 ? c.r : (i == 1 ? c.g : c.b);
}

// Any channel of one encoded pixel at code 0 (8- or 16-bit).
template <typename T>
bool at_zero(const T* p) {
  return p[0] == 0 || p[1] == 0 || p[2] == 0;
}

bool has_flag(const PatchSample& s, std::string_view flag) {
  return std::find(s.flags.begin(), s.flags.end(), flag) != s.flags.end();
}

}  // namespace

cv::Matx33d card_to_card_lattice(const CardDefinition& card) {
  const auto& first = card.patches.front();
  const auto& last_col = card.patches[static_cast<std::size_t>(card.cols - 1)];
  const auto& last_row = card.patches[static_cast<std::size_t>((card.rows - 1) * card.cols)];
  const double pitch_x = card.cols > 1 ? (last_col.cx - first.cx) / (card.cols - 1) : first.w;
  const double pitch_y = card.rows > 1 ? (last_row.cy - first.cy) / (card.rows - 1) : first.h;
  return {1.0 / pitch_x, 0, -first.cx / pitch_x, 0, 1.0 / pitch_y, -first.cy / pitch_y, 0, 0, 1};
}

bool symmetry(int i, const CardDefinition& card, const LatticeCandidate& candidate, cv::Matx33d& out) {
  const bool transpose = (i & 4) != 0;
  const bool flip_a = (i & 1) != 0;
  const bool flip_b = (i & 2) != 0;
  const int dim_a = transpose ? card.rows : card.cols;
  const int dim_b = transpose ? card.cols : card.rows;
  if (dim_a != candidate.cols || dim_b != candidate.rows) return false;
  // (a', b') = transpose ? (v, u) : (u, v); a = flip_a ? dim_a − 1 − a' : a'; same for b.
  cv::Matx33d swap = transpose ? cv::Matx33d(0, 1, 0, 1, 0, 0, 0, 0, 1) : cv::Matx33d::eye();
  cv::Matx33d flip(flip_a ? -1 : 1, 0, flip_a ? dim_a - 1 : 0, 0, flip_b ? -1 : 1, flip_b ? dim_b - 1 : 0, 0, 0, 1);
  out = flip * swap;
  return true;
}

PatchSample sample_quad(const DecodedImage& image, const std::array<cv::Point2f, 4>& quad) {
  PatchSample s;
  const double to_full = image.scale > 0 ? 1.0 / image.scale : 1.0;
  for (std::size_t k = 0; k < 4; ++k) {
    s.box[k] = PointF{static_cast<float>(quad[k].x * to_full), static_cast<float>(quad[k].y * to_full)};
  }
  const cv::Rect bounds(0, 0, image.encoded.cols, image.encoded.rows);
  std::vector<cv::Point2f> pts(quad.begin(), quad.end());
  const cv::Rect roi = cv::boundingRect(pts) & bounds;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  if (roi.area() == 0) {
    s.mean = s.stddev = {nan, nan, nan};
    s.flags.push_back("few-pixels");
    return s;
  }
  // Sub-pixel polygon (4 fractional bits) so tiny patches keep their true footprint.
  constexpr int kShift = 4;
  std::array<cv::Point, 4> ipts;
  for (std::size_t k = 0; k < 4; ++k) {
    ipts[k] = cv::Point(static_cast<int>(std::lround((quad[k].x - static_cast<float>(roi.x)) * (1 << kShift))),
                        static_cast<int>(std::lround((quad[k].y - static_cast<float>(roi.y)) * (1 << kShift))));
  }
  cv::Mat mask = cv::Mat::zeros(roi.size(), CV_8UC1);
  cv::fillConvexPoly(mask, ipts.data(), 4, cv::Scalar(255), cv::LINE_8, kShift);
  const cv::Mat lin = image.linear(roi);
  const cv::Mat sat = image.saturated(roi);
  const cv::Mat codes = image.encoded(roi);
  const bool wide = codes.depth() == CV_16U;

  std::vector<cv::Vec3f> px;
  px.reserve(static_cast<std::size_t>(roi.area()));
  int saturated = 0;
  int dark = 0;
  for (int y = 0; y < roi.height; ++y) {
    const auto* m = mask.ptr<std::uint8_t>(y);
    const auto* l = lin.ptr<cv::Vec3f>(y);
    const auto* t = sat.ptr<std::uint8_t>(y);
    for (int x = 0; x < roi.width; ++x) {
      if (m[x] == 0) continue;
      px.push_back(l[x]);
      if (t[x] != 0) ++saturated;
      const bool zero =
          wide ? at_zero(codes.ptr<std::uint16_t>(y) + 3 * x) : at_zero(codes.ptr<std::uint8_t>(y) + 3 * x);
      if (zero) ++dark;
    }
  }
  if (px.empty()) {
    s.mean = s.stddev = {nan, nan, nan};
    s.flags.push_back("few-pixels");
    return s;
  }
  s.saturated_fraction = static_cast<double>(saturated) / static_cast<double>(px.size());
  s.dark_clipped_fraction = static_cast<double>(dark) / static_cast<double>(px.size());
  std::sort(px.begin(), px.end(), [](const cv::Vec3f& a, const cv::Vec3f& b) { return luminance(a) < luminance(b); });
  const double median_l = luminance(px[px.size() / 2]);
  std::size_t glare = 0;
  for (const auto& p : px) {
    if (luminance(p) > kGlareRatio * median_l + kGlareFloor) ++glare;
  }
  const auto trim = static_cast<std::size_t>(static_cast<double>(px.size()) * kTrimFraction);
  const std::size_t lo = trim;
  const std::size_t hi = px.size() - trim;
  cv::Vec3d sum(0, 0, 0);
  cv::Vec3d sum2(0, 0, 0);
  double lsum = 0;
  double lsum2 = 0;
  for (std::size_t k = lo; k < hi; ++k) {
    for (int c = 0; c < 3; ++c) {
      sum[c] += px[k][c];
      sum2[c] += static_cast<double>(px[k][c]) * px[k][c];
    }
    const double l = luminance(px[k]);
    lsum += l;
    lsum2 += l * l;
  }
  const auto n = static_cast<double>(hi - lo);
  const cv::Vec3d mean = sum / n;
  cv::Vec3d var;
  for (int c = 0; c < 3; ++c) var[c] = std::max(0.0, sum2[c] / n - mean[c] * mean[c]);
  s.mean = {mean[0], mean[1], mean[2]};
  s.stddev = {std::sqrt(var[0]), std::sqrt(var[1]), std::sqrt(var[2])};
  s.pixels = static_cast<int>(hi - lo);
  const double lmean = lsum / n;
  const double lstd = std::sqrt(std::max(0.0, lsum2 / n - lmean * lmean));

  if (s.saturated_fraction > kClippedFraction || s.dark_clipped_fraction > kDarkClippedFraction) {
    s.flags.push_back("clipped");
  }
  if (static_cast<double>(glare) > kGlareShare * static_cast<double>(px.size()) && !has_flag(s, "clipped")) {
    s.flags.push_back("glare");
  }
  if (s.pixels < kFewPixels) s.flags.push_back("few-pixels");
  // Per channel, relative to the strongest channel (a weak channel's noise is no texture).
  const double strongest = std::max({mean[0], mean[1], mean[2]});
  bool channel_texture = false;
  for (int c = 0; c < 3; ++c) channel_texture = channel_texture || std::sqrt(var[c]) > kNonUniform * (strongest + 0.01);
  if (lstd > kNonUniform * (lmean + 0.01) || channel_texture) s.flags.push_back("non-uniform");
  return s;
}

VerifyFit verify_fit(const std::vector<PatchSample>& samples, const CardDefinition& card, bool robust) {
  const std::size_t n = card.patches.size();
  VerifyFit fit;
  fit.de00.assign(n, std::numeric_limits<double>::quiet_NaN());
  fit.inlier.assign(n, false);
  const auto& white = colour::d50_white();

  std::vector<colour::Xyz> ref(n);
  std::vector<bool> usable(n, false);
  for (std::size_t i = 0; i < n; ++i) {
    ref[i] = colour::lab_to_xyz(card.patches[i].reference_lab, white);
    usable[i] =
        i < samples.size() && samples[i].pixels > 0 && finite(samples[i].mean) && !has_flag(samples[i], "clipped");
    if (usable[i]) ++fit.usable;
  }
  // Colourfulness of what was read: a greyscale photo has R = G = B in every patch.
  for (std::size_t i = 0; i < n; ++i) {
    if (!usable[i]) continue;
    const auto& m = samples[i].mean;
    const double hi = std::max({m.r, m.g, m.b});
    const double lo = std::min({m.r, m.g, m.b});
    const double mid = (m.r + m.g + m.b) / 3.0;
    if (mid > 1e-3) fit.chroma_spread = std::max(fit.chroma_spread, (hi - lo) / mid);
  }
  // The neutrals must get darker in card order (X-Rite's white → black row): a shuffled card, or
  // the right card read in a wrong orientation, breaks this. 5 % slack for noise and flare.
  {
    fit.neutrals_ordered = true;
    double previous = std::numeric_limits<double>::infinity();
    double previous_ref = std::numeric_limits<double>::infinity();
    for (std::size_t i = 0; i < n; ++i) {
      if (!card.patches[i].neutral || !usable[i]) continue;
      const auto& m = samples[i].mean;
      const double y = m.r + m.g + m.b;
      const bool ref_darker = ref[i].y < previous_ref;
      if (ref_darker && y > previous * 1.05) fit.neutrals_ordered = false;
      previous = y;
      previous_ref = ref[i].y;
    }
  }

  std::vector<bool> in = usable;
  std::vector<double> weight(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double y = std::max(ref[i].y, 0.03);
    weight[i] = 1.0 / (y * y);
  }
  std::vector<double> de(n, std::numeric_limits<double>::quiet_NaN());
  std::vector<colour::Lab> corrected(n, colour::Lab{std::numeric_limits<double>::quiet_NaN(), 0, 0});
  // Weighted least squares on relative error: a dark patch's ΔE00 depends on its relative, not
  // absolute, XYZ error. Y floor 0.03 (about the black patch) caps the weight.
  auto fit_once = [&](const std::vector<bool>& use) {
    // Per-channel linearization from the neutrals (DESIGN.md "Linearization and fit"): camera
    // value → reference Y, piecewise linear in log–log between the neutrals (a phone's tone curve
    // has a shoulder no single power follows), extended by the end segments' slopes. When the
    // neutrals are not monotone (a shuffled card, a covered neutral) a least-squares power law
    // ln cam = ln k + γ ln Y is used instead.
    std::array<std::vector<std::pair<double, double>>, 3> curve;  // (ln cam, ln Y), cam ascending
    std::array<double, 3> gamma{1.0, 1.0, 1.0};
    for (int c = 0; c < 3; ++c) {
      auto& pts = curve[static_cast<std::size_t>(c)];
      double sx = 0, sy = 0, sxx = 0, sxy = 0;
      int m = 0;
      for (std::size_t i = 0; i < n; ++i) {
        if (!use[i] || !card.patches[i].neutral) continue;
        const double v = channel(samples[i].mean, c);
        if (v <= 1e-4 || ref[i].y <= 1e-4) continue;
        const double x = std::log(ref[i].y);
        const double y = std::log(v);
        sx += x, sy += y, sxx += x * x, sxy += x * y, ++m;
        pts.emplace_back(y, x);
      }
      std::sort(pts.begin(), pts.end());
      bool monotone = pts.size() >= 3;
      for (std::size_t k = 1; k < pts.size() && monotone; ++k) {
        // Strictly brighter camera value for a strictly lighter neutral, by at least 2 %.
        if (pts[k].first - pts[k - 1].first < 0.02 || pts[k].second <= pts[k - 1].second) monotone = false;
      }
      if (!monotone) pts.clear();
      const double det = m * sxx - sx * sx;
      // Camera tone curves seen in practice lie within γ 0.5–2 of linear; the clamp keeps a
      // shuffled card's nonsense neutrals from "linearizing" anything.
      if (m >= 3 && det > 1e-9) gamma[static_cast<std::size_t>(c)] = std::clamp((m * sxy - sx * sy) / det, 0.5, 2.0);
    }
    // Below the darkest neutral the curve continues in proportion through zero, so the small or
    // negative values of colours outside the decoder's gamut (P3 yellows in linear sRGB) stay
    // small instead of being thrown out by a logarithm.
    auto linearize = [&](double value, int c) {
      const auto& pts = curve[static_cast<std::size_t>(c)];
      if (pts.empty()) {
        const double g = gamma[static_cast<std::size_t>(c)];
        return value >= 0 ? std::pow(value, 1.0 / g) : -std::pow(-value, 1.0 / g);
      }
      if (value <= std::exp(pts.front().first)) return value * std::exp(pts.front().second - pts.front().first);
      const double x = std::log(value);
      std::size_t k = 1;
      while (k + 1 < pts.size() && x > pts[k].first) ++k;
      const auto& [x0, y0] = pts[k - 1];
      const auto& [x1, y1] = pts[k];
      return std::exp(y0 + (x - x0) * (y1 - y0) / (x1 - x0));
    };
    std::vector<cv::Vec3d> v(n);
    for (std::size_t i = 0; i < n; ++i) {
      if (!usable[i]) continue;
      for (int c = 0; c < 3; ++c) v[i][c] = linearize(channel(samples[i].mean, c), c);
    }
    // Fixed-size matrices: this runs for every candidate reading and every patch left out, so it
    // must not allocate per patch.
    using Terms = cv::Matx<double, 1, kVerifyTerms>;
    auto terms = [&](const cv::Vec3d& x) {
      Terms t;
      for (int c = 0; c < 3; ++c) t(0, c) = x[c];
      if constexpr (kVerifyTerms == 6) {
        t(0, 3) = std::sqrt(std::max(0.0, x[0] * x[1]));
        t(0, 4) = std::sqrt(std::max(0.0, x[1] * x[2]));
        t(0, 5) = std::sqrt(std::max(0.0, x[0] * x[2]));
      }
      return t;
    };
    cv::Matx<double, kVerifyTerms, kVerifyTerms> a = cv::Matx<double, kVerifyTerms, kVerifyTerms>::zeros();
    cv::Matx<double, kVerifyTerms, 3> b = cv::Matx<double, kVerifyTerms, 3>::zeros();
    for (std::size_t i = 0; i < n; ++i) {
      if (!use[i]) continue;
      const double w = weight[i];
      const Terms t = terms(v[i]);
      const cv::Matx<double, 1, 3> x(ref[i].x, ref[i].y, ref[i].z);
      a += w * (t.t() * t);
      b += w * (t.t() * x);
    }
    const cv::Matx<double, kVerifyTerms, 3> mt = a.solve(b, cv::DECOMP_SVD);
    for (std::size_t i = 0; i < n; ++i) {
      if (!usable[i]) continue;
      const cv::Matx<double, 1, 3> p = terms(v[i]) * mt;
      const colour::Lab lab = colour::xyz_to_lab({p(0, 0), p(0, 1), p(0, 2)}, white);
      const double d = colour::delta_e_2000(card.patches[i].reference_lab, lab);
      de[i] = std::isfinite(d) ? d : 1e3;
      corrected[i] = lab;
    }
  };

  // Drop the worst patch while any kept patch is inconsistent, keeping at least half the card.
  const int min_keep = static_cast<int>(n / 2);
  auto greedy = [&](std::vector<bool> kept_set) {
    for (;;) {
      fit_once(kept_set);
      int kept = 0;
      std::size_t worst = n;
      for (std::size_t i = 0; i < n; ++i) {
        if (!kept_set[i]) continue;
        ++kept;
        if (worst == n || de[i] > de[worst]) worst = i;
      }
      if (worst == n || de[worst] <= kInlierDe00 || kept <= min_keep) break;
      kept_set[worst] = false;
    }
  };
  auto consistent = [&](double& sum) {
    int count = 0;
    sum = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (usable[i] && de[i] <= kInlierDe00) ++count, sum += de[i];
    }
    return count;
  };
  greedy(in);
  if (robust && card.rows * card.cols == static_cast<int>(n)) {
    // Start again with each block of 4–8 neighbouring patches left out (a finger, a label, tape:
    // a covering is one piece) and keep the start that leaves the most patches consistent.
    double best_sum = 0;
    int best = consistent(best_sum);
    std::vector<double> best_de = de;
    std::vector<colour::Lab> best_lab = corrected;
    for (int h = 1; h <= card.rows; ++h) {
      for (int w = 1; w <= card.cols; ++w) {
        if (h * w < kBlockMin || h * w > kBlockMax) continue;
        for (int r0 = 0; r0 + h <= card.rows; ++r0) {
          for (int c0 = 0; c0 + w <= card.cols; ++c0) {
            std::vector<bool> start = usable;
            for (int r = r0; r < r0 + h; ++r) {
              for (int c = c0; c < c0 + w; ++c) start[static_cast<std::size_t>(r * card.cols + c)] = false;
            }
            greedy(start);
            double sum = 0;
            const int count = consistent(sum);
            if (count > best || (count == best && sum < best_sum)) {
              best = count, best_sum = sum, best_de = de, best_lab = corrected;
            }
          }
        }
      }
    }
    de = best_de;
    corrected = best_lab;
  }
  fit.corrected = corrected;
  std::vector<double> all;
  double inlier_sum = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (!usable[i]) continue;
    fit.de00[i] = de[i];
    all.push_back(de[i]);
    if (de[i] <= kInlierDe00) {
      fit.inlier[i] = true;
      ++fit.inliers;
      inlier_sum += de[i];
    }
  }
  fit.inlier_mean_de00 = fit.inliers > 0 ? inlier_sum / fit.inliers : std::numeric_limits<double>::infinity();
  if (!all.empty()) {
    std::nth_element(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(all.size() / 2), all.end());
    fit.median_de00 = all[all.size() / 2];
  } else {
    fit.median_de00 = std::numeric_limits<double>::infinity();
  }
  return fit;
}

namespace {

cv::Point2d apply_h(const cv::Matx33d& h, double x, double y) {
  const cv::Vec3d p = h * cv::Vec3d(x, y, 1);
  return {p[0] / p[2], p[1] / p[2]};
}

// Sum over the three channels of the variance of `sum`/`sq` (integral images, CV_64FC3) in the
// rectangle [x0, x1) × [y0, y1).
double box_variance(const cv::Mat& sum, const cv::Mat& sq, int x0, int y0, int x1, int y1) {
  const auto at = [](const cv::Mat& m, int y, int x) { return m.at<cv::Vec3d>(y, x); };
  const cv::Vec3d s = at(sum, y1, x1) - at(sum, y0, x1) - at(sum, y1, x0) + at(sum, y0, x0);
  const cv::Vec3d q = at(sq, y1, x1) - at(sq, y0, x1) - at(sq, y1, x0) + at(sq, y0, x0);
  const double n = static_cast<double>((x1 - x0) * (y1 - y0));
  double v = 0;
  for (int c = 0; c < 3; ++c) v += std::max(0.0, q[c] / n - (s[c] / n) * (s[c] / n));
  return v;
}

// Rectified pitch: at least 24 px (a patch's 80 % box then moves in steps of < 5 % of it), at most
// 40 px (nothing is gained beyond; keeps the search cheap on large cards).
constexpr double kMinRectPitch = 24.0;
constexpr double kMaxRectPitch = 40.0;
// The located box is 60 % of the patch: at the true centre it holds no edge, and a shift of more
// than 20 % of the patch takes an edge into it (smaller than the inner 80 % so that a card whose
// patches are smaller relative to their pitch than the definition's, a Nano's, still has a box
// clear of edges).
constexpr double kLocateBox = 0.6;
// A patch is located when the least-varying box is clearly less varied than the typical box of
// the search window (which holds patch edges): typical variance ≥ 4 × (min + 4 codes²).
constexpr double kLocateContrast = 4.0;
constexpr double kLocateFloor = 4.0;
// A located centre agrees with the fitted grid within 0.15 pitch.
constexpr double kRefineInlier = 0.15;
constexpr double kMaxMove = 0.5;

}  // namespace

GridRefinement refine_grid(const cv::Mat& encoded, const CardDefinition& card, const cv::Matx33d& card_to_image,
                           double search_pitch) {
  GridRefinement out;
  out.card_to_image = card_to_image;
  const std::size_t n = card.patches.size();
  if (encoded.empty() || n < 8 || card.cols < 2 || card.rows < 2) return out;
  const cv::Matx33d to_lattice = card_to_card_lattice(card);
  const double pitch_x = 1.0 / to_lattice(0, 0), pitch_y = 1.0 / to_lattice(1, 1);
  const double pitch = std::min(pitch_x, pitch_y);
  // Native pixels per card unit: the smallest of the four grid sides, per unit.
  const auto& p0 = card.patches.front();
  const auto& pc = card.patches[static_cast<std::size_t>(card.cols - 1)];
  const auto& pr = card.patches[static_cast<std::size_t>((card.rows - 1) * card.cols)];
  const auto& pl = card.patches.back();
  const auto dist = [&](const CardPatch& a, const CardPatch& b) {
    return cv::norm(apply_h(card_to_image, a.cx, a.cy) - apply_h(card_to_image, b.cx, b.cy)) /
           std::hypot(a.cx - b.cx, a.cy - b.cy);
  };
  const double native = std::min({dist(p0, pc), dist(pr, pl), dist(p0, pr), dist(pc, pl)});
  if (!std::isfinite(native) || native <= 0) return out;
  const double s = std::clamp(native * pitch, kMinRectPitch, kMaxRectPitch) / pitch;  // px per unit
  double x0 = 1e30, y0 = 1e30, x1 = -1e30, y1 = -1e30;
  for (const auto& p : card.patches) {
    x0 = std::min(x0, p.cx - p.w / 2), y0 = std::min(y0, p.cy - p.h / 2);
    x1 = std::max(x1, p.cx + p.w / 2), y1 = std::max(y1, p.cy + p.h / 2);
  }
  const double margin = (search_pitch + 0.1) * pitch;
  x0 -= margin, y0 -= margin, x1 += margin, y1 += margin;
  const cv::Matx33d rect_to_card(1 / s, 0, x0, 0, 1 / s, y0, 0, 0, 1);
  const cv::Matx33d rect_to_image = card_to_image * rect_to_card;
  const cv::Size size(static_cast<int>(std::ceil((x1 - x0) * s)), static_cast<int>(std::ceil((y1 - y0) * s)));
  cv::Mat rect;
  cv::warpPerspective(encoded, rect, cv::Mat(rect_to_image), size, cv::INTER_LINEAR | cv::WARP_INVERSE_MAP,
                      cv::BORDER_REPLICATE);
  rect.convertTo(rect, CV_32FC3, encoded.depth() == CV_16U ? 255.0 / 65535.0 : 1.0);
  cv::Mat sum, sq;
  cv::integral(rect, sum, sq, CV_64F, CV_64F);

  std::vector<cv::Point2f> src, dst;
  const int radius = std::max(2, static_cast<int>(std::lround(search_pitch * pitch * s)));
  const int side = 2 * radius + 1;
  std::vector<double> cost(static_cast<std::size_t>(side * side));
  for (const auto& p : card.patches) {
    const int bx = std::max(2, static_cast<int>(std::lround(kLocateBox * p.w * s / 2)));
    const int by = std::max(2, static_cast<int>(std::lround(kLocateBox * p.h * s / 2)));
    const int cx = static_cast<int>(std::lround((p.cx - x0) * s)), cy = static_cast<int>(std::lround((p.cy - y0) * s));
    double lowest = 1e300;
    for (int dy = -radius; dy <= radius; ++dy) {
      for (int dx = -radius; dx <= radius; ++dx) {
        const int l = cx + dx - bx, t = cy + dy - by, r = cx + dx + bx, b = cy + dy + by;
        double v = 1e300;
        if (l >= 0 && t >= 0 && r <= rect.cols && b <= rect.rows) v = box_variance(sum, sq, l, t, r, b);
        cost[static_cast<std::size_t>((dy + radius) * side + dx + radius)] = v;
        lowest = std::min(lowest, v);
      }
    }
    std::vector<double> sorted(cost);
    std::nth_element(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(sorted.size() / 2), sorted.end());
    const double typical = sorted[sorted.size() / 2];
    if (!(typical >= kLocateContrast * (lowest + kLocateFloor))) continue;
    // The centre of the region where the box holds no edge: the positions within a tenth of the
    // way from the least to the typical variance.
    const double limit = lowest + 0.1 * (typical - lowest);
    double wx = 0, wy = 0, count = 0;
    int min_x = side, max_x = -1, min_y = side, max_y = -1;
    for (int k = 0; k < side * side; ++k) {
      if (cost[static_cast<std::size_t>(k)] > limit) continue;
      const int ix = k % side, iy = k / side;
      wx += ix, wy += iy, count += 1;
      min_x = std::min(min_x, ix), max_x = std::max(max_x, ix), min_y = std::min(min_y, iy),
      max_y = std::max(max_y, iy);
    }
    // One flat region no wider than the box's play inside the patch (+ 2 px of blur): else the
    // patch's surroundings are like it and its place is not determined.
    const double play = 1.0 - kLocateBox;
    if (max_x - min_x > play * p.w * s + 2 || max_y - min_y > play * p.h * s + 2) continue;
    // A box [l, r) of pixel indices is centred on r − bx − 0.5 in pixel-centre coordinates.
    const double fx = cx + wx / count - radius - 0.5, fy = cy + wy / count - radius - 0.5;
    src.emplace_back(static_cast<float>(p.cx), static_cast<float>(p.cy));
    const cv::Point2d img = apply_h(rect_to_image, fx, fy);
    dst.emplace_back(static_cast<float>(img.x), static_cast<float>(img.y));
  }
  out.located = static_cast<int>(src.size());
  if (2 * out.located < static_cast<int>(n)) return out;
  const double pitch_image = native * pitch;
  // Two fits of the located centres: a full homography, which also corrects the input's
  // perspective (mcc's box, a tilted card), and an affine correction composed with the input
  // homography, which keeps the input's perspective. The homography is used when it agrees with
  // at least two thirds of the card and moves no patch half a pitch; with fewer located patches,
  // on one side of the card, it extrapolates a pitch off at the far corners, where the affine
  // correction cannot go far wrong.
  auto count = [&](const cv::Matx33d& h, double& ss) {
    int k = 0;
    ss = 0;
    for (std::size_t i = 0; i < src.size(); ++i) {
      const double e = cv::norm(apply_h(h, src[i].x, src[i].y) - cv::Point2d(dst[i]));
      if (e <= kRefineInlier * pitch_image) ++k, ss += e * e;
    }
    return k;
  };
  cv::Matx33d refined = card_to_image;
  double ss = 0;
  int inliers = 0;
  std::vector<std::uint8_t> mask;
  const cv::Mat h = cv::findHomography(src, dst, cv::RANSAC, kRefineInlier * pitch_image, mask, 2000, 0.999);
  if (!h.empty()) {
    cv::Matx33d fitted;
    for (int r = 0; r < 3; ++r) {
      for (int c = 0; c < 3; ++c) fitted(r, c) = h.at<double>(r, c);
    }
    inliers = count(fitted, ss);
    refined = fitted;
  }
  auto moved = [&](const cv::Matx33d& grid) {
    double most = 0;
    for (const auto& p : card.patches) {
      most = std::max(most, cv::norm(apply_h(grid, p.cx, p.cy) - apply_h(card_to_image, p.cx, p.cy)) / pitch_image);
    }
    return most;
  };
  if (3 * inliers < 2 * static_cast<int>(n) || moved(refined) >= kMaxMove) {
    std::vector<cv::Point2f> predicted;
    for (const auto& q : src) {
      const cv::Point2d v = apply_h(card_to_image, q.x, q.y);
      predicted.emplace_back(static_cast<float>(v.x), static_cast<float>(v.y));
    }
    const cv::Mat a = cv::estimateAffine2D(predicted, dst, mask, cv::RANSAC, kRefineInlier * pitch_image, 2000, 0.999);
    if (a.empty()) return out;
    const cv::Matx33d correction(a.at<double>(0, 0), a.at<double>(0, 1), a.at<double>(0, 2), a.at<double>(1, 0),
                                 a.at<double>(1, 1), a.at<double>(1, 2), 0, 0, 1);
    refined = correction * card_to_image;
    inliers = count(refined, ss);
  }
  out.inliers = inliers;
  out.rms_pitch = inliers > 0 ? std::sqrt(ss / inliers) / pitch_image : 0;
  out.moved_pitch = moved(refined);
  // No patch may move half a pitch or more: it would then sit nearer its neighbour's place in the
  // candidate's grid than its own, and the fit took the card for its neighbour (or extrapolated
  // from patches that are not where the rest of the grid says).
  if (2 * inliers < static_cast<int>(n) || out.moved_pitch >= kMaxMove) return out;
  out.card_to_image = refined;
  out.ok = true;
  return out;
}

}  // namespace shadematch::photo::detail
