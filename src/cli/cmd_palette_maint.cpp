// Clinic palette maintenance (issue 8), actions of `shadematch palette`:
//   palette measure PHOTO --roi x,y,w,h [--calibration F] [--json]
//   palette add F --id ID --name NAME (--lab L,a,b | --reflectance CSV | --photo P --roi R [--calibration C])
//               [--maker M] [--lot L] [--expires YYYY-MM-DD] [--in-stock yes|no]
//   palette lint F [--today YYYY-MM-DD] [--no-coverage] [--json]
//   palette swatches F --out OUT.png|OUT.html [--skin L,a,b]…
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/command.hpp"
#include "cli/options.hpp"
#include "colour/srgb.hpp"
#include "common/error.hpp"
#include "files/palette_edit.hpp"
#include "files/palette_file.hpp"
#include "plan/lint.hpp"
#include "report/calibration_report.hpp"
#include "report/swatch.hpp"
#include "session/swatch_image.hpp"
#include "session/swatch_measure.hpp"

namespace shadematch::cli {
namespace {

nlohmann::json lab_json(const colour::Lab& lab) {
  return nlohmann::json::array({lab.l, lab.a, lab.b});
}

std::string fmt(double v, int decimals = 1) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string lab_text(const colour::Lab& lab) {
  return fmt(lab.l) + ", " + fmt(lab.a) + ", " + fmt(lab.b);
}

PixelRect parse_roi(const std::string& text, const std::string& what) {
  const std::vector<int> v = parse_int_list(text, 4, what);
  return {v[0], v[1], v[2], v[3]};
}

// Exit 3 with the calibration's reason when the photo has no usable card.
int report_no_card(const photo::CalibrationResult& calibration) {
  std::cerr << "shadematch: " << calibration.photo << ": error: no usable card: " << calibration.reason << "\n";
  return static_cast<int>(ExitCode::no_card);
}

}  // namespace

// ---- palette measure ----------------------------------------------------------------------------

int run_palette_measure(const std::vector<std::string>& args) {
  po::options_description visible("Options");
  std::string roi_text;
  std::string calibration_path;
  visible.add_options()("roi", po::value(&roi_text), "the swatch, x,y,w,h in pixels of the photo as displayed")(
      "calibration", po::value(&calibration_path), "a saved calibration (calibrate --save) instead of the card")(
      "json", "print one JSON object");
  std::vector<std::string> positional_args;
  po::variables_map vm;
  if (parse_command_line("palette measure",
                         "PHOTO --roi x,y,w,h [--calibration F] [--json]\n\n"
                         "Calibrated CIELAB D50 and spread of an ink drawdown or swatch "
                         "photographed beside the reference card.",
                         args, visible, vm, &positional_args)) {
    return 0;
  }
  expect_positionals("palette measure", positional_args, 1, "one PHOTO");
  if (roi_text.empty()) throw UsageError("palette measure: --roi x,y,w,h is required");
  const PixelRect roi = parse_roi(roi_text, "palette measure: --roi");
  photo::CalibrationResult calibration;
  const auto m = session::measure_swatch(
      positional_args[0], roi, calibration_path.empty() ? std::nullopt : std::optional<std::string>(calibration_path),
      calibration);
  if (!m) return report_no_card(calibration);
  const colour::Srgb8 srgb = colour::lab_d50_to_srgb8(m->lab);
  if (vm.count("json")) {
    nlohmann::json j;
    j["photo"] = m->photo;
    j["roi"] = {m->roi.x, m->roi.y, m->roi.width, m->roi.height};
    j["lab"] = lab_json(m->lab);
    j["lab_std"] = lab_json(m->lab_std);
    j["spread_de00"] = m->spread_de00;
    j["pixels"] = m->pixels;
    j["hex"] = srgb.hex();
    j["uniform"] = m->uniform;
    j["too_small"] = m->too_small;
    j["calibration"] = {{"source", m->calibration_source},
                        {"fit",
                         {{"model", m->fit.model},
                          {"de00_mean", m->fit.de00_mean},
                          {"de00_max", m->fit.de00_max},
                          {"loo_de00_mean", m->fit.loo_de00_mean},
                          {"loo_de00_max", m->fit.loo_de00_max}}},
                        {"verdict", m->verdict}};
    j["warnings"] = m->warnings;
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << "swatch " << m->roi.x << "," << m->roi.y << "," << m->roi.width << "," << m->roi.height << " of "
              << m->photo << "\n"
              << "  Lab D50   " << lab_text(m->lab) << "   (" << srgb.hex() << ")\n"
              << "  spread    " << lab_text(m->lab_std) << "   (ΔE00 " << fmt(m->spread_de00) << ")\n"
              << "  pixels    " << m->pixels << "\n"
              << "  calibration: " << m->calibration_source << ", " << m->fit.model << ", leave-one-out ΔE00 mean "
              << fmt(m->fit.loo_de00_mean, 2) << " (" << m->verdict << ")\n"
              << "  for the palette: lab: [" << lab_text(m->lab) << "]\n";
    for (const std::string& w : m->warnings) std::cerr << "shadematch: warning: " << w << "\n";
  }
  return 0;
}

// ---- palette add --------------------------------------------------------------------------------

int run_palette_add(const std::vector<std::string>& args) {
  po::options_description visible("Options");
  files::NewInk ink;
  std::string lab_text_arg;
  std::string reflectance_path;
  std::string photo_path;
  std::string roi_text;
  std::string calibration_path;
  std::string expires;
  std::string in_stock;
  visible.add_options()("id", po::value(&ink.id), "ink id, [a-z0-9-]+, not already in the palette")(
      "name", po::value(&ink.name), "ink name")("lab", po::value(&lab_text_arg), "masstone L,a,b (CIELAB D50)")(
      "reflectance", po::value(&reflectance_path), "masstone reflectance CSV: wavelength_nm,reflectance")(
      "photo", po::value(&photo_path), "measure the masstone from a photo of a swatch beside the card (with --roi)")(
      "roi", po::value(&roi_text), "the swatch in --photo, x,y,w,h")(
      "calibration", po::value(&calibration_path), "saved calibration for --photo instead of the card")(
      "maker", po::value(&ink.maker), "maker")("lot", po::value(&ink.lot), "lot number")(
      "expires", po::value(&expires), "lot expiry date YYYY-MM-DD")("in-stock", po::value(&in_stock), "yes or no");
  std::vector<std::string> positional_args;
  po::variables_map vm;
  if (parse_command_line("palette add",
                         "F --id ID --name NAME (--lab L,a,b | --reflectance CSV | --photo P --roi R)\n"
                         "       [--maker M] [--lot L] [--expires YYYY-MM-DD] [--in-stock yes|no]\n\n"
                         "Appends an ink to the palette file F, keeping everything already in it byte for byte.\n"
                         "The result must validate; the previous version is kept as F.bak.",
                         args, visible, vm, &positional_args)) {
    return 0;
  }
  expect_positionals("palette add", positional_args, 1, "one palette file F");
  if (!vm.count("id") || !vm.count("name")) throw UsageError("palette add: --id and --name are required");
  const int colours = (vm.count("lab") ? 1 : 0) + (vm.count("reflectance") ? 1 : 0) + (vm.count("photo") ? 1 : 0);
  if (colours != 1) {
    throw UsageError("palette add: give the ink's colour exactly one way: --lab, --reflectance or --photo with --roi");
  }
  if (vm.count("photo") != vm.count("roi")) throw UsageError("palette add: --photo and --roi go together");
  if (vm.count("calibration") && !vm.count("photo")) throw UsageError("palette add: --calibration needs --photo");
  if (vm.count("expires")) ink.expires = expires;
  if (vm.count("in-stock")) {
    if (in_stock == "yes") {
      ink.in_stock = true;
    } else if (in_stock == "no") {
      ink.in_stock = false;
    } else {
      throw UsageError("palette add: --in-stock: expected yes or no, found '" + in_stock + "'");
    }
  }
  const std::string& palette_path = positional_args[0];
  if (vm.count("lab")) ink.lab = parse_lab_argument(lab_text_arg, "palette add: --lab");
  if (vm.count("reflectance")) {
    std::ifstream in(reflectance_path, std::ios::binary);
    if (!in) throw InputError(reflectance_path, "cannot read the reflectance CSV");
    std::ostringstream ss;
    ss << in.rdbuf();
    files::read_reflectance_csv(ss.str(), reflectance_path, ink);
  }
  if (vm.count("photo")) {
    photo::CalibrationResult calibration;
    const auto m = session::measure_swatch(
        photo_path, parse_roi(roi_text, "palette add: --roi"),
        calibration_path.empty() ? std::nullopt : std::optional<std::string>(calibration_path), calibration);
    if (!m) return report_no_card(calibration);
    for (const std::string& w : m->warnings) std::cerr << "shadematch: warning: " << w << "\n";
    ink.lab = colour::Lab{std::round(m->lab.l * 100) / 100, std::round(m->lab.a * 100) / 100,
                          std::round(m->lab.b * 100) / 100};
    std::cout << "measured " << ink.id << " from " << photo_path << ": Lab " << lab_text(*ink.lab) << "\n";
  }
  const pigment::Palette result = files::add_ink_to_file(
      palette_path, ink,
      [](std::string_view text, const std::string& source) { return files::parse_palette(text, source); });
  const pigment::Ink* added = result.find(ink.id);
  std::cout << "added " << ink.id << " (" << ink.name << ", masstone Lab "
            << (added != nullptr ? lab_text(added->masstone_lab) : std::string("?")) << ") to " << palette_path
            << "; previous version kept as " << palette_path << ".bak\n";
  return 0;
}

// ---- palette lint -------------------------------------------------------------------------------

int run_palette_lint(const std::vector<std::string>& args) {
  po::options_description visible("Options");
  std::string today;
  visible.add_options()("today", po::value(&today), "the date to judge expiry by, YYYY-MM-DD (default: today, UTC)")(
      "no-coverage", "skip the coverage check (hair colours × reference skins)")("json", "print one JSON object");
  std::vector<std::string> positional_args;
  po::variables_map vm;
  if (parse_command_line(
          "palette lint",
          "F [--today YYYY-MM-DD] [--no-coverage] [--json]\n\n"
          "Checks a palette for near-duplicate inks (masstone ΔE00 < 1), expired lots and lots expiring within\n"
          "60 days, out-of-stock inks, missing lot numbers, implausible or non-smooth reflectances, and which\n"
          "natural hair colours (light brown to black) on light, medium and dark skin (Monk 2, 5, 8) no blend\n"
          "reaches within ΔE00 3. Exit 0 when clean, 1 with findings.",
          args, visible, vm, &positional_args)) {
    return 0;
  }
  expect_positionals("palette lint", positional_args, 1, "one palette file F");
  if (!vm.count("today")) {
    today = today_utc();
  } else if (!files::is_iso_date(today)) {  // an empty --today '' is a mistake, not "today"
    throw UsageError("palette lint: --today: expected a date YYYY-MM-DD, found '" + today + "'");
  }
  const std::string& path = positional_args[0];
  const pigment::Palette palette = files::load_palette(path);
  plan::LintOptions options;
  options.today = today;
  options.coverage = vm.count("no-coverage") == 0;
  const plan::LintReport rep = plan::lint_palette(palette, options);
  if (vm.count("json")) {
    nlohmann::json j;
    j["palette"] = path;
    j["today"] = today;
    j["clean"] = rep.clean();
    j["findings"] = nlohmann::json::array();
    for (const plan::LintFinding& f : rep.findings) {
      j["findings"].push_back({{"kind", std::string(plan::lint_kind_name(f.kind))},
                               {"ink", f.ink_id},
                               {"line", f.line},
                               {"message", f.message}});
    }
    nlohmann::json cov;
    cov["checked"] = options.coverage;
    cov["targets_checked"] = rep.targets_checked;
    cov["targets_skipped"] = rep.targets_skipped;
    cov["skipped"] = rep.skipped;
    cov["gaps"] = nlohmann::json::array();
    for (const plan::CoverageGap& g : rep.gaps) {
      cov["gaps"].push_back({{"hair", g.hair},
                             {"skin", g.skin},
                             {"target_lab", lab_json(g.target)},
                             {"closest_recipe", g.closest_recipe},
                             {"closest_lab", lab_json(g.closest)},
                             {"de00", g.de00},
                             {"lacks", g.lacks}});
    }
    cov["lacks"] = rep.lacks;
    j["coverage"] = cov;
    std::cout << j.dump(2) << "\n";
  } else {
    for (const plan::LintFinding& f : rep.findings) {
      if (f.kind == plan::LintKind::coverage_gap) continue;
      std::cout << path << ":" << (f.line > 0 ? std::to_string(f.line) + ":" : std::string()) << " "
                << plan::lint_kind_name(f.kind) << ": " << f.ink_id << ": " << f.message << "\n";
    }
    if (options.coverage) {
      std::cout << "coverage: " << rep.targets_checked << " hair colour × skin targets checked (" << rep.targets_skipped
                << " skipped: hair not darker than the skin); " << rep.gaps.size() << " not reached within ΔE00 3\n";
      for (const plan::CoverageGap& g : rep.gaps) {
        std::cout << "  " << g.hair << " hair (" << lab_text(g.target) << ") on " << g.skin << " skin: "
                  << (g.closest_recipe.empty() ? std::string("no blend")
                                               : "closest " + g.closest_recipe + ", ΔE00 " + fmt(g.de00))
                  << "\n";
      }
      if (!rep.lacks.empty()) {
        std::cout << "coverage: the palette lacks ";
        for (std::size_t i = 0; i < rep.lacks.size(); ++i) std::cout << (i ? "; " : "") << rep.lacks[i];
        std::cout << "\n";
      }
    }
    std::cout << (rep.clean() ? "clean" : std::to_string(rep.findings.size()) + " finding(s)") << "\n";
  }
  return rep.clean() ? 0 : static_cast<int>(ExitCode::bad_input);
}

// ---- palette swatches ---------------------------------------------------------------------------

int run_palette_swatches(const std::vector<std::string>& args) {
  po::options_description visible("Options");
  std::string out;
  std::vector<std::string> skins_text;
  visible.add_options()("out", po::value(&out), "OUT.png or OUT.html")(
      "skin", po::value(&skins_text), "a skin L,a,b (repeat; default: Monk 2, 5 and 8)");
  std::vector<std::string> positional_args;
  po::variables_map vm;
  if (parse_command_line("palette swatches",
                         "F --out OUT.png|OUT.html [--skin L,a,b]...\n\n"
                         "A chart of every ink's masstone and its predicted healed dot at each dilution step on\n"
                         "three reference skins (or the given ones). Written whole or not at all.",
                         args, visible, vm, &positional_args)) {
    return 0;
  }
  expect_positionals("palette swatches", positional_args, 1, "one palette file F");
  if (out.empty()) throw UsageError("palette swatches: --out OUT.png|OUT.html is required");
  std::vector<report::SwatchSkin> skins;
  for (const std::string& s : skins_text) {
    const colour::Lab lab = parse_lab_argument(s, "palette swatches: --skin");
    skins.push_back({"skin " + lab_text(lab), lab});
  }
  const pigment::Palette palette = files::load_palette(positional_args[0]);
  const report::SwatchChart chart = report::swatch_chart(palette, skins);
  session::write_swatch_chart(out, chart);
  std::cout << "wrote " << out << ": " << chart.rows.size() << " inks × " << chart.skins.size() << " skins × "
            << chart.dilutions.size() << " dilution steps\n";
  return 0;
}

}  // namespace shadematch::cli
