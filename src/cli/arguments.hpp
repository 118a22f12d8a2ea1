#pragma once
// Region and corner arguments shared by the subcommands (`--hair x,y,w,h`, `--region NAME=x,y,w,h`,
// `--corners "x,y x,y x,y x,y"`), apart from the commands so that they are parsed one way and can
// be fuzzed directly (fuzz/fuzz_arguments.cpp, issue 20). Syntax errors are UsageError (exit 2);
// rectangles that are empty or outside the photo are bad input (exit 1), judged later by
// photo::validate_regions against the image and the card.
#include <array>
#include <string>

#include "common/geometry.hpp"

#include "photo/measure.hpp"
#include "pigment/model.hpp"

namespace shadematch::cli {

// `text` is "x,y,w,h" (integers). The region is named `name` and remembers `flag` as its origin
// ("--hair"); errors read "COMMAND: FLAG: expected 4 integers …".
photo::Region parse_region_argument(const std::string& name, const std::string& text, const std::string& command,
                                    const std::string& flag);

// `item` is "NAME=x,y,w,h", NAME of letters, digits, '_' or '-' (measure's --region).
photo::Region parse_named_region_argument(const std::string& item, const std::string& command);

// "x,y x,y x,y x,y" (';' also separates points): four points, each coordinate finite, ≥ 0 and
// below 1e6 pixels. `what` prefixes errors ("calibrate: --corners").
// --blend SPEC against the palette. The recipe is one line of text: errors are reported as line 1
// of "--blend" so that their column is shown.
pigment::Blend parse_blend_argument(const std::string& text, const pigment::Palette& palette);

Quad parse_corners(const std::string& text, const std::string& what);

}  // namespace shadematch::cli
