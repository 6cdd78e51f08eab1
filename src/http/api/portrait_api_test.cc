// The portrait's API (C1) through the real server, on SQLite and PostgreSQL:
// the catalog and its administration, finding firms, a firm's portrait with
// provenance, history and facts as of a moment, CSV uploads, data sources
// and pushes with API keys, tags, reports of wrong facts — good paths, bad
// input (the error code, and nothing changed), authorisation (own firm
// only), and the same matches after a restart.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <atomic>
#include <set>

#include "http/api/testing/api_fixture.h"
#include "http/api/testing/authz_matrix.h"
#include "store/portrait_store.h"

namespace zhida::http::testing {
namespace {

using nlohmann::json;

std::string eid(int64_t id) { return std::to_string(id); }

// ---- objects for the authorisation matrix (authz_matrix.h)

std::atomic<int> g_serial{0};

int64_t make_tag(const ParamContext& c) {
  services::Tags::Input in;
  in.name = fmt::format("矩阵标签{}", g_serial++);
  in.rule = "从业人数 > 10";
  auto t = c.services.tags->create(in, services::Actor::system("test"), nullptr);
  return t.ok() ? t->id : 1;
}

int64_t make_source(const ParamContext& c) {
  services::DataSources::Input in;
  in.name = fmt::format("矩阵数据源{}", g_serial++);
  in.department = "税务局";
  in.attributes = std::vector<std::string>{"从业人数"};
  auto d = c.services.data_sources->create(in, services::Actor::system("test"), nullptr);
  return d.ok() ? d->source.id : 1;
}

int64_t make_report(const ParamContext& c) {
  auto r = c.services.portrait->report({c.enterprise_id, "从业人数", "42", "矩阵测试"},
                                       services::Actor::system("test"), nullptr);
  return r.ok() ? r->id : 1;
}

const bool kTagIds = register_path_param("/api/v1/tags/", "id",
                                         [](const ParamContext& c) { return std::to_string(make_tag(c)); });
const bool kSourceIds = register_path_param("/api/v1/datasources/", "id",
                                            [](const ParamContext& c) { return std::to_string(make_source(c)); });
const bool kReportIds = register_path_param("/api/v1/fact-reports/", "id",
                                            [](const ParamContext& c) { return std::to_string(make_report(c)); });
const bool kAttributeNames =
    register_path_param("/api/v1/catalog/", "name", [](const ParamContext&) { return std::string("从业人数"); });
const bool kTagBody = register_sample_body("POST", "/api/v1/tags", [](const ParamContext&) {
  return json{{"name", fmt::format("样例标签{}", g_serial++)}, {"rule", "从业人数 >= 100"}};
});
const bool kSourceBody = register_sample_body("POST", "/api/v1/datasources", [](const ParamContext&) {
  return json{{"name", fmt::format("样例数据源{}", g_serial++)}, {"department", "统计局"}, {"attributes", {"从业人数"}}};
});
const bool kCatalogBody = register_sample_body("POST", "/api/v1/catalog", [](const ParamContext&) {
  return json{{"attributes", {{{"name", fmt::format("样例属性{}", g_serial++)}, {"type", "int"}}}}};
});
const bool kPatchBody = register_sample_body("PATCH", "/api/v1/catalog/{name}", [](const ParamContext&) {
  return json{{"description", "年末从业人员数（矩阵测试）"}};
});
const bool kReportBody = register_sample_body("POST", "/api/v1/enterprises/{id}/fact-reports", [](const ParamContext&) {
  return json{{"attribute", "从业人数"}, {"value", "42"}, {"explanation", "矩阵测试"}};
});
const bool kResolveBody = register_sample_body("POST", "/api/v1/fact-reports/{id}/resolve", [](const ParamContext&) {
  return json{{"decision", "rejected"}, {"note", "矩阵测试"}};
});

class PortraitApi : public ApiFixture {
 protected:
  // The replica's value of an attribute as text ("" when missing).
  std::string value(int64_t id, const std::string& attr, int year = 0) {
    return platform().read([&](const portrait::EnterpriseTable& t) -> std::string {
      auto row = t.row_of(id);
      const portrait::Attribute* a = t.catalog().attribute(attr);
      if (!row || !a) return "?";
      const portrait::Column* c = t.column(rules::AttrRef{a->id, static_cast<int16_t>(year)});
      if (!c || !c->is_valid(*row)) return "";
      rules::Value v = c->value(*row);
      switch (v.kind) {
        case rules::Value::Kind::kNumber: return v.number.to_string();
        case rules::Value::Kind::kBool: return v.boolean ? "true" : "false";
        case rules::Value::Kind::kText: return std::string(v.text);
        default: return "(other)";
      }
    });
  }

