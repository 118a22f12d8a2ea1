#include "pigment/model.hpp"

#include <algorithm>
#include <cmath>
#include <tuple>
#include <utility>

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

colour::Lab ks_to_lab_d50(const colour::Spectrum& ks) {
  return colour::spectrum_to_lab_d50(ks_to_reflectance(ks));
}

namespace {

// The melanosome fraction is searched in [0, kMaxMelanin]: Jacques 1998 gives 1.3–6.3 % for
// light, 11–16 % for moderately and 18–43 % for darkly pigmented adults; 0.6 leaves room above.
constexpr double kMaxMelanin = 0.6;
// Bands (nm) where the melanin is fitted: blood absorbs least there (model.hpp).
constexpr double kMelaninFitFromNm = 620.0;

// The dermis's R∞ is kept at or below this (K/S ≥ 5e-9: a dermis always absorbs a little).
constexpr double kMaxDermis = 0.9999;

double cm(double um) {
  return um * 1e-4;
}

// A Möbius map x ↦ (a·x + b)/(c·x + d) of a background reflectance: how the layers above a
// background turn its reflectance into what is measured. Maps compose by the matrix product.
struct Mobius {
  double a = 1.0, b = 0.0, c = 0.0, d = 1.0;
  double operator()(double x) const { return (a * x + b) / (c * x + d); }
  // x with (*this)(x) = y (the map is invertible: ad − bc > 0 for every layer here).
  double inverse(double y) const { return (b - d * y) / (c * y - a); }
  Mobius then_under(const Mobius& inner) const {  // (*this) ∘ inner
    return {a * inner.a + b * inner.c, a * inner.b + b * inner.d, c * inner.a + d * inner.c, c * inner.b + d * inner.d};
  }
};

// A diffuse KM layer over a background x: r + t²x/(1 − r·x) (Kubelka).
Mobius layer_over(const optics::LayerRT& l) {
  return {l.t * l.t - l.r * l.r, l.r, -l.r, 1.0};
}

// Melanosome and baseline absorption of the epidermis with melanosome fraction m (Jacques 2013
// eq. 8; Jacques 1998), per cm.
double epidermis_mua(double m, double lambda) {
  return m * optics::melanosome_absorption_cm(lambda) + (1.0 - m) * optics::skin_baseline_absorption_cm(lambda);
}

// Everything above the dermis at one band, as the Möbius map from the reflectance x of what lies
// under the epidermis (diffuse light) to the measured reflectance (model.hpp):
//   the beam enters through the surface (1 − k₁), the epidermis reflects R_b of it and passes T_b
//   (Eddington beam form, skin_optics.hpp); below the epidermis the light is diffuse, and the
//   epidermis meets it as a KM layer (R_d, T_d, the same from either side). Light leaving the body
//   passes the surface with (1 − k₂); the k₂ reflected back is diffuse and meets the body's
//   diffuse reflectance B_d. Saunderson's correction in its beam form (the first pass collimated,
//   the internal ones diffuse):
//     B_b(x) = R_b + T_b·T_d·x/(1 − R_d·x),  B_d(x) = R_d + T_d²·x/(1 − R_d·x),
//     measured = (1 − k₁)(1 − k₂)·B_b/(1 − k₂·B_d)
//   which is a Möbius map of x. With R_b = R_d and T_b = T_d it is the diffuse model's
//   g·B/(1 − k₂B) exactly.
Mobius epidermis_map(double m, double lambda, double epidermis_cm, const optics::Surface& surface) {
  const double mua = epidermis_mua(m, lambda);
  const double musp = optics::skin_reduced_scattering_cm(lambda);
  const optics::BeamRT beam = optics::eddington_beam(mua * epidermis_cm, musp * epidermis_cm);
  const optics::LayerRT diffuse =
      optics::km_layer(optics::km_absorption(mua) * epidermis_cm, optics::km_scattering(musp) * epidermis_cm);
  const double g = (1.0 - surface.k1) * (1.0 - surface.k2);
  const double pb = beam.t * diffuse.t - beam.r * diffuse.r;
  const double pd = diffuse.t * diffuse.t - diffuse.r * diffuse.r;
  return {g * pb, g * beam.r, -diffuse.r - surface.k2 * pd, 1.0 - surface.k2 * diffuse.r};
}

// Melanin fraction whose epidermis over bloodless dermis gives, averaged over the fit bands,
// the measured skin reflectance (bisection: more melanin is darker).
double fit_melanin(const colour::Spectrum& measured, double epidermis_cm, const optics::Surface& surface) {
  double target = 0.0;
  int count = 0;
  for (std::size_t i = 0; i < kN; ++i) {
    if (colour::band_wavelength_nm(i) < kMelaninFitFromNm) continue;
    target += measured[i];
    ++count;
  }
  target /= count;
  auto model = [&](double m) {
    double sum = 0.0;
    for (std::size_t i = 0; i < kN; ++i) {
      const double lambda = colour::band_wavelength_nm(i);
      if (lambda < kMelaninFitFromNm) continue;
      const double ks = optics::km_absorption(optics::skin_baseline_absorption_cm(lambda)) /
                        optics::km_scattering(optics::skin_reduced_scattering_cm(lambda));
      sum += epidermis_map(m, lambda, epidermis_cm, surface)(km_reflectance(ks));
    }
    return sum / count;
  };
  if (model(0.0) <= target) return 0.0;
  if (model(kMaxMelanin) >= target) return kMaxMelanin;
  double lo = 0.0, hi = kMaxMelanin;
  for (int it = 0; it < 60; ++it) {
    const double mid = 0.5 * (lo + hi);
    (model(mid) > target ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

}  // namespace

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

  skin_surface_ = optics::Surface::of_index(healing_.skin_index, false);
  drawdown_surface_ = optics::Surface::of_index(healing_.drawdown_index, healing_.drawdown_specular_included);
  ink_ks_.reserve(palette.inks.size());
  for (const Ink& ink : palette.inks) {
    colour::Spectrum body;
    for (std::size_t i = 0; i < kN; ++i) body[i] = drawdown_surface_.to_body(ink.reflectance[i]);
    ink_ks_.push_back(reflectance_to_ks(body));
  }

  const double epidermis_cm = cm(healing_.epidermis_um);
  melanin_ = fit_melanin(skin_r_, epidermis_cm, skin_surface_);

  hot_.q = healing_.ink_scatter;
  hot_.c_scale = healing_.strength * healing_.retention;
  for (std::size_t i = 0; i < kN; ++i) {
    const double lambda = colour::band_wavelength_nm(i);
    const double s_dermis = optics::km_scattering(optics::skin_reduced_scattering_cm(lambda));  // per cm
    // The dermis under the epidermis: the R_d that everything above maps to the measured skin
    // (a dermis layer over dermis is dermis, so no pigment gives the skin exactly). Where the
    // fitted melanin leaves no solution in [kMinReflectance, kMaxDermis] — its λ^−3.5 law need not
    // match every skin's blue — that band's melanin is moved towards one that has (more melanin
    // raises R_d), and the band is counted; clamped only if none in [0, kMaxMelanin] has.
    const double measured = skin_r_[i];
    // R_d(m) where the epidermis alone reflects less than the skin, −1 where not: increasing in m.
    auto dermis_of = [&](double m) {
      const Mobius top = epidermis_map(m, lambda, epidermis_cm, skin_surface_);
      return measured > top(0.0) ? top.inverse(measured) : -1.0;
    };
    double m_band = melanin_;
    double r_d = dermis_of(m_band);
    if (!(r_d >= kMinReflectance && r_d <= kMaxDermis)) {
      ++clamped_bands_;
      // Too bright a dermis needed (or none at all because T_e ≈ 0): the largest melanin below the
      // fit with R_d ≤ 0.99; an epidermis reflecting more than the skin (R_d < 0): the smallest
      // melanin above it with R_d ≥ 0.01.
      const bool less = r_d > kMaxDermis;
      double lo = less ? 0.0 : melanin_, hi = less ? melanin_ : kMaxMelanin;
      for (int it = 0; it < 60; ++it) {
        const double mid = 0.5 * (lo + hi);
        if (less) {
          (dermis_of(mid) <= 0.99 ? lo : hi) = mid;
        } else {
          (dermis_of(mid) >= 0.01 ? hi : lo) = mid;
        }
      }
      m_band = less ? lo : hi;
      r_d = dermis_of(m_band);
      if (!std::isfinite(r_d) || r_d < 0.0) r_d = less ? kMaxDermis : kMinReflectance;
      r_d = std::clamp(r_d, kMinReflectance, kMaxDermis);
    }
    dermis_r_[i] = r_d;
    dermis_ks_[i] = km_ks(r_d);
    const double k_dermis = dermis_ks_[i] * s_dermis;  // per cm
    const optics::LayerRT above =
        optics::km_layer(k_dermis * cm(healing_.dermis_above_um), s_dermis * cm(healing_.dermis_above_um));
    const Mobius map = epidermis_map(m_band, lambda, epidermis_cm, skin_surface_).then_under(layer_over(above));
    hot_.alpha[i] = map.a;
    hot_.beta[i] = map.b;
    hot_.gamma[i] = map.c;
    hot_.delta[i] = map.d;
    const double layer_cm = cm(healing_.pigment_layer_um);
    hot_.kd[i] = k_dermis * layer_cm;
    hot_.sd[i] = s_dermis * layer_cm;
    hot_.rg[i] = r_d;
  }
  const colour::SpectralObserver& o = colour::d50_observer();
  wx_ = o.weights_x();
  wy_ = o.weights_y();
  wz_ = o.weights_z();
  white_ = o.white().xyz;
}

colour::Spectrum InkInSkinModel::healed_dot_reflectance(const colour::Spectrum& mixed_ink_ks,
                                                        double pigment_fraction) const noexcept {
  const double c = hot_.c_scale * pigment_fraction;
  colour::Spectrum r;
  for (std::size_t i = 0; i < kN; ++i) r[i] = healed_band(hot_, i, c, mixed_ink_ks[i]);
  return r;
}

colour::Lab InkInSkinModel::healed_dot_lab(const colour::Spectrum& mixed_ink_ks,
                                           double pigment_fraction) const noexcept {
  // Same arithmetic as healed_dot_reflectance, fused with the XYZ sums and the Lab formula: no
  // temporaries, one pass over 31 bands (called millions of times by the blend search).
  const double c = hot_.c_scale * pigment_fraction;
  double x = 0.0, y = 0.0, z = 0.0;
  for (std::size_t i = 0; i < kN; ++i) {
    const double r = healed_band(hot_, i, c, mixed_ink_ks[i]);
    x += r * wx_[i];
    y += r * wy_[i];
    z += r * wz_[i];
  }
  return detail::xyz_to_lab_fast(x, y, z, white_);
}

colour::Lab InkInSkinModel::healed_dot_lab_reference(const colour::Spectrum& mixed_ink_ks,
                                                     double pigment_fraction) const {
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

colour::Lab InkInSkinModel::masstone_lab(const Blend& blend) const {
  const colour::Spectrum body = ks_to_reflectance(mixed_ks(blend));
  colour::Spectrum measured;
  for (std::size_t i = 0; i < kN; ++i) measured[i] = drawdown_surface_.to_measured(body[i]);
  return colour::spectrum_to_lab_d50(measured);
}

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

colour::Lab InkInSkinModel::skin_lab() const {
  return colour::spectrum_to_lab_d50(skin_r_);
}

}  // namespace shadematch::pigment
