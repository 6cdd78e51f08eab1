// The only translation unit of the server that includes Beast and Asio (they
// take ~35 s to compile). Structure: ServerImpl owns the io_context, the acceptor
// and the registry of live connections; Session serves one connection.
#include <utility>  // before Boost under C++20

#include "http/server.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <condition_variable>
#include <csignal>
#include <limits>
#include <mutex>
#include <optional>
#include <random>
#include <thread>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include "http/static_files.h"
#include "http/url.h"

namespace zhida::http {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

constexpr size_t kHeaderLimit = 16 * 1024;
constexpr auto kDrainTimeout = std::chrono::seconds(1);
constexpr uint64_t kDrainMaxBytes = 64ull << 20;
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

std::string_view to_std(beast::string_view s) {
  return {s.data(), s.size()};
}
beast::string_view to_beast(std::string_view s) {
  return {s.data(), s.size()};
}

bool valid_request_id(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.';
  });
}

// Header values from handlers must not break the framing.
std::string_view clean_header(std::string_view s, std::string& scratch) {
  if (s.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos) return s;
  scratch.assign(s);
  for (char& c : scratch)
    if (c == '\r' || c == '\n' || c == '\0') c = ' ';
  return scratch;
}

std::string human_size(uint64_t n) {
  if (n >= (1ull << 20) && n % (1ull << 20) == 0) return fmt::format("{} MiB", n >> 20);
  if (n >= 1024 && n % 1024 == 0) return fmt::format("{} KiB", n >> 10);
  return fmt::format("{} 字节", n);
}

bool is_framing_header(std::string_view name) {
  return internal::iequals(name, "Content-Length") ||
         internal::iequals(name, "Transfer-Encoding") || internal::iequals(name, "Connection");
}

bool is_get_or_head(std::string_view m) {
  return m == "GET" || m == "HEAD";
}

}  // namespace

namespace internal {

class Session;

class ServerImpl {
 public:
  ServerImpl(ServerConfig config, Router router);
  ~ServerImpl();

  Status start();
  void request_stop();
  void wait();
  Status run_until_signal();

  uint16_t port() const { return port_.load(); }
  const Router& router() const { return router_; }

  // Used by sessions (any thread).
  const ServerConfig& config() const { return config_; }
  bool stopping() const { return stopping_.load(std::memory_order_relaxed); }
  std::string next_request_id();
  uint64_t body_limit(const RouteMatch& m) const {
    return m.route && m.route->max_body_bytes ? *m.route->max_body_bytes : config_.max_body_bytes;
  }
  Response respond(Request& req, const RouteMatch& match) const;
  void log_request(const Request& req, int status, Clock::time_point start) const;
  void unregister(Session* s);

 private:
  enum class State { kNew, kRunning, kStopping, kStopped };

  void do_accept();
  void on_accept(beast::error_code ec, tcp::socket socket);
  bool on_io_thread() const;

  const ServerConfig config_;
  const Router router_;
  std::optional<StaticFiles> static_files_;
  std::shared_ptr<spdlog::logger> log_;
  std::atomic<bool> stopping_{false};
  std::atomic<uint16_t> port_{0};
  std::atomic<uint64_t> next_id_{0};
  uint32_t id_prefix_ = 0;

  // Guards everything below except ioc_, acceptor_ (its strand) and signals_.
  mutable std::mutex mu_;
  std::condition_variable cv_;
  State state_ = State::kNew;
  bool joining_ = false;
  bool acceptor_closed_ = false;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions_;
  std::vector<std::thread::id> thread_ids_;

