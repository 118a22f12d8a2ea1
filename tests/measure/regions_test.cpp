// Region statistics (photo/regions.hpp) and the per-kind measurement on Lab crops
// (photo/measure.hpp: measure_lab_pixels, validate_regions), on exact synthetic data.
#include <catch2/catch.hpp>

#include <algorithm>

#include <cmath>
#include <limits>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "colour/delta_e.hpp"
#include "colour/skin_tone.hpp"
#include "common/error.hpp"
#include "photo/decode.hpp"
#include "photo/measure_pixels.hpp"
#include "photo/regions.hpp"

using namespace shadematch;
using photo::Region;

namespace {

// A Lab crop of skin with round dark dots on a regular grid, plus deterministic noise.
cv::Mat dotted_skin(const colour::Lab& skin, const colour::Lab& dot, int size, int spacing, int radius, double noise,
                    std::uint64_t seed) {
  cv::Mat lab(size, size, CV_32FC3, cv::Scalar(skin.l, skin.a, skin.b));
  if (spacing > 0) {
    for (int y = spacing / 2; y < size; y += spacing)
      for (int x = spacing / 2; x < size; x += spacing)
        cv::circle(lab, {x, y}, radius, cv::Scalar(dot.l, dot.a, dot.b), cv::FILLED, cv::LINE_8);
  }
  if (noise > 0) {
    cv::Mat n(lab.size(), CV_32FC3);
    cv::RNG rng(seed);
    rng.fill(n, cv::RNG::NORMAL, 0.0, noise);
    lab += n;
  }
  return lab;
}

int count_darker(const cv::Mat& lab, float l) {
  int n = 0;
  for (int y = 0; y < lab.rows; ++y)
    for (int x = 0; x < lab.cols; ++x) n += lab.at<cv::Vec3f>(y, x)[0] < l ? 1 : 0;
  return n;
}

Region region(const std::string& name, PixelRect rect = {0, 0, 100, 100}) {
  Region r;
  r.name = name;
  r.rect = rect;
  r.origin = "--" + name;
  return r;
}

}  // namespace

TEST_CASE("regions: median and MAD sigma of known data", "[unit]") {
  CHECK(photo::median_of({3, 1, 2}) == 2.0);
  CHECK(photo::median_of({4, 1, 2, 3}) == 2.5);
  CHECK(std::isnan(photo::median_of({})));
  // {1, 2, 3, 4, 100}: median 3, absolute deviations {2, 1, 0, 1, 97} → MAD 1 → σ = 1.4826.
  CHECK(photo::robust_sigma({1, 2, 3, 4, 100}, 3.0) == Approx(1.4826).epsilon(1e-12));
}

TEST_CASE("regions: the median of many values is exactly the middle of the sorted values", "[unit]") {
  // Large inputs take the bucket selection (regions.cpp); the oracle is the definition: sort, take
  // the middle value (odd n) or the mean of the two middle ones (even n). Cases: odd and even n,
  // heavy ties, a far outlier that puts nearly every value in one bin, the middle pair split
  // across two bins, and all values equal.
  const auto by_sorting = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const std::size_t mid = v.size() / 2;
    return v.size() % 2 == 1 ? v[mid] : 0.5 * (v[mid - 1] + v[mid]);
  };
  std::vector<std::vector<double>> cases;
  for (const std::size_t n : {std::size_t{100001}, std::size_t{100000}}) {
    std::vector<double> v(n);
    for (std::size_t i = 0; i < n; ++i) v[i] = 20.0 + 50.0 * static_cast<double>((i * 7919) % 1013) / 1013.0;
    cases.push_back(v);  // 1013 distinct values: ties everywhere
    v.back() = 1e9;      // a far outlier
    cases.push_back(v);
  }
  std::vector<double> split(9000, 1.0);
  split.resize(18000, 2.0);  // even n, the two middle values 1 and 2, far apart: median 1.5
  cases.push_back(split);
  cases.emplace_back(50000, 42.0);
  for (const auto& v : cases) CHECK(photo::median_of(v) == by_sorting(v));
  CHECK(photo::median_of(split) == 1.5);
}

