#include "plan/lint.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <stdexcept>

#include "colour/delta_e.hpp"
#include "colour/skin_tone.hpp"
#include "colour/spectral.hpp"
#include "pigment/model.hpp"
#include "plan/describe.hpp"
#include "plan/model_predictor.hpp"
#include "plan/search.hpp"
#include "plan/targets.hpp"

namespace shadematch::plan {
namespace {

std::string fmt(double v, int decimals = 1) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string lab_text(const colour::Lab& lab) {
  return "L*a*b* " + fmt(lab.l) + ", " + fmt(lab.a) + ", " + fmt(lab.b);
}

std::optional<std::chrono::sys_days> parse_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  int parts[3] = {0, 0, 0};
  const std::size_t starts[3] = {0, 5, 8};
  const std::size_t lengths[3] = {4, 2, 2};
  for (int k = 0; k < 3; ++k) {
    for (std::size_t i = 0; i < lengths[k]; ++i) {
      const char c = text[starts[k] + i];
      if (c < '0' || c > '9') return std::nullopt;
      parts[k] = parts[k] * 10 + (c - '0');
    }
  }
  const std::chrono::year_month_day ymd{std::chrono::year{parts[0]},
                                        std::chrono::month{static_cast<unsigned>(parts[1])},
                                        std::chrono::day{static_cast<unsigned>(parts[2])}};
  if (!ymd.ok()) return std::nullopt;
  return std::chrono::sys_days{ymd};
}

void check_reflectance(const pigment::Ink& ink, std::vector<LintFinding>& out) {
  if (!ink.measured_reflectance) return;  // upsampled spectra are smooth and in range by construction
  const colour::Spectrum& r = *ink.measured_reflectance;
  for (std::size_t i = 0; i < colour::kSpectrumBands; ++i) {
    const double v = r[i];
    const std::string at = fmt(colour::band_wavelength_nm(i), 0) + " nm";
    if (!std::isfinite(v) || v <= 0.0 || v > 1.0) {
      out.push_back({LintKind::implausible_reflectance, ink.id, ink.source_line,
                     "reflectance " + fmt(v, 3) + " at " + at + " is outside (0, 1]"});
      return;
    }
    if (v < kMinPlausibleReflectance) {
      out.push_back({LintKind::implausible_reflectance, ink.id, ink.source_line,
                     "reflectance " + fmt(v, 4) + " at " + at + " is darker than any drawdown measures (< " +
                         fmt(kMinPlausibleReflectance, 3) + ")"});
      return;
    }
  }
  for (std::size_t i = 1; i + 1 < colour::kSpectrumBands; ++i) {
    const double second = std::abs(r[i - 1] - 2.0 * r[i] + r[i + 1]);
    if (second > kMaxSecondDifference) {
      out.push_back({LintKind::rough_reflectance, ink.id, ink.source_line,
                     "reflectance bends by " + fmt(second, 3) + " at " + fmt(colour::band_wavelength_nm(i), 0) +
                         " nm (a real pigment stays below " + fmt(kMaxSecondDifference, 2) + ")"});
      return;
    }
  }
  auto reversal = [&](std::size_t i) {  // direction change at band i with steps > kZigzagStep
    const double before = r[i] - r[i - 1];
    const double after = r[i + 1] - r[i];
    return before * after < 0.0 && std::min(std::abs(before), std::abs(after)) > kZigzagStep;
  };
  for (std::size_t i = 1; i + 2 < colour::kSpectrumBands; ++i) {
    if (reversal(i) && reversal(i + 1)) {
      out.push_back({LintKind::rough_reflectance, ink.id, ink.source_line,
                     "reflectance zigzags at " + fmt(colour::band_wavelength_nm(i), 0) + "–" +
                         fmt(colour::band_wavelength_nm(i + 1), 0) +
                         " nm (noise or a typing error; pigment spectra are smooth at 10 nm)"});
      return;
    }
  }
}

// Plans one target on a skin's grid and returns the closest listed blend by ΔE00.
double closest_de00(const CandidateGrid& grid, const colour::Lab& skin, const colour::Lab& target,
                    const LintOptions& options, const RankedBlend** best_out, PlanResult* keep) {
  PlanTargets targets;
  targets.substrate = skin;
  targets.final_target = target;
  targets.sessions = {target};
  targets.shade_step_dl = grid.palette().shade_step_dl;
  SearchOptions search;
  search.top_k = 10;                  // the closest blend by ΔE00 is among the best few by score
  search.include_unavailable = true;  // stock and dates are findings of their own
  search.today = options.today;
  search.threads = options.threads;
  search.reachable_targets = false;  // the distance to the target itself, not to its nearest reachable colour
  *keep = plan_on_grid(grid, targets, search);
  const RankedBlend* closest = nullptr;
  for (const RankedBlend& b : keep->sessions.front().blends) {
    if (closest == nullptr || b.de00 < closest->de00) closest = &b;
  }
  if (best_out != nullptr) *best_out = closest;
  return closest != nullptr ? closest->de00 : std::numeric_limits<double>::infinity();
}

// The closest any palette could come: two ideal inks, one with the hair's own reflectance and an
// ideal black (flat kIdealBlackReflectance), with the palette's dilutions, blend grid and healing.
// The healed colour closest to the hair that the ideal palette reaches (the hair colour itself when
// it comes within ΔE00 3); `de00` receives the ideal palette's distance to the hair.
colour::Lab healable_target(const pigment::Palette& palette, const ReferenceSkin& skin, const HairColour& hair,
                            const LintOptions& options, double& de00) {
  pigment::Palette ideal = palette;
  ideal.inks.clear();
  pigment::Ink own;
  own.id = "hair-colour";
  own.name = own.id;
  own.measured_reflectance = eumelanin_hair_reflectance(hair.melanin_tau);
  pigment::Ink black;
  black.id = "ideal-black";
  black.name = black.id;
  black.measured_reflectance = colour::Spectrum::constant(kIdealBlackReflectance);
  for (pigment::Ink* ink : {&own, &black}) {
    pigment::complete_ink_reflectance(*ink);
    ideal.inks.push_back(*ink);
  }
  ideal.max_inks = std::max(1, std::min(2, palette.max_inks));
  PlanResult keep;
  const RankedBlend* best = nullptr;
  de00 = closest_de00(coverage_grid(ideal, skin.lab, options), skin.lab, hair.lab, options, &best, &keep);
  return best != nullptr && de00 > kCoverageDe00 ? best->predicted : hair.lab;
}

void check_coverage(const pigment::Palette& palette, const LintOptions& options, LintReport& report) {
  if (palette.inks.empty()) return;
  std::map<std::string, int> lacks_count;
  for (const ReferenceSkin& skin : options.skins) {
    std::optional<CandidateGrid> grid;  // the palette's grid in this skin, predicted once for every hair colour
    for (const HairColour& hair : options.hair) {
      const std::string pair = hair.name + " hair on " + skin.name + " skin";
      if (skin.lab.l - hair.lab.l < kMinContrastL) {
        ++report.targets_skipped;
        report.skipped.push_back(pair + ": not darker than the skin (ink only darkens)");
        continue;
      }
      double ideal = 0;
      const colour::Lab target = healable_target(palette, skin, hair, options, ideal);
      if (ideal > kCoverageDe00) {
        report.beyond_ink.push_back(pair + ": the closest any ink heals is ΔE00 " + fmt(ideal) + " away (" +
                                    lab_text(target) + "); checked against that");
      }
      ++report.targets_checked;
      const RankedBlend* closest = nullptr;
      PlanResult result;
      if (!grid) grid.emplace(coverage_grid(palette, skin.lab, options));
      closest_de00(*grid, skin.lab, target, options, &closest, &result);
      if (closest != nullptr && closest->de00 <= kCoverageDe00) continue;
      CoverageGap gap;
      gap.hair = hair.name;
      gap.skin = skin.name;
      gap.target = target;
      if (closest != nullptr) {
        gap.closest_recipe = closest->recipe;
        gap.closest = closest->predicted;
        gap.de00 = closest->de00;
        gap.lacks = missing_ink(target, closest->predicted);
      } else {
        gap.lacks = "a usable ink";
      }
      ++lacks_count[gap.lacks];
      std::string message = hair.name + " hair (healed target " + lab_text(target) + ") on " + skin.name + " skin: ";
      message += closest != nullptr ? "closest blend " + closest->recipe + " is ΔE00 " + fmt(closest->de00) + " away"
                                    : "no blend";
      message += "; the palette lacks " + gap.lacks;
      report.findings.push_back({LintKind::coverage_gap, "", 0, message});
      report.gaps.push_back(std::move(gap));
    }
  }
  std::vector<std::pair<std::string, int>> lacks(lacks_count.begin(), lacks_count.end());
  std::stable_sort(lacks.begin(), lacks.end(), [](const auto& x, const auto& y) { return x.second > y.second; });
  for (const auto& [what, count] : lacks) report.lacks.push_back(what);
}

}  // namespace

