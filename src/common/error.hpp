#pragma once
// Errors and exit codes shared by every layer (DESIGN.md, "Command line" and "Bad input").
//
// Bad user data throws InputError (exit 1); a malformed command line throws UsageError (exit 2).
// Expected outcomes such as "no usable card" are return values, not exceptions.
#include <stdexcept>
#include <string>

namespace shadematch {

enum class ExitCode : int {
  ok = 0,
  bad_input = 1,  // unreadable or malformed file, invalid value
  usage = 2,      // malformed command line
  no_card = 3,    // no usable card / calibration rejected
};

// One clear line: "FILE:LINE:COL: error: MESSAGE" (position parts left out when unknown).
// Lines and columns count from 1; 0 means "not known".
class InputError : public std::runtime_error {
 public:
  InputError(std::string file, int line, int column, const std::string& message);
  explicit InputError(const std::string& message) : InputError("", 0, 0, message) {}
  InputError(std::string file, const std::string& message) : InputError(std::move(file), 0, 0, message) {}

  const std::string& file() const noexcept { return file_; }
  int line() const noexcept { return line_; }
  int column() const noexcept { return column_; }
  const std::string& message() const noexcept { return message_; }

 private:
  std::string file_;
  int line_;
  int column_;
  std::string message_;
};

// A malformed command line (unknown option, unparsable argument): exit code 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// "FILE:LINE:COL: " prefix (or "FILE: ", or "") for messages built elsewhere.
std::string position_prefix(const std::string& file, int line, int column);

}  // namespace shadematch
