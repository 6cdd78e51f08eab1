// The audit log (SPEC C9) through the real server and on the real database
// files: entries for logins, sensitive reads and writes; the auditor's
// queries; and the hash chain catching edits and deletions.
#include <gtest/gtest.h>

#include <thread>

#include "http/api/testing/api_fixture.h"
#include "http/url.h"
#include "services/audit/audit.h"
#include "store/audit_store.h"

namespace zhida::http::testing {
namespace {

class AuditApi : public ApiFixture {
 protected:
  void exec(const std::string& sql) {
    Status st = platform().db().transaction([&](store::Tx& tx) -> Status {
      auto r = tx.exec(sql);
      if (!r.ok()) return r.error();
      return Status::Ok();
    });
    ASSERT_TRUE(st.ok()) << sql << ": " << st.error().message;
  }
  store::AuditCheck verify_file() {
    // What `zhida audit verify --db URL` runs: its own connection, no migrations.
    auto c = services::verify_audit_database(db_url());
    EXPECT_TRUE(c.ok()) << c.error().message;
    return c.ok() ? *c : store::AuditCheck{};
  }
  ApiResponse audit(const std::string& query) { return get("/api/v1/audit" + query, auditor_); }

  void SetUp() override {
    ApiFixture::SetUp();
    if (HasFatalFailure() || IsSkipped()) return;
    auditor_ = as(Role::kAuditor);
  }
  Session auditor_;
};

TEST_P(AuditApi, LoginsSensitiveReadsAndWritesAreOnTheTrail) {
  Session steward = as(Role::kDataSteward);
  EXPECT_EQ(try_login(steward.username, "Wrong2026x").status, 401);
  ApiResponse made = post("/api/v1/users",
                          {{"username", "trail.user"}, {"role", "reviewer"}, {"password", "Trail2026"}}, steward);
  ASSERT_EQ(made.status, 201);
  const int64_t firm = account(Role::kEnterpriseLegal).enterprise_id;
  ASSERT_EQ(get("/api/v1/enterprises/" + std::to_string(firm) + "/contacts?purpose=复核", steward).status, 200);

  ApiResponse r = audit("?user=" + steward.username + "&order=asc");
  ASSERT_EQ(r.status, 200) << r.body;
  std::vector<std::string> actions;
  for (const auto& e : r.json["items"]) actions.push_back(e["action"]);
  EXPECT_EQ(actions, (std::vector<std::string>{"auth.login", "auth.login_failed", "user.create", "data.sensitive_read"}));
  const auto& login = r.json["items"][0];
  EXPECT_EQ(login["user_id"], steward.user_id);
  EXPECT_EQ(login["role"], "data_steward");
  EXPECT_EQ(login["role_zh"], "数据管理员");
  EXPECT_EQ(login["ip"], "127.0.0.1");
  EXPECT_EQ(login["time"], "2026-11-27T04:00:00.000Z") << "timed by the platform clock";
  EXPECT_EQ(r.json["items"][1]["detail"]["reason"], "wrong_password");
  const auto& create = r.json["items"][2];
  EXPECT_EQ(create["target_type"], "user");
  EXPECT_EQ(create["target_id"], std::to_string(made.json["id"].get<int64_t>()));
  EXPECT_EQ(create["detail"]["role"], "reviewer");
  EXPECT_EQ(r.json["items"][3]["detail"]["purpose"], "复核");
  // Every entry links to the one before.
  for (size_t i = 1; i < r.json["items"].size(); ++i)
    EXPECT_EQ(r.json["items"][i]["seq"].get<int64_t>(), r.json["items"][i - 1]["seq"].get<int64_t>() + 1)
        << "the steward's entries are consecutive here";
}

TEST_P(AuditApi, WhoSawThisEnterprisesDataIsOneQuery) {
  const int64_t firm = account(Role::kEnterpriseLegal).enterprise_id;
  const int64_t other = other_enterprise();
  ASSERT_EQ(get("/api/v1/enterprises/" + std::to_string(firm) + "/contacts?purpose=审核申报", as(Role::kDataSteward)).status, 200);
  ASSERT_EQ(get("/api/v1/enterprises/" + std::to_string(other) + "/contacts", as(Role::kDataSteward)).status, 200);
  // An export that carried several firms' data (written the way other areas do).
  Status st = platform().db().transaction([&](store::Tx& tx) -> Status {
    store::AuditRecord rec = services::audit_record(platform().clock(), services::Actor{9, "policy.kjj", "policy_officer", "10.1.2.3"},
                                                    "export.match_list", "policy", "BA-2025-025",
                                                    {{"file", "匹配企业.xlsx"}, {"rows", 2}});
    rec.enterprises = {other, firm};
    return store::append_audit(tx, rec).ok() ? Status::Ok() : Status(Error("x", "append failed"));
  });
  ASSERT_TRUE(st.ok());

  ApiResponse r = audit("?target_type=enterprise&target_id=" + std::to_string(firm));
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(r.json["total"], 2) << r.body;
  EXPECT_EQ(r.json["items"][0]["action"], "export.match_list");  // newest first
  EXPECT_EQ(r.json["items"][0]["ip"], "10.1.2.3");
  EXPECT_EQ(r.json["items"][0]["enterprises"], nlohmann::json::array({std::min(firm, other), std::max(firm, other)}));
  EXPECT_EQ(r.json["items"][1]["action"], "data.sensitive_read");
  EXPECT_EQ(r.json["items"][1]["detail"]["purpose"], "审核申报");
  // The other firm: its own read and the export.
  EXPECT_EQ(audit("?target_type=enterprise&target_id=" + std::to_string(other)).json["total"], 2);
}

// ?purpose= (why sensitive data is viewed) goes whole into the audit entry:
// up to 200 characters, Chinese ones too (it was once cut at 200 bytes);
// a longer one is refused on every route that records it, nothing read.
TEST_P(AuditApi, PurposeIsRecordedWholeOrRefused) {
  Session steward = as(Role::kDataSteward);
  const std::string firm = std::to_string(account(Role::kEnterpriseLegal).enterprise_id);
  std::string purpose;
  for (int i = 0; i < 200; ++i) purpose += "核";
  ASSERT_EQ(get("/api/v1/enterprises/" + firm + "/contacts?purpose=" + percent_encode(purpose), steward).status, 200);
  ApiResponse r = audit("?user=" + steward.username + "&action=data.sensitive_read");
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_GE(r.json["items"].size(), 1u) << r.body;
  EXPECT_EQ(r.json["items"][0]["detail"]["purpose"], purpose);

  std::string before = database_fingerprint();
  for (const char* route : {"", "/contacts", "/history", "/facts?as_of=2026-11-01"}) {
    std::string path = "/api/v1/enterprises/" + firm + route;
    path += (path.find('?') == std::string::npos ? "?" : "&") + std::string("purpose=") + percent_encode(purpose + "核");
    ApiResponse bad = get(path, steward);
    EXPECT_EQ(bad.status, 400) << path << ": " << bad.body;
    EXPECT_EQ(bad.error_code(), "bad_request.bad_query") << bad.body;
    EXPECT_NE(bad.body.find("purpose"), std::string::npos) << bad.body;
  }
  EXPECT_EQ(database_fingerprint(), before);
}

TEST_P(AuditApi, FiltersAndPages) {
  for (int i = 0; i < 3; ++i) EXPECT_EQ(try_login("ghost", "Wrong2026x").status, 401);
  EXPECT_EQ(audit("?action=auth.login_failed").json["total"], 3);
  EXPECT_GE(audit("?action=auth.*").json["total"].get<int>(), 4);
  EXPECT_EQ(audit("?user=ghost&limit=2").json["items"].size(), 2u);
  EXPECT_EQ(audit("?user=ghost&limit=2").json["total"], 3);
  EXPECT_EQ(audit("?user=ghost&limit=2&offset=2").json["items"].size(), 1u);
  // Dates are China time: the whole of 2026-11-27.
  EXPECT_EQ(audit("?user=ghost&from=2026-11-27&to=2026-11-27").json["total"], 3);
  EXPECT_EQ(audit("?user=ghost&from=2026-11-28").json["total"], 0);
  EXPECT_EQ(audit("?user=ghost&to=2026-11-26").json["total"], 0);
  EXPECT_EQ(audit("?user=ghost&from=2026-11-27T04:00:00.000Z&to=2026-11-27T04:00:00.001Z").json["total"], 3);
  EXPECT_EQ(audit("?from=yesterday").status, 400);
  EXPECT_EQ(audit("?limit=0").status, 400);
  // The auditor's own queries are on the trail too.
  EXPECT_GE(audit("?action=audit.query").json["total"].get<int>(), 9);
  EXPECT_EQ(get("/api/v1/audit", as(Role::kDataSteward)).status, 403);
  EXPECT_EQ(get("/api/v1/audit", as(Role::kLeader)).status, 403);
}

TEST_P(AuditApi, VerifyFindsAnEditedEntry) {
  for (int i = 0; i < 3; ++i) as(Role::kReviewer);
  store::AuditCheck ok = verify_file();
  EXPECT_TRUE(ok.ok) << ok.message;
  EXPECT_GE(ok.entries, 4);
  ApiResponse r = get("/api/v1/audit/verify", auditor_);
  EXPECT_EQ(r.json["ok"], true) << r.body;

  // Someone with database access rewrites who logged in.
  exec("UPDATE audit_log SET username = 'someone.else' WHERE seq = 3");
  store::AuditCheck bad = verify_file();
  EXPECT_FALSE(bad.ok);
  EXPECT_EQ(bad.bad_seq, 3);
  EXPECT_EQ(bad.problem, "modified");
  EXPECT_NE(bad.message.find("第 3 条"), std::string::npos) << bad.message;
  r = get("/api/v1/audit/verify", auditor_);
  EXPECT_EQ(r.json["ok"], false);
  EXPECT_EQ(r.json["bad_seq"], 3);

  // … and recomputes that entry's hash to cover it up: the next link breaks.
  auto page = services().audit->query({.from = "", .limit = 1000, .newest_first = false});
  ASSERT_TRUE(page.ok());
  store::AuditEntry e = page->items.at(2);
  ASSERT_EQ(e.seq, 3);
  std::string forged = store::audit_hash(e.prev_hash, store::audit_canonical(e));
  exec("UPDATE audit_log SET hash = '" + forged + "' WHERE seq = 3");
  bad = verify_file();
  EXPECT_FALSE(bad.ok);
  EXPECT_EQ(bad.bad_seq, 4);
  EXPECT_EQ(bad.problem, "broken_link");
}

TEST_P(AuditApi, VerifyFindsADeletedEntry) {
  for (int i = 0; i < 4; ++i) as(Role::kLeader);
  ASSERT_TRUE(verify_file().ok);
  exec("DELETE FROM audit_log WHERE seq = 2");
  store::AuditCheck bad = verify_file();
  EXPECT_FALSE(bad.ok);
  EXPECT_EQ(bad.bad_seq, 2);
  EXPECT_EQ(bad.problem, "missing");
  EXPECT_NE(bad.message.find("缺少第 2 条"), std::string::npos) << bad.message;
}

TEST_P(AuditApi, VerifyFindsTheNewestEntriesDeleted) {
  for (int i = 0; i < 4; ++i) as(Role::kLeader);
  int64_t last = std::stoll(query_text("SELECT MAX(seq) FROM audit_log"));
  exec("DELETE FROM audit_log WHERE seq = " + std::to_string(last));
  store::AuditCheck bad = verify_file();
  EXPECT_FALSE(bad.ok);
  EXPECT_EQ(bad.bad_seq, last);
  EXPECT_EQ(bad.problem, "missing");
}

TEST_P(AuditApi, VerifyFindsAnEnterpriseRemovedFromTheIndex) {
  Status st = platform().db().transaction([&](store::Tx& tx) -> Status {
    store::AuditRecord rec;
    rec.action = "export.test";
    rec.enterprises = {1, 2, 3};
    return store::append_audit(tx, rec).ok() ? Status::Ok() : Status(Error("x", "append failed"));
  });
  ASSERT_TRUE(st.ok());
  ASSERT_TRUE(verify_file().ok);
  exec("DELETE FROM audit_enterprises WHERE enterprise_id = 2");
  store::AuditCheck bad = verify_file();
  EXPECT_FALSE(bad.ok);
  EXPECT_EQ(bad.problem, "index_mismatch");
}

TEST_P(AuditApi, ConcurrentWritersDoNotForkTheChain) {
  const int threads = 4, each = 15;
  int64_t before = std::stoll(query_text("SELECT COUNT(*) FROM audit_log"));
  std::vector<std::thread> ts;
  std::atomic<int> failures{0};
  for (int t = 0; t < threads; ++t)
    ts.emplace_back([&, t] {
      for (int i = 0; i < each; ++i) {
        // A write and its entry in one transaction, as every area does.
        Status st = platform().db().transaction([&](store::Tx& tx) -> Status {
          auto r = tx.append_change("test", std::to_string(t), "{}");
          if (!r.ok()) return r.error();
          return services::append_audit(tx, platform().clock(), services::Actor::system("t" + std::to_string(t)),
                                        "test.write", "test", std::to_string(i));
        });
        if (!st.ok()) ++failures;
      }
    });
  for (auto& t : ts) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(std::stoll(query_text("SELECT COUNT(*) FROM audit_log")), before + threads * each);
  store::AuditCheck c = verify_file();
  EXPECT_TRUE(c.ok) << c.message;
  EXPECT_EQ(c.entries, before + threads * each);
}

TEST_P(AuditApi, AppendRejectsADetailThatIsNotAnObject) {
  Status st = platform().db().transaction([&](store::Tx& tx) -> Status {
    store::AuditRecord rec;
    rec.action = "x";
    rec.detail = "[1,2]";
    auto e = store::append_audit(tx, rec);
    return e.ok() ? Status::Ok() : Status(e.error());
  });
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, "audit.bad_detail");
}

ZHIDA_API_TEST(AuditApi);

}  // namespace
}  // namespace zhida::http::testing
