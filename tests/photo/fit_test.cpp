// Correction fit (src/photo/fit.hpp): property tests on synthetic patch data with a known camera.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include "colour/delta_e.hpp"
#include "colour/lab.hpp"
#include "colour/spectral.hpp"
#include "photo/classic_card.hpp"
#include "photo/fit.hpp"

using namespace shadematch;
using photo::FitSample;

namespace {

// The ColorChecker reference colours of the built-in card, as fit samples whose camera RGB comes
// from `camera(xyz)`.
template <typename Camera>
std::vector<FitSample> card_samples(Camera camera) {
  const auto card = test::classic_card_from_tables();
  std::vector<FitSample> out;
  for (const auto& p : card.patches) {
    FitSample s;
    s.reference_xyz = colour::lab_to_xyz(p.reference_lab, colour::d50_white());
    s.rgb = camera(s.reference_xyz);
    s.neutral = p.neutral;
    out.push_back(s);
  }
  return out;
}

// A camera that is an exact linear transform of XYZ: RGB = A · XYZ (A invertible, mixing like a
// real sensor's overlapping sensitivities, with a white-balance error folded in).
colour::LinearRgb linear_camera(const colour::Xyz& xyz) {
  return {1.9 * xyz.x - 0.6 * xyz.y - 0.25 * xyz.z, -0.5 * xyz.x + 1.5 * xyz.y + 0.05 * xyz.z,
          0.05 * xyz.x - 0.2 * xyz.y + 0.9 * xyz.z};
}

double mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return s / static_cast<double>(v.size());
}

}  // namespace

TEST_CASE("fit: model names round-trip and match the CLI spelling", "[unit]") {
  CHECK(photo::correction_model_name(photo::CorrectionModel::linear3x3) == "linear");
  CHECK(photo::correction_model_name(photo::CorrectionModel::root_polynomial2) == "rootpoly");
  CHECK(photo::parse_correction_model("linear") == photo::CorrectionModel::linear3x3);
  CHECK(photo::parse_correction_model("rootpoly") == photo::CorrectionModel::root_polynomial2);
  CHECK_FALSE(photo::parse_correction_model("auto").has_value());
  CHECK_FALSE(photo::parse_correction_model("Linear").has_value());
}

TEST_CASE("fit: a 3x3 fit recovers an exactly linear camera", "[property]") {
  const auto samples = card_samples(linear_camera);
  const auto corr = photo::fit_linear_3x3(samples);
  // Exact data: residuals are at the optimiser's precision; 1e-3 ΔE00 is far below visibility
  // (≈ 1) and far above double rounding.
  for (double de : photo::fit_de00(corr, samples)) CHECK(de < 1e-3);
  // The inverse of the camera maps a colour not on the card as well: the fit found the transform,
  // not just the 24 points. XYZ of an arbitrary saturated orange-ish colour:
  const colour::Xyz probe{0.35, 0.28, 0.08};
  const auto got = corr.apply(linear_camera(probe));
  CHECK(got.x == Approx(probe.x).margin(1e-5));
  CHECK(got.y == Approx(probe.y).margin(1e-5));
  CHECK(got.z == Approx(probe.z).margin(1e-5));
}

TEST_CASE("fit: the root-polynomial fit is exposure invariant", "[property]") {
  // Finlayson 2015: every term scales with exposure k, so fitting k·RGB gives coefficients /k and
  // the same prediction for k·RGB. A non-linear camera makes the fit non-trivial.
  const auto camera = [](const colour::Xyz& xyz) {
    auto c = linear_camera(xyz);
    return colour::LinearRgb{c.r + 0.05 * std::sqrt(std::max(c.r * c.g, 0.0)), c.g, c.b};
  };
  auto samples = card_samples(camera);
  const auto a = photo::fit_root_polynomial_finlayson2015(samples);
  const double k = 0.37;
  auto scaled = samples;
  for (auto& s : scaled) s.rgb = {s.rgb.r * k, s.rgb.g * k, s.rgb.b * k};
  const auto b = photo::fit_root_polynomial_finlayson2015(scaled);
  for (std::size_t i = 0; i < samples.size(); ++i) {
    // Both are optimiser results from different starting scales: agreement to 0.01 ΔE00 (two
    // orders below a visible difference) is what "the same fit" means here.
    CHECK(colour::delta_e_2000(a.apply_lab(samples[i].rgb), b.apply_lab(scaled[i].rgb)) < 0.01);
  }
}