TEST_CASE("regions: sort_values gives std::sort's order on values of both signs", "[unit]") {
  // The CI's UBSan run found Boost's float_sort overflowing on a* values about 0 (the bit patterns
  // of about +12 and −13 subtracted as signed integers); sort_values must order any mix of signs,
  // magnitudes, zeros of both signs and infinities as std::sort does, without undefined behaviour.
  std::vector<double> values{12.31,
                             -13.07,
                             0.0,
                             -0.0,
                             1e-300,
                             -1e-300,
                             5e307,
                             -5e307,
                             0.5,
                             -0.5,
                             std::numeric_limits<double>::infinity(),
                             -std::numeric_limits<double>::infinity()};
  // Many more than spreadsort's small-input cut-over to std::sort (3000 values), a permutation of
  // −1500.5 … 1499.5 in steps of 1 (7919 is prime to 3000).
  for (int i = 0; i < 3000; ++i) values.push_back(static_cast<double>((i * 7919) % 3000) - 1500.5);
  std::vector<double> expected = values;
  std::sort(expected.begin(), expected.end());
  photo::sort_values(values);
  REQUIRE(values.size() == expected.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    INFO("index " << i);
    CHECK(values[i] == expected[i]);  // −0 == +0, so either order of the zeros passes
  }
  CHECK(std::signbit(values[std::find(values.begin(), values.end(), 0.0) - values.begin()]));  // −0 first
}

TEST_CASE("regions: the shortest half finds the mode of a skewed sample", "[unit]") {
  // A core at 20 (60 values) and a tail spread 20..60 (40 values): the shortest half sits on the core.
  std::vector<double> v(60, 20.0);
  for (int i = 0; i < 40; ++i) v.push_back(20.0 + i);
  const photo::Interval half = photo::shortest_interval(v, 0.5);
  CHECK(half.lo == 20.0);
  CHECK(half.hi == 20.0);
}

TEST_CASE("regions: two-cluster split separates dots from skin exactly without noise", "[unit]") {
  const colour::Lab skin{65, 12, 16}, dot{22, 3, 4};
  const cv::Mat lab = dotted_skin(skin, dot, 100, 10, 3, 0, 1);
  std::vector<colour::Lab> px;
  for (int y = 0; y < lab.rows; ++y)
    for (int x = 0; x < lab.cols; ++x) {
      const auto& v = lab.at<cv::Vec3f>(y, x);
      px.push_back({v[0], v[1], v[2]});
    }
  const auto split = photo::split_two_clusters(px);
  REQUIRE(split);
  // Float storage of the crop: exact to float precision (1e-5 of 65).
  CHECK(split->dark_centre.l == Approx(22).margin(1e-4));
  CHECK(split->light_centre.l == Approx(65).margin(1e-4));
  // 100 dots of radius 3 (LINE_8 disc: 29 pixels) on 10 000 pixels.
  CHECK(split->dark.size() == static_cast<std::size_t>(count_darker(lab, 40)));
  CHECK_FALSE(photo::split_two_clusters(std::vector<colour::Lab>(10, skin)));
}

TEST_CASE("regions: a statistic of more than 2^20 pixels reads every k-th and still counts all", "[unit]") {
  // 3·2^20 + 7 pixels: L* runs through a permutation of n evenly spaced values in [0, 100) (7919 is
  // prime and does not divide n), a* = L*/2, b* = −L*. The stride is 4 (⌈n / 2^20⌉). Every 4th
  // pixel of that permutation takes values spread evenly over the same range, so its median lies
  // within a few spacings of the subsample (4 · 100/n ≈ 1.3e-4) of the exact median 50: 1e-3 is
  // a bound no printed figure (two decimals at most) can see.
  const std::size_t n = 3 * photo::kMaxStatisticValues + 7;
  REQUIRE(photo::statistic_stride(n) == 4);
  CHECK(photo::statistic_stride(photo::kMaxStatisticValues) == 1);
  CHECK(photo::statistic_stride(photo::kMaxStatisticValues + 1) == 2);
  std::vector<colour::Lab> px(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double l = 100.0 * static_cast<double>((i * 7919) % n) / static_cast<double>(n);
    px[i] = {l, l / 2, -l};
  }
  const colour::Lab median = photo::median_lab(px);
  CHECK(median.l == Approx(50).margin(1e-3));
  CHECK(median.a == Approx(25).margin(1e-3));
  CHECK(median.b == Approx(-50).margin(1e-3));
  // Uniform on [0, 100): the MAD is 25, σ = 1.4826 · 25.
  CHECK(photo::robust_sigma_lab(px, median).l == Approx(1.4826 * 25).margin(2e-3));

  // Two clusters, a fifth of the pixels dark (i mod 5 = 2: period 5 does not line up with the
  // stride 4, so the subsample holds the same share): the centres are found on the subsample, and
  // every pixel — not only those read — is given to its cluster.
  std::vector<colour::Lab> two(n);
  std::size_t dark = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const bool is_dark = (i % 5) == 2;
    dark += is_dark ? 1 : 0;
    const double jitter = static_cast<double>(i % 3) - 1.0;  // −1, 0, +1 in turn: mean 0
    two[i] = is_dark ? colour::Lab{20 + jitter, 3, 4} : colour::Lab{65 + jitter, 12, 16};
  }
  const auto split = photo::split_two_clusters(two);
  REQUIRE(split);
  CHECK(split->dark.size() == dark);
  CHECK(split->light.size() == n - dark);
  CHECK(split->dark_centre.l == Approx(20).margin(0.01));
  CHECK(split->light_centre.l == Approx(65).margin(0.01));
}

