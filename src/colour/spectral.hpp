#pragma once
// Spectra to colour: CIE 1931 2° observer and CIE illuminants (CIE 15:2004), tables embedded from
// calibration/ (cie1931_2deg_cmf.csv, illuminants.csv; see calibration/SOURCES.md).
//
// Two integrations:
//  * spectrum_to_xyz(SampledSpectrum, illuminant): 5 nm sums over the CMF table (360–830 nm), the
//    input linearly interpolated and held flat beyond its ends — for reference checks.
//  * SpectralObserver::to_xyz(Spectrum): the model grid (400–700 nm, 10 nm) with weights rescaled
//    per channel so that the perfect reflector gives exactly the 5 nm white — fast, and white stays
//    L* = 100.
// Reflectance XYZ is normalised so that the perfect reflector has Y = 1.
#include <string>
#include <string_view>
#include <vector>

#include "colour/types.hpp"

namespace shadematch::colour {

// A spectrum at arbitrary, strictly increasing wavelengths.
struct SampledSpectrum {
  std::vector<double> wavelengths_nm;
  std::vector<double> values;
  // Linear interpolation; flat beyond the ends.
  double at(double wavelength_nm) const;
};

// A regularly sampled spectrum (as palette files give one): start, step, values.
SampledSpectrum sampled_from_regular(double start_nm, double step_nm, const std::vector<double>& values);

// Interpolates onto the model grid. Throws InputError(source, …) unless the input covers
// 400–700 nm (a spectrum that stops short cannot be extrapolated honestly).
Spectrum resample_to_model_grid(const SampledSpectrum& s, const std::string& source = "");

// Names accepted: the columns of calibration/illuminants.csv (A, D50, D55, D65, D75, C, E, FL2,
// FL7, FL11, FL12, LED-B3, LED-B4, LED-B5, LED-V1, LED-V2, ID65, ID50).
std::vector<std::string> illuminant_names();
// Relative spectral power; throws InputError for an unknown name (the message lists the names).
SampledSpectrum illuminant_spd(std::string_view name);

// XYZ of a reflectance under an illuminant (perfect reflector Y = 1), 5 nm integration.
Xyz spectrum_to_xyz(const SampledSpectrum& reflectance, std::string_view illuminant);
// The illuminant's white (perfect reflector), Y = 1.
WhitePoint illuminant_white(std::string_view illuminant);
// CIE D50 white from the CIE tables, ≈ (0.9642, 1, 0.8251): the white of every Lab in shadematch.
const WhitePoint& d50_white();

// Fast model-grid integration for one illuminant.
class SpectralObserver {
 public:
  explicit SpectralObserver(std::string_view illuminant);
  Xyz to_xyz(const Spectrum& reflectance) const noexcept;
  const WhitePoint& white() const noexcept { return white_; }
  // Per-band weights (x̄S, ȳS, z̄S normalised): XYZ = Σ R(λ)·w(λ).
  const std::array<double, kSpectrumBands>& weights_x() const noexcept { return wx_; }
  const std::array<double, kSpectrumBands>& weights_y() const noexcept { return wy_; }
  const std::array<double, kSpectrumBands>& weights_z() const noexcept { return wz_; }

 private:
  std::array<double, kSpectrumBands> wx_{};
  std::array<double, kSpectrumBands> wy_{};
  std::array<double, kSpectrumBands> wz_{};
  WhitePoint white_;
};

// The shared D50 observer (built once) and a shortcut to Lab D50.
const SpectralObserver& d50_observer();
Lab spectrum_to_lab_d50(const Spectrum& reflectance);

}  // namespace shadematch::colour
