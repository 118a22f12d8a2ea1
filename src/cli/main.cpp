// shadematch: pigment-shade matching for scalp micropigmentation. The CLI only dispatches to a
// subcommand (src/cli/cmd_*.cpp) and maps errors to the exit codes of DESIGN.md.
#include <algorithm>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "cli/command.hpp"
#include "common/error.hpp"
#include "common/utf8.hpp"
#include "shadematch_version.hpp"

namespace shadematch::cli {

std::vector<Command>& registry() {
  static std::vector<Command> commands;
  return commands;
}

namespace {

void print_help(std::ostream& out) {
  out << "shadematch " SHADEMATCH_VERSION
         " — choose scalp micropigmentation ink from a calibrated photo\n\n"
         "Usage: shadematch COMMAND [OPTIONS]\n"
         "       shadematch COMMAND --help\n\n"
         "Commands:\n";
  std::vector<Command> sorted = registry();
  std::sort(sorted.begin(), sorted.end(), [](const Command& a, const Command& b) { return a.name < b.name; });
  for (const Command& c : sorted) {
    out << "  " << c.name << std::string(c.name.size() < 12 ? 12 - c.name.size() : 1, ' ') << c.summary << "\n";
  }
  out << "\nExit codes: 0 success, 1 bad input, 2 usage error, 3 no usable card / calibration rejected.\n"
         "Colours are CIELAB D50 (CIE 1931 2° observer); ΔE is CIEDE2000 unless stated.\n";
}

int run(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  // Arguments become text in reports and JSON (ink names, region names, paths): a command line
  // that is not UTF-8 is malformed (issue 20), refused here once for every subcommand.
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (!utf8::valid(args[i])) {
      throw UsageError("argument " + std::to_string(i + 1) + " ('" + utf8::repair(args[i]) +
                       "') is not valid UTF-8 text");
    }
  }
  if (args.empty()) {
    print_help(std::cerr);
    return static_cast<int>(ExitCode::usage);
  }
  const std::string& first = args.front();
  if (first == "--help" || first == "-h" || first == "help") {
    print_help(std::cout);
    return 0;
  }
  if (first == "--version" || first == "-V") {
    std::cout << "shadematch " SHADEMATCH_VERSION "\n";
    return 0;
  }
  for (const Command& c : registry()) {
    if (c.name == first) return c.run(std::vector<std::string>(args.begin() + 1, args.end()));
  }
  throw UsageError("unknown command '" + first + "' (see 'shadematch --help')");
}

}  // namespace
}  // namespace shadematch::cli

int main(int argc, char** argv) {
  using shadematch::ExitCode;
  try {
    return shadematch::cli::run(argc, argv);
  } catch (const shadematch::UsageError& e) {
    std::cerr << "shadematch: error: " << e.what() << "\n";
    return static_cast<int>(ExitCode::usage);
  } catch (const shadematch::InputError& e) {
    std::cerr << "shadematch: " << e.what() << "\n";
    return static_cast<int>(ExitCode::bad_input);
  } catch (const std::bad_alloc&) {
    std::cerr << "shadematch: error: out of memory\n";
    return static_cast<int>(ExitCode::bad_input);
  } catch (const std::exception& e) {
    std::cerr << "shadematch: internal error: " << e.what() << "\n";
    return 70;  // EX_SOFTWARE: a bug, not the user's input
  }
}
