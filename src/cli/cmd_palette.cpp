// shadematch palette ACTION …   — the clinic's palette file.
//   palette validate F…          exit 0 and a one-line summary per file, or the errors (exit 1)
//   palette show F [--json]      table of the inks (id, name, lot, stock, expiry, masstone Lab,
//                                sRGB swatch/hex, colour source) and the dilution steps
//
// Adding an action (e.g. lint, swatches, add, measure): write `int run_palette_NAME(const
// std::vector<std::string>& args)` — args are everything after the action name; parse them with
// parse_command_line("palette NAME", …), return the exit code, let InputError/UsageError escape —
// in its own src/cli/cmd_palette_NAME.cpp (namespace shadematch::cli, external linkage), declare
// it under "Actions defined in other files" below and add one row to kPaletteActions. Help and
// dispatch pick it up from the table.
#include <iostream>
#include <nlohmann/json.hpp>
#include <string_view>

#include "cli/command.hpp"
#include "cli/options.hpp"
#include "colour/srgb.hpp"
#include "common/error.hpp"
#include "files/palette_file.hpp"
#include "report/palette_report.hpp"
#include "report/terminal.hpp"

namespace shadematch::cli {

// Actions defined in other files (see the comment at the top).
int run_palette_measure(const std::vector<std::string>& args);   // cmd_palette_maint.cpp
int run_palette_add(const std::vector<std::string>& args);       // cmd_palette_maint.cpp
int run_palette_lint(const std::vector<std::string>& args);      // cmd_palette_maint.cpp
int run_palette_swatches(const std::vector<std::string>& args);  // cmd_palette_maint.cpp

namespace {

struct PaletteAction {
  std::string_view name;
  std::string_view summary;
  int (*run)(const std::vector<std::string>& args);
};

std::string palette_summary(const pigment::Palette& p) {
  int measured = 0;
  for (const pigment::Ink& ink : p.inks) measured += ink.measured_reflectance ? 1 : 0;
  const std::size_t n = p.inks.size();
  std::string out = "'" + p.name + "', " + std::to_string(n) + (n == 1 ? " ink" : " inks") + " (" +
                    std::to_string(measured) + " measured, " + std::to_string(static_cast<int>(n) - measured) +
                    " from Lab), " + std::to_string(p.dilution.size()) + " dilution steps (" +
                    p.dilution.front().label();
  if (p.dilution.size() > 1) out += " … " + p.dilution.back().label();
  out += "), blends of up to " + std::to_string(p.max_inks) + " inks in " + std::to_string(p.parts_total) + " parts";
  return out;
}

int run_palette_validate(const std::vector<std::string>& args) {
  po::options_description visible("Options");
  std::vector<std::string> paths;
  po::variables_map vm;
  if (parse_command_line("palette validate",
                         "F [F…]\n\nChecks palette files: prints one summary line per valid file, "
                         "the error of each invalid one (exit 1).",
                         args, visible, vm, &paths)) {
    return 0;
  }
  if (paths.empty())
    throw UsageError("palette validate: expected a palette file (see 'shadematch palette validate --help')");
  if (paths.size() == 1) {  // one file: its error is the command's error
    const pigment::Palette p = files::load_palette(paths.front());
    std::cout << paths.front() << ": valid: " << palette_summary(p) << "\n";
    return 0;
  }
  int status = 0;
  for (const std::string& path : paths) {
    try {
      const pigment::Palette p = files::load_palette(path);
      std::cout << path << ": valid: " << palette_summary(p) << "\n";
    } catch (const InputError& e) {
      std::cerr << "shadematch: " << e.what() << "\n";
      status = static_cast<int>(ExitCode::bad_input);
    }
  }
  return status;
}

int run_palette_show(const std::vector<std::string>& args) {
  po::options_description visible("Options");
  visible.add_options()("json", "print one JSON object");
  std::vector<std::string> paths;
  po::variables_map vm;
  if (parse_command_line("palette show",
                         "F [--json]\n\nLists the palette's inks with their masstone colour, and its "
                         "dilution steps, blend limits and healing parameters.",
                         args, visible, vm, &paths)) {
    return 0;
  }
  expect_positionals("palette show", paths, 1, "one palette file");
  const pigment::Palette p = files::load_palette(paths.front());
  if (vm.count("json")) {
    std::cout << report::palette_json(p).dump(2) << "\n";
    return 0;
  }
  const bool tty = stdout_is_terminal();
  using report::Align;
  report::TextTable table({"id", "name", "lot", "stock", "expires", "L*", "a*", "b*", "sRGB", "from"},
                          {Align::left, Align::left, Align::left, Align::left, Align::left, Align::right, Align::right,
                           Align::right, Align::left, Align::left});
  for (const pigment::Ink& ink : p.inks) {
    const colour::Srgb8 rgb = colour::lab_d50_to_srgb8(ink.masstone_lab);
    table.add_row({ink.id, ink.name, ink.lot.empty() ? "-" : ink.lot, ink.in_stock ? "yes" : "no",
                   ink.expires.value_or("-"), report::fixed(ink.masstone_lab.l, 1),
                   report::fixed(ink.masstone_lab.a, 1), report::fixed(ink.masstone_lab.b, 1),
                   tty ? report::swatch(rgb) + " " + rgb.hex() : rgb.hex(),
                   ink.measured_reflectance ? "spectrum" : "Lab"});
  }
  std::cout << p.name << "  (" << p.source << ")\n\n" << table.render() << "\n";
  std::cout << "dilution (" << p.diluent << ", water:pigment):";
  for (const pigment::DilutionStep& s : p.dilution) std::cout << " " << s.label();
  std::cout << "\nblends: up to " << p.max_inks << " inks in " << p.parts_total << " parts\n";
  std::cout << "healing: strength " << report::fixed(p.healing.strength, 2) << ", retention "
            << report::fixed(p.healing.retention, 2) << ", epidermis " << report::fixed(p.healing.epidermis_um, 0)
            << " µm, dermis above the pigment " << report::fixed(p.healing.dermis_above_um, 0) << " µm, pigment layer "
            << report::fixed(p.healing.pigment_layer_um, 0) << " µm, ink_scatter "
            << report::fixed(p.healing.ink_scatter, 2) << ", skin_index " << report::fixed(p.healing.skin_index, 2)
            << ", drawdown_index " << report::fixed(p.healing.drawdown_index, 2)
            << (p.healing.drawdown_specular_included ? " (specular included)" : " (specular excluded)") << "\n";
  std::cout << "plan: shade step ΔL* " << report::fixed(p.shade_step_dl, 1) << "\n";
  return 0;
}

// One row per action; help and dispatch read this table.
constexpr PaletteAction kPaletteActions[] = {
    {"validate", "check palette files; one summary line each, or the errors", run_palette_validate},
    {"show", "list the inks (masstone Lab, sRGB), dilution steps and parameters; --json", run_palette_show},
    {"measure", "calibrated Lab and spread of an ink swatch photographed beside the card", run_palette_measure},
    {"add", "append an ink, keeping the file byte for byte (previous version kept as F.bak)", run_palette_add},
    {"lint", "near-duplicates, expiry, stock, lots, reflectances, hair-colour coverage", run_palette_lint},
    {"swatches", "chart of masstones and healed dots per dilution and skin (PNG or HTML)", run_palette_swatches},
};

std::string action_names() {
  std::string out;
  for (const PaletteAction& a : kPaletteActions) out += (out.empty() ? "" : ", ") + std::string(a.name);
  return out;
}

int run_palette(const std::vector<std::string>& args) {
  if (args.empty())
    throw UsageError("palette: expected an action (" + action_names() + "; see 'shadematch palette --help')");
  if (args.front() == "--help" || args.front() == "-h") {
    std::ostream& out = std::cout;
    out << "Usage: shadematch palette ACTION [ARGS]\n\nActions:\n";
    for (const PaletteAction& a : kPaletteActions) {
      out << "  " << a.name << std::string(a.name.size() < 10 ? 10 - a.name.size() : 1, ' ') << a.summary << "\n";
    }
    out << "\n'shadematch palette ACTION --help' describes one action.\n";
    return 0;
  }
  for (const PaletteAction& a : kPaletteActions) {
    if (a.name == args.front()) return a.run(std::vector<std::string>(args.begin() + 1, args.end()));
  }
  throw UsageError("palette: unknown action '" + args.front() + "' (expected one of: " + action_names() + ")");
}

const Registration registration{
    {"palette", "the clinic's palette file (validate, show, measure, add, lint, swatches)", run_palette}};

}  // namespace
}  // namespace shadematch::cli
