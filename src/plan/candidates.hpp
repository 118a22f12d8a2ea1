#pragma once
// The candidate grid (DESIGN.md, "Session plan and ranking"): every blend a palette allows — every
// combination of ≤ max_inks of its inks with integer parts ≥ 1 summing to parts_total, at every
// dilution step — enumerated once and predicted once, for one skin. The blend search
// (plan/search.hpp), grading (plan/grade.hpp) and palette lint (plan/lint.hpp) all rank the same
// grid, so they see the same candidates, in the same order, with the same predicted colours.
//
// Order (the ranking's last tie-break, so it is part of every result): by number of inks, then ink
// combination (palette indices, lexicographic), then parts (compositions of parts_total,
// lexicographic), then dilution step; candidate index = mix index · steps + dilution index.
//
// Prediction: each mix's K/S Σ wᵢ(K/S)ᵢ (wᵢ = partsᵢ/Σ parts, summed in the mix's ink order) is
// passed to DotPredictor::healed_dot_labs for all dilution steps at once — with the product's
// InkInSkinPredictor the steps side by side in SIMD lanes, bit-identical to the scalar model
// (plan/model_predictor.hpp) — on every hardware thread.
#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "colour/types.hpp"
#include "pigment/model.hpp"
#include "pigment/palette.hpp"
#include "plan/score.hpp"
#include "plan/targets.hpp"

namespace shadematch::plan {

// What the grid asks of the ink-in-skin model; InkInSkinPredictor (plan/model_predictor.hpp)
// is the product's, tests may plug in their own.
class DotPredictor {
 public:
  virtual ~DotPredictor() = default;
  // K/S of each palette ink's masstone, in palette order.
  virtual const std::vector<colour::Spectrum>& ink_ks() const noexcept = 0;
  // Healed dot colour from the mixed ink K/S Σ wᵢ(K/S)ᵢ (Σ wᵢ = 1) and the pigment fraction
  // P/(W+P). Called concurrently from several threads.
  virtual colour::Lab healed_dot_lab(const colour::Spectrum& mixed_ks, double pigment_fraction) const noexcept = 0;
  // The healed dots of one mixed ink at n pigment fractions (out[k] for pigment_fractions[k]),
  // equal to healed_dot_lab's; the grid asks for all dilution steps of a mix at once. The
  // default calls healed_dot_lab n times; a predictor may share the work between the steps.
  virtual void healed_dot_labs(const colour::Spectrum& mixed_ks, const double* pigment_fractions, std::size_t n,
                               colour::Lab* out) const noexcept {
    for (std::size_t k = 0; k < n; ++k) out[k] = healed_dot_lab(mixed_ks, pigment_fractions[k]);
  }
};

// The most candidates one grid holds: every prediction is kept (24 bytes) for ranking, so
// 10 M candidates hold 240 MB; larger grids are refused with advice.
inline constexpr std::size_t kMaxCandidates = 10'000'000;
// Blends of more inks than this are not supported by the enumeration.
inline constexpr int kMaxBlendInks = 6;
// The largest parts_total the enumeration accepts (parts are 16-bit; 1000 is far beyond any
// clinic's measuring, and its grids are refused by kMaxCandidates long before).
inline constexpr int kMaxPartsTotal = 1000;

// Every composition of `total` into `m` positive parts (1 ≤ m ≤ kMaxBlendInks), in lexicographic
// order: the parts of the grid's mixes.
std::vector<std::array<std::uint16_t, kMaxBlendInks>> compositions(int total, int m);

// The number of candidates for n inks: Σ_{m=1..max_inks} C(n, m)·C(parts_total − 1, m − 1)·steps.
std::size_t count_candidates(std::size_t inks, int max_inks, int parts_total, std::size_t dilution_steps);

// A combination of inks with its parts; the dilution step is a candidate's other coordinate.
struct CandidateMix {
  std::array<std::uint16_t, kMaxBlendInks> ink{};    // palette indices, increasing
  std::array<std::uint16_t, kMaxBlendInks> parts{};  // summing to parts_total
  std::uint8_t count = 0;
  bool out_of_stock = false;        // some ink is out of stock
  bool expired = false;             // some ink is past its date (GridOptions::today)
  std::uint16_t reduced_parts = 0;  // Σ parts / gcd(parts)
};

// Lexicographic order of (count, inks, parts): the enumeration order, by which the grid is sorted.
bool mix_less(const CandidateMix& x, const CandidateMix& y) noexcept;

// The ranking key (plan/score.hpp) of `mix` at `score`, as candidate `index` of a grid.
RankKey rank_key(const CandidateMix& mix, std::size_t index, double score) noexcept;

// Σ (partsᵢ/Σ parts)·(K/S)ᵢ over the mix's inks, in its order: the grid's own arithmetic.
colour::Spectrum mixed_ks(const CandidateMix& mix, const std::vector<colour::Spectrum>& ink_ks);

struct LeftOutInk {
  std::string id;
  std::string reason;  // "out of stock", "expired 2025-01-31"
};

struct GridOptions {
  bool include_unavailable = false;  // keep out-of-stock and expired inks
  std::string today;                 // YYYY-MM-DD; an ink is expired when its date is before today
  unsigned threads = 0;              // 0: all hardware threads
  // Progress of the prediction pass, fraction in [0, 1]; called from the calling thread only.
  std::function<void(double)> progress;
};

// How a prediction is seen: the dot itself, or (scar goal) the area mix of dot and substrate by
// coverage (plan/targets.hpp, Appearance).
struct GridAppearance {
  Appearance appearance = Appearance::dot;
  colour::Lab substrate;  // used when appearance == area
  double coverage = 0.0;  // used when appearance == area
  static GridAppearance of(const PlanTargets& targets) {
    return {targets.appearance, targets.substrate, targets.coverage};
  }
  // Whether predictions made for `this` serve `targets` too.
  bool serves(const PlanTargets& targets) const noexcept;
};

class CandidateGrid {
 public:
  // Enumerates the palette's grid over its available inks and predicts every candidate. The
  // palette must outlive the grid; the predictor is used only here. Throws InputError (naming
  // the palette) when the grid is larger than kMaxCandidates, max_inks exceeds kMaxBlendInks or
  // parts_total kMaxPartsTotal; std::invalid_argument when the predictor does not match the
  // palette.
  CandidateGrid(const pigment::Palette& palette, const DotPredictor& predictor, const GridAppearance& appearance,
                const GridOptions& options);
  ~CandidateGrid();
  CandidateGrid(CandidateGrid&&) noexcept;
  CandidateGrid& operator=(CandidateGrid&&) noexcept;

