// Correction fit (src/photo/fit.hpp): property tests on synthetic patch data with a known camera.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include "colour/delta_e.hpp"
#include "colour/lab.hpp"
#include "colour/spectral.hpp"
#include "photo/fit.hpp"
#include "photo/classic_card.hpp"

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
  const auto without = photo::leave_one_out_de00(photo::CorrectionModel::linear3x3, samples, photo::NeutralCurve::identity);
  CHECK(mean(with) < 1.0);       // recovered: below a just-noticeable difference
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
