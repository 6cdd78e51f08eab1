#include "portrait/policy.h"

#include <fmt/format.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "base/date.h"
#include "base/format.h"
#include "rules/syntax/parser.h"

namespace zhida::portrait {

using nlohmann::json;

bool Window::open_on(int32_t day) const {
  if (!start && !end) return true;
  if (start && day < *start) return false;
  if (end && day > *end) return false;
  return true;
}

bool Policy::fully_verifiable() const {
  for (const Condition& c : conditions)
    if (!c.verifiable) return false;
  return true;
}

std::optional<Decimal> parse_amount(const json& v) {
  if (v.is_number_integer()) return Decimal::from_int(v.get<int64_t>());
  if (v.is_number_float()) return Decimal::parse(v.dump());
  if (!v.is_string()) return std::nullopt;
  std::string s = v.get<std::string>();
  Decimal unit = Decimal::from_int(1);
  auto ends = [&](const char* suffix) {
    std::string x(suffix);
    return s.size() > x.size() && s.compare(s.size() - x.size(), x.size(), x) == 0;
  };
  if (ends("元")) s.resize(s.size() - 3);
  if (ends("万")) {
    unit = Decimal::from_int(10000);
    s.resize(s.size() - 3);
  } else if (ends("亿")) {
    unit = Decimal::from_int(100000000);
    s.resize(s.size() - 3);
  }
  auto d = Decimal::parse(s);
  if (!d) return std::nullopt;
  return mul(*d, unit);
}

namespace {

std::string amount_json(const std::optional<Decimal>& d) {
  return d ? d->to_string() : "";
}

class Reader {
 public:
  Reader(const json& j, const Catalog& cat, Issues& issues, std::string where)
      : j_(j), cat_(cat), issues_(issues), where_(std::move(where)) {}

  std::optional<Policy> run() {
    size_t before = issues_.size();
    if (!j_.is_object()) {
      error("", "policy.not_object", "政策必须是 JSON 对象");
      return std::nullopt;
    }
    static const std::set<std::string> kKnown = {"id",
                                                 "name",
                                                 "department",
                                                 "document",
                                                 "clause",
                                                 "summary",
                                                 "tags",
                                                 "reference_year",
                                                 "rule",
                                                 "conditions",
                                                 "award",
                                                 "window",
                                                 "budget",
                                                 "budget_mode",
                                                 "caps",
                                                 "tax_capped",
                                                 "exclusivity_group",
                                                 "top_up",
                                                 "materials",
                                                 "auto_grant",
                                                 "publicity_days",
                                                 "ast",
                                                 "award_ast"};
    for (const auto& [key, _] : j_.items())
      if (!kKnown.count(key))
        error(key, "policy.unknown_field", fmt::format("未知的字段“{}”", key));
    Policy p;
    p.id = str("id", true);
    if (!p.id.empty()) where_ = p.id;
    p.name = str("name", true);
    p.department = str("department");
    p.document = str("document");
    p.clause = str("clause");
    p.summary = str("summary");
    p.award_text = str("award");
    if (j_.contains("tags")) {
      if (!string_list(j_["tags"], p.tags))
        error("tags", "policy.wrong_type", "tags 必须是文本列表");
    }
    if (j_.contains("reference_year")) {
      const json& y = j_["reference_year"];
      if (!y.is_number_integer() || y.get<int>() < 1990 || y.get<int>() > 2100)
        error("reference_year", "policy.bad_reference_year",
              "基准年度 reference_year 必须是 1990–2100 的整数");
      else
        p.reference_year = y.get<int>();
    }
    rules::CheckOptions cond_opts{rules::RuleKind::kCondition, p.reference_year};
    conditions(p, cond_opts);
    if (!p.award_text.empty()) {
      auto c = rules::compile(p.award_text, cat_,
                              rules::CheckOptions{rules::RuleKind::kValue, p.reference_year});
      rule_issues("award", c.issues);
      p.award = c.program;
    }
    window(p);
    p.budget = amount("budget");
    if (j_.contains("budget_mode")) {
      std::string m = str("budget_mode");
      if (m == "first_come" || m == "先到先得")
        p.budget_mode = BudgetMode::kFirstCome;
      else if (m == "pro_rata" || m == "按比例核减")
        p.budget_mode = BudgetMode::kProRata;
      else
        error("budget_mode", "policy.bad_budget_mode",
              "budget_mode 必须是 first_come（先到先得）或 pro_rata（按比例核减）");
    }
    if (j_.contains("caps")) {
      const json& c = j_["caps"];
      if (!c.is_object()) {
        error("caps", "policy.wrong_type", "caps 必须是对象");
      } else {
        for (const auto& [key, _] : c.items())
          if (key != "per_application" && key != "per_firm_year" && key != "cumulative")
            error("caps." + key, "policy.unknown_field", fmt::format("caps 中未知的字段“{}”", key));
        p.cap_per_application = amount_in(c, "per_application", "caps.per_application");
        p.cap_per_firm_year = amount_in(c, "per_firm_year", "caps.per_firm_year");
        p.cap_cumulative = amount_in(c, "cumulative", "caps.cumulative");
      }
    }
    p.tax_capped = boolean("tax_capped");
    p.exclusivity_group = str("exclusivity_group");
    p.top_up = boolean("top_up");
    if (p.top_up && p.exclusivity_group.empty())
      error("top_up", "policy.top_up_without_group",
            "差额补齐（top_up）需要同时设定同一事项组 exclusivity_group");
    p.auto_grant = boolean("auto_grant");
    if (j_.contains("publicity_days")) {
      const json& d = j_["publicity_days"];
      if (!d.is_number_integer() || d.get<int>() < 0 || d.get<int>() > 60)
        error("publicity_days", "policy.bad_publicity_days",
              "公示期 publicity_days 必须是 0–60 的整数（工作日）");
      else
        p.publicity_days = d.get<int>();
    }
    materials(p);
    if (p.auto_grant && !p.fully_verifiable())
      error("auto_grant", "policy.auto_grant_needs_data",
            "免申即享的政策，每个条件都必须能由数据核验（verifiable 为 true）");
    bool bad = false;
    for (size_t i = before; i < issues_.size(); ++i) bad = bad || issues_[i].is_error();
    if (bad) return std::nullopt;
    return p;
  }