TEST_CASE("measure: hair region gives the follicle colour, not the mix, with coverage", "[unit]") {
  const colour::Lab skin{62, 13, 17}, dot{20, 2.5, 3};
  // Noise σ = 1.5 L*/a*/b*: a phone JPEG's pixel noise on skin.
  const cv::Mat lab = dotted_skin(skin, dot, 120, 12, 4, 1.5, 7);
  const auto m = photo::measure_lab_pixels(region("hair"), lab, {}, {});
  REQUIRE(m.follicle_lab);
  // The median of noisy samples of one colour: 1.5/√(n) ≪ 0.5; 0.5 ΔE00 is far below visibility.
  CHECK(colour::delta_e_2000(*m.follicle_lab, dot) < 0.5);
  REQUIRE(m.coverage);
  const double disc = count_darker(dotted_skin(skin, dot, 120, 12, 4, 0, 1), 40);
  CHECK(*m.coverage == Approx(disc / (120.0 * 120.0)).margin(0.01));  // noise moves a few edge pixels
  REQUIRE(m.mean_lab);
  CHECK(m.mean_lab->l < skin.l - 5);  // the mean mixes in the dots
  CHECK(m.warnings.empty());
  CHECK(m.pixels == 120 * 120);
}

TEST_CASE("measure: the follicle mode ignores blurred dot edges", "[unit]") {
  const colour::Lab skin{58, 14, 18}, dot{18, 2, 2};
  cv::Mat lab = dotted_skin(skin, dot, 160, 16, 5, 0, 1);
  // A camera's blur mixes dot and skin at every dot's edge: the mean of the dark cluster is pulled
  // towards skin, the shorth mode is not.
  cv::GaussianBlur(lab, lab, {5, 5}, 1.0);
  const auto m = photo::measure_lab_pixels(region("hair"), lab, {}, {});
  REQUIRE(m.follicle_lab);
  // The blur (σ = 1 px) leaves the centre 3×3 of a radius-5 disc within 0.5 L* of the dot colour.
  CHECK(colour::delta_e_2000(*m.follicle_lab, dot) < 1.0);
}

TEST_CASE("measure: the follicle colour comes from the dots' interior, not their chroma-bled rims", "[unit]") {
  // What a 4:2:0 JPEG does to a dark dot on skin: luminance is sharp, but the outer 2 px of the dot
  // carry (part of) the skin's chroma at the dot's lightness. Rims here: dot L*, skin a*, b*.
  const colour::Lab skin{62, 14, 18}, dot{24, 1, 0.5};
  cv::Mat lab(160, 160, CV_32FC3, cv::Scalar(skin.l, skin.a, skin.b));
  for (int y = 10; y < 160; y += 20)
    for (int x = 10; x < 160; x += 20) {
      cv::circle(lab, {x, y}, 6, cv::Scalar(dot.l, skin.a, skin.b), cv::FILLED, cv::LINE_8);
      cv::circle(lab, {x, y}, 4, cv::Scalar(dot.l, dot.a, dot.b), cv::FILLED, cv::LINE_8);
    }
  const auto m = photo::measure_lab_pixels(region("hair"), lab, {}, {});
  REQUIRE(m.follicle_lab);
  CHECK(colour::delta_e_2000(*m.follicle_lab, dot) < 0.01);  // exact data: only the interior counts
  CHECK(m.follicle_pixels >= 64 * 25);  // a radius-6 disc eroded by a 5×5 square keeps its central 5×5
  CHECK(m.warnings.empty());
  // Counting the rims (no erosion) the median leans to the skin's chroma: the rims (r 4–6) hold
  // more than half of each dot's pixels.
  photo::MeasureOptions no_erosion;
  no_erosion.chroma_reach_px = 0;
  const auto whole = photo::measure_lab_pixels(region("hair"), lab, {}, {}, no_erosion);
  CHECK(colour::delta_e_2000(*whole.follicle_lab, dot) > 5.0);
}

