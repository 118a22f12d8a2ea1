#include "plan/search.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <memory>
#include <new>
#include <numeric>
#include <optional>
#include <stdexcept>
#include <thread>
#include <utility>

#if defined(__linux__)
#include <sys/mman.h>
#endif

#include "common/error.hpp"
#include "plan/describe.hpp"
#include "plan/gamut.hpp"

namespace shadematch::plan {
namespace {

constexpr std::uint8_t kOutOfStock = 1;
constexpr std::uint8_t kExpired = 2;

// One combination of inks with its parts (palette indices); the dilution is the candidate's other
// coordinate: candidate index = mix index · steps + dilution index.
struct Mix {
  std::array<std::uint16_t, kMaxBlendInks> ink{};
  std::array<std::uint16_t, kMaxBlendInks> parts{};
  std::uint8_t count = 0;
  std::uint8_t flags = 0;           // kOutOfStock | kExpired over its inks
  std::uint16_t reduced_parts = 0;  // Σ parts / gcd(parts)
};

// The ranking key of DESIGN.md: score (to 1e-6), fewer inks, fewer parts, in stock, not expired,
// then enumeration order.
struct Key {
  std::int64_t score_micro = 0;
  std::uint8_t count = 0;
  std::uint16_t reduced_parts = 0;
  std::uint8_t stock = 0;    // 1 when some ink is out of stock
  std::uint8_t expired = 0;  // 1 when some ink is expired
  std::uint32_t index = 0;
  friend bool operator<(const Key& x, const Key& y) {
    if (x.score_micro != y.score_micro) return x.score_micro < y.score_micro;
    if (x.count != y.count) return x.count < y.count;
    if (x.reduced_parts != y.reduced_parts) return x.reduced_parts < y.reduced_parts;
    if (x.stock != y.stock) return x.stock < y.stock;
    if (x.expired != y.expired) return x.expired < y.expired;
    return x.index < y.index;
  }
};

std::size_t binomial(std::size_t n, std::size_t k) {
  if (k > n) return 0;
  std::size_t r = 1;
  for (std::size_t i = 1; i <= k; ++i) {
    r = r * (n - k + i) / i;  // exact: r·(n−k+i) is divisible by i at every step
  }
  return r;
}

std::int64_t micro(double score) {
  if (!std::isfinite(score) || score > 1e12) return std::numeric_limits<std::int64_t>::max();
  return std::llround(score * 1e6);
}

// Every candidate's prediction, 24 bytes each (61 MB for the 2.5 M candidates of a 40-ink
// palette). The storage is left uninitialised, so its pages are first touched by the worker
// threads that fill them, in parallel, rather than zero-filled by one thread; on Linux it asks for
// transparent huge pages (2 MiB), which cuts the page faults of a fresh buffer 512-fold.
class LabBuffer {
 public:
  void resize(std::size_t n) {
    constexpr std::size_t kHuge = std::size_t{2} << 20;
    const std::size_t bytes = std::max<std::size_t>(kHuge, (n * sizeof(colour::Lab) + kHuge - 1) / kHuge * kHuge);
    void* p = std::aligned_alloc(kHuge, bytes);
    if (p == nullptr) throw std::bad_alloc();
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    ::madvise(p, bytes, MADV_HUGEPAGE);  // advice only: failure leaves ordinary pages
#endif
    data_.reset(static_cast<colour::Lab*>(p));  // Lab is an implicit-lifetime aggregate
    size_ = n;
  }
  std::size_t size() const noexcept {
    return size_;
  }
  colour::Lab& operator[](std::size_t i) noexcept {
    return data_.get()[i];
  }
  const colour::Lab& operator[](std::size_t i) const noexcept {
    return data_.get()[i];
  }

