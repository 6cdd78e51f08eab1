#include "workflow/decision.h"

#include <fmt/format.h>
#include <sodium.h>

#include <algorithm>
#include <set>

#include "base/date.h"
#include "match/reference.h"
#include "portrait/import.h"
#include "rules/rules.h"

namespace zhida::workflow {

using nlohmann::json;
using rules::Tri;

namespace {

const char* tri_text(Tri t) {
  return t == Tri::kTrue ? "true" : t == Tri::kFalse ? "false" : "unknown";
}

const char* verdict_text(Tri t) {
  return t == Tri::kTrue ? "match" : t == Tri::kFalse ? "no" : "possible";
}

const char* mode_name(portrait::BudgetMode m) {
  return m == portrait::BudgetMode::kProRata ? "pro_rata" : "first_come";
}

json opt_int(const std::optional<int64_t>& v) {
  return v ? json(*v) : json(nullptr);
}

std::optional<int64_t> get_opt_int(const json& j, const char* key) {
  if (!j.contains(key) || j.at(key).is_null()) return std::nullopt;
  return j.at(key).get<int64_t>();
}

std::string shorten(const std::string& s) {
  return s.size() > 300 ? s.substr(0, 300) + "…" : s;
}

}  // namespace

// ---------------------------------------------------------------- facts

std::optional<rules::AttrRef> parse_fact_name(std::string_view name,
                                              const portrait::Catalog& catalog) {
  int year = 0;
  std::string_view base = name;
  if (size_t b = name.find('['); b != std::string_view::npos) {
    if (name.back() != ']') return std::nullopt;
    std::string_view y = name.substr(b + 1, name.size() - b - 2);
    if (y.size() != 4 || y.find_first_not_of("0123456789") != std::string_view::npos)
      return std::nullopt;
    year = std::stoi(std::string(y));
    base = name.substr(0, b);
  }
  const portrait::Attribute* a = catalog.attribute(base);
  if (!a || a->has_periods != (year != 0)) return std::nullopt;
  return rules::AttrRef{a->id, static_cast<int16_t>(year)};
}

Result<std::unique_ptr<RecordedFacts>> RecordedFacts::build(const std::vector<RecordedFact>& facts,
                                                            const portrait::Catalog& catalog,
                                                            const std::string& origin) {
  std::unique_ptr<RecordedFacts> out(new RecordedFacts());
  // Data first, then declarations, which only fill what the data lacks.
  for (int pass = 0; pass < 2; ++pass) {
    for (const RecordedFact& f : facts) {
      bool declared = f.origin == "declared";
      if (declared != (pass == 1)) continue;
      if (!origin.empty() && f.origin != origin) continue;
      auto ref = parse_fact_name(f.attribute, catalog);
      if (!ref) return Error("decision.bad_fact", fmt::format("数据目录中没有“{}”", f.attribute));
      const portrait::Attribute* a = catalog.attribute(ref->attr);
      int64_t k = key(*ref);
      if (declared) {
        auto it = out->cells_.find(k);
        if (it != out->cells_.end() && it->second.kind != rules::Value::Kind::kMissing) continue;
      }
      Cell cell;
      if (f.value) {
        if (a->type == rules::Type::kEnum || a->type == rules::Type::kString) {
          cell.kind = rules::Value::Kind::kText;
          cell.text = *f.value;
        } else {
          portrait::FactCell fc;
          std::string why;
          if (!portrait::parse_cell(*f.value, true, *a, fc, &why))
            return Error("decision.bad_fact",
                         fmt::format("“{}”的值“{}”无效：{}", f.attribute, *f.value, why));
          switch (rules::class_of(a->type)) {
            case rules::Class::kNumeric:
              cell.kind = rules::Value::Kind::kNumber;
              cell.number = fc.number;
              break;
            case rules::Class::kDate:
              cell.kind = rules::Value::Kind::kDate;
              cell.date = fc.date;
              break;
            case rules::Class::kBool:
              cell.kind = rules::Value::Kind::kBool;
              cell.boolean = fc.boolean;
              break;
            case rules::Class::kSet:
              cell.kind = rules::Value::Kind::kSet;
              for (auto m : fc.members) cell.members.emplace_back(m);
              break;
            default:
              cell.kind = rules::Value::Kind::kText;
              cell.text = std::string(fc.text);
          }
        }
      }
      out->cells_[k] = std::move(cell);
    }
  }
  return out;
}

rules::Value RecordedFacts::get(rules::AttrRef ref) const {
  auto it = cells_.find(key(ref));
  if (it == cells_.end()) return rules::Value::missing();
  const Cell& c = it->second;
  switch (c.kind) {
    case rules::Value::Kind::kNumber:
      return rules::Value::of_number(c.number);
    case rules::Value::Kind::kDate:
      return rules::Value::of_date(c.date);
    case rules::Value::Kind::kBool:
      return rules::Value::of_bool(c.boolean);
    case rules::Value::Kind::kText:
      return rules::Value::of_text(c.text);
    case rules::Value::Kind::kSet:
      return rules::Value::known_set();
    case rules::Value::Kind::kMissing:
      break;
  }
  return rules::Value::missing();
}

rules::Tri RecordedFacts::set_contains(rules::AttrRef ref, std::string_view value) const {
  auto it = cells_.find(key(ref));
  if (it == cells_.end() || it->second.kind != rules::Value::Kind::kSet) return Tri::kUnknown;
  for (const auto& m : it->second.members)
    if (m == value) return Tri::kTrue;
  return Tri::kFalse;
}

std::optional<rules::AttrRef> tax_fact(const portrait::Policy& policy,
                                       const portrait::Catalog& catalog) {
  if (!policy.tax_capped) return std::nullopt;
  const portrait::Attribute* tax = catalog.attribute("纳税总额");
  int year = policy.reference_year.value_or(0) - 1;
  if (!tax || !tax->has_periods || year <= 0) return std::nullopt;
  return rules::AttrRef{tax->id, static_cast<int16_t>(year)};
}

std::vector<rules::AttrRef> facts_needed(const portrait::Policy& policy,
                                         const portrait::Catalog& catalog) {
  std::vector<rules::AttrRef> refs;
  auto add = [&](const rules::ProgramPtr& p) {
    if (!p) return;
    for (const rules::AttrRef& r : p->attributes())
      if (std::find(refs.begin(), refs.end(), r) == refs.end()) refs.push_back(r);
  };
  add(policy.rule);
  for (const portrait::Condition& c : policy.conditions) add(c.program);
  add(policy.award);
  if (auto t = tax_fact(policy, catalog);
      t && std::find(refs.begin(), refs.end(), *t) == refs.end())
    refs.push_back(*t);
  std::sort(refs.begin(), refs.end(), [&](const rules::AttrRef& a, const rules::AttrRef& b) {
    return rules::fact_name(catalog, a) < rules::fact_name(catalog, b);
  });
  return refs;
}

// ---------------------------------------------------------------- decide

Result<DecisionResult> decide(const portrait::Policy& policy, const portrait::Catalog& catalog,
                              const DecisionInputs& in) {
  auto full = RecordedFacts::build(in.facts, catalog);
  if (!full.ok()) return full.error();
  auto data = RecordedFacts::build(in.facts, catalog, "data");
  if (!data.ok()) return data.error();
  rules::EvalContext ctx{in.evaluated_on};
  DecisionResult r;
  r.window_open = policy.window.open_on(in.evaluated_on);
  std::map<std::string, const Verdict*> verdicts;
  for (const Verdict& v : in.verdicts) verdicts[v.key] = &v;
  bool review = in.kind == DecisionKind::kReview;

  for (size_t i = 0; i < policy.conditions.size(); ++i) {
    const portrait::Condition& c = policy.conditions[i];
    ConditionOutcome co;
    co.index = static_cast<int>(i);
    co.clause = c.clause;
    co.rule = c.rule;
    co.verifiable = c.verifiable;
    co.material = c.material;
    co.data = "none";
    if (c.program) {
      auto on_data = rules::explain_condition(*c.program, c.program->root(), **data, ctx, catalog);
      auto on_all = rules::explain_condition(*c.program, c.program->root(), **full, ctx, catalog);
      co.data = tri_text(on_data.result);
      for (const auto& m : on_data.missing) co.missing.push_back(m.name);
      for (const auto& e : on_all.evidence) co.evidence.push_back(e.text);
      if (c.verifiable && on_data.result != Tri::kUnknown) {
        co.final = on_data.result == Tri::kTrue ? "pass" : "fail";
        co.settled_by = "data";
      } else if (c.verifiable && on_all.result == Tri::kFalse) {
        co.final = "fail";
        co.settled_by = "declaration";
      }
    }
    if (co.final.empty()) {
      auto it = verdicts.find(fmt::format("condition:{}", i));
      if (review && it != verdicts.end() &&
          (it->second->verdict == "pass" || it->second->verdict == "fail")) {
        co.final = it->second->verdict;
        co.settled_by = "reviewer";
      } else {
        co.final = "pending";
      }
    }
    r.conditions.push_back(std::move(co));
  }
  r.verdict =
      policy.rule ? verdict_text(rules::evaluate_condition(*policy.rule, **full, ctx)) : "match";

  // Money.
  MoneyInputs mi;
  mi.policy_id = policy.id;
  mi.year = in.year;
  mi.has_formula = policy.award != nullptr;
  r.formula = policy.award_text;
  if (policy.award) {
    rules::Value v = rules::evaluate_value(*policy.award, **full, ctx);
    if (!v.is_missing()) {
      Decimal yuan = match::award_of(v);
      r.formula_value = yuan.to_string();
      mi.formula_fen = to_fen(yuan);
    }
  }
  if (review) mi.reviewer_fen = in.reviewer_fen;
  auto fen_of = [](const std::optional<Decimal>& d) -> std::optional<int64_t> {
    return d ? to_fen(*d) : std::nullopt;
  };
  mi.per_application_fen = fen_of(policy.cap_per_application);
  mi.per_firm_year_fen = fen_of(policy.cap_per_firm_year);
  mi.cumulative_fen = fen_of(policy.cap_cumulative);
  if (auto tref = tax_fact(policy, catalog)) {
    mi.tax_capped = true;
    mi.tax_year = tref->year;
    rules::Value t = (*full)->get(*tref);
    if (t.kind == rules::Value::Kind::kNumber)
      mi.tax_fen = to_fen(t.number.sign() > 0 ? t.number : Decimal());
  }
  mi.group = policy.exclusivity_group;
  mi.top_up = policy.top_up;
  mi.earlier = in.earlier;
  mi.budget_mode = in.budget_mode;
  mi.budget_fen = in.budget_fen;
  mi.committed_fen = in.committed_fen;
  r.money = compute_award(mi);
  const MoneyResult& m = r.money;

  auto condition_reason = [&](const ConditionOutcome& co, const char* what) {
    std::string s = fmt::format("{}：{}", what, co.clause);
    if (!co.evidence.empty()) {
      s += "（";
      for (size_t k = 0; k < co.evidence.size(); ++k) s += (k ? "；" : "") + co.evidence[k];
      s += "）";
    } else if (!co.missing.empty()) {
      s += "（缺少：";
      for (size_t k = 0; k < co.missing.size(); ++k) s += (k ? "、" : "") + co.missing[k];
      s += "）";
    }
    return s;
  };
  auto money_reasons = [&](std::vector<std::string>& out) {
    if (!m.known) {
      for (const auto& n : m.notes) out.push_back(n);
      return;
    }
    if (m.award_fen == 0 && mi.has_formula && !m.exclusivity.blocked && !m.cap_reached)
      out.push_back(m.budget.short_fall ? "政策预算已用完" : "核定奖励金额为 0");
  };

  if (in.kind == DecisionKind::kSubmission) {
    bool failed = false;
    for (const auto& co : r.conditions)
      if (co.final == "fail") failed = true;
    if (!in.published) {
      r.outcome = "refused";
      r.refusal = "policy.not_published";
      r.reasons.push_back("该政策未发布或已关闭，不能申报");
    } else if (!r.window_open) {
      r.outcome = "refused";
      r.refusal = "application.window_closed";
      std::string w =
          policy.window.start || policy.window.end
              ? fmt::format("申报期为 {} 至 {}",
                            policy.window.start ? format_date(*policy.window.start) : "…",
                            policy.window.end ? format_date(*policy.window.end) : "…")
              : "";
      r.reasons.push_back(fmt::format("{} 不在申报期内{}{}", format_date(in.evaluated_on),
                                      w.empty() ? "" : "，", w));
    } else if (failed) {
      r.outcome = "refused";
      r.refusal = "application.ineligible";
      for (const auto& co : r.conditions)
        if (co.final == "fail") r.reasons.push_back(condition_reason(co, "不符合"));
    } else if (m.known && m.exclusivity.blocked) {
      r.outcome = "refused";
      r.refusal = "application.exclusive";
      r.reasons.push_back(fmt::format("同一事项（{}）本年度已获 {} 元奖励，不低于本项，不重复支持",
                                      m.exclusivity.group,
                                      fen_text(m.exclusivity.earlier_max_fen)));
    } else if (m.known && m.cap_reached && m.award_fen == 0) {
      r.outcome = "refused";
      r.refusal = "application.cap_reached";
      r.reasons.push_back("已达到本政策的奖励上限（每年或累计），不能再获奖励");
    } else {
      for (const auto& co : r.conditions)
        if (co.final == "pending")
          r.reasons.push_back(
              condition_reason(co, co.verifiable ? "数据不足，需人工核实" : "需人工审核"));
      money_reasons(r.reasons);
      if (m.known && m.budget.short_fall && m.award_fen > 0)
        r.reasons.push_back(fmt::format("政策预算余额不足（剩余 {} 元）",
                                        fen_text(m.budget.remaining_fen.value_or(0))));
      if (m.known && m.exclusivity.needs_review)
        r.reasons.push_back(
            fmt::format("同一事项（{}）本年度已获 {} 元奖励，需审核确认按最高额支持",
                        m.exclusivity.group, fen_text(m.exclusivity.earlier_max_fen)));
      r.outcome = r.reasons.empty() ? "approved" : "review";
      r.instant = r.reasons.empty();
    }
  } else if (in.action == "reject") {
    r.outcome = "rejected";
    r.reasons = in.reasons;
  } else {
    for (const auto& co : r.conditions) {
      if (co.final == "fail") r.reasons.push_back(condition_reason(co, "不符合"));
      if (co.final == "pending") r.reasons.push_back(condition_reason(co, "尚未核实"));
    }
    for (const Verdict& v : in.verdicts)
      if (v.verdict != "pass") r.reasons.push_back(fmt::format("核查项“{}”未通过", v.key));
    money_reasons(r.reasons);
    if (m.known && m.exclusivity.blocked)
      r.reasons.push_back("同一事项已获不低于本项的奖励，不重复支持");
    else if (m.known && m.cap_reached && m.award_fen == 0)
      r.reasons.push_back("已达到本政策的奖励上限");
    r.outcome = r.reasons.empty() ? "approved" : "refused";
    if (!r.reasons.empty()) r.refusal = "review.cannot_approve";
  }
  return r;
}

// ---------------------------------------------------------------- JSON

json inputs_to_json(const DecisionInputs& in) {
  json facts = json::array();
  for (const RecordedFact& f : in.facts)
    facts.push_back({{"attribute", f.attribute},
                     {"value", f.value ? json(*f.value) : json(nullptr)},
                     {"source", f.source},
                     {"as_of", f.as_of},
                     {"loaded_at", f.loaded_at},
                     {"origin", f.origin}});
  json decls = json::array();
  for (const Declaration& d : in.declarations)
    decls.push_back({{"condition", d.condition >= 0 ? json(d.condition) : json(nullptr)},
                     {"commitment", d.commitment},
                     {"attribute", d.attribute},
                     {"value", d.value},
                     {"text", d.text}});
  json mats = json::array();
  for (const MaterialRef& m : in.materials)
    mats.push_back({{"name", m.name},
                    {"condition", m.condition >= 0 ? json(m.condition) : json(nullptr)},
                    {"upload_id", m.upload_id},
                    {"sha256", m.sha256},
                    {"file_name", m.file_name},
                    {"commitment", m.commitment}});
  json earlier = json::array();
  for (const EarlierAward& e : in.earlier)
    earlier.push_back({{"application_id", e.application_id},
                       {"policy_id", e.policy_id},
                       {"year", e.year},
                       {"group", e.group},
                       {"fen", e.fen},
                       {"status", e.status}});
  json j = {{"kind", in.kind == DecisionKind::kReview ? "review" : "submission"},
            {"application",
             {{"id", in.application_id},
              {"enterprise_id", in.enterprise_id},
              {"year", in.year},
              {"origin", in.origin}}},
            {"policy",
             {{"id", in.policy_id},
              {"version", in.policy_version},
              {"hash", in.policy_hash},
              {"name", in.policy_name}}},
            {"evaluated_on", format_date(in.evaluated_on)},
            {"decided_at", in.decided_at},
            {"decided_by",
             {{"id", in.decided_by}, {"name", in.decided_by_name}, {"role", in.decided_by_role}}},
            {"published", in.published},
            {"facts", facts},
            {"declarations", decls},
            {"materials", mats},
            {"earlier_awards", earlier},
            {"budget",
             {{"mode", mode_name(in.budget_mode)},
              {"budget_fen", opt_int(in.budget_fen)},
              {"committed_fen", in.committed_fen}}}};
  if (in.kind == DecisionKind::kReview) {
    json verdicts = json::array();
    for (const Verdict& v : in.verdicts)
      verdicts.push_back({{"key", v.key}, {"verdict", v.verdict}, {"note", v.note}});
    j["review"] = {{"action", in.action},
                   {"verdicts", verdicts},
                   {"amount_fen", opt_int(in.reviewer_fen)},
                   {"reasons", in.reasons},
                   {"note", in.note}};
  }
  return j;
}

Result<DecisionInputs> inputs_from_json(const json& j) {
  try {
    DecisionInputs in;
    in.kind = j.at("kind").get<std::string>() == "review" ? DecisionKind::kReview
                                                          : DecisionKind::kSubmission;
    const json& a = j.at("application");
    in.application_id = a.at("id").get<int64_t>();
    in.enterprise_id = a.at("enterprise_id").get<int64_t>();
    in.year = a.at("year").get<int>();
    in.origin = a.at("origin").get<std::string>();
    const json& p = j.at("policy");
    in.policy_id = p.at("id").get<std::string>();
    in.policy_version = p.at("version").get<int64_t>();
    in.policy_hash = p.at("hash").get<std::string>();
    in.policy_name = p.at("name").get<std::string>();
    auto day = parse_date(j.at("evaluated_on").get<std::string>());
    if (!day) return Error("decision.bad_record", "决策记录中的评估日期无效");
    in.evaluated_on = *day;
    in.decided_at = j.at("decided_at").get<std::string>();
    const json& by = j.at("decided_by");
    in.decided_by = by.at("id").get<int64_t>();
    in.decided_by_name = by.at("name").get<std::string>();
    in.decided_by_role = by.at("role").get<std::string>();
    in.published = j.at("published").get<bool>();
    for (const json& f : j.at("facts")) {
      RecordedFact r;
      r.attribute = f.at("attribute").get<std::string>();
      if (!f.at("value").is_null()) r.value = f.at("value").get<std::string>();
      r.source = f.at("source").get<std::string>();
      r.as_of = f.at("as_of").get<std::string>();
      r.loaded_at = f.at("loaded_at").get<std::string>();
      r.origin = f.at("origin").get<std::string>();
      in.facts.push_back(std::move(r));
    }
    for (const json& d : j.at("declarations")) {
      Declaration x;
      x.condition = d.at("condition").is_null() ? -1 : d.at("condition").get<int>();
      x.commitment = d.at("commitment").get<bool>();
      x.attribute = d.at("attribute").get<std::string>();
      x.value = d.at("value").get<std::string>();
      x.text = d.at("text").get<std::string>();
      in.declarations.push_back(std::move(x));
    }
    for (const json& m : j.at("materials")) {
      MaterialRef x;
      x.name = m.at("name").get<std::string>();
      x.condition = m.at("condition").is_null() ? -1 : m.at("condition").get<int>();
      x.upload_id = m.at("upload_id").get<int64_t>();
      x.sha256 = m.at("sha256").get<std::string>();
      x.file_name = m.at("file_name").get<std::string>();
      x.commitment = m.at("commitment").get<bool>();
      in.materials.push_back(std::move(x));
    }
    for (const json& e : j.at("earlier_awards")) {
      EarlierAward x;
      x.application_id = e.at("application_id").get<int64_t>();
      x.policy_id = e.at("policy_id").get<std::string>();
      x.year = e.at("year").get<int>();
      x.group = e.at("group").get<std::string>();
      x.fen = e.at("fen").get<int64_t>();
      x.status = e.at("status").get<std::string>();
      in.earlier.push_back(std::move(x));
    }
    const json& b = j.at("budget");
    in.budget_mode = b.at("mode").get<std::string>() == "pro_rata"
                         ? portrait::BudgetMode::kProRata
                         : portrait::BudgetMode::kFirstCome;
    in.budget_fen = get_opt_int(b, "budget_fen");
    in.committed_fen = b.at("committed_fen").get<int64_t>();
    if (in.kind == DecisionKind::kReview) {
      const json& rv = j.at("review");
      in.action = rv.at("action").get<std::string>();
      for (const json& v : rv.at("verdicts"))
        in.verdicts.push_back({v.at("key").get<std::string>(), v.at("verdict").get<std::string>(),
                               v.at("note").get<std::string>()});
      in.reviewer_fen = get_opt_int(rv, "amount_fen");
      in.reasons = rv.at("reasons").get<std::vector<std::string>>();
      in.note = rv.at("note").get<std::string>();
    }
    return in;
  } catch (const json::exception& e) {
    return Error("decision.bad_record", fmt::format("决策记录的格式不对：{}", e.what()));
  }
}

json money_to_json(const MoneyResult& m) {
  json steps = json::array();
  for (const CapStep& s : m.steps)
    steps.push_back({{"rule", s.rule},
                     {"label", s.label},
                     {"limit_fen", opt_int(s.limit_fen)},
                     {"before_fen", s.before_fen},
                     {"after_fen", s.after_fen},
                     {"note", s.note}});
  const Exclusivity& x = m.exclusivity;
  const BudgetState& b = m.budget;
  return {{"known", m.known},
          {"base_fen", opt_int(m.base_fen)},
          {"award_fen", m.known ? json(m.award_fen) : json(nullptr)},
          {"steps", steps},
          {"cap_reached", m.cap_reached},
          {"notes", m.notes},
          {"exclusivity",
           {{"group", x.group},
            {"top_up", x.top_up},
            {"earlier_max_fen", x.earlier_max_fen},
            {"earlier_ids", x.earlier_ids},
            {"superseded", x.superseded},
            {"paid_fen", x.paid_fen},
            {"needs_review", x.needs_review},
            {"blocked", x.blocked}}},
          {"budget",
           {{"mode", mode_name(b.mode)},
            {"budget_fen", opt_int(b.budget_fen)},
            {"committed_fen", b.committed_fen},
            {"remaining_fen", opt_int(b.remaining_fen)},
            {"short_fall", b.short_fall},
            {"over_budget", b.over_budget}}}};
}

json result_to_json(const DecisionResult& r) {
  json conds = json::array();
  for (const ConditionOutcome& c : r.conditions)
    conds.push_back({{"index", c.index},
                     {"clause", c.clause},
                     {"rule", c.rule},
                     {"verifiable", c.verifiable},
                     {"material", c.material},
                     {"data", c.data},
                     {"final", c.final},
                     {"settled_by", c.settled_by},
                     {"evidence", c.evidence},
                     {"missing", c.missing}});
  json award = money_to_json(r.money);
  award["formula"] = r.formula;
  award["value"] = r.formula_value ? json(*r.formula_value) : json(nullptr);
  return {{"window_open", r.window_open}, {"conditions", conds},
          {"verdict", r.verdict},         {"award", award},
          {"outcome", r.outcome},         {"instant", r.instant},
          {"reasons", r.reasons},         {"refusal", r.refusal}};
}

json make_record(const DecisionInputs& in, const DecisionResult& r) {
  return {
      {"format", kDecisionFormat}, {"inputs", inputs_to_json(in)}, {"result", result_to_json(r)}};
}

std::string canonical(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string sha256_hex(std::string_view bytes) {
  unsigned char out[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(out, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  static const char* hex = "0123456789abcdef";
  std::string s;
  s.reserve(2 * sizeof out);
  for (unsigned char c : out) {
    s.push_back(hex[c >> 4]);
    s.push_back(hex[c & 15]);
  }
  return s;
}

std::string record_hash(const json& record) {
  return sha256_hex(canonical(record));
}

VerifyReport verify_record(std::string_view record_text, std::string_view stored_hash,
                           const portrait::Policy& policy, int64_t policy_version,
                           std::string_view policy_hash, const portrait::Catalog& catalog) {
  VerifyReport rep;
  json record = json::parse(record_text, nullptr, false);
  if (record.is_discarded() || !record.is_object()) {
    rep.problems.push_back("决策记录不是有效的 JSON");
    return rep;
  }
  rep.hash_ok = record_hash(record) == stored_hash;
  if (!rep.hash_ok)
    rep.problems.push_back(
        fmt::format("哈希不符：记录内容的哈希为 {}，存储的哈希为 {}（记录被改动过）",
                    record_hash(record), stored_hash));
  if (record.value("format", "") != kDecisionFormat)
    rep.problems.push_back("决策记录的格式版本未知");
  if (!record.contains("inputs") || !record.contains("result")) {
    rep.problems.push_back("决策记录缺少 inputs 或 result");
    return rep;
  }
  auto in = inputs_from_json(record["inputs"]);
  if (!in.ok()) {
    rep.problems.push_back(in.error().message);
    return rep;
  }
  rep.policy_ok = in->policy_id == policy.id && in->policy_version == policy_version &&
                  in->policy_hash == policy_hash;
  if (!rep.policy_ok)
    rep.problems.push_back(fmt::format(
        "记录引用的政策版本（{} 第 {} 版，哈希 {}）与存档的版本（{} 第 {} 版，哈希 {}）不符",
        in->policy_id, in->policy_version, in->policy_hash, policy.id, policy_version,
        policy_hash));
  auto r = decide(policy, catalog, *in);
  if (!r.ok()) {
    rep.problems.push_back("按记录的数据无法重算：" + r.error().message);
    return rep;
  }
  json again = result_to_json(*r);
  const json& stored = record["result"];
  rep.replay_ok = again == stored;
  if (!rep.replay_ok) {
    std::set<std::string> keys;
    for (auto& [k, v] : again.items()) keys.insert(k);
    if (stored.is_object())
      for (auto& [k, v] : stored.items()) keys.insert(k);
    for (const std::string& k : keys) {
      json a = again.contains(k) ? again[k] : json(nullptr);
      json s = stored.is_object() && stored.contains(k) ? stored[k] : json(nullptr);
      if (a == s) continue;
      if (k == "conditions" && a.is_array() && s.is_array()) {
        for (size_t i = 0; i < std::max(a.size(), s.size()); ++i) {
          json ai = i < a.size() ? a[i] : json(nullptr), si = i < s.size() ? s[i] : json(nullptr);
          if (ai != si)
            rep.problems.push_back(fmt::format("重算结果不一致：条件 {}：记录为 {}，重算为 {}",
                                               i + 1, shorten(canonical(si)),
                                               shorten(canonical(ai))));
        }
        continue;
      }
      rep.problems.push_back(fmt::format("重算结果不一致：{}：记录为 {}，重算为 {}", k,
                                         shorten(canonical(s)), shorten(canonical(a))));
    }
  }
  return rep;
}

}  // namespace zhida::workflow
