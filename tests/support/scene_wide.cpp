#include "support/scene_wide.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <stdexcept>

#include <jpeglib.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "colour/lab.hpp"
#include "colour/spectral.hpp"
#include "common/csv.hpp"
#include "common/embedded.hpp"
#include "support/paths.hpp"

namespace shadematch::test {

namespace {

constexpr double kPi = 3.14159265358979323846;

std::uint64_t splitmix(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}
// Uniform [0, 1) from a hash of (seed, a, b, c): per-dot numbers that do not depend on the order
// in which pixels are visited.
double hash01(std::uint64_t seed, std::uint64_t a, std::uint64_t b, std::uint64_t c) {
  const std::uint64_t h = splitmix(seed ^ splitmix(a ^ splitmix(b ^ splitmix(c + 0x51ED))));
  return static_cast<double>(h >> 11) / 9007199254740992.0;
}

colour::SampledSpectrum table_column(const CsvTable& t, std::size_t column) {
  colour::SampledSpectrum s;
  const std::size_t wl = t.column("wavelength_nm");
  for (const CsvRow& row : t.rows) {
    s.wavelengths_nm.push_back(parse_csv_number(t, row, wl));
    s.values.push_back(parse_csv_number(t, row, column));
  }
  return s;
}

colour::Lab lab_d50(const colour::SampledSpectrum& s) {
  return colour::xyz_to_lab(colour::spectrum_to_xyz(s, "D50"), colour::d50_white());
}

const CsvTable& skin_table() {
  static const CsvTable t =
      parse_csv(embedded_file("skin_reflectance_nist_cooksey2017_100subjects_379-781nm.csv"), "nist skin");
  return t;
}

colour::SampledSpectrum skin_spectrum(int subject) {
  char name[32];
  std::snprintf(name, sizeof name, "subject_%03d_avg", std::clamp(subject, 1, 100));
  return table_column(skin_table(), skin_table().column(name));
}

// The 10 NIST subjects with the lowest L* (D50), darkest first.
const std::vector<int>& darkest_subjects() {
  static const std::vector<int> out = [] {
    std::vector<std::pair<double, int>> l;
    for (int s = 1; s <= 100; ++s) l.emplace_back(lab_d50(skin_spectrum(s)).l, s);
    std::sort(l.begin(), l.end());
    std::vector<int> d;
    for (std::size_t i = 0; i < 10; ++i) d.push_back(l[i].second);
    return d;
  }();
  return out;
}

struct Camera {
  std::string name;
  cv::Matx33d xyz_to_cam;
};

const std::vector<Camera>& cameras() {
  static const std::vector<Camera> out = [] {
    const CsvTable t =
        parse_csv(read_text_file(test_data_dir() + "/scene/camera_xyz_to_cam_dcraw_wide.csv"), "wide cameras");
    std::vector<Camera> c;
    for (const CsvRow& row : t.rows) {
      Camera cam;
      cam.name = row.fields.at(0);
      const double divisor = parse_csv_number(t, row, t.column("divisor"));
      for (int i = 0; i < 9; ++i)
        cam.xyz_to_cam(i / 3, i % 3) = parse_csv_number(t, row, static_cast<std::size_t>(i + 1)) / divisor;
      c.push_back(cam);
    }
    return c;
  }();
  return out;
}

cv::Vec3d vec(const colour::Xyz& x) {
  return {x.x, x.y, x.z};
}

// Linear sRGB ← XYZ (D65): IEC 61966-2-1 primaries scaled to the tables' D65 white.
cv::Matx33d xyz_to_srgb() {
  const double xy[3][2] = {{0.64, 0.33}, {0.30, 0.60}, {0.15, 0.06}};
  cv::Matx33d p;
  for (int i = 0; i < 3; ++i) {
    p(0, i) = xy[i][0] / xy[i][1];
    p(1, i) = 1.0;
    p(2, i) = (1.0 - xy[i][0] - xy[i][1]) / xy[i][1];
  }
  const cv::Vec3d s = p.inv() * vec(colour::illuminant_white("D65").xyz);
  return (p * cv::Matx33d::diag(s)).inv();
}

double srgb_encode(double v) {
  return v <= 0.0031308 ? 12.92 * v : 1.055 * std::pow(v, 1.0 / 2.4) - 0.055;
}

const char* const kIlluminants[] = {"D65", "D50", "A", "FL2", "FL7", "FL11", "FL12"};

struct HairRange {
  double eu0, eu1, ph0, ph1;
};
// Optical depths at 500 nm per class, chosen so the classes span their usual look (D50, checked
// in tests/measure/scene_wide_test.cpp): grey L* 70–80, C* < 12; blond L* 55–70, yellow; red
// L* 45–60 and auburn L* 40–50, both C* 30–38 (the "C* 35–45" red-brown follicles of issue 19);
// brown L* 25–40; black near the 4 % surface reflection (L* ≈ 24).
HairRange hair_range(HairClass c) {
  switch (c) {
    case HairClass::grey:
      return {0.05, 0.3, 0.0, 0.1};
    case HairClass::blond:
      return {0.3, 0.9, 0.1, 0.8};
    case HairClass::red:
      return {0.2, 0.6, 1.2, 3.0};
    case HairClass::auburn:
      return {0.8, 2.0, 0.8, 2.0};
    case HairClass::brown:
      return {2.0, 7.0, 0.0, 1.5};
    case HairClass::black:
      return {8.0, 18.0, 0.0, 1.0};
  }
  return {1, 1, 0, 0};
}

enum Material : int { kFrame = 24, kSkin = 25, kHair = 26, kShine = 27, kBackdrop = 28, kMaterials = 29 };

double smoothstep(double a, double b, double x) {
  const double t = std::clamp((x - a) / (b - a), 0.0, 1.0);
  return t * t * (3 - 2 * t);
}

}  // namespace

const char* hair_class_name(HairClass c) {
  switch (c) {
    case HairClass::grey:
      return "grey";
    case HairClass::blond:
      return "blond";
    case HairClass::red:
      return "red";
    case HairClass::auburn:
      return "auburn";
    case HairClass::brown:
      return "brown";
    case HairClass::black:
      return "black";
  }
  return "?";
}

std::vector<double> wide_hair_reflectance(double tau_eu, double tau_pheo, double surface, double diffuse,
                                          std::vector<double>& wavelengths_nm) {
  wavelengths_nm.clear();
  std::vector<double> r;
  for (int wl = 380; wl <= 780; wl += 5) {
    const double x = wl / 500.0;
    wavelengths_nm.push_back(wl);
    r.push_back(surface + diffuse * std::exp(-tau_eu * std::pow(x, -3.48) - tau_pheo * std::pow(x, -4.75)));
  }
  return r;
}

bool is_heldout_seed(std::uint64_t seed) {
  return splitmix(seed) % 4 == 0;
}

std::vector<std::uint64_t> split_seeds(bool heldout, std::size_t n) {
  std::vector<std::uint64_t> out;
  for (std::uint64_t s = 1; out.size() < n; ++s) {
    if (is_heldout_seed(s) == heldout) out.push_back(s);
  }
  return out;
}

WideSpec wide_spec(std::uint64_t seed, int width, int height) {
  if (width < 200 || height < 200) throw std::invalid_argument("wide_spec: frame too small");
  WideSpec s;
  s.seed = seed;
  s.width = width;
  s.height = height;
  cv::RNG rng(splitmix(seed ^ 0xC0FFEEull));
  s.camera = cameras()[static_cast<std::size_t>(rng.uniform(0, static_cast<int>(cameras().size())))].name;
  s.illuminant = kIlluminants[rng.uniform(0, 7)];
  const double wb = rng.uniform(0.0, 1.0);
  if (wb < 0.35) {
    // The camera balanced for another light (a phone's auto white balance gone wrong).
    std::string other;
    do other = kIlluminants[rng.uniform(0, 7)];
    while (other == s.illuminant);
    s.white_balance_for = other;
  } else if (wb < 0.65) {
    for (double& g : s.wb_gain_error) g = 1.0 + rng.uniform(-0.12, 0.12);
  }
  if (rng.uniform(0.0, 1.0) < 0.2) {
    s.skin_subject = darkest_subjects()[static_cast<std::size_t>(rng.uniform(0, 10))];
    s.skin_extra_melanin = rng.uniform(0.1, 0.6);
  } else {
    s.skin_subject = rng.uniform(1, 101);
  }
  s.hair = static_cast<HairClass>(rng.uniform(0, 6));
  const HairRange h = hair_range(s.hair);
  s.tau_eu = rng.uniform(h.eu0, h.eu1);
  s.tau_pheo = rng.uniform(h.ph0, h.ph1);
  s.hair_surface = rng.uniform(0.03, 0.05);
  s.hair_diffuse = rng.uniform(0.45, 0.60);
  s.dot_radius = rng.uniform(2.0, 12.0);
  s.dot_softness = rng.uniform(0.05, 0.6);
  s.gaussian_edge = rng.uniform(0.0, 1.0) < 0.5;
  s.highlight = rng.uniform(0.15, 0.5);
  s.dense_coverage = rng.uniform(0.15, 0.45);
  s.sparse_coverage = rng.uniform(0.005, 0.05);
  s.vignetting = rng.uniform(0.05, 0.3);
  s.head_scale = rng.uniform(1.05, 1.5);
  s.exposure_white = rng.uniform(0.75, 0.95);
  s.tone_gamma = rng.uniform(0.9, 1.2);
  s.noise = rng.uniform(0.001, 0.006);
  s.jpeg_quality = rng.uniform(0.0, 1.0) < 0.1 ? 0 : rng.uniform(70, 99);
  s.chroma_420 = rng.uniform(0.0, 1.0) < 0.6;
  const double max_card = std::min(600.0, 0.45 * width);
  s.card_width_px = rng.uniform(80.0, std::max(81.0, max_card));
  s.card_angle_deg = rng.uniform(0.0, 360.0);
  s.perspective = rng.uniform(0.0, 0.06);
  // Position: anywhere with the whole card in the frame; a third of the scenes against an edge.
  const double half = 0.5 * s.card_width_px * 1.05;  // radius of the card's circumcircle ≈ half its diagonal
  const double reach = half * std::sqrt(1.0 + (2.0 / 3.0) * (2.0 / 3.0));
  const double x0 = reach + 2, x1 = std::max(x0, width - reach - 2);
  const double y0 = reach + 2, y1 = std::max(y0, height - reach - 2);
  s.card_centre = {rng.uniform(x0, x1), rng.uniform(y0, y1)};
  if (rng.uniform(0.0, 1.0) < 1.0 / 3.0) {
    switch (rng.uniform(0, 4)) {
      case 0:
        s.card_centre.x = x0;
        break;
      case 1:
        s.card_centre.x = x1;
        break;
      case 2:
        s.card_centre.y = y0;
        break;
      default:
        s.card_centre.y = y1;
        break;
    }
  }
  s.density_angle = rng.uniform(0.0, 2 * kPi);  // used when the truth rectangles do not fix it
  return s;
}

WideScene render_wide(const WideSpec& spec) {
  WideScene scene;
  scene.spec = spec;
  const double w = spec.width, h = spec.height;
  cv::RNG rng(splitmix(spec.seed ^ 0xBEEFull));

  // ---- spectra -------------------------------------------------------------------------------
  const CsvTable card_table = parse_csv(embedded_file("colorchecker24_spectra_babelcolor_avg.csv"), "babelcolor");
  const CsvTable layout = parse_csv(embedded_file("colorchecker24_layout.csv"), "layout");
  std::vector<colour::SampledSpectrum> spectra(kMaterials);
  for (std::size_t i = 0; i < 24; ++i) spectra[i] = table_column(card_table, i + 1);
  spectra[kSkin] = skin_spectrum(spec.skin_subject);
  if (spec.skin_extra_melanin > 0) {
    for (std::size_t i = 0; i < spectra[kSkin].values.size(); ++i) {
      const double x = spectra[kSkin].wavelengths_nm[i] / 500.0;
      spectra[kSkin].values[i] *= std::exp(-2.0 * spec.skin_extra_melanin * std::pow(x, -3.48));
    }
  }
  {
    colour::SampledSpectrum hair;
    hair.values =
        wide_hair_reflectance(spec.tau_eu, spec.tau_pheo, spec.hair_surface, spec.hair_diffuse, hair.wavelengths_nm);
    spectra[kHair] = hair;
  }
  spectra[kFrame] = {{380, 780}, {0.03, 0.03}};
  spectra[kShine] = {{380, 780}, {1.0, 1.0}};
  spectra[kBackdrop] = {{380, 780}, {0.08, 0.08}};
  for (std::size_t i = 0; i < 24; ++i) scene.patch_lab[i] = lab_d50(spectra[i]);
  scene.skin_lab = lab_d50(spectra[kSkin]);
  scene.follicle_lab = lab_d50(spectra[kHair]);

  // ---- camera ----------------------------------------------------------------------------------
  cv::Matx33d m;
  bool found = false;
  for (const Camera& c : cameras()) {
    if (c.name == spec.camera) {
      m = c.xyz_to_cam;
      found = true;
    }
  }
  if (!found) throw std::invalid_argument("render_wide: unknown camera " + spec.camera);
  const cv::Vec3d row_white = m * vec(colour::illuminant_white("D65").xyz);
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 3; ++c) m(r, c) /= row_white[r];
  const std::string assumed = spec.white_balance_for.empty() ? spec.illuminant : spec.white_balance_for;
  const cv::Vec3d cam_white = m * vec(colour::illuminant_white(assumed).xyz);
  cv::Matx33d gains = cv::Matx33d::zeros();
  for (int c = 0; c < 3; ++c) gains(c, c) = spec.wb_gain_error[static_cast<std::size_t>(c)] / cam_white[c];
  const cv::Matx33d render = xyz_to_srgb() * m.inv() * gains * m;
  std::vector<cv::Vec3d> rgb(kMaterials);
  for (std::size_t i = 0; i < kMaterials; ++i)
    rgb[i] = render * vec(colour::spectrum_to_xyz(spectra[i], spec.illuminant));

