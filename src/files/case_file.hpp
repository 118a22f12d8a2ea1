#pragma once
// Trainer case files (issue 7, `shadematch grade --case F`), schema `shadematch-case/1`.
//
// One file holds one or more cases; the submissions CSV refers to them by id, and `--case` may
// be given several times (ids must be unique over all the files given). Paths (palette, photo)
// are relative to the case file's directory.
//
//   schema: shadematch-case/1
//   palette: ../palettes/house.yaml      # optional here: the default for the cases below
//   cases:
//     - id: shaved-dark-brown            # [A-Za-z0-9_.-]+, unique
//       title: Dark brown, light skin     # optional
//       palette: other.yaml              # optional: overrides the file's palette
//       sessions: 3                      # optional, 1..10, default 3
//       shade_step_dL: 5.0               # optional, default the palette's plan.shade_step_dL
//       # either the client's colours …
//       target: [30.0, 4.0, 7.0]         # final target Lab D50 (follicle colour)
//       skin: [65.0, 12.0, 16.0]         # scalp skin Lab D50
//       # … or a photo with a reference card
//       photo: client.jpg
//       card: colorchecker               # optional, a built-in card id/alias or a card file
//       goal: follicle                   # follicle | reduce-contrast | scar (photo cases only)
//       regions: {hair: [x, y, w, h], scalp: [x, y, w, h], scar: [x, y, w, h]}
//
// Every error: InputError(file, line, column, "KEY: expected …, found …"); unknown keys are errors.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "colour/types.hpp"
#include "photo/measure.hpp"
#include "plan/targets.hpp"

namespace shadematch::files {

struct CaseSpec {
  std::string id;
  std::string title;
  std::string source;  // the case file
  int line = 0;        // position of the case in its file (1-based)
  int column = 0;
  std::string palette_path;  // resolved against the case file's directory
  int sessions = 3;
  std::optional<double> shade_step_dl;  // nullopt: the palette's
  plan::Goal goal = plan::Goal::follicle;
  // Colour form: the final target and the skin.
  std::optional<colour::Lab> target;
  std::optional<colour::Lab> skin;
  // Photo form: photo path (resolved), card (empty: the default card) and regions.
  std::string photo_path;
  std::string card;
  std::vector<photo::Region> regions;  // origin = the case file, with line and column

  bool has_photo() const { return !photo_path.empty(); }
};

struct CaseFile {
  std::string source;
  std::vector<CaseSpec> cases;
};

// Parses and validates a case file's text; `source` names it in errors and is the base for
// relative paths.
CaseFile parse_case_file(std::string_view text, const std::string& source);
// Reads PATH (InputError when missing or unreadable) and parses it.
CaseFile load_case_file(const std::string& path);

}  // namespace shadematch::files
