#include "support/scene.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

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

colour::SampledSpectrum column_spectrum(const CsvTable& table, std::size_t column) {
  colour::SampledSpectrum s;
  const std::size_t wl = table.column("wavelength_nm");
  for (const CsvRow& row : table.rows) {
    s.wavelengths_nm.push_back(parse_csv_number(table, row, wl));
    s.values.push_back(parse_csv_number(table, row, column));
  }
  return s;
}

colour::Lab truth_lab(const colour::SampledSpectrum& s) {
  return colour::xyz_to_lab(colour::spectrum_to_xyz(s, "D50"), colour::d50_white());
}

cv::Vec3d as_vec(const colour::Xyz& x) {
  return {x.x, x.y, x.z};
}

// Linear sRGB ← XYZ (D65 white), derived from the IEC 61966-2-1 primaries' chromaticities and the
// CIE D65 white of the tables (the usual construction: scale the primaries so they sum to white).
cv::Matx33d xyz_to_linear_srgb() {
  const double xy[3][2] = {{0.64, 0.33}, {0.30, 0.60}, {0.15, 0.06}};  // R, G, B (IEC 61966-2-1)
  cv::Matx33d p;
  for (int i = 0; i < 3; ++i) {
    const double x = xy[i][0], y = xy[i][1];
    p(0, i) = x / y;
    p(1, i) = 1.0;
    p(2, i) = (1.0 - x - y) / y;
  }
  const cv::Vec3d white = as_vec(colour::illuminant_white("D65").xyz);
  const cv::Vec3d s = p.inv() * white;
  cv::Matx33d rgb_to_xyz = p * cv::Matx33d::diag(s);
  return rgb_to_xyz.inv();
}

double srgb_oetf(double v) {
  // IEC 61966-2-1 encoding.
  return v <= 0.0031308 ? 12.92 * v : 1.055 * std::pow(v, 1.0 / 2.4) - 0.055;
}

// splitmix64: a tiny, portable hash → uniform numbers for per-dot jitter.
std::uint64_t mix(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}
double uniform(std::uint64_t seed, std::uint64_t a, std::uint64_t b, std::uint64_t c) {
  const std::uint64_t h = mix(seed ^ mix(a ^ mix(b ^ mix(c))));
  return static_cast<double>(h >> 11) / 9007199254740992.0;  // [0, 1)
}

struct DotZone {
  cv::Rect2d area;
  double spacing = 0;
  int id = 0;
};

enum Material : int { kFrame = 24, kSkin = 25, kHair = 26, kCloth = 27, kMaterials = 28 };

}  // namespace

std::vector<double> hair_reflectance(double melanin_tau, std::vector<double>& wavelengths_nm) {
  wavelengths_nm.clear();
  std::vector<double> r;
  for (int wl = 380; wl <= 780; wl += 5) {
    wavelengths_nm.push_back(wl);
    r.push_back(0.04 + 0.55 * std::exp(-melanin_tau * std::pow(wl / 500.0, -3.48)));
  }
  return r;
}

