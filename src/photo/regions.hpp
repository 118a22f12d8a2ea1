#pragma once
// Robust statistics on sets of CIELAB pixels (the maths behind photo/measure.hpp), kept apart
// from the image code so that tests can feed them exact data.
//
//  - median / MAD per channel: robust location and spread (breakdown point 50 %).
//  - shorth mode (Andrews et al. 1972; Rousseeuw & Leroy 1988, "LMS location"): the midpoint of
//    the shortest interval holding half of the values. It estimates the MODE of a distribution
//    with a one-sided tail, which is what a follicle cluster looks like: a core of dark pixels
//    plus a tail of pixels that mix follicle and skin at the dot's edge.
//  - two-cluster split (k-means, k = 2, Lloyd's algorithm, deterministic start at the 10th and
//    90th L* percentiles): follicles vs skin.
// median_lab, robust_sigma_lab, shortest_interval and split_two_clusters (hence cluster_mode_lab
// and skin_core) given more than kMaxStatisticValues values read a regular subsample of them:
// every k-th in the input's order, k = statistic_stride(n); median_of and robust_sigma read all.
// A region of a 24 MP photo can hold several million pixels; the median of 2^20 draws has a
// standard error of 1.25 σ/√n ≈ 0.0012 σ, a thousandth of the pixels' own spread (for skin,
// σ ≈ 1–3 L*: a few thousandths of a unit, invisible in any figure the tool prints), while
// selection and sorting cost time and memory in proportion to n. Counts (how many pixels a
// cluster or the skin core holds) are over all pixels.
#include <cstddef>
#include <optional>
#include <vector>

#include "colour/types.hpp"

namespace shadematch::photo {

inline constexpr std::size_t kMaxStatisticValues = std::size_t{1} << 20;
// 1 for n ≤ kMaxStatisticValues, else the smallest k with ⌈n / k⌉ ≤ kMaxStatisticValues.
std::size_t statistic_stride(std::size_t n);

// Sorts finite values ascending, in the order std::sort gives (a radix sort: O(n)).
void sort_values(std::vector<double>& values);

double median_of(std::vector<double> values);  // NaN for an empty input
// Median absolute deviation scaled by 1.4826 (equal to σ for normal data).
double robust_sigma(const std::vector<double>& values, double median);

struct Interval {
  double lo = 0;
  double hi = 0;
};
// The shortest interval that holds ceil(fraction · n) of the values (n ≥ 1).
Interval shortest_interval(std::vector<double> values, double fraction);

colour::Lab median_lab(const std::vector<colour::Lab>& pixels);
colour::Lab robust_sigma_lab(const std::vector<colour::Lab>& pixels, const colour::Lab& median);
colour::Lab mean_lab(const std::vector<colour::Lab>& pixels);

struct TwoClusters {
  colour::Lab dark_centre;
  colour::Lab light_centre;
  std::vector<std::size_t> dark;   // indices of the pixels in the dark cluster
  std::vector<std::size_t> light;  // indices of the pixels in the light cluster
};
// k-means with k = 2 in CIELAB (Euclidean, i.e. ΔE*ab). Empty optional for fewer than 2 pixels
// or when all pixels are equal.
std::optional<TwoClusters> split_two_clusters(const std::vector<colour::Lab>& pixels);

// The follicle colour of a dark cluster: the shorth interval of its L* (half of the pixels) picks
// the core and drops the mixed edge pixels; the per-channel median of the core is returned.
colour::Lab cluster_mode_lab(const std::vector<colour::Lab>& pixels, const std::vector<std::size_t>& members);

// Scalp skin: keeps the pixels whose L* lies within max(3σ, min_half_width) of the skin mode
// (shorth of L* over all pixels, σ from the shorth's width), which drops follicle dots (darker)
// and specular highlights (lighter). Returns the indices kept.
std::vector<std::size_t> skin_core(const std::vector<colour::Lab>& pixels, double min_half_width = 4.0);

}  // namespace shadematch::photo
