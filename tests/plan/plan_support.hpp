#pragma once
// Test helpers for the blend search: small palettes and a transparent stand-in predictor.
#include <string>
#include <vector>

#include "pigment/palette.hpp"
#include "plan/search.hpp"

namespace shadematch::test {

// A predictor whose arithmetic a reader can follow: each ink's "K/S" holds its masstone Lab in
// bands 0–2, so the mixed K/S is the parts-weighted mean Lab, and the healed dot is that Lab
// diluted towards the skin: skin + P/(W+P)·(mix − skin). Not the physics (src/pigment is), but
// enough to test enumeration, scoring and ranking against values worked out by hand.
class LinearLabPredictor final : public plan::DotPredictor {
 public:
  LinearLabPredictor(const std::vector<colour::Lab>& inks, const colour::Lab& skin) : skin_(skin) {
    for (const colour::Lab& c : inks) {
      colour::Spectrum s;
      s[0] = c.l;
      s[1] = c.a;
      s[2] = c.b;
      ks_.push_back(s);
    }
  }
  const std::vector<colour::Spectrum>& ink_ks() const noexcept override { return ks_; }
  colour::Lab healed_dot_lab(const colour::Spectrum& mixed, double f) const noexcept override {
    return {skin_.l + f * (mixed[0] - skin_.l), skin_.a + f * (mixed[1] - skin_.a), skin_.b + f * (mixed[2] - skin_.b)};
  }
  // The prediction for explicit weights (Σ = 1) and pigment fraction.
  colour::Lab predict(const std::vector<std::pair<std::size_t, double>>& weights, double f) const {
    colour::Spectrum m;
    for (const auto& [i, w] : weights) {
      for (std::size_t b = 0; b < 3; ++b) m[b] += w * ks_[i][b];
    }
    return healed_dot_lab(m, f);
  }

 private:
  colour::Lab skin_;
  std::vector<colour::Spectrum> ks_;
};

inline pigment::Palette make_palette(const std::vector<std::string>& ids, const std::vector<colour::Lab>& labs,
                                     std::vector<pigment::DilutionStep> steps, int max_inks, int parts_total) {
  pigment::Palette p;
  p.source = "test-palette.yaml";
  p.schema = "shadematch-palette/1";
  p.name = "test";
  for (std::size_t i = 0; i < ids.size(); ++i) {
    pigment::Ink ink;
    ink.id = ids[i];
    ink.name = ids[i];
    ink.given_lab = labs[i];
    ink.masstone_lab = labs[i];
    p.inks.push_back(ink);
  }
  p.dilution = std::move(steps);
  p.max_inks = max_inks;
  p.parts_total = parts_total;
  return p;
}

}  // namespace shadematch::test
