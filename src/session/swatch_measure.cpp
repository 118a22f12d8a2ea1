#include "session/swatch_measure.hpp"

#include <cstdio>

#include "colour/delta_e.hpp"
#include "common/error.hpp"
#include "files/calibration_file.hpp"
#include "files/card_file.hpp"
#include "photo/decode.hpp"
#include "photo/measure.hpp"

namespace shadematch::session {

std::optional<SwatchMeasurement> measure_swatch(const std::string& photo_path, const PixelRect& roi,
                                                const std::optional<std::string>& calibration_path,
                                                photo::CalibrationResult& calibration) {
  SwatchMeasurement out;
  out.photo = photo_path;
  out.roi = roi;
  photo::ColourCorrection correction;
  photo::MeasureOptions options;
  options.min_pixels = kMinSwatchPixels;
  if (calibration_path) {
    const files::SavedCalibration saved = files::load_calibration(*calibration_path);
    correction = saved.calibration.correction;
    out.calibration_source = *calibration_path;
    out.fit = saved.fit;
    out.verdict = std::string(photo::verdict_name(saved.verdict));
    const photo::ImageInfo info = photo::probe_image(photo_path);
    for (const std::string& w : files::reuse_warnings(saved, info)) out.warnings.push_back(w);
  } else {
    photo::CalibrateOptions calibrate;
    const auto card = files::builtin_card(calibrate.card_id);
    if (!card) throw std::logic_error("measure_swatch: built-in card '" + calibrate.card_id + "' missing");
    calibration = photo::calibrate_file(photo_path, *card, calibrate);
    if (!calibration.usable()) return std::nullopt;
    correction = calibration.calibration.correction;
    out.calibration_source = "card in the photo";
    out.fit = calibration.fit;
    out.verdict = std::string(photo::verdict_name(calibration.verdict));
    options.card_corners = calibration.detection.corners;
    for (const std::string& w : calibration.warnings) out.warnings.push_back(w);
  }
  const photo::DecodedImage image = photo::decode_image(photo_path, 1);
  photo::Region region;
  region.name = "swatch";
  region.rect = roi;
  region.origin = "--roi";
  const std::vector<photo::RegionMeasurement> measured = photo::measure_regions(
      image, [&](const colour::LinearRgb& c) { return correction.apply_lab(c); }, {region}, options);
  const photo::RegionMeasurement& m = measured.front();
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