TEST_CASE("fit: the neutral linearization recovers a per-channel power curve", "[property]") {
  // A camera whose output still carries a tone curve c^(1/2.2) after decoding (a JPEG maker curve
  // decoded as if linear): the neutral fit must find γ ≈ 2.2 on each channel and the 3×3 on top
  // must then be nearly exact.
  const auto camera = [](const colour::Xyz& xyz) {
    auto c = linear_camera(xyz);
    const auto enc = [](double v) { return std::pow(std::max(v, 0.0), 1 / 2.2); };
    return colour::LinearRgb{enc(c.r), enc(c.g), enc(c.b)};
  };
  const auto samples = card_samples(camera);
  const auto curves = photo::fit_neutral_linearization(samples);
  for (const auto& c : curves) {
    REQUIRE(c.size() == 2);
    // The neutrals are not exactly neutral through linear_camera (its rows do not sum alike), so
    // the log-log slope differs slightly from 2.2: 0.15 covers that and nothing wilder.
    CHECK(c[1] == Approx(2.2).margin(0.15));
  }
  const auto with = photo::leave_one_out_de00(photo::CorrectionModel::linear3x3, samples, photo::NeutralCurve::power);
  const auto without =
      photo::leave_one_out_de00(photo::CorrectionModel::linear3x3, samples, photo::NeutralCurve::identity);
  CHECK(mean(with) < 1.0);                // recovered: below a just-noticeable difference
  CHECK(mean(with) < mean(without) / 3);  // and it is the linearization that did it
}

TEST_CASE("fit: leave-one-out is larger than the in-fit error and finite", "[property]") {
  std::mt19937 rng(7);
  std::normal_distribution<double> noise(0.0, 0.004);
  const auto camera = [&](const colour::Xyz& xyz) {
    auto c = linear_camera(xyz);
    return colour::LinearRgb{c.r + noise(rng), c.g + noise(rng), c.b + noise(rng)};
  };
  const auto samples = card_samples(camera);
  for (auto model : {photo::CorrectionModel::linear3x3, photo::CorrectionModel::root_polynomial2}) {
    const auto corr = photo::fit_correction(model, samples, photo::NeutralCurve::identity);
    const auto in_fit = photo::fit_de00(corr, samples);
    const auto loo = photo::leave_one_out_de00(model, samples, photo::NeutralCurve::identity);
    REQUIRE(loo.size() == samples.size());
    for (double v : loo) CHECK(std::isfinite(v));
    CHECK(mean(loo) >= mean(in_fit));
    // Noise of 0.004 in linear RGB is ≈ 1 % of mid-grey: LOO error stays below a few ΔE00.
    CHECK(mean(loo) < 3.0);
  }
}

TEST_CASE("fit: NaN and infinite inputs do not crash", "[property]") {
  const auto corr = photo::fit_linear_3x3(card_samples(linear_camera));
  const auto lab = corr.apply_lab({NAN, 0.5, INFINITY});
  CHECK_FALSE((std::isfinite(lab.l) && std::isfinite(lab.a) && std::isfinite(lab.b)));
  const auto ok = corr.apply_lab({0.2, 0.2, 0.2});
  CHECK(std::isfinite(ok.l));
}

TEST_CASE("fit: too few samples is a programmer error", "[unit]") {
  auto samples = card_samples(linear_camera);
  samples.resize(5);
  CHECK_THROWS_AS(photo::fit_root_polynomial_finlayson2015(samples), std::invalid_argument);
  CHECK_NOTHROW(photo::fit_linear_3x3(samples));
}

