// Integration tests: the real server on an ephemeral port, spoken to over real
// sockets by test_client.h. No assertion depends on timing.
#include "http/server.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <future>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <gtest/gtest.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include "http/json_body.h"
#include "http/test_client.h"

namespace zhida::http {
namespace {

namespace fs = std::filesystem;
using testing::can_connect;
using testing::ClientResponse;
using testing::fetch;
using testing::TestClient;

bool is_hex_id(std::string_view s) {
  return s.size() == 16 && s.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

// A log line split at spaces; a duration such as "0.4ms" becomes "<ms>".
std::vector<std::string> words(const std::string& line) {
  std::vector<std::string> out;
  std::istringstream in(line);
  for (std::string w; in >> w;) {
    bool ms = w.size() > 2 && w.ends_with("ms") && std::isdigit(static_cast<unsigned char>(w[0])) &&
              w.find_first_not_of("0123456789.") == w.size() - 2 &&
              w.find('.') != std::string::npos;
    out.push_back(ms ? "<ms>" : w);
  }
  return out;
}

std::shared_ptr<spdlog::logger> quiet_logger() {
  return std::make_shared<spdlog::logger>("quiet", std::make_shared<spdlog::sinks::null_sink_mt>());
}

const ObjectSchema& login_schema() {
  static const ObjectSchema kSchema{
      Field::string("username").min_length(1).max_length(32),
      Field::string("password").min_length(8),
      Field::boolean("remember").optional(),
  };
  return kSchema;
}

// The routes most tests use.
Router test_router() {
  Router r;
  r.use([](Request& req) -> std::optional<Response> {
    if (!req.route->has_tag("private")) return std::nullopt;
    auto token = req.header("Authorization");
    if (!token) return Response::error(401, "unauthenticated", "请先登录");
    req.user = std::string(token->substr(token->find(' ') + 1));
    req.attributes.set("role", std::string("reviewer"));
    return std::nullopt;
  });
  r.get("/api/v1/enterprises/{id}/matches", [](Request& req) {
    return Response::json(200, {{"id", req.param("id")}, {"pattern", req.route->pattern}});
  });
  r.get("/api/v1/items/search", [](Request&) { return Response::text(200, "search"); });
  r.get("/api/v1/items/{id}",
        [](Request& req) { return Response::text(200, "item " + std::string(req.param("id"))); });
  r.del("/api/v1/items/{id}", [](Request&) { return Response::no_content(); });
  r.get("/api/v1/echo/{word}", [](Request& req) {
    nlohmann::json tags = nlohmann::json::array();
    for (auto t : req.query.get_all("tag")) tags.push_back(t);
    return Response::json(200, {{"word", req.param("word")},
                                {"path", req.path},
                                {"q", req.query_param("q").value_or("")},
                                {"sp", req.query_param("sp").value_or("")},
                                {"tags", tags}});
  });
  r.get("/api/v1/whoami", [](Request& req) {
    return Response::json(
        200,
        {{"remote_port", req.remote_port}, {"remote_address", req.remote_address}, {"id", req.id}});
  });
  r.get("/api/v1/cookies", [](Request& req) {
    nlohmann::json seen = nlohmann::json::object();
    for (const auto& [name, value] : req.cookies) seen[name] = value;
    Response res = Response::json(200, seen);
    res.set_cookie("sid", "s3cr3t", {.max_age = 3600, .secure = true});
    res.set_cookie("lang", "zh-CN", {.http_only = false, .same_site = SameSite::kStrict});
    return res;
  });
  r.get("/api/v1/private",
        [](Request& req) {
          return Response::json(
              200, {{"user", req.user}, {"role", *req.attributes.get<std::string>("role")}});
        },
        {.summary = "需要登录", .tags = {"private"}});
  r.post("/api/v1/login", [](Request& req) {
    auto body = parse_json(req, login_schema());
    if (!body.ok()) return std::move(body).response();
    return Response::json(200, {{"hello", body.value()["username"]}});
  });
  r.post("/api/v1/small", [](Request& req) {
    return Response::json(200, {{"size", req.body.size()}});
  });
  r.post("/api/v1/upload",
         [](Request& req) {
           return Response::json(200, {{"size", req.body.size()}});
         },
         {.max_body_bytes = 64 * 1024});
  r.get("/api/v1/boom", [](Request&) -> Response { throw std::runtime_error("database on fire"); });
  r.get("/api/v1/download", [](Request&) {
    return Response::download(std::string("PK\x03\x04\x00\x01", 6),
                              "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                              "匹配结果.xlsx");
  });
  return r;
}

class ServerTest : public ::testing::Test {
 protected:
  void start(Router router, ServerConfig config = {}) {
    config.port = 0;
    if (config.threads == 0) config.threads = 2;
    if (!config.access_log) config.access_log = quiet_logger();
    server_ = std::make_unique<Server>(std::move(config), std::move(router));
    Status s = server_->start();
    ASSERT_TRUE(s.ok()) << s.error().message;
    port_ = server_->port();
    ASSERT_NE(port_, 0);
  }
  void start_default() {
    ServerConfig config;
    config.max_body_bytes = 1024;
    start(test_router(), std::move(config));
  }
  void TearDown() override {
    if (server_) server_->stop();
  }

  ClientResponse get(std::string_view target, const Headers& headers = {}) {
    return fetch(port_, "GET", target, {}, headers);
  }

  std::unique_ptr<Server> server_;
  uint16_t port_ = 0;
};

TEST_F(ServerTest, HealthzAndRequestIds) {
  start_default();
  ClientResponse r = get("/healthz");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.json(), nlohmann::json({{"status", "ok"}}));
  EXPECT_EQ(r.headers.get("Content-Type"), "application/json");
  EXPECT_EQ(r.headers.get("X-Content-Type-Options"), "nosniff");
  auto id = r.headers.get("X-Request-Id");
  ASSERT_TRUE(id);
  EXPECT_TRUE(is_hex_id(*id)) << *id;
  EXPECT_NE(get("/healthz").headers.get("X-Request-Id"), id);  // unique per request

  ClientResponse echoed = get("/api/v1/whoami", {{"X-Request-Id", "trace-42"}});
  EXPECT_EQ(echoed.headers.get("X-Request-Id"), "trace-42");
  EXPECT_EQ(echoed.json()["id"], "trace-42");
  EXPECT_EQ(echoed.json()["remote_address"], "127.0.0.1");
  // An unsafe incoming id is replaced.
  ClientResponse replaced = get("/healthz", {{"X-Request-Id", "bad id!"}});
  EXPECT_NE(replaced.headers.get("X-Request-Id"), "bad id!");
}

TEST_F(ServerTest, RoutesWithPathParameters) {
  start_default();
  ClientResponse r = get("/api/v1/enterprises/91440300MA5F/matches");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["id"], "91440300MA5F");
  EXPECT_EQ(r.json()["pattern"], "/api/v1/enterprises/{id}/matches");
  EXPECT_EQ(get("/api/v1/items/search").body, "search");
  EXPECT_EQ(get("/api/v1/items/7").body, "item 7");
  ClientResponse deleted = fetch(port_, "DELETE", "/api/v1/items/7");
  EXPECT_EQ(deleted.status, 204);
  EXPECT_TRUE(deleted.body.empty());
  EXPECT_FALSE(deleted.headers.has("Content-Length"));
}

TEST_F(ServerTest, UnknownApiPathIs404AndWrongMethodIs405) {
  start_default();
  ClientResponse missing = get("/api/v1/nothing/here");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.error_code(), "not_found");
  EXPECT_EQ(missing.headers.get("Content-Type"), "application/json");
  EXPECT_FALSE(missing.json()["error"]["message"].get<std::string>().empty());

