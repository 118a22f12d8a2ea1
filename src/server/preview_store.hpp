#pragma once
// The healed previews of recent plans, kept for the page to fetch (GET /api/preview/TOKEN) after
// POST /api/match with preview=1 answered. The match answer stays exactly what `match --json`
// prints, so the PNG cannot travel in it: the answer's X-Shadematch-Preview header names it
// instead, and the one pipeline run makes both (nothing is computed twice).
//
// Tokens are 128 random bits (std::random_device: the kernel's getrandom), so one client cannot
// guess another's preview. The store is bounded both ways: at most kPreviewsKept previews (the
// oldest go first) and none older than kPreviewMaxAge.
#include <chrono>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <random>
#include <string>

namespace shadematch::server {

// 32: more than the 20 uploads at once the server is tested with, so every one of them can still
// fetch its preview; the scalp sample's preview (3 sessions, 1000×288) is 354 KB, so 32 hold
// about 11 MB.
inline constexpr std::size_t kPreviewsKept = 32;
// The page fetches its preview right after the plan arrives; 10 minutes also covers a phone
// that slept in between.
inline constexpr std::chrono::minutes kPreviewMaxAge{10};

class PreviewStore {
 public:
  // Keeps `png` and returns its token (32 lower-case hex digits).
  std::string put(std::string png);
  // The PNG of `token`, or null when unknown or expired.
  std::shared_ptr<const std::string> get(const std::string& token);

 private:
  struct Entry {
    std::string token;
    std::chrono::steady_clock::time_point made;
    std::shared_ptr<const std::string> png;
  };
  void drop_expired(std::chrono::steady_clock::time_point now);
  std::mutex mutex_;
  std::deque<Entry> entries_;  // oldest first
  std::random_device random_;
};

}  // namespace shadematch::server
