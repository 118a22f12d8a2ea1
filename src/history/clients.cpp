#include "history/clients.hpp"

#include <algorithm>

#include "common/error.hpp"

namespace shadematch::history {

namespace {

std::optional<std::string> json_column(const nlohmann::json& j) {
  if (j.is_null()) return std::nullopt;
  return j.dump();
}

nlohmann::json parse_json_column(const std::optional<std::string>& text) {
  if (!text) return nullptr;
  // The schema checks json_valid on every write; a parse failure would be a damaged file.
  return nlohmann::json::parse(*text, nullptr, false);
}

// Column list shared by the session readers (the order read_session_row expects).
constexpr const char* kSessionColumns =
    "s.client_id, s.session, s.date, s.recipe, s.dilution, s.palette_name, s.palette_path, s.palette_sha256, "
    "s.model_parameters, s.skin_l, s.skin_a, s.skin_b, s.target_l, s.target_a, s.target_b, s.predicted_l, "
    "s.predicted_a, s.predicted_b, s.coverage, s.photo_path, s.photo_sha256, s.calibration, s.regions, "
    "s.measurements, s.created_at";

SessionRecord read_session_row(const Statement& s) {
  SessionRecord r;
  r.client_id = s.text(0);
  r.session = static_cast<int>(s.integer(1));
  r.date = s.text(2);
  r.recipe = s.text(3);
  r.dilution = s.text(4);
  r.palette_name = s.text(5);
  r.palette_path = s.text(6);
  r.palette_sha256 = s.text(7);
  r.model_parameters = parse_json_column(s.optional_text(8));
  r.skin = {s.real(9), s.real(10), s.real(11)};
  r.target = {s.real(12), s.real(13), s.real(14)};
  r.predicted = {s.real(15), s.real(16), s.real(17)};
  r.coverage = s.optional_real(18);
  if (const auto path = s.optional_text(19)) r.photo = PhotoRef{*path, s.text(20)};
  r.calibration = parse_json_column(s.optional_text(21));
  r.regions = parse_json_column(s.optional_text(22));
  r.measurements = parse_json_column(s.optional_text(23));
  r.created_at = s.text(24);
  return r;
}

bool client_exists(const Database& db, const std::string& id) {
  Statement s = db.prepare("SELECT 1 FROM clients WHERE id = ?1");
  s.bind(1, std::string_view(id));
  return s.step();
}

[[noreturn]] void no_client(const Database& db, const std::string& id) {
  throw InputError(db.path(), "no client '" + id + "' (see 'shadematch client list')");
}

}  // namespace

void check_client_id(const std::string& id) {
  const bool ok = !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == '-';
  });
  if (!ok) {
    throw UsageError("client: ID: expected 1 to 64 letters, digits, '.', '_' or '-', found '" + id + "'");
  }
}

Client ClientHistory::add_client(const std::string& id, const std::string& name, const std::string& notes) {
  check_client_id(id);
  Client c;
  db_.write_transaction([&] {
    if (client_exists(db_, id)) {
      throw InputError(db_.path(),
                       "a client with id '" + id + "' already exists (see 'shadematch client show " + id + "')");
    }
    db_.prepare("INSERT INTO clients (id, name, notes) VALUES (?1, ?2, ?3)")
        .bind(1, std::string_view(id))
        .bind(2, std::string_view(name))
        .bind(3, std::string_view(notes))
        .run();
  });
  return client(id);
}

std::vector<Client> ClientHistory::list_clients() const {
  std::vector<Client> out;
  Statement s = db_.prepare(
      "SELECT c.id, c.name, c.notes, c.created_at, "
      "  (SELECT count(*) FROM sessions s WHERE s.client_id = c.id), "
      "  (SELECT count(DISTINCT h.session) FROM healed h WHERE h.client_id = c.id), "
      "  coalesce(max((SELECT max(date) FROM sessions s WHERE s.client_id = c.id), "
      "               (SELECT max(date) FROM healed h WHERE h.client_id = c.id)), "
      "           (SELECT max(date) FROM sessions s WHERE s.client_id = c.id), '') "
      "FROM clients c ORDER BY c.id");
  while (s.step()) {
    Client c;
    c.id = s.text(0);
    c.name = s.text(1);
    c.notes = s.text(2);
    c.created_at = s.text(3);
    c.sessions = static_cast<int>(s.integer(4));
    c.healed = static_cast<int>(s.integer(5));
    c.last_date = s.text(6);
    out.push_back(std::move(c));
  }
  return out;
}

