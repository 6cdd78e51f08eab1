// The policy lifecycle, the rule editor endpoints, per-policy match lists
// and their Excel export, and the sandbox (C2, C3) through the real server,
// on SQLite and PostgreSQL (testing/api_fixture.h).
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>

#include "http/api/testing/api_fixture.h"
#include "http/api/testing/xlsx_reading.h"
#include "http/api/testing/authz_matrix.h"
#include "services/accounts/password.h"
#include "services/demo/corpus.h"
#include "store/audit_store.h"
#include "store/portrait_store.h"

namespace zhida::http::testing {
namespace {

using nlohmann::json;

// For the authorisation matrix: a published policy of the department of
// the policy officer it signs in (the first demo officer: departments
// sorted), so that "allowed" means allowed for the object too. Read from
// the database, whatever the policy's status: the matrix closes and reopens
// it on the way, and the choice must not move to another department's
// policy meanwhile.
std::string matrix_policy(const ParamContext& c) {
  std::vector<store::PolicyRow> rows;
  Status st = c.platform.db().transaction(
      [&](store::Tx& tx) -> Status {
        auto all = store::list_policies(tx);
        if (!all.ok()) return all.error();
        rows = std::move(*all);
        return Status::Ok();
      },
      store::Mode::kRead);
  std::string dept, id;
  if (!st.ok()) return std::string(services::demo::kInstantPolicy);
  for (const auto& r : rows)
    if (r.version > 0 && !r.department.empty() && (dept.empty() || r.department < dept))
      dept = r.department;
  for (const auto& r : rows)
    if (r.version > 0 && r.department == dept && (id.empty() || r.id < id)) id = r.id;
  return id.empty() ? std::string(services::demo::kInstantPolicy) : id;
}
const bool kPolicyIds = register_path_param("/api/v1/policies/", "id", matrix_policy);
const bool kVersions =
    register_path_param("/api/v1/policies/", "version", [](const ParamContext&) { return "1"; });
const bool kCreateBody = register_sample_body("POST", "/api/v1/policies", [](const ParamContext&) {
  return json{{"name", "矩阵测试政策"},
              {"conditions", {{{"clause", "四上企业"}, {"rule", "四上企业"}}}}};
});
const bool kSandboxBody =
    register_sample_body("POST", "/api/v1/sandbox", [](const ParamContext& c) {
      return json{{"policy_id", matrix_policy(c)}};
    });
const bool kCompileBody =
    register_sample_body("POST", "/api/v1/rules/compile", [](const ParamContext&) {
      return json{{"rule", "四上企业"}};
    });
const bool kParseBody =
    register_sample_body("POST", "/api/v1/rules/parse", [](const ParamContext&) {
      return json{{"rule", "四上企业"}};
    });
const bool kPrintBody =
    register_sample_body("POST", "/api/v1/rules/print", [](const ParamContext&) {
      return json{{"tree", {{"kind", "attr"}, {"name", "四上企业"}}}};
    });

constexpr const char* kDept = "科技创新局";

json draft_policy() {
  return json::parse(R"J({
    "name": "研发投入后补助（接口测试）",
    "document": "测试文件",
    "reference_year": 2025,
    "conditions": [
      {"clause": "注册地在宝安区", "rule": "注册地 == \"宝安区\""},
      {"clause": "上年度研发费用 100 万元以上", "rule": "研发费用[上年度] >= 100万"},
      {"clause": "未被列入严重失信主体名单", "rule": "not 严重失信"}
    ],
    "award": "min(研发费用[上年度] * 10%, 200万)",
    "window": {"start": "2026-11-01", "end": "2026-12-31"},
    "budget": "5000万"
  })J");
}

class PoliciesApi : public ApiFixture {
 protected:
  void SetUp() override {
    ApiFixture::SetUp();
    if (HasFatalFailure() || IsSkipped()) return;
    for (const auto& a : demo_accounts()) {
      if (a.role != "policy_officer") continue;
      if (a.department == kDept) kjj_ = as(a.username);
      if (a.department == "商务局") swj_ = as(a.username);
    }
    ASSERT_FALSE(kjj_.anonymous());
    ASSERT_FALSE(swj_.anonymous());
  }

  // A draft created by the 科技创新局 officer; returns its id.
  std::string create_draft(json body = draft_policy()) {
    ApiResponse r = post("/api/v1/policies", body, kjj_);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json.value("id", "");
  }
  std::string publish(const std::string& id) {
    ApiResponse r = post("/api/v1/policies/" + id + "/publish", json::object(), kjj_);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.body;
  }
  std::vector<std::string> audit_actions(const std::string& prefix) {
    std::vector<std::string> out;
    Status st = platform().db().transaction(
        [&](store::Tx& tx) -> Status {
          store::AuditFilter f;
          f.action = prefix + "*";
          f.limit = 1000;
          f.newest_first = false;
          int64_t total = 0;
          auto r = store::query_audit(tx, f, &total);
          if (!r.ok()) return r.error();
          for (const auto& e : *r) out.push_back(e.action);
          return Status::Ok();
        },
        store::Mode::kRead);
    EXPECT_TRUE(st.ok());
    return out;
  }

