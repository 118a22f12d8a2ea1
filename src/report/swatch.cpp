#include "report/swatch.hpp"

#include <algorithm>
#include <cstdio>

#include "colour/srgb.hpp"
#include "pigment/model.hpp"
#include "plan/lint.hpp"
#include "report/html.hpp"

namespace shadematch::report {
namespace {

std::string lab_title(const colour::Lab& lab) {
  char buf[96];
  std::snprintf(buf, sizeof buf, "L*a*b* %.1f, %.1f, %.1f", lab.l, lab.a, lab.b);
  return buf;
}

}  // namespace

std::vector<SwatchSkin> default_swatch_skins() {
  std::vector<SwatchSkin> out;
  for (const plan::ReferenceSkin& s : plan::reference_skins()) out.push_back({s.name, s.lab});
  return out;
}

SwatchChart swatch_chart(const pigment::Palette& palette, const std::vector<SwatchSkin>& skins) {
  SwatchChart chart;
  chart.title = palette.name;
  chart.skins = skins.empty() ? default_swatch_skins() : skins;
  for (const pigment::DilutionStep& step : palette.dilution) chart.dilutions.push_back(step.label());
  for (const pigment::Ink& ink : palette.inks) {
    chart.rows.push_back({ink.id, ink.name, ink.masstone_lab, {}});
  }
  for (const SwatchSkin& skin : chart.skins) {
    const pigment::InkInSkinModel model(palette, skin.lab);
    for (std::size_t i = 0; i < palette.inks.size(); ++i) {
      std::vector<colour::Lab> cells;
      for (const pigment::DilutionStep& step : palette.dilution) {
        cells.push_back(model.healed_dot_lab(model.ink_ks()[i], step.pigment_fraction()));
      }
      chart.rows[i].healed.push_back(std::move(cells));
    }
  }
  return chart;
}

int SwatchGeometry::width(const SwatchChart& chart) const {
  const int steps = static_cast<int>(chart.dilutions.size());
  const int skins = static_cast<int>(chart.skins.size());
  return label_width + cell + group_gap + skins * (steps * (cell + gap) - gap) + std::max(0, skins - 1) * group_gap +
         gap * 2;
}

int SwatchGeometry::height(const SwatchChart& chart) const {
  return header_height + static_cast<int>(chart.rows.size()) * (cell + gap) + gap;
}

PixelRect SwatchGeometry::masstone_cell(int row) const {
  return {label_width, header_height + row * (cell + gap), cell, cell};
}

PixelRect SwatchGeometry::healed_cell(const SwatchChart& chart, int row, int skin, int step) const {
  const int steps = static_cast<int>(chart.dilutions.size());
  const int group_width = steps * (cell + gap) - gap;
  const int x = label_width + cell + group_gap + skin * (group_width + group_gap) + step * (cell + gap);
  return {x, header_height + row * (cell + gap), cell, cell};
}

std::string swatch_html(const SwatchChart& chart) {
  std::string h;
  h += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  h += "<title>" + html_escape(chart.title) + " — ink swatches</title>\n";
  h += "<style>\n"
       "body{font-family:system-ui,sans-serif;margin:24px;color:#222;background:#fff}\n"
       "table{border-collapse:separate;border-spacing:4px}\n"
       "th{font-weight:600;font-size:13px;text-align:center}\n"
       "th.ink{text-align:left}\n"
       "td.label{font-size:13px;padding-right:12px;white-space:nowrap}\n"
       "td.label small{color:#666}\n"
       ".sw{width:56px;height:56px;position:relative}\n"
       ".dot{width:40px;height:40px;border-radius:50%;position:absolute;left:8px;top:8px}\n"
       "p.note{font-size:12px;color:#555;max-width:60em}\n"
       "</style>\n</head>\n<body>\n";
  h += "<h1>" + html_escape(chart.title) + "</h1>\n";
  h += "<p class=\"note\">Each ink's masstone (undiluted drawdown) and its predicted healed dot in each "
       "reference skin at every dilution step (water:pigment), from the palette's ink-in-skin model. "
       "Screen colours are sRGB; a * marks a colour outside sRGB, shown clipped.</p>\n";
  h += "<table id=\"swatches\">\n<thead>\n<tr><th class=\"ink\" rowspan=\"2\">Ink</th><th rowspan=\"2\">masstone</th>";
  for (const SwatchSkin& skin : chart.skins) {
    h += "<th colspan=\"" + std::to_string(chart.dilutions.size()) + "\" title=\"" + lab_title(skin.lab) + "\">" +
         html_escape(skin.name) + "</th>";
  }
  h += "</tr>\n<tr>";
  for (std::size_t s = 0; s < chart.skins.size(); ++s) {
    for (const std::string& d : chart.dilutions) h += "<th>" + html_escape(d) + "</th>";
  }
  h += "</tr>\n</thead>\n<tbody>\n";
  for (const SwatchRow& row : chart.rows) {
    const colour::Srgb8 m = colour::lab_d50_to_srgb8(row.masstone);
    h += "<tr data-ink=\"" + html_escape(row.id) + "\"><td class=\"label\"><b>" + html_escape(row.id) +
         "</b><br><small>" + html_escape(row.name) + "</small></td>";
    h += "<td><div class=\"sw masstone\" style=\"background:" + m.hex() + "\" title=\"" + lab_title(row.masstone) +
         " " + m.hex() + "\"></div>" + (m.clipped ? "*" : "") + "</td>";
    for (std::size_t s = 0; s < chart.skins.size(); ++s) {
      const colour::Srgb8 skin = colour::lab_d50_to_srgb8(chart.skins[s].lab);
      for (std::size_t k = 0; k < chart.dilutions.size(); ++k) {
        const colour::Lab& dot_lab = row.healed[s][k];
        const colour::Srgb8 dot = colour::lab_d50_to_srgb8(dot_lab);
        h += "<td><div class=\"sw\" style=\"background:" + skin.hex() +
             "\"><div class=\"dot\" style=\"background:" + dot.hex() + "\" title=\"" + html_escape(chart.dilutions[k]) +
             " in " + html_escape(chart.skins[s].name) + ": " + lab_title(dot_lab) + " " + dot.hex() +
             "\"></div></div>" + (dot.clipped ? "*" : "") + "</td>";
      }
    }
    h += "</tr>\n";
  }
  h += "</tbody>\n</table>\n</body>\n</html>\n";
  return h;
}

}  // namespace shadematch::report
