#include "photo/regions.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <utility>

#include <boost/sort/spreadsort/spreadsort.hpp>

namespace shadematch::photo {

namespace {

// The k-th smallest of `values` (0-based) and, for k ≥ 1, the one just below it (the (k−1)-th), by
// bucket selection: one pass finds the range, one counts the values in kSelectBins equal bins
// of it, and std::nth_element runs on the one bin that holds the k-th value only. The bin of a
// value never decreases as the value grows, so every value of a lower bin is smaller than every
// value of that bin: the result is exactly nth_element's. Regions hold millions of pixels, and
// two streaming passes cost far less than introselect's repeated partitions of all of them.
// nullopt when the bins cannot split the values (all equal, or not all finite): the caller
// selects the usual way.
constexpr std::size_t kSelectBins = 4096;
std::optional<std::pair<double, double>> bucket_select(const std::vector<double>& values, std::size_t k) {
  const auto [lowest, highest] = std::minmax_element(values.begin(), values.end());
  const double lo = *lowest, hi = *highest;
  if (!(std::isfinite(lo) && std::isfinite(hi) && hi > lo)) return std::nullopt;
  const double scale = static_cast<double>(kSelectBins) / (hi - lo);
  if (!std::isfinite(scale)) return std::nullopt;
  const auto bin = [&](double v) { return std::min(kSelectBins - 1, static_cast<std::size_t>((v - lo) * scale)); };
  std::vector<std::size_t> count(kSelectBins, 0);
  for (double v : values) ++count[bin(v)];
  std::size_t b = 0, below = 0;
  while (below + count[b] <= k) below += count[b++];
  std::vector<double> in;
  in.reserve(count[b]);
  for (double v : values) {
    if (bin(v) == b) in.push_back(v);
  }
  const std::size_t at = k - below;
  std::nth_element(in.begin(), in.begin() + static_cast<std::ptrdiff_t>(at), in.end());
  const double kth = in[at];
  double before = std::numeric_limits<double>::quiet_NaN();
  if (at > 0) {
    before = *std::max_element(in.begin(), in.begin() + static_cast<std::ptrdiff_t>(at));
  } else if (k > 0) {
    before = -std::numeric_limits<double>::infinity();
    for (double v : values) {
      if (bin(v) < b) before = std::max(before, v);
    }
  }
  return std::pair{before, kth};
}

// The median of `values`, reordering them in place (no copy: regions hold millions of pixels).
double median_in_place(std::vector<double>& values) {
  if (values.empty()) return std::numeric_limits<double>::quiet_NaN();
  const std::size_t mid = values.size() / 2;
  if (values.size() >= kSelectBins) {
    if (const auto pair = bucket_select(values, mid)) {
      return values.size() % 2 == 1 ? pair->second : 0.5 * (pair->first + pair->second);
    }
  }
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(mid), values.end());
  const double upper = values[mid];
  if (values.size() % 2 == 1) return upper;
  const double lower = *std::max_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(mid));
  return 0.5 * (lower + upper);
}

// 1.4826 = 1 / Φ⁻¹(3/4): makes the MAD a consistent estimator of σ for normal data.
constexpr double kMadToSigma = 1.4826;

// robust_sigma of `values`, turning them into their deviations in place.
double robust_sigma_in_place(std::vector<double>& values, double median) {
  for (double& v : values) v = std::abs(v - median);
  return kMadToSigma * median_in_place(values);
}
}  // namespace

double median_of(std::vector<double> values) {
  return median_in_place(values);
}

double robust_sigma(const std::vector<double>& values, double median) {
  std::vector<double> dev = values;
  return robust_sigma_in_place(dev, median);
}

namespace {

// A double's bits as an unsigned key in the same order (sign bit set for a positive value, every
// bit flipped for a negative one: the usual radix-sort mapping, Herf 2001, "Radix tricks"). NaN
// does not occur here (the values are converted pixels, NaN dropped before).
std::uint64_t order_key(double v) noexcept {
  const auto bits = std::bit_cast<std::uint64_t>(v);
  return (bits >> 63) != 0 ? ~bits : bits | (std::uint64_t{1} << 63);
}
double from_order_key(std::uint64_t key) noexcept {
  return std::bit_cast<double>((key >> 63) != 0 ? key & ~(std::uint64_t{1} << 63) : ~key);
}

}  // namespace

