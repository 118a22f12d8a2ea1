#include "files/case_file.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "common/error.hpp"
#include "files/yaml_util.hpp"

namespace shadematch::files {
namespace {

constexpr int kMaxSessions = 10;  // SMP plans run 2–4 sessions; 10 leaves room without typos

std::string found(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
      return "nothing";
    case YAML::NodeType::Scalar:
      return "'" + node.Scalar() + "'";
    case YAML::NodeType::Sequence:
      return "a list of " + std::to_string(node.size());
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Undefined:
      return "nothing";
  }
  return "?";
}

class Reader {
 public:
  explicit Reader(std::string source) : source_(std::move(source)) {}

  [[noreturn]] void fail(const YAML::Node& node, const std::string& message) const {
    const YAML::Mark mark = node.Mark();
    if (mark.is_null()) throw InputError(source_, 0, 0, message);
    throw InputError(source_, mark.line + 1, mark.column + 1, message);  // yaml-cpp counts from 0
  }
  [[noreturn]] void expected(const YAML::Node& node, const std::string& key, const std::string& what) const {
    fail(node, key + ": expected " + what + ", found " + found(node));
  }

  void check_keys(const YAML::Node& map, std::initializer_list<std::string_view> allowed,
                  const std::string& where) const {
    yaml_util::check_keys(source_, map, allowed, where);
  }

  YAML::Node require(const YAML::Node& map, const std::string& key, const std::string& where) const {
    const YAML::Node n = map[key];
    if (!n) fail(map, key + ": missing in " + where);
    return n;
  }

  std::string text(const YAML::Node& n, const std::string& key) const {
    if (!n.IsScalar() || n.Scalar().empty()) expected(n, key, "text");
    return n.Scalar();
  }

  double number(const YAML::Node& n, const std::string& key, double lo, double hi) const {
    const std::string what = "a number from " + fmt(lo) + " to " + fmt(hi);
    if (!n.IsScalar()) expected(n, key, what);
    double v = 0.0;
    try {
      v = n.as<double>();
    } catch (const YAML::Exception&) {
      expected(n, key, what);
    }
    if (!std::isfinite(v) || v < lo || v > hi) expected(n, key, what);
    return v;
  }

  int integer(const YAML::Node& n, const std::string& key, int lo, int hi) const {
    const std::string what = "a whole number from " + std::to_string(lo) + " to " + std::to_string(hi);
    if (!n.IsScalar()) expected(n, key, what);
    double v = 0.0;
    try {
      v = n.as<double>();
    } catch (const YAML::Exception&) {
      expected(n, key, what);
    }
    if (!std::isfinite(v) || v != std::floor(v) || v < lo || v > hi) expected(n, key, what);
    return static_cast<int>(v);
  }

  // CIELAB D50 of a reflective colour: L* 0..100, a*, b* within ±128.
  colour::Lab lab(const YAML::Node& n, const std::string& key) const {
    const std::string what = "[L*, a*, b*] with L* 0..100 and a*, b* within ±128";
    if (!n.IsSequence() || n.size() != 3) expected(n, key, what);
    for (const auto& e : n) {
      if (!e.IsScalar()) expected(n, key, what);
    }
    return {number(n[0], key + " L*", 0.0, 100.0), number(n[1], key + " a*", -128.0, 128.0),
            number(n[2], key + " b*", -128.0, 128.0)};
  }

  const std::string& source() const { return source_; }

 private:
  static std::string fmt(double v) {
    std::ostringstream s;
    s << v;
    return s.str();
  }
  std::string source_;
};

bool valid_id(const std::string& id) {
  return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
           c == '.';
  });
}

std::string resolve(const std::string& source, const std::string& path) {
  const std::filesystem::path p(path);
  if (p.is_absolute()) return path;
  const std::filesystem::path base = std::filesystem::path(source).parent_path();
  return base.empty() ? path : (base / p).lexically_normal().string();
}

photo::Region region(const Reader& r, const YAML::Node& n, const std::string& name) {
  const std::string key = "regions." + name;
  const std::string what = "[x, y, w, h] in photo pixels (w, h ≥ 1)";
  if (!n.IsSequence() || n.size() != 4) r.expected(n, key, what);
  photo::Region out;
  out.name = name;
  const int x = r.integer(n[0], key + " x", 0, 1'000'000);
  const int y = r.integer(n[1], key + " y", 0, 1'000'000);
  const int w = r.integer(n[2], key + " w", 1, 1'000'000);
  const int h = r.integer(n[3], key + " h", 1, 1'000'000);
  out.rect = PixelRect{x, y, w, h};
  out.origin = r.source();
  out.line = n.Mark().is_null() ? 0 : n.Mark().line + 1;
  out.column = n.Mark().is_null() ? 0 : n.Mark().column + 1;
  return out;
}

