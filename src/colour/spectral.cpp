#include "colour/spectral.hpp"

#include <algorithm>
#include <cmath>
#include <mutex>
#include <stdexcept>

#include "colour/lab.hpp"
#include "common/csv.hpp"
#include "common/embedded.hpp"
#include "common/error.hpp"

namespace shadematch::colour {
namespace {

struct Cmf {
  std::vector<double> nm, x, y, z;
};

const Cmf& cmf_1931() {
  static const Cmf cmf = [] {
    const CsvTable t = parse_csv(embedded_file("cie1931_2deg_cmf.csv"), "calibration/cie1931_2deg_cmf.csv");
    Cmf c;
    for (const CsvRow& r : t.rows) {
      c.nm.push_back(parse_csv_number(t, r, 0));
      c.x.push_back(parse_csv_number(t, r, 1));
      c.y.push_back(parse_csv_number(t, r, 2));
      c.z.push_back(parse_csv_number(t, r, 3));
    }
    return c;
  }();
  return cmf;
}

const CsvTable& illuminant_table() {
  static const CsvTable t = parse_csv(embedded_file("illuminants.csv"), "calibration/illuminants.csv");
  return t;
}

}  // namespace

double SampledSpectrum::at(double wavelength_nm) const {
  if (wavelengths_nm.empty()) return std::nan("");
  if (wavelength_nm <= wavelengths_nm.front()) return values.front();
  if (wavelength_nm >= wavelengths_nm.back()) return values.back();
  const auto it = std::upper_bound(wavelengths_nm.begin(), wavelengths_nm.end(), wavelength_nm);
  const auto i = static_cast<std::size_t>(it - wavelengths_nm.begin());
  const double x0 = wavelengths_nm[i - 1];
  const double x1 = wavelengths_nm[i];
  const double t = (wavelength_nm - x0) / (x1 - x0);
  return values[i - 1] + t * (values[i] - values[i - 1]);
}

SampledSpectrum sampled_from_regular(double start_nm, double step_nm, const std::vector<double>& values) {
  SampledSpectrum s;
  s.values = values;
  s.wavelengths_nm.reserve(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    s.wavelengths_nm.push_back(start_nm + step_nm * static_cast<double>(i));
  }
  return s;
}

Spectrum resample_to_model_grid(const SampledSpectrum& s, const std::string& source) {
  constexpr double first = band_wavelength_nm(0);
  constexpr double last = band_wavelength_nm(kSpectrumBands - 1);
  // Half a nanometre of slack for tables printed with rounded wavelengths.
  if (s.wavelengths_nm.size() < 2 || s.wavelengths_nm.front() > first + 0.5 || s.wavelengths_nm.back() < last - 0.5) {
    const std::string range = s.wavelengths_nm.empty()
                                  ? std::string("nothing")
                                  : std::to_string(static_cast<int>(s.wavelengths_nm.front())) + "–" +
                                        std::to_string(static_cast<int>(s.wavelengths_nm.back())) + " nm";
    throw InputError(source, "spectrum covers " + range + "; the model needs 400–700 nm");
  }
  Spectrum out;
  for (std::size_t i = 0; i < kSpectrumBands; ++i) out[i] = s.at(band_wavelength_nm(i));
  return out;
}

std::vector<std::string> illuminant_names() {
  const CsvTable& t = illuminant_table();
  return {t.header.begin() + 1, t.header.end()};
}

SampledSpectrum illuminant_spd(std::string_view name) {
  const CsvTable& t = illuminant_table();
  std::size_t col = 0;
  for (std::size_t i = 1; i < t.header.size(); ++i) {
    if (t.header[i] == name) col = i;
  }
  if (col == 0) {
    std::string names;
    for (const std::string& n : illuminant_names()) names += (names.empty() ? "" : ", ") + n;
    throw InputError("unknown illuminant '" + std::string(name) + "' (known: " + names + ")");
  }
  SampledSpectrum s;
  for (const CsvRow& r : t.rows) {
    // Empty cells: the source does not tabulate this wavelength for this illuminant.
    if (col >= r.fields.size() || r.fields[col].empty()) continue;
    s.wavelengths_nm.push_back(parse_csv_number(t, r, 0));
    s.values.push_back(parse_csv_number(t, r, col));
  }
  return s;
}

namespace {

// Σ over the CMF grid of R·S·cmf, normalised so that R = 1 gives Y = 1. Wavelengths where the
// illuminant is not tabulated contribute nothing (to the white as to the sample).
Xyz integrate_5nm(const SampledSpectrum* reflectance, const SampledSpectrum& spd) {
  const Cmf& c = cmf_1931();
  double x = 0, y = 0, z = 0, k = 0;
  for (std::size_t i = 0; i < c.nm.size(); ++i) {
    const double nm = c.nm[i];
    if (nm < spd.wavelengths_nm.front() || nm > spd.wavelengths_nm.back()) continue;
    const double s = spd.at(nm);
    const double r = reflectance ? reflectance->at(nm) : 1.0;
    x += r * s * c.x[i];
    y += r * s * c.y[i];
    z += r * s * c.z[i];
    k += s * c.y[i];
  }
  return {x / k, y / k, z / k};
}

}  // namespace

Xyz spectrum_to_xyz(const SampledSpectrum& reflectance, std::string_view illuminant) {
  return integrate_5nm(&reflectance, illuminant_spd(illuminant));
}

WhitePoint illuminant_white(std::string_view illuminant) {
  return {integrate_5nm(nullptr, illuminant_spd(illuminant))};
}

const WhitePoint& d50_white() {
  static const WhitePoint w = illuminant_white("D50");
  return w;
}

SpectralObserver::SpectralObserver(std::string_view illuminant) {
  const SampledSpectrum spd = illuminant_spd(illuminant);
  const Cmf& c = cmf_1931();
  const SampledSpectrum xs{c.nm, c.x}, ys{c.nm, c.y}, zs{c.nm, c.z};
  double sx = 0, sy = 0, sz = 0;
  for (std::size_t i = 0; i < kSpectrumBands; ++i) {
    const double nm = band_wavelength_nm(i);
    const double s = spd.at(nm);
    wx_[i] = s * xs.at(nm);
    wy_[i] = s * ys.at(nm);
    wz_[i] = s * zs.at(nm);
    sx += wx_[i];
    sy += wy_[i];
    sz += wz_[i];
  }
  // Rescale each channel so that the perfect reflector lands on the 5 nm white exactly.
  white_ = illuminant_white(illuminant);
  for (std::size_t i = 0; i < kSpectrumBands; ++i) {
    wx_[i] *= white_.xyz.x / sx;
    wy_[i] *= white_.xyz.y / sy;
    wz_[i] *= white_.xyz.z / sz;
  }
}

Xyz SpectralObserver::to_xyz(const Spectrum& r) const noexcept {
  double x = 0, y = 0, z = 0;
  for (std::size_t i = 0; i < kSpectrumBands; ++i) {
    x += r[i] * wx_[i];
    y += r[i] * wy_[i];
    z += r[i] * wz_[i];
  }
  return {x, y, z};
}

const SpectralObserver& d50_observer() {
  static const SpectralObserver o("D50");
  return o;
}

Lab spectrum_to_lab_d50(const Spectrum& reflectance) {
  const SpectralObserver& o = d50_observer();
  return xyz_to_lab(o.to_xyz(reflectance), o.white());
}

}  // namespace shadematch::colour
