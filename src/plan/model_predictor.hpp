#pragma once
// The product's DotPredictor: the ink-in-skin model of src/pigment for one client's skin.
//
// healed_dot_labs can evaluate one mixed ink at all dilution steps together, the steps side by side
// in SIMD lanes (AVX2 when the CPU has it, else SSE2): each lane performs exactly the scalar
// model's operations in the same order (pigment::healed_band; multiply, add, square root and
// divide are correctly rounded IEEE operations, the exponential is the model's own polynomial
// exp_neg2, and no fused multiply-add is used), so the results are bit-identical
// to InkInSkinModel::healed_dot_lab (tests/plan/search_test.cpp checks ==).
#include <array>
#include <cstddef>

#include "colour/types.hpp"
#include "pigment/model.hpp"
#include "plan/search.hpp"

namespace shadematch::plan {

class InkInSkinPredictor final : public DotPredictor {
 public:
  // Scalar path only: every prediction through the model.
  explicit InkInSkinPredictor(const pigment::InkInSkinModel& model) : model_(&model) {}
  // With the healing parameters the model was built with (palette.healing), healed_dot_labs
  // takes the SIMD path. The constructor checks it against the model on probe inks and falls back
  // to the scalar path if a single bit differs (e.g. parameters of another palette).
  InkInSkinPredictor(const pigment::InkInSkinModel& model, const pigment::HealingParams& healing);
  const std::vector<colour::Spectrum>& ink_ks() const noexcept override { return model_->ink_ks(); }
  colour::Lab healed_dot_lab(const colour::Spectrum& mixed_ks, double pigment_fraction) const noexcept override {
    return model_->healed_dot_lab(mixed_ks, pigment_fraction);
  }
  void healed_dot_labs(const colour::Spectrum& mixed_ks, const double* pigment_fractions, std::size_t n,
                       colour::Lab* out) const noexcept override;
  // Whether healed_dot_labs evaluates several dilution steps at once (false: one by one).
  bool simd() const noexcept { return simd_; }

 private:
  const pigment::InkInSkinModel* model_;
  bool simd_ = false;
  // The model's per-band constants (the same values it reads in healed_dot_lab) and the D50
  // observer's weights x, y, z one after the other.
  pigment::InkInSkinModel::HotBands hot_;
  std::array<double, 3 * colour::kSpectrumBands> w_{};
  colour::Xyz white_;
};

}  // namespace shadematch::plan