namespace {

// linear_camera, then a black level the decoder did not remove (flare / a lifted black, different
// per channel) and a tone curve v^(1/2.2): c = o_k + v^(1/2.2). Exactly the gamma-plus-offset form
// (c' = s·(c − o)^γ) followed by a 3×3, but neither a pure power nor linear.
colour::LinearRgb flare_camera(const colour::Xyz& xyz) {
  const auto c = linear_camera(xyz);
  const auto enc = [](double v, double o) { return o + std::pow(std::max(v, 0.0), 1 / 2.2); };
  return {enc(c.r, 0.03), enc(c.g, 0.02), enc(c.b, 0.04)};
}

// The card through `camera`, without the patches linear_camera puts below black in some channel
// (yellow and orange yellow: its matrix has negative entries). The tone-curve cameras clip those
// at 0, so they carry no colour information — as calibrate leaves clipped patches out.
template <typename Camera>
std::vector<FitSample> unclipped_card_samples(Camera camera) {
  std::vector<FitSample> out;
  for (const auto& s : card_samples(camera)) {
    const auto v = linear_camera(s.reference_xyz);
    if (v.r > 0 && v.g > 0 && v.b > 0) out.push_back(s);
  }
  return out;
}

}  // namespace

TEST_CASE("fit: gamma plus offset recovers a camera with flare that a power law cannot", "[property]") {
  const auto samples = unclipped_card_samples(flare_camera);
  REQUIRE(samples.size() == 22);
  REQUIRE(samples.back().neutral);  // black is still there, and last
  const auto offset =
      photo::leave_one_out_de00(photo::CorrectionModel::linear3x3, samples, photo::NeutralCurve::gamma_offset);
  const auto power = photo::leave_one_out_de00(photo::CorrectionModel::linear3x3, samples, photo::NeutralCurve::power);
  INFO("LOO mean gamma-offset " << mean(offset) << ", power " << mean(power));
  // Inside the model family: what is left is the tabulation (24 knots, piecewise log–log) and the
  // optimiser's tolerance — 0.05 is 20× below a just-noticeable difference (≈ 1 ΔE00) and still
  // 15× above the 0.003 reached — and far below the power law, whose γ cannot bend to the offset.
  CHECK(mean(offset) < 0.05);
  CHECK(mean(power) > 10 * mean(offset));
  // The dark end: leaving out the black patch, the chromatic dark patches still pin the curve.
  CHECK(offset.back() < 1.0);
}

namespace {

// linear_camera, then ONE tone curve for the three channels (as a camera applies it, after white
// balance and its colour matrix) whose local exponent drifts along the grey scale: the inverse of
// ln v = 1.8·ln c + 0.08·(ln c)², i.e. Y ∝ c^1.0 in the deep shadows rising to c^1.8 at white — a
// toe no single power follows.
colour::LinearRgb tone_curve_camera(const colour::Xyz& xyz) {
  const auto c = linear_camera(xyz);
  const auto enc = [](double v) {
    const double b = 1.8, d = 0.08, lv = std::log(std::max(v, 1e-4));
    return std::exp((-b + std::sqrt(b * b + 4 * d * lv)) / (2 * d));
  };
  return {enc(c.r), enc(c.g), enc(c.b)};
}

}  // namespace

