#pragma once
// The clinic's client history (DESIGN.md "Client history"; issue 15): clients, the sessions done
// on them (what was applied and what the model predicted it heals to) and the healed follow-ups
// (what it healed to). Each function is one command's work in one transaction.
//
// Plain values in, plain values out: measuring photos and predicting colours happen before
// (cli/cmd_client.cpp calls the same measurement and model code as `measure` and `mix`); this
// layer only stores and reads them. JSON columns (model parameters, calibration, regions,
// measurements) travel as nlohmann::json values.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "colour/types.hpp"
#include "history/database.hpp"

namespace shadematch::history {

struct PhotoRef {
  std::string path;    // as the user gave it
  std::string sha256;  // of the file's bytes when recorded
};

struct Client {
  std::string id;
  std::string name;
  std::string notes;
  std::string created_at;  // UTC, ISO 8601
  int sessions = 0;        // recorded sessions
  int healed = 0;          // sessions with at least one healed follow-up
  std::string last_date;   // of the latest session or follow-up ("" when none)
};

struct InkUse {
  std::string id;
  int parts = 1;
  std::string lot;  // the palette's lot that day ("" when the palette names none)
};

struct HealedRecord {
  std::int64_t id = 0;
  std::string client_id;
  int session = 0;
  std::string date;  // YYYY-MM-DD
  colour::Lab healed;
  std::optional<PhotoRef> photo;
  nlohmann::json calibration;  // null when the colour was given (--lab)
  nlohmann::json regions;
  nlohmann::json measurements;
  std::string created_at;
};

struct SessionRecord {
  std::string client_id;
  int session = 0;
  std::string date;    // YYYY-MM-DD
  std::string recipe;  // pigment::format_blend
  std::vector<InkUse> inks;
  std::string dilution;  // "8:1"
  std::string palette_name;
  std::string palette_path;
  std::string palette_sha256;
  nlohmann::json model_parameters;  // {name: value}: the palette's healing values used
  colour::Lab skin;
  colour::Lab target;
  colour::Lab predicted;           // healed dot predicted with model_parameters
  std::optional<double> coverage;  // follicle coverage of the hair region, when measured
  std::optional<PhotoRef> photo;
  nlohmann::json calibration;  // null when the colours were given
  nlohmann::json regions;
  nlohmann::json measurements;
  std::string created_at;
  // Follow-ups, oldest first (filled by the readers below; ignored by add_session).
  std::vector<HealedRecord> healed;
  // The session's healed result: the latest follow-up by date (then by entry).
  const HealedRecord* latest_healed() const { return healed.empty() ? nullptr : &healed.back(); }
};

// Client ids: 1–64 of [A-Za-z0-9._-] (they are typed on the command line and appear in file
// names a clinic may derive from them). Throws UsageError naming the id otherwise.
void check_client_id(const std::string& id);

class ClientHistory {
 public:
  explicit ClientHistory(Database db) : db_(std::move(db)) {}
  const Database& database() const noexcept { return db_; }

  // Throws InputError when the id is taken.
  Client add_client(const std::string& id, const std::string& name, const std::string& notes);
  std::vector<Client> list_clients() const;
  // Throws InputError naming the database when there is no such client.
  Client client(const std::string& id) const;
  // The client's sessions in order, each with its follow-ups.
  std::vector<SessionRecord> sessions(const std::string& client_id) const;

  // Throws InputError for an unknown client or a session number already recorded.
  void add_session(const SessionRecord& record);
  // Adds a follow-up to a recorded session; returns it with its id. Throws InputError for an
  // unknown client or session.
  HealedRecord add_healed(const HealedRecord& record);
  // The session as recorded (with its follow-ups); InputError when absent.
  SessionRecord session(const std::string& client_id, int session) const;

  // Every session recorded with this palette (by name) that has a healed follow-up, ordered by
  // client and session: what `healing fit` learns from.
  std::vector<SessionRecord> healed_sessions_for_palette(const std::string& palette_name) const;

  // The log of `healing fit --write` (schema 2).
  void log_fit(const std::string& palette_name, const std::string& palette_path, int records,
               std::optional<double> cv_before, std::optional<double> cv_after, const nlohmann::json& before,
               const nlohmann::json& after);

 private:
  std::vector<SessionRecord> read_sessions(const std::string& where_sql, const std::string& value) const;
  Database db_;
};

}  // namespace shadematch::history
