// shadematch match PHOTO --palette F [--sessions N] [--goal follicle|reduce-contrast|scar] [--top K]
//                  [--hair R] [--scalp R] [--scar R] [--calibration F] [--json] [--html OUT]
// shadematch match --target L,a,b --skin L,a,b --palette F [...]
// Plans every session's target, searches every blend the palette allows and reports the ranked
// blends (DESIGN.md "Session plan and ranking").
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli/arguments.hpp"
#include "cli/command.hpp"
#include "cli/options.hpp"
#include "cli/region_colour.hpp"
#include "colour/types.hpp"
#include "common/error.hpp"
#include "files/calibration_file.hpp"
#include "files/palette_file.hpp"
#include "pigment/model.hpp"
#include "plan/model_predictor.hpp"
#include "plan/search.hpp"
#include "plan/targets.hpp"
#include "report/calibration_report.hpp"
#include "report/html.hpp"
#include "report/match_report.hpp"
#include "report/measure_report.hpp"

namespace shadematch::cli {
namespace {

std::string today_utc() {
  const auto now = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
  const std::chrono::year_month_day ymd{now};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()));
  return buf;
}

const photo::RegionMeasurement* find_region(const report::MeasureResult& m, photo::RegionKind kind) {
  for (const photo::RegionMeasurement& r : m.regions) {
    if (r.kind == kind) return &r;
  }
  return nullptr;
}

