// Blend recipes (pigment::parse_blend) against palettes/house.yaml. A blend that parses is
// formatted and parsed again: it must come back equal (the recipe the reports print is the one a
// student can type).
#include <fstream>
#include <sstream>

#include "files/palette_file.hpp"
#include "fuzz_target.hpp"
#include "pigment/model.hpp"

using namespace shadematch;

namespace {
const pigment::Palette& house() {
  static const pigment::Palette palette = files::load_palette(SHADEMATCH_SOURCE_DIR "/palettes/house.yaml");
  return palette;
}
}  // namespace

SHADEMATCH_FUZZ_TARGET(blend) {
  const pigment::Palette& palette = house();
  fuzz::expect_input_error([&] {
    const pigment::Blend b = pigment::parse_blend(fuzz::as_text(data, size), palette);
    const std::string again = pigment::format_blend(b);
    try {
      if (!(pigment::parse_blend(again, palette) == b)) fuzz::finding(("blend round trip changed: " + again).c_str());
    } catch (const InputError& e) {
      fuzz::finding(e.what());
    }
  });
}
