#include "report/html.hpp"

#include "colour/srgb.hpp"
#include "report/terminal.hpp"

namespace shadematch::report {

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string base64(std::string_view bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                       static_cast<unsigned char>(bytes[i + 2]);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  const std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    unsigned v = static_cast<unsigned>(static_cast<unsigned char>(bytes[i])) << 16;
    if (rest == 2) v |= static_cast<unsigned>(static_cast<unsigned char>(bytes[i + 1])) << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += rest == 2 ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string data_uri(std::string_view mime, std::string_view bytes) {
  return "data:" + std::string(mime) + ";base64," + base64(bytes);
}

std::string html_swatch(const colour::Lab& lab, std::string_view label, int size_px) {
  const colour::Srgb8 rgb = colour::lab_d50_to_srgb8(lab);
  const std::string hex = rgb.hex();
  const std::string size = std::to_string(size_px) + "px";
  std::string out = "<figure class=\"sw\"><div class=\"chip\" style=\"background:" + hex + ";width:" + size +
                    ";height:" + size + "\" title=\"" + html_escape(lab_text(lab) + "  " + hex) + "\"></div>";
  if (!label.empty()) out += "<figcaption>" + html_escape(label) + "</figcaption>";
  return out + "</figure>";
}

std::string html_page(std::string_view title, std::string_view body) {
  std::string out =
      "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>" +
      html_escape(title) +
      "</title>\n<style>\n"
      "body{font-family:system-ui,-apple-system,\"Segoe UI\",Roboto,sans-serif;margin:0 auto;max-width:60rem;"
      "padding:1rem;color:#1b1b1b;background:#fafafa;line-height:1.4}\n"
      "h1{font-size:1.4rem;margin:.2rem 0 .8rem}h2{font-size:1.15rem;margin:1.4rem 0 .5rem;border-bottom:1px solid "
      "#ddd}\n"
      "table{border-collapse:collapse;width:100%;font-size:.95rem}th,td{text-align:left;padding:.35rem .4rem;"
      "border-bottom:1px solid #e4e4e4;vertical-align:middle}td.n{text-align:right;font-variant-numeric:tabular-nums}\n"
      ".sw{display:inline-block;margin:0;text-align:center}.chip{border:1px solid #888;border-radius:4px}\n"
      ".sw figcaption{font-size:.75rem;color:#555}\n"
      ".session{background:#fff;border:1px solid #ddd;border-radius:6px;padding:.6rem .8rem;margin:1rem 0}\n"
      ".target{display:flex;gap:.8rem;align-items:center;flex-wrap:wrap}\n"
      ".recipe{font-weight:600}.warn{background:#fff4e0;border-left:4px solid #e8a33d;padding:.4rem .6rem;margin:.4rem "
      "0}\n"
      ".thumb{max-width:100%;height:auto;border:1px solid #ccc}.muted{color:#666;font-size:.85rem}\n"
      "@media (max-width:36rem){th.opt,td.opt{display:none}body{padding:.5rem}}\n"
      "</style>\n</head>\n<body>\n";
  out += body;
  out += "\n</body>\n</html>\n";
  return out;
}

}  // namespace shadematch::report
