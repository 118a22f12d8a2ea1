#include "server/server.hpp"

#include <httplib.h>
#include <pthread.h>

#include <csignal>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <mutex>
#include <ostream>
#include <span>
#include <thread>

#include <nlohmann/json.hpp>

#include "common/embedded.hpp"
#include "common/error.hpp"
#include "files/palette_file.hpp"
#include "history/database.hpp"
#include "photo/decode.hpp"
#include "report/palette_report.hpp"
#include "server/history_routes.hpp"
#include "server/http_common.hpp"
#include "server/preview_store.hpp"
#include "server/routes.hpp"
#include "session/match.hpp"
#include "shadematch_version.hpp"

namespace shadematch::server_page {
std::span<const EmbeddedFile> files();  // generated from src/server/page.html (CMakeLists.txt)
}

namespace shadematch::server {
namespace {

using nlohmann::json;

// The page, served as is. Its scripts and styles are inline, so the policy allows inline code
// and nothing from elsewhere: the page works offline and loads nothing it was not built with.
void send_page(httplib::Response& res) {
  const std::span<const EmbeddedFile> files = server_page::files();
  const auto page =
      std::find_if(files.begin(), files.end(), [](const EmbeddedFile& f) { return f.name == "page.html"; });
  if (page == files.end()) throw std::logic_error("page.html is not embedded in this build");
  res.set_header("Content-Security-Policy",
                 "default-src 'none'; img-src 'self' blob: data:; style-src 'unsafe-inline'; "
                 "script-src 'unsafe-inline'; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; "
                 "base-uri 'none'");
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Cache-Control", "no-store");
  res.set_content(std::string(page->text), "text/html; charset=utf-8");
}

session::MatchRequest match_request(const httplib::Request& req, const ServerOptions& options) {
  const FormFields form(req,
                        {"photo", "hair", "scalp", "scar", "goal", "sessions", "top", "today", "accent",
                         "include_unavailable", "preview"},
                        "photo", kMaxFieldBytes);
  const auto field = [&](const char* name) { return form.text(name); };
  const httplib::MultipartFormData* photo = form.file();
  if (photo == nullptr) throw Refusal{400, "bad-request", "no photo: send the image as the 'photo' part"};

  session::MatchRequest r;
  session::PhotoInput in;
  in.name = photo_label(photo->filename);
  in.bytes = std::make_shared<const std::vector<std::uint8_t>>(photo->content.begin(), photo->content.end());
  for (const char* name : {"hair", "scalp", "scar"}) {
    if (auto text = field(name); text && !text->empty()) in.regions.push_back(parse_region(name, *text));
  }
  r.photo = std::move(in);
  if (auto goal = field("goal"); goal && !goal->empty()) {
    const auto g = plan::parse_goal(*goal);
    if (!g)
      throw Refusal{400, "bad-request",
                    "field 'goal': expected follicle, reduce-contrast or scar, found '" + *goal + "'"};
    r.goal = *g;
  }
  if (auto n = field("sessions"); n && !n->empty()) r.sessions = parse_int_field("sessions", *n, 1, 10);
  if (auto n = field("top"); n && !n->empty()) r.search.top_k = parse_int_field("top", *n, 1, 50);
  if (auto today = field("today"); today && !today->empty()) {
    if (!files::is_iso_date(*today))
      throw Refusal{400, "bad-request", "field 'today': expected YYYY-MM-DD, found '" + *today + "'"};
    r.search.today = *today;
  } else {
    r.search.today = options.today();
  }
  if (auto f = field("accent")) r.search.accent = parse_flag_field("accent", *f);
  if (auto f = field("include_unavailable")) r.search.include_unavailable = parse_flag_field("include_unavailable", *f);
  if (auto f = field("preview")) r.preview = parse_flag_field("preview", *f);
  if (r.goal == plan::Goal::scar && !field("scar")) {
    throw Refusal{400, "bad-request", "goal scar needs a scar region: give the field 'scar' as x,y,w,h"};
  }
  r.palette = options.palette;
  r.palette_source = options.palette_source;
  return r;
}

void handle_match(const httplib::Request& req, httplib::Response& res, Context& ctx) {
  try {
    const session::MatchRequest request = match_request(req, ctx.options);
    session::MatchResult result;
    {
      JobSlots::Held slot(ctx.slots);
      result = session::run_match(request);
    }
    if (result.no_card_reason) {
      send_error(res, 422, "no-card", "no usable colour card in the photo (" + *result.no_card_reason + ")",
                 {{"reason", *result.no_card_reason},
                  {"calibration", result.report.calibration},
                  {"warnings", result.report.warnings}});
      return;
    }
    res.status = 200;
    // Byte for byte what `match --json` prints; the preview is fetched separately.
    res.set_content(session::match_json(result).dump(2) + "\n", "application/json; charset=utf-8");
    if (request.preview) {
      res.set_header("X-Shadematch-Preview", "/api/preview/" + ctx.previews.put(std::move(result.preview_png)));
    }
  } catch (const Refusal& r) {
    send_error(res, r.status, r.code, r.message);
  } catch (const InputError& e) {
    send_error(res, 422, "bad-photo", e.message(), {{"detail", e.what()}});
  } catch (const std::bad_alloc&) {
    send_error(res, 503, "out-of-memory", "the server ran out of memory on this photo; try a smaller one");
  }
}

json info_json(const ServerOptions& options, unsigned jobs) {
  return {
      {"version", SHADEMATCH_VERSION},
      {"palette", {{"name", options.palette->name}, {"source", options.palette_source}}},
      {"limits",
       {{"max_upload_bytes", kMaxUploadBytes}, {"max_pixels", photo::kMaxPixels}, {"max_field_bytes", kMaxFieldBytes}}},
      {"jobs", jobs},
      {"history",
       {{"available", !options.db_path.empty()},
        {"message", options.db_path.empty()
                        ? "client history is off (start the server with --db F to save the chosen blends)"
                        : ""}}}};
}

// Checked before the body is read: no Content-Length (a chunked upload) → 411, over the limit →
// 413. The connection is closed after the answer (the unread body must not be taken for the
// next request).
httplib::Server::HandlerResponse check_upload_size(const httplib::Request& req, httplib::Response& res) {
  if (req.method != "POST") return httplib::Server::HandlerResponse::Unhandled;
  const auto refuse = [&](int status, const std::string& code, const std::string& message) {
    send_error(res, status, code, message, {{"max_upload_bytes", kMaxUploadBytes}});
    res.set_header("Connection", "close");
    return httplib::Server::HandlerResponse::Handled;
  };
  if (!req.has_header("Content-Length")) {
    return refuse(411, "length-required", "the upload must say its size (Content-Length)");
  }
  const std::string text = req.get_header_value("Content-Length");
  std::uint64_t length = 0;
  const auto [next, ec] = std::from_chars(text.data(), text.data() + text.size(), length);
  if (ec != std::errc() || next != text.data() + text.size()) {
    return refuse(400, "bad-request", "malformed Content-Length '" + text + "'");
  }
  if (length > kMaxUploadBytes) {
    return refuse(413, "too-large",
                  "the upload is " + std::to_string(length / (1024 * 1024)) + " MiB, more than the " +
                      megabytes(kMaxUploadBytes) + " this server accepts");
  }
  return httplib::Server::HandlerResponse::Unhandled;
}

// What httplib itself answers with an empty body (unparsable request, broken multipart, unknown
// path, body over the payload limit), said in words.
void fill_error_body(const httplib::Request& req, httplib::Response& res) {
  if (!res.body.empty()) return;
  switch (res.status) {
    case 404:
      send_error(res, 404, "not-found", "no such page: " + req.path);
      return;
    case 405:
      send_error(res, 405, "bad-request", "method not allowed on " + req.path);
      return;
    case 413:
      send_error(res, 413, "too-large", "the upload is larger than " + megabytes(kMaxUploadBytes));
      return;
    default:
      send_error(res, res.status, res.status >= 500 ? "internal" : "bad-request",
                 res.status >= 500 ? "internal error"
                                   : "malformed request (a truncated upload, or a broken multipart/form-data body)");
  }
}

}  // namespace

bool is_loopback_host(const std::string& host) {
  return host == "localhost" || host == "::1" || host == "[::1]" || host.rfind("127.", 0) == 0;
}

void configure_routes(httplib::Server& svr, Context& ctx) {
  svr.set_payload_max_length(kMaxUploadBytes);
  svr.set_pre_routing_handler(check_upload_size);
  svr.set_error_handler(fill_error_body);
  svr.set_exception_handler([&ctx](const httplib::Request& req, httplib::Response& res, const std::exception_ptr& ep) {
    std::string what = "unknown exception";
    try {
      if (ep) std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    {
      const std::lock_guard<std::mutex> lock(ctx.err_mutex);
      ctx.err << "shadematch: serve: internal error on " << req.method << " " << req.path << ": " << what << std::endl;
    }
    send_error(res, 500, "internal", "internal error (a bug in shadematch; the server log says more)");
  });

  svr.Get("/", [](const httplib::Request&, httplib::Response& res) { send_page(res); });
  svr.Get("/index.html", [](const httplib::Request&, httplib::Response& res) { send_page(res); });
  svr.Get("/api/info", [&ctx](const httplib::Request&, httplib::Response& res) {
    send_json(res, 200, info_json(ctx.options, ctx.jobs));
  });
  svr.Get("/api/palette", [&ctx](const httplib::Request&, httplib::Response& res) {
    send_json(res, 200, report::palette_json(*ctx.options.palette));
  });
  svr.Post("/api/match", [&ctx](const httplib::Request& req, httplib::Response& res) { handle_match(req, res, ctx); });
  svr.Get(R"(/api/preview/([0-9a-f]{32}))", [&ctx](const httplib::Request& req, httplib::Response& res) {
    const std::shared_ptr<const std::string> png = ctx.previews.get(req.matches[1]);
    if (!png) {
      send_error(res, 404, "not-found",
                 "no such preview: previews are kept for the last " + std::to_string(kPreviewsKept) + " plans, " +
                     std::to_string(kPreviewMaxAge.count()) + " minutes each; make the plan again");
      return;
    }
    res.set_header("Cache-Control", "no-store");
    res.set_content(*png, "image/png");
  });
  add_history_routes(svr, ctx.options, ctx.slots);
}

int run_server(const ServerOptions& options, std::ostream& out, std::ostream& err) {
  if (!options.palette) throw std::invalid_argument("run_server: no palette");
  const unsigned jobs = options.jobs != 0 ? options.jobs : std::max(1U, std::thread::hardware_concurrency());
  // The client history is opened (created when missing, as `client add` does) and identified
  // before anything is served: a wrong --db is one error line at start, not a failure per save.
  if (!options.db_path.empty()) (void)history::Database::open(options.db_path, history::Database::Mode::create);
  JobSlots slots(jobs);
  PreviewStore previews;
  std::mutex err_mutex;
  Context ctx{options, jobs, slots, previews, err_mutex, err};

  // SIGINT/SIGTERM go to one thread that waits for them (sigwait): blocked here, before any
  // server thread exists, so every thread started below inherits the mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  sigset_t previous;
  pthread_sigmask(SIG_BLOCK, &stop_signals, &previous);

  httplib::Server svr;
  svr.new_task_queue = [] { return new httplib::ThreadPool(kConnectionThreads); };
  // A queued request waits for a pipeline slot after its body is read; reading and writing
  // themselves get 30 s (a phone on a slow clinic Wi-Fi uploading 10 MB).
  svr.set_read_timeout(30, 0);
  svr.set_write_timeout(30, 0);
  configure_routes(svr, ctx);

  int port = options.port;
  bool bound = false;
  if (port == 0) {
    port = svr.bind_to_any_port(options.host);
    bound = port > 0;
  } else {
    bound = svr.bind_to_port(options.host, port);
  }
  if (!bound) {
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    throw InputError("serve: cannot listen on " + options.host + ":" + std::to_string(options.port) +
                     " (address in use, or not an address of this machine)");
  }
  const bool v6 = options.host.find(':') != std::string::npos && options.host.front() != '[';
  out << "shadematch serve: http://" << (v6 ? "[" + options.host + "]" : options.host) << ":" << port << "/  ("
      << options.palette->name << ", " << jobs << (jobs == 1 ? " job" : " jobs") << " at once; Ctrl-C stops)"
      << std::endl;
  if (!is_loopback_host(options.host)) {
    err << "shadematch: warning: serving on " << options.host
        << ", reachable from other machines: the page has no login, anyone who can reach this address can upload "
           "photos and see the plans"
        << std::endl;
  }
  if (!options.db_path.empty()) {
    out << "shadematch serve: the page saves chosen blends to the client history " << options.db_path << std::endl;
  }

  std::atomic<bool> listen_done{false};
  std::atomic<bool> signalled{false};
  std::thread waiter([&] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    if (listen_done) return;  // woken by run_server itself: the server stopped on its own
    signalled = true;
    // stop() only acts once the accept loop runs: repeat until listen_after_bind returns.
    while (!listen_done) {
      svr.stop();
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  const bool ok = svr.listen_after_bind();
  listen_done = true;
  // Not a kill: SIGTERM is blocked in every thread and the waiter takes it with sigwait, so this
  // only wakes it to return.
  if (!signalled) pthread_kill(waiter.native_handle(), SIGTERM);  // NOLINT(bugprone-bad-signal-to-kill-thread)
  waiter.join();
  // A stop signal that crossed run_server's own wake-up is still pending: take it, so restoring
  // the mask does not kill the process on its way out.
  const timespec no_wait{0, 0};
  while (sigtimedwait(&stop_signals, nullptr, &no_wait) > 0) {
  }
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  if (signalled) {
    out << "shadematch serve: stopped" << std::endl;
    return 0;
  }
  if (!ok) throw InputError("serve: the server stopped unexpectedly (its socket failed)");
  return 0;
}

}  // namespace shadematch::server