  Session kjj_, swj_;
};

// ---- the lifecycle

TEST_P(PoliciesApi, WholeLifecycle) {
  // Create: the next id of this year, a draft in the officer's department.
  ApiResponse created = post("/api/v1/policies", draft_policy(), kjj_);
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = created.json["id"];
  EXPECT_EQ(id, "BA-2026-001");
  EXPECT_EQ(created.json["status"], "draft");
  EXPECT_EQ(created.json["version"], 0);
  EXPECT_EQ(created.json["department"], kDept);
  EXPECT_EQ(created.json["can_edit"], true);
  EXPECT_TRUE(created.json["warnings"].empty());
  const std::string first_hash = created.json["draft_hash"];

  // Edit with errors: every problem with its field and positions; nothing changes.
  std::string bad_text = R"J({
  "name": "研发投入后补助（接口测试）",
  "reference_year": 2025,
  "conditions": [
    {"clause": "注册地在宝安区", "rule": "注册地 == \"宝安区\""},
    {"clause": "上年度研发费用", "rule": "研发费用 >= 100万 and 营收[上年度] > 1"}
  ],
  "budget": "很多",
  "colour": "red"
})J";
  std::string before = database_fingerprint();
  ApiResponse rejected =
      request("PUT", "/api/v1/policies/" + id + "/draft", bad_text, "application/json", kjj_);
  ASSERT_EQ(rejected.status, 400) << rejected.body;
  EXPECT_EQ(rejected.error_code(), "policy.invalid");
  std::map<std::string, json> by_code;
  for (const json& d : rejected.json["error"]["details"]) by_code[d["code"]] = d;
  ASSERT_TRUE(by_code.count("rule.missing_period")) << rejected.body;
  json& period = by_code["rule.missing_period"];
  EXPECT_EQ(period["field"], "conditions[1].rule");
  EXPECT_EQ(period["line"], 1);
  EXPECT_EQ(period["column"], 1);
  EXPECT_EQ(period["length"], 4);
  EXPECT_EQ(period["json_line"], 6);
  EXPECT_EQ(period["json_column"], 35);
  EXPECT_EQ(by_code["rule.unknown_attribute"]["column"], 18);
  EXPECT_EQ(by_code["policy.bad_amount"]["field"], "budget");
  EXPECT_EQ(by_code["policy.bad_amount"]["json_line"], 8);
  EXPECT_EQ(by_code["policy.unknown_field"]["field"], "colour");
  EXPECT_EQ(by_code["policy.unknown_field"]["json_line"], 9);
  EXPECT_EQ(database_fingerprint(), before);

  // Fix it (with the hash the officer saw); a warning comes back.
  json with_warning = draft_policy();
  with_warning["conditions"].push_back({{"clause", "位于沙井"}, {"rule", "街道 == \"沙井街道\""}});
  ApiResponse saved =
      request("PUT", "/api/v1/policies/" + id + "/draft", with_warning.dump(), "application/json",
              kjj_, Headers{{"If-Match", "\"" + first_hash + "\""}});
  ASSERT_EQ(saved.status, 200) << saved.body;
  ASSERT_EQ(saved.json["warnings"].size(), 1u);
  EXPECT_EQ(saved.json["warnings"][0]["code"], "rule.unknown_enum_value");
  EXPECT_EQ(saved.json["warnings"][0]["field"], "conditions[3].rule");
  // The same stale hash again: refused.
  ApiResponse stale =
      request("PUT", "/api/v1/policies/" + id + "/draft", draft_policy().dump(), "application/json",
              kjj_, Headers{{"If-Match", "\"" + first_hash + "\""}});
  EXPECT_EQ(stale.status, 409);
  EXPECT_EQ(stale.error_code(), "policy.draft_changed");
  ASSERT_EQ(put("/api/v1/policies/" + id + "/draft", draft_policy(), kjj_).status, 200);

  // Sandbox the saved draft before publishing.
  ApiResponse sb = post("/api/v1/sandbox", {{"policy_id", id}}, kjj_);
  ASSERT_EQ(sb.status, 200) << sb.body;
  EXPECT_GT(sb.json["match"].get<int64_t>(), 0);
  EXPECT_EQ(sb.json["compared"], false);
  EXPECT_EQ(sb.json["budget"], "50000000");

  // Publish: version 1, its hash, in force for enterprises.
  ApiResponse pub = post("/api/v1/policies/" + id + "/publish", json::object(), kjj_);
  ASSERT_EQ(pub.status, 200) << pub.body;
  EXPECT_EQ(pub.json["status"], "published");
  EXPECT_EQ(pub.json["version"], 1);
  EXPECT_EQ(pub.json["published"]["version"], 1);
  EXPECT_EQ(pub.json["draft_changed"], false);
  const std::string hash1 = pub.json["published"]["hash"];
  EXPECT_EQ(pub.json["hash"], hash1);
  Session firm = as(Role::kEnterpriseLegal);
  ApiResponse seen = get("/api/v1/policies/" + id, firm);
  ASSERT_EQ(seen.status, 200);
  EXPECT_FALSE(seen.json.contains("draft"));
  EXPECT_EQ(post("/api/v1/policies/" + id + "/publish", json::object(), kjj_).error_code(),
            "policy.unchanged");

  // The version is immutable: editing the draft leaves it as it was.
  ApiResponse v1 = get("/api/v1/policies/" + id + "/versions/1", kjj_);
  ASSERT_EQ(v1.status, 200);
  EXPECT_EQ(v1.json["hash"], hash1);
  EXPECT_EQ(v1.json["intact"], true);
  json edited = draft_policy();
  edited["conditions"][1]["rule"] = "研发费用[上年度] >= 300万";
  edited["budget"] = "6000万";
  ApiResponse e = put("/api/v1/policies/" + id + "/draft", edited, kjj_);
  ASSERT_EQ(e.status, 200);
  EXPECT_EQ(e.json["draft_changed"], true);
  EXPECT_EQ(e.json["version"], 1);
  EXPECT_EQ(e.json["budget"], "50000000") << "the top level is still the version in force";
  EXPECT_EQ(get("/api/v1/policies/" + id + "/versions/1", kjj_).body, v1.body);

  // The sandbox compares the edit with the published version: firms lost.
  ApiResponse cmp = post("/api/v1/sandbox", {{"policy_id", id}}, kjj_);
  ASSERT_EQ(cmp.status, 200) << cmp.body;
  EXPECT_EQ(cmp.json["compared"], true);
  EXPECT_EQ(cmp.json["compared_version"], 1);
  EXPECT_GT(cmp.json["lost"].get<int64_t>(), 0);
  EXPECT_EQ(cmp.json["gained"], 0);
  EXPECT_EQ(cmp.json["published_match"].get<int64_t>(),
            cmp.json["match"].get<int64_t>() + cmp.json["lost"].get<int64_t>());

  // A second version; the diff says what changed.
  ApiResponse pub2 =
      post("/api/v1/policies/" + id + "/publish", {{"draft_hash", e.json["draft_hash"]}}, kjj_);
  ASSERT_EQ(pub2.status, 200) << pub2.body;
  EXPECT_EQ(pub2.json["version"], 2);
  EXPECT_NE(pub2.json["hash"], hash1);
  ApiResponse versions = get("/api/v1/policies/" + id + "/versions", kjj_);
  ASSERT_EQ(versions.status, 200);
  ASSERT_EQ(versions.json["items"].size(), 2u);
  EXPECT_EQ(versions.json["items"][0]["hash"], hash1);
  ApiResponse diff = get("/api/v1/policies/" + id + "/diff?from=1&to=2", kjj_);
  ASSERT_EQ(diff.status, 200) << diff.body;
  EXPECT_EQ(diff.json["conditions"]["changed"].size(), 1u);
  EXPECT_EQ(diff.json["conditions"]["changed"][0]["after"]["rule"], "研发费用[上年度] >= 300万");
  EXPECT_EQ(diff.json["terms"][0]["field"], "budget");
  EXPECT_EQ(diff.json["terms"][0]["after"], "60000000");
  EXPECT_EQ(get("/api/v1/policies/" + id + "/diff", kjj_).json["changed"], false);  // draft vs v2

  // Close: out of force (and of the enterprise's list); reopen.
  ApiResponse closed = post("/api/v1/policies/" + id + "/close", {{"reason", "资金已用完"}}, kjj_);
  ASSERT_EQ(closed.status, 200) << closed.body;
  EXPECT_EQ(closed.json["status"], "closed");
  EXPECT_EQ(get("/api/v1/policies/" + id, firm).status, 404);
  ApiResponse firm_list = get("/api/v1/policies", firm);
  for (const json& p : firm_list.json["items"]) EXPECT_NE(p["id"], id);
  ApiResponse closed_list = get("/api/v1/policies?status=closed", kjj_);
  ASSERT_EQ(closed_list.json["items"].size(), 1u);
  EXPECT_EQ(closed_list.json["items"][0]["id"], id);
  EXPECT_EQ(post("/api/v1/policies/" + id + "/close", json::object(), kjj_).error_code(),
            "policy.already_closed");
  ApiResponse reopened = post("/api/v1/policies/" + id + "/reopen", json::object(), kjj_);
  ASSERT_EQ(reopened.status, 200);
  EXPECT_EQ(reopened.json["status"], "published");
  EXPECT_EQ(get("/api/v1/policies/" + id, firm).status, 200);
  EXPECT_EQ(post("/api/v1/policies/" + id + "/reopen", json::object(), kjj_).error_code(),
            "policy.not_closed");

  // Every write on the audit trail, in order.
  EXPECT_EQ(audit_actions("policy."),
            (std::vector<std::string>{"policy.create", "policy.update_draft", "policy.update_draft",
                                      "policy.publish", "policy.update_draft", "policy.publish",
                                      "policy.close", "policy.reopen"}));
}

