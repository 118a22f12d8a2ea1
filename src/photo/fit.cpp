#include "photo/fit.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

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
      for (int c = 0; c < n; ++c) ata[static_cast<std::size_t>(r * n + c)] += w2 * t[static_cast<std::size_t>(r)] * t[static_cast<std::size_t>(c)];
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
    for (int c = 0; c < n; ++c) coeffs[row * static_cast<std::size_t>(n) + static_cast<std::size_t>(c)] = b[static_cast<std::size_t>(c)];
  }
  return coeffs;
}

}  // namespace

// CIEDE2000 (CIE 142-2001; Sharma, Wu & Dalal 2005, eqs. 1–17) split into three residuals whose
// squares sum to ΔE00²: ΔE00² = p² + q² + r² + RT·q·r with p = ΔL'/SL, q = ΔC'/SC, r = ΔH'/SH,
// rewritten as p² + (q + RT·r/2)² + (1 − RT²/4)·r² (|RT| ≤ 2 keeps the last factor ≥ 0). Least
// squares on them minimises the very ΔE00 the report states.
std::array<double, 3> de2000_residuals(const colour::Lab& reference, const colour::Lab& sample) noexcept {
  constexpr double kPi = 3.14159265358979323846;
  constexpr double kDeg = kPi / 180.0;
  constexpr double k25_7 = 6103515625.0;  // 25^7
  const double c1 = std::hypot(reference.a, reference.b), c2 = std::hypot(sample.a, sample.b);
  const double cbar = (c1 + c2) / 2;
  const double cbar7 = std::pow(cbar, 7);
  const double g = 0.5 * (1 - std::sqrt(cbar7 / (cbar7 + k25_7)));
  const double a1 = (1 + g) * reference.a, a2 = (1 + g) * sample.a;
  const double cp1 = std::hypot(a1, reference.b), cp2 = std::hypot(a2, sample.b);
  const auto hue = [](double b, double a) {
    if (a == 0 && b == 0) return 0.0;
    double h = std::atan2(b, a) / (3.14159265358979323846 / 180.0);
    return h < 0 ? h + 360 : h;
  };
  const double h1 = hue(reference.b, a1), h2 = hue(sample.b, a2);
  const double dl = sample.l - reference.l;
  const double dc = cp2 - cp1;
  double dh = 0;
  if (cp1 * cp2 != 0) {
    dh = h2 - h1;
    if (dh > 180) dh -= 360;
    if (dh < -180) dh += 360;
  }
  const double dhh = 2 * std::sqrt(cp1 * cp2) * std::sin(dh * kDeg / 2);
  const double lbar = (reference.l + sample.l) / 2;
  const double cpbar = (cp1 + cp2) / 2;
  double hbar = h1 + h2;
  if (cp1 * cp2 != 0) {
    if (std::fabs(h1 - h2) <= 180) hbar = (h1 + h2) / 2;
    else if (h1 + h2 < 360) hbar = (h1 + h2 + 360) / 2;
    else hbar = (h1 + h2 - 360) / 2;
  }
  const double t = 1 - 0.17 * std::cos((hbar - 30) * kDeg) + 0.24 * std::cos(2 * hbar * kDeg) +
                   0.32 * std::cos((3 * hbar + 6) * kDeg) - 0.20 * std::cos((4 * hbar - 63) * kDeg);
  const double dtheta = 30 * std::exp(-std::pow((hbar - 275) / 25, 2));
  const double cpbar7 = std::pow(cpbar, 7);
  const double rc = 2 * std::sqrt(cpbar7 / (cpbar7 + k25_7));
  const double l50 = (lbar - 50) * (lbar - 50);
  const double sl = 1 + 0.015 * l50 / std::sqrt(20 + l50);
  const double sc = 1 + 0.045 * cpbar;
  const double sh = 1 + 0.015 * cpbar * t;
  const double rt = -std::sin(2 * dtheta * kDeg) * rc;
  const double p = dl / sl, q = dc / sc, r = dhh / sh;
  return {p, q + rt * r / 2, std::sqrt(std::max(0.0, 1 - rt * rt / 4)) * r};
}

