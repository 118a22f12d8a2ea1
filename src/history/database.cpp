#include "history/database.hpp"

#include <sqlite3.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "common/error.hpp"
#include "common/utf8.hpp"
#include "history/schema.hpp"

namespace shadematch::history {

namespace {

bool file_exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

std::string message_for(int rc, const std::string& what, const char* sqlite_message) {
  const std::string detail = sqlite_message != nullptr ? sqlite_message : sqlite3_errstr(rc);
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return "the client database is locked by another process (waited " + std::to_string(kBusyTimeoutMs / 1000) +
             " s while " + what + "); nothing was changed, try again";
    case SQLITE_NOTADB:
      return "not a shadematch client database (not an SQLite file: " + detail +
             "); give the clinic's database with --db F or SHADEMATCH_DB; the file was not changed";
    case SQLITE_CORRUPT:
      return "the client database is damaged (" + detail + ", while " + what +
             "); restore it from a backup; the file was not changed";
    case SQLITE_READONLY:
      return "cannot write the client database (" + detail + ", while " + what + "); nothing was changed";
    case SQLITE_FULL:
      return "the disk is full (while " + what + "); nothing was changed";
    case SQLITE_CANTOPEN:
      return "cannot open the client database (" + detail + ")";
    case SQLITE_IOERR:
      return "cannot read or write the client database (" + detail + ", while " + what + "); nothing was changed";
    default:
      return "client database error while " + what + ": " + detail;
  }
}

}  // namespace

// ---- Statement ------------------------------------------------------------------------------

Statement::Statement(Statement&& other) noexcept : db_(other.db_), stmt_(other.stmt_) {
  other.stmt_ = nullptr;
}
Statement::~Statement() {
  if (stmt_ != nullptr) sqlite3_finalize(stmt_);
}

Statement& Statement::bind(int index, std::string_view text) {
  const int rc = sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) db_->fail(rc, "binding a value");
  return *this;
}
Statement& Statement::bind(int index, double value) {
  const int rc = sqlite3_bind_double(stmt_, index, value);
  if (rc != SQLITE_OK) db_->fail(rc, "binding a value");
  return *this;
}
Statement& Statement::bind(int index, std::int64_t value) {
  const int rc = sqlite3_bind_int64(stmt_, index, static_cast<sqlite3_int64>(value));
  if (rc != SQLITE_OK) db_->fail(rc, "binding a value");
  return *this;
}
Statement& Statement::bind_null(int index) {
  const int rc = sqlite3_bind_null(stmt_, index);
  if (rc != SQLITE_OK) db_->fail(rc, "binding a value");
  return *this;
}
Statement& Statement::bind(int index, const std::optional<std::string>& text) {
  return text ? bind(index, std::string_view(*text)) : bind_null(index);
}
Statement& Statement::bind(int index, const std::optional<double>& value) {
  return value ? bind(index, *value) : bind_null(index);
}

bool Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  db_->fail(rc, "running a query");
}

void Statement::run() {
  while (step()) {
  }
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

bool Statement::is_null(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}
std::string Statement::text(int column) const {
  const unsigned char* t = sqlite3_column_text(stmt_, column);
  const int n = sqlite3_column_bytes(stmt_, column);
  std::string out =
      t == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(t), static_cast<std::size_t>(n));
  // shadematch writes only UTF-8 (every text is checked where it is read from the user), so other
  // bytes in a text column mean a damaged file (a flipped bit that quick_check does not see: it
  // checks the b-trees, not the values). Refused here as damage, before the text reaches the
  // JSON output (nlohmann::json would throw type_error 316: exit 70; found by fuzz/fuzz_clientdb).
  if (!utf8::valid(out)) {
    const char* column_name = sqlite3_column_name(stmt_, column);
    throw InputError(db_->path(), "the client database is damaged (column " +
                                      std::string(column_name != nullptr ? column_name : "?") +
                                      " holds text that is not UTF-8); restore it from a backup");
  }
  return out;
}
double Statement::real(int column) const {
  return sqlite3_column_double(stmt_, column);
}
std::int64_t Statement::integer(int column) const {
  return sqlite3_column_int64(stmt_, column);
}
std::optional<std::string> Statement::optional_text(int column) const {
  if (is_null(column)) return std::nullopt;
  return text(column);
}
std::optional<double> Statement::optional_real(int column) const {
  if (is_null(column)) return std::nullopt;
  return real(column);
}

// ---- Database -------------------------------------------------------------------------------

Database::Database(Database&& other) noexcept : path_(std::move(other.path_)), db_(other.db_) {
  other.db_ = nullptr;
}
Database::~Database() {
  if (db_ != nullptr) sqlite3_close_v2(db_);
}

void Database::fail(int rc, const std::string& what) const {
  throw InputError(path_, message_for(rc, what, db_ != nullptr ? sqlite3_errmsg(db_) : nullptr));
}

Statement Database::prepare(std::string_view sql) const {
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    fail(rc, "preparing a query");
  }
  return Statement(*this, stmt);
}

