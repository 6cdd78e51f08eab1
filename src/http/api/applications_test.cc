// Applications end to end through the HTTP API, on SQLite and PostgreSQL:
// 秒批, review with 退回补正 / resubmission / approval, rejection, exclusivity
// (the higher later award wins), 差额补齐, the tax cap, a pro-rata budget cut
// exact to the fen, materials, drafts and reminders, and the decision record
// that a changed fact makes fail verification.
//
// Each test publishes its own small policies (ids T-…) and sets the facts of
// the demo firms it uses, so the expected amounts are exact.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <numeric>

#include "base/date.h"
#include "http/api/testing/api_fixture.h"
#include "http/api/testing/authz_matrix.h"
#include "services/applications/applications.h"
#include "store/portrait_store.h"
#include "store/workflow_store.h"
#include "workflow/money.h"

namespace zhida::http::testing {
namespace {

using nlohmann::json;

// ---- objects for the authorisation matrix (authz_matrix.h)

// A draft application of the firm (the existing one when there is one).
std::string draft_of(const ParamContext& c) {
  services::Caller who;
  who.actor = services::Actor::system("authz-matrix");
  services::ApplicationInput in;
  in.enterprise_id = c.enterprise_id;
  in.policy_id = "BA-2025-025";
  in.submit = false;
  auto r = c.services.applications->create(who, in, nullptr);
  if (r.ok()) return std::to_string(r->id);
  store::ApplicationQuery q;
  q.enterprise_id = c.enterprise_id;
  q.limit = 1;
  auto page = c.services.applications->list(q);
  if (page.ok() && !page->items.empty()) return std::to_string(page->items[0]["id"].get<int64_t>());
  return "1";
}

const bool kApplicationIds = register_path_param("/api/v1/applications/", "id", draft_of);
const bool kReviewIds = register_path_param("/api/v1/review/applications/", "id", draft_of);
const bool kMaterialIds =
    register_path_param("/api/v1/materials/", "id", [](const ParamContext& c) {
      services::Caller who;
      who.actor = services::Actor::system("authz-matrix");
      auto u = c.services.applications->upload(who, c.enterprise_id, "x.pdf", "%PDF-1.4\n%%EOF\n");
      return u.ok() ? std::to_string(u->id) : std::string("1");
    });
const bool kApplyBody =
    register_sample_body("POST", "/api/v1/applications", [](const ParamContext&) {
      return json{{"policy_id", "BA-2025-025"}, {"submit", false}};
    });

class ApplicationsApi : public ApiFixture {
 protected:
  // Publishes a policy (the demo catalog's attributes; reference year 2025,
  // window around the fixture's 2026-11-27 unless given).
  void publish(json p) {
    if (!p.contains("reference_year")) p["reference_year"] = 2025;
    if (!p.contains("window")) p["window"] = {{"start", "2026-11-01"}, {"end", "2026-12-31"}};
    if (!p.contains("department")) p["department"] = "科技创新局";
    Status st = platform().db().transaction([&](store::Tx& tx) -> Status {
      store::PolicyRow row;
      row.id = p["id"].get<std::string>();
      row.status = "draft";
      row.draft = p.dump();
      row.department = p["department"].get<std::string>();
      row.created_at = row.updated_at = store::timestamp_now();
      ZHIDA_TRY(store::insert_policy(tx, row));
      auto v = store::publish_policy(tx, row.id, 0);
      if (!v.ok()) return v.error();
      return Status::Ok();
    });
    ASSERT_TRUE(st.ok()) << st.error().message;
    ASSERT_TRUE(platform().refresh_policies().ok());
    ASSERT_TRUE(platform().policy(p["id"].get<std::string>()))
        << "policy did not compile: " << p.dump();
  }

  // Sets facts of a firm (a data source's push).
  void facts(int64_t enterprise,
             const std::vector<std::pair<std::string, std::optional<std::string>>>& kv) {
    std::vector<services::FactUpdate> ups;
    for (const auto& [k, v] : kv) ups.push_back({enterprise, k, v, "2026-06-30T00:00:00.000Z"});
    auto r = platform().push_facts(ups, "测试数据源", 0);
    ASSERT_TRUE(r.ok()) << r.error().message;
    ASSERT_TRUE(r->errors.empty()) << r->errors[0].column << ": " << r->errors[0].reason;
  }

  // The firm of demo enterprise user k (1..5) and its agent's session.
  int64_t firm(int k) { return account_named(fmt::format("ent{}.agent", k)).enterprise_id; }
  Session agent(int k) { return login(fmt::format("ent{}.agent", k)); }
  const services::demo::DemoAccount& account_named(const std::string& username) {
    for (const auto& a : demo_accounts())
      if (a.username == username) return a;
    ADD_FAILURE() << "no demo account " << username;
    return demo_accounts().front();
  }

