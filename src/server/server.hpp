#pragma once
// `shadematch serve`: the technician's page (DESIGN.md "The technician's page") and its JSON API,
// on cpp-httplib. The only folder that includes httplib.h.
//
//   GET  /             the page (src/server/page.html, embedded at build time; no network needed)
//   GET  /api/info     {version, palette {name, source}, limits {max_upload_bytes, max_pixels,
//                      max_field_bytes}, jobs, history {available, message}}
//   GET  /api/palette  what `shadematch palette show F --json` prints for the server's palette
//   POST /api/match    multipart/form-data: photo (required), hair, scalp, scar (x,y,w,h), goal,
//                      sessions, top, today (YYYY-MM-DD), accent, include_unavailable, preview
//                      (0|1): 200 with exactly what `shadematch match PHOTO --palette F … --json`
//                      prints, the photo's name being the upload's file name. With preview=1 the
//                      healed preview `match --preview OUT.png` writes is made too, and the
//                      header X-Shadematch-Preview names where to fetch it:
//   GET  /api/preview/TOKEN  that PNG (image/png), for a while (server/preview_store.hpp)
//   /api/clients…      the client history with --db F (server/history_routes.hpp)
//   Errors: 4xx with {error, code, …}: code "bad-request" (400: malformed request or field),
//   "length-required" (411), "too-large" (413), "bad-photo" (422: not an image, truncated,
//   over the pixel limit, regions outside it…), "no-card" (422, with `reason` and
//   `calibration`), "not-found" (404); "internal" (500) is a bug.
//
// Decisions:
// - cpp-httplib rather than Boost.Beast: a Debian package, a multipart/form-data parser and a
//   thread pool built in; Beast would need both written here (more code that parses untrusted
//   bytes). See README "The technician's page".
// - Safety: the upload's size is checked from Content-Length before its body is read (413, and
//   411 without a length); every part's size is checked again; the photo's pixel count is checked
//   from its header before decoding (photo::kMaxPixels, the CLI's limit). Nothing in a request
//   names a file: the palette is the server's, loaded once at start and shared read-only; the
//   photo is decoded from memory (no sidecar is looked for).
// - Parallel requests share nothing mutable: each request builds its own MatchRequest and result.
//   A fixed pool of connection threads (kConnectionThreads) reads requests; at most `jobs`
//   pipelines run at once (each one's blend search uses every core), the rest wait their turn.
// - SIGINT and SIGTERM are taken by a dedicated thread (sigwait), which stops the server: running
//   requests finish, then run_server returns 0.
#include <cstddef>
#include <functional>
#include <iosfwd>
#include <memory>
#include <string>

#include "pigment/palette.hpp"

namespace shadematch::server {

// 40 MiB: above any phone or camera JPEG (a 61 MP full-quality JPEG is about 30 MB) and an
// 8-bit 12 MP TIFF (36 MB); a 16-bit TIFF that large is refused (convert it to JPEG or PNG).
inline constexpr std::size_t kMaxUploadBytes = 40u * 1024u * 1024u;
// Form fields other than the photo ("952,88,760,496", "reduce-contrast") are short.
inline constexpr std::size_t kMaxFieldBytes = 64;
// Connections read at once; the pipeline's own limit is ServerOptions::jobs.
inline constexpr std::size_t kConnectionThreads = 8;

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0: any free port (the URL printed says which)
  std::shared_ptr<const pigment::Palette> palette;
  std::string palette_source;          // as given on the command line (reported in the JSON)
  std::string palette_sha256;          // of the palette file as loaded (recorded with each session saved)
  unsigned jobs = 0;                   // pipelines at once; 0: the number of hardware threads
  std::function<std::string()> today;  // YYYY-MM-DD (UTC) for requests that give none
  std::string db_path;                 // the client history (--db F; created when missing), or "": none
};

// Serves until SIGINT or SIGTERM; prints "shadematch serve: http://HOST:PORT/" (and a warning for
// a non-loopback host) to `out`. Returns 0 after a clean stop. Throws InputError when the address
// cannot be bound, or the client history cannot be opened (before anything is served).
int run_server(const ServerOptions& options, std::ostream& out, std::ostream& err);

// True for 127.0.0.1 (any 127/8 address), ::1 and localhost.
bool is_loopback_host(const std::string& host);

}  // namespace shadematch::server