namespace {

// Levenberg–Marquardt on the CIEDE2000 residuals of every sample (3 per sample), numerical Jacobian.
// 30 iterations are plenty: the XYZ start is close, and the problem has ≤ 20 parameters. With
// `gradient`, two more parameters model light falling off across the card (see fit.hpp).
double& parameter(ColourCorrection& c, int p) {
  const int nc = static_cast<int>(c.coefficients.size());
  return p < nc ? c.coefficients[static_cast<std::size_t>(p)] : c.light_gradient[static_cast<std::size_t>(p - nc)];
}

void refine_in_de2000(ColourCorrection& corr, const std::vector<colour::LinearRgb>& rgb, const std::vector<colour::Lab>& ref,
                      const std::vector<FitSample>& samples, bool gradient) {
  const int np = static_cast<int>(corr.coefficients.size()) + (gradient ? 2 : 0);
  const std::size_t m = rgb.size() * 3;
  const auto residuals = [&](const ColourCorrection& c, std::vector<double>& out) {
    out.resize(m);
    for (std::size_t i = 0; i < rgb.size(); ++i) {
      // rgb[] is already linearized: apply the matrix part only.
      Terms t{};
      const int n = terms_of(c.model, rgb[i], t);
      double xyz[3] = {0, 0, 0};
      for (int row = 0; row < 3; ++row) {
        for (int k = 0; k < n; ++k) xyz[row] += c.coefficients[static_cast<std::size_t>(row * n + k)] * t[static_cast<std::size_t>(k)];
      }
      const double light = c.light_at(samples[i].u, samples[i].v);
      for (double& v : xyz) v *= light;
      const colour::Lab lab = colour::xyz_to_lab({xyz[0], xyz[1], xyz[2]}, colour::d50_white());
      const auto r = de2000_residuals(ref[i], lab);
      out[3 * i] = r[0];
      out[3 * i + 1] = r[1];
      out[3 * i + 2] = r[2];
    }
  };
  const auto cost = [](const std::vector<double>& r) {
    double s = 0;
    for (double v : r) s += v * v;
    return std::isfinite(s) ? s : std::numeric_limits<double>::infinity();
  };
  std::vector<double> r0, r1;
  residuals(corr, r0);
  double c0 = cost(r0);
  double lambda = 1e-3;
  std::vector<double> jac(m * static_cast<std::size_t>(np));
  for (int iter = 0; iter < 30; ++iter) {
    for (int p = 0; p < np; ++p) {
      ColourCorrection probe = corr;
      const double h = 1e-6 * std::max(1.0, std::fabs(parameter(corr, p)));
      parameter(probe, p) += h;
      residuals(probe, r1);
      for (std::size_t i = 0; i < m; ++i) jac[i * static_cast<std::size_t>(np) + static_cast<std::size_t>(p)] = (r1[i] - r0[i]) / h;
    }
    std::vector<double> jtj(static_cast<std::size_t>(np * np), 0.0), jtr(static_cast<std::size_t>(np), 0.0);
    for (std::size_t i = 0; i < m; ++i) {
      const double* row = &jac[i * static_cast<std::size_t>(np)];
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
      ColourCorrection trial = corr;
      for (int p = 0; p < np; ++p) parameter(trial, p) += b[static_cast<std::size_t>(p)];
      residuals(trial, r1);
      const double c1 = cost(r1);
      if (c1 < c0) {
        const double gain = (c0 - c1) / std::max(c0, 1e-300);
        corr = std::move(trial);
        r0.swap(r1);
        c0 = c1;
        lambda = std::max(lambda / 10, 1e-9);
        improved = true;
        if (gain < 1e-10) return;
      } else {
        lambda *= 10;
      }
    }
    if (!improved) return;
  }
}

ColourCorrection fit_model(CorrectionModel model, const std::vector<FitSample>& samples,
                           const std::array<std::vector<double>, 3>& linearization, bool gradient = false) {
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
  refine_in_de2000(corr, rgb, ref, samples, gradient);
  return corr;
}

}  // namespace

