#include "server/history_routes.hpp"

#include <algorithm>
#include <cmath>
#include <memory>

#include "colour/delta_e.hpp"
#include "colour/srgb.hpp"
#include "common/error.hpp"
#include "files/palette_file.hpp"
#include "history/clients.hpp"
#include "history/database.hpp"
#include "history/session_record.hpp"
#include "history/sha256.hpp"
#include "pigment/model.hpp"
#include "report/calibration_report.hpp"
#include "report/measure_report.hpp"
#include "session/measure.hpp"

namespace shadematch::server {
namespace {

using nlohmann::json;

json lab_json(const colour::Lab& lab) {  // rounded to 2 decimals, as the client commands print
  const auto r = [](double v) { return std::round(v * 100.0) / 100.0; };
  return json::array({r(lab.l), r(lab.a), r(lab.b)});
}

// Field for field `client list --json`'s clients (tests/server checks it against the CLI).
json client_json(const history::Client& c) {
  return {{"id", c.id},
          {"name", c.name},
          {"notes", c.notes},
          {"created_at", c.created_at},
          {"sessions", c.sessions},
          {"healed", c.healed},
          {"last_date", c.last_date}};
}

// Opens the history for one request (a connection each: SQLite's WAL lets them read while one
// writes, and its busy timeout makes writers wait their turn, the CLI's commands included).
// What the database says is wrong (locked past the timeout, gone, damaged) is a 503: the request
// was fine, the server's file is not.
template <typename Body>
auto with_history(const ServerOptions& options, Body&& body) {
  try {
    history::ClientHistory history(history::Database::open(options.db_path, history::Database::Mode::existing));
    return body(history);
  } catch (const InputError& e) {
    throw Refusal{503, "history-error", std::string("the client history cannot be used: ") + e.what()};
  }
}

const history::Client* find_client(const std::vector<history::Client>& clients, const std::string& id) {
  const auto it = std::find_if(clients.begin(), clients.end(), [&](const history::Client& c) { return c.id == id; });
  return it == clients.end() ? nullptr : &*it;
}

void list_clients(httplib::Response& res, const ServerOptions& options) {
  const std::vector<history::Client> clients =
      with_history(options, [](history::ClientHistory& h) { return h.list_clients(); });
  json list = json::array();
  for (const history::Client& c : clients) list.push_back(client_json(c));
  send_json(res, 200, {{"clients", list}});
}

void add_client(const httplib::Request& req, httplib::Response& res, const ServerOptions& options) {
  const FormFields form(req, {"id", "name", "notes"}, nullptr, kMaxHistoryFieldBytes);
  const std::string id = form.given("id").value_or("");
  try {
    history::check_client_id(id);
  } catch (const UsageError& e) {
    throw Refusal{400, "bad-request", std::string("field 'id': ") + e.what()};
  }
  const auto name = form.given("name");
  if (!name) throw Refusal{400, "bad-request", "field 'name': the client's name is required"};
  const history::Client c = with_history(options, [&](history::ClientHistory& h) {
    if (find_client(h.list_clients(), id) != nullptr) {
      throw Refusal{409, "exists", "a client with the id '" + id + "' is in the history already"};
    }
    return h.add_client(id, *name, form.text("notes").value_or(""));
  });
  send_json(res, 201, {{"client", client_json(c)}});
}

const photo::RegionMeasurement* first_of(const session::MeasureResult& m, photo::RegionKind kind) {
  for (const photo::RegionMeasurement& r : m.regions) {
    if (r.kind == kind) return &r;
  }
  return nullptr;
}

void record_session(const httplib::Request& req, httplib::Response& res, const ServerOptions& options,
                    JobSlots& slots) {
  const std::string id = req.matches[1];
  const FormFields form(req, {"photo", "hair", "scalp", "blend", "session", "date"}, "photo", kMaxHistoryFieldBytes);
  const httplib::MultipartFormData* photo = form.file();
  if (photo == nullptr) throw Refusal{400, "bad-request", "no photo: send the image as the 'photo' part"};
  const auto blend_text = form.given("blend");
  if (!blend_text) throw Refusal{400, "bad-request", "field 'blend': the blend applied is required"};
  pigment::Blend blend;
  try {
    blend = pigment::parse_blend(*blend_text, *options.palette, "blend");
  } catch (const InputError& e) {
    throw Refusal{400, "bad-request", "field 'blend': " + e.message()};
  }
  std::optional<int> session;
  if (auto n = form.given("session")) session = parse_int_field("session", *n, 1, 99);
  std::string date = options.today();
  if (auto d = form.given("date")) {
    if (!files::is_iso_date(*d))
      throw Refusal{400, "bad-request", "field 'date': expected YYYY-MM-DD, found '" + *d + "'"};
    date = *d;
  }
  session::MeasureRequest measure;
  measure.photo = photo_label(photo->filename);
  const auto bytes = std::make_shared<const std::vector<std::uint8_t>>(photo->content.begin(), photo->content.end());
  measure.photo_bytes = bytes;
  for (const char* name : {"hair", "scalp"}) {
    if (auto text = form.given(name)) measure.regions.push_back(parse_region(name, *text));
  }

  // The history first (as `client record` opens it first): an unknown client or a session
  // recorded already is said before a photo is measured.
  std::vector<history::SessionRecord> earlier;
  with_history(options, [&](history::ClientHistory& h) {
    if (find_client(h.list_clients(), id) == nullptr) {
      throw Refusal{404, "no-client", "no client '" + id + "' in the history (add the client first)"};
    }
    earlier = h.sessions(id);
  });
  const int number = session.value_or(earlier.empty() ? 1 : earlier.back().session + 1);
  if (number > 99) throw Refusal{400, "bad-request", "client '" + id + "' has 99 sessions recorded: no more can be"};
  for (const history::SessionRecord& s : earlier) {
    if (s.session == number) {
      throw Refusal{409, "exists",
                    "session " + std::to_string(number) + " of client '" + id + "' is recorded already (" + s.date +
                        ", " + s.recipe + ")"};
    }
  }

  session::MeasureResult m;
  {
    JobSlots::Held slot(slots);
    m = session::run_measure(measure);
  }
  if (!m.usable()) {
    send_error(res, 422, "no-card", "no usable colour card in the photo (" + m.calibration.reason + ")",
               {{"reason", m.calibration.reason},
                {"calibration", report::calibration_summary_json(m.calibration)},
                {"warnings", m.warnings}});
    return;
  }
  const photo::RegionMeasurement* hair = first_of(m, photo::RegionKind::hair);
  const photo::RegionMeasurement* scalp = first_of(m, photo::RegionKind::scalp);
  if (hair == nullptr || !hair->follicle_lab) {
    throw InputError(measure.photo, "no hair region to measure the target (follicle colour) from; give the field hair");
  }
  if (scalp == nullptr)
    throw InputError(measure.photo, "no scalp region to measure the skin from; give the field scalp");

  history::SessionRecord r;
  r.client_id = id;
  r.session = number;
  r.date = date;
  r.target = *hair->follicle_lab;
  r.skin = scalp->lab;
  r.coverage = hair->coverage;
  r.photo = history::PhotoRef{measure.photo, history::sha256_hex(photo->content)};
  // What `client record` stores of a measured photo (cli/cmd_client.cpp, `stored`).
  r.calibration = report::calibration_summary_json(m.calibration);
  r.calibration["source"] = "card in the photo";
  r.regions = json::object();
  r.measurements = json::object();
  for (const photo::RegionMeasurement& reg : m.regions) {
    r.regions[reg.name] = {reg.rect.x, reg.rect.y, reg.rect.width, reg.rect.height};
    r.measurements[reg.name] = report::region_json(reg);
  }
  r.regions["source"] = m.regions_source;
  history::fill_blend(r, *options.palette, blend);
  r.palette_path = options.palette_source;
  r.palette_sha256 = options.palette_sha256;

  std::vector<std::string> warnings = m.warnings;
  if (!earlier.empty()) {  // the warnings `client record` gives
    const history::SessionRecord& last = earlier.back();
    if (number > last.session + 1) {
      warnings.push_back("session " + std::to_string(number) + " recorded after session " +
                         std::to_string(last.session) + ": sessions in between are missing");
    }
    if (number > last.session && date < last.date) {  // YYYY-MM-DD sorts as the dates do
      warnings.push_back("session " + std::to_string(number) + " (" + date + ") is dated before session " +
                         std::to_string(last.session) + " (" + last.date + ")");
    }
  }
  const history::SessionRecord back = with_history(options, [&](history::ClientHistory& h) {
    h.add_session(r);
    return h.session(id, number);
  });

  json inks = json::array();
  for (const history::InkUse& i : back.inks) inks.push_back({{"id", i.id}, {"parts", i.parts}, {"lot", i.lot}});
  const json stored = {
      {"session", back.session},
      {"date", back.date},
      {"recipe", back.recipe},
      {"inks", inks},
      {"dilution", back.dilution},
      {"palette", {{"name", back.palette_name}, {"path", back.palette_path}, {"sha256", back.palette_sha256}}},
      {"skin_lab", lab_json(back.skin)},
      {"target_lab", lab_json(back.target)},
      {"predicted_lab", lab_json(back.predicted)},
      {"predicted_hex", colour::lab_d50_to_srgb8(back.predicted).hex()},
      {"coverage", back.coverage ? json(*back.coverage) : json(nullptr)},
      {"photo", back.photo ? json{{"path", back.photo->path}, {"sha256", back.photo->sha256}} : json(nullptr)}};
  send_json(res, 201,
            {{"client", id},
             {"session", stored},
             {"de00_to_target", std::round(colour::delta_e_2000(back.target, back.predicted) * 100.0) / 100.0},
             {"warnings", warnings}});
}

// Runs a route, answering its refusals and the photo's errors as the match route does.
template <typename Route>
void answer(httplib::Response& res, const ServerOptions& options, Route&& route) {
  try {
    if (options.db_path.empty()) {
      throw Refusal{404, "no-history",
                    "client history is off: this server was started without --db F, so nothing can be saved"};
    }
    route();
  } catch (const Refusal& r) {
    send_error(res, r.status, r.code, r.message);
  } catch (const InputError& e) {
    send_error(res, 422, "bad-photo", e.message(), {{"detail", e.what()}});
  } catch (const std::bad_alloc&) {
    send_error(res, 503, "out-of-memory", "the server ran out of memory on this photo; try a smaller one");
  }
}

}  // namespace

void add_history_routes(httplib::Server& svr, const ServerOptions& options, JobSlots& slots) {
  svr.Get("/api/clients", [&options](const httplib::Request&, httplib::Response& res) {
    answer(res, options, [&] { list_clients(res, options); });
  });
  svr.Post("/api/clients", [&options](const httplib::Request& req, httplib::Response& res) {
    answer(res, options, [&] { add_client(req, res, options); });
  });
  // Client ids are 1–64 of [A-Za-z0-9._-] (history::check_client_id); any other path is a 404.
  svr.Post(R"(/api/clients/([A-Za-z0-9._-]{1,64})/sessions)",
           [&options, &slots](const httplib::Request& req, httplib::Response& res) {
             answer(res, options, [&] { record_session(req, res, options, slots); });
           });
}

}  // namespace shadematch::server