  // Declared after the registry: destroying the io_context destroys pending
  // handlers, hence sessions, which unregister themselves.
  net::io_context ioc_;
  std::optional<tcp::acceptor> acceptor_;
  std::optional<net::steady_timer> accept_timer_;  // on the acceptor's strand
  std::optional<net::signal_set> signals_;
  std::vector<std::thread> threads_;
};

// One connection. Lives as long as an asynchronous operation holds it; every
// member function runs on the connection's strand.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, ServerImpl& server) : stream_(std::move(socket)), server_(server) {
    beast::error_code ec;
    auto ep = stream_.socket().remote_endpoint(ec);
    if (!ec) {
      remote_ = ep.address().to_string();
      remote_port_ = ep.port();
    }
  }
  ~Session() { server_.unregister(this); }

  auto executor() { return stream_.get_executor(); }

  void run() {
    net::dispatch(stream_.get_executor(),
                  beast::bind_front_handler(&Session::read_header, shared_from_this()));
  }

  // Shutdown: an idle keep-alive connection is closed now; one with a request
  // under way finishes it (the response says Connection: close).
  void begin_shutdown() {
    if (idle_ && header_parser_ && !header_parser_->got_some() && buffer_.size() == 0) close();
  }
  void force_close() { close(); }

 private:
  void read_header() {
    idle_ = true;
    if (server_.stopping()) return close();
    req_ = Request{};
    match_ = RouteMatch{};
    body_parser_.reset();
    header_parser_.emplace();
    header_parser_->header_limit(kHeaderLimit);
    header_parser_->body_limit(std::numeric_limits<uint64_t>::max());  // checked by hand
    stream_.expires_after(server_.config().request_timeout);
    bhttp::async_read_header(stream_, buffer_, *header_parser_,
                             beast::bind_front_handler(&Session::on_header, shared_from_this()));
  }

  void on_header(beast::error_code ec, size_t) {
    idle_ = false;
    start_ = Clock::now();
    if (ec) return read_failed(ec);
    const auto& h = header_parser_->get();
    req_.method = std::string(to_std(h.method_string()));
    req_.target = std::string(to_std(h.target()));
    req_.http_version = static_cast<int>(h.version());
    req_.remote_address = remote_;
    req_.remote_port = remote_port_;
    keep_alive_ = h.keep_alive();
    req_.headers.reserve(16);
    for (const auto& f : h) {
      std::string_view value = to_std(f.value());
      req_.headers.add(std::string(to_std(f.name_string())), std::string(value));
      if (f.name() == bhttp::field::cookie) parse_cookie_header(value, req_.cookies);
    }
    auto incoming_id = req_.headers.get("X-Request-Id");
    req_.id = incoming_id && valid_request_id(*incoming_id) ? std::string(*incoming_id)
                                                            : server_.next_request_id();
    auto target = parse_target(req_.target);
    if (!target) {
      return respond_early(
          Response::error(400, "bad_request.bad_path", "请求路径格式错误（百分号编码无效）"));
    }
    req_.path = std::move(target->path);
    req_.segments = std::move(target->segments);
    req_.query = std::move(target->query);

    match_ = server_.router().match(req_.method, req_.segments);
    uint64_t limit = server_.body_limit(match_);
    if (auto length = header_parser_->content_length(); length && *length > limit) {
      return respond_early(Response::error(
          413, "payload_too_large", fmt::format("请求内容过大，上限为 {}", human_size(limit))));
    }
    if (header_parser_->is_done()) return handle();

    body_parser_.emplace(std::move(*header_parser_));
    header_parser_.reset();
    body_parser_->body_limit(limit);
    auto expect = body_parser_->get()[bhttp::field::expect];
    if (req_.http_version >= 11 && internal::iequals(to_std(expect), "100-continue")) {
      net::async_write(stream_, net::buffer(kContinue.data(), kContinue.size()),
                       [self = shared_from_this()](beast::error_code wec, size_t) {
                         if (wec) return self->close();
                         self->read_body();
                       });
      return;
    }
    read_body();
  }

  void read_body() {
    bhttp::async_read(stream_, buffer_, *body_parser_,
                      beast::bind_front_handler(&Session::on_body, shared_from_this()));
  }

  void on_body(beast::error_code ec, size_t) {
    if (ec == bhttp::error::body_limit) {
      return respond_early(Response::error(
          413, "payload_too_large",
          fmt::format("请求内容过大，上限为 {}", human_size(server_.body_limit(match_)))));
    }
    if (ec) return read_failed(ec);
    req_.body = std::move(body_parser_->get().body());
    handle();
  }

  void read_failed(beast::error_code ec) {
    if (ec == bhttp::error::header_limit) {
      return respond_early(Response::error(431, "request_header_too_large", "请求头过大"));
    }
    if (ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category() &&
        ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message) {
      return respond_early(Response::error(400, "bad_request", "请求格式错误"));
    }
    close();  // end of stream, timeout, reset, cancelled by shutdown
  }

  void handle() {
    Response r;
    try {
      r = server_.respond(req_, match_);
    } catch (const std::exception& e) {
      r = internal_error(req_, e.what());
    } catch (...) {
      r = internal_error(req_, "unknown exception");
    }
    send(std::move(r));
  }

  // An answer before the request was read in full: the connection is closed
  // after it, and the unread rest of the request is drained briefly so that
  // the client sees the response rather than a reset.
  void respond_early(Response r) {
    if (req_.id.empty()) req_.id = server_.next_request_id();
    keep_alive_ = false;
    drain_ = true;
    send(std::move(r));
  }

  void send(Response&& r) {
    if (r.status < 100 || r.status > 599) {
      r = internal_error(req_, fmt::format("handler returned HTTP status {}", r.status));
    }
    res_ = {};
    res_.version(req_.http_version == 10 ? 10 : 11);
    res_.result(static_cast<unsigned>(r.status));
    std::string scratch_name, scratch_value;
    for (const auto& [name, value] : r.headers) {
      if (is_framing_header(name)) continue;  // the server owns framing
      res_.insert(to_beast(clean_header(name, scratch_name)),
                  to_beast(clean_header(value, scratch_value)));
    }
    if (!r.content_type.empty()) {
      res_.set(bhttp::field::content_type, to_beast(clean_header(r.content_type, scratch_value)));
    }
    if (!res_.count("X-Content-Type-Options")) res_.set("X-Content-Type-Options", "nosniff");
    if (!req_.id.empty()) res_.set("X-Request-Id", to_beast(req_.id));
    closing_ = !keep_alive_ || server_.stopping();
    res_.keep_alive(!closing_);
    bool no_body = r.status < 200 || r.status == 204 || r.status == 304;
    if (!no_body) {
      res_.content_length(r.body.size());
      if (req_.method != "HEAD") res_.body() = std::move(r.body);
    }
    server_.log_request(req_, r.status, start_);
    stream_.expires_after(server_.config().request_timeout);
    bhttp::async_write(stream_, res_,
                       beast::bind_front_handler(&Session::on_write, shared_from_this()));
  }

  void on_write(beast::error_code ec, size_t) {
    if (ec) return close();
    if (!closing_) return read_header();
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    if (!drain_) return close();
    stream_.expires_after(kDrainTimeout);
    drain();
  }

  void drain() {
    stream_.async_read_some(net::buffer(drain_buffer_),
                            [self = shared_from_this()](beast::error_code ec, size_t n) {
                              self->drained_ += n;
                              if (ec || self->drained_ > kDrainMaxBytes) return self->close();
                              self->drain();
                            });
  }

  void close() {
    if (stream_.socket().is_open()) stream_.close();
  }

  beast::tcp_stream stream_;
  ServerImpl& server_;
  std::string remote_;
  uint16_t remote_port_ = 0;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::empty_body>> header_parser_;
  std::optional<bhttp::request_parser<bhttp::string_body>> body_parser_;
  bhttp::response<bhttp::string_body> res_;
  Request req_;
  RouteMatch match_;
  Clock::time_point start_;
  bool idle_ = false;
  bool keep_alive_ = false;
  bool closing_ = false;
  bool drain_ = false;
  uint64_t drained_ = 0;
  std::array<char, 8192> drain_buffer_;
};

