#include "report/match_report.hpp"

#include <cmath>

#include "colour/srgb.hpp"
#include "pigment/model.hpp"
#include "plan/targets.hpp"
#include "report/html.hpp"
#include "report/terminal.hpp"

namespace shadematch::report {
namespace {

using nlohmann::json;

json num(double v) {
  if (!std::isfinite(v)) return nullptr;
  const double r = std::round(v * 1e4) / 1e4;
  return r == 0.0 ? 0.0 : r;  // no "-0.0"
}

json lab_json(const colour::Lab& c) {
  return json::array({num(c.l), num(c.a), num(c.b)});
}

std::string hex_of(const colour::Lab& c) {
  return colour::lab_d50_to_srgb8(c).hex();
}

json blend_json(const plan::RankedBlend& b) {
  json inks = json::array();
  for (const pigment::BlendPart& p : b.blend.parts) inks.push_back({{"id", p.ink_id}, {"parts", p.parts}});
  json j;
  j["rank"] = b.rank;
  j["recipe"] = b.recipe;
  j["inks"] = inks;
  j["dilution"] = b.blend.dilution.label();
  j["predicted_lab"] = lab_json(b.predicted);
  j["predicted_hex"] = hex_of(b.predicted);
  j["de00"] = num(b.de00);
  j["dL"] = num(b.diff.dl);
  j["dC"] = num(b.diff.dc);
  j["dH"] = num(b.diff.dh);
  j["score"] = num(b.score);
  j["direction"] = b.direction;
  j["in_stock"] = b.in_stock;
  j["expired"] = b.expired;
  return j;
}

std::vector<std::string> all_warnings(const MatchReport& r) {
  std::vector<std::string> w = r.warnings;
  w.insert(w.end(), r.plan.warnings.begin(), r.plan.warnings.end());
  return w;
}

// "2 539 180": thin groups of three for counts people read.
std::string grouped(std::size_t n) {
  const std::string digits = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ' ';
    out += digits[i];
  }
  return out;
}

std::optional<colour::Lab> lab_from(const json& j) {
  if (!j.is_array() || j.size() != 3) return std::nullopt;
  for (const json& v : j) {
    if (!v.is_number()) return std::nullopt;
  }
  return colour::Lab{j[0].get<double>(), j[1].get<double>(), j[2].get<double>()};
}

// The measured (or given) colours worth showing, as (label, Lab) pairs.
std::vector<std::pair<std::string, colour::Lab>> measured_colours(const json& regions) {
  std::vector<std::pair<std::string, colour::Lab>> out;
  if (!regions.is_object()) return out;
  for (const auto& [name, r] : regions.items()) {
    if (!r.is_object()) continue;
    if (r.contains("follicle_lab")) {
      if (auto c = lab_from(r["follicle_lab"])) out.emplace_back(name + " (follicle)", *c);
    }
    if (r.contains("lab")) {
      if (auto c = lab_from(r["lab"])) out.emplace_back(name, *c);
    }
  }
  return out;
}

std::string calibration_line(const json& c) {
  if (!c.is_object()) return "";
  std::string verdict = c.value("verdict", std::string("?"));
  std::string line = "calibration " + verdict;
  if (c.contains("fit") && c["fit"].is_object()) {
    const json& f = c["fit"];
    line += " (" + f.value("model", std::string("?"));
    if (f.contains("loo_de00_mean") && f["loo_de00_mean"].is_number()) {
      line += ", leave-one-out ΔE00 mean " + fixed(f["loo_de00_mean"].get<double>(), 2);
    }
    if (f.contains("loo_de00_max") && f["loo_de00_max"].is_number()) {
      line += ", max " + fixed(f["loo_de00_max"].get<double>(), 2);
    }
    line += ")";
  }
  return line;
}

std::string session_heading(const plan::SessionBlends& s, std::size_t count) {
  return "Session " + std::to_string(s.session) + " of " + std::to_string(count) + ": target " + lab_text(s.target) +
         "  " + hex_of(s.target);
}

// What the goal's final target is, in the clinic's words, for the beyond-reach note.
std::string target_noun(plan::Goal goal) {
  switch (goal) {
    case plan::Goal::follicle:
      return "the hair";
    case plan::Goal::reduce_contrast:
      return "the reduce-contrast target";
    case plan::Goal::scar:
      return "the scalp around the scar";
  }
  return "the target";
}

// The "beyond reach" note (said once, at the top): the final target is darker than anything the
// palette heals to in this skin, by how much, what the plan aims at instead and what would help.
std::vector<std::string> beyond_reach_sentences(const MatchReport& r) {
  std::vector<std::string> out;
  if (!r.plan.reach || !r.plan.reach->anchored) return out;
  const plan::Reach& reach = *r.plan.reach;
  const plan::PlanTargets& t = r.plan.targets;
  const std::string skin = t.goal == plan::Goal::scar ? "this scar" : "this skin";
  if (reach.beyond_dl > 0.0) {
    out.push_back("Beyond reach: " + target_noun(t.goal) + " (L* " + fixed(t.final_target.l, 1) +
                  ") is darker than anything this palette heals to in " + skin + ", by ΔL* " +
                  fixed(reach.beyond_dl, 1) + ".");
    out.push_back("Its darkest blend, " + reach.darkest_recipe + ", heals to " + lab_text(reach.darkest) + " " +
                  hex_of(reach.darkest) + ".");
  } else {
    out.push_back("Beyond reach: no blend of this palette heals to " + target_noun(t.goal) + "'s colour (" +
                  lab_text(t.final_target) + ") in " + skin + ".");
  }
  out.push_back("Nearest reachable: " + lab_text(reach.aimed_final) + " " + hex_of(reach.aimed_final) + ", ΔE00 " +
                fixed(reach.gap_de00, 1) + " from " + target_noun(t.goal) +
                " (lightness first, then the nearest a*, b* at that lightness).");
  out.push_back("The plan aims the last session there and each earlier session ΔL* " + fixed(reach.step_dl, 1) +
                " lighter, mapped into reach the same way.");
  std::string help = "What would help: " + reach.lacks;
  if (reach.reduce_contrast_target) {
    help += ", or --goal reduce-contrast (softens the contrast instead; its target, L* " +
            fixed(reach.reduce_contrast_target->l, 1) + ", is within reach)";
  }
  out.push_back(help + ".");
  return out;
}

std::string joined(const std::vector<std::string>& sentences) {
  std::string s;
  for (const std::string& x : sentences) s += (s.empty() ? "" : " ") + x;
  return s;
}

}  // namespace

