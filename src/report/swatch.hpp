#pragma once
// `shadematch palette swatches` (issue 8): a chart of every ink's masstone and its predicted
// healed dot at each dilution step on reference skins, for the clinic wall and for training.
//
// Layout (PNG and HTML alike): a header row naming each skin and, under it, the palette's dilution
// steps (water:pigment); then one row per ink in palette order: its id and name, a masstone swatch
// (the undiluted ink as a drawdown), and for each skin and dilution step a cell filled with the
// skin colour holding a round dot of the predicted healed colour (pigment/model.hpp,
// InkInSkinModel::healed_dot_lab). Colours are shown in sRGB (colour/srgb.hpp; out-of-gamut
// colours are clipped, and marked "*" in the HTML).
//
// The default skins are Monk Skin Tone 2, 5 and 8 (light, medium, dark; plan::reference_skins()).
#include <string>
#include <vector>

#include "colour/types.hpp"
#include "common/geometry.hpp"
#include "pigment/palette.hpp"

namespace shadematch::report {

struct SwatchSkin {
  std::string name;  // "light (Monk 2)" or "L*a*b* 62, 12, 18"
  colour::Lab lab;
};

struct SwatchRow {
  std::string id;
  std::string name;
  colour::Lab masstone;
  std::vector<std::vector<colour::Lab>> healed;  // [skin][dilution step]
};

struct SwatchChart {
  std::string title;  // the palette's name
  std::vector<SwatchSkin> skins;
  std::vector<std::string> dilutions;  // "0:1", "8:1", …
  std::vector<SwatchRow> rows;
};

// Predicts every cell with the palette's own healing parameters. `skins` empty = the defaults.
SwatchChart swatch_chart(const pigment::Palette& palette, const std::vector<SwatchSkin>& skins = {});
std::vector<SwatchSkin> default_swatch_skins();

// Pixel geometry of the PNG chart (session/swatch_image.hpp draws it; exposed so that tests can
// find each swatch).
struct SwatchGeometry {
  int label_width = 260;   // ink id and name
  int cell = 56;           // swatch cell side
  int gap = 6;             // between cells
  int group_gap = 18;      // between skin groups
  int header_height = 64;  // title line, skin names, dilution labels
  int dot_radius = 20;     // healed dot inside its skin cell

  int width(const SwatchChart& chart) const;
  int height(const SwatchChart& chart) const;
  PixelRect masstone_cell(int row) const;
  PixelRect healed_cell(const SwatchChart& chart, int row, int skin, int step) const;
};

// A self-contained HTML page (inline CSS, no scripts, no external resources).
std::string swatch_html(const SwatchChart& chart);

}  // namespace shadematch::report