 private:
  struct Free {
    void operator()(colour::Lab* p) const noexcept { std::free(p); }
  };
  std::unique_ptr<colour::Lab, Free> data_;
  std::size_t size_ = 0;
};

struct Search {
  const pigment::Palette& palette;
  const DotPredictor& predictor;
  const PlanTargets& targets;
  const SearchOptions& options;
  std::vector<Mix> mixes;
  std::vector<double> fractions;  // pigment fraction per dilution step
  LabBuffer predicted;
  unsigned threads = 1;
  // Per worker thread: the lowest predicted L* and its candidate index (the first one, within
  // the thread's chunks in order).
  std::vector<std::pair<double, std::size_t>> darkest_per_thread;

  // The darkest candidate, the first in enumeration order among equally dark ones; none when
  // every prediction is NaN or there is no candidate.
  std::optional<std::size_t> darkest() const {
    std::optional<std::pair<double, std::size_t>> best;
    for (const auto& d : darkest_per_thread) {
      if (!std::isfinite(d.first)) continue;
      if (!best || d < *best) best = d;
    }
    if (!best) return std::nullopt;
    return best->second;
  }

  std::size_t steps() const { return fractions.size(); }

  void predict_all() {
    const std::vector<colour::Spectrum>& ks = predictor.ink_ks();
    const std::size_t n_dil = steps();
    predicted.resize(mixes.size() * n_dil);
    constexpr std::size_t kChunk = 512;
    std::atomic<std::size_t> next{0};
    std::atomic<std::size_t> done{0};
    const colour::Lab substrate = targets.substrate;
    const bool area = targets.appearance == Appearance::area;
    const double coverage = targets.coverage;
    darkest_per_thread.assign(threads, {std::numeric_limits<double>::infinity(), 0});
    auto work = [&](unsigned t, bool report) {
      double reported = 0.0;
      std::pair<double, std::size_t>& dark = darkest_per_thread[t];
      for (;;) {
        const std::size_t begin = next.fetch_add(kChunk);
        if (begin >= mixes.size()) break;
        const std::size_t end = std::min(begin + kChunk, mixes.size());
        for (std::size_t i = begin; i < end; ++i) {
          const Mix& m = mixes[i];
          double total = 0.0;
          for (std::size_t j = 0; j < m.count; ++j) total += m.parts[j];
          colour::Spectrum mixed;  // Σ wᵢ (K/S)ᵢ, on the stack
          for (std::size_t j = 0; j < m.count; ++j) {
            const double w = m.parts[j] / total;
            const colour::Spectrum& k = ks[m.ink[j]];
            for (std::size_t b = 0; b < colour::kSpectrumBands; ++b) mixed.values[b] += w * k.values[b];
          }
          colour::Lab* out = &predicted[i * n_dil];
          predictor.healed_dot_labs(mixed, fractions.data(), n_dil, out);
          for (std::size_t d = 0; d < n_dil; ++d) {
            if (area) out[d] = area_mix(out[d], substrate, coverage);
            if (out[d].l < dark.first) dark = {out[d].l, i * n_dil + d};  // NaN never compares less
          }
        }
        const std::size_t now = done.fetch_add(end - begin) + (end - begin);
        if (report && options.progress) {
          const double f = static_cast<double>(now) / static_cast<double>(mixes.size());
          if (f - reported >= 0.01) {
            options.progress(f);
            reported = f;
          }
        }
      }
    };
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work, t, false);
    work(0, true);
    for (std::thread& t : pool) t.join();
    if (options.progress) options.progress(1.0);
  }

  Key key_of(std::size_t index, double score) const {
    const Mix& m = mixes[index / steps()];
    return Key{micro(score),
               m.count,
               m.reduced_parts,
               static_cast<std::uint8_t>((m.flags & kOutOfStock) ? 1 : 0),
               static_cast<std::uint8_t>((m.flags & kExpired) ? 1 : 0),
               static_cast<std::uint32_t>(index)};
  }