  // A firm that meets the simple test policies.
  void eligible(int64_t ent, const std::string& rd = "1234567.89") {
    facts(ent, {{"注册地", "宝安区"}, {"严重失信", "false"}, {"研发费用[2024]", rd}});
  }

  ApiResponse apply(const Session& s, const std::string& policy, json extra = json::object()) {
    json body = {{"policy_id", policy},
                 {"enterprise_id", s.enterprise_id},
                 {"declarations", json::array()},
                 {"materials", json::array()}};
    for (auto& [k, v] : extra.items()) body[k] = v;
    return post("/api/v1/applications", body, s);
  }

  int64_t count(const std::string& sql) { return std::stoll(query_text(sql)); }

  static json simple_policy(const std::string& id, const std::string& award) {
    return {{"id", id},
            {"name", "测试政策 " + id},
            {"conditions",
             json::array(
                 {{{"clause", "注册地在宝安区"}, {"rule", "注册地 == \"宝安区\""}},
                  {{"clause", "未被列入严重失信名单"}, {"rule", "not 严重失信"}},
                  {{"clause", "上年度研发费用 100 元以上"}, {"rule", "研发费用[上年度] >= 100"}}})},
            {"award", award},
            {"budget", "1亿"}};
  }
};

TEST_P(ApplicationsApi, InstantApprovalWithDecisionRecord) {
  publish(simple_policy("T-INSTANT", "min(研发费用[上年度] * 10%, 200万)"));
  Session a = agent(1);
  eligible(a.enterprise_id);

  // The form says: data proves everything, 秒批 on submission.
  auto form = get("/api/v1/applications/form?policy_id=T-INSTANT", a);
  ASSERT_EQ(form.status, 200) << form.body;
  EXPECT_TRUE(form.json["instant"].get<bool>());
  EXPECT_EQ(form.json["estimate_fen"], 12345679);
  for (const auto& c : form.json["conditions"]) EXPECT_EQ(c["ask"], "none");

  auto r = apply(a, "T-INSTANT");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json["status"], "approved");
  ASSERT_TRUE(r.json["decision"].is_object());
  EXPECT_TRUE(r.json["decision"]["instant"].get<bool>());
  EXPECT_EQ(r.json["decision"]["award_fen"], 12345679);  // 123456.789 -> 123456.79 yuan
  EXPECT_EQ(r.json["decision"]["award"], "123456.79");
  EXPECT_EQ(r.json["decision"]["hash"].get<std::string>().size(), 64u);
  int64_t id = r.json["id"];
  int64_t did = r.json["decision"]["id"];

  // One application per firm, policy and year.
  auto again = apply(a, "T-INSTANT");
  EXPECT_EQ(again.status, 409) << again.body;
  EXPECT_EQ(again.error_code(), "application.duplicate");

  auto v = get(fmt::format("/api/v1/applications/{}", id), a);
  ASSERT_EQ(v.status, 200) << v.body;
  EXPECT_EQ(v.json["status"], "approved");
  EXPECT_EQ(v.json["award_fen"], 12345679);
  ASSERT_EQ(v.json["decisions"].size(), 1u);
  ASSERT_GE(v.json["timeline"].size(), 2u);
  EXPECT_EQ(v.json["timeline"][1]["action"], "submit");
  EXPECT_EQ(v.json["timeline"][1]["to"], "approved");

  // The record: policy version and hash, each fact with value, source, as-of.
  auto d = get(fmt::format("/api/v1/applications/{}/decisions/{}", id, did), a);
  ASSERT_EQ(d.status, 200) << d.body;
  const json& in = d.json["record"]["inputs"];
  EXPECT_EQ(in["policy"]["id"], "T-INSTANT");
  EXPECT_EQ(in["policy"]["version"], 1);
  EXPECT_EQ(in["policy"]["hash"].get<std::string>().size(), 64u);
  EXPECT_EQ(in["evaluated_on"], "2026-11-27");
  bool saw = false;
  for (const auto& f : in["facts"])
    if (f["attribute"] == "研发费用[2024]") {
      saw = true;
      EXPECT_EQ(f["value"], "1234567.89");
      EXPECT_EQ(f["source"], "测试数据源");
      EXPECT_EQ(f["as_of"], "2026-06-30T00:00:00.000Z");
      EXPECT_FALSE(f["loaded_at"].get<std::string>().empty());
    }
  EXPECT_TRUE(saw);
  const json& res = d.json["record"]["result"];
  EXPECT_EQ(res["outcome"], "approved");
  EXPECT_EQ(res["conditions"].size(), 3u);
  EXPECT_EQ(res["award"]["steps"][0]["rule"], "base");