// Handlers block on the database, and SQLite commits the writes that wait
// together (one fsync for the group): threads are mostly waiting, so there
// are several per core, enough for writers to queue and share a commit.
static int thread_count(const ServerConfig& c) {
  if (c.threads > 0) return c.threads;
  return std::max(16, 4 * static_cast<int>(std::thread::hardware_concurrency()));
}

ServerImpl::ServerImpl(ServerConfig config, Router router)
    : config_(std::move(config)),
      router_(std::move(router)),
      ioc_(thread_count(config_)) {
  if (!config_.static_dir.empty()) {
    static_files_.emplace(config_.static_dir);
    if (!static_files_->ok()) {
      spdlog::warn("http: static directory {} is not a directory; serving no files",
                   config_.static_dir.string());
    }
  }
  log_ = config_.access_log ? config_.access_log : spdlog::default_logger();
  std::random_device rd;
  id_prefix_ = rd();
}

ServerImpl::~ServerImpl() {
  bool running;
  {
    std::lock_guard lock(mu_);
    running = state_ == State::kRunning || state_ == State::kStopping;
  }
  if (running) {
    request_stop();
    wait();
  }
}

std::string ServerImpl::next_request_id() {
  return fmt::format("{:08x}{:08x}", id_prefix_,
                     static_cast<uint32_t>(next_id_.fetch_add(1, std::memory_order_relaxed)));
}