json given_regions_json(const plan::PlanColours& colours, bool with_scar, bool with_coverage) {
  json regions;
  regions["hair"] = {{"follicle_lab", lab_json(colours.follicle)}, {"given", true}};
  if (with_coverage) regions["hair"]["coverage"] = num(colours.coverage);
  regions["scalp"] = {{"lab", lab_json(colours.scalp)}, {"given", true}};
  if (with_scar && colours.scar) regions["scar"] = {{"lab", lab_json(*colours.scar)}, {"given", true}};
  return regions;
}

json match_json(const MatchReport& r) {
  json j;
  j["calibration"] = r.calibration;
  j["regions"] = r.regions.is_null() ? json::object() : r.regions;
  const plan::PlanTargets& t = r.plan.targets;
  j["plan"] = {{"goal", std::string(plan::goal_name(t.goal))},
               {"sessions", t.sessions.size()},
               {"shade_step_dL", num(t.shade_step_dl)},
               {"final_target_lab", lab_json(t.final_target)},
               {"substrate_lab", lab_json(t.substrate)},
               {"appearance", t.appearance == plan::Appearance::area ? "area" : "dot"},
               {"candidates_per_session", r.plan.candidates},
               {"today", r.today}};
  if (t.appearance == plan::Appearance::area) j["plan"]["coverage"] = num(t.coverage);
  j["plan"]["anchored"] = r.plan.reach && r.plan.reach->anchored;
  if (r.plan.reach) {
    const plan::Reach& reach = *r.plan.reach;
    j["plan"]["darkest_reachable"] = {
        {"lab", lab_json(reach.darkest)}, {"hex", hex_of(reach.darkest)}, {"recipe", reach.darkest_recipe}};
    json ideal = json::array();
    for (const colour::Lab& c : reach.ideal_sessions) ideal.push_back(lab_json(c));
    j["plan"]["reachable"] = {{"ideal_lab", lab_json(t.final_target)},
                              {"target_lab", lab_json(reach.aimed_final)},
                              {"target_hex", hex_of(reach.aimed_final)},
                              {"gap_de00", num(reach.gap_de00)},
                              {"gap_dL", num(reach.aimed_final.l - t.final_target.l)},
                              {"mapped", reach.mapped},
                              {"session_step_dL", num(reach.step_dl)},
                              {"ideal_session_targets", ideal},
                              {"lightest_lab", lab_json(reach.lightest)},
                              {"mapping",
                               "lightness first (clamped to the healed gamut), then the nearest a*, b* "
                               "of the gamut at that lightness"}};
    if (reach.anchored) j["plan"]["reachable"]["palette_lacks"] = reach.lacks;
    if (reach.anchored) {
      json b = {{"target_lab", lab_json(t.final_target)},
                {"darkest_lab", lab_json(reach.darkest)},
                {"darkest_recipe", reach.darkest_recipe},
                {"dL", num(reach.beyond_dl)},
                {"margin_dL", num(reach.margin_dl)},
                {"aimed_final_lab", lab_json(reach.aimed_final)},
                {"gap_de00", num(reach.gap_de00)},
                {"palette_lacks", reach.lacks},
                {"message", joined(beyond_reach_sentences(r))}};
      if (reach.reduce_contrast_target) {
        b["alternative"] = {{"goal", "reduce-contrast"}, {"target_lab", lab_json(*reach.reduce_contrast_target)}};
      }
      j["beyond_reach"] = b;
    }
  }
  json left_out = json::array();
  for (const plan::LeftOutInk& l : r.plan.left_out) left_out.push_back({{"id", l.id}, {"reason", l.reason}});
  j["palette"] = {{"name", r.palette_name},
                  {"source", r.palette_source},
                  {"inks_searched", r.plan.inks_searched},
                  {"inks_left_out", r.plan.left_out.size()},
                  {"left_out", left_out}};
  json sessions = json::array();
  for (const plan::SessionBlends& s : r.plan.sessions) {
    json sj;
    sj["session"] = s.session;
    sj["target_lab"] = lab_json(s.target);
    sj["target_hex"] = hex_of(s.target);
    json blends = json::array();
    for (const plan::RankedBlend& b : s.blends) blends.push_back(blend_json(b));
    sj["blends"] = blends;
    if (s.accent) {
      sj["accent"] = blend_json(*s.accent);
      if (s.accent_target) sj["accent"]["target_lab"] = lab_json(*s.accent_target);
    }
    if (s.shortfall) sj["palette_lacks"] = *s.shortfall;
    sessions.push_back(sj);
  }
  j["sessions"] = sessions;
  j["warnings"] = all_warnings(r);
  return j;
}

