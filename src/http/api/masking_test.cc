// Sensitive data (SPEC C9/C10) through the real server: an enterprise's
// contacts are masked per role, and every unmasked read is audited.
#include <gtest/gtest.h>

#include "http/api/testing/api_fixture.h"
#include "services/accounts/mask.h"

namespace zhida::http::testing {
namespace {

class MaskingApi : public ApiFixture {
 protected:
  // A text fact of a firm, straight from the replica.
  std::string fact(int64_t firm, std::string_view name) {
    return platform().read([&](const portrait::EnterpriseTable& t) {
      auto row = t.row_of(firm);
      const portrait::Attribute* a = t.catalog().attribute(name);
      if (!row || !a) return std::string();
      rules::Value v = t.facts(*row).get({a->id, 0});
      return v.kind == rules::Value::Kind::kText ? std::string(v.text) : std::string();
    });
  }
  int64_t sensitive_reads(int64_t firm) {
    store::AuditFilter f;
    f.action = "data.sensitive_read";
    f.target_type = "enterprise";
    f.target_id = std::to_string(firm);
    auto page = services().audit->query(f);
    EXPECT_TRUE(page.ok());
    return page.ok() ? page->total : -1;
  }
};

TEST_P(MaskingApi, StaffWithoutAGrantSeeMaskedValuesAndNothingIsAudited) {
  const int64_t firm = account(Role::kEnterpriseLegal).enterprise_id;
  std::string id_number = fact(firm, "法定代表人身份证号");
  std::string phone = fact(firm, "法人手机");
  ASSERT_EQ(id_number.size(), 18u);
  ASSERT_EQ(phone.size(), 11u);
  for (Role role : {Role::kReviewer, Role::kPolicyOfficer, Role::kFundsOfficer}) {
    ApiResponse r = get("/api/v1/enterprises/" + std::to_string(firm) + "/contacts", as(role));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json["masked"], true);
    EXPECT_EQ(r.json["legal"]["id_number"], id_number.substr(0, 6) + "********" + id_number.substr(14));
    EXPECT_EQ(r.json["legal"]["phone"], phone.substr(0, 3) + "****" + phone.substr(7));
    EXPECT_EQ(r.json["legal"]["name"], fact(firm, "法定代表人")) << "names are not sensitive";
    EXPECT_NE(r.body.find(phone.substr(0, 3) + "****"), std::string::npos);
    EXPECT_EQ(r.body.find(phone), std::string::npos) << "the full phone leaked to " << services::role_name(role);
    EXPECT_EQ(r.body.find(id_number), std::string::npos);
  }
  EXPECT_EQ(sensitive_reads(firm), 0);
}

TEST_P(MaskingApi, StewardAuditorAndTheFirmItselfSeeFullValuesAndAreAudited) {
  const int64_t firm = account(Role::kEnterpriseLegal).enterprise_id;
  std::string id_number = fact(firm, "法定代表人身份证号");
  int64_t expected = 0;
  for (Role role : {Role::kDataSteward, Role::kAuditor, Role::kEnterpriseLegal, Role::kEnterpriseAgent}) {
    Session s = as(role);
    ApiResponse r = get("/api/v1/enterprises/" + std::to_string(firm) + "/contacts?purpose=核对申报材料", s);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json["masked"], false) << services::role_name(role);
    EXPECT_EQ(r.json["legal"]["id_number"], id_number);
    EXPECT_EQ(r.json["legal"]["phone"], fact(firm, "法人手机"));
    EXPECT_EQ(r.json["agent"]["phone"], fact(firm, "经办人手机"));
    EXPECT_EQ(r.json["accounts"].size(), 2u) << "the firm's 法人 and 经办人 accounts";
    ++expected;
    EXPECT_EQ(sensitive_reads(firm), expected);
    // The newest entry says who, what, why and from where.
    store::AuditFilter f;
    f.action = "data.sensitive_read";
    f.limit = 1;
    auto page = services().audit->query(f);
    ASSERT_TRUE(page.ok());
    const store::AuditEntry& e = page->items.at(0);
    EXPECT_EQ(e.username, s.username);
    EXPECT_EQ(e.role, services::role_name(role));
    EXPECT_EQ(e.ip, "127.0.0.1");
    auto detail = nlohmann::json::parse(e.detail);
    EXPECT_EQ(detail["purpose"], "核对申报材料");
    EXPECT_EQ(detail["route"], "GET /api/v1/enterprises/{id}/contacts");
    EXPECT_NE(std::find(detail["fields"].begin(), detail["fields"].end(), "法定代表人身份证号"), detail["fields"].end());
  }
}