  ClientResponse wrong = fetch(port_, "PUT", "/api/v1/items/7", "{}");
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(wrong.error_code(), "method_not_allowed");
  EXPECT_EQ(wrong.headers.get("Allow"), "DELETE, GET, HEAD");

  // Without static_dir, other paths are 404 JSON as well.
  EXPECT_EQ(get("/some/page").status, 404);
}

TEST_F(ServerTest, PercentDecodingAndQueryParameters) {
  start_default();
  ClientResponse r =
      get("/api/v1/echo/%E5%AE%9D%E5%AE%89?q=%E8%A1%A5%E8%B4%B4&tag=a&tag=b%26c&sp=a+b%2Bc");
  ASSERT_EQ(r.status, 200) << r.body;
  nlohmann::json j = r.json();
  EXPECT_EQ(j["word"], "宝安");
  EXPECT_EQ(j["path"], "/api/v1/echo/宝安");
  EXPECT_EQ(j["q"], "补贴");
  EXPECT_EQ(j["tags"], nlohmann::json({"a", "b&c"}));
  EXPECT_EQ(j["sp"], "a b+c");

  ClientResponse slash = get("/api/v1/echo/a%2Fb");
  EXPECT_EQ(slash.json()["word"], "a/b");

  ClientResponse bad = get("/api/v1/echo/%zz");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.error_code(), "bad_request.bad_path");
  EXPECT_FALSE(bad.keep_alive);
}

