#include <catch2/catch.hpp>

#include "colour/delta_e.hpp"
#include "colour/lab.hpp"
#include "colour/spectral.hpp"
#include "common/csv.hpp"
#include "common/embedded.hpp"
#include "common/error.hpp"

using namespace shadematch;
using namespace shadematch::colour;

TEST_CASE("illuminant_white: D50 and D65 from the CIE tables match the published whites", "[reference]") {
  // CIE 15:2004 table T.3 (2° observer): D50 (0.9642, 1, 0.8251), D65 (0.9504, 1, 1.0888);
  // the tolerance 1e-3 is the precision those values are published to.
  const WhitePoint d50 = illuminant_white("D50");
  CHECK(d50.xyz.x == Approx(0.9642).margin(1e-3));
  CHECK(d50.xyz.y == Approx(1.0).margin(1e-12));
  CHECK(d50.xyz.z == Approx(0.8251).margin(1e-3));
  const WhitePoint d65 = illuminant_white("D65");
  CHECK(d65.xyz.x == Approx(0.9504).margin(1e-3));
  CHECK(d65.xyz.z == Approx(1.0888).margin(1e-3));
  CHECK(d50_white() == d50);
}

TEST_CASE("SpectralObserver: the perfect reflector is exactly the white and L* = 100", "[property]") {
  const SpectralObserver& o = d50_observer();
  const Xyz w = o.to_xyz(Spectrum::constant(1.0));
  CHECK(w.x == Approx(d50_white().xyz.x).epsilon(1e-12));
  CHECK(w.z == Approx(d50_white().xyz.z).epsilon(1e-12));
  const Lab l = spectrum_to_lab_d50(Spectrum::constant(1.0));
  CHECK(l.l == Approx(100.0).epsilon(1e-9));
  CHECK(l.a == Approx(0.0).margin(1e-6));
  CHECK(l.b == Approx(0.0).margin(1e-6));
}

TEST_CASE("spectra: BabelColor ColorChecker spectra under D50 land within 3 ΔE00 of X-Rite 2014 Lab", "[reference]") {
  // Independent measurements of different charts (BabelColor average of 30 charts vs X-Rite's
  // after-Nov-2014 specification): calibration/SOURCES.md reports 0–2.5 ΔE*ab between them, so
  // 3 ΔE00 is the bound the data themselves support, not a tolerance of our code.
  const CsvTable spectra = parse_csv(embedded_file("colorchecker24_spectra_babelcolor_avg.csv"), "spectra");
  const CsvTable lab = parse_csv(embedded_file("colorchecker24_lab_d50.csv"), "lab");
  REQUIRE(lab.rows.size() == 24);
  for (std::size_t patch = 0; patch < 24; ++patch) {
    SampledSpectrum s;
    for (const CsvRow& r : spectra.rows) {
      s.wavelengths_nm.push_back(parse_csv_number(spectra, r, 0));
      s.values.push_back(parse_csv_number(spectra, r, patch + 1));
    }
    const CsvRow& row = lab.rows[patch];
    const Lab ref{parse_csv_number(lab, row, lab.column("L_xrite_after_nov2014")),
                  parse_csv_number(lab, row, lab.column("a_xrite_after_nov2014")),
                  parse_csv_number(lab, row, lab.column("b_xrite_after_nov2014"))};
    const Lab full = xyz_to_lab(spectrum_to_xyz(s, "D50"), d50_white());
    const Lab model = spectrum_to_lab_d50(resample_to_model_grid(s));
    INFO("patch " << patch + 1 << " " << row.fields[3]);
    CHECK(delta_e_2000(full, ref) < 3.0);
    // The 400–700 nm / 10 nm model grid must agree with the full 5 nm integration; 0.5 ΔE00 is
    // well under what a technician can see between two dots.
    CHECK(delta_e_2000(model, full) < 0.5);
  }
}

TEST_CASE("resample_to_model_grid: interpolates linearly and refuses short spectra", "[unit]") {
  const SampledSpectrum ramp = sampled_from_regular(380, 20, {0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0,
                                                              1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.7, 1.8, 1.9, 2.0});
  const Spectrum s = resample_to_model_grid(ramp);
  // value(λ) = (λ − 380)/200 on a linear ramp, so 410 nm → 0.15 exactly.
  CHECK(s[1] == Approx(0.15));
  CHECK(s[30] == Approx(1.6));
  CHECK_THROWS_AS(resample_to_model_grid(sampled_from_regular(420, 10, std::vector<double>(30, 0.5)), "x.yaml"),
                  InputError);
}

TEST_CASE("illuminant_spd: an unknown name lists the known ones", "[unit]") {
  try {
    (void)illuminant_spd("D93");
    FAIL("expected an InputError");
  } catch (const InputError& e) {
    CHECK_THAT(e.what(), Catch::Contains("D93") && Catch::Contains("FL11"));
  }
}
