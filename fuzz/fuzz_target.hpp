#pragma once
// One fuzz target per parser (issue 20). A target is written once,
//
//   SHADEMATCH_FUZZ_TARGET(palette) {            // `data`, `size`: the input bytes
//     expect_input_error([&] { files::parse_palette(as_text(data, size), "fuzz.yaml"); });
//   }
//
// and built two ways (fuzz/CMakeLists.txt):
// - with -DSHADEMATCH_FUZZ=ON (clang, -fsanitize=fuzzer,address,undefined): the body becomes
//   libFuzzer's LLVMFuzzerTestOneInput, one executable per target (fuzz_palette, …);
// - in every ordinary build: the bodies register themselves by name and replay.cpp's main runs a
//   target on every file of the directories it is given (its seed corpus and regressions) without
//   fuzzing, so each finding kept in fuzz/regressions/ is a test of the ordinary suite and of the
//   sanitizer build (ctest "fuzz-replay: NAME").
//
// The contract a target checks: a parser given any bytes returns, or throws InputError (bad input,
// exit 1) — or, for command-line text, UsageError (exit 2). Anything else (another exception, a
// crash, a sanitizer report, a hang) is a finding: the exception escapes the target, and
// std::terminate aborts, which libFuzzer and the replay driver both report with the input.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"

namespace shadematch::fuzz {

using Target = void (*)(const std::uint8_t* data, std::size_t size);

// Registration for the replay driver (replay.cpp); unused under libFuzzer.
struct Registration {
  Registration(const char* name, Target target);
};

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Runs `f`; InputError is the expected outcome of bad input and is swallowed here (and only here:
// it is what the target asserts). Every other exception escapes.
template <class F>
void expect_input_error(F&& f) {
  try {
    f();
  } catch (const InputError&) {
  }
}

// The same, for command-line text: UsageError (exit 2) is expected too.
template <class F>
void expect_input_or_usage_error(F&& f) {
  try {
    f();
  } catch (const InputError&) {
  } catch (const UsageError&) {
  }
}

// A finding that is not an exception (a broken property): abort with the message.
[[noreturn]] void finding(const char* what);

// Text a parser accepted is printed in reports and JSON: it must serialise (nlohmann::json refuses
// invalid UTF-8 with type_error 316, the bug of issue 20). A finding when it does not.
void require_printable(const std::vector<std::string>& texts);

}  // namespace shadematch::fuzz

#ifdef SHADEMATCH_LIBFUZZER
#define SHADEMATCH_FUZZ_TARGET(NAME)                                                  \
  static void shadematch_fuzz_##NAME(const std::uint8_t* data, std::size_t size);     \
  extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) { \
    shadematch_fuzz_##NAME(data, size);                                               \
    return 0;                                                                         \
  }                                                                                   \
  static void shadematch_fuzz_##NAME(const std::uint8_t* data, std::size_t size)
#else
#define SHADEMATCH_FUZZ_TARGET(NAME)                                                                                \
  static void shadematch_fuzz_##NAME(const std::uint8_t* data, std::size_t size);                                   \
  static const ::shadematch::fuzz::Registration shadematch_fuzz_registration_##NAME{#NAME, shadematch_fuzz_##NAME}; \
  static void shadematch_fuzz_##NAME(const std::uint8_t* data, std::size_t size)
#endif
