#include "files/calibration_file.hpp"

#include <array>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

#include <unistd.h>

#include <yaml-cpp/yaml.h>

#include "common/error.hpp"
#include "files/yaml_util.hpp"

namespace shadematch::files {
namespace {

using yaml_util::describe;
using yaml_util::fail;

using yaml_util::check_keys;

YAML::Node require(const std::string& source, const YAML::Node& map, const std::string& key, const std::string& where) {
  const YAML::Node n = map[key];
  if (!n) fail(source, map, "missing key '" + key + "' in " + where);
  return n;
}

double number(const std::string& source, const YAML::Node& n, const std::string& key) {
  double v = NAN;
  if (n.IsScalar()) {
    try {
      v = n.as<double>();
    } catch (const YAML::Exception&) {
    }
  }
  if (!std::isfinite(v)) fail(source, n, "'" + key + "' must be a finite number, found " + describe(n));
  return v;
}

std::string text(const std::string& source, const YAML::Node& n, const std::string& key) {
  if (!n.IsScalar()) fail(source, n, "'" + key + "' must be a string, found " + describe(n));
  return n.Scalar();
}

std::string num(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

// [a, b, c] of finite numbers, for `key`.
std::array<double, 3> triple(const std::string& source, const YAML::Node& n, const std::string& key) {
  if (!n.IsSequence() || n.size() != 3)
    fail(source, n, "'" + key + "' must be a list of 3 numbers, found " + describe(n));
  return {number(source, n[0], key), number(source, n[1], key), number(source, n[2], key)};
}

// refinement: {nearest: N, patches: [{rgb: [r, g, b], xyz: [X, Y, Z], neutral: true|false}, …]}.
photo::LocalRefinement refinement_of(const std::string& source, const YAML::Node& node) {
  if (!node.IsMap()) fail(source, node, "'refinement' must be a mapping {nearest, patches}, found " + describe(node));
  check_keys(source, node, {"nearest", "patches"}, "'refinement'");
  photo::LocalRefinement r;
  const auto nearest = require(source, node, "nearest", "'refinement'");
  const double n = number(source, nearest, "nearest");
  // A count of card patches; the upper bound only keeps the conversion to a size safe.
  if (n < 1 || n > 1000 || n != std::floor(n)) {
    fail(source, nearest, "'nearest' must be a whole number of patches from 1 to 1000, found " + describe(nearest));
  }
  r.nearest = static_cast<std::size_t>(n);
  const auto patches = require(source, node, "patches", "'refinement'");
  if (!patches.IsSequence()) {
    fail(source, patches, "'patches' must be a list of {rgb, xyz, neutral}, found " + describe(patches));
  }
  for (const auto& p : patches) {
    if (!p.IsMap()) fail(source, p, "a refinement patch must be a mapping {rgb, xyz, neutral}, found " + describe(p));
    check_keys(source, p, {"rgb", "xyz", "neutral"}, "a refinement patch");
    photo::FitSample s;
    const auto rgb = triple(source, require(source, p, "rgb", "a refinement patch"), "rgb");
    s.rgb = {rgb[0], rgb[1], rgb[2]};
    const auto xyz_node = require(source, p, "xyz", "a refinement patch");
    const auto xyz = triple(source, xyz_node, "xyz");
    // A reference colour (D50, Y of white = 1): no negative tristimulus, some light.
    if (xyz[0] < 0 || xyz[1] <= 0 || xyz[2] < 0) {
      fail(source, xyz_node, "'xyz' must be a reference colour: X ≥ 0, Y > 0, Z ≥ 0");
    }
    s.reference_xyz = {xyz[0], xyz[1], xyz[2]};
    const auto neutral = require(source, p, "neutral", "a refinement patch");
    if (!neutral.IsScalar() || (neutral.Scalar() != "true" && neutral.Scalar() != "false")) {
      fail(source, neutral, "'neutral' must be true or false, found " + describe(neutral));
    }
    s.neutral = neutral.Scalar() == "true";
    r.patches.push_back(s);
  }
  return r;
}

}  // namespace

SavedCalibration saved_calibration_from(const photo::CalibrationResult& result) {
  SavedCalibration s;
  s.photo = std::filesystem::path(result.photo).filename().string();
  s.card_id = result.card_id;
  s.width = result.image.width;
  s.height = result.image.height;
  s.camera = result.image.camera;
  s.calibration = result.calibration;
  s.fit = result.fit;
  s.verdict = result.verdict;
  return s;
}

std::string format_calibration(const SavedCalibration& c) {
  std::ostringstream out;
  out << "# shadematch calibration: reuse with --calibration for photos of the same setup\n";
  out << "schema: shadematch-calibration/1\n";
  out << "photo: " << quoted(c.photo) << "\n";
  out << "card: " << quoted(c.card_id) << "\n";
  out << "image: {width: " << c.width << ", height: " << c.height << ", camera: " << quoted(c.camera) << "}\n";
  out << "model: " << photo::correction_model_name(c.calibration.correction.model) << "\n";
  out << "coefficients: [";
  for (std::size_t i = 0; i < c.calibration.correction.coefficients.size(); ++i) {
    out << (i ? ", " : "") << num(c.calibration.correction.coefficients[i]);
  }
  out << "]\n";
  const bool identity = c.calibration.correction.linearization[0].empty();
  if (identity) {
    out << "linearization: {}\n";
  } else {
    out << "linearization:";
    const char* names[] = {"r", "g", "b"};
    for (std::size_t k = 0; k < 3; ++k) {
      out << "\n  " << names[k] << ": [";
      for (std::size_t i = 0; i < c.calibration.correction.linearization[k].size(); ++i) {
        out << (i ? ", " : "") << num(c.calibration.correction.linearization[k][i]);
      }
      out << "]";
    }
    out << "\n";
  }
  out << "fit: {model: " << quoted(c.fit.model) << ", linearization: " << quoted(c.fit.linearization)
      << ", de00_mean: " << num(c.fit.de00_mean) << ", de00_max: " << num(c.fit.de00_max)
      << ", loo_de00_mean: " << num(c.fit.loo_de00_mean) << ", loo_de00_max: " << num(c.fit.loo_de00_max) << "}\n";
  out << "verdict: " << photo::verdict_name(c.verdict) << "\n";
  if (c.calibration.refinement) {
    const photo::LocalRefinement& r = *c.calibration.refinement;
    out << "refinement:\n  nearest: " << r.nearest << "\n";
    if (r.patches.empty()) {
      out << "  patches: []\n";
    } else {
      out << "  patches:\n";
      for (const photo::FitSample& p : r.patches) {
        out << "    - {rgb: [" << num(p.rgb.r) << ", " << num(p.rgb.g) << ", " << num(p.rgb.b) << "], xyz: ["
            << num(p.reference_xyz.x) << ", " << num(p.reference_xyz.y) << ", " << num(p.reference_xyz.z)
            << "], neutral: " << (p.neutral ? "true" : "false") << "}\n";
      }
    }
  }
  return out.str();
}

SavedCalibration parse_calibration(std::string_view yaml_text, const std::string& source) {
  YAML::Node root = yaml_util::load(yaml_text, source);
  if (!root.IsMap()) fail(source, root, "a calibration file must be a mapping, found " + describe(root));
  check_keys(
      source, root,
      {"schema", "photo", "card", "image", "model", "coefficients", "linearization", "fit", "verdict", "refinement"},
      "the calibration file");
  const auto schema = require(source, root, "schema", "the calibration file");
  if (text(source, schema, "schema") != "shadematch-calibration/1") {
    fail(source, schema, "'schema' must be 'shadematch-calibration/1', found " + describe(schema));
  }
  SavedCalibration c;
  if (root["photo"]) c.photo = text(source, root["photo"], "photo");
  c.card_id = text(source, require(source, root, "card", "the calibration file"), "card");
  if (const auto image = root["image"]) {
    if (!image.IsMap())
      fail(source, image, "'image' must be a mapping {width, height, camera}, found " + describe(image));
    check_keys(source, image, {"width", "height", "camera"}, "'image'");
    const auto dim = [&](const char* key) {
      if (!image[key]) return 0;
      const double v = number(source, image[key], key);
      if (v < 0 || v > 1e6 || v != std::floor(v))
        fail(source, image[key], std::string("'") + key + "' must be a pixel count");
      return static_cast<int>(v);
    };
    c.width = dim("width");
    c.height = dim("height");
    if (image["camera"]) c.camera = text(source, image["camera"], "camera");
  }
  const auto model_node = require(source, root, "model", "the calibration file");
  const auto model = photo::parse_correction_model(text(source, model_node, "model"));
  if (!model) fail(source, model_node, "'model' must be linear or rootpoly, found " + describe(model_node));
  c.calibration.correction.model = *model;
  const auto coeffs = require(source, root, "coefficients", "the calibration file");
  const auto expected = static_cast<std::size_t>(3 * photo::correction_model_terms(*model));
  if (!coeffs.IsSequence() || coeffs.size() != expected) {
    fail(source, coeffs,
         "'coefficients' must be a list of " + std::to_string(expected) + " numbers for model " +
             std::string(photo::correction_model_name(*model)) + ", found " +
             (coeffs.IsSequence() ? std::to_string(coeffs.size()) + " numbers" : describe(coeffs)));
  }
  c.calibration.correction.coefficients.clear();
  for (const auto& v : coeffs) c.calibration.correction.coefficients.push_back(number(source, v, "coefficients"));
  if (const auto lin = root["linearization"]) {
    if (!lin.IsMap()) fail(source, lin, "'linearization' must be a mapping {r, g, b} or {}, found " + describe(lin));
    check_keys(source, lin, {"r", "g", "b"}, "'linearization'");
    if (lin.size() != 0) {
      const char* names[] = {"r", "g", "b"};
      for (std::size_t k = 0; k < 3; ++k) {
        const auto curve = require(source, lin, names[k], "'linearization'");
        if (!curve.IsSequence() || curve.size() < 2 || curve.size() % 2 != 0) {
          fail(source, curve,
               std::string("'") + names[k] + "' must be [scale, gamma] or [c1, Y1, c2, Y2, …], found " +
                   describe(curve));
        }
        std::vector<double> values;
        for (const auto& v : curve) {
          const double x = number(source, v, names[k]);
          if (!(x > 0)) fail(source, v, std::string("'") + names[k] + "' values must be positive");
          values.push_back(x);
        }
        for (std::size_t i = 2; values.size() > 2 && i < values.size(); i += 2) {
          if (!(values[i] > values[i - 2]) || !(values[i + 1] > values[i - 1])) {
            fail(source, curve, std::string("'") + names[k] + "' knots must rise in both c and Y");
          }
        }
        c.calibration.correction.linearization[k] = std::move(values);
      }
    }
  }
  if (const auto fit = root["fit"]) {
    if (!fit.IsMap()) fail(source, fit, "'fit' must be a mapping, found " + describe(fit));
    check_keys(source, fit, {"model", "linearization", "de00_mean", "de00_max", "loo_de00_mean", "loo_de00_max"},
               "'fit'");
    if (fit["model"]) c.fit.model = text(source, fit["model"], "model");
    if (fit["linearization"]) c.fit.linearization = text(source, fit["linearization"], "linearization");
    if (fit["de00_mean"]) c.fit.de00_mean = number(source, fit["de00_mean"], "de00_mean");
    if (fit["de00_max"]) c.fit.de00_max = number(source, fit["de00_max"], "de00_max");
    if (fit["loo_de00_mean"]) c.fit.loo_de00_mean = number(source, fit["loo_de00_mean"], "loo_de00_mean");
    if (fit["loo_de00_max"]) c.fit.loo_de00_max = number(source, fit["loo_de00_max"], "loo_de00_max");
  }
  if (c.fit.model.empty()) c.fit.model = std::string(photo::correction_model_name(*model));
  if (const auto v = root["verdict"]) {
    const std::string name = text(source, v, "verdict");
    if (name == "good")
      c.verdict = photo::Verdict::good;
    else if (name == "usable")
      c.verdict = photo::Verdict::usable;
    else if (name == "poor")
      c.verdict = photo::Verdict::poor;
    else
      fail(source, v, "'verdict' must be good, usable or poor, found " + describe(v));
  }
  // Absent: a file saved before the local refinement was kept (no refinement, the global fit only).
  if (const auto refinement = root["refinement"]) c.calibration.refinement = refinement_of(source, refinement);
  return c;
}

void save_calibration(const std::string& path, const photo::CalibrationResult& result) {
  if (result.verdict == photo::Verdict::rejected) throw std::invalid_argument("save_calibration: rejected calibration");
  write_file_atomically(path, format_calibration(saved_calibration_from(result)));
}

SavedCalibration load_calibration(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path, "cannot open calibration file");
  std::ostringstream ss;
  ss << in.rdbuf();
  const std::string t = ss.str();
  if (t.empty()) throw InputError(path, "calibration file is empty");
  return parse_calibration(t, path);
}

std::vector<std::string> reuse_warnings(const SavedCalibration& c, const photo::ImageInfo& image) {
  std::vector<std::string> w;
  const bool same_size =
      (c.width == image.width && c.height == image.height) || (c.width == image.height && c.height == image.width);
  if (c.width > 0 && c.height > 0 && !same_size) {
    w.push_back("the calibration was made on a " + std::to_string(c.width) + "×" + std::to_string(c.height) +
                " photo, this one is " + std::to_string(image.width) + "×" + std::to_string(image.height) +
                ": check it is the same camera and setup");
  }
  if (!c.camera.empty() && !image.camera.empty() && c.camera != image.camera) {
    w.push_back("the calibration was made with camera '" + c.camera + "', this photo comes from '" + image.camera +
                "': colours may be off");
  }
  return w;
}

}  // namespace shadematch::files
