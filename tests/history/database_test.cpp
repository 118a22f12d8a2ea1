// The client database under the failures DESIGN.md names: a killed write, two writers at once, a
// corrupt or foreign file, an old schema.
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "common/error.hpp"
#include "history/clients.hpp"
#include "history/database.hpp"
#include "history/schema.hpp"
#include "support/paths.hpp"

using shadematch::InputError;
using namespace shadematch::history;
using shadematch::test::make_temp_dir;
using shadematch::test::read_text_file;

namespace {

SessionRecord sample_session(const std::string& client, int session) {
  SessionRecord r;
  r.client_id = client;
  r.session = session;
  r.date = "2026-01-10";
  r.recipe = "2 jet-black + 1 warm-brown @ 8:1";
  r.inks = {{"jet-black", 2, "JB-2611"}, {"warm-brown", 1, "WB-2604"}};
  r.dilution = "8:1";
  r.palette_name = "Example house palette";
  r.palette_path = "palettes/house.yaml";
  r.palette_sha256 = std::string(64, 'a');
  r.model_parameters = {{"strength", 1.0}, {"retention", 0.7}};
  r.skin = {66, 11, 17};
  r.target = {24, 4, 5};
  r.predicted = {45.5, 3.25, 1.5};
  r.coverage = 0.3;
  r.photo = PhotoRef{"scalp.jpg", std::string(64, 'b')};
  r.calibration = {{"model", "rootpoly"}};
  r.regions = {{"hair", {1, 2, 3, 4}}};
  r.measurements = {{"hair", {{"lab", {24, 4, 5}}}}};
  return r;
}

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

std::int64_t count(const Database& db, const char* sql) {
  Statement s = db.prepare(sql);
  s.step();
  return s.integer(0);
}

// Opening must fail with one InputError whose message contains `fragment`, leaving the bytes.
void expect_refused(const std::string& path, const std::string& fragment) {
  const std::string before = read_text_file(path);
  try {
    (void)Database::open(path, Database::Mode::existing);
    FAIL("opened " << path);
  } catch (const InputError& e) {
    INFO(e.what());
    CHECK(std::string(e.what()).find(fragment) != std::string::npos);
    CHECK(std::string(e.what()).find('\n') == std::string::npos);
  }
  CHECK(read_text_file(path) == before);
  CHECK_FALSE(std::filesystem::exists(path + "-wal"));
}

}  // namespace

