// End to end through the HTTP API, on SQLite and PostgreSQL: 免申即享 (the
// firm only confirms its account), publicity with objections, disbursement
// with a pro-rata cut at batch close, in-site messages and SMS to a real
// HTTP gateway at every step, the timeline, the statistics.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>

#include "http/api/testing/api_fixture.h"
#include "services/notifications/sms_gateway.h"
#include "services/notifications/test_support.h"

namespace zhida::http::testing {
namespace {

using nlohmann::json;
using services::testing::FakeSmsGateway;

class FundsApi : public ApiFixture {
 protected:
  void SetUp() override {
    ApiFixture::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    services::SmsGatewayConfig cfg;
    cfg.url = gateway_.url();
    services().notifications->set_sms_sender(std::make_shared<services::HttpSmsGateway>(cfg));
  }

  // Lets the background work finish: grants, then the outbox.
  void settle() {
    services().funds->drain();
    Status s = services().notifications->flush();
    ASSERT_TRUE(s.ok()) << s.error().message;
  }

  const services::demo::DemoEnterprise& firm(std::string_view scenario) {
    for (const auto& e : demo_enterprises())
      if (e.scenario == scenario) return e;
    ADD_FAILURE() << "no demo firm for scenario " << scenario;
    return demo_enterprises().front();
  }
  std::string user_of(int64_t enterprise, Role role) {
    for (const auto& a : demo_accounts())
      if (a.enterprise_id == enterprise && a.role == services::role_name(role)) return a.username;
    ADD_FAILURE() << "no demo account for firm " << enterprise;
    return "";
  }
  int64_t app_of(int64_t enterprise, const std::string& policy) {
    std::string id = query_text(
        fmt::format("SELECT id FROM applications WHERE enterprise_id = {} AND policy_id = '{}'",
                    enterprise, policy));
    return id.empty() ? 0 : std::stoll(id);
  }
  std::string status_of(int64_t app) {
    return query_text(fmt::format("SELECT status FROM applications WHERE id = {}", app));
  }

  // Applies in-process for a firm without an account (the setup of a test).
  int64_t approved_application(int64_t enterprise, const std::string& policy) {
    services::Caller who{services::Actor::system("test"), "测试", std::nullopt};
    Issues issues;
    auto r = services().applications->create(
        who, {.enterprise_id = enterprise, .policy_id = policy}, &issues);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().code + r.error().message);
    if (!r.ok()) return 0;
    EXPECT_EQ(r->status, "approved");
    return r->id;
  }
  // Firms the policy matches now, but the given ones.
  std::vector<int64_t> matching_firms(const std::string& policy, const std::set<int64_t>& but,
                                      size_t n) {
    services::Matching::Filter f;
    f.verdict = rules::Tri::kTrue;
    f.limit = 0;
    auto list = services().matching->for_policy(*platform().policy(policy)->policy, f);
    std::vector<int64_t> out;
    for (const auto& item : list.items)
      if (!but.count(item.enterprise_id) && out.size() < n) out.push_back(item.enterprise_id);
    return out;
  }
  // The 法人 confirms a bank account (in-process, for firms without accounts).
  void confirm_account(int64_t app, int64_t enterprise) {
    services::Actor legal{9000 + enterprise, "legal", "enterprise_legal", ""};
    auto r = services().funds->confirm_account(
        services::Caller{legal, "法人", std::nullopt}, app,
        services::BankAccountInput{"企业户名", "中国银行宝安支行",
                                   fmt::format("62220212{:08}", enterprise)});
    ASSERT_TRUE(r.ok()) << r.error().message;
  }
  std::vector<json> messages(const Session& s) {
    auto r = get("/api/v1/messages?limit=200", s);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json.value("items", json::array()).get<std::vector<json>>();
  }

