#pragma once
// Data files from calibration/ compiled into the binary (cmake/embed_data.cmake), so that the
// tool needs no data directory at run time. Look them up by file name.
#include <optional>
#include <span>
#include <string_view>

namespace shadematch {

struct EmbeddedFile {
  std::string_view name;  // file name within calibration/, e.g. "cie1931_2deg_cmf.csv"
  std::string_view text;
};

namespace embedded_detail {
std::span<const EmbeddedFile> files();
}

// Every embedded file, sorted by name.
std::span<const EmbeddedFile> embedded_files();
// The text of calibration/NAME; throws std::logic_error if it was not embedded (a build mistake).
std::string_view embedded_file(std::string_view name);
std::optional<std::string_view> find_embedded_file(std::string_view name);

}  // namespace shadematch