  // The best `pool_size` candidates for `target` among those with L*pred ≤ l_max, sorted.
  std::vector<Key> best(const colour::Lab& target, double l_max, std::size_t pool_size) const {
    const std::size_t n = predicted.size();
    const unsigned t_count = n < 50'000 ? 1U : threads;
    std::vector<std::vector<Key>> heaps(t_count);
    auto scan = [&](unsigned t) {
      std::vector<Key>& heap = heaps[t];  // max-heap of the best so far
      heap.reserve(pool_size + 1);
      const std::size_t begin = n * t / t_count;
      const std::size_t end = n * (t + 1) / t_count;
      // A candidate whose score's lower bound exceeds the worst kept score by more than the 1e-6
      // rounding of the key (plus a margin for the two formulas' rounding) cannot enter the heap.
      double cut = std::numeric_limits<double>::infinity();
      for (std::size_t i = begin; i < end; ++i) {
        const colour::Lab& p = predicted[i];
        if (!(p.l <= l_max)) continue;  // also drops NaN predictions
        if (score_lightness_bound(target, p) > cut || score_lower_bound(target, p) > cut) continue;
        const Key k = key_of(i, blend_score(target, p));
        if (heap.size() < pool_size) {
          heap.push_back(k);
          std::push_heap(heap.begin(), heap.end());
        } else if (k < heap.front()) {
          std::pop_heap(heap.begin(), heap.end());
          heap.back() = k;
          std::push_heap(heap.begin(), heap.end());
        } else {
          continue;
        }
        if (heap.size() == pool_size) cut = (static_cast<double>(heap.front().score_micro) + 1.5) * 1e-6;
      }
    };
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < t_count; ++t) pool.emplace_back(scan, t);
    scan(0);
    for (std::thread& th : pool) th.join();
    std::vector<Key> all;
    for (const auto& h : heaps) all.insert(all.end(), h.begin(), h.end());
    std::sort(all.begin(), all.end());
    if (all.size() > pool_size) all.resize(pool_size);
    return all;
  }

  bool same_inks(std::size_t i, std::size_t j) const {
    const Mix& a = mixes[i / steps()];
    const Mix& b = mixes[j / steps()];
    return a.count == b.count && std::equal(a.ink.begin(), a.ink.begin() + a.count, b.ink.begin());
  }

  // Up to k candidate indices for the target, best first, without near-duplicates (same inks and
  // ΔE00 < 0.5 from one already listed).
  std::vector<std::size_t> list(const colour::Lab& target, double l_max, std::size_t k) const {
    std::size_t pool_size = std::max<std::size_t>(64, 16 * k);
    for (;;) {
      const std::vector<Key> ranked = best(target, l_max, pool_size);
      std::vector<std::size_t> chosen;
      for (const Key& key : ranked) {
        const std::size_t i = key.index;
        if (key.score_micro == std::numeric_limits<std::int64_t>::max()) break;
        const bool duplicate = std::any_of(chosen.begin(), chosen.end(), [&](std::size_t j) {
          return same_inks(i, j) && colour::delta_e_2000_fast(predicted[i], predicted[j]) < 0.5;
        });
        if (!duplicate) chosen.push_back(i);
        if (chosen.size() == k) return chosen;
      }
      // Ran out of pool before k distinct blends: widen it, unless it already held everything.
      if (ranked.size() < pool_size || pool_size >= predicted.size()) return chosen;
      pool_size *= 8;
    }
  }

  RankedBlend describe(std::size_t index, const colour::Lab& target) const {
    const Mix& m = mixes[index / steps()];
    RankedBlend r;
    int g = 0;
    for (std::size_t j = 0; j < m.count; ++j) g = std::gcd(g, static_cast<int>(m.parts[j]));
    for (std::size_t j = 0; j < m.count; ++j) {
      r.blend.parts.push_back({palette.inks[m.ink[j]].id, m.parts[j] / g});
    }
    r.blend.dilution = palette.dilution[index % steps()];
    r.recipe = pigment::format_blend(r.blend);
    r.predicted = predicted[index];
    r.de00 = colour::delta_e_2000(target, r.predicted);
    r.diff = colour::lab_difference(target, r.predicted);
    r.score = blend_score(target, r.predicted);
    r.direction = describe_difference(target, r.predicted);
    r.in_stock = (m.flags & kOutOfStock) == 0;
    r.expired = (m.flags & kExpired) != 0;
    return r;
  }
};