TEST_P(PoliciesApi, ListsAndDetailBySomeoneWhoMaySeeThem) {
  std::string id = create_draft();
  Session leader = as(Role::kLeader), reviewer = as(Role::kReviewer),
          firm = as(Role::kEnterpriseAgent);
  // Staff see all three states (counts), enterprises only what is in force.
  ApiResponse all = get("/api/v1/policies", leader);
  ASSERT_EQ(all.status, 200);
  EXPECT_EQ(all.json["total"], 34);
  EXPECT_EQ(all.json["counts"]["draft"], 1);
  EXPECT_EQ(all.json["counts"]["published"], 33);
  ApiResponse drafts = get("/api/v1/policies?status=draft", leader);
  ASSERT_EQ(drafts.json["items"].size(), 1u);
  EXPECT_EQ(drafts.json["items"][0]["id"], id);
  EXPECT_TRUE(drafts.json["items"][0].contains("draft"));
  EXPECT_EQ(get("/api/v1/policies", firm).json["total"], 33);
  EXPECT_EQ(get("/api/v1/policies?status=draft", firm).json["total"], 33)
      << "enterprises: in force, whatever asked";
  EXPECT_EQ(get("/api/v1/policies", reviewer).json["total"], 33)
      << "a draft is not the reviewer's business";
  EXPECT_EQ(get("/api/v1/policies", swj_).json["total"], 33)
      << "nor another department's officer's";
  // Paging and the other filters.
  ApiResponse page = get("/api/v1/policies?offset=30&limit=2", leader);
  EXPECT_EQ(page.json["items"].size(), 2u);
  EXPECT_EQ(page.json["total"], 34);
  EXPECT_EQ(get("/api/v1/policies?department=商务局", leader).json["total"], 3);
  EXPECT_EQ(get("/api/v1/policies?q=" + std::string("%E6%8E%A5%E5%8F%A3%E6%B5%8B%E8%AF%95"), leader)
                .json["total"],
            1);  // 接口测试
  // The fixed shape: the published fields at the top.
  ApiResponse one = get("/api/v1/policies/BA-2025-025", firm);
  ASSERT_EQ(one.status, 200);
  EXPECT_EQ(one.json["status"], "published");
  EXPECT_EQ(one.json["version"], 1);
  EXPECT_FALSE(one.json["conditions"].empty());
  EXPECT_TRUE(one.json.contains("fully_verifiable"));
  EXPECT_FALSE(one.json.contains("draft"));
  EXPECT_TRUE(get("/api/v1/policies/BA-2025-025", leader).json.contains("draft"));
  EXPECT_TRUE(get("/api/v1/policies/BA-2025-025", as(Role::kAuditor)).json.contains("draft"));
  EXPECT_FALSE(get("/api/v1/policies/BA-2025-025", reviewer).json.contains("draft"));
  EXPECT_EQ(get("/api/v1/policies/" + id, reviewer).status, 404);
  EXPECT_EQ(get("/api/v1/policies/" + id, firm).status, 404);
  EXPECT_EQ(get("/api/v1/policies/" + id, leader).status, 200);
}

