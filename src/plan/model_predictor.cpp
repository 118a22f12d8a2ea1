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

namespace ex = pigment::optics::detail;

#if SHADEMATCH_PLAN_SIMD
// The model's band (pigment/model.hpp, healed_band) with several pigment factors c side by side;
// exp_neg2 as in pigment/skin_optics.hpp, operation for operation.
__attribute__((target("avx2"))) inline __m256d exp_neg2_avx2(__m256d y) noexcept {
  __m256d x = _mm256_mul_pd(y, _mm256_set1_pd(-2.0));
  x = _mm256_max_pd(x, _mm256_set1_pd(ex::kExpClamp));
  const __m256d magic = _mm256_set1_pd(ex::kRoundMagic);
  const __m256d t = _mm256_add_pd(_mm256_mul_pd(x, _mm256_set1_pd(ex::kLog2e)), magic);
  const __m256d n = _mm256_sub_pd(t, magic);
  const __m256d r = _mm256_sub_pd(_mm256_sub_pd(x, _mm256_mul_pd(n, _mm256_set1_pd(ex::kLn2Hi))),
                                  _mm256_mul_pd(n, _mm256_set1_pd(ex::kLn2Lo)));
  const __m256d r2 = _mm256_mul_pd(r, r);
  const __m256d r4 = _mm256_mul_pd(r2, r2);
  const __m256d q0 = _mm256_add_pd(_mm256_set1_pd(ex::kExpC[0]), _mm256_mul_pd(_mm256_set1_pd(ex::kExpC[1]), r));
  const __m256d q1 = _mm256_add_pd(_mm256_set1_pd(ex::kExpC[2]), _mm256_mul_pd(_mm256_set1_pd(ex::kExpC[3]), r));
  const __m256d q2 = _mm256_add_pd(_mm256_set1_pd(ex::kExpC[4]), _mm256_mul_pd(_mm256_set1_pd(ex::kExpC[5]), r));
  const __m256d q3 = _mm256_add_pd(_mm256_set1_pd(ex::kExpC[6]), _mm256_mul_pd(_mm256_set1_pd(ex::kExpC[7]), r));
  const __m256d s0 = _mm256_add_pd(q0, _mm256_mul_pd(q1, r2));
  const __m256d s1 = _mm256_add_pd(q2, _mm256_mul_pd(q3, r2));
  const __m256d p = _mm256_add_pd(s0, _mm256_mul_pd(s1, r4));
  const __m256i bits = _mm256_slli_epi64(
      _mm256_add_epi64(_mm256_sub_epi64(_mm256_castpd_si256(t), _mm256_castpd_si256(magic)), _mm256_set1_epi64x(1023)),
      52);
  return _mm256_mul_pd(p, _mm256_castsi256_pd(bits));
}

inline __m128d exp_neg2_sse2(__m128d y) noexcept {
  __m128d x = _mm_mul_pd(y, _mm_set1_pd(-2.0));
  x = _mm_max_pd(x, _mm_set1_pd(ex::kExpClamp));
  const __m128d magic = _mm_set1_pd(ex::kRoundMagic);
  const __m128d t = _mm_add_pd(_mm_mul_pd(x, _mm_set1_pd(ex::kLog2e)), magic);
  const __m128d n = _mm_sub_pd(t, magic);
  const __m128d r =
      _mm_sub_pd(_mm_sub_pd(x, _mm_mul_pd(n, _mm_set1_pd(ex::kLn2Hi))), _mm_mul_pd(n, _mm_set1_pd(ex::kLn2Lo)));
  const __m128d r2 = _mm_mul_pd(r, r);
  const __m128d r4 = _mm_mul_pd(r2, r2);
  const __m128d q0 = _mm_add_pd(_mm_set1_pd(ex::kExpC[0]), _mm_mul_pd(_mm_set1_pd(ex::kExpC[1]), r));
  const __m128d q1 = _mm_add_pd(_mm_set1_pd(ex::kExpC[2]), _mm_mul_pd(_mm_set1_pd(ex::kExpC[3]), r));
  const __m128d q2 = _mm_add_pd(_mm_set1_pd(ex::kExpC[4]), _mm_mul_pd(_mm_set1_pd(ex::kExpC[5]), r));
  const __m128d q3 = _mm_add_pd(_mm_set1_pd(ex::kExpC[6]), _mm_mul_pd(_mm_set1_pd(ex::kExpC[7]), r));
  const __m128d s0 = _mm_add_pd(q0, _mm_mul_pd(q1, r2));
  const __m128d s1 = _mm_add_pd(q2, _mm_mul_pd(q3, r2));
  const __m128d p = _mm_add_pd(s0, _mm_mul_pd(s1, r4));
  const __m128i bits = _mm_slli_epi64(
      _mm_add_epi64(_mm_sub_epi64(_mm_castpd_si128(t), _mm_castpd_si128(magic)), _mm_set1_epi64x(1023)), 52);
  return _mm_mul_pd(p, _mm_castsi128_pd(bits));
}