  // ---- light field -------------------------------------------------------------------------------
  // Vignetting about the frame centre (1 − v·r²/2, r² = 2 in the corners) times a head that turns
  // away from the light: 1 − a·ρ² inside an ellipse of semi-axes head_scale × half frame, centred a
  // little off the frame centre; outside it, a dark backdrop.
  const double head_fall = 0.05 + 0.3 * hash01(spec.seed, 91, 0, 0);
  const cv::Point2d head_c(w * (0.5 + 0.2 * (hash01(spec.seed, 92, 0, 0) - 0.5)),
                           h * (0.5 + 0.2 * (hash01(spec.seed, 93, 0, 0) - 0.5)));
  const auto head_rho2 = [&](double x, double y) {
    const double nx = (x - head_c.x) / (spec.head_scale * 0.5 * w), ny = (y - head_c.y) / (spec.head_scale * 0.5 * h);
    return nx * nx + ny * ny;
  };
  const auto light_at = [&](double x, double y) {
    const double fx = (x - 0.5 * w) / (0.5 * w), fy = (y - 0.5 * h) / (0.5 * h);
    const double vig = 1.0 - spec.vignetting * 0.5 * (fx * fx + fy * fy);
    const double r2 = head_rho2(x, y);
    return vig * (r2 < 1.0 ? 1.0 - head_fall * r2 : 1.0 - head_fall);
  };

