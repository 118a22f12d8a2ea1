// shadematch delta-e L,a,b L,a,b [--formula 2000|94|cmc|76] [--json]
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "cli/options.hpp"
#include "colour/delta_e.hpp"
#include "common/error.hpp"

namespace shadematch::cli {
namespace {

int run_delta_e(const std::vector<std::string>& args) {
  po::options_description visible("Options");
  std::string formula_name = "2000";
  visible.add_options()("formula", po::value(&formula_name)->default_value("2000"),
                        "2000 (CIEDE2000), 94 (CIE94, graphic arts), cmc (CMC 2:1) or 76 (ΔE*ab)")(
      "json", "print one JSON object");
  std::vector<std::string> colours;
  po::variables_map vm;
  if (parse_command_line("delta-e",
                         "REFERENCE SAMPLE [--formula 2000|94|cmc|76] [--json]\n\n"
                         "Colour difference between two CIELAB D50 colours, each given as L,a,b.\n"
                         "For CIE94 and CMC the first colour is the reference.",
                         args, visible, vm, &colours)) {
    return 0;
  }
  expect_positionals("delta-e", colours, 2, "two colours L,a,b L,a,b");
  const auto formula = colour::parse_delta_e_formula(formula_name);
  if (!formula) throw UsageError("delta-e: --formula: expected 2000, 94, cmc or 76, found '" + formula_name + "'");
  const colour::Lab reference = parse_lab_argument(colours[0], "delta-e: first colour");
  const colour::Lab sample = parse_lab_argument(colours[1], "delta-e: second colour");
  const double de = colour::delta_e(*formula, reference, sample);
  if (vm.count("json")) {
    nlohmann::json j;
    j["formula"] = std::string(colour::delta_e_formula_name(*formula));
    j["reference_lab"] = {reference.l, reference.a, reference.b};
    j["sample_lab"] = {sample.l, sample.a, sample.b};
    j["delta_e"] = de;
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << std::fixed << std::setprecision(4) << de << "\n";
  }
  return 0;
}

const Registration registration{
    {"delta-e", "colour difference of two CIELAB colours (ΔE00, ΔE94, CMC, ΔE76)", run_delta_e}};

}  // namespace
}  // namespace shadematch::cli
