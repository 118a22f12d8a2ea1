#include "files/regions_file.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "common/error.hpp"
#include "files/yaml_util.hpp"

namespace shadematch::files {
namespace {

using yaml_util::describe;
using yaml_util::fail;

bool valid_name(const std::string& name) {
  if (name.empty()) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

int pixel(const std::string& source, const YAML::Node& n, const std::string& what) {
  double v = 0;
  bool ok = n.IsScalar();
  if (ok) {
    try {
      v = n.as<double>();
    } catch (const YAML::Exception&) {
      ok = false;
    }
  }
  if (!ok || !std::isfinite(v)) fail(source, n, what + " must be a number of pixels, found " + describe(n));
  // 1e6 px is beyond any photo (the decoder refuses more than 1e8 pixels in all).
  if (v != std::floor(v) || v < 0 || v > 1e6) {
    fail(source, n, what + " must be a whole number of pixels from 0 to 1000000, found " + describe(n));
  }
  return static_cast<int>(v);
}

PixelRect rect_of(const std::string& source, const YAML::Node& n, const std::string& name) {
  if (!n.IsSequence() || n.size() != 4) {
    fail(source, n,
         "region '" + name + "': a rectangle is [x, y, w, h] (4 numbers), found " + describe(n) +
             (n.IsSequence() ? " of " + std::to_string(n.size()) : ""));
  }
  const char* parts[4] = {"x", "y", "w", "h"};
  int v[4];
  for (std::size_t i = 0; i < 4; ++i) v[i] = pixel(source, n[i], "region '" + name + "': " + parts[i]);
  if (v[2] == 0 || v[3] == 0) fail(source, n, "region '" + name + "' is empty (w and h must be at least 1)");
  return {v[0], v[1], v[2], v[3]};
}

}  // namespace

std::vector<photo::Region> parse_regions_yaml(std::string_view text, const std::string& source) {
  YAML::Node root = yaml_util::load(text, source);
  if (!root.IsMap()) fail(source, root, "expected a mapping with 'regions', found " + describe(root));
  yaml_util::check_keys(source, root, {"schema", "regions"}, "the regions file");
  if (const YAML::Node schema = root["schema"]) {
    if (!schema.IsScalar() || schema.Scalar() != "shadematch-regions/1") {
      fail(source, schema, "schema must be 'shadematch-regions/1', found " + describe(schema));
    }
  }
  const YAML::Node regions = root["regions"];
  if (!regions) fail(source, root, "missing key 'regions'");
  if (!regions.IsMap() || regions.size() == 0) {
    fail(source, regions, "'regions' must map names to rectangles or polygons, found " + describe(regions));
  }
  std::vector<photo::Region> out;
  std::set<std::string> seen;
  for (const auto& kv : regions) {
    photo::Region r;
    r.name = yaml_util::key_name(source, kv.first, "'regions'");
    r.origin = source;
    r.line = kv.first.Mark().line + 1;
    r.column = kv.first.Mark().column + 1;
    if (!valid_name(r.name)) fail(source, kv.first, "region name '" + r.name + "' must be letters, digits, '_' or '-'");
    if (!seen.insert(r.name).second) fail(source, kv.first, "region '" + r.name + "' is given twice");
    const YAML::Node& v = kv.second;
    if (v.IsSequence()) {
      r.rect = rect_of(source, v, r.name);
    } else if (v.IsMap()) {
      if (v.size() != 1 || !(v["rect"] || v["polygon"])) {
        fail(source, v, "region '" + r.name + "' must have exactly one of 'rect' or 'polygon'");
      }
      if (const YAML::Node rect = v["rect"]) {
        r.rect = rect_of(source, rect, r.name);
      } else {
        const YAML::Node poly = v["polygon"];
        if (!poly.IsSequence() || poly.size() < 3) {
          fail(source, poly,
               "region '" + r.name + "': a polygon is a list of at least 3 [x, y] points, found " + describe(poly));
        }
        for (const auto& p : poly) {
          if (!p.IsSequence() || p.size() != 2) {
            fail(source, p, "region '" + r.name + "': a polygon point is [x, y], found " + describe(p));
          }
          r.polygon.push_back(PixelPoint{pixel(source, p[0], "region '" + r.name + "': x"),
                                         pixel(source, p[1], "region '" + r.name + "': y")});
        }
        int x0 = r.polygon[0].x, y0 = r.polygon[0].y, x1 = x0, y1 = y0;
        for (const auto& p : r.polygon) {
          x0 = std::min(x0, p.x);
          y0 = std::min(y0, p.y);
          x1 = std::max(x1, p.x);
          y1 = std::max(y1, p.y);
        }
        r.rect = {x0, y0, x1 - x0 + 1, y1 - y0 + 1};
        if (r.rect.width < 2 || r.rect.height < 2)
          fail(source, poly, "region '" + r.name + "': the polygon encloses no area");
      }
    } else {
      fail(source, v,
           "region '" + r.name + "' must be [x, y, w, h] or {rect: …} or {polygon: …}, found " + describe(v));
    }
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<photo::Region> load_regions_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path, "cannot read the regions file");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_regions_yaml(text.str(), path);
}

std::string regions_sidecar_path(const std::string& photo_path) {
  return photo_path + ".regions.yaml";
}

}  // namespace shadematch::files
