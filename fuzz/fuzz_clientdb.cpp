// The client database opened from a damaged file (history/database.hpp, schema.hpp, clients.hpp):
// the bytes are written to a temporary file, opened as every command but `client add` opens it
// (Mode::existing: identified, quick_check, migrated), then read as `client list`, `client show`
// and `healing fit` read it. Contract: success, or InputError (the "not a shadematch database" /
// "damaged" message, exit 1); never another exception, a crash or a sanitizer report. Text read
// back is printed by `client show --json`, so it must serialise.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "fuzz_target.hpp"
#include "history/clients.hpp"
#include "history/database.hpp"

using namespace shadematch;

namespace {

// One directory per process (libFuzzer runs inputs one after another in it), removed at exit.
const std::filesystem::path& work_dir() {
  static const std::filesystem::path dir = [] {
    std::string templ = (std::filesystem::temp_directory_path() / "shadematch-fuzz-clientdb-XXXXXX").string();
    if (mkdtemp(templ.data()) == nullptr) fuzz::finding("cannot make a temporary directory");
    std::atexit([] { std::filesystem::remove_all(work_dir()); });
    return std::filesystem::path(templ);
  }();
  return dir;
}

}  // namespace

SHADEMATCH_FUZZ_TARGET(clientdb) {
  const std::filesystem::path db = work_dir() / "clients.db";
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) std::filesystem::remove(db.string() + suffix);
  {
    std::ofstream out(db, std::ios::binary);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    if (!out) fuzz::finding("cannot write the temporary database");
  }
  fuzz::expect_input_error([&] {
    const history::ClientHistory h(history::Database::open(db.string(), history::Database::Mode::existing));
    std::vector<std::string> texts;
    std::set<std::string> palettes;
    for (const history::Client& listed : h.list_clients()) {
      const history::Client c = h.client(listed.id);
      texts.insert(texts.end(), {c.id, c.name, c.notes, c.created_at, c.last_date});
      for (const history::SessionRecord& s : h.sessions(c.id)) {
        const history::SessionRecord one = h.session(c.id, s.session);
        texts.insert(texts.end(), {one.date, one.recipe, one.dilution, one.palette_name, one.palette_path,
                                   one.palette_sha256, one.created_at});
        for (const history::InkUse& i : one.inks) texts.insert(texts.end(), {i.id, i.lot});
        for (const history::HealedRecord& r : one.healed) texts.insert(texts.end(), {r.date, r.created_at});
        palettes.insert(one.palette_name);
      }
    }
    for (const std::string& p : palettes) (void)h.healed_sessions_for_palette(p);
    fuzz::require_printable(texts);
  });
}
