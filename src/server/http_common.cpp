#include "server/http_common.hpp"

#include <charconv>
#include <vector>

#include "common/utf8.hpp"
#include "server/server.hpp"

namespace shadematch::server {

using nlohmann::json;

void send_json(httplib::Response& res, int status, const json& j) {
  res.status = status;
  res.set_content(j.dump(2) + "\n", "application/json; charset=utf-8");
}

void send_error(httplib::Response& res, int status, const std::string& code, const std::string& message, json extra) {
  extra["error"] = message;
  extra["code"] = code;
  // Error messages quote what the request brought (its path, a header, a field's name), which
  // need not be UTF-8: such bytes are printed as U+FFFD rather than refused, since nlohmann::json
  // would throw type_error 316 from here, outside every route's handler (found by fuzz/
  // fuzz_server.cpp: "GET /%ff" killed the server from its error handler).
  res.status = status;
  res.set_content(extra.dump(2, ' ', false, json::error_handler_t::replace) + "\n", "application/json; charset=utf-8");
}

std::string megabytes(std::size_t bytes) {
  return std::to_string(bytes / (1024u * 1024u)) + " MiB";
}

photo::Region parse_region(const std::string& name, const std::string& text) {
  std::vector<int> v;
  const char* p = text.data();
  const char* end = p + text.size();
  while (true) {
    while (p < end && *p == ' ') ++p;
    int n = 0;
    const auto [next, ec] = std::from_chars(p, end, n);
    if (ec != std::errc() || next == p) break;
    v.push_back(n);
    p = next;
    while (p < end && *p == ' ') ++p;
    if (p == end || *p != ',') break;
    ++p;
  }
  if (p != end || v.size() != 4 || v[0] < 0 || v[1] < 0 || v[2] < 1 || v[3] < 1) {
    throw Refusal{400, "bad-request",
                  "field '" + name + "': expected x,y,w,h in pixels of the photo (w, h ≥ 1), found '" + text + "'"};
  }
  photo::Region r;
  r.name = name;
  r.rect = {v[0], v[1], v[2], v[3]};
  r.origin = "form field " + name;
  return r;
}

int parse_int_field(const std::string& name, const std::string& text, int lo, int hi) {
  int n = 0;
  const auto [next, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || next != text.data() + text.size() || n < lo || n > hi) {
    throw Refusal{400, "bad-request",
                  "field '" + name + "': expected " + std::to_string(lo) + " to " + std::to_string(hi) + ", found '" +
                      text + "'"};
  }
  return n;
}

bool parse_flag_field(const std::string& name, const std::string& text) {
  if (text == "1" || text == "true" || text == "on") return true;
  if (text == "0" || text == "false" || text == "off" || text.empty()) return false;
  throw Refusal{400, "bad-request", "field '" + name + "': expected 0 or 1, found '" + text + "'"};
}

std::string photo_label(const std::string& filename) {
  std::string out;
  for (char c : filename) {
    if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) out += c;
  }
  if (out.size() > 255) out.resize(255);
  // A browser sends the name in UTF-8; anything else is repaired, not refused (it is only a
  // label, and the JSON must print). The cut above may split a sequence: repaired the same way.
  out = utf8::repair(out);
  return out.empty() ? "upload" : out;
}

FormFields::FormFields(const httplib::Request& req, std::initializer_list<const char*> known, const char* file_field,
                       std::size_t max_field_bytes)
    : req_(req) {
  if (!req.is_multipart_form_data()) {
    throw Refusal{400, "bad-request",
                  std::string("expected a multipart/form-data upload") +
                      (file_field != nullptr ? std::string(" with the photo as its '") + file_field + "' part" : "")};
  }
  std::string names;
  for (const char* k : known) names += (names.empty() ? "" : ", ") + std::string(k);
  for (const auto& [name, part] : req.files) {
    bool is_known = false;
    for (const char* k : known) is_known = is_known || name == k;
    if (!is_known) throw Refusal{400, "bad-request", "unknown form field '" + name + "' (expected " + names + ")"};
    if (req.files.count(name) > 1) throw Refusal{400, "bad-request", "form field '" + name + "' is given twice"};
    const bool is_file = file_field != nullptr && name == file_field;
    if (!is_file && part.content.size() > max_field_bytes) {
      throw Refusal{400, "bad-request",
                    "form field '" + name + "' is longer than " + std::to_string(max_field_bytes) + " bytes"};
    }
    // Text that reaches the JSON answers and the history must be UTF-8 (nlohmann::json refuses
    // to print anything else).
    if (!is_file && !utf8::valid(part.content)) {
      throw Refusal{400, "bad-request", "form field '" + name + "' is not UTF-8 text"};
    }
    if (is_file) {
      if (part.content.size() > kMaxUploadBytes) {
        throw Refusal{413, "too-large", "the photo is larger than " + megabytes(kMaxUploadBytes)};
      }
      file_ = &part;
    }
  }
}

std::optional<std::string> FormFields::text(const char* name) const {
  const auto it = req_.files.find(name);
  if (it == req_.files.end()) return std::nullopt;
  return it->second.content;
}

std::optional<std::string> FormFields::given(const char* name) const {
  auto t = text(name);
  if (t && t->empty()) return std::nullopt;
  return t;
}

}  // namespace shadematch::server
