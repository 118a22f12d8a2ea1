// Region, corner and colour arguments (cli/arguments.hpp, cli/options.hpp). The first byte picks
// the argument (so one corpus covers all four), the rest is its text:
//   0 --hair x,y,w,h, then photo::validate_regions on a 4000×3000 photo with a card
//   1 --region NAME=x,y,w,h, the same checks
//   2 --corners "x,y x,y x,y x,y"
//   3 --skin L,a,b
#include <cmath>

#include "cli/arguments.hpp"
#include "cli/options.hpp"
#include "fuzz_target.hpp"
#include "photo/decode.hpp"
#include "photo/measure.hpp"

using namespace shadematch;

SHADEMATCH_FUZZ_TARGET(arguments) {
  if (size == 0) return;
  const std::string text(fuzz::as_text(data + 1, size - 1));
  fuzz::expect_input_or_usage_error([&] {
    photo::ImageInfo info;
    info.width = info.stored_width = 4000;
    info.height = info.stored_height = 3000;
    photo::MeasureOptions options;
    options.card_corners = Quad{PointF{100, 100}, {700, 100}, {700, 500}, {100, 500}};
    switch (data[0] % 4) {
      case 0:
        photo::validate_regions(info, {cli::parse_region_argument("hair", text, "measure", "--hair")}, options);
        break;
      case 1: {
        const photo::Region r = cli::parse_named_region_argument(text, "measure");
        fuzz::require_printable({r.name, r.origin});
        photo::validate_regions(info, {r}, options);
        break;
      }
      case 2:
        for (const PointF& p : cli::parse_corners(text, "calibrate: --corners")) {
          if (!std::isfinite(p.x) || !std::isfinite(p.y) || p.x < 0 || p.y < 0)
            fuzz::finding("a corner out of range passed");
        }
        break;
      default: {
        const colour::Lab lab = cli::parse_lab_argument(text, "mix: --skin");
        if (!std::isfinite(lab.l) || !std::isfinite(lab.a) || !std::isfinite(lab.b))
          fuzz::finding("a non-finite Lab passed");
      }
    }
  });
}
