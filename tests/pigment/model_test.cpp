#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <random>
#include <string>

#include "colour/delta_e.hpp"
#include "colour/lab.hpp"
#include "colour/spectral.hpp"
#include "common/error.hpp"
#include "pigment/fast_lab.hpp"
#include "pigment/model.hpp"

using namespace shadematch;
using namespace shadematch::colour;
using namespace shadematch::pigment;

namespace {

// A palette built in code (the parser has its own tests): carbon black as a flat 4 % reflector
// (carbon is spectrally neutral; drawdowns of carbon-black inks reflect a few per cent), a warm
// brown and a grey given by Lab only, upsampled, default healing.
Palette test_palette() {
  Palette p;
  p.source = "test.yaml";
  p.name = "test";
  Ink black;
  black.id = "jet-black";
  black.name = "Jet Black";
  black.measured_reflectance = Spectrum::constant(0.04);
  Ink brown;
  brown.id = "warm-brown";
  brown.name = "Warm Brown";
  brown.given_lab = Lab{28.4, 9.1, 14.7};
  Ink grey;
  grey.id = "mid-grey";
  grey.name = "Mid Grey";
  grey.given_lab = Lab{45.0, -0.5, -2.0};
  for (Ink* ink : {&black, &brown, &grey}) {
    REQUIRE(complete_ink_reflectance(*ink));
    p.inks.push_back(*ink);
  }
  p.dilution = {{0, 1}, {2, 1}, {4, 1}, {8, 1}, {12, 1}, {16, 1}, {20, 1}};
  return p;
}

const Lab kLightSkin{66.0, 11.0, 17.0};  // NIST-like light forearm (ITA ≈ 43°, "light")
const Lab kDarkSkin{38.0, 12.0, 18.0};   // ITA ≈ −24°, "brown"

Blend one(const std::string& id, int water = 0) {
  return Blend{{{id, 1}}, {water, 1}};
}

}  // namespace

TEST_CASE("Kubelka-Munk: K/S and R round trip and the published formula", "[unit]") {
  // K/S = (1 − R)²/2R: R = 0.5 → 0.25/1 = 0.25; R = 0.04 → 0.9216/0.08 = 11.52.
  Spectrum r = Spectrum::constant(0.5);
  r[0] = 0.04;
  r[30] = 1.0;
  const Spectrum ks = reflectance_to_ks(r);
  CHECK(ks[1] == Approx(0.25).epsilon(1e-15));
  CHECK(ks[0] == Approx(11.52).epsilon(1e-14));
  CHECK(ks[30] == 0.0);
  for (double v : {1e-4, 0.001, 0.02, 0.04, 0.1, 0.3, 0.5, 0.77, 0.99, 1.0}) {
    const Spectrum back = ks_to_reflectance(reflectance_to_ks(Spectrum::constant(v)));
    // 1e-12 relative: the reciprocal form has no cancellation, so only a few ulps are lost.
    CHECK(back[5] == Approx(v).epsilon(1e-12));
  }
  // R = 0 is clamped to 1e-4 (K/S of black is infinite): finite, and black within 1e-4.
  const Spectrum black = ks_to_reflectance(reflectance_to_ks(Spectrum::constant(0.0)));
  CHECK(black[0] == Approx(1e-4).epsilon(1e-9));
}

TEST_CASE("Kubelka-Munk: a two-ink mixture at one wavelength, by hand", "[unit]") {
  // 2 parts black (R = 0.04) + 1 part white-ish (R = 0.8) at one band:
  //   (K/S)black = 0.96² / 0.08 = 0.9216 / 0.08 = 11.52
  //   (K/S)light = 0.2² / 1.6   = 0.04 / 1.6    = 0.025
  //   mix = 2/3 · 11.52 + 1/3 · 0.025 = 7.68 + 0.008333… = 7.688333…
  //   R = 1 + 7.688333 − √(7.688333² + 2·7.688333) = 8.688333 − √(59.110469 + 15.376667)
  //     = 8.688333 − √74.487136 = 8.688333 − 8.630593 = 0.057740 (to 6 decimals)
  Palette p;
  Ink a, b;
  a.id = "a";
  a.measured_reflectance = Spectrum::constant(0.04);
  b.id = "b";
  b.measured_reflectance = Spectrum::constant(0.8);
  REQUIRE(complete_ink_reflectance(a));
  REQUIRE(complete_ink_reflectance(b));
  p.inks = {a, b};
  p.dilution = {{0, 1}};
  p.healing.drawdown_index = 1.0;  // no drawdown surface: the plain KM of the numbers above
  const InkInSkinModel m(p, kLightSkin);
  const Spectrum ks = m.mixed_ks(Blend{{{"a", 2}, {"b", 1}}, {0, 1}});
  CHECK(ks[10] == Approx(7.688333).epsilon(1e-6));
  CHECK(ks_to_reflectance(ks)[10] == Approx(0.057740).margin(1e-6));
}

