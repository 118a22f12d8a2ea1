#include "files/card_file.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "common/embedded.hpp"
#include "common/error.hpp"
#include "files/yaml_util.hpp"

namespace shadematch::files {
namespace {

using yaml_util::describe;
using yaml_util::fail;

class Parser {
 public:
  explicit Parser(std::string source) : source_(std::move(source)) {}

  void check_keys(const YAML::Node& map, std::initializer_list<std::string_view> allowed,
                  const std::string& where) const {
    yaml_util::check_keys(source_, map, allowed, where);
  }

  YAML::Node require(const YAML::Node& map, const std::string& key, const std::string& where) const {
    const YAML::Node n = map[key];
    if (!n) fail(source_, map, "missing key '" + key + "' in " + where);
    return n;
  }

  std::string string(const YAML::Node& n, const std::string& key) const {
    if (!n.IsScalar()) fail(source_, n, "'" + key + "' must be a string, found " + describe(n));
    return n.Scalar();
  }

  double number(const YAML::Node& n, const std::string& key) const {
    if (!n.IsScalar()) fail(source_, n, "'" + key + "' must be a number, found " + describe(n));
    double v = 0;
    try {
      v = n.as<double>();
    } catch (const YAML::Exception&) {
      fail(source_, n, "'" + key + "' must be a number, found " + describe(n));
    }
    if (!std::isfinite(v)) fail(source_, n, "'" + key + "' must be a finite number, found " + describe(n));
    return v;
  }

  int integer(const YAML::Node& n, const std::string& key) const {
    const double v = number(n, key);
    if (v != std::floor(v) || std::fabs(v) > 1e6)
      fail(source_, n, "'" + key + "' must be an integer, found " + describe(n));
    return static_cast<int>(v);
  }

  std::vector<double> numbers(const YAML::Node& n, const std::string& key, std::size_t count) const {
    if (!n.IsSequence() || n.size() != count) {
      fail(source_, n, "'" + key + "' must be a list of " + std::to_string(count) + " numbers, found " + describe(n));
    }
    std::vector<double> out;
    for (const auto& e : n) out.push_back(number(e, key));
    return out;
  }

  const std::string& source() const { return source_; }