TEST_P(PoliciesApi, OfficersWorkOnlyOnTheirDepartmentsPolicies) {
  std::string id = create_draft();
  std::string before = database_fingerprint();
  // Another department's officer: our draft does not exist for them; a
  // published policy of ours can be read, not changed.
  EXPECT_EQ(put("/api/v1/policies/" + id + "/draft", draft_policy(), swj_).status, 404);
  EXPECT_EQ(del("/api/v1/policies/" + id, swj_).status, 404);
  EXPECT_EQ(post("/api/v1/policies/" + id + "/publish", json::object(), swj_).status, 404);
  const std::string ours = "BA-2025-025";
  ApiResponse read = get("/api/v1/policies/" + ours, swj_);
  ASSERT_EQ(read.status, 200);
  EXPECT_EQ(read.json["can_edit"], false);
  EXPECT_FALSE(read.json.contains("draft"));
  json body = read.json;
  for (const char* k : {"status", "version", "published_at", "hash", "created_at", "updated_at",
                        "can_edit", "fully_verifiable"})
    body.erase(k);
  EXPECT_EQ(put("/api/v1/policies/" + ours + "/draft", body, swj_).error_code(), "forbidden");
  EXPECT_EQ(post("/api/v1/policies/" + ours + "/close", json::object(), swj_).error_code(),
            "forbidden");
  EXPECT_EQ(post("/api/v1/policies/" + ours + "/publish", json::object(), swj_).error_code(),
            "forbidden");
  EXPECT_EQ(get("/api/v1/policies/" + ours + "/matches", swj_).error_code(), "forbidden");
  EXPECT_EQ(post("/api/v1/sandbox", {{"policy_id", id}}, swj_).status, 404);
  // Creating in another department.
  json elsewhere = draft_policy();
  elsewhere["department"] = "商务局";
  EXPECT_EQ(post("/api/v1/policies", elsewhere, kjj_).error_code(), "forbidden");
  // Leaders read everything but change nothing.
  Session leader = as(Role::kLeader);
  EXPECT_EQ(post("/api/v1/policies/" + id + "/publish", json::object(), leader).status, 403);
  EXPECT_EQ(put("/api/v1/policies/" + id + "/draft", draft_policy(), leader).status, 403);
  EXPECT_EQ(get("/api/v1/policies/" + ours + "/matches?limit=1", leader).status, 200);
  EXPECT_EQ(database_fingerprint(), before);
  // Enterprise users: no writes at all.
  Session firm = as(Role::kEnterpriseLegal);
  EXPECT_EQ(post("/api/v1/policies", draft_policy(), firm).status, 403);
  EXPECT_EQ(get("/api/v1/policies/" + ours + "/versions", firm).status, 403);
  EXPECT_EQ(database_fingerprint(), before);
  // Our officer deletes the draft (never published); not a published one.
  EXPECT_EQ(del("/api/v1/policies/" + ours, kjj_).error_code(), "policy.published");
  EXPECT_EQ(del("/api/v1/policies/" + id, kjj_).status, 204);
  EXPECT_EQ(get("/api/v1/policies/" + id, kjj_).status, 404);
}

TEST_P(PoliciesApi, ChosenIdsAndAssignedOnes) {
  json chosen = draft_policy();
  chosen["id"] = "KJ-2026-01";
  ApiResponse a = post("/api/v1/policies", chosen, kjj_);
  ASSERT_EQ(a.status, 201) << a.body;
  EXPECT_EQ(a.json["id"], "KJ-2026-01");
  EXPECT_EQ(post("/api/v1/policies", chosen, kjj_).error_code(), "policy.duplicate_id");
  chosen["id"] = "BA-2025-001";
  EXPECT_EQ(post("/api/v1/policies", chosen, kjj_).status, 409);
  chosen["id"] = "含中文/和斜杠";
  ApiResponse bad = post("/api/v1/policies", chosen, kjj_);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.json["error"]["details"][0]["code"], "policy.bad_id");
  EXPECT_EQ(create_draft(), "BA-2026-001");
  EXPECT_EQ(create_draft(), "BA-2026-002");
}

// Over the API an amount is exact text (the document's Amount): a number for
// budget or a cap is a 400 naming the field and saying how to write it,
// before anything is compiled or stored (policy files may still use numbers:
// portrait/policy.cc). The draft route checks the types of id and department
// before comparing them with the stored policy.
TEST_P(PoliciesApi, AmountsAreTextAndIdAndDepartmentAreCheckedForTypeFirst) {
  std::string id = create_draft();
  const std::string draft = "/api/v1/policies/" + id + "/draft";
  std::string before = database_fingerprint();
  auto expect_named = [](const ApiResponse& r, const std::string& field) {
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(r.error_code(), "bad_request.wrong_type") << r.body;
    ASSERT_TRUE(r.json["error"]["details"].is_array()) << r.body;
    EXPECT_EQ(r.json["error"]["details"][0]["field"], field) << r.body;
  };
  json p = draft_policy();
  p["budget"] = 300000;
  ApiResponse r = post("/api/v1/policies", p, kjj_);
  expect_named(r, "budget");
  EXPECT_NE(r.json["error"]["message"].get<std::string>().find("\"300000\""), std::string::npos) << r.body;
  expect_named(request("PUT", draft, p.dump(), "application/json", kjj_), "budget");
  p = draft_policy();
  p["caps"] = {{"per_application", "50万"}, {"per_firm_year", 1000000.5}};
  expect_named(post("/api/v1/policies", p, kjj_), "caps.per_firm_year");
  expect_named(request("PUT", draft, p.dump(), "application/json", kjj_), "caps.per_firm_year");
  for (const char* field : {"id", "department"}) {
    p = draft_policy();
    p[field] = 12345;
    expect_named(request("PUT", draft, p.dump(), "application/json", kjj_), field);
    expect_named(post("/api/v1/policies", p, kjj_), field);
  }
  EXPECT_EQ(database_fingerprint(), before);
  // The same amounts as text are taken.
  p = draft_policy();
  p["budget"] = "300000";
  p["caps"] = {{"per_application", "50万"}, {"per_firm_year", "1000000.5"}};
  r = request("PUT", draft, p.dump(), "application/json", kjj_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["draft"]["budget"], "300000");
}