  // ---- card geometry -----------------------------------------------------------------------------
  std::vector<cv::Rect2d> patch_box(24);
  double gx0 = 1e9, gy0 = 1e9, gx1 = 0, gy1 = 0;
  for (std::size_t i = 0; i < 24; ++i) {
    const CsvRow& row = layout.rows.at(i);
    patch_box[i] = {parse_csv_number(layout, row, layout.column("argyll_x0")),
                    parse_csv_number(layout, row, layout.column("argyll_y0")),
                    parse_csv_number(layout, row, layout.column("argyll_w")),
                    parse_csv_number(layout, row, layout.column("argyll_h"))};
    gx0 = std::min(gx0, patch_box[i].x);
    gy0 = std::min(gy0, patch_box[i].y);
    gx1 = std::max(gx1, patch_box[i].x + patch_box[i].width);
    gy1 = std::max(gy1, patch_box[i].y + patch_box[i].height);
  }
  const double card_w = gx1 + gx0, card_h = gy1 + gy0;
  const double cw_px = spec.card_width_px, ch_px = cw_px * card_h / card_w;
  const double a = spec.card_angle_deg * kPi / 180.0;
  std::vector<cv::Point2f> src, dst;
  const double corners[4][2] = {{-0.5, -0.5}, {0.5, -0.5}, {0.5, 0.5}, {-0.5, 0.5}};
  for (const auto& c : corners) {
    const double x = c[0] * cw_px + rng.uniform(-1.0, 1.0) * spec.perspective * cw_px;
    const double y = c[1] * ch_px + rng.uniform(-1.0, 1.0) * spec.perspective * cw_px;
    src.emplace_back(static_cast<float>((c[0] + 0.5) * card_w), static_cast<float>((c[1] + 0.5) * card_h));
    dst.emplace_back(static_cast<float>(spec.card_centre.x + x * std::cos(a) - y * std::sin(a)),
                     static_cast<float>(spec.card_centre.y + x * std::sin(a) + y * std::cos(a)));
  }
  const cv::Matx33d to_image(cv::getPerspectiveTransform(src, dst));
  const cv::Matx33d to_card = to_image.inv();
  const auto project = [&](double x, double y) {
    const cv::Vec3d p = to_image * cv::Vec3d(x, y, 1);
    return cv::Point2f(static_cast<float>(p[0] / p[2]), static_cast<float>(p[1] / p[2]));
  };
  scene.card_corners = {project(gx0, gy0), project(gx1, gy0), project(gx1, gy1), project(gx0, gy1)};
  for (std::size_t i = 0; i < 24; ++i) {
    scene.patch_centres[i] =
        project(patch_box[i].x + 0.5 * patch_box[i].width, patch_box[i].y + 0.5 * patch_box[i].height);
  }
  scene.patch_side_px = cw_px * patch_box[0].width / card_w;
  // The card's outline grown by a quarter (its border, its shadow, and room for measuring).
  std::vector<cv::Point2f> keep_out;
  for (const cv::Point2f& p : dst) {
    keep_out.push_back(cv::Point2f(spec.card_centre) + (p - cv::Point2f(spec.card_centre)) * 1.25f);
  }