std::string fmt1(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

}  // namespace

std::vector<std::array<std::uint16_t, kMaxBlendInks>> compositions(int total, int m) {
  std::vector<std::array<std::uint16_t, kMaxBlendInks>> out;
  std::array<std::uint16_t, kMaxBlendInks> cur{};
  auto rec = [&](auto&& self, int pos, int left) -> void {
    if (pos == m - 1) {
      cur[static_cast<std::size_t>(pos)] = static_cast<std::uint16_t>(left);
      out.push_back(cur);
      return;
    }
    for (int p = 1; p <= left - (m - 1 - pos); ++p) {
      cur[static_cast<std::size_t>(pos)] = static_cast<std::uint16_t>(p);
      self(self, pos + 1, left - p);
    }
  };
  if (m >= 1 && total >= m) rec(rec, 0, total);
  return out;
}

double blend_score(const colour::Lab& target, const colour::Lab& predicted) noexcept {
  return colour::delta_e_2000_fast(target, predicted) + 0.5 * std::max(0.0, target.l - predicted.l) +
         0.3 * std::max(0.0, target.b - predicted.b - 1.0);
}

// Sharma, Wu & Dalal (2005), eqs. (1)–(22). With x = ΔC'/S_C, y = ΔH'/S_H and the rotation term
// R_T·x·y ≥ −(|R_T|/2)(x² + y²):
//   ΔE00² ≥ (ΔL*/S_L)² + (1 − |R_T|/2)(ΔC'² + ΔH'²)/S_C²     (S_H ≤ S_C: 0.015·T ≤ 0.045, T < 1.93)
// where ΔC'² + ΔH'² = Δa'² + Δb*² with a' = (1 + G)·a*, G exact (eq. 4, from C̄*ab); S_L exact
// at L̄. C̄' and the hue are not computed (they need trigonometry); instead
//   C̄' ≤ (1 + G)·C̄*ab                    (C' = √((1+G)²a² + b²) ≤ (1 + G)·C*ab)
//   S_C = 1 + 0.045·C̄' ≤ 1 + 0.045·(1 + G)·C̄*ab
//   |R_T| = 2·√(C̄'⁷/(C̄'⁷ + 25⁷))·|sin 2Δθ| ≤ 2·sin 60°·√(c⁷/(c⁷ + 25⁷)),  c = (1 + G)·C̄*ab  (Δθ ≤ 30°)
// R_T matters only for saturated colours (its factor is 0.04 at C̄' = 10), so for hair and skin
// colours the bound is within a few per cent of ΔE00 instead of the 37 % of a fixed |R_T| ≤ √3.
double score_lower_bound(const colour::Lab& target, const colour::Lab& predicted) noexcept {
  constexpr double kPow25_7 = 6103515625.0;      // 25⁷, eq. (4)
  constexpr double kSin60 = 0.8660254037844386;  // sin 60°: the largest |sin 2Δθ|
  const double dl = target.l - predicted.l;
  const double da = target.a - predicted.a;
  const double db = target.b - predicted.b;
  const double lbar = 0.5 * (target.l + predicted.l) - 50.0;
  const double sl = 1.0 + 0.015 * lbar * lbar / std::sqrt(20.0 + lbar * lbar);
  const double cbar = 0.5 * (std::sqrt(target.a * target.a + target.b * target.b) +
                             std::sqrt(predicted.a * predicted.a + predicted.b * predicted.b));
  const double cbar2 = cbar * cbar;
  const double cbar7 = cbar2 * cbar2 * cbar2 * cbar;
  const double g1 = 1.5 - 0.5 * std::sqrt(cbar7 / (cbar7 + kPow25_7));  // 1 + G
  const double c = g1 * cbar;                                           // ≥ C̄'
  const double c2 = c * c;
  const double c7 = c2 * c2 * c2 * c;
  const double rotation = 1.0 - kSin60 * std::sqrt(c7 / (c7 + kPow25_7));  // 1 − |R_T|/2, ≥ 1 − sin 60°
  const double sc = 1.0 + 0.045 * c;
  const double dap = g1 * da;
  const double de_bound = std::sqrt(dl * dl / (sl * sl) + rotation * (dap * dap + db * db) / (sc * sc));
  return de_bound + 0.5 * std::max(0.0, dl) + 0.3 * std::max(0.0, db - 1.0);
}

