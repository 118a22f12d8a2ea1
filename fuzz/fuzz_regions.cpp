// Regions sidecar YAML (files/regions_file.hpp), then the checks against an image of 4000×3000
// with a card in it (photo::validate_regions), as `measure` runs them.
#include "files/regions_file.hpp"
#include "fuzz_target.hpp"
#include "photo/decode.hpp"
#include "photo/measure.hpp"

using namespace shadematch;

SHADEMATCH_FUZZ_TARGET(regions) {
  fuzz::expect_input_error([&] {
    const auto regions = files::parse_regions_yaml(fuzz::as_text(data, size), "fuzz.regions.yaml");
    std::vector<std::string> names;
    for (const photo::Region& r : regions) names.push_back(r.name);
    fuzz::require_printable(names);
    photo::ImageInfo info;
    info.width = info.stored_width = 4000;
    info.height = info.stored_height = 3000;
    photo::MeasureOptions options;
    options.card_corners = Quad{PointF{100, 100}, {700, 100}, {700, 500}, {100, 500}};
    photo::validate_regions(info, regions, options);
  });
}
