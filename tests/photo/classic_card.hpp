#pragma once
// The ColorChecker Classic card definition for photo tests, built from the embedded reference
// tables (calibration/colorchecker24_lab_d50.csv and colorchecker24_layout.csv) — the same numbers
// scripts/gen_card_yaml.py writes into calibration/colorchecker-classic-*.yaml. test_photo does not
// link the files layer (yaml-cpp), so the YAML parser cannot be used here; files/card_file_test.cpp
// checks that the YAML and this construction agree.
#include <algorithm>
#include <string>

#include "common/csv.hpp"
#include "common/embedded.hpp"
#include "photo/card.hpp"

namespace shadematch::test {

inline photo::CardDefinition classic_card_from_tables(bool after_nov_2014 = true) {
  const auto lab = parse_csv(embedded_file("colorchecker24_lab_d50.csv"), "colorchecker24_lab_d50.csv");
  const auto layout = parse_csv(embedded_file("colorchecker24_layout.csv"), "colorchecker24_layout.csv");
  const std::string suffix = after_nov_2014 ? "_xrite_after_nov2014" : "_xrite_before_nov2014";
  const auto cl = lab.column("L" + suffix), ca = lab.column("a" + suffix), cb = lab.column("b" + suffix);
  const auto cx = layout.column("argyll_x0"), cy = layout.column("argyll_y0"), cw = layout.column("argyll_w"),
             ch = layout.column("argyll_h"), cname = layout.column("name");
  photo::CardDefinition card;
  card.id = after_nov_2014 ? "colorchecker-classic-2014" : "colorchecker-classic-pre2014";
  card.edition = after_nov_2014 ? "after-nov-2014" : "before-nov-2014";
  card.rows = 4;
  card.cols = 6;
  double x0 = 1e9, y0 = 1e9, x1 = -1e9, y1 = -1e9;
  for (const auto& row : layout.rows) {
    x0 = std::min(x0, parse_csv_number(layout, row, cx));
    y0 = std::min(y0, parse_csv_number(layout, row, cy));
    x1 = std::max(x1, parse_csv_number(layout, row, cx) + parse_csv_number(layout, row, cw));
    y1 = std::max(y1, parse_csv_number(layout, row, cy) + parse_csv_number(layout, row, ch));
  }
  card.width = x1 - x0;
  card.height = y1 - y0;
  for (std::size_t i = 0; i < layout.rows.size(); ++i) {
    const auto& g = layout.rows[i];
    photo::CardPatch p;
    p.index = static_cast<int>(i) + 1;
    p.name = g.fields[cname];
    p.w = parse_csv_number(layout, g, cw);
    p.h = parse_csv_number(layout, g, ch);
    p.cx = parse_csv_number(layout, g, cx) - x0 + p.w / 2;
    p.cy = parse_csv_number(layout, g, cy) - y0 + p.h / 2;
    p.reference_lab = {parse_csv_number(lab, lab.rows[i], cl), parse_csv_number(lab, lab.rows[i], ca),
                       parse_csv_number(lab, lab.rows[i], cb)};
    p.neutral = p.index >= 19;  // the bottom row is the grey scale (white 9.5 … black 2)
    card.patches.push_back(p);
  }
  return card;
}

}  // namespace shadematch::test
