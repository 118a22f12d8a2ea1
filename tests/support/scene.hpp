#pragma once
// Synthetic clinic photos with known truth (issue 4): a ColorChecker Classic, a patch of scalp
// with follicle dots, on a grey cloth, rendered spectrally under a CIE illuminant through a
// camera model. Deterministic from SceneSpec::seed (cv::RNG; no std:: distributions, whose output
// differs between standard libraries).
//
// Materials (reflectance spectra):
//  - card: ColorChecker Classic, average of 30 charts (BabelColor; calibration/), geometry from
//    calibration/colorchecker24_layout.csv (Argyll boxes), black frame (flat 3 %);
//  - scalp skin: one of the 100 NIST forearm spectra (Cooksey et al. 2017; calibration/);
//  - follicle (shaved hair seen end-on): a surface term plus light returned through eumelanin,
//        R(λ) = 0.04 + 0.55 · exp(−τ · (λ / 500 nm)^−3.48)
//    0.04 is the Fresnel reflectance of keratin (n ≈ 1.55) at normal incidence; 0.55 bounds the
//    diffuse return of an unpigmented fibre (white hair reflects about half of the light);
//    (λ/500)^−3.48 is the eumelanin absorption spectrum of Jacques (2013), "Optical properties of
//    biological tissues: a review", Phys. Med. Biol. 58 R37, μa,mel = 519 (λ/500 nm)^−3.48 cm⁻¹;
//    τ is the melanin optical depth at 500 nm: ≈ 1 light brown … ≈ 12 near-black;
//  - cloth: flat 25 % grey.
// Truth = CIELAB D50 of each spectrum (CIE 1931 2°, 5 nm; colour/spectral.hpp).
//
// Camera: XYZ under the scene illuminant (Y of white = 1) → camera RGB through the Canon EOS 5D
// Mark II XYZ→camera matrix from dcraw's adobe_coeff (tests/data/scene/), rows normalised so that
// the D65 white gives (1, 1, 1) as dcraw does; white balance gains from the illuminant the camera
// ASSUMED (right = the scene's, wrong = another); rendering camera → XYZ (D65) → linear sRGB;
// exposure so that the white patch sits at 0.9 at the brightest light; uneven light (a linear
// gradient); per-channel power `tone_gamma` (the maker's tone curve beyond sRGB); signal-dependent
// noise; sRGB encoding, 8 bits; PNG or JPEG (OpenCV, 4:2:0) output.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "colour/types.hpp"

namespace shadematch::test {

struct SceneSpec {
  std::uint64_t seed = 1;
  int width = 960;
  int height = 640;
  std::string illuminant = "D65";  // any name of colour::illuminant_names()
  std::string white_balance_for;   // "" = right (the scene's illuminant); else the one assumed
  int skin_subject = 50;           // NIST subject 1..100
  double hair_melanin = 4.0;       // τ at 500 nm (see above)
  double dot_radius = 6.0;         // follicle dot radius, px (±20 % per dot)
  double hair_coverage = 0.30;     // dot area share in the hair zone (upper half of the scalp)
  double scalp_coverage = 0.04;    // dot area share in the scalp zone (lower half)
  double noise = 0.003;            // σ of the read noise, linear units (shot noise added)
  int jpeg_quality = 0;            // 0 = PNG, else JPEG quality 1..100
  double tone_gamma = 1.0;         // linear → linear^tone_gamma before sRGB encoding
  double light_gradient = 0.02;    // relative light change across the frame, left → right
  double card_width = 0.40;        // card width as a fraction of the image width
  double card_angle_deg = 0;       // rotation of the card, clockwise
  double perspective = 0.03;       // random corner displacement, fraction of the card width
  bool card = true;                // false: no card in the frame
  // When not empty: the dots' reflectance instead of the follicle model above (e.g. healed SMP
  // dots from the ink-in-skin model, tests/history), sampled at dot_wavelengths_nm; outside
  // their range the end values are held.
  std::vector<double> dot_wavelengths_nm;
  std::vector<double> dot_reflectance;
};

struct Scene {
  SceneSpec spec;
  cv::Mat bgr;  // CV_8UC3, BGR (OpenCV's order for imwrite)
  // Patch-grid corners (outer corners of patches 1, 6, 24, 19), displayed pixels, as
  // CardDetection::corners. Meaningless when spec.card is false.
  std::array<cv::Point2f, 4> card_corners{};
  std::array<cv::Point2f, 24> patch_centres{};  // in the image
  double patch_side_px = 0;                     // approximate patch side in the image
  std::array<colour::Lab, 24> patch_lab{};      // truth: CIELAB D50 of the card's spectra
  cv::Rect scalp_area;                          // everything skin (with dots) is inside this rectangle
  cv::Rect hair_rect;                           // inside the dense (hair) zone, away from its edges
  cv::Rect scalp_rect;                          // inside the sparse (scalp) zone, away from its edges
  colour::Lab skin_lab;                         // truth
  colour::Lab follicle_lab;                     // truth
};

Scene render_scene(const SceneSpec& spec);

// Writes scene.bgr as PNG (jpeg_quality = 0) or JPEG into `dir`/`stem`.png|.jpg; returns the path.
std::string write_scene(const Scene& scene, const std::string& dir, const std::string& stem);

// The pixels a decoder would read back: scene.bgr after the JPEG round trip (identity for PNG).
cv::Mat encoded_pixels(const Scene& scene);
// 8-bit BGR → CV_32FC3 RGB linear light through the sRGB decoding curve (what photo::decode does
// for an untagged image).
cv::Mat srgb8_bgr_to_linear_rgb(const cv::Mat& bgr);
// Mean linear RGB of the middle half (by side) of every patch, from the truth geometry.
std::array<colour::LinearRgb, 24> sample_patches(const Scene& scene, const cv::Mat& linear_rgb);

// The follicle reflectance model above, on a 5 nm grid 380–780 nm.
std::vector<double> hair_reflectance(double melanin_tau, std::vector<double>& wavelengths_nm);

}  // namespace shadematch::test
