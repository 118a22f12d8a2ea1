#include "session/swatch_measure.hpp"

#include <cstdio>

#include "colour/delta_e.hpp"
#include "common/error.hpp"
#include "photo/measure.hpp"
#include "session/measure.hpp"

namespace shadematch::session {

std::optional<SwatchMeasurement> measure_swatch(const std::string& photo_path, const PixelRect& roi,
                                                const std::optional<std::string>& calibration_path,
                                                photo::CalibrationResult& calibration) {
  SwatchMeasurement out;
  out.photo = photo_path;
  out.roi = roi;
  // The measure pipeline (session/measure.hpp): one calibration value from the card or the saved
  // file, the region measured through its global fit and local refinement, as `measure` does.
  MeasureRequest request;
  request.photo = photo_path;
  request.calibration_path = calibration_path;
  photo::Region region;
  region.name = "swatch";
  region.rect = roi;
  region.origin = "--roi";
  request.regions = {region};
  const MeasureResult measured = run_measure(request);
  calibration = measured.calibration;
  if (!measured.usable()) return std::nullopt;
  out.calibration_source = calibration_path ? *calibration_path : "card in the photo";
  out.fit = measured.calibration.fit;
  out.verdict = std::string(photo::verdict_name(measured.calibration.verdict));
  out.warnings = measured.warnings;
  const photo::RegionMeasurement& m = measured.regions.front();
  out.lab = m.lab;
  out.lab_std = m.lab_std;
  out.pixels = m.pixels;
  out.spread_de00 = colour::delta_e_2000(m.lab, {m.lab.l + m.lab_std.l, m.lab.a + m.lab_std.a, m.lab.b + m.lab_std.b});
  out.too_small = m.pixels < kMinSwatchPixels;
  out.uniform = out.spread_de00 <= kMaxUniformSpreadDe00;
  for (const std::string& w : m.warnings) {
    if (w.rfind("too small", 0) != 0) out.warnings.push_back("swatch: " + w);
  }
  if (out.too_small) {
    out.warnings.push_back("swatch: too small: " + std::to_string(m.pixels) + " pixels (at least " +
                           std::to_string(kMinSwatchPixels) + " for a stable median); photograph it larger or closer");
  }
  if (!out.uniform) {
    char buf[160];
    std::snprintf(
        buf, sizeof buf,
        "swatch: not uniform: spread ΔE00 %.1f (above %.1f); check for streaks, glare or background in the ROI",
        out.spread_de00, kMaxUniformSpreadDe00);
    out.warnings.push_back(buf);
  }
  return out;
}

}  // namespace shadematch::session
