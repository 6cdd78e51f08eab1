#include "services/demo/accounts.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>

#include "rules/rules.h"

namespace zhida::services::demo {

using portrait::EnterpriseTable;
using portrait::Policy;
using rules::Tri;

namespace {

const Policy* find_policy(const std::vector<Policy>& policies, std::string_view id) {
  for (const Policy& p : policies)
    if (p.id == id) return &p;
  return nullptr;
}

// A text fact of a row, or "" when missing or not in the catalog.
std::string text_of(const EnterpriseTable& t, size_t row, std::string_view name) {
  const portrait::Attribute* a = t.catalog().attribute(name);
  if (a == nullptr) return "";
  rules::Value v = t.facts(row).get({a->id, 0});
  return v.kind == rules::Value::Kind::kText ? std::string(v.text) : "";
}

// A firm the demo can show without distractions: a limited company
// registered in Bao'an, in business, clean record, with a legal
// representative and a handler on file.
bool presentable(const EnterpriseTable& t, size_t row) {
  auto is = [&](std::string_view name, std::string_view want) {
    return text_of(t, row, name) == want;
  };
  auto flag = [&](std::string_view name) {
    const portrait::Attribute* a = t.catalog().attribute(name);
    if (a == nullptr) return std::optional<bool>();
    rules::Value v = t.facts(row).get({a->id, 0});
    return v.kind == rules::Value::Kind::kBool ? std::optional<bool>(v.boolean)
                                               : std::optional<bool>();
  };
  return is("注册地", "宝安区") && is("企业类型", "有限责任公司") && is("经营状态", "在营") &&
         !text_of(t, row, "企业名称").empty() && !text_of(t, row, "法定代表人").empty() &&
         !text_of(t, row, "经办人").empty() &&
         text_of(t, row, "经办人") != text_of(t, row, "法定代表人") && flag("严重失信") == false &&
         flag("经营异常") == false;
}

struct Verdict {
  Tri verdict = Tri::kUnknown;
  int false_count = 0, unknown_count = 0;
  size_t missing = 0;
  std::optional<Decimal> gap;  // the failed condition's gap (one failed condition)
  rules::Type gap_type = rules::Type::kNumber;
};

Verdict judge(const Policy& p, const EnterpriseTable& t, size_t row,
              const rules::EvalContext& ctx) {
  Verdict v;
  auto facts = t.facts(row);
  v.verdict = rules::evaluate_condition(*p.rule, facts, ctx);
  if (v.verdict == Tri::kTrue) return v;
  rules::Explanation e = rules::explain(*p.rule, facts, ctx, t.catalog());
  v.missing = e.missing.size();
  for (const auto& c : e.conditions) {
    if (c.result == Tri::kFalse) {
      ++v.false_count;
      for (const auto& ev : c.evidence)
        if (ev.result == Tri::kFalse && ev.gap) v.gap = ev.gap, v.gap_type = ev.gap_type;
    }
    if (c.result == Tri::kUnknown) ++v.unknown_count;
  }
  return v;
}

std::string name_of(const EnterpriseTable& t, size_t row) {
  return text_of(t, row, "企业名称");
}

const char* verdict_zh(Tri t) {
  return t == Tri::kTrue ? "符合" : t == Tri::kFalse ? "不符合" : "可能符合";
}

}  // namespace

std::string_view scenario_zh(std::string_view s) {
  if (s == "instant") return "符合，可申报并秒批";
  if (s == "may_match") return "可能符合，补充一项数据即可";
  if (s == "near_miss") return "不符合，差一点";
  if (s == "auto_grant") return "免申即享";
  if (s == "exclusive") return "同一事项不重复支持（差额补齐）";
  return "";
}

std::vector<DemoEnterprise> choose_demo_enterprises(const EnterpriseTable& table,
                                                    const std::vector<Policy>& policies,
                                                    const rules::EvalContext& ctx) {
  std::vector<DemoEnterprise> out;
  auto add = [&](std::string scenario, size_t row, const Policy& p, Tri verdict, std::string note) {
    out.push_back(
        {std::move(scenario), table.id(row), name_of(table, row), p.id, verdict, std::move(note)});
  };
  std::vector<bool> used(table.rows(), false);

  // exclusive: meets two or more policies of the exclusivity group.
  std::vector<const Policy*> group;
  for (const Policy& p : policies)
    if (p.exclusivity_group == kExclusiveGroup && p.rule) group.push_back(&p);
  if (group.size() >= 2) {
    for (size_t row = 0; row < table.rows(); ++row) {
      if (used[row]) continue;
      const Policy* highest = nullptr;
      int met = 0;
      for (const Policy* p : group) {
        if (rules::evaluate_condition(*p->rule, table.facts(row), ctx) != Tri::kTrue) continue;
        ++met;
        highest = p;
      }
      if (met < 2) continue;
      used[row] = true;
      add("exclusive", row, *highest, Tri::kTrue,
          fmt::format(
              "同时符合“{}”中的 {} 项政策：同一事项只支持一次，取最高额，已获较低奖励的只补差额",
              kExclusiveGroup, met));
      break;
    }
  }

  if (const Policy* p = find_policy(policies, kInstantPolicy); p && p->rule) {
    // instant: the first presentable firm that fully meets it.
    for (size_t row = 0; row < table.rows(); ++row) {
      if (used[row] || !presentable(table, row)) continue;
      if (rules::evaluate_condition(*p->rule, table.facts(row), ctx) != Tri::kTrue) continue;
      used[row] = true;
      add("instant", row, *p, Tri::kTrue,
          fmt::format("登录后在“政策推荐”中找到“{}”，直接申报：数据全部核验通过，立即秒批",
                      p->name));
      break;
    }
    // may_match: unknown only because exactly one fact is missing.
    for (size_t row = 0; row < table.rows(); ++row) {
      if (used[row] || !presentable(table, row)) continue;
      Verdict v = judge(*p, table, row, ctx);
      if (v.verdict != Tri::kUnknown || v.missing != 1 || v.unknown_count != 1) continue;
      used[row] = true;
      add("may_match", row, *p, Tri::kUnknown,
          fmt::format("“{}”显示为可能符合：补充缺失的一项数据后即可判断", p->name));
      break;
    }
    // near_miss: one failed condition, nothing unknown, the smallest gap.
    std::optional<size_t> best;
    Decimal best_gap;
    for (size_t row = 0; row < table.rows(); ++row) {
      if (used[row] || !presentable(table, row)) continue;
      if (rules::evaluate_condition(*p->rule, table.facts(row), ctx) != Tri::kFalse) continue;
      Verdict v = judge(*p, table, row, ctx);
      if (v.false_count != 1 || v.unknown_count != 0 || !v.gap || v.gap->is_zero()) continue;
      if (v.gap_type != rules::Type::kMoney) continue;
      if (!best || *v.gap < best_gap) best = row, best_gap = *v.gap;
    }
    if (best) {
      used[*best] = true;
      add("near_miss", *best, *p, Tri::kFalse,
          fmt::format("“{}”显示为不符合：只差一个条件，且差距很小（差 {} 元）", p->name,
                      best_gap.to_string()));
    }
  }
  if (const Policy* p = find_policy(policies, kAutoGrantPolicy); p && p->rule) {
    const portrait::Attribute* bank = table.catalog().attribute("银行账户已确认");
    for (size_t row = 0; row < table.rows(); ++row) {
      if (used[row] || !presentable(table, row)) continue;
      if (rules::evaluate_condition(*p->rule, table.facts(row), ctx) != Tri::kTrue) continue;
      if (bank) {  // prefer a firm that still has to confirm its account
        rules::Value b = table.facts(row).get({bank->id, 0});
        if (b.kind != rules::Value::Kind::kBool || b.boolean) continue;
      }
      used[row] = true;
      add("auto_grant", row, *p, Tri::kTrue,
          fmt::format("“{}”为免申即享：无需申报，确认收款银行账户后即可拨付", p->name));
      break;
    }
  }
  return out;
}

std::vector<DemoAccount> demo_accounts(const EnterpriseTable& table,
                                       const std::vector<Policy>& policies,
                                       const std::vector<DemoEnterprise>& firms) {
  const std::string password(kDemoPassword);
  std::vector<DemoAccount> out;
  int k = 0;
  for (const DemoEnterprise& f : firms) {
    ++k;
    auto row = table.row_of(f.id);
    std::string legal = row ? text_of(table, *row, "法定代表人") : "";
    std::string agent = row ? text_of(table, *row, "经办人") : "";
    out.push_back({fmt::format("ent{}.legal", k), password, "enterprise_legal",
                   fmt::format("{}（{} 法定代表人）", legal, f.name), f.id, "", f.scenario,
                   f.policy_id});
    out.push_back({fmt::format("ent{}.agent", k), password, "enterprise_agent",
                   fmt::format("{}（{} 经办人）", agent, f.name), f.id, "", f.scenario,
                   f.policy_id});
  }
  // Policy officers: one per issuing department, with a short ASCII code.
  static const std::map<std::string, std::string> kCodes = {
      {"科技创新局", "kjj"},   {"工业和信息化局", "gxj"}, {"商务局", "swj"},
      {"金融监管局", "jrj"},   {"人力资源局", "rsj"},     {"投资推广署", "tzs"},
      {"发展和改革局", "fgj"}, {"市场监管局", "scj"},     {"财政局", "czj"}};
  std::vector<std::string> departments;
  for (const Policy& p : policies)
    if (!p.department.empty() &&
        std::find(departments.begin(), departments.end(), p.department) == departments.end())
      departments.push_back(p.department);
  std::sort(departments.begin(), departments.end());
  int other = 0;
  for (const std::string& d : departments) {
    auto it = kCodes.find(d);
    std::string code = it != kCodes.end() ? it->second : fmt::format("dept{}", ++other);
    out.push_back({"policy." + code, password, "policy_officer", d + "政策管理员", 0, d, "", ""});
  }
  out.push_back({"reviewer1", password, "reviewer", "科技创新局审核员", 0, "科技创新局", "", ""});
  out.push_back(
      {"reviewer2", password, "reviewer", "工业和信息化局审核员", 0, "工业和信息化局", "", ""});
  out.push_back({"funds1", password, "funds_officer", "财政局资金管理员", 0, "财政局", "", ""});
  out.push_back({"data1", password, "data_steward", "政务服务数据管理局数据管理员", 0,
                 "政务服务数据管理局", "", ""});
  out.push_back({"auditor1", password, "auditor", "审计局审计员", 0, "审计局", "", ""});
  out.push_back({"leader1", password, "leader", "区领导", 0, "区政府", "", ""});
  return out;
}

nlohmann::json accounts_to_json(const std::vector<DemoAccount>& accounts,
                                const std::vector<DemoEnterprise>& enterprises) {
  nlohmann::json a = nlohmann::json::array();
  for (const DemoAccount& x : accounts) {
    nlohmann::json j = {{"username", x.username},
                        {"password", x.password},
                        {"role", x.role},
                        {"display_name", x.display_name},
                        {"enterprise_id", x.enterprise_id},
                        {"department", x.department}};
    if (!x.scenario.empty()) j["scenario"] = x.scenario;
    if (!x.policy_id.empty()) j["policy_id"] = x.policy_id;
    a.push_back(std::move(j));
  }
  nlohmann::json e = nlohmann::json::array();
  for (const DemoEnterprise& x : enterprises)
    e.push_back({{"scenario", x.scenario},
                 {"scenario_zh", scenario_zh(x.scenario)},
                 {"enterprise_id", x.id},
                 {"name", x.name},
                 {"policy_id", x.policy_id},
                 {"verdict", verdict_zh(x.verdict)},
                 {"note", x.note}});
  return {{"password_note", "演示账户，仅用于本地演示"}, {"accounts", a}, {"enterprises", e}};
}

}  // namespace zhida::services::demo
