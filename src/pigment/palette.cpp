#include "pigment/palette.hpp"

#include <algorithm>

#include "colour/spectral.hpp"
#include "pigment/upsample.hpp"

namespace shadematch::pigment {

const Ink* Palette::find(const std::string& id) const {
  for (const Ink& ink : inks) {
    if (ink.id == id) return &ink;
  }
  return nullptr;
}

std::string Palette::ids() const {
  std::string out;
  for (const Ink& ink : inks) {
    if (!out.empty()) out += ", ";
    out += ink.id;
  }
  return out;
}

bool complete_ink_reflectance(Ink& ink, double* residual_de76) {
  if (ink.measured_reflectance) {
    colour::Spectrum r = *ink.measured_reflectance;
    for (double& v : r.values) v = std::clamp(v, 0.0, 1.0);
    ink.reflectance = r;
    ink.masstone_lab = colour::spectrum_to_lab_d50(r);
    if (residual_de76 != nullptr) *residual_de76 = 0.0;
    return true;
  }
  if (!ink.given_lab) return false;
  const UpsampleResult up = upsample_lab_jakob2019(*ink.given_lab);
  if (residual_de76 != nullptr) *residual_de76 = up.residual_de76;
  if (!up.ok) return false;
  ink.reflectance = up.reflectance;
  ink.masstone_lab = colour::spectrum_to_lab_d50(up.reflectance);
  return true;
}

}  // namespace shadematch::pigment
