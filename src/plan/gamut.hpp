#pragma once
// The palette's healed gamut in one client's skin: the healed colours of every blend the search
// considers, and the mapping of a target outside it onto the nearest reachable colour
// (DESIGN.md, "Reachable targets").
//
// Mapping, lightness first, then the nearest chromaticity at that lightness:
//   1. L* is clamped to [darkest, lightest] of the gamut. Lightness goes first because it is what
//      a session plan is built from (one shade per session) and what the eye reads first in a dot
//      against skin; a dot of the hair's hue but the wrong darkness reads wrong, one of the right
//      darkness and a slightly different hue reads as hair.
//   2. At that L*, the gamut's slice (candidates within ±0.5 L*, widened ×2 up to ±8 while it is
//      empty) is taken as the convex hull of their (a*, b*): mixtures of blends that heal alike in
//      lightness fill the space between them (the blend grid samples a continuum of parts and
//      dilutions). A target inside it keeps its a*, b*; one outside moves to the nearest point of
//      the hull (least Δa*b* at constant L*: the "minimum ΔE at constant lightness" clipping of
//      CIE 156:2004's gamut-mapping guidelines). For the low-chroma colours of hair and skin this
//      keeps the hue wherever the slice spans it.
// A target inside the gamut is returned unchanged.
#include <cstddef>
#include <vector>

#include "colour/types.hpp"

namespace shadematch::plan {

class HealedGamut {
 public:
  // Non-finite predictions are ignored. The predictions are not copied (a search holds up to
  // kMaxCandidates of them): they must outlive the gamut.
  HealedGamut(const colour::Lab* predictions, std::size_t n);
  bool empty() const noexcept { return finite_ == 0; }
  double darkest_l() const noexcept { return darkest_; }
  double lightest_l() const noexcept { return lightest_; }
  // The nearest reachable colour (above); the target itself when the gamut is empty.
  colour::Lab map(const colour::Lab& target) const;

 private:
  const colour::Lab* points_ = nullptr;
  std::size_t n_ = 0;
  std::size_t finite_ = 0;
  double darkest_ = 0.0;
  double lightest_ = 0.0;
};

}  // namespace shadematch::plan