std::string match_text(const MatchReport& r, bool swatches) {
  const plan::PlanTargets& t = r.plan.targets;
  std::string out = "shadematch match: goal " + std::string(plan::goal_name(t.goal)) + ", " +
                    std::to_string(t.sessions.size()) + (t.sessions.size() == 1 ? " session" : " sessions") +
                    ", one shade = ΔL* " + fixed(t.shade_step_dl, 1) + "\n";
  out += "Palette: " + r.palette_name + " (" + r.palette_source + "): " + std::to_string(r.plan.inks_searched) +
         " inks searched";
  if (!r.plan.left_out.empty()) out += ", " + std::to_string(r.plan.left_out.size()) + " left out";
  out += "; " + grouped(r.plan.candidates) + " blends per session\n";
  if (!r.photo.empty()) {
    out += "Photo: " + r.photo;
    const std::string c = calibration_line(r.calibration);
    if (!c.empty()) out += ", " + c;
    out += "\n";
  }
  TextTable colours({"Colour", "L*", "a*", "b*", "Hex"}, {Align::left, Align::right, Align::right, Align::right});
  auto colour_row = [&](const std::string& label, const colour::Lab& c) {
    colours.add_row(
        {label, fixed(c.l, 1), fixed(c.a, 1), fixed(c.b, 1), hex_of(c) + (swatches ? " " + swatch(c, 4) : "")});
  };
  for (const auto& [label, c] : measured_colours(r.regions)) colour_row(label, c);
  colour_row(t.goal == plan::Goal::scar ? "substrate (scar)" : "substrate (skin)", t.substrate);
  colour_row(t.appearance == plan::Appearance::area ? "final target (area)" : "final target", t.final_target);
  const std::vector<std::string> beyond = beyond_reach_sentences(r);
  if (!beyond.empty()) {
    colour_row("darkest reachable", r.plan.reach->darkest);
    colour_row("nearest reachable", r.plan.reach->aimed_final);
  }
  for (const std::string& sentence : beyond) out += (&sentence == &beyond.front() ? "\n" : "") + sentence + "\n";
  out += "\n" + colours.render();

  for (const plan::SessionBlends& s : r.plan.sessions) {
    out += "\n" + session_heading(s, r.plan.sessions.size());
    if (swatches) out += "  " + swatch(s.target, 6);
    out += "\n";
    std::vector<std::string> header{"#"};
    std::vector<Align> align{Align::right};
    if (swatches) {
      header.emplace_back("");
      align.push_back(Align::left);
    }
    for (const char* h : {"Recipe", "L*", "a*", "b*", "Hex", "ΔE00", "Score", "Compared with target"})
      header.emplace_back(h);
    for (Align a : {Align::left, Align::right, Align::right, Align::right, Align::left, Align::right, Align::right,
                    Align::left}) {
      align.push_back(a);
    }
    TextTable table(header, align);
    auto row = [&](const std::string& rank, const plan::RankedBlend& b) {
      std::vector<std::string> cells{rank};
      if (swatches) cells.push_back(swatch(b.predicted, 4));
      std::string recipe = b.recipe;
      if (!b.in_stock) recipe += " (out of stock)";
      if (b.expired) recipe += " (expired)";
      for (std::string c : {recipe, fixed(b.predicted.l, 1), fixed(b.predicted.a, 1), fixed(b.predicted.b, 1),
                            hex_of(b.predicted), fixed(b.de00, 2), fixed(b.score, 2), b.direction}) {
        cells.push_back(std::move(c));
      }
      table.add_row(std::move(cells));
    };
    for (const plan::RankedBlend& b : s.blends) row(std::to_string(b.rank), b);
    if (s.blends.empty()) {
      out += "  No blend qualifies for this session";
      if (s.shortfall) out += ": the palette lacks " + *s.shortfall;
      out += ".\n";
    } else {
      out += table.render(2);
    }
    if (s.accent) {
      out += "  Accent for depth (target " + lab_text(s.accent_target.value_or(s.target)) + "): " + s.accent->recipe +
             ", " + lab_text(s.accent->predicted) + "  " + hex_of(s.accent->predicted) + ", ΔE00 " +
             fixed(s.accent->de00, 2) + ", " + s.accent->direction + "\n";
    }
    if (s.shortfall && !s.blends.empty()) {
      out += "  Nothing comes within ΔE00 3 of this target: the palette lacks " + *s.shortfall + ".\n";
    }
  }
  const std::vector<std::string> warnings = all_warnings(r);
  if (!warnings.empty()) {
    out += "\nWarnings:\n";
    for (const std::string& w : warnings) out += "  - " + w + "\n";
  }
  return out;
}

