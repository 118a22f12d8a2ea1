#pragma once
// A small RFC 4180 CSV reader for the reference tables and submission files: header row, comma
// separated, double-quoted fields may hold commas, quotes ("") and newlines. Parsers take text
// (STYLE.md habit 6); `source` names the file in error messages.
#include <string>
#include <string_view>
#include <vector>

namespace shadematch {

struct CsvRow {
  int line = 0;  // 1-based line number where the row starts in the source text
  std::vector<std::string> fields;
};

struct CsvTable {
  std::string source;
  std::vector<std::string> header;
  std::vector<CsvRow> rows;

  // Index of a header column; throws InputError naming the file when it is missing.
  std::size_t column(std::string_view name) const;
};

// Throws InputError(source, line, column, …) on an unterminated quote or an empty text.
// Blank lines are skipped. Rows may have a different field count than the header; callers check.
CsvTable parse_csv(std::string_view text, std::string source);

// Parses a whole field as a finite double; throws InputError naming file, line and column.
double parse_csv_number(const CsvTable& table, const CsvRow& row, std::size_t column);

}  // namespace shadematch