 private:
  std::string field(const std::string& f) const {
    return where_.empty() ? f : (f.empty() ? where_ : where_ + "." + f);
  }

  void error(const std::string& f, std::string code, std::string message) {
    Issue i;
    i.code = std::move(code);
    i.field = field(f);
    i.message = (where_.empty() ? "" : fmt::format("政策 {}：", where_)) + message;
    issues_.push_back(std::move(i));
  }

  void rule_issues(const std::string& f, const Issues& in) {
    for (Issue i : in) {
      i.field = field(f);
      i.message = fmt::format("{}{} 第 {} 行第 {} 列：{}",
                              where_.empty() ? "" : fmt::format("政策 {} 的 ", where_), f, i.line,
                              i.column, i.message);
      issues_.push_back(std::move(i));
    }
  }

  std::string str(const char* key, bool required = false) {
    if (!j_.contains(key)) {
      if (required) error(key, "policy.missing_field", fmt::format("缺少字段“{}”", key));
      return "";
    }
    if (!j_[key].is_string()) {
      error(key, "policy.wrong_type", fmt::format("字段“{}”必须是文本", key));
      return "";
    }
    std::string s = j_[key].get<std::string>();
    if (required && s.empty())
      error(key, "policy.missing_field", fmt::format("字段“{}”不能为空", key));
    return s;
  }

  bool boolean(const char* key) {
    if (!j_.contains(key)) return false;
    if (!j_[key].is_boolean()) {
      error(key, "policy.wrong_type", fmt::format("字段“{}”必须是 true 或 false", key));
      return false;
    }
    return j_[key].get<bool>();
  }

  std::optional<Decimal> amount_in(const json& obj, const char* key, const std::string& f) {
    if (!obj.contains(key) || obj[key].is_null()) return std::nullopt;
    auto d = parse_amount(obj[key]);
    if (!d || d->sign() < 0) {
      error(f, "policy.bad_amount", fmt::format("“{}”必须是非负金额，如 5000000 或 \"500万\"", f));
      return std::nullopt;
    }
    return d;
  }
  std::optional<Decimal> amount(const char* key) { return amount_in(j_, key, key); }

