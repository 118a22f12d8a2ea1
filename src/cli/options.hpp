#pragma once
// Shared command-line helpers for subcommands (Boost.Program_options stays in src/cli).
#include <boost/program_options.hpp>
#include <optional>
#include <string>
#include <vector>

#include "colour/types.hpp"

namespace shadematch::cli {

namespace po = boost::program_options;

// Parses `args` against `visible` (+ hidden positionals). Throws UsageError with a one-line
// message on unknown options or bad values. Returns true when --help was asked for, after
// printing "Usage: shadematch NAME USAGE" and the options to stdout.
bool parse_command_line(const std::string& name, const std::string& usage, const std::vector<std::string>& args,
                        const po::options_description& visible, const po::options_description& hidden,
                        const po::positional_options_description& positional, po::variables_map& vm);

// "L,a,b" → Lab; throws UsageError naming the option and what was found.
colour::Lab parse_lab_argument(const std::string& text, const std::string& what);
// "x,y,w,h" → integers; throws UsageError.
std::vector<int> parse_int_list(const std::string& text, std::size_t count, const std::string& what);

// True when the stream is a terminal (for colour swatches and progress).
bool stdout_is_terminal();
bool stderr_is_terminal();

}  // namespace shadematch::cli
