#include <catch2/catch.hpp>

#include "plan/describe.hpp"

using namespace shadematch;

TEST_CASE("plan describe: lightness, chroma and hue differences in words", "[unit]") {
  const colour::Lab target{30.0, 8.0, 12.0};  // a warm brown, hue ≈ 56°
  // Lighter only, by 2 L*: ΔE00 ≈ 1.9 → "slightly".
  CHECK(plan::describe_difference(target, {32.0, 8.0, 12.0}) == "slightly lighter than target");
  // Much darker: ΔE00 ≥ 5.
  CHECK(plan::describe_difference(target, {22.0, 8.0, 12.0}) == "much darker than target");
  // Same L*, chroma down (towards neutral): greyer.
  CHECK(plan::describe_difference(target, {30.0, 5.0, 7.5}) == "greyer than target");
  // Hue rotated anticlockwise towards yellow-green, away from the red-orange warm pole: cooler.
  CHECK(plan::describe_difference(target, {30.0, 7.0, 12.6}) == "slightly cooler than target");
  // Rotated clockwise towards red-orange: warmer.
  CHECK(plan::describe_difference(target, {30.0, 11.0, 9.5}).find("warmer") != std::string::npos);
  CHECK(plan::describe_difference(target, target) == "matches target");
}

TEST_CASE("plan describe: near-neutral colours are warmer or cooler along the warm axis", "[unit]") {
  const colour::Lab grey{25.0, 0.5, 0.5};
  CHECK(plan::describe_difference(grey, {25.0, -1.0, -3.0}).find("cooler") != std::string::npos);
  CHECK(plan::describe_difference(grey, {25.0, 2.0, 3.5}).find("warmer") != std::string::npos);
}

TEST_CASE("plan describe: the missing ink is the opposite of the closest blend's error", "[unit]") {
  // The closest blend is far lighter and cooler: the palette lacks a darker, warmer ink.
  CHECK(plan::missing_ink({20.0, 6.0, 10.0}, {35.0, 1.0, 2.0}).find("darker") != std::string::npos);
  CHECK(plan::missing_ink({40.0, 2.0, 4.0}, {28.0, 2.0, 4.0}) == "a lighter ink");
  CHECK(plan::join_words({"a", "b", "c"}) == "a, b and c");
}
