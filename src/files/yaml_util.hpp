#pragma once
// Helpers shared by the YAML parsers of src/files: loading a file's text (load, used by every
// parser), errors that name file:line:column, how a node is described in "expected …, found …"
// messages, and mapping keys (used by the card, calibration and regions parsers).
//
// Keys: YAML allows any node as a key (`[a, b]: 1`, `{x: 1}: 2`, `? - a`). yaml-cpp's
// `as<std::string>()` throws on such a key, and `Scalar()` returns "", so a parser must ask
// `key_name`, which refuses a non-scalar key at its position (issue 20).
#include <yaml-cpp/yaml.h>
#include <algorithm>
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>

#include "common/error.hpp"
#include "common/utf8.hpp"

namespace shadematch::files::yaml_util {

// Throws InputError at the node's position. yaml-cpp marks count from 0; InputError's from 1.
[[noreturn]] inline void fail(const std::string& source, const YAML::Node& node, const std::string& message) {
  const YAML::Mark mark = node.Mark();
  if (mark.is_null()) throw InputError(source, 0, 0, message);
  throw InputError(source, mark.line + 1, mark.column + 1, message);
}

namespace detail {
// yaml-cpp 0.7 decodes the escapes \N (U+0085) and \_ (U+00A0) of a double-quoted scalar to the
// single bytes 0x85 and 0xA0, not to their UTF-8 forms, so a file that is valid UTF-8 can still
// yield invalid text (found by fuzz_case: a case title reached JSON and exit 70). Every scalar,
// keys included, is checked after parsing; the file's own text was checked before it.
inline void require_valid_scalars(const std::string& source, const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Scalar:
      if (!utf8::valid(node.Scalar())) {
        fail(source, node,
             "this text decodes to invalid UTF-8 (yaml-cpp turns the escapes \\N and \\_ into single bytes): "
             "write the character itself, or \\u0085 / \\u00A0");
      }
      return;
    case YAML::NodeType::Sequence:
      for (const auto& item : node) require_valid_scalars(source, item);
      return;
    case YAML::NodeType::Map:
      for (const auto& kv : node) {
        require_valid_scalars(source, kv.first);
        require_valid_scalars(source, kv.second);
      }
      return;
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return;
  }
}
}  // namespace detail

// The document of a YAML file's text: the text must be UTF-8 (utf8::require_valid_text), the
// YAML well-formed ("malformed YAML: …" at yaml-cpp's position) and every decoded scalar UTF-8.
// Every parser of src/files reads its file through this.
inline YAML::Node load(std::string_view text, const std::string& source) {
  utf8::require_valid_text(text, source);  // names and titles reach JSON (issue 20)
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    throw InputError(source, e.mark.is_null() ? 0 : e.mark.line + 1, e.mark.is_null() ? 0 : e.mark.column + 1,
                     "malformed YAML: " + e.msg);
  }
  detail::require_valid_scalars(source, root);
  return root;
}

// "'text'", "a list", "a mapping" or "nothing": what was found, for error messages.
inline std::string describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Scalar:
      return "'" + node.Scalar() + "'";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return "nothing";
  }
  return "nothing";
}

// The text of a mapping key; InputError "expected a key name in WHERE, found a list" when the key
// is a list, a mapping or empty.
inline std::string key_name(const std::string& source, const YAML::Node& key, const std::string& where) {
  if (!key.IsScalar()) fail(source, key, "expected a key name in " + where + ", found " + describe(key));
  return key.Scalar();
}

// How check_keys words its errors: as the card, calibration, regions and case files word theirs
// ("unknown key 'K' in WHERE (expected one of: …)", "key 'K' is given twice in WHERE (first on
// line N)"), or as the palette words every error, after the value's key path ("WHERE.K: expected
// one of the keys …, found unknown key 'K'", "WHERE.K: expected each key once, found it again
// (first on line N)"; WHERE "" at the top).
enum class KeyErrors { in_where, key_path };

// Every key of `map` must be a name in `allowed`, given once, and a name (key_name). The names are
// listed in the caller's order (the order its documentation gives them). Every parser of
// src/files checks its keys with this.
inline void check_keys(const std::string& source, const YAML::Node& map,
                       std::initializer_list<std::string_view> allowed, const std::string& where,
                       KeyErrors style = KeyErrors::in_where) {
  std::map<std::string, int> seen;
  for (const auto& kv : map) {
    const std::string key = key_name(source, kv.first, where.empty() ? "the file" : where);
    const std::string path = where.empty() ? key : where + "." + key;
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      std::string list;
      for (const std::string_view a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      fail(source, kv.first,
           style == KeyErrors::key_path
               ? path + ": expected one of the keys " + list + ", found unknown key '" + key + "'"
               : "unknown key '" + key + "' in " + where + " (expected one of: " + list + ")");
    }
    const int line = kv.first.Mark().is_null() ? 0 : kv.first.Mark().line + 1;
    const auto [it, fresh] = seen.emplace(key, line);
    if (!fresh) {
      const std::string first = "(first on line " + std::to_string(it->second) + ")";
      fail(source, kv.first,
           style == KeyErrors::key_path ? path + ": expected each key once, found it again " + first
                                        : "key '" + key + "' is given twice in " + where + " " + first);
    }
  }
}

}  // namespace shadematch::files::yaml_util