CaseSpec parse_case(const Reader& r, const YAML::Node& n, const std::optional<std::string>& default_palette) {
  if (!n.IsMap()) r.expected(n, "cases", "a case (a mapping with id, palette, target and skin or photo)");
  r.check_keys(
      n, {"id", "title", "palette", "sessions", "shade_step_dL", "target", "skin", "photo", "card", "goal", "regions"},
      "a case");
  CaseSpec c;
  c.source = r.source();
  c.line = n.Mark().is_null() ? 0 : n.Mark().line + 1;
  c.column = n.Mark().is_null() ? 0 : n.Mark().column + 1;
  const YAML::Node id = r.require(n, "id", "a case");
  c.id = r.text(id, "id");
  if (!valid_id(c.id)) r.expected(id, "id", "letters, digits, '-', '_' or '.' (at most 64)");
  if (const YAML::Node t = n["title"]) c.title = r.text(t, "title");
  if (const YAML::Node p = n["palette"]) {
    c.palette_path = resolve(r.source(), r.text(p, "palette"));
  } else if (default_palette) {
    c.palette_path = *default_palette;
  } else {
    r.fail(n, "palette: missing in case '" + c.id + "' (give it here or at the top of the file)");
  }
  if (const YAML::Node s = n["sessions"]) c.sessions = r.integer(s, "sessions", 1, kMaxSessions);
  // ΔL* between sessions: above 0 (sessions must darken) and at most 20 (four shades of 20 would
  // span most of the L* scale; larger is a typo).
  if (const YAML::Node s = n["shade_step_dL"]) {
    c.shade_step_dl = r.number(s, "shade_step_dL", 0.0, 20.0);
    if (*c.shade_step_dl <= 0.0) r.expected(s, "shade_step_dL", "a number above 0 and at most 20");
  }

  const YAML::Node target = n["target"];
  const YAML::Node skin = n["skin"];
  const YAML::Node photo_node = n["photo"];
  if (photo_node) {
    if (target || skin) {
      r.fail(target ? target : skin, std::string(target ? "target" : "skin") +
                                         ": expected either a photo or target and skin, found both in case '" + c.id +
                                         "'");
    }
    c.photo_path = resolve(r.source(), r.text(photo_node, "photo"));
    if (const YAML::Node card = n["card"]) c.card = r.text(card, "card");
    if (const YAML::Node g = n["goal"]) {
      const auto goal = plan::parse_goal(g.IsScalar() ? g.Scalar() : "");
      if (!goal) r.expected(g, "goal", "follicle, reduce-contrast or scar");
      c.goal = *goal;
    }
    const YAML::Node regions = r.require(n, "regions", "a photo case");
    if (!regions.IsMap()) r.expected(regions, "regions", "a mapping {hair: [x, y, w, h], scalp: […], scar: […]}");
    r.check_keys(regions, {"hair", "scalp", "scar"}, "regions");
    const std::vector<std::string> needed = c.goal == plan::Goal::scar
                                                ? std::vector<std::string>{"hair", "scalp", "scar"}
                                                : std::vector<std::string>{"hair", "scalp"};
    for (const std::string& name : needed) {
      if (!regions[name]) {
        r.fail(regions, "regions." + name + ": missing (goal " + std::string(plan::goal_name(c.goal)) + " needs " +
                            (needed.size() == 3 ? "hair, scalp and scar" : "hair and scalp") + ")");
      }
    }
    for (const std::string name : {"hair", "scalp", "scar"}) {
      if (regions[name]) c.regions.push_back(region(r, regions[name], name));
    }
  } else {
    if (!target && !skin) {
      r.fail(n, "target: missing in case '" + c.id + "' (give target and skin Lab, or a photo with regions)");
    }
    if (!target) r.fail(skin, "target: missing in case '" + c.id + "' (skin is given; the target is needed too)");
    if (!skin) r.fail(target, "skin: missing in case '" + c.id + "' (target is given; the skin is needed too)");
    for (const char* key : {"card", "regions"}) {
      if (const YAML::Node extra = n[key]) r.fail(extra, std::string(key) + ": only a photo case has " + key);
    }
    // The colour form gives the final target directly: the follicle goal's plan.
    if (const YAML::Node g = n["goal"]) {
      if (!g.IsScalar() || g.Scalar() != "follicle") {
        r.expected(g, "goal", "follicle (target and skin give the final target itself; other goals need a photo)");
      }
    }
    c.target = r.lab(target, "target");
    c.skin = r.lab(skin, "skin");
  }
  return c;
}

}  // namespace

CaseFile parse_case_file(std::string_view text, const std::string& source) {
  YAML::Node root = yaml_util::load(text, source);
  const Reader r(source);
  if (!root.IsMap()) r.expected(root, "case file", "a mapping with schema and cases");
  r.check_keys(root, {"schema", "palette", "cases"}, "the case file");
  const YAML::Node schema = r.require(root, "schema", "the case file");
  if (!schema.IsScalar() || schema.Scalar() != "shadematch-case/1") r.expected(schema, "schema", "shadematch-case/1");
  std::optional<std::string> palette;
  if (const YAML::Node p = root["palette"]) palette = resolve(source, r.text(p, "palette"));
  const YAML::Node cases = r.require(root, "cases", "the case file");
  if (!cases.IsSequence() || cases.size() == 0) r.expected(cases, "cases", "a list of at least one case");
  CaseFile out;
  out.source = source;
  std::set<std::string> seen;
  for (const auto& n : cases) {
    CaseSpec c = parse_case(r, n, palette);
    if (!seen.insert(c.id).second) r.fail(n["id"], "id: duplicate case id '" + c.id + "'");
    out.cases.push_back(std::move(c));
  }
  return out;
}

CaseFile load_case_file(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw InputError(path, "is a directory, not a case file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path, "cannot read the case file (missing or unreadable)");
  std::ostringstream text;
  text << in.rdbuf();
  if (text.str().find_first_not_of(" \t\r\n") == std::string::npos) {
    throw InputError(path, "the case file is empty");
  }
  return parse_case_file(text.str(), path);
}

}  // namespace shadematch::files