TEST_F(ServerTest, CookiesInAndOut) {
  start_default();
  ClientResponse r = get("/api/v1/cookies", {{"Cookie", "sid=abc; theme=\"dark\""}});
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json(), nlohmann::json({{"sid", "abc"}, {"theme", "dark"}}));
  auto set = r.headers.get_all("Set-Cookie");
  ASSERT_EQ(set.size(), 2u);
  EXPECT_EQ(set[0], "sid=s3cr3t; Path=/; Max-Age=3600; HttpOnly; Secure; SameSite=Lax");
  EXPECT_EQ(set[1], "lang=zh-CN; Path=/; SameSite=Strict");
}

TEST_F(ServerTest, MiddlewareShortCircuitsAndFillsUser) {
  start_default();
  ClientResponse denied = get("/api/v1/private");
  EXPECT_EQ(denied.status, 401);
  EXPECT_EQ(denied.error_code(), "unauthenticated");

  ClientResponse allowed = get("/api/v1/private", {{"Authorization", "Bearer alice"}});
  ASSERT_EQ(allowed.status, 200);
  EXPECT_EQ(allowed.json(), nlohmann::json({{"user", "alice"}, {"role", "reviewer"}}));
}

TEST_F(ServerTest, JsonValidationErrorsOverTheWire) {
  start_default();
  auto login = [&](std::string body) {
    return fetch(port_, "POST", "/api/v1/login", std::move(body),
                 {{"Content-Type", "application/json"}});
  };
  ClientResponse ok = login(R"({"username":"张三","password":"12345678"})");
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.json()["hello"], "张三");

  ClientResponse malformed = login(R"({"username":)");
  EXPECT_EQ(malformed.status, 400);
  EXPECT_EQ(malformed.error_code(), "bad_request.malformed_json");

  ClientResponse unknown = login(R"({"username":"a","password":"12345678","admin":1})");
  EXPECT_EQ(unknown.error_code(), "bad_request.unknown_field");

  ClientResponse wrong = login(R"({"username":1,"password":"12345678"})");
  EXPECT_EQ(wrong.error_code(), "bad_request.wrong_type");
  EXPECT_EQ(wrong.json()["error"]["message"], "字段“username”必须是字符串");

  ClientResponse missing = login(R"({"username":"a"})");
  EXPECT_EQ(missing.error_code(), "bad_request.missing_field");

  ClientResponse several = login(R"({"password":"short","remember":"yes"})");
  EXPECT_EQ(several.status, 400);
  EXPECT_EQ(several.json()["error"]["details"].size(), 3u) << several.body;

  ClientResponse form = fetch(port_, "POST", "/api/v1/login", "username=a",
                              {{"Content-Type", "application/x-www-form-urlencoded"}});
  EXPECT_EQ(form.status, 415);
}

