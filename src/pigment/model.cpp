#include "pigment/model.hpp"

#include <algorithm>
#include <cmath>

#include "colour/lab.hpp"
#include "colour/spectral.hpp"
#include "common/error.hpp"
#include "pigment/fast_lab.hpp"
#include "pigment/skin.hpp"
#include "pigment/upsample.hpp"

namespace shadematch::pigment {
namespace {

constexpr std::size_t kN = colour::kSpectrumBands;
// R is clamped to this floor before K/S: K/S of R = 0 is infinite. 1e-4 is far below any real ink
// (carbon black drawdowns reflect ~3–5 %) and gives K/S ≈ 5000, dark enough for any mixture.
constexpr double kMinReflectance = 1e-4;
// The NIST principal components reproduce every NIST subject's Lab to 1e-7 ΔE00 (tests); a
// residual above 0.5 ΔE*ab (the bound for the skin model) means the Lab lies outside them.
constexpr double kSkinPcaTolerance = 0.5;
// A dermis layer reflects at most this fraction of the skin it belongs to (model.hpp).
constexpr double kMaxOverlayShare = 0.9;

inline double km_reflectance(double ks) noexcept {
  // R∞ = 1 + K/S − √((K/S)² + 2K/S), written as its reciprocal form (no cancellation).
  return 1.0 / (1.0 + ks + std::sqrt(ks * (ks + 2.0)));
}

inline double km_ks(double r) noexcept {
  r = std::clamp(r, kMinReflectance, 1.0);
  return (1.0 - r) * (1.0 - r) / (2.0 * r);
}

}  // namespace

colour::Spectrum reflectance_to_ks(const colour::Spectrum& r) {
  colour::Spectrum ks;
  for (std::size_t i = 0; i < kN; ++i) ks[i] = km_ks(r[i]);
  return ks;
}

colour::Spectrum ks_to_reflectance(const colour::Spectrum& ks) {
  colour::Spectrum r;
  for (std::size_t i = 0; i < kN; ++i) r[i] = km_reflectance(std::max(ks[i], 0.0));
  return r;
}

colour::Lab ks_to_lab_d50(const colour::Spectrum& ks) { return colour::spectrum_to_lab_d50(ks_to_reflectance(ks)); }

InkInSkinModel::InkInSkinModel(const Palette& palette, const colour::Lab& skin_lab)
    : palette_(&palette), healing_(palette.healing) {
  const SkinSpectralModel::Estimate skin = nist_skin_model().estimate(skin_lab);
  skin_r_ = skin.reflectance;
  skin_residual_ = skin.residual_de76;
  // A skin outside the NIST set (e.g. darker than its darkest subject) is reached by the principal
  // components only by clipping bands to 0, and a substrate of R = 0 makes every dot black. Such a
  // skin gets the smooth Jakob–Hanika spectrum that reproduces its Lab instead;
  // skin_fit_residual() still says how far it lies from what NIST measured.
  if (!(skin_residual_ <= kSkinPcaTolerance)) {
    const UpsampleResult smooth = upsample_lab_jakob2019(skin_lab);
    if (smooth.ok) skin_r_ = smooth.reflectance;
  }
  for (double& v : skin_r_.values) v = std::clamp(v, kMinReflectance, 1.0);
  skin_ks_ = reflectance_to_ks(skin_r_);
  ink_ks_.reserve(palette.inks.size());
  for (const Ink& ink : palette.inks) ink_ks_.push_back(reflectance_to_ks(ink.reflectance));

  for (std::size_t i = 0; i < kN; ++i) {
    const double lambda = colour::band_wavelength_nm(i);
    const double s = std::max(0.0, healing_.overlay_scatter * std::pow(550.0 / lambda, healing_.overlay_exponent));
    overlay_s_[i] = s;
    const double r_skin = std::clamp(skin_r_[i], 0.0, 1.0);
    double r_layer = s / (1.0 + s);
    r_layer = std::min(r_layer, kMaxOverlayShare * r_skin);
    // Transmittance of the (possibly capped) non-absorbing layer: T = 1 − R_layer.
    const double t = 1.0 - r_layer;
    overlay_r_[i] = r_layer;
    overlay_t2_[i] = t * t;
    const double excess = r_skin - r_layer;
    const double r_deep = excess / (t * t + r_layer * excess);
    substrate_ks_[i] = km_ks(r_deep);
  }
  const colour::SpectralObserver& o = colour::d50_observer();
  wx_ = o.weights_x();
  wy_ = o.weights_y();
  wz_ = o.weights_z();
  white_ = o.white().xyz;
}

colour::Spectrum InkInSkinModel::healed_dot_reflectance(const colour::Spectrum& mixed_ink_ks,
                                                        double pigment_fraction) const noexcept {
  const double c = healing_.strength * healing_.retention * pigment_fraction;
  colour::Spectrum r;
  for (std::size_t i = 0; i < kN; ++i) {
    const double dot = km_reflectance(substrate_ks_[i] + c * mixed_ink_ks[i]);
    r[i] = overlay_r_[i] + overlay_t2_[i] * dot / (1.0 - overlay_r_[i] * dot);
  }
  return r;
}

colour::Lab InkInSkinModel::healed_dot_lab(const colour::Spectrum& mixed_ink_ks, double pigment_fraction) const noexcept {
  // Same arithmetic as healed_dot_reflectance, fused with the XYZ sums and the Lab formula: no
  // temporaries, one pass over 31 bands (called millions of times by the blend search).
  const double c = healing_.strength * healing_.retention * pigment_fraction;
  double x = 0.0, y = 0.0, z = 0.0;
  for (std::size_t i = 0; i < kN; ++i) {
    const double ks = substrate_ks_[i] + c * mixed_ink_ks[i];
    const double dot = 1.0 / (1.0 + ks + std::sqrt(ks * (ks + 2.0)));
    const double rl = overlay_r_[i];
    const double r = rl + overlay_t2_[i] * dot / (1.0 - rl * dot);
    x += r * wx_[i];
    y += r * wy_[i];
    z += r * wz_[i];
  }
  return detail::xyz_to_lab_fast(x, y, z, white_);
}

colour::Lab InkInSkinModel::healed_dot_lab_reference(const colour::Spectrum& mixed_ink_ks, double pigment_fraction) const {
  const colour::Spectrum r = healed_dot_reflectance(mixed_ink_ks, pigment_fraction);
  const colour::SpectralObserver& o = colour::d50_observer();
  return colour::xyz_to_lab(o.to_xyz(r), o.white());
}

std::size_t InkInSkinModel::ink_index(const std::string& id) const {
  const Ink* ink = palette_->find(id);
  if (ink == nullptr) {
    throw InputError(palette_->source, "unknown ink '" + id + "'; the palette has: " + palette_->ids());
  }
  return static_cast<std::size_t>(ink - palette_->inks.data());
}

colour::Spectrum InkInSkinModel::mixed_ks(const Blend& blend) const {
  double total = 0.0;
  for (const BlendPart& p : blend.parts) total += p.parts;
  colour::Spectrum ks;
  if (total <= 0.0) return ks;
  for (const BlendPart& p : blend.parts) {
    const colour::Spectrum& k = ink_ks_[ink_index(p.ink_id)];
    const double w = p.parts / total;
    for (std::size_t i = 0; i < kN; ++i) ks[i] += w * k[i];
  }
  return ks;
}

colour::Lab InkInSkinModel::masstone_lab(const Blend& blend) const { return ks_to_lab_d50(mixed_ks(blend)); }

colour::Lab InkInSkinModel::healed_dot_lab(const Blend& blend) const {
  return healed_dot_lab(mixed_ks(blend), blend.dilution.pigment_fraction());
}

colour::Lab InkInSkinModel::area_lab(const colour::Lab& dot, double coverage) const {
  const double f = std::isfinite(coverage) ? std::clamp(coverage, 0.0, 1.0) : 0.0;
  const colour::SpectralObserver& o = colour::d50_observer();
  const colour::Xyz d = colour::lab_to_xyz(dot, o.white());
  const colour::Xyz s = o.to_xyz(skin_r_);
  const colour::Xyz mix{f * d.x + (1.0 - f) * s.x, f * d.y + (1.0 - f) * s.y, f * d.z + (1.0 - f) * s.z};
  return colour::xyz_to_lab(mix, o.white());
}

colour::Lab InkInSkinModel::area_lab(const Blend& blend, double coverage) const {
  return area_lab(healed_dot_lab(blend), coverage);
}

colour::Lab InkInSkinModel::skin_lab() const { return colour::spectrum_to_lab_d50(skin_r_); }

}  // namespace shadematch::pigment
