// Durability and restart (C10, "platform server" §2) with the real binary:
// `zhida serve` runs as a child process on a free port over a temporary
// data directory (SQLite) or a fresh PostgreSQL database (--db). A writer
// pushes facts with a data source's key and uploads CSV files as a data
// steward, one write at a time; the test kills the server with SIGKILL at a
// random moment, restarts it, and checks that
//   - every acknowledged write is there (each value in the firm's history),
//   - the write in flight when the server died is there entirely or not at
//     all (nothing half-loaded),
//   - each firm's current value is the last write that committed;
// and finally that the matches of a sample of firms (with a tag used by a
// published policy) are identical before and after a SIGKILL restart.
//
// The binary is build/zhida (found from this test's own path), or $ZHIDA_BIN.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "http/test_client.h"
#include "services/notifications/test_support.h"

extern char** environ;

namespace zhida::http::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using services::testing::TestDb;

enum class Db { kSqlite, kPostgres };

std::string zhida_binary() {
  if (const char* b = std::getenv("ZHIDA_BIN"); b && *b) return b;
  char self[4096];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) return "";
  self[n] = 0;
  // build/src/http/api/api_tests -> build/zhida
  return (fs::path(self).parent_path().parent_path().parent_path().parent_path() / "zhida").string();
}

uint16_t free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

// Starts `args` with stdout and stderr appended to `log`; returns the pid.
pid_t spawn(const std::vector<std::string>& args, const std::string& log) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  return rc == 0 ? pid : -1;
}

