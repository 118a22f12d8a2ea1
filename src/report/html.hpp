#pragma once
// Helpers for self-contained HTML reports: escaping, base64 data: URIs, colour swatches, and the
// page frame with inline CSS readable on a phone (fluid width, viewport meta, system fonts).
#include <string>
#include <string_view>

#include "colour/types.hpp"

namespace shadematch::report {

// Escapes & < > " ' for text and attribute values.
std::string html_escape(std::string_view text);

// RFC 4648 base64 (with padding).
std::string base64(std::string_view bytes);
// "data:MIME;base64,…"
std::string data_uri(std::string_view mime, std::string_view bytes);

// A coloured square (inline style) with a title giving the Lab and hex; `label` below it.
std::string html_swatch(const colour::Lab& lab_d50, std::string_view label = "", int size_px = 48);

// <!doctype html> … with the shared stylesheet; `body` is inserted as is.
std::string html_page(std::string_view title, std::string_view body);

}  // namespace shadematch::report
