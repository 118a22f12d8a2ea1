// Accuracy of hair and scalp measurement on synthetic scenes with known truth (issue 4 evidence):
// light to dark skin, light brown to near-black hair, D65, A and FL11, right and wrong white
// balance, PNG and JPEG. Scenes go through the real decoder and photo::measure_regions (with the
// local refit); the calibration is the project's colour fit (photo/fit.hpp) on the card's patches
// sampled at their true positions, so detection is left out here — the CLI tests run it all.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <numeric>
#include <sstream>

#include "colour/delta_e.hpp"
#include "colour/lab.hpp"
#include "colour/spectral.hpp"
#include "common/csv.hpp"
#include "common/embedded.hpp"
#include "photo/cv_geometry.hpp"
#include "photo/decode.hpp"
#include "photo/fit.hpp"
#include "photo/measure.hpp"
#include "photo/regions.hpp"
#include "support/paths.hpp"
#include "support/scene.hpp"

#include <opencv2/imgcodecs.hpp>

using namespace shadematch;

namespace {

// NIST subjects ordered from lightest to darkest skin (by L* D50 of their spectra).
std::vector<int> subjects_by_lightness() {
  const CsvTable t = parse_csv(embedded_file("skin_reflectance_nist_cooksey2017_100subjects_379-781nm.csv"), "skin");
  std::vector<std::pair<double, int>> l;
  for (int s = 1; s <= 100; ++s) {
    char name[32];
    std::snprintf(name, sizeof name, "subject_%03d_avg", s);
    const std::size_t col = t.column(name);
    colour::SampledSpectrum spd;
    for (const auto& row : t.rows) {
      spd.wavelengths_nm.push_back(parse_csv_number(t, row, 0));
      spd.values.push_back(parse_csv_number(t, row, col));
    }
    l.emplace_back(-colour::xyz_to_lab(colour::spectrum_to_xyz(spd, "D50"), colour::d50_white()).l, s);
  }
  std::sort(l.begin(), l.end());
  std::vector<int> out;
  for (const auto& p : l) out.push_back(p.second);
  return out;
}

struct Calibrated {
  photo::ColourCorrection correction;
  double loo_mean = 0;
  std::vector<photo::FitSample> samples;
};

Calibrated calibrate_from_truth_positions(const test::Scene& scene, const cv::Mat& linear) {
  const auto rgb = test::sample_patches(scene, linear);
  std::vector<photo::FitSample> samples;
  for (std::size_t i = 0; i < 24; ++i) {
    samples.push_back({rgb[i], colour::lab_to_xyz(scene.patch_lab[i], colour::d50_white()), i >= 18});
  }
  Calibrated best;
  best.loo_mean = 1e9;
  for (auto model : {photo::CorrectionModel::linear3x3, photo::CorrectionModel::root_polynomial2}) {
    const auto loo = photo::leave_one_out_de00(model, samples);
    const double mean = std::accumulate(loo.begin(), loo.end(), 0.0) / static_cast<double>(loo.size());
    if (mean < best.loo_mean) best = {photo::fit_correction(model, samples), mean, samples};
  }
  return best;
}

struct SceneResult {
  photo::RegionMeasurement hair, scalp;
  double de_hair = 0, de_scalp = 0;
  double loo = 0;
};

// Renders `spec`, writes it (PNG or JPEG) to `dir`, decodes it with the real decoder, calibrates
// from the card's patches at their true positions and measures the true hair and scalp rectangles
// with the local refit on `nearest` patches (0 = global fit only).
SceneResult measure_scene(const test::SceneSpec& spec, const std::string& dir, const std::string& stem,
                          std::size_t nearest = 4, bool with_scalp = true) {
  const test::Scene scene = test::render_scene(spec);
  const photo::DecodedImage image = photo::decode_image(test::write_scene(scene, dir, stem), 1);
  const Calibrated cal = calibrate_from_truth_positions(scene, image.linear());
  photo::MeasureOptions options;
  options.card_corners = photo::from_cv(scene.card_corners);
  if (nearest > 0) options.local_correction = photo::local_correction(cal.samples, nearest);
  const photo::ColourCorrection correction = cal.correction;
  std::vector<photo::Region> regions(with_scalp ? 2 : 1);
  regions[0].name = "hair";
  regions[0].rect = photo::from_cv(scene.hair_rect);
  if (with_scalp) {
    regions[1].name = "scalp";
    regions[1].rect = photo::from_cv(scene.scalp_rect);
  }
  const auto measured = photo::measure_regions(
      image, [&](const colour::LinearRgb& c) { return correction.apply_lab(c); }, regions, options);
  SceneResult r;
  r.hair = measured[0];
  r.loo = cal.loo_mean;
  REQUIRE(r.hair.follicle_lab);
  r.de_hair = colour::delta_e_2000(*r.hair.follicle_lab, scene.follicle_lab);
  if (with_scalp) {
    r.scalp = measured[1];
    r.de_scalp = colour::delta_e_2000(r.scalp.lab, scene.skin_lab);
  }
  return r;
}

std::string lab_text(const colour::Lab& c) {
  std::ostringstream s;
  s.precision(3);
  s << c.l << "," << c.a << "," << c.b;
  return s.str();
}

}  // namespace

