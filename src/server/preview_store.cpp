#include "server/preview_store.hpp"

#include <algorithm>

namespace shadematch::server {

std::string PreviewStore::put(std::string png) {
  auto shared = std::make_shared<const std::string>(std::move(png));
  const auto now = std::chrono::steady_clock::now();
  const std::lock_guard<std::mutex> lock(mutex_);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string token;
  token.reserve(32);
  for (int word = 0; word < 4; ++word) {
    std::uint32_t bits = random_();
    for (int i = 0; i < 8; ++i, bits >>= 4) token += kHex[bits & 0xFU];
  }
  drop_expired(now);
  while (entries_.size() >= kPreviewsKept) entries_.pop_front();
  entries_.push_back({token, now, std::move(shared)});
  return token;
}

std::shared_ptr<const std::string> PreviewStore::get(const std::string& token) {
  const std::lock_guard<std::mutex> lock(mutex_);
  drop_expired(std::chrono::steady_clock::now());
  const auto it = std::find_if(entries_.begin(), entries_.end(), [&](const Entry& e) { return e.token == token; });
  return it == entries_.end() ? nullptr : it->png;
}

void PreviewStore::drop_expired(std::chrono::steady_clock::time_point now) {
  while (!entries_.empty() && now - entries_.front().made > kPreviewMaxAge) entries_.pop_front();
}

}  // namespace shadematch::server
