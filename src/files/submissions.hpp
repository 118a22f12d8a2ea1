#pragma once
// Students' submissions for `shadematch grade` (issue 7): a CSV file with a header row
//
//   student,case,session,blend
//   ana,shaved-dark-brown,1,"2 jet-black + 1 warm-brown @ 8:1"
//
// Columns may come in any order and extra columns (notes, dates) are ignored; fields are trimmed.
// A blend holding commas is quoted (RFC 4180). The file as a whole is refused (InputError, exit 1)
// when it is empty, has only a header, or lacks one of the four columns. A bad row (wrong number of
// fields, empty student or case, session not a whole number) is returned in `errors` with its line
// and the rest are kept: grading checks the case, the session's range and the blend.
#include <string>
#include <string_view>
#include <vector>

#include "plan/grade.hpp"

namespace shadematch::files {

struct SubmissionsFile {
  std::string source;
  std::vector<plan::Submission> rows;
  std::vector<plan::RowError> errors;
};

SubmissionsFile parse_submissions(std::string_view text, const std::string& source);
// Reads PATH (InputError when missing or unreadable) and parses it.
SubmissionsFile load_submissions(const std::string& path);

}  // namespace shadematch::files