  const pigment::Palette& palette() const noexcept { return *palette_; }
  const GridAppearance& appearance() const noexcept { return appearance_; }
  // Inks left out (out of stock or expired, unless include_unavailable), in palette order.
  const std::vector<LeftOutInk>& left_out() const noexcept { return left_out_; }
  std::size_t inks_searched() const noexcept { return inks_searched_; }

  const std::vector<CandidateMix>& mixes() const noexcept { return mixes_; }
  const std::vector<double>& pigment_fractions() const noexcept { return fractions_; }  // per dilution step
  std::size_t steps() const noexcept { return fractions_.size(); }
  std::size_t size() const noexcept { return size_; }  // candidates: mixes · steps
  const CandidateMix& mix(std::size_t index) const noexcept { return mixes_[index / steps()]; }
  std::size_t dilution_index(std::size_t index) const noexcept { return index % steps(); }
  // Predicted colour (dot or area, see GridAppearance) of each candidate, by index.
  const colour::Lab* predicted() const noexcept { return predicted_.get(); }
  const colour::Lab& predicted(std::size_t index) const noexcept { return predicted_.get()[index]; }

  // The darkest candidate, the first in enumeration order among equally dark ones; none when
  // every prediction is NaN or there is no candidate.
  std::optional<std::size_t> darkest() const noexcept { return darkest_; }
  // The index of `mix` (inks increasing, parts summing to parts_total) at a dilution step, when
  // it is a point of the grid.
  std::optional<std::size_t> find(const CandidateMix& mix, std::size_t dilution_index) const;
  // The ranking key of candidate `index` at `score` (plan/score.hpp).
  RankKey key(std::size_t index, double score) const noexcept;
  // The candidate as a blend: ink ids and parts reduced by their common divisor, its dilution.
  pigment::Blend blend(std::size_t index) const;
  bool same_inks(std::size_t i, std::size_t j) const noexcept;
  // Threads the prediction used (1 for small grids; ranking may use as many).
  unsigned threads() const noexcept { return threads_; }

 private:
  struct Free {
    void operator()(colour::Lab* p) const noexcept;
  };
  void predict(const DotPredictor& predictor, const GridOptions& options);

  const pigment::Palette* palette_;
  GridAppearance appearance_;
  std::vector<LeftOutInk> left_out_;
  std::size_t inks_searched_ = 0;
  std::vector<CandidateMix> mixes_;
  std::vector<double> fractions_;
  std::size_t size_ = 0;
  std::unique_ptr<colour::Lab, Free> predicted_;
  std::optional<std::size_t> darkest_;
  unsigned threads_ = 1;
};

}  // namespace shadematch::plan
