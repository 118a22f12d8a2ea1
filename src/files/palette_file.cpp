#include "files/palette_file.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <initializer_list>
#include <map>
#include <sstream>

#include "colour/spectral.hpp"
#include "common/error.hpp"
#include "files/yaml_util.hpp"

namespace shadematch::files {
namespace {

// What a node holds, for "found …". Where quoting matters (a number or boolean written in quotes
// is text), `show_quotes` says so.
std::string describe(const YAML::Node& n, bool show_quotes = false) {
  switch (n.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return "nothing";
    case YAML::NodeType::Scalar:
      return show_quotes && n.Tag() == "!" ? "the text \"" + n.Scalar() + "\"" : "'" + n.Scalar() + "'";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a mapping";
  }
  return "something else";
}

std::string trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

std::string format_number(double v) {
  std::ostringstream o;
  o << v;
  return o.str();
}

class PaletteParser {
 public:
  explicit PaletteParser(std::string source) : source_(std::move(source)) {}

  [[noreturn]] void fail(const YAML::Node& at, const std::string& key, const std::string& message) const {
    const YAML::Mark m = at.Mark();
    const std::string text = key.empty() ? message : key + ": " + message;
    if (m.is_null()) throw InputError(source_, 0, 0, text);
    throw InputError(source_, m.line + 1, m.column + 1, text);
  }

  // Every key of `map` must be in `allowed` and appear once (yaml_util::check_keys); `where` is the
  // mapping's key path ("" for the palette itself).
  void check_keys(const YAML::Node& map, std::initializer_list<std::string_view> allowed,
                  const std::string& where) const {
    yaml_util::check_keys(source_, map, allowed, where, yaml_util::KeyErrors::key_path);
  }

  YAML::Node require(const YAML::Node& map, const char* key, const std::string& where, const std::string& what) const {
    const YAML::Node n = map[key];
    if (!n) fail(map, where, "expected key '" + std::string(key) + "' (" + what + "), found none");
    return n;
  }

  YAML::Node mapping(const YAML::Node& n, const std::string& key, const std::string& what) const {
    if (!n.IsMap()) fail(n, key, "expected a mapping " + what + ", found " + describe(n));
    return n;
  }

  std::string text(const YAML::Node& n, const std::string& key, bool allow_empty = false) const {
    if (n.IsNull() && allow_empty) return "";
    if (!n.IsScalar()) fail(n, key, "expected text, found " + describe(n));
    std::string s = trim(n.Scalar());  // not const: returned by move
    if (s.empty() && !allow_empty) fail(n, key, "expected non-empty text, found nothing");
    return s;
  }

  double number(const YAML::Node& n, const std::string& key) const {
    if (!n.IsScalar()) fail(n, key, "expected a number, found " + describe(n));
    if (n.Tag() == "!") fail(n, key, "expected a number, found " + describe(n, true) + " (remove the quotes)");
    std::string s = trim(n.Scalar());
    std::string lower = s;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    for (const char* special :
         {"nan", ".nan", "inf", ".inf", "+inf", "+.inf", "-inf", "-.inf", "infinity", "-infinity"}) {
      if (lower == special) fail(n, key, "expected a finite number, found '" + s + "'");
    }
    std::string_view v = s;
    if (!v.empty() && v.front() == '+') v.remove_prefix(1);
    double out = 0.0;
    const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
    if (v.empty() || ec != std::errc{} || end != v.data() + v.size()) {
      fail(n, key, "expected a number, found " + describe(n));
    }
    if (!std::isfinite(out)) fail(n, key, "expected a finite number, found '" + s + "'");
    return out;
  }

  double number_in(const YAML::Node& n, const std::string& key, double lo, double hi, bool lo_open,
                   const std::string& what) const {
    const double v = number(n, key);
    if ((lo_open ? v <= lo : v < lo) || v > hi) fail(n, key, "expected " + what + ", found " + trim(n.Scalar()));
    return v;
  }

  int whole(const YAML::Node& n, const std::string& key, int lo, int hi) const {
    const std::string range = "a whole number from " + std::to_string(lo) + " to " + std::to_string(hi);
    if (!n.IsScalar() || n.Tag() == "!") fail(n, key, "expected " + range + ", found " + describe(n, true));
    const std::string s = trim(n.Scalar());
    int out = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    if (s.empty() || ec != std::errc{} || end != s.data() + s.size() || out < lo || out > hi) {
      fail(n, key, "expected " + range + ", found '" + s + "'");
    }
    return out;
  }