TEST_CASE("measure: dots too small to have an interior are measured whole and flagged", "[unit]") {
  const colour::Lab skin{62, 14, 18}, dot{24, 1, 0.5};
  // Radius-1 dots (3 px across): nothing survives a 2-px erosion.
  const cv::Mat lab = dotted_skin(skin, dot, 120, 6, 1, 0, 1);
  const auto m = photo::measure_lab_pixels(region("hair"), lab, {}, {});
  REQUIRE(m.follicle_lab);
  CHECK(colour::delta_e_2000(*m.follicle_lab, dot) < 0.01);  // no rims in this exact data
  std::string all;
  for (const auto& w : m.warnings) all += w + "\n";
  CHECK_THAT(all, Catch::Contains("follicle dots too small"));
}

TEST_CASE("measure: light follicles on darker skin are the cluster that differs from the scalp", "[unit]") {
  // Grey hair (L* 72) on dark skin (L* 40), dots covering about 20 % of the region.
  const colour::Lab skin{40, 14, 18}, dot{72, 1, 8};
  const cv::Mat lab = dotted_skin(skin, dot, 120, 12, 3, 1.0, 5);
  photo::MeasureOptions options;
  options.scalp_lab = skin;
  const auto m = photo::measure_lab_pixels(region("hair"), lab, {}, {}, options);
  REQUIRE(m.follicle_lab);
  CHECK(m.follicle_cluster == "light");
  CHECK(m.follicle_basis == "differs from scalp");
  CHECK(colour::delta_e_2000(*m.follicle_lab, dot) < 0.5);  // median of σ = 1 noise, as above
  REQUIRE(m.coverage);
  CHECK(*m.coverage < 0.3);  // the dots, not the skin
  // Without the scalp's colour the darker cluster is taken (the documented default), and said so.
  const auto d = photo::measure_lab_pixels(region("hair"), lab, {}, {});
  CHECK(d.follicle_cluster == "dark");
  CHECK(d.follicle_basis == "darker cluster");
  CHECK(colour::delta_e_2000(*d.follicle_lab, skin) < 0.5);
}

TEST_CASE("measure: scalp median excludes dots and highlights; ITA and Monk tone follow", "[unit]") {
  const colour::Lab skin{66, 11, 18}, dot{25, 3, 4};
  cv::Mat lab = dotted_skin(skin, dot, 120, 15, 3, 1.0, 3);
  // 5 % specular highlights.
  for (int y = 0; y < lab.rows; y += 20) cv::rectangle(lab, cv::Rect(5, y, 30, 2), cv::Scalar(95, 1, 2), cv::FILLED);
  const auto m = photo::measure_lab_pixels(region("scalp"), lab, {}, {});
  // Median of σ = 1 noise over ~10⁴ pixels: within 0.1; 0.3 ΔE00 allows for the a*, b* medians too.
  CHECK(colour::delta_e_2000(m.lab, skin) < 0.3);
  CHECK(m.pixels < m.region_pixels);  // dots and highlights were dropped
  REQUIRE(m.ita_deg);
  CHECK(*m.ita_deg == Approx(colour::ita_deg(m.lab)));
  // ITA of (66, ·, 18) = atan(16/18) = 41.6°: "light" (41–55).
  CHECK(m.ita_class == "light");
  CHECK(m.monk_tone == colour::nearest_monk_tone(m.lab).level);
  CHECK(m.lab_std.l == Approx(1.0).margin(0.15));  // the noise σ, robustly
}

TEST_CASE("measure: plain regions report median and spread; masks and clipping count", "[unit]") {
  const colour::Lab scar{70, 18, 12};
  cv::Mat lab = dotted_skin(scar, scar, 50, 0, 0, 0, 1);
  cv::Mat inside = cv::Mat::zeros(50, 50, CV_8UC1);
  cv::rectangle(inside, cv::Rect(0, 0, 25, 50), cv::Scalar(255), cv::FILLED);
  cv::Mat clipped = cv::Mat::zeros(50, 50, CV_8UC1);
  clipped.row(0).setTo(255);
  const auto m = photo::measure_lab_pixels(region("scar"), lab, inside, clipped);
  CHECK(m.region_pixels == 25 * 50);
  CHECK(m.pixels == 25 * 49);
  CHECK(m.lab.l == Approx(70).margin(1e-4));
  CHECK(m.lab_std.l == Approx(0).margin(1e-4));
  CHECK(m.warnings.empty());  // 25 of 1250 clipped = 2 %: at the limit, not above; 1225 pixels ≥ 400
}