TEST_CASE("scene: rendering is deterministic and the truth is plausible", "[unit]") {
  test::SceneSpec spec;
  spec.width = 320;
  spec.height = 214;
  spec.seed = 11;
  const test::Scene a = test::render_scene(spec), b = test::render_scene(spec);
  CHECK(cv::norm(a.bgr, b.bgr, cv::NORM_INF) == 0);
  spec.seed = 12;
  CHECK(cv::norm(a.bgr, test::render_scene(spec).bgr, cv::NORM_INF) > 0);
  // BabelColor average white patch: L* ≈ 96 (X-Rite: 96.5); black ≈ 20.
  CHECK(a.patch_lab[18].l == Approx(96).margin(1.5));
  CHECK(a.patch_lab[23].l == Approx(20).margin(2));
  // τ = 4 at 500 nm: a brown follicle (L* in the 30s), well darker than the median NIST skin.
  CHECK(a.follicle_lab.l < 40);
  CHECK(a.follicle_lab.l < a.skin_lab.l - 15);
  CHECK(a.skin_lab.l > 30);
  CHECK(a.skin_lab.b > 5);  // skin is yellowish
  CHECK((a.hair_rect & a.scalp_area) == a.hair_rect);
  CHECK((a.scalp_rect & a.scalp_area) == a.scalp_rect);
}

TEST_CASE("scene: the hair model runs from light brown to near-black", "[reference]") {
  // Eumelanin optical depth τ → L* D50 of the follicle: more melanin, darker and less chromatic.
  double previous = 101;
  for (double tau : {1.0, 2.0, 4.0, 8.0, 16.0}) {
    std::vector<double> wl;
    colour::SampledSpectrum s;
    s.values = test::hair_reflectance(tau, wl);
    s.wavelengths_nm = wl;
    const colour::Lab lab = colour::xyz_to_lab(colour::spectrum_to_xyz(s, "D50"), colour::d50_white());
    CHECK(lab.l < previous);
    previous = lab.l;
    if (tau == 1.0) CHECK(lab.b > 10);   // light brown: clearly yellow-red
    if (tau == 16.0) CHECK(lab.l < 28);  // near-black: the 4 % surface reflection dominates (L* 24)
  }
}

