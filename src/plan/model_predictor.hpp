#pragma once
// The product's DotPredictor: the ink-in-skin model of src/pigment for one client's skin.
#include "pigment/model.hpp"
#include "plan/search.hpp"

namespace shadematch::plan {

class InkInSkinPredictor final : public DotPredictor {
 public:
  explicit InkInSkinPredictor(const pigment::InkInSkinModel& model) : model_(&model) {}
  const std::vector<colour::Spectrum>& ink_ks() const noexcept override { return model_->ink_ks(); }
  colour::Lab healed_dot_lab(const colour::Spectrum& mixed_ks, double pigment_fraction) const noexcept override {
    return model_->healed_dot_lab(mixed_ks, pigment_fraction);
  }

 private:
  const pigment::InkInSkinModel* model_;
};

}  // namespace shadematch::plan
