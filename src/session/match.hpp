#pragma once
// One typed entry point for a match (issue 16's pipeline layer, the part `shadematch serve`
// needs): colours measured in a photo — given as a path or as bytes already in memory — or given
// as values, then session targets, the blend search and the ranked plan. `shadematch match` and
// `POST /api/match` both call run_match(), so the API answers exactly what `match --json` prints
// for the same inputs (match_json below is that JSON).
//
// Decisions:
// - Options are values, checked by the caller (the CLI words its usage errors after its flags,
//   the server after its form fields); run_match throws std::invalid_argument for values no
//   caller may pass (sessions outside 1–10, top_k outside 1–50).
// - A photo in memory names nothing on disk: no sidecar PHOTO.regions.yaml is looked for and no
//   saved calibration can be named; its `name` is only a label in messages and in the JSON.
// - "No usable card" is a result (no_card_reason), not an exception; unreadable or invalid input
//   throws InputError, as every command does.
// - The palette is loaded once by a long-running caller (the server) and shared read-only; the
//   CLI gives its path, read after the photo is measured (the order its errors have always had).
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "photo/measure.hpp"
#include "pigment/palette.hpp"
#include "plan/search.hpp"
#include "plan/targets.hpp"
#include "report/match_report.hpp"

namespace shadematch::session {

struct PhotoInput {
  std::string name;                                        // a path on disk, or the label of `bytes`
  std::shared_ptr<const std::vector<std::uint8_t>> bytes;  // in memory (an upload); null: read `name`
  std::optional<std::string> calibration_path;             // --calibration F (only with a path)
  std::vector<photo::Region> regions;                      // given regions; empty → sidecar → proposed
  bool thumbnail = false;  // also render the photo with card and regions outlined (HTML report)
};

struct MatchRequest {
  std::optional<PhotoInput> photo;                  // the colours are measured in this photo…
  plan::PlanColours given;                          // …or, without a photo, these are the colours (--target/--skin)
  std::shared_ptr<const pigment::Palette> palette;  // loaded already, or null: read palette_source
  std::string palette_source;                       // the palette's path, as reported
  plan::Goal goal = plan::Goal::follicle;
  int sessions = 3;
  plan::SearchOptions search;  // top_k, include_unavailable, accent, today (YYYY-MM-DD), progress
  // Also render the healed preview (photo/preview.hpp): each session's first choice as healed dots
  // on the client's own scalp region beside the measured hair region (a flat skin patch without a
  // photo). `match --preview` and the HTML report.
  bool preview = false;
};

struct MatchResult {
  // The photo has no usable card (calibration rejected; `match` exits 3): only report.photo,
  // report.calibration and report.warnings are filled, no plan was made.
  std::optional<std::string> no_card_reason;
  report::MatchReport report;
  std::string preview_png;  // the healed preview as PNG bytes, when request.preview
};

// Throws InputError for unreadable or invalid photos, palettes and regions, and for a photo
// without a hair or scalp region to measure.
MatchResult run_match(const MatchRequest& request);

// The JSON `shadematch match … --json` prints (report::match_json of a planned result).
nlohmann::json match_json(const MatchResult& result);

}  // namespace shadematch::session
