#pragma once
// The clinic's client history is one SQLite file (DESIGN.md "Client history"). This is the only
// place that includes <sqlite3.h>: a small RAII layer over the C API (connection, prepared
// statement, write transaction) that turns every SQLite failure into one InputError naming the
// database file.
//
// Decisions:
//  * The C API, not SQLiteCpp: the layer needs SQLite's extended result codes to tell "locked by
//    another process", "not a database" and "damaged" apart (each gets its own message), the
//    commit hook for the killed-write test, and it is ~250 lines; SQLiteCpp would add a second
//    exception type to translate and a package for what this file does.
//  * Opening identifies the file before anything can write to it: the SQLite header must parse,
//    `PRAGMA application_id` must be shadematch's (or the file empty: a new database), and
//    `PRAGMA quick_check` must pass. A foreign SQLite database, a file that is not SQLite at all
//    and a damaged one are each refused with one message and stay byte for byte as they were
//    (nothing is written before these checks: WAL is switched on only afterwards).
//  * WAL journal (readers never block the writer; a killed writer leaves only uncommitted WAL
//    frames, which the next opener discards), foreign keys ON for every connection, a busy
//    timeout of kBusyTimeoutMs so that two processes writing at once wait for each other, and
//    every write in one BEGIN IMMEDIATE transaction (taking the write lock up front: a deferred
//    transaction that reads first could not wait for the lock and would fail at once).
//  * Statements are prepared with placeholders; user text is only ever bound, never pasted in.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace shadematch::history {

// Waiting for another process's write transaction (a clinic's commands each take milliseconds;
// 5 s covers a slow disk and a concurrent `healing fit` reading the whole history).
inline constexpr int kBusyTimeoutMs = 5000;
// PRAGMA application_id of a shadematch client database: "SMDB" in ASCII.
inline constexpr std::int32_t kApplicationId = 0x534D4442;

class Database;

class Statement {
 public:
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  ~Statement();

  // Placeholders count from 1, as in SQLite.
  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, double value);
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
  Statement& bind_null(int index);
  Statement& bind(int index, const std::optional<std::string>& text);
  Statement& bind(int index, const std::optional<double>& value);
  // true: a row is ready; false: done.
  bool step();
  // Runs a statement that returns no rows.
  void run();
  void reset();

  bool is_null(int column) const;
  std::string text(int column) const;
  double real(int column) const;
  std::int64_t integer(int column) const;
  std::optional<std::string> optional_text(int column) const;
  std::optional<double> optional_real(int column) const;

 private:
  friend class Database;
  Statement(const Database& db, sqlite3_stmt* stmt) : db_(&db), stmt_(stmt) {}
  const Database* db_;
  sqlite3_stmt* stmt_;
};

class Database {
 public:
  enum class Mode {
    existing,  // the file must exist (every command but `client add`)
    create,    // created when missing
  };
  // Opens, identifies (see above) and brings the schema up to date (history/schema.hpp).
  // Throws InputError(path, …) for a missing, foreign, damaged, locked or newer-schema file.
  static Database open(const std::string& path, Mode mode);
  // For the migration test: opens and identifies, but applies migrations only up to `version`.
  static Database open_at_version(const std::string& path, int version);

  Database(Database&& other) noexcept;
  Database& operator=(Database&&) = delete;
  Database(const Database&) = delete;
  ~Database();

  const std::string& path() const noexcept { return path_; }
  int schema_version() const;

  Statement prepare(std::string_view sql) const;
  // Constant SQL only (schema, pragmas): never text a user typed.
  void exec_constant(const char* sql) const;
  // Runs `body` in BEGIN IMMEDIATE … COMMIT; any exception rolls back and propagates.
  void write_transaction(const std::function<void()>& body) const;
  // A read transaction (one consistent snapshot for a multi-query read).
  void read_transaction(const std::function<void()>& body) const;

  // Throws the InputError for SQLite result `rc` while doing `what` (message from the connection).
  [[noreturn]] void fail(int rc, const std::string& what) const;

  sqlite3* handle() const noexcept { return db_; }  // tests (commit hook)

 private:
  Database(std::string path, sqlite3* db) : path_(std::move(path)), db_(db) {}
  static Database open_impl(const std::string& path, Mode mode, int target_version);
  std::string path_;
  sqlite3* db_;
};

}  // namespace shadematch::history