  ApiResponse upload(const std::string& csv, const std::string& query, const Session& s) {
    return request("POST", "/api/v1/uploads?" + query, csv, "text/csv", s);
  }

  ApiResponse push(const json& body, const std::string& key) {
    Headers h;
    if (!key.empty()) h.add("Authorization", "Bearer " + key);
    return request("POST", "/api/v1/facts", body.dump(), "application/json", Session{}, h);
  }

  // Creates a data source allowed to write `attrs`; returns its key.
  std::string source_key(const std::vector<std::string>& attrs, const std::string& name = "税务局增量接口") {
    ApiResponse r = post("/api/v1/datasources", {{"name", name}, {"department", "税务局"}, {"attributes", attrs}},
                         as(Role::kDataSteward));
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json.value("api_key", "");
  }

  int delete_tag_status(int64_t id, const Session& s) { return del("/api/v1/tags/" + eid(id), s).status; }

  static const json* fact(const json& portrait, const std::string& attribute) {
    for (const auto& f : portrait["facts"])
      if (f["attribute"] == attribute) return &f;
    for (const auto& f : portrait["tags"])
      if (f["attribute"] == attribute) return &f;
    return nullptr;
  }

  // Publishes a policy (straight into the store) and refreshes the platform.
  void publish(const json& policy) {
    Status st = platform().db().transaction([&](store::Tx& tx) -> Status {
      store::PolicyRow row;
      row.id = policy["id"];
      row.draft = policy.dump();
      row.department = policy.value("department", "");
      ZHIDA_TRY(store::insert_policy(tx, row));
      auto v = store::publish_policy(tx, row.id, 0);
      if (!v.ok()) return v.error();
      return Status::Ok();
    });
    ASSERT_TRUE(st.ok()) << st.error().message;
    ASSERT_TRUE(platform().refresh_policies().ok());
  }
};

// ---- catalog

TEST_P(PortraitApi, CatalogIsReadByAnyoneAndChangedByTheDataStewardOnly) {
  ApiResponse r = get("/api/v1/catalog", as(Role::kEnterpriseAgent));
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_GT(r.json["attributes"].size(), 50u);
  EXPECT_EQ(get("/api/v1/catalog").status, 401);

  Session steward = as(Role::kDataSteward);
  r = patch("/api/v1/catalog/从业人数", {{"unit", "人"}, {"description", "年末从业人员（人）"}, {"frequency", "季"}}, steward);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["frequency"], "季");
  EXPECT_EQ(platform().catalog()->attribute("从业人数")->description, "年末从业人员（人）");
  EXPECT_EQ(patch("/api/v1/catalog/从业人数", {{"unit", "个"}}, as(Role::kPolicyOfficer)).status, 403);

  // Bad input: the error code, every issue, nothing changed.
  std::string before = database_fingerprint();
  r = patch("/api/v1/catalog/从业人数", {{"type", "money"}}, steward);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.error_code(), "bad_request.unknown_field");
  r = patch("/api/v1/catalog/从业人数", {{"sensitivity", "绝密"}}, steward);
  EXPECT_EQ(r.status, 400);
  r = patch("/api/v1/catalog/街道", {{"values", {"新安"}}}, steward);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.error_code(), "catalog.invalid");
  ASSERT_FALSE(r.json["error"]["details"].empty());
  EXPECT_EQ(r.json["error"]["details"][0]["code"], "catalog.value_in_use");
  r = patch("/api/v1/catalog/从业人数", {{"values", {"a"}}, {"source", "标签"}}, steward);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.json["error"]["details"].size(), 2u);
  EXPECT_EQ(patch("/api/v1/catalog/没有这个", {{"unit", "人"}}, steward).status, 404);
  EXPECT_EQ(database_fingerprint(), before);

  // Adding attributes.
  r = post("/api/v1/catalog",
           {{"attributes", {{{"name", "绿色工厂"}, {"type", "bool"}, {"source", "工信局"}, {"sensitivity", "公开"}}}}},
           steward);
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json["attributes"][0]["name"], "绿色工厂");
  before = database_fingerprint();
  r = post("/api/v1/catalog",
           {{"attributes", {{{"name", "绿色工厂"}, {"type", "bool"}}, {{"name", "1坏名"}, {"type", "int"}},
                            {{"name", "类型错"}, {"type", "decimal"}}}}},
           steward);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.error_code(), "catalog.invalid");
  EXPECT_GE(r.json["error"]["details"].size(), 1u);
  EXPECT_EQ(database_fingerprint(), before);
}