  // The firm was told (outbox, same transaction) and the action audited.
  EXPECT_EQ(
      count(fmt::format(
          "SELECT COUNT(*) FROM notifications WHERE dedup_key = 'application:{}:approved'", id)),
      1);
  EXPECT_GE(
      count(fmt::format(
          "SELECT COUNT(*) FROM audit_log WHERE target_type = 'application' AND target_id = '{}'",
          id)),
      1);

  // Another firm cannot see it; staff can.
  EXPECT_EQ(get(fmt::format("/api/v1/applications/{}", id), agent(2)).status, 404);
  EXPECT_EQ(get(fmt::format("/api/v1/applications/{}", id), as(Role::kReviewer)).status, 200);
  auto list = get("/api/v1/applications", agent(2));
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.json["total"], 0);
  // A reviewer may not apply.
  EXPECT_EQ(apply(as(Role::kReviewer), "T-INSTANT").status, 403);

  // Verification passes.
  auto ver = get(fmt::format("/api/v1/applications/{}/verify", id), as(Role::kAuditor));
  ASSERT_EQ(ver.status, 200) << ver.body;
  EXPECT_TRUE(ver.json["ok"].get<bool>()) << ver.body;
}

TEST_P(ApplicationsApi, RefusalsAtSubmission) {
  publish(simple_policy("T-REFUSE", "10万"));
  json closed = simple_policy("T-CLOSED", "10万");
  closed["window"] = {{"start", "2026-01-01"}, {"end", "2026-01-31"}};
  publish(closed);
  Session a = agent(1);
  eligible(a.enterprise_id);
  auto w = apply(a, "T-CLOSED");
  EXPECT_EQ(w.status, 409);
  EXPECT_EQ(w.error_code(), "application.window_closed");
  facts(a.enterprise_id, {{"研发费用[2024]", "50"}});
  auto no = apply(a, "T-REFUSE");
  EXPECT_EQ(no.status, 409) << no.body;
  EXPECT_EQ(no.error_code(), "application.ineligible");
  ASSERT_TRUE(no.json["error"].contains("details"));
  EXPECT_NE(no.json["error"]["details"][0]["message"].get<std::string>().find("研发费用"),
            std::string::npos);
  EXPECT_EQ(apply(a, "NO-SUCH").status, 404);
  // Nothing was stored by the refusals. (Only the applications of the test's
  // policies count: the firm's data change may let the 免申即享 worker grant
  // it a demo policy in the background, as it should.)
  EXPECT_EQ(count("SELECT COUNT(*) FROM applications WHERE policy_id LIKE 'T-%'"), 0);
  // A draft can be saved, changed and deleted.
  auto draft = apply(a, "T-REFUSE", {{"submit", false}});
  ASSERT_EQ(draft.status, 201) << draft.body;
  EXPECT_EQ(draft.json["status"], "draft");
  EXPECT_TRUE(draft.json["decision"].is_null());
  int64_t id = draft.json["id"];
  EXPECT_EQ(del(fmt::format("/api/v1/applications/{}", id), agent(2)).status, 404);
  EXPECT_EQ(del(fmt::format("/api/v1/applications/{}", id), a).status, 204);
  EXPECT_EQ(count("SELECT COUNT(*) FROM applications WHERE policy_id LIKE 'T-%'"), 0);
}

json review_policy(const std::string& id) {
  return {
      {"id", id},
      {"name", "测试审核政策 " + id},
      {"conditions", json::array({{{"clause", "注册地在宝安区"}, {"rule", "注册地 == \"宝安区\""}},
                                  {{"clause", "项目在宝安区实施"},
                                   {"verifiable", false},
                                   {"material", "项目实施地证明"}}})},
      {"award", "50万"},
      {"budget", "1亿"},
      {"materials", json::array({{{"name", "申报承诺书"}, {"commitment", true}}})}};
}

