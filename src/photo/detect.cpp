// Card detection and verification (detect.hpp). The steps:
// 1. A photo without colour (greyscale file, or R = G = B everywhere) is refused: `greyscale`.
// 2. Candidates: our grid-of-squares finder on a reduced copy (long side ≤ 1200 px), then at
//    higher resolution for small cards, then OpenCV mcc; or the user's --corners.
// 3. Each candidate is sampled on its reduced copy (patch means over many pixels lose nothing)
//    and every orientation and mirror image is scored by a quick colour fit to the reference.
// 4. The best is sampled again at the decoded resolution with the card's own patch boxes and
//    judged: usable, `occluded`, `lookalike`, `clipped`, or `no-card`.
#include "photo/detect.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <unordered_map>

#include <opencv2/imgproc.hpp>

#include "colour/delta_e.hpp"
#include "photo/cv_geometry.hpp"
#include "photo/decode.hpp"
#include "photo/detect_internal.hpp"

namespace shadematch::photo {

std::string_view reject_reason_name(RejectReason reason) {
  switch (reason) {
    case RejectReason::none:
      return "none";
    case RejectReason::no_card:
      return "no-card";
    case RejectReason::occluded:
      return "occluded";
    case RejectReason::lookalike:
      return "lookalike";
    case RejectReason::greyscale:
      return "greyscale";
    case RejectReason::clipped:
      return "clipped";
  }
  return "unknown";
}

namespace {

using detail::LatticeCandidate;
using detail::VerifyFit;

// First search resolution: a 1200 px long side shows an 8 px patch of a ≤ 1200 px photo at full
// size and keeps the search to a few tens of milliseconds on a 24 MP frame.
constexpr int kSearchLongSide = 1200;
// A second pass when nothing usable was found, at 5/8 of the decoded size (at least 3000 px, or
// the whole image if smaller): an 8 px patch (DESIGN.md's smallest) is 5 px there, the least
// the square finder sees. That pass only seeks squares the first could not have seen (up to twice
// its smallest, scaled), which keeps it to about a second on a 24 MP frame.
constexpr int kSecondLongSide = 3000;
constexpr double kSecondPassFraction = 1.0;
constexpr double kFirstPassSmallest = 5.0;
// A photo whose long side is at most kSearchLongSide is searched a second time enlarged by this
// factor (see the passes in detect_card).
constexpr int kSmallPhotoEnlargement = 2;
// The inner half of each patch (per side) is sampled: away from the patch edges even when the
// corners are a few pixels off.
constexpr double kSampleFraction = 0.5;
// The inner 30 % when the inner half reads textured (see the final reading).
constexpr double kSmallSampleFraction = 0.3;
// How far (in pitches) the grid refinement looks for each patch around where the candidate's grid
// puts it: a third of a pitch, less than half, so that no patch is taken for its neighbour.
constexpr double kRefineReach = 0.3;
// Decisions on the final quick fit (ΔE00 of the verification fit, not the calibration): the
// development cards fit with an inlier mean of 1.1–4.3; above 6 the colours are not the
// reference card's. At least 14 patches must be consistent for the reading to be this card at
// all (random shuffles of real cards reach 11 at most). Six or more inconsistent patches (issue 3)
// is a covered card; more than six clipped patches leaves too little for a fit (the calibration's
// root-polynomial has 6 terms per channel and needs leave-one-out to choose the model).
constexpr double kMaxInlierMean = 6.0;
// How many readings (best quick fit first) are scored again with the robust fit when none fits at
// first: each robust fit is about 80 quick fits, and only a refused photo pays for it.
constexpr std::size_t kRobustRescored = 16;
constexpr int kMinConsistent = 14;
// Half the patches "non-uniform" (luminance spread > 20 % inside the sampled box) is texture, not
// a painted patch: a screen's pixel grid or moiré, a print's halftone. The development photos show
// at most one such patch, a tiny card in a 24 MP JPEG three.
constexpr int kOccludedPatches = 6;
constexpr int kMaxClipped = 6;
// A photo whose pixels never differ between channels by more than 2 codes (8-bit) in 99.9 % of
// the image carries no colour; the 0.1 % allows JPEG chroma ringing.
constexpr double kGreyChannelSpread = 2.0;
// Patches read with less than 3 % channel spread relative to their level: no colour either.
constexpr double kGreyPatchSpread = 0.03;
// A patch counts as colourful when its channels spread by more than 20 % of their mean (the
// Classic has 18 chromatic patches, most far above this).
constexpr double kColourfulSpread = 0.20;
// A cheap screen before a candidate's cells are scored against the card (issue 16: among dense
// follicle dots the square finder grows one lattice of ~1800 "squares" from the skin between the
// dots, whose ~5400 card-sized windows took 14 s of verification fits on a 12 MP photo). A window
// of a colour chart spans dark to light and many hues; a window of skin, cloth or dots does not.
// Measured on the cells the window samples (linear RGB means, before any fit, so the test needs no
// orientation): the brightest cell's R+G+B over the darkest's, and the RMS distance of the cells'
// chromaticities (r, g) = (R, G)/(R+G+B) from their centroid. On the development photos the
// accepted readings have a luminance ratio of 10 (macduff, a flat outdoor phone photo) to 276,
// and a chromaticity RMS of 0.249 to 0.349; windows of dots on cloth or skin fall below 0.02 in
// chromaticity unless they overlap the card. The bounds are a third of the smallest accepted
// values, so that a card under a heavy colour cast, flare or a covering still passes; a window that
// fails cannot be this card (nor a look-alike chart of many colours) and is not scored.
constexpr double kScreenLuminanceRatio = 3.0;
constexpr double kScreenChromaRms = 0.08;
// A lattice of more squares than twice the card's patches (two cards side by side still fit) is
// a texture: on a dotted scalp the card's own patches were merged into a lattice of ~4000 squares
// whose card-overlapping windows pass the screen above (670 of them on a 12 MP photo).
constexpr std::size_t kTextureLattice = 2;

cv::Point2d apply(const cv::Matx33d& h, double x, double y) {
  const cv::Vec3d p = h * cv::Vec3d(x, y, 1);
  return {p[0] / p[2], p[1] / p[2]};
}

cv::Mat to_rgb8(const cv::Mat& encoded) {
  if (encoded.depth() == CV_8U) return encoded;
  cv::Mat out;
  encoded.convertTo(out, CV_8U, 255.0 / 65535.0);
  return out;
}

// `image` resized so that its long side is `long_side` (INTER_AREA when shrinking, bilinear when
// enlarging; same depth, same transform); the image itself when it already has that size.
DecodedImage scaled_to(const DecodedImage& image, int long_side) {
  const int current = std::max(image.encoded.cols, image.encoded.rows);
  if (current == long_side) return image;
  DecodedImage out = image;
  const double f = static_cast<double>(long_side) / current;
  cv::resize(image.encoded, out.encoded, cv::Size(), f, f, f < 1.0 ? cv::INTER_AREA : cv::INTER_LINEAR);
  out.scale = image.scale * static_cast<double>(out.encoded.cols) / image.encoded.cols;
  return out;
}

// `image` reduced so that its long side is at most `long_side`.
DecodedImage reduced(const DecodedImage& image, int long_side) {
  return std::max(image.encoded.cols, image.encoded.rows) <= long_side ? image : scaled_to(image, long_side);
}

bool looks_greyscale(const cv::Mat& rgb8) {
  std::vector<int> histogram(256, 0);
  for (int y = 0; y < rgb8.rows; ++y) {
    const auto* p = rgb8.ptr<cv::Vec3b>(y);
    for (int x = 0; x < rgb8.cols; ++x) {
      const int hi = std::max({p[x][0], p[x][1], p[x][2]});
      const int lo = std::min({p[x][0], p[x][1], p[x][2]});
      ++histogram[static_cast<std::size_t>(hi - lo)];
    }
  }
  const auto total = static_cast<double>(rgb8.total());
  double below = 0;
  for (int d = 0; d <= static_cast<int>(kGreyChannelSpread); ++d) below += histogram[static_cast<std::size_t>(d)];
  return below >= 0.999 * total;
}

double card_width(const CardDefinition& card) {
  if (card.width > 0) return card.width;
  double w = 0;
  for (const auto& p : card.patches) w = std::max(w, p.cx + p.w / 2);
  return w;
}
double card_height(const CardDefinition& card) {
  if (card.height > 0) return card.height;
  double h = 0;
  for (const auto& p : card.patches) h = std::max(h, p.cy + p.h / 2);
  return h;
}

// One scored reading of one candidate.
struct Reading {
  LatticeCandidate candidate;
  cv::Matx33d card_to_image;  // card units → encoded pixels of the image it was read on
  bool mirrored = false;
  double to_encoded = 1;  // pixels of that image → encoded pixels
  cv::Mat source;         // that image's encoded pixels (shares the buffer)
  std::vector<PatchSample> samples;
  VerifyFit fit;
  bool valid = false;
};

// Better evidence first: more consistent patches, then a lower inlier mean; a mirror image only
// wins when it is clearly better (it is reported, never accepted silently).
bool better(const Reading& x, const Reading& y) {
  if (!y.valid) return x.valid;
  if (!x.valid) return false;
  const int xi = x.fit.inliers - (x.mirrored ? 2 : 0);
  const int yi = y.fit.inliers - (y.mirrored ? 2 : 0);
  if (xi != yi) return xi > yi;
  return x.fit.inlier_mean_de00 < y.fit.inlier_mean_de00;
}

// The patch's sampled quadrilateral in card units → pixels through `card_to_image`.
std::array<cv::Point2f, 4> patch_quad(const cv::Matx33d& card_to_image, const CardPatch& p, double fraction) {
  const double hw = p.w * fraction / 2, hh = p.h * fraction / 2;
  const std::array<cv::Point2d, 4> q{
      apply(card_to_image, p.cx - hw, p.cy - hh), apply(card_to_image, p.cx + hw, p.cy - hh),
      apply(card_to_image, p.cx + hw, p.cy + hh), apply(card_to_image, p.cx - hw, p.cy + hh)};
  std::array<cv::Point2f, 4> out;
  for (std::size_t k = 0; k < 4; ++k) out[k] = cv::Point2f(static_cast<float>(q[k].x), static_cast<float>(q[k].y));
  return out;
}

bool is_mirrored(const cv::Matx33d& card_to_image, const CardDefinition& card) {
  const double cx = card_width(card) / 2, cy = card_height(card) / 2;
  const cv::Point2d o = apply(card_to_image, cx, cy);
  const cv::Point2d ex = apply(card_to_image, cx + 1, cy) - o;
  const cv::Point2d ey = apply(card_to_image, cx, cy + 1) - o;
  // Card and image both have y downwards: a proper rotation keeps the cross product positive.
  return ex.x * ey.y - ex.y * ey.x < 0;
}

// Evidence that a reading is a 24-patch chart at all (whatever its colours): our finder saw most
// of its squares spanning exactly the card's grid (not needed from mcc or --corners), and its
// cells are uniform and at least a third of them colourful, as a colour chart's patches are.
constexpr int kChartSquares = 16;
bool chart_like(const Reading& r, const CardDefinition& card) {
  if (!r.valid) return false;
  if (r.candidate.source == "grid" && (!r.candidate.full_extent || r.candidate.squares < kChartSquares)) return false;
  const int n = static_cast<int>(card.patches.size());
  int uniform = 0, colourful = 0;
  for (const auto& s : r.samples) {
    if (std::find(s.flags.begin(), s.flags.end(), "non-uniform") == s.flags.end()) ++uniform;
    const auto& m = s.mean;
    const double mid = (m.r + m.g + m.b) / 3;
    if (mid > 1e-3 && (std::max({m.r, m.g, m.b}) - std::min({m.r, m.g, m.b})) / mid > kColourfulSpread) ++colourful;
  }
  return uniform >= n * 3 / 4 && colourful >= n / 3;
}

// Only the kRobustRescored leading readings (by `better`, first come first among equals) are ever
// looked at again: trimming to them whenever the list grows to four times that keeps the same
// leaders as sorting the whole list at the end, in bounded memory (every reading holds its 24
// samples; a photo full of dots gave tens of thousands).
void keep_leading(std::vector<Reading>& readings) {
  if (readings.size() < 4 * kRobustRescored) return;
  std::stable_sort(readings.begin(), readings.end(), better);
  readings.resize(kRobustRescored);
}

// The screen above: false when the cells cannot be a colour chart's (too flat in light or hue).
bool could_be_chart(const std::vector<PatchSample>& cells) {
  double lo = std::numeric_limits<double>::infinity(), hi = 0, mean_r = 0, mean_g = 0;
  std::vector<std::pair<double, double>> chroma;
  chroma.reserve(cells.size());
  for (const auto& c : cells) {
    const double sum = c.mean.r + c.mean.g + c.mean.b;
    if (!(sum > 1e-4) || !std::isfinite(sum)) continue;  // black or unsampled: no chromaticity
    lo = std::min(lo, sum), hi = std::max(hi, sum);
    chroma.emplace_back(c.mean.r / sum, c.mean.g / sum);
    mean_r += c.mean.r / sum, mean_g += c.mean.g / sum;
  }
  // Too few cells with light to judge: let the verification decide.
  if (chroma.size() < cells.size() / 2) return true;
  const auto n = static_cast<double>(chroma.size());
  mean_r /= n, mean_g /= n;
  double var = 0;
  for (const auto& [r, g] : chroma) var += (r - mean_r) * (r - mean_r) + (g - mean_g) * (g - mean_g);
  return hi / lo >= kScreenLuminanceRatio && std::sqrt(var / n) >= kScreenChromaRms;
}

// Cell samples of one searched image, by box: the card-sized windows of one lattice share most of
// their cells (a lattice of n × m squares has (n − 5)(m − 3) windows of 24 cells each), so each
// cell is sampled once. Boxes are keyed by their corners rounded to 1/8 px: the same lattice cell
// reached from two windows differs only by rounding in the homography.
class CellSamples {
 public:
  explicit CellSamples(const DecodedImage& img) : img_(img) {}
  const DecodedImage& image() const { return img_; }
  const PatchSample& at(const std::array<cv::Point2f, 4>& quad) {
    Key key{};
    for (std::size_t k = 0; k < 4; ++k) {
      key[2 * k] = std::lround(quad[k].x * 8.0);
      key[2 * k + 1] = std::lround(quad[k].y * 8.0);
    }
    const auto it = cache_.find(key);
    if (it != cache_.end()) return it->second;
    return cache_.emplace(key, detail::sample_quad(img_, quad)).first->second;
  }

