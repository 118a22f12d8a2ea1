#include "common/embedded.hpp"

#include <stdexcept>
#include <string>

namespace shadematch {

std::span<const EmbeddedFile> embedded_files() {
  return embedded_detail::files();
}

std::optional<std::string_view> find_embedded_file(std::string_view name) {
  for (const EmbeddedFile& f : embedded_detail::files()) {
    if (f.name == name) return f.text;
  }
  return std::nullopt;
}

std::string_view embedded_file(std::string_view name) {
  if (auto text = find_embedded_file(name)) return *text;
  throw std::logic_error("calibration/" + std::string(name) + " is not embedded in this build");
}

}  // namespace shadematch
