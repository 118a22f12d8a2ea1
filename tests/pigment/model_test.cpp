#include <catch2/catch.hpp>
#include <cmath>
#include <random>

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

Blend one(const std::string& id, int water = 0) { return Blend{{{id, 1}}, {water, 1}}; }

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
  // The measured skin already includes the dermis layer (model.hpp): pigment fraction 0 must give
  // the skin back. 0.01 ΔE00: the skin estimate's own residual is ~1e-7; the rest is rounding.
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

TEST_CASE("InkInSkinModel: healed carbon is very dark but not black, and cooler than without skin",
          "[property]") {
  const Palette p = test_palette();
  const InkInSkinModel light(p, kLightSkin);
  const Lab masstone = light.masstone_lab(one("jet-black"));
  const Lab undiluted = light.healed_dot_lab(one("jet-black"));
  WARN("carbon black: masstone " << masstone.l << "," << masstone.a << "," << masstone.b
                                 << "; healed undiluted in light skin " << undiluted.l << "," << undiluted.a << ","
                                 << undiluted.b);
  // Undiluted carbon in skin: very dark but not black. Lighter than its drawdown (the dermis
  // scatters above it), darker than L* 45 (a mid grey would be 50), and blue-grey (b* < −3).
  CHECK(undiluted.l > masstone.l + 5.0);
  CHECK(undiluted.l < 45.0);
  CHECK(undiluted.b < -3.0);
  // Skin-free prediction: the same dilution and retention as an opaque layer on its own — the
  // neutral grey the bottle promises (flat carbon: b* = 0). On light skin (ITA ≈ 43°) carbon diluted
  // 2:1 heals cooler than that; on very light skin (ITA ≈ 59°) still at 4:1.
  auto skin_free = [&](int water) {
    Spectrum ks = light.ink_ks()[0];
    for (double& v : ks.values) v *= p.healing.strength * p.healing.retention / (water + 1.0);
    return ks_to_lab_d50(ks);
  };
  const Lab light_2 = light.healed_dot_lab(one("jet-black", 2));
  INFO("light skin 2:1 b* " << light_2.b << ", skin-free " << skin_free(2).b);
  CHECK(light_2.b < skin_free(2).b);
  const InkInSkinModel very_light(p, Lab{72.0, 8.0, 13.0});
  for (int water : {2, 4}) {
    const Lab healed = very_light.healed_dot_lab(one("jet-black", water));
    INFO("very light skin " << water << ":1 b* " << healed.b);
    CHECK(healed.b < skin_free(water).b);
  }
  // On light skin, at every dilution, the dermis layer cools the dot: b* is lower than the same
  // prediction with overlay_scatter = 0 (the dot seen without the dermis above it). Not on dark
  // skin: there the layer is capped by the skin's own low blue reflectance (model.hpp).
  Palette no_dermis = p;
  no_dermis.healing.overlay_scatter = 0.0;
  for (const Lab skin : {kLightSkin, Lab{72.0, 8.0, 13.0}}) {
    const InkInSkinModel with(p, skin), without(no_dermis, skin);
    for (int water : {0, 2, 4, 8, 12, 16, 20}) {
      INFO("skin L* " << skin.l << " water " << water);
      CHECK(with.healed_dot_lab(one("jet-black", water)).b < without.healed_dot_lab(one("jet-black", water)).b);
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
    CHECK(delta_e_76(detail::xyz_to_lab_fast(xyz.x, xyz.y, xyz.z, d50_white().xyz), xyz_to_lab(xyz, d50_white())) < 1e-9);
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