Scene render_scene(const SceneSpec& spec) {
  if (spec.width < 64 || spec.height < 64) throw std::invalid_argument("render_scene: image too small");
  Scene scene;
  scene.spec = spec;
  const double w = spec.width, h = spec.height;

  // ---- materials: spectra → truth and camera colours ------------------------------------------
  const CsvTable card_table = parse_csv(embedded_file("colorchecker24_spectra_babelcolor_avg.csv"), "babelcolor");
  const CsvTable skin_table =
      parse_csv(embedded_file("skin_reflectance_nist_cooksey2017_100subjects_379-781nm.csv"), "nist skin");
  const CsvTable layout = parse_csv(embedded_file("colorchecker24_layout.csv"), "layout");
  std::vector<colour::SampledSpectrum> spectra(kMaterials);
  for (std::size_t i = 0; i < 24; ++i) spectra[i] = column_spectrum(card_table, i + 1);
  char subject[32];
  std::snprintf(subject, sizeof subject, "subject_%03d_avg", std::clamp(spec.skin_subject, 1, 100));
  spectra[kSkin] = column_spectrum(skin_table, skin_table.column(subject));
  if (!spec.dot_reflectance.empty()) {
    if (spec.dot_reflectance.size() != spec.dot_wavelengths_nm.size()) {
      throw std::invalid_argument("render_scene: dot_reflectance and dot_wavelengths_nm differ in length");
    }
    // Held flat beyond the given range (the model's grid is 400–700 nm; the scene's 380–780).
    colour::SampledSpectrum dot;
    if (spec.dot_wavelengths_nm.front() > 380.0) {
      dot.wavelengths_nm.push_back(380.0);
      dot.values.push_back(spec.dot_reflectance.front());
    }
    for (std::size_t i = 0; i < spec.dot_reflectance.size(); ++i) {
      dot.wavelengths_nm.push_back(spec.dot_wavelengths_nm[i]);
      dot.values.push_back(spec.dot_reflectance[i]);
    }
    if (spec.dot_wavelengths_nm.back() < 780.0) {
      dot.wavelengths_nm.push_back(780.0);
      dot.values.push_back(spec.dot_reflectance.back());
    }
    spectra[kHair] = dot;
  } else {
    colour::SampledSpectrum hair;
    hair.values = hair_reflectance(spec.hair_melanin, hair.wavelengths_nm);
    spectra[kHair] = hair;
  }
  spectra[kFrame] = {{380, 780}, {0.03, 0.03}};
  spectra[kCloth] = {{380, 780}, {0.25, 0.25}};
  for (std::size_t i = 0; i < 24; ++i) scene.patch_lab[i] = truth_lab(spectra[i]);
  scene.skin_lab = truth_lab(spectra[kSkin]);
  scene.follicle_lab = truth_lab(spectra[kHair]);

  const CsvTable cam = parse_csv(read_text_file(test_data_dir() + "/scene/camera_xyz_to_cam_dcraw.csv"), "camera");
  cv::Matx33d m;
  const double divisor = parse_csv_number(cam, cam.rows.at(0), cam.column("divisor"));
  for (int i = 0; i < 9; ++i)
    m(i / 3, i % 3) = parse_csv_number(cam, cam.rows.at(0), static_cast<std::size_t>(i + 1)) / divisor;
  const cv::Vec3d d65 = as_vec(colour::illuminant_white("D65").xyz);
  const cv::Vec3d row_white = m * d65;
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 3; ++c) m(r, c) /= row_white[r];
  const std::string assumed = spec.white_balance_for.empty() ? spec.illuminant : spec.white_balance_for;
  const cv::Vec3d cam_white = m * as_vec(colour::illuminant_white(assumed).xyz);
  const cv::Matx33d gains = cv::Matx33d::diag(cv::Vec3d(1.0 / cam_white[0], 1.0 / cam_white[1], 1.0 / cam_white[2]));
  const cv::Matx33d render = xyz_to_linear_srgb() * m.inv() * gains * m;
  std::vector<cv::Vec3d> rgb(kMaterials);
  for (std::size_t i = 0; i < kMaterials; ++i)
    rgb[i] = render * as_vec(colour::spectrum_to_xyz(spectra[i], spec.illuminant));
  const double white_max = std::max({rgb[18][0], rgb[18][1], rgb[18][2]});
  const double exposure = 0.9 / (white_max * (1.0 + 0.5 * std::abs(spec.light_gradient)));

  // ---- geometry -----------------------------------------------------------------------------------
  cv::RNG rng(spec.seed);
  std::vector<cv::Rect2d> patch_box(24);
  double grid_x0 = 1e9, grid_y0 = 1e9, grid_x1 = 0, grid_y1 = 0;
  for (std::size_t i = 0; i < 24; ++i) {
    const CsvRow& row = layout.rows.at(i);
    const double x0 = parse_csv_number(layout, row, layout.column("argyll_x0"));
    const double y0 = parse_csv_number(layout, row, layout.column("argyll_y0"));
    const double pw = parse_csv_number(layout, row, layout.column("argyll_w"));
    const double ph = parse_csv_number(layout, row, layout.column("argyll_h"));
    patch_box[i] = {x0, y0, pw, ph};
    grid_x0 = std::min(grid_x0, x0);
    grid_y0 = std::min(grid_y0, y0);
    grid_x1 = std::max(grid_x1, x0 + pw);
    grid_y1 = std::max(grid_y1, y0 + ph);
  }
  // The card's outer edge: the grid grown by the same border as on the top-left.
  const double card_w = grid_x1 + grid_x0, card_h = grid_y1 + grid_y0;
  cv::Matx33d to_image = cv::Matx33d::eye(), to_card = cv::Matx33d::eye();
  std::vector<cv::Point2f> card_quad;
  if (spec.card) {
    const double width_px = spec.card_width * w, height_px = width_px * card_h / card_w;
    const cv::Point2d centre(0.26 * w, 0.5 * h);
    const double a = spec.card_angle_deg * kPi / 180.0;
    const double half[4][2] = {{-0.5, -0.5}, {0.5, -0.5}, {0.5, 0.5}, {-0.5, 0.5}};
    std::vector<cv::Point2f> src, dst;
    for (const auto& c : half) {
      const double x = c[0] * width_px, y = c[1] * height_px;
      const double jx = rng.uniform(-1.0, 1.0) * spec.perspective * width_px;
      const double jy = rng.uniform(-1.0, 1.0) * spec.perspective * width_px;
      src.emplace_back(static_cast<float>((c[0] + 0.5) * card_w), static_cast<float>((c[1] + 0.5) * card_h));
      dst.emplace_back(static_cast<float>(centre.x + x * std::cos(a) - y * std::sin(a) + jx),
                       static_cast<float>(centre.y + x * std::sin(a) + y * std::cos(a) + jy));
    }
    to_image = cv::Matx33d(cv::getPerspectiveTransform(src, dst));
    to_card = to_image.inv();
    card_quad = dst;
    const auto project = [&](double x, double y) {
      const cv::Vec3d p = to_image * cv::Vec3d(x, y, 1);
      return cv::Point2f(static_cast<float>(p[0] / p[2]), static_cast<float>(p[1] / p[2]));
    };
    scene.card_corners = {project(grid_x0, grid_y0), project(grid_x1, grid_y0), project(grid_x1, grid_y1),
                          project(grid_x0, grid_y1)};
    for (std::size_t i = 0; i < 24; ++i) {
      scene.patch_centres[i] =
          project(patch_box[i].x + 0.5 * patch_box[i].width, patch_box[i].y + 0.5 * patch_box[i].height);
    }
    scene.patch_side_px = width_px * patch_box[0].width / card_w;
  }
  const cv::Rect2d scalp(0.52 * w, 0.06 * h, 0.44 * w, 0.88 * h);
  scene.scalp_area =
      cv::Rect(cv::Point(static_cast<int>(std::ceil(scalp.x)), static_cast<int>(std::ceil(scalp.y))),
               cv::Point(static_cast<int>(scalp.x + scalp.width), static_cast<int>(scalp.y + scalp.height)));
  const double r = spec.dot_radius;
  const auto spacing = [&](double coverage) { return r * std::sqrt(kPi / std::clamp(coverage, 0.01, 0.5)); };
  const DotZone zones[2] = {
      {{scalp.x, scalp.y, scalp.width, scalp.height / 2}, spacing(spec.hair_coverage), 1},
      {{scalp.x, scalp.y + scalp.height / 2, scalp.width, scalp.height / 2}, spacing(spec.scalp_coverage), 2}};
  const auto inset = [r](const DotZone& z) {
    const double m2 = 2.0 * r + 2.0;  // clear of the zone's edge by a dot diameter
    return cv::Rect(static_cast<int>(std::ceil(z.area.x + m2)), static_cast<int>(std::ceil(z.area.y + m2)),
                    static_cast<int>(z.area.width - 2 * m2), static_cast<int>(z.area.height - 2 * m2));
  };
  scene.hair_rect = inset(zones[0]);
  scene.scalp_rect = inset(zones[1]);

  const auto material_at = [&](double x, double y) -> int {
    if (spec.card) {
      const cv::Vec3d p = to_card * cv::Vec3d(x, y, 1);
      const double u = p[0] / p[2], v = p[1] / p[2];
      if (u >= 0 && v >= 0 && u < card_w && v < card_h) {
        for (std::size_t i = 0; i < 24; ++i) {
          if (patch_box[i].contains({u, v})) return static_cast<int>(i);
        }
        return kFrame;
      }
    }
    if (!scalp.contains({x, y})) return kCloth;
    for (const DotZone& z : zones) {
      if (!z.area.contains({x, y})) continue;
      const double lx = x - z.area.x, ly = y - z.area.y;
      const auto ci = static_cast<std::uint64_t>(lx / z.spacing), cj = static_cast<std::uint64_t>(ly / z.spacing);
      const double room = std::max(0.0, 0.5 * z.spacing - 1.2 * r);
      const double cx =
          (static_cast<double>(ci) + 0.5) * z.spacing + (2 * uniform(spec.seed, z.id * 3 + 0, ci, cj) - 1) * room;
      const double cy =
          (static_cast<double>(cj) + 0.5) * z.spacing + (2 * uniform(spec.seed, z.id * 3 + 1, ci, cj) - 1) * room;
      const double radius = r * (0.8 + 0.4 * uniform(spec.seed, z.id * 3 + 2, ci, cj));
      if ((lx - cx) * (lx - cx) + (ly - cy) * (ly - cy) <= radius * radius) return kHair;
      return kSkin;
    }
    return kSkin;
  };

  // ---- render: 3 × 3 supersampling, light, noise, tone, encode ----------------------------------
  scene.bgr.create(spec.height, spec.width, CV_8UC3);
  for (int y = 0; y < spec.height; ++y) {
    auto* out = scene.bgr.ptr<cv::Vec3b>(y);
    for (int x = 0; x < spec.width; ++x) {
      cv::Vec3d sum(0, 0, 0);
      for (int sy = 0; sy < 3; ++sy)
        for (int sx = 0; sx < 3; ++sx)
          sum += rgb[static_cast<std::size_t>(material_at(x + (sx + 0.5) / 3.0, y + (sy + 0.5) / 3.0))];
      const double light = 1.0 + spec.light_gradient * ((x + 0.5) / w - 0.5);
      for (int c = 0; c < 3; ++c) {
        double v = exposure * light * sum[c] / 9.0;
        // Read noise plus shot noise growing with the signal (σ² ∝ 1 + 20 v).
        v += rng.gaussian(spec.noise * std::sqrt(1.0 + 20.0 * std::max(v, 0.0)));
        v = std::pow(std::clamp(v, 0.0, 1.0), spec.tone_gamma);
        out[x][2 - c] = cv::saturate_cast<unsigned char>(255.0 * srgb_oetf(v));
      }
    }
  }
  return scene;
}

