#pragma once
// SHA-256 (FIPS 180-4) of a file's bytes, as 64 lower-case hex digits: how the history refers to
// a photo or palette without copying it (a later run can tell whether the file at that path is
// still the one recorded). Nettle's implementation (Debian nettle-dev).
#include <string>
#include <string_view>

namespace shadematch::history {

std::string sha256_hex(std::string_view bytes);
// Throws InputError(path, …) when the file cannot be read.
std::string sha256_file_hex(const std::string& path);

}  // namespace shadematch::history