int run_match(const std::vector<std::string>& args) {
  po::options_description visible("Options");
  std::string palette_path, goal_name = "follicle", hair, scalp, scar, calibration, html, target, skin, today;
  int sessions = 3;
  int top = 5;
  double coverage = 0.3;
  visible.add_options()
      ("palette", po::value(&palette_path), "the clinic's palette (palettes/*.yaml); required")
      ("sessions", po::value(&sessions)->default_value(3), "planned sessions, 1–10, lighter first, one shade apart")
      ("goal", po::value(&goal_name)->default_value("follicle"), "follicle | reduce-contrast | scar")
      ("top", po::value(&top)->default_value(5), "blends listed per session, 1–50")
      ("hair", po::value(&hair), "x,y,w,h: hair region of PHOTO")
      ("scalp", po::value(&scalp), "x,y,w,h: scalp region of PHOTO")
      ("scar", po::value(&scar), "x,y,w,h: scar region of PHOTO (with --target: the scar's L,a,b)")
      ("calibration", po::value(&calibration), "use a saved calibration instead of the card in PHOTO")
      ("target", po::value(&target), "L,a,b: the hair (follicle) colour, instead of a photo")
      ("skin", po::value(&skin), "L,a,b: the scalp skin colour, with --target")
      ("coverage", po::value(&coverage), "follicle coverage 0–1 for the scar goal with --target (default 0.3)")
      ("accent", "add a darker accent blend for depth to the last session")
      ("include-unavailable", "also search out-of-stock and expired inks")
      ("today", po::value(&today), "YYYY-MM-DD: the date expiry is checked against (default: today, UTC)")
      ("json", "print one JSON object")
      ("html", po::value(&html), "write a self-contained HTML report to this file");
  std::vector<std::string> photos;
  po::variables_map vm;
  if (parse_command_line(
          "match",
          "PHOTO --palette F [--sessions N] [--goal follicle|reduce-contrast|scar] [--top K] [--hair R]\n"
          "       [--scalp R] [--scar R] [--calibration F] [--accent] [--include-unavailable] [--json] [--html OUT]\n"
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

  // Colours: given, or measured in the photo.
  report::MatchReport rep;
  plan::PlanColours colours;
  colours.coverage = coverage;
  if (given) {
    colours.follicle = parse_lab_argument(target, "match: --target");
    colours.scalp = parse_lab_argument(skin, "match: --skin");
    if (vm.count("scar")) colours.scar = parse_lab_argument(scar, "match: --scar");
    if (*goal == plan::Goal::scar && !colours.scar) throw UsageError("match: --goal scar needs --scar L,a,b");
    rep.regions = report::given_regions_json(colours, *goal == plan::Goal::scar, *goal == plan::Goal::scar);
  } else {
    report::MeasureRequest request;
    request.photo = photos[0];
    if (vm.count("calibration")) request.calibration_path = calibration;
    if (vm.count("hair")) request.regions.push_back(parse_region_argument("hair", hair, "match", "--hair"));
    if (vm.count("scalp")) request.regions.push_back(parse_region_argument("scalp", scalp, "match", "--scalp"));
    if (vm.count("scar")) request.regions.push_back(parse_region_argument("scar", scar, "match", "--scar"));
    // For the HTML report: the measurement's overlay (a reduced photo with the regions outlined)
    // goes through a private temporary file and into the page as a data: URI.
    std::optional<std::filesystem::path> overlay_tmp;
    if (vm.count("html")) {
      overlay_tmp = std::filesystem::temp_directory_path() /
                    ("shadematch-match-" + std::to_string(::getpid()) + "-overlay.png");
      request.overlay_path = overlay_tmp->string();
    }
    const report::MeasureResult m = report::run_measure(request);
    if (overlay_tmp) {
      std::ifstream in(*overlay_tmp, std::ios::binary);
      if (in) {
        std::ostringstream bytes;
        bytes << in.rdbuf();
        rep.thumbnail_data_uri = report::data_uri("image/png", bytes.str());
      }
      std::error_code ignored;
      std::filesystem::remove(*overlay_tmp, ignored);
    }
    if (!m.usable()) {
      std::cerr << "shadematch: " << request.photo << ": error: no usable card (" << m.calibration.reason
                << "); give --calibration F (a calibration saved from a photo of the card in the same setup)\n";
      return static_cast<int>(ExitCode::no_card);
    }
    const photo::RegionMeasurement* h = find_region(m, photo::RegionKind::hair);
    const photo::RegionMeasurement* s = find_region(m, photo::RegionKind::scalp);
    if (h == nullptr) {
      throw InputError(request.photo, "no hair region to measure the follicle colour from; give --hair x,y,w,h");
    }
    if (s == nullptr) throw InputError(request.photo, "no scalp region to measure the skin from; give --scalp x,y,w,h");
    // A region with no usable pixel (all clipped) has no colour: say which, where it was given.
    colours.follicle = region_colour(*h, h->follicle_lab, request.regions, m.regions_source, request.photo);
    colours.scalp = region_colour(*s, s->lab, request.regions, m.regions_source, request.photo);
    if (h->coverage) colours.coverage = *h->coverage;
    if (const photo::RegionMeasurement* sc = find_region(m, photo::RegionKind::scar)) {
      colours.scar = region_colour(*sc, sc->lab, request.regions, m.regions_source, request.photo);
    }
    if (*goal == plan::Goal::scar && !colours.scar) {
      throw InputError(request.photo, "--goal scar needs a scar region; give --scar x,y,w,h");
    }
    rep.photo = request.photo;
    rep.calibration = report::calibration_summary_json(m.calibration);
    rep.regions = nlohmann::json::object();
    for (const photo::RegionMeasurement& r : m.regions) rep.regions[r.name] = report::region_json(r);
    rep.warnings = m.warnings;
  }

  const pigment::Palette palette = files::load_palette(palette_path);
  const plan::PlanTargets targets = plan::plan_targets({*goal, sessions, palette.shade_step_dl}, colours);
  const pigment::InkInSkinModel model(palette, targets.substrate);
  const plan::InkInSkinPredictor predictor(model, palette.healing);

  plan::SearchOptions options;
  options.top_k = top;
  options.include_unavailable = vm.count("include-unavailable") > 0;
  options.accent = vm.count("accent") > 0;
  options.today = today;
  // Progress on stderr for searches longer than a second, when someone is watching.
  const auto start = std::chrono::steady_clock::now();
  bool shown = false;
  if (stderr_is_terminal()) {
    options.progress = [&](double f) {
      if (std::chrono::steady_clock::now() - start < std::chrono::seconds(1)) return;
      shown = true;
      std::fprintf(stderr, "\rshadematch: searching blends… %3d%%", static_cast<int>(std::lround(f * 100.0)));
      std::fflush(stderr);
    };
  }
  rep.plan = plan::plan_blends(palette, predictor, targets, options);
  if (shown) std::fprintf(stderr, "\r%*s\r", 40, "");
  rep.palette_name = palette.name;
  rep.palette_source = palette_path;
  rep.today = today;

  if (vm.count("html")) {
    files::write_file_atomically(html, report::match_html(rep));
  }
  if (vm.count("json")) {
    std::cout << report::match_json(rep).dump(2) << "\n";
  } else {
    std::cout << report::match_text(rep, stdout_is_terminal());
  }
  return 0;
}

const Registration registration{
    {"match", "rank the palette's blends for every planned session (from a photo or given colours)", run_match}};

}  // namespace
}  // namespace shadematch::cli
