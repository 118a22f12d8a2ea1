#pragma once
// Colour differences. ΔE without a qualifier means CIEDE2000 with kL = kC = kH = 1 (DESIGN.md).
//   ΔE00: CIE 142-2001; Sharma, Wu & Dalal (2005) implementation notes — via cmsCIE2000DeltaE.
//   ΔE94: CIE 116-1995, graphic-arts weights (kL = 1, K1 = 0.045, K2 = 0.015) — cmsCIE94DeltaE.
//   ΔE CMC(l:c): Clarke, McDonald & Rigg (1984), l = 2, c = 1 by default — cmsCMCdeltaE.
//   ΔE76: Euclidean distance in CIELAB — cmsDeltaE.
// delta_e_2000_fast is a hand-written CIEDE2000 for hot loops (blend search); it is tested against
// the Little CMS one and the Sharma table.
#include <array>
#include <optional>
#include <string_view>

#include "colour/types.hpp"

namespace shadematch::colour {

enum class DeltaEFormula { cie2000, cie94, cmc, cie76 };

double delta_e_2000(const Lab& a, const Lab& b);
double delta_e_94(const Lab& reference, const Lab& sample);
double delta_e_cmc(const Lab& reference, const Lab& sample, double l = 2.0, double c = 1.0);
double delta_e_76(const Lab& a, const Lab& b);
double delta_e(DeltaEFormula formula, const Lab& reference, const Lab& sample);

double delta_e_2000_fast(const Lab& a, const Lab& b) noexcept;
// CIEDE2000 of sample against reference as three components whose squares sum to ΔE00²:
// ΔL'/S_L, then the chroma and hue terms with the rotation term R_T folded in (Cholesky factor of
// the C–H quadratic form). Smooth where ΔE00 itself is not (at zero difference): the residuals of
// a least-squares fit on ΔE00 (history/healing_fit.hpp). Same arithmetic as delta_e_2000_fast.
std::array<double, 3> delta_e_2000_components(const Lab& reference, const Lab& sample) noexcept;

// "2000", "94", "cmc", "76" (as on the command line) → formula.
std::optional<DeltaEFormula> parse_delta_e_formula(std::string_view name);
std::string_view delta_e_formula_name(DeltaEFormula formula);

// The CIEDE2000 components of sample − reference: ΔL*, ΔC*ab, ΔH*ab (CIELAB, not the
// weighted primes), used to put a difference into words.
struct LabDifference {
  double dl = 0.0;
  double dc = 0.0;
  double dh = 0.0;
};
LabDifference lab_difference(const Lab& reference, const Lab& sample);

}  // namespace shadematch::colour