// ---- enterprises

TEST_P(PortraitApi, StaffFindFirmsByNameCodeStreetAndIndustry) {
  Session reviewer = as(Role::kReviewer);
  int64_t firm = other_enterprise();
  std::string name = value(firm, "企业名称");
  std::string uscc = value(firm, "统一社会信用代码");
  ApiResponse r = get("/api/v1/enterprises?q=" + uscc, reviewer);
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(r.json["total"], 1);
  EXPECT_EQ(r.json["items"][0]["id"], firm);
  EXPECT_EQ(r.json["items"][0]["name"], name);
  // Coordinates for the map's firm points, as the portrait has them.
  ASSERT_TRUE(r.json["items"][0]["lon"].is_number()) << r.body;
  EXPECT_NEAR(r.json["items"][0]["lon"].get<double>(), std::stod(value(firm, "经度")), 1e-9);
  EXPECT_NEAR(r.json["items"][0]["lat"].get<double>(), std::stod(value(firm, "纬度")), 1e-9);

  r = get("/api/v1/enterprises?street=新安&industry=C&sort=-注册资本&limit=5", reviewer);
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_LE(r.json["items"].size(), 5u);
  ASSERT_GE(r.json["items"].size(), 2u);
  for (const auto& i : r.json["items"]) {
    EXPECT_EQ(i["street"], "新安");
    EXPECT_EQ(i["industry"], "C");
  }
  EXPECT_GE(std::stod(r.json["items"][0]["sort_value"].get<std::string>()),
            std::stod(r.json["items"][1]["sort_value"].get<std::string>()));
  int64_t total = r.json["total"];
  r = get("/api/v1/enterprises?street=新安&industry=C&sort=-注册资本&limit=5&offset=5", reviewer);
  EXPECT_EQ(r.json["total"], total);

  EXPECT_EQ(get("/api/v1/enterprises?sort=法人手机", reviewer).error_code(), "bad_request.bad_sort");
  EXPECT_EQ(get("/api/v1/enterprises?sort=没有", reviewer).status, 400);
  EXPECT_EQ(get("/api/v1/enterprises?limit=0", reviewer).status, 400);
  EXPECT_EQ(get("/api/v1/enterprises?limit=abc", reviewer).status, 400);
  EXPECT_EQ(get("/api/v1/enterprises", as(Role::kEnterpriseLegal)).status, 403);
  EXPECT_EQ(get("/api/v1/enterprises").status, 401);
}

TEST_P(PortraitApi, APortraitShowsEveryFactWithItsProvenanceToItsOwnFirmOnly) {
  Session legal = as(Role::kEnterpriseLegal);
  int64_t own = legal.enterprise_id;
  ApiResponse r = get("/api/v1/enterprises/" + eid(own), legal);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["enterprise_id"], own);
  EXPECT_EQ(r.json["name"], value(own, "企业名称"));
  const json* revenue = fact(r.json, "营业收入[2024]");
  ASSERT_NE(revenue, nullptr);
  EXPECT_EQ((*revenue)["value"], value(own, "营业收入", 2024));
  EXPECT_FALSE((*revenue)["source"].get<std::string>().empty());
  EXPECT_FALSE((*revenue)["as_of"].get<std::string>().empty());
  EXPECT_FALSE((*revenue)["loaded_at"].get<std::string>().empty());
  EXPECT_EQ((*revenue)["meta"]["type"], "money");
  EXPECT_EQ((*revenue)["sensitivity"], "内部");
  const json* phone = fact(r.json, "法人手机");
  ASSERT_NE(phone, nullptr);
  EXPECT_EQ((*phone)["value"], value(own, "法人手机"));  // its own data, in full
  EXPECT_EQ((*phone)["masked"], false);

  // Another firm: 404, as if it did not exist.
  int64_t other = other_enterprise();
  EXPECT_EQ(get("/api/v1/enterprises/" + eid(other), legal).status, 404);
  EXPECT_EQ(get("/api/v1/enterprises/" + eid(other) + "/history", legal).status, 404);
  EXPECT_EQ(get("/api/v1/enterprises/" + eid(other) + "/facts?as_of=2026-11-27", legal).status, 404);

  // Staff: sensitive facts masked unless the role may see them.
  r = get("/api/v1/enterprises/" + eid(other), as(Role::kPolicyOfficer));
  ASSERT_EQ(r.status, 200);
  phone = fact(r.json, "法人手机");
  ASSERT_NE(phone, nullptr);
  EXPECT_EQ((*phone)["masked"], true);
  EXPECT_EQ(r.body.find(value(other, "法人手机")), std::string::npos);
  r = get("/api/v1/enterprises/" + eid(other) + "?purpose=核对", as(Role::kDataSteward));
  EXPECT_EQ((*fact(r.json, "法人手机"))["value"], value(other, "法人手机"));

  EXPECT_EQ(get("/api/v1/enterprises/999999999", as(Role::kReviewer)).status, 404);
  EXPECT_EQ(get("/api/v1/enterprises/abc", as(Role::kReviewer)).status, 400);
  EXPECT_EQ(get("/api/v1/enterprises/" + eid(own)).status, 401);
}

