#include "cli/arguments.hpp"

#include <charconv>
#include <cmath>
#include <sstream>
#include <vector>

#include "cli/options.hpp"
#include "common/error.hpp"

namespace shadematch::cli {

photo::Region parse_region_argument(const std::string& name, const std::string& text, const std::string& command,
                                    const std::string& flag) {
  const std::vector<int> v = parse_int_list(text, 4, command + ": " + flag);
  photo::Region r;
  r.name = name;
  r.rect = {v[0], v[1], v[2], v[3]};
  r.origin = flag;
  return r;
}

pigment::Blend parse_blend_argument(const std::string& text, const pigment::Palette& palette) {
  try {
    return pigment::parse_blend(text, palette, "--blend");
  } catch (const InputError& e) {
    throw InputError(e.file(), 1, e.column(), e.message());
  }
}

photo::Region parse_named_region_argument(const std::string& item, const std::string& command) {
  const auto eq = item.find('=');
  if (eq == std::string::npos || eq == 0) {
    throw UsageError(command + ": --region: expected NAME=x,y,w,h, found '" + item + "'");
  }
  const std::string name = item.substr(0, eq);
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) throw UsageError(command + ": --region: NAME must be letters, digits, '_' or '-', found '" + name + "'");
  }
  return parse_region_argument(name, item.substr(eq + 1), command, "--region " + name);
}

Quad parse_corners(const std::string& text, const std::string& what) {
  std::string t = text;
  for (char& c : t) {
    if (c == ';') c = ' ';
  }
  std::istringstream in(t);
  std::vector<std::string> points;
  for (std::string p; in >> p;) points.push_back(p);
  if (points.size() != 4) {
    throw UsageError(what + ": expected four points \"x,y x,y x,y x,y\", found '" + text + "'");
  }
  Quad out;
  for (std::size_t i = 0; i < 4; ++i) {
    const auto comma = points[i].find(',');
    bool ok = comma != std::string::npos;
    double x = 0, y = 0;
    if (ok) {
      // std::from_chars: no locale, no exception, and the whole text must be the number.
      const std::string_view xs = std::string_view(points[i]).substr(0, comma);
      const std::string_view ys = std::string_view(points[i]).substr(comma + 1);
      const auto rx = std::from_chars(xs.data(), xs.data() + xs.size(), x);
      const auto ry = std::from_chars(ys.data(), ys.data() + ys.size(), y);
      ok = !xs.empty() && !ys.empty() && rx.ec == std::errc{} && ry.ec == std::errc{} &&
           rx.ptr == xs.data() + xs.size() && ry.ptr == ys.data() + ys.size() && std::isfinite(x) && std::isfinite(y) &&
           x >= 0 && y >= 0 && x < 1e6 && y < 1e6;
    }
    if (!ok)
      throw UsageError(what + ": point " + std::to_string(i + 1) + " must be x,y in pixels, found '" + points[i] + "'");
    out[i] = PointF{static_cast<float>(x), static_cast<float>(y)};
  }
  return out;
}

}  // namespace shadematch::cli