void sort_values(std::vector<double>& values) {
  // Spreadsort (Boost.Sort, Ross 2002: radix-based, O(n)), several times faster than std::sort on
  // the millions of pixels of a large region, on unsigned keys in the doubles' order: its
  // float_sort computes with the bit patterns as signed integers, whose difference overflows
  // (undefined behaviour, UBSan) when the values mix signs and magnitudes (a*, b* about 0).
  // Ascending, as std::sort; −0 sorts before +0, which compare equal.
  std::vector<std::uint64_t> keys(values.size());
  std::transform(values.begin(), values.end(), keys.begin(), order_key);
  boost::sort::spreadsort::integer_sort(keys.begin(), keys.end());
  std::transform(keys.begin(), keys.end(), values.begin(), from_order_key);
}

std::size_t statistic_stride(std::size_t n) {
  return n <= kMaxStatisticValues ? 1 : (n + kMaxStatisticValues - 1) / kMaxStatisticValues;
}

Interval shortest_interval(std::vector<double> values, double fraction) {
  if (values.empty()) return {};
  if (const std::size_t stride = statistic_stride(values.size()); stride > 1) {
    std::size_t kept = 0;
    for (std::size_t i = 0; i < values.size(); i += stride) values[kept++] = values[i];
    values.resize(kept);
  }
  sort_values(values);
  const std::size_t n = values.size();
  std::size_t k = static_cast<std::size_t>(std::ceil(fraction * static_cast<double>(n)));
  k = std::clamp<std::size_t>(k, 1, n);
  Interval best{values[0], values[k - 1]};
  for (std::size_t i = 1; i + k <= n; ++i) {
    if (values[i + k - 1] - values[i] < best.hi - best.lo) best = {values[i], values[i + k - 1]};
  }
  return best;
}

namespace {
std::vector<double> channel(const std::vector<colour::Lab>& pixels, double colour::Lab::*member) {
  std::vector<double> out;
  out.reserve(pixels.size());
  for (const auto& p : pixels) out.push_back(p.*member);
  return out;
}

// Every stride-th pixel's channel (regions.hpp: kMaxStatisticValues).
void fill_channel(const std::vector<colour::Lab>& pixels, double colour::Lab::*member, std::vector<double>& out) {
  const std::size_t stride = statistic_stride(pixels.size());
  out.clear();
  out.reserve(pixels.size() / stride + 1);
  for (std::size_t i = 0; i < pixels.size(); i += stride) out.push_back(pixels[i].*member);
}

double distance2(const colour::Lab& a, const colour::Lab& b) {
  const double dl = a.l - b.l, da = a.a - b.a, db = a.b - b.b;
  return dl * dl + da * da + db * db;
}
}  // namespace

colour::Lab median_lab(const std::vector<colour::Lab>& pixels) {
  std::vector<double> v;  // one buffer for the three channels
  colour::Lab out;
  for (double colour::Lab::*member : {&colour::Lab::l, &colour::Lab::a, &colour::Lab::b}) {
    fill_channel(pixels, member, v);
    out.*member = median_in_place(v);
  }
  return out;
}

colour::Lab robust_sigma_lab(const std::vector<colour::Lab>& pixels, const colour::Lab& median) {
  std::vector<double> v;
  colour::Lab out;
  for (double colour::Lab::*member : {&colour::Lab::l, &colour::Lab::a, &colour::Lab::b}) {
    fill_channel(pixels, member, v);
    out.*member = robust_sigma_in_place(v, median.*member);
  }
  return out;
}

colour::Lab mean_lab(const std::vector<colour::Lab>& pixels) {
  colour::Lab sum;
  for (const auto& p : pixels) {
    sum.l += p.l;
    sum.a += p.a;
    sum.b += p.b;
  }
  const double n = pixels.empty() ? std::numeric_limits<double>::quiet_NaN() : static_cast<double>(pixels.size());
  return {sum.l / n, sum.a / n, sum.b / n};
}