TEST_P(PortraitApi, HistoryAndFactsAsOfAMoment) {
  Session steward = as(Role::kDataSteward);
  int64_t firm = other_enterprise();
  std::string key = source_key({"从业人数"});
  auto set_staff = [&](int n) {
    ApiResponse r = push({{"facts", {{{"enterprise_id", firm}, {"attribute", "从业人数"}, {"value", n}}}}}, key);
    ASSERT_EQ(r.status, 200) << r.body;
  };
  clock().advance(std::chrono::hours(48));  // 2026-11-29 noon
  set_staff(4321);
  clock().advance(std::chrono::hours(48));  // 2026-12-01 noon
  set_staff(1234);
  steward = as(Role::kDataSteward);  // four days on, the first session has expired

  ApiResponse r = get("/api/v1/enterprises/" + eid(firm) + "/history?attribute=从业人数", steward);
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(r.json["items"].size(), 3u);  // the district's value, then the two pushes, oldest first
  EXPECT_EQ(r.json["items"][1]["value"], "4321");
  EXPECT_EQ(r.json["items"][2]["value"], "1234");
  EXPECT_EQ(r.json["items"][2]["source"], "税务局");
  EXPECT_EQ(r.json["items"][2]["loaded_at"], "2026-12-01T04:00:00.000Z");

  r = get("/api/v1/enterprises/" + eid(firm) + "/facts?as_of=2026-11-30", steward);
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_NE(fact(r.json, "从业人数"), nullptr) << r.body;
  EXPECT_EQ((*fact(r.json, "从业人数"))["value"], "4321");
  r = get("/api/v1/enterprises/" + eid(firm) + "/facts?as_of=2026-12-01T11:00:00", steward);
  EXPECT_EQ((*fact(r.json, "从业人数"))["value"], "4321");
  r = get("/api/v1/enterprises/" + eid(firm) + "/facts?as_of=2026-12-01T12:00:00", steward);
  EXPECT_EQ((*fact(r.json, "从业人数"))["value"], "1234");
  r = get("/api/v1/enterprises/" + eid(firm) + "/facts?as_of=2000-01-01", steward);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json["known"], false);

  EXPECT_EQ(get("/api/v1/enterprises/" + eid(firm) + "/facts", steward).error_code(), "bad_request.missing_query");
  EXPECT_EQ(get("/api/v1/enterprises/" + eid(firm) + "/facts?as_of=昨天", steward).error_code(), "bad_request.bad_time");
  EXPECT_EQ(get("/api/v1/enterprises/" + eid(firm) + "/history?attribute=营收", steward).error_code(),
            "bad_request.unknown_attribute");
}

// ---- uploads