  static bool string_list(const json& v, std::vector<std::string>& out) {
    if (!v.is_array()) return false;
    for (const auto& x : v) {
      if (!x.is_string()) return false;
      out.push_back(x.get<std::string>());
    }
    return true;
  }

  std::optional<int32_t> date_field(const json& w, const char* key) {
    if (!w.contains(key) || w[key].is_null()) return std::nullopt;
    std::string f = std::string("window.") + key;
    if (!w[key].is_string() || !parse_date(w[key].get<std::string>())) {
      error(f, "policy.bad_date", fmt::format("“{}”必须是日期文本 YYYY-MM-DD", f));
      return std::nullopt;
    }
    return parse_date(w[key].get<std::string>());
  }

  void window(Policy& p) {
    if (!j_.contains("window")) return;
    const json& w = j_["window"];
    if (!w.is_object()) {
      error("window", "policy.wrong_type",
            "window 必须是对象，如 {\"start\":\"2025-07-01\",\"end\":\"2025-07-31\"}");
      return;
    }
    for (const auto& [key, _] : w.items())
      if (key != "start" && key != "end" && key != "pre_start" && key != "pre_end")
        error("window." + key, "policy.unknown_field", fmt::format("window 中未知的字段“{}”", key));
    p.window.start = date_field(w, "start");
    p.window.end = date_field(w, "end");
    p.window.pre_start = date_field(w, "pre_start");
    p.window.pre_end = date_field(w, "pre_end");
    if (p.window.start && p.window.end && *p.window.end < *p.window.start)
      error("window.end", "policy.bad_window", "申报截止日期早于开始日期");
    if (p.window.pre_start && p.window.pre_end && *p.window.pre_end < *p.window.pre_start)
      error("window.pre_end", "policy.bad_window", "预申报截止日期早于开始日期");
  }

  void materials(Policy& p) {
    if (!j_.contains("materials")) return;
    const json& m = j_["materials"];
    if (!m.is_array()) {
      error("materials", "policy.wrong_type", "materials 必须是列表");
      return;
    }
    int k = 0;
    for (const auto& x : m) {
      std::string f = fmt::format("materials[{}]", k++);
      Material mat;
      if (x.is_string()) {
        mat.name = x.get<std::string>();
      } else if (x.is_object() && x.contains("name") && x["name"].is_string()) {
        mat.name = x["name"].get<std::string>();
        if (x.contains("commitment")) {
          if (x["commitment"].is_boolean())
            mat.commitment = x["commitment"].get<bool>();
          else
            error(f + ".commitment", "policy.wrong_type", "commitment 必须是 true 或 false");
        }
        if (x.contains("description") && x["description"].is_string())
          mat.description = x["description"].get<std::string>();
        for (const auto& [key, _] : x.items())
          if (key != "name" && key != "commitment" && key != "description")
            error(f + "." + key, "policy.unknown_field", fmt::format("材料中未知的字段“{}”", key));
      } else {
        error(f, "policy.wrong_type", "材料必须是名称文本，或 {\"name\":…, \"commitment\":true}");
        continue;
      }
      if (mat.name.empty()) error(f, "policy.missing_field", "材料名称不能为空");
      p.materials.push_back(std::move(mat));
    }
  }

  // Top-level conjuncts of a rule text, each normalised.
  static std::vector<std::string> conjunct_texts(const std::string& text) {
    std::vector<std::string> out;
    auto parsed = rules::parse(text);
    if (!parsed.root) return out;
    if (parsed.root->kind == rules::NodeKind::kAnd) {
      for (const auto& c : parsed.root->children) {
        if (c->kind == rules::NodeKind::kAnd) {
          for (const auto& g : c->children) out.push_back(rules::to_text(*g));
        } else {
          out.push_back(rules::to_text(*c));
        }
      }
    } else {
      out.push_back(rules::to_text(*parsed.root));
    }
    return out;
  }

