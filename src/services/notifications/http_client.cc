#include "services/notifications/http_client.h"

#include "store/value.h"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <optional>

#include <fmt/format.h>

namespace zhida::services {

namespace {

using Clock = std::chrono::steady_clock;

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

int remaining_ms(Clock::time_point deadline) {
  auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left < 0 ? 0 : static_cast<int>(left);
}

// Waits until fd is ready for `events`; false on timeout.
bool wait_fd(int fd, short events, Clock::time_point deadline) {
  while (true) {
    pollfd p{fd, events, 0};
    int ms = remaining_ms(deadline);
    int r = ::poll(&p, 1, ms);
    if (r > 0) return true;
    if (r == 0) return false;
    if (errno != EINTR) return false;
  }
}

}  // namespace

Result<HttpUrl> parse_http_url(const std::string& url) {
  const std::string scheme = "http://";
  if (url.rfind(scheme, 0) != 0)
    return Error("http_client.bad_url", fmt::format("只支持 http:// 地址：{}", url));
  std::string rest = url.substr(scheme.size());
  HttpUrl out;
  size_t slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  out.target = slash == std::string::npos ? "/" : rest.substr(slash);
  size_t colon = authority.rfind(':');
  if (colon != std::string::npos && authority.find(']') == std::string::npos) {
    std::string port = authority.substr(colon + 1);
    if (port.empty() || port.size() > 5 ||
        port.find_first_not_of("0123456789") != std::string::npos)
      return Error("http_client.bad_url", fmt::format("端口不正确：{}", url));
    out.port = std::stoi(port);
    authority = authority.substr(0, colon);
  }
  if (authority.empty())
    return Error("http_client.bad_url", fmt::format("地址缺少主机名：{}", url));
  out.host = authority;
  return out;
}

Result<HttpReply> http_post(const std::string& url,
                            const std::vector<std::pair<std::string, std::string>>& headers,
                            const std::string& content_type, const std::string& body,
                            std::chrono::milliseconds timeout) {
  ZHIDA_ASSIGN_OR_RETURN(HttpUrl u, parse_http_url(url));
  auto deadline = Clock::now() + timeout;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  std::string port = std::to_string(u.port);
  if (int rc = ::getaddrinfo(u.host.c_str(), port.c_str(), &hints, &res); rc != 0)
    return Error("http_client.connect",
                 fmt::format("无法解析主机 {}：{}", u.host, gai_strerror(rc)));
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> guard(res, &::freeaddrinfo);
  int fd = -1;
  std::string last_error = "无可用地址";
  for (addrinfo* a = res; a != nullptr; a = a->ai_next) {
    int s = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a->ai_protocol);
    if (s < 0) continue;
    int rc = ::connect(s, a->ai_addr, a->ai_addrlen);
    if (rc == 0 || errno == EINPROGRESS) {
      if (rc == 0 || wait_fd(s, POLLOUT, deadline)) {
        int err = 0;
        socklen_t len = sizeof err;
        ::getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &len);
        if (err == 0) {
          fd = s;
          break;
        }
        last_error = std::strerror(err);
      } else {
        last_error = "连接超时";
      }
    } else {
      last_error = std::strerror(errno);
    }
    ::close(s);
  }
  if (fd < 0)
    return Error("http_client.connect",
                 fmt::format("无法连接 {}:{}：{}", u.host, u.port, last_error));
  Fd sock(fd);

  std::string req = fmt::format(
      "POST {} HTTP/1.1\r\nHost: {}:{}\r\nConnection: close\r\nContent-Type: {}\r\n"
      "Content-Length: {}\r\n",
      u.target, u.host, u.port, content_type, body.size());
  for (const auto& [k, v] : headers) {
    if (k.find_first_of("\r\n:") != std::string::npos ||
        v.find_first_of("\r\n") != std::string::npos)
      continue;
    req += fmt::format("{}: {}\r\n", k, v);
  }
  req += "\r\n";
  req += body;
  size_t sent = 0;
  while (sent < req.size()) {
    ssize_t n = ::send(sock.get(), req.data() + sent, req.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
      if (!wait_fd(sock.get(), POLLOUT, deadline))
        return Error("http_client.timeout", "发送请求超时");
      continue;
    }
    return Error("http_client.io", fmt::format("发送请求失败：{}", std::strerror(errno)));
  }

  std::string in;
  char buf[8192];
  size_t header_end = std::string::npos;
  std::optional<size_t> content_length;
  while (true) {
    if (header_end != std::string::npos && content_length &&
        in.size() >= header_end + 4 + *content_length)
      break;
    if (!wait_fd(sock.get(), POLLIN, deadline)) return Error("http_client.timeout", "等待应答超时");
    ssize_t n = ::recv(sock.get(), buf, sizeof buf, 0);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) continue;
      return Error("http_client.io", fmt::format("读取应答失败：{}", std::strerror(errno)));
    }
    if (n == 0) break;  // closed
    in.append(buf, static_cast<size_t>(n));
    if (in.size() > (4u << 20)) return Error("http_client.bad_response", "应答过大");
    if (header_end == std::string::npos) {
      header_end = in.find("\r\n\r\n");
      if (header_end != std::string::npos) {
        std::string head = in.substr(0, header_end);
        for (char& c : head)
          if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        size_t p = head.find("\r\ncontent-length:");
        if (p != std::string::npos) {
          size_t v = p + 17;
          while (v < head.size() && head[v] == ' ') ++v;
          size_t len = 0;
          while (v < head.size() && head[v] >= '0' && head[v] <= '9')
            len = len * 10 + static_cast<size_t>(head[v++] - '0');
          content_length = len;
        }
      }
    }
  }
  if (in.rfind("HTTP/1.", 0) != 0 || in.size() < 12)
    return Error("http_client.bad_response", "应答不是 HTTP");
  HttpReply reply;
  reply.status = std::atoi(in.substr(9, 3).c_str());
  if (reply.status < 100 || reply.status > 599)
    return Error("http_client.bad_response", "应答状态码不正确");
  if (header_end != std::string::npos) {
    reply.body = in.substr(header_end + 4);
    if (content_length && reply.body.size() > *content_length) reply.body.resize(*content_length);
  }
  return reply;
}

}  // namespace zhida::services