Status ServerImpl::start() {
  std::lock_guard lock(mu_);
  if (state_ != State::kNew) return Error("http.already_started", "服务器已经启动过，不能再次启动");
  beast::error_code ec;
  tcp::resolver resolver(ioc_);
  auto results = resolver.resolve(config_.host, std::to_string(config_.port),
                                  tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || results.empty()) {
    return Error("http.bad_address", fmt::format("无效的监听地址：{}", config_.host));
  }
  tcp::endpoint endpoint = results.begin()->endpoint();
  acceptor_.emplace(net::make_strand(ioc_));
  accept_timer_.emplace(acceptor_->get_executor());
  acceptor_->open(endpoint.protocol(), ec);
  if (!ec) acceptor_->set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_->bind(endpoint, ec);
  if (!ec) acceptor_->listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    acceptor_.reset();
    std::string why = ec == net::error::address_in_use  ? "端口已被占用"
                      : ec == net::error::access_denied ? "没有权限"
                                                        : ec.message();
    return Error("http.bind_failed",
                 fmt::format("无法监听 {}:{}：{}", config_.host, config_.port, why));
  }
  port_ = acceptor_->local_endpoint().port();
  state_ = State::kRunning;
  do_accept();
  int n = thread_count(config_);
  for (int i = 0; i < n; ++i) {
    threads_.emplace_back([this] {
      for (;;) {
        try {
          ioc_.run();
          return;
        } catch (const std::exception& e) {
          spdlog::error("http: exception escaped to the event loop: {}", e.what());
        }
      }
    });
    thread_ids_.push_back(threads_.back().get_id());
  }
  spdlog::info("http: listening on {}:{} with {} threads", config_.host, port(), n);
  return Status::Ok();
}

void ServerImpl::do_accept() {
  acceptor_->async_accept(net::make_strand(ioc_),
                          beast::bind_front_handler(&ServerImpl::on_accept, this));
}

void ServerImpl::on_accept(beast::error_code ec, tcp::socket socket) {
  if (ec == net::error::operation_aborted || !acceptor_->is_open()) return;
  if (ec) {
    // E.g. "too many open files": transient, but retrying at once would spin.
    spdlog::warn("http: accept failed: {}; retrying", ec.message());
    accept_timer_->expires_after(std::chrono::milliseconds(100));
    accept_timer_->async_wait([this](beast::error_code timer_ec) {
      if (!timer_ec && acceptor_->is_open()) do_accept();
    });
    return;
  }
  {
    std::shared_ptr<Session> session;
    {
      std::lock_guard lock(mu_);
      if (state_ == State::kRunning) {
        session = std::make_shared<Session>(std::move(socket), *this);
        sessions_.emplace(session.get(), session);
      }
    }
    if (session) session->run();
  }
  do_accept();
}

void ServerImpl::unregister(Session* s) {
  std::lock_guard lock(mu_);
  sessions_.erase(s);
  if (sessions_.empty()) cv_.notify_all();
}

void ServerImpl::request_stop() {
  std::vector<std::weak_ptr<Session>> live;
  {
    std::lock_guard lock(mu_);
    if (state_ != State::kRunning) return;
    state_ = State::kStopping;
    stopping_ = true;
    live.reserve(sessions_.size());
    for (const auto& [ptr, weak] : sessions_) live.push_back(weak);
  }
  cv_.notify_all();
  net::post(acceptor_->get_executor(), [this] {
    beast::error_code ignored;
    acceptor_->close(ignored);
    accept_timer_->cancel();
    std::lock_guard lock(mu_);
    acceptor_closed_ = true;
    cv_.notify_all();
  });
  for (const auto& weak : live) {
    if (auto s = weak.lock()) net::post(s->executor(), [s] { s->begin_shutdown(); });
  }
}

