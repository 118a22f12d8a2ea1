// Candidate finders for card detection: our grid-of-squares finder, OpenCV mcc, and --corners.
// None of them is trusted; detect.cpp verifies every candidate against the card's colours.
#include <algorithm>
#include <cmath>
#include <map>
#include <queue>
#include <unordered_map>
#include <utility>

#include <opencv2/calib3d.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/mcc.hpp>

#include "photo/detect_internal.hpp"

// LeakSanitizer (the CI's sanitizer build): OpenCV builds its BGR→Lab lookup tables once per
// process (cv::cvtColor, called inside mcc's detector) and never frees them, which LSan reports
// as ~4.7 MB of direct leaks at exit, failing every test and CLI run that reached mcc. OpenCV is
// built without frame pointers, so the only symbol LSan's default unwinder sees is
// cv::fastMalloc: suppress leaks of OpenCV pixel buffers. Our own leaked objects (a leaked
// cv::Mat header, any new/malloc of ours) are still reported. Only consulted under LSan.
extern "C" const char* __lsan_default_suppressions();  // NOLINT(bugprone-reserved-identifier)
extern "C" const char* __lsan_default_suppressions() {
  return "leak:cv::fastMalloc\n";
}

namespace shadematch::photo::detail {
namespace {

struct Square {
  cv::Point2f centre;
  double size = 0;  // √area, pixels of the searched image
};

// Smallest square kept, in pixels of the searched image: 5 × 5 px is the least a contour can show
// as a square; DESIGN.md asks for 8 px patches, found in a pass at enough resolution.
constexpr double kMinSquareArea = 25.0;
// Square-ish: the contour fills ≥ 70 % of its minimum-area rectangle (a perspective-distorted
// square is a trapezoid) and ≥ 90 % of its convex hull, and that rectangle is at most 2.5 : 1
// (a patch seen at 65° obliquity).
constexpr double kMinRectFill = 0.70;
constexpr double kMinHullFill = 0.90;
constexpr double kMaxAspect = 2.5;
// Patch pitch over patch size: Classic 52.5/46 = 1.14, Nano and Passport up to about 1.5; the
// neighbour search allows 0.95–2.2 for perspective and for a lost contour's size.
constexpr double kMinPitch = 0.95;
constexpr double kMaxPitch = 2.2;
// A lattice neighbour must lie within 35 % of the step from where the local basis predicts it.
constexpr double kPredictTolerance = 0.35;
// Fewer squares than this on a lattice is no chart (a 4 × 6 card shows 18+ even with its dark
// patches lost against the black frame).
constexpr int kMinLatticeSquares = 8;

// Buckets of square indices on a regular grid of `cell` pixels, for near-neighbour queries.
class SpatialIndex {
 public:
  explicit SpatialIndex(double cell) : cell_(std::max(cell, 1.0)) {}
  void add(const cv::Point2f& p, int index) { buckets_[key(cell_of(p.x), cell_of(p.y))].push_back(index); }
  // Calls f(index) for every entry within `radius` cells-worth of p (a superset of the disc).
  template <class F>
  void near(const cv::Point2f& p, double radius, F&& f) const {
    const long long x0 = cell_of(p.x - radius), x1 = cell_of(p.x + radius);
    const long long y0 = cell_of(p.y - radius), y1 = cell_of(p.y + radius);
    for (long long y = y0; y <= y1; ++y) {
      for (long long x = x0; x <= x1; ++x) {
        const auto it = buckets_.find(key(x, y));
        if (it == buckets_.end()) continue;
        for (const int i : it->second) f(i);
      }
    }
  }

