#include "cli/options.hpp"

#include <unistd.h>

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>

#include "common/error.hpp"

namespace shadematch::cli {

bool parse_command_line(const std::string& name, const std::string& usage, const std::vector<std::string>& args,
                        const po::options_description& visible, po::variables_map& vm,
                        std::vector<std::string>* positionals) {
  po::options_description all;
  all.add(visible);
  all.add_options()("help,h", "show this help");
  po::positional_options_description positional;
  if (positionals != nullptr) {
    all.add_options()("positional-arguments", po::value(positionals));
    positional.add("positional-arguments", -1);
  }
  try {
    po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
    if (vm.count("help")) {
      std::cout << "Usage: shadematch " << name << " " << usage << "\n\n"
                << visible << "  -h [ --help ]    show this help\n";
      return true;
    }
    po::notify(vm);
  } catch (const po::error& e) {
    throw UsageError(name + ": " + e.what() + " (see 'shadematch " + name + " --help')");
  }
  return false;
}

void expect_positionals(const std::string& name, const std::vector<std::string>& positionals, std::size_t count,
                        const std::string& what) {
  if (positionals.size() == count) return;
  throw UsageError(name + ": expected " + what + ", found " + std::to_string(positionals.size()) +
                   " (see 'shadematch " + name + " --help')");
}

namespace {
double parse_number(std::string_view s, bool& ok) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  double v = 0.0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  ok = !s.empty() && ec == std::errc{} && end == s.data() + s.size() && std::isfinite(v);
  return v;
}
}  // namespace

colour::Lab parse_lab_argument(const std::string& text, const std::string& what) {
  std::vector<double> v;
  std::size_t start = 0;
  bool ok = true;
  while (ok) {
    const std::size_t comma = text.find(',', start);
    const std::string_view part =
        std::string_view(text).substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    v.push_back(parse_number(part, ok));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (!ok || v.size() != 3) {
    throw UsageError(what + ": expected L,a,b (three numbers separated by commas), found '" + text + "'");
  }
  if (v[0] < 0.0 || v[0] > 100.0) {
    throw UsageError(what + ": L* must be within 0..100, found " + std::string(text.substr(0, text.find(','))));
  }
  return {v[0], v[1], v[2]};
}

std::vector<int> parse_int_list(const std::string& text, std::size_t count, const std::string& what) {
  std::vector<int> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = text.find(',', start);
    std::string_view part =
        std::string_view(text).substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
    int value = 0;
    const auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), value);
    if (part.empty() || ec != std::errc{} || end != part.data() + part.size()) {
      throw UsageError(what + ": expected " + std::to_string(count) + " integers separated by commas, found '" + text +
                       "'");
    }
    out.push_back(value);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (out.size() != count) {
    throw UsageError(what + ": expected " + std::to_string(count) + " integers separated by commas, found '" + text +
                     "'");
  }
  return out;
}

bool stdout_is_terminal() {
  return ::isatty(STDOUT_FILENO) == 1;
}
bool stderr_is_terminal() {
  return ::isatty(STDERR_FILENO) == 1;
}

std::string today_utc() {
  const auto now = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
  const std::chrono::year_month_day ymd{now};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()));
  return buf;
}

}  // namespace shadematch::cli
