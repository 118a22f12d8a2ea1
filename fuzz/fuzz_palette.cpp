// Palette YAML (files/palette_file.hpp): any bytes parse to a valid palette or throw InputError.
#include "files/palette_file.hpp"
#include "fuzz_target.hpp"

using namespace shadematch;

SHADEMATCH_FUZZ_TARGET(palette) {
  fuzz::expect_input_error([&] { files::parse_palette(fuzz::as_text(data, size), "fuzz.yaml"); });
}