// ---- bad input for every route: the error code, and nothing changed

TEST_P(PoliciesApi, BadInputChangesNothing) {
  std::string id = create_draft();
  publish(id);
  Session leader = as(Role::kLeader);
  std::string before = database_fingerprint();
  struct Case {
    std::string method, path, body;
    int status;
    std::string code;
  };
  const std::string p = "/api/v1/policies/" + id;
  const Case cases[] = {
      {"GET", "/api/v1/policies?status=maybe", "", 400, "bad_request.bad_query"},
      {"GET", "/api/v1/policies?limit=-1", "", 400, "bad_request.bad_query"},
      {"POST", "/api/v1/policies", "{not json", 400, "bad_request.malformed_json"},
      {"POST", "/api/v1/policies", "[1,2]", 400, "bad_request.wrong_type"},
      {"POST", "/api/v1/policies", R"({"name":"x"})", 400, "policy.invalid"},
      {"POST", "/api/v1/policies", R"({"name":"x","rule":"营收 > 1"})", 400, "policy.invalid"},
      {"GET", "/api/v1/policies/NOPE", "", 404, "db.not_found"},
      {"PUT", "/api/v1/policies/NOPE/draft", draft_policy().dump(), 404, "db.not_found"},
      {"PUT", p + "/draft", "", 400, "bad_request.malformed_json"},
      {"PUT", p + "/draft", R"({"id":"OTHER","name":"x"})", 400, "bad_request.id_mismatch"},
      {"PUT", p + "/draft", R"({"name":"x","department":"商务局"})", 400,
       "bad_request.department_change"},
      {"DELETE", "/api/v1/policies/NOPE", "", 404, "db.not_found"},
      {"DELETE", p, "", 409, "policy.published"},
      {"POST", "/api/v1/policies/NOPE/publish", "", 404, "db.not_found"},
      {"POST", p + "/publish", R"({"draft_hash":"short"})", 400, "bad_request.too_short"},
      {"POST", p + "/publish", R"({"extra":1})", 400, "bad_request.unknown_field"},
      {"POST", p + "/publish", "", 409, "policy.unchanged"},
      {"POST", p + "/close", R"({"reason":5})", 400, "bad_request.wrong_type"},
      {"POST", "/api/v1/policies/NOPE/close", "", 404, "db.not_found"},
      {"POST", p + "/reopen", "", 409, "policy.not_closed"},
      {"POST", "/api/v1/policies/NOPE/reopen", "", 404, "db.not_found"},
      {"GET", "/api/v1/policies/NOPE/versions", "", 404, "db.not_found"},
      {"GET", p + "/versions/0", "", 400, "bad_request.bad_id"},
      {"GET", p + "/versions/x", "", 400, "bad_request.bad_id"},
      {"GET", p + "/versions/9", "", 404, "db.not_found"},
      {"GET", p + "/diff?from=x", "", 400, "bad_request.bad_query"},
      {"GET", p + "/diff?to=0", "", 400, "bad_request.bad_query"},
      {"GET", p + "/diff?from=7&to=1", "", 404, "db.not_found"},
      {"GET", p + "/matches?verdict=no", "", 400, "bad_request.bad_query"},
      {"GET", p + "/matches?sort=size", "", 400, "bad_request.bad_query"},
      {"GET", p + "/matches?limit=0", "", 400, "bad_request.bad_query"},
      {"GET", p + "/matches?limit=5000", "", 400, "bad_request.bad_query"},
      {"GET", p + "/matches?offset=-3", "", 400, "bad_request.bad_query"},
      {"GET", "/api/v1/policies/NOPE/matches", "", 404, "db.not_found"},
      {"GET", p + "/matches.xlsx?verdict=maybe", "", 400, "bad_request.bad_query"},
      {"GET", "/api/v1/policies/NOPE/matches.xlsx", "", 404, "db.not_found"},
      {"POST", "/api/v1/sandbox", "{}", 400, "bad_request.missing_field"},
      {"POST", "/api/v1/sandbox", R"({"policy":[]})", 400, "bad_request.wrong_type"},
      {"POST", "/api/v1/sandbox", R"({"policy_id":"NOPE"})", 404, "db.not_found"},
      {"POST", "/api/v1/sandbox", R"({"policy":{"rule":"营收 > 1"}})", 400, "policy.invalid"},
      {"POST", "/api/v1/sandbox", R"({"policy_id":"x","list_limit":5000})", 400,
       "bad_request.out_of_range"},
      {"POST", "/api/v1/rules/compile", "{}", 400, "bad_request.missing_field"},
      {"POST", "/api/v1/rules/compile", R"({"rule":"a","kind":"tag"})", 400,
       "bad_request.invalid_value"},
      {"POST", "/api/v1/rules/compile", R"({"rule":"a","reference_year":1800})", 400,
       "bad_request.out_of_range"},
      {"POST", "/api/v1/rules/compile", R"({"rule":7})", 400, "bad_request.wrong_type"},
      {"POST", "/api/v1/rules/parse", R"({"rules":"a"})", 400, "bad_request.missing_field"},
      {"POST", "/api/v1/rules/print", R"({"tree":"营业收入"})", 400, "bad_request.wrong_type"},
      {"POST", "/api/v1/rules/print", R"({"tree":{"kind":"attr"}})", 400, "rule.bad_tree"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.method + " " + c.path + " " + c.body);
    ApiResponse r = request(c.method, c.path, c.body, c.body.empty() ? "" : "application/json",
                            c.path.find("/matches") != std::string::npos ? leader : kjj_);
    EXPECT_EQ(r.status, c.status) << r.body;
    EXPECT_EQ(r.error_code(), c.code) << r.body;
    EXPECT_FALSE(r.json["error"]["message"].get<std::string>().empty());
  }
  EXPECT_EQ(database_fingerprint(), before);
  // A rule too long for an editor request.
  std::string huge(30000, 'a');
  EXPECT_EQ(post("/api/v1/rules/compile", {{"rule", huge}}, kjj_).error_code(),
            "bad_request.too_long");
  // Matches of a never-published draft: use the sandbox.
  std::string draft = create_draft();
  EXPECT_EQ(get("/api/v1/policies/" + draft + "/matches", kjj_).error_code(),
            "policy.not_published");
  EXPECT_EQ(post("/api/v1/policies/" + draft + "/close", json::object(), kjj_).error_code(),
            "policy.not_published");
}