TEST_P(PortraitApi, UploadsAreAllOrNothingOrGoodRowsWithAPerRowReport) {
  Session steward = as(Role::kDataSteward);
  int64_t a = other_enterprise(), b = a + 1;
  std::string csv = fmt::format(
      "id:int,从业人数:int,营业收入[2024]:money\n"
      "{},777,123456\n"
      "{},many,1\n"
      "{},778,\n",
      a, b, b + 1);
  std::string before = database_fingerprint();
  std::string old = value(a, "从业人数");
  ApiResponse r = upload(csv, "source=统计局&as_of=2026-11-01&file_name=年报.csv", steward);
  ASSERT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.error_code(), "import.rejected");
  ASSERT_EQ(r.json["error"]["details"].size(), 1u);
  EXPECT_EQ(r.json["error"]["details"][0]["line"], 3);
  EXPECT_EQ(r.json["error"]["details"][0]["column"], "从业人数");
  EXPECT_EQ(r.json["error"]["details"][0]["value"], "many");
  EXPECT_EQ(r.json["error"]["summary"]["rows_rejected"], 1);
  EXPECT_EQ(database_fingerprint(), before);
  EXPECT_EQ(value(a, "从业人数"), old);

  r = upload(csv, "source=统计局&as_of=2026-11-01&file_name=年报.csv&mode=good_rows", steward);
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json["summary"]["rows_loaded"], 2);
  EXPECT_EQ(r.json["summary"]["rows_rejected"], 1);
  EXPECT_EQ(r.json["errors"][0]["line"], 3);
  int64_t batch = r.json["batch_id"];
  EXPECT_EQ(value(a, "从业人数"), "777");
  EXPECT_EQ(value(b + 1, "从业人数"), "778");

  r = get("/api/v1/uploads", steward);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["items"][0]["id"], batch);
  EXPECT_EQ(r.json["items"][0]["source"], "统计局");
  EXPECT_EQ(r.json["items"][0]["file_name"], "年报.csv");
  EXPECT_EQ(r.json["items"][0]["as_of"], "2026-10-31T16:00:00.000Z");
  EXPECT_EQ(r.json["items"][0]["rows_loaded"], 2);
  EXPECT_EQ(r.json["items"][0]["rows_rejected"], 1);
  EXPECT_EQ(r.json["items"][0]["created_by"], steward.user_id);
  r = get("/api/v1/uploads/" + eid(batch), as(Role::kAuditor));
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json["report"]["errors"][0]["line"], 3);

  before = database_fingerprint();
  EXPECT_EQ(request("POST", "/api/v1/uploads?source=统计局", csv, "application/json", steward).status, 415);
  EXPECT_EQ(upload(csv, "as_of=2026-11-01", steward).error_code(), "upload.invalid");
  EXPECT_EQ(upload(csv, "source=统计局&as_of=十一月", steward).error_code(), "upload.invalid");
  EXPECT_EQ(upload(csv, "source=统计局&mode=some", steward).status, 400);
  EXPECT_EQ(upload("id:int,从业人数:integer\n1,2\n", "source=统计局", steward).error_code(), "import.bad_header");
  EXPECT_EQ(upload("", "source=统计局", steward).status, 400);
  EXPECT_EQ(upload(csv, "source=统计局", as(Role::kPolicyOfficer)).status, 403);
  EXPECT_EQ(get("/api/v1/uploads/999999", steward).status, 404);
  EXPECT_EQ(database_fingerprint(), before);
}

// ---- data sources and pushes

TEST_P(PortraitApi, DataSourcesPushWithTheirKeyOnlyWhatTheyMay) {
  Session steward = as(Role::kDataSteward);
  ApiResponse r = post("/api/v1/datasources",
                       {{"name", "税务局增量接口"}, {"department", "税务局"}, {"attributes", {"营业收入", "纳税总额"}}},
                       steward);
  ASSERT_EQ(r.status, 201) << r.body;
  std::string key = r.json["api_key"];
  int64_t id = r.json["id"];
  EXPECT_EQ(key.substr(0, 3), "zd_");
  r = get("/api/v1/datasources", steward);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body.find(key), std::string::npos) << "the key is shown once only";
  EXPECT_EQ(query_text("SELECT COUNT(*) FROM data_sources WHERE key_hash = '" + key + "'"), "0");

  int64_t firm = other_enterprise();
  json body = {{"facts",
                {{{"enterprise_id", firm}, {"attribute", "营业收入[2024]"}, {"value", "98765432"}, {"as_of", "2026-11-20"}},
                 {{"enterprise_id", firm}, {"attribute", "从业人数"}, {"value", 5}},
                 {{"enterprise_id", firm}, {"attribute", "纳税总额[2024]"}, {"value", "很多"}},
                 {{"enterprise_id", firm}, {"attribute", "营业收入"}, {"value", 1}}}}};
  r = push(body, key);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["accepted"], 1);
  EXPECT_EQ(r.json["rejected"], 3);
  EXPECT_EQ(r.json["errors"][0]["index"], 2);
  EXPECT_EQ(r.json["errors"][1]["index"], 3);
  EXPECT_EQ(r.json["errors"][2]["index"], 4);
  EXPECT_EQ(value(firm, "营业收入", 2024), "98765432");
  r = get("/api/v1/datasources/" + eid(id), steward);
  EXPECT_EQ(r.json["facts_pushed"], 1);
  EXPECT_FALSE(r.json["last_used_at"].is_null());

  // Refused pushes change nothing.
  std::string before = database_fingerprint();
  json bad = {{"facts", {{{"enterprise_id", firm}, {"attribute", "从业人数"}, {"value", 5}}}}};
  r = push(bad, key);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.error_code(), "facts.rejected");
  EXPECT_EQ(push(body, "").status, 401);
  EXPECT_EQ(push(body, "zd_not-a-key").error_code(), "auth.bad_api_key");
  EXPECT_EQ(push({{"facts", json::array()}}, key).status, 400);
  EXPECT_EQ(push({{"facts", {{{"enterprise_id", firm}}}}}, key).status, 400);
  EXPECT_EQ(request("POST", "/api/v1/facts", body.dump(), "application/json", steward).status, 401)
      << "a session is not a key";
  EXPECT_EQ(database_fingerprint(), before);

  // Rotating and deactivating.
  r = patch("/api/v1/datasources/" + eid(id), {{"rotate_key", true}}, steward);
  ASSERT_EQ(r.status, 200) << r.body;
  std::string fresh = r.json["api_key"];
  EXPECT_EQ(push(body, key).status, 401);
  EXPECT_EQ(push(body, fresh).status, 200);
  ASSERT_EQ(patch("/api/v1/datasources/" + eid(id), {{"active", false}}, steward).status, 200);
  EXPECT_EQ(push(body, fresh).error_code(), "auth.api_key_inactive");

  before = database_fingerprint();
  r = post("/api/v1/datasources", {{"name", "x"}, {"department", "统计局"}, {"attributes", {"没有", "纳税总额[2024]"}}},
           steward);
  EXPECT_EQ(r.error_code(), "datasource.invalid");
  EXPECT_EQ(r.json["error"]["details"].size(), 2u);
  EXPECT_EQ(post("/api/v1/datasources", {{"name", "税务局增量接口"}, {"department", "税务局"}, {"attributes", {"营业收入"}}},
                 steward)
                .status,
            409);
  EXPECT_EQ(post("/api/v1/datasources", {{"name", "x"}, {"department", "y"}, {"attributes", {"营业收入"}}},
                 as(Role::kAuditor))
                .status,
            403);
  EXPECT_EQ(patch("/api/v1/datasources/99999", {{"active", true}}, steward).status, 404);
  EXPECT_EQ(database_fingerprint(), before);
}

