#include "photo/calibration.hpp"

#include <algorithm>
#include <utility>

#include "colour/delta_e.hpp"
#include "colour/lab.hpp"
#include "colour/spectral.hpp"

namespace shadematch::photo {

LinearToLab local_fit(const std::vector<FitSample>& samples, std::size_t nearest, const colour::Lab& near,
                      const std::optional<Linearization>& linearization) {
  if (samples.size() < kLocalRefinementMinSamples) return {};
  std::vector<std::pair<double, std::size_t>> order;
  for (std::size_t i = 0; i < samples.size(); ++i) {
    if (samples[i].neutral) continue;
    const colour::Lab ref = colour::xyz_to_lab(samples[i].reference_xyz, colour::d50_white());
    order.emplace_back(colour::delta_e_76(ref, near), i);
  }
  std::sort(order.begin(), order.end());
  std::vector<FitSample> chosen;
  for (const auto& s : samples) {
    if (s.neutral) chosen.push_back(s);
  }
  for (std::size_t j = 0; j < std::min(nearest, order.size()); ++j) chosen.push_back(samples[order[j].second]);
  if (chosen.size() < kLocalRefinementMinSamples) return {};
  const ColourCorrection c =
      linearization ? fit_linear_3x3(chosen, *linearization) : fit_correction(CorrectionModel::linear3x3, chosen);
  return [c](const colour::LinearRgb& rgb) { return c.apply_lab(rgb); };
}

std::function<LinearToLab(const colour::Lab&)> local_correction(const std::vector<FitSample>& samples,
                                                                std::size_t nearest,
                                                                const std::optional<Linearization>& linearization) {
  if (samples.size() < kLocalRefinementMinSamples) return {};
  return [samples, nearest, linearization](const colour::Lab& near) {
    return local_fit(samples, nearest, near, linearization);
  };
}

LinearToLab Calibration::local_for(const colour::Lab& near) const {
  if (!refinement) return {};
  return local_fit(refinement->patches, refinement->nearest, near, correction.linearization);
}

std::function<LinearToLab(const colour::Lab&)> Calibration::refiner() const {
  if (!refinement) return {};
  return local_correction(refinement->patches, refinement->nearest, correction.linearization);
}

}  // namespace shadematch::photo
