#include <utility>  // before Boost under C++20

#include "http/test_client.h"

#include <optional>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace zhida::http::testing {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;

namespace {
std::string_view to_std(beast::string_view s) {
  return {s.data(), s.size()};
}
beast::string_view to_beast(std::string_view s) {
  return {s.data(), s.size()};
}
}  // namespace

nlohmann::json ClientResponse::json() const {
  return nlohmann::json::parse(body, nullptr, false);
}

std::string ClientResponse::error_code() const {
  nlohmann::json j = json();
  if (j.is_object() && j.contains("error") && j["error"].is_object() &&
      j["error"].contains("code") && j["error"]["code"].is_string()) {
    return j["error"]["code"].get<std::string>();
  }
  return "";
}

struct TestClient::Impl {
  net::io_context ioc;
  beast::tcp_stream stream{ioc};
  beast::flat_buffer buffer;
  std::chrono::milliseconds timeout;
  uint16_t port = 0;
  bool connected = false;
  std::string error;

  // Runs the queued asynchronous operation to completion.
  void run() {
    ioc.restart();
    ioc.run();
  }
};

TestClient::TestClient(uint16_t port, std::chrono::milliseconds timeout)
    : impl_(std::make_unique<Impl>()) {
  impl_->timeout = timeout;
  impl_->port = port;
  tcp::endpoint ep(net::ip::make_address("127.0.0.1"), port);
  beast::error_code ec;
  impl_->stream.expires_after(timeout);
  impl_->stream.async_connect(ep, [&](beast::error_code e) { ec = e; });
  impl_->run();
  impl_->connected = !ec;
  if (ec) impl_->error = "connect: " + ec.message();
}

TestClient::~TestClient() {
  beast::error_code ignored;
  impl_->stream.socket().close(ignored);
}

bool TestClient::connected() const {
  return impl_->connected;
}
const std::string& TestClient::error() const {
  return impl_->error;
}
uint16_t TestClient::local_port() const {
  beast::error_code ec;
  auto ep = impl_->stream.socket().local_endpoint(ec);
  return ec ? 0 : ep.port();
}

ClientResponse TestClient::request(std::string_view method, std::string_view target,
                                   std::string body, const Headers& headers) {
  bhttp::request<bhttp::string_body> req;
  req.method_string(to_beast(method));
  req.target(to_beast(target));
  req.version(11);
  req.set(bhttp::field::host, "127.0.0.1");
  for (const auto& [name, value] : headers) req.insert(to_beast(name), to_beast(value));
  bool has_body = !body.empty() || method == "POST" || method == "PUT" || method == "PATCH";
  req.body() = std::move(body);
  if (has_body) req.prepare_payload();

  beast::error_code ec;
  impl_->stream.expires_after(impl_->timeout);
  bhttp::async_write(impl_->stream, req, [&](beast::error_code e, size_t) { ec = e; });
  impl_->run();
  if (ec) {
    impl_->error = "write: " + ec.message();
    return {};
  }
  return read_response(method == "HEAD");
}

bool TestClient::send_raw(std::string_view bytes) {
  beast::error_code ec;
  impl_->stream.expires_after(impl_->timeout);
  net::async_write(impl_->stream, net::buffer(bytes.data(), bytes.size()),
                   [&](beast::error_code e, size_t) { ec = e; });
  impl_->run();
  if (ec) impl_->error = "write: " + ec.message();
  return !ec;
}

ClientResponse TestClient::read_response(bool head) {
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(std::numeric_limits<uint64_t>::max());
  if (head) parser.skip(true);
  beast::error_code ec;
  impl_->stream.expires_after(impl_->timeout);
  bhttp::async_read(impl_->stream, impl_->buffer, parser,
                    [&](beast::error_code e, size_t) { ec = e; });
  impl_->run();
  if (ec) {
    impl_->error = "read: " + ec.message();
    return {};
  }
  ClientResponse out;
  const auto& res = parser.get();
  out.status = static_cast<int>(res.result_int());
  for (const auto& f : res) {
    out.headers.add(std::string(to_std(f.name_string())), std::string(to_std(f.value())));
  }
  out.keep_alive = res.keep_alive();
  out.body = res.body();
  return out;
}

bool TestClient::wait_closed() {
  char byte;
  beast::error_code ec;
  size_t n = 0;
  if (impl_->buffer.size() > 0) return false;
  impl_->stream.expires_after(impl_->timeout);
  impl_->stream.async_read_some(net::buffer(&byte, 1), [&](beast::error_code e, size_t got) {
    ec = e;
    n = got;
  });
  impl_->run();
  if (ec == beast::error::timeout) return false;
  return ec && n == 0;
}

ClientResponse fetch(uint16_t port, std::string_view method, std::string_view target,
                     std::string body, const Headers& headers) {
  TestClient c(port);
  if (!c.connected()) return {};
  return c.request(method, target, std::move(body), headers);
}

bool can_connect(uint16_t port) {
  net::io_context ioc;
  tcp::socket s(ioc);
  beast::error_code ec;
  s.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port), ec);
  return !ec;
}

}  // namespace zhida::http::testing