  // ---- truth rectangles --------------------------------------------------------------------------
  // Squares lit as the card's centre within ±1 % at their own centre (±2 %, ±4 % if no place
  // qualifies), away from the card and on the head. The dot density then falls from the hair
  // square towards the scalp square, so one is dense and the other sparse whatever the geometry.
  const double spacing_dense = spec.dot_radius * std::sqrt(kPi / spec.dense_coverage);
  const int side =
      static_cast<int>(std::clamp(std::max(0.12 * std::min(w, h), 4.0 * spacing_dense), 40.0, 0.25 * std::min(w, h)));
  const double card_light = light_at(spec.card_centre.x, spec.card_centre.y);
  std::vector<cv::Rect> candidates;
  for (double tol : {0.01, 0.02, 0.04, 0.08, 1.0}) {
    candidates.clear();
    const int step = std::max(4, side / 4);
    for (int y = 4; y + side + 4 <= spec.height; y += step) {
      for (int x = 4; x + side + 4 <= spec.width; x += step) {
        const cv::Rect r(x, y, side, side);
        const double cx = x + 0.5 * side, cy = y + 0.5 * side;
        if (std::abs(light_at(cx, cy) / card_light - 1.0) > tol) continue;
        bool ok = true;
        for (const cv::Point2d p : {cv::Point2d(x, y), cv::Point2d(x + side, y), cv::Point2d(x, y + side),
                                    cv::Point2d(x + side, y + side), cv::Point2d(cx, cy)}) {
          if (head_rho2(p.x, p.y) > 0.9) ok = false;
        }
        std::vector<cv::Point2f> rq{{static_cast<float>(x), static_cast<float>(y)},
                                    {static_cast<float>(x + side), static_cast<float>(y)},
                                    {static_cast<float>(x + side), static_cast<float>(y + side)},
                                    {static_cast<float>(x), static_cast<float>(y + side)}};
        std::vector<cv::Point2f> hull, overlap;
        cv::convexHull(keep_out, hull);
        if (ok && cv::intersectConvexConvex(rq, hull, overlap, true) > 0.0f) ok = false;
        if (ok) candidates.push_back(r);
      }
    }
    // Two candidates at least 2.2 sides apart (room for the density to change between them).
    bool pair = false;
    for (std::size_t i = 0; i < candidates.size() && !pair; ++i)
      for (std::size_t j = i + 1; j < candidates.size() && !pair; ++j)
        pair = cv::norm(candidates[i].tl() - candidates[j].tl()) >= 2.2 * side;
    if (pair) break;
  }
  std::vector<std::pair<cv::Rect, cv::Rect>> pairs;
  for (std::size_t i = 0; i < candidates.size(); ++i)
    for (std::size_t j = 0; j < candidates.size(); ++j)
      if (i != j && cv::norm(candidates[i].tl() - candidates[j].tl()) >= 2.2 * side)
        pairs.emplace_back(candidates[i], candidates[j]);
  if (pairs.empty())
    throw std::runtime_error("render_wide: no room for the truth rectangles (seed " + std::to_string(spec.seed) + ")");
  const auto& chosen = pairs[static_cast<std::size_t>(rng.uniform(0, static_cast<int>(pairs.size())))];
  scene.hair_rect = chosen.first;
  scene.scalp_rect = chosen.second;
  const cv::Point2d hair_c(scene.hair_rect.x + 0.5 * side, scene.hair_rect.y + 0.5 * side);
  const cv::Point2d scalp_c(scene.scalp_rect.x + 0.5 * side, scene.scalp_rect.y + 0.5 * side);
  const cv::Point2d axis = scalp_c - hair_c;
  const double axis2 = axis.dot(axis);
  // Coverage along the axis: dense up to t = 0.35 (the hair square's far corner is at t ≤ 0.32),
  // sparse from t = 0.65 on.
  const auto coverage_at = [&](double x, double y) {
    const double t = (cv::Point2d(x, y) - hair_c).dot(axis) / axis2;
    return spec.sparse_coverage + (spec.dense_coverage - spec.sparse_coverage) * (1.0 - smoothstep(0.35, 0.65, t));
  };

