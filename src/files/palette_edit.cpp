#include "files/palette_edit.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "common/csv.hpp"
#include "common/error.hpp"

namespace shadematch::files {
namespace {

struct Line {
  std::size_t begin = 0;  // offset of the first character
  std::size_t end = 0;    // offset just past the line's terminator ("\n"), or text.size()
  std::string_view body;  // without the terminator
};

std::vector<Line> split_lines(std::string_view text) {
  std::vector<Line> lines;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t nl = text.find('\n', pos);
    const std::size_t stop = nl == std::string_view::npos ? text.size() : nl;
    std::string_view body = text.substr(pos, stop - pos);
    if (!body.empty() && body.back() == '\r') body.remove_suffix(1);
    const std::size_t end = nl == std::string_view::npos ? text.size() : nl + 1;
    lines.push_back({pos, end, body});
    pos = end;
  }
  return lines;
}

int indentation(std::string_view line) {
  const std::size_t n = line.find_first_not_of(' ');
  return n == std::string_view::npos ? static_cast<int>(line.size()) : static_cast<int>(n);
}

bool blank(std::string_view line) {
  return line.find_first_not_of(" \t") == std::string_view::npos;
}

bool comment(std::string_view line) {
  const std::size_t n = line.find_first_not_of(" \t");
  return n != std::string_view::npos && line[n] == '#';
}

// YAML reads these plain scalars as something other than the string (booleans, null, numbers)
// or they start with an indicator character; such strings are double-quoted.
bool plain_is_safe(std::string_view s) {
  if (s.empty()) return false;
  static const char* const specials[] = {"true", "false", "yes", "no", "on", "off", "null", "~", "y", "n"};
  std::string lower(s);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (const char* sp : specials) {
    if (lower == sp) return false;
  }
  if (!std::isalpha(static_cast<unsigned char>(s.front()))) return false;  // numbers, indicators
  if (s.back() == ' ') return false;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x80) continue;  // UTF-8 text is fine in a plain scalar
    if (!(std::isalnum(u) || c == ' ' || c == '-' || c == '_' || c == '.' || c == '/' || c == '(' || c == ')' ||
          c == '\'')) {
      return false;
    }
  }
  return true;
}

std::string yaml_string(std::string_view s) {
  if (plain_is_safe(s)) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned>(static_cast<unsigned char>(c)));
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

std::string number(double v) {
  if (!std::isfinite(v)) return ".nan";  // refused by the re-parse, with its position
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

bool valid_id(std::string_view id) {
  return !id.empty() && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

std::string read_whole_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path, std::string("cannot read the palette: ") + std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw InputError(path, "cannot read the palette");
  return ss.str();
}

std::string directory_of(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

// Writes bytes to a fresh temporary file next to `path`; returns its name. Throws InputError.
std::string write_temporary(const std::string& path, std::string_view bytes, mode_t mode) {
  std::string name = path + ".tmp-XXXXXX";
  std::vector<char> buf(name.begin(), name.end());
  buf.push_back('\0');
  const int fd = ::mkstemp(buf.data());
  if (fd < 0) {
    throw InputError(path, std::string("cannot write (temporary file in ") + directory_of(path) +
                               "): " + std::strerror(errno) + "; nothing was changed");
  }
  name.assign(buf.data());
  auto fail = [&](const char* what) {
    const int e = errno;
    ::close(fd);
    ::unlink(name.c_str());
    throw InputError(path, std::string("cannot write: ") + what + ": " + std::strerror(e) + "; nothing was changed");
  };
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("write");
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fchmod(fd, mode) != 0) fail("chmod");
  if (::fsync(fd) != 0) fail("fsync");
  if (::close(fd) != 0) {
    const int e = errno;
    ::unlink(name.c_str());
    throw InputError(path, std::string("cannot write: close: ") + std::strerror(e) + "; nothing was changed");
  }
  return name;
}

void rename_or_throw(const std::string& from, const std::string& to, const std::string& reported) {
  if (std::rename(from.c_str(), to.c_str()) != 0) {
    const int e = errno;
    ::unlink(from.c_str());
    throw InputError(reported, "cannot replace " + to + ": " + std::strerror(e) + "; nothing was changed");
  }
}

}  // namespace