// ---- the rule editor

TEST_P(PoliciesApi, CompileReportsEveryErrorClassWithPositions) {
  struct Case {
    const char* rule;
    const char* code;
    int line, column, length;
  };
  const Case cases[] = {
      {"营收[上年度] > 100万", "rule.unknown_attribute", 1, 1, 7},
      {"注册资本 == \"宝安区\"", "rule.type_mismatch", 1, 1, 13},
      {"注册地 == \"宝安区\" and\n  营业收入 > 1", "rule.missing_period", 2, 3, 4},
      {"注册资本[2024] > 1", "rule.unexpected_period", 1, 1, 10},
      {"注册地 = \"宝安区\"", "rule.single_equals", 1, 5, 1},
      {"注册地 == \"宝安区", "rule.unterminated_string", 1, 8, 4},
      {"(注册地 == \"宝安区\"", "rule.unexpected_end", 1, 14, 1},
      {"从业人数 > 10 > 5", "rule.chained_comparison", 1, 11, 1},
      {"从业人数 （ 10", "rule.full_width", 1, 6, 1},
      {"foo(1)", "rule.unknown_function", 1, 1, 6},
      {"从业人数", "rule.not_boolean", 1, 1, 4},
      {"资质 == \"高新技术企业\"", "rule.set_misuse", 1, 1, 2},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.rule);
    ApiResponse r =
        post("/api/v1/rules/compile", {{"rule", c.rule}, {"reference_year", 2025}}, kjj_);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json["ok"], false);
    json hit;
    for (const json& i : r.json["issues"])
      if (i["code"] == c.code) hit = i;
    ASSERT_FALSE(hit.is_null()) << r.body;
    EXPECT_EQ(hit["severity"], "error");
    EXPECT_EQ(hit["line"], c.line);
    EXPECT_EQ(hit["column"], c.column);
    EXPECT_EQ(hit["length"], c.length);
  }
  ApiResponse good = post(
      "/api/v1/rules/compile",
      {{"rule", "min(研发费用[上年度] * 10%,200万)"}, {"kind", "award"}, {"reference_year", 2025}},
      as(Role::kDataSteward));
  ASSERT_EQ(good.status, 200);
  EXPECT_EQ(good.json["ok"], true);
  EXPECT_EQ(good.json["normalized"], "min(研发费用[上年度] * 10%, 200万)");
  EXPECT_EQ(good.json["type"], "money");
  ApiResponse no_year = post("/api/v1/rules/compile", {{"rule", "营业收入[上年度] > 1"}}, kjj_);
  EXPECT_EQ(no_year.json["issues"][0]["code"], "rule.no_reference_year");
  EXPECT_EQ(
      post("/api/v1/rules/compile", {{"rule", "四上企业"}}, as(Role::kEnterpriseLegal)).status,
      403);
  EXPECT_EQ(post("/api/v1/rules/compile", {{"rule", "四上企业"}}).status, 401);
}

TEST_P(PoliciesApi, VocabularyForTheEditor) {
  ApiResponse v = get("/api/v1/rules/vocabulary", kjj_);
  ASSERT_EQ(v.status, 200) << v.body;
  EXPECT_EQ(v.json["attributes"].size(), platform().catalog()->size());
  json revenue;
  for (const json& a : v.json["attributes"])
    if (a["name"] == "营业收入") revenue = a;
  EXPECT_EQ(revenue["type"], "money");
  EXPECT_EQ(revenue["periods"], true);
  EXPECT_EQ(revenue["years"], json({2022, 2023, 2024}));
  std::set<std::string> fns;
  for (const json& f : v.json["functions"]) fns.insert(f["name"]);
  EXPECT_EQ(fns, (std::set<std::string>{"min", "max", "abs", "date", "exists", "years_since",
                                        "round", "if", "starts_with"}));
  EXPECT_FALSE(v.json["operators"].empty());
  EXPECT_FALSE(v.json["keywords"].empty());
  EXPECT_EQ(get("/api/v1/rules/vocabulary", as(Role::kEnterpriseAgent)).status, 403);
}