  bool boolean(const YAML::Node& n, const std::string& key) const {
    if (n.IsScalar() && n.Tag() != "!") {
      std::string s = trim(n.Scalar());
      std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      if (s == "true") return true;
      if (s == "false") return false;
    }
    fail(n, key, "expected true or false, found " + describe(n, true));
  }

  // The `healing` section: the layered ink-in-skin model's parameters (pigment/model.hpp has the
  // defaults and their sources). overlay_scatter and overlay_exponent belonged to the single-layer
  // model's dermis overlay, which the layered model replaced with the skin's published optics; they
  // have no faithful translation, so a palette that still sets them gets one error naming the keys
  // that replaced them.
  void parse_healing(const YAML::Node& h, pigment::HealingParams& out) const {
    mapping(h, "healing", "{strength, retention, epidermis_um, dermis_above_um, …}");
    for (const char* old : {"overlay_scatter", "overlay_exponent"}) {
      if (h[old]) {
        fail(h[old], std::string("healing.") + old,
             "the layered skin model replaced overlay_scatter and overlay_exponent (the dermis above the pigment now "
             "has Jacques 2013's scattering); remove them and set, if needed, epidermis_um, dermis_above_um, "
             "pigment_layer_um, ink_scatter, skin_index, drawdown_index, drawdown_specular_included "
             "(palettes/README.md)");
      }
    }
    check_keys(h,
               {"strength", "retention", "epidermis_um", "dermis_above_um", "pigment_layer_um", "ink_scatter",
                "skin_index", "drawdown_index", "drawdown_specular_included"},
               "healing");
    if (h["strength"])
      out.strength = number_in(h["strength"], "healing.strength", 0.0, 10.0, true, "a number > 0 and ≤ 10");
    if (h["retention"])
      out.retention = number_in(h["retention"], "healing.retention", 0.0, 1.0, true, "a fraction > 0 and ≤ 1");
    if (h["epidermis_um"]) {
      out.epidermis_um = number_in(h["epidermis_um"], "healing.epidermis_um", 10.0, 300.0, false, "µm from 10 to 300");
    }
    if (h["dermis_above_um"]) {
      out.dermis_above_um =
          number_in(h["dermis_above_um"], "healing.dermis_above_um", 0.0, 1000.0, false, "µm from 0 to 1000");
    }
    if (h["pigment_layer_um"]) {
      out.pigment_layer_um =
          number_in(h["pigment_layer_um"], "healing.pigment_layer_um", 10.0, 1000.0, false, "µm from 10 to 1000");
    }
    if (h["ink_scatter"])
      out.ink_scatter = number_in(h["ink_scatter"], "healing.ink_scatter", 0.0, 2.0, false, "a number from 0 to 2");
    if (h["skin_index"])
      out.skin_index =
          number_in(h["skin_index"], "healing.skin_index", 1.0, 1.7, false, "a refractive index from 1 to 1.7");
    if (h["drawdown_index"]) {
      out.drawdown_index =
          number_in(h["drawdown_index"], "healing.drawdown_index", 1.0, 1.7, false, "a refractive index from 1 to 1.7");
    }
    if (h["drawdown_specular_included"]) {
      out.drawdown_specular_included = boolean(h["drawdown_specular_included"], "healing.drawdown_specular_included");
    }
  }

  pigment::Palette parse(std::string_view text_in) {
    YAML::Node root = yaml_util::load(text_in, source_);
    if (!root || root.IsNull()) {
      throw InputError(source_, 0, 0, "expected a palette (a mapping with schema, name, inks, …), found an empty file");
    }
    if (!root.IsMap())
      fail(root, "", "expected a palette (a mapping with schema, name, inks, …), found " + describe(root));
    check_keys(root, {"schema", "name", "inks", "dilution", "blends", "healing", "plan"}, "");

    pigment::Palette p;
    p.source = source_;
    const YAML::Node schema = require(root, "schema", "", "shadematch-palette/1");
    p.schema = text(schema, "schema");
    if (p.schema != "shadematch-palette/1")
      fail(schema, "schema", "expected 'shadematch-palette/1', found '" + p.schema + "'");
    p.name = text(require(root, "name", "", "the palette's name"), "name");

    const YAML::Node inks = require(root, "inks", "", "a list of inks");
    if (!inks.IsSequence() || inks.size() == 0)
      fail(inks, "inks", "expected a non-empty list of inks, found " + describe(inks));
    std::map<std::string, int> ids;
    for (std::size_t i = 0; i < inks.size(); ++i) {
      p.inks.push_back(parse_ink(inks[i], "inks[" + std::to_string(i + 1) + "]", ids));
    }

    if (const YAML::Node d = root["dilution"])
      parse_dilution(d, p);
    else
      p.dilution = {{0, 1}};
    if (const YAML::Node b = root["blends"]) {
      mapping(b, "blends", "{max_inks, parts_total}");
      check_keys(b, {"max_inks", "parts_total"}, "blends");
      if (b["max_inks"]) p.max_inks = whole(b["max_inks"], "blends.max_inks", 1, kMaxBlendInks);
      if (b["parts_total"]) p.parts_total = whole(b["parts_total"], "blends.parts_total", 1, kMaxPartsTotal);
      if (p.max_inks > p.parts_total) {
        fail(b["max_inks"] ? b["max_inks"] : b, "blends.max_inks",
             "expected at most parts_total (" + std::to_string(p.parts_total) + ": every ink needs a part), found " +
                 std::to_string(p.max_inks));
      }
    }
    if (const YAML::Node h = root["healing"]) parse_healing(h, p.healing);
    if (const YAML::Node pl = root["plan"]) {
      mapping(pl, "plan", "{shade_step_dL}");
      check_keys(pl, {"shade_step_dL"}, "plan");
      if (pl["shade_step_dL"]) {
        p.shade_step_dl = number_in(pl["shade_step_dL"], "plan.shade_step_dL", 0.0, 20.0, true, "ΔL* > 0 and ≤ 20");
      }
    }
    return p;
  }

