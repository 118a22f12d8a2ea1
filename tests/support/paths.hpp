#pragma once
// Where tests find the repository's files and the built binary, and a helper that runs the CLI.
#include <cstdint>
#include <string>
#include <vector>

namespace shadematch::test {

std::string source_dir();     // the repository root
std::string test_data_dir();  // tests/data
std::string binary_path();    // the built shadematch executable
std::string read_text_file(const std::string& path);
// A whole file's bytes; throws std::runtime_error when it cannot be read (a test's own files).
std::vector<std::uint8_t> read_file_bytes(const std::string& path);
// Writes `bytes` to DIR/NAME, replacing it, and returns that path; throws when it cannot.
std::string write_file_bytes(const std::string& dir, const std::string& name, const std::vector<std::uint8_t>& bytes);

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};
// Runs the shadematch binary with `args` (no shell: arguments are passed as they are), stdin
// from /dev/null, capturing stdout and stderr.
RunResult run_cli(const std::vector<std::string>& args);

// A fresh, empty temporary directory (removed at process exit is not promised: tests use unique names).
std::string make_temp_dir(const std::string& prefix);

}  // namespace shadematch::test