TEST_CASE("InkInSkinModel: a one-ink blend equals that ink", "[property]") {
  const Palette p = test_palette();
  const InkInSkinModel m(p, kLightSkin);
  for (std::size_t i = 0; i < p.inks.size(); ++i) {
    INFO(p.inks[i].id);
    // Masstone of "3 x" (any parts) is the ink's own masstone: K/S → R is an exact round trip.
    CHECK(delta_e_2000(m.masstone_lab(Blend{{{p.inks[i].id, 3}}, {0, 1}}), p.inks[i].masstone_lab) < 1e-9);
    // Its healed dot is the model applied to the ink's own K/S.
    const Lab a = m.healed_dot_lab(one(p.inks[i].id, 4));
    const Lab b = m.healed_dot_lab(m.ink_ks()[i], 0.2);
    CHECK(delta_e_2000(a, b) < 1e-12);
  }
  // A blend of two identical inks' parts equals that ink as well.
  const Spectrum ks = m.mixed_ks(Blend{{{"warm-brown", 2}}, {0, 1}});
  for (std::size_t b = 0; b < kSpectrumBands; ++b) CHECK(ks[b] == Approx(m.ink_ks()[1][b]).epsilon(1e-14));
}

TEST_CASE("InkInSkinModel: no pigment predicts exactly the client's skin", "[property]") {
  // The dermis is inverted from the measured skin (model.hpp): pigment fraction 0 must give the
  // skin back. 0.01 ΔE00: the skin estimate's own residual is ~1e-7; the rest is rounding.
  const Palette p = test_palette();
  for (const Lab skin : {kLightSkin, kDarkSkin, Lab{80.0, 5.0, 14.0}}) {
    const InkInSkinModel m(p, skin);
    CHECK(delta_e_2000(m.healed_dot_lab(m.ink_ks()[0], 0.0), skin) < 0.01);
  }
}

TEST_CASE("InkInSkinModel: more water is lighter, more pigment darker (monotone)", "[property]") {
  const Palette p = test_palette();
  for (const Lab skin : {kLightSkin, kDarkSkin}) {
    const InkInSkinModel m(p, skin);
    for (const Ink& ink : p.inks) {
      double previous = -1.0;
      for (int water : {0, 1, 2, 4, 8, 12, 16, 20, 40}) {
        const double l = m.healed_dot_lab(one(ink.id, water)).l;
        INFO(ink.id << " water " << water);
        CHECK(l > previous);
        previous = l;
      }
    }
    // More black parts in a black + grey blend: darker, step by step.
    double previous = 101.0;
    for (int black = 0; black <= 6; ++black) {
      Blend b{{}, {4, 1}};
      if (black > 0) b.parts.push_back({"jet-black", black});
      if (black < 6) b.parts.push_back({"mid-grey", 6 - black});
      const double l = m.healed_dot_lab(b).l;
      CHECK(l < previous);
      previous = l;
    }
  }
}

// Monk Skin Tone Scale 2, 5 and 8 (calibration/monk_skin_tone_srgb.csv: #f3e7db, #d7bd96,
// #604134), as Lab D50 through the sRGB curve and the Bradford-adapted sRGB matrix.
Lab monk_lab(int level) {
  const char* hex[] = {"", "", "f3e7db", "", "", "d7bd96", "", "", "604134"};
  auto lin = [](int c) {
    const double v = c / 255.0;
    return v <= 0.04045 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4);
  };
  const std::string h = hex[level];
  const double r = lin(std::stoi(h.substr(0, 2), nullptr, 16));
  const double g = lin(std::stoi(h.substr(2, 2), nullptr, 16));
  const double b = lin(std::stoi(h.substr(4, 2), nullptr, 16));
  // IEC 61966-2-1 sRGB primaries adapted to D50 with Bradford (ICC v4 sRGB profile's colorants).
  const Xyz xyz{0.4360747 * r + 0.3850649 * g + 0.1430804 * b, 0.2225045 * r + 0.7168786 * g + 0.0606169 * b,
                0.0139322 * r + 0.0971045 * g + 0.7141733 * b};
  return xyz_to_lab(xyz, d50_white());
}

