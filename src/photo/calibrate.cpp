#include "photo/calibrate.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <utility>

#include "colour/delta_e.hpp"
#include "colour/lab.hpp"
#include "colour/spectral.hpp"
#include "photo/decode.hpp"

namespace shadematch::photo {
namespace {

// Fewer fitted patches than this and the leave-one-out check means little (the root-polynomial
// model alone has 6 terms per output): the card is rejected as `clipped`.
constexpr std::size_t kMinFittedPatches = 12;

bool has_flag(const std::vector<std::string>& flags, std::string_view flag) {
  return std::find(flags.begin(), flags.end(), flag) != flags.end();
}

double mean_of(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return v.empty() ? 0.0 : s / static_cast<double>(v.size());
}

double max_of(const std::vector<double>& v) {
  double m = 0;
  for (double x : v) m = std::max(m, x);
  return m;
}

std::string format_de(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

void reject(CalibrationResult& result, RejectReason reason, const std::string& detail) {
  result.verdict = Verdict::rejected;
  result.reason = std::string(reject_reason_name(reason));
  if (!detail.empty()) result.warnings.push_back(detail);
}

}  // namespace

std::string_view verdict_name(Verdict verdict) {
  switch (verdict) {
    case Verdict::good:
      return "good";
    case Verdict::usable:
      return "usable";
    case Verdict::poor:
      return "poor";
    case Verdict::rejected:
      return "rejected";
  }
  return "rejected";
}

Verdict verdict_for_loo_mean(double loo_de00_mean) {
  if (!std::isfinite(loo_de00_mean)) return Verdict::poor;
  if (loo_de00_mean <= 2.0) return Verdict::good;
  if (loo_de00_mean <= 4.0) return Verdict::usable;
  return Verdict::poor;
}

void fit_detection(const CardDetection& detection, const CardDefinition& card, std::optional<CorrectionModel> model,
                   CalibrationResult& result) {
  // Samples in card order; clipped patches are reported but not fitted (a clipped channel says
  // only "at least this bright", which would bend the fit).
  std::vector<FitSample> fitted;
  std::vector<std::size_t> fitted_patch;  // index into card.patches of each fitted sample
  std::vector<const PatchSample*> sample_of(card.patches.size(), nullptr);
  for (const auto& s : detection.patches) {
    if (s.index >= 1 && static_cast<std::size_t>(s.index) <= card.patches.size()) {
      sample_of[static_cast<std::size_t>(s.index - 1)] = &s;
    }
  }
  std::vector<std::string> excluded_names;
  for (std::size_t i = 0; i < card.patches.size(); ++i) {
    const PatchSample* s = sample_of[i];
    if (s == nullptr) continue;
    // Clipped and glare patches do not show the patch's colour; they are reported, not fitted.
    const bool usable = !has_flag(s->flags, "clipped") && !has_flag(s->flags, "glare") && std::isfinite(s->mean.r) &&
                        std::isfinite(s->mean.g) && std::isfinite(s->mean.b);
    if (!usable) {
      excluded_names.push_back(std::to_string(card.patches[i].index) + " " + card.patches[i].name);
      continue;
    }
    FitSample f;
    f.rgb = s->mean;
    f.reference_xyz = colour::lab_to_xyz(card.patches[i].reference_lab, colour::d50_white());
    f.neutral = card.patches[i].neutral;
    f.u = (card.patches[i].cx - card.width / 2) / card.width;
    f.v = (card.patches[i].cy - card.height / 2) / card.width;
    fitted.push_back(f);
    fitted_patch.push_back(i);
  }
  if (!excluded_names.empty()) {
    std::string list;
    for (const auto& n : excluded_names) list += (list.empty() ? "" : ", ") + n;
    result.warnings.push_back("excluded from the fit (clipped or glare): " + list);
  }
  if (fitted.size() < kMinFittedPatches) {
    reject(result, RejectReason::clipped,
           "only " + std::to_string(fitted.size()) + " of " + std::to_string(card.patches.size()) +
               " patches are unclipped; at least " + std::to_string(kMinFittedPatches) + " are needed to calibrate");
    return;
  }

  // Candidates: each linearization (fit.hpp: the jointly refined shared-log-quadratic,
  // log-quadratic, gamma-plus-offset and shared-log-quadratic-with-offset curves; the neutral-only
  // spline and power; none) × each
  // model × without and with a light gradient across the card. The lowest leave-one-out mean wins
  // (a later candidate must beat it by more than 1e-9). Every candidate's leave-one-out refits
  // everything — curve, model, gradient — without the left-out patch, so the choice is made on
  // predictions. A candidate is abandoned as soon as its running LOO sum exceeds the best
  // complete sum (it cannot win: ΔE00 ≥ 0); the curves most often best come first so that the
  // bound is tight early. Same choice as the exhaustive search, in about half the time.
  std::vector<CorrectionModel> models;
  if (model) {
    models = {*model};
  } else {
    models = {CorrectionModel::linear3x3, CorrectionModel::root_polynomial2};
  }
  const double n_fitted = static_cast<double>(fitted.size());
  double best_mean = std::numeric_limits<double>::infinity();
  CorrectionModel best_model = models.front();
  NeutralCurve best_curve = NeutralCurve::identity;
  bool best_gradient = false;
  std::vector<double> best_loo;
  for (const NeutralCurve curve :
       {NeutralCurve::shared_log_quadratic, NeutralCurve::log_quadratic, NeutralCurve::gamma_offset,
        NeutralCurve::shared_log_quadratic_offset, NeutralCurve::spline, NeutralCurve::power, NeutralCurve::identity}) {
    for (const auto m : models) {
      for (const bool gradient : {false, true}) {
        auto loo = leave_one_out_de00_bounded(m, fitted, curve, gradient, (best_mean - 1e-9) * n_fitted);
        if (!loo) continue;
        const double mean = mean_of(*loo);
        if (mean < best_mean - 1e-9) {
          best_mean = mean;
          best_model = m;
          best_curve = curve;
          best_gradient = gradient;
          best_loo = std::move(*loo);
        }
      }
    }
  }
  if (best_loo.empty()) best_loo = leave_one_out_de00(best_model, fitted, best_curve, best_gradient);
  result.calibration.correction = fit_correction(best_model, fitted, best_curve, best_gradient);
  result.calibration.refinement = local_refinement_from(detection, card);
  const auto in_fit = fit_de00(result.calibration.correction, fitted);

  result.fit.model = std::string(correction_model_name(best_model));
  result.fit.linearization = std::string(neutral_curve_name(best_curve));
  result.fit.light_gradient = best_gradient;
  result.fit.de00_mean = mean_of(in_fit);
  result.fit.de00_max = max_of(in_fit);
  result.fit.loo_de00_mean = mean_of(best_loo);
  result.fit.loo_de00_max = max_of(best_loo);

  result.patches.clear();
  for (std::size_t i = 0; i < card.patches.size(); ++i) {
    const auto& cp = card.patches[i];
    PatchResult pr;
    pr.index = cp.index;
    pr.name = cp.name;
    pr.reference_lab = cp.reference_lab;
    const PatchSample* s = sample_of[i];
    if (s == nullptr) {
      pr.measured_lab = {NAN, NAN, NAN};
      pr.de00 = pr.loo_de00 = NAN;
      pr.flags.push_back("missing");
      result.patches.push_back(pr);
      continue;
    }
    pr.flags = s->flags;
    pr.measured_lab = result.calibration.correction.apply_lab_at(s->mean, (cp.cx - card.width / 2) / card.width,
                                                                 (cp.cy - card.height / 2) / card.width);
    pr.de00 = colour::delta_e_2000(cp.reference_lab, pr.measured_lab);
    const auto it = std::find(fitted_patch.begin(), fitted_patch.end(), i);
    if (it == fitted_patch.end()) {
      pr.loo_de00 = pr.de00;  // not in the fit: its error is already a prediction
      pr.flags.push_back("excluded");
    } else {
      pr.loo_de00 = best_loo[static_cast<std::size_t>(it - fitted_patch.begin())];
    }
    result.patches.push_back(std::move(pr));
  }

  result.verdict = verdict_for_loo_mean(result.fit.loo_de00_mean);
  result.reason.clear();
  if (result.verdict == Verdict::poor) {
    result.warnings.push_back("poor calibration: leave-one-out mean ΔE00 " + format_de(result.fit.loo_de00_mean) +
                              " > 4; colours measured from this photo are unreliable");
  }
}

LocalRefinement local_refinement_from(const CardDetection& detection, const CardDefinition& card, std::size_t nearest) {
  LocalRefinement r;
  r.nearest = nearest;
  for (const PatchSample& p : detection.patches) {
    if (p.index < 1 || static_cast<std::size_t>(p.index) > card.patches.size() || !p.flags.empty()) continue;
    const CardPatch& ref = card.patches[static_cast<std::size_t>(p.index - 1)];
    FitSample s;
    s.rgb = p.mean;
    s.reference_xyz = colour::lab_to_xyz(ref.reference_lab, colour::d50_white());
    s.neutral = ref.neutral;
    r.patches.push_back(s);
  }
  return r;
}

CalibrationResult calibrate_photo(const DecodedImage& image, const CardDefinition& card,
                                  const CalibrateOptions& options) {
  CalibrationResult result;
  result.photo = image.info.path;
  result.card_id = card.id;
  result.image = image.info;
  result.assumed_srgb = image.assumed_srgb;
  result.warnings = image.warnings;
  if (image.assumed_srgb) result.warnings.push_back("the photo carries no usable colour profile: treated as sRGB");

  DetectOptions detect_options;
  detect_options.corners = options.corners;
  result.detection = detect_card(image, card, detect_options);
  for (const auto& w : result.detection.warnings) result.warnings.push_back(w);
  if (!result.detection.found) {
    const RejectReason reason =
        result.detection.reason == RejectReason::none ? RejectReason::no_card : result.detection.reason;
    reject(result, reason, result.detection.detail);
    return result;
  }
  fit_detection(result.detection, card, options.model, result);
  return result;
}

CalibrationResult calibrate_file(const std::string& path, const CardDefinition& card, const CalibrateOptions& options,
                                 DecodedImage* decoded) {
  return calibrate_image(read_image_file(path), card, options, decoded);
}

CalibrationResult calibrate_image(const EncodedImage& file, const CardDefinition& card, const CalibrateOptions& options,
                                  DecodedImage* decoded) {
  const ImageInfo info = probe_image(file);
  int reduce = reduce_for(info, kCalibrateMinLongSide);
  DecodedImage image = decode_image(file, reduce);
  CalibrationResult result = calibrate_photo(image, card, options);
  // A card small in a large frame may fall below what detection can resolve at the reduced size:
  // retry at full resolution before giving up (costs time only when no card was found).
  if (result.verdict == Verdict::rejected && result.reason == reject_reason_name(RejectReason::no_card) && reduce > 1) {
    DecodedImage full_image = decode_image(file, 1);
    CalibrationResult full = calibrate_photo(full_image, card, options);
    if (full.verdict != Verdict::rejected) {
      if (decoded != nullptr) *decoded = std::move(full_image);
      return full;
    }
  }
  if (decoded != nullptr) *decoded = std::move(image);
  return result;
}

}  // namespace shadematch::photo
