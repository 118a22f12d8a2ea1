// shadematch client add|list|show|record|healed|next … [--db F] [--json]
// The clinic's client history (DESIGN.md "Client history"; issue 15): who was treated, with what,
// what the model predicted it heals to, and what it did heal to. Photos go through the same
// measurement code as `measure` and `match` (session::run_measure).
#include <cmath>
#include <iostream>
#include <optional>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli/arguments.hpp"
#include "cli/client_common.hpp"
#include "cli/command.hpp"
#include "cli/options.hpp"
#include "colour/delta_e.hpp"
#include "colour/srgb.hpp"
#include "common/error.hpp"
#include "files/palette_file.hpp"
#include "history/clients.hpp"
#include "history/next_session.hpp"
#include "history/session_record.hpp"
#include "history/sha256.hpp"
#include "pigment/model.hpp"
#include "report/calibration_report.hpp"
#include "report/measure_report.hpp"
#include "report/terminal.hpp"
#include "session/measure.hpp"

namespace shadematch::cli {
namespace {

using history::ClientHistory;
using history::Database;

// A follow-up earlier than this after the session is not healed yet (SMP heals over 4–8 weeks;
// the scabs alone take 1–2): the issue's 3 weeks.
constexpr int kMinHealingDays = 21;

constexpr const char* kClientUsage =
    "add|list|show|record|healed|next …\n\n"
    "  client add ID --name NAME [--notes T]\n"
    "  client list\n"
    "  client show ID\n"
    "  client record ID --session N --blend SPEC --palette F (PHOTO [--hair R] [--scalp R] | --target L,a,b --skin "
    "L,a,b)\n"
    "                [--date YYYY-MM-DD]\n"
    "  client healed ID --session N (PHOTO --treated R [--scalp R] | --lab L,a,b) [--date YYYY-MM-DD]\n"
    "  client next ID --palette F [--placement over|among] [--top K]\n"
    "Every one takes --db F (default $SHADEMATCH_DB, else ./shadematch.db) and --json.\n"
    "'shadematch client SUBCOMMAND --help' explains each.";

std::string lab_cell(const colour::Lab& lab) {
  return report::fixed(lab.l, 1) + " " + report::fixed(lab.a, 1) + " " + report::fixed(lab.b, 1);
}

std::string hex_of(const colour::Lab& lab) {
  return colour::lab_d50_to_srgb8(lab).hex();
}

void check_date(const std::string& date, const std::string& what) {
  if (!files::is_iso_date(date)) throw UsageError(what + ": expected a date YYYY-MM-DD, found '" + date + "'");
}

void add_common(po::options_description& d, std::string& db) {
  d.add_options()("db", po::value(&db), kDbHelp)("json", "print one JSON object");
}

std::string client_id_argument(const std::string& name, const std::vector<std::string>& positionals) {
  if (positionals.empty()) throw UsageError(name + ": expected the client ID (see 'shadematch " + name + " --help')");
  history::check_client_id(positionals[0]);
  return positionals[0];
}

nlohmann::json client_json(const history::Client& c) {
  return {{"id", c.id},
          {"name", c.name},
          {"notes", c.notes},
          {"created_at", c.created_at},
          {"sessions", c.sessions},
          {"healed", c.healed},
          {"last_date", c.last_date}};
}

nlohmann::json photo_json(const std::optional<history::PhotoRef>& p) {
  if (!p) return nullptr;
  return {{"path", p->path}, {"sha256", p->sha256}};
}

nlohmann::json healed_json(const history::HealedRecord& h, const history::SessionRecord& s) {
  return {{"id", h.id},
          {"date", h.date},
          {"days_after_session", days_between(s.date, h.date)},
          {"healed_lab", lab_json(h.healed)},
          {"healed_hex", hex_of(h.healed)},
          {"de00", std::round(colour::delta_e_2000(s.predicted, h.healed) * 100.0) / 100.0},
          {"photo", photo_json(h.photo)},
          {"calibration", h.calibration},
          {"regions", h.regions},
          {"measurements", h.measurements},
          {"created_at", h.created_at}};
}

nlohmann::json session_json(const history::SessionRecord& s) {
  nlohmann::json inks = nlohmann::json::array();
  for (const history::InkUse& i : s.inks) inks.push_back({{"id", i.id}, {"parts", i.parts}, {"lot", i.lot}});
  nlohmann::json healed = nlohmann::json::array();
  for (const history::HealedRecord& h : s.healed) healed.push_back(healed_json(h, s));
  const history::HealedRecord* latest = s.latest_healed();
  return {
      {"session", s.session},
      {"date", s.date},
      {"recipe", s.recipe},
      {"inks", inks},
      {"dilution", s.dilution},
      {"palette", {{"name", s.palette_name}, {"path", s.palette_path}, {"sha256", s.palette_sha256}}},
      {"model_parameters", s.model_parameters},
      {"skin_lab", lab_json(s.skin)},
      {"target_lab", lab_json(s.target)},
      {"predicted_lab", lab_json(s.predicted)},
      {"predicted_hex", hex_of(s.predicted)},
      {"healed_lab", latest ? lab_json(latest->healed) : nlohmann::json(nullptr)},
      {"de00", latest ? nlohmann::json(std::round(colour::delta_e_2000(s.predicted, latest->healed) * 100.0) / 100.0)
                      : nlohmann::json(nullptr)},
      {"coverage", s.coverage ? nlohmann::json(*s.coverage) : nlohmann::json(nullptr)},
      {"photo", photo_json(s.photo)},
      {"calibration", s.calibration},
      {"regions", s.regions},
      {"measurements", s.measurements},
      {"created_at", s.created_at},
      {"followups", healed}};
}

// The photo's measurement as stored: calibration summary, the regions' rectangles, and each
// region's full measurement (report::region_json, as `measure --json` prints it).
struct StoredMeasurement {
  nlohmann::json calibration;
  nlohmann::json regions = nlohmann::json::object();
  nlohmann::json measurements = nlohmann::json::object();
  std::vector<std::string> warnings;
};

StoredMeasurement stored(const session::MeasureResult& m, const std::string& calibration_file) {
  StoredMeasurement s;
  s.calibration = report::calibration_summary_json(m.calibration);
  s.calibration["source"] = calibration_file.empty() ? std::string("card in the photo") : calibration_file;
  for (const photo::RegionMeasurement& r : m.regions) {
    s.regions[r.name] = {r.rect.x, r.rect.y, r.rect.width, r.rect.height};
    s.measurements[r.name] = report::region_json(r);
  }
  s.regions["source"] = m.regions_source;
  s.warnings = m.warnings;
  return s;
}

int no_card(const std::string& photo, const session::MeasureResult& m) {
  std::cerr << "shadematch: " << photo << ": error: no usable card (" << m.calibration.reason
            << "); give --calibration F (a calibration saved from a photo of the card in the same setup)\n";
  return static_cast<int>(ExitCode::no_card);
}

void print_warnings(const std::vector<std::string>& warnings) {
  for (const std::string& w : warnings) std::cerr << "shadematch: warning: " << w << "\n";
}

// ---- add ------------------------------------------------------------------------------------

int client_add(const std::vector<std::string>& args) {
  po::options_description visible("Options");
  std::string db, name, notes;
  visible.add_options()("name", po::value(&name), "the client's name (required)")("notes", po::value(&notes),
                                                                                  "free text");
  add_common(visible, db);
  std::vector<std::string> pos;
  po::variables_map vm;
  if (parse_command_line("client add",
                         "ID --name NAME [--notes T] [--db F] [--json]\n\n"
                         "Adds a client to the clinic's database (created when missing).",
                         args, visible, vm, &pos)) {
    return 0;
  }
  const std::string id = client_id_argument("client add", pos);
  expect_positionals("client add", pos, 1, "one ID");
  if (!vm.count("name") || name.empty()) throw UsageError("client add: --name NAME is required");
  ClientHistory history(Database::open(resolve_db_path(vm, db), Database::Mode::create));
  const history::Client c = history.add_client(id, name, notes);
  if (vm.count("json")) {
    std::cout << nlohmann::json{{"db", history.database().path()}, {"client", client_json(c)}}.dump(2) << "\n";
  } else {
    std::cout << "Added client " << c.id << " (" << c.name << ") to " << history.database().path() << "\n";
  }
  return 0;
}

// ---- list -----------------------------------------------------------------------------------

int client_list(const std::vector<std::string>& args) {
  po::options_description visible("Options");
  std::string db;
  add_common(visible, db);
  po::variables_map vm;
  if (parse_command_line("client list", "[--db F] [--json]\n\nLists the clinic's clients.", args, visible, vm))
    return 0;
  const ClientHistory history(Database::open(resolve_db_path(vm, db), Database::Mode::existing));
  const std::vector<history::Client> clients = history.list_clients();
  if (vm.count("json")) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& c : clients) list.push_back(client_json(c));
    std::cout << nlohmann::json{{"db", history.database().path()}, {"clients", list}}.dump(2) << "\n";
    return 0;
  }
  if (clients.empty()) {
    std::cout << "No clients in " << history.database().path() << " yet ('shadematch client add ID --name NAME').\n";
    return 0;
  }
  report::TextTable table(
      {"ID", "Name", "Sessions", "Healed", "Last"},
      {report::Align::left, report::Align::left, report::Align::right, report::Align::right, report::Align::left});
  for (const auto& c : clients) {
    table.add_row({c.id, c.name, std::to_string(c.sessions), std::to_string(c.healed), c.last_date});
  }
  std::cout << table.render();
  return 0;
}