// ---- tags

TEST_P(PortraitApi, TagsAreRulesComputedForEveryFirmAndUsableInPolicies) {
  Session steward = as(Role::kDataSteward);
  ApiResponse r = post("/api/v1/tags",
                       {{"name", "百人企业"}, {"rule", "从业人数 >= 100"}, {"description", "从业人数不少于 100 人"}},
                       steward);
  ASSERT_EQ(r.status, 201) << r.body;
  int64_t id = r.json["id"];
  int64_t yes = r.json["counts"]["yes"];
  EXPECT_GT(yes, 0);
  r = get("/api/v1/catalog", as(Role::kPolicyOfficer));
  bool listed = false;
  for (const auto& a : r.json["attributes"])
    if (a["name"] == "百人企业") listed = a["source"] == "标签" && a["type"] == "bool";
  EXPECT_TRUE(listed);

  // Usable in a policy rule like any attribute: the sandbox counts the same firms.
  r = post("/api/v1/sandbox",
           {{"policy", {{"id", "TAG-1"}, {"name", "百人企业奖励"}, {"conditions", {{{"clause", "百人"}, {"rule", "百人企业"}}}}}},
            {"compare", false}},
           as(Role::kPolicyOfficer));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["match"], yes);

  // A firm's data change recomputes its tag.
  int64_t firm = other_enterprise();
  std::string key = source_key({"从业人数"});
  ASSERT_EQ(push({{"facts", {{{"enterprise_id", firm}, {"attribute", "从业人数"}, {"value", 1000}}}}}, key).status, 200);
  EXPECT_EQ(value(firm, "百人企业"), "true");
  r = get("/api/v1/enterprises/" + eid(firm), steward);
  EXPECT_EQ((*fact(r.json, "百人企业"))["value"], true);
  bool held = false;
  for (const auto& t : r.json["tags_held"]) held = held || t == "百人企业";
  EXPECT_TRUE(held);
  ASSERT_EQ(push({{"facts", {{{"enterprise_id", firm}, {"attribute", "从业人数"}, {"value", 3}}}}}, key).status, 200);
  EXPECT_EQ(value(firm, "百人企业"), "false");

  // A tag on a tag; a rule change recomputes both.
  r = post("/api/v1/tags", {{"name", "百人新安"}, {"rule", "百人企业 and 街道 == \"新安\""}}, steward);
  ASSERT_EQ(r.status, 201) << r.body;
  int64_t dependent = r.json["id"];
  r = patch("/api/v1/tags/" + eid(id), {{"rule", "从业人数 >= 2"}}, steward);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(value(firm, "百人企业"), "true");
  EXPECT_GT(r.json["counts"]["yes"].get<int64_t>(), yes);

  // Bad rules: every error with its line and column; nothing changed.
  std::string before = database_fingerprint();
  r = post("/api/v1/tags", {{"name", "坏标签"}, {"rule", "从业人数 >= 100 and\n  营收 > 1"}}, steward);
  ASSERT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.error_code(), "tag.invalid");
  bool positioned = false;
  for (const auto& d : r.json["error"]["details"])
    if (d["field"] == "rule" && d["line"] == 2 && d["column"] == 3) positioned = true;
  EXPECT_TRUE(positioned) << r.body;
  r = patch("/api/v1/tags/" + eid(id), {{"rule", "百人新安 or 从业人数 > 5"}}, steward);
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("tag.cycle"), std::string::npos) << r.body;
  EXPECT_EQ(patch("/api/v1/tags/" + eid(id), {{"name", "改名"}}, steward).status, 400);
  EXPECT_EQ(post("/api/v1/tags", {{"name", "从业人数"}, {"rule", "true"}}, steward).status, 409);
  EXPECT_EQ(post("/api/v1/tags", {{"name", "百人企业"}, {"rule", "true"}}, steward).status, 409);
  EXPECT_EQ(post("/api/v1/tags", {{"rule", "true"}}, steward).status, 400);
  EXPECT_EQ(post("/api/v1/tags", {{"name", "x"}, {"rule", "true"}}, as(Role::kPolicyOfficer)).status, 403);
  EXPECT_EQ(request("POST", "/api/v1/uploads?source=统计局", "id:int,百人企业:bool\n1,true\n", "text/csv", steward)
                .error_code(),
            "import.derived_column");
  EXPECT_EQ(delete_tag_status(id, steward), 409) << "百人新安 uses it";
  EXPECT_EQ(database_fingerprint(), before);

  // The editor's check.
  r = post("/api/v1/tags/check", {{"name", "新标签"}, {"rule", "从业人数 >"}}, as(Role::kPolicyOfficer));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["ok"], false);
  EXPECT_EQ(r.json["issues"][0]["line"], 1);

  // In use by a policy in force: neither deleted nor deactivated.
  publish({{"id", "TAG-2"},
           {"name", "百人新安企业奖励"},
           {"department", "工信局"},
           {"conditions", {{{"clause", "百人新安"}, {"rule", "百人新安"}}}},
           {"award", "10万"}});
  r = patch("/api/v1/tags/" + eid(dependent), {{"active", false}}, steward);
  EXPECT_EQ(r.status, 409);
  EXPECT_NE(r.body.find("TAG-2"), std::string::npos);
  EXPECT_EQ(delete_tag_status(dependent, steward), 409);

  r = post("/api/v1/tags", {{"name", "临时标签"}, {"rule", "从业人数 > 1"}}, steward);
  ASSERT_EQ(r.status, 201);
  EXPECT_EQ(delete_tag_status(r.json["id"], steward), 204);
  EXPECT_EQ(get("/api/v1/tags/" + eid(r.json["id"]), steward).status, 404);
  EXPECT_EQ(get("/api/v1/tags", as(Role::kEnterpriseAgent)).status, 403);
  r = get("/api/v1/tags", as(Role::kLeader));
  EXPECT_EQ(r.json["total"], 2);
}

