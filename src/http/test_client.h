// Test-only: a small synchronous HTTP/1.1 client over one TCP connection, for
// tests that start the real server on port 0. Beast stays inside
// test_client.cc. Every operation is bounded by a timeout (30 s by default)
// so that a broken server fails a test instead of hanging it.
//
// Not thread-safe: one client per thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "http/fields.h"

namespace zhida::http::testing {

struct ClientResponse {
  int status = 0;  // 0: transport failure (see TestClient::error())
  Headers headers;
  std::string body;
  bool keep_alive = false;

  // The body parsed as JSON; a discarded value when it is not JSON.
  nlohmann::json json() const;
  // error.code of an API error body, or "".
  std::string error_code() const;
};

class TestClient {
 public:
  explicit TestClient(uint16_t port, std::chrono::milliseconds timeout = std::chrono::seconds(30));
  ~TestClient();
  TestClient(const TestClient&) = delete;
  TestClient& operator=(const TestClient&) = delete;

  bool connected() const;
  const std::string& error() const;
  uint16_t local_port() const;

  // Sends one request (Host, Content-Length added) and reads its response.
  ClientResponse request(std::string_view method, std::string_view target, std::string body = {},
                         const Headers& headers = {});
  ClientResponse get(std::string_view target, const Headers& headers = {}) {
    return request("GET", target, {}, headers);
  }
  ClientResponse post(std::string_view target, std::string body, const Headers& headers = {}) {
    return request("POST", target, std::move(body), headers);
  }

  // Writes bytes as they are (for malformed or partial requests).
  bool send_raw(std::string_view bytes);
  // Reads one response; head: the request was HEAD (no body follows).
  ClientResponse read_response(bool head = false);
  // Waits for the server to close the connection; true when it did (EOF or
  // reset), false when data arrived or the timeout passed.
  bool wait_closed();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// One request on a fresh connection.
ClientResponse fetch(uint16_t port, std::string_view method, std::string_view target,
                     std::string body = {}, const Headers& headers = {});

// Whether a TCP connection to 127.0.0.1:port is accepted by the kernel now.
bool can_connect(uint16_t port);

}  // namespace zhida::http::testing