TEST_CASE("fit: the shared log-quadratic curve recovers a tone curve a power law cannot", "[property]") {
  const auto samples = unclipped_card_samples(tone_curve_camera);
  REQUIRE(samples.size() == 22);
  const auto shared =
      photo::leave_one_out_de00(photo::CorrectionModel::linear3x3, samples, photo::NeutralCurve::shared_log_quadratic);
  const auto per_channel =
      photo::leave_one_out_de00(photo::CorrectionModel::linear3x3, samples, photo::NeutralCurve::log_quadratic);
  const auto power = photo::leave_one_out_de00(photo::CorrectionModel::linear3x3, samples, photo::NeutralCurve::power);
  INFO("LOO mean shared " << mean(shared) << ", per channel " << mean(per_channel) << ", power " << mean(power));
  // Inside the model family (a shared curve, then a 3×3): tabulation and optimiser tolerance only
  // (0.05: 20× below a just-noticeable difference, ~7× above the 0.007 reached); the power law is
  // not (its γ is one compromise along the grey scale).
  CHECK(mean(shared) < 0.05);
  CHECK(mean(per_channel) < 0.05);
  CHECK(mean(power) > 10 * mean(shared));
  // Both grey-scale ends left out are predicted from the rest: the curve is pinned by every patch.
  CHECK(shared[16] < 1.0);  // white (index 18 on the card, less the two clipped patches)
  CHECK(shared[21] < 1.0);  // black
}

namespace {

// tone_curve_camera with a black level per channel in the file: c = o_k + T(v) — a lifted black
// (flare the rendering left in, or a raised black point) on top of a drifting-exponent curve.
// Exactly shared-log-quadratic-offset followed by a 3×3; neither the pure power of gamma plus
// offset nor the shared curve without an offset.
colour::LinearRgb lifted_tone_curve_camera(const colour::Xyz& xyz) {
  const auto c = tone_curve_camera(xyz);
  return {c.r + 0.020, c.g + 0.012, c.b + 0.025};
}

}  // namespace

TEST_CASE("fit: the shared log-quadratic curve with a black level recovers a lifted black", "[property]") {
  const auto samples = unclipped_card_samples(lifted_tone_curve_camera);
  REQUIRE(samples.size() == 22);
  const auto lifted = photo::leave_one_out_de00(photo::CorrectionModel::linear3x3, samples,
                                                photo::NeutralCurve::shared_log_quadratic_offset);
  const auto shared =
      photo::leave_one_out_de00(photo::CorrectionModel::linear3x3, samples, photo::NeutralCurve::shared_log_quadratic);
  const auto offset =
      photo::leave_one_out_de00(photo::CorrectionModel::linear3x3, samples, photo::NeutralCurve::gamma_offset);
  INFO("LOO mean shared + black level " << mean(lifted) << ", shared " << mean(shared) << ", gamma-offset "
                                        << mean(offset));
  // Inside the model family: tabulation and optimiser tolerance only (0.05 as above); the two
  // forms that lack either the offset or the drifting exponent are not.
  CHECK(mean(lifted) < 0.05);
  CHECK(mean(shared) > 10 * mean(lifted));
  CHECK(mean(offset) > 10 * mean(lifted));
  CHECK(lifted[21] < 1.0);  // black left out: still pinned by the dark chromatic patches
}

TEST_CASE("fit: jointly fitted curves are stored in the spline form a saved calibration holds", "[unit]") {
  // files/calibration_file.cpp accepts [scale, gamma] or knots [c1, Y1, c2, Y2, …], all positive,
  // rising in both c and Y: a tabulated curve must be one of those, or --save would write a file
  // that --calibration refuses.
  for (const auto curve :
       {photo::NeutralCurve::gamma_offset, photo::NeutralCurve::log_quadratic,
        photo::NeutralCurve::shared_log_quadratic, photo::NeutralCurve::shared_log_quadratic_offset}) {
    INFO(photo::neutral_curve_name(curve));
    const auto corr =
        photo::fit_correction(photo::CorrectionModel::root_polynomial2, card_samples(flare_camera), curve);
    for (const auto& knots : corr.linearization) {
      REQUIRE(knots.size() >= 4);
      REQUIRE(knots.size() % 2 == 0);
      for (double v : knots) CHECK(v > 0);
      for (std::size_t i = 2; i < knots.size(); i += 2) {
        CHECK(knots[i] > knots[i - 2] * 1.01);
        CHECK(knots[i + 1] > knots[i - 1]);
      }
    }
    // The neutral-only start of the same curve (fit_neutral_linearization) has the same form.
    for (const auto& knots : photo::fit_neutral_linearization(card_samples(flare_camera), curve)) {
      CHECK(knots.size() == corr.linearization[0].size());
    }
  }
  CHECK(photo::neutral_curve_name(photo::NeutralCurve::gamma_offset) == "gamma-offset");
  CHECK(photo::neutral_curve_name(photo::NeutralCurve::log_quadratic) == "log-quadratic");
  CHECK(photo::neutral_curve_name(photo::NeutralCurve::shared_log_quadratic) == "shared-log-quadratic");
  CHECK(photo::neutral_curve_name(photo::NeutralCurve::shared_log_quadratic_offset) == "shared-log-quadratic-offset");
}

