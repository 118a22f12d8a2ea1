#include "report/calibration_report.hpp"

#include <cmath>
#include <cstdio>
#include <sstream>

namespace shadematch::report {
namespace {

nlohmann::json number(double v) {
  return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}

// Two decimals for Lab and ΔE: a thousandth of a ΔE unit is far below any meaning, and stable
// output makes golden comparisons possible.
double round2(double v) {
  return std::round(v * 100.0) / 100.0;
}

nlohmann::json lab_json(const colour::Lab& lab) {
  return nlohmann::json::array({number(round2(lab.l)), number(round2(lab.a)), number(round2(lab.b))});
}

nlohmann::json card_json(const photo::CalibrationResult& r) {
  nlohmann::json card;
  card["id"] = r.card_id;
  if (r.detection.found) {
    nlohmann::json corners = nlohmann::json::array();
    for (const auto& p : r.detection.corners) corners.push_back({round2(p.x), round2(p.y)});
    card["corners"] = corners;
    card["orientation_deg"] = r.detection.orientation_deg;
  } else {
    card["corners"] = nullptr;
    card["orientation_deg"] = nullptr;
  }
  return card;
}

nlohmann::json fit_json(const photo::CalibrationResult& r) {
  if (r.verdict == photo::Verdict::rejected) return nullptr;
  return {{"model", r.fit.model},
          {"linearization", r.fit.linearization},
          {"light_gradient", r.fit.light_gradient},
          {"de00_mean", number(round2(r.fit.de00_mean))},
          {"de00_max", number(round2(r.fit.de00_max))},
          {"loo_de00_mean", number(round2(r.fit.loo_de00_mean))},
          {"loo_de00_max", number(round2(r.fit.loo_de00_max))}};
}

std::string fmt(const char* format, double v) {
  if (!std::isfinite(v)) return "-";
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

std::string pad(std::string s, std::size_t width, bool right = false) {
  // Widths count bytes; the names are ASCII.
  if (s.size() >= width) return s;
  return right ? std::string(width - s.size(), ' ') + s : s + std::string(width - s.size(), ' ');
}

std::string lab_text(const colour::Lab& lab) {
  return pad(fmt("%.1f", lab.l), 6, true) + pad(fmt("%.1f", lab.a), 7, true) + pad(fmt("%.1f", lab.b), 7, true);
}

// The local refinement (photo/calibration.hpp) the measurements apply: null when rejected;
// {applied: false, reason} for a calibration file saved without one (the global fit alone).
nlohmann::json local_refinement_json(const photo::CalibrationResult& r) {
  if (r.verdict == photo::Verdict::rejected) return nullptr;
  const auto& refinement = r.calibration.refinement;
  if (!refinement) {
    return {{"applied", false},
            {"reason", "the calibration file has no refinement (saved before it was kept): the global fit only"}};
  }
  std::size_t neutral = 0;
  for (const photo::FitSample& p : refinement->patches) neutral += p.neutral ? 1 : 0;
  return {{"applied", refinement->patches.size() >= photo::kLocalRefinementMinSamples},
          {"nearest", refinement->nearest},
          {"patches", refinement->patches.size()},
          {"neutral_patches", neutral}};
}

}  // namespace

nlohmann::json calibration_json(const photo::CalibrationResult& r) {
  nlohmann::json j = calibration_summary_json(r);
  nlohmann::json patches = nlohmann::json::array();
  for (const auto& p : r.patches) {
    patches.push_back({{"index", p.index},
                       {"name", p.name},
                       {"reference_lab", lab_json(p.reference_lab)},
                       {"measured_lab", lab_json(p.measured_lab)},
                       {"de00", number(round2(p.de00))},
                       {"loo_de00", number(round2(p.loo_de00))},
                       {"flags", p.flags}});
  }
  j["patches"] = patches;
  j["image"] = {{"width", r.image.width},
                {"height", r.image.height},
                {"camera", r.image.camera},
                {"assumed_srgb", r.assumed_srgb}};
  return j;
}

nlohmann::json calibration_summary_json(const photo::CalibrationResult& r) {
  nlohmann::json j;
  j["photo"] = r.photo;
  j["card"] = card_json(r);
  j["fit"] = fit_json(r);
  j["verdict"] = std::string(photo::verdict_name(r.verdict));
  if (r.verdict == photo::Verdict::rejected) j["reason"] = r.reason;
  j["local_refinement"] = local_refinement_json(r);
  j["warnings"] = r.warnings;
  return j;
}

std::string calibration_text(const photo::CalibrationResult& r) {
  std::ostringstream out;
  out << "Calibration of " << r.photo << " (" << r.image.width << "×" << r.image.height;
  if (!r.image.camera.empty()) out << ", " << r.image.camera;
  out << ")\n";
  out << "Card: " << r.card_id;
  if (r.detection.found) {
    out << ", orientation " << r.detection.orientation_deg << "°, corners";
    for (const auto& p : r.detection.corners) out << " " << fmt("%.0f", p.x) << "," << fmt("%.0f", p.y);
  }
  out << "\n";
  if (!r.patches.empty()) {
    out << "\n  #  " << pad("patch", 22) << pad("reference L a b", 20, true) << pad("measured L a b", 20, true)
        << pad("ΔE00", 8, true) << pad("LOO", 7, true) << "  flags\n";
    for (const auto& p : r.patches) {
      std::string flags;
      for (const auto& f : p.flags) flags += (flags.empty() ? "" : ",") + f;
      out << pad(std::to_string(p.index), 3, true) << "  " << pad(p.name, 22) << lab_text(p.reference_lab)
          << lab_text(p.measured_lab) << pad(fmt("%.2f", p.de00), 6, true) << pad(fmt("%.2f", p.loo_de00), 7, true)
          << (flags.empty() ? "" : "  " + flags) << "\n";
    }
    out << "\nFit: " << r.fit.model << " (linearization: " << r.fit.linearization
        << (r.fit.light_gradient ? ", light gradient" : "") << ")  ΔE00 mean " << fmt("%.2f", r.fit.de00_mean)
        << " max " << fmt("%.2f", r.fit.de00_max) << "  leave-one-out mean " << fmt("%.2f", r.fit.loo_de00_mean)
        << " max " << fmt("%.2f", r.fit.loo_de00_max) << "\n";
  }
  out << "Verdict: " << photo::verdict_name(r.verdict);
  if (r.verdict == photo::Verdict::rejected) out << " (" << r.reason << ")";
  out << "\n";
  for (const auto& w : r.warnings) out << "warning: " << w << "\n";
  return out.str();
}

}  // namespace shadematch::report