cv::Mat encoded_pixels(const Scene& scene) {
  if (scene.spec.jpeg_quality <= 0) return scene.bgr.clone();
  std::vector<unsigned char> bytes;
  cv::imencode(".jpg", scene.bgr, bytes, {cv::IMWRITE_JPEG_QUALITY, scene.spec.jpeg_quality});
  return cv::imdecode(bytes, cv::IMREAD_COLOR);
}

cv::Mat srgb8_bgr_to_linear_rgb(const cv::Mat& bgr) {
  std::array<float, 256> lut{};
  for (int i = 0; i < 256; ++i) {
    const double v = i / 255.0;  // IEC 61966-2-1 decoding
    lut[static_cast<std::size_t>(i)] =
        static_cast<float>(v <= 0.04045 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4));
  }
  cv::Mat out(bgr.size(), CV_32FC3);
  for (int y = 0; y < bgr.rows; ++y) {
    const auto* in = bgr.ptr<cv::Vec3b>(y);
    auto* o = out.ptr<cv::Vec3f>(y);
    for (int x = 0; x < bgr.cols; ++x) o[x] = {lut[in[x][2]], lut[in[x][1]], lut[in[x][0]]};
  }
  return out;
}

std::array<colour::LinearRgb, 24> sample_patches(const Scene& scene, const cv::Mat& linear_rgb) {
  std::array<colour::LinearRgb, 24> out{};
  const int half = std::max(1, static_cast<int>(scene.patch_side_px / 4));
  for (std::size_t i = 0; i < 24; ++i) {
    const cv::Point c(static_cast<int>(std::lround(scene.patch_centres[i].x)),
                      static_cast<int>(std::lround(scene.patch_centres[i].y)));
    const cv::Rect box =
        cv::Rect(c.x - half, c.y - half, 2 * half, 2 * half) & cv::Rect(0, 0, linear_rgb.cols, linear_rgb.rows);
    const cv::Scalar m = cv::mean(linear_rgb(box));
    out[i] = {m[0], m[1], m[2]};
  }
  return out;
}

std::string write_scene(const Scene& scene, const std::string& dir, const std::string& stem) {
  const bool jpeg = scene.spec.jpeg_quality > 0;
  const std::string path = dir + "/" + stem + (jpeg ? ".jpg" : ".png");
  std::vector<int> params;
  if (jpeg) params = {cv::IMWRITE_JPEG_QUALITY, scene.spec.jpeg_quality};
  if (!cv::imwrite(path, scene.bgr, params)) throw std::runtime_error("cannot write " + path);
  return path;
}

}  // namespace shadematch::test