int wait_exit(pid_t pid) {
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// One write the writer sent: the values it set, per firm, in order.
struct Write {
  bool upload = false;
  std::vector<std::pair<int64_t, int64_t>> values;  // (firm, 从业人数)
  int64_t batch_id = 0;
};

class Durability : public ::testing::TestWithParam<Db> {
 protected:
  void SetUp() override {
    bin_ = zhida_binary();
    ASSERT_TRUE(fs::exists(bin_)) << "no zhida binary at " << bin_ << " (build the zhida target, or set ZHIDA_BIN)";
    db_ = std::make_unique<TestDb>(GetParam() == Db::kPostgres, "durable");
    if (db_->skip) {
      if (services::testing::env_or("ZHIDA_REQUIRE_PG") == "1") FAIL() << db_->why;
      GTEST_SKIP() << db_->why;
    }
    ASSERT_TRUE(db_->error.empty()) << db_->error;
    char tmpl[] = "/tmp/zhida_serve_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    log_ = dir_ + "/serve.log";
    for (auto [user, role, dept] : {std::tuple{"steward", "data_steward", "数据资源局"},
                                    std::tuple{"officer", "policy_officer", "工信局"}}) {
      std::vector<std::string> args = {bin_, "users", "add", "--username", user, "--role", role,
                                       "--department", dept, "--password", kPassword};
      add_db(args);
      pid_t pid = spawn(args, log_);
      ASSERT_GT(pid, 0);
      ASSERT_EQ(wait_exit(pid), 0) << log_tail();
    }
  }

  void TearDown() override {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      wait_exit(pid_);
    }
    if (!HasFailure() && !dir_.empty()) fs::remove_all(dir_);
  }

  void add_db(std::vector<std::string>& args) {
    if (GetParam() == Db::kPostgres) {
      args.push_back("--db");
      args.push_back(db_->url);
    } else {
      args.push_back("--data");
      args.push_back(dir_);
    }
  }

  std::string log_tail() {
    std::ifstream in(log_);
    std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return all.size() > 4000 ? all.substr(all.size() - 4000) : all;
  }

  void start() {
    port_ = free_port();
    std::vector<std::string> args = {bin_, "serve", "--host", "127.0.0.1", "--port", std::to_string(port_),
                                     "--threads", "4"};
    add_db(args);
    pid_ = spawn(args, log_);
    ASSERT_GT(pid_, 0);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (std::chrono::steady_clock::now() < deadline) {
      if (can_connect(port_) && fetch(port_, "GET", "/healthz").status == 200) return;
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        FAIL() << "zhida serve exited at start:\n" << log_tail();
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    FAIL() << "zhida serve did not start:\n" << log_tail();
  }

  void kill_server() {
    ASSERT_GT(pid_, 0);
    kill(pid_, SIGKILL);
    wait_exit(pid_);
    pid_ = -1;
  }

  struct Login {
    std::string cookie, csrf;
  };
  Login login(const std::string& user) {
    Login l;
    auto r = fetch(port_, "POST", "/api/v1/auth/login", json{{"username", user}, {"password", kPassword}}.dump(),
                   {{"Content-Type", "application/json"}});
    EXPECT_EQ(r.status, 200) << r.body;
    for (const auto& c : r.headers.get_all("Set-Cookie")) {
      std::string_view v = c;
      if (v.rfind("zhida_session=", 0) == 0) l.cookie = std::string(v.substr(0, v.find(';')));
    }
    auto j = r.json();
    if (j.is_object()) l.csrf = j.value("csrf_token", "");
    return l;
  }

  ClientResponse call(const std::string& method, const std::string& target, const std::string& body,
                      const std::string& type, const Login& who) {
    Headers h;
    if (!type.empty()) h.add("Content-Type", type);
    h.add("Cookie", who.cookie);
    if (method != "GET") h.add("X-CSRF-Token", who.csrf);
    return fetch(port_, method, target, body, h);
  }

  ClientResponse push(const json& body) {
    return fetch(port_, "POST", "/api/v1/facts", body.dump(),
                 {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + key_}});
  }

  // 从业人数 of every value loaded for a firm, oldest first.
  std::vector<int64_t> history(int64_t firm, const Login& steward) {
    auto r = call("GET", fmt::format("/api/v1/enterprises/{}/history?attribute=从业人数", firm), "", "", steward);
    EXPECT_EQ(r.status, 200) << r.body;
    std::vector<int64_t> out;
    auto j = r.json();
    if (!j.is_object()) return out;
    for (const auto& item : j["items"])
      if (item["value"].is_string()) out.push_back(std::stoll(item["value"].get<std::string>()));
    return out;
  }

  // The district: 200 firms uploaded by the steward (this defines the
  // catalog), a data source, a tag and a published policy that uses it.
  void seed() {
    Login steward = login("steward");
    std::string csv = "id:int,企业名称:string,街道:enum,行业门类:enum,从业人数:int,营业收入[2024]:money\n";
    const char* streets[] = {"新安", "西乡", "福永", "沙井"};
    for (int i = 1; i <= kFirms; ++i)
      csv += fmt::format("{},测试企业{},{},{},{},{}\n", i, i, streets[i % 4], i % 3 ? "C" : "F", 20 + i % 150,
                         1000000 * (i % 50));
    auto r = call("POST", "/api/v1/uploads?source=市场监管局&file_name=seed.csv", csv, "text/csv", steward);
    ASSERT_EQ(r.status, 201) << r.body;
    r = call("POST", "/api/v1/datasources",
             json{{"name", "人社局增量"}, {"department", "人力资源局"}, {"attributes", {"从业人数"}}}.dump(),
             "application/json", steward);
    ASSERT_EQ(r.status, 201) << r.body;
    key_ = r.json()["api_key"];
    r = call("POST", "/api/v1/tags", json{{"name", "百人企业"}, {"rule", "从业人数 >= 100"}}.dump(), "application/json",
             steward);
    ASSERT_EQ(r.status, 201) << r.body;
    Login officer = login("officer");
    json policy = {{"id", "DUR-1"},
                   {"name", "百人制造企业稳岗奖励"},
                   {"department", "工信局"},
                   {"conditions",
                    {{{"clause", "从业人数 100 人以上"}, {"rule", "百人企业"}},
                     {{"clause", "制造业"}, {"rule", "行业门类 == \"C\""}}}},
                   {"award", "min(从业人数 * 1000, 20万)"}};
    r = call("POST", "/api/v1/policies", policy.dump(), "application/json", officer);
    ASSERT_EQ(r.status, 201) << r.body;
    r = call("POST", "/api/v1/policies/DUR-1/publish", "{}", "application/json", officer);
    ASSERT_EQ(r.status, 200) << r.body;
  }

  static constexpr const char* kPassword = "Durable2026x";
  static constexpr int kFirms = 200;

  std::string bin_, dir_, log_, key_;
  std::unique_ptr<TestDb> db_;
  pid_t pid_ = -1;
  uint16_t port_ = 0;
};