TEST_P(ApplicationsApi, ReviewWithReturnResubmissionAndApproval) {
  publish(review_policy("T-REVIEW"));
  Session a = agent(1);
  eligible(a.enterprise_id);

  auto form = get("/api/v1/applications/form?policy_id=T-REVIEW", a);
  ASSERT_EQ(form.status, 200) << form.body;
  EXPECT_FALSE(form.json["instant"].get<bool>());
  EXPECT_EQ(form.json["conditions"][0]["ask"], "none");
  EXPECT_EQ(form.json["conditions"][1]["ask"], "commitment_or_material");

  // The manual condition needs something from the firm.
  auto incomplete = apply(a, "T-REVIEW");
  EXPECT_EQ(incomplete.status, 400) << incomplete.body;
  EXPECT_EQ(incomplete.error_code(), "application.incomplete");

  // Materials: typed by their bytes, stored once per content.
  std::string pdf = "%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";
  auto up = request("POST", "/api/v1/materials?name=%E7%A7%9F%E8%B5%81%E5%90%88%E5%90%8C.pdf", pdf,
                    "application/pdf", a);
  ASSERT_EQ(up.status, 201) << up.body;
  EXPECT_EQ(up.json["kind"], "pdf");
  EXPECT_EQ(up.json["file_name"], "租赁合同.pdf");
  auto up2 = request("POST", "/api/v1/materials?name=copy.pdf", pdf, "application/octet-stream", a);
  ASSERT_EQ(up2.status, 201);
  EXPECT_EQ(up2.json["sha256"], up.json["sha256"]);
  EXPECT_EQ(count("SELECT COUNT(*) FROM material_files"), 1);
  EXPECT_EQ(request("POST", "/api/v1/materials", "just text", "text/plain", a).status, 415);
  EXPECT_EQ(request("POST", "/api/v1/materials", "", "application/pdf", a).status, 400);
  int64_t upload = up.json["id"];
  auto dl = get(fmt::format("/api/v1/materials/{}", upload), a);
  EXPECT_EQ(dl.status, 200);
  EXPECT_EQ(dl.body, pdf);
  EXPECT_EQ(get(fmt::format("/api/v1/materials/{}", upload), agent(2)).status, 404);
  // Another firm's upload cannot be cited.
  auto foreign =
      apply(agent(2), "T-REVIEW",
            {{"materials",
              json::array({{{"name", "项目实施地证明"}, {"condition", 1}, {"id", upload}}})}});
  EXPECT_EQ(foreign.status, 400) << foreign.body;

  auto r = apply(a, "T-REVIEW",
                 {{"materials",
                   json::array({{{"name", "项目实施地证明"}, {"condition", 1}, {"id", upload}}})}});
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json["status"], "submitted");
  EXPECT_EQ(r.json["decision"]["outcome"], "review");
  EXPECT_FALSE(r.json["decision"]["instant"].get<bool>());
  int64_t id = r.json["id"];

  Session rev = as(Role::kReviewer);
  auto queue = get("/api/v1/review/queue", rev);
  ASSERT_EQ(queue.status, 200) << queue.body;
  ASSERT_EQ(queue.json["total"], 1);
  EXPECT_EQ(queue.json["items"][0]["id"], id);
  EXPECT_EQ(get("/api/v1/review/queue", a).status, 403);

  auto asg = post(fmt::format("/api/v1/review/applications/{}/assign", id), json::object(), rev);
  ASSERT_EQ(asg.status, 200) << asg.body;
  EXPECT_EQ(asg.json["status"], "in_review");
  // Another reviewer cannot act on it.
  Session rev2 = login("reviewer2");
  EXPECT_EQ(
      post(fmt::format("/api/v1/review/applications/{}/approve", id), json::object(), rev2).status,
      403);

  // The checklist: the data settled condition 0; condition 1 and the material are open.
  auto v = get(fmt::format("/api/v1/applications/{}", id), rev);
  ASSERT_EQ(v.status, 200);
  const json& cl = v.json["checklist"];
  ASSERT_EQ(cl.size(), 3u) << cl.dump();
  EXPECT_TRUE(cl[0]["automatic"].get<bool>());
  EXPECT_EQ(cl[1]["key"], "condition:1");
  EXPECT_EQ(cl[1]["provided"].size(), 1u);
  EXPECT_EQ(cl[2]["key"], "material:申报承诺书");

  // Not everything is checked: approval is refused with the open items.
  auto early = post(fmt::format("/api/v1/review/applications/{}/approve", id), json::object(), rev);
  EXPECT_EQ(early.status, 409) << early.body;
  EXPECT_EQ(early.error_code(), "review.cannot_approve");

  // 退回补正 needs reasons.
  EXPECT_EQ(post(fmt::format("/api/v1/review/applications/{}/return", id),
                 {{"reasons", json::array()}}, rev)
                .status,
            400);
  auto ret = post(fmt::format("/api/v1/review/applications/{}/return", id),
                  {{"reasons", {"请签署申报承诺书"}},
                   {"items", {{{"key", "condition:1"}, {"verdict", "pass"}}}}},
                  rev);
  ASSERT_EQ(ret.status, 200) << ret.body;
  EXPECT_EQ(ret.json["status"], "returned");
  EXPECT_EQ(
      count(fmt::format(
          "SELECT COUNT(*) FROM notifications WHERE dedup_key = 'application:{}:returned:1'", id)),
      1);
  v = get(fmt::format("/api/v1/applications/{}", id), a);
  EXPECT_EQ(v.json["reasons"][0], "请签署申报承诺书");

  // The firm corrects and resubmits; it goes back to the same reviewer.
  auto fix = put(
      fmt::format("/api/v1/applications/{}", id),
      {{"materials", json::array({{{"name", "项目实施地证明"}, {"condition", 1}, {"id", upload}},
                                  {{"name", "申报承诺书"}, {"commitment", true}}})},
       {"submit", true}},
      a);
  ASSERT_EQ(fix.status, 200) << fix.body;
  EXPECT_EQ(fix.json["status"], "in_review");

  // The verdict on condition 1 survived the resubmission (nothing changed for it).
  auto ok =
      post(fmt::format("/api/v1/review/applications/{}/approve", id),
           {{"items", {{{"key", "material:申报承诺书"}, {"verdict", "pass"}, {"note", "已签署"}}}},
            {"note", "材料齐全"}},
           rev);
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.json["status"], "approved");
  EXPECT_EQ(ok.json["decision"]["kind"], "review");
  EXPECT_EQ(ok.json["decision"]["award_fen"], 50'000'000);

  v = get(fmt::format("/api/v1/applications/{}", id), a);
  ASSERT_EQ(v.status, 200);
  EXPECT_EQ(v.json["status"], "approved");
  EXPECT_EQ(v.json["decisions"].size(), 3u);  // submission, resubmission, review
  std::vector<std::string> actions;
  for (const auto& e : v.json["timeline"]) actions.push_back(e["action"]);
  EXPECT_EQ(actions, (std::vector<std::string>{"create", "submit", "assign", "return", "save",
                                               "resubmit", "approve"}));
  for (const auto& e : v.json["timeline"]) EXPECT_FALSE(e["at"].get<std::string>().empty());
  EXPECT_EQ(v.json["timeline"][6]["actor"]["role"], "reviewer");
  EXPECT_EQ(
      count(fmt::format(
          "SELECT COUNT(*) FROM notifications WHERE dedup_key = 'application:{}:approved'", id)),
      1);

  auto ver = services().applications->verify(id);
  ASSERT_TRUE(ver.ok());
  ASSERT_EQ(ver->size(), 3u);
  for (const auto& c : *ver)
    EXPECT_TRUE(c.report.ok()) << (c.report.problems.empty() ? "" : c.report.problems[0]);
}