std::string match_html(const MatchReport& r) {
  const plan::PlanTargets& t = r.plan.targets;
  std::string b;
  b += "<h1>Ink plan: " + html_escape(std::string(plan::goal_name(t.goal))) + ", " + std::to_string(t.sessions.size()) +
       (t.sessions.size() == 1 ? " session" : " sessions") + "</h1>\n";
  b += "<p class=\"muted\">Palette " + html_escape(r.palette_name) + " (" + html_escape(r.palette_source) +
       "): " + std::to_string(r.plan.inks_searched) + " inks searched";
  if (!r.plan.left_out.empty()) b += ", " + std::to_string(r.plan.left_out.size()) + " left out";
  b += "; " + html_escape(grouped(r.plan.candidates)) + " blends per session; one shade = ΔL* " +
       fixed(t.shade_step_dl, 1);
  if (!r.today.empty()) b += "; expiry checked on " + html_escape(r.today);
  b += ".</p>\n";

  const std::vector<std::string> beyond = beyond_reach_sentences(r);
  if (!beyond.empty()) {
    // Said once, first: the target, the darkest the palette reaches, side by side, then in words.
    b += "<div class=\"warn\"><strong>Beyond this palette's reach</strong><div class=\"target\">" +
         html_swatch(t.final_target, "target", 56) + html_swatch(r.plan.reach->aimed_final, "nearest reachable", 56) +
         "</div><p>" + html_escape(joined(beyond)) + "</p></div>\n";
  }

  if (!r.photo.empty() || !r.thumbnail_data_uri.empty()) {
    b += "<h2>Photo</h2>\n";
    if (!r.thumbnail_data_uri.empty()) {
      b += "<img class=\"thumb\" alt=\"photo with the card and regions outlined\" src=\"" + r.thumbnail_data_uri +
           "\">\n";
    }
    b += "<p>" + html_escape(r.photo);
    const std::string c = calibration_line(r.calibration);
    if (!c.empty()) b += ": " + html_escape(c);
    b += "</p>\n";
  }

  b += "<h2>Measured colours</h2>\n<table><tr><th>Colour</th><th></th><th>L*</th><th>a*</th><th>b*</th>"
       "<th class=\"opt\">Hex</th></tr>\n";
  auto colour_row = [&](const std::string& label, const colour::Lab& c) {
    b += "<tr><td>" + html_escape(label) + "</td><td>" + html_swatch(c, "", 28) + "</td><td class=\"n\">" +
         fixed(c.l, 1) + "</td><td class=\"n\">" + fixed(c.a, 1) + "</td><td class=\"n\">" + fixed(c.b, 1) +
         "</td><td class=\"opt\">" + hex_of(c) + "</td></tr>\n";
  };
  for (const auto& [label, c] : measured_colours(r.regions)) colour_row(label, c);
  colour_row(t.goal == plan::Goal::scar ? "substrate (scar)" : "substrate (skin)", t.substrate);
  colour_row("final target", t.final_target);
  if (!beyond.empty()) {
    colour_row("darkest reachable", r.plan.reach->darkest);
    colour_row("nearest reachable", r.plan.reach->aimed_final);
  }
  b += "</table>\n";

  if (!r.preview_data_uri.empty()) {
    b += "<h2>Healed preview</h2>\n<img class=\"thumb\" alt=\"each session's first choice as healed dots on the "
         "scalp, beside the hair\" src=\"" +
         r.preview_data_uri + "\">\n";
  }

  b += "<h2>Sessions</h2>\n";
  for (const plan::SessionBlends& s : r.plan.sessions) {
    b += "<section class=\"session\"><h3>Session " + std::to_string(s.session) + " of " +
         std::to_string(r.plan.sessions.size()) + "</h3>\n<div class=\"target\">" +
         html_swatch(s.target, "target", 56) + "<div>Target " + html_escape(lab_text(s.target)) + " " +
         hex_of(s.target) + "</div></div>\n";
    if (s.blends.empty()) {
      b += "<p class=\"warn\">No blend qualifies for this session";
      if (s.shortfall) b += ": the palette lacks " + html_escape(*s.shortfall);
      b += ".</p>\n";
    } else {
      b += "<table><tr><th>#</th><th>Target</th><th>Blend</th><th>Recipe</th><th>ΔE00</th>"
           "<th class=\"opt\">Predicted</th></tr>\n";
      auto row = [&](const std::string& rank, const plan::RankedBlend& bl, const colour::Lab& target) {
        b += "<tr><td>" + rank + "</td><td>" + html_swatch(target, "", 40) + "</td><td>" +
             html_swatch(bl.predicted, "", 40) + "</td><td><span class=\"recipe\">" + html_escape(bl.recipe) +
             "</span>" + (bl.in_stock ? "" : " (out of stock)") + (bl.expired ? " (expired)" : "") +
             "<br><span class=\"muted\">" + html_escape(bl.direction) + "</span></td><td class=\"n\">" +
             fixed(bl.de00, 2) + "</td><td class=\"opt\">" + html_escape(lab_text(bl.predicted)) + " " +
             hex_of(bl.predicted) + "</td></tr>\n";
      };
      for (const plan::RankedBlend& bl : s.blends) row(std::to_string(bl.rank), bl, s.target);
      if (s.accent) row("accent", *s.accent, s.accent_target.value_or(s.target));
      b += "</table>\n";
    }
    if (s.shortfall && !s.blends.empty()) {
      b += "<p class=\"warn\">Nothing comes within ΔE00 3 of this target: the palette lacks " +
           html_escape(*s.shortfall) + ".</p>\n";
    }
    b += "</section>\n";
  }
  const std::vector<std::string> warnings = all_warnings(r);
  if (!warnings.empty()) {
    b += "<h2>Warnings</h2>\n";
    for (const std::string& w : warnings) b += "<p class=\"warn\">" + html_escape(w) + "</p>\n";
  }
  b += "<p class=\"muted\">Predicted colours are healed dots in the client's skin (Kubelka–Munk ink-in-skin model, "
       "CIELAB D50); swatches are sRGB approximations for this screen.</p>";
  return html_page("shadematch ink plan", b);
}

}  // namespace shadematch::report