// ---- show -----------------------------------------------------------------------------------

int client_show(const std::vector<std::string>& args) {
  po::options_description visible("Options");
  std::string db;
  add_common(visible, db);
  std::vector<std::string> pos;
  po::variables_map vm;
  if (parse_command_line("client show",
                         "ID [--db F] [--json]\n\n"
                         "The client's history, session by session: date, blend, skin, target, predicted healed Lab,\n"
                         "measured healed Lab (the latest follow-up) and the ΔE00 between them.",
                         args, visible, vm, &pos)) {
    return 0;
  }
  const std::string id = client_id_argument("client show", pos);
  expect_positionals("client show", pos, 1, "one ID");
  const ClientHistory history(Database::open(resolve_db_path(vm, db), Database::Mode::existing));
  const history::Client c = history.client(id);
  const std::vector<history::SessionRecord> sessions = history.sessions(id);
  if (vm.count("json")) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& s : sessions) list.push_back(session_json(s));
    std::cout << nlohmann::json{{"db", history.database().path()}, {"client", client_json(c)}, {"sessions", list}}.dump(
                     2)
              << "\n";
    return 0;
  }
  std::cout << "Client " << c.id << ": " << c.name << (c.notes.empty() ? "" : " — " + c.notes) << "\n";
  if (sessions.empty()) {
    std::cout << "No sessions recorded yet ('shadematch client record " << c.id << " --session 1 …').\n";
    return 0;
  }
  report::TextTable table(
      {"#", "Date", "Recipe", "Skin", "Target", "Predicted", "Healed", "Healed on", "ΔE00"},
      {report::Align::right, report::Align::left, report::Align::left, report::Align::left, report::Align::left,
       report::Align::left, report::Align::left, report::Align::left, report::Align::right});
  for (const auto& s : sessions) {
    const history::HealedRecord* h = s.latest_healed();
    table.add_row({std::to_string(s.session), s.date, s.recipe, lab_cell(s.skin), lab_cell(s.target),
                   lab_cell(s.predicted), h ? lab_cell(h->healed) : "—",
                   h ? h->date + " (" + std::to_string(days_between(s.date, h->date)) + " d)" : "—",
                   h ? report::fixed(colour::delta_e_2000(s.predicted, h->healed), 2) : "—"});
  }
  std::cout << table.render();
  std::cout << "Lab is CIELAB D50; Predicted is the healed dot the model predicted at the session (palette "
            << sessions.back().palette_name << "), Healed the latest follow-up; ΔE00 between them.\n";
  return 0;
}