 private:
  using Key = std::array<long, 8>;
  struct KeyHash {
    std::size_t operator()(const Key& k) const {
      std::size_t h = 1469598103934665603ULL;
      for (const long v : k) h = (h ^ static_cast<std::size_t>(v)) * 1099511628211ULL;
      return h;
    }
  };
  const DecodedImage& img_;
  std::unordered_map<Key, PatchSample, KeyHash> cache_;
};

// Samples a candidate's lattice once (square boxes), then scores every symmetry of it.
void score_candidate(CellSamples& sampled, const CardDefinition& card, const LatticeCandidate& cand, double to_img,
                     Reading& best, Reading& best_chart, std::vector<Reading>& readings) {
  const DecodedImage& img = sampled.image();
  const cv::Matx33d to_lattice = detail::card_to_card_lattice(card);
  const cv::Matx33d scale(to_img, 0, 0, 0, to_img, 0, 0, 0, 1);
  const cv::Matx33d lattice_to_img = scale * cand.lattice_to_image;
  // Box half-size in lattice units: half the patch size over the pitch, halved again (inner half).
  const double pitch_x = 1.0 / to_lattice(0, 0), pitch_y = 1.0 / to_lattice(1, 1);
  double half = 0.5;
  for (const auto& p : card.patches) half = std::min({half, p.w / pitch_x, p.h / pitch_y});
  half *= kSampleFraction / 2;
  std::vector<PatchSample> cells(static_cast<std::size_t>(cand.cols * cand.rows));
  for (int b = 0; b < cand.rows; ++b) {
    for (int a = 0; a < cand.cols; ++a) {
      std::array<cv::Point2f, 4> quad;
      const std::array<cv::Point2d, 4> q{
          apply(lattice_to_img, a - half, b - half), apply(lattice_to_img, a + half, b - half),
          apply(lattice_to_img, a + half, b + half), apply(lattice_to_img, a - half, b + half)};
      for (std::size_t k = 0; k < 4; ++k) quad[k] = cv::Point2f(static_cast<float>(q[k].x), static_cast<float>(q[k].y));
      cells[static_cast<std::size_t>(b * cand.cols + a)] = sampled.at(quad);
    }
  }
  // --corners are the user's word: always scored. mcc's few candidates are scored too (the screen
  // is for the grid finder's lattices, which can be many).
  if (cand.source == "grid" && !could_be_chart(cells)) return;
  for (int i = 0; i < 8; ++i) {
    cv::Matx33d sym;
    if (!detail::symmetry(i, card, cand, sym)) continue;
    Reading r;
    r.candidate = cand;
    r.card_to_image = lattice_to_img * sym * to_lattice;
    r.to_encoded = 1.0 / to_img;
    r.source = img.encoded;
    r.mirrored = is_mirrored(r.card_to_image, card);
    r.samples.reserve(card.patches.size());
    bool inside = true;
    for (const auto& p : card.patches) {
      const cv::Point2d u = apply(to_lattice, p.cx, p.cy);
      const cv::Point2d ab = apply(sym, u.x, u.y);
      const int a = static_cast<int>(std::lround(ab.x)), b = static_cast<int>(std::lround(ab.y));
      if (a < 0 || b < 0 || a >= cand.cols || b >= cand.rows) {
        inside = false;
        break;
      }
      r.samples.push_back(cells[static_cast<std::size_t>(b * cand.cols + a)]);
    }
    if (!inside) continue;
    r.fit = detail::verify_fit(r.samples, card);
    r.valid = true;
    if (chart_like(r, card) && better(r, best_chart)) best_chart = r;
    readings.push_back(r);
    keep_leading(readings);
    if (better(r, best)) best = std::move(r);
  }
}

// A quick accept test used to stop searching further passes.
bool convincing(const Reading& r, const CardDefinition& card) {
  const int n = static_cast<int>(card.patches.size());
  // A mirrored reading convinces too: in a mirrored photo (selfie camera, flipped edit) every
  // reading is mirrored, and searching on would only let a coarser finder (mcc) replace the grid.
  return r.valid && r.fit.inliers >= n - kOccludedPatches + 1 && r.fit.inlier_mean_de00 <= kMaxInlierMean;
}

// Whether the patches that do not fit look like something laid over the card (a finger, tape, a
// label, paint) rather than a chart of other colours: a covering is one or two pieces of one
// material each, so the misfits form at most kMaxCoverings 4-connected groups on the card's grid,
// and in each group at least two thirds of the patches lie within kCoveringSpread ΔE00 (in the
// quick fit's Lab) of the group's medoid. Another maker's chart differs in patches spread over the
// card, each in its own colour. 15 ΔE00 allows shading across a finger (L* 10 apart is ΔE00 ≈ 8–10).
constexpr int kMaxCoverings = 2;
constexpr double kCoveringSpread = 15.0;
bool covering_like(const VerifyFit& fit, const CardDefinition& card, const std::vector<bool>& covered) {
  const auto n = static_cast<int>(card.patches.size());
  std::vector<int> group(static_cast<std::size_t>(n), -1);
  auto outlier = [&](int i) { return static_cast<bool>(covered[static_cast<std::size_t>(i)]); };
  int groups = 0;
  for (int start = 0; start < n; ++start) {
    if (!outlier(start) || group[static_cast<std::size_t>(start)] >= 0) continue;
    std::vector<int> members{start};
    group[static_cast<std::size_t>(start)] = groups;
    for (std::size_t m = 0; m < members.size(); ++m) {
      const int r = members[m] / card.cols, c = members[m] % card.cols;
      const std::array<std::pair<int, int>, 4> steps{{{r - 1, c}, {r + 1, c}, {r, c - 1}, {r, c + 1}}};
      for (const auto& [rr, cc] : steps) {
        if (rr < 0 || cc < 0 || rr >= card.rows || cc >= card.cols) continue;
        const int j = rr * card.cols + cc;
        if (!outlier(j) || group[static_cast<std::size_t>(j)] >= 0) continue;
        group[static_cast<std::size_t>(j)] = groups;
        members.push_back(j);
      }
    }
    if (++groups > kMaxCoverings) return false;
    // One material: most of the group close to its medoid.
    std::size_t best_close = 0;
    for (const int a : members) {
      std::size_t close = 0;
      for (const int b : members) {
        const double d = colour::delta_e_2000(fit.corrected[static_cast<std::size_t>(a)],
                                              fit.corrected[static_cast<std::size_t>(b)]);
        if (d <= kCoveringSpread) ++close;
      }
      best_close = std::max(best_close, close);
    }
    if (3 * best_close < 2 * members.size()) return false;
  }
  return true;
}

// The patches under a covering: those inconsistent with the reference, plus their neighbours
// (transitively) that read within `same` ΔE00 of them in the quick fit's Lab — the covering goes on
// over a patch whose reference it happens to resemble (a finger over the skin patches). `same` is
// half the smallest reference ΔE00 between neighbouring patches of the card, at most 5: two
// neighbours read that close are not two of the card's patches.
std::vector<bool> covered_patches(const VerifyFit& fit, const CardDefinition& card) {
  const auto n = static_cast<std::size_t>(card.patches.size());
  const auto at = [&](int r, int c) { return static_cast<std::size_t>(r * card.cols + c); };
  double same = 10.0;
  for (int r = 0; r < card.rows; ++r) {
    for (int c = 0; c < card.cols; ++c) {
      if (c + 1 < card.cols) {
        same = std::min(
            same, colour::delta_e_2000(card.patches[at(r, c)].reference_lab, card.patches[at(r, c + 1)].reference_lab));
      }
      if (r + 1 < card.rows) {
        same = std::min(
            same, colour::delta_e_2000(card.patches[at(r, c)].reference_lab, card.patches[at(r + 1, c)].reference_lab));
      }
    }
  }
  same /= 2;
  std::vector<bool> covered(n, false);
  std::vector<int> queue;
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isnan(fit.de00[i]) && !fit.inlier[i]) covered[i] = true, queue.push_back(static_cast<int>(i));
  }
  for (std::size_t q = 0; q < queue.size(); ++q) {
    const int r = queue[q] / card.cols, c = queue[q] % card.cols;
    const std::array<std::pair<int, int>, 4> steps{{{r - 1, c}, {r + 1, c}, {r, c - 1}, {r, c + 1}}};
    for (const auto& [rr, cc] : steps) {
      if (rr < 0 || cc < 0 || rr >= card.rows || cc >= card.cols) continue;
      const std::size_t j = at(rr, cc);
      if (covered[j] || std::isnan(fit.de00[j])) continue;
      if (colour::delta_e_2000(fit.corrected[j], fit.corrected[static_cast<std::size_t>(queue[q])]) <= same) {
        covered[j] = true;
        queue.push_back(static_cast<int>(j));
      }
    }
  }
  return covered;
}