TEST_P(ApplicationsApi, RejectionWithReasons) {
  publish(review_policy("T-REJECT"));
  Session a = agent(2);
  eligible(a.enterprise_id);
  auto r = apply(
      a, "T-REJECT",
      {{"declarations",
        json::array({{{"condition", 1}, {"commitment", true}, {"text", "项目在西乡街道实施"}}})}});
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json["status"], "submitted");
  int64_t id = r.json["id"];
  Session rev = as(Role::kReviewer);
  auto no_reason =
      post(fmt::format("/api/v1/review/applications/{}/reject", id), json::object(), rev);
  EXPECT_EQ(no_reason.status, 400);
  EXPECT_EQ(no_reason.error_code(), "review.reasons_required");
  auto rej = post(fmt::format("/api/v1/review/applications/{}/reject", id),
                  {{"reasons", {"项目实施地不在宝安区"}},
                   {"items", {{{"key", "condition:1"}, {"verdict", "fail"}}}}},
                  rev);
  ASSERT_EQ(rej.status, 200) << rej.body;
  EXPECT_EQ(rej.json["status"], "rejected");
  EXPECT_EQ(rej.json["decision"]["outcome"], "rejected");
  auto v = get(fmt::format("/api/v1/applications/{}", id), a);
  EXPECT_EQ(v.json["status"], "rejected");
  EXPECT_EQ(v.json["reasons"][0], "项目实施地不在宝安区");
  EXPECT_EQ(
      count(fmt::format(
          "SELECT COUNT(*) FROM notifications WHERE dedup_key = 'application:{}:rejected'", id)),
      1);
  // Final: no more actions; a second application for the year is refused.
  EXPECT_EQ(
      post(fmt::format("/api/v1/review/applications/{}/approve", id), json::object(), rev).status,
      409);
  // A wrong-typed body is a 400 naming the field, whatever the state (not
  // the 409 of a final application): reasons are a list, an amount is text.
  std::string before = database_fingerprint();
  auto expect_named = [](const ApiResponse& got, const std::string& field) {
    EXPECT_EQ(got.status, 400) << got.body;
    EXPECT_EQ(got.error_code(), "bad_request.wrong_type") << got.body;
    EXPECT_EQ(got.json["error"]["details"][0]["field"], field) << got.body;
  };
  for (const char* action : {"reject", "return"})
    expect_named(post(fmt::format("/api/v1/review/applications/{}/{}", id, action),
                      {{"reasons", "项目实施地不在宝安区"}}, rev),
                 "reasons");
  for (const json& amount : {json(300000), json(88000.5), json(true)})
    expect_named(post(fmt::format("/api/v1/review/applications/{}/approve", id), {{"amount", amount}}, rev),
                 "amount");
  EXPECT_EQ(database_fingerprint(), before);
  EXPECT_EQ(apply(a, "T-REJECT").error_code(), "application.duplicate");
  auto ver = services().applications->verify(id);
  ASSERT_TRUE(ver.ok());
  for (const auto& c : *ver) {
    EXPECT_TRUE(c.report.ok()) << c.kind << " " << c.outcome << ": "
                               << (c.report.problems.empty() ? "" : c.report.problems[0]);
  }
}

