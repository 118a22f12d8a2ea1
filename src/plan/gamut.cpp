#include "plan/gamut.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace shadematch::plan {
namespace {

struct P2 {
  double x = 0.0;
  double y = 0.0;
  friend bool operator<(const P2& p, const P2& q) { return p.x < q.x || (p.x == q.x && p.y < q.y); }
  friend bool operator==(const P2& p, const P2& q) { return p.x == q.x && p.y == q.y; }
};

double cross(const P2& o, const P2& a, const P2& b) {
  return (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
}

// Andrew's monotone chain: the hull counter-clockwise, without collinear points.
std::vector<P2> convex_hull(std::vector<P2> p) {
  std::sort(p.begin(), p.end());
  p.erase(std::unique(p.begin(), p.end()), p.end());
  if (p.size() < 3) return p;
  std::vector<P2> h(2 * p.size());
  std::size_t k = 0;
  for (const P2& q : p) {
    while (k >= 2 && cross(h[k - 2], h[k - 1], q) <= 0.0) --k;
    h[k++] = q;
  }
  for (std::size_t i = p.size() - 1, t = k + 1; i > 0; --i) {
    const P2& q = p[i - 1];
    while (k >= t && cross(h[k - 2], h[k - 1], q) <= 0.0) --k;
    h[k++] = q;
  }
  h.resize(k - 1);
  return h;
}

P2 nearest_on_segment(const P2& a, const P2& b, const P2& p) {
  const double dx = b.x - a.x, dy = b.y - a.y;
  const double len2 = dx * dx + dy * dy;
  if (len2 == 0.0) return a;
  const double t = std::clamp(((p.x - a.x) * dx + (p.y - a.y) * dy) / len2, 0.0, 1.0);
  return {a.x + t * dx, a.y + t * dy};
}

P2 nearest_in_hull(const std::vector<P2>& h, const P2& p) {
  if (h.size() == 1) return h[0];
  if (h.size() >= 3) {
    bool inside = true;
    for (std::size_t i = 0; i < h.size() && inside; ++i) inside = cross(h[i], h[(i + 1) % h.size()], p) >= 0.0;
    if (inside) return p;
  }
  P2 best = h[0];
  double best_d = std::numeric_limits<double>::infinity();
  const std::size_t edges = h.size() == 2 ? 1 : h.size();
  for (std::size_t i = 0; i < edges; ++i) {
    const P2 q = nearest_on_segment(h[i], h[(i + 1) % h.size()], p);
    const double d = (q.x - p.x) * (q.x - p.x) + (q.y - p.y) * (q.y - p.y);
    if (d < best_d) {
      best_d = d;
      best = q;
    }
  }
  return best;
}

bool finite(const colour::Lab& p) {
  return std::isfinite(p.l) && std::isfinite(p.a) && std::isfinite(p.b);
}

}  // namespace

HealedGamut::HealedGamut(const colour::Lab* predictions, std::size_t n) : points_(predictions), n_(n) {
  darkest_ = std::numeric_limits<double>::infinity();
  lightest_ = -std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < n; ++i) {
    const colour::Lab& p = predictions[i];
    if (!finite(p)) continue;
    ++finite_;
    darkest_ = std::min(darkest_, p.l);
    lightest_ = std::max(lightest_, p.l);
  }
  if (finite_ == 0) darkest_ = lightest_ = 0.0;
}

colour::Lab HealedGamut::map(const colour::Lab& target) const {
  if (finite_ == 0) return target;
  const double l = std::clamp(target.l, darkest_, lightest_);
  std::vector<P2> slice;
  for (double half = 0.5; slice.empty() && half <= 8.0; half *= 2.0) {
    for (std::size_t i = 0; i < n_; ++i) {
      const colour::Lab& p = points_[i];
      if (std::abs(p.l - l) <= half && finite(p)) slice.push_back({p.a, p.b});
    }
  }
  if (slice.empty()) return {l, target.a, target.b};  // cannot happen: l lies within the gamut's range
  const P2 q = nearest_in_hull(convex_hull(std::move(slice)), {target.a, target.b});
  return {l, q.x, q.y};
}

}  // namespace shadematch::plan