TEST_P(PoliciesApi, ParseAndPrintRoundTripEveryCorpusRule) {
  json doc = json::parse(services::demo::demo_policies_json());
  const json& policies = doc.is_array() ? doc : doc["policies"];
  int n = 0;
  for (const json& p : policies) {
    std::vector<std::pair<std::string, std::string>> rules;
    for (const json& c : p["conditions"])
      if (c.contains("rule")) rules.emplace_back(c["rule"], "condition");
    if (p.contains("award")) rules.emplace_back(p["award"], "award");
    for (const auto& [rule, kind] : rules) {
      SCOPED_TRACE(rule);
      json opts = {{"kind", kind}, {"reference_year", p["reference_year"]}};
      json body = opts;
      body["rule"] = rule;
      ApiResponse parsed = post("/api/v1/rules/parse", body, kjj_);
      ASSERT_EQ(parsed.status, 200) << parsed.body;
      ASSERT_EQ(parsed.json["ok"], true) << parsed.body;
      json back = opts;
      back["tree"] = parsed.json["tree"];
      ApiResponse printed = post("/api/v1/rules/print", back, kjj_);
      ASSERT_EQ(printed.status, 200) << printed.body;
      EXPECT_EQ(printed.json["ok"], true);
      EXPECT_EQ(printed.json["rule"], parsed.json["normalized"]);
      json compiled = opts;
      compiled["rule"] = rule;
      EXPECT_EQ(printed.json["rule"],
                post("/api/v1/rules/compile", compiled, kjj_).json["normalized"]);
      ++n;
    }
  }
  EXPECT_GT(n, 150);
  // A builder's tree with a shape error: the path into the tree.
  ApiResponse bad =
      post("/api/v1/rules/print",
           {{"tree",
             {{"kind", "and"},
              {"operands", {{{"kind", "attr"}, {"name", "四上企业"}}, {{"kind", "compare"}}}}}}},
           kjj_);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.error_code(), "rule.bad_tree");
  EXPECT_EQ(bad.json["error"]["details"][0]["field"], "tree.operands[1].op");
}

// ---- per-policy matches

TEST_P(PoliciesApi, MatchListsFilterSortAndPage) {
  const std::string p = "/api/v1/policies/BA-2025-003/matches";
  ApiResponse all = get(p + "?limit=1000", kjj_);
  ASSERT_EQ(all.status, 200) << all.body;
  int64_t total = all.json["total"];
  ASSERT_GT(total, 0);
  EXPECT_EQ(total, all.json["match"].get<int64_t>() + all.json["possible"].get<int64_t>());
  ASSERT_EQ(all.json["items"].size(), static_cast<size_t>(total));
  // The sandbox of the published version agrees.
  ApiResponse sb = post("/api/v1/sandbox", {{"policy_id", "BA-2025-003"}}, kjj_);
  EXPECT_EQ(sb.json["match"], all.json["match"]);
  EXPECT_EQ(sb.json["award_sum"], all.json["award_sum"]);
  EXPECT_EQ(sb.json["gained"], 0);
  EXPECT_EQ(sb.json["lost"], 0);
  // Pages of 7 cover the list in id order.
  std::vector<int64_t> ids;
  for (int off = 0; off < total; off += 7) {
    ApiResponse page = get(fmt::format("{}?offset={}&limit=7", p, off), kjj_);
    ASSERT_EQ(page.status, 200);
    EXPECT_EQ(page.json["total"], total);
    for (const json& i : page.json["items"]) ids.push_back(i["enterprise_id"]);
  }
  EXPECT_EQ(ids.size(), static_cast<size_t>(total));
  EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));
  // Filter by street and verdict: totals and the award sum of what is left.
  std::string street = all.json["items"][0]["street"];
  ApiResponse narrowed = get(p + "?limit=1000&verdict=match&street=" + street, as(Role::kLeader));
  ASSERT_EQ(narrowed.status, 200) << narrowed.body;
  Decimal sum;
  int64_t n = 0;
  for (const json& i : all.json["items"])
    if (i["street"] == street && i["verdict"] == "match") {
      ++n;
      sum = *add(sum, *Decimal::parse(i["award"].get<std::string>()));
    }
  EXPECT_EQ(narrowed.json["total"], n);
  EXPECT_EQ(narrowed.json["filtered_possible"], 0);
  EXPECT_EQ(narrowed.json["award_sum"], sum.to_string());
  EXPECT_EQ(narrowed.json["filter"], json({{"street", street}, {"verdict", "match"}}));
  for (const json& i : narrowed.json["items"]) EXPECT_EQ(i["street"], street);
  std::string industry = all.json["items"][0]["industry"];
  for (const json& i : get(p + "?limit=1000&industry=" + industry, kjj_).json["items"])
    EXPECT_EQ(i["industry"], industry);
  // Sorted by award, largest first; possible firms say what to supply.
  ApiResponse by_award = get(p + "?limit=1000&sort=-award", kjj_);
  Decimal last = Decimal::from_int(int64_t{1} << 60);
  for (const json& i : by_award.json["items"]) {
    Decimal a = i["award"].is_null() ? Decimal() : *Decimal::parse(i["award"].get<std::string>());
    EXPECT_LE(a, last);
    last = a;
  }
  for (const json& i : get(p + "?limit=1000&verdict=possible", kjj_).json["items"])
    EXPECT_FALSE(i["missing"].empty());
  // Other roles.
  EXPECT_EQ(get(p, as(Role::kReviewer)).status, 403);
  EXPECT_EQ(get(p, as(Role::kEnterpriseLegal)).status, 403);
}

