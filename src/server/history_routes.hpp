#pragma once
// `shadematch serve --db F`: the client history on the page (DESIGN.md "Client history"). The
// same records as `shadematch client add` and `client record` make, through the same
// src/history calls:
//
//   GET  /api/clients                  {clients: [{id, name, notes, created_at, sessions, healed,
//                                       last_date}]}: the `clients` of `client list --json`
//   POST /api/clients                  form: id, name, notes → 201 {client} (`client add`)
//   POST /api/clients/ID/sessions      form: photo, hair, scalp (x,y,w,h), blend (a recipe of the
//                                       server's palette, "2 jet-black + 1 warm-brown @ 8:1"),
//                                       session (1–99; default: the one after the last recorded),
//                                       date (YYYY-MM-DD; default today, UTC) → 201 {client,
//                                       session {…}, de00_to_target, warnings}: `client record ID
//                                       PHOTO --hair --scalp --blend --palette --session --date`
//
// The photo is measured again from the upload (as `client record` measures its PHOTO): nothing
// the page computed is taken on trust. The record names the photo by the upload's file name and
// the SHA-256 of its bytes, and the palette by the server's --palette path and the SHA-256 of
// the file as loaded at start.
//
// Errors, besides the match route's: "no-history" (404: the server runs without --db),
// "no-client" (404), "exists" (409: the client id, or the session number, is taken),
// "history-error" (503: the database is locked, gone or damaged; the message names it).
#include <httplib.h>

#include "server/http_common.hpp"
#include "server/server.hpp"

namespace shadematch::server {

// Registers the routes above; without options.db_path they all answer 404 "no-history".
void add_history_routes(httplib::Server& svr, const ServerOptions& options, JobSlots& slots);

// The longest text a client or record field may be (a client's notes are free text).
inline constexpr std::size_t kMaxHistoryFieldBytes = 2000;

}  // namespace shadematch::server