std::string format_ink_item(const NewInk& ink, int dash_indent, int key_indent, std::string_view eol) {
  const std::string dash = std::string(static_cast<std::size_t>(dash_indent), ' ') + "-" +
                           std::string(static_cast<std::size_t>(std::max(1, key_indent - dash_indent - 1)), ' ');
  const std::string pad(static_cast<std::size_t>(key_indent), ' ');
  std::string out = dash + "id: " + yaml_string(ink.id) + std::string(eol);
  auto key = [&](const std::string& k, const std::string& v) { out += pad + k + ": " + v + std::string(eol); };
  key("name", yaml_string(ink.name));
  if (!ink.maker.empty()) key("maker", yaml_string(ink.maker));
  if (!ink.lot.empty()) key("lot", yaml_string(ink.lot));
  if (ink.expires) key("expires", yaml_string(*ink.expires));
  if (ink.in_stock) key("in_stock", *ink.in_stock ? "true" : "false");
  if (ink.lab) key("lab", "[" + number(ink.lab->l) + ", " + number(ink.lab->a) + ", " + number(ink.lab->b) + "]");
  if (!ink.reflectance.empty()) {
    std::string values;
    for (double v : ink.reflectance) values += (values.empty() ? "" : ", ") + number(v);
    key("reflectance",
        "{start_nm: " + number(ink.start_nm) + ", step_nm: " + number(ink.step_nm) + ", values: [" + values + "]}");
  }
  return out;
}

std::string insert_ink_text(std::string_view text, const NewInk& ink, const std::string& source) {
  const std::vector<Line> lines = split_lines(text);
  std::size_t inks_line = lines.size();
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string_view b = lines[i].body;
    if (b.rfind("inks:", 0) == 0) {
      std::string_view rest = b.substr(5);
      const std::size_t n = rest.find_first_not_of(" \t");
      if (n != std::string_view::npos && rest[n] != '#') {
        throw InputError(source, static_cast<int>(i + 1), static_cast<int>(6 + n),
                         "'inks:' is written in flow style; 'palette add' appends to a block list "
                         "(one '- id: …' item per ink)");
      }
      inks_line = i;
      break;
    }
  }
  if (inks_line == lines.size()) {
    throw InputError(source, "no top-level 'inks:' list to add the ink to");
  }
  // The block: every following line up to the next content line at column 0.
  std::size_t last_content = inks_line;
  int dash_indent = -1;
  int key_indent = -1;
  for (std::size_t i = inks_line + 1; i < lines.size(); ++i) {
    const std::string_view b = lines[i].body;
    if (blank(b)) continue;
    const int ind = indentation(b);
    if (comment(b)) {
      if (ind > 0) last_content = i;  // an indented comment belongs to the inks
      continue;
    }
    if (ind == 0 && b[0] != '-') break;  // the next top-level key (or "---" / "...")
    if (b.rfind("---", 0) == 0 || b.rfind("...", 0) == 0) break;
    last_content = i;
    if (dash_indent < 0 && b[static_cast<std::size_t>(ind)] == '-') {
      dash_indent = ind;
      const std::size_t k = b.find_first_not_of(' ', static_cast<std::size_t>(ind) + 1);
      key_indent = k == std::string_view::npos ? ind + 2 : static_cast<int>(k);
    }
  }
  if (dash_indent < 0) {  // an empty list: the style DESIGN.md shows
    dash_indent = 2;
    key_indent = 4;
  }
  const bool crlf = text.find("\r\n") != std::string_view::npos;
  const std::string_view eol = crlf ? "\r\n" : "\n";
  const Line& after = lines[last_content];
  std::string out;
  out.reserve(text.size() + 256);
  out.append(text.substr(0, after.end));
  const bool terminated = after.end > after.begin && text[after.end - 1] == '\n';
  if (!terminated) out.append(eol);
  out.append(format_ink_item(ink, dash_indent, key_indent, eol));
  out.append(text.substr(after.end));
  return out;
}