Client ClientHistory::client(const std::string& id) const {
  for (Client& c : list_clients()) {
    if (c.id == id) return c;
  }
  no_client(db_, id);
}

std::vector<SessionRecord> ClientHistory::read_sessions(const std::string& where_sql, const std::string& value) const {
  std::vector<SessionRecord> out;
  db_.read_transaction([&] {
    {
      Statement s = db_.prepare(std::string("SELECT ") + kSessionColumns + " FROM sessions s WHERE " + where_sql +
                                " ORDER BY s.client_id, s.session");
      s.bind(1, std::string_view(value));
      while (s.step()) out.push_back(read_session_row(s));
    }
    Statement inks = db_.prepare(
        "SELECT ink_id, parts, ink_lot FROM session_inks WHERE client_id = ?1 AND session = ?2 ORDER BY position");
    Statement healed = db_.prepare(
        "SELECT id, date, healed_l, healed_a, healed_b, photo_path, photo_sha256, calibration, regions, "
        "measurements, created_at FROM healed WHERE client_id = ?1 AND session = ?2 ORDER BY date, id");
    for (SessionRecord& r : out) {
      inks.reset();
      inks.bind(1, std::string_view(r.client_id)).bind(2, r.session);
      while (inks.step()) r.inks.push_back({inks.text(0), static_cast<int>(inks.integer(1)), inks.text(2)});
      healed.reset();
      healed.bind(1, std::string_view(r.client_id)).bind(2, r.session);
      while (healed.step()) {
        HealedRecord h;
        h.id = healed.integer(0);
        h.client_id = r.client_id;
        h.session = r.session;
        h.date = healed.text(1);
        h.healed = {healed.real(2), healed.real(3), healed.real(4)};
        if (const auto path = healed.optional_text(5)) h.photo = PhotoRef{*path, healed.text(6)};
        h.calibration = parse_json_column(healed.optional_text(7));
        h.regions = parse_json_column(healed.optional_text(8));
        h.measurements = parse_json_column(healed.optional_text(9));
        h.created_at = healed.text(10);
        r.healed.push_back(std::move(h));
      }
    }
  });
  return out;
}

std::vector<SessionRecord> ClientHistory::sessions(const std::string& client_id) const {
  if (!client_exists(db_, client_id)) no_client(db_, client_id);
  return read_sessions("s.client_id = ?1", client_id);
}

SessionRecord ClientHistory::session(const std::string& client_id, int number) const {
  for (SessionRecord& r : sessions(client_id)) {
    if (r.session == number) return r;
  }
  throw InputError(db_.path(), "client '" + client_id + "' has no session " + std::to_string(number) +
                                   " recorded (see 'shadematch client show " + client_id + "')");
}

std::vector<SessionRecord> ClientHistory::healed_sessions_for_palette(const std::string& palette_name) const {
  return read_sessions(
      "s.palette_name = ?1 AND EXISTS (SELECT 1 FROM healed h WHERE h.client_id = s.client_id AND h.session = "
      "s.session)",
      palette_name);
}

