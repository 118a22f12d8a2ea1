#pragma once
// Spectral upsampling: a smooth reflectance that reproduces a given CIELAB D50 colour, for inks
// whose palette entry has only a Lab (no measured drawdown).
//
// Method: Jakob & Hanika (2019), "A Low-Dimensional Function Space for Efficient Spectral
// Upsampling", Computer Graphics Forum 38(2). The reflectance is a sigmoid of a quadratic:
//     R(λ) = s(c0·x² + c1·x + c2),   s(z) = ½ + z / (2·√(1 + z²)),
// which is smooth, bounded to (0, 1) for every coefficient vector, and has three degrees of freedom
// — exactly as many as a tristimulus value. Here x = (λ − 550 nm) / 150 nm maps the model grid
// (400–700 nm) to [−1, 1] so that the three coefficients are of similar size (the paper uses the
// raw wavelength; the function space is the same, only the conditioning differs).
// The coefficients are solved with Levenberg–Marquardt on the CIELAB residual (ΔE*ab, under D50 and
// the CIE 1931 2° observer of the model grid), started from the flat grey of the same Y and, if that
// fails, by continuation from the neutral of the same L* towards the target chroma (as the paper
// does over its lookup table). Colours no sigmoid spectrum can reach (outside the gamut of
// reflectances in (0, 1)) are reported as failures with the residual that remains.
#include "colour/types.hpp"

namespace shadematch::pigment {

struct SigmoidCoefficients {
  double c0 = 0.0;  // curvature
  double c1 = 0.0;  // slope
  double c2 = 0.0;  // offset
};

// R at every model band for the coefficients (each value in (0, 1)).
colour::Spectrum sigmoid_polynomial_spectrum(const SigmoidCoefficients& c) noexcept;

struct UpsampleResult {
  colour::Spectrum reflectance;
  SigmoidCoefficients coefficients;
  double residual_de76 = 0.0;  // ΔE*ab between the target and the spectrum's Lab D50
  bool ok = false;             // residual below 1e-3 ΔE*ab
};

UpsampleResult upsample_lab_jakob2019(const colour::Lab& target_d50);

}  // namespace shadematch::pigment
