#pragma once
// `match --preview OUT.png` (and the HTML report's "Healed preview"): what each session's
// first-choice blend will look like healed, drawn as dots on the client's own scalp, beside the
// measured hair region, so the technician looks instead of reading numbers.
//
// Layout: one panel per session (session 1 on the left), then the hair panel, each
// kPreviewPanel × kPreviewPanel pixels with its label underneath.
//  * Scalp: the photo's scalp region, scaled to the panel, its colours shifted so that its median
//    shows the measured (calibrated) scalp Lab: per channel, in linear sRGB, the gain that takes the
//    region's median to the measured colour (the photo's texture, the calibrated colour). Without a
//    photo (--target/--skin), a flat patch of the skin colour.
//  * Dots: the first choice's predicted healed dot Lab, as round dots of a fixed size (1/40 of the
//    panel), at density k/N of the hair's follicle coverage for session k of N (SMP builds the
//    density up over the sessions), at positions from a fixed-seed jittered grid so that the same
//    plan always draws the same picture.
//  * Hair: the photo's hair region shifted the same way to its measured Lab (or, without a
//    photo, the follicle colour as dots at the full coverage on the skin).
// Colours are shown through sRGB (colour/srgb.hpp); out-of-gamut ones are clipped.
#include <optional>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "colour/types.hpp"
#include "common/geometry.hpp"
#include "photo/decode.hpp"

namespace shadematch::photo {

inline constexpr int kPreviewPanel = 240;

struct PreviewSession {
  std::string label;               // "Session 1: 1 jet-black @ 8:1"
  std::optional<colour::Lab> dot;  // empty: no blend for this session (the panel shows the skin)
  double density = 0.0;            // fraction of the panel covered by dots, 0..1
};

struct PreviewInput {
  const DecodedImage* image = nullptr;  // optional: the photo the regions belong to
  std::optional<PixelRect> scalp_rect;  // displayed full-photo pixels
  std::optional<PixelRect> hair_rect;
  colour::Lab skin;       // measured scalp (or given skin)
  colour::Lab hair;       // measured hair region (or the follicle colour)
  double coverage = 0.3;  // the hair's follicle coverage
  std::vector<PreviewSession> sessions;
};

// The preview as a CV_8UC3 BGR image.
cv::Mat render_healed_preview(const PreviewInput& input);
// Renders and writes a PNG, whole or not at all. InputError(path, …) when it cannot be written.
void write_healed_preview(const std::string& path, const PreviewInput& input);
// The PNG bytes (for the HTML report's data: URI).
std::string encode_healed_preview_png(const PreviewInput& input);

}  // namespace shadematch::photo
