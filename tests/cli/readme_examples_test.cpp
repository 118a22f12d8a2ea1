// The README's example transcripts are the binary's real output (issue 13: README figures had
// drifted from what the binary prints). Every ```sh block of README.md whose first line is
// `$ shadematch …` is a transcript: the lines after each `$ shadematch` command, up to the next
// `$` line or the end of the block, are what the command prints on stdout, to the letter. A line
// holding only `…` stands for any number of lines the README leaves out. Commands run from the
// repository root (paths in them are relative to it), with no shell: arguments are split on
// spaces, and "double quotes" group words.
//
// After an intended change of output, regenerate the transcripts with
//   SHADEMATCH_UPDATE_README=1 build/tests/test_cli "readme*"
// and review the diff: each block is rewritten from the real output (the lines an `…` stands
// for stay left out: as many lines are kept before and after it as before).
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "support/paths.hpp"

namespace {

using shadematch::test::run_cli;
using shadematch::test::source_dir;

constexpr const char* kEllipsis = "…";

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string join_lines(const std::vector<std::string>& lines) {
  std::string s;
  for (const auto& l : lines) s += l + "\n";
  return s;
}

// "match samples/x.jpg --corners \"1,2 3,4\"" → {"match", "samples/x.jpg", "--corners", "1,2 3,4"}.
std::vector<std::string> split_args(const std::string& command) {
  std::vector<std::string> args;
  std::string cur;
  bool quoted = false, any = false;
  for (char c : command) {
    if (c == '"') {
      quoted = !quoted;
      any = true;
    } else if (c == ' ' && !quoted) {
      if (any) args.push_back(cur);
      cur.clear();
      any = false;
    } else {
      cur += c;
      any = true;
    }
  }
  if (any) args.push_back(cur);
  return args;
}

struct Transcript {
  std::size_t command_line = 0;     // index in README's lines of the `$ shadematch` line
  std::string command;              // after "$ shadematch "
  std::size_t first = 0, last = 0;  // README line indices [first, last) of the expected output
};

std::vector<Transcript> find_transcripts(const std::vector<std::string>& readme) {
  std::vector<Transcript> found;
  const std::string prompt = "$ shadematch ";
  for (std::size_t i = 0; i < readme.size(); ++i) {
    if (readme[i] != "```sh" || i + 1 >= readme.size() || readme[i + 1].rfind(prompt, 0) != 0) continue;
    std::size_t j = i + 1;
    while (j < readme.size() && readme[j] != "```") {
      Transcript t;
      t.command_line = j;
      t.command = readme[j].substr(prompt.size());
      t.first = ++j;
      while (j < readme.size() && readme[j] != "```" && readme[j].rfind("$ ", 0) != 0) ++j;
      t.last = j;
      found.push_back(t);
      if (j < readme.size() && readme[j] != "```" && readme[j].rfind(prompt, 0) != 0) {
        // A `$` line that is not shadematch (a shell command): the rest of the block is not ours.
        while (j < readme.size() && readme[j] != "```") ++j;
      }
    }
    i = j;
  }
  return found;
}

// Does `actual` fit `expected`, where a line "…" in `expected` matches any run of lines?
bool fits(const std::vector<std::string>& expected, std::size_t e, const std::vector<std::string>& actual,
          std::size_t a) {
  if (e == expected.size()) return a == actual.size();
  if (expected[e] == kEllipsis) {
    for (std::size_t k = a; k <= actual.size(); ++k)
      if (fits(expected, e + 1, actual, k)) return true;
    return false;
  }
  return a < actual.size() && expected[e] == actual[a] && fits(expected, e + 1, actual, a + 1);
}

// The real output with the README's elisions kept: as many lines before and after each `…`.
std::vector<std::string> rewrite(const std::vector<std::string>& expected, const std::vector<std::string>& actual) {
  std::size_t pos = 0;
  for (; pos < expected.size() && expected[pos] != kEllipsis; ++pos) {
  }
  if (pos == expected.size() || actual.size() < expected.size() - 1) return actual;
  const std::size_t tail = expected.size() - 1 - pos;
  std::vector<std::string> out(actual.begin(), actual.begin() + static_cast<std::ptrdiff_t>(pos));
  out.emplace_back(kEllipsis);
  out.insert(out.end(), actual.end() - static_cast<std::ptrdiff_t>(tail), actual.end());
  return out;
}

// Runs one README command from the repository root: an argument naming a file or folder of the
// repository gets its absolute path, and the root is taken out of what the command prints again.
std::string run_from_root(const std::string& command, int& exit_code) {
  const std::string root = source_dir();
  std::vector<std::string> args = split_args(command);
  for (auto& arg : args) {
    if (!arg.empty() && arg[0] != '-' && std::filesystem::exists(root + "/" + arg)) arg = root + "/" + arg;
  }
  const auto r = run_cli(args);
  exit_code = r.exit_code;
  std::string out = r.out;
  const std::string prefix = root + "/";
  for (std::size_t p = out.find(prefix); p != std::string::npos; p = out.find(prefix, p)) out.erase(p, prefix.size());
  return out;
}

}  // namespace

