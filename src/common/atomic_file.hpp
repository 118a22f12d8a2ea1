#pragma once
// Files the tool writes are written whole or not at all (DESIGN.md, "Bad input"): the bytes go to a
// temporary file in the same directory, which is then renamed over the target.
#include <string>
#include <string_view>

namespace shadematch {

// Throws InputError(path, …) on failure, leaving no partial file and the old file (if any) intact.
void write_file_atomically(const std::string& path, std::string_view bytes);

}  // namespace shadematch