  // ---- dots ----------------------------------------------------------------------------------
  const double s0 = spacing_dense;  // grid pitch: one possible dot per cell, kept with p = coverage / dense
  const double r = spec.dot_radius, soft = spec.dot_softness;
  const double reach = r * 1.2 * (1.0 + soft) + 1.0;
  const double room = std::max(0.0, 0.5 * s0 - 1.2 * r * (1.0 + 0.5 * soft));
  struct Dot {
    double x, y, radius;
    bool present;
  };
  const auto dot_in = [&](std::int64_t ci, std::int64_t cj) {
    const auto uci = static_cast<std::uint64_t>(ci + (1ll << 40)), ucj = static_cast<std::uint64_t>(cj + (1ll << 40));
    Dot d;
    d.x = (static_cast<double>(ci) + 0.5) * s0 + (2 * hash01(spec.seed, 1, uci, ucj) - 1) * room;
    d.y = (static_cast<double>(cj) + 0.5) * s0 + (2 * hash01(spec.seed, 2, uci, ucj) - 1) * room;
    d.radius = r * (0.8 + 0.4 * hash01(spec.seed, 3, uci, ucj));
    d.present = hash01(spec.seed, 4, uci, ucj) < coverage_at(d.x, d.y) / spec.dense_coverage;
    return d;
  };
  // The highlight: towards the light (up-left in the frame, as from a ring light's upper half).
  const double hl_dx = -0.5 * std::sqrt(0.5), hl_dy = -0.5 * std::sqrt(0.5);
  const auto pigment = [&](double d, double radius) {
    const double r0 = (1.0 - soft) * radius;
    if (d <= r0) return 1.0;
    if (spec.gaussian_edge) {
      const double sigma = std::max(0.25, 0.5 * soft * radius);
      const double u = (d - r0) / sigma;
      return u > 4 ? 0.0 : std::exp(-0.5 * u * u);
    }
    const double r1 = (1.0 + soft) * radius;
    if (d >= r1) return 0.0;
    const double c = std::cos(0.5 * kPi * (d - r0) / (r1 - r0));
    return c * c;
  };

