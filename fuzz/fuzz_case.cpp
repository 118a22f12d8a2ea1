// Trainer case YAML (files/case_file.hpp).
#include "files/case_file.hpp"
#include "fuzz_target.hpp"

using namespace shadematch;

SHADEMATCH_FUZZ_TARGET(case) {
  fuzz::expect_input_error([&] {
    const files::CaseFile f = files::parse_case_file(fuzz::as_text(data, size), "cases/fuzz.yaml");
    std::vector<std::string> texts;
    for (const files::CaseSpec& c : f.cases)
      texts.insert(texts.end(), {c.id, c.title, c.palette_path, c.photo_path, c.card});
    fuzz::require_printable(texts);
  });
}
