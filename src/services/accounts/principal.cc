#include "services/accounts/principal.h"

namespace zhida::services {

const char* role_name(Role r) {
  switch (r) {
    case Role::kEnterpriseLegal: return "enterprise_legal";
    case Role::kEnterpriseAgent: return "enterprise_agent";
    case Role::kPolicyOfficer: return "policy_officer";
    case Role::kReviewer: return "reviewer";
    case Role::kFundsOfficer: return "funds_officer";
    case Role::kDataSteward: return "data_steward";
    case Role::kAuditor: return "auditor";
    case Role::kLeader: return "leader";
  }
  return "?";
}

const char* role_name_zh(Role r) {
  switch (r) {
    case Role::kEnterpriseLegal: return "企业法人";
    case Role::kEnterpriseAgent: return "经办人";
    case Role::kPolicyOfficer: return "政策管理员";
    case Role::kReviewer: return "审核员";
    case Role::kFundsOfficer: return "资金管理员";
    case Role::kDataSteward: return "数据管理员";
    case Role::kAuditor: return "审计员";
    case Role::kLeader: return "领导";
  }
  return "?";
}

std::optional<Role> parse_role(std::string_view n) {
  for (Role r : {Role::kEnterpriseLegal, Role::kEnterpriseAgent, Role::kPolicyOfficer, Role::kReviewer,
                 Role::kFundsOfficer, Role::kDataSteward, Role::kAuditor, Role::kLeader})
    if (n == role_name(r)) return r;
  return std::nullopt;
}

}  // namespace zhida::services