TEST_P(MaskingApi, EnterpriseUsersCannotSeeAnotherFirm) {
  Session legal = as(Role::kEnterpriseLegal);
  ApiResponse r = get("/api/v1/enterprises/" + std::to_string(other_enterprise()) + "/contacts", legal);
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(get("/api/v1/enterprises/" + std::to_string(other_enterprise()) + "/contacts", as(Role::kLeader)).status,
            403);
  EXPECT_EQ(get("/api/v1/enterprises/99999999/contacts", as(Role::kReviewer)).status, 404);
}

TEST_P(MaskingApi, UserDetailsShowThePhoneOnlyToTheStewardAndAuditorAndAuditIt) {
  Session steward = as(Role::kDataSteward);
  ApiResponse made = post("/api/v1/users",
                          {{"username", "phone.user"}, {"role", "leader"}, {"password", "Leader2026"}, {"phone", "13812341234"}},
                          steward);
  ASSERT_EQ(made.status, 201) << made.body;
  std::string path = "/api/v1/users/" + std::to_string(made.json["id"].get<int64_t>());
  ApiResponse r = get(path, as(Role::kAuditor));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["phone"], "13812341234");
  store::AuditFilter f;
  f.action = "data.sensitive_read";
  f.target_type = "user";
  f.target_id = std::to_string(made.json["id"].get<int64_t>());
  EXPECT_EQ(services().audit->query(f)->total, 1);
  EXPECT_EQ(get(path, as(Role::kReviewer)).status, 403);
}

TEST(Mask, Shapes) {
  using services::mask_value;
  EXPECT_EQ(mask_value("法人手机", "13812341234"), "138****1234");
  EXPECT_EQ(mask_value("法定代表人身份证号", "44030119900101123X"), "440301********123X");
  EXPECT_EQ(mask_value("备注", "44030119900101123X"), "440301********123X") << "by shape";
  EXPECT_EQ(mask_value("银行账号", "6222020200112233445"), "***************3445");
  EXPECT_EQ(mask_value("联系电话", "0755-2345678"), "********5678");
  EXPECT_EQ(mask_value("x", "123"), "****") << "too short to keep anything";
  EXPECT_EQ(mask_value("x", ""), "");
}

TEST(Mask, ByRole) {
  portrait::Attribute phone;
  phone.name = "法人手机";
  phone.sensitivity = portrait::Sensitivity::kSensitive;
  portrait::Attribute revenue;
  revenue.name = "营业收入";
  revenue.sensitivity = portrait::Sensitivity::kInternal;
  services::Principal p;
  for (Role r : services::kAllRoles) {
    p.role = r;
    p.enterprise_id = services::is_enterprise_role(r) ? 7 : 0;
    bool full = r == Role::kDataSteward || r == Role::kAuditor || services::is_enterprise_role(r);
    EXPECT_EQ(services::mask(phone, "13812341234", p), full ? "13812341234" : "138****1234") << services::role_name(r);
    EXPECT_EQ(services::mask(phone, "13812341234", p, 7), full ? "13812341234" : "138****1234");
    EXPECT_EQ(services::mask(revenue, "100", p), "100");
    if (services::is_enterprise_role(r)) {
      EXPECT_EQ(services::mask(phone, "13812341234", p, 8), "138****1234") << "another firm's data";
    }
  }
}

ZHIDA_API_TEST(MaskingApi);

}  // namespace
}  // namespace zhida::http::testing
