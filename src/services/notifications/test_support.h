// Test support for the notification tests (header-only, used by *_test.cc
// only): a fresh database per test on SQLite or PostgreSQL, and a small real
// HTTP server that plays the SMS gateway.
//
// FakeSmsGateway: POSIX sockets, one thread per connection. It records every
// request it receives (idempotency key, phone, text), counts each key, and
// answers 200 {"message_id": …} — or whatever `reply` says — after an
// optional delay (so that a test can kill a sender while a request is in
// flight). Thread-safe.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libpq-fe.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "store/testing.h"

namespace zhida::services::testing {

inline std::string env_or(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

// The store's throwaway-database helpers (store/testing.h), by the names the
// tests here use.
inline std::string pg_exec(const std::string& url, const std::string& sql) {
  return store::testing::pg_admin(url, sql);
}
inline std::string pg_with_dbname(const std::string& url, const std::string& db) {
  return store::testing::with_dbname(url, db);
}

// A fresh, empty database for one test. `skip` is set (with why) when
// PostgreSQL is asked for and ZHIDA_TEST_PG_URL is missing.
class TestDb {
 public:
  TestDb(bool postgres, const std::string& tag) {
    static std::atomic<int> counter{0};
    if (postgres) {
      admin_ = env_or("ZHIDA_TEST_PG_URL");
      if (admin_.empty()) {
        skip = true;
        why =
            "ZHIDA_TEST_PG_URL not set: PostgreSQL tests skipped (run under "
            "scripts/with-postgres.sh)";
        return;
      }
      dbname_ = fmt::format("zhida_{}_{}_{}", tag, getpid(), counter++);
      error = pg_exec(admin_, "CREATE DATABASE " + dbname_);
      url = pg_with_dbname(admin_, dbname_);
    } else {
      std::string pattern =
          (std::filesystem::temp_directory_path() / ("zhida_" + tag + "_XXXXXX")).string();
      std::vector<char> buf(pattern.begin(), pattern.end());
      buf.push_back('\0');
      if (mkdtemp(buf.data()) == nullptr) {
        error = "mkdtemp failed";
        return;
      }
      dir_ = buf.data();
      url = "sqlite:" + dir_ + "/zhida.db";
    }
  }
  ~TestDb() {
    if (!dbname_.empty()) pg_exec(admin_, "DROP DATABASE IF EXISTS " + dbname_ + " WITH (FORCE)");
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  TestDb(const TestDb&) = delete;
  TestDb& operator=(const TestDb&) = delete;

  std::string url;
  std::string error;
  bool skip = false;
  std::string why;

 private:
  std::string admin_, dbname_, dir_;
};

class FakeSmsGateway {
 public:
  struct Received {
    std::string key;
    std::string phone;
    std::string text;
    std::string template_id;
  };
  // status and body of the answer to one request.
  using Reply = std::function<std::pair<int, std::string>(const Received&, int times_seen)>;

  FakeSmsGateway() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(fd_, 64);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    acceptor_ = std::thread([this] { accept_loop(); });
  }
  ~FakeSmsGateway() {
    stopping_ = true;
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    if (acceptor_.joinable()) acceptor_.join();
    std::unique_lock l(mu_);
    cv_.wait(l, [&] { return active_ == 0; });
  }

  std::string url() const { return fmt::format("http://127.0.0.1:{}/sms/send", port_); }
  void set_delay(std::chrono::milliseconds d) { delay_ms_ = d.count(); }
  void set_reply(Reply r) {
    std::lock_guard l(mu_);
    reply_ = std::move(r);
  }

  std::vector<Received> received() const {
    std::lock_guard l(mu_);
    return received_;
  }
  size_t count() const {
    std::lock_guard l(mu_);
    return received_.size();
  }
  // How many times each idempotency key arrived.
  std::map<std::string, int> keys() const {
    std::lock_guard l(mu_);
    return seen_;
  }
  // Waits until more than `n` requests arrived; false on timeout.
  bool wait_for_more_than(size_t n, std::chrono::milliseconds timeout) {
    std::unique_lock l(mu_);
    return cv_.wait_for(l, timeout, [&] { return received_.size() > n; });
  }

 private:
  void accept_loop() {
    while (!stopping_) {
      int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (c < 0) {
        if (stopping_) return;
        continue;
      }
      {
        std::lock_guard l(mu_);
        ++active_;
      }
      std::thread([this, c] {
        serve(c);
        ::close(c);
        std::lock_guard l(mu_);
        --active_;
        cv_.notify_all();
      }).detach();
    }
  }

  void serve(int c) {
    std::string in;
    char buf[4096];
    size_t header_end = std::string::npos;
    size_t length = 0;
    while (true) {
      if (header_end != std::string::npos && in.size() >= header_end + 4 + length) break;
      ssize_t n = ::recv(c, buf, sizeof buf, 0);
      if (n <= 0) return;
      in.append(buf, static_cast<size_t>(n));
      if (header_end == std::string::npos &&
          (header_end = in.find("\r\n\r\n")) != std::string::npos) {
        std::string head = in.substr(0, header_end);
        for (char& ch : head) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        size_t p = head.find("content-length:");
        if (p != std::string::npos) length = std::strtoul(head.c_str() + p + 15, nullptr, 10);
      }
    }
    nlohmann::json body = nlohmann::json::parse(in.substr(header_end + 4, length), nullptr, false);
    Received r;
    if (body.is_object()) {
      r.key = body.value("idempotency_key", "");
      r.phone = body.value("phone", "");
      r.text = body.value("text", "");
      r.template_id = body.value("template", "");
    }
    int times = 0;
    Reply reply;
    {
      std::lock_guard l(mu_);
      times = ++seen_[r.key];
      received_.push_back(r);
      reply = reply_;
    }
    cv_.notify_all();
    if (delay_ms_ > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms_.load()));
    std::pair<int, std::string> answer{200, fmt::format("{{\"message_id\":\"m-{}\"}}", r.key)};
    if (reply) answer = reply(r, times);
    std::string out = fmt::format(
        "HTTP/1.1 {} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\n"
        "Connection: close\r\n\r\n{}",
        answer.first, answer.second.size(), answer.second);
    ::send(c, out.data(), out.size(), MSG_NOSIGNAL);
  }

  int fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int64_t> delay_ms_{0};
  std::thread acceptor_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  int active_ = 0;
  std::vector<Received> received_;
  std::map<std::string, int> seen_;
  Reply reply_;
};

}  // namespace zhida::services::testing
