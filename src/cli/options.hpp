#pragma once
// Shared command-line helpers for subcommands (Boost.Program_options stays in src/cli).
#include <boost/program_options.hpp>
#include <optional>
#include <string>
#include <vector>

#include "colour/types.hpp"

namespace shadematch::cli {

namespace po = boost::program_options;

// Parses `args` against `visible`, every positional argument collected into `positionals` (when
// null, positional arguments are a usage error). Throws UsageError with a one-line message on
// unknown options or bad values. Returns true when --help was asked for, after printing
// "Usage: shadematch NAME USAGE" and the options to stdout.
bool parse_command_line(const std::string& name, const std::string& usage, const std::vector<std::string>& args,
                        const po::options_description& visible, po::variables_map& vm,
                        std::vector<std::string>* positionals = nullptr);

// Throws UsageError "NAME: expected WHAT, found N (see 'shadematch NAME --help')" unless exactly
// `count` positional arguments were given. `what` names them as the usage line does ("one PHOTO").
void expect_positionals(const std::string& name, const std::vector<std::string>& positionals, std::size_t count,
                        const std::string& what);

// "L,a,b" → Lab; throws UsageError naming the option and what was found.
colour::Lab parse_lab_argument(const std::string& text, const std::string& what);
// "x,y,w,h" → integers; throws UsageError.
std::vector<int> parse_int_list(const std::string& text, std::size_t count, const std::string& what);

// True when the stream is a terminal (for colour swatches and progress).
// Today's date in UTC, YYYY-MM-DD: the default of every --today (expiry checks). The only clock
// the tool reads; a fixed --today makes a run independent of the date.
std::string today_utc();

bool stdout_is_terminal();
bool stderr_is_terminal();

}  // namespace shadematch::cli
