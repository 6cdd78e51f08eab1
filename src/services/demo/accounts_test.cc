#include "services/demo/accounts.h"

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "services/demo/corpus.h"
#include "services/demo/generator.h"

namespace zhida::services::demo {
namespace {

using portrait::Policy;

struct Demo {
  std::shared_ptr<const portrait::Catalog> catalog;
  std::vector<Policy> policies;
  std::unique_ptr<portrait::EnterpriseTable> table;
  std::vector<DemoEnterprise> firms;
};

const Demo& demo() {
  static Demo d = [] {
    Demo x;
    x.catalog = *load_demo_catalog();
    x.policies = *load_demo_policies(*x.catalog);
    x.table = generate_table(x.catalog, {1, 20000}).value();
    x.firms = choose_demo_enterprises(*x.table, x.policies, {demo_today()});
    return x;
  }();
  return d;
}

const Policy& policy(std::string_view id) {
  for (const Policy& p : demo().policies)
    if (p.id == id) return p;
  static Policy none;
  ADD_FAILURE() << "no policy " << id;
  return none;
}

TEST(Accounts, EveryScenarioHasAFirm) {
  std::set<std::string> scenarios;
  for (const auto& f : demo().firms) scenarios.insert(f.scenario);
  EXPECT_EQ(scenarios, (std::set<std::string>{"instant", "may_match", "near_miss", "auto_grant",
                                              "exclusive"}));
}

TEST(Accounts, EachFirmHasTheIntendedVerdict) {
  const auto& d = demo();
  for (const auto& f : d.firms) {
    const Policy& p = policy(f.policy_id);
    auto row = d.table->row_of(f.id);
    ASSERT_TRUE(row) << f.id;
    auto facts = d.table->facts(*row);
    rules::Tri t = rules::evaluate_condition(*p.rule, facts, {demo_today()});
    EXPECT_EQ(t, f.verdict) << f.scenario << " firm " << f.id << " on " << p.id;
    if (f.scenario == "instant") {
      EXPECT_EQ(t, rules::Tri::kTrue);
    }
    if (f.scenario == "may_match") {
      EXPECT_EQ(t, rules::Tri::kUnknown);
    }
    if (f.scenario == "near_miss") {
      EXPECT_EQ(t, rules::Tri::kFalse);
      // exactly one condition fails, and nothing is unknown
      auto e = rules::explain(*p.rule, facts, {demo_today()}, d.table->catalog());
      int failed = 0, unknown = 0;
      for (const auto& c : e.conditions) {
        failed += c.result == rules::Tri::kFalse;
        unknown += c.result == rules::Tri::kUnknown;
      }
      EXPECT_EQ(failed, 1);
      EXPECT_EQ(unknown, 0);
    }
    if (f.scenario == "exclusive") {
      int met = 0;
      for (const Policy& q : d.policies)
        if (q.exclusivity_group == p.exclusivity_group && !q.exclusivity_group.empty())
          met += rules::evaluate_condition(*q.rule, facts, {demo_today()}) == rules::Tri::kTrue;
      EXPECT_GE(met, 2);
    }
  }
}

TEST(Accounts, ScenarioPoliciesSuitTheDemo) {
  // instant: open now, every condition data-verifiable, not 免申即享 — so 秒批 applies.
  const Policy& instant = policy(kInstantPolicy);
  EXPECT_TRUE(instant.window.open_on(demo_today()));
  EXPECT_TRUE(instant.fully_verifiable());
  EXPECT_FALSE(instant.auto_grant);
  const Policy& grant = policy(kAutoGrantPolicy);
  EXPECT_TRUE(grant.auto_grant);
  EXPECT_TRUE(grant.window.open_on(demo_today()));
}

TEST(Accounts, EveryRoleHasAUser) {
  const auto& d = demo();
  auto accounts = demo_accounts(*d.table, d.policies, d.firms);
  std::map<std::string, int> roles;
  std::set<std::string> names;
  std::set<std::string> departments;
  for (const auto& a : accounts) {
    ++roles[a.role];
    EXPECT_TRUE(names.insert(a.username).second) << a.username;
    EXPECT_GE(a.password.size(), 8u);
    EXPECT_FALSE(a.display_name.empty()) << a.username;
    bool enterprise = a.role == "enterprise_legal" || a.role == "enterprise_agent";
    EXPECT_EQ(enterprise, a.enterprise_id != 0) << a.username;
    if (a.role == "policy_officer") departments.insert(a.department);
  }
  for (const char* r : {"enterprise_legal", "enterprise_agent", "policy_officer", "reviewer",
                        "funds_officer", "data_steward", "auditor", "leader"})
    EXPECT_GE(roles[r], 1) << r;
  EXPECT_EQ(roles["enterprise_legal"], static_cast<int>(d.firms.size()));
  for (const Policy& p : d.policies) EXPECT_TRUE(departments.count(p.department)) << p.department;
  nlohmann::json j = accounts_to_json(accounts, d.firms);
  EXPECT_EQ(j["accounts"].size(), accounts.size());
  EXPECT_EQ(j["enterprises"].size(), d.firms.size());
}

TEST(Accounts, SameDistrictSameAccounts) {
  const auto& d = demo();
  auto again = choose_demo_enterprises(*d.table, d.policies, {demo_today()});
  ASSERT_EQ(again.size(), d.firms.size());
  for (size_t i = 0; i < again.size(); ++i) EXPECT_EQ(again[i].id, d.firms[i].id);
}

}  // namespace
}  // namespace zhida::services::demo