void Database::exec_constant(const char* sql) const {
  char* error = nullptr;
  const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &error);
  if (rc != SQLITE_OK) {
    const std::string detail = error != nullptr ? error : sqlite3_errstr(rc);
    sqlite3_free(error);
    throw InputError(path_, message_for(rc, "updating the database", detail.c_str()));
  }
}

void Database::write_transaction(const std::function<void()>& body) const {
  exec_constant("BEGIN IMMEDIATE");
  try {
    body();
    exec_constant("COMMIT");
  } catch (...) {
    // After a failed COMMIT SQLite may already have rolled back; ROLLBACK then reports "no
    // transaction is active", which is fine to ignore: either way nothing was written.
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

void Database::read_transaction(const std::function<void()>& body) const {
  exec_constant("BEGIN");
  try {
    body();
    exec_constant("COMMIT");
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

int Database::schema_version() const {
  Statement s = prepare("SELECT coalesce(max(version), 0) FROM schema_migrations");
  s.step();
  return static_cast<int>(s.integer(0));
}

Database Database::open(const std::string& path, Mode mode) {
  return open_impl(path, mode, latest_schema_version());
}

Database Database::open_at_version(const std::string& path, int version) {
  return open_impl(path, Mode::create, version);
}

Database Database::open_impl(const std::string& path, Mode mode, int target_version) {
  if (path.empty()) throw InputError("--db: empty path");
  const bool existed = file_exists(path);
  if (!existed && mode == Mode::existing) {
    throw InputError(path,
                     "no client database here; 'shadematch client add ID --name NAME' creates one "
                     "(or give --db F, or set SHADEMATCH_DB)");
  }
  if (existed) {
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
      throw InputError(path, "not a shadematch client database (not a regular file)");
    }
  }
  sqlite3* raw = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | (mode == Mode::create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  Database db(path, raw);
  if (rc != SQLITE_OK) {
    if (raw == nullptr) throw InputError(path, "cannot open the client database: out of memory");
    db.fail(rc, "opening it");
  }
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, kBusyTimeoutMs);
  db.exec_constant("PRAGMA foreign_keys = ON");

  // Identify before anything can write (see database.hpp). Reading the header of a file that is
  // not SQLite fails here with SQLITE_NOTADB.
  std::int64_t application_id = 0;
  std::int64_t objects = 0;
  {
    Statement s = db.prepare("PRAGMA application_id");
    s.step();
    application_id = s.integer(0);
  }
  {
    Statement s = db.prepare("SELECT count(*) FROM sqlite_schema");
    s.step();
    objects = s.integer(0);
  }
  const bool fresh = application_id == 0 && objects == 0;
  if (!fresh && application_id != kApplicationId) {
    std::string tables;
    Statement s = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name LIMIT 4");
    while (s.step()) tables += (tables.empty() ? "" : ", ") + s.text(0);
    throw InputError(path, "not a shadematch client database (an SQLite database of another application" +
                               (tables.empty() ? std::string() : ", with tables " + tables) +
                               "); give the clinic's database with --db F or SHADEMATCH_DB; the file was not changed");
  }
  int current = 0;
  if (!fresh) {
    Statement s = db.prepare("PRAGMA quick_check");
    std::vector<std::string> problems;
    while (s.step()) {
      const std::string row = s.text(0);
      if (row != "ok") problems.push_back(row);
    }
    if (!problems.empty()) {
      throw InputError(path, "the client database is damaged (integrity check: " + problems.front() +
                                 "); restore it from a backup; the file was not changed");
    }
    current = db.schema_version();
    if (current > latest_schema_version()) {
      throw InputError(path, "the client database has schema version " + std::to_string(current) +
                                 ", newer than this shadematch knows (" + std::to_string(latest_schema_version()) +
                                 "); use the newer shadematch that wrote it");
    }
  }
  // WAL persists in the file once set; switching needs no transaction (and cannot run in one).
  {
    Statement s = db.prepare("PRAGMA journal_mode = WAL");
    s.step();
  }
  if (current >= target_version) return db;
  db.write_transaction([&] {
    // Re-read inside the write lock: another process may have migrated meanwhile.
    int version = 0;
    {
      Statement s =
          db.prepare("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migrations'");
      s.step();
      if (s.integer(0) > 0) version = db.schema_version();
    }
    for (const Migration& m : migrations()) {
      if (m.version <= version || m.version > target_version) continue;
      db.exec_constant(m.sql);
      db.prepare("INSERT INTO schema_migrations (version, description) VALUES (?1, ?2)")
          .bind(1, m.version)
          .bind(2, std::string_view(m.description))
          .run();
      // Mirrors of the version and the file's owner in the header, for tools that read it.
      const std::string pragma = "PRAGMA user_version = " + std::to_string(m.version);
      db.exec_constant(pragma.c_str());
      if (m.version == 1) {
        const std::string id = "PRAGMA application_id = " + std::to_string(kApplicationId);
        db.exec_constant(id.c_str());
      }
    }
  });
  return db;
}

}  // namespace shadematch::history