std::string add_ink_text(std::string_view text, const NewInk& ink, const std::string& source,
                         const PaletteParser& parse) {
  if (!valid_id(ink.id)) {
    throw InputError(source, "--id: expected lower-case letters, digits and '-' ([a-z0-9-]+), found '" + ink.id + "'");
  }
  if (ink.name.empty()) throw InputError(source, "--name: the ink needs a name");
  const int colours = (ink.lab ? 1 : 0) + (ink.reflectance.empty() ? 0 : 1);
  if (colours != 1) throw InputError(source, "the ink needs exactly one colour: a Lab or a reflectance");
  const pigment::Palette before = parse(text, source);
  if (const pigment::Ink* existing = before.find(ink.id)) {
    throw InputError(source, existing->source_line, 0,
                     "an ink with id '" + ink.id + "' already exists; choose another id");
  }
  std::string after = insert_ink_text(text, ink, source);
  try {
    (void)parse(after, source);
  } catch (const InputError& e) {
    throw InputError(e.file(), e.line(), e.column(),
                     e.message() + " (in the ink being added; the palette was not changed)");
  }
  return after;
}

pigment::Palette add_ink_to_file(const std::string& path, const NewInk& ink, const PaletteParser& parse) {
  const std::string text = read_whole_file(path);
  const std::string after = add_ink_text(text, ink, path, parse);
  pigment::Palette result = parse(after, path);
  write_file_with_backup(path, after, path + ".bak");
  return result;
}

void write_file_with_backup(const std::string& path, std::string_view bytes, const std::string& backup_path) {
  mode_t mode = 0644;
  struct stat st {};
  const bool exists = ::stat(path.c_str(), &st) == 0;
  if (exists) mode = st.st_mode & 07777;
  const std::string temp = write_temporary(path, bytes, mode);
  if (exists && !backup_path.empty()) {
    std::string previous;
    try {
      previous = read_whole_file(path);
      const std::string backup_temp = write_temporary(backup_path, previous, mode);
      rename_or_throw(backup_temp, backup_path, path);
    } catch (...) {
      ::unlink(temp.c_str());
      throw;
    }
  }
  rename_or_throw(temp, path, path);
}

void read_reflectance_csv(std::string_view text, const std::string& source, NewInk& ink) {
  const CsvTable table = parse_csv(text, source);
  if (table.header.size() != 2) {
    throw InputError(
        source, 1, 1,
        "expected two columns (wavelength in nm, reflectance), found " + std::to_string(table.header.size()));
  }
  std::vector<double> wl;
  std::vector<double> values;
  for (const CsvRow& row : table.rows) {
    if (row.fields.size() != 2) {
      throw InputError(source, row.line, 1, "expected 2 fields, found " + std::to_string(row.fields.size()));
    }
    wl.push_back(parse_csv_number(table, row, 0));
    values.push_back(parse_csv_number(table, row, 1));
  }
  if (wl.size() < 2) throw InputError(source, "a reflectance needs at least two wavelengths");
  const double step = wl[1] - wl[0];
  for (std::size_t i = 1; i < wl.size(); ++i) {
    if (!(std::abs(wl[i] - wl[i - 1] - step) < 1e-6) || !(step > 0)) {
      throw InputError(source, table.rows[i].line, 1,
                       "wavelengths must rise in equal steps (" + number(step) + " nm after " + number(wl[0]) +
                           "), found " + number(wl[i]) + " after " + number(wl[i - 1]));
    }
  }
  const bool percent = std::any_of(values.begin(), values.end(), [](double v) { return v > 1.5; });
  if (percent) {
    for (double& v : values) v /= 100.0;
  }
  ink.start_nm = wl[0];
  ink.step_nm = step;
  ink.reflectance = std::move(values);
}

}  // namespace shadematch::files