using Hot = pigment::InkInSkinModel::HotBands;

// G groups of four lanes side by side (G = 2: the seven dilution steps of a mix in one pass, so
// the out-of-order core overlaps two independent chains of square root, exponential and division).
// kUnitQ: ink_scatter is exactly 1, so the model's cs·q is cs itself (x·1 = x in IEEE arithmetic)
// and the multiplication can be left out without changing a bit.
template <int G, bool kUnitQ>
__attribute__((target("avx2"))) void xyz_avx2(const Hot& h, const double* w, const double* ink_ks, const double* c,
                                              double* x, double* y, double* z) noexcept {
  __m256d vc[G], ax[G], ay[G], az[G];
  for (int g = 0; g < G; ++g) {
    vc[g] = _mm256_loadu_pd(c + 4 * g);
    ax[g] = ay[g] = az[g] = _mm256_setzero_pd();
  }
  const __m256d q = _mm256_set1_pd(h.q);
  for (std::size_t i = 0; i < kN; ++i) {
    const __m256d sd = _mm256_set1_pd(h.sd[i]);
    const __m256d rg = _mm256_set1_pd(h.rg[i]);
    const __m256d kd = _mm256_set1_pd(h.kd[i]);
    const __m256d m = _mm256_set1_pd(ink_ks[i]);
    const __m256d alpha = _mm256_set1_pd(h.alpha[i]), beta = _mm256_set1_pd(h.beta[i]);
    const __m256d gamma = _mm256_set1_pd(h.gamma[i]), delta = _mm256_set1_pd(h.delta[i]);
    const __m256d wx = _mm256_set1_pd(w[i]), wy = _mm256_set1_pd(w[kN + i]), wz = _mm256_set1_pd(w[2 * kN + i]);
    for (int g = 0; g < G; ++g) {
      const __m256d cs = _mm256_mul_pd(vc[g], sd);
      const __m256d k = _mm256_add_pd(kd, _mm256_mul_pd(cs, m));
      const __m256d s = _mm256_add_pd(sd, kUnitQ ? cs : _mm256_mul_pd(cs, q));
      const __m256d yy = _mm256_sqrt_pd(_mm256_mul_pd(k, _mm256_add_pd(k, _mm256_add_pd(s, s))));
      const __m256d n = _mm256_add_pd(_mm256_add_pd(s, k), yy);
      const __m256d e = _mm256_sub_pd(n, _mm256_mul_pd(s, rg));
      const __m256d f = _mm256_sub_pd(_mm256_mul_pd(n, rg), s);
      const __m256d fu = _mm256_mul_pd(f, exp_neg2_avx2(yy));
      const __m256d t1 = _mm256_add_pd(_mm256_mul_pd(s, e), _mm256_mul_pd(n, fu));
      const __m256d t2 = _mm256_add_pd(_mm256_mul_pd(n, e), _mm256_mul_pd(s, fu));
      const __m256d num = _mm256_add_pd(_mm256_mul_pd(alpha, t1), _mm256_mul_pd(beta, t2));
      const __m256d den = _mm256_add_pd(_mm256_mul_pd(gamma, t1), _mm256_mul_pd(delta, t2));
      const __m256d r = _mm256_div_pd(num, den);
      ax[g] = _mm256_add_pd(ax[g], _mm256_mul_pd(r, wx));
      ay[g] = _mm256_add_pd(ay[g], _mm256_mul_pd(r, wy));
      az[g] = _mm256_add_pd(az[g], _mm256_mul_pd(r, wz));
    }
  }
  for (int g = 0; g < G; ++g) {
    _mm256_storeu_pd(x + 4 * g, ax[g]);
    _mm256_storeu_pd(y + 4 * g, ay[g]);
    _mm256_storeu_pd(z + 4 * g, az[g]);
  }
}

