#include "report/measure_report.hpp"

#include <cmath>
#include <sstream>

#include "colour/srgb.hpp"
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

}  // namespace

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