// ---- record ---------------------------------------------------------------------------------

int client_record(const std::vector<std::string>& args) {
  po::options_description visible("Options");
  std::string db, blend_text, palette_path, hair, scalp, calibration, target, skin, date;
  int session = 0;
  double coverage = -1.0;
  visible.add_options()("session", po::value(&session), "session number, 1–99 (required)")(
      "blend", po::value(&blend_text), "what was applied, e.g. \"2 jet-black + 1 warm-brown @ 8:1\" (required)")(
      "palette", po::value(&palette_path), "the palette it was mixed from (required)")(
      "hair", po::value(&hair), "x,y,w,h: hair region of PHOTO (the target: follicle colour)")(
      "scalp", po::value(&scalp), "x,y,w,h: scalp region of PHOTO (the skin)")(
      "calibration", po::value(&calibration), "use a saved calibration instead of the card in PHOTO")(
      "target", po::value(&target), "L,a,b: the hair (follicle) colour, instead of a photo")(
      "skin", po::value(&skin), "L,a,b: the scalp skin colour, with --target")(
      "coverage", po::value(&coverage), "follicle coverage 0–1, with --target (optional)")(
      "date", po::value(&date), "YYYY-MM-DD of the session (default: today, UTC)");
  add_common(visible, db);
  std::vector<std::string> pos;
  po::variables_map vm;
  if (parse_command_line(
          "client record",
          "ID --session N --blend SPEC --palette F (PHOTO [--hair R] [--scalp R] [--calibration F] |\n"
          "       --target L,a,b --skin L,a,b) [--date YYYY-MM-DD] [--db F] [--json]\n\n"
          "Records a session: the blend applied, the client's skin and target (measured in PHOTO as 'measure'\n"
          "does, or given), and the healed dot colour the model predicts, with the palette's healing values.",
          args, visible, vm, &pos)) {
    return 0;
  }
  const std::string id = client_id_argument("client record", pos);
  for (const char* required : {"session", "blend", "palette"}) {
    if (!vm.count(required)) throw UsageError(std::string("client record: --") + required + " is required");
  }
  if (session < 1 || session > 99)
    throw UsageError("client record: --session: expected 1 to 99, found " + std::to_string(session));
  const bool given = vm.count("target") > 0;
  if (given && pos.size() > 1) throw UsageError("client record: give either PHOTO or --target/--skin, not both");
  if (!given) expect_positionals("client record", pos, 2, "ID and one PHOTO (or --target L,a,b --skin L,a,b)");
  if (given && !vm.count("skin")) throw UsageError("client record: --target needs --skin L,a,b");
  if (!given && (vm.count("skin") || vm.count("coverage"))) {
    throw UsageError("client record: --skin and --coverage go with --target (a photo measures them)");
  }
  if (given && (vm.count("hair") || vm.count("scalp") || vm.count("calibration"))) {
    throw UsageError("client record: --hair, --scalp and --calibration go with a PHOTO");
  }
  if (vm.count("coverage") && !(coverage >= 0.0 && coverage <= 1.0)) {
    throw UsageError("client record: --coverage: expected a fraction from 0 to 1");
  }
  if (vm.count("date"))
    check_date(date, "client record: --date");
  else
    date = today_utc();

  // The database first: a wrong --db or client fails before a photo is measured.
  ClientHistory history(Database::open(resolve_db_path(vm, db), Database::Mode::existing));
  (void)history.client(id);
  const pigment::Palette palette = files::load_palette(palette_path);
  const pigment::Blend blend = parse_blend_argument(blend_text, palette);

  history::SessionRecord r;
  r.client_id = id;
  r.session = session;
  r.date = date;
  std::vector<std::string> warnings;
  if (given) {
    r.target = parse_lab_argument(target, "client record: --target");
    r.skin = parse_lab_argument(skin, "client record: --skin");
    if (vm.count("coverage")) r.coverage = coverage;
  } else {
    session::MeasureRequest request;
    request.photo = pos[1];
    if (vm.count("calibration")) request.calibration_path = calibration;
    if (vm.count("hair")) request.regions.push_back(parse_region_argument("hair", hair, "client record", "--hair"));
    if (vm.count("scalp")) request.regions.push_back(parse_region_argument("scalp", scalp, "client record", "--scalp"));
    const session::MeasureResult m = session::run_measure(request);
    if (!m.usable()) return no_card(request.photo, m);
    const photo::RegionMeasurement* h = nullptr;
    const photo::RegionMeasurement* s = nullptr;
    for (const auto& reg : m.regions) {
      if (reg.kind == photo::RegionKind::hair && h == nullptr) h = &reg;
      if (reg.kind == photo::RegionKind::scalp && s == nullptr) s = &reg;
    }
    if (h == nullptr || !h->follicle_lab) {
      throw InputError(request.photo,
                       "no hair region to measure the target (follicle colour) from; give --hair x,y,w,h");
    }
    if (s == nullptr) throw InputError(request.photo, "no scalp region to measure the skin from; give --scalp x,y,w,h");
    r.target = *h->follicle_lab;
    r.skin = s->lab;
    r.coverage = h->coverage;
    r.photo = history::PhotoRef{request.photo, history::sha256_file_hex(request.photo)};
    StoredMeasurement st = stored(m, vm.count("calibration") ? calibration : "");
    r.calibration = st.calibration;
    r.regions = st.regions;
    r.measurements = st.measurements;
    warnings = st.warnings;
  }
  history::fill_blend(r, palette, blend);  // the same as `serve --db` stores
  r.palette_path = palette_path;
  r.palette_sha256 = history::sha256_file_hex(palette_path);

  const std::vector<history::SessionRecord> earlier = history.sessions(id);
  if (!earlier.empty()) {
    const history::SessionRecord& last = earlier.back();
    if (session > last.session + 1) {
      warnings.push_back("session " + std::to_string(session) + " recorded after session " +
                         std::to_string(last.session) + ": sessions in between are missing");
    }
    if (session > last.session && days_between(last.date, date) < 0) {
      warnings.push_back("session " + std::to_string(session) + " (" + date + ") is dated before session " +
                         std::to_string(last.session) + " (" + last.date + ")");
    }
  }
  history.add_session(r);

  const double de_target = colour::delta_e_2000(r.target, r.predicted);
  if (vm.count("json")) {
    const history::SessionRecord back = history.session(id, session);
    std::cout << nlohmann::json{{"db", history.database().path()},
                                {"client", id},
                                {"session", session_json(back)},
                                {"de00_to_target", std::round(de_target * 100.0) / 100.0},
                                {"warnings", warnings}}
                     .dump(2)
              << "\n";
  } else {
    std::cout << "Recorded session " << session << " of client " << id << " (" << date << "): " << r.recipe << "\n"
              << "  skin       " << report::lab_text(r.skin) << "\n"
              << "  target     " << report::lab_text(r.target) << "  " << hex_of(r.target) << "\n"
              << "  predicted  " << report::lab_text(r.predicted) << "  " << hex_of(r.predicted)
              << "  healed dot, ΔE00 " << report::fixed(de_target, 2) << " from the target\n"
              << "Record the healed result in 4–8 weeks: shadematch client healed " << id << " --session " << session
              << " PHOTO --treated x,y,w,h\n";
  }
  print_warnings(warnings);
  return 0;
}

