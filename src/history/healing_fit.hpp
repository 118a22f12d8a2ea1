#pragma once
// `healing fit` (issue 15): refits the palette's healing parameters from the clinic's own healed
// follow-ups. Written over the model's parameter table (pigment/healing_parameters.hpp), so it
// fits whatever parameters the model declares.
//
// Data: each healed record is a blend applied in one client's skin and the colour its dots healed
// to, measured. Prediction: pigment::InkInSkinModel with candidate parameters θ.
//
// Objective (maximum a posteriori, Gaussian noise and prior):
//     E(θ) = Σᵢ ‖cᵢ(θ)‖² / σ²  +  Σⱼ ((θⱼ − dⱼ) / wⱼ)²,      lowerⱼ ≤ θⱼ ≤ upperⱼ
//   cᵢ: the three CIEDE2000 components of predicted vs healed (colour::delta_e_2000_components,
//       ‖cᵢ‖ = ΔE00ᵢ: least squares on ΔE00, smooth where ΔE00 itself has a kink at 0);
//   σ = kMeasurementSigma per component (√3·0.6 ≈ 1 ΔE00 per record): how repeatably a healed
//       dot colour is measured from a calibrated phone photo (the calibration's "good" verdict
//       allows a leave-one-out mean of 2 ΔE00 on the card; healed dots, measured as the dark mode
//       of many dots, average some of that out);
//   dⱼ, wⱼ: the table's default and prior width. The prior is what keeps a fit on few records, or
//       on parameters the colours do not tell apart (strength × retention is seen only as a
//       product), from running away: with no records the fit returns the defaults.
// Method: Levenberg–Marquardt (Marquardt 1963, diagonal scaling) in units of the prior widths,
// projected onto the bounds (a parameter at a bound whose gradient points outwards is held there
// for that step); central-difference Jacobian.
// Uncertainty: the Laplace approximation, Cov = (JᵀJ)⁻¹ of the scaled residuals (data and prior
// rows) at the optimum, i.e. the inverse Gauss–Newton Hessian of E/2; inflated by the residuals'
// own scatter when they exceed σ (s² = data residuals² / (3n − p), when > 1).
// Cross-validation: k-fold (k = min(5, n)), record i in fold i mod k (records in client, session
// order); each fold is predicted by a fit made without it. "Before" is the palette's current
// values, which were not fitted to these records, so their cross-validated ΔE00 is their plain
// mean ΔE00.
#include <cstddef>
#include <string>
#include <vector>

#include "colour/types.hpp"
#include "pigment/healing_parameters.hpp"
#include "pigment/model.hpp"
#include "pigment/palette.hpp"

namespace shadematch::history {

inline constexpr double kMeasurementSigma = 0.6;  // ΔE00 per component (see above)
inline constexpr int kDefaultFolds = 5;

// The fewest healed records `healing fit --write` accepts for a model of p parameters:
// max(8, 2p). Each record gives three numbers (L*, a*, b*), so 2p records give 6p, still about
// 5 per parameter once a fifth is held out for cross-validation: enough for the data rather than
// the prior to set what the colours can tell. And at least 8 so that 5-fold cross-validation
// trains every fold on 6 or more records and holds out at least one, making cv_de00_after, the
// figure that justifies the write, a measurement rather than an anecdote.
int minimum_records_to_write(std::size_t parameters);

struct HealedObservation {
  std::string label;  // "client 3" — for reports
  pigment::Blend blend;
  colour::Lab skin;
  colour::Lab healed;
};

struct FitOptions {
  int folds = kDefaultFolds;
  double measurement_sigma = kMeasurementSigma;
  int max_iterations = 200;
};

struct ParameterEstimate {
  std::string name;
  double before = 0;       // the palette's value
  double value = 0;        // fitted
  double uncertainty = 0;  // one standard deviation (see above)
  double default_value = 0;
  double lower = 0;
  double upper = 0;
  double prior_width = 0;
  bool at_bound = false;  // the fit stopped on a bound
};

struct HealingFit {
  std::size_t records = 0;
  int folds = 0;
  double cv_de00_before = 0;  // mean ΔE00 with the palette's values (cross-validation trivially)
  double cv_de00_after = 0;   // mean held-out ΔE00 of the k-fold refits
  double de00_after = 0;      // mean in-sample ΔE00 of the fit on every record
  double max_de00_before = 0;
  double max_cv_de00_after = 0;
  std::vector<double> de00_before_per_record;
  std::vector<double> cv_de00_after_per_record;
  std::vector<ParameterEstimate> parameters;  // in table order
  pigment::HealingParams fitted;
  int iterations = 0;
  bool converged = false;
};

// The healed dot the model predicts for a blend in a skin, with these parameters.
colour::Lab predict_healed(const pigment::Palette& palette, const pigment::HealingParams& params,
                           const pigment::Blend& blend, const colour::Lab& skin);

// Fits on every observation (and the cross-validation folds). With no observations, returns the
// defaults (the prior alone). Every blend must name inks of the palette.
HealingFit fit_healing(const pigment::Palette& palette, const std::vector<HealedObservation>& observations,
                       const FitOptions& options = {});

}  // namespace shadematch::history
