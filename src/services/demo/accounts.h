// Demo accounts: a user for every role of SPEC.md, and enterprise users bound
// to firms chosen so that the demo tells its story at once:
//
//   instant     fully meets an open, data-verifiable policy: apply → 秒批
//   may_match   may match it (可能符合): one fact is missing and can be supplied
//   near_miss   fails one condition of it by a small distance (不符合, with the gap)
//   auto_grant  eligible for a 免申即享 policy: only confirms the bank account
//   exclusive   meets two policies of one exclusivity group (同一事项不重复支持, 差额补齐)
//
// The firms are found by evaluating the policies on the generated table, so
// the choice follows the data; the same table gives the same accounts.
// Passwords are for the demo only.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "portrait/policy.h"
#include "portrait/table.h"
#include "rules/types.h"

namespace zhida::services::demo {

inline constexpr std::string_view kDemoPassword = "Demo@2025";

// One firm the demo accounts are bound to, and what it shows.
struct DemoEnterprise {
  std::string scenario;  // instant, may_match, near_miss, auto_grant, exclusive
  int64_t id = 0;
  std::string name;                           // 企业名称
  std::string policy_id;                      // the policy the scenario is about
  rules::Tri verdict = rules::Tri::kUnknown;  // the firm's verdict on it
  std::string note;                           // Chinese: what to try
};

struct DemoAccount {
  std::string username;
  std::string password;
  // enterprise_legal, enterprise_agent, policy_officer, reviewer,
  // funds_officer, data_steward, auditor, leader
  std::string role;
  std::string display_name;
  int64_t enterprise_id = 0;  // bound firm for the enterprise roles, else 0
  std::string department;     // for government roles
  std::string scenario;       // enterprise roles: the firm's scenario
  std::string policy_id;      // enterprise roles: the scenario's policy
};

// The policies each scenario uses (ids in corpus/policies.json).
inline constexpr std::string_view kInstantPolicy = "BA-2025-025";
inline constexpr std::string_view kAutoGrantPolicy = "BA-2025-028";
inline constexpr std::string_view kExclusiveGroup = "专精特新梯度培育奖励";

// Chooses the demo firms by evaluating `policies` on `table` at ctx.today.
// Deterministic: the first suitable firm in row order (near_miss: the
// smallest gap). A scenario no firm fits is left out.
std::vector<DemoEnterprise> choose_demo_enterprises(const portrait::EnterpriseTable& table,
                                                    const std::vector<portrait::Policy>& policies,
                                                    const rules::EvalContext& ctx);

// Every demo user: a legal representative and a handler for each firm of
// `firms` (names from `table`), a policy officer per issuing department of
// `policies`, two reviewers, a funds officer, a data steward, an auditor and
// a leader.
std::vector<DemoAccount> demo_accounts(const portrait::EnterpriseTable& table,
                                       const std::vector<portrait::Policy>& policies,
                                       const std::vector<DemoEnterprise>& firms);

// {"accounts":[…], "enterprises":[…]} as gen-district writes accounts.json.
nlohmann::json accounts_to_json(const std::vector<DemoAccount>& accounts,
                                const std::vector<DemoEnterprise>& enterprises);

// "instant" → "秒批", "may_match" → "可能符合" … for display.
std::string_view scenario_zh(std::string_view scenario);

}  // namespace zhida::services::demo