std::optional<TwoClusters> split_two_clusters(const std::vector<colour::Lab>& all) {
  if (all.size() < 2) return std::nullopt;
  // The centres are found on every stride-th pixel (kMaxStatisticValues); every pixel is then
  // given to its nearer centre.
  const std::size_t stride = statistic_stride(all.size());
  std::vector<colour::Lab> sample;
  if (stride > 1) {
    sample.reserve(all.size() / stride + 1);
    for (std::size_t i = 0; i < all.size(); i += stride) sample.push_back(all[i]);
  }
  const std::vector<colour::Lab>& pixels = stride > 1 ? sample : all;
  std::vector<double> l = channel(pixels, &colour::Lab::l);
  // The order statistics the start needs, by selection (O(n)) rather than a full sort.
  const auto at = [&](double q) {
    const auto k = static_cast<std::ptrdiff_t>(q * static_cast<double>(l.size() - 1));
    std::nth_element(l.begin(), l.begin() + k, l.end());
    return l[static_cast<std::size_t>(k)];
  };
  const auto [lowest, highest] = std::minmax_element(l.begin(), l.end());
  const double l_min = *lowest, l_max = *highest;
  if (l_min == l_max) return std::nullopt;
  // Start: the 10th and 90th L* percentiles with the median a*, b*: deterministic, and both
  // starting centres lie inside their clusters when the smaller one holds ≥ 10 % of the pixels.
  const colour::Lab mid = median_lab(pixels);
  colour::Lab c0{at(0.1), mid.a, mid.b};
  colour::Lab c1{at(0.9), mid.a, mid.b};
  if (c0.l == c1.l) {
    c0.l = l_min;
    c1.l = l_max;
  }
  std::vector<unsigned char> label(pixels.size(), 0);
  for (int iteration = 0; iteration < 50; ++iteration) {
    bool changed = iteration == 0;
    colour::Lab s0, s1;
    std::size_t n0 = 0, n1 = 0;
    for (std::size_t i = 0; i < pixels.size(); ++i) {
      const unsigned char k = distance2(pixels[i], c1) < distance2(pixels[i], c0) ? 1 : 0;
      if (k != label[i]) changed = true;
      label[i] = k;
      colour::Lab& s = k ? s1 : s0;
      s.l += pixels[i].l;
      s.a += pixels[i].a;
      s.b += pixels[i].b;
      (k ? n1 : n0) += 1;
    }
    if (n0 == 0 || n1 == 0) return std::nullopt;
    c0 = {s0.l / static_cast<double>(n0), s0.a / static_cast<double>(n0), s0.b / static_cast<double>(n0)};
    c1 = {s1.l / static_cast<double>(n1), s1.a / static_cast<double>(n1), s1.b / static_cast<double>(n1)};
    if (!changed) break;
  }
  TwoClusters out;
  const bool zero_dark = c0.l <= c1.l;
  out.dark_centre = zero_dark ? c0 : c1;
  out.light_centre = zero_dark ? c1 : c0;
  for (std::size_t i = 0; i < all.size(); ++i) {
    // (Without a subsample the last iteration's labels are kept: the same as the nearer centre
    // once the labels have settled, and the labels the centres are the means of after 50 rounds.)
    const unsigned char k = stride > 1 ? (distance2(all[i], c1) < distance2(all[i], c0) ? 1 : 0) : label[i];
    const bool dark = (k == 0) == zero_dark;
    (dark ? out.dark : out.light).push_back(i);
  }
  return out;
}

colour::Lab cluster_mode_lab(const std::vector<colour::Lab>& pixels, const std::vector<std::size_t>& members) {
  std::vector<double> l;
  l.reserve(members.size());
  for (std::size_t i : members) l.push_back(pixels[i].l);
  const Interval core = shortest_interval(std::move(l), 0.5);
  std::vector<colour::Lab> kept;
  kept.reserve(members.size());
  for (std::size_t i : members) {
    if (pixels[i].l >= core.lo && pixels[i].l <= core.hi) kept.push_back(pixels[i]);
  }
  return median_lab(kept);
}

std::vector<std::size_t> skin_core(const std::vector<colour::Lab>& pixels, double min_half_width) {
  const Interval half = shortest_interval(channel(pixels, &colour::Lab::l), 0.5);
  const double mode = 0.5 * (half.lo + half.hi);
  // For normal data the shortest half has half-width 0.6745 σ.
  const double sigma = 0.5 * (half.hi - half.lo) / 0.6745;
  const double reach = std::max(3.0 * sigma, min_half_width);
  std::vector<std::size_t> kept;
  for (std::size_t i = 0; i < pixels.size(); ++i) {
    if (std::abs(pixels[i].l - mode) <= reach) kept.push_back(i);
  }
  return kept;
}

}  // namespace shadematch::photo