// The same with two lanes (SSE2, every x86-64 CPU).
void xyz2_sse2(const Hot& h, const double* w, const double* ink_ks, const double* c, double* x, double* y,
               double* z) noexcept {
  const __m128d vc = _mm_loadu_pd(c);
  const __m128d q = _mm_set1_pd(h.q);
  __m128d ax = _mm_setzero_pd(), ay = _mm_setzero_pd(), az = _mm_setzero_pd();
  for (std::size_t i = 0; i < kN; ++i) {
    const __m128d sd = _mm_set1_pd(h.sd[i]);
    const __m128d rg = _mm_set1_pd(h.rg[i]);
    const __m128d cs = _mm_mul_pd(vc, sd);
    const __m128d k = _mm_add_pd(_mm_set1_pd(h.kd[i]), _mm_mul_pd(cs, _mm_set1_pd(ink_ks[i])));
    const __m128d s = _mm_add_pd(sd, _mm_mul_pd(cs, q));
    const __m128d yy = _mm_sqrt_pd(_mm_mul_pd(k, _mm_add_pd(k, _mm_add_pd(s, s))));
    const __m128d n = _mm_add_pd(_mm_add_pd(s, k), yy);
    const __m128d e = _mm_sub_pd(n, _mm_mul_pd(s, rg));
    const __m128d f = _mm_sub_pd(_mm_mul_pd(n, rg), s);
    const __m128d fu = _mm_mul_pd(f, exp_neg2_sse2(yy));
    const __m128d t1 = _mm_add_pd(_mm_mul_pd(s, e), _mm_mul_pd(n, fu));
    const __m128d t2 = _mm_add_pd(_mm_mul_pd(n, e), _mm_mul_pd(s, fu));
    const __m128d num = _mm_add_pd(_mm_mul_pd(_mm_set1_pd(h.alpha[i]), t1), _mm_mul_pd(_mm_set1_pd(h.beta[i]), t2));
    const __m128d den = _mm_add_pd(_mm_mul_pd(_mm_set1_pd(h.gamma[i]), t1), _mm_mul_pd(_mm_set1_pd(h.delta[i]), t2));
    const __m128d r = _mm_div_pd(num, den);
    ax = _mm_add_pd(ax, _mm_mul_pd(r, _mm_set1_pd(w[i])));
    ay = _mm_add_pd(ay, _mm_mul_pd(r, _mm_set1_pd(w[kN + i])));
    az = _mm_add_pd(az, _mm_mul_pd(r, _mm_set1_pd(w[2 * kN + i])));
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
  hot_ = model.hot_bands();
  // The model's c = strength · retention · P/(W+P): c_scale is strength · retention, multiplied
  // once by the model; the palette's parameters must be those the model was built with.
  if (healing.strength * healing.retention != hot_.c_scale || healing.ink_scatter != hot_.q) {
    simd_ = false;
    return;
  }
  const colour::SpectralObserver& o = colour::d50_observer();
  for (std::size_t i = 0; i < kN; ++i) {
    w_[i] = o.weights_x()[i];
    w_[kN + i] = o.weights_y()[i];
    w_[2 * kN + i] = o.weights_z()[i];
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
  // AVX2: eight lanes per pass when more than four steps remain, else four; SSE2: two.
  const bool avx2 = has_avx2();
  for (std::size_t begin = 0; begin < n;) {
    const std::size_t lanes = avx2 ? (n - begin > 4 ? 8 : 4) : 2;
    const std::size_t count = std::min(lanes, n - begin);
    double c[8], x[8], y[8], z[8];
    for (std::size_t k = 0; k < lanes; ++k) {
      // The model's c = strength · retention · P/(W+P), in its order; spare lanes repeat the last.
      c[k] = hot_.c_scale * pigment_fractions[begin + std::min(k, count - 1)];
    }
    const bool unit_q = hot_.q == 1.0;
    if (lanes == 8) {
      (unit_q ? xyz_avx2<2, true> : xyz_avx2<2, false>)(hot_, w_.data(), mixed_ks.values.data(), c, x, y, z);
    } else if (lanes == 4) {
      (unit_q ? xyz_avx2<1, true> : xyz_avx2<1, false>)(hot_, w_.data(), mixed_ks.values.data(), c, x, y, z);
    } else {
      xyz2_sse2(hot_, w_.data(), mixed_ks.values.data(), c, x, y, z);
    }
    for (std::size_t k = 0; k < count; ++k) out[begin + k] = pigment::detail::xyz_to_lab_fast(x[k], y[k], z[k], white_);
    begin += count;
  }
#else
  DotPredictor::healed_dot_labs(mixed_ks, pigment_fractions, n, out);
#endif
}

}  // namespace shadematch::plan
