// Students' submissions CSV (files/submissions.hpp, common/csv.hpp). Bad rows are returned, not
// thrown; each must name a line inside the text.
#include <algorithm>

#include "files/submissions.hpp"
#include "fuzz_target.hpp"

using namespace shadematch;

SHADEMATCH_FUZZ_TARGET(submissions) {
  fuzz::expect_input_error([&] {
    const std::string_view text = fuzz::as_text(data, size);
    const files::SubmissionsFile f = files::parse_submissions(text, "fuzz.csv");
    const auto lines = static_cast<int>(std::count(text.begin(), text.end(), '\n')) + 1;
    std::vector<std::string> texts;
    for (const plan::Submission& s : f.rows) texts.insert(texts.end(), {s.student, s.case_id, s.blend});
    fuzz::require_printable(texts);
    for (const auto& e : f.errors) {
      if (e.line < 1 || e.line > lines) fuzz::finding("a bad row's line lies outside the file");
    }
  });
}
