#pragma once
// Follicle dots over the whole frame of a generated scene (issue 16): a shaved head's follicles
// come right up to a card held against it, and a field of dots is what made the card search slow
// (its square finder grows lattices from the skin between the dots). Soft dark dots — a disc of
// radius r (±30 % per dot), blurred by 0.3 r, mixed over the pixels by its cover — are laid
// everywhere except inside the card's quadrilateral grown by a quarter. Deterministic from `seed`.
#include <cstdint>

#include "support/scene.hpp"

namespace shadematch::test {

struct DotField {
  double cover = 0.3;  // share of the frame (outside the card) under dots
  double radius = 5;   // px
  double level = 30;   // 8-bit value of a dot's green channel (red × 0.9, blue × 0.8 of a brown)
  std::uint64_t seed = 1;
};

// Lays the dots over scene.bgr (8-bit BGR) in place.
void add_dot_field(Scene& scene, const DotField& field);

}  // namespace shadematch::test
