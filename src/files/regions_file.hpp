#pragma once
// The regions sidecar, PHOTO.regions.yaml (issue 4): the regions to measure in PHOTO, used by
// `shadematch measure|match PHOTO` when no region flag is given. Coordinates are pixels of the
// photo as displayed (after EXIF orientation), like the --hair/--scalp/--region flags.
//
//   schema: shadematch-regions/1        # optional
//   regions:
//     hair: [1200, 400, 300, 200]       # a rectangle x, y, w, h
//     scalp: {rect: [1200, 700, 300, 200]}
//     scar: {polygon: [[1500, 900], [1620, 910], [1600, 1010], [1490, 990]]}   # ≥ 3 points
//
// Names: [A-Za-z0-9_-]+; "hair", "scalp" and "scar" get their special statistics
// (photo/measure.hpp). Unknown keys, wrong types, non-integers and negative numbers are errors
// naming file:line:column; the region checks that need the image (inside it, off the card) are
// photo::validate_regions'.
#include <string>
#include <string_view>
#include <vector>

#include "photo/measure.hpp"

namespace shadematch::files {

// Throws InputError(source, line, column, …). Regions keep the file order; each carries its
// source position (Region::origin/line/column) for later errors.
std::vector<photo::Region> parse_regions_yaml(std::string_view text, const std::string& source);
// Reads `path` and parses it (InputError when unreadable).
std::vector<photo::Region> load_regions_file(const std::string& path);
// PHOTO + ".regions.yaml".
std::string regions_sidecar_path(const std::string& photo_path);

}  // namespace shadematch::files