TEST_P(ApplicationsApi, ExclusivityTheHigherLaterAwardWins) {
  json low = simple_policy("T-EX-LOW", "20万");
  low["exclusivity_group"] = "测试同一事项";
  json high = simple_policy("T-EX-HIGH", "50万");
  high["exclusivity_group"] = "测试同一事项";
  json lower = simple_policy("T-EX-LOWER", "10万");
  lower["exclusivity_group"] = "测试同一事项";
  publish(low);
  publish(high);
  publish(lower);
  Session a = agent(1);
  eligible(a.enterprise_id);
  auto first = apply(a, "T-EX-LOW");
  ASSERT_EQ(first.status, 201) << first.body;
  EXPECT_EQ(first.json["status"], "approved");
  int64_t first_id = first.json["id"];

  // A higher award of the same group: a person confirms (highest wins).
  auto second = apply(a, "T-EX-HIGH");
  ASSERT_EQ(second.status, 201) << second.body;
  EXPECT_EQ(second.json["status"], "submitted");
  int64_t id = second.json["id"];
  Session rev = as(Role::kReviewer);
  auto v = get(fmt::format("/api/v1/applications/{}", id), rev);
  bool has_item = false;
  for (const auto& it : v.json["checklist"]) has_item = has_item || it["key"] == "exclusivity";
  EXPECT_TRUE(has_item) << v.json["checklist"].dump();
  auto ok = post(fmt::format("/api/v1/review/applications/{}/approve", id),
                 {{"items", {{{"key", "exclusivity"}, {"verdict", "pass"}}}}}, rev);
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.json["decision"]["award_fen"], 50'000'000);
  // The earlier, lower award is replaced.
  auto f = get(fmt::format("/api/v1/applications/{}", first_id), a);
  EXPECT_EQ(f.json["status"], "rejected");
  EXPECT_NE(f.json["reasons"][0].get<std::string>().find("取代"), std::string::npos);
  EXPECT_EQ(f.json["timeline"].back()["action"], "supersede");

  // A lower one after that gets nothing: refused at submission.
  auto third = apply(a, "T-EX-LOWER");
  EXPECT_EQ(third.status, 409) << third.body;
  EXPECT_EQ(third.error_code(), "application.exclusive");
}

TEST_P(ApplicationsApi, TopUpPaysOnlyTheDifference) {
  json provincial = simple_policy("T-TOP-A", "20万");
  provincial["exclusivity_group"] = "测试梯度培育";
  json national = simple_policy("T-TOP-B", "50万");
  national["exclusivity_group"] = "测试梯度培育";
  national["top_up"] = true;
  publish(provincial);
  publish(national);
  Session a = agent(3);
  eligible(a.enterprise_id);
  auto first = apply(a, "T-TOP-A");
  ASSERT_EQ(first.status, 201) << first.body;
  EXPECT_EQ(first.json["decision"]["award_fen"], 20'000'000);
  auto second = apply(a, "T-TOP-B");
  ASSERT_EQ(second.status, 201) << second.body;
  EXPECT_EQ(second.json["status"], "approved");  // 差额补齐 is computed, not a conflict
  EXPECT_EQ(second.json["decision"]["award_fen"], 30'000'000);
  int64_t id = second.json["id"];
  auto d = get(fmt::format("/api/v1/applications/{}/decisions/{}", id,
                           second.json["decision"]["id"].get<int64_t>()),
               a);
  ASSERT_EQ(d.status, 200);
  const json& steps = d.json["record"]["result"]["award"]["steps"];
  EXPECT_EQ(steps.back()["rule"], "top_up");
  EXPECT_EQ(steps.back()["before_fen"], 50'000'000);
  EXPECT_EQ(steps.back()["after_fen"], 30'000'000);
  EXPECT_EQ(d.json["record"]["inputs"]["earlier_awards"].size(), 1u);
  // The earlier award stays.
  EXPECT_EQ(get(fmt::format("/api/v1/applications/{}", first.json["id"].get<int64_t>()), a)
                .json["status"],
            "approved");
}

