#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "fuzz_target.hpp"

namespace shadematch::fuzz {

void finding(const char* what) {
  std::fprintf(stderr, "shadematch fuzz finding: %s\n", what);
  std::abort();
}

void require_printable(const std::vector<std::string>& texts) {
  try {
    (void)nlohmann::json(texts).dump();
  } catch (const nlohmann::json::exception& e) {
    finding(e.what());
  }
}

}  // namespace shadematch::fuzz
