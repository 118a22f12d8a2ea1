#include "session/match.hpp"

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "common/error.hpp"
#include "files/palette_file.hpp"
#include "photo/decode.hpp"
#include "photo/preview.hpp"
#include "pigment/model.hpp"
#include "plan/model_predictor.hpp"
#include "report/calibration_report.hpp"
#include "report/html.hpp"
#include "report/measure_report.hpp"
#include "session/measure.hpp"
#include "session/region_colour.hpp"

namespace shadematch::session {
namespace {

const photo::RegionMeasurement* find_region(const session::MeasureResult& m, photo::RegionKind kind) {
  for (const photo::RegionMeasurement& r : m.regions) {
    if (r.kind == kind) return &r;
  }
  return nullptr;
}

// A private temporary path for the overlay PNG (unique per process and call: requests run in
// parallel in the server).
std::filesystem::path overlay_temp_path() {
  static std::atomic<unsigned> counter{0};
  return std::filesystem::temp_directory_path() /
         ("shadematch-match-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-overlay.png");
}

// Where the measured regions are, for the healed preview.
struct MeasuredRegions {
  std::optional<PixelRect> scalp_rect, hair_rect;
  colour::Lab hair_region_lab;
};

// Measures the photo's regions into `colours` and the report's photo, calibration, regions and
// warnings. Returns the no-card reason when the photo has no usable card.
std::optional<std::string> measure_photo(const PhotoInput& in, plan::Goal goal, plan::PlanColours& colours,
                                         report::MatchReport& rep, MeasuredRegions& where) {
  session::MeasureRequest request;
  request.photo = in.name;
  request.photo_bytes = in.bytes;
  request.calibration_path = in.calibration_path;
  request.regions = in.regions;
  // For the HTML report: the measurement's overlay (a reduced photo with the regions outlined)
  // goes through a private temporary file and into the page as a data: URI.
  std::optional<std::filesystem::path> overlay_tmp;
  if (in.thumbnail) {
    overlay_tmp = overlay_temp_path();
    request.overlay_path = overlay_tmp->string();
  }
  const session::MeasureResult m = session::run_measure(request);
  if (overlay_tmp) {
    std::ifstream file(*overlay_tmp, std::ios::binary);
    if (file) {
      std::ostringstream bytes;
      bytes << file.rdbuf();
      rep.thumbnail_data_uri = report::data_uri("image/png", bytes.str());
    }
    std::error_code ignored;
    std::filesystem::remove(*overlay_tmp, ignored);
  }
  rep.photo = request.photo;
  rep.calibration = report::calibration_summary_json(m.calibration);
  rep.warnings = m.warnings;
  if (!m.usable()) return m.calibration.reason;
  const photo::RegionMeasurement* h = find_region(m, photo::RegionKind::hair);
  const photo::RegionMeasurement* s = find_region(m, photo::RegionKind::scalp);
  if (h == nullptr) {
    throw InputError(request.photo, "no hair region to measure the follicle colour from; give --hair x,y,w,h");
  }
  if (s == nullptr) throw InputError(request.photo, "no scalp region to measure the skin from; give --scalp x,y,w,h");
  // A region with no usable pixel (all clipped) has no colour: say which, where it was given.
  colours.follicle = region_colour(*h, h->follicle_lab, request.regions, m.regions_source, request.photo);
  colours.scalp = region_colour(*s, s->lab, request.regions, m.regions_source, request.photo);
  where.scalp_rect = s->rect;
  where.hair_rect = h->rect;
  where.hair_region_lab = h->lab;
  if (h->coverage) colours.coverage = *h->coverage;
  if (const photo::RegionMeasurement* sc = find_region(m, photo::RegionKind::scar)) {
    colours.scar = region_colour(*sc, sc->lab, request.regions, m.regions_source, request.photo);
  }
  if (goal == plan::Goal::scar && !colours.scar) {
    throw InputError(request.photo, "--goal scar needs a scar region; give --scar x,y,w,h");
  }
  rep.regions = nlohmann::json::object();
  for (const photo::RegionMeasurement& r : m.regions) rep.regions[r.name] = report::region_json(r);
  return std::nullopt;
}

// The healed preview's PNG. The photo is decoded again, reduced (the panels are small), only for
// the picture.
std::string healed_preview(const MatchRequest& request, const report::MatchReport& rep,
                           const plan::PlanColours& colours, const plan::PlanTargets& targets,
                           const MeasuredRegions& where) {
  std::optional<photo::DecodedImage> image;
  if (request.photo) {
    const PhotoInput& p = *request.photo;
    const photo::EncodedImage file = p.bytes ? photo::EncodedImage{p.name, p.bytes} : photo::read_image_file(p.name);
    image = photo::decode_image(file, photo::reduce_for(photo::probe_image(file), 1600));
  }
  photo::PreviewInput in;
  in.image = image ? &*image : nullptr;
  in.scalp_rect = where.scalp_rect;
  in.hair_rect = where.hair_rect;
  in.skin = targets.substrate;
  in.hair = request.photo ? where.hair_region_lab : colours.follicle;
  in.coverage = colours.coverage;
  const std::size_t n = rep.plan.sessions.size();
  for (const plan::SessionBlends& s : rep.plan.sessions) {
    photo::PreviewSession ps;
    ps.label = "Session " + std::to_string(s.session) + ": " +
               (s.blends.empty() ? std::string("no blend") : s.blends.front().recipe);
    if (!s.blends.empty()) ps.dot = s.blends.front().predicted;
    // Density built up over the sessions: session k of N at k/N of the hair's coverage.
    ps.density = colours.coverage * static_cast<double>(s.session) / static_cast<double>(n);
    in.sessions.push_back(std::move(ps));
  }
  return photo::encode_healed_preview_png(in);
}

}  // namespace

MatchResult run_match(const MatchRequest& request) {
  if (request.sessions < 1 || request.sessions > 10) throw std::invalid_argument("run_match: sessions outside 1–10");
  if (request.search.top_k < 1 || request.search.top_k > 50)
    throw std::invalid_argument("run_match: top_k outside 1–50");
  MatchResult result;
  report::MatchReport& rep = result.report;
  plan::PlanColours colours = request.given;
  MeasuredRegions where;
  if (request.photo) {
    result.no_card_reason = measure_photo(*request.photo, request.goal, colours, rep, where);
    if (result.no_card_reason) return result;
  } else {
    const bool scar = request.goal == plan::Goal::scar;
    rep.regions = report::given_regions_json(colours, scar, scar);
  }

  std::shared_ptr<const pigment::Palette> palette = request.palette;
  if (!palette) palette = std::make_shared<const pigment::Palette>(files::load_palette(request.palette_source));
  const plan::PlanTargets targets =
      plan::plan_targets({request.goal, request.sessions, palette->shade_step_dl}, colours);
  const pigment::InkInSkinModel model(*palette, targets.substrate);
  const plan::InkInSkinPredictor predictor(model, palette->healing);
  rep.plan = plan::plan_blends(*palette, predictor, targets, request.search);
  rep.palette_name = palette->name;
  rep.palette_source = request.palette_source;
  rep.today = request.search.today;
  if (request.preview) result.preview_png = healed_preview(request, rep, colours, targets, where);
  return result;
}

nlohmann::json match_json(const MatchResult& result) {
  return report::match_json(result.report);
}

}  // namespace shadematch::session