std::string_view correction_model_name(CorrectionModel model) {
  switch (model) {
    case CorrectionModel::linear3x3: return "linear";
    case CorrectionModel::root_polynomial2: return "rootpoly";
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
    case CorrectionModel::linear3x3: return 3;
    case CorrectionModel::root_polynomial2: return 6;
  }
  return 3;
}

colour::LinearRgb ColourCorrection::linearize(const colour::LinearRgb& rgb) const noexcept {
  return {apply_curve(linearization[0], rgb.r), apply_curve(linearization[1], rgb.g), apply_curve(linearization[2], rgb.b)};
}

colour::Xyz ColourCorrection::apply(const colour::LinearRgb& rgb) const noexcept {
  Terms t{};
  const int n = terms_of(model, linearize(rgb), t);
  if (coefficients.size() != static_cast<std::size_t>(3 * n)) return {NAN, NAN, NAN};
  double xyz[3] = {0, 0, 0};
  for (int row = 0; row < 3; ++row) {
    for (int k = 0; k < n; ++k) xyz[row] += coefficients[static_cast<std::size_t>(row * n + k)] * t[static_cast<std::size_t>(k)];
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
    case NeutralCurve::identity: return "identity";
    case NeutralCurve::power: return "power";
    case NeutralCurve::spline: return "spline";
  }
  return "identity";
}

// The neutral patches' reference luminance Y against the measured channel value c, per channel.
// power: Y = s · c^γ, least squares in log–log (equal relative error on every step of the grey
// scale); γ is kept in [0.4, 2.5]: outside it no real camera/decoder combination lives, and a wild
// γ from a noisy black patch would distort every other colour.
// spline: the neutrals themselves as knots (see fit.hpp), when c and Y rise together.
std::array<std::vector<double>, 3> fit_neutral_linearization(const std::vector<FitSample>& samples, NeutralCurve curve) {
  std::array<std::vector<double>, 3> curves;
  if (curve == NeutralCurve::identity) return curves;
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
        if (i > 0 && (points[i].first < points[i - 1].first * 1.01 || points[i].second <= points[i - 1].second)) return {};
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

ColourCorrection fit_linear_3x3(const std::vector<FitSample>& samples, const std::array<std::vector<double>, 3>& linearization) {
  return fit_model(CorrectionModel::linear3x3, samples, linearization);
}

ColourCorrection fit_root_polynomial_finlayson2015(const std::vector<FitSample>& samples,
                                                   const std::array<std::vector<double>, 3>& linearization) {
  return fit_model(CorrectionModel::root_polynomial2, samples, linearization);
}

ColourCorrection fit_correction(CorrectionModel model, const std::vector<FitSample>& samples, NeutralCurve curve,
                                bool light_gradient) {
  return fit_model(model, samples, fit_neutral_linearization(samples, curve), light_gradient);
}

std::vector<double> leave_one_out_de00(CorrectionModel model, const std::vector<FitSample>& samples, NeutralCurve curve,
                                       bool light_gradient) {
  std::vector<double> out(samples.size(), NAN);
  std::vector<FitSample> rest;
  rest.reserve(samples.size());
  for (std::size_t i = 0; i < samples.size(); ++i) {
    rest.clear();
    for (std::size_t j = 0; j < samples.size(); ++j) {
      if (j != i) rest.push_back(samples[j]);
    }
    const ColourCorrection c = fit_correction(model, rest, curve, light_gradient);
    out[i] = colour::delta_e_2000(colour::xyz_to_lab(samples[i].reference_xyz, colour::d50_white()), c.apply_lab_at(samples[i].rgb, samples[i].u, samples[i].v));
  }
  return out;
}

std::vector<double> fit_de00(const ColourCorrection& correction, const std::vector<FitSample>& samples) {
  std::vector<double> out;
  out.reserve(samples.size());
  for (const auto& s : samples) {
    out.push_back(colour::delta_e_2000(colour::xyz_to_lab(s.reference_xyz, colour::d50_white()), correction.apply_lab_at(s.rgb, s.u, s.v)));
  }
  return out;
}

}  // namespace shadematch::photo