TEST_CASE("InkInSkinModel: undiluted carbon is darker than the skin, and lighter than its drawdown on light skin",
          "[property]") {
  // The tissue above the pigment scatters light back before it reaches the carbon (model.hpp): in
  // a light or medium skin, whose epidermis absorbs little, the healed dot cannot be as dark as the
  // drawdown. A dark epidermis (Monk 8: melanosome fraction ≈ 0.2) absorbs more than it scatters
  // back — what it returns is little, and it filters the light on its way to the carbon and back —
  // so there the dot may be as dark as the drawdown or darker; it must still be darker than the
  // skin everywhere.
  const Palette p = test_palette();
  for (const int level : {2, 5, 8}) {
    const Lab skin = monk_lab(level);
    const InkInSkinModel m(p, skin);
    const Lab masstone = m.masstone_lab(one("jet-black"));
    const Lab dot = m.healed_dot_lab(one("jet-black"));
    WARN("Monk " << level << " skin " << skin.l << "," << skin.a << "," << skin.b << ": undiluted carbon heals to "
                 << dot.l << "," << dot.a << "," << dot.b << " (masstone L* " << masstone.l << ", melanin "
                 << m.melanin_fraction() << ")");
    if (level < 8) CHECK(dot.l > masstone.l + 3.0);
    CHECK(dot.l < skin.l - 3.0);
  }
}

TEST_CASE("InkInSkinModel: carbon on light skin heals cooler than in the bottle", "[property]") {
  // Jacques 2013's μs′ falls as λ^−1.421: the tissue over the pigment sends back more blue than
  // red, so a neutral carbon (flat drawdown, b* 0) reads blue-grey in light skin (DESIGN.md,
  // Arch Dermatol 2006;142:1250 "Tyndall"). Undiluted on Monk 2; diluted, the skin's own warmth
  // takes over (1:1 already heals b* ≈ +1).
  const Palette p = test_palette();
  const InkInSkinModel m(p, monk_lab(2));
  const Lab masstone = m.masstone_lab(one("jet-black"));
  CHECK(std::abs(masstone.b) < 1e-6);
  const Lab dot = m.healed_dot_lab(one("jet-black"));
  INFO("undiluted: b* " << dot.b);
  CHECK(dot.b < masstone.b - 1.0);
}

TEST_CASE("InkInSkinModel: black has less contrast on dark skin", "[property]") {
  // The melanin of a dark epidermis absorbs before the light reaches the pigment and on its way
  // back: the same ink changes a dark skin less than a light one (practice: black on dark skin
  // shows little contrast).
  const Palette p = test_palette();
  double previous = std::numeric_limits<double>::infinity();
  for (const int level : {2, 5, 8}) {
    const InkInSkinModel m(p, monk_lab(level));
    const double contrast = delta_e_2000(m.healed_dot_lab(one("jet-black")), m.skin_lab());
    INFO("Monk " << level << ": ΔE00 skin → undiluted carbon " << contrast);
    CHECK(contrast < previous);
    previous = contrast;
  }
}

TEST_CASE("InkInSkinModel: the melanin fraction falls in Jacques's ranges for light and dark skin", "[property]") {
  // Jacques 1998 ("Skin optics", OMLC News): melanosome volume fraction 1.3–6.3 % in light-skinned
  // adults, 11–16 % moderately pigmented, 18–43 % darkly pigmented. The estimate comes from the
  // skin's red reflectance alone (model.hpp); a light skin (ITA > 41°) should land in the first
  // range, a brown one (ITA −30…10°) in the moderate-to-dark 11–43 %.
  const Palette p = test_palette();
  const InkInSkinModel light(p, Lab{66.0, 11.0, 17.0});  // NIST-like light forearm, ITA 43°
  INFO("light " << light.melanin_fraction() << ", very dark "
                << InkInSkinModel(p, Lab{38.0, 12.0, 18.0}).melanin_fraction());
  CHECK(light.melanin_fraction() >= 0.013);
  CHECK(light.melanin_fraction() <= 0.063);
  const InkInSkinModel dark(p, Lab{38.0, 12.0, 18.0});  // ITA −24°, "brown"
  CHECK(dark.melanin_fraction() >= 0.11);
  CHECK(dark.melanin_fraction() <= 0.43);
}

