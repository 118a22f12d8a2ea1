// shadematch match PHOTO --palette F [--sessions N] [--goal follicle|reduce-contrast|scar] [--top K]
//                  [--hair R] [--scalp R] [--scar R] [--calibration F] [--json] [--html OUT]
// shadematch match --target L,a,b --skin L,a,b --palette F [...]
// Plans every session's target, searches every blend the palette allows and reports the ranked
// blends (DESIGN.md "Session plan and ranking").
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli/arguments.hpp"
#include "cli/command.hpp"
#include "cli/options.hpp"
#include "colour/types.hpp"
#include "common/atomic_file.hpp"
#include "common/error.hpp"
#include "files/palette_file.hpp"
#include "plan/targets.hpp"
#include "report/html.hpp"
#include "report/match_report.hpp"
#include "session/match.hpp"

namespace shadematch::cli {
namespace {

int run_match(const std::vector<std::string>& args) {
  po::options_description visible("Options");
  std::string palette_path, goal_name = "follicle", hair, scalp, scar, calibration, html, target, skin, today, preview;
  int sessions = 3;
  int top = 5;
  double coverage = 0.3;
  visible.add_options()("palette", po::value(&palette_path), "the clinic's palette (palettes/*.yaml); required")(
      "sessions", po::value(&sessions)->default_value(3), "planned sessions, 1–10, lighter first, one shade apart")(
      "goal", po::value(&goal_name)->default_value("follicle"), "follicle | reduce-contrast | scar")(
      "top", po::value(&top)->default_value(5), "blends listed per session, 1–50")(
      "hair", po::value(&hair), "x,y,w,h: hair region of PHOTO")("scalp", po::value(&scalp),
                                                                 "x,y,w,h: scalp region of PHOTO")(
      "scar", po::value(&scar), "x,y,w,h: scar region of PHOTO (with --target: the scar's L,a,b)")(
      "calibration", po::value(&calibration), "use a saved calibration instead of the card in PHOTO")(
      "target", po::value(&target), "L,a,b: the hair (follicle) colour, instead of a photo")(
      "skin", po::value(&skin), "L,a,b: the scalp skin colour, with --target")(
      "coverage", po::value(&coverage), "follicle coverage 0–1 for the scar goal with --target (default 0.3)")(
      "accent", "add a darker accent blend for depth to the last session")("include-unavailable",
                                                                           "also search out-of-stock and expired inks")(
      "today", po::value(&today), "YYYY-MM-DD: the date expiry is checked against (default: today, UTC)")(
      "json", "print one JSON object")("html", po::value(&html), "write a self-contained HTML report to this file")(
      "preview", po::value(&preview),
      "write a PNG: each session's first choice as healed dots on the scalp, beside the hair");
  std::vector<std::string> photos;
  po::variables_map vm;
  if (parse_command_line(
          "match",
          "PHOTO --palette F [--sessions N] [--goal follicle|reduce-contrast|scar] [--top K] [--hair R]\n"
          "       [--scalp R] [--scar R] [--calibration F] [--accent] [--include-unavailable] [--json] [--html OUT]\n"
          "       [--preview OUT.png]\n"
          "       shadematch match --target L,a,b --skin L,a,b --palette F [...]\n\n"
          "Plans one target per session (lighter first, one shade apart) from the hair and scalp colours of a\n"
          "calibrated photo, or from given colours, and ranks every blend the palette allows for each session.\n"
          "Exit 3 when the photo has no usable card and no --calibration is given.",
          args, visible, vm, &photos)) {
    return 0;
  }
  if (!vm.count("palette")) throw UsageError("match: --palette F is required (see 'shadematch match --help')");
  const auto goal = plan::parse_goal(goal_name);
  if (!goal) throw UsageError("match: --goal: expected follicle, reduce-contrast or scar, found '" + goal_name + "'");
  if (sessions < 1 || sessions > 10) {
    throw UsageError("match: --sessions: expected 1 to 10, found " + std::to_string(sessions));
  }
  if (top < 1 || top > 50) throw UsageError("match: --top: expected 1 to 50, found " + std::to_string(top));
  const bool given = vm.count("target") > 0;
  if (given && !photos.empty()) throw UsageError("match: give either PHOTO or --target/--skin, not both");
  if (!given) expect_positionals("match", photos, 1, "one PHOTO (or --target L,a,b --skin L,a,b)");
  if (given && !vm.count("skin")) throw UsageError("match: --target needs --skin L,a,b");
  if (!given && vm.count("skin")) throw UsageError("match: --skin goes with --target (with a photo, use --scalp R)");
  if (!given && vm.count("coverage")) throw UsageError("match: --coverage goes with --target (a photo measures it)");
  if (!(coverage >= 0.0 && coverage <= 1.0)) {
    throw UsageError("match: --coverage: expected a fraction from 0 to 1, found " + std::to_string(coverage));
  }
  if (vm.count("today")) {
    if (!files::is_iso_date(today)) throw UsageError("match: --today: expected YYYY-MM-DD, found '" + today + "'");
  } else {
    today = today_utc();
  }
  if (vm.count("html") && html.empty()) throw UsageError("match: --html: empty path");
  if (vm.count("preview") && preview.empty()) throw UsageError("match: --preview: empty path");

  // Colours: given, or measured in the photo; then the plan (session/match.hpp).
  session::MatchRequest request;
  request.given.coverage = coverage;
  if (given) {
    request.given.follicle = parse_lab_argument(target, "match: --target");
    request.given.scalp = parse_lab_argument(skin, "match: --skin");
    if (vm.count("scar")) request.given.scar = parse_lab_argument(scar, "match: --scar");
    if (*goal == plan::Goal::scar && !request.given.scar) throw UsageError("match: --goal scar needs --scar L,a,b");
  } else {
    session::PhotoInput photo;
    photo.name = photos[0];
    if (vm.count("calibration")) photo.calibration_path = calibration;
    if (vm.count("hair")) photo.regions.push_back(parse_region_argument("hair", hair, "match", "--hair"));
    if (vm.count("scalp")) photo.regions.push_back(parse_region_argument("scalp", scalp, "match", "--scalp"));
    if (vm.count("scar")) photo.regions.push_back(parse_region_argument("scar", scar, "match", "--scar"));
    photo.thumbnail = vm.count("html") > 0;
    request.photo = std::move(photo);
  }
  request.palette_source = palette_path;
  request.goal = *goal;
  request.sessions = sessions;
  request.search.top_k = top;
  request.search.include_unavailable = vm.count("include-unavailable") > 0;
  request.search.accent = vm.count("accent") > 0;
  request.search.today = today;
  request.preview = vm.count("preview") > 0 || vm.count("html") > 0;
  // Progress on stderr for searches longer than a second, when someone is watching.
  const auto start = std::chrono::steady_clock::now();
  bool shown = false;
  if (stderr_is_terminal()) {
    request.search.progress = [&](double f) {
      if (std::chrono::steady_clock::now() - start < std::chrono::seconds(1)) return;
      shown = true;
      std::fprintf(stderr, "\rshadematch: searching blends… %3d%%", static_cast<int>(std::lround(f * 100.0)));
      std::fflush(stderr);
    };
  }
  const session::MatchResult result = session::run_match(request);
  if (result.no_card_reason) {
    std::cerr << "shadematch: " << result.report.photo << ": error: no usable card (" << *result.no_card_reason
              << "); give --calibration F (a calibration saved from a photo of the card in the same setup)\n";
    return static_cast<int>(ExitCode::no_card);
  }
  if (shown) std::fprintf(stderr, "\r%*s\r", 40, "");
  report::MatchReport rep = result.report;
  if (vm.count("html") && !result.preview_png.empty())
    rep.preview_data_uri = report::data_uri("image/png", result.preview_png);

  if (vm.count("preview")) write_file_atomically(preview, result.preview_png);
  if (vm.count("html")) {
    write_file_atomically(html, report::match_html(rep));
  }
  if (vm.count("json")) {
    std::cout << session::match_json(result).dump(2) << "\n";
  } else {
    std::cout << report::match_text(rep, stdout_is_terminal());
  }
  return 0;
}

const Registration registration{
    {"match", "rank the palette's blends for every planned session (from a photo or given colours)", run_match}};

}  // namespace
}  // namespace shadematch::cli