  const auto material_at = [&](double x, double y, double& hair_w, double& shine_w) -> int {
    hair_w = shine_w = 0;
    const cv::Vec3d p = to_card * cv::Vec3d(x, y, 1);
    const double u = p[0] / p[2], v = p[1] / p[2];
    if (u >= 0 && v >= 0 && u < card_w && v < card_h) {
      for (std::size_t i = 0; i < 24; ++i)
        if (patch_box[i].contains({u, v})) return static_cast<int>(i);
      return kFrame;
    }
    if (head_rho2(x, y) >= 1.0) return kBackdrop;
    const auto ci0 = static_cast<std::int64_t>(std::floor((x - reach) / s0));
    const auto ci1 = static_cast<std::int64_t>(std::floor((x + reach) / s0));
    const auto cj0 = static_cast<std::int64_t>(std::floor((y - reach) / s0));
    const auto cj1 = static_cast<std::int64_t>(std::floor((y + reach) / s0));
    for (std::int64_t cj = cj0; cj <= cj1; ++cj) {
      for (std::int64_t ci = ci0; ci <= ci1; ++ci) {
        const Dot d = dot_in(ci, cj);
        if (!d.present) continue;
        const double dx = x - d.x, dy = y - d.y;
        hair_w = std::max(hair_w, pigment(std::sqrt(dx * dx + dy * dy), d.radius));
        const double hx = dx - hl_dx * d.radius, hy = dy - hl_dy * d.radius;
        const double sh = 0.12 * d.radius;
        shine_w = std::max(shine_w, spec.highlight * std::exp(-0.5 * (hx * hx + hy * hy) / (sh * sh)));
      }
    }
    return kSkin;
  };

