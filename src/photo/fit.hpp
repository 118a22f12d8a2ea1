#pragma once
// Colour correction of a photo from its reference-card patches (DESIGN.md "Linearization and fit",
// issue 3). Everything here is plain maths on patch means: no OpenCV, so it can be tested and used
// (plan, measure) without images.
//
// The correction maps the decoder's linear RGB (photo/decode.hpp: linear-sRGB primaries, white =
// (1,1,1), but for a phone JPEG still carrying part of the maker's tone curve) to CIE XYZ relative
// to D50 with Y of the perfect white = 1 (the ICC PCS, DESIGN.md "Colour conventions"):
//   1. per-channel linearization  c' = lin_k(c)   fitted on the six neutral patches: the remaining
//      tone curve of channel k (NeutralCurve), mapping the channel to the neutrals' luminance Y:
//      - power: c' = s_k · c^γ_k, least squares in log–log (γ_k ∈ [0.4, 2.5]);
//      - spline: monotone piecewise power law through the neutrals (linear interpolation in
//        log c – log Y), extended past the end neutrals with the end segments' slopes (kept in
//        [0.3, 3]) — follows the S-shaped contrast curves of phone JPEGs that a power cannot;
//      - gamma plus offset: c' = s_k · max(c − o_k, 0)^γ_k, the offset o_k being a black level the
//        decoder left in (flare, a lifted or crushed black). Started from the neutrals, then (γ_k,
//        o_k) are refined by Levenberg–Marquardt TOGETHER with the colour model on every patch, so
//        the dark and light chromatic patches pin the curve's ends too: leaving out an end grey no
//        longer leaves the curve to extrapolate from the others alone. Stored tabulated as spline
//        knots (24, log-spaced), so apply() and saved calibrations need no new form;
//      - log-quadratic: ln c' = ln s_k + b_k·ln c + d_k·(ln c)² — a power whose exponent drifts
//        along the grey scale (a phone's toe and shoulder), local exponent kept in [0.4, 2.5];
//        refined jointly like gamma plus offset and stored the same way;
//      - shared-log-quadratic: the same with ONE (b, d) for the three channels (a camera applies
//        its tone curve after white balance, to every channel alike; the scales s_k stay apart);
//      - shared-log-quadratic-offset: the same curve applied to c − o_k, o_k a black level per
//        channel as in gamma plus offset (a lifted, flared or crushed black in the file), refined
//        jointly; stored the same way;
//      - identity (`linearization[k]` empty) when the neutrals do not support a curve.
//   2. a colour model on the linearized RGB:
//      - linear3x3: XYZ = M · (r, g, b)ᵀ, M 3×3 (least squares, Cheung et al. 2004);
//      - root_polynomial2: Finlayson, Mackiewicz & Hurlbert (2015), "Color Correction Using
//        Root-Polynomial Regression", IEEE TIP 24(5): degree 2, terms r, g, b, √(rg), √(gb), √(rb)
//        — every term scales linearly with exposure, so the fit is exposure-invariant.
//   Both start from a least-squares fit in XYZ weighted by 1/(Y + 0.02) (relative error, so dark
//   patches count as much as the eye sees them), then are refined by Levenberg–Marquardt on the
//   CIEDE2000 residuals (colour::delta_e_2000_components), so the fit minimises the reported error.
//   calibrate.cpp keeps the model × linearization × light-gradient candidate of lowest
//   leave-one-out mean ΔE00.
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "colour/types.hpp"

namespace shadematch::photo {

enum class CorrectionModel { linear3x3, root_polynomial2 };

// "linear" / "rootpoly" (the --model values and the JSON fit.model names).
std::string_view correction_model_name(CorrectionModel model);
// "linear" → linear3x3, "rootpoly" → root_polynomial2; anything else (incl. "auto") → nullopt.
std::optional<CorrectionModel> parse_correction_model(std::string_view name);
// Number of terms per output row: 3 (linear3x3) or 6 (root_polynomial2).
int correction_model_terms(CorrectionModel model);

// Camera linear RGB → CIE XYZ D50 (Y of white = 1). A value type: copy freely; apply() is const,
// allocation-free and thread-safe.
struct ColourCorrection {
  CorrectionModel model = CorrectionModel::linear3x3;
  // 3 × terms, row-major: row 0 → X, row 1 → Y, row 2 → Z.
  std::vector<double> coefficients = {1, 0, 0, 0, 1, 0, 0, 0, 1};
  // Per channel (r, g, b): empty = identity; {scale, gamma}: c' = scale · max(c, 0)^gamma;
  // {c1, Y1, c2, Y2, …, cn, Yn} (n ≥ 2, c and Y increasing): the spline above. c ≤ 0 → 0.
  std::array<std::vector<double>, 3> linearization;

