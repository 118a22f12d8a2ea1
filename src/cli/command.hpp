#pragma once
// Subcommand registry. Each src/cli/cmd_*.cpp defines one subcommand and registers it with a
// static `Registration`; main.cpp only dispatches. A subcommand's run() returns the exit code
// and lets InputError / UsageError escape (main maps them, DESIGN.md "Command line").
#include <functional>
#include <string>
#include <vector>

namespace shadematch::cli {

struct Command {
  std::string name;     // "delta-e"
  std::string summary;  // one line for `shadematch --help`
  // args: everything after the subcommand name. Returns the process exit code.
  std::function<int(const std::vector<std::string>& args)> run;
};

std::vector<Command>& registry();

struct Registration {
  explicit Registration(Command c) { registry().push_back(std::move(c)); }
};

}  // namespace shadematch::cli