TEST_P(ApplicationsApi, TaxCapLimitsTheAward) {
  json p = simple_policy("T-TAX", "研发费用[上年度] * 30%");
  p["tax_capped"] = true;
  p["caps"] = {{"per_application", "500万"}};
  publish(p);
  Session a = agent(1);
  facts(a.enterprise_id, {{"注册地", "宝安区"},
                          {"严重失信", "false"},
                          {"研发费用[2024]", "10000000"},
                          {"纳税总额[2024]", "1234567.89"}});
  auto r = apply(a, "T-TAX");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json["status"], "approved");
  EXPECT_EQ(r.json["decision"]["award_fen"], 123'456'789);
  auto d = get(fmt::format("/api/v1/applications/{}/decisions/{}", r.json["id"].get<int64_t>(),
                           r.json["decision"]["id"].get<int64_t>()),
               a);
  const json& steps = d.json["record"]["result"]["award"]["steps"];
  ASSERT_EQ(steps.size(), 3u) << steps.dump();
  EXPECT_EQ(steps[1]["rule"], "per_application");
  EXPECT_EQ(steps[1]["after_fen"], 300'000'000);
  EXPECT_EQ(steps[2]["rule"], "tax");
  EXPECT_EQ(steps[2]["before_fen"], 300'000'000);
  EXPECT_EQ(steps[2]["limit_fen"], 123'456'789);
  EXPECT_EQ(steps[2]["after_fen"], 123'456'789);

  // Without the tax fact the amount is for a reviewer to fix.
  Session b = agent(2);
  facts(b.enterprise_id, {{"注册地", "宝安区"},
                          {"严重失信", "false"},
                          {"研发费用[2024]", "10000000"},
                          {"纳税总额[2024]", std::nullopt}});
  auto rb = apply(b, "T-TAX");
  ASSERT_EQ(rb.status, 201) << rb.body;
  EXPECT_EQ(rb.json["status"], "submitted");
  int64_t id = rb.json["id"];
  Session rev = as(Role::kReviewer);
  auto ok = post(fmt::format("/api/v1/review/applications/{}/approve", id),
                 {{"items", {{{"key", "award"}, {"verdict", "pass"}, {"note", "按完税证明核定"}}}},
                  {"amount", "88000.5"}},
                 rev);
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.json["decision"]["award_fen"], 8'800'050);
}

TEST_P(ApplicationsApi, ProRataBudgetCutIsExactToTheFen) {
  json p = simple_policy("T-PRORATA", "研发费用[上年度] * 10%");
  p["budget"] = "50";  // 50 yuan for 30 + 20 + 10 yuan of awards
  p["budget_mode"] = "pro_rata";
  publish(p);
  std::vector<std::string> rd = {"300", "200", "100"};
  std::vector<int64_t> ids;
  for (int k = 1; k <= 3; ++k) {
    Session s = agent(k);
    eligible(s.enterprise_id, rd[static_cast<size_t>(k - 1)]);
    clock().advance(std::chrono::minutes(1));
    auto r = apply(s, "T-PRORATA");
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.json["status"], "approved");  // pro rata: the cut is made at batch close
    ids.push_back(r.json["id"]);
  }
  auto b = get("/api/v1/review/budgets/T-PRORATA", login("reviewer1"));
  ASSERT_EQ(b.status, 200) << b.body;
  EXPECT_EQ(b.json["mode"], "pro_rata");
  EXPECT_EQ(b.json["budget_fen"], 5000);
  EXPECT_EQ(b.json["committed_fen"], 6000);
  EXPECT_TRUE(b.json["over_budget"].get<bool>());
  ASSERT_EQ(b.json["awards"].size(), 3u);
  std::vector<int64_t> got;
  for (const auto& a : b.json["awards"]) got.push_back(a["allocated_fen"]);
  // 3000 × 5000/6000 = 2500; 2000 × … = 1666.67; 1000 × … = 833.33: the
  // spare fen goes to the larger remainder.
  EXPECT_EQ(got, (std::vector<int64_t>{2500, 1667, 833}));
  EXPECT_EQ(b.json["allocated_total_fen"], 5000);
  // The function the funds workflow calls at batch close gives the same.
  std::vector<int64_t> requested = {3000, 2000, 1000};
  EXPECT_EQ(workflow::allocate_pro_rata(5000, requested), got);
}

TEST_P(ApplicationsApi, FirstComeBudgetSendsTheShortfallToReview) {
  json p = simple_policy("T-FIRST", "30");
  p["budget"] = "50";
  publish(p);
  Session a = agent(1), b = agent(2);
  eligible(a.enterprise_id);
  eligible(b.enterprise_id);
  auto ra = apply(a, "T-FIRST");
  ASSERT_EQ(ra.status, 201);
  EXPECT_EQ(ra.json["decision"]["award_fen"], 3000);
  auto rb = apply(b, "T-FIRST");
  ASSERT_EQ(rb.status, 201) << rb.body;
  EXPECT_EQ(rb.json["status"], "submitted");  // only 20 yuan left
  auto ok =
      post(fmt::format("/api/v1/review/applications/{}/approve", rb.json["id"].get<int64_t>()),
           {{"items", {{{"key", "budget"}, {"verdict", "pass"}}}}}, as(Role::kReviewer));
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.json["decision"]["award_fen"], 2000);
}

