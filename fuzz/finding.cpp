#include <cstdio>
#include <cstdlib>

#include "fuzz_target.hpp"

namespace shadematch::fuzz {

void finding(const char* what) {
  std::fprintf(stderr, "shadematch fuzz finding: %s\n", what);
  std::abort();
}

}  // namespace shadematch::fuzz