// ---- healed ---------------------------------------------------------------------------------

int client_healed(const std::vector<std::string>& args) {
  po::options_description visible("Options");
  std::string db, treated, scalp, calibration, lab, date;
  int session = 0;
  visible.add_options()("session", po::value(&session), "the session followed up (required)")(
      "treated", po::value(&treated), "x,y,w,h: the treated area of PHOTO; the healed dots are its dark mode")(
      "scalp", po::value(&scalp), "x,y,w,h: untreated scalp of PHOTO (optional: tells dots from skin)")(
      "calibration", po::value(&calibration), "use a saved calibration instead of the card in PHOTO")(
      "lab", po::value(&lab), "L,a,b: the healed dot colour, instead of a photo")(
      "date", po::value(&date), "YYYY-MM-DD of the follow-up (default: today, UTC)");
  add_common(visible, db);
  std::vector<std::string> pos;
  po::variables_map vm;
  if (parse_command_line(
          "client healed",
          "ID --session N (PHOTO --treated R [--scalp R] [--calibration F] | --lab L,a,b) [--date YYYY-MM-DD]\n"
          "       [--db F] [--json]\n\n"
          "Records a healed follow-up of a session: the healed dots' colour, measured in PHOTO like follicles\n"
          "(the dark mode inside the treated region, after calibration), or given. Warns when it is under 3 weeks\n"
          "after the session (not healed yet).",
          args, visible, vm, &pos)) {
    return 0;
  }
  const std::string id = client_id_argument("client healed", pos);
  if (!vm.count("session")) throw UsageError("client healed: --session is required");
  const bool given = vm.count("lab") > 0;
  if (given && pos.size() > 1) throw UsageError("client healed: give either PHOTO or --lab, not both");
  if (!given) expect_positionals("client healed", pos, 2, "ID and one PHOTO (or --lab L,a,b)");
  if (!given && !vm.count("treated")) throw UsageError("client healed: PHOTO needs --treated x,y,w,h");
  if (given && (vm.count("treated") || vm.count("scalp") || vm.count("calibration"))) {
    throw UsageError("client healed: --treated, --scalp and --calibration go with a PHOTO");
  }
  if (vm.count("date"))
    check_date(date, "client healed: --date");
  else
    date = today_utc();

  ClientHistory history(Database::open(resolve_db_path(vm, db), Database::Mode::existing));
  const history::SessionRecord s = history.session(id, session);
  const int days = days_between(s.date, date);
  if (days < 0) {
    throw InputError(history.database().path(), "the follow-up (" + date + ") is dated before session " +
                                                    std::to_string(session) + " (" + s.date + ")");
  }
  std::vector<std::string> warnings;
  history::HealedRecord h;
  h.client_id = id;
  h.session = session;
  h.date = date;
  if (given) {
    h.healed = parse_lab_argument(lab, "client healed: --lab");
  } else {
    session::MeasureRequest request;
    request.photo = pos[1];
    if (vm.count("calibration")) request.calibration_path = calibration;
    photo::Region region = parse_region_argument("treated", treated, "client healed", "--treated");
    region.kind = photo::RegionKind::hair;  // healed dots are measured as follicles are
    request.regions.push_back(region);
    if (vm.count("scalp")) request.regions.push_back(parse_region_argument("scalp", scalp, "client healed", "--scalp"));
    const session::MeasureResult m = session::run_measure(request);
    if (!m.usable()) return no_card(request.photo, m);
    const photo::RegionMeasurement* t = nullptr;
    for (const auto& reg : m.regions) {
      if (reg.name == "treated") t = &reg;
    }
    if (t == nullptr || !t->follicle_lab) {
      throw InputError(request.photo, "no healed dots found in the --treated region (no dark cluster to measure)");
    }
    h.healed = *t->follicle_lab;
    for (const std::string& w : t->warnings) warnings.push_back("treated region: " + w);
    h.photo = history::PhotoRef{request.photo, history::sha256_file_hex(request.photo)};
    StoredMeasurement st = stored(m, vm.count("calibration") ? calibration : "");
    h.calibration = st.calibration;
    h.regions = st.regions;
    h.measurements = st.measurements;
    for (const std::string& w : st.warnings) warnings.push_back(w);
  }
  if (days < kMinHealingDays) {
    warnings.insert(warnings.begin(), "the follow-up is " + std::to_string(days) + " days after session " +
                                          std::to_string(session) + " (" + s.date +
                                          "): under 3 weeks the dots have not healed yet (SMP heals over 4–8 "
                                          "weeks), so this colour will mislead 'healing fit'");
  }
  const history::HealedRecord saved = history.add_healed(h);
  const double de = colour::delta_e_2000(s.predicted, saved.healed);
  if (vm.count("json")) {
    std::cout << nlohmann::json{{"db", history.database().path()},
                                {"client", id},
                                {"session", session},
                                {"healed", healed_json(saved, s)},
                                {"predicted_lab", lab_json(s.predicted)},
                                {"de00", std::round(de * 100.0) / 100.0},
                                {"days_after_session", days},
                                {"warnings", warnings}}
                     .dump(2)
              << "\n";
  } else {
    std::cout << "Recorded the healed result of session " << session << " of client " << id << " (" << date << ", "
              << days << " days after)\n"
              << "  healed     " << report::lab_text(saved.healed) << "  " << hex_of(saved.healed) << "\n"
              << "  predicted  " << report::lab_text(s.predicted) << "  " << hex_of(s.predicted) << "  (" << s.recipe
              << ")\n"
              << "  ΔE00       " << report::fixed(de, 2) << "\n";
  }
  print_warnings(warnings);
  return 0;
}

