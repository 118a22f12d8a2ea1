#include "plan/candidates.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <new>
#include <numeric>
#include <stdexcept>
#include <thread>
#include <utility>

#if defined(__linux__)
#include <sys/mman.h>
#endif

#include "common/error.hpp"

namespace shadematch::plan {
namespace {

std::size_t binomial(std::size_t n, std::size_t k) {
  if (k > n) return 0;
  std::size_t r = 1;
  for (std::size_t i = 1; i <= k; ++i) {
    r = r * (n - k + i) / i;  // exact: r·(n−k+i) is divisible by i at every step
  }
  return r;
}

// Storage for every prediction, 24 bytes each (61 MB for the 2.5 M candidates of a 40-ink
// palette). It is left uninitialised, so its pages are first touched by the worker threads that
// fill them, in parallel, rather than zero-filled by one thread; on Linux it asks for transparent
// huge pages (2 MiB), which cuts the page faults of a fresh buffer 512-fold.
colour::Lab* allocate_labs(std::size_t n) {
  constexpr std::size_t kHuge = std::size_t{2} << 20;
  if (n * sizeof(colour::Lab) < kHuge) {
    // A grid smaller than one huge page gains nothing from one, and rounding it up would hold
    // 2 MiB per grid (grading keeps one grid per case): a cache-line-aligned block of its size.
    constexpr std::size_t kLine = 64;
    void* p = std::aligned_alloc(kLine, std::max(kLine, (n * sizeof(colour::Lab) + kLine - 1) / kLine * kLine));
    if (p == nullptr) throw std::bad_alloc();
    return static_cast<colour::Lab*>(p);
  }
  const std::size_t bytes = std::max<std::size_t>(kHuge, (n * sizeof(colour::Lab) + kHuge - 1) / kHuge * kHuge);
  void* p = std::aligned_alloc(kHuge, bytes);
  if (p == nullptr) throw std::bad_alloc();
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  ::madvise(p, bytes, MADV_HUGEPAGE);  // advice only: failure leaves ordinary pages
#endif
  return static_cast<colour::Lab*>(p);  // Lab is an implicit-lifetime aggregate
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
  if (m >= 1 && m <= kMaxBlendInks && total >= m) rec(rec, 0, total);
  return out;
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

bool mix_less(const CandidateMix& x, const CandidateMix& y) noexcept {
  if (x.count != y.count) return x.count < y.count;
  for (std::size_t j = 0; j < x.count; ++j) {
    if (x.ink[j] != y.ink[j]) return x.ink[j] < y.ink[j];
  }
  for (std::size_t j = 0; j < x.count; ++j) {
    if (x.parts[j] != y.parts[j]) return x.parts[j] < y.parts[j];
  }
  return false;
}

colour::Spectrum mixed_ks(const CandidateMix& mix, const std::vector<colour::Spectrum>& ink_ks) {
  double total = 0.0;
  for (std::size_t j = 0; j < mix.count; ++j) total += mix.parts[j];
  colour::Spectrum mixed;
  for (std::size_t j = 0; j < mix.count; ++j) {
    const double w = mix.parts[j] / total;
    const colour::Spectrum& k = ink_ks[mix.ink[j]];
    for (std::size_t b = 0; b < colour::kSpectrumBands; ++b) mixed.values[b] += w * k.values[b];
  }
  return mixed;
}

bool GridAppearance::serves(const PlanTargets& targets) const noexcept {
  if (targets.appearance != appearance) return false;
  if (appearance == Appearance::dot) return true;  // the dot does not depend on the substrate here
  return targets.coverage == coverage && targets.substrate.l == substrate.l && targets.substrate.a == substrate.a &&
         targets.substrate.b == substrate.b;
}

void CandidateGrid::Free::operator()(colour::Lab* p) const noexcept {
  std::free(p);
}

CandidateGrid::~CandidateGrid() = default;
CandidateGrid::CandidateGrid(CandidateGrid&&) noexcept = default;
CandidateGrid& CandidateGrid::operator=(CandidateGrid&&) noexcept = default;

CandidateGrid::CandidateGrid(const pigment::Palette& palette, const DotPredictor& predictor,
                             const GridAppearance& appearance, const GridOptions& options)
    : palette_(&palette), appearance_(appearance) {
  if (predictor.ink_ks().size() != palette.inks.size()) {
    throw std::invalid_argument("candidate grid: the predictor does not match the palette");
  }
  if (palette.max_inks > kMaxBlendInks) {
    throw InputError(palette.source, "blends.max_inks is " + std::to_string(palette.max_inks) +
                                         "; the search supports blends of at most " + std::to_string(kMaxBlendInks) +
                                         " inks");
  }
  if (palette.parts_total > kMaxPartsTotal) {
    throw InputError(palette.source, "blends.parts_total is " + std::to_string(palette.parts_total) +
                                         "; the search supports at most " + std::to_string(kMaxPartsTotal) + " parts");
  }

  // Inks available, and why the others are left out.
  std::vector<std::uint16_t> avail;
  std::vector<std::pair<bool, bool>> flags(palette.inks.size());  // out of stock, expired
  for (std::size_t i = 0; i < palette.inks.size(); ++i) {
    const pigment::Ink& ink = palette.inks[i];
    const bool expired = ink.expires && !options.today.empty() && *ink.expires < options.today;
    flags[i] = {!ink.in_stock, expired};
    if ((!ink.in_stock || expired) && !options.include_unavailable) {
      std::string reason = !ink.in_stock ? "out of stock" : "";
      if (expired) reason += (reason.empty() ? "" : ", ") + std::string("expired ") + *ink.expires;
      left_out_.push_back({ink.id, reason});
      continue;
    }
    avail.push_back(static_cast<std::uint16_t>(i));
  }
  inks_searched_ = avail.size();

  const std::size_t total =
      count_candidates(avail.size(), palette.max_inks, palette.parts_total, palette.dilution.size());
  if (total > kMaxCandidates) {
    throw InputError(palette.source, "the palette's blend grid has " + std::to_string(total) +
                                         " candidates, more than the " + std::to_string(kMaxCandidates) +
                                         " one search handles; lower blends.max_inks or blends.parts_total");
  }
  for (const pigment::DilutionStep& d : palette.dilution) fractions_.push_back(d.pigment_fraction());
  mixes_.reserve(total / std::max<std::size_t>(1, palette.dilution.size()));
  for (int m = 1; m <= palette.max_inks && static_cast<std::size_t>(m) <= avail.size(); ++m) {
    const auto parts = compositions(palette.parts_total, m);
    if (parts.empty()) break;
    const std::size_t mm = static_cast<std::size_t>(m);
    std::array<std::size_t, kMaxBlendInks> idx{};
    for (std::size_t j = 0; j < mm; ++j) idx[j] = j;
    for (;;) {
      CandidateMix base;
      base.count = static_cast<std::uint8_t>(m);
      for (std::size_t j = 0; j < mm; ++j) {
        base.ink[j] = avail[idx[j]];
        base.out_of_stock = base.out_of_stock || flags[avail[idx[j]]].first;
        base.expired = base.expired || flags[avail[idx[j]]].second;
      }
      for (const auto& p : parts) {
        CandidateMix mix = base;
        int g = 0;
        int sum = 0;
        for (std::size_t j = 0; j < mm; ++j) {
          mix.parts[j] = p[j];
          g = std::gcd(g, static_cast<int>(p[j]));
          sum += p[j];
        }
        mix.reduced_parts = static_cast<std::uint16_t>(sum / g);
        mixes_.push_back(mix);
      }
      // Next combination of m indices out of avail.size(), lexicographic.
      std::size_t j = mm;
      while (j > 0 && idx[j - 1] == avail.size() - mm + (j - 1)) --j;
      if (j == 0) break;
      ++idx[j - 1];
      for (std::size_t q = j; q < mm; ++q) idx[q] = idx[q - 1] + 1;
    }
  }
  size_ = mixes_.size() * steps();
  const unsigned hw = options.threads != 0 ? options.threads : std::max(1U, std::thread::hardware_concurrency());
  threads_ = size_ < 20'000 ? 1U : std::min(hw, 64U);
  predict(predictor, options);
}

void CandidateGrid::predict(const DotPredictor& predictor, const GridOptions& options) {
  const std::vector<colour::Spectrum>& ks = predictor.ink_ks();
  const std::size_t n_dil = steps();
  predicted_.reset(allocate_labs(size_));
  colour::Lab* const predicted = predicted_.get();
  constexpr std::size_t kChunk = 512;
  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> done{0};
  const colour::Lab substrate = appearance_.substrate;
  const bool area = appearance_.appearance == Appearance::area;
  const double coverage = appearance_.coverage;
  // Per worker thread: the lowest predicted L* and its candidate index (the first one, within
  // the thread's chunks in order).
  std::vector<std::pair<double, std::size_t>> dark_per_thread(threads_, {std::numeric_limits<double>::infinity(), 0});
  auto work = [&](unsigned t, bool report) {
    double reported = 0.0;
    std::pair<double, std::size_t>& dark = dark_per_thread[t];
    for (;;) {
      const std::size_t begin = next.fetch_add(kChunk);
      if (begin >= mixes_.size()) break;
      const std::size_t end = std::min(begin + kChunk, mixes_.size());
      for (std::size_t i = begin; i < end; ++i) {
        const colour::Spectrum mixed = mixed_ks(mixes_[i], ks);
        colour::Lab* out = predicted + i * n_dil;
        predictor.healed_dot_labs(mixed, fractions_.data(), n_dil, out);
        for (std::size_t d = 0; d < n_dil; ++d) {
          if (area) out[d] = area_mix(out[d], substrate, coverage);
          if (out[d].l < dark.first) dark = {out[d].l, i * n_dil + d};  // NaN never compares less
        }
      }
      const std::size_t now = done.fetch_add(end - begin) + (end - begin);
      if (report && options.progress) {
        const double f = static_cast<double>(now) / static_cast<double>(mixes_.size());
        if (f - reported >= 0.01) {
          options.progress(f);
          reported = f;
        }
      }
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads_; ++t) pool.emplace_back(work, t, false);
  work(0, true);
  for (std::thread& t : pool) t.join();
  if (options.progress) options.progress(1.0);

  std::optional<std::pair<double, std::size_t>> best;
  for (const auto& d : dark_per_thread) {
    if (!std::isfinite(d.first)) continue;
    if (!best || d < *best) best = d;
  }
  if (best) darkest_ = best->second;
}

std::optional<std::size_t> CandidateGrid::find(const CandidateMix& m, std::size_t dilution_index) const {
  if (dilution_index >= steps()) return std::nullopt;
  const auto it = std::lower_bound(mixes_.begin(), mixes_.end(), m, mix_less);
  if (it == mixes_.end() || mix_less(m, *it)) return std::nullopt;
  return static_cast<std::size_t>(it - mixes_.begin()) * steps() + dilution_index;
}

RankKey CandidateGrid::key(std::size_t index, double score) const noexcept {
  return rank_key(mix(index), index, score);
}

RankKey rank_key(const CandidateMix& m, std::size_t index, double score) noexcept {
  return RankKey{score_key(score),
                 m.count,
                 m.reduced_parts,
                 static_cast<std::uint8_t>(m.out_of_stock ? 1 : 0),
                 static_cast<std::uint8_t>(m.expired ? 1 : 0),
                 static_cast<std::uint32_t>(index)};
}

pigment::Blend CandidateGrid::blend(std::size_t index) const {
  const CandidateMix& m = mix(index);
  pigment::Blend b;
  int g = 0;
  for (std::size_t j = 0; j < m.count; ++j) g = std::gcd(g, static_cast<int>(m.parts[j]));
  for (std::size_t j = 0; j < m.count; ++j) b.parts.push_back({palette_->inks[m.ink[j]].id, m.parts[j] / g});
  b.dilution = palette_->dilution[dilution_index(index)];
  return b;
}

bool CandidateGrid::same_inks(std::size_t i, std::size_t j) const noexcept {
  const CandidateMix& a = mix(i);
  const CandidateMix& b = mix(j);
  return a.count == b.count && std::equal(a.ink.begin(), a.ink.begin() + a.count, b.ink.begin());
}

}  // namespace shadematch::plan