  FakeSmsGateway gateway_;
};

TEST_P(FundsApi, AutoGrantFirmOnlyConfirmsItsAccountAndIsPaid) {
  const std::string policy(services::demo::kAutoGrantPolicy);
  // The demo accounts have no phone numbers: the firm gets a 经办人 with one,
  // so that its steps are also sent by SMS.
  {
    services::NewUser u;
    u.username = "auto.grant.sms";
    u.display_name = "短信经办人";
    u.role = Role::kEnterpriseAgent;
    u.enterprise_id = firm("auto_grant").id;
    u.phone = "13800138000";
    u.password = std::string(kPassword);
    auto made = services().accounts->create_user(u, services::Actor::system("test"));
    ASSERT_TRUE(made.ok()) << made.error().code << ": " << made.error().message;
  }
  Session officer = as(Role::kFundsOfficer);
  auto granted = post("/api/v1/funds/auto-grants", {{"policy_id", policy}}, officer);
  ASSERT_EQ(granted.status, 200) << granted.body;
  EXPECT_GE(granted.json["granted"].get<int>() + granted.json["already"].get<int>(), 1);
  // Only the funds and policy officers may run it.
  EXPECT_EQ(post("/api/v1/funds/auto-grants", {{"policy_id", policy}}, as(Role::kReviewer)).status,
            403);
  // Not a 免申即享 policy: refused.
  EXPECT_EQ(post("/api/v1/funds/auto-grants", {{"policy_id", "BA-2025-025"}}, officer).status, 409);
  settle();

  const auto& ent = firm("auto_grant");
  int64_t app = app_of(ent.id, policy);
  ASSERT_GT(app, 0);
  EXPECT_EQ(status_of(app), "approved");
  EXPECT_EQ(query_text(fmt::format("SELECT origin FROM applications WHERE id = {}", app)),
            "auto_grant");
  Session legal = login(user_of(ent.id, Role::kEnterpriseLegal));
  Session agent = login(user_of(ent.id, Role::kEnterpriseAgent));

  // The grant was messaged to the firm (in-site; both users see it).
  bool told = false;
  for (const auto& m : messages(agent)) told = told || m["application_id"] == app;
  EXPECT_TRUE(told);

  // The 经办人 may not confirm the account; another firm's 法人 cannot see it.
  json account = {{"account_name", ent.name},
                  {"bank_name", "中国银行深圳宝安支行"},
                  {"account_number", "6222 0212 3456 7890 123"}};
  EXPECT_EQ(post(fmt::format("/api/v1/funds/awards/{}/account", app), account, agent).status, 403);
  Session stranger = login(user_of(firm("instant").id, Role::kEnterpriseLegal));
  EXPECT_EQ(post(fmt::format("/api/v1/funds/awards/{}/account", app), account, stranger).status,
            404);
  EXPECT_EQ(
      post(fmt::format("/api/v1/funds/awards/{}/account", app), {{"account_name", "x"}}, legal)
          .status,
      400);
  auto confirmed = post(fmt::format("/api/v1/funds/awards/{}/account", app), account, legal);
  ASSERT_EQ(confirmed.status, 200) << confirmed.body;
  EXPECT_EQ(confirmed.json["account"]["account_number"], "6222021234567890123");
  auto shown = get(fmt::format("/api/v1/enterprises/{}/bank-account", ent.id), agent);
  ASSERT_EQ(shown.status, 200);
  EXPECT_EQ(shown.json["account"]["account_number"],
            "6222***********0123");  // masked for the 经办人

  // Publicity: the policy's 3 working days from Monday 2026-11-30.
  auto pub = post("/api/v1/funds/publicity", {{"policy_id", policy}}, officer);
  ASSERT_EQ(pub.status, 201) << pub.body;
  EXPECT_EQ(pub.json["start_on"], "2026-11-30");
  EXPECT_EQ(pub.json["end_on"], "2026-12-02");
  int64_t list = pub.json["id"];
  EXPECT_EQ(status_of(app), "publicity");
  auto early = post(fmt::format("/api/v1/funds/publicity/{}/close", list), json::object(), officer);
  EXPECT_EQ(early.status, 409);
  clock().advance(std::chrono::hours(24 * 6));  // Thursday 2026-12-03
  // Six days idle: every session has expired; sign in again.
  officer = as(Role::kFundsOfficer);
  legal = login(legal.username);
  agent = login(agent.username);
  stranger = login(stranger.username);
  auto closed =
      post(fmt::format("/api/v1/funds/publicity/{}/close", list), json::object(), officer);
  ASSERT_EQ(closed.status, 200) << closed.body;

  // The batch holds the awards whose account is confirmed.
  auto batch = post("/api/v1/funds/batches", {{"policy_id", policy}}, officer);
  ASSERT_EQ(batch.status, 201) << batch.body;
  int64_t b = batch.json["id"];
  auto detail = get(fmt::format("/api/v1/funds/batches/{}", b), officer);
  ASSERT_EQ(detail.status, 200);
  bool in = false;
  for (const auto& i : detail.json["item_list"]) in = in || i["application_id"] == app;
  EXPECT_TRUE(in);
  EXPECT_EQ(post(fmt::format("/api/v1/funds/batches/{}/pay", b), json::object(), officer).status,
            409);  // not closed
  auto closed_batch =
      post(fmt::format("/api/v1/funds/batches/{}/close", b), json::object(), officer);
  ASSERT_EQ(closed_batch.status, 200) << closed_batch.body;
  EXPECT_EQ(closed_batch.json["allocated"], closed_batch.json["requested"]);  // within the budget
  auto paid = post(fmt::format("/api/v1/funds/batches/{}/pay", b), json::object(), officer);
  ASSERT_EQ(paid.status, 200) << paid.body;
  EXPECT_EQ(status_of(app), "disbursed");
  auto xlsx = get(fmt::format("/api/v1/funds/batches/{}/export", b), officer);
  ASSERT_EQ(xlsx.status, 200);
  EXPECT_EQ(xlsx.body.substr(0, 2), "PK");
  EXPECT_EQ(get(fmt::format("/api/v1/funds/batches/{}/export", b), legal).status, 403);
  settle();

  // The firm follows it: the timeline and the messages.
  auto timeline = get(fmt::format("/api/v1/applications/{}/timeline", app), agent);
  ASSERT_EQ(timeline.status, 200) << timeline.body;
  std::set<std::string> types, actions;
  for (const auto& s : timeline.json["steps"]) {
    types.insert(s["type"].get<std::string>());
    actions.insert(s["action"].get<std::string>());
  }
  EXPECT_TRUE(types.count("event") && types.count("publicity") && types.count("account") &&
              types.count("message"))
      << timeline.body;
  EXPECT_TRUE(actions.count("disburse")) << timeline.body;
  EXPECT_EQ(get(fmt::format("/api/v1/applications/{}/timeline", app), stranger).status, 404);
  bool paid_message = false;
  for (const auto& m : messages(legal)) paid_message = paid_message || m["kind"] == "funds.paid";
  EXPECT_TRUE(paid_message);
  // SMS went through the gateway for the firm's steps.
  EXPECT_GE(gateway_.count(), 1u);

  auto stats = get("/api/v1/stats?from=2026-01-01&to=2026-12-31", as(Role::kLeader));
  ASSERT_EQ(stats.status, 200) << stats.body;
  EXPECT_NE(stats.json["total"]["paid_amount"], "0.00");
  EXPECT_GE(stats.json["total"]["firms_benefited"].get<int>(), 1);
  EXPECT_EQ(get("/api/v1/stats", legal).status, 403);
}

TEST_P(FundsApi, PublicityWithObjectionsUpheldAndDismissed) {
  const std::string policy(services::demo::kInstantPolicy);
  const auto& instant = firm("instant");
  Session agent = as(Role::kEnterpriseAgent);
  ASSERT_EQ(agent.enterprise_id, instant.id);
  auto applied = post("/api/v1/applications", {{"policy_id", policy}}, agent);
  ASSERT_EQ(applied.status, 201) << applied.body;
  ASSERT_EQ(applied.json["status"], "approved");  // 秒批
  int64_t mine = applied.json["id"];
  auto others = matching_firms(policy, {instant.id}, 2);
  ASSERT_EQ(others.size(), 2u);
  int64_t a = approved_application(others[0], policy);
  int64_t b = approved_application(others[1], policy);

  Session officer = as(Role::kFundsOfficer);
  auto pub = post("/api/v1/funds/publicity",
                  {{"policy_id", policy}, {"title", "研发投入资助拟资助名单"}}, officer);
  ASSERT_EQ(pub.status, 201) << pub.body;
  EXPECT_EQ(pub.json["entries"], 3);
  int64_t list = pub.json["id"];
  EXPECT_EQ(post("/api/v1/funds/publicity", {{"policy_id", policy}}, officer).status,
            400);  // nothing left
  // Publicity is public.
  auto open = get(fmt::format("/api/v1/funds/publicity/{}", list));
  ASSERT_EQ(open.status, 200) << open.body;
  EXPECT_EQ(open.json["items"].size(), 3u);
  EXPECT_FALSE(open.json.contains("objections"));
  auto sheet = get(fmt::format("/api/v1/funds/publicity/{}/export", list));
  ASSERT_EQ(sheet.status, 200);
  EXPECT_EQ(sheet.body.substr(0, 2), "PK");

  // Objections run from the first working day (Monday 11-30). Anyone signed
  // in may object: here the user of a firm that is on no list.
  Session objector = login(user_of(firm("near_miss").id, Role::kEnterpriseAgent));
  json against_a = {{"application_id", a},
                    {"reason", "该企业研发费用数据与实际不符，请核查。"},
                    {"contact", "13800000000"}};
  EXPECT_EQ(
      post(fmt::format("/api/v1/funds/publicity/{}/objections", list), against_a, objector).status,
      409);
  clock().advance(std::chrono::hours(24 * 3));  // Monday 2026-11-30
  // Sessions idle for days have expired; sign in again.
  objector = login(objector.username);
  officer = as(Role::kFundsOfficer);
  agent = login(agent.username);
  EXPECT_EQ(post(fmt::format("/api/v1/funds/publicity/{}/objections", list), against_a).status,
            401);
  EXPECT_EQ(post(fmt::format("/api/v1/funds/publicity/{}/objections", list),
                 {{"application_id", a}, {"reason", "不对"}}, objector)
                .status,
            400);
  auto oa = post(fmt::format("/api/v1/funds/publicity/{}/objections", list), against_a, objector);
  ASSERT_EQ(oa.status, 201) << oa.body;
  auto ob = post(fmt::format("/api/v1/funds/publicity/{}/objections", list),
                 {{"application_id", b}, {"reason", "怀疑重复申报同一项目资助。"}}, objector);
  ASSERT_EQ(ob.status, 201) << ob.body;
  auto queue = get("/api/v1/funds/objections?status=open", officer);
  ASSERT_EQ(queue.status, 200);
  EXPECT_EQ(queue.json["items"].size(), 2u);
  EXPECT_EQ(get("/api/v1/funds/objections", objector).status, 403);
  auto q = get("/api/v1/funds/queues", officer);
  ASSERT_EQ(q.status, 200);
  EXPECT_EQ(q.json["objections_open"], 2);

  // Not before the period ends, and not with objections open.
  clock().advance(std::chrono::hours(24 * 7));  // 2026-12-07, after the last day (12-04)
  officer = as(Role::kFundsOfficer);
  agent = login(agent.username);
  auto refused =
      post(fmt::format("/api/v1/funds/publicity/{}/close", list), json::object(), officer);
  EXPECT_EQ(refused.status, 409);
  EXPECT_NE(refused.json["error"]["message"].get<std::string>().find("异议"), std::string::npos);

  auto upheld =
      post(fmt::format("/api/v1/funds/objections/{}/resolve", oa.json["id"].get<int64_t>()),
           {{"outcome", "upheld"}, {"reply", "经核查，研发费用数据有误，撤销资助。"}}, officer);
  ASSERT_EQ(upheld.status, 200) << upheld.body;
  auto dismissed =
      post(fmt::format("/api/v1/funds/objections/{}/resolve", ob.json["id"].get<int64_t>()),
           {{"outcome", "dismissed"}, {"reply", "经核查，未重复申报。"}}, officer);
  ASSERT_EQ(dismissed.status, 200) << dismissed.body;
  EXPECT_EQ(post(fmt::format("/api/v1/funds/objections/{}/resolve", ob.json["id"].get<int64_t>()),
                 {{"outcome", "upheld"}, {"reply", "再次处理"}}, officer)
                .status,
            409);
  EXPECT_EQ(status_of(a), "rejected");

  auto closed =
      post(fmt::format("/api/v1/funds/publicity/{}/close", list), json::object(), officer);
  ASSERT_EQ(closed.status, 200) << closed.body;
  auto after = get(fmt::format("/api/v1/funds/publicity/{}", list), officer);
  std::map<int64_t, std::string> status;
  for (const auto& i : after.json["items"]) status[i["application_id"].get<int64_t>()] = i["status"].get<std::string>();
  EXPECT_EQ(status[a], "withdrawn");
  EXPECT_EQ(status[b], "passed");
  EXPECT_EQ(status[mine], "passed");
  EXPECT_EQ(after.json["objections"].size(), 2u);
  EXPECT_EQ(status_of(b), "publicity");
  settle();

  // The firms were told: the one objected to and upheld, and ours asked to
  // confirm its account.
  auto told_a = get(fmt::format("/api/v1/messages?enterprise_id={}", others[0]), officer);
  ASSERT_EQ(told_a.status, 200);
  std::set<std::string> kinds;
  for (const auto& m : told_a.json["items"]) kinds.insert(m["kind"].get<std::string>());
  EXPECT_TRUE(kinds.count("funds.objection_lodged") && kinds.count("funds.objection_resolved"))
      << told_a.body;
  bool asked = false;
  for (const auto& m : messages(agent)) asked = asked || m["kind"] == "funds.account_confirm";
  EXPECT_TRUE(asked);
  EXPECT_EQ(query_text("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'funds.objection%'"), "4");
}

TEST_P(FundsApi, DisbursementCutsProRataToTheBudgetExactly) {
  // A copy of the 秒批 policy with a budget of 50万 and pro-rata cuts.
  Session po = as(Role::kPolicyOfficer);
  auto base = get("/api/v1/policies/BA-2025-025", po);
  ASSERT_EQ(base.status, 200) << base.body;
  json p = {{"id", "FUNDS-PRORATA-1"},
            {"name", "研发投入资助（预算测试）"},
            {"conditions", base.json["conditions"]},
            {"award", base.json["award"]},
            {"reference_year", 2025},
            {"window", {{"start", "2026-11-01"}, {"end", "2026-12-31"}}},
            {"budget", "500000"},
            {"budget_mode", "pro_rata"},
            {"publicity_days", 2}};
  auto created = post("/api/v1/policies", p, po);
  ASSERT_EQ(created.status, 201) << created.body;
  auto published = post("/api/v1/policies/FUNDS-PRORATA-1/publish", json::object(), po);
  ASSERT_EQ(published.status, 200) << published.body;
  settle();  // publishing pushes to the matching firms

  auto firms = matching_firms("FUNDS-PRORATA-1", {}, 3);
  ASSERT_EQ(firms.size(), 3u);
  std::vector<int64_t> apps;
  int64_t requested = 0;
  for (int64_t f : firms) {
    apps.push_back(approved_application(f, "FUNDS-PRORATA-1"));
    requested += std::stoll(
        query_text(fmt::format("SELECT award_fen FROM applications WHERE id = {}", apps.back())));
  }
  ASSERT_GT(requested, 50000000);  // over budget: the cut is needed
  Session officer = as(Role::kFundsOfficer);
  auto pub = post("/api/v1/funds/publicity", {{"policy_id", "FUNDS-PRORATA-1"}}, officer);
  ASSERT_EQ(pub.status, 201) << pub.body;
  EXPECT_EQ(pub.json["end_on"], "2026-12-01");  // 2 working days from Monday
  clock().advance(std::chrono::hours(24 * 5));
  officer = as(Role::kFundsOfficer);  // the old session expired while idle
  ASSERT_EQ(post(fmt::format("/api/v1/funds/publicity/{}/close", pub.json["id"].get<int64_t>()),
                 json::object(), officer)
                .status,
            200);
  // No account confirmed yet: nothing to pay.
  EXPECT_EQ(post("/api/v1/funds/batches", {{"policy_id", "FUNDS-PRORATA-1"}}, officer).status, 400);
  for (size_t i = 0; i < apps.size(); ++i) confirm_account(apps[i], firms[i]);
  auto batch = post("/api/v1/funds/batches", {{"policy_id", "FUNDS-PRORATA-1"}, {"name", "第一批"}},
                    officer);
  ASSERT_EQ(batch.status, 201) << batch.body;
  EXPECT_EQ(batch.json["items"], 3);
  EXPECT_EQ(batch.json["budget_mode"], "pro_rata");
  int64_t b = batch.json["id"];
  auto closed = post(fmt::format("/api/v1/funds/batches/{}/close", b), json::object(), officer);
  ASSERT_EQ(closed.status, 200) << closed.body;
  EXPECT_EQ(closed.json["available"], "500000.00");
  EXPECT_EQ(closed.json["allocated"], "500000.00");  // to the fen
  EXPECT_EQ(post(fmt::format("/api/v1/funds/batches/{}/close", b), json::object(), officer).status,
            409);
  auto detail = get(fmt::format("/api/v1/funds/batches/{}", b), officer);
  int64_t sum = 0;
  for (const auto& i : detail.json["item_list"]) {
    EXPECT_TRUE(i["reduced"].get<bool>());
    std::string s = i["allocated"].get<std::string>();
    sum += std::llround(std::stod(s) * 100);
    EXPECT_NE(i["account_number"].get<std::string>().find("****"), std::string::npos);  // masked
  }
  EXPECT_EQ(sum, 50000000);
  auto paid = post(fmt::format("/api/v1/funds/batches/{}/pay", b), json::object(), officer);
  ASSERT_EQ(paid.status, 200) << paid.body;
  for (int64_t app : apps) EXPECT_EQ(status_of(app), "disbursed");
  settle();
  auto told = get(fmt::format("/api/v1/messages?enterprise_id={}", firms[0]), officer);
  bool cut_explained = false;
  for (const auto& m : told.json["items"])
    cut_explained =
        cut_explained || m["body"].get<std::string>().find("按比例核减") != std::string::npos;
  EXPECT_TRUE(cut_explained) << told.body;
  // The pushes of the publish are counted by the statistics.
  auto stats = get("/api/v1/stats?from=2026-11-01&to=2026-12-31&by=department", as(Role::kLeader));
  ASSERT_EQ(stats.status, 200) << stats.body;
  EXPECT_GE(stats.json["total"]["pushes_sent"].get<int>(), 3);
  EXPECT_EQ(stats.json["total"]["paid_amount"], "500000.00");
  EXPECT_FALSE(stats.json["groups"].empty());
  EXPECT_EQ(get("/api/v1/stats?by=county", as(Role::kLeader)).status, 400);
}

TEST_P(FundsApi, MessagesOptOutAndDeliveriesForStaff) {
  Session agent = as(Role::kEnterpriseAgent);
  auto settings =
      get(fmt::format("/api/v1/enterprises/{}/notification-settings", agent.enterprise_id), agent);
  ASSERT_EQ(settings.status, 200) << settings.body;
  EXPECT_EQ(settings.json["sms"], true);
  auto off = put(fmt::format("/api/v1/enterprises/{}/notification-settings", agent.enterprise_id),
                 {{"sms", false}}, agent);
  ASSERT_EQ(off.status, 200) << off.body;
  EXPECT_EQ(off.json["sms"], false);
  EXPECT_EQ(off.json["site"], true);
  EXPECT_EQ(put(fmt::format("/api/v1/enterprises/{}/notification-settings", other_enterprise()),
                {{"sms", false}}, agent)
                .status,
            404);
  size_t before = gateway_.count();
  auto applied = post("/api/v1/applications",
                      {{"policy_id", std::string(services::demo::kInstantPolicy)}}, agent);
  ASSERT_EQ(applied.status, 201) << applied.body;
  settle();
  EXPECT_EQ(gateway_.count(), before);  // opted out of SMS
  auto msgs = get("/api/v1/messages?unread=true", agent);
  ASSERT_EQ(msgs.status, 200);
  ASSERT_GE(msgs.json["unread"].get<int>(), 1);
  int64_t id = msgs.json["items"][0]["id"];
  EXPECT_EQ(post(fmt::format("/api/v1/messages/{}/read", id), json::object(), agent).status, 200);
  EXPECT_EQ(
      post(fmt::format("/api/v1/messages/{}/read", id), json::object(), as(Role::kReviewer)).status,
      403);
  EXPECT_EQ(get("/api/v1/messages", as(Role::kReviewer)).status, 400);  // staff name the firm
  auto deliveries = get("/api/v1/notifications/deliveries?status=skipped", as(Role::kDataSteward));
  ASSERT_EQ(deliveries.status, 200) << deliveries.body;
  EXPECT_FALSE(deliveries.json["items"].empty());
  EXPECT_EQ(get("/api/v1/notifications/deliveries", agent).status, 403);
  // Retry: only a failed delivery (409 for a skipped one); one that does
  // not exist is 404, not 409.
  int64_t skipped = deliveries.json["items"][0]["id"];
  auto not_failed = post(fmt::format("/api/v1/notifications/deliveries/{}/retry", skipped), json::object(),
                         as(Role::kDataSteward));
  EXPECT_EQ(not_failed.status, 409) << not_failed.body;
  EXPECT_EQ(not_failed.error_code(), "notifications.not_failed");
  auto missing = post("/api/v1/notifications/deliveries/99999999/retry", json::object(), as(Role::kDataSteward));
  EXPECT_EQ(missing.status, 404) << missing.body;
  EXPECT_EQ(missing.error_code(), "not_found");
  auto cal = get("/api/v1/funds/calendar?from=2026-09-30&days=5", agent);
  ASSERT_EQ(cal.status, 200);
  EXPECT_EQ(cal.json["end_on"],
            "2026-10-12");  // 9-30, then 10-8, 10-9, 10-10 (a Saturday worked), 10-12
}

INSTANTIATE_TEST_SUITE_P(Backends, FundsApi, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& p) { return p.param == Backend::kSqlite ? "Sqlite" : "Postgres"; });

}  // namespace
}  // namespace zhida::http::testing
