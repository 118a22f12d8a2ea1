// The web server's request handling (src/server: server.cpp's routes, history_routes, the form
// checks of http_common, the preview store), driven in memory: the route table run_server serves
// (server::configure_routes) is set on an httplib::Server that reads one request from the input
// and writes its answer to memory, through httplib's own request parser (no socket is opened).
// The palette is palettes/minimal.yaml; the client history a temporary database reset for every
// input to one client, "ann".
//
// Input: a request described by lines (so that mutations reach the form fields, not only the
// framing):
//   METHOD PATH                       e.g. "POST /api/clients/ann/sessions"
//   NAME=VALUE                        a multipart/form-data text part
//   NAME@FILENAME=VALUE               a part with a file name (the photo)
// VALUE "<card>" is fuzz/corpus/server-photo/card_skin.jpg (300 × 141: a ColorChecker, skin and
// strands; the photo that reaches calibration, measurement and the blend search, about 1 s an
// input), "<tiny>" fuzz/corpus/image/ramp.jpg (16 × 12, no card: the fast no-card answer);
// other values take the escapes \n \r \0 \\ and \xHH. A first line "RAW" sends the rest of the input as the request
// itself (headers, Content-Length and multipart framing fuzzed).
// A photo over 2^20 pixels (from its header) is skipped, to keep one input fast: the server's
// own 100 MP limit is tested in tests/server, and decoding in the image target.
//
// Contract (server.hpp, history_routes.hpp): every request is answered with a 2xx or 4xx status,
// or 503 for the documented "history-error" and "out-of-memory"; every error body is a JSON
// object with the strings "error" and "code"; every JSON answer parses. A 500 (an exception that
// escaped a route), any other status, a crash or a sanitizer report is a finding.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "files/palette_file.hpp"
#include "fuzz_target.hpp"
#include "history/clients.hpp"
#include "history/database.hpp"
#include "photo/decode.hpp"
#include "server/routes.hpp"

using namespace shadematch;

namespace {

// Reads the request from `in`, keeps what the server writes.
class MemoryStream : public httplib::Stream {
 public:
  explicit MemoryStream(std::string in) : in_(std::move(in)) {}
  bool is_readable() const override { return true; }
  bool is_writable() const override { return true; }
  ssize_t read(char* ptr, size_t size) override {
    const size_t n = std::min(size, in_.size() - pos_);
    std::copy_n(in_.data() + pos_, n, ptr);
    pos_ += n;
    return static_cast<ssize_t>(n);
  }
  ssize_t write(const char* ptr, size_t size) override {
    out_.append(ptr, size);
    return static_cast<ssize_t>(size);
  }
  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    ip = "127.0.0.1";
    port = 50000;
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    ip = "127.0.0.1";
    port = 8080;
  }
  socket_t socket() const override { return INVALID_SOCKET; }
  const std::string& out() const { return out_; }

 private:
  std::string in_;
  size_t pos_ = 0;
  std::string out_;
};

// httplib::Server with its request processing reachable without a socket.
class MemoryServer : public httplib::Server {
 public:
  std::string answer(std::string request) {
    MemoryStream s(std::move(request));
    bool closed = false;
    process_request(s, true, closed, [](httplib::Request&) {});
    return s.out();
  }
};

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

struct World {
  std::filesystem::path dir;
  std::string db_path;
  std::string db_template;  // the bytes of a database with one client
  std::string card;         // the <card> photo
  std::string tiny;         // the <tiny> photo
  server::ServerOptions options;
  std::unique_ptr<server::JobSlots> slots;
  std::unique_ptr<server::PreviewStore> previews;
  std::mutex err_mutex;
  std::ostringstream err;
  std::unique_ptr<server::Context> ctx;
  MemoryServer svr;
};

