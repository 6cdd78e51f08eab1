#include "services/policies/diff.h"

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "portrait/policy.h"
#include "rules/syntax/parser.h"

namespace zhida::services {

using nlohmann::json;

namespace {

std::string canonical_rule(const std::string& text) {
  if (text.empty()) return text;
  rules::ParseResult p = rules::parse(text);
  if (!p.root || has_errors(p.issues)) return text;
  return rules::to_text(*p.root);
}

struct Cond {
  std::string clause, rule;
  bool verifiable = true;
  std::string material;

  json to_json(size_t index) const {
    return {{"index", index},
            {"clause", clause},
            {"rule", rule},
            {"verifiable", verifiable},
            {"material", material}};
  }
  bool same(const Cond& o) const {
    return clause == o.clause && rule == o.rule && verifiable == o.verifiable &&
           material == o.material;
  }
};

std::string str(const json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "";
}

// The conditions as policy_from_json reads them: the list, or one per
// top-level conjunct of a bare rule (the benchmark's format).
std::vector<Cond> conditions_of(const json& p) {
  std::vector<Cond> out;
  if (p.is_object() && p.contains("conditions") && p["conditions"].is_array()) {
    for (const json& c : p["conditions"]) {
      Cond x;
      x.clause = str(c, "clause");
      x.rule = canonical_rule(str(c, "rule"));
      x.material = str(c, "material");
      if (c.is_object() && c.contains("verifiable") && c["verifiable"].is_boolean())
        x.verifiable = c["verifiable"].get<bool>();
      out.push_back(std::move(x));
    }
    return out;
  }
  std::string rule = str(p, "rule");
  rules::ParseResult parsed = rules::parse(rule);
  if (!parsed.root || has_errors(parsed.issues)) {
    if (!rule.empty()) out.push_back({rule, rule, true, ""});
    return out;
  }
  auto add = [&](const rules::Node& n) {
    std::string t = rules::to_text(n);
    out.push_back({t, t, true, ""});
  };
  if (parsed.root->kind == rules::NodeKind::kAnd) {
    for (const auto& c : parsed.root->children) {
      if (c->kind == rules::NodeKind::kAnd)
        for (const auto& g : c->children) add(*g);
      else
        add(*c);
    }
  } else {
    add(*parsed.root);
  }
  return out;
}

const json* at(const json& p, const char* path) {
  const json* cur = &p;
  std::string_view rest(path);
  while (!rest.empty()) {
    size_t dot = rest.find('.');
    std::string key(rest.substr(0, dot));
    if (!cur->is_object() || !cur->contains(key)) return nullptr;
    cur = &(*cur)[key];
    rest = dot == std::string_view::npos ? std::string_view() : rest.substr(dot + 1);
  }
  return cur;
}

enum class Norm { kText, kTags, kYear, kDate, kAmount, kBudgetMode, kBool, kMaterials, kPublicity };

json normalize(const json* v, Norm n) {
  switch (n) {
    case Norm::kText:
      return v && v->is_string() ? *v : json("");
    case Norm::kTags:
      return v && v->is_array() ? *v : json::array();
    case Norm::kYear:
      return v && v->is_number_integer() ? *v : json(nullptr);
    case Norm::kDate:
      return v && v->is_string() ? *v : json(nullptr);
    case Norm::kAmount: {
      if (!v || v->is_null()) return nullptr;
      auto d = portrait::parse_amount(*v);
      return d ? json(d->to_string()) : *v;
    }
    case Norm::kBudgetMode: {
      std::string m = v && v->is_string() ? v->get<std::string>() : "";
      if (m.empty() || m == "先到先得") return "first_come";
      if (m == "按比例核减") return "pro_rata";
      return m;
    }
    case Norm::kBool:
      return v && v->is_boolean() ? *v : json(false);
    case Norm::kMaterials: {
      json out = json::array();
      if (!v || !v->is_array()) return out;
      for (const json& m : *v) {
        if (m.is_string()) {
          out.push_back({{"name", m}, {"commitment", false}, {"description", ""}});
        } else if (m.is_object()) {
          bool commitment = m.contains("commitment") && m["commitment"].is_boolean() &&
                            m["commitment"].get<bool>();
          out.push_back({{"name", str(m, "name")},
                         {"commitment", commitment},
                         {"description", str(m, "description")}});
        }
      }
      return out;
    }
    case Norm::kPublicity:
      return v && v->is_number_integer() ? *v : json(5);
  }
  return nullptr;
}

struct Term {
  const char* field;
  const char* label;
  Norm norm;
};

constexpr Term kTerms[] = {
    {"name", "名称", Norm::kText},
    {"department", "发文部门", Norm::kText},
    {"document", "政策文件", Norm::kText},
    {"clause", "条款", Norm::kText},
    {"summary", "一句话说明", Norm::kText},
    {"tags", "标签", Norm::kTags},
    {"reference_year", "基准年度", Norm::kYear},
    {"window.pre_start", "预申报开始", Norm::kDate},
    {"window.pre_end", "预申报截止", Norm::kDate},
    {"window.start", "申报开始", Norm::kDate},
    {"window.end", "申报截止", Norm::kDate},
    {"budget", "预算", Norm::kAmount},
    {"budget_mode", "预算不足时（先到先得 / 按比例核减）", Norm::kBudgetMode},
    {"caps.per_application", "单次申报封顶", Norm::kAmount},
    {"caps.per_firm_year", "每家企业每年封顶", Norm::kAmount},
    {"caps.cumulative", "累计封顶", Norm::kAmount},
    {"tax_capped", "纳税额封顶", Norm::kBool},
    {"exclusivity_group", "同一事项组（不重复支持）", Norm::kText},
    {"top_up", "差额补齐", Norm::kBool},
    {"materials", "申报材料", Norm::kMaterials},
    {"auto_grant", "免申即享", Norm::kBool},
    {"publicity_days", "公示期（工作日）", Norm::kPublicity},
};

}  // namespace

json policy_diff(const json& before, const json& after) {
  std::vector<Cond> a = conditions_of(before), b = conditions_of(after);
  std::vector<int> pair_of_b(b.size(), -1);
  std::vector<bool> used_a(a.size(), false);
  auto pair = [&](auto&& matches) {
    for (size_t j = 0; j < b.size(); ++j) {
      if (pair_of_b[j] >= 0) continue;
      for (size_t i = 0; i < a.size(); ++i) {
        if (used_a[i] || !matches(a[i], b[j])) continue;
        pair_of_b[j] = static_cast<int>(i);
        used_a[i] = true;
        break;
      }
    }
  };
  pair([](const Cond& x, const Cond& y) { return x.same(y); });
  pair([](const Cond& x, const Cond& y) { return !x.clause.empty() && x.clause == y.clause; });
  pair([](const Cond& x, const Cond& y) { return !x.rule.empty() && x.rule == y.rule; });

  json added = json::array(), removed = json::array(), changed = json::array();
  int unchanged = 0;
  for (size_t j = 0; j < b.size(); ++j) {
    if (pair_of_b[j] < 0) {
      added.push_back(b[j].to_json(j));
      continue;
    }
    const Cond& x = a[static_cast<size_t>(pair_of_b[j])];
    if (x.same(b[j])) {
      ++unchanged;
      continue;
    }
    json fields = json::array();
    if (x.rule != b[j].rule) fields.push_back("rule");
    if (x.clause != b[j].clause) fields.push_back("clause");
    if (x.verifiable != b[j].verifiable) fields.push_back("verifiable");
    if (x.material != b[j].material) fields.push_back("material");
    changed.push_back({{"before_index", pair_of_b[j]},
                       {"after_index", j},
                       {"before", x.to_json(static_cast<size_t>(pair_of_b[j]))},
                       {"after", b[j].to_json(j)},
                       {"fields", fields}});
  }
  for (size_t i = 0; i < a.size(); ++i)
    if (!used_a[i]) removed.push_back(a[i].to_json(i));

  std::string award_a = canonical_rule(str(before, "award")),
              award_b = canonical_rule(str(after, "award"));
  json award = {{"changed", award_a != award_b},
                {"before", award_a.empty() ? json(nullptr) : json(award_a)},
                {"after", award_b.empty() ? json(nullptr) : json(award_b)}};

  json terms = json::array();
  for (const Term& t : kTerms) {
    json x = normalize(at(before, t.field), t.norm), y = normalize(at(after, t.field), t.norm);
    if (x != y)
      terms.push_back({{"field", t.field}, {"label", t.label}, {"before", x}, {"after", y}});
  }
  bool any = !added.empty() || !removed.empty() || !changed.empty() ||
             award["changed"].get<bool>() || !terms.empty();
  return {
      {"changed", any},
      {"conditions",
       {{"added", added}, {"removed", removed}, {"changed", changed}, {"unchanged", unchanged}}},
      {"award", award},
      {"terms", terms}};
}

}  // namespace zhida::services