// ---- reports of wrong facts

TEST_P(PortraitApi, EnterprisesReportWrongFactsAndStewardsResolveThem) {
  Session legal = as(Role::kEnterpriseLegal);
  int64_t own = legal.enterprise_id;
  std::string path = "/api/v1/enterprises/" + eid(own) + "/fact-reports";
  ApiResponse r = post(path, {{"attribute", "从业人数"}, {"value", "321"}, {"explanation", "年末实有 321 人，见社保清单"}}, legal);
  ASSERT_EQ(r.status, 201) << r.body;
  int64_t report = r.json["id"];
  EXPECT_EQ(r.json["current_value"], value(own, "从业人数"));
  EXPECT_EQ(r.json["status"], "open");

  std::string before = database_fingerprint();
  EXPECT_EQ(post(path, {{"attribute", "从业人数"}, {"value", "很多"}, {"explanation", "x"}}, legal).error_code(),
            "report.invalid");
  EXPECT_EQ(post(path, {{"attribute", "营业收入"}, {"value", "1"}, {"explanation", "x"}}, legal).error_code(),
            "report.invalid");
  EXPECT_EQ(post(path, {{"attribute", "从业人数"}, {"value", "1"}}, legal).status, 400);
  EXPECT_EQ(post("/api/v1/enterprises/" + eid(other_enterprise()) + "/fact-reports",
                 {{"attribute", "从业人数"}, {"value", "1"}, {"explanation", "x"}}, legal)
                .status,
            404);
  EXPECT_EQ(post(path, {{"attribute", "从业人数"}, {"value", "1"}, {"explanation", "x"}}, as(Role::kReviewer)).status,
            403);
  EXPECT_EQ(database_fingerprint(), before);

  r = get(path, as(Role::kEnterpriseAgent));
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json["total"], 1);
  Session steward = as(Role::kDataSteward);
  r = get("/api/v1/fact-reports?status=open", steward);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json["items"][0]["id"], report);
  EXPECT_EQ(get("/api/v1/fact-reports?status=done", steward).status, 400);
  EXPECT_EQ(get("/api/v1/fact-reports", legal).status, 403);

  std::string resolve = "/api/v1/fact-reports/" + eid(report) + "/resolve";
  EXPECT_EQ(post(resolve, {{"decision", "accepted"}, {"apply", true}}, legal).status, 403);
  EXPECT_EQ(post(resolve, {{"decision", "maybe"}}, steward).status, 400);
  EXPECT_EQ(post(resolve, {{"decision", "rejected"}, {"apply", true}, {"note", "x"}}, steward).error_code(),
            "report.invalid");
  r = post(resolve, {{"decision", "accepted"}, {"note", "已核对社保清单"}, {"apply", true}}, steward);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["status"], "accepted");
  EXPECT_EQ(value(own, "从业人数"), "321");
  r = get("/api/v1/enterprises/" + eid(own), legal);
  EXPECT_EQ((*fact(r.json, "从业人数"))["source"], "企业报错核实");
  EXPECT_EQ(post(resolve, {{"decision", "rejected"}, {"note", "x"}}, steward).status, 409);
  EXPECT_EQ(post("/api/v1/fact-reports/999999/resolve", {{"decision", "rejected"}, {"note", "x"}}, steward).status,
            404);
}