  const cv::Vec3d white = rgb[18];
  const double exposure = spec.exposure_white / (std::max({white[0], white[1], white[2]}) * card_light);
  const auto decoded = [&](const cv::Vec3d& c, const cv::Rect& at) {
    const double light = light_at(at.x + 0.5 * at.width, at.y + 0.5 * at.height);
    cv::Vec3d v;
    for (int k = 0; k < 3; ++k) v[k] = std::pow(std::clamp(exposure * light * c[k], 0.0, 1.0), spec.tone_gamma);
    return colour::LinearRgb{v[0], v[1], v[2]};
  };
  scene.skin_linear = decoded(rgb[kSkin], scene.scalp_rect);
  scene.follicle_linear = decoded(rgb[kHair], scene.hair_rect);

  // ---- render: 2 × 2 samples per pixel ------------------------------------------------------------
  scene.bgr.create(spec.height, spec.width, CV_8UC3);
  for (int y = 0; y < spec.height; ++y) {
    auto* out = scene.bgr.ptr<cv::Vec3b>(y);
    for (int x = 0; x < spec.width; ++x) {
      cv::Vec3d sum(0, 0, 0);
      for (int sy = 0; sy < 2; ++sy) {
        for (int sx = 0; sx < 2; ++sx) {
          double hw = 0, sw = 0;
          const int mat = material_at(x + 0.25 + 0.5 * sx, y + 0.25 + 0.5 * sy, hw, sw);
          if (mat == kSkin) {
            sum += (1.0 - hw) * rgb[kSkin] + hw * rgb[kHair] + sw * hw * rgb[kShine];
          } else {
            sum += rgb[static_cast<std::size_t>(mat)];
          }
        }
      }
      const double light = light_at(x + 0.5, y + 0.5);
      for (int c = 0; c < 3; ++c) {
        double v = exposure * light * sum[c] / 4.0;
        v += rng.gaussian(spec.noise * std::sqrt(1.0 + 25.0 * std::max(v, 0.0)));
        v = std::pow(std::clamp(v, 0.0, 1.0), spec.tone_gamma);
        out[x][2 - c] = cv::saturate_cast<unsigned char>(255.0 * srgb_encode(v));
      }
    }
  }
  return scene;
}

