// shadematch calibrate PHOTO [--card ID] [--corners "x,y x,y x,y x,y"] [--model auto|linear|rootpoly]
//                            [--json] [--overlay OUT.png] [--save OUT.calib.yaml]
#include <array>
#include <cmath>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli/arguments.hpp"
#include "cli/command.hpp"
#include "cli/options.hpp"
#include "common/error.hpp"
#include "files/calibration_file.hpp"
#include "files/card_file.hpp"
#include "photo/calibrate.hpp"
#include "photo/overlay.hpp"
#include "report/calibration_report.hpp"

namespace shadematch::cli {
namespace {

int run_calibrate(const std::vector<std::string>& args) {
  po::options_description visible("Options");
  std::string card_arg = "colorchecker-classic-2014";
  std::string corners_arg, model_arg = "auto", overlay_path, save_path;
  visible.add_options()(
      "card", po::value(&card_arg)->default_value(card_arg),
      "reference card: a built-in id (colorchecker-classic-2014, colorchecker-classic-pre2014; aliases "
      "colorchecker, colorchecker-mini, colorchecker-nano, colorchecker-passport…; spydercheckr-24, the "
      "Datacolor card) or a card .yaml file")("corners", po::value(&corners_arg),
                                              "\"x,y x,y x,y x,y\": patch-grid corners, patch 1 first, clockwise")(
      "model", po::value(&model_arg)->default_value("auto"),
      "auto (lower leave-one-out ΔE00), linear (3×3) or rootpoly (Finlayson 2015)")("json", "print one JSON object")(
      "overlay", po::value(&overlay_path), "write a PNG showing the card outline, patch boxes and ΔE00")(
      "save", po::value(&save_path), "save the calibration for --calibration of measure/match");
  std::vector<std::string> photos;
  po::variables_map vm;
  if (parse_command_line("calibrate",
                         "PHOTO [--card ID] [--corners \"x,y x,y x,y x,y\"] [--model auto|linear|rootpoly] [--json]\n"
                         "                            [--overlay OUT.png] [--save OUT.calib.yaml]\n\n"
                         "Finds the reference card in PHOTO, fits the colour correction and reports how well it\n"
                         "reproduces the card (ΔE00 per patch, leave-one-out). Exit 3 when no usable card is found.",
                         args, visible, vm, &photos)) {
    return 0;
  }
  expect_positionals("calibrate", photos, 1, "one PHOTO");
  photo::CalibrateOptions options;
  if (model_arg != "auto") {
    options.model = photo::parse_correction_model(model_arg);
    if (!options.model)
      throw UsageError("calibrate: --model: expected auto, linear or rootpoly, found '" + model_arg + "'");
  }
  if (vm.count("corners")) options.corners = parse_corners(corners_arg, "calibrate: --corners");
  if (vm.count("overlay") && overlay_path.empty()) throw UsageError("calibrate: --overlay: empty path");
  if (vm.count("save") && save_path.empty()) throw UsageError("calibrate: --save: empty path");

  const photo::CardDefinition card = files::resolve_card(card_arg);
  options.card_id = card.id;
  // The photo is read and decoded once: the overlay is drawn on the image calibration used.
  photo::DecodedImage decoded;
  photo::CalibrationResult result =
      photo::calibrate_file(photos[0], card, options, overlay_path.empty() ? nullptr : &decoded);

  if (!overlay_path.empty()) photo::write_calibration_overlay(overlay_path, decoded, result);
  if (!save_path.empty()) {
    if (result.usable()) {
      files::save_calibration(save_path, result);
    } else {
      result.warnings.push_back("no calibration saved to " + save_path + ": the card was rejected");
    }
  }
  if (vm.count("json")) {
    std::cout << report::calibration_json(result).dump(2) << "\n";
  } else {
    std::cout << report::calibration_text(result);
  }
  if (!result.usable()) {
    std::cerr << "shadematch: " << photos[0] << ": error: no usable card (" << result.reason << ")\n";
    return static_cast<int>(ExitCode::no_card);
  }
  return 0;
}

const Registration registration{
    {"calibrate", "find the reference card in a photo and fit the colour correction", run_calibrate}};

}  // namespace
}  // namespace shadematch::cli
