#include "report/measure_report.hpp"

#include <cmath>
#include <filesystem>
#include <sstream>

#include "colour/lab.hpp"
#include "colour/spectral.hpp"
#include "colour/srgb.hpp"
#include "common/error.hpp"
#include "files/calibration_file.hpp"
#include "files/card_file.hpp"
#include "files/regions_file.hpp"
#include "photo/decode.hpp"
#include "photo/fit.hpp"
#include "photo/measure_overlay.hpp"
#include "report/calibration_report.hpp"
#include "report/terminal.hpp"

namespace shadematch::report {

namespace {

nlohmann::json number(double v) {
  return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}
// Two decimals, as the calibration report: stable output, far below any visible difference.
double round2(double v) {
  return std::round(v * 100.0) / 100.0;
}
nlohmann::json lab_json(const colour::Lab& lab) {
  return nlohmann::json::array({number(round2(lab.l)), number(round2(lab.a)), number(round2(lab.b))});
}
std::string region_lab_text(const colour::Lab& lab) {
  return fixed(lab.l, 1) + ", " + fixed(lab.a, 1) + ", " + fixed(lab.b, 1);
}

// A saved calibration as a CalibrationResult (no detection, no patches) so both sources render
// the same way.
photo::CalibrationResult from_saved(const files::SavedCalibration& saved, const photo::EncodedImage& photo_file) {
  photo::CalibrationResult r;
  r.photo = saved.photo;
  r.card_id = saved.card_id;
  r.correction = saved.correction;
  r.fit = saved.fit;
  r.verdict = saved.verdict;
  r.detection.found = false;
  r.image = photo::probe_image(photo_file);
  return r;
}

}  // namespace

MeasureResult run_measure(const MeasureRequest& request) {
  MeasureResult result;
  result.photo = request.photo;
  // The photo's bytes, read once, when first needed (a bad --calibration file is reported first).
  std::optional<photo::EncodedImage> file;
  const auto photo_file = [&]() -> const photo::EncodedImage& {
    if (!file) {
      file = request.photo_bytes ? photo::EncodedImage{request.photo, request.photo_bytes}
                                 : photo::read_image_file(request.photo);
    }
    return *file;
  };
  photo::MeasureOptions options;
  if (request.calibration_path) {
    const files::SavedCalibration saved = files::load_calibration(*request.calibration_path);
    result.calibration = from_saved(saved, photo_file());
    result.calibration_file = request.calibration_path;
    for (const std::string& w : files::reuse_warnings(saved, result.calibration.image)) result.warnings.push_back(w);
  } else {
    photo::CalibrateOptions calibrate;
    const photo::CardDefinition card = files::resolve_card(request.card_id);
    calibrate.card_id = card.id;
    result.calibration = photo::calibrate_image(photo_file(), card, calibrate);
    if (!result.calibration.usable()) return result;
    options.card_corners = result.calibration.detection.corners;
    // The card's patches, for the local refit around each region's colour (photo/measure.hpp).
    std::vector<photo::FitSample> samples;
    for (const photo::PatchSample& p : result.calibration.detection.patches) {
      if (p.index < 1 || static_cast<std::size_t>(p.index) > card.patches.size() || !p.flags.empty()) continue;
      const photo::CardPatch& ref = card.patches[static_cast<std::size_t>(p.index - 1)];
      samples.push_back({p.mean, colour::lab_to_xyz(ref.reference_lab, colour::d50_white()), ref.neutral});
    }
    options.local_correction = photo::local_correction(samples);
  }
  for (const std::string& w : result.calibration.warnings) result.warnings.push_back("calibration: " + w);

  // Measure at full resolution: only the region crops are linearized (decode.hpp).
  const photo::DecodedImage image = photo::decode_image(photo_file(), 1);
  const photo::ColourCorrection correction = result.calibration.correction;
  const photo::LinearToLab to_lab = [&correction](const colour::LinearRgb& c) { return correction.apply_lab(c); };

  std::vector<photo::Region> regions = request.regions;
  if (!regions.empty()) {
    result.regions_source = "command line";
  } else if (const std::string sidecar = files::regions_sidecar_path(request.photo);
             !request.photo_bytes && std::filesystem::exists(sidecar)) {
    regions = files::load_regions_file(sidecar);
    result.regions_source = sidecar;
  } else {
    regions = photo::propose_regions(image, to_lab, options);
    result.regions_source = regions.empty() ? "none found" : "proposed";
    if (regions.empty()) {
      result.warnings.push_back(
          "no regions given and none could be proposed (no even, skin-coloured area outside the card): give --hair, "
          "--scalp or --region NAME=x,y,w,h");
    } else {
      result.warnings.push_back("regions were proposed automatically (no --hair/--scalp/--region and no " +
                                files::regions_sidecar_path(request.photo) + "); check them with --overlay");
    }
  }
  result.regions = photo::measure_regions(image, to_lab, regions, options);
  if (request.overlay_path) {
    photo::write_regions_overlay(*request.overlay_path, image, result.regions,
                                 options.card_corners ? options.card_corners : std::nullopt);
  }
  return result;
}

nlohmann::json region_json(const photo::RegionMeasurement& m) {
  nlohmann::json j;
  j["rect"] = {m.rect.x, m.rect.y, m.rect.width, m.rect.height};
  j["lab"] = lab_json(m.lab);
  j["lab_std"] = lab_json(m.lab_std);
  j["pixels"] = m.pixels;
  j["hex"] = std::isfinite(m.lab.l) ? colour::lab_d50_to_srgb8(m.lab).hex() : "";
  j["proposed"] = m.proposed;
  if (m.proposed) j["confidence"] = round2(m.confidence);
  if (m.kind == photo::RegionKind::hair) {
    j["follicle_lab"] = m.follicle_lab ? lab_json(*m.follicle_lab) : nlohmann::json(nullptr);
    j["follicle_hex"] =
        m.follicle_lab ? nlohmann::json(colour::lab_d50_to_srgb8(*m.follicle_lab).hex()) : nlohmann::json(nullptr);
    j["coverage"] = m.coverage ? number(round2(*m.coverage)) : nlohmann::json(nullptr);
    j["mean_lab"] = m.mean_lab ? lab_json(*m.mean_lab) : nlohmann::json(nullptr);
    // Which colour cluster was taken as follicles ("dark" | "light") and why ("darker cluster" |
    // "differs from scalp"); follicle_pixels: the dots' interior the colour was taken from.
    j["follicle_cluster"] = m.follicle_cluster;
    j["follicle_basis"] = m.follicle_basis;
    j["follicle_pixels"] = m.follicle_pixels;
  }
  if (m.kind == photo::RegionKind::scalp) {
    j["ita_deg"] = m.ita_deg ? number(round2(*m.ita_deg)) : nlohmann::json(nullptr);
    j["ita_class"] = m.ita_class;
    j["monk_tone"] = m.monk_tone;
  }
  j["warnings"] = m.warnings;
  return j;
}

nlohmann::json measure_json(const MeasureResult& r) {
  nlohmann::json j;
  j["photo"] = r.photo;
  nlohmann::json cal = calibration_summary_json(r.calibration);
  cal["source"] = r.calibration_file ? *r.calibration_file : std::string("card in the photo");
  j["calibration"] = cal;
  j["regions_source"] = r.regions_source;
  nlohmann::json regions = nlohmann::json::object();
  for (const auto& m : r.regions) regions[m.name] = region_json(m);
  j["regions"] = regions;
  j["warnings"] = r.warnings;
  return j;
}

std::string measure_text(const MeasureResult& r) {
  std::ostringstream out;
  out << "Measurement of " << r.photo << "\n";
  out << "Calibration: ";
  if (r.calibration_file) {
    out << *r.calibration_file << " (saved from " << r.calibration.photo << ")";
  } else {
    out << "card " << r.calibration.card_id << " in the photo";
  }
  if (r.usable()) {
    out << ", " << r.calibration.fit.model << ", leave-one-out ΔE00 mean " << fixed(r.calibration.fit.loo_de00_mean, 2)
        << ", verdict " << photo::verdict_name(r.calibration.verdict);
  } else {
    out << ": no usable card (" << r.calibration.reason << ")";
  }
  out << "\nRegions: " << r.regions_source << "\n";
  for (const auto& m : r.regions) {
    out << "\n" << m.name << "  " << m.rect.x << "," << m.rect.y << "," << m.rect.width << "," << m.rect.height;
    if (m.proposed) out << "  (proposed, confidence " << fixed(m.confidence, 2) << ")";
    out << "\n";
    if (m.follicle_lab) {
      out << "  follicle   L*a*b* " << region_lab_text(*m.follicle_lab) << "  "
          << colour::lab_d50_to_srgb8(*m.follicle_lab).hex() << "  (" << m.follicle_cluster
          << " cluster: " << m.follicle_basis << "; " << m.follicle_pixels << " px inside the dots)\n";
      if (m.coverage) out << "  coverage   " << fixed(100.0 * *m.coverage, 0) << "% of the region\n";
      if (m.mean_lab)
        out << "  mean       L*a*b* " << region_lab_text(*m.mean_lab) << "  (follicles and skin together)\n";
    }
    out << "  median     L*a*b* " << region_lab_text(m.lab) << "  spread ±" << fixed(m.lab_std.l, 1) << ", ±"
        << fixed(m.lab_std.a, 1) << ", ±" << fixed(m.lab_std.b, 1) << "  (" << m.pixels << " px)";
    if (std::isfinite(m.lab.l)) out << "  " << colour::lab_d50_to_srgb8(m.lab).hex();
    out << "\n";
    if (m.ita_deg) {
      out << "  ITA°       " << fixed(*m.ita_deg, 1) << " (" << m.ita_class << "), Monk skin tone " << m.monk_tone
          << "\n";
    }
    for (const auto& w : m.warnings) out << "  warning: " << w << "\n";
  }
  for (const auto& w : r.warnings) out << "warning: " << w << "\n";
  return out.str();
}

}  // namespace shadematch::report
