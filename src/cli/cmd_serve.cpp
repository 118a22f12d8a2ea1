// shadematch serve [--host 127.0.0.1] [--port 8080] [--palette F] [--db F] [--jobs N]
// The technician's page and its JSON API (src/server/server.hpp), until Ctrl-C or SIGTERM.
#include <iostream>
#include <memory>

#include "cli/command.hpp"
#include "cli/options.hpp"
#include "common/error.hpp"
#include "files/palette_file.hpp"
#include "history/sha256.hpp"
#include "server/server.hpp"

namespace shadematch::cli {
namespace {

int run_serve(const std::vector<std::string>& args) {
  po::options_description visible("Options");
  server::ServerOptions options;
  std::string palette_path, db;
  int port = 8080;
  unsigned jobs = 0;
  visible.add_options()("host", po::value(&options.host)->default_value("127.0.0.1"),
                        "address to listen on; another than 127.0.0.1/::1 makes the page reachable from other machines "
                        "(it has no login)")("port", po::value(&port)->default_value(8080),
                                             "TCP port, 0 for any free port (the URL printed says which)")(
      "palette", po::value(&palette_path),
      "the clinic's palette every plan uses (palettes/*.yaml); required: no palette is built into the binary")(
      "db", po::value(&db),
      "client history (created when missing): the page can add clients and save the chosen blend; without it, "
      "nothing is saved")("jobs", po::value(&jobs),
                          "photos processed at once (default: the number of hardware threads)");
  po::variables_map vm;
  if (parse_command_line(
          "serve",
          "--palette F [--host 127.0.0.1] [--port 8080] [--db F] [--jobs N]\n\n"
          "Serves the technician's page (photo in; card, regions, colours and the session plan out) and\n"
          "its JSON API (POST /api/match answers what 'match --json' prints) until Ctrl-C or SIGTERM.\n"
          "Uploads are limited to 40 MiB and 100 megapixels.",
          args, visible, vm)) {
    return 0;
  }
  // As for `match`, `client next` and `healing fit`: the palette is the clinic's own (inks, lots,
  // stock, healing values) and the binary embeds none, so there is nothing sensible to default to.
  if (!vm.count("palette")) {
    throw UsageError("serve: --palette F is required (the clinic's palette the page plans with)");
  }
  if (port < 0 || port > 65535) throw UsageError("serve: --port: expected 0 to 65535, found " + std::to_string(port));
  if (options.host.empty()) throw UsageError("serve: --host: empty address");
  if (vm.count("jobs") && (jobs < 1 || jobs > 64)) {
    throw UsageError("serve: --jobs: expected 1 to 64, found " + std::to_string(jobs));
  }
  // Only --db: a server does not fall back to $SHADEMATCH_DB or ./shadematch.db as the client
  // commands do, so it never writes a history nobody asked it to.
  if (vm.count("db")) {
    if (db.empty()) throw UsageError("serve: --db: empty path");
    options.db_path = db;
  }
  options.port = port;
  options.jobs = jobs;
  options.palette = std::make_shared<const pigment::Palette>(files::load_palette(palette_path));
  options.palette_source = palette_path;
  options.palette_sha256 = history::sha256_file_hex(palette_path);
  options.today = today_utc;
  return server::run_server(options, std::cout, std::cerr);
}

const Registration registration{
    {"serve", "the technician's page: a local web app and JSON API over the match pipeline", run_serve}};

}  // namespace
}  // namespace shadematch::cli