World& world() {
  static World* w = [] {
    auto* x = new World;
    std::string templ = (std::filesystem::temp_directory_path() / "shadematch-fuzz-server-XXXXXX").string();
    if (mkdtemp(templ.data()) == nullptr) fuzz::finding("cannot make a temporary directory");
    x->dir = templ;
    std::atexit([] { std::filesystem::remove_all(world().dir); });
    const std::string made = (x->dir / "template.db").string();
    {
      history::ClientHistory h(history::Database::open(made, history::Database::Mode::create));
      (void)h.add_client("ann", "Ann Example", "fuzz seed client");
    }  // closed: the WAL is checkpointed into the file
    x->db_template = read_file(made);
    x->db_path = (x->dir / "clients.db").string();
    x->card = read_file(SHADEMATCH_SOURCE_DIR "/fuzz/corpus/server-photo/card_skin.jpg");
    x->tiny = read_file(SHADEMATCH_SOURCE_DIR "/fuzz/corpus/image/ramp.jpg");
    if (x->card.empty() || x->tiny.empty()) fuzz::finding("the server target's photos are missing");
    x->options.palette =
        std::make_shared<const pigment::Palette>(files::load_palette(SHADEMATCH_SOURCE_DIR "/palettes/minimal.yaml"));
    x->options.palette_source = "palettes/minimal.yaml";
    x->options.palette_sha256 = std::string(64, '0');
    x->options.jobs = 1;
    x->options.today = [] { return std::string("2026-01-15"); };
    x->options.db_path = x->db_path;
    x->slots = std::make_unique<server::JobSlots>(1);
    x->previews = std::make_unique<server::PreviewStore>();
    x->ctx = std::make_unique<server::Context>(
        server::Context{x->options, 1, *x->slots, *x->previews, x->err_mutex, x->err});
    server::configure_routes(x->svr, *x->ctx);
    return x;
  }();
  return *w;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string unescape(const std::string& v) {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (v[i] != '\\' || i + 1 == v.size()) {
      out += v[i];
      continue;
    }
    const char e = v[++i];
    if (e == 'n') {
      out += '\n';
    } else if (e == 'r') {
      out += '\r';
    } else if (e == '0') {
      out += '\0';
    } else if (e == 'x' && i + 2 < v.size() && hex_digit(v[i + 1]) >= 0 && hex_digit(v[i + 2]) >= 0) {
      out += static_cast<char>(hex_digit(v[i + 1]) * 16 + hex_digit(v[i + 2]));
      i += 2;
    } else {
      out += e;
    }
  }
  return out;
}

struct Part {
  std::string name;
  std::optional<std::string> filename;
  std::string content;
};

// False when a photo part is too large to decode quickly (see above).
bool small_enough(const std::string& bytes) {
  try {
    const photo::EncodedImage file{"fuzz.img",
                                   std::make_shared<const std::vector<std::uint8_t>>(bytes.begin(), bytes.end())};
    const photo::ImageInfo info = photo::probe_image(file);
    return static_cast<long long>(info.stored_width) * info.stored_height <= (1LL << 20);
  } catch (const InputError&) {
    return true;  // not an image: the server says so (422)
  }
}

