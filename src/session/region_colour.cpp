#include "session/region_colour.hpp"

#include <cmath>

#include "common/error.hpp"

namespace shadematch::session {

colour::Lab region_colour(const photo::RegionMeasurement& measured, const std::optional<colour::Lab>& colour,
                          const std::vector<photo::Region>& given, const std::string& regions_source,
                          const std::string& photo_path) {
  if (colour && std::isfinite(colour->l) && std::isfinite(colour->a) && std::isfinite(colour->b)) return *colour;
  const PixelRect& r = measured.rect;
  std::string what = "region '" + measured.name + "' (" + std::to_string(r.x) + "," + std::to_string(r.y) + "," +
                     std::to_string(r.width) + "," + std::to_string(r.height) + ") of " + photo_path +
                     " has no usable pixels";
  what += measured.region_pixels > 0 ? " (all " + std::to_string(measured.region_pixels) + " are clipped or unreadable)"
                                     : "";
  what += measured.name == "hair" ? ": choose a region with unclipped hair and skin"
                                  : ": choose a region of unclipped skin, or take the photo exposed for the skin";
  for (const photo::Region& g : given) {
    if (g.name != measured.name) continue;
    if (g.line > 0) throw InputError(g.origin, g.line, g.column, what);
    throw InputError(photo_path, what + " (from " + g.origin + ")");
  }
  throw InputError(photo_path, what + " (from " + regions_source + ")");
}

}  // namespace shadematch::session
