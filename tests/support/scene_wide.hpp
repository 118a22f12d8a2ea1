#pragma once
// WIDE synthetic scalp scenes (issue 19): a second renderer, written apart from support/scene.hpp
// so that the measurement is judged on material the tuned code was not built against. Every
// parameter is drawn from one seed (cv::RNG and a splitmix64 hash; no std:: distributions, whose
// output differs between standard libraries).
//
// The frame is a head seen from above: skin fills it, turning away (darker) towards an ellipse
// larger than the frame, with radial lens fall-off (vignetting) on top. A ColorChecker Classic
// LIES ON the scalp at a random size (80–600 px wide, at most 45 % of the frame width), rotation
// (any angle), perspective and position (a third of the scenes close to a frame edge), lit by the
// same light field. Follicle dots cover all the skin up to the card, their density varying across
// the frame from sparse (scalp) to dense (hair).
//
// Materials (reflectance spectra, 380–780 nm, 5 nm):
//  - card: BabelColor average ColorChecker spectra (calibration/), Argyll layout, 3 % black frame;
//  - skin: any of the 100 NIST subjects (Cooksey et al. 2017, calibration/), or — one scene in five —
//    one of the 10 darkest made darker by extra epidermal eumelanin seen twice (in and out):
//        R′(λ) = R(λ) · exp(−2 Δτ (λ/500 nm)^−3.48),   Δτ ∈ [0.1, 0.6]
//    (Jacques 2013's eumelanin spectrum, as for hair below);
//  - follicle (a shaved hair seen end-on): a surface reflection plus light returned through the
//    pigment,
//        R(λ) = s + d · exp(−τe (λ/500)^−3.48 − τp (λ/500)^−4.75)
//    τe = eumelanin optical depth at 500 nm, shape from Jacques (2013), Phys. Med. Biol. 58 R37
//    (μa,mel ∝ λ^−3.48); τp = pheomelanin optical depth at 500 nm, shape λ^−4.75 from Donner &
//    Jensen (2006), "A spectral shading model for human skin" (σa,pm = 2.9·10¹⁴ λ^−4.75 mm⁻¹);
//    s ∈ [0.03, 0.05] (keratin's Fresnel reflectance, n ≈ 1.5–1.6), d ∈ [0.45, 0.60] (what an
//    unpigmented fibre returns). Hair classes: grey, blond, red, auburn, brown, black
//    (HairClass below gives each its τe, τp ranges).
//  - a dot's pigment is full (weight 1) out to r0 = (1 − softness)·r and falls to 0 by a Gaussian
//    (σ = softness·r/2) or a cosine² edge (to r·(1 + softness)); the pixel is the area mix of
//    follicle and skin in camera RGB. A small specular highlight (a neutral reflection, Gaussian,
//    σ = 0.12 r, peak 0.15–0.5) sits 0.5 r from the centre towards the light, so the centre itself
//    is pure pigment: the truth is the follicle spectrum's Lab.
// Truth Lab: CIELAB D50 of the spectra (CIE 1931 2°; colour/spectral.hpp).
//
// Camera: one of seven dcraw adobe_coeff XYZ→camera matrices (tests/data/scene/, SOURCES.md),
// rows normalised to the D65 white; white balance right, for another illuminant, or right with a
// per-channel gain error up to ±12 %; camera → XYZ (D65) → linear sRGB; exposure so that the
// white patch reaches 0.75–0.95 at the card; per-channel tone power 0.9–1.2; read + shot noise;
// sRGB encoding, 8 bits; JPEG (libjpeg, quality 70–98, chroma 4:4:4 or 4:2:0) or PNG.
// Illuminants: D65, D50, A, FL2, FL7, FL11, FL12.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "colour/types.hpp"

namespace shadematch::test {

enum class HairClass { grey, blond, red, auburn, brown, black };
const char* hair_class_name(HairClass c);

struct WideSpec {
  std::uint64_t seed = 1;
  int width = 1200;
  int height = 800;
  // Filled by wide_spec(seed, w, h); render_wide() uses them as they are.
  std::string camera;  // a row of camera_xyz_to_cam_dcraw_wide.csv
  std::string illuminant = "D65";
  std::string white_balance_for;  // "" = the scene's illuminant
  std::array<double, 3> wb_gain_error{1, 1, 1};
  int skin_subject = 50;
  double skin_extra_melanin = 0;  // Δτ above (0 = the NIST spectrum as it is)
  HairClass hair = HairClass::brown;
  double tau_eu = 4, tau_pheo = 0.5;
  double hair_surface = 0.04, hair_diffuse = 0.55;
  double dot_radius = 6;          // px, ±20 % per dot
  double dot_softness = 0.3;      // 0..0.6
  bool gaussian_edge = true;      // else cosine²
  double highlight = 0.3;         // peak reflectance of the highlight
  double dense_coverage = 0.35;   // dot area share where the hair is dense
  double sparse_coverage = 0.03;  // … and where it is sparse
  double density_angle = 0;       // direction (rad) in which density falls from dense to sparse
  double vignetting = 0.2;        // light lost in the frame corners to the lens
  double head_scale = 1.3;        // head ellipse semi-axes / half frame
  double exposure_white = 0.9;
  double tone_gamma = 1.0;
  double noise = 0.003;
  int jpeg_quality = 90;   // 0 = PNG
  bool chroma_420 = true;  // JPEG: 4:2:0 (else 4:4:4)
  double card_width_px = 300;
  double card_angle_deg = 0;
  double perspective = 0.03;
  cv::Point2d card_centre{600, 400};
};

// All parameters drawn from `seed` for a width × height frame.
WideSpec wide_spec(std::uint64_t seed, int width, int height);

// The held-out split (issue 19): a seed is HELD OUT when splitmix64(seed) % 4 == 0 (a quarter of
// all seeds), else it is a TUNE seed. No parameter of src/photo may be chosen on held-out seeds.
bool is_heldout_seed(std::uint64_t seed);
// The first n seeds (counting from 1) of the split.
std::vector<std::uint64_t> split_seeds(bool heldout, std::size_t n);

struct WideScene {
  WideSpec spec;
  cv::Mat bgr;                                // CV_8UC3, before encoding
  std::array<cv::Point2f, 4> card_corners{};  // patch grid corners (patches 1, 6, 24, 19)
  std::array<cv::Point2f, 24> patch_centres{};
  double patch_side_px = 0;
  std::array<colour::Lab, 24> patch_lab{};
  colour::Lab skin_lab, follicle_lab;  // truth
  // Truth squares: dense / sparse dots, their centre lit as the card's centre within ±1 % (±2, 4,
  // 8 % when no pair of places qualifies; any light as a last resort), off the card and its border.
  cv::Rect hair_rect, scalp_rect;
  // What a decoder reads (linear sRGB of the photo) from a pure skin / pure follicle pixel at the
  // centre of its truth square, without noise or JPEG loss: separates the calibration's own error
  // (truth vs these through the correction) from the measurement's (these vs the measured).
  colour::LinearRgb skin_linear, follicle_linear;
};

WideScene render_wide(const WideSpec& spec);

// Writes the scene as JPEG (libjpeg, the spec's quality and chroma subsampling) or PNG into
// dir/stem.jpg|.png; returns the path.
std::string write_wide(const WideScene& scene, const std::string& dir, const std::string& stem);

// The follicle model above on the 5 nm grid 380–780 nm.
std::vector<double> wide_hair_reflectance(double tau_eu, double tau_pheo, double surface, double diffuse,
                                          std::vector<double>& wavelengths_nm);

}  // namespace shadematch::test
