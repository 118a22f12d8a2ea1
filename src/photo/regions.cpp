#include "photo/regions.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace shadematch::photo {

double median_of(std::vector<double> values) {
  if (values.empty()) return std::numeric_limits<double>::quiet_NaN();
  const std::size_t mid = values.size() / 2;
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(mid), values.end());
  const double upper = values[mid];
  if (values.size() % 2 == 1) return upper;
  const double lower = *std::max_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(mid));
  return 0.5 * (lower + upper);
}

double robust_sigma(const std::vector<double>& values, double median) {
  std::vector<double> dev;
  dev.reserve(values.size());
  for (double v : values) dev.push_back(std::abs(v - median));
  // 1.4826 = 1 / Φ⁻¹(3/4): makes the MAD a consistent estimator of σ for normal data.
  return 1.4826 * median_of(std::move(dev));
}

Interval shortest_interval(std::vector<double> values, double fraction) {
  if (values.empty()) return {};
  std::sort(values.begin(), values.end());
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

double distance2(const colour::Lab& a, const colour::Lab& b) {
  const double dl = a.l - b.l, da = a.a - b.a, db = a.b - b.b;
  return dl * dl + da * da + db * db;
}
}  // namespace

colour::Lab median_lab(const std::vector<colour::Lab>& pixels) {
  return {median_of(channel(pixels, &colour::Lab::l)), median_of(channel(pixels, &colour::Lab::a)),
          median_of(channel(pixels, &colour::Lab::b))};
}

colour::Lab robust_sigma_lab(const std::vector<colour::Lab>& pixels, const colour::Lab& median) {
  return {robust_sigma(channel(pixels, &colour::Lab::l), median.l),
          robust_sigma(channel(pixels, &colour::Lab::a), median.a),
          robust_sigma(channel(pixels, &colour::Lab::b), median.b)};
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

std::optional<TwoClusters> split_two_clusters(const std::vector<colour::Lab>& pixels) {
  if (pixels.size() < 2) return std::nullopt;
  std::vector<double> l = channel(pixels, &colour::Lab::l);
  std::sort(l.begin(), l.end());
  const auto at = [&](double q) { return l[static_cast<std::size_t>(q * static_cast<double>(l.size() - 1))]; };
  if (l.front() == l.back()) return std::nullopt;
  // Start: the 10th and 90th L* percentiles with the median a*, b*: deterministic, and both
  // starting centres lie inside their clusters when the smaller one holds ≥ 10 % of the pixels.
  const colour::Lab mid = median_lab(pixels);
  colour::Lab c0{at(0.1), mid.a, mid.b};
  colour::Lab c1{at(0.9), mid.a, mid.b};
  if (c0.l == c1.l) {
    c0.l = l.front();
    c1.l = l.back();
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
  for (std::size_t i = 0; i < pixels.size(); ++i) {
    const bool dark = (label[i] == 0) == zero_dark;
    (dark ? out.dark : out.light).push_back(i);
  }
  return out;
}

colour::Lab cluster_mode_lab(const std::vector<colour::Lab>& pixels, const std::vector<std::size_t>& members) {
  std::vector<double> l;
  l.reserve(members.size());
  for (std::size_t i : members) l.push_back(pixels[i].l);
  const Interval core = shortest_interval(l, 0.5);
  std::vector<colour::Lab> kept;
  for (std::size_t i : members) {
    if (pixels[i].l >= core.lo && pixels[i].l <= core.hi) kept.push_back(pixels[i]);
  }
  return median_lab(kept);
}

std::vector<std::size_t> skin_core(const std::vector<colour::Lab>& pixels, double min_half_width) {
  std::vector<double> l = channel(pixels, &colour::Lab::l);
  const Interval half = shortest_interval(l, 0.5);
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