TEST_CASE("fit: the bounded leave-one-out gives up only when the candidate cannot win", "[unit]") {
  const auto samples = card_samples(flare_camera);
  const auto full = photo::leave_one_out_de00(photo::CorrectionModel::linear3x3, samples, photo::NeutralCurve::power);
  double sum = 0;
  for (double v : full) sum += v;
  // A bound above the sum: the complete, identical result.
  const auto kept = photo::leave_one_out_de00_bounded(photo::CorrectionModel::linear3x3, samples,
                                                      photo::NeutralCurve::power, false, sum * 1.001);
  REQUIRE(kept.has_value());
  for (std::size_t i = 0; i < full.size(); ++i) CHECK((*kept)[i] == full[i]);
  // A bound below it: abandoned.
  CHECK_FALSE(photo::leave_one_out_de00_bounded(photo::CorrectionModel::linear3x3, samples, photo::NeutralCurve::power,
                                                false, sum * 0.999)
                  .has_value());
}

TEST_CASE("fit: leave-one-out refits the curve, the model and the gradient without the patch", "[property]") {
  // Honesty of the reported figure: LOO of patch i is the prediction of a fit that never saw i —
  // the linearization included (the neutrals are what a curve is fitted from). Checked against a
  // fit made here on the other 23 samples, for the black patch (a curve end) and a chromatic one.
  std::mt19937 rng(3);
  std::normal_distribution<double> noise(0.0, 0.003);
  auto samples = card_samples(flare_camera);
  for (auto& s : samples) s.rgb = {s.rgb.r + noise(rng), s.rgb.g + noise(rng), s.rgb.b + noise(rng)};
  for (std::size_t i = 0; i < samples.size(); ++i) {
    samples[i].u = static_cast<double>(i % 6) / 6.0 - 0.4;
    samples[i].v = static_cast<double>(i / 6) / 6.0 - 0.25;
  }
  for (const auto curve :
       {photo::NeutralCurve::spline, photo::NeutralCurve::gamma_offset, photo::NeutralCurve::shared_log_quadratic}) {
    INFO(photo::neutral_curve_name(curve));
    const auto loo = photo::leave_one_out_de00(photo::CorrectionModel::root_polynomial2, samples, curve, true);
    for (const std::size_t left_out : {std::size_t{23}, std::size_t{12}}) {
      std::vector<FitSample> rest = samples;
      rest.erase(rest.begin() + static_cast<std::ptrdiff_t>(left_out));
      const auto c = photo::fit_correction(photo::CorrectionModel::root_polynomial2, rest, curve, true);
      const auto& s = samples[left_out];
      const double expected = colour::delta_e_2000(colour::xyz_to_lab(s.reference_xyz, colour::d50_white()),
                                                   c.apply_lab_at(s.rgb, s.u, s.v));
      // The same deterministic computation: equal to rounding.
      CHECK(loo[left_out] == Approx(expected).margin(1e-9));
      // And not the in-fit error: the full fit (which saw the patch) predicts it differently.
      const auto full = photo::fit_de00(
          photo::fit_correction(photo::CorrectionModel::root_polynomial2, samples, curve, true), samples);
      CHECK(std::fabs(loo[left_out] - full[left_out]) > 1e-6);
    }
  }
}