  // Linearization only (step 1).
  colour::LinearRgb linearize(const colour::LinearRgb& rgb) const noexcept;
  colour::Xyz apply(const colour::LinearRgb& rgb) const noexcept;
  // apply() then XYZ → CIELAB relative to colour::d50_white().
  colour::Lab apply_lab(const colour::LinearRgb& rgb) const noexcept;

  // Light falling off across the card (fitted only when asked, else 0): the light at card position
  // (u, v) relative to the card centre is exp(g_u·u + g_v·v), u, v in grid widths from the grid
  // centre. apply()/apply_lab() are for the light at the card centre (the rest of the photo
  // cannot be extrapolated to); apply_lab_at() predicts a patch where it lies on the card.
  std::array<double, 2> light_gradient{0.0, 0.0};
  double light_at(double u, double v) const noexcept;
  colour::Lab apply_lab_at(const colour::LinearRgb& rgb, double u, double v) const noexcept;
};

// One training sample: the measured camera RGB of a patch and its reference colour.
struct FitSample {
  colour::LinearRgb rgb;
  colour::Xyz reference_xyz;  // D50, Y of white = 1
  bool neutral = false;       // a grey-scale patch (used for the linearization)
  double u = 0, v = 0;        // patch centre on the card: grid widths right/down of the grid centre
};

enum class NeutralCurve {
  identity,
  power,
  spline,
  gamma_offset,
  log_quadratic,
  shared_log_quadratic,
  shared_log_quadratic_offset
};
std::string_view neutral_curve_name(
    NeutralCurve curve);  // "identity" | "power" | "spline" | "gamma-offset" | "log-quadratic" |
                          // "shared-log-quadratic" | "shared-log-quadratic-offset"

// Fits the per-channel linearization on the neutral samples (fewer than 3 usable neutrals, or
// neutrals whose channel values do not rise with their luminance → the identity). Returned as the
// `linearization` member of ColourCorrection.
std::array<std::vector<double>, 3> fit_neutral_linearization(const std::vector<FitSample>& samples,
                                                             NeutralCurve curve = NeutralCurve::power);

// Least-squares fits on `samples` (the linearization, when given, is applied first and copied into
// the result). Need at least 3 (linear) / 6 (root-polynomial) samples; with fewer they throw
// std::invalid_argument (a programmer error: calibrate.cpp checks first).
ColourCorrection fit_linear_3x3(const std::vector<FitSample>& samples,
                                const std::array<std::vector<double>, 3>& linearization = {});
ColourCorrection fit_root_polynomial_finlayson2015(const std::vector<FitSample>& samples,
                                                   const std::array<std::vector<double>, 3>& linearization = {});

// Fits `model` (linearization included, refitted from the given samples) — the function the
// leave-one-out loop calls.
// calibrate.cpp compares every model × curve by leave-one-out; the default curve here is the one
// that is best most often on the development photos.
// `light_gradient`: also fit ColourCorrection::light_gradient (uneven light across the card).
ColourCorrection fit_correction(CorrectionModel model, const std::vector<FitSample>& samples,
                                NeutralCurve curve = NeutralCurve::power, bool light_gradient = false);

// Leave-one-out: for every sample i, fit_correction on all others, predict i, ΔE00 against its
// reference (CIELAB D50). Same order as `samples`.
std::vector<double> leave_one_out_de00(CorrectionModel model, const std::vector<FitSample>& samples,
                                       NeutralCurve curve = NeutralCurve::power, bool light_gradient = false);

// As leave_one_out_de00, but gives up — nullopt — as soon as the running sum of the ΔE00 exceeds
// `give_up_above_sum`: the candidate search's shortcut (every ΔE00 ≥ 0, so such a candidate cannot
// reach a lower mean than the one that set the bound). A result that is returned is complete and
// identical to leave_one_out_de00's.
std::optional<std::vector<double>> leave_one_out_de00_bounded(CorrectionModel model,
                                                              const std::vector<FitSample>& samples, NeutralCurve curve,
                                                              bool light_gradient, double give_up_above_sum);

// ΔE00 of each sample through `correction` (in-fit residuals).
std::vector<double> fit_de00(const ColourCorrection& correction, const std::vector<FitSample>& samples);

}  // namespace shadematch::photo
