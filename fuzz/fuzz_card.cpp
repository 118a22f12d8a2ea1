// Card definition YAML (files/card_file.hpp).
#include "files/card_file.hpp"
#include "fuzz_target.hpp"

using namespace shadematch;

SHADEMATCH_FUZZ_TARGET(card) {
  fuzz::expect_input_error([&] { files::parse_card(fuzz::as_text(data, size), "fuzz.yaml"); });
}
