#pragma once
// The client database's schema, as an ordered list of migrations (history/database.hpp applies
// the ones a file lacks, each in the same write transaction, and records it in
// schema_migrations). A migration, once released, is never edited: a change is a new migration.
//
// Version 1 (the first schema):
//   clients       (id, name, notes, created_at)
//   sessions      one row per client and session: date, recipe and dilution, the palette (name,
//                 path, SHA-256 of its bytes), the model parameters used (JSON {name: value}),
//                 skin, target and predicted healed Lab, follicle coverage, photo path + SHA-256,
//                 calibration, regions and measurements (JSON, null when colours were given)
//   session_inks  the blend's inks, one row each: id, parts and the lot in the palette that day
//                 (a recalled lot can be traced to its clients)
//   healed        follow-ups, any number per session: date, measured healed Lab, photo, calibration,
//                 regions, measurements; the latest (by date) is the session's healed result
// Version 2: healing_fits (every `healing fit --write`: palette, records, cross-validated ΔE00
//   before and after, parameters before and after) and an index of sessions by palette name
//   (the fit's query).
#include <vector>

namespace shadematch::history {

struct Migration {
  int version;
  const char* description;
  const char* sql;  // constant DDL, run as one script
};

const std::vector<Migration>& migrations();
inline int latest_schema_version() {
  return static_cast<int>(migrations().size());
}

}  // namespace shadematch::history