// ---- restart

TEST_P(PortraitApi, MatchesAreTheSameAfterARestart) {
  Session steward = as(Role::kDataSteward);
  // Writes of every kind before the restart: an upload, pushes overriding
  // it and overridden by a later upload, a tag a published policy uses.
  ASSERT_EQ(post("/api/v1/tags", {{"name", "规上高新"}, {"rule", "\"高新技术企业\" in 资质 and 营业收入[2024] >= 2000万"}},
                 steward)
                .status,
            201);
  publish({{"id", "TAG-3"},
           {"name", "规上高新企业奖励"},
           {"department", "科技创新局"},
           {"reference_year", 2025},
           {"conditions", {{{"clause", "规上高新"}, {"rule", "规上高新"}}}},
           {"award", "min(营业收入[上年度] * 1%, 50万)"}});
  std::vector<int64_t> sample;
  for (int64_t id = 1; id <= 2000; id += 67) sample.push_back(id);
  sample.push_back(account(Role::kEnterpriseLegal).enterprise_id);
  std::string key = source_key({"营业收入", "资质", "从业人数"});
  json facts = json::array();
  for (size_t k = 0; k < sample.size(); k += 2)
    facts.push_back({{"enterprise_id", sample[k]}, {"attribute", "营业收入[2024]"}, {"value", 30000000 + k}});
  ASSERT_EQ(push({{"facts", facts}}, key).status, 200);
  std::string csv = "id:int,营业收入[2024]:money,资质:set\n";
  for (size_t k = 0; k < sample.size(); k += 3) csv += fmt::format("{},{},高新技术企业\n", sample[k], 25000000 + k);
  ASSERT_EQ(request("POST", "/api/v1/uploads?source=统计局", csv, "text/csv", steward).status, 201);
  ASSERT_EQ(push({{"facts", {{{"enterprise_id", sample[0]}, {"attribute", "营业收入[2024]"}, {"value", 1}}}}}, key).status,
            200);

  Session reviewer = as(Role::kReviewer);
  std::map<int64_t, std::string> before;
  for (int64_t id : sample) {
    ApiResponse r = get("/api/v1/enterprises/" + eid(id) + "/matches", reviewer);
    ASSERT_EQ(r.status, 200) << r.body;
    before[id] = r.body;
  }
  EXPECT_NE(before[sample[3]].find("TAG-3"), std::string::npos);
  restart();
  reviewer = as(Role::kReviewer);
  for (int64_t id : sample) {
    ApiResponse r = get("/api/v1/enterprises/" + eid(id) + "/matches", reviewer);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.body, before[id]) << "firm " << id << " matches differently after a restart";
  }
  EXPECT_EQ(value(sample[0], "营业收入", 2024), "1");
}

ZHIDA_API_TEST(PortraitApi);

}  // namespace
}  // namespace zhida::http::testing
