// Trainer case YAML (files/case_file.hpp).
#include "files/case_file.hpp"
#include "fuzz_target.hpp"

using namespace shadematch;

SHADEMATCH_FUZZ_TARGET(case) {
  fuzz::expect_input_error([&] { files::parse_case_file(fuzz::as_text(data, size), "cases/fuzz.yaml"); });
}