TEST_CASE("readme: every example transcript is what the binary prints", "[cli]") {
  const std::string readme_path = source_dir() + "/README.md";
  std::vector<std::string> readme = split_lines(shadematch::test::read_text_file(readme_path));
  const std::vector<Transcript> transcripts = find_transcripts(readme);
  // README shows at least the measure and delta-e examples; finding none means the format above
  // was broken, and this test would check nothing.
  REQUIRE(transcripts.size() >= 2);
  const bool update = std::getenv("SHADEMATCH_UPDATE_README") != nullptr;
  // Rewrites go from the last block up, so earlier line indices stay valid.
  for (auto it = transcripts.rbegin(); it != transcripts.rend(); ++it) {
    const Transcript& t = *it;
    int exit_code = -1;
    const std::vector<std::string> actual = split_lines(run_from_root(t.command, exit_code));
    const std::vector<std::string> expected(readme.begin() + static_cast<std::ptrdiff_t>(t.first),
                                            readme.begin() + static_cast<std::ptrdiff_t>(t.last));
    INFO("README.md:" << t.command_line + 1 << ": $ shadematch " << t.command);
    CHECK(exit_code == 0);
    const bool ok = fits(expected, 0, actual, 0);
    if (!ok && update) {
      const std::vector<std::string> fresh = rewrite(expected, actual);
      readme.erase(readme.begin() + static_cast<std::ptrdiff_t>(t.first),
                   readme.begin() + static_cast<std::ptrdiff_t>(t.last));
      readme.insert(readme.begin() + static_cast<std::ptrdiff_t>(t.first), fresh.begin(), fresh.end());
      WARN("rewrote the transcript at README.md:" << t.command_line + 1);
      continue;
    }
    INFO("README shows:\n" << join_lines(expected) << "the binary prints:\n" << join_lines(actual));
    CHECK(ok);
  }
  if (update) std::ofstream(readme_path, std::ios::binary) << join_lines(readme);
}

TEST_CASE("readme: a transcript's elision matches any run of lines, and only there", "[unit]") {
  const std::vector<std::string> expected{"a", kEllipsis, "d"};
  CHECK(fits(expected, 0, {"a", "d"}, 0));
  CHECK(fits(expected, 0, {"a", "b", "c", "d"}, 0));
  CHECK_FALSE(fits(expected, 0, {"a", "b", "c"}, 0));
  CHECK_FALSE(fits({"a", "b"}, 0, {"a", "b", "c"}, 0));
  CHECK(rewrite(expected, {"x", "y", "z"}) == std::vector<std::string>{"x", kEllipsis, "z"});
  CHECK(split_args("calibrate p.jpg --corners \"1,2 3,4\" --json") ==
        std::vector<std::string>{"calibrate", "p.jpg", "--corners", "1,2 3,4", "--json"});
}

TEST_CASE("readme: transcripts are found in sh blocks that start with the prompt", "[unit]") {
  const auto t = find_transcripts({"text", "```sh", "$ shadematch delta-e 1,2,3 4,5,6", "2.0", "$ shadematch x", "```",
                                   "```sh", "scripts/demo", "```"});
  REQUIRE(t.size() == 2);
  CHECK(t[0].command == "delta-e 1,2,3 4,5,6");
  CHECK(t[0].first == 3);
  CHECK(t[0].last == 4);
  CHECK(t[1].command == "x");
  CHECK(t[1].first == t[1].last);
}
