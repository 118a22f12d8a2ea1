#include "files/submissions.hpp"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/csv.hpp"
#include "common/error.hpp"

namespace shadematch::files {
namespace {

constexpr std::string_view kHeader = "student,case,session,blend";

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string joined(const std::vector<std::string>& fields) {
  std::string out;
  for (const std::string& f : fields) out += (out.empty() ? "" : ",") + f;
  return out;
}

}  // namespace

SubmissionsFile parse_submissions(std::string_view text, const std::string& source) {
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    throw InputError(source, "empty submissions file: expected a header row '" + std::string(kHeader) +
                                 "' and one row per submission");
  }
  const CsvTable table = parse_csv(text, source);
  // Column positions by (case-insensitive) name.
  std::size_t col[4] = {0, 0, 0, 0};
  const char* names[4] = {"student", "case", "session", "blend"};
  for (std::size_t k = 0; k < 4; ++k) {
    const auto it = std::find_if(table.header.begin(), table.header.end(),
                                 [&](const std::string& h) { return lower(h) == names[k]; });
    if (it == table.header.end()) {
      throw InputError(source, 1, 0,
                       "header: expected the columns '" + std::string(kHeader) + "', found '" + joined(table.header) +
                           "' (no '" + names[k] + "' column)");
    }
    col[k] = static_cast<std::size_t>(it - table.header.begin());
  }
  if (table.rows.empty()) {
    throw InputError(source, "no submissions: the file holds only the header row");
  }
  SubmissionsFile out;
  out.source = source;
  const std::size_t width = table.header.size();
  for (const CsvRow& row : table.rows) {
    if (row.fields.size() != width) {
      out.errors.push_back({row.line, "expected " + std::to_string(width) + " fields (" + joined(table.header) +
                                          "), found " + std::to_string(row.fields.size())});
      continue;
    }
    plan::Submission s;
    s.line = row.line;
    s.student = trim(row.fields[col[0]]);
    s.case_id = trim(row.fields[col[1]]);
    const std::string session = trim(row.fields[col[2]]);
    s.blend = trim(row.fields[col[3]]);
    if (s.student.empty()) {
      out.errors.push_back({row.line, "student: expected a name, found nothing"});
      continue;
    }
    if (s.case_id.empty()) {
      out.errors.push_back({row.line, "case: expected a case id, found nothing"});
      continue;
    }
    int value = 0;
    const auto [end, ec] = std::from_chars(session.data(), session.data() + session.size(), value);
    if (session.empty() || ec != std::errc{} || end != session.data() + session.size()) {
      out.errors.push_back({row.line, "session: expected a whole number, found '" + session + "'"});
      continue;
    }
    s.session = value;
    out.rows.push_back(std::move(s));
  }
  return out;
}

SubmissionsFile load_submissions(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw InputError(path, "is a directory, not a submissions file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path, "cannot read the submissions file (missing or unreadable)");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_submissions(text.str(), path);
}

}  // namespace shadematch::files