TEST_CASE("measure: warnings for small, clipped and badly lit regions", "[unit]") {
  cv::Mat lab(10, 10, CV_32FC3, cv::Scalar(99, 0, 0));
  cv::Mat clipped = cv::Mat::zeros(10, 10, CV_8UC1);
  clipped.rowRange(0, 3).setTo(255);
  const auto m = photo::measure_lab_pixels(region("patch"), lab, {}, clipped);
  std::string all;
  for (const auto& w : m.warnings) all += w + "\n";
  CHECK(all.find("too small") != std::string::npos);
  CHECK(all.find("clipped: 30%") != std::string::npos);
  CHECK(all.find("brighter than the card") != std::string::npos);
}

TEST_CASE("measure: NaN pixels are skipped, an all-NaN region does not crash", "[property]") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  cv::Mat lab(20, 20, CV_32FC3, cv::Scalar(nan, nan, nan));
  const auto m = photo::measure_lab_pixels(region("hair"), lab, {}, {});
  CHECK(m.pixels == 0);
  CHECK_FALSE(m.warnings.empty());
  lab.at<cv::Vec3f>(0, 0) = {50, 1, 1};
  CHECK(photo::measure_lab_pixels(region("scalp"), lab, {}, {}).pixels == 1);
}

TEST_CASE("measure: regions outside, empty, duplicated or on the card are refused", "[unit]") {
  photo::ImageInfo info;
  info.width = 400;
  info.height = 300;
  photo::MeasureOptions options;
  options.card_corners = Quad{PointF{10, 10}, {130, 10}, {130, 90}, {10, 90}};
  const auto message = [&](const std::vector<Region>& regions) -> std::string {
    try {
      photo::validate_regions(info, regions, options);
    } catch (const InputError& e) {
      return e.what();
    }
    return "";
  };
  CHECK(message({region("hair", {200, 100, 50, 50})}).empty());
  CHECK_THAT(message({region("hair", {380, 100, 50, 50})}),
             Catch::Contains("partly outside the image, which is 400×300"));
  CHECK_THAT(message({region("hair", {500, 400, 5, 5})}), Catch::Contains("lies outside the image"));
  CHECK_THAT(message({region("hair", {200, 100, 0, 50})}), Catch::Contains("is empty"));
  CHECK_THAT(message({region("hair", {200, 100, 5, 5}), region("hair", {250, 100, 5, 5})}),
             Catch::Contains("given twice"));
  // The card grid grown by 12 %: a region just right of the grid (x = 131..140) touches the border.
  CHECK_THAT(message({region("scalp", {131, 40, 10, 10})}), Catch::Contains("overlaps the reference card"));
  CHECK_THAT(message({region("scalp", {50, 40, 10, 10})}), Catch::Contains("--scalp: region 'scalp' (50,40,10,10)"));
  Region from_file = region("scar", {-5, 0, 10, 10});
  from_file.origin = "a.regions.yaml";
  from_file.line = 4;
  from_file.column = 3;
  CHECK_THAT(message({from_file}), Catch::StartsWith("a.regions.yaml:4:3: error: region 'scar'"));
}

TEST_CASE("measure: skin plausibility accepts every NIST skin at any exposure and rejects walls, cloth, black",
          "[unit]") {
  // Light, medium and dark skins of the NIST set (D50 Lab of the spectra, as in the scene tests).
  for (const colour::Lab& skin :
       {colour::Lab{74.0, 10.7, 13.1}, colour::Lab{60.1, 15.2, 22.7}, colour::Lab{43.7, 15.0, 17.8}}) {
    INFO(skin.l << "," << skin.a << "," << skin.b);
    CHECK(photo::skin_plausibility(skin) > 0.9);
    // The same skin with 2× and 0.5× the light: L*, a*, b* scale alike by 2^(±1/3) (cube root).
    for (double k : {1.26, 0.794}) {
      const colour::Lab lit{skin.l * k, skin.a * k, skin.b * k};
      if (lit.l <= 97) CHECK(photo::skin_plausibility(lit) > 0.9);
    }
  }
  CHECK(photo::skin_plausibility({90, 2, 3}) < 0.3);      // white wall or cloth (q ≈ 1–2)
  CHECK(photo::skin_plausibility({45, 60, 35}) < 0.01);   // saturated red cloth
  CHECK(photo::skin_plausibility({60, -30, 40}) < 0.01);  // grass
  CHECK(photo::skin_plausibility({12, 2, 2}) == 0.0);     // darker than the card's black patch
}
