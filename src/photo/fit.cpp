#include "photo/fit.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>

#include "colour/delta_e.hpp"
#include "colour/lab.hpp"
#include "colour/spectral.hpp"

namespace shadematch::photo {
namespace {

constexpr int kMaxTerms = 6;
using Terms = std::array<double, kMaxTerms>;

// The model's terms of a linearized RGB. Root-polynomial terms of negative values (noise below
// black) are taken as 0: √ of a product is only defined for non-negative light.
int terms_of(CorrectionModel model, const colour::LinearRgb& c, Terms& t) noexcept {
  t[0] = c.r;
  t[1] = c.g;
  t[2] = c.b;
  switch (model) {
    case CorrectionModel::linear3x3:
      return 3;
    case CorrectionModel::root_polynomial2: {
      const double r = std::max(c.r, 0.0), g = std::max(c.g, 0.0), b = std::max(c.b, 0.0);
      t[3] = std::sqrt(r * g);
      t[4] = std::sqrt(g * b);
      t[5] = std::sqrt(r * b);
      return 6;
    }
  }
  return 3;
}

// Slopes of the spline's extensions past its end knots, in log–log: a camera's tone curve is
// never flatter than γ 0.3 or steeper than γ 3, and a noisy end segment must not run away.
constexpr double kMinEndSlope = 0.3;
constexpr double kMaxEndSlope = 3.0;

double apply_curve(const std::vector<double>& curve, double c) noexcept {
  if (curve.empty()) return c;
  if (!(c > 0)) return c > 0 || std::isnan(c) ? c : 0.0;
  if (curve.size() == 2) return curve[0] * std::pow(c, curve[1]);
  // Spline knots (c_i, Y_i): find the segment (or end segment) and interpolate in log–log.
  const std::size_t n = curve.size() / 2;
  std::size_t seg = 0;
  while (seg + 2 < n && c > curve[2 * (seg + 1)]) ++seg;
  const double x0 = std::log(curve[2 * seg]), y0 = std::log(curve[2 * seg + 1]);
  const double x1 = std::log(curve[2 * seg + 2]), y1 = std::log(curve[2 * seg + 3]);
  const double lx = std::log(c);
  double slope = (y1 - y0) / (x1 - x0);
  const bool outside = (seg == 0 && lx < x0) || (seg + 2 == n && lx > x1);
  if (outside) slope = std::clamp(slope, kMinEndSlope, kMaxEndSlope);
  if (seg == 0 && lx < x0) return std::exp(y0 + slope * (lx - x0));
  if (seg + 2 == n && lx > x1) return std::exp(y1 + slope * (lx - x1));
  return std::exp(y0 + slope * (lx - x0));
}

// Solves the n × n system A x = b (row-major A, overwritten) by Gaussian elimination with partial
// pivoting. Returns false when A is (numerically) singular.
bool solve(std::vector<double>& a, std::vector<double>& b, int n) {
  const auto idx = [n](int r, int c) { return static_cast<std::size_t>(r * n + c); };
  for (int col = 0; col < n; ++col) {
    int pivot = col;
    for (int r = col + 1; r < n; ++r) {
      if (std::fabs(a[idx(r, col)]) > std::fabs(a[idx(pivot, col)])) pivot = r;
    }
    if (!(std::fabs(a[idx(pivot, col)]) > 1e-300)) return false;
    if (pivot != col) {
      for (int c = 0; c < n; ++c) std::swap(a[idx(col, c)], a[idx(pivot, c)]);
      std::swap(b[static_cast<std::size_t>(col)], b[static_cast<std::size_t>(pivot)]);
    }
    for (int r = col + 1; r < n; ++r) {
      const double f = a[idx(r, col)] / a[idx(col, col)];
      if (f == 0) continue;
      for (int c = col; c < n; ++c) a[idx(r, c)] -= f * a[idx(col, c)];
      b[static_cast<std::size_t>(r)] -= f * b[static_cast<std::size_t>(col)];
    }
  }
  for (int r = n - 1; r >= 0; --r) {
    double s = b[static_cast<std::size_t>(r)];
    for (int c = r + 1; c < n; ++c) s -= a[idx(r, c)] * b[static_cast<std::size_t>(c)];
    b[static_cast<std::size_t>(r)] = s / a[idx(r, r)];
  }
  return std::all_of(b.begin(), b.end(), [](double v) { return std::isfinite(v); });
}

// Initial weighted least squares in XYZ, one output row at a time (the rows are independent).
// A tiny ridge (1e-9 of the trace) keeps near-collinear root-polynomial terms solvable.
std::vector<double> weighted_least_squares(CorrectionModel model, const std::vector<colour::LinearRgb>& rgb,
                                           const std::vector<FitSample>& samples) {
  const int n = correction_model_terms(model);
  std::vector<double> coeffs(static_cast<std::size_t>(3 * n), 0.0);
  std::vector<double> ata(static_cast<std::size_t>(n * n), 0.0);
  std::array<std::vector<double>, 3> atb;
  for (auto& v : atb) v.assign(static_cast<std::size_t>(n), 0.0);
  Terms t{};
  for (std::size_t i = 0; i < samples.size(); ++i) {
    terms_of(model, rgb[i], t);
    const auto& ref = samples[i].reference_xyz;
    const double w = 1.0 / (std::max(ref.y, 0.0) + 0.02);
    const double w2 = w * w;
    for (int r = 0; r < n; ++r) {
      for (int c = 0; c < n; ++c)
        ata[static_cast<std::size_t>(r * n + c)] +=
            w2 * t[static_cast<std::size_t>(r)] * t[static_cast<std::size_t>(c)];
      atb[0][static_cast<std::size_t>(r)] += w2 * t[static_cast<std::size_t>(r)] * ref.x;
      atb[1][static_cast<std::size_t>(r)] += w2 * t[static_cast<std::size_t>(r)] * ref.y;
      atb[2][static_cast<std::size_t>(r)] += w2 * t[static_cast<std::size_t>(r)] * ref.z;
    }
  }
  double trace = 0;
  for (int r = 0; r < n; ++r) trace += ata[static_cast<std::size_t>(r * n + r)];
  for (int r = 0; r < n; ++r) ata[static_cast<std::size_t>(r * n + r)] += 1e-9 * trace / n + 1e-15;
  for (std::size_t row = 0; row < 3; ++row) {
    auto a = ata;
    auto b = atb[row];
    if (!solve(a, b, n)) throw std::runtime_error("colour fit: singular system");
    for (int c = 0; c < n; ++c)
      coeffs[row * static_cast<std::size_t>(n) + static_cast<std::size_t>(c)] = b[static_cast<std::size_t>(c)];
  }
  return coeffs;
}

}  // namespace

namespace {

// Levenberg–Marquardt (Marquardt 1963) on `m` residuals of the parameter vector `x`, numerical
// forward-difference Jacobian. 30 iterations are plenty: the least-squares start is close, and
// the problem has ≤ 26 parameters. It stops when a step lowers the cost (Σ ΔE00²) by less than
// kMinGain of itself: a millionth of the cost changes ΔE00 by half a millionth, invisible in any
// figure, and measured on the development photos the leave-one-out means move by ≤ 0.01 against
// 1e-10 while the fit takes a third less time.
constexpr double kMinGain = 1e-6;
// `columns(x, jac)` fills the first `given` Jacobian columns itself (the rest are differenced).
template <typename Residuals, typename Columns>
void levenberg_marquardt(std::vector<double>& x, std::size_t m, Residuals&& residuals, int given, Columns&& columns) {
  const int np = static_cast<int>(x.size());
  const auto cost = [](const std::vector<double>& r) {
    double s = 0;
    for (double v : r) s += v * v;
    return std::isfinite(s) ? s : std::numeric_limits<double>::infinity();
  };
  std::vector<double> r0(m), r1(m), probe;
  residuals(x, r0);
  double c0 = cost(r0);
  double lambda = 1e-3;
  std::vector<double> jac(m * static_cast<std::size_t>(np));
  for (int iter = 0; iter < 30; ++iter) {
    columns(x, jac);
    for (int p = given; p < np; ++p) {
      probe = x;
      const double h = 1e-6 * std::max(1.0, std::fabs(x[static_cast<std::size_t>(p)]));
      probe[static_cast<std::size_t>(p)] += h;
      residuals(probe, r1);
      for (std::size_t i = 0; i < m; ++i)
        jac[i * static_cast<std::size_t>(np) + static_cast<std::size_t>(p)] = (r1[i] - r0[i]) / h;
    }
    std::vector<double> jtj(static_cast<std::size_t>(np * np), 0.0), jtr(static_cast<std::size_t>(np), 0.0);
    for (std::size_t i = 0; i < m; ++i) {
      const double* row = &jac[i * static_cast<std::size_t>(np)];
      if (!std::isfinite(r0[i])) continue;
      for (int a = 0; a < np; ++a) {
        jtr[static_cast<std::size_t>(a)] -= row[a] * r0[i];
        for (int b = 0; b < np; ++b) jtj[static_cast<std::size_t>(a * np + b)] += row[a] * row[b];
      }
    }
    bool improved = false;
    for (int attempt = 0; attempt < 8 && !improved; ++attempt) {
      auto a = jtj;
      auto b = jtr;
      for (int d = 0; d < np; ++d) a[static_cast<std::size_t>(d * np + d)] *= 1.0 + lambda;
      for (int d = 0; d < np; ++d) a[static_cast<std::size_t>(d * np + d)] += 1e-12;
      if (!solve(a, b, np)) {
        lambda *= 10;
        continue;
      }
      probe = x;
      for (int p = 0; p < np; ++p) probe[static_cast<std::size_t>(p)] += b[static_cast<std::size_t>(p)];
      residuals(probe, r1);
      const double c1 = cost(r1);
      if (c1 < c0) {
        const double gain = (c0 - c1) / std::max(c0, 1e-300);
        x.swap(probe);
        r0.swap(r1);
        c0 = c1;
        lambda = std::max(lambda / 10, 1e-9);
        improved = true;
        if (gain < kMinGain) return;
      } else {
        lambda *= 10;
      }
    }
    if (!improved) return;
  }
}

// XYZ of linearized camera RGB through `coefficients` (3 × terms of `model`).
colour::Xyz matrix_part(CorrectionModel model, const double* coefficients, const colour::LinearRgb& lin) noexcept {
  Terms t{};
  const int n = terms_of(model, lin, t);
  double xyz[3] = {0, 0, 0};
  for (int row = 0; row < 3; ++row) {
    for (int k = 0; k < n; ++k) xyz[row] += coefficients[row * n + k] * t[static_cast<std::size_t>(k)];
  }
  return {xyz[0], xyz[1], xyz[2]};
}

// ---- parametric curves refined jointly with the model -------------------------------------------
// Two parameters per channel (p1, p2) besides a scale, which the colour model absorbs (every term
// of both models scales linearly with a channel's scale):
//  - gamma plus offset: c' = s_k · max(c − o_k, 0)^γ_k (p1 = γ, p2 = o). The offset is a black
//    level the decoder did not remove: veiling glare / flare (a constant added in the optics) or a
//    lifted or crushed black in the maker's tone curve — the shape a per-channel power cannot
//    follow. DESIGN.md "Linearization and fit" names the form. Clamped to what a camera does:
//    γ ∈ [0.4, 2.5] (as the power curve), o ∈ [−darkest, 0.9 · darkest] (darkest = that channel's
//    value on the darkest neutral): a black level above the darkest neutral would declare it black.
//  - log-quadratic: ln c' = ln s + b·ln c + d·(ln c)² (p1 = b, p2 = d): a power whose exponent
//    drifts smoothly along the grey scale (the toe and shoulder of a phone's contrast curve), with
//    one parameter more than the power and none per neutral. Its local exponent b + 2d·ln c is
//    kept in [0.4, 2.5] along the tabulation, so it is monotone and never runs away past the ends.
struct ParamCurve {
  NeutralCurve form = NeutralCurve::gamma_offset;
  double scale = 1, p1 = 1, p2 = 0;
};

constexpr double kMinGamma = 0.4, kMaxGamma = 2.5;
double clamp_gamma(double g) {
  return std::clamp(g, kMinGamma, kMaxGamma);
}
double clamp_offset(double o, double darkest) {
  return std::clamp(o, -darkest, 0.9 * darkest);
}

// Ordinary least squares of ln Y on (1, x) or (1, x, x²): returns the coefficients, or nothing when
// the points do not determine them.
std::optional<std::array<double, 3>> log_polyfit(const std::vector<std::pair<double, double>>& xy, bool quadratic) {
  const int n = quadratic ? 3 : 2;
  if (static_cast<int>(xy.size()) < n + 1) return std::nullopt;
  std::vector<double> ata(static_cast<std::size_t>(n * n), 0.0), atb(static_cast<std::size_t>(n), 0.0);
  for (const auto& [x, y] : xy) {
    const double t[3] = {1.0, x, x * x};
    for (int r = 0; r < n; ++r) {
      for (int c = 0; c < n; ++c) ata[static_cast<std::size_t>(r * n + c)] += t[r] * t[c];
      atb[static_cast<std::size_t>(r)] += t[r] * y;
    }
  }
  if (!solve(ata, atb, n)) return std::nullopt;
  return std::array<double, 3>{atb[0], atb[1], quadratic ? atb[2] : 0.0};
}

// The neutral-only fit of a form (the start of the joint refinement), least squares in log–log:
// gamma plus offset by the closed-form (s, γ) on a grid of 29 offsets over its range; the
// log-quadratic directly (a power, d = 0, with fewer than 4 neutrals). Empty when the neutrals
// cannot carry it.
std::optional<ParamCurve> fit_param_curve(NeutralCurve form, const std::vector<std::pair<double, double>>& points,
                                          double darkest) {
  if (form == NeutralCurve::log_quadratic) {
    std::vector<std::pair<double, double>> xy;
    for (const auto& [c, y] : points) xy.emplace_back(std::log(c), std::log(y));
    auto f = log_polyfit(xy, xy.size() >= 4);
    if (!f) return std::nullopt;
    return ParamCurve{form, std::exp((*f)[0]), (*f)[1], (*f)[2]};
  }
  std::optional<ParamCurve> best;
  double best_sse = std::numeric_limits<double>::infinity();
  for (int step = 0; step <= 28; ++step) {
    const double o = clamp_offset(-darkest + step * (1.9 * darkest) / 28.0, darkest);
    std::vector<std::pair<double, double>> xy;
    for (const auto& [c, y] : points) xy.emplace_back(std::log(c - o), std::log(y));
    const auto f = log_polyfit(xy, false);
    if (!f) continue;
    const double gamma = clamp_gamma((*f)[1]);
    double mean_x = 0, mean_y = 0;
    for (const auto& [x, y] : xy) mean_x += x, mean_y += y;
    const double log_s = (mean_y - gamma * mean_x) / static_cast<double>(xy.size());
    double sse = 0;
    for (const auto& [x, y] : xy) sse += (log_s + gamma * x - y) * (log_s + gamma * x - y);
    if (sse < best_sse) {
      best_sse = sse;
      best = ParamCurve{form, std::exp(log_s), gamma, o};
    }
  }
  return best;
}

// The curve tabulated as spline knots (ColourCorrection::linearization's spline form, so a saved
// calibration and apply() need nothing new): 24 knots log-spaced from just above the black level
// (a third of the way to the darkest neutral) to max(1, brightest value); piecewise log–log linear
// between them is within 1e-3 relative of the curve for exponents in range. Below the first knot
// the spline's end slope (≤ 3) continues it down to 0.
std::vector<double> tabulate_param_curve(const ParamCurve& k, double darkest, double brightest) {
  constexpr int kKnots = 24;
  const double floor = k.form == NeutralCurve::gamma_offset ? std::max(clamp_offset(k.p2, darkest), 0.0) : 0.0;
  const double lo = floor + (darkest - floor) / 3.0;
  const double hi = std::max({1.0, brightest, lo * 2.0});
  std::vector<double> knots;
  knots.reserve(2 * kKnots);
  double log_y = 0;
  for (int j = 0; j < kKnots; ++j) {
    const double c = lo * std::pow(hi / lo, j / double(kKnots - 1));
    if (k.form == NeutralCurve::gamma_offset) {
      log_y = std::log(k.scale) + clamp_gamma(k.p1) * std::log(c - clamp_offset(k.p2, darkest));
    } else if (j == 0) {
      log_y = std::log(k.scale) + k.p1 * std::log(c) + k.p2 * std::log(c) * std::log(c);
    } else {
      // Integrate the local exponent over the segment (exact for the quadratic while in range).
      const double l0 = std::log(knots[knots.size() - 2]), l1 = std::log(c);
      log_y += clamp_gamma(k.p1 + k.p2 * (l0 + l1)) * (l1 - l0);
    }
    knots.push_back(c);
    knots.push_back(std::exp(log_y));
  }
  return knots;
}

// The neutral points (c, Y) of channel `ch` with positive values, sorted by c.
std::vector<std::pair<double, double>> neutral_points(const std::vector<FitSample>& samples, int ch) {
  std::vector<std::pair<double, double>> points;
  for (const auto& s : samples) {
    if (!s.neutral) continue;
    const double c = ch == 0 ? s.rgb.r : ch == 1 ? s.rgb.g : s.rgb.b;
    const double y = s.reference_xyz.y;
    if (!(c > 1e-4) || !(y > 1e-4)) continue;
    points.emplace_back(c, y);
  }
  std::sort(points.begin(), points.end());
  return points;
}

ColourCorrection fit_model(CorrectionModel model, const std::vector<FitSample>& samples,
                           const std::array<std::vector<double>, 3>& linearization, bool gradient = false,
                           std::optional<NeutralCurve> joint_curve = std::nullopt) {
  const auto need = static_cast<std::size_t>(correction_model_terms(model));
  if (samples.size() < need) {
    throw std::invalid_argument("colour fit: " + std::to_string(samples.size()) + " samples for " +
                                std::to_string(need) + " terms");
  }
  ColourCorrection corr;
  corr.model = model;
  corr.linearization = linearization;
  std::vector<colour::LinearRgb> rgb;
  std::vector<colour::Lab> ref;
  rgb.reserve(samples.size());
  for (const auto& s : samples) {
    rgb.push_back(corr.linearize(s.rgb));
    ref.push_back(colour::xyz_to_lab(s.reference_xyz, colour::d50_white()));
  }
  corr.coefficients = weighted_least_squares(model, rgb, samples);

  // A joint curve (gamma plus offset, log-quadratic): its two parameters per channel are refined
  // with the matrix on every patch (not only the neutrals), so a left-out end grey is still pinned
  // by the dark and light chromatic patches. Start: the neutral-only fit.
  bool joint_offset_curve = joint_curve.has_value();
  std::array<ParamCurve, 3> curve{};
  std::array<double, 3> darkest{}, brightest{};
  if (joint_offset_curve) {
    for (int ch = 0; ch < 3; ++ch) {
      const auto points = neutral_points(samples, ch);
      if (points.size() < 3) {
        joint_offset_curve = false;
        break;
      }
      darkest[static_cast<std::size_t>(ch)] = points.front().first;
      double top = 0;
      for (const auto& s : samples) top = std::max(top, ch == 0 ? s.rgb.r : ch == 1 ? s.rgb.g : s.rgb.b);
      brightest[static_cast<std::size_t>(ch)] = top;
      const auto c = fit_param_curve(
          *joint_curve == NeutralCurve::gamma_offset ? NeutralCurve::gamma_offset : NeutralCurve::log_quadratic, points,
          points.front().first);
      if (!c) {
        joint_offset_curve = false;
        break;
      }
      curve[static_cast<std::size_t>(ch)] = *c;
    }
  }

  const std::size_t nc = corr.coefficients.size();
  std::vector<double> x = corr.coefficients;
  const std::size_t curve_at = x.size();
  // shared-log-quadratic: one (b, d) for the three channels (their scales still differ, in the
  // model): a camera applies its tone curve after white balance and its colour matrix, to every
  // channel alike, and a gain before a curve only shifts it along ln c' — so the shape is shared.
  const bool shared = joint_offset_curve && (*joint_curve == NeutralCurve::shared_log_quadratic ||
                                             *joint_curve == NeutralCurve::shared_log_quadratic_offset);
  // shared-log-quadratic-offset: besides, a black level o_k per channel in the decoded values,
  // taken off BEFORE the curve, c' = curve(c − o_k) — the gamma-plus-offset curve's o_k (a black
  // the maker's rendering lifted, flare left in the file, or crushed) with the drifting exponent of
  // a phone's contrast curve instead of a pure power. o_k starts at 0 and is kept in
  // [−darkest, 0.9 · darkest] like that offset; tabulated by shifting the curve's knots by o_k.
  const bool black_level = joint_offset_curve && *joint_curve == NeutralCurve::shared_log_quadratic_offset;
  const auto at = [&](std::size_t ch) { return curve_at + (shared ? 0 : 2 * ch); };
  if (joint_offset_curve) {
    if (shared) {
      x.push_back((curve[0].p1 + curve[1].p1 + curve[2].p1) / 3);
      x.push_back((curve[0].p2 + curve[1].p2 + curve[2].p2) / 3);
    } else {
      for (const auto& c : curve) {
        x.push_back(c.p1);
        x.push_back(c.p2);
      }
    }
  }
  const std::size_t black_at = x.size();
  if (black_level) x.insert(x.end(), 3, 0.0);
  const std::size_t gradient_at = x.size();
  if (gradient) {
    x.push_back(0.0);
    x.push_back(0.0);
  }
  const auto curve_of = [&](const std::vector<double>& p, std::size_t ch) {
    ParamCurve c = curve[ch];
    c.p1 = p[at(ch)];
    c.p2 = p[at(ch) + 1];
    if (!black_level) return tabulate_param_curve(c, darkest[ch], brightest[ch]);
    // The curve of u = c − f, tabulated from u = first − f so that the first knot, in c, is
    // `first` — a third of the way from the black level (or 0, for a crushed black) to the
    // darkest neutral, as gamma plus offset: always positive (tabulate_param_curve starts at a
    // third of the value it is given).
    const double f = clamp_offset(p[black_at + ch], darkest[ch]);
    const double floor = std::max(f, 0.0);
    const double first = floor + (darkest[ch] - floor) / 3.0;
    auto knots = tabulate_param_curve(c, 3.0 * (first - f), brightest[ch] - f);
    for (std::size_t j = 0; j < knots.size(); j += 2) knots[j] += f;
    return knots;
  };
  const auto curves_of = [&](const std::vector<double>& p) {
    std::array<std::vector<double>, 3> lin;
    for (std::size_t ch = 0; ch < 3; ++ch) lin[ch] = curve_of(p, ch);
    return lin;
  };
  if (joint_offset_curve) {
    // Re-start the matrix from the tabulated curve (what apply() will use).
    corr.linearization = curves_of(x);
    for (std::size_t i = 0; i < samples.size(); ++i) rgb[i] = corr.linearize(samples[i].rgb);
    corr.coefficients = weighted_least_squares(model, rgb, samples);
    std::copy(corr.coefficients.begin(), corr.coefficients.end(), x.begin());
  }

  // Levenberg–Marquardt on the CIEDE2000 residuals of every sample (colour::delta_e_2000_components), so the fit
  // minimises the error the report states.
  std::vector<colour::LinearRgb> lin = rgb;  // linearized samples (for the joint curve: of `cached`)
  std::array<double, 9> cached{};            // the curves' two parameters per channel, then the three offsets
  if (joint_offset_curve) {
    for (std::size_t ch = 0; ch < 3; ++ch) cached[2 * ch] = x[at(ch)], cached[2 * ch + 1] = x[at(ch) + 1];
    if (black_level)
      for (std::size_t ch = 0; ch < 3; ++ch) cached[6 + ch] = x[black_at + ch];
  }
  // Keeps `lin` the linearization of `cached` = the curve parameters in p.
  const auto sync = [&](const std::vector<double>& p) {
    if (!joint_offset_curve) return;
    // Re-tabulate and re-linearize only the channels whose curve parameters changed: most
    // Jacobian columns are matrix coefficients, which leave the curves alone.
    for (std::size_t ch = 0; ch < 3; ++ch) {
      const double g = p[at(ch)], o = p[at(ch) + 1], f = black_level ? p[black_at + ch] : 0.0;
      if (g == cached[2 * ch] && o == cached[2 * ch + 1] && f == cached[6 + ch]) continue;
      cached[6 + ch] = f;
      cached[2 * ch] = g;
      cached[2 * ch + 1] = o;
      const auto knots = curve_of(p, ch);
      for (std::size_t i = 0; i < samples.size(); ++i) {
        const double c = ch == 0 ? samples[i].rgb.r : ch == 1 ? samples[i].rgb.g : samples[i].rgb.b;
        (ch == 0 ? lin[i].r : ch == 1 ? lin[i].g : lin[i].b) = apply_curve(knots, c);
      }
    }
  };
  const auto light_of = [&](const std::vector<double>& p, std::size_t i) {
    return gradient ? std::exp(p[gradient_at] * samples[i].u + p[gradient_at + 1] * samples[i].v) : 1.0;
  };
  const auto residuals_at = [&](std::size_t i, const colour::Xyz& xyz) {
    return colour::delta_e_2000_components(ref[i], colour::xyz_to_lab(xyz, colour::d50_white()));
  };
  const auto residuals = [&](const std::vector<double>& p, std::vector<double>& out) {
    sync(p);
    for (std::size_t i = 0; i < samples.size(); ++i) {
      colour::Xyz xyz = matrix_part(model, p.data(), lin[i]);
      const double light = light_of(p, i);
      const auto r = residuals_at(i, {xyz.x * light, xyz.y * light, xyz.z * light});
      out[3 * i] = r[0];
      out[3 * i + 1] = r[1];
      out[3 * i + 2] = r[2];
    }
  };
  // The matrix coefficients' columns by the chain rule: residual ← XYZ (3 × 3, differenced once
  // per patch) ← coefficient (the term value × light). 3 residual evaluations per patch instead of
  // one per coefficient (9 or 18).
  const int np = static_cast<int>(x.size());
  const auto matrix_columns = [&](const std::vector<double>& p, std::vector<double>& jac) {
    sync(p);
    Terms t{};
    for (std::size_t i = 0; i < samples.size(); ++i) {
      const int n = terms_of(model, lin[i], t);
      const double light = light_of(p, i);
      colour::Xyz xyz = matrix_part(model, p.data(), lin[i]);
      xyz = {xyz.x * light, xyz.y * light, xyz.z * light};
      const auto r0 = residuals_at(i, xyz);
      double d[3][3];  // d[q][axis]: residual q by X, Y, Z
      for (int axis = 0; axis < 3; ++axis) {
        colour::Xyz probe = xyz;
        double& v = axis == 0 ? probe.x : axis == 1 ? probe.y : probe.z;
        const double h = 1e-7 + 1e-6 * std::fabs(v);
        v += h;
        const auto r1 = residuals_at(i, probe);
        for (int q = 0; q < 3; ++q)
          d[q][axis] = (r1[static_cast<std::size_t>(q)] - r0[static_cast<std::size_t>(q)]) / h;
      }
      for (int q = 0; q < 3; ++q) {
        double* row = &jac[(3 * i + static_cast<std::size_t>(q)) * static_cast<std::size_t>(np)];
        for (int axis = 0; axis < 3; ++axis) {
          for (int k = 0; k < n; ++k) row[axis * n + k] = d[q][axis] * t[static_cast<std::size_t>(k)] * light;
        }
      }
    }
  };
  levenberg_marquardt(x, samples.size() * 3, residuals, static_cast<int>(nc), matrix_columns);
  corr.coefficients.assign(x.begin(), x.begin() + static_cast<std::ptrdiff_t>(nc));
  if (joint_offset_curve) corr.linearization = curves_of(x);
  if (gradient) corr.light_gradient = {x[gradient_at], x[gradient_at + 1]};
  return corr;
}

}  // namespace

std::string_view correction_model_name(CorrectionModel model) {
  switch (model) {
    case CorrectionModel::linear3x3:
      return "linear";
    case CorrectionModel::root_polynomial2:
      return "rootpoly";
  }
  return "linear";
}

std::optional<CorrectionModel> parse_correction_model(std::string_view name) {
  if (name == "linear") return CorrectionModel::linear3x3;
  if (name == "rootpoly") return CorrectionModel::root_polynomial2;
  return std::nullopt;
}

int correction_model_terms(CorrectionModel model) {
  switch (model) {
    case CorrectionModel::linear3x3:
      return 3;
    case CorrectionModel::root_polynomial2:
      return 6;
  }
  return 3;
}

colour::LinearRgb ColourCorrection::linearize(const colour::LinearRgb& rgb) const noexcept {
  return {apply_curve(linearization[0], rgb.r), apply_curve(linearization[1], rgb.g),
          apply_curve(linearization[2], rgb.b)};
}

colour::Xyz ColourCorrection::apply(const colour::LinearRgb& rgb) const noexcept {
  Terms t{};
  const int n = terms_of(model, linearize(rgb), t);
  if (coefficients.size() != static_cast<std::size_t>(3 * n)) return {NAN, NAN, NAN};
  double xyz[3] = {0, 0, 0};
  for (int row = 0; row < 3; ++row) {
    for (int k = 0; k < n; ++k)
      xyz[row] += coefficients[static_cast<std::size_t>(row * n + k)] * t[static_cast<std::size_t>(k)];
  }
  return {xyz[0], xyz[1], xyz[2]};
}

colour::Lab ColourCorrection::apply_lab(const colour::LinearRgb& rgb) const noexcept {
  return colour::xyz_to_lab(apply(rgb), colour::d50_white());
}

double ColourCorrection::light_at(double u, double v) const noexcept {
  return std::exp(light_gradient[0] * u + light_gradient[1] * v);
}

colour::Lab ColourCorrection::apply_lab_at(const colour::LinearRgb& rgb, double u, double v) const noexcept {
  const colour::Xyz xyz = apply(rgb);
  const double k = light_at(u, v);
  return colour::xyz_to_lab({xyz.x * k, xyz.y * k, xyz.z * k}, colour::d50_white());
}

std::string_view neutral_curve_name(NeutralCurve curve) {
  switch (curve) {
    case NeutralCurve::identity:
      return "identity";
    case NeutralCurve::power:
      return "power";
    case NeutralCurve::spline:
      return "spline";
    case NeutralCurve::gamma_offset:
      return "gamma-offset";
    case NeutralCurve::log_quadratic:
      return "log-quadratic";
    case NeutralCurve::shared_log_quadratic:
      return "shared-log-quadratic";
    case NeutralCurve::shared_log_quadratic_offset:
      return "shared-log-quadratic-offset";
  }
  return "identity";
}

// The neutral patches' reference luminance Y against the measured channel value c, per channel.
// power: Y = s · c^γ, least squares in log–log (equal relative error on every step of the grey
// scale); γ is kept in [0.4, 2.5]: outside it no real camera/decoder combination lives, and a wild
// γ from a noisy black patch would distort every other colour.
// spline: the neutrals themselves as knots (see fit.hpp), when c and Y rise together.
std::array<std::vector<double>, 3> fit_neutral_linearization(const std::vector<FitSample>& samples,
                                                             NeutralCurve curve) {
  std::array<std::vector<double>, 3> curves;
  if (curve == NeutralCurve::identity) return curves;
  if (curve == NeutralCurve::gamma_offset || curve == NeutralCurve::log_quadratic ||
      curve == NeutralCurve::shared_log_quadratic || curve == NeutralCurve::shared_log_quadratic_offset) {
    // (The shared curve's neutral-only start is per channel, without offset; the sharing and the
    // offset are in the joint fit.)
    if (curve != NeutralCurve::gamma_offset) curve = NeutralCurve::log_quadratic;
    for (int ch = 0; ch < 3; ++ch) {
      const auto points = neutral_points(samples, ch);
      if (points.size() < 3) return {};
      const auto c = fit_param_curve(curve, points, points.front().first);
      if (!c) return {};
      double top = 0;
      for (const auto& s : samples) top = std::max(top, ch == 0 ? s.rgb.r : ch == 1 ? s.rgb.g : s.rgb.b);
      curves[static_cast<std::size_t>(ch)] = tabulate_param_curve(*c, points.front().first, top);
    }
    return curves;
  }
  for (int ch = 0; ch < 3; ++ch) {
    std::vector<std::pair<double, double>> points;  // (c, Y)
    for (const auto& s : samples) {
      if (!s.neutral) continue;
      const double c = ch == 0 ? s.rgb.r : ch == 1 ? s.rgb.g : s.rgb.b;
      const double y = s.reference_xyz.y;
      if (!(c > 1e-4) || !(y > 1e-4)) continue;
      points.emplace_back(c, y);
    }
    if (points.size() < 3) return {};
    std::sort(points.begin(), points.end());
    if (curve == NeutralCurve::spline) {
      std::vector<double> knots;
      for (std::size_t i = 0; i < points.size(); ++i) {
        // Knots must rise in both c and Y by a margin (1 % in c) for the log–log slopes to mean
        // anything; otherwise this channel cannot carry a spline and the whole curve is dropped.
        if (i > 0 && (points[i].first < points[i - 1].first * 1.01 || points[i].second <= points[i - 1].second))
          return {};
        knots.push_back(points[i].first);
        knots.push_back(points[i].second);
      }
      curves[static_cast<std::size_t>(ch)] = std::move(knots);
      continue;
    }
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (const auto& [c, y] : points) {
      const double lx = std::log(c), ly = std::log(y);
      sx += lx;
      sy += ly;
      sxx += lx * lx;
      sxy += lx * ly;
    }
    const double n = static_cast<double>(points.size());
    const double var = sxx - sx * sx / n;
    if (!(var > 1e-6)) return {};  // neutrals all alike: no curve to fit
    const double gamma = std::clamp((sxy - sx * sy / n) / var, 0.4, 2.5);
    const double log_s = (sy - gamma * sx) / n;
    curves[static_cast<std::size_t>(ch)] = {std::exp(log_s), gamma};
  }
  return curves;
}

ColourCorrection fit_linear_3x3(const std::vector<FitSample>& samples,
                                const std::array<std::vector<double>, 3>& linearization) {
  return fit_model(CorrectionModel::linear3x3, samples, linearization);
}

ColourCorrection fit_root_polynomial_finlayson2015(const std::vector<FitSample>& samples,
                                                   const std::array<std::vector<double>, 3>& linearization) {
  return fit_model(CorrectionModel::root_polynomial2, samples, linearization);
}

ColourCorrection fit_correction(CorrectionModel model, const std::vector<FitSample>& samples, NeutralCurve curve,
                                bool light_gradient) {
  if (curve == NeutralCurve::gamma_offset || curve == NeutralCurve::log_quadratic ||
      curve == NeutralCurve::shared_log_quadratic || curve == NeutralCurve::shared_log_quadratic_offset) {
    return fit_model(model, samples, {}, light_gradient, curve);
  }
  return fit_model(model, samples, fit_neutral_linearization(samples, curve), light_gradient);
}

// Threads for one leave-one-out: the machines we aim at (a clinic laptop, CI) have 2–8 cores;
// beyond 4 the 24 refits split too finely for the bound to cut work early.
constexpr unsigned kLooWorkers = 4;

std::optional<std::vector<double>> leave_one_out_de00_bounded(CorrectionModel model,
                                                              const std::vector<FitSample>& samples, NeutralCurve curve,
                                                              bool light_gradient, double give_up_above_sum) {
  // The refits are independent: they run on up to kLooWorkers threads, each taking the next
  // left-out patch, and all stop once the running sum passes the bound. The values are the
  // sequential ones (each refit is the same computation, whatever thread does it); only the sum
  // the bound is checked against is added in another order, which moves it by rounding
  // (~1e-15 relative), far inside the 1e-9 margin the caller's choice keeps.
  const std::size_t n = samples.size();
  std::vector<double> out(n, NAN);
  std::atomic<std::size_t> next{0};
  std::atomic<bool> gave_up{false};
  std::mutex sum_mutex;
  double sum = 0;
  auto work = [&] {
    std::vector<FitSample> rest;
    rest.reserve(n);
    for (std::size_t i = next++; i < n && !gave_up.load(std::memory_order_relaxed); i = next++) {
      rest.clear();
      for (std::size_t j = 0; j < n; ++j) {
        if (j != i) rest.push_back(samples[j]);
      }
      // Everything — linearization, model, light gradient — is refitted without sample i.
      const ColourCorrection c = fit_correction(model, rest, curve, light_gradient);
      out[i] = colour::delta_e_2000(colour::xyz_to_lab(samples[i].reference_xyz, colour::d50_white()),
                                    c.apply_lab_at(samples[i].rgb, samples[i].u, samples[i].v));
      const std::lock_guard<std::mutex> lock(sum_mutex);
      sum += std::isnan(out[i]) ? std::numeric_limits<double>::infinity() : out[i];
      if (sum > give_up_above_sum) gave_up = true;
    }
  };
  const auto workers = static_cast<std::size_t>(std::clamp(std::thread::hardware_concurrency(), 1u, kLooWorkers));
  std::vector<std::thread> threads;
  for (std::size_t t = 1; t < std::min(workers, n); ++t) threads.emplace_back(work);
  work();
  for (auto& t : threads) t.join();
  if (gave_up) return std::nullopt;
  return out;
}

std::vector<double> leave_one_out_de00(CorrectionModel model, const std::vector<FitSample>& samples, NeutralCurve curve,
                                       bool light_gradient) {
  return *leave_one_out_de00_bounded(model, samples, curve, light_gradient, std::numeric_limits<double>::infinity());
}

std::vector<double> fit_de00(const ColourCorrection& correction, const std::vector<FitSample>& samples) {
  std::vector<double> out;
  out.reserve(samples.size());
  for (const auto& s : samples) {
    out.push_back(colour::delta_e_2000(colour::xyz_to_lab(s.reference_xyz, colour::d50_white()),
                                       correction.apply_lab_at(s.rgb, s.u, s.v)));
  }
  return out;
}

}  // namespace shadematch::photo