TEST_CASE("measure: follicle and scalp Lab within 2 ΔE00 of truth across skin, hair, light and white balance",
          "[reference]") {
  const std::vector<int> order = subjects_by_lightness();
  // Lightest, 25th, 50th, 75th percentile and darkest of the 100 NIST subjects.
  const int skins[5] = {order[0], order[25], order[50], order[75], order[99]};
  const double hairs[4] = {1.5, 3.0, 6.0, 12.0};
  const char* lights[3] = {"D65", "A", "FL11"};
  std::vector<double> errors;
  const std::string dir = test::make_temp_dir("measure-scenes");
  for (int i = 0; i < 12; ++i) {
    test::SceneSpec spec;
    spec.seed = static_cast<std::uint64_t>(100 + i);
    spec.width = 640;
    spec.height = 428;
    spec.skin_subject = skins[i % 5];
    // Light hair only on the lighter skins here (hair lighter than skin has its own test below).
    spec.hair_melanin = i % 5 >= 3 ? hairs[2 + i % 2] : hairs[i % 4];
    spec.illuminant = lights[i % 3];
    // Odd scenes: the camera balanced for the wrong light (tungsten for daylight, else daylight).
    if (i % 2 == 1) spec.white_balance_for = spec.illuminant == "D65" ? "A" : "D65";
    spec.jpeg_quality = i % 4 >= 2 ? 95 : 0;  // 95: a phone camera's usual JPEG quality
    spec.card_angle_deg = 8.0 * (i % 3) - 8.0;
    const test::Scene truth = test::render_scene(spec);
    const SceneResult r = measure_scene(spec, dir, "scene" + std::to_string(i));
    std::ostringstream line;
    line << "scene " << i << ": subject " << spec.skin_subject << " tau " << spec.hair_melanin << " " << spec.illuminant
         << " wb " << (spec.white_balance_for.empty() ? "right" : spec.white_balance_for) << " jpeg "
         << spec.jpeg_quality << " loo " << r.loo << " | follicle " << lab_text(truth.follicle_lab) << " got "
         << lab_text(*r.hair.follicle_lab) << " dE " << r.de_hair << " | skin " << lab_text(truth.skin_lab) << " got "
         << lab_text(r.scalp.lab) << " dE " << r.de_scalp;
    INFO(line.str());
    if (std::getenv("SHADEMATCH_VERBOSE")) std::cout << line.str() << "\n";
    // Issue 4: every follicle and scalp colour within 2 ΔE00 (about the just-noticeable difference
    // for side-by-side patches, and the calibration target of DESIGN.md). Near-black follicles in
    // a JPEG under a wrong white balance used to miss by 4–5.5 ΔE00: their rims carry the skin's
    // chroma (4:2:0), now left out (MeasureOptions::chroma_reach_px).
    CHECK(r.de_scalp < 2.0);
    CHECK(r.de_hair < 2.0);
    CHECK(r.hair.follicle_cluster == "dark");
    CHECK(r.hair.follicle_basis == "differs from scalp");
    // 12-px dots, 2-px rims: the interior is what the follicle colour comes from.
    CHECK(r.hair.follicle_pixels >= 50);
    errors.push_back(r.de_hair);
    errors.push_back(r.de_scalp);
  }
  // …and the median over scenes ≤ 1.
  CHECK(photo::median_of(errors) <= 1.0);
}

TEST_CASE("measure: near-black follicles in a 4:2:0 JPEG — the dots' rims carry the skin's chroma", "[reference]") {
  // The cause of the former 4–5.5 ΔE00 misses, isolated: the same scene (near-black hair, τ = 12,
  // tungsten light, camera balanced for daylight) as PNG and as JPEG. Measured from the whole dark
  // cluster (chroma_reach_px = 0) the JPEG reads far too warm although the PNG does not; from the
  // dots' interior both agree with the truth.
  test::SceneSpec spec;
  spec.seed = 107;
  spec.width = 640;
  spec.height = 428;
  spec.skin_subject = subjects_by_lightness()[99 - 75];
  spec.hair_melanin = 12;
  spec.illuminant = "A";
  spec.white_balance_for = "D65";
  spec.jpeg_quality = 95;
  const std::string dir = test::make_temp_dir("measure-rims");
  const SceneResult jpeg = measure_scene(spec, dir, "jpeg");
  spec.jpeg_quality = 0;
  const SceneResult png = measure_scene(spec, dir, "png");
  INFO("jpeg " << jpeg.de_hair << " png " << png.de_hair);
  CHECK(jpeg.de_hair < 2.0);
  CHECK(png.de_hair < 2.0);
  // The interior of a 12-px dot after a 2-px erosion: about (12 − 4)² π/4 ≈ 50 px per dot; the
  // hair rectangle holds a few hundred dots, so thousands of interior pixels.
  CHECK(jpeg.hair.follicle_pixels > 2000);
}

TEST_CASE("measure: hair LIGHTER than the skin (blond or grey on dark skin) is found when the scalp is known",
          "[reference]") {
  const std::vector<int> order = subjects_by_lightness();
  const std::string dir = test::make_temp_dir("measure-light-hair");
  // Light hair (eumelanin optical depth 0.3–0.8: grey to blond, L* 60–75) on the darkest NIST skins
  // (L* 35–45), under three lights, PNG and JPEG.
  const struct {
    int skin_rank;
    double tau;
    const char* light;
    int jpeg;
  } cases[3] = {{99, 0.3, "D65", 95}, {98, 0.6, "A", 0}, {97, 0.8, "FL11", 95}};
  for (const auto& c : cases) {
    test::SceneSpec spec;
    spec.seed = static_cast<std::uint64_t>(500 + c.skin_rank);
    spec.width = 640;
    spec.height = 428;
    spec.skin_subject = order[static_cast<std::size_t>(c.skin_rank)];
    spec.hair_melanin = c.tau;
    spec.illuminant = c.light;
    spec.jpeg_quality = c.jpeg;
    const test::Scene truth = test::render_scene(spec);
    INFO("skin " << lab_text(truth.skin_lab) << " follicle " << lab_text(truth.follicle_lab) << " " << c.light);
    REQUIRE(truth.follicle_lab.l > truth.skin_lab.l + 10);  // the premise: hair lighter than skin
    const SceneResult r = measure_scene(spec, dir, "light" + std::to_string(c.skin_rank));
    INFO("got follicle " << lab_text(*r.hair.follicle_lab) << " dE " << r.de_hair << " skin " << lab_text(r.scalp.lab)
                         << " dE " << r.de_scalp);
    CHECK(r.hair.follicle_cluster == "light");
    CHECK(r.hair.follicle_basis == "differs from scalp");
    CHECK(r.de_hair < 2.0);  // issue 4's bar, as for dark hair
    CHECK(r.de_scalp < 2.0);
    // Without a scalp region the default is the darker cluster, and it is said so: here that is
    // the skin between the dots, far from the follicle colour.
    const SceneResult alone = measure_scene(spec, dir, "alone" + std::to_string(c.skin_rank), 4, false);
    CHECK(alone.hair.follicle_cluster == "dark");
    CHECK(alone.hair.follicle_basis == "darker cluster");
    CHECK(alone.de_hair > 10.0);
  }
}