void ClientHistory::add_session(const SessionRecord& r) {
  db_.write_transaction([&] {
    if (!client_exists(db_, r.client_id)) no_client(db_, r.client_id);
    {
      Statement s = db_.prepare("SELECT date FROM sessions WHERE client_id = ?1 AND session = ?2");
      s.bind(1, std::string_view(r.client_id)).bind(2, r.session);
      if (s.step()) {
        throw InputError(db_.path(), "client '" + r.client_id + "' already has session " + std::to_string(r.session) +
                                         " (recorded for " + s.text(0) + "); choose the next session number");
      }
    }
    Statement insert = db_.prepare(
        "INSERT INTO sessions (client_id, session, date, recipe, dilution, palette_name, palette_path, palette_sha256, "
        "model_parameters, skin_l, skin_a, skin_b, target_l, target_a, target_b, predicted_l, predicted_a, "
        "predicted_b, "
        "coverage, photo_path, photo_sha256, calibration, regions, measurements) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, "
        "?23, ?24)");
    insert.bind(1, std::string_view(r.client_id))
        .bind(2, r.session)
        .bind(3, std::string_view(r.date))
        .bind(4, std::string_view(r.recipe))
        .bind(5, std::string_view(r.dilution))
        .bind(6, std::string_view(r.palette_name))
        .bind(7, std::string_view(r.palette_path))
        .bind(8, std::string_view(r.palette_sha256))
        .bind(9, std::string_view(r.model_parameters.dump()))
        .bind(10, r.skin.l)
        .bind(11, r.skin.a)
        .bind(12, r.skin.b)
        .bind(13, r.target.l)
        .bind(14, r.target.a)
        .bind(15, r.target.b)
        .bind(16, r.predicted.l)
        .bind(17, r.predicted.a)
        .bind(18, r.predicted.b)
        .bind(19, r.coverage)
        .bind(20, r.photo ? std::optional<std::string>(r.photo->path) : std::nullopt)
        .bind(21, r.photo ? std::optional<std::string>(r.photo->sha256) : std::nullopt)
        .bind(22, json_column(r.calibration))
        .bind(23, json_column(r.regions))
        .bind(24, json_column(r.measurements));
    insert.run();
    Statement ink = db_.prepare(
        "INSERT INTO session_inks (client_id, session, position, ink_id, parts, ink_lot) VALUES (?1, ?2, ?3, ?4, ?5, "
        "?6)");
    int position = 1;
    for (const InkUse& use : r.inks) {
      ink.reset();
      ink.bind(1, std::string_view(r.client_id))
          .bind(2, r.session)
          .bind(3, position++)
          .bind(4, std::string_view(use.id))
          .bind(5, use.parts)
          .bind(6, std::string_view(use.lot));
      ink.run();
    }
  });
}

HealedRecord ClientHistory::add_healed(const HealedRecord& r) {
  HealedRecord out = r;
  db_.write_transaction([&] {
    if (!client_exists(db_, r.client_id)) no_client(db_, r.client_id);
    {
      Statement s = db_.prepare("SELECT 1 FROM sessions WHERE client_id = ?1 AND session = ?2");
      s.bind(1, std::string_view(r.client_id)).bind(2, r.session);
      if (!s.step()) {
        throw InputError(db_.path(), "client '" + r.client_id + "' has no session " + std::to_string(r.session) +
                                         " recorded; record it first with 'shadematch client record'");
      }
    }
    db_.prepare(
           "INSERT INTO healed (client_id, session, date, healed_l, healed_a, healed_b, photo_path, photo_sha256, "
           "calibration, regions, measurements) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)")
        .bind(1, std::string_view(r.client_id))
        .bind(2, r.session)
        .bind(3, std::string_view(r.date))
        .bind(4, r.healed.l)
        .bind(5, r.healed.a)
        .bind(6, r.healed.b)
        .bind(7, r.photo ? std::optional<std::string>(r.photo->path) : std::nullopt)
        .bind(8, r.photo ? std::optional<std::string>(r.photo->sha256) : std::nullopt)
        .bind(9, json_column(r.calibration))
        .bind(10, json_column(r.regions))
        .bind(11, json_column(r.measurements))
        .run();
    Statement s = db_.prepare("SELECT id, created_at FROM healed WHERE rowid = last_insert_rowid()");
    s.step();
    out.id = s.integer(0);
    out.created_at = s.text(1);
  });
  return out;
}

void ClientHistory::log_fit(const std::string& palette_name, const std::string& palette_path, int records,
                            std::optional<double> cv_before, std::optional<double> cv_after,
                            const nlohmann::json& before, const nlohmann::json& after) {
  db_.write_transaction([&] {
    db_.prepare(
           "INSERT INTO healing_fits (palette_name, palette_path, records, cv_de00_before, cv_de00_after, "
           "parameters_before, parameters_after) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
        .bind(1, std::string_view(palette_name))
        .bind(2, std::string_view(palette_path))
        .bind(3, records)
        .bind(4, cv_before)
        .bind(5, cv_after)
        .bind(6, std::string_view(before.dump()))
        .bind(7, std::string_view(after.dump()))
        .run();
  });
}

}  // namespace shadematch::history