TEST_CASE("InkInSkinModel: the layered model reduces to the single-layer formula in its limit", "[property]") {
  // No epidermis, no dermis above, no surfaces (index 1: k1 = k2 = 0), an absorbing-only ink and
  // a pigment layer thick enough to be opaque (10 cm): model.hpp says R_dot = R∞((K/S)skin +
  // c·(K/S)ink), c = strength · retention · P/(W + P) — DESIGN.md's single-layer formula.
  Palette p = test_palette();
  p.healing.epidermis_um = 0.0;
  p.healing.dermis_above_um = 0.0;
  p.healing.pigment_layer_um = 1e5;
  p.healing.ink_scatter = 0.0;
  p.healing.skin_index = 1.0;
  p.healing.drawdown_index = 1.0;
  for (const Lab skin : {kLightSkin, kDarkSkin}) {
    const InkInSkinModel m(p, skin);
    for (std::size_t i = 0; i < p.inks.size(); ++i) {
      // Without a drawdown surface the ink's K/S is the plain KM one of its drawdown.
      const Spectrum plain = reflectance_to_ks(p.inks[i].reflectance);
      for (std::size_t b = 0; b < kSpectrumBands; ++b) CHECK(m.ink_ks()[i][b] == Approx(plain[b]).epsilon(1e-12));
      for (int water : {0, 2, 8, 20}) {
        const double c = p.healing.strength * p.healing.retention / (water + 1.0);
        Spectrum ks = m.skin_ks();
        for (std::size_t b = 0; b < kSpectrumBands; ++b) ks[b] += c * m.ink_ks()[i][b];
        const Spectrum single = ks_to_reflectance(ks);
        const Spectrum layered = m.healed_dot_reflectance(m.ink_ks()[i], 1.0 / (water + 1.0));
        INFO(p.inks[i].id << " water " << water);
        for (std::size_t b = 0; b < kSpectrumBands; ++b) CHECK(layered[b] == Approx(single[b]).epsilon(1e-9));
      }
    }
  }
}

TEST_CASE("InkInSkinModel: pigment never makes the skin lighter", "[property]") {
  // Added K/S can only lower the dot's reflectance, and the layer formula is monotone in R_dot.
  // Allowance 1e-4: where a very dark skin's estimate is clipped to R = 0, K/S is taken at the
  // 1e-4 floor (model.cpp), so the dot there may reflect up to 1e-4.
  const Palette p = test_palette();
  for (const Lab skin : {kLightSkin, kDarkSkin, Lab{85.0, 3.0, 12.0}, Lab{28.0, 8.0, 10.0}}) {
    const InkInSkinModel m(p, skin);
    for (const Ink& ink : p.inks) {
      for (int water : {0, 4, 20}) {
        const Spectrum r = m.healed_dot_reflectance(m.ink_ks()[m.ink_index(ink.id)], 1.0 / (water + 1.0));
        for (std::size_t b = 0; b < kSpectrumBands; ++b) CHECK(r[b] <= m.skin_reflectance()[b] + 1e-4);
      }
    }
  }
}

TEST_CASE("InkInSkinModel: every prediction stays inside 0..1 reflectance", "[property]") {
  const Palette p = test_palette();
  std::mt19937 rng(20261123);  // fixed seed: reproducible
  std::uniform_real_distribution<double> u(0.0, 1.0);
  for (int trial = 0; trial < 40; ++trial) {
    const Lab skin{25.0 + 60.0 * u(rng), 2.0 + 14.0 * u(rng), 5.0 + 20.0 * u(rng)};
    const InkInSkinModel m(p, skin);
    for (double v : m.skin_reflectance().values) {
      CHECK(v >= 0.0);
      CHECK(v <= 1.0);
    }
    for (int k = 0; k < 10; ++k) {
      Spectrum ks;
      for (std::size_t i = 0; i < p.inks.size(); ++i) {
        const double w = u(rng);
        for (std::size_t b = 0; b < kSpectrumBands; ++b) ks[b] += w * m.ink_ks()[i][b];
      }
      const Spectrum r = m.healed_dot_reflectance(ks, u(rng));
      for (double v : r.values) {
        CHECK(v >= 0.0);
        CHECK(v <= 1.0);
      }
    }
  }
}