TEST_CASE("history db: a new database has the latest schema, WAL, foreign keys and our application id", "[unit]") {
  const std::string dir = make_temp_dir("history-db");
  const std::string path = dir + "/clinic.db";
  {
    const Database db = Database::open(path, Database::Mode::create);
    CHECK(db.schema_version() == latest_schema_version());
    CHECK(latest_schema_version() == 2);
    CHECK(count(db, "PRAGMA foreign_keys") == 1);
    CHECK(count(db, "PRAGMA application_id") == kApplicationId);
    CHECK(count(db, "PRAGMA user_version") == 2);
    Statement s = db.prepare("PRAGMA journal_mode");
    s.step();
    CHECK(s.text(0) == "wal");
    CHECK(count(db, "SELECT count(*) FROM schema_migrations") == 2);
  }
  // A missing file is an error for every command but `client add`.
  CHECK_THROWS_WITH(Database::open(dir + "/none.db", Database::Mode::existing),
                    Catch::Contains("no client database here"));
  CHECK_FALSE(std::filesystem::exists(dir + "/none.db"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("history db: records round-trip, duplicates and unknown clients are refused, nothing interpolated",
          "[unit]") {
  const std::string dir = make_temp_dir("history-rt");
  ClientHistory h(Database::open(dir + "/c.db", Database::Mode::create));
  // A name that would break naive SQL is stored as text (bound, never pasted into SQL).
  const std::string tricky = "O'Brien\"); DROP TABLE clients; --";
  h.add_client("c1", tricky, "notes");
  CHECK(h.client("c1").name == tricky);
  CHECK_THROWS_WITH(h.add_client("c1", "again", ""), Catch::Contains("already exists"));
  CHECK_THROWS_WITH(h.add_session(sample_session("nobody", 1)), Catch::Contains("no client 'nobody'"));
  h.add_session(sample_session("c1", 1));
  CHECK_THROWS_WITH(h.add_session(sample_session("c1", 1)), Catch::Contains("already has session 1"));
  HealedRecord healed;
  healed.client_id = "c1";
  healed.session = 1;
  healed.date = "2026-02-20";
  healed.healed = {47.0, 2.5, 0.5};
  const HealedRecord saved = h.add_healed(healed);
  CHECK(saved.id > 0);
  healed.session = 2;
  CHECK_THROWS_WITH(h.add_healed(healed), Catch::Contains("no session 2"));

  const std::vector<SessionRecord> sessions = h.sessions("c1");
  REQUIRE(sessions.size() == 1);
  const SessionRecord& s = sessions[0];
  CHECK(s.recipe == "2 jet-black + 1 warm-brown @ 8:1");
  REQUIRE(s.inks.size() == 2);
  CHECK(s.inks[1].id == "warm-brown");
  CHECK(s.inks[1].lot == "WB-2604");
  CHECK(s.predicted.l == 45.5);  // REAL columns keep doubles exactly
  CHECK(s.model_parameters["retention"] == 0.7);
  CHECK(s.measurements["hair"]["lab"][0] == 24);
  REQUIRE(s.photo);
  CHECK(s.photo->sha256 == std::string(64, 'b'));
  REQUIRE(s.latest_healed() != nullptr);
  CHECK(s.latest_healed()->healed.l == 47.0);
  CHECK(h.healed_sessions_for_palette("Example house palette").size() == 1);
  CHECK(h.healed_sessions_for_palette("other").empty());
  const std::vector<Client> clients = h.list_clients();
  REQUIRE(clients.size() == 1);
  CHECK(clients[0].sessions == 1);
  CHECK(clients[0].healed == 1);
  CHECK(clients[0].last_date == "2026-02-20");
  std::filesystem::remove_all(dir);
}

TEST_CASE("history db: a process killed inside its write transaction leaves no partial record", "[unit]") {
  const std::string dir = make_temp_dir("history-kill");
  const std::string path = dir + "/c.db";
  {
    ClientHistory h(Database::open(path, Database::Mode::create));
    h.add_client("c1", "Client one", "");
  }
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    // The child: the real add_session (a session row, then its two ink rows), killed by SIGKILL
    // at the moment SQLite is about to commit (after every statement ran, before the commit).
    ClientHistory h(Database::open(path, Database::Mode::existing));
    sqlite3_commit_hook(
        h.database().handle(),
        [](void*) -> int {
          ::raise(SIGKILL);
          return 0;
        },
        nullptr);
    h.add_session(sample_session("c1", 1));
    ::_exit(0);  // not reached
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  REQUIRE(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGKILL);
  // The killed writer left its uncommitted WAL frames; the next opener discards them.
  ClientHistory h(Database::open(path, Database::Mode::existing));
  CHECK(count(h.database(), "SELECT count(*) FROM sessions") == 0);
  CHECK(count(h.database(), "SELECT count(*) FROM session_inks") == 0);
  CHECK(h.sessions("c1").empty());
  // And the database takes the same record afterwards.
  h.add_session(sample_session("c1", 1));
  CHECK(h.sessions("c1").at(0).inks.size() == 2);
  std::filesystem::remove_all(dir);
}

TEST_CASE("history db: two processes writing at once both get their records in", "[unit]") {
  const std::string dir = make_temp_dir("history-two");
  const std::string path = dir + "/c.db";
  {
    ClientHistory h(Database::open(path, Database::Mode::create));
    h.add_client("a", "A", "");
    h.add_client("b", "B", "");
  }
  // Each child writes 40 sessions (one transaction each), holding its write lock for 2 ms inside
  // every transaction so that the two really collide; the busy timeout makes the other wait.
  constexpr int kSessions = 40;
  auto writer = [&](const std::string& client) {
    ClientHistory h(Database::open(path, Database::Mode::existing));
    sqlite3_commit_hook(
        h.database().handle(),
        [](void*) -> int {
          ::usleep(2000);
          return 0;
        },
        nullptr);
    for (int s = 1; s <= kSessions; ++s) h.add_session(sample_session(client, s));
  };
  std::vector<pid_t> children;
  for (const char* client : {"a", "b"}) {
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      int code = 0;
      try {
        writer(client);
      } catch (...) {
        code = 1;
      }
      ::_exit(code);
    }
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
  }
  ClientHistory h(Database::open(path, Database::Mode::existing));
  CHECK(h.sessions("a").size() == kSessions);
  CHECK(h.sessions("b").size() == kSessions);
  CHECK(count(h.database(), "SELECT count(*) FROM session_inks") == 4 * kSessions);
  std::filesystem::remove_all(dir);
}

TEST_CASE("history db: a locked database is one clear error after the busy timeout", "[unit]") {
  const std::string dir = make_temp_dir("history-lock");
  const std::string path = dir + "/c.db";
  ClientHistory holder(Database::open(path, Database::Mode::create));
  holder.add_client("a", "A", "");
  // Another connection holds the write lock; ours must wait kBusyTimeoutMs, then give up cleanly.
  holder.database().exec_constant("BEGIN IMMEDIATE");
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    int code = 3;
    try {
      ClientHistory h(Database::open(path, Database::Mode::existing));
      h.add_client("b", "B", "");
      code = 0;
    } catch (const InputError& e) {
      code = std::string(e.what()).find("locked by another process") != std::string::npos ? 1 : 2;
    }
    ::_exit(code);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  holder.database().exec_constant("ROLLBACK");
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 1);
  CHECK(holder.list_clients().size() == 1);
  std::filesystem::remove_all(dir);
}

TEST_CASE("history db: corrupt and foreign files are refused with one message and left byte for byte", "[unit]") {
  const std::string dir = make_temp_dir("history-bad");
  SECTION("a text file") {
    write_bytes(dir + "/notes.db", "client list\nAnna 2026-01-01\n");
    expect_refused(dir + "/notes.db", "not an SQLite file");
  }
  SECTION("random bytes the size of a database") {
    std::string bytes(8192, '\0');
    std::uint32_t x = 12345;
    for (char& c : bytes) {
      x = x * 1664525u + 1013904223u;
      c = static_cast<char>(x >> 24);
    }
    write_bytes(dir + "/random.db", bytes);
    expect_refused(dir + "/random.db", "not an SQLite file");
  }
  SECTION("another application's SQLite database") {
    sqlite3* other = nullptr;
    REQUIRE(sqlite3_open(std::string(dir + "/other.db").c_str(), &other) == SQLITE_OK);
    REQUIRE(sqlite3_exec(other, "CREATE TABLE invoices (id INTEGER, total REAL); INSERT INTO invoices VALUES (1, 9.5);",
                         nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(other);
    expect_refused(dir + "/other.db", "another application, with tables invoices");
  }
  SECTION("a shadematch database with a damaged page") {
    const std::string path = dir + "/damaged.db";
    {
      ClientHistory h(Database::open(path, Database::Mode::create));
      for (int i = 0; i < 30; ++i) h.add_client("c" + std::to_string(i), std::string(300, 'x'), "");
      h.database().exec_constant("PRAGMA wal_checkpoint(TRUNCATE)");
      h.database().exec_constant("PRAGMA journal_mode = DELETE");  // everything in the main file
    }
    std::string bytes = read_text_file(path);
    REQUIRE(bytes.size() >= 4 * 4096);
    // Page 3 onwards (the tables' b-tree pages; page 1 is the header and schema) overwritten.
    for (std::size_t i = 2 * 4096 + 100; i < 3 * 4096; ++i) bytes[i] = static_cast<char>(0xA5);
    write_bytes(path, bytes);
    expect_refused(path, "damaged");
  }
  SECTION("a shadematch database cut short") {
    const std::string path = dir + "/short.db";
    {
      ClientHistory h(Database::open(path, Database::Mode::create));
      for (int i = 0; i < 30; ++i) h.add_client("c" + std::to_string(i), std::string(300, 'x'), "");
      h.database().exec_constant("PRAGMA wal_checkpoint(TRUNCATE)");
      h.database().exec_constant("PRAGMA journal_mode = DELETE");
    }
    const std::string bytes = read_text_file(path);
    write_bytes(path, bytes.substr(0, bytes.size() / 2));
    expect_refused(path, "damaged");
  }
  std::filesystem::remove_all(dir);
}

// Found by fuzz/fuzz_clientdb.cpp: one flipped bit in a name's bytes passes quick_check (the
// b-trees are intact) and the text then broke `client show --json` (nlohmann::json type_error
// 316, exit 70). 0xFF can begin no UTF-8 sequence (RFC 3629, section 3).
TEST_CASE("history db: text that is not UTF-8 in a damaged file is refused as damage", "[unit]") {
  const std::string dir = make_temp_dir("history-utf8");
  const std::string path = dir + "/bitflip.db";
  { ClientHistory(Database::open(path, Database::Mode::create)).add_client("ann", "Ann", ""); }
  sqlite3* raw = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &raw) == SQLITE_OK);
  REQUIRE(sqlite3_exec(raw, "UPDATE clients SET name = CAST(X'41FF6E' AS TEXT) WHERE id = 'ann';", nullptr, nullptr,
                       nullptr) == SQLITE_OK);
  sqlite3_close(raw);
  const ClientHistory h(Database::open(path, Database::Mode::existing));
  try {
    (void)h.list_clients();
    FAIL("a name that is not UTF-8 was read");
  } catch (const shadematch::InputError& e) {
    CHECK_THAT(e.what(), Catch::Contains("damaged") && Catch::Contains("column name") && Catch::Contains("not UTF-8"));
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("history db: a database of the first schema is migrated, its records kept", "[unit]") {
  const std::string dir = make_temp_dir("history-mig");
  const std::string path = dir + "/v1.db";
  {
    // Schema 1 exactly as the first release wrote it (migration 1 is frozen), with a record.
    const Database v1 = Database::open_at_version(path, 1);
    REQUIRE(v1.schema_version() == 1);
    CHECK(count(v1, "SELECT count(*) FROM sqlite_schema WHERE name = 'healing_fits'") == 0);
    ClientHistory h(Database::open_at_version(path, 1));
    h.add_client("c1", "Client one", "first schema");
    h.add_session(sample_session("c1", 1));
  }
  ClientHistory h(Database::open(path, Database::Mode::existing));
  CHECK(h.database().schema_version() == 2);
  CHECK(count(h.database(), "SELECT count(*) FROM sqlite_schema WHERE name = 'healing_fits'") == 1);
  CHECK(count(h.database(), "SELECT count(*) FROM sqlite_schema WHERE name = 'sessions_by_palette'") == 1);
  CHECK(count(h.database(), "SELECT count(*) FROM schema_migrations") == 2);
  CHECK(h.client("c1").notes == "first schema");
  CHECK(h.sessions("c1").at(0).inks.size() == 2);
  h.log_fit("Example house palette", "p.yaml", 16, 3.2, 0.6, {{"retention", 0.7}}, {{"retention", 0.45}});
  CHECK(count(h.database(), "SELECT count(*) FROM healing_fits") == 1);
  std::filesystem::remove_all(dir);
}

TEST_CASE("history db: a database from a newer shadematch is refused, not downgraded", "[unit]") {
  const std::string dir = make_temp_dir("history-new");
  const std::string path = dir + "/new.db";
  {
    const Database db = Database::open(path, Database::Mode::create);
    db.exec_constant("INSERT INTO schema_migrations (version, description) VALUES (99, 'from the future')");
  }
  try {
    (void)Database::open(path, Database::Mode::existing);
    FAIL("opened");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()).find("schema version 99, newer than this shadematch knows (2)") != std::string::npos);
  }
  std::filesystem::remove_all(dir);
}
