#include "files/palette_healing_edit.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "common/error.hpp"
#include "files/yaml_util.hpp"
#include "pigment/healing_parameters.hpp"

namespace shadematch::files {

namespace {

struct Edit {
  std::size_t pos = 0;     // byte offset in the text
  std::size_t length = 0;  // bytes replaced (0: an insertion)
  std::string text;
};

// End of the line holding `pos` (offset of its '\n', or the text's size).
std::size_t line_end(std::string_view text, std::size_t pos) {
  const std::size_t nl = text.find('\n', pos);
  return nl == std::string_view::npos ? text.size() : nl;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path, std::string("cannot read the palette: ") + std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

std::string format_healing_value(double value) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.4g", value);
  return buf;
}

std::string set_healing_values_text(std::string_view text, const HealingValues& values, const std::string& source,
                                    const PaletteParser& parse) {
  (void)parse(text, source);  // the palette must be valid before it is edited
  YAML::Node root = yaml_util::load(text, source);
  const bool crlf = text.find("\r\n") != std::string_view::npos;
  const std::string eol = crlf ? "\r\n" : "\n";
  std::vector<Edit> edits;
  const YAML::Node healing = root["healing"];
  if (!healing) {
    std::string line = "healing: {";
    for (std::size_t i = 0; i < values.size(); ++i) {
      line += (i ? ", " : "") + values[i].first + ": " + format_healing_value(values[i].second);
    }
    line += "}";
    std::string prefix;
    if (!text.empty() && text.back() != '\n') prefix = eol;
    edits.push_back({text.size(), 0, prefix + line + eol});
  } else {
    const bool flow = healing.Style() == YAML::EmitterStyle::Flow;
    // The last key's value (for insertions) and the keys' column (block style).
    std::size_t last_value_end = std::string::npos;
    int key_column = -1;
    for (auto it = healing.begin(); it != healing.end(); ++it) {
      const YAML::Mark km = it->first.Mark();
      if (key_column < 0) key_column = km.column;
      const YAML::Mark vm = it->second.Mark();
      if (it->second.IsScalar() && vm.pos >= 0) {
        const std::size_t end = static_cast<std::size_t>(vm.pos) + it->second.Scalar().size();
        if (last_value_end == std::string::npos || end > last_value_end) last_value_end = end;
      }
    }
    std::string missing_flow, missing_block;
    for (const auto& [key, value] : values) {
      const YAML::Node v = healing[key];
      const std::string formatted = format_healing_value(value);
      if (v) {
        const YAML::Mark m = v.Mark();
        const std::string scalar = v.IsScalar() ? v.Scalar() : std::string();
        const std::size_t pos = m.pos < 0 ? std::string::npos : static_cast<std::size_t>(m.pos);
        if (!v.IsScalar() || pos == std::string::npos || text.substr(pos, scalar.size()) != scalar) {
          throw InputError(source, m.line + 1, m.column + 1,
                           "healing." + key + ": expected a plain number to replace; the palette was not changed");
        }
        edits.push_back({pos, scalar.size(), formatted});
      } else if (flow) {
        missing_flow += ", " + key + ": " + formatted;
      } else {
        missing_block +=
            std::string(static_cast<std::size_t>(std::max(key_column, 0)), ' ') + key + ": " + formatted + eol;
      }
    }
    if (!missing_flow.empty()) {
      if (last_value_end == std::string::npos) {  // `healing: {}`: insert after the brace
        const std::size_t brace = text.find('{', static_cast<std::size_t>(std::max(healing.Mark().pos, 0)));
        if (brace == std::string_view::npos) throw InputError(source, "healing: cannot find the section's '{'");
        edits.push_back({brace + 1, 0, missing_flow.substr(2)});
      } else {
        edits.push_back({last_value_end, 0, missing_flow});
      }
    }
    if (!missing_block.empty()) {
      if (last_value_end == std::string::npos)
        throw InputError(source, "healing: an empty block section cannot be extended");
      const std::size_t end = line_end(text, last_value_end);
      const bool terminated = end < text.size();
      edits.push_back({terminated ? end + 1 : end, 0, (terminated ? std::string() : eol) + missing_block});
    }
  }
  std::sort(edits.begin(), edits.end(), [](const Edit& a, const Edit& b) { return a.pos > b.pos; });
  std::string out(text);
  for (const Edit& e : edits) out.replace(e.pos, e.length, e.text);

  pigment::Palette written;
  try {
    written = parse(out, source);
  } catch (const InputError& e) {
    throw InputError(e.file(), e.line(), e.column(),
                     e.message() + " (in the healing values written; the palette was not changed)");
  }
  // The parser must read back exactly the numbers written, into the model's parameters.
  for (const auto& [key, value] : values) {
    const double want = std::stod(format_healing_value(value));
    const auto& table = pigment::healing_parameter_table();
    const std::string& name = key;  // a structured binding cannot be captured before C++20's P1091 (clang 14)
    const auto row =
        std::find_if(table.begin(), table.end(), [&](const pigment::HealingParameter& r) { return r.name == name; });
    if (row == table.end() || pigment::get(written.healing, *row) != want) {
      throw InputError(source, "healing." + key + ": the edited palette does not read back " +
                                   format_healing_value(value) + "; the palette was not changed");
    }
  }
  return out;
}

pigment::Palette write_healing_values(const std::string& path, const HealingValues& values,
                                      const PaletteParser& parse) {
  const std::string text = read_file(path);
  const std::string after = set_healing_values_text(text, values, path, parse);
  pigment::Palette result = parse(after, path);
  write_file_with_backup(path, after, path + ".bak");
  return result;
}

}  // namespace shadematch::files
