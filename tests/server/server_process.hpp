#pragma once
// The real `shadematch serve` started on a free loopback port (--port 0: the kernel picks one, the
// URL line says which) and stopped by its test; and a minimal HTTP/1.1 client over a plain
// socket, so tests can also send what no well-behaved client would (a body shorter than its
// Content-Length, a lying length, a broken multipart form).
#include <sys/types.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace shadematch::test {

class ServerProcess {
 public:
  // Starts `shadematch serve --port 0 ARGS…` and waits for its URL line (throws after 60 s).
  explicit ServerProcess(const std::vector<std::string>& args);
  ~ServerProcess();  // SIGTERM and wait, if still running
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  int port() const { return port_; }
  const std::string& url_line() const { return url_line_; }
  // Sends `signal` and waits for the process; returns its exit status (128 + signal if killed).
  int stop(int signal);
  bool running() const { return pid_ > 0; }
  // Everything the server wrote so far (stdout and stderr; stderr is read after it exits).
  std::string output() const;
  std::string errors() const;

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  std::string dir_;
  std::string url_line_;
};

struct HttpResponse {
  int status = 0;                              // 0: no response (connection closed before a status line)
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
};

// Sends `raw` as is on a new connection to 127.0.0.1:port, then (when `close_write`) shuts the
// sending side, and reads the answer until the server closes or the body is complete.
HttpResponse http_raw(int port, const std::string& raw, bool close_write = false);

HttpResponse http_get(int port, const std::string& path);

struct FormPart {
  FormPart(std::string name_, std::string content_, std::string filename_ = "",
           std::string content_type_ = "application/octet-stream")
      : name(std::move(name_)),
        content(std::move(content_)),
        filename(std::move(filename_)),
        content_type(std::move(content_type_)) {}
  std::string name;
  std::string content;
  std::string filename;  // non-empty: a file part
  std::string content_type;
};
// A multipart/form-data POST of `parts` (Connection: close).
HttpResponse http_post_form(int port, const std::string& path, const std::vector<FormPart>& parts);
// The request bytes of such a POST, for tests that cut or change them.
std::string form_request(const std::string& path, const std::vector<FormPart>& parts);

std::string read_binary_file(const std::string& path);

}  // namespace shadematch::test