TEST_F(ServerTest, BodyOverTheLimitIs413) {
  start_default();  // 1 KiB by default, 64 KiB for /api/v1/upload
  ClientResponse at_limit = fetch(port_, "POST", "/api/v1/small", std::string(1024, 'x'));
  EXPECT_EQ(at_limit.status, 200);
  EXPECT_EQ(at_limit.json()["size"], 1024);

  ClientResponse over = fetch(port_, "POST", "/api/v1/small", std::string(1025, 'x'));
  EXPECT_EQ(over.status, 413);
  EXPECT_EQ(over.error_code(), "payload_too_large");
  EXPECT_FALSE(over.keep_alive);

  // A route may raise the limit.
  ClientResponse upload = fetch(port_, "POST", "/api/v1/upload", std::string(10'000, 'x'));
  EXPECT_EQ(upload.status, 200);
  EXPECT_EQ(upload.json()["size"], 10'000);
  EXPECT_EQ(fetch(port_, "POST", "/api/v1/upload", std::string(64 * 1024 + 1, 'x')).status, 413);
}

TEST_F(ServerTest, DeclaredHugeBodyIsRefusedWithoutReadingIt) {
  start_default();
  TestClient c(port_);
  ASSERT_TRUE(c.connected()) << c.error();
  // 10 GB announced, none sent: the answer can only come from the header.
  ASSERT_TRUE(
      c.send_raw("POST /api/v1/small HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000000\r\n\r\n"));
  ClientResponse r = c.read_response();
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(r.error_code(), "payload_too_large");
  EXPECT_TRUE(c.wait_closed());
}

TEST_F(ServerTest, ChunkedBodyOverTheLimitIs413) {
  start_default();
  TestClient c(port_);
  std::string chunk(2000, 'y');
  ASSERT_TRUE(
      c.send_raw("POST /api/v1/small HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                 "7d0\r\n" +
                 chunk + "\r\n0\r\n\r\n"));
  ClientResponse r = c.read_response();
  EXPECT_EQ(r.status, 413);

  TestClient ok(port_);
  ASSERT_TRUE(
      ok.send_raw("POST /api/v1/small HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                  "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"));
  ClientResponse small = ok.read_response();
  EXPECT_EQ(small.status, 200);
  EXPECT_EQ(small.json()["size"], 5);
}

TEST_F(ServerTest, ExpectContinue) {
  start_default();
  TestClient c(port_);
  ASSERT_TRUE(
      c.send_raw("POST /api/v1/upload HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                 "Expect: 100-continue\r\n\r\n"));
  EXPECT_EQ(c.read_response().status, 100);
  ASSERT_TRUE(c.send_raw("hello"));
  ClientResponse r = c.read_response();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.json()["size"], 5);

  TestClient big(port_);
  ASSERT_TRUE(
      big.send_raw("POST /api/v1/small HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n"
                   "Expect: 100-continue\r\n\r\n"));
  EXPECT_EQ(big.read_response().status, 413);  // no 100 first
}

TEST_F(ServerTest, HandlerExceptionIs500AndTheServerCarriesOn) {
  start_default();
  TestClient c(port_);
  ClientResponse r = c.get("/api/v1/boom");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.error_code(), "internal");
  std::string message = r.json()["error"]["message"];
  auto id = r.headers.get("X-Request-Id");
  ASSERT_TRUE(id);
  EXPECT_NE(message.find(std::string(*id)), std::string::npos) << message;
  EXPECT_EQ(r.body.find("database on fire"), std::string::npos);
  EXPECT_TRUE(r.keep_alive);
  EXPECT_EQ(c.get("/healthz").status, 200);  // same connection
}

TEST_F(ServerTest, MalformedRequestIs400) {
  start_default();
  TestClient c(port_);
  ASSERT_TRUE(c.send_raw("THIS IS NOT HTTP\r\n\r\n"));
  ClientResponse r = c.read_response();
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.error_code(), "bad_request");
  EXPECT_TRUE(c.wait_closed());

  TestClient h(port_);
  ASSERT_TRUE(
      h.send_raw("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20'000, 'a') + "\r\n\r\n"));
  EXPECT_EQ(h.read_response().status, 431);
}

TEST_F(ServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  start_default();
  TestClient c(port_);
  ASSERT_TRUE(c.connected());
  for (int i = 0; i < 5; ++i) {
    ClientResponse r = c.get("/api/v1/whoami");
    ASSERT_EQ(r.status, 200) << c.error();
    EXPECT_TRUE(r.keep_alive);
    EXPECT_EQ(r.json()["remote_port"], c.local_port());
  }
  // Pipelined: two requests in one write, two responses in order.
  ASSERT_TRUE(
      c.send_raw("GET /api/v1/items/1 HTTP/1.1\r\nHost: x\r\n\r\n"
                 "GET /api/v1/items/2 HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_EQ(c.read_response().body, "item 1");
  EXPECT_EQ(c.read_response().body, "item 2");
}

TEST_F(ServerTest, Http10ClosesAfterTheResponse) {
  start_default();
  TestClient c(port_);
  ASSERT_TRUE(c.send_raw("GET /healthz HTTP/1.0\r\n\r\n"));
  ClientResponse r = c.read_response();
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(c.wait_closed());
}

TEST_F(ServerTest, HeadSendsHeadersOnly) {
  start_default();
  TestClient c(port_);
  ClientResponse r = c.request("HEAD", "/api/v1/items/12345");
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(r.body.empty());
  EXPECT_EQ(r.headers.get("Content-Length"), "10");    // "item 12345"
  EXPECT_EQ(c.get("/api/v1/items/1").body, "item 1");  // framing intact
}

TEST_F(ServerTest, DownloadWithChineseFileName) {
  start_default();
  ClientResponse r = get("/api/v1/download");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, std::string("PK\x03\x04\x00\x01", 6));
  EXPECT_EQ(r.headers.get("Content-Type"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  EXPECT_EQ(r.headers.get("Content-Disposition"),
            "attachment; filename=\"____.xlsx\"; "
            "filename*=UTF-8''%E5%8C%B9%E9%85%8D%E7%BB%93%E6%9E%9C.xlsx");
}

TEST_F(ServerTest, AccessLogLinePerRequest) {
  std::ostringstream out;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
  auto logger = std::make_shared<spdlog::logger>("access", sink);
  logger->set_pattern("%v");
  ServerConfig config;
  config.access_log = logger;
  start(test_router(), std::move(config));

  ClientResponse r = get("/api/v1/private?secret=1", {{"Authorization", "Bearer alice"}});
  ASSERT_EQ(r.status, 200);
  std::string id(*r.headers.get("X-Request-Id"));
  ClientResponse anon = get("/api/v1/nothing");
  std::string anon_id(*anon.headers.get("X-Request-Id"));

  std::istringstream lines(out.str());
  std::string first, second;
  std::getline(lines, first);
  std::getline(lines, second);
  // method path status duration user id
  EXPECT_EQ(words(first),
            (std::vector<std::string>{"GET", "/api/v1/private", "200", "<ms>", "alice", id}))
      << first;
  EXPECT_EQ(words(second),
            (std::vector<std::string>{"GET", "/api/v1/nothing", "404", "<ms>", "-", anon_id}))
      << second;
}

TEST_F(ServerTest, ConcurrentClients) {
  start_default();
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      TestClient c(port_);
      for (int i = 0; i < 50; ++i) {
        std::string n = std::to_string(t * 100 + i);
        ClientResponse r = c.get("/api/v1/items/" + n);
        if (r.status == 200 && r.body == "item " + n) ++ok;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 200);
}

TEST_F(ServerTest, SecondServerOnTheSamePortFailsToStart) {
  start_default();
  ServerConfig config;
  config.port = port_;
  config.access_log = quiet_logger();
  Server other(config, Router());
  Status s = other.start();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "http.bind_failed");
  EXPECT_NE(s.error().message.find("端口已被占用"), std::string::npos) << s.error().message;
}

// Static files ---------------------------------------------------------------

class StaticServerTest : public ServerTest {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "zhida-http-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    base_ = tmpl;
    write(base_ / "dist" / "index.html", "<!doctype html><title>直达</title>");
    write(base_ / "dist" / "assets" / "index-4f1c.js", "export default 1;");
    write(base_ / "dist" / "assets" / "style.css", "body{}");
    write(base_ / "dist" / "favicon.svg", "<svg/>");
    write(base_ / "secret.txt", "top secret");
    ServerConfig config;
    config.static_dir = base_ / "dist";
    start(test_router(), std::move(config));
  }
  void TearDown() override {
    ServerTest::TearDown();
    fs::remove_all(base_);
  }
  static void write(const fs::path& p, std::string_view content) {
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << content;
  }
  fs::path base_;
};

TEST_F(StaticServerTest, ServesFilesWithTypesAndCaching) {
  ClientResponse index = get("/");
  EXPECT_EQ(index.status, 200);
  EXPECT_EQ(index.body, "<!doctype html><title>直达</title>");
  EXPECT_EQ(index.headers.get("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(index.headers.get("Cache-Control"), "no-cache");

  ClientResponse js = get("/assets/index-4f1c.js");
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.headers.get("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(js.headers.get("Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(get("/assets/style.css").headers.get("Content-Type"), "text/css; charset=utf-8");
  EXPECT_EQ(get("/favicon.svg").headers.get("Content-Type"), "image/svg+xml");
}

TEST_F(StaticServerTest, SpaFallbackButNotForApiOrFilesWithExtensions) {
  ClientResponse page = get("/policies/42/apply");
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.body, "<!doctype html><title>直达</title>");
  EXPECT_EQ(page.headers.get("Cache-Control"), "no-cache");

  ClientResponse api = get("/api/v1/unknown");
  EXPECT_EQ(api.status, 404);
  EXPECT_EQ(api.error_code(), "not_found");
  EXPECT_EQ(get("/api").status, 404);

  EXPECT_EQ(get("/assets/missing.js").status, 404);
  EXPECT_EQ(fetch(port_, "POST", "/policies/42", "{}").status, 404);  // only GET/HEAD
  EXPECT_EQ(get("/api/v1/items/3").body, "item 3");                   // routes still win
}

TEST_F(StaticServerTest, RefusesPathTraversal) {
  for (const char* target :
       {"/../secret.txt", "/assets/../../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E%2Fsecret.txt",
        "/assets/%2e%2e/%2e%2e/secret.txt", "/..%5csecret.txt", "/assets/..%2F..%2Fsecret.txt"}) {
    ClientResponse r = get(target);
    EXPECT_EQ(r.status, 404) << target;
    EXPECT_EQ(r.body.find("top secret"), std::string::npos) << target;
  }
}

TEST_F(StaticServerTest, HeadOfAStaticFile) {
  TestClient c(port_);
  ClientResponse r = c.request("HEAD", "/assets/index-4f1c.js");
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(r.body.empty());
  EXPECT_EQ(r.headers.get("Content-Length"), "17");
  EXPECT_EQ(r.headers.get("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(c.get("/favicon.svg").body, "<svg/>");
}

TEST_F(StaticServerTest, ConditionalGetGives304) {
  ClientResponse first = get("/favicon.svg");
  auto etag = first.headers.get("ETag");
  ASSERT_TRUE(etag);
  ClientResponse again = get("/favicon.svg", {{"If-None-Match", std::string(*etag)}});
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
}

// Shutdown -------------------------------------------------------------------

TEST_F(ServerTest, GracefulShutdownFinishesInFlightRequestsAndRefusesNewOnes) {
  std::promise<void> entered;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  Router router;
  router.get("/api/slow", [&](Request&) {
    entered.set_value();
    released.wait();
    return Response::text(200, "done");
  });
  ServerConfig config;
  config.threads = 2;
  config.shutdown_timeout = std::chrono::minutes(5);  // never reached in a passing run
  start(std::move(router), std::move(config));

  TestClient idle(port_);  // a keep-alive connection with nothing in flight
  ASSERT_EQ(idle.get("/healthz").status, 200);

  auto slow = std::async(std::launch::async, [&] { return fetch(port_, "GET", "/api/slow"); });
  entered.get_future().wait();

  std::atomic<bool> stopped{false};
  std::thread stopper([&] {
    server_->stop();
    stopped = true;
  });

  // New connections are refused once the listener is closed.
  bool refused = false;
  for (int i = 0; i < 6000 && !refused; ++i) {
    refused = !can_connect(port_);
    if (!refused) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_TRUE(refused);
  // The idle keep-alive connection is closed, not waited for.
  EXPECT_TRUE(idle.wait_closed());
  // stop() is still waiting for the slow request.
  EXPECT_FALSE(stopped.load());

  release.set_value();
  ClientResponse r = slow.get();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "done");
  EXPECT_FALSE(r.keep_alive);  // Connection: close during shutdown
  stopper.join();
  EXPECT_TRUE(stopped.load());
  server_.reset();
}

TEST_F(ServerTest, StopIsIdempotentAndServerIsNotRestartable) {
  start_default();
  server_->stop();
  server_->stop();
  server_->wait();
  EXPECT_FALSE(can_connect(port_));
  Status s = server_->start();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "http.already_started");
}

TEST_F(ServerTest, RequestStopFromAHandler) {
  Router router;
  Server* self = nullptr;
  router.post("/api/admin/shutdown", [&](Request&) {
    self->request_stop();
    return Response::json(202, {{"stopping", true}});
  });
  start(std::move(router));
  self = server_.get();
  ClientResponse r = fetch(port_, "POST", "/api/admin/shutdown", "{}");
  EXPECT_EQ(r.status, 202);
  EXPECT_FALSE(r.keep_alive);
  server_->wait();  // returns: the handler's request_stop() ended the server
  EXPECT_FALSE(can_connect(port_));
}

TEST_F(ServerTest, RunUntilSignalStopsOnSigterm) {
  // Ignored until the server's own handler is installed, so an early signal
  // cannot kill the test process.
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  struct sigaction previous {};
  ASSERT_EQ(sigaction(SIGTERM, &ignore, &previous), 0);

  server_ = std::make_unique<Server>(
      ServerConfig{.port = 0, .threads = 2, .access_log = quiet_logger()}, test_router());
  auto done = std::async(std::launch::async, [&] { return server_->run_until_signal(); });
  while (server_->port() == 0 &&
         done.wait_for(std::chrono::milliseconds(1)) != std::future_status::ready) {
  }
  port_ = server_->port();
  ASSERT_NE(port_, 0);
  EXPECT_EQ(get("/healthz").status, 200);
  while (done.wait_for(std::chrono::milliseconds(20)) != std::future_status::ready) {
    kill(getpid(), SIGTERM);
  }
  Status s = done.get();
  EXPECT_TRUE(s.ok());
  EXPECT_FALSE(can_connect(port_));
  sigaction(SIGTERM, &previous, nullptr);
}

}  // namespace
}  // namespace zhida::http