CandidateGrid coverage_grid(const pigment::Palette& palette, const colour::Lab& skin, const LintOptions& options) {
  const pigment::InkInSkinModel model(palette, skin);
  const InkInSkinPredictor predictor(model, palette.healing);
  GridOptions grid;
  grid.include_unavailable = true;  // stock and dates are findings of their own
  grid.today = options.today;
  grid.threads = options.threads;
  return CandidateGrid(palette, predictor, GridAppearance{Appearance::dot, skin, 0.0}, grid);
}

std::string_view lint_kind_name(LintKind kind) {
  switch (kind) {
    case LintKind::near_duplicate:
      return "near-duplicate";
    case LintKind::expired:
      return "expired";
    case LintKind::expiring_soon:
      return "expiring-soon";
    case LintKind::out_of_stock:
      return "out-of-stock";
    case LintKind::missing_lot:
      return "missing-lot";
    case LintKind::implausible_reflectance:
      return "implausible-reflectance";
    case LintKind::rough_reflectance:
      return "rough-reflectance";
    case LintKind::coverage_gap:
      return "coverage-gap";
  }
  return "?";
}

colour::Spectrum eumelanin_hair_reflectance(double melanin_tau) {
  colour::Spectrum r;
  for (std::size_t i = 0; i < colour::kSpectrumBands; ++i) {
    const double lambda = colour::band_wavelength_nm(i);
    r[i] = 0.04 + 0.55 * std::exp(-melanin_tau * std::pow(lambda / 500.0, -3.48));
  }
  return r;
}

