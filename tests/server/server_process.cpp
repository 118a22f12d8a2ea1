#include "server_process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "support/paths.hpp"

extern char** environ;

namespace shadematch::test {

std::string read_binary_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

ServerProcess::ServerProcess(const std::vector<std::string>& args) {
  dir_ = make_temp_dir("shadematch-serve");
  const std::string out_path = dir_ + "/stdout";
  const std::string err_path = dir_ + "/stderr";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::vector<std::string> argv_strings{binary_path(), "serve", "--port", "0"};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& s : argv_strings) argv.push_back(s.data());
  argv.push_back(nullptr);
  const int rc = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot start " + binary_path());
  // The URL line: "shadematch serve: http://127.0.0.1:PORT/ …". 60 s: a sanitizer build on a
  // busy machine loads the palette slowly; a healthy start takes well under a second.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    const std::string out = output();
    // "http://HOST:PORT/": the port follows the last ':' before the path's '/'.
    const std::size_t at = out.find("http://");
    const std::size_t eol = out.find('\n', at == std::string::npos ? 0 : at);
    if (at != std::string::npos && eol != std::string::npos) {
      url_line_ = out.substr(0, out.find('\n'));
      const std::size_t slash = out.find('/', at + 7);
      const std::size_t colon = out.rfind(':', slash);
      port_ = std::stoi(out.substr(colon + 1));
      return;
    }
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("shadematch serve exited at start: " + errors());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  stop(SIGKILL);
  throw std::runtime_error("shadematch serve printed no URL within 60 s");
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) stop(SIGTERM);
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

int ServerProcess::stop(int signal) {
  if (pid_ <= 0) return -1;
  ::kill(pid_, signal);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string ServerProcess::output() const {
  return read_binary_file(dir_ + "/stdout");
}
std::string ServerProcess::errors() const {
  return read_binary_file(dir_ + "/stderr");
}

namespace {

int connect_loopback(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket() failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    throw std::runtime_error("cannot connect to port " + std::to_string(port));
  }
  return fd;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Parses a complete or partial answer; sets `complete` when the body is all there.
HttpResponse parse_response(const std::string& data, bool& complete) {
  HttpResponse r;
  complete = false;
  const std::size_t head_end = data.find("\r\n\r\n");
  if (head_end == std::string::npos) return r;
  std::istringstream head(data.substr(0, head_end));
  std::string line;
  std::getline(head, line);
  if (line.rfind("HTTP/1.", 0) != 0 || line.size() < 12) return r;
  r.status = std::stoi(line.substr(9, 3));
  while (std::getline(head, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const std::size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.erase(0, 1);
    r.headers[lower(line.substr(0, colon))] = value;
  }
  r.body = data.substr(head_end + 4);
  const auto length = r.headers.find("content-length");
  if (length != r.headers.end()) {
    const std::size_t n = std::stoul(length->second);
    if (r.body.size() >= n) {
      r.body.resize(n);
      complete = true;
    }
  }
  return r;
}

}  // namespace

HttpResponse http_raw(int port, const std::string& raw, bool close_write) {
  const int fd = connect_loopback(port);
  std::size_t sent = 0;
  while (sent < raw.size()) {
    const ssize_t n = ::send(fd, raw.data() + sent, raw.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;  // the server may answer (413) and close before taking everything
    sent += static_cast<std::size_t>(n);
  }
  if (close_write) ::shutdown(fd, SHUT_WR);
  std::string data;
  bool complete = false;
  HttpResponse r;
  // 300 s: 20 parallel 12 MP uploads queue behind two pipelines on a sanitizer build.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(300);
  while (!complete && std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 1000) <= 0) continue;
    char buf[65536];
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    data.append(buf, static_cast<std::size_t>(n));
    r = parse_response(data, complete);
  }
  ::close(fd);
  if (!complete) r = parse_response(data, complete);
  return r;
}

HttpResponse http_get(int port, const std::string& path) {
  return http_raw(port, "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
}

std::string form_request(const std::string& path, const std::vector<FormPart>& parts) {
  const std::string boundary = "----shadematch-test-boundary-7f3a9c";
  std::string body;
  for (const FormPart& p : parts) {
    body += "--" + boundary + "\r\n";
    body += "Content-Disposition: form-data; name=\"" + p.name + "\"";
    if (!p.filename.empty()) body += "; filename=\"" + p.filename + "\"";
    body += "\r\n";
    if (!p.filename.empty()) body += "Content-Type: " + p.content_type + "\r\n";
    body += "\r\n" + p.content + "\r\n";
  }
  body += "--" + boundary + "--\r\n";
  return "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" +
         "Content-Type: multipart/form-data; boundary=" + boundary + "\r\n" +
         "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

HttpResponse http_post_form(int port, const std::string& path, const std::vector<FormPart>& parts) {
  return http_raw(port, form_request(path, parts));
}

}  // namespace shadematch::test
