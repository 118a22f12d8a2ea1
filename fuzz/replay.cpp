// Replays fuzz targets on files without fuzzing (see fuzz_target.hpp): the ordinary suite's check
// that every seed and every kept finding still passes.
//   fuzz_replay NAME DIR_OR_FILE…     exit 0 when every input returned or threw InputError;
//                                     a finding aborts (the input's path is printed first).
//   fuzz_replay --list                the registered targets
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "fuzz_target.hpp"

namespace shadematch::fuzz {
namespace {
std::map<std::string, Target>& targets() {
  static std::map<std::string, Target> all;
  return all;
}
}  // namespace

Registration::Registration(const char* name, Target target) {
  targets()[name] = target;
}

}  // namespace shadematch::fuzz

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  using shadematch::fuzz::targets;
  if (argc == 2 && std::string(argv[1]) == "--list") {
    for (const auto& [name, target] : targets()) std::printf("%s\n", name.c_str());
    return 0;
  }
  if (argc < 3) {
    std::fprintf(stderr, "usage: fuzz_replay NAME DIR_OR_FILE… | fuzz_replay --list\n");
    return 2;
  }
  const auto it = targets().find(argv[1]);
  if (it == targets().end()) {
    std::fprintf(stderr, "fuzz_replay: no target '%s' (see --list)\n", argv[1]);
    return 2;
  }
  std::vector<fs::path> files;
  for (int i = 2; i < argc; ++i) {
    const fs::path p(argv[i]);
    if (fs::is_directory(p)) {
      for (const auto& e : fs::recursive_directory_iterator(p)) {
        if (e.is_regular_file()) files.push_back(e.path());
      }
    } else if (fs::is_regular_file(p)) {
      files.push_back(p);
    } else {
      std::fprintf(stderr, "fuzz_replay: %s: no such file or directory\n", argv[i]);
      return 2;
    }
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) {
    std::fprintf(stderr, "fuzz_replay: no inputs for '%s'\n", argv[1]);
    return 2;
  }
  for (const fs::path& f : files) {
    std::ifstream in(f, std::ios::binary);
    const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::fprintf(stderr, "%s\n", f.c_str());  // last line before an abort names the input
    it->second(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
  }
  std::printf("fuzz_replay %s: %zu inputs, no finding\n", argv[1], files.size());
  return 0;
}