TEST_CASE("measure: local refit size chosen on held-out scenes", "[.explore]") {
  // Not run by default: reproduces the choice of local_correction's `nearest` (photo/measure.hpp)
  // on 30 scenes that the accuracy test above does not use (other seeds, skins, lights).
  const char* lights[] = {"D50", "FL2", "FL7", "FL12", "LED-B3", "LED-V1", "A", "D65", "FL11", "LED-B4"};
  const double taus[] = {1.5, 2, 3, 4, 6, 8, 12};
  const int subjects[] = {42, 25, 94, 40, 44, 10, 60, 77, 3, 88};
  const std::string dir = test::make_temp_dir("measure-explore");
  for (std::size_t k : {0u, 3u, 4u, 5u, 6u, 8u}) {
    std::vector<double> all;
    double worst = 0;
    for (int i = 0; i < 30; ++i) {
      test::SceneSpec s;
      s.seed = static_cast<std::uint64_t>(300 + i);
      s.width = 640;
      s.height = 428;
      s.skin_subject = subjects[(i * 7) % 10] + i % 3;
      s.hair_melanin = taus[(i * 3) % 7];
      s.illuminant = lights[i % 10];
      if (i % 3 == 1) s.white_balance_for = s.illuminant == "D65" ? "A" : "D65";
      s.jpeg_quality = (i / 2) % 2 ? 92 : 0;
      s.card_angle_deg = 5.0 * (i % 4) - 7.0;
      const SceneResult r = measure_scene(s, dir, "x" + std::to_string(i), k);
      all.push_back(r.de_hair);
      all.push_back(r.de_scalp);
      worst = std::max({worst, r.de_hair, r.de_scalp});
    }
    std::cout << "nearest " << k << ": median " << photo::median_of(all) << " worst " << worst << " ΔE00\n";
  }
}

TEST_CASE("measure: proposed regions land inside the scalp area from light to dark skin", "[reference]") {
  const std::vector<int> order = subjects_by_lightness();
  const std::string dir = test::make_temp_dir("measure-propose");
  const struct {
    int rank;
    const char* light;
    int jpeg;
  } cases[4] = {{0, "D65", 95}, {40, "A", 0}, {80, "FL11", 95}, {99, "D65", 0}};
  for (const auto& c : cases) {
    test::SceneSpec spec;
    spec.seed = static_cast<std::uint64_t>(700 + c.rank);
    spec.width = 640;
    spec.height = 428;
    spec.skin_subject = order[static_cast<std::size_t>(c.rank)];
    spec.hair_melanin = 8;
    spec.illuminant = c.light;
    spec.jpeg_quality = c.jpeg;
    const test::Scene scene = test::render_scene(spec);
    const photo::DecodedImage image =
        photo::decode_image(test::write_scene(scene, dir, "p" + std::to_string(c.rank)), 1);
    const Calibrated cal = calibrate_from_truth_positions(scene, image.linear());
    photo::MeasureOptions options;
    options.card_corners = photo::from_cv(scene.card_corners);
    const auto proposed = photo::propose_regions(
        image, [&](const colour::LinearRgb& x) { return cal.correction.apply_lab(x); }, options);
    INFO("skin rank " << c.rank << " " << lab_text(scene.skin_lab) << " " << c.light);
    bool hair = false, scalp = false;
    for (const photo::Region& r : proposed) {
      INFO(r.name << " at " << r.rect << " confidence " << r.confidence << ", scalp area " << scene.scalp_area);
      CHECK((photo::to_cv(r.rect) & scene.scalp_area) == photo::to_cv(r.rect));
      CHECK(r.confidence >= 0.5);
      CHECK(r.proposed);
      hair = hair || r.name == "hair";
      scalp = scalp || r.name == "scalp";
    }
    CHECK(hair);
    CHECK(scalp);
  }
}

