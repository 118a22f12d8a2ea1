#include "colour/skin_tone.hpp"

#include <cmath>
#include <numbers>
#include <vector>

#include "colour/delta_e.hpp"
#include "colour/srgb.hpp"
#include "common/csv.hpp"
#include "common/embedded.hpp"

namespace shadematch::colour {

double ita_deg(const Lab& lab) {
  return std::atan2(lab.l - 50.0, lab.b) * 180.0 / std::numbers::pi;
}

ItaClass ita_class(double ita) {
  if (ita > 55.0) return ItaClass::very_light;
  if (ita > 41.0) return ItaClass::light;
  if (ita > 28.0) return ItaClass::intermediate;
  if (ita > 10.0) return ItaClass::tan;
  if (ita > -30.0) return ItaClass::brown;
  return ItaClass::dark;
}

std::string_view ita_class_name(ItaClass c) {
  switch (c) {
    case ItaClass::very_light:
      return "very light";
    case ItaClass::light:
      return "light";
    case ItaClass::intermediate:
      return "intermediate";
    case ItaClass::tan:
      return "tan";
    case ItaClass::brown:
      return "brown";
    case ItaClass::dark:
      return "dark";
  }
  return "?";
}

std::span<const MonkTone> monk_tones() {
  static const std::vector<MonkTone> tones = [] {
    const CsvTable t = parse_csv(embedded_file("monk_skin_tone_srgb.csv"), "calibration/monk_skin_tone_srgb.csv");
    const std::size_t level = t.column("mst_level");
    const std::size_t hex = t.column("hex");
    std::vector<MonkTone> out;
    for (const CsvRow& r : t.rows) {
      MonkTone m;
      m.level = static_cast<int>(parse_csv_number(t, r, level));
      m.hex = r.fields.at(hex);
      hex_to_lab_d50(m.hex, m.lab);
      out.push_back(m);
    }
    return out;
  }();
  return tones;
}

const MonkTone& nearest_monk_tone(const Lab& lab) {
  const auto tones = monk_tones();
  std::size_t best = 0;
  double best_de = INFINITY;
  for (std::size_t i = 0; i < tones.size(); ++i) {
    const double de = delta_e_2000(lab, tones[i].lab);
    if (de < best_de) {
      best_de = de;
      best = i;
    }
  }
  return tones[best];
}

}  // namespace shadematch::colour