std::size_t count_candidates(std::size_t inks, int max_inks, int parts_total, std::size_t dilution_steps) {
  std::size_t mixes = 0;
  for (int m = 1; m <= max_inks; ++m) {
    if (parts_total < m) break;
    mixes += binomial(inks, static_cast<std::size_t>(m)) *
             binomial(static_cast<std::size_t>(parts_total - 1), static_cast<std::size_t>(m - 1));
  }
  return mixes * dilution_steps;
}

PlanResult plan_blends(const pigment::Palette& palette, const DotPredictor& predictor, const PlanTargets& targets,
                       const SearchOptions& options) {
  if (options.top_k < 1) throw std::invalid_argument("plan_blends: top_k must be ≥ 1");
  if (predictor.ink_ks().size() != palette.inks.size()) {
    throw std::invalid_argument("plan_blends: the predictor does not match the palette");
  }
  if (palette.max_inks > kMaxBlendInks) {
    throw InputError(palette.source, "blends.max_inks is " + std::to_string(palette.max_inks) +
                                         "; the search supports blends of at most " + std::to_string(kMaxBlendInks) +
                                         " inks");
  }
  if (palette.parts_total > 1000) {
    throw InputError(palette.source, "blends.parts_total is " + std::to_string(palette.parts_total) +
                                         "; the search supports at most 1000 parts");
  }
  PlanResult result;
  result.targets = targets;

  // Inks available for the search, and why the others are left out.
  std::vector<std::uint16_t> avail;
  std::vector<std::uint8_t> flags(palette.inks.size(), 0);
  for (std::size_t i = 0; i < palette.inks.size(); ++i) {
    const pigment::Ink& ink = palette.inks[i];
    const bool expired = ink.expires && !options.today.empty() && *ink.expires < options.today;
    flags[i] = static_cast<std::uint8_t>((ink.in_stock ? 0 : kOutOfStock) | (expired ? kExpired : 0));
    if (flags[i] != 0 && !options.include_unavailable) {
      std::string reason = !ink.in_stock ? "out of stock" : "";
      if (expired) reason += (reason.empty() ? "" : ", ") + std::string("expired ") + *ink.expires;
      result.left_out.push_back({ink.id, reason});
      continue;
    }
    avail.push_back(static_cast<std::uint16_t>(i));
  }
  result.inks_searched = avail.size();
  if (!result.left_out.empty()) {
    std::string ids;
    for (const LeftOutInk& l : result.left_out) ids += (ids.empty() ? "" : ", ") + l.id + " (" + l.reason + ")";
    result.warnings.push_back(std::to_string(result.left_out.size()) + " ink" +
                              (result.left_out.size() == 1 ? " was" : "s were") + " left out: " + ids +
                              "; use --include-unavailable to search them too");
  }

  const std::size_t total =
      count_candidates(avail.size(), palette.max_inks, palette.parts_total, palette.dilution.size());
  if (total > kMaxCandidates) {
    throw InputError(palette.source, "the palette's blend grid has " + std::to_string(total) +
                                         " candidates, more than the " + std::to_string(kMaxCandidates) +
                                         " one search handles; lower blends.max_inks or blends.parts_total");
  }
  Search s{palette, predictor, targets, options, {}, {}, {}, 1, {}};
  for (const pigment::DilutionStep& d : palette.dilution) s.fractions.push_back(d.pigment_fraction());
  s.mixes.reserve(total / std::max<std::size_t>(1, palette.dilution.size()));
  for (int m = 1; m <= palette.max_inks && static_cast<std::size_t>(m) <= avail.size(); ++m) {
    const auto parts = compositions(palette.parts_total, m);
    if (parts.empty()) break;
    const std::size_t mm = static_cast<std::size_t>(m);
    std::array<std::size_t, kMaxBlendInks> idx{};
    for (std::size_t j = 0; j < mm; ++j) idx[j] = j;
    for (;;) {
      Mix base;
      base.count = static_cast<std::uint8_t>(m);
      for (std::size_t j = 0; j < mm; ++j) {
        base.ink[j] = avail[idx[j]];
        base.flags = static_cast<std::uint8_t>(base.flags | flags[avail[idx[j]]]);
      }
      for (const auto& p : parts) {
        Mix mix = base;
        int g = 0;
        int sum = 0;
        for (std::size_t j = 0; j < mm; ++j) {
          mix.parts[j] = p[j];
          g = std::gcd(g, static_cast<int>(p[j]));
          sum += p[j];
        }
        mix.reduced_parts = static_cast<std::uint16_t>(sum / g);
        s.mixes.push_back(mix);
      }
      // Next combination of m indices out of avail.size(), lexicographic.
      std::size_t j = mm;
      while (j > 0 && idx[j - 1] == avail.size() - mm + (j - 1)) --j;
      if (j == 0) break;
      ++idx[j - 1];
      for (std::size_t q = j; q < mm; ++q) idx[q] = idx[q - 1] + 1;
    }
  }
  result.candidates = s.mixes.size() * s.steps();
  if (result.candidates == 0) {
    result.warnings.push_back("no ink is available for the search");
  }
  const unsigned hw = options.threads != 0 ? options.threads : std::max(1U, std::thread::hardware_concurrency());
  s.threads = result.candidates < 20'000 ? 1U : std::min(hw, 64U);
  s.predict_all();

  // Half a shade of this plan (of the shade step, or of the shrunk step when the skin leaves less
  // room: see search.hpp).
  double half_shade = 0.5 * targets.shade_step_dl;
  if (const std::optional<std::size_t> dark = s.darkest()) {
    const HealedGamut gamut(&s.predicted[0], s.predicted.size());
    Reach reach;
    reach.darkest = s.predicted[*dark];
    reach.darkest_recipe = s.describe(*dark, targets.final_target).recipe;
    reach.lightest = reach.darkest;
    for (std::size_t i = 0; i < s.predicted.size(); ++i) {
      if (s.predicted[i].l > reach.lightest.l) reach.lightest = s.predicted[i];  // NaN never compares greater
    }
    reach.beyond_dl = reach.darkest.l - targets.final_target.l;
    reach.margin_dl = kReachMarginShades * targets.shade_step_dl;
    reach.ideal_sessions = targets.sessions;
    const std::size_t n = targets.sessions.size();
    const colour::Lab final_reachable = gamut.map(targets.final_target);
    double step = targets.shade_step_dl;
    const double room = gamut.lightest_l() - final_reachable.l;
    if (n > 1 && final_reachable.l + static_cast<double>(n) * step > gamut.lightest_l()) {
      // The first session would not lie a step below the lightest blend (about the skin itself):
      // the reachable range is divided evenly instead, one step between the skin and session 1.
      step = std::max(0.0, room / static_cast<double>(n));
      result.warnings.push_back("this skin leaves ΔL* " + fmt1(room) +
                                " between the darkest reachable target and the lightest blend: the sessions are ΔL* " +
                                fmt1(step) + " apart instead of one shade (" + fmt1(targets.shade_step_dl) + ")");
    }
    if (room < 0.5) {
      result.warnings.push_back(
          "the target is not darker than this skin: pigment only darkens the skin, so no blend "
          "comes closer than the lightest, and the sessions cannot each be darker");
    }
    reach.step_dl = step;
    for (std::size_t si = 0; si < n; ++si) {
      colour::Lab ideal = targets.final_target;
      ideal.l = final_reachable.l + static_cast<double>(n - 1 - si) * step;
      if (step == targets.shade_step_dl && final_reachable.l == targets.final_target.l) {
        ideal = targets.sessions[si];  // exactly DESIGN.md's spacing
      }
      const colour::Lab mapped = si + 1 == n ? final_reachable : gamut.map(ideal);
      if (!options.reachable_targets) continue;
      if (colour::delta_e_2000(mapped, targets.sessions[si]) > 1e-9) reach.mapped = true;
      result.targets.sessions[si] = mapped;
    }
    reach.aimed_final = final_reachable;
    reach.gap_de00 = colour::delta_e_2000(targets.final_target, final_reachable);
    reach.anchored = options.reachable_targets && reach.gap_de00 > 1e-9;
    if (reach.anchored) {
      reach.lacks = missing_ink(targets.final_target, final_reachable);
      if (targets.goal == Goal::follicle) {
        const colour::Lab& skin = targets.substrate;
        const colour::Lab& hair = targets.final_target;
        const double a = kReduceContrastAlpha;
        const colour::Lab rc{skin.l + a * (hair.l - skin.l), skin.a + a * (hair.a - skin.a),
                             skin.b + a * (hair.b - skin.b)};
        if (reach.darkest.l - rc.l <= reach.margin_dl) reach.reduce_contrast_target = rc;
      }
    }
    if (options.reachable_targets) half_shade = 0.5 * reach.step_dl;
    result.reach = std::move(reach);
  }

  const std::size_t k = static_cast<std::size_t>(options.top_k);
  std::optional<double> previous_first_l;
  for (std::size_t si = 0; si < result.targets.sessions.size(); ++si) {
    SessionBlends session;
    session.session = static_cast<int>(si + 1);
    session.target = result.targets.sessions[si];
    const double l_max = previous_first_l ? *previous_first_l - half_shade : std::numeric_limits<double>::infinity();
    for (std::size_t index : s.list(session.target, l_max, k)) {
      RankedBlend r = s.describe(index, session.target);
      r.rank = static_cast<int>(session.blends.size() + 1);
      session.blends.push_back(std::move(r));
    }
    const std::string label = "session " + std::to_string(session.session);
    if (session.blends.empty()) {
      if (result.candidates > 0 && previous_first_l) {
        result.warnings.push_back(label + ": no blend is at least half a shade (ΔL* " + fmt1(half_shade) +
                                  ") darker than session " + std::to_string(session.session - 1) +
                                  "'s first choice; the palette lacks a darker ink");
        session.shortfall = "a darker ink";
      }
    } else {
      const RankedBlend& first = session.blends.front();
      if (first.de00 > 3.0) {
        session.shortfall = missing_ink(session.target, first.predicted);
        // Anchored, the report says once at the top that the palette cannot reach this target;
        // the session keeps its own shortfall, without repeating it as a warning.
        if (!(result.reach && result.reach->anchored)) {
          result.warnings.push_back(label + ": no blend comes within ΔE00 3 of the target (closest " +
                                    fmt1(first.de00) + ", " + first.direction + "); the palette lacks " +
                                    *session.shortfall);
        }
      }
      previous_first_l = first.predicted.l;
    }
    if (options.accent && si + 1 == result.targets.sessions.size() && !session.blends.empty()) {
      colour::Lab accent_target = session.target;
      accent_target.l -= targets.shade_step_dl;
      session.accent_target = accent_target;
      const auto accent = s.list(accent_target, session.blends.front().predicted.l - half_shade, 1);
      if (accent.empty() && result.reach && result.reach->anchored) {
        result.warnings.push_back(label +
                                  ": no accent blend: the session already aims at the darkest colour the "
                                  "palette heals to in this skin");
      } else if (accent.empty()) {
        result.warnings.push_back(label + ": no accent blend is half a shade darker than the first choice");
      } else {
        session.accent = s.describe(accent.front(), accent_target);
      }
    }
    result.sessions.push_back(std::move(session));
  }
  return result;
}

}  // namespace shadematch::plan
