// Who is making a request: the signed-in user, their role, and for an
// enterprise account the firm they act for. Set by the session middleware
// (http layer); read by every route's authorisation check.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace zhida::services {

// The roles of SPEC.md ("Who uses it").
enum class Role : uint8_t {
  kEnterpriseLegal,  // 企业法人: accepts awards, confirms the bank account
  kEnterpriseAgent,  // 经办人: prepares applications
  kPolicyOfficer,    // 政策管理员 (per department)
  kReviewer,         // 审核员
  kFundsOfficer,     // 资金管理员
  kDataSteward,      // 数据管理员
  kAuditor,          // 审计员 (read-only)
  kLeader,           // 领导 (dashboards)
};

// Every role, in the order above (tests iterate over them).
inline constexpr Role kAllRoles[] = {Role::kEnterpriseLegal, Role::kEnterpriseAgent, Role::kPolicyOfficer,
                                     Role::kReviewer,        Role::kFundsOfficer,    Role::kDataSteward,
                                     Role::kAuditor,         Role::kLeader};

const char* role_name(Role r);     // "enterprise_legal" …
const char* role_name_zh(Role r);  // "企业法人" …
std::optional<Role> parse_role(std::string_view name);
inline bool is_enterprise_role(Role r) { return r == Role::kEnterpriseLegal || r == Role::kEnterpriseAgent; }

struct Principal {
  int64_t user_id = 0;
  std::string username;
  std::string display_name;
  Role role = Role::kEnterpriseAgent;
  int64_t enterprise_id = 0;  // enterprise roles only
  std::string department;     // staff roles: 发文部门 / 科室
  std::string session_id;  // a short, non-secret id of the session (logs, audit)
};

}  // namespace zhida::services
