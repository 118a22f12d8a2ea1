#pragma once
// Value types of the colour core. Conventions (DESIGN.md): XYZ with Y of the white = 1, CIELAB
// relative to an explicit white (D50 throughout the pipeline), CIE 1931 2° observer, spectra
// sampled 400–700 nm at 10 nm inside the model.
#include <array>
#include <cstddef>

namespace shadematch::colour {

struct Xyz {
  double x = 0.0;
  double y = 0.0;
  double z = 0.0;
  friend bool operator==(const Xyz&, const Xyz&) = default;
};

// CIELAB: L* in [0, 100] for reflective colours; a*, b* unbounded (about ±128 for real colours).
struct Lab {
  double l = 0.0;
  double a = 0.0;
  double b = 0.0;
  friend bool operator==(const Lab&, const Lab&) = default;
};

// CIE LCh(ab): chroma C*ab ≥ 0, hue h in degrees [0, 360).
struct Lch {
  double l = 0.0;
  double c = 0.0;
  double h = 0.0;
};

// Camera or display RGB proportional to light (no tone curve). 1 = the scale's white.
struct LinearRgb {
  double r = 0.0;
  double g = 0.0;
  double b = 0.0;
  friend bool operator==(const LinearRgb&, const LinearRgb&) = default;
};

// The reference white of a Lab conversion, with Y = 1. There is no default: every conversion is
// handed its white (see d50_white() in observer.hpp, computed from the CIE tables).
struct WhitePoint {
  Xyz xyz;
  friend bool operator==(const WhitePoint&, const WhitePoint&) = default;
};

// The model's spectral grid: 400–700 nm in 10 nm steps (31 bands).
inline constexpr int kSpectrumStartNm = 400;
inline constexpr int kSpectrumStepNm = 10;
inline constexpr std::size_t kSpectrumBands = 31;

constexpr double band_wavelength_nm(std::size_t band) {
  return kSpectrumStartNm + static_cast<double>(band) * kSpectrumStepNm;
}

// A reflectance factor (0..1) or relative power, one value per band of the model grid.
struct Spectrum {
  std::array<double, kSpectrumBands> values{};
  double& operator[](std::size_t i) { return values[i]; }
  double operator[](std::size_t i) const { return values[i]; }
  static Spectrum constant(double v) {
    Spectrum s;
    s.values.fill(v);
    return s;
  }
  friend bool operator==(const Spectrum&, const Spectrum&) = default;
};

}  // namespace shadematch::colour