TEST_P(ApplicationsApi, DecisionVerifyFailsWhenAStoredFactIsTampered) {
  publish(simple_policy("T-VERIFY", "min(研发费用[上年度] * 10%, 200万)"));
  Session a = agent(1);
  eligible(a.enterprise_id);
  auto r = apply(a, "T-VERIFY");
  ASSERT_EQ(r.status, 201) << r.body;
  int64_t id = r.json["id"];
  auto before = services::verify_application_decisions(platform().db(), id);
  ASSERT_TRUE(before.ok());
  ASSERT_EQ(before->size(), 1u);
  EXPECT_TRUE((*before)[0].report.ok());

  // Change one recorded fact in the stored record.
  std::string sql =
      backend() == Backend::kPostgres
          ? "UPDATE application_decisions SET record = CAST(replace(CAST(record AS TEXT), "
            "'\"value\":\"1234567.89\"', '\"value\":\"9234567.89\"') AS JSON) WHERE application_id "
            "= $1"
          : "UPDATE application_decisions SET record = replace(record, '\"value\":\"1234567.89\"', "
            "'\"value\":\"9234567.89\"') WHERE application_id = $1";
  Status st = platform().db().transaction([&](store::Tx& tx) -> Status {
    auto n = tx.exec(sql, {id});
    if (!n.ok()) return n.error();
    if (*n != 1) return Error("test", "no row changed");
    return Status::Ok();
  });
  ASSERT_TRUE(st.ok()) << st.error().message;

  auto after = services::verify_application_decisions(platform().db(), id);
  ASSERT_TRUE(after.ok());
  ASSERT_EQ(after->size(), 1u);
  const auto& rep = (*after)[0].report;
  EXPECT_FALSE(rep.ok());
  EXPECT_FALSE(rep.hash_ok);
  EXPECT_FALSE(rep.replay_ok);  // 923456.79 ≠ the recorded 123456.79
  EXPECT_FALSE(rep.problems.empty());
  auto api_check = get(fmt::format("/api/v1/applications/{}/verify", id), as(Role::kAuditor));
  ASSERT_EQ(api_check.status, 200);
  EXPECT_FALSE(api_check.json["ok"].get<bool>());
}

TEST_P(ApplicationsApi, HistoryAtAGivenDateAndReminders) {
  publish(simple_policy("T-HIST", "10万"));
  json soon = simple_policy("T-SOON", "10万");
  soon["window"] = {{"start", "2026-11-01"}, {"end", "2026-11-29"}};
  publish(soon);
  // Seeding: an application made on an earlier date through the service.
  int64_t ent = firm(4);
  eligible(ent);
  services::Caller who;
  who.actor.user_id = 0;
  who.actor.username = "system:seed";
  who.name = "历史数据";
  who.at = std::chrono::system_clock::time_point(std::chrono::days(*parse_date("2026-11-05"))) +
           std::chrono::hours(2);
  services::ApplicationInput in;
  in.enterprise_id = ent;
  in.policy_id = "T-HIST";
  Issues issues;
  auto r = services().applications->create(who, in, &issues);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->status, "approved");
  auto v = get(fmt::format("/api/v1/applications/{}", r->id), as(Role::kReviewer));
  EXPECT_EQ(v.json["submitted_at"].get<std::string>().substr(0, 10), "2026-11-05");
  auto d = services().applications->decision(r->id, r->decision->id);
  ASSERT_TRUE(d.ok() && *d);
  EXPECT_EQ((**d)["record"]["inputs"]["evaluated_on"], "2026-11-05");

  // A draft two days before the window closes gets one reminder.
  Session a = agent(1);
  eligible(a.enterprise_id);
  auto draft = apply(a, "T-SOON", {{"submit", false}});
  ASSERT_EQ(draft.status, 201) << draft.body;
  auto sent = services().applications->send_reminders();
  ASSERT_TRUE(sent.ok());
  EXPECT_EQ(*sent, 1);
  EXPECT_EQ(*services().applications->send_reminders(), 0);
  EXPECT_EQ(count(fmt::format("SELECT COUNT(*) FROM notifications WHERE dedup_key = "
                              "'application:{}:reminder:2026-11-29'",
                              draft.json["id"].get<int64_t>())),
            1);
}

ZHIDA_API_TEST(ApplicationsApi);

}  // namespace
}  // namespace zhida::http::testing