TEST_P(Durability, AcknowledgedWritesSurviveSigkillAtRandomMoments) {
  start();
  ASSERT_NO_FATAL_FAILURE(seed());
  std::mt19937_64 rng(GetParam() == Db::kPostgres ? 2 : 1);
  std::atomic<int64_t> counter{1000};
  std::vector<Write> acked;       // in commit order (one writer)
  std::vector<Write> in_flight;   // one per round, when the kill caught a write
  int64_t acked_uploads = 0, committed_in_flight_uploads = 0;
  const int rounds = 5;
  for (int round = 0; round < rounds; ++round) {
    Login steward = login("steward");
    std::atomic<bool> dead{false};
    std::mutex mu;
    std::optional<Write> pending;
    std::thread writer([&] {
      std::mt19937_64 wrng(rng());
      for (int op = 0; !dead; ++op) {
        Write w;
        w.upload = op % 4 == 3;
        std::set<int64_t> firms;
        while (firms.size() < (w.upload ? 10u : 5u)) firms.insert(1 + static_cast<int64_t>(wrng() % kFirms));
        for (int64_t f : firms) w.values.push_back({f, ++counter});
        {
          std::lock_guard l(mu);
          pending = w;
        }
        ClientResponse r;
        if (w.upload) {
          std::string csv = "id:int,从业人数:int\n";
          for (auto [f, v] : w.values) csv += fmt::format("{},{}\n", f, v);
          r = call("POST", "/api/v1/uploads?source=统计局&file_name=round.csv", csv, "text/csv", steward);
          if (r.status == 201) w.batch_id = r.json()["batch_id"];
        } else {
          json facts = json::array();
          for (auto [f, v] : w.values) facts.push_back({{"enterprise_id", f}, {"attribute", "从业人数"}, {"value", v}});
          r = push({{"facts", facts}});
        }
        std::lock_guard l(mu);
        if (r.status == 200 || r.status == 201) {
          acked.push_back(w);
          if (w.upload) ++acked_uploads;
          pending.reset();
        } else {
          // The server died under it (status 0): the write's fate is unknown.
          EXPECT_EQ(r.status, 0) << r.body;
          break;
        }
      }
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(150 + rng() % 1200));
    kill_server();
    dead = true;
    writer.join();
    ASSERT_NO_FATAL_FAILURE(start());
    if (pending) in_flight.push_back(*pending);

    // Every acknowledged value is in the history; the write in flight is
    // there entirely or not at all; the current value is the last write.
    steward = login("steward");
    std::map<int64_t, std::vector<int64_t>> expected;  // firm -> values in commit order
    for (const Write& w : acked)
      for (auto [f, v] : w.values) expected[f].push_back(v);
    std::map<int64_t, std::set<int64_t>> seen;
    std::map<int64_t, int64_t> last_seen;
    for (const auto& [f, values] : expected) {
      auto h = history(f, steward);
      seen[f] = std::set<int64_t>(h.begin(), h.end());
      last_seen[f] = h.empty() ? -1 : h.back();
      for (int64_t v : values) EXPECT_TRUE(seen[f].count(v)) << "acknowledged 从业人数=" << v << " of firm " << f << " lost";
    }
    if (pending) {
      size_t found = 0;
      for (auto [f, v] : pending->values) {
        if (!seen.count(f)) {
          auto h = history(f, steward);
          seen[f] = std::set<int64_t>(h.begin(), h.end());
          last_seen[f] = h.empty() ? -1 : h.back();
        }
        found += seen[f].count(v);
      }
      EXPECT_TRUE(found == 0 || found == pending->values.size())
          << "a write was half-loaded: " << found << " of " << pending->values.size();
      if (found == pending->values.size()) {
        // It committed: it is the newest value of its firms.
        for (auto [f, v] : pending->values) expected[f].push_back(v);
        acked.push_back(*pending);
        if (pending->upload) ++committed_in_flight_uploads;
      }
    }
    for (const auto& [f, values] : expected)
      EXPECT_EQ(last_seen[f], values.back()) << "firm " << f << " current 从业人数";
    auto r = call("GET", "/api/v1/uploads?limit=500", "", "", steward);
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.json()["total"].get<int64_t>(), 1 + acked_uploads + committed_in_flight_uploads);
  }
  std::printf("[durability] %zu writes acknowledged over %d SIGKILLs, %zu caught in flight\n", acked.size(), rounds,
              in_flight.size());
  EXPECT_GT(acked.size(), 0u);
}

