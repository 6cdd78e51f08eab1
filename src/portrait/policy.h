// Policy items (政策画像): what a policy offers, to whom, and on what terms.
//
// A policy has conditions, each with the clause text it comes from, a rule,
// and whether the data can verify it (数据核验) or a person must (人工审核,
// with a declaration or material). The policy's rule is the conjunction of
// its conditions' rules; the award is a formula in the same language, with
// caps. A policy file is the benchmark's JSON (bench/WORKLOAD.md) extended
// with these fields; see docs/policy-format.md.
//
// A Policy is a value; its compiled programs are immutable and shared.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "base/decimal.h"
#include "base/issue.h"
#include "base/result.h"
#include "portrait/catalog.h"
#include "rules/rules.h"

namespace zhida::portrait {

struct Condition {
  std::string clause;         // 条款原文
  std::string rule;           // rule text; may be empty for a purely human check
  bool verifiable = true;     // true: 数据核验; false: 人工审核
  std::string material;       // what the applicant provides when not verifiable
  rules::ProgramPtr program;  // compiled rule (null when rule is empty)
};

struct Material {
  std::string name;
  bool commitment = false;  // 告知承诺: a signed commitment may replace it
  std::string description;
};

struct Window {
  std::optional<int32_t> pre_start, pre_end;  // 预申报 (days since 1970-01-01)
  std::optional<int32_t> start, end;          // 正式申报, inclusive
  bool open_on(int32_t day) const;
};

enum class BudgetMode : uint8_t { kFirstCome, kProRata };  // 先到先得 / 按比例核减

struct Policy {
  std::string id;
  std::string name;
  std::string department;  // 发文部门
  std::string document;    // 政策文件
  std::string clause;      // 条款
  std::string summary;     // 一句话说明
  std::vector<std::string> tags;
  std::optional<int> reference_year;
  std::vector<Condition> conditions;
  std::string rule_text;    // the conjunction, as text
  std::string award_text;   // award formula; empty = no money award
  rules::ProgramPtr rule;   // compiled conjunction of the conditions with rules
  rules::ProgramPtr award;  // compiled award formula (null when none)

  Window window;
  std::optional<Decimal> budget;
  BudgetMode budget_mode = BudgetMode::kFirstCome;
  std::optional<Decimal> cap_per_application;
  std::optional<Decimal> cap_per_firm_year;
  std::optional<Decimal> cap_cumulative;
  bool tax_capped = false;        // 纳税额封顶: award <= last year's tax paid
  std::string exclusivity_group;  // 同一事项不重复支持
  bool top_up = false;            // 差额补齐
  std::vector<Material> materials;
  bool auto_grant = false;  // 免申即享
  int publicity_days = 5;   // 公示期（工作日）

  // Every condition's data can settle it (a precondition of 秒批).
  bool fully_verifiable() const;
  nlohmann::json to_json() const;
};

// Reads one policy from JSON and compiles its rules against the catalog.
// Every problem is appended to `issues` (with Issue::field set); returns
// nullopt when any is an error.
std::optional<Policy> policy_from_json(const nlohmann::json& j, const Catalog& catalog,
                                       Issues& issues, const std::string& where = "");

// Reads a policy file: an array of policies (or {"policies": […]}).
Result<std::vector<Policy>> load_policies(const std::string& path, const Catalog& catalog,
                                          Issues* issues);
Result<std::vector<Policy>> policies_from_json(const nlohmann::json& doc, const Catalog& catalog,
                                               Issues* issues);

// "5000万", "0.07亿", 2500000, "12.5" -> exact yuan.
std::optional<Decimal> parse_amount(const nlohmann::json& v);

}  // namespace zhida::portrait
