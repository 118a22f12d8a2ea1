#pragma once
// Shared by the server's routes (server.cpp: page, info, palette, match, preview;
// history_routes.cpp: clients and their sessions): JSON answers and errors, the form-field
// checks, and the limit on pipelines running at once. Internal to src/server.
#include <httplib.h>

#include <cstddef>
#include <initializer_list>
#include <optional>
#include <semaphore>
#include <string>

#include <nlohmann/json.hpp>

#include "photo/measure.hpp"

namespace shadematch::server {

// A request the server refuses, with its status and machine-readable code.
struct Refusal {
  int status;
  std::string code;
  std::string message;
};

void send_json(httplib::Response& res, int status, const nlohmann::json& j);
// Invalid UTF-8 in the message or `extra` is printed as U+FFFD (they quote the request).
void send_error(httplib::Response& res, int status, const std::string& code, const std::string& message,
                nlohmann::json extra = nlohmann::json::object());

std::string megabytes(std::size_t bytes);

// "x,y,w,h": four integers, w and h at least 1 (the photo's own bounds are checked by measure).
photo::Region parse_region(const std::string& name, const std::string& text);
int parse_int_field(const std::string& name, const std::string& text, int lo, int hi);
bool parse_flag_field(const std::string& name, const std::string& text);

// The upload's file name, as a label only (never opened): control characters dropped, at most
// 255 bytes, invalid UTF-8 replaced by U+FFFD, "upload" when empty.
std::string photo_label(const std::string& filename);

// The multipart/form-data fields of a request, checked: a form, only the `known` names, none
// given twice, each but `file_field` valid UTF-8 of at most `max_field_bytes` (the file's own
// limit is kMaxUploadBytes). Throws Refusal (400, or 413 for the file).
class FormFields {
 public:
  FormFields(const httplib::Request& req, std::initializer_list<const char*> known, const char* file_field,
             std::size_t max_field_bytes);
  // The field's text, or nullopt when absent.
  std::optional<std::string> text(const char* name) const;
  // The field's text when present and not empty.
  std::optional<std::string> given(const char* name) const;
  const httplib::MultipartFormData* file() const { return file_; }

 private:
  const httplib::Request& req_;
  const httplib::MultipartFormData* file_ = nullptr;
};

// Pipelines running at once: a counting semaphore held for the whole of one photo's work.
class JobSlots {
 public:
  explicit JobSlots(unsigned n) : slots_(static_cast<std::ptrdiff_t>(n)) {}
  class Held {
   public:
    explicit Held(JobSlots& s) : s_(s) { s_.slots_.acquire(); }
    ~Held() { s_.slots_.release(); }
    Held(const Held&) = delete;
    Held& operator=(const Held&) = delete;

   private:
    JobSlots& s_;
  };

 private:
  std::counting_semaphore<1024> slots_;
};

}  // namespace shadematch::server
