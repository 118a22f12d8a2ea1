#include "plan/model_predictor.hpp"

#include <algorithm>
#include <cstring>

#include "colour/spectral.hpp"
#include "pigment/fast_lab.hpp"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define SHADEMATCH_PLAN_SIMD 1
#endif

namespace shadematch::plan {
namespace {

constexpr std::size_t kN = colour::kSpectrumBands;

struct Bands {
  const double* substrate_ks;
  const double* overlay_r;
  const double* overlay_t2;
  const double* wx;
  const double* wy;
  const double* wz;
};

#if SHADEMATCH_PLAN_SIMD
// The model's loop (pigment/model.cpp, healed_dot_lab) with four pigment factors c side by side:
//   K/S = K/S_substrate + c·K/S_ink;  R_dot = 1 / (1 + K/S + √(K/S·(K/S + 2)));
//   R = R_layer + T²·R_dot / (1 − R_layer·R_dot);  X, Y, Z += R·weights.
__attribute__((target("avx2"))) void xyz4_avx2(const Bands& b, const double* ink_ks, const double* c, double* x,
                                               double* y, double* z) noexcept {
  const __m256d vc = _mm256_loadu_pd(c);
  const __m256d one = _mm256_set1_pd(1.0);
  const __m256d two = _mm256_set1_pd(2.0);
  __m256d ax = _mm256_setzero_pd(), ay = _mm256_setzero_pd(), az = _mm256_setzero_pd();
  for (std::size_t i = 0; i < kN; ++i) {
    const __m256d ks = _mm256_add_pd(_mm256_set1_pd(b.substrate_ks[i]), _mm256_mul_pd(vc, _mm256_set1_pd(ink_ks[i])));
    const __m256d root = _mm256_sqrt_pd(_mm256_mul_pd(ks, _mm256_add_pd(ks, two)));
    const __m256d dot = _mm256_div_pd(one, _mm256_add_pd(_mm256_add_pd(one, ks), root));
    const __m256d rl = _mm256_set1_pd(b.overlay_r[i]);
    const __m256d num = _mm256_mul_pd(_mm256_set1_pd(b.overlay_t2[i]), dot);
    const __m256d den = _mm256_sub_pd(one, _mm256_mul_pd(rl, dot));
    const __m256d r = _mm256_add_pd(rl, _mm256_div_pd(num, den));
    ax = _mm256_add_pd(ax, _mm256_mul_pd(r, _mm256_set1_pd(b.wx[i])));
    ay = _mm256_add_pd(ay, _mm256_mul_pd(r, _mm256_set1_pd(b.wy[i])));
    az = _mm256_add_pd(az, _mm256_mul_pd(r, _mm256_set1_pd(b.wz[i])));
  }
  _mm256_storeu_pd(x, ax);
  _mm256_storeu_pd(y, ay);
  _mm256_storeu_pd(z, az);
}

// The same with two lanes (SSE2, every x86-64 CPU).
void xyz2_sse2(const Bands& b, const double* ink_ks, const double* c, double* x, double* y, double* z) noexcept {
  const __m128d vc = _mm_loadu_pd(c);
  const __m128d one = _mm_set1_pd(1.0);
  const __m128d two = _mm_set1_pd(2.0);
  __m128d ax = _mm_setzero_pd(), ay = _mm_setzero_pd(), az = _mm_setzero_pd();
  for (std::size_t i = 0; i < kN; ++i) {
    const __m128d ks = _mm_add_pd(_mm_set1_pd(b.substrate_ks[i]), _mm_mul_pd(vc, _mm_set1_pd(ink_ks[i])));
    const __m128d root = _mm_sqrt_pd(_mm_mul_pd(ks, _mm_add_pd(ks, two)));
    const __m128d dot = _mm_div_pd(one, _mm_add_pd(_mm_add_pd(one, ks), root));
    const __m128d rl = _mm_set1_pd(b.overlay_r[i]);
    const __m128d num = _mm_mul_pd(_mm_set1_pd(b.overlay_t2[i]), dot);
    const __m128d den = _mm_sub_pd(one, _mm_mul_pd(rl, dot));
    const __m128d r = _mm_add_pd(rl, _mm_div_pd(num, den));
    ax = _mm_add_pd(ax, _mm_mul_pd(r, _mm_set1_pd(b.wx[i])));
    ay = _mm_add_pd(ay, _mm_mul_pd(r, _mm_set1_pd(b.wy[i])));
    az = _mm_add_pd(az, _mm_mul_pd(r, _mm_set1_pd(b.wz[i])));
  }
  _mm_storeu_pd(x, ax);
  _mm_storeu_pd(y, ay);
  _mm_storeu_pd(z, az);
}

bool has_avx2() noexcept {
  static const bool yes = __builtin_cpu_supports("avx2") != 0;
  return yes;
}
#endif

}  // namespace

InkInSkinPredictor::InkInSkinPredictor(const pigment::InkInSkinModel& model, const pigment::HealingParams& healing)
    : model_(&model) {
#if SHADEMATCH_PLAN_SIMD
  strength_retention_ = healing.strength * healing.retention;
  for (std::size_t i = 0; i < kN; ++i) {
    substrate_ks_[i] = model.substrate_ks()[i];
    overlay_r_[i] = model.overlay_reflectance()[i];
    overlay_t2_[i] = model.overlay_transmittance_squared()[i];
  }
  const colour::SpectralObserver& o = colour::d50_observer();
  for (std::size_t i = 0; i < kN; ++i) {
    wx_[i] = o.weights_x()[i];
    wy_[i] = o.weights_y()[i];
    wz_[i] = o.weights_z()[i];
  }
  white_ = o.white().xyz;
  // Probe: every ink at full strength and diluted must give the model's result to the bit.
  simd_ = true;
  const double fractions[] = {1.0, 1.0 / 3.0, 0.2, 1.0 / 9.0, 1.0 / 21.0};
  for (const colour::Spectrum& ks : model.ink_ks()) {
    colour::Lab fast[5];
    healed_dot_labs(ks, fractions, 5, fast);
    for (std::size_t k = 0; k < 5; ++k) {
      const colour::Lab ref = model.healed_dot_lab(ks, fractions[k]);
      // Compared as bits: NaN == NaN here, and −0 ≠ +0.
      if (std::memcmp(&ref, &fast[k], sizeof ref) != 0) simd_ = false;  // NOLINT(bugprone-suspicious-memory-comparison)
    }
    if (!simd_) break;
  }
#else
  (void)healing;
#endif
}

void InkInSkinPredictor::healed_dot_labs(const colour::Spectrum& mixed_ks, const double* pigment_fractions,
                                         std::size_t n, colour::Lab* out) const noexcept {
#if SHADEMATCH_PLAN_SIMD
  if (!simd_) {
    DotPredictor::healed_dot_labs(mixed_ks, pigment_fractions, n, out);
    return;
  }
  const Bands bands{substrate_ks_.data(), overlay_r_.data(), overlay_t2_.data(), wx_.data(), wy_.data(), wz_.data()};
  const std::size_t lanes = has_avx2() ? 4 : 2;
  for (std::size_t begin = 0; begin < n; begin += lanes) {
    const std::size_t count = std::min(lanes, n - begin);
    double c[4], x[4], y[4], z[4];
    for (std::size_t k = 0; k < lanes; ++k) {
      // The model's c = strength · retention · P/(W+P), in its order; spare lanes repeat the last.
      c[k] = strength_retention_ * pigment_fractions[begin + std::min(k, count - 1)];
    }
    if (lanes == 4) {
      xyz4_avx2(bands, mixed_ks.values.data(), c, x, y, z);
    } else {
      xyz2_sse2(bands, mixed_ks.values.data(), c, x, y, z);
    }
    for (std::size_t k = 0; k < count; ++k) out[begin + k] = pigment::detail::xyz_to_lab_fast(x[k], y[k], z[k], white_);
  }
#else
  DotPredictor::healed_dot_labs(mixed_ks, pigment_fractions, n, out);
#endif
}

}  // namespace shadematch::plan
