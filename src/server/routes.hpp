#pragma once
// The request handling of `serve`, apart from its sockets: the route table, the checks before
// routing (upload size), the error bodies and the exception handler (server.cpp). run_server adds
// it to the httplib::Server it binds; fuzz/fuzz_server.cpp adds it to a server it feeds requests
// in memory (issue 20), so both answer every request the same way. Internal to src/server.
#include <httplib.h>

#include <mutex>
#include <ostream>

#include "server/http_common.hpp"
#include "server/preview_store.hpp"
#include "server/server.hpp"

namespace shadematch::server {

// What the routes share: the options, the pipelines' limit, the previews and the error log.
struct Context {
  const ServerOptions& options;
  unsigned jobs;  // reported by /api/info
  JobSlots& slots;
  PreviewStore& previews;
  std::mutex& err_mutex;
  std::ostream& err;
};

// Sets the payload limit, the pre-routing check, the error and exception handlers and every
// route of server.hpp and history_routes.hpp on `svr`. `ctx` must outlive `svr`'s use.
void configure_routes(httplib::Server& svr, Context& ctx);

}  // namespace shadematch::server