 private:
  pigment::Ink parse_ink(const YAML::Node& n, const std::string& key, std::map<std::string, int>& ids) const {
    mapping(n, key, "{id, name, …}");
    check_keys(n, {"id", "name", "maker", "lot", "expires", "in_stock", "reflectance", "lab"}, key);
    pigment::Ink ink;
    ink.source_line = n.Mark().is_null() ? 0 : n.Mark().line + 1;
    const YAML::Node id = require(n, "id", key, "[a-z0-9-]+");
    ink.id = text(id, key + ".id");
    const bool id_ok = std::all_of(ink.id.begin(), ink.id.end(),
                                   [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
    if (!id_ok) fail(id, key + ".id", "expected lower-case letters, digits and '-', found '" + ink.id + "'");
    const auto [it, fresh] = ids.emplace(ink.id, ink.source_line);
    if (!fresh) {
      fail(id, key + ".id",
           "expected a unique id, found '" + ink.id + "' again (first on line " + std::to_string(it->second) + ")");
    }
    ink.name = text(require(n, "name", key, "the ink's name"), key + ".name");
    if (n["maker"]) ink.maker = text(n["maker"], key + ".maker", true);
    if (n["lot"]) ink.lot = text(n["lot"], key + ".lot", true);
    if (const YAML::Node e = n["expires"]) {
      const std::string date = e.IsScalar() ? trim(e.Scalar()) : std::string();
      if (!e.IsScalar() || !is_iso_date(date))
        fail(e, key + ".expires", "expected a date YYYY-MM-DD, found " + describe(e));
      ink.expires = date;
    }
    if (n["in_stock"]) ink.in_stock = boolean(n["in_stock"], key + ".in_stock");

    const YAML::Node refl = n["reflectance"];
    const YAML::Node lab = n["lab"];
    if (refl && lab) fail(lab, key, "expected either reflectance or lab, found both");
    if (!refl && !lab) {
      fail(n, key, "expected reflectance {start_nm, step_nm, values} or lab [L, a, b], found neither");
    }
    if (refl) {
      ink.measured_reflectance = parse_reflectance(refl, key + ".reflectance");
    } else {
      const std::string k = key + ".lab";
      if (!lab.IsSequence() || lab.size() != 3)
        fail(lab, k, "expected [L, a, b] (three numbers), found " + describe(lab));
      colour::Lab v{number_in(lab[0], k + "[1]", 0.0, 100.0, false, "L* from 0 to 100"),
                    number_in(lab[1], k + "[2]", -128.0, 128.0, false, "a* from -128 to 128"),
                    number_in(lab[2], k + "[3]", -128.0, 128.0, false, "b* from -128 to 128")};
      ink.given_lab = v;
    }
    double residual = 0.0;
    if (!pigment::complete_ink_reflectance(ink, &residual)) {
      fail(lab, key + ".lab",
           "expected a colour that a reflectance in 0..1 can have, found [" + format_number(ink.given_lab->l) + ", " +
               format_number(ink.given_lab->a) + ", " + format_number(ink.given_lab->b) + "] (the nearest is " +
               format_number(std::round(residual * 10.0) / 10.0) + " ΔE*ab away)");
    }
    return ink;
  }

  colour::Spectrum parse_reflectance(const YAML::Node& n, const std::string& key) const {
    mapping(n, key, "{start_nm, step_nm, values}");
    check_keys(n, {"start_nm", "step_nm", "values"}, key);
    const double start = number_in(require(n, "start_nm", key, "first wavelength in nm"), key + ".start_nm", 300.0,
                                   400.0, false, "a wavelength from 300 to 400 nm (the values must cover 400–700 nm)");
    const double step = number_in(require(n, "step_nm", key, "wavelength step in nm"), key + ".step_nm", 0.0, 20.0,
                                  true, "a step > 0 and ≤ 20 nm");
    const YAML::Node values = require(n, "values", key, "reflectance factors 0..1");
    if (!values.IsSequence())
      fail(values, key + ".values", "expected a list of reflectance factors, found " + describe(values));
    if (values.size() < kMinReflectanceBands) {
      fail(values, key + ".values",
           "expected at least " + std::to_string(kMinReflectanceBands) +
               " values (400–700 nm at 20 nm or finer), found " + std::to_string(values.size()));
    }
    std::vector<double> v;
    for (std::size_t i = 0; i < values.size(); ++i) {
      v.push_back(number_in(values[i], key + ".values[" + std::to_string(i + 1) + "]", 0.0, 1.0, false,
                            "a reflectance factor from 0 to 1"));
    }
    const double end = start + step * static_cast<double>(v.size() - 1);
    if (end < 700.0 - 1e-9) {
      fail(values, key + ".values",
           "expected values covering 400–700 nm, found " + std::to_string(v.size()) + " values from " +
               format_number(start) + " nm at " + format_number(step) + " nm, ending at " + format_number(end) + " nm");
    }
    return colour::resample_to_model_grid(colour::sampled_from_regular(start, step, v), source_);
  }

  void parse_dilution(const YAML::Node& d, pigment::Palette& p) const {
    mapping(d, "dilution", "{diluent, steps}");
    check_keys(d, {"diluent", "steps"}, "dilution");
    if (d["diluent"]) p.diluent = text(d["diluent"], "dilution.diluent");
    const YAML::Node steps = require(d, "steps", "dilution", "water:pigment steps such as \"8:1\"");
    if (!steps.IsSequence() || steps.size() == 0) {
      fail(steps, "dilution.steps",
           "expected a non-empty list of water:pigment steps such as \"8:1\", found " + describe(steps));
    }
    for (std::size_t i = 0; i < steps.size(); ++i) {
      const YAML::Node s = steps[i];
      const std::string key = "dilution.steps[" + std::to_string(i + 1) + "]";
      const std::string t = s.IsScalar() ? trim(s.Scalar()) : std::string();
      const std::size_t colon = t.find(':');
      int water = -1, pigment = -1;
      auto whole_part = [](std::string_view part, int& out) {
        if (part.empty() || part.size() > 6 ||
            !std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; })) {
          return false;
        }
        std::from_chars(part.data(), part.data() + part.size(), out);
        return out <= kMaxDilutionTerm;
      };
      if (!s.IsScalar() || colon == std::string::npos || !whole_part(std::string_view(t).substr(0, colon), water) ||
          !whole_part(std::string_view(t).substr(colon + 1), pigment) || pigment < 1) {
        fail(s, key,
             "expected water:pigment as whole numbers such as \"8:1\" (water ≥ 0, pigment ≥ 1, each ≤ " +
                 std::to_string(kMaxDilutionTerm) + "), found " + describe(s));
      }
      const pigment::DilutionStep step{water, pigment};
      for (const pigment::DilutionStep& seen : p.dilution) {
        if (seen == step) fail(s, key, "expected each step once, found \"" + step.label() + "\" again");
      }
      p.dilution.push_back(step);
    }
  }

  std::string source_;
};

}  // namespace

bool is_iso_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u}) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  const int year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
  const int month = (s[5] - '0') * 10 + (s[6] - '0');
  const int day = (s[8] - '0') * 10 + (s[9] - '0');
  if (year < 1900 || month < 1 || month > 12 || day < 1) return false;
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  const int max_day = month == 2 && leap ? 29 : kDays[month - 1];
  return day <= max_day;
}

pigment::Palette parse_palette(std::string_view text, std::string source) {
  return PaletteParser(std::move(source)).parse(text);
}

pigment::Palette load_palette(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path, "cannot read the palette: " + std::string(std::strerror(errno)));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) throw InputError(path, "cannot read the palette: " + std::string(std::strerror(errno)));
  return parse_palette(buffer.str(), path);
}

}  // namespace shadematch::files
