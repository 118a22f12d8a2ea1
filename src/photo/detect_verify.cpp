// Patch sampling and the quick verification fit behind card detection (detect_internal.hpp).
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include <opencv2/imgproc.hpp>

#include "colour/delta_e.hpp"
#include "colour/lab.hpp"
#include "colour/spectral.hpp"
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
    s.box[k] = cv::Point2f(static_cast<float>(quad[k].x * to_full), static_cast<float>(quad[k].y * to_full));
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
    usable[i] = i < samples.size() && samples[i].pixels > 0 && finite(samples[i].mean) &&
                !has_flag(samples[i], "clipped");
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

}  // namespace shadematch::photo::detail
