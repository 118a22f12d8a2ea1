#include "common/error.hpp"

namespace shadematch {

std::string position_prefix(const std::string& file, int line, int column) {
  std::string out;
  if (!file.empty()) {
    out += file;
    if (line > 0) {
      out += ":" + std::to_string(line);
      if (column > 0) out += ":" + std::to_string(column);
    }
    out += ": ";
  }
  return out;
}

InputError::InputError(std::string file, int line, int column, const std::string& message)
    : std::runtime_error(position_prefix(file, line, column) + "error: " + message),
      file_(std::move(file)),
      line_(line),
      column_(column),
      message_(message) {}

}  // namespace shadematch
