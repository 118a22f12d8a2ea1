#pragma once
// Helpers shared by the YAML parsers of src/files (cards, calibrations, regions): errors that name
// file:line:column, and how a node is described in "expected …, found …" messages.
#include <string>
#include <yaml-cpp/yaml.h>

#include "common/error.hpp"

namespace shadematch::files::yaml_util {

// Throws InputError at the node's position. yaml-cpp marks count from 0; InputError's from 1.
[[noreturn]] inline void fail(const std::string& source, const YAML::Node& node, const std::string& message) {
  const YAML::Mark mark = node.Mark();
  if (mark.is_null()) throw InputError(source, 0, 0, message);
  throw InputError(source, mark.line + 1, mark.column + 1, message);
}

// "'text'", "a list", "a mapping" or "nothing": what was found, for error messages.
inline std::string describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Scalar: return "'" + node.Scalar() + "'";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Map: return "a mapping";
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined: return "nothing";
  }
  return "nothing";
}

}  // namespace shadematch::files::yaml_util
