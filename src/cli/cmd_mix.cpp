// shadematch mix --palette F --blend SPEC --skin L,a,b [--coverage f] [--json]
// Predicts one blend: its masstone, the healed dot in this client's skin and the area appearance.
#include <cmath>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/arguments.hpp"
#include "cli/command.hpp"
#include "cli/options.hpp"
#include "colour/srgb.hpp"
#include "common/error.hpp"
#include "files/palette_file.hpp"
#include "pigment/model.hpp"
#include "report/terminal.hpp"

namespace shadematch::cli {
namespace {

// Default follicle coverage for the area appearance: the dark-pixel fraction of a typical
// shaved-look hair region. Pass the measured one (`measure` reports the hair region's `coverage`).
constexpr double kDefaultCoverage = 0.3;
// Above this ΔE*ab the skin Lab is not reproduced by a real-skin spectrum (pigment/skin.hpp).
constexpr double kSkinWarnDe = 0.5;

nlohmann::json lab_json(const colour::Lab& lab) {
  return {lab.l, lab.a, lab.b};
}

int run_mix(const std::vector<std::string>& args) {
  po::options_description visible("Options");
  std::string palette_path, blend_text, skin_text;
  double coverage = kDefaultCoverage;
  visible.add_options()("palette", po::value(&palette_path), "palette file (palettes/*.yaml)")(
      "blend", po::value(&blend_text),
      "recipe, e.g. \"2 jet-black + 1 warm-brown @ 8:1\" (parts, ink ids, water:pigment)")(
      "skin", po::value(&skin_text), "the client's skin as CIELAB D50 L,a,b (e.g. from `shadematch measure`)")(
      "coverage", po::value(&coverage)->default_value(kDefaultCoverage, "0.3"),
      "follicle coverage 0..1 for the area appearance (the hair region's `coverage` from measure)")(
      "json", "print one JSON object");
  po::variables_map vm;
  if (parse_command_line("mix",
                         "--palette F --blend SPEC --skin L,a,b [--coverage f] [--json]\n\n"
                         "Predicts how a blend heals in a client's skin: masstone Lab, healed dot Lab and\n"
                         "sRGB hex, and the area appearance at the given follicle coverage.",
                         args, visible, vm)) {
    return 0;
  }
  for (const char* required : {"palette", "blend", "skin"}) {
    if (!vm.count(required)) {
      throw UsageError(std::string("mix: --") + required + " is required (see 'shadematch mix --help')");
    }
  }
  if (!std::isfinite(coverage) || coverage < 0.0 || coverage > 1.0) {
    throw UsageError("mix: --coverage: expected a fraction from 0 to 1, found " + std::to_string(coverage));
  }
  const colour::Lab skin_lab = parse_lab_argument(skin_text, "mix: --skin");
  const pigment::Palette palette = files::load_palette(palette_path);
  const pigment::Blend blend = parse_blend_argument(blend_text, palette);

  const pigment::InkInSkinModel model(palette, skin_lab);
  const colour::Lab masstone = model.masstone_lab(blend);
  const colour::Lab dot = model.healed_dot_lab(blend);
  const colour::Lab area = model.area_lab(dot, coverage);
  std::vector<std::string> warnings;
  if (!(model.skin_fit_residual() < kSkinWarnDe)) {
    warnings.push_back("the skin colour " + report::lab_text(skin_lab) +
                       " is outside the range of the NIST skin spectra; " + "its nearest spectrum there is " +
                       report::fixed(model.skin_fit_residual(), 1) +
                       " ΔE*ab away, so a smooth spectrum reproducing the colour is used instead");
  }
  for (const pigment::BlendPart& part : blend.parts) {
    const pigment::Ink* ink = palette.find(part.ink_id);
    if (ink != nullptr && !ink->in_stock) warnings.push_back(ink->id + " is out of stock");
  }

  const std::string recipe = pigment::format_blend(blend);
  if (vm.count("json")) {
    nlohmann::json j;
    j["palette"] = palette_path;
    j["recipe"] = recipe;
    j["inks"] = nlohmann::json::array();
    for (const pigment::BlendPart& part : blend.parts)
      j["inks"].push_back({{"id", part.ink_id}, {"parts", part.parts}});
    j["dilution"] = blend.dilution.label();
    j["masstone_lab"] = lab_json(masstone);
    j["masstone_hex"] = colour::lab_d50_to_srgb8(masstone).hex();
    j["skin_lab"] = lab_json(skin_lab);
    j["predicted_lab"] = lab_json(dot);
    j["predicted_hex"] = colour::lab_d50_to_srgb8(dot).hex();
    j["coverage"] = coverage;
    j["area_lab"] = lab_json(area);
    j["area_hex"] = colour::lab_d50_to_srgb8(area).hex();
    j["warnings"] = warnings;
    std::cout << j.dump(2) << "\n";
  } else {
    const bool tty = stdout_is_terminal();
    auto colour_cell = [&](const colour::Lab& lab) {
      const colour::Srgb8 rgb = colour::lab_d50_to_srgb8(lab);
      return report::lab_text(lab) + "  " + rgb.hex() + (tty ? " " + report::swatch(rgb) : std::string());
    };
    report::TextTable table({"", ""});
    table.add_row({"recipe", recipe});
    table.add_row({"masstone", colour_cell(masstone)});
    table.add_row({"skin", colour_cell(skin_lab)});
    table.add_row({"healed dot", colour_cell(dot)});
    table.add_row({"area (" + report::fixed(100.0 * coverage, 0) + " %)", colour_cell(area)});
    // The header row of the table is empty: print the body only.
    const std::string rendered = table.render();
    std::cout << rendered.substr(rendered.find('\n') + 1);
  }
  for (const std::string& w : warnings) std::cerr << "shadematch: warning: " << w << "\n";
  return 0;
}

const Registration registration{{"mix", "predict how a blend of palette inks heals in a client's skin", run_mix}};

}  // namespace
}  // namespace shadematch::cli