std::vector<HairColour> natural_hair_grid() {
  // τ spaced roughly geometrically: equal steps in τ look unequal (the dark end saturates).
  const std::pair<const char*, double> grid[] = {
      {"light brown", 1.5}, {"medium brown", 3.0}, {"dark brown", 5.0}, {"very dark brown", 8.0}, {"black", 12.0}};
  std::vector<HairColour> out;
  for (const auto& [name, tau] : grid) {
    out.push_back({name, tau, colour::spectrum_to_lab_d50(eumelanin_hair_reflectance(tau))});
  }
  return out;
}

std::vector<ReferenceSkin> reference_skins() {
  std::vector<ReferenceSkin> out;
  const std::pair<const char*, int> picks[] = {{"light", 2}, {"medium", 5}, {"dark", 8}};
  for (const auto& [name, level] : picks) {
    for (const colour::MonkTone& tone : colour::monk_tones()) {
      if (tone.level == level) out.push_back({std::string(name) + " (Monk " + std::to_string(level) + ")", tone.lab});
    }
  }
  return out;
}

std::optional<long> days_between(std::string_view from, std::string_view to) {
  const auto a = parse_date(from);
  const auto b = parse_date(to);
  if (!a || !b) return std::nullopt;
  return static_cast<long>((*b - *a).count());
}

LintReport lint_palette(const pigment::Palette& palette, const LintOptions& options) {
  if (!parse_date(options.today)) {
    throw std::invalid_argument("lint_palette: today is not a YYYY-MM-DD date: '" + options.today + "'");
  }
  LintReport report;
  for (std::size_t i = 0; i < palette.inks.size(); ++i) {
    const pigment::Ink& ink = palette.inks[i];
    for (std::size_t j = 0; j < i; ++j) {
      const pigment::Ink& other = palette.inks[j];
      const double de = colour::delta_e_2000(other.masstone_lab, ink.masstone_lab);
      if (de < kNearDuplicateDe00) {
        report.findings.push_back(
            {LintKind::near_duplicate, ink.id, ink.source_line,
             "masstone is ΔE00 " + fmt(de, 2) + " from '" + other.id + "' (below 1: the two cannot be told apart)"});
      }
    }
    if (ink.expires) {
      const auto days = days_between(options.today, *ink.expires);
      if (days && *days < 0) {
        report.findings.push_back(
            {LintKind::expired, ink.id, ink.source_line,
             "lot " + (ink.lot.empty() ? std::string("(no lot)") : ink.lot) + " expired " + *ink.expires});
      } else if (days && *days <= kSoonDays) {
        report.findings.push_back({LintKind::expiring_soon, ink.id, ink.source_line,
                                   "lot " + (ink.lot.empty() ? std::string("(no lot)") : ink.lot) + " expires " +
                                       *ink.expires + ", in " + std::to_string(*days) + " days (within " +
                                       std::to_string(kSoonDays) + ")"});
      }
    }
    if (!ink.in_stock) {
      report.findings.push_back({LintKind::out_of_stock, ink.id, ink.source_line, "out of stock"});
    }
    if (ink.lot.empty()) {
      report.findings.push_back({LintKind::missing_lot, ink.id, ink.source_line, "no lot number"});
    }
    check_reflectance(ink, report.findings);
  }
  if (options.coverage) check_coverage(palette, options, report);
  return report;
}

}  // namespace shadematch::plan
