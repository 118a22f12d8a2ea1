#pragma once
// A generated clinic (issue 15's tests and evidence): healed follow-ups whose colours come from
// the ink-in-skin model under HIDDEN healing parameters, which the fit is not told, plus a
// measurement error. The blends and skins are what a clinic's book would hold: the house
// palette's inks alone and mixed, undiluted to 12:1, on skins from light to dark.
#include <array>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "colour/types.hpp"
#include "pigment/palette.hpp"

namespace shadematch::test {

// The hidden parameters: a clinic whose work sheds more pigment than the default assumes (45 %
// kept, inside the 30–50 % shed practitioners report... at its heavy end) and whose hand places
// the pigment deeper (100 µm of dermis above it, still papillary dermis) in a thinner band
// (120 µm). Chosen so that the
// defaults miss the healed colours by more than 3 ΔE00 on average (the "before").
inline pigment::HealingParams hidden_healing() {
  pigment::HealingParams h;
  h.strength = 1.0;
  h.retention = 0.45;
  h.dermis_above_um = 100.0;
  h.pigment_layer_um = 120.0;
  return h;
}

struct ClinicRecord {
  std::string client;
  int session = 1;
  std::string blend;  // recipe over palettes/house.yaml
  colour::Lab skin;
  colour::Lab target;  // the hair colour (only stored; the fit does not use it)
};

// Skins from light to dark (Lab D50, inside the NIST forearm range the skin model reproduces).
inline const std::array<colour::Lab, 6>& clinic_skins() {
  static const std::array<colour::Lab, 6> skins{{{74.0, 8.0, 15.0},
                                                 {68.0, 10.0, 16.0},
                                                 {62.0, 11.0, 17.5},
                                                 {56.0, 12.0, 18.0},
                                                 {50.0, 12.5, 18.5},
                                                 {44.0, 12.0, 17.0}}};
  return skins;
}

// 16 fitted records (8 clients, 2 sessions each) and 6 further ones for the check after the fit.
inline std::vector<ClinicRecord> clinic_records() {
  static const char* const blends[] = {"jet-black @ 8:1",
                                       "jet-black @ 4:1",
                                       "2 jet-black + 1 warm-brown @ 8:1",
                                       "warm-brown @ 4:1",
                                       "dark-grey @ 2:1",
                                       "1 jet-black + 1 warm-modifier @ 4:1",
                                       "mid-grey",
                                       "jet-black @ 12:1",
                                       "warm-brown @ 2:1",
                                       "3 jet-black + 1 warm-brown @ 4:1",
                                       "dark-grey",
                                       "1 warm-brown + 1 dark-grey @ 8:1",
                                       "jet-black @ 2:1",
                                       "1 jet-black + 2 warm-brown @ 4:1",
                                       "mid-grey @ 2:1",
                                       "jet-black"};
  std::vector<ClinicRecord> out;
  for (int i = 0; i < 16; ++i) {
    const colour::Lab skin = clinic_skins()[static_cast<std::size_t>(i % 6)];
    out.push_back({"c" + std::to_string(i / 2 + 1), i % 2 + 1, blends[i], skin, {24.0, 4.0, 5.0}});
  }
  return out;
}

inline std::vector<ClinicRecord> further_records() {
  return {{"n1", 1, "jet-black @ 4:1", {70.0, 9.0, 15.5}, {22.0, 3.0, 4.0}},
          {"n2", 1, "2 jet-black + 1 warm-brown @ 2:1", {60.0, 11.5, 17.0}, {22.0, 3.0, 4.0}},
          // 4:1, not 8:1: in the layered model a warm brown diluted 8:1 on this medium skin heals
          // within 1.7 ΔE00 of the same prediction under any healing values in the test (little
          // pigment, little contrast), so it could not show whether the fit learnt anything.
          {"n3", 1, "warm-brown @ 4:1", {52.0, 12.0, 18.0}, {30.0, 7.0, 10.0}},
          {"n4", 1, "dark-grey @ 4:1", {66.0, 10.5, 16.5}, {35.0, 2.0, 3.0}},
          {"n5", 1, "1 jet-black + 1 warm-brown @ 12:1", {72.0, 8.5, 15.0}, {40.0, 5.0, 8.0}},
          {"n6", 1, "jet-black @ 2:1", {47.0, 12.5, 18.0}, {20.0, 2.0, 3.0}}};
}

// Measurement error of a healed colour: per channel N(0, σ) with σ = 0.25, from a fixed
// SplitMix64 sequence and the Box–Muller transform (identical on every standard library). 0.25
// per channel ≈ 0.4 ΔE*ab: the repeatability of the dark mode of hundreds of dots in a calibrated
// photo (tests/measure: the follicle colour's spread between repeated renders).
inline std::array<double, 3> measurement_error(std::uint64_t index) {
  auto splitmix = [](std::uint64_t& s) {
    std::uint64_t z = (s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  };
  std::uint64_t state = 0x5EED0000ull + index;
  std::array<double, 3> out{};
  for (double& v : out) {
    const double u1 = (static_cast<double>(splitmix(state) >> 11) + 0.5) / 9007199254740992.0;
    const double u2 = (static_cast<double>(splitmix(state) >> 11) + 0.5) / 9007199254740992.0;
    v = 0.25 * std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * 3.14159265358979323846 * u2);
  }
  return out;
}

}  // namespace shadematch::test