TEST_CASE("InkInSkinModel: the fast healed_dot_lab agrees with the slow path", "[unit]") {
  // Fast: fused loop and hand-inlined XYZ→Lab. Slow: the reflectance spectrum, the observer, Little
  // CMS cmsXYZ2Lab. 1e-9 ΔE00 allows only summation-order rounding.
  const Palette p = test_palette();
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  for (const Lab skin : {kLightSkin, kDarkSkin, Lab{85.0, 4.0, 12.0}}) {
    const InkInSkinModel m(p, skin);
    for (int k = 0; k < 200; ++k) {
      Spectrum ks;
      const double w0 = u(rng), w1 = u(rng) * (1.0 - w0);
      for (std::size_t b = 0; b < kSpectrumBands; ++b) {
        ks[b] = w0 * m.ink_ks()[0][b] + w1 * m.ink_ks()[1][b] + (1.0 - w0 - w1) * m.ink_ks()[2][b];
      }
      const double f = u(rng);
      CHECK(delta_e_2000(m.healed_dot_lab(ks, f), m.healed_dot_lab_reference(ks, f)) < 1e-9);
    }
  }
  // The inlined Lab formula itself, including the linear segment near black (Y < 0.008856).
  for (const Xyz xyz : {Xyz{0.5, 0.4, 0.3}, Xyz{0.001, 0.002, 0.0005}, Xyz{0.9642, 1.0, 0.8251}, Xyz{0.0, 0.0, 0.0}}) {
    CHECK(delta_e_76(detail::xyz_to_lab_fast(xyz.x, xyz.y, xyz.z, d50_white().xyz), xyz_to_lab(xyz, d50_white())) <
          1e-9);
  }
}

TEST_CASE("InkInSkinModel: area appearance mixes dot and skin by coverage", "[unit]") {
  const Palette p = test_palette();
  const InkInSkinModel m(p, kLightSkin);
  const Blend b = one("jet-black", 8);
  const Lab dot = m.healed_dot_lab(b);
  CHECK(delta_e_2000(m.area_lab(b, 0.0), m.skin_lab()) < 1e-9);
  CHECK(delta_e_2000(m.area_lab(b, 1.0), dot) < 1e-9);
  // Half coverage: Y is the mean of the two Y (XYZ is additive), L* follows from it.
  const Xyz d = lab_to_xyz(dot, d50_white());
  const Xyz s = lab_to_xyz(m.skin_lab(), d50_white());
  const Lab half = m.area_lab(b, 0.5);
  CHECK(lab_to_xyz(half, d50_white()).y == Approx(0.5 * (d.y + s.y)).epsilon(1e-9));
  CHECK(half.l > dot.l);
  CHECK(half.l < m.skin_lab().l);
}

TEST_CASE("InkInSkinModel: a skin darker than every NIST subject still gets a sensible spectrum", "[property]") {
  // L* 30 lies below the NIST set's darkest forearm, so its principal components cannot reach it
  // without clipping bands to zero (a substrate of R = 0 would make every dot black, L* ≈ 0). The
  // model then uses a smooth spectrum that reproduces the Lab: no pigment must still give the skin
  // back (0.05 ΔE00: the upsampler's own tolerance is 1e-3 ΔE*ab), and carbon must darken it
  // without going to black (a dot reflects at least the dermis layer above it).
  const Palette p = test_palette();
  const Lab very_dark{30.0, 8.0, 10.0};
  const InkInSkinModel m(p, very_dark);
  CHECK(m.skin_fit_residual() > 0.5);
  CHECK(delta_e_2000(m.healed_dot_lab(m.ink_ks()[0], 0.0), very_dark) < 0.05);
  const Lab dot = m.healed_dot_lab(one("jet-black"));
  CHECK(dot.l < very_dark.l);
  CHECK(dot.l > 10.0);
}