  void conditions(Policy& p, const rules::CheckOptions& opts) {
    std::string rule = str("rule");
    bool has_conditions = j_.contains("conditions") && j_["conditions"].is_array();
    if (j_.contains("conditions") && !j_["conditions"].is_array() &&
        !j_["conditions"].is_number_integer())
      error("conditions", "policy.wrong_type", "conditions 必须是条件列表");
    if (!has_conditions) {
      if (rule.empty()) {
        error("rule", "policy.missing_field", "政策需要规则：给出 rule 或 conditions");
        return;
      }
      auto c = rules::compile(rule, cat_, opts);
      rule_issues("rule", c.issues);
      if (!c.ok()) return;
      p.rule = c.program;
      p.rule_text = rule;
      for (const std::string& t : conjunct_texts(rule)) {
        Condition cond;
        cond.rule = t;
        cond.clause = t;
        cond.program = rules::compile(t, cat_, opts).program;
        p.conditions.push_back(std::move(cond));
      }
      return;
    }
    int k = 0;
    std::string joined;
    bool any_rule = false;  // a condition has a rule (compiling or not)
    for (const auto& x : j_["conditions"]) {
      std::string f = fmt::format("conditions[{}]", k++);
      if (!x.is_object()) {
        error(f, "policy.wrong_type",
              "每个条件必须是对象 {\"clause\":…, \"rule\":…, \"verifiable\":true}");
        continue;
      }
      for (const auto& [key, _] : x.items())
        if (key != "clause" && key != "rule" && key != "verifiable" && key != "material")
          error(f + "." + key, "policy.unknown_field", fmt::format("条件中未知的字段“{}”", key));
      Condition cond;
      auto get = [&](const char* key, std::string& out) {
        if (!x.contains(key)) return;
        if (!x[key].is_string())
          error(f + "." + key, "policy.wrong_type", fmt::format("条件的 {} 必须是文本", key));
        else
          out = x[key].get<std::string>();
      };
      get("clause", cond.clause);
      get("rule", cond.rule);
      get("material", cond.material);
      if (x.contains("verifiable")) {
        if (!x["verifiable"].is_boolean())
          error(f + ".verifiable", "policy.wrong_type", "verifiable 必须是 true 或 false");
        else
          cond.verifiable = x["verifiable"].get<bool>();
      }
      if (cond.clause.empty())
        error(f + ".clause", "policy.missing_field", "条件需要条款原文 clause");
      if (cond.rule.empty() && cond.verifiable)
        error(f + ".rule", "policy.missing_field",
              "数据核验的条件需要规则 rule（人工审核的条件可以不写规则，但需 verifiable: false）");
      if (!cond.rule.empty()) {
        any_rule = true;
        auto c = rules::compile(cond.rule, cat_, opts);
        rule_issues(f + ".rule", c.issues);
        cond.program = c.program;
        if (c.ok()) {
          auto parsed = rules::parse(cond.rule);
          std::string t = rules::to_text(*parsed.root);
          if (parsed.root->kind == rules::NodeKind::kOr) t = "(" + t + ")";
          joined += (joined.empty() ? "" : " and ") + t;
        }
      }
      p.conditions.push_back(std::move(cond));
    }
    if (p.conditions.empty()) error("conditions", "policy.missing_field", "政策至少需要一个条件");
    if (joined.empty()) {
      // Rules that do not compile have said so already.
      if (!p.conditions.empty() && !any_rule)
        error("conditions", "policy.no_rule", "至少需要一个带规则的条件，才能匹配企业");
      return;
    }
    if (!rule.empty() && conjunct_texts(rule) != conjunct_texts(joined))
      error("rule", "policy.rule_mismatch", "rule 与 conditions 的规则不一致：两者只需给出一个");
    auto c = rules::compile(joined, cat_, opts);
    if (c.ok()) {
      p.rule = c.program;
      p.rule_text = joined;
    }
  }

