// zhida-bench-apply: 秒批 under load. Builds the demo district in a fresh
// database (the same install and history as `zhida demo`), starts the same
// services and HTTP server as `zhida serve`, and has many firms submit at once
// through POST /api/v1/applications the applications the data can prove:
// every published, fully data-verifiable policy whose window is open, for
// every firm it matches (first-come policies only up to their remaining
// budget, one policy per exclusivity group per firm). Then it stops the
// server, opens the database again and checks that every acknowledged
// approval is there (durable). Prints one JSON object: throughput, latency
// percentiles, outcomes, durability.
//
//   build/zhida-bench-apply [--data DIR] [--db URL] [--n 200000] [--clients 16]
//
// The one difference from production: the bench users' passwords are hashed
// at libsodium's minimum cost, so that signing in a few thousand firms takes
// seconds instead of minutes; submissions do not touch passwords.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

#include "http/api/api.h"
#include "http/server.h"
#include "http/test_client.h"
#include "services/accounts/accounts.h"
#include "services/applications/applications.h"
#include "services/demo/history.h"
#include "services/demo/install.h"
#include "services/matching/matching.h"
#include "services/platform/clock.h"
#include "services/services.h"
#include "workflow/money.h"

using namespace zhida;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using nlohmann::json;

namespace {

struct Options {
  std::string data = "build/bench-apply/data";
  std::string db;  // default: sqlite in DATA
  int64_t n = 200000;
  uint64_t seed = 1;
  int clients = 16;
  int threads = 0;  // server threads (0: one per core)
};

struct Pair {
  int64_t enterprise_id = 0;
  std::string policy_id;
};

struct Session {
  std::string cookie;
  std::string csrf;
};

struct Sample {
  double ms = 0;
  int status = 0;
  std::string outcome;  // approved / review / refused / "" (error)
  bool instant = false;
  int64_t application_id = 0;
};

int fail(const std::string& what) {
  fmt::print(stderr, "zhida-bench-apply: {}\n", what);
  return 1;
}

double percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t k = static_cast<size_t>(q * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(k, v.size() - 1)];
}

// The submissions the data can prove: see the file comment.
Result<std::vector<Pair>> choose_pairs(services::Services& svc, services::Platform& platform) {
  int32_t today = platform.clock().today();
  std::vector<Pair> pairs;
  std::map<int64_t, std::set<std::string>> groups_of;  // firm → exclusivity groups used
  for (const auto& pp : platform.policies()) {
    const portrait::Policy& p = *pp->policy;
    if (pp->status != "published" || p.auto_grant || !p.fully_verifiable() || !p.window.open_on(today)) continue;
    std::set<int64_t> applied;
    store::ApplicationQuery q;
    q.policy_id = p.id;
    q.limit = 1000000;
    auto existing = svc.applications->list(q);
    if (!existing.ok()) return existing.error();
    for (const json& a : existing->items) applied.insert(a.value("enterprise_id", int64_t{0}));
    std::optional<int64_t> remaining;  // fen, first-come budgets
    if (p.budget && p.budget_mode != portrait::BudgetMode::kProRata) {
      auto b = svc.applications->budget(p.id, std::nullopt);
      if (!b.ok()) return b.error();
      remaining = (*b)["remaining_fen"].get<int64_t>();
    }
    services::Matching::Filter f;
    f.verdict = rules::Tri::kTrue;
    f.limit = 0;
    auto list = svc.matching->for_policy(p, f);
    for (const auto& item : list.items) {
      if (applied.count(item.enterprise_id) || !item.award || item.award->sign() <= 0) continue;
      if (!p.exclusivity_group.empty() && !groups_of[item.enterprise_id].insert(p.exclusivity_group).second)
        continue;
      if (remaining) {
        int64_t fen = workflow::to_fen(*item.award).value_or(INT64_MAX);
        if (fen > *remaining) continue;
        *remaining -= fen;
      }
      pairs.push_back({item.enterprise_id, p.id});
    }
  }
  return pairs;
}