 private:
  std::string source_;
};

bool valid_id(const std::string& id) {
  return !id.empty() && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

std::vector<CardFile> load_builtin_cards() {
  std::vector<CardFile> cards;
  for (const auto& file : embedded_files()) {
    const std::string name(file.name);
    if (name.size() < 5 || name.substr(name.size() - 5) != ".yaml") continue;
    if (file.text.find("schema: shadematch-card/1") == std::string_view::npos) continue;
    cards.push_back(parse_card(file.text, "calibration/" + name));
  }
  return cards;
}

const std::vector<CardFile>& builtin_cards() {
  static const std::vector<CardFile> cards = load_builtin_cards();
  return cards;
}

}  // namespace

CardFile parse_card(std::string_view text, const std::string& source) {
  YAML::Node root = yaml_util::load(text, source);
  Parser p(source);
  if (!root.IsMap())
    fail(source, root, "a card file must be a mapping (schema, id, grid, patches, …), found " + describe(root));
  p.check_keys(
      root,
      {"schema", "id", "title", "edition", "source", "aliases", "illuminant", "observer", "grid", "neutral", "patches"},
      "the card file");

  const YAML::Node schema = p.require(root, "schema", "the card file");
  if (p.string(schema, "schema") != "shadematch-card/1") {
    fail(source, schema, "'schema' must be 'shadematch-card/1', found " + describe(schema));
  }
  CardFile out;
  photo::CardDefinition& card = out.card;
  const YAML::Node id = p.require(root, "id", "the card file");
  card.id = p.string(id, "id");
  if (!valid_id(card.id)) fail(source, id, "'id' must match [a-z0-9-]+, found " + describe(id));
  if (root["title"]) card.title = p.string(root["title"], "title");
  if (root["edition"]) card.edition = p.string(root["edition"], "edition");
  if (root["source"]) card.source = p.string(root["source"], "source");
  if (const YAML::Node aliases = root["aliases"]) {
    if (!aliases.IsSequence()) fail(source, aliases, "'aliases' must be a list of ids, found " + describe(aliases));
    for (const auto& a : aliases) {
      const std::string alias = p.string(a, "aliases");
      if (!valid_id(alias)) fail(source, a, "an alias must match [a-z0-9-]+, found " + describe(a));
      out.aliases.push_back(alias);
    }
  }
  if (const YAML::Node ill = root["illuminant"]; ill && p.string(ill, "illuminant") != "D50") {
    fail(source, ill,
         "'illuminant' must be D50 (reference Lab is relative to D50, the ICC PCS), found " + describe(ill));
  }
  if (const YAML::Node obs = root["observer"]; obs && p.integer(obs, "observer") != 2) {
    fail(source, obs, "'observer' must be 2 (CIE 1931 2°), found " + describe(obs));
  }

  const YAML::Node grid = p.require(root, "grid", "the card file");
  if (!grid.IsMap())
    fail(source, grid, "'grid' must be a mapping {rows, cols, width, height}, found " + describe(grid));
  p.check_keys(grid, {"rows", "cols", "width", "height"}, "'grid'");
  card.rows = p.integer(p.require(grid, "rows", "'grid'"), "rows");
  card.cols = p.integer(p.require(grid, "cols", "'grid'"), "cols");
  card.width = p.number(p.require(grid, "width", "'grid'"), "width");
  card.height = p.number(p.require(grid, "height", "'grid'"), "height");
  if (card.rows < 1 || card.cols < 1 || card.rows * card.cols < 6 || card.rows * card.cols > 400) {
    fail(source, grid,
         "'grid' must hold between 6 and 400 patches, found " + std::to_string(card.rows) + " × " +
             std::to_string(card.cols));
  }
  if (!(card.width > 0) || !(card.height > 0)) fail(source, grid, "'grid' width and height must be positive");

  const YAML::Node patches = p.require(root, "patches", "the card file");
  const auto expected = static_cast<std::size_t>(card.rows * card.cols);
  if (!patches.IsSequence() || patches.size() != expected) {
    fail(source, patches,
         "'patches' must list " + std::to_string(expected) + " patches (rows × cols), found " +
             (patches.IsSequence() ? std::to_string(patches.size()) + " patches" : describe(patches)));
  }
  int k = 0;
  for (const auto& pn : patches) {
    ++k;
    if (!pn.IsMap())
      fail(source, pn, "a patch must be a mapping {index, name, center, size, lab}, found " + describe(pn));
    p.check_keys(pn, {"index", "name", "center", "size", "lab", "neutral"}, "a patch");
    photo::CardPatch patch;
    const YAML::Node idx = p.require(pn, "index", "a patch");
    patch.index = p.integer(idx, "index");
    if (patch.index != k)
      fail(source, idx, "patch 'index' must be " + std::to_string(k) + " (row-major order), found " + describe(idx));
    patch.name = p.string(p.require(pn, "name", "a patch"), "name");
    const YAML::Node centre = p.require(pn, "center", "a patch");
    const auto c = p.numbers(centre, "center", 2);
    const YAML::Node sizen = p.require(pn, "size", "a patch");
    const auto s = p.numbers(sizen, "size", 2);
    patch.cx = c[0];
    patch.cy = c[1];
    patch.w = s[0];
    patch.h = s[1];
    if (!(patch.w > 0) || !(patch.h > 0)) fail(source, sizen, "patch 'size' must be positive");
    if (patch.cx - patch.w / 2 < -1e-9 || patch.cy - patch.h / 2 < -1e-9 ||
        patch.cx + patch.w / 2 > card.width + 1e-9 || patch.cy + patch.h / 2 > card.height + 1e-9) {
      fail(source, centre, "patch " + std::to_string(k) + " lies outside the grid (0, 0)–(width, height)");
    }
    const YAML::Node labn = p.require(pn, "lab", "a patch");
    const auto lab = p.numbers(labn, "lab", 3);
    if (lab[0] < 0 || lab[0] > 100 || std::fabs(lab[1]) > 200 || std::fabs(lab[2]) > 200) {
      fail(source, labn, "patch 'lab' must have L* in [0, 100] and |a*|, |b*| ≤ 200");
    }
    patch.reference_lab = {lab[0], lab[1], lab[2]};
    if (const YAML::Node nn = pn["neutral"]) {
      if (!nn.IsScalar() || (nn.Scalar() != "true" && nn.Scalar() != "false")) {
        fail(source, nn, "patch 'neutral' must be true or false, found " + describe(nn));
      }
      patch.neutral = nn.Scalar() == "true";
    }
    card.patches.push_back(patch);
  }
  if (const YAML::Node neutral = root["neutral"]) {
    if (!neutral.IsSequence())
      fail(source, neutral, "'neutral' must be a list of patch indices, found " + describe(neutral));
    for (const auto& n : neutral) {
      const int i = p.integer(n, "neutral");
      if (i < 1 || i > static_cast<int>(expected))
        fail(source, n, "'neutral' index out of range 1.." + std::to_string(expected));
      card.patches[static_cast<std::size_t>(i - 1)].neutral = true;
    }
  }
  return out;
}

photo::CardDefinition load_card_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path, "cannot open card file");
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw InputError(path, "cannot read card file");
  const std::string text = ss.str();
  if (text.empty()) throw InputError(path, "card file is empty");
  return parse_card(text, path).card;
}

std::vector<std::string> builtin_card_ids() {
  std::vector<std::string> ids;
  for (const auto& c : builtin_cards()) ids.push_back(c.card.id);
  std::sort(ids.begin(), ids.end());
  return ids;
}

std::optional<photo::CardDefinition> builtin_card(std::string_view id_or_alias) {
  for (const auto& c : builtin_cards()) {
    if (c.card.id == id_or_alias) return c.card;
  }
  for (const auto& c : builtin_cards()) {
    if (std::find(c.aliases.begin(), c.aliases.end(), id_or_alias) != c.aliases.end()) return c.card;
  }
  return std::nullopt;
}

photo::CardDefinition resolve_card(const std::string& id_or_path) {
  if (auto card = builtin_card(id_or_path)) return *card;
  std::error_code ec;
  const bool looks_like_path = id_or_path.find('/') != std::string::npos || id_or_path.ends_with(".yaml") ||
                               id_or_path.ends_with(".yml") || std::filesystem::is_regular_file(id_or_path, ec);
  if (looks_like_path) return load_card_file(id_or_path);
  std::string list;
  for (const auto& id : builtin_card_ids()) list += (list.empty() ? "" : ", ") + id;
  throw InputError("--card: unknown card '" + id_or_path + "' (built-in: " + list +
                   "; or a path to a card .yaml file)");
}

}  // namespace shadematch::files