int orientation_of(const cv::Matx33d& card_to_image, const CardDefinition& card) {
  const double cx = card_width(card) / 2, cy = card_height(card) / 2;
  const cv::Point2d d = apply(card_to_image, cx + 1, cy) - apply(card_to_image, cx, cy);
  const double angle = std::atan2(d.y, d.x) * 180.0 / CV_PI;  // clockwise, image y is down
  int q = static_cast<int>(std::lround(angle / 90.0)) * 90;
  q = ((q % 360) + 360) % 360;
  return q;
}

std::string fixed(double v, int digits) {
  std::ostringstream s;
  s.setf(std::ios::fixed);
  s.precision(digits);
  s << v;
  return s.str();
}

}  // namespace

CardDetection detect_card(const DecodedImage& image, const CardDefinition& card, const DetectOptions& options) {
  return detail::detect_card_with(image, card, options, detail::kGridFinder | detail::kMccFinder);
}

CardDetection detail::detect_card_with(const DecodedImage& image, const CardDefinition& card,
                                       const DetectOptions& options, unsigned sources) {
  if (card.rows < 2 || card.cols < 2 || card.patches.size() != static_cast<std::size_t>(card.rows * card.cols)) {
    throw std::invalid_argument("detect_card: card '" + card.id + "' needs rows × cols patches");
  }
  CardDetection out;
  out.reason = RejectReason::no_card;
  if (image.encoded.empty()) {
    out.detail = "the image is empty";
    return out;
  }
  if (image.info.greyscale) {
    out.reason = RejectReason::greyscale;
    out.detail = "the photo is greyscale (one colour channel): a colour card cannot be read from it";
    return out;
  }

  DecodedImage search = reduced(image, kSearchLongSide);
  if (looks_greyscale(to_rgb8(search.encoded))) {
    out.reason = RejectReason::greyscale;
    out.detail = "the photo carries no colour (red, green and blue are equal everywhere)";
    return out;
  }

  Reading best;
  Reading best_chart;             // the best reading among chart-like ones (for `lookalike`)
  std::vector<Reading> readings;  // every reading of every candidate (for the robust re-scoring)
  const int long_side = std::max(image.encoded.cols, image.encoded.rows);
  if (options.corners) {
    std::array<cv::Point2f, 4> enc;
    for (std::size_t k = 0; k < 4; ++k) enc[k] = to_cv((*options.corners)[k]) * static_cast<float>(image.scale);
    const double to_search = static_cast<double>(search.encoded.cols) / image.encoded.cols;
    CellSamples sampled(search);
    for (const auto& cand : detail::candidates_from_corners(enc, card)) {
      score_candidate(sampled, card, cand, to_search, best, best_chart, readings);
    }
  } else {
    std::vector<int> passes{kSearchLongSide};
    if (long_side > kSearchLongSide) {
      passes.push_back(
          std::max(std::min(long_side, kSecondLongSide), static_cast<int>(std::ceil(kSecondPassFraction * long_side))));
    } else {
      // A photo no larger than the first pass has no finer copy to search: the second pass looks
      // at it enlarged twice, where the gaps between the patches of a small card (1–2 px) open
      // up and its patches grow past the dot-sized blobs around them.
      passes.push_back(kSmallPhotoEnlargement * long_side);
    }
    if ((sources & detail::kGridFinder) == 0) passes.clear();
    for (const int side : passes) {
      const DecodedImage pass = side == kSearchLongSide ? search : scaled_to(image, side);
      const cv::Mat rgb8 = to_rgb8(pass.encoded);
      const double to_encoded = static_cast<double>(image.encoded.cols) / pass.encoded.cols;
      const double max_square = side == kSearchLongSide ? 0.0 : 2 * kFirstPassSmallest * side / kSearchLongSide;
      CellSamples sampled(pass);
      std::vector<LatticeCandidate> cands =
          detail::find_grid_candidates(rgb8, to_encoded, card.cols, card.rows, max_square);
      // Card-sized lattices first (most squares first, as found); a lattice of more than
      // kTextureLattice squares is a texture — follicle dots, tiles — or the card merged into
      // one, and its windows are scored only while no reading convinces.
      const std::size_t patches = card.patches.size();
      std::stable_partition(cands.begin(), cands.end(), [&](const LatticeCandidate& c) {
        return static_cast<std::size_t>(c.squares) <= kTextureLattice * patches;
      });
      for (const auto& cand : cands) {
        if (static_cast<std::size_t>(cand.squares) > kTextureLattice * patches && convincing(best, card)) break;
        score_candidate(sampled, card, cand, 1.0 / to_encoded, best, best_chart, readings);
      }
      if (convincing(best, card)) break;
    }
    if (!convincing(best, card) && (sources & detail::kMccFinder) != 0) {
      // mcc's own detector as a second opinion, on the first search copy (it is slow at full size).
      const double to_encoded = static_cast<double>(image.encoded.cols) / search.encoded.cols;
      CellSamples sampled(search);
      for (const auto& cand : detail::find_mcc_candidates(to_rgb8(search.encoded), to_encoded)) {
        score_candidate(sampled, card, cand, 1.0 / to_encoded, best, best_chart, readings);
      }
    }
  }

  if (!best.valid) {
    out.reason = RejectReason::no_card;
    out.detail = options.corners ? "the given corners do not frame a card inside the photo"
                                 : "no " + std::to_string(card.rows) + " × " + std::to_string(card.cols) +
                                       " patch chart was found in the photo";
    return out;
  }

  // The reading judged: the best one if it fits the reference; otherwise the best chart-like one
  // (for `lookalike`), else the best of all (for `no-card`).
  const bool best_fits = best.fit.inliers >= kMinConsistent && best.fit.inlier_mean_de00 <= kMaxInlierMean;
  const Reading* chosen_ptr = best_fits || !best_chart.valid ? &best : &best_chart;
  if (!best_fits) {
    // The quick fit drops the worst patch greedily; with six or more patches covered (a quarter of
    // the card pulling an 18-parameter fit) it often drops good patches instead, so the right
    // reading of a covered card can score fewer patches than a wrong reading of it that happens
    // to fit a few (a white label over patches 5, 6, 11, 12, 17 and 18 of a small card: the same
    // grid read 180° round fit 8 patches, its right orientation fewer). Before judging the card as
    // not this card, the leading readings (any candidate, any orientation) are scored with the
    // robust fit, as the final reading is, and the one it explains best is taken when it fits.
    std::stable_sort(readings.begin(), readings.end(), better);
    int most = 0;
    double most_mean = 0;
    for (std::size_t k = 0; k < std::min<std::size_t>(readings.size(), kRobustRescored); ++k) {
      const VerifyFit f = detail::verify_fit(readings[k].samples, card, /*robust=*/true);
      if (f.inliers < kMinConsistent || f.inlier_mean_de00 > kMaxInlierMean) continue;
      if (f.inliers > most || (f.inliers == most && f.inlier_mean_de00 < most_mean)) {
        most = f.inliers, most_mean = f.inlier_mean_de00, chosen_ptr = &readings[k];
      }
    }
  }
  const Reading& chosen = *chosen_ptr;
  // The grid refined patch by patch on the image it was read on (see detail::refine_grid): three
  // times, the later passes from the previous grid with half the reach (a coarse box converges in
  // steps: its first pass finds the patches it is nearest to, the next ones the rest). When not
  // even the first pass confirms the grid, an accepted reading is refused below.
  cv::Matx33d card_to_image = chosen.card_to_image;
  std::string refined_note = "grid not refined";
  bool grid_confirmed = false;
  int located = 0;
  double moved = 0;
  for (const double reach : {kRefineReach, kRefineReach / 2, kRefineReach / 2}) {
    const detail::GridRefinement refinement = detail::refine_grid(chosen.source, card, card_to_image, reach);
    if (!grid_confirmed) {
      located = refinement.inliers;
      moved = refinement.moved_pitch;
    }
    if (!refinement.ok) break;
    grid_confirmed = true;
    card_to_image = refinement.card_to_image;
    refined_note = "grid refined on " + std::to_string(refinement.inliers) + " of " +
                   std::to_string(refinement.located) + " located patches (residual " + fixed(refinement.rms_pitch, 2) +
                   ", moved " + fixed(refinement.moved_pitch, 2) + " pitch)";
  }
  // Final reading at the decoded resolution with the card's own patch boxes.
  cv::Matx33d card_to_encoded = cv::Matx33d(chosen.to_encoded, 0, 0, 0, chosen.to_encoded, 0, 0, 0, 1) * card_to_image;
  auto sample_all = [&](double fraction) {
    std::vector<PatchSample> samples;
    int textured = 0;
    for (const auto& p : card.patches) {
      PatchSample s = detail::sample_quad(image, patch_quad(card_to_encoded, p, fraction));
      s.index = p.index;
      if (std::find(s.flags.begin(), s.flags.end(), "non-uniform") != s.flags.end()) ++textured;
      samples.push_back(std::move(s));
    }
    return std::pair{std::move(samples), textured};
  };
  auto [samples, textured_boxes] = sample_all(kSampleFraction);
  if (grid_confirmed) {
    // The refined grid must not make the evidence worse: when its boxes fit fewer patches to the
    // reference than the candidate's own grid's boxes do, the refinement followed something laid
    // over the card (a label's edge) rather than the patches, and the candidate's grid is read.
    const VerifyFit refined_fit = detail::verify_fit(samples, card);
    const cv::Matx33d refined_to_encoded = card_to_encoded;
    card_to_encoded = cv::Matx33d(chosen.to_encoded, 0, 0, 0, chosen.to_encoded, 0, 0, 0, 1) * chosen.card_to_image;
    auto [plain, plain_textured] = sample_all(kSampleFraction);
    const VerifyFit plain_fit = detail::verify_fit(plain, card);
    if (refined_fit.inliers < plain_fit.inliers) {
      samples = std::move(plain);
      textured_boxes = plain_textured;
      refined_note += ", not used: its boxes fit fewer patches (" + std::to_string(refined_fit.inliers) + " against " +
                      std::to_string(plain_fit.inliers) + ")";
    } else {
      card_to_encoded = refined_to_encoded;
    }
  }
  if (2 * textured_boxes >= static_cast<int>(card.patches.size())) {
    // On a small card a grid fit a pixel or two off lets the boxes graze the patch edges. An
    // edge is gone in a smaller box; a screen's pixels or a print's dots cover the whole patch.
    auto [smaller, textured_smaller] = sample_all(kSmallSampleFraction);
    if (2 * textured_smaller < static_cast<int>(card.patches.size())) samples = std::move(smaller);
  }
  out.patches = std::move(samples);
  const VerifyFit fit = detail::verify_fit(out.patches, card, /*robust=*/true);
  const double w = card_width(card), h = card_height(card);
  const std::array<cv::Point2d, 4> corners{apply(card_to_encoded, 0, 0), apply(card_to_encoded, w, 0),
                                           apply(card_to_encoded, w, h), apply(card_to_encoded, 0, h)};
  const double to_full = 1.0 / image.scale;
  for (std::size_t k = 0; k < 4; ++k) {
    out.corners[k] = PointF{static_cast<float>(corners[k].x * to_full), static_cast<float>(corners[k].y * to_full)};
  }
  out.orientation_deg = orientation_of(card_to_encoded, card);
  const int n = static_cast<int>(card.patches.size());
  const int outliers = fit.usable - fit.inliers;
  out.verification_score =
      fit.usable > 0 ? (static_cast<double>(fit.inliers) / n) / (1.0 + std::min(fit.inlier_mean_de00, 1e3) / 10.0)
                     : 0.0;
  auto list = [&](auto&& pick) {
    std::string s;
    for (std::size_t i = 0; i < out.patches.size(); ++i) {
      if (!pick(i)) continue;
      s += (s.empty() ? "" : ", ") + std::to_string(card.patches[i].index);
    }
    return s;
  };
  auto has = [&](std::size_t i, std::string_view flag) {
    const auto& f = out.patches[i].flags;
    return std::find(f.begin(), f.end(), flag) != f.end();
  };
  // Only over-exposure refuses the card as `clipped`: patches clipped at black (a channel at code
  // 0: colours outside the file's gamut) are a property of those colours, not of the exposure;
  // they stay flagged and out of the fits, and calibration refuses the card if too few remain.
  // (Counting them here would also report a chart of other, out-of-gamut colours as `clipped`
  // rather than as the look-alike it is.)
  auto over_exposed = [&](std::size_t i) { return out.patches[i].saturated_fraction > kClippedFraction; };
  int clipped = 0, textured = 0;
  for (std::size_t i = 0; i < out.patches.size(); ++i) {
    if (over_exposed(i)) ++clipped;
    if (has(i, "non-uniform")) ++textured;
  }
  const std::string summary = std::to_string(fit.inliers) + " of " + std::to_string(n) +
                              " patches consistent with the reference (quick-fit mean ΔE00 " +
                              fixed(fit.inlier_mean_de00, 1) + ")";

  if (fit.chroma_spread < kGreyPatchSpread) {
    out.reason = RejectReason::greyscale;
    out.detail = "the card's patches carry no colour (red, green and blue are equal): the photo is greyscale";
    return out;
  }
  if (clipped > kMaxClipped && !options.allow_clipped) {
    out.reason = RejectReason::clipped;
    out.detail = std::to_string(clipped) + " patches are clipped (over-exposed): " + list(over_exposed);
    return out;
  }
  if (textured >= n / 2) {
    out.reason = RejectReason::lookalike;
    out.detail = std::to_string(textured) + " of " + std::to_string(n) +
                 " patches are textured, not uniform: a chart shown on a screen (its pixels) or printed (its "
                 "halftone dots), or a card out of focus";
    return out;
  }
  const bool fits = fit.inliers >= kMinConsistent && fit.inlier_mean_de00 <= kMaxInlierMean;
  const std::vector<bool> covered = covered_patches(fit, card);
  const int n_covered = static_cast<int>(std::count(covered.begin(), covered.end(), true));
  if (fits && n_covered >= kOccludedPatches && !covering_like(fit, card, covered)) {
    out.reason = RejectReason::lookalike;
    out.detail = "a " + std::to_string(card.rows) + " × " + std::to_string(card.cols) +
                 " chart was found but patches " +
                 list([&](std::size_t i) { return !std::isnan(fit.de00[i]) && !fit.inlier[i]; }) +
                 ", scattered over it in colours of their own, do not match " + card.id + " (" + summary +
                 "): another brand's chart or a reproduction";
    return out;
  }
  if (fits && n_covered >= kOccludedPatches) {
    out.reason = RejectReason::occluded;
    out.detail = "the card is partly covered or marked: patches " + list([&](std::size_t i) { return covered[i]; }) +
                 " do not match the reference (" + summary + ")";
    return out;
  }
  if (!fits) {
    // A chart-like reading that does not fit is a look-alike; anything else was never a chart.
    const bool lookalike = chart_like(chosen, card);
    out.reason = lookalike ? RejectReason::lookalike : RejectReason::no_card;
    out.detail = lookalike ? "a " + std::to_string(card.rows) + " × " + std::to_string(card.cols) +
                                 " chart was found but its colours do not match " + card.id + " (" + summary +
                                 "): another brand's chart, a reproduction or a chart on a screen"
                           : "no " + card.id + " was found in the photo";
    return out;
  }
  if (!grid_confirmed) {
    // The colours fit, but fewer than half the patches sit, as uniform boxes, where one grid puts
    // them: the boxes straddle patch borders (a grid a fraction of a pitch off, a coarse box), so
    // the means are mixtures and a calibration from them would be wrong however well it fits.
    out.reason = RejectReason::no_card;
    out.detail = "a " + card.id + " candidate (" + chosen.candidate.source + ") fits the reference colours (" +
                 summary + ") but its patch grid could not be confirmed in the photo: only " + std::to_string(located) +
                 " of " + std::to_string(n) +
                 " patches were located where one grid puts them (or that grid moves a patch " + fixed(moved, 2) +
                 " pitch, as far as its neighbour), so the patch boxes may straddle patch "
                 "borders; " +
                 (options.corners ? std::string("check the --corners (the outer corners of the patch grid, patch 1 "
                                                "first, clockwise) or take a closer photo")
                                  : std::string("give --corners or take a closer photo"));
    return out;
  }
  out.found = true;
  out.reason = RejectReason::none;
  for (std::size_t i = 0; i < out.patches.size(); ++i) {
    if (!std::isnan(fit.de00[i]) && !fit.inlier[i]) out.patches[i].flags.push_back("inconsistent");
  }
  out.detail = card.id + " found (" + chosen.candidate.source + "), orientation " +
               std::to_string(out.orientation_deg) + "°, " + summary + "; " + refined_note;
  if (chosen.mirrored) {
    out.warnings.push_back(
        "the card appears mirror-imaged (a selfie camera or a flipped photo): patches were read "
        "in mirrored order");
  }
  if (outliers > 0) {
    out.warnings.push_back("patches " +
                           list([&](std::size_t i) { return !std::isnan(fit.de00[i]) && !fit.inlier[i]; }) +
                           " do not match the reference (covered, marked or glare?) and are flagged 'inconsistent'");
  }
  if (std::any_of(out.patches.begin(), out.patches.end(), [](const PatchSample& p) {
        return std::find(p.flags.begin(), p.flags.end(), "clipped") != p.flags.end();
      })) {
    out.warnings.push_back("patches " + list([&](std::size_t i) { return has(i, "clipped"); }) +
                           " are clipped (a channel at its highest or lowest code) and flagged 'clipped'");
  }
  return out;
}

}  // namespace shadematch::photo