namespace {

void write_jpeg(const cv::Mat& bgr, const std::string& path, int quality, bool chroma_420) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) throw std::runtime_error("cannot write " + path);
  jpeg_compress_struct cinfo{};
  jpeg_error_mgr jerr{};
  cinfo.err = jpeg_std_error(&jerr);
  jpeg_create_compress(&cinfo);
  jpeg_stdio_dest(&cinfo, f);
  cinfo.image_width = static_cast<JDIMENSION>(bgr.cols);
  cinfo.image_height = static_cast<JDIMENSION>(bgr.rows);
  cinfo.input_components = 3;
  cinfo.in_color_space = JCS_RGB;
  jpeg_set_defaults(&cinfo);
  jpeg_set_quality(&cinfo, quality, TRUE);
  // Luma sampling factors: 2×2 = 4:2:0 (one chroma sample per 2×2 pixels), 1×1 = 4:4:4.
  cinfo.comp_info[0].h_samp_factor = chroma_420 ? 2 : 1;
  cinfo.comp_info[0].v_samp_factor = chroma_420 ? 2 : 1;
  for (int c = 1; c < 3; ++c) cinfo.comp_info[c].h_samp_factor = cinfo.comp_info[c].v_samp_factor = 1;
  jpeg_start_compress(&cinfo, TRUE);
  std::vector<unsigned char> row(static_cast<std::size_t>(bgr.cols) * 3);
  while (cinfo.next_scanline < cinfo.image_height) {
    const auto* in = bgr.ptr<cv::Vec3b>(static_cast<int>(cinfo.next_scanline));
    for (int x = 0; x < bgr.cols; ++x) {
      const auto i = static_cast<std::size_t>(x) * 3;
      row[i] = in[x][2];
      row[i + 1] = in[x][1];
      row[i + 2] = in[x][0];
    }
    JSAMPROW p = row.data();
    jpeg_write_scanlines(&cinfo, &p, 1);
  }
  jpeg_finish_compress(&cinfo);
  jpeg_destroy_compress(&cinfo);
  if (std::fclose(f) != 0) throw std::runtime_error("cannot write " + path);
}

}  // namespace

std::string write_wide(const WideScene& scene, const std::string& dir, const std::string& stem) {
  if (scene.spec.jpeg_quality <= 0) {
    const std::string path = dir + "/" + stem + ".png";
    if (!cv::imwrite(path, scene.bgr)) throw std::runtime_error("cannot write " + path);
    return path;
  }
  const std::string path = dir + "/" + stem + ".jpg";
  write_jpeg(scene.bgr, path, scene.spec.jpeg_quality, scene.spec.chroma_420);
  return path;
}

}  // namespace shadematch::test
