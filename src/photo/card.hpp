#pragma once
// A reference card definition (DESIGN.md "Reference card"). A card is DATA: the layout and the
// reference colours come from calibration/<id>.yaml, parsed in src/files. Nothing here includes
// OpenCV or yaml-cpp, so the files and report layers can use it freely.
//
// Geometry is in "card units", an arbitrary length unit chosen by the file (ColorChecker Classic:
// Argyll's ColorChecker.cht millimetre-like units). The patch grid is the rectangle spanned by the
// outer edges of the patches: (0, 0) is the outer corner of patch 1 and (width, height) the outer
// corner of the last patch, x to the right and y downwards in the card's reading orientation
// (Classic: "dark skin" top-left, "black" bottom-right, white row at the bottom).
#include <string>
#include <vector>

#include "colour/types.hpp"

namespace shadematch::photo {

struct CardPatch {
  int index = 0;              // 1-based, as printed on the card's documentation
  std::string name;           // "dark skin", "white 9.5 (.05 D)", …
  double cx = 0, cy = 0;      // patch centre in card units, relative to the patch-grid origin
  double w = 0, h = 0;        // patch size in card units
  colour::Lab reference_lab;  // D50, 2° observer, from the edition named in CardDefinition
  bool neutral = false;       // one of the neutral (grey-scale) patches used for linearization
};

struct CardDefinition {
  std::string id;       // file stem: "colorchecker-classic-2014"
  std::string title;    // "ColorChecker Classic (X-Rite, after November 2014)"
  std::string edition;  // "after-nov-2014"
  std::string source;   // citation of the reference values
  int rows = 4;
  int cols = 6;
  double width = 0;  // patch-grid extent in card units (outer edges of the outer patches)
  double height = 0;
  std::vector<CardPatch> patches;  // rows × cols, row-major, patch 1 top-left in reading orientation
};

}  // namespace shadematch::photo