namespace {
// The bundled demo sample samples/scalp/ (a synthetic clinic photo, samples/SOURCES.md).
test::SceneSpec scalp_sample_spec() {
  test::SceneSpec spec;
  spec.seed = 2026;
  spec.width = 1800;  // ≥ 1600 px: a phone photo downsized for sharing
  spec.height = 1200;
  spec.illuminant = "D65";
  spec.skin_subject = subjects_by_lightness()[35];  // light–medium of the 100 NIST subjects
  spec.hair_melanin = 6.0;                          // dark brown (L* ≈ 28)
  spec.dot_radius = 7.0;                            // shaved follicles ≈ 14 px across at this scale
  spec.hair_coverage = 0.30;
  spec.scalp_coverage = 0.04;
  spec.noise = 0.004;
  spec.tone_gamma = 1.1;  // a maker's contrast curve on top of sRGB
  spec.jpeg_quality = 90;
  spec.card_angle_deg = -4;
  spec.light_gradient = 0.05;
  return spec;
}
}  // namespace

TEST_CASE("scalp sample: regenerate samples/scalp (photo.jpg, regions, truth)", "[.generate]") {
  // Run explicitly: build/tests/test_measure "[.generate]"
  const test::Scene scene = test::render_scene(scalp_sample_spec());
  const std::string dir = test::source_dir() + "/samples/scalp";
  std::filesystem::create_directories(dir);
  test::write_scene(scene, dir, "photo");
  const auto rect = [](const cv::Rect& r) {
    return "[" + std::to_string(r.x) + ", " + std::to_string(r.y) + ", " + std::to_string(r.width) + ", " +
           std::to_string(r.height) + "]";
  };
  std::ofstream regions(dir + "/photo.jpg.regions.yaml");
  regions << "# Regions of samples/scalp/photo.jpg (x, y, w, h in pixels), written by the generator\n"
             "# (tests/measure/scene_accuracy_test.cpp, \"[.generate]\"): hair = inside the dense follicle zone,\n"
             "# scalp = inside the sparse one, both clear of the zones' edges.\n"
             "schema: shadematch-regions/1\nregions:\n"
          << "  hair: " << rect(scene.hair_rect) << "\n  scalp: " << rect(scene.scalp_rect) << "\n";
  std::ofstream truth(dir + "/truth.csv");
  truth.precision(4);
  truth << "region,L,a,b,what\n"
        << "hair," << scene.follicle_lab.l << "," << scene.follicle_lab.a << "," << scene.follicle_lab.b
        << ",follicle: eumelanin hair model tau=6 (tests/support/scene.hpp) CIELAB D50\n"
        << "scalp," << scene.skin_lab.l << "," << scene.skin_lab.a << "," << scene.skin_lab.b << ",skin: NIST subject "
        << scene.spec.skin_subject << " CIELAB D50\n";
  CHECK(regions.good());
  CHECK(truth.good());
}

TEST_CASE("scalp sample: the bundled photo is what the generator renders", "[reference]") {
  // Guards against a stale sample: the regions and the truth in samples/scalp follow from the
  // generator's spec (the JPEG bytes may differ between libjpeg versions, so they are not compared).
  const test::Scene scene = test::render_scene(scalp_sample_spec());
  const CsvTable truth = parse_csv(test::read_text_file(test::source_dir() + "/samples/scalp/truth.csv"), "truth.csv");
  REQUIRE(truth.rows.size() == 2);
  const auto lab_at = [&](std::size_t i) {
    return colour::Lab{parse_csv_number(truth, truth.rows[i], 1), parse_csv_number(truth, truth.rows[i], 2),
                       parse_csv_number(truth, truth.rows[i], 3)};
  };
  // truth.csv keeps 4 significant digits: within 0.01 of the rendered truth.
  CHECK(colour::delta_e_76(lab_at(0), scene.follicle_lab) < 0.01);
  CHECK(colour::delta_e_76(lab_at(1), scene.skin_lab) < 0.01);
  const cv::Mat photo = cv::imread(test::source_dir() + "/samples/scalp/photo.jpg");
  CHECK(photo.cols == scene.spec.width);
  CHECK(photo.rows == scene.spec.height);
}