// ---- next -----------------------------------------------------------------------------------

int client_next(const std::vector<std::string>& args) {
  po::options_description visible("Options");
  std::string db, palette_path, placement_name = "over", today;
  int top = 5;
  visible.add_options()("palette", po::value(&palette_path),
                        "the palette (after 'healing fit --write': with the clinic's refitted values)")(
      "placement", po::value(&placement_name)->default_value("over"),
      "over: new dots into the healed ones (their pigment adds up) | among: between them, in untouched skin")(
      "top", po::value(&top)->default_value(5), "blends listed, 1–50")("include-unavailable",
                                                                       "also search out-of-stock and expired inks")(
      "today", po::value(&today), "YYYY-MM-DD: the date expiry is checked against (default: today, UTC)");
  add_common(visible, db);
  std::vector<std::string> pos;
  po::variables_map vm;
  if (parse_command_line(
          "client next",
          "ID --palette F [--placement over|among] [--top K] [--db F] [--json]\n\n"
          "Ranks the palette's blends for the client's next session, from the colour the last session healed to:\n"
          "the target is one shade darker than that (never darker than the hair). New dots placed over healed\n"
          "ones add their pigment to what the skin kept (Kubelka-Munk: absorption and scattering of pigments in\n"
          "one layer add); placed among them, they heal as first dots do.",
          args, visible, vm, &pos)) {
    return 0;
  }
  const std::string id = client_id_argument("client next", pos);
  expect_positionals("client next", pos, 1, "one ID");
  if (!vm.count("palette")) throw UsageError("client next: --palette F is required");
  const auto placement = history::parse_placement(placement_name);
  if (!placement) throw UsageError("client next: --placement: expected over or among, found '" + placement_name + "'");
  if (top < 1 || top > 50) throw UsageError("client next: --top: expected 1 to 50, found " + std::to_string(top));
  if (vm.count("today")) {
    if (!files::is_iso_date(today))
      throw UsageError("client next: --today: expected YYYY-MM-DD, found '" + today + "'");
  } else {
    today = today_utc();
  }
  const ClientHistory history(Database::open(resolve_db_path(vm, db), Database::Mode::existing));
  const std::vector<history::SessionRecord> sessions = history.sessions(id);
  const pigment::Palette palette = files::load_palette(palette_path);
  plan::SearchOptions options;
  options.top_k = top;
  options.include_unavailable = vm.count("include-unavailable") > 0;
  options.today = today;
  const history::NextSessionPlan next =
      history::plan_next_session(history.database().path(), id, sessions, palette, *placement, options);
  std::vector<std::string> warnings = next.warnings;
  for (const std::string& w : next.plan.warnings) warnings.push_back(w);
  const plan::SessionBlends* blends = next.plan.sessions.empty() ? nullptr : &next.plan.sessions.front();
  if (vm.count("json")) {
    nlohmann::json list = nlohmann::json::array();
    if (blends != nullptr) {
      for (const plan::RankedBlend& b : blends->blends) {
        nlohmann::json inks = nlohmann::json::array();
        for (const auto& p : b.blend.parts) inks.push_back({{"id", p.ink_id}, {"parts", p.parts}});
        list.push_back({{"rank", b.rank},
                        {"recipe", b.recipe},
                        {"inks", inks},
                        {"dilution", b.blend.dilution.label()},
                        {"predicted_lab", lab_json(b.predicted)},
                        {"predicted_hex", hex_of(b.predicted)},
                        {"de00", std::round(b.de00 * 10000.0) / 10000.0},
                        {"dL", std::round(b.diff.dl * 10000.0) / 10000.0},
                        {"dC", std::round(b.diff.dc * 10000.0) / 10000.0},
                        {"dH", std::round(b.diff.dh * 10000.0) / 10000.0},
                        {"score", std::round(b.score * 10000.0) / 10000.0}});
      }
    }
    std::cout << nlohmann::json{{"db", history.database().path()},
                                {"client", id},
                                {"session", next.session},
                                {"placement", std::string(history::placement_name(next.placement))},
                                {"palette", palette_path},
                                {"model_parameters", healing_json(palette.healing)},
                                {"skin_lab", lab_json(next.skin)},
                                {"target_lab", lab_json(next.target)},
                                {"current_lab", lab_json(next.current)},
                                {"current_measured", next.current_measured},
                                {"current_de00", std::round(next.current_de00 * 100.0) / 100.0},
                                {"session_target_lab", lab_json(next.next_target)},
                                {"session_target_hex", hex_of(next.next_target)},
                                {"earlier", next.earlier},
                                {"blends", list},
                                {"warnings", warnings}}
                     .dump(2)
              << "\n";
    return 0;
  }
  std::cout << "Client " << id << ", session " << next.session << " (new dots placed "
            << (next.placement == history::Placement::over ? "over the healed ones" : "among the healed ones") << ")\n"
            << "  skin              " << report::lab_text(next.skin) << "\n"
            << "  target (hair)     " << report::lab_text(next.target) << "  " << hex_of(next.target) << "\n"
            << "  healed so far     " << report::lab_text(next.current) << "  " << hex_of(next.current)
            << (next.current_measured ? "" : "  (predicted: no follow-up yet)") << ", ΔE00 "
            << report::fixed(next.current_de00, 2) << " from the target\n"
            << "  this session aims " << report::lab_text(next.next_target) << "  " << hex_of(next.next_target) << "\n";
  if (next.placement == history::Placement::over) {
    std::cout << "  under the new dots: ";
    for (std::size_t i = 0; i < next.earlier.size(); ++i) std::cout << (i ? "; " : "") << next.earlier[i];
    std::cout << "\n";
  }
  std::cout << "\n";
  if (blends == nullptr || blends->blends.empty()) {
    std::cout << "No blend of " << palette_path << " reaches this target.\n";
  } else {
    report::TextTable table(
        {"#", "Recipe", "L*", "a*", "b*", "Hex", "ΔE00", "Score", "Compared with target"},
        {report::Align::right, report::Align::left, report::Align::right, report::Align::right, report::Align::right,
         report::Align::left, report::Align::right, report::Align::right, report::Align::left});
    for (const plan::RankedBlend& b : blends->blends) {
      table.add_row({std::to_string(b.rank), b.recipe, report::fixed(b.predicted.l, 1), report::fixed(b.predicted.a, 1),
                     report::fixed(b.predicted.b, 1), hex_of(b.predicted), report::fixed(b.de00, 2),
                     report::fixed(b.score, 2), b.direction});
    }
    std::cout << table.render(2);
    if (blends->shortfall) {
      std::cout << "  Nothing comes within ΔE00 3 of this target: the palette lacks " << *blends->shortfall << ".\n";
    }
  }
  print_warnings(warnings);
  return 0;
}

int run_client(const std::vector<std::string>& args) {
  if (args.empty())
    throw UsageError(
        "client: expected a subcommand: add, list, show, record, healed or next (see 'shadematch client --help')");
  const std::string& sub = args.front();
  if (sub == "--help" || sub == "-h") {
    std::cout << "Usage: shadematch client " << kClientUsage << "\n";
    return 0;
  }
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (sub == "add") return client_add(rest);
  if (sub == "list") return client_list(rest);
  if (sub == "show") return client_show(rest);
  if (sub == "record") return client_record(rest);
  if (sub == "healed") return client_healed(rest);
  if (sub == "next") return client_next(rest);
  throw UsageError("client: unknown subcommand '" + sub + "': expected add, list, show, record, healed or next");
}

const Registration registration{
    {"client", "the clinic's client history: sessions, healed follow-ups, the next session's blends", run_client}};

}  // namespace
}  // namespace shadematch::cli