TEST_P(PoliciesApi, MatchListAsExcel) {
  const std::string id = "BA-2025-003";
  ApiResponse list = get("/api/v1/policies/" + id + "/matches?limit=1000&verdict=match", kjj_);
  ASSERT_EQ(list.status, 200);
  ApiResponse x = get("/api/v1/policies/" + id + "/matches.xlsx?verdict=match&sort=-award", kjj_);
  ASSERT_EQ(x.status, 200) << x.body.substr(0, 300);
  EXPECT_EQ(x.headers.get("Content-Type").value_or(""),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  std::string disposition(x.headers.get("Content-Disposition").value_or(""));
  EXPECT_NE(disposition.find("attachment"), std::string::npos);
  EXPECT_NE(disposition.find("filename*=UTF-8''"), std::string::npos);
  EXPECT_NE(disposition.find("20261127.xlsx"), std::string::npos);
  ASSERT_EQ(x.body.substr(0, 2), "PK");
  std::string sheet = xlsx_member(x.body, "xl/worksheets/sheet1.xml");
  ASSERT_FALSE(sheet.empty());
  std::string text = sheet + xlsx_member(x.body, "xl/sharedStrings.xml");
  // Title, time, filter, summary, header, one row per firm, total.
  EXPECT_EQ(count_rows(sheet), 5 + static_cast<int>(list.json["items"].size()) + 1);
  EXPECT_NE(text.find(list.json["policy_name"].get<std::string>()), std::string::npos);
  EXPECT_NE(text.find("2026-11-27 12:00"), std::string::npos);
  EXPECT_NE(text.find("匹配结果：符合"), std::string::npos);
  EXPECT_NE(text.find("按预计奖励从高到低"), std::string::npos);
  for (const char* h : {"序号", "企业编号", "企业名称", "街道", "行业门类", "预计奖励（元）"})
    EXPECT_NE(text.find(h), std::string::npos) << h;
  for (const json& i : list.json["items"])
    EXPECT_NE(text.find(i["name"].get<std::string>()), std::string::npos);
  EXPECT_NE(sheet.find("ySplit=\"5\""), std::string::npos) << "the header row is frozen";
  EXPECT_NE(sheet.find("<cols>"), std::string::npos) << "column widths";
  EXPECT_NE(xlsx_member(x.body, "xl/styles.xml").find("#,##0.00"), std::string::npos);
  // The export is on the audit trail with the firms it carried.
  Status st = platform().db().transaction(
      [&](store::Tx& tx) -> Status {
        store::AuditFilter f;
        f.action = "policy.export_matches";
        int64_t total = 0;
        auto r = store::query_audit(tx, f, &total);
        if (!r.ok()) return r.error();
        EXPECT_EQ(r->size(), 1u);
        if (!r->empty()) {
          EXPECT_EQ((*r)[0].enterprises.size(), list.json["items"].size());
        }
        return Status::Ok();
      },
      store::Mode::kRead);
  EXPECT_TRUE(st.ok());
}

// ---- the sandbox

TEST_P(PoliciesApi, SandboxCountsBudgetBreakdownsAndChanges) {
  ApiResponse published = get("/api/v1/policies/BA-2025-025", kjj_);
  ASSERT_EQ(published.status, 200);
  json draft = published.json["draft"];
  // Same rule: nothing gained or lost; the breakdowns add up.
  ApiResponse same = post("/api/v1/sandbox", {{"policy", draft}}, kjj_);
  ASSERT_EQ(same.status, 200) << same.body;
  EXPECT_EQ(same.json["compared"], true);
  EXPECT_EQ(same.json["gained"], 0);
  EXPECT_EQ(same.json["lost"], 0);
  int64_t match = same.json["match"], by_street = 0, by_size = 0;
  for (const json& b : same.json["by_street"]) by_street += b["match"].get<int64_t>();
  for (const json& b : same.json["by_size"]) by_size += b["match"].get<int64_t>();
  EXPECT_EQ(by_street, match);
  EXPECT_EQ(by_size, match);
  EXPECT_FALSE(same.json["by_industry"].empty());
  EXPECT_EQ(same.json["published_award_sum"], same.json["award_sum"]);
  EXPECT_TRUE(same.json.contains("over_budget"));
  // A tiny budget: over it.
  json tight = draft;
  tight["budget"] = "1万";
  ApiResponse over = post("/api/v1/sandbox", {{"policy", tight}, {"compare", false}}, kjj_);
  ASSERT_EQ(over.status, 200);
  EXPECT_EQ(over.json["over_budget"], match > 0);
  EXPECT_EQ(over.json["compared"], false);
  // Drop all conditions but one: firms gain eligibility, none lose it.
  json wider = draft;
  wider["conditions"] = json::array({draft["conditions"][0]});
  ApiResponse gains = post("/api/v1/sandbox", {{"policy", wider}, {"list_limit", 3}}, kjj_);
  ASSERT_EQ(gains.status, 200) << gains.body;
  EXPECT_GT(gains.json["gained"].get<int64_t>(), 0);
  EXPECT_EQ(gains.json["lost"], 0);
  EXPECT_LE(gains.json["gained_firms"].size(), 3u);
  // A draft that does not compile: every error with field and positions in the body.
  std::string body = R"J({"policy": {
  "name": "坏草稿", "reference_year": 2025,
  "conditions": [{"clause": "a", "rule": "营收 > 1 and 注册资本 == \"x\""}],
  "award": "研发费用 * 10%"}})J";
  ApiResponse bad = request("POST", "/api/v1/sandbox", body, "application/json", kjj_);
  ASSERT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(bad.error_code(), "policy.invalid");
  const json& details = bad.json["error"]["details"];
  ASSERT_EQ(details.size(), 3u) << bad.body;
  EXPECT_EQ(details[0]["field"], "conditions[0].rule");
  EXPECT_EQ(details[0]["column"], 1);
  EXPECT_EQ(details[1]["column"], 12);
  EXPECT_EQ(details[0]["json_line"], 3);
  EXPECT_EQ(details[2]["field"], "award");
  EXPECT_EQ(details[2]["code"], "rule.missing_period");
  EXPECT_EQ(details[2]["json_line"], 4);
}

ZHIDA_API_TEST(PoliciesApi);

}  // namespace
}  // namespace zhida::http::testing