// The request the lines describe, or nullopt when the input is to be skipped.
std::optional<std::string> build_request(std::string_view text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t nl = text.find('\n', start);
    const std::size_t end = nl == std::string_view::npos ? text.size() : nl;
    lines.emplace_back(text.substr(start, end - start));
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  const std::string& first = lines.front();
  const std::size_t space = first.find(' ');
  if (space == std::string::npos) return std::nullopt;
  const std::string method = first.substr(0, space);
  const std::string path = first.substr(space + 1);
  if (method.empty() || path.empty() || path.find_first_of(" \r\n") != std::string::npos) return std::nullopt;
  std::vector<Part> parts;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const std::string& l = lines[i];
    const std::size_t eq = l.find('=');
    if (eq == std::string::npos || eq == 0) continue;
    Part p;
    const std::string key = l.substr(0, eq);
    const std::size_t at = key.find('@');
    p.name = unescape(key.substr(0, at));
    if (at != std::string::npos) p.filename = unescape(key.substr(at + 1));
    const std::string value = l.substr(eq + 1);
    p.content = value == "<card>" ? world().card : value == "<tiny>" ? world().tiny : unescape(value);
    if (p.filename && !small_enough(p.content)) return std::nullopt;
    parts.push_back(std::move(p));
  }
  std::string boundary = "shadematch-fuzz-boundary";
  const auto collides = [&] {
    for (const Part& p : parts) {
      if (p.content.find(boundary) != std::string::npos) return true;
    }
    return false;
  };
  while (collides()) boundary += "x";
  std::string body;
  for (const Part& p : parts) {
    body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + p.name + "\"";
    if (p.filename) body += "; filename=\"" + *p.filename + "\"";
    body += "\r\n";
    if (p.filename) body += "Content-Type: application/octet-stream\r\n";
    body += "\r\n" + p.content + "\r\n";
  }
  if (!parts.empty()) body += "--" + boundary + "--\r\n";
  std::string req = method + " " + path + " HTTP/1.1\r\nHost: fuzz\r\n";
  if (!parts.empty()) req += "Content-Type: multipart/form-data; boundary=" + boundary + "\r\n";
  if (method != "GET") req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  return req + "\r\n" + body;
}

void check_answer(const std::string& out, bool raw, bool head_request) {
  if (out.empty()) {
    if (raw) return;  // httplib closes a connection that sent no request line, without answering
    fuzz::finding("no answer to a well-formed request");
  }
  int status = 0;
  if (std::sscanf(out.c_str(), "HTTP/1.1 %d", &status) != 1) fuzz::finding("answer without a status line");
  const std::size_t head_end = out.find("\r\n\r\n");
  if (head_end == std::string::npos) fuzz::finding("answer without the end of its headers");
  const std::string head = out.substr(0, head_end);
  const std::string body = out.substr(head_end + 4);
  const bool is_json = head.find("Content-Type: application/json") != std::string::npos;
  if (head_request) {  // HTTP: an answer to HEAD has the headers of GET's and no body
    if (!(status >= 200 && status < 300) && !(status >= 400 && status < 500) && status != 503) {
      fuzz::finding(("status " + std::to_string(status) + " to HEAD").c_str());
    }
    return;
  }
  if (status >= 200 && status < 300) {
    if (is_json && !nlohmann::json::accept(body)) fuzz::finding("a 2xx JSON answer does not parse");
    return;
  }
  if (!(status >= 400 && status < 500) && status != 503) {
    fuzz::finding(("status " + std::to_string(status) + ": " + body).c_str());
  }
  if (!is_json || !nlohmann::json::accept(body)) fuzz::finding(("error body is not JSON: " + body).c_str());
  const nlohmann::json j = nlohmann::json::parse(body);
  if (!j.is_object() || !j.contains("error") || !j["error"].is_string() || !j.contains("code") ||
      !j["code"].is_string()) {
    fuzz::finding(("error body without error and code: " + body).c_str());
  }
  const std::string code = j["code"];
  if (status == 503 && code != "history-error" && code != "out-of-memory") {
    fuzz::finding(("503 with code " + code).c_str());
  }
}

}  // namespace

SHADEMATCH_FUZZ_TARGET(server) {
  World& w = world();
  const std::string_view text = fuzz::as_text(data, size);
  const bool raw = text.substr(0, 4) == "RAW\n";
  std::optional<std::string> request;
  if (raw) {
    request = std::string(text.substr(4));
  } else {
    request = build_request(text);
    if (!request) return;
  }
  for (const char* suffix : {"-wal", "-shm", "-journal"}) std::filesystem::remove(w.db_path + suffix);
  {
    std::ofstream out(w.db_path, std::ios::binary | std::ios::trunc);
    out << w.db_template;
  }
  const bool head_request = request->rfind("HEAD ", 0) == 0;
  check_answer(w.svr.answer(std::move(*request)), raw, head_request);
}