std::string cookie_of(const http::testing::ClientResponse& r) {
  std::string v(r.headers.get_or("Set-Cookie", ""));
  return v.substr(0, v.find(';'));
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--data")
      o.data = next();
    else if (a == "--db")
      o.db = next();
    else if (a == "--n")
      o.n = std::stoll(next());
    else if (a == "--seed")
      o.seed = std::stoull(next());
    else if (a == "--clients")
      o.clients = std::stoi(next());
    else if (a == "--threads")
      o.threads = std::stoi(next());
    else
      return fail("usage: zhida-bench-apply [--data DIR] [--db URL] [--n N] [--seed S] [--clients C] [--threads T]");
  }
  spdlog::set_level(spdlog::level::warn);
  // A fresh district every run (the submissions use up the applications):
  // installed once into DATA.template (SQLite), copied from there after.
  fs::path data(o.data), templ(o.data + ".template");
  fs::remove_all(data);
  bool from_template = o.db.empty() && fs::exists(templ / "zhida.db");
  if (from_template)
    fs::copy(templ, data, fs::copy_options::recursive);
  else
    fs::create_directories(data);
  services::PlatformOptions popts;
  popts.db_url = o.db.empty() ? "sqlite:" + (data / "zhida.db").string() : o.db;
  popts.clock = services::OffsetClock::with_today(services::demo::demo_today());
  popts.migrations = services::service_migrations();
  services::ServicesOptions sopts;
  sopts.applications.materials_dir = (data / "materials").string();
  json out = {{"n", o.n}, {"clients", o.clients}, {"db", o.db.empty() ? "sqlite" : "postgresql"}};
  if (!from_template) {
    auto t0 = Clock::now();
    auto platform = services::Platform::open(popts);
    if (!platform.ok()) return fail(platform.error().message);
    if (services::demo::installed(**platform)) return fail("the database already holds a district; use an empty one");
    services::demo::InstallOptions iopts;
    iopts.seed = o.seed;
    iopts.n = o.n;
    auto installed = services::demo::install(**platform, iopts);
    if (!installed.ok()) return fail(installed.error().message);
    auto svc = services::Services::start(**platform, sopts);
    if (!svc.ok()) return fail(svc.error().message);
    if (auto made = (*svc)->accounts->ensure_demo_accounts(installed->accounts); !made.ok())
      return fail(made.error().message);
    services::demo::HistoryOptions hopts;
    hopts.seed = o.seed;
    if (auto h = services::demo::seed_history(**svc, installed->accounts, hopts); !h.ok())
      return fail(h.error().message);
    (*svc)->stop();
    svc->reset();
    platform->reset();
    out["install_s"] = std::chrono::duration<double>(Clock::now() - t0).count();
    if (o.db.empty()) {
      fs::remove_all(templ);
      fs::copy(data, templ, fs::copy_options::recursive);
    }
  }

  std::vector<Sample> samples;
  double elapsed_s = 0;
  {
    auto t0 = Clock::now();
    auto platform = services::Platform::open(popts);
    if (!platform.ok()) return fail(platform.error().message);
    auto svc = services::Services::start(**platform, sopts);
    if (!svc.ok()) return fail(svc.error().message);
    services::Services& s = **svc;
    out["open_s"] = std::chrono::duration<double>(Clock::now() - t0).count();

    auto pairs = choose_pairs(s, **platform);
    if (!pairs.ok()) return fail(pairs.error().message);
    std::mt19937_64 rng(o.seed);
    std::shuffle(pairs->begin(), pairs->end(), rng);  // policies interleaved, as firms would come
    std::set<int64_t> firms;
    for (const Pair& p : *pairs) firms.insert(p.enterprise_id);
    std::map<std::string, int> per_policy;
    for (const Pair& p : *pairs) ++per_policy[p.policy_id];
    out["policies"] = per_policy;
    out["firms"] = firms.size();

    // One 经办人 per firm, at the minimum password cost (see the file comment).
    services::AccountsOptions aopts = s.accounts->options();
    aopts.password_cost = services::PasswordCost::kMinimal;
    s.accounts->set_options(aopts);
    const std::string password = "Bench2025x";
    for (int64_t firm : firms) {
      services::NewUser u;
      u.username = fmt::format("bench.{}", firm);
      u.role = services::Role::kEnterpriseAgent;
      u.enterprise_id = firm;
      u.password = password;
      if (auto made = s.accounts->create_user(u, services::Actor::system("bench")); !made.ok())
        return fail(made.error().message);
    }

    http::Api api{**platform, s};
    http::ServerConfig config;
    config.port = 0;
    config.threads = o.threads;
    http::Server server(config, http::build_router(api));
    if (Status st = server.start(); !st.ok()) return fail(st.error().message);
    uint16_t port = server.port();

    std::map<int64_t, Session> sessions;
    {
      http::testing::TestClient c(port);
      for (int64_t firm : firms) {
        json body = {{"username", fmt::format("bench.{}", firm)}, {"password", password}};
        auto r = c.post("/api/v1/auth/login", body.dump(), {{"Content-Type", "application/json"}});
        if (r.status != 200) return fail(fmt::format("login of bench.{}: HTTP {} {}", firm, r.status, r.body));
        sessions[firm] = {cookie_of(r), r.json().value("csrf_token", "")};
      }
    }

    // The load: `clients` connections, each submitting the next pair as soon
    // as its last answer arrived.
    fmt::print(stderr, "zhida-bench-apply: {} submissions from {} firms, {} clients (pid {})\n", pairs->size(),
               firms.size(), o.clients, getpid());
    samples.resize(pairs->size());
    std::atomic<size_t> next{0};
    auto start = Clock::now();
    std::vector<std::thread> clients;
    for (int c = 0; c < o.clients; ++c)
      clients.emplace_back([&] {
        http::testing::TestClient client(port);
        for (size_t k; (k = next.fetch_add(1)) < pairs->size();) {
          const Pair& p = (*pairs)[k];
          const Session& ses = sessions.at(p.enterprise_id);
          json body = {{"policy_id", p.policy_id},
                       {"enterprise_id", p.enterprise_id},
                       {"declarations", json::array()},
                       {"materials", json::array()}};
          auto t = Clock::now();
          auto r = client.post("/api/v1/applications", body.dump(),
                               {{"Content-Type", "application/json"},
                                {"Cookie", ses.cookie},
                                {"X-CSRF-Token", ses.csrf}});
          Sample& smp = samples[k];
          smp.ms = std::chrono::duration<double, std::milli>(Clock::now() - t).count();
          smp.status = r.status;
          json j = r.json();
          if (j.is_object() && j.contains("decision") && j["decision"].is_object()) {
            smp.outcome = j["decision"].value("outcome", "");
            smp.instant = j["decision"].value("instant", false);
            smp.application_id = j.value("id", int64_t{0});
          }
        }
      });
    for (auto& t : clients) t.join();
    elapsed_s = std::chrono::duration<double>(Clock::now() - start).count();
    server.stop();
    s.stop();
  }

  // Durability: every acknowledged approval, read back from a fresh open.
  std::map<std::string, int> outcomes;
  std::vector<double> all_ms, instant_ms;
  std::vector<int64_t> approved_ids;
  for (const Sample& smp : samples) {
    all_ms.push_back(smp.ms);
    std::string key = smp.outcome.empty() ? fmt::format("http_{}", smp.status) : smp.outcome;
    ++outcomes[key];
    if (smp.instant) {
      instant_ms.push_back(smp.ms);
      approved_ids.push_back(smp.application_id);
    }
  }
  int64_t durable = 0;
  {
    auto platform = services::Platform::open(popts);
    if (!platform.ok()) return fail(platform.error().message);
    auto svc = services::Services::start(**platform, sopts);
    if (!svc.ok()) return fail(svc.error().message);
    for (int64_t id : approved_ids) {
      auto row = (*svc)->applications->find(id);
      if (row.ok() && *row && (*row)->status == "approved") ++durable;
    }
    (*svc)->stop();
  }
  size_t n = samples.size();
  out["submissions"] = n;
  out["instant"] = instant_ms.size();
  out["outcomes"] = outcomes;
  out["elapsed_s"] = elapsed_s;
  out["per_s"] = elapsed_s > 0 ? static_cast<double>(n) / elapsed_s : 0;
  out["p50_ms"] = percentile(all_ms, 0.50);
  out["p90_ms"] = percentile(all_ms, 0.90);
  out["p99_ms"] = percentile(all_ms, 0.99);
  out["max_ms"] = percentile(all_ms, 1.0);
  out["instant_p99_ms"] = percentile(instant_ms, 0.99);
  out["durable"] = durable;
  out["durable_ok"] = durable == static_cast<int64_t>(approved_ids.size());
  fmt::print("{}\n", out.dump());
  return out["durable_ok"].get<bool>() && !approved_ids.empty() ? 0 : 1;
}
