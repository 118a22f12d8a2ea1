// Palette YAML (files/palette_file.hpp): any bytes parse to a valid palette or throw InputError.
#include "files/palette_file.hpp"
#include "fuzz_target.hpp"

using namespace shadematch;

SHADEMATCH_FUZZ_TARGET(palette) {
  fuzz::expect_input_error([&] {
    const pigment::Palette p = files::parse_palette(fuzz::as_text(data, size), "fuzz.yaml");
    std::vector<std::string> texts{p.name, p.diluent};
    for (const pigment::Ink& ink : p.inks) {
      texts.insert(texts.end(), {ink.id, ink.name, ink.maker, ink.lot, ink.expires.value_or("")});
    }
    fuzz::require_printable(texts);
  });
}
