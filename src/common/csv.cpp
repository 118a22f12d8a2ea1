#include "common/csv.hpp"

#include <charconv>
#include <cmath>

#include "common/error.hpp"
#include "common/utf8.hpp"

namespace shadematch {

std::size_t CsvTable::column(std::string_view name) const {
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (header[i] == name) return i;
  }
  throw InputError(source, 1, 0, "missing column '" + std::string(name) + "' in the header");
}

CsvTable parse_csv(std::string_view text, std::string source) {
  CsvTable table;
  table.source = std::move(source);
  // Names in submissions (students, cases, blends) reach JSON: the file must be UTF-8 (issue 20).
  utf8::require_valid_text(text, table.source);
  // Skip a UTF-8 byte-order mark, which spreadsheet programs like to write.
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);

  std::vector<CsvRow> rows;
  CsvRow row;
  std::string field;
  bool in_quotes = false;
  bool field_started = false;
  int line = 1;
  int quote_line = 0;
  int quote_column = 0;
  int column = 0;
  row.line = 1;

  auto end_field = [&] {
    row.fields.push_back(std::move(field));
    field.clear();
    field_started = false;
  };
  auto end_row = [&] {
    end_field();
    const bool blank = row.fields.size() == 1 && row.fields[0].empty();
    if (!blank) rows.push_back(std::move(row));
    row = CsvRow{};
  };

  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    ++column;
    if (in_quotes) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          ++i;
          ++column;
        } else {
          in_quotes = false;
        }
      } else {
        if (c == '\n') {
          ++line;
          column = 0;
        }
        field += c;
      }
      continue;
    }
    if (c == '"' && !field_started) {
      in_quotes = true;
      field_started = true;
      quote_line = line;
      quote_column = column;
    } else if (c == ',') {
      end_field();
    } else if (c == '\r') {
      // CRLF line ends: the \n that follows ends the row.
    } else if (c == '\n') {
      end_row();
      ++line;
      column = 0;
      row.line = line;
    } else {
      field += c;
      field_started = true;
    }
  }
  if (in_quotes) {
    throw InputError(table.source, quote_line, quote_column, "unterminated quoted field");
  }
  if (field_started || !row.fields.empty() || !field.empty()) end_row();

  if (rows.empty()) throw InputError(table.source, "empty file: expected a header row");
  table.header = std::move(rows.front().fields);
  for (std::string& h : table.header) {
    while (!h.empty() && (h.back() == ' ' || h.back() == '\t')) h.pop_back();
    while (!h.empty() && (h.front() == ' ' || h.front() == '\t')) h.erase(h.begin());
  }
  rows.erase(rows.begin());
  table.rows = std::move(rows);
  return table;
}

double parse_csv_number(const CsvTable& table, const CsvRow& row, std::size_t column) {
  const int col1 = static_cast<int>(column) + 1;
  if (column >= row.fields.size()) {
    throw InputError(
        table.source, row.line, 0,
        "expected at least " + std::to_string(col1) + " fields, found " + std::to_string(row.fields.size()));
  }
  std::string_view s = row.fields[column];
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  double value = 0.0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (s.empty() || ec != std::errc{} || end != s.data() + s.size() || !std::isfinite(value)) {
    throw InputError(table.source, row.line, col1,
                     "field " + std::to_string(col1) + " ('" +
                         table.header.at(std::min(column, table.header.size() - 1)) + "'): expected a number, found '" +
                         std::string(row.fields[column]) + "'");
  }
  return value;
}

}  // namespace shadematch
