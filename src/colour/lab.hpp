#pragma once
// XYZ ↔ CIELAB ↔ LCh, and Bradford chromatic adaptation (CIE 15:2004 §8.2.1; Lindbloom).
// Delegates to Little CMS (cmsXYZ2Lab, cmsLab2XYZ, cmsLab2LCh, cmsAdaptToIlluminant).
// NaN or infinite inputs give NaN outputs; they never crash.
#include "colour/types.hpp"

namespace shadematch::colour {

Lab xyz_to_lab(const Xyz& xyz, const WhitePoint& white);
Xyz lab_to_xyz(const Lab& lab, const WhitePoint& white);
Lch lab_to_lch(const Lab& lab);
Lab lch_to_lab(const Lch& lch);

// Bradford adaptation of a colour seen under `from` to its corresponding colour under `to`.
Xyz adapt_bradford(const Xyz& xyz, const WhitePoint& from, const WhitePoint& to);

// Chromaticity → XYZ with Y = 1 (for white points given as x, y).
WhitePoint white_from_xy(double x, double y);

}  // namespace shadematch::colour