bool ServerImpl::on_io_thread() const {
  return std::find(thread_ids_.begin(), thread_ids_.end(), std::this_thread::get_id()) !=
         thread_ids_.end();
}

void ServerImpl::wait() {
  std::unique_lock lock(mu_);
  if (state_ == State::kNew || state_ == State::kStopped) return;
  if (on_io_thread()) {
    spdlog::error("http: Server::wait() called from a handler; use request_stop()");
    return;
  }
  cv_.wait(lock, [&] { return state_ != State::kRunning; });
  if (joining_) {
    cv_.wait(lock, [&] { return state_ == State::kStopped; });
    return;
  }
  joining_ = true;
  auto drained = [&] { return sessions_.empty() && acceptor_closed_; };
  if (!cv_.wait_for(lock, config_.shutdown_timeout, drained)) {
    spdlog::warn("http: {} connections still busy after {} ms; closing them", sessions_.size(),
                 config_.shutdown_timeout.count());
    std::vector<std::weak_ptr<Session>> live;
    for (const auto& [ptr, weak] : sessions_) live.push_back(weak);
    lock.unlock();
    for (const auto& weak : live) {
      if (auto s = weak.lock()) net::post(s->executor(), [s] { s->force_close(); });
    }
    lock.lock();
    cv_.wait_for(lock, std::chrono::seconds(2), drained);
  }
  lock.unlock();
  ioc_.stop();
  for (std::thread& t : threads_) t.join();
  beast::error_code ignored;
  acceptor_->close(ignored);  // no thread runs now; in case the posted close never ran
  lock.lock();
  state_ = State::kStopped;
  cv_.notify_all();
  spdlog::info("http: stopped");
}

Status ServerImpl::run_until_signal() {
  {
    std::unique_lock lock(mu_);
    bool fresh = state_ == State::kNew;
    lock.unlock();
    if (fresh) ZHIDA_TRY(start());
  }
  signals_.emplace(ioc_, SIGINT, SIGTERM);
  signals_->async_wait([this](beast::error_code ec, int signal) {
    if (ec) return;
    spdlog::info("http: signal {} received; shutting down", signal);
    request_stop();
  });
  wait();
  return Status::Ok();
}

Response ServerImpl::respond(Request& req, const RouteMatch& match) const {
  if (req.path == "/healthz" && is_get_or_head(req.method)) {
    return Response::json(200, {{"status", "ok"}});
  }
  if (match.kind == RouteMatch::Kind::kFound) return router_.dispatch(req, match);
  bool api = req.path == "/api" || req.path.starts_with("/api/");
  if (!api && static_files_ && is_get_or_head(req.method)) return static_files_->serve(req);
  return router_.dispatch(req, match);
}

void ServerImpl::log_request(const Request& req, int status, Clock::time_point start) const {
  double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  // The raw path (still percent-encoded) cannot inject lines into the log.
  std::string_view path = req.target;
  path = path.substr(0, path.find('?'));
  log_->info("{} {} {} {:.2f}ms {} {}", req.method.empty() ? "-" : req.method,
             path.empty() ? "-" : path, status, ms, req.user.empty() ? "-" : req.user,
             req.id.empty() ? "-" : req.id);
}

}  // namespace internal

Server::Server(ServerConfig config, Router router)
    : impl_(std::make_unique<internal::ServerImpl>(std::move(config), std::move(router))) {}
Server::~Server() = default;
Status Server::start() {
  return impl_->start();
}
uint16_t Server::port() const {
  return impl_->port();
}
void Server::request_stop() {
  impl_->request_stop();
}
void Server::wait() {
  impl_->wait();
}
void Server::stop() {
  impl_->request_stop();
  impl_->wait();
}
Status Server::run_until_signal() {
  return impl_->run_until_signal();
}
const Router& Server::router() const {
  return impl_->router();
}

}  // namespace zhida::http