 private:
  long long cell_of(double v) const { return static_cast<long long>(std::floor(v / cell_)); }
  static long long key(long long x, long long y) { return x * 2'000'003LL + y; }
  double cell_;
  std::unordered_map<long long, std::vector<int>> buckets_;
};

// Square-ish bright blobs of √area in [kMinSquareArea^½, max_size] (max_size ≤ 0: no cap).
std::vector<Square> find_squares(const cv::Mat& grey, double max_size) {
  std::vector<Square> squares;
  const int long_side = std::max(grey.cols, grey.rows);
  double max_area = static_cast<double>(grey.total()) / 24.0;  // 24 patches fit in the frame
  if (max_size > 0) max_area = std::min(max_area, max_size * max_size);
  // Window sizes: from 11 px up to 4 × the largest square sought (a window must see the frame
  // around a patch to tell the patch from it), at most half the image.
  const int largest_block = max_size > 0 ? static_cast<int>(4 * max_size) : long_side / 2;
  std::vector<int> blocks;
  for (int b = 11; b < std::min(largest_block, long_side / 2) || blocks.empty(); b = b * 2 + 1) {
    blocks.push_back(std::max(3, std::min(b, (long_side / 2) | 1)));
    if (b >= long_side / 2) break;
  }
  SpatialIndex index(16.0);
  cv::Mat bin;
  std::vector<std::vector<cv::Point>> contours;
  auto collect = [&](const cv::Mat& binary) {
    contours.clear();
    cv::findContours(binary, contours, cv::RETR_LIST, cv::CHAIN_APPROX_SIMPLE);
    for (const auto& c : contours) {
      // Cheap rejections first: the bounding box bounds the area from above.
      const cv::Rect bb = cv::boundingRect(c);
      if (static_cast<double>(bb.area()) < kMinSquareArea || static_cast<double>(bb.area()) > 4 * max_area) continue;
      const double area = cv::contourArea(c);
      if (area < kMinSquareArea || area > max_area) continue;
      const cv::RotatedRect r = cv::minAreaRect(c);
      const double rw = r.size.width, rh = r.size.height;
      if (rw < 1 || rh < 1 || std::max(rw, rh) / std::min(rw, rh) > kMaxAspect) continue;
      if (area / (rw * rh) < kMinRectFill) continue;
      std::vector<cv::Point> hull;
      cv::convexHull(c, hull);
      if (area / cv::contourArea(hull) < kMinHullFill) continue;
      const cv::Moments m = cv::moments(c);
      if (m.m00 <= 0) continue;
      const cv::Point2f centre(static_cast<float>(m.m10 / m.m00), static_cast<float>(m.m01 / m.m00));
      const double size = std::sqrt(area);
      bool duplicate = false;
      index.near(centre, 0.35 * size, [&](int i) {
        const Square& s = squares[static_cast<std::size_t>(i)];
        if (cv::norm(s.centre - centre) < 0.35 * std::min(s.size, size)) duplicate = true;
      });
      if (!duplicate) {
        index.add(centre, static_cast<int>(squares.size()));
        squares.push_back({centre, size});
      }
    }
  };
  // Patches are lighter than the card's black frame: threshold against the local mean at several
  // window sizes (the patch size is unknown), then once more with the gaps widened by an erosion
  // so that patches only 1–2 px apart in a small card separate (small windows only: a large
  // window means large patches, whose gaps are wide enough).
  const cv::Mat kernel = cv::getStructuringElement(cv::MORPH_RECT, {3, 3});
  for (const int block : blocks) {
    cv::adaptiveThreshold(grey, bin, 255, cv::ADAPTIVE_THRESH_MEAN_C, cv::THRESH_BINARY, block, -3);
    collect(bin);
    if (block > 47) continue;
    cv::erode(bin, bin, kernel);
    collect(bin);
  }
  return squares;
}

struct Node {
  int square = 0;
  int a = 0;
  int b = 0;
  cv::Point2f e1;  // local step to lattice (a + 1, b)
  cv::Point2f e2;  // local step to lattice (a, b + 1)
};

bool similar_size(double s1, double s2) {
  return s1 < 1.6 * s2 && s2 < 1.6 * s1;
}

// Grows lattices from seeds: each square predicts its four lattice neighbours from a local basis,
// updated from the neighbours actually found, so perspective is followed step by step.
std::vector<std::vector<Node>> grow_lattices(const std::vector<Square>& squares) {
  const std::size_t n = squares.size();
  double largest = 1;
  for (const auto& sq : squares) largest = std::max(largest, sq.size);
  // Cells of the largest neighbour distance: every query looks at a 3 × 3 block of cells at most
  // for the largest squares (and fewer cells' worth of squares for small ones).
  SpatialIndex index(kMaxPitch * 1.6 * largest / 4);
  for (std::size_t i = 0; i < n; ++i) index.add(squares[i].centre, static_cast<int>(i));
  std::vector<std::vector<int>> neighbours(n);
  for (std::size_t i = 0; i < n; ++i) {
    index.near(squares[i].centre, kMaxPitch * 1.6 * squares[i].size, [&](int jj) {
      const auto j = static_cast<std::size_t>(jj);
      if (i == j || !similar_size(squares[i].size, squares[j].size)) return;
      const double d = cv::norm(squares[i].centre - squares[j].centre);
      const double s = 0.5 * (squares[i].size + squares[j].size);
      if (d >= kMinPitch * s && d <= kMaxPitch * s) neighbours[i].push_back(static_cast<int>(j));
    });
  }
  std::vector<int> order(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = static_cast<int>(i);
  std::sort(order.begin(), order.end(), [&](int x, int y) {
    return neighbours[static_cast<std::size_t>(x)].size() > neighbours[static_cast<std::size_t>(y)].size();
  });
  std::vector<bool> used(n, false);
  std::vector<std::vector<Node>> lattices;
  for (const int seed : order) {
    const auto us = static_cast<std::size_t>(seed);
    if (used[us] || neighbours[us].size() < 2) continue;
    const Square& s0 = squares[us];
    // Basis: the nearest neighbour, then the nearest one roughly perpendicular to it.
    cv::Point2f e1, e2;
    double best1 = 1e30;
    for (const int j : neighbours[us]) {
      const cv::Point2f d = squares[static_cast<std::size_t>(j)].centre - s0.centre;
      if (cv::norm(d) < best1) best1 = cv::norm(d), e1 = d;
    }
    double best2 = 1e30;
    for (const int j : neighbours[us]) {
      const cv::Point2f d = squares[static_cast<std::size_t>(j)].centre - s0.centre;
      const double cosine = std::abs(d.dot(e1)) / (cv::norm(d) * cv::norm(e1));
      if (cosine < 0.5 && cv::norm(d) < best2) best2 = cv::norm(d), e2 = d;
    }
    if (best2 > 1e29) continue;
    std::map<std::pair<int, int>, int> at;
    std::vector<Node> nodes;
    std::vector<bool> taken(n, false);
    std::queue<std::size_t> queue;
    nodes.push_back({seed, 0, 0, e1, e2});
    at[{0, 0}] = seed;
    taken[us] = true;
    queue.push(0);
    while (!queue.empty()) {
      const Node node = nodes[queue.front()];
      queue.pop();
      const Square& sq = squares[static_cast<std::size_t>(node.square)];
      const std::array<std::pair<int, int>, 4> steps{{{1, 0}, {-1, 0}, {0, 1}, {0, -1}}};
      for (const auto& [da1, db1] : steps) {
        // One step, or two when the neighbour is missing (a dark patch lost against the frame,
        // a covered patch): the lattice must not break into pieces at a gap.
        for (int hop = 1; hop <= 2; ++hop) {
          const int da = da1 * hop, db = db1 * hop;
          const int a = node.a + da, b = node.b + db;
          if (at.count({a, b}) != 0) break;
          const cv::Point2f step = static_cast<float>(da) * node.e1 + static_cast<float>(db) * node.e2;
          const cv::Point2f predicted = sq.centre + step;
          int found = -1;
          double best = kPredictTolerance * cv::norm(step) / hop;
          index.near(predicted, best, [&](int jj) {
            const auto j = static_cast<std::size_t>(jj);
            if (taken[j] || used[j] || !similar_size(sq.size, squares[j].size)) return;
            const double d = cv::norm(squares[j].centre - predicted);
            if (d < best) best = d, found = jj;
          });
          if (found < 0) continue;
          const cv::Point2f actual =
              (squares[static_cast<std::size_t>(found)].centre - sq.centre) / static_cast<float>(hop);
          Node child{found, a, b, node.e1, node.e2};
          if (da != 0) child.e1 = actual * static_cast<float>(da1);
          if (db != 0) child.e2 = actual * static_cast<float>(db1);
          taken[static_cast<std::size_t>(found)] = true;
          at[{a, b}] = found;
          nodes.push_back(child);
          queue.push(nodes.size() - 1);
          break;
        }
      }
    }
    if (static_cast<int>(nodes.size()) < kMinLatticeSquares) continue;
    for (const auto& node : nodes) used[static_cast<std::size_t>(node.square)] = true;
    lattices.push_back(std::move(nodes));
  }
  return lattices;
}

cv::Matx33d to_matx(const cv::Mat& h) {
  cv::Matx33d m;
  for (int r = 0; r < 3; ++r) {
    for (int c = 0; c < 3; ++c) m(r, c) = h.at<double>(r, c);
  }
  return m;
}

cv::Point2d apply(const cv::Matx33d& h, double x, double y) {
  const cv::Vec3d p = h * cv::Vec3d(x, y, 1);
  return {p[0] / p[2], p[1] / p[2]};
}

}  // namespace

std::vector<LatticeCandidate> find_grid_candidates(const cv::Mat& rgb8, double to_encoded, int card_cols, int card_rows,
                                                   double max_square) {
  cv::Mat grey;
  cv::cvtColor(rgb8, grey, cv::COLOR_RGB2GRAY);
  const std::vector<Square> squares = find_squares(grey, max_square);
  const auto lattices = grow_lattices(squares);
  const cv::Matx33d scale(to_encoded, 0, 0, 0, to_encoded, 0, 0, 0, 1);
  std::vector<std::pair<std::size_t, LatticeCandidate>> found;  // (squares on lattice, candidate)
  for (const auto& nodes : lattices) {
    int min_a = 0, max_a = 0, min_b = 0, max_b = 0;
    for (const auto& node : nodes) {
      min_a = std::min(min_a, node.a), max_a = std::max(max_a, node.a);
      min_b = std::min(min_b, node.b), max_b = std::max(max_b, node.b);
    }
    const int na = max_a - min_a + 1, nb = max_b - min_b + 1;
    if (na < 2 || nb < 2) continue;
    std::vector<cv::Point2f> src, dst;
    double mean_size = 0;
    for (const auto& node : nodes) {
      src.emplace_back(static_cast<float>(node.a - min_a), static_cast<float>(node.b - min_b));
      dst.push_back(squares[static_cast<std::size_t>(node.square)].centre);
      mean_size += squares[static_cast<std::size_t>(node.square)].size;
    }
    mean_size /= static_cast<double>(nodes.size());
    const cv::Mat h = cv::findHomography(src, dst, cv::RANSAC, std::max(1.0, 0.25 * mean_size));
    if (h.empty()) continue;
    const cv::Matx33d lattice_to_search = to_matx(h);
    // Every placement of the card's rows × cols window that covers what was seen (or lies within
    // it, when more was seen than the card has: a bigger chart, or a neighbouring chart merged).
    std::vector<std::pair<int, int>> dims{{card_cols, card_rows}};
    if (card_cols != card_rows) dims.emplace_back(card_rows, card_cols);
    for (const auto& [wa, wb] : dims) {
      for (int a0 = std::min(0, na - wa); a0 <= std::max(0, na - wa); ++a0) {
        for (int b0 = std::min(0, nb - wb); b0 <= std::max(0, nb - wb); ++b0) {
          // A window's centre must project inside the searched image (a card mostly out of the
          // frame cannot be sampled anyway).
          const cv::Point2d centre = apply(lattice_to_search, a0 + (wa - 1) / 2.0, b0 + (wb - 1) / 2.0);
          if (centre.x < 0 || centre.y < 0 || centre.x >= rgb8.cols || centre.y >= rgb8.rows) continue;
          LatticeCandidate cand;
          cand.lattice_to_image = scale * lattice_to_search * cv::Matx33d(1, 0, a0, 0, 1, b0, 0, 0, 1);
          cand.cols = wa;
          cand.rows = wb;
          cand.source = "grid";
          cand.squares = static_cast<int>(nodes.size());
          cand.full_extent = na == wa && nb == wb;
          found.emplace_back(nodes.size(), cand);
        }
      }
    }
  }
  std::stable_sort(found.begin(), found.end(), [](const auto& x, const auto& y) { return x.first > y.first; });
  std::vector<LatticeCandidate> out;
  for (auto& f : found) out.push_back(std::move(f.second));
  return out;
}

std::vector<LatticeCandidate> find_mcc_candidates(const cv::Mat& rgb8, double to_encoded) {
  cv::Mat bgr;
  cv::cvtColor(rgb8, bgr, cv::COLOR_RGB2BGR);
  auto detector = cv::mcc::CCheckerDetector::create();
  std::vector<LatticeCandidate> out;
  // Up to 3 charts: mcc's best is often not the real card.
  if (!detector->process(bgr, cv::mcc::MCC24, 3)) return out;
  // mcc's MCC24 model box is 16.75 × 11.25 units with cells of 2.5 at a pitch of 2.75 starting at
  // 0.25 (opencv_contrib modules/mcc, charts.cpp; calibration/colorchecker24_layout.csv): the box
  // edges lie (1.5 / 2.75) = 0.545 pitch outside the outer cell centres.
  constexpr double kEdge = 1.5 / 2.75;
  const cv::Matx33d scale(to_encoded, 0, 0, 0, to_encoded, 0, 0, 0, 1);
  for (const auto& checker : detector->getListColorChecker()) {
    const std::vector<cv::Point2f> box = checker->getBox();
    if (box.size() != 4) continue;
    // Both ways round: which box side mcc puts first is not documented; verification decides.
    for (int start = 0; start < 2; ++start) {
      std::vector<cv::Point2f> src{{static_cast<float>(-kEdge), static_cast<float>(-kEdge)},
                                   {static_cast<float>(5 + kEdge), static_cast<float>(-kEdge)},
                                   {static_cast<float>(5 + kEdge), static_cast<float>(3 + kEdge)},
                                   {static_cast<float>(-kEdge), static_cast<float>(3 + kEdge)}};
      std::vector<cv::Point2f> dst;
      for (std::size_t k = 0; k < 4; ++k) dst.push_back(box[(k + static_cast<std::size_t>(start)) % 4]);
      const cv::Mat h = cv::getPerspectiveTransform(src, dst);
      LatticeCandidate cand;
      cand.lattice_to_image = scale * to_matx(h);
      cand.cols = 6;
      cand.rows = 4;
      cand.source = "mcc";
      out.push_back(cand);
    }
  }
  return out;
}

std::vector<LatticeCandidate> candidates_from_corners(const std::array<cv::Point2f, 4>& corners,
                                                      const CardDefinition& card) {
  const cv::Matx33d to_lattice = card_to_card_lattice(card);
  double width = card.width, height = card.height;
  if (width <= 0 || height <= 0) {
    for (const auto& p : card.patches)
      width = std::max(width, p.cx + p.w / 2), height = std::max(height, p.cy + p.h / 2);
  }
  const cv::Point2d u0 = apply(to_lattice, 0, 0);
  const cv::Point2d u1 = apply(to_lattice, width, height);
  std::vector<cv::Point2f> dst(corners.begin(), corners.end());
  std::vector<LatticeCandidate> out;
  // As given: patch 1's corner first, the card's width along the first side.
  {
    std::vector<cv::Point2f> src{{static_cast<float>(u0.x), static_cast<float>(u0.y)},
                                 {static_cast<float>(u1.x), static_cast<float>(u0.y)},
                                 {static_cast<float>(u1.x), static_cast<float>(u1.y)},
                                 {static_cast<float>(u0.x), static_cast<float>(u1.y)}};
    LatticeCandidate cand;
    cand.lattice_to_image = to_matx(cv::getPerspectiveTransform(src, dst));
    cand.cols = card.cols;
    cand.rows = card.rows;
    cand.source = "corners";
    out.push_back(cand);
  }
  // And with the card's height along the first side (corners started one corner off).
  if (card.cols != card.rows) {
    std::vector<cv::Point2f> src{{static_cast<float>(u0.y), static_cast<float>(u0.x)},
                                 {static_cast<float>(u1.y), static_cast<float>(u0.x)},
                                 {static_cast<float>(u1.y), static_cast<float>(u1.x)},
                                 {static_cast<float>(u0.y), static_cast<float>(u1.x)}};
    LatticeCandidate cand;
    cand.lattice_to_image = to_matx(cv::getPerspectiveTransform(src, dst));
    cand.cols = card.rows;
    cand.rows = card.cols;
    cand.source = "corners";
    out.push_back(cand);
  }
  return out;
}

}  // namespace shadematch::photo::detail
