#include "history/schema.hpp"

namespace shadematch::history {

namespace {

// JSON columns are checked by SQLite's json_valid (built in since 3.38; bookworm has 3.40).
// Dates are checked as real calendar dates before they get here; the GLOB is a second fence.
constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE schema_migrations (
  version     INTEGER PRIMARY KEY,
  description TEXT NOT NULL,
  applied_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE TABLE clients (
  id         TEXT PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 64),
  name       TEXT NOT NULL CHECK (length(name) >= 1),
  notes      TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE TABLE sessions (
  client_id        TEXT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
  session          INTEGER NOT NULL CHECK (session BETWEEN 1 AND 99),
  date             TEXT NOT NULL CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
  recipe           TEXT NOT NULL,
  dilution         TEXT NOT NULL,
  palette_name     TEXT NOT NULL,
  palette_path     TEXT NOT NULL,
  palette_sha256   TEXT NOT NULL CHECK (length(palette_sha256) = 64),
  model_parameters TEXT NOT NULL CHECK (json_valid(model_parameters)),
  skin_l REAL NOT NULL, skin_a REAL NOT NULL, skin_b REAL NOT NULL,
  target_l REAL NOT NULL, target_a REAL NOT NULL, target_b REAL NOT NULL,
  predicted_l REAL NOT NULL, predicted_a REAL NOT NULL, predicted_b REAL NOT NULL,
  coverage         REAL CHECK (coverage IS NULL OR coverage BETWEEN 0 AND 1),
  photo_path       TEXT,
  photo_sha256     TEXT CHECK (photo_sha256 IS NULL OR length(photo_sha256) = 64),
  calibration      TEXT CHECK (calibration IS NULL OR json_valid(calibration)),
  regions          TEXT CHECK (regions IS NULL OR json_valid(regions)),
  measurements     TEXT CHECK (measurements IS NULL OR json_valid(measurements)),
  created_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
  PRIMARY KEY (client_id, session)
);
CREATE TABLE session_inks (
  client_id TEXT NOT NULL,
  session   INTEGER NOT NULL,
  position  INTEGER NOT NULL CHECK (position >= 1),
  ink_id    TEXT NOT NULL,
  parts     INTEGER NOT NULL CHECK (parts >= 1),
  ink_lot   TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (client_id, session, position),
  FOREIGN KEY (client_id, session) REFERENCES sessions(client_id, session) ON DELETE CASCADE
);
CREATE TABLE healed (
  id           INTEGER PRIMARY KEY,
  client_id    TEXT NOT NULL,
  session      INTEGER NOT NULL,
  date         TEXT NOT NULL CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
  healed_l REAL NOT NULL, healed_a REAL NOT NULL, healed_b REAL NOT NULL,
  photo_path   TEXT,
  photo_sha256 TEXT CHECK (photo_sha256 IS NULL OR length(photo_sha256) = 64),
  calibration  TEXT CHECK (calibration IS NULL OR json_valid(calibration)),
  regions      TEXT CHECK (regions IS NULL OR json_valid(regions)),
  measurements TEXT CHECK (measurements IS NULL OR json_valid(measurements)),
  created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
  FOREIGN KEY (client_id, session) REFERENCES sessions(client_id, session) ON DELETE CASCADE
);
CREATE INDEX healed_by_session ON healed(client_id, session);
)sql";

constexpr const char* kSchemaV2 = R"sql(
CREATE TABLE healing_fits (
  id                INTEGER PRIMARY KEY,
  palette_name      TEXT NOT NULL,
  palette_path      TEXT NOT NULL,
  records           INTEGER NOT NULL CHECK (records >= 0),
  cv_de00_before    REAL,
  cv_de00_after     REAL,
  parameters_before TEXT NOT NULL CHECK (json_valid(parameters_before)),
  parameters_after  TEXT NOT NULL CHECK (json_valid(parameters_after)),
  created_at        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX sessions_by_palette ON sessions(palette_name);
)sql";

}  // namespace

const std::vector<Migration>& migrations() {
  static const std::vector<Migration> list{
      {1, "clients, sessions, session inks, healed follow-ups", kSchemaV1},
      {2, "healing fit log; sessions indexed by palette", kSchemaV2},
  };
  return list;
}

}  // namespace shadematch::history