  const json& j_;
  const Catalog& cat_;
  Issues& issues_;
  std::string where_;
};

}  // namespace

std::optional<Policy> policy_from_json(const json& j, const Catalog& catalog, Issues& issues,
                                       const std::string& where) {
  return Reader(j, catalog, issues, where).run();
}

Result<std::vector<Policy>> policies_from_json(const json& doc0, const Catalog& catalog,
                                               Issues* issues) {
  Issues local;
  Issues& out = issues ? *issues : local;
  const json* doc = &doc0;
  if (doc0.is_object() && doc0.contains("policies")) doc = &doc0["policies"];
  if (!doc->is_array())
    return Error("policy.bad_file", "政策文件应为政策的数组，或 {\"policies\": [...]}");
  std::vector<Policy> policies;
  std::set<std::string> ids;
  bool bad = false;
  int k = 0;
  for (const auto& j : *doc) {
    std::string where = fmt::format("第 {} 条", ++k);
    auto p = policy_from_json(j, catalog, out, where);
    if (!p) {
      bad = true;
      continue;
    }
    if (!ids.insert(p->id).second) {
      Issue i;
      i.code = "policy.duplicate_id";
      i.field = p->id;
      i.message = fmt::format("政策编号 {} 重复", p->id);
      out.push_back(i);
      bad = true;
      continue;
    }
    policies.push_back(std::move(*p));
  }
  if (bad) {
    size_t n = 0;
    for (const Issue& i : out) n += i.is_error();
    return Error("policy.invalid", fmt::format("政策文件有 {} 处错误", n));
  }
  return policies;
}

Result<std::vector<Policy>> load_policies(const std::string& path, const Catalog& catalog,
                                          Issues* issues) {
  std::ifstream in(path);
  if (!in) return Error("io.open_failed", fmt::format("无法打开政策文件 {}", path));
  json doc = json::parse(in, nullptr, false);
  if (doc.is_discarded())
    return Error("policy.bad_json", fmt::format("政策文件 {} 不是有效的 JSON", path));
  return policies_from_json(doc, catalog, issues);
}

json Policy::to_json() const {
  json conds = json::array();
  for (const Condition& c : conditions) {
    json jc = {{"clause", c.clause}, {"rule", c.rule}, {"verifiable", c.verifiable}};
    if (!c.material.empty()) jc["material"] = c.material;
    conds.push_back(std::move(jc));
  }
  json mats = json::array();
  for (const Material& m : materials) {
    json jm = {{"name", m.name}, {"commitment", m.commitment}};
    if (!m.description.empty()) jm["description"] = m.description;
    mats.push_back(std::move(jm));
  }
  json j = {{"id", id}, {"name", name}, {"conditions", conds}};
  auto opt_str = [&](const char* k, const std::string& v) {
    if (!v.empty()) j[k] = v;
  };
  opt_str("department", department);
  opt_str("document", document);
  opt_str("clause", clause);
  opt_str("summary", summary);
  opt_str("award", award_text);
  if (!tags.empty()) j["tags"] = tags;
  if (reference_year) j["reference_year"] = *reference_year;
  json w = json::object();
  if (window.start) w["start"] = format_date(*window.start);
  if (window.end) w["end"] = format_date(*window.end);
  if (window.pre_start) w["pre_start"] = format_date(*window.pre_start);
  if (window.pre_end) w["pre_end"] = format_date(*window.pre_end);
  if (!w.empty()) j["window"] = w;
  if (budget) j["budget"] = amount_json(budget);
  if (budget_mode == BudgetMode::kProRata) j["budget_mode"] = "pro_rata";
  json caps = json::object();
  if (cap_per_application) caps["per_application"] = amount_json(cap_per_application);
  if (cap_per_firm_year) caps["per_firm_year"] = amount_json(cap_per_firm_year);
  if (cap_cumulative) caps["cumulative"] = amount_json(cap_cumulative);
  if (!caps.empty()) j["caps"] = caps;
  if (tax_capped) j["tax_capped"] = true;
  opt_str("exclusivity_group", exclusivity_group);
  if (top_up) j["top_up"] = true;
  if (!materials.empty()) j["materials"] = mats;
  if (auto_grant) j["auto_grant"] = true;
  if (publicity_days != 5) j["publicity_days"] = publicity_days;
  return j;
}

}  // namespace zhida::portrait
