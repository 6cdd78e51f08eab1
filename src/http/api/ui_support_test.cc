// What the web UI asks of the server (web/NEEDS.md), through the real
// server on SQLite and PostgreSQL: firms per street and every month in the
// stats, the firm's name on the signed-in user, GET /api/v1/meta (the demo's
// accounts for the login page), and the Excel exports of the lists
// (applications, review queue, enterprise search, catalog, policies) with the
// filters and the access of their JSON lists.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <set>

#include "http/api/testing/api_fixture.h"
#include "http/api/testing/xlsx_reading.h"
#include "http/url.h"
#include "services/demo/history.h"
#include "store/audit_store.h"

namespace zhida::http::testing {
namespace {

using nlohmann::json;

// An export as the tests read it: the sheet's XML with its strings, and the
// number of data rows (title, 3 notes, header and an optional total off).
struct Sheet {
  std::string text;
  int data_rows = 0;
};

class UiSupportApi : public ApiFixture {
 protected:
  // Fetches an export and checks it is an .xlsx download.
  Sheet export_of(const std::string& path, const Session& s, bool total_row) {
    ApiResponse x = get(path, s);
    EXPECT_EQ(x.status, 200) << path << ": " << x.body.substr(0, 300);
    if (x.status != 200) return {};
    EXPECT_EQ(x.headers.get("Content-Type").value_or(""),
              "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    std::string disposition(x.headers.get("Content-Disposition").value_or(""));
    EXPECT_NE(disposition.find("attachment"), std::string::npos);
    EXPECT_NE(disposition.find("20261127.xlsx"), std::string::npos) << disposition;
    EXPECT_EQ(x.body.substr(0, 2), "PK");
    std::string sheet = xlsx_member(x.body, "xl/worksheets/sheet1.xml");
    EXPECT_FALSE(sheet.empty()) << path;
    return {sheet + xlsx_member(x.body, "xl/sharedStrings.xml"), count_rows(sheet) - 5 - (total_row ? 1 : 0)};
  }

  // The last data.export audit entry.
  std::optional<store::AuditEntry> last_export() {
    std::optional<store::AuditEntry> out;
    Status st = platform().db().transaction(
        [&](store::Tx& tx) -> Status {
          store::AuditFilter f;
          f.action = "data.export";
          f.limit = 1;
          int64_t total = 0;
          auto r = store::query_audit(tx, f, &total);
          if (!r.ok()) return r.error();
          if (!r->empty()) out = (*r)[0];
          return Status::Ok();
        },
        store::Mode::kRead);
    EXPECT_TRUE(st.ok());
    return out;
  }

  // The demo's history of applications (approved, in review, waiting …).
  void seed_history() {
    auto h = services::demo::seed_history(services(), demo_accounts(), {});
    ASSERT_TRUE(h.ok()) << h.error().message;
  }

  void expect_bad(const std::string& path, const Session& s) {
    std::string before = database_fingerprint();
    ApiResponse r = get(path, s);
    EXPECT_EQ(r.status, 400) << path << ": " << r.body;
    EXPECT_EQ(r.error_code().rfind("bad_request", 0), 0u) << path << ": " << r.body;
    EXPECT_FALSE(r.json["error"].value("message", "").empty()) << path;
    EXPECT_EQ(database_fingerprint(), before) << path << " changed the database";
  }
};

// ---- stats

TEST_P(UiSupportApi, StatsByStreetCountsTheFirmsOfEveryStreet) {
  Session leader = as(Role::kLeader);
  ApiResponse r = get("/api/v1/stats?from=2026-01-01&to=2026-11-27&by=street", leader);
  ASSERT_EQ(r.status, 200) << r.body;
  const json& groups = r.json["groups"];
  ASSERT_GE(groups.size(), 2u) << "every street with firms is a group, even with nothing applied";
  int64_t sum = 0;
  for (const json& g : groups) {
    ASSERT_TRUE(g.contains("enterprises")) << g.dump();
    int64_t n = g["enterprises"].get<int64_t>();
    sum += n;
    // The same count as the enterprise search finds in that street.
    std::string key = g["key"];
    if (key == "（未知街道）") continue;
    ApiResponse s = get("/api/v1/enterprises?limit=1&street=" + percent_encode(key), leader);
    ASSERT_EQ(s.status, 200) << s.body;
    EXPECT_EQ(s.json["total"].get<int64_t>(), n) << key;
    EXPECT_GT(n, 0) << key;
  }
  EXPECT_EQ(sum, options_.firms);
  EXPECT_EQ(r.json["total"]["enterprises"].get<int64_t>(), options_.firms);
  // Other groupings carry no firm counts.
  ApiResponse d = get("/api/v1/stats?by=department", leader);
  ASSERT_EQ(d.status, 200);
  EXPECT_FALSE(d.json["total"].contains("enterprises"));
}

TEST_P(UiSupportApi, StatsByStreetFollowTheApplications) {
  seed_history();
  Session leader = as(Role::kLeader);
  ApiResponse r = get("/api/v1/stats?from=2025-01-01&to=2026-11-27&by=street", leader);
  ASSERT_EQ(r.status, 200) << r.body;
  int64_t apps = 0;
  for (const json& g : r.json["groups"]) apps += g["applications"].get<int64_t>();
  EXPECT_GT(apps, 0);
  EXPECT_EQ(apps, r.json["total"]["applications"].get<int64_t>());
}

TEST_P(UiSupportApi, StatsByMonthListEveryMonthInOrder) {
  seed_history();
  Session leader = as(Role::kLeader);
  ApiResponse r = get("/api/v1/stats?from=2025-11-15&to=2026-11-27&by=month", leader);
  ASSERT_EQ(r.status, 200) << r.body;
  std::vector<std::string> keys;
  int64_t apps = 0;
  for (const json& g : r.json["groups"]) {
    keys.push_back(g["key"]);
    apps += g["applications"].get<int64_t>();
    EXPECT_FALSE(g.contains("enterprises"));
  }
  std::vector<std::string> want;
  for (int m = 11; m <= 12; ++m) want.push_back(fmt::format("2025-{:02}", m));
  for (int m = 1; m <= 11; ++m) want.push_back(fmt::format("2026-{:02}", m));
  EXPECT_EQ(keys, want);
  EXPECT_EQ(apps, r.json["total"]["applications"].get<int64_t>());
  // A month with nothing is there with zeros.
  ApiResponse empty = get("/api/v1/stats?from=2020-01-01&to=2020-03-31&by=month", leader);
  ASSERT_EQ(empty.status, 200) << empty.body;
  ASSERT_EQ(empty.json["groups"].size(), 3u);
  EXPECT_EQ(empty.json["groups"][1]["key"], "2020-02");
  EXPECT_EQ(empty.json["groups"][1]["applications"], 0);
  EXPECT_EQ(empty.json["groups"][1]["approved_amount"], "0.00");
  // Bad groupings and periods: 400, nothing changed.
  expect_bad("/api/v1/stats?by=week", leader);
  expect_bad("/api/v1/stats?from=2026-12-01&to=2026-01-01&by=month", leader);
  expect_bad("/api/v1/stats?from=2026-13-01&by=month", leader);
}

// ---- the signed-in user

TEST_P(UiSupportApi, EnterpriseUsersCarryTheirFirmsName) {
  for (Role role : {Role::kEnterpriseLegal, Role::kEnterpriseAgent}) {
    const auto& acct = account(role);
    std::string name;
    for (const auto& e : demo_enterprises())
      if (e.id == acct.enterprise_id) name = e.name;
    ASSERT_FALSE(name.empty());
    Session s = as(role);
    EXPECT_EQ(s.user["enterprise_name"], name);
    ApiResponse me = get("/api/v1/auth/me", s);
    ASSERT_EQ(me.status, 200);
    EXPECT_EQ(me.json["user"]["enterprise_name"], name);
    EXPECT_EQ(me.json["user"]["enterprise_id"], acct.enterprise_id);
  }
  for (Role role : {Role::kLeader, Role::kReviewer, Role::kPolicyOfficer}) {
    Session s = as(role);
    ASSERT_TRUE(s.user.contains("enterprise_name"));
    EXPECT_TRUE(s.user["enterprise_name"].is_null());
    EXPECT_TRUE(get("/api/v1/auth/me", s).json["user"]["enterprise_name"].is_null());
  }
}

// ---- meta

TEST_P(UiSupportApi, MetaSaysWhetherThisIsTheDemo) {
  // zhida serve: not a demo, nothing listed; no login needed.
  ApiResponse plain = get("/api/v1/meta");
  ASSERT_EQ(plain.status, 200) << plain.body;
  EXPECT_EQ(plain.json, json({{"demo", false}}));
  // zhida demo: the accounts, never a password field.
  api().demo_accounts = demo_accounts();
  ApiResponse demo = get("/api/v1/meta");
  ASSERT_EQ(demo.status, 200) << demo.body;
  EXPECT_TRUE(demo.json["demo"].get<bool>());
  EXPECT_EQ(demo.json["demo_password"], std::string(kPassword));
  ASSERT_EQ(demo.json["demo_accounts"].size(), demo_accounts().size());
  std::set<std::string> roles;
  for (const json& a : demo.json["demo_accounts"]) {
    EXPECT_FALSE(a.contains("password")) << a.dump();
    EXPECT_FALSE(a["username"].get<std::string>().empty());
    EXPECT_FALSE(a["label"].get<std::string>().empty());
    EXPECT_FALSE(a["role_zh"].get<std::string>().empty());
    roles.insert(a["role"].get<std::string>());
  }
  EXPECT_EQ(roles.size(), std::size(services::kAllRoles)) << "an account of every role";
  EXPECT_EQ(demo.json["demo_accounts"][0]["username"], demo_accounts()[0].username);
  // The same for a signed-in user.
  EXPECT_EQ(get("/api/v1/meta", as(Role::kLeader)).json, demo.json);
  // A password that is not the shared demo one is never shown.
  auto changed = demo_accounts();
  changed[0].password = "Secret#2026";
  api().demo_accounts = changed;
  ApiResponse other = get("/api/v1/meta");
  EXPECT_TRUE(other.json["demo_password"].is_null());
  EXPECT_EQ(other.body.find("Secret#2026"), std::string::npos);
  api().demo_accounts = std::nullopt;
}

// ---- Excel exports

TEST_P(UiSupportApi, ApplicationsExportHasTheListsRowsAndAFirmOnlyItsOwn) {
  seed_history();
  Session legal = as(Role::kEnterpriseLegal);
  ApiResponse mine = post("/api/v1/applications", {{"policy_id", std::string(services::demo::kInstantPolicy)}}, legal);
  ASSERT_EQ(mine.status, 201) << mine.body;

  // Staff: the whole list, filtered like the JSON list.
  Session leader = as(Role::kLeader);
  ApiResponse all = get("/api/v1/applications?limit=1", leader);
  ASSERT_EQ(all.status, 200);
  int64_t total = all.json["total"];
  ASSERT_GT(total, 1);
  Sheet s = export_of("/api/v1/applications.xlsx", leader, true);
  EXPECT_EQ(s.data_rows, total);
  for (const char* h : {"申请编号", "企业名称", "政策名称", "状态", "核定金额（元）", "提交时间", "合计"})
    EXPECT_NE(s.text.find(h), std::string::npos) << h;
  ApiResponse approved = get("/api/v1/applications?status=approved,disbursed&limit=500", leader);
  ASSERT_EQ(approved.status, 200);
  Sheet f = export_of("/api/v1/applications.xlsx?status=approved,disbursed", leader, true);
  EXPECT_EQ(f.data_rows, approved.json["total"].get<int64_t>());
  EXPECT_NE(f.text.find("状态：已通过、已拨付"), std::string::npos) << "the filter is written down";
  for (const json& a : approved.json["items"])
    EXPECT_NE(f.text.find(a["enterprise_name"].get<std::string>()), std::string::npos);
  auto audit = last_export();
  ASSERT_TRUE(audit);
  EXPECT_EQ(audit->target_id, "申请列表");
  EXPECT_EQ(json::parse(audit->detail)["rows"], approved.json["total"]);

  // A firm: its own applications only, whatever it asks.
  ApiResponse own = get("/api/v1/applications", legal);
  ASSERT_EQ(own.status, 200);
  Sheet o = export_of("/api/v1/applications.xlsx", legal, true);
  EXPECT_EQ(o.data_rows, own.json["total"].get<int64_t>());
  EXPECT_GE(o.data_rows, 1);
  audit = last_export();
  ASSERT_TRUE(audit);
  EXPECT_EQ(audit->enterprises, std::vector<int64_t>{legal.enterprise_id});
  EXPECT_EQ(get(fmt::format("/api/v1/applications.xlsx?enterprise_id={}", other_enterprise()), legal).status, 404);
  EXPECT_EQ(get("/api/v1/applications.xlsx").status, 401);
  expect_bad("/api/v1/applications.xlsx?status=nonsense", leader);
  expect_bad("/api/v1/applications.xlsx?enterprise_id=abc", leader);
}

TEST_P(UiSupportApi, ReviewQueueExport) {
  seed_history();
  Session reviewer = as(Role::kReviewer);
  ApiResponse q = get("/api/v1/review/queue?limit=500", reviewer);
  ASSERT_EQ(q.status, 200);
  ASSERT_GT(q.json["total"].get<int64_t>(), 0) << "the demo history leaves applications to review";
  Sheet s = export_of("/api/v1/review/queue.xlsx", reviewer, true);
  EXPECT_EQ(s.data_rows, q.json["total"].get<int64_t>());
  for (const char* h : {"审核员", "办理期限", "是否超期"}) EXPECT_NE(s.text.find(h), std::string::npos) << h;
  for (const json& a : q.json["items"])
    EXPECT_NE(s.text.find(a["enterprise_name"].get<std::string>()), std::string::npos);
  ApiResponse waiting = get("/api/v1/review/queue?status=submitted&assignee=none&limit=500", reviewer);
  Sheet w = export_of("/api/v1/review/queue.xlsx?status=submitted&assignee=none", reviewer, true);
  EXPECT_EQ(w.data_rows, waiting.json["total"].get<int64_t>());
  EXPECT_NE(w.text.find("审核员：待分派"), std::string::npos);
  EXPECT_EQ(get("/api/v1/review/queue.xlsx", as(Role::kAuditor)).status, 200);
  EXPECT_EQ(get("/api/v1/review/queue.xlsx", as(Role::kEnterpriseLegal)).status, 403);
  EXPECT_EQ(get("/api/v1/review/queue.xlsx", as(Role::kLeader)).status, 403);
  expect_bad("/api/v1/review/queue.xlsx?status=approved", reviewer);
  expect_bad("/api/v1/review/queue.xlsx?assignee=somebody", reviewer);
}

TEST_P(UiSupportApi, EnterpriseSearchExport) {
  Session officer = as(Role::kPolicyOfficer);
  ApiResponse one = get("/api/v1/enterprises?limit=1", officer);
  ASSERT_EQ(one.status, 200);
  std::string street = one.json["items"][0]["street"];
  ApiResponse list = get("/api/v1/enterprises?limit=200&street=" + percent_encode(street), officer);
  ASSERT_EQ(list.status, 200);
  int64_t total = list.json["total"];
  Sheet s = export_of("/api/v1/enterprises.xlsx?street=" + percent_encode(street), officer, false);
  EXPECT_EQ(s.data_rows, total);
  EXPECT_NE(s.text.find("街道：" + street), std::string::npos);
  for (const json& e : list.json["items"]) EXPECT_NE(s.text.find(e["name"].get<std::string>()), std::string::npos);
  auto audit = last_export();
  ASSERT_TRUE(audit);
  EXPECT_EQ(static_cast<int64_t>(audit->enterprises.size()), total) << "the firms exported are on the audit trail";
  // Sorted by an attribute: it is a column.
  Sheet sorted = export_of("/api/v1/enterprises.xlsx?sort=-" + percent_encode("营业收入[2024]"), officer, false);
  EXPECT_EQ(sorted.data_rows, options_.firms);
  EXPECT_NE(sorted.text.find("营业收入[2024]"), std::string::npos);
  // Firms never search; bad input is refused.
  EXPECT_EQ(get("/api/v1/enterprises.xlsx", as(Role::kEnterpriseLegal)).status, 403);
  expect_bad("/api/v1/enterprises.xlsx?sort=" + percent_encode("没有这个属性"), officer);
  expect_bad("/api/v1/enterprises.xlsx?q=" + std::string(300, 'x'), officer);
}

TEST_P(UiSupportApi, CatalogAndPolicyListExports) {
  Session steward = as(Role::kDataSteward);
  ApiResponse cat = get("/api/v1/catalog", steward);
  ASSERT_EQ(cat.status, 200);
  Sheet c = export_of("/api/v1/catalog.xlsx", steward, false);
  EXPECT_EQ(c.data_rows, static_cast<int>(cat.json["attributes"].size()));
  EXPECT_NE(c.text.find("营业收入"), std::string::npos);
  EXPECT_NE(c.text.find("金额"), std::string::npos) << "types in Chinese";
  EXPECT_EQ(get("/api/v1/catalog.xlsx").status, 401);
  // The page's filters.
  int tax = 0;
  for (const json& a : cat.json["attributes"]) tax += a.value("source", "") == "税务局";
  ASSERT_GT(tax, 0);
  Sheet t = export_of("/api/v1/catalog.xlsx?source=" + percent_encode("税务局"), steward, false);
  EXPECT_EQ(t.data_rows, tax);
  EXPECT_NE(t.text.find("来源部门：税务局"), std::string::npos);
  expect_bad("/api/v1/catalog.xlsx?q=" + std::string(300, 'x'), steward);

  // Policies: what the caller may see, filtered like the list.
  Session legal = as(Role::kEnterpriseLegal);
  ApiResponse pub = get("/api/v1/policies", legal);
  ASSERT_EQ(pub.status, 200);
  Sheet p = export_of("/api/v1/policies.xlsx", legal, true);
  EXPECT_EQ(p.data_rows, pub.json["total"].get<int64_t>());
  EXPECT_EQ(p.text.find("草稿"), std::string::npos) << "a firm sees policies in force only";
  for (const json& x : pub.json["items"]) EXPECT_NE(p.text.find(x["name"].get<std::string>()), std::string::npos);
  Session leader = as(Role::kLeader);
  ApiResponse closed = get("/api/v1/policies?status=closed", leader);
  Sheet pc = export_of("/api/v1/policies.xlsx?status=closed", leader, true);
  EXPECT_EQ(pc.data_rows, closed.json["total"].get<int64_t>());
  ApiResponse q = get("/api/v1/policies?q=" + percent_encode("高新"), leader);
  Sheet pq = export_of("/api/v1/policies.xlsx?q=" + percent_encode("高新"), leader, true);
  EXPECT_EQ(pq.data_rows, q.json["total"].get<int64_t>());
  EXPECT_NE(pq.text.find("关键词：高新"), std::string::npos);
  expect_bad("/api/v1/policies.xlsx?status=open", leader);
  EXPECT_EQ(get("/api/v1/policies.xlsx").status, 401);
}

ZHIDA_API_TEST(UiSupportApi);

}  // namespace
}  // namespace zhida::http::testing
