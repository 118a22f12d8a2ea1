// shadematch measure PHOTO [--calibration F] [--card ID] [--hair R] [--scalp R] [--scar R]
//                          [--region NAME=x,y,w,h]… [--json] [--overlay OUT.png]
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli/arguments.hpp"
#include "cli/command.hpp"
#include "cli/options.hpp"
#include "common/error.hpp"
#include "report/measure_report.hpp"
#include "session/measure.hpp"

namespace shadematch::cli {
namespace {

int run_measure(const std::vector<std::string>& args) {
  po::options_description visible("Options");
  std::string calibration, card = "colorchecker-classic-2014", hair, scalp, scar, overlay;
  std::vector<std::string> named;
  visible.add_options()("calibration", po::value(&calibration),
                        "use a saved calibration (calibrate --save) instead of a card in the photo")(
      "card", po::value(&card)->default_value(card), "reference card id or .yaml file (as for calibrate)")(
      "hair", po::value(&hair), "x,y,w,h: hair region (follicle colour = dark mode, coverage)")(
      "scalp", po::value(&scalp), "x,y,w,h: scalp region (skin median without dots and highlights, ITA°, Monk tone)")(
      "scar", po::value(&scar), "x,y,w,h: scar region")("region", po::value(&named)->composing(),
                                                        "NAME=x,y,w,h: any other region (repeatable)")(
      "json", "print one JSON object")("overlay", po::value(&overlay),
                                       "write a PNG with the measured (or proposed) regions drawn on the photo");
  std::vector<std::string> photos;
  po::variables_map vm;
  if (parse_command_line(
          "measure",
          "PHOTO [--calibration F] [--hair R] [--scalp R] [--scar R] [--region NAME=R]… [--json] [--overlay "
          "OUT.png]\n\n"
          "Measures hair and scalp colour (CIELAB D50) in regions of PHOTO, calibrated by the card in the photo or\n"
          "by --calibration F. R is x,y,w,h in pixels of the photo as displayed. Without region flags the regions\n"
          "come from PHOTO.regions.yaml, or are proposed automatically (reported as such). Exit 3 when the photo\n"
          "has no usable card and no --calibration is given.",
          args, visible, vm, &photos)) {
    return 0;
  }
  expect_positionals("measure", photos, 1, "one PHOTO");
  session::MeasureRequest request;
  request.photo = photos[0];
  request.card_id = card;
  if (vm.count("calibration")) request.calibration_path = calibration;
  if (vm.count("overlay")) {
    if (overlay.empty()) throw UsageError("measure: --overlay: empty path");
    request.overlay_path = overlay;
  }
  if (vm.count("hair")) request.regions.push_back(parse_region_argument("hair", hair, "measure", "--hair"));
  if (vm.count("scalp")) request.regions.push_back(parse_region_argument("scalp", scalp, "measure", "--scalp"));
  if (vm.count("scar")) request.regions.push_back(parse_region_argument("scar", scar, "measure", "--scar"));
  for (const std::string& item : named) request.regions.push_back(parse_named_region_argument(item, "measure"));

  const session::MeasureResult result = session::run_measure(request);
  if (vm.count("json")) {
    std::cout << report::measure_json(result).dump(2) << "\n";
  } else {
    std::cout << report::measure_text(result);
  }
  if (!result.usable()) {
    std::cerr << "shadematch: " << request.photo << ": error: no usable card (" << result.calibration.reason
              << "); give --calibration F (a calibration saved from a photo of the card in the same setup)\n";
    return static_cast<int>(ExitCode::no_card);
  }
  return 0;
}

const Registration registration{
    {"measure", "measure hair and scalp colour in regions of a calibrated photo", run_measure}};

}  // namespace
}  // namespace shadematch::cli