TEST_P(Durability, MatchesAreIdenticalAfterASigkillRestart) {
  start();
  ASSERT_NO_FATAL_FAILURE(seed());
  // Change data the tag and the policy depend on: pushes, then an upload
  // that overrides some of them, then pushes that override the upload.
  auto set = [&](std::vector<std::pair<int64_t, int64_t>> values) {
    json facts = json::array();
    for (auto [f, v] : values) facts.push_back({{"enterprise_id", f}, {"attribute", "从业人数"}, {"value", v}});
    auto r = push({{"facts", facts}});
    ASSERT_EQ(r.status, 200) << r.body;
  };
  set({{3, 500}, {6, 90}, {9, 130}, {12, 101}});
  Login steward = login("steward");
  auto r = call("POST", "/api/v1/uploads?source=统计局", "id:int,从业人数:int\n3,20\n9,99\n15,150\n", "text/csv", steward);
  ASSERT_EQ(r.status, 201) << r.body;
  set({{9, 100}, {21, 140}});
  // Every fourth firm (manufacturers and others, under and over 100 staff)
  // and every firm whose data changed above.
  std::set<int64_t> picked = {3, 6, 9, 12, 15, 21};
  for (int64_t id = 1; id <= kFirms; id += 4) picked.insert(id);
  std::vector<int64_t> sample(picked.begin(), picked.end());
  std::map<int64_t, std::string> before;
  int matching = 0;
  for (int64_t id : sample) {
    auto m = call("GET", fmt::format("/api/v1/enterprises/{}/matches", id), "", "", steward);
    ASSERT_EQ(m.status, 200) << m.body;
    before[id] = m.body;
    matching += m.json()["match"].get<int>();
  }
  EXPECT_GT(matching, 0) << "the sample should include firms the policy reaches";
  kill_server();
  ASSERT_NO_FATAL_FAILURE(start());
  steward = login("steward");
  for (int64_t id : sample) {
    auto m = call("GET", fmt::format("/api/v1/enterprises/{}/matches", id), "", "", steward);
    ASSERT_EQ(m.status, 200) << m.body;
    EXPECT_EQ(m.body, before[id]) << "firm " << id;
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, Durability, ::testing::Values(Db::kSqlite, Db::kPostgres),
                         [](const ::testing::TestParamInfo<Db>& p) {
                           return p.param == Db::kSqlite ? "Sqlite" : "Postgres";
                         });

}  // namespace
}  // namespace zhida::http::testing
