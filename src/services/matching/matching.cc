#include "services/matching/matching.h"

#include <fmt/format.h>
#include <tbb/combinable.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>

#include "base/date.h"
#include "base/format.h"
#include "match/reference.h"

namespace zhida::services {

using nlohmann::json;
using rules::Tri;

const char* verdict_name(Tri t) { return t == Tri::kTrue ? "match" : t == Tri::kFalse ? "no" : "possible"; }

namespace {

const char* tri_json(Tri t) { return t == Tri::kTrue ? "true" : t == Tri::kFalse ? "false" : "unknown"; }

std::string text_attr(const portrait::EnterpriseTable& t, size_t row, const char* name) {
  const portrait::Attribute* a = t.catalog().attribute(name);
  if (!a) return "";
  const portrait::Column* c = t.column(rules::AttrRef{a->id, 0});
  if (!c) return "";
  rules::Value v = c->value(row);
  return v.kind == rules::Value::Kind::kText ? std::string(v.text) : "";
}

}  // namespace

std::optional<Decimal> estimate_award(const portrait::Policy& policy, const rules::Facts& facts,
                                      const portrait::Catalog& catalog, const rules::EvalContext& ctx) {
  if (!policy.award) return Decimal();
  rules::Value v = rules::evaluate_value(*policy.award, facts, ctx);
  if (v.is_missing()) return std::nullopt;
  Decimal a = match::award_of(v);
  if (policy.cap_per_application && a > *policy.cap_per_application) a = *policy.cap_per_application;
  if (policy.tax_capped) {
    const portrait::Attribute* tax = catalog.attribute("纳税总额");
    int year = policy.reference_year.value_or(0) - 1;
    if (tax && tax->has_periods && year > 0) {
      rules::Value t = facts.get(rules::AttrRef{tax->id, static_cast<int16_t>(year)});
      if (t.is_missing()) return std::nullopt;
      Decimal cap = t.number.sign() > 0 ? t.number : Decimal();
      if (a > cap) a = cap;
    }
  }
  return a;
}

static FirmPolicyMatch evaluate(const PublishedPolicyPtr& pp, const portrait::EnterpriseTable& table, size_t row,
                                bool explain, const rules::EvalContext& ctx) {
  const portrait::Policy& p = *pp->policy;
  FirmPolicyMatch m;
  m.policy = pp;
  auto facts = table.facts(row);
  m.verdict = rules::evaluate_condition(*p.rule, facts, ctx);
  m.needs_review = !p.fully_verifiable();
  if (m.verdict != Tri::kFalse) {
    auto a = estimate_award(p, facts, table.catalog(), ctx);
    m.award_known = a.has_value();
    if (a) m.award = *a;
  }
  if (m.verdict == Tri::kUnknown || explain) {
    for (const portrait::Condition& c : p.conditions) {
      ConditionResult cr;
      cr.clause = c.clause;
      cr.rule = c.rule;
      cr.verifiable = c.verifiable;
      cr.material = c.material;
      if (c.program) {
        rules::ConditionExplanation e =
            rules::explain_condition(*c.program, c.program->root(), facts, ctx, table.catalog());
        cr.result = e.result;
        cr.evidence = std::move(e.evidence);
        cr.missing = std::move(e.missing);
      }
      if (m.verdict == Tri::kUnknown)
        for (const auto& miss : cr.missing)
          if (std::find(m.missing.begin(), m.missing.end(), miss.name) == m.missing.end())
            m.missing.push_back(miss.name);
      if (explain) m.conditions.push_back(std::move(cr));
    }
  }
  return m;
}

std::optional<std::vector<FirmPolicyMatch>> Matching::for_enterprise(int64_t enterprise_id, bool explain) const {
  auto policies = platform_.policies();
  rules::EvalContext ctx{platform_.clock().today()};
  return platform_.read([&](const portrait::EnterpriseTable& t) -> std::optional<std::vector<FirmPolicyMatch>> {
    auto row = t.row_of(enterprise_id);
    if (!row) return std::nullopt;
    std::vector<FirmPolicyMatch> out;
    out.reserve(policies.size());
    for (const auto& pp : policies) out.push_back(evaluate(pp, t, *row, explain, ctx));
    auto rank = [](Tri v) { return v == Tri::kTrue ? 0 : v == Tri::kUnknown ? 1 : 2; };
    std::stable_sort(out.begin(), out.end(), [&](const FirmPolicyMatch& a, const FirmPolicyMatch& b) {
      if (rank(a.verdict) != rank(b.verdict)) return rank(a.verdict) < rank(b.verdict);
      return a.award > b.award;
    });
    return out;
  });
}

std::optional<FirmPolicyMatch> Matching::explain(int64_t enterprise_id, const PublishedPolicyPtr& policy) const {
  rules::EvalContext ctx{platform_.clock().today()};
  return platform_.read([&](const portrait::EnterpriseTable& t) -> std::optional<FirmPolicyMatch> {
    auto row = t.row_of(enterprise_id);
    if (!row) return std::nullopt;
    return evaluate(policy, t, *row, true, ctx);
  });
}

Matching::List Matching::for_policy(const portrait::Policy& p, const Filter& f) const {
  rules::EvalContext ctx{platform_.clock().today()};
  return platform_.read([&](const portrait::EnterpriseTable& t) {
    List out;
    std::vector<Tri> verdicts(t.rows());
    tbb::parallel_for(tbb::blocked_range<size_t>(0, t.rows(), 4096), [&](const tbb::blocked_range<size_t>& r) {
      for (size_t row = r.begin(); row < r.end(); ++row)
        verdicts[row] = rules::evaluate_condition(*p.rule, t.facts(row), ctx);
    });
    for (size_t row = 0; row < t.rows(); ++row) {
      Tri v = verdicts[row];
      if (v == Tri::kTrue) ++out.match;
      if (v == Tri::kUnknown) ++out.possible;
      bool wanted = f.verdict ? v == *f.verdict : v != Tri::kFalse;
      if (!wanted) continue;
      std::string street = text_attr(t, row, "街道");
      std::string industry = text_attr(t, row, "行业门类");
      if (!f.street.empty() && street != f.street) continue;
      if (!f.industry.empty() && industry != f.industry) continue;
      auto facts = t.facts(row);
      auto award = v == Tri::kTrue ? estimate_award(p, facts, t.catalog(), ctx) : std::nullopt;
      if (award) out.award_sum = *add(out.award_sum, *award);
      size_t index = static_cast<size_t>(out.total++);
      if (index < f.offset || (f.limit != 0 && index >= f.offset + f.limit)) continue;
      Item item;
      item.enterprise_id = t.id(row);
      item.name = text_attr(t, row, "企业名称");
      item.street = street;
      item.industry = industry;
      item.verdict = v;
      item.award = award;
      out.items.push_back(std::move(item));
    }
    return out;
  });
}

Matching::Sandbox Matching::sandbox(const portrait::Policy& draft, const portrait::Policy* published,
                                    size_t list_limit) const {
  auto t0 = std::chrono::steady_clock::now();
  rules::EvalContext ctx{platform_.clock().today()};
  Sandbox s = platform_.read([&](const portrait::EnterpriseTable& t) {
    Sandbox out;
    out.budget = draft.budget;
    out.compared = published != nullptr;
    std::vector<Tri> now(t.rows()), before(published ? t.rows() : 0);
    tbb::parallel_for(tbb::blocked_range<size_t>(0, t.rows(), 4096), [&](const tbb::blocked_range<size_t>& r) {
      for (size_t row = r.begin(); row < r.end(); ++row) {
        auto facts = t.facts(row);
        now[row] = rules::evaluate_condition(*draft.rule, facts, ctx);
        if (published) before[row] = rules::evaluate_condition(*published->rule, facts, ctx);
      }
    });
    for (size_t row = 0; row < t.rows(); ++row) {
      Tri v = now[row];
      if (v != Tri::kFalse) {
        Decimal award;
        if (v == Tri::kTrue) {
          auto a = estimate_award(draft, t.facts(row), t.catalog(), ctx);
          if (a) award = *a;
          ++out.match;
          out.award_sum = *add(out.award_sum, award);
        } else {
          ++out.possible;
        }
        auto bump = [&](std::map<std::string, Bucket>& m, const std::string& key) {
          Bucket& b = m[key.empty() ? "（未知）" : key];
          if (v == Tri::kTrue) {
            ++b.match;
            b.award = *add(b.award, award);
          } else {
            ++b.possible;
          }
        };
        bump(out.by_street, text_attr(t, row, "街道"));
        bump(out.by_industry, text_attr(t, row, "行业门类"));
        bump(out.by_size, text_attr(t, row, "企业规模"));
      }
      if (published) {
        bool was = before[row] == Tri::kTrue, is = v == Tri::kTrue;
        if (was == is) continue;
        Item item;
        item.enterprise_id = t.id(row);
        item.name = text_attr(t, row, "企业名称");
        item.street = text_attr(t, row, "街道");
        item.industry = text_attr(t, row, "行业门类");
        item.verdict = v;
        if (is) {
          if (out.gained_firms.size() < list_limit) out.gained_firms.push_back(std::move(item));
          ++out.gained;
        } else {
          if (out.lost_firms.size() < list_limit) out.lost_firms.push_back(std::move(item));
          ++out.lost;
        }
      }
    }
    return out;
  });
  s.elapsed_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  return s;
}

json Matching::to_json(const Item& i) {
  json j = {{"enterprise_id", i.enterprise_id}, {"name", i.name},           {"street", i.street},
            {"industry", i.industry},           {"verdict", verdict_name(i.verdict)}};
  j["award"] = i.award ? json(i.award->to_string()) : json(nullptr);
  return j;
}

json Matching::to_json(const FirmPolicyMatch& m) {
  const portrait::Policy& p = *m.policy->policy;
  json j = {{"policy_id", p.id},
            {"policy_name", p.name},
            {"department", p.department},
            {"version", m.policy->version},
            {"verdict", verdict_name(m.verdict)},
            {"award", m.verdict == Tri::kFalse || !m.award_known ? json(nullptr) : json(m.award.to_string())},
            {"award_text", m.verdict == Tri::kFalse || !m.award_known ? "" : format_amount(m.award)},
            {"needs_review", m.needs_review},
            {"auto_grant", p.auto_grant},
            {"missing", m.missing}};
  if (p.window.end) j["deadline"] = format_date(*p.window.end);
  if (!m.conditions.empty()) {
    json conds = json::array();
    for (const ConditionResult& c : m.conditions) {
      json ev = json::array();
      for (const auto& e : c.evidence) {
        json x = {{"text", e.text}, {"result", tri_json(e.result)}};
        if (e.gap) x["gap"] = e.gap->to_string();
        ev.push_back(std::move(x));
      }
      json miss = json::array();
      for (const auto& x : c.missing) miss.push_back(x.name);
      conds.push_back({{"clause", c.clause},
                       {"rule", c.rule},
                       {"verifiable", c.verifiable},
                       {"material", c.material},
                       {"result", c.rule.empty() ? "review" : tri_json(c.result)},
                       {"evidence", ev},
                       {"missing", miss}});
    }
    j["conditions"] = std::move(conds);
  }
  return j;
}

json Matching::to_json(const Sandbox& s) {
  auto buckets = [](const std::map<std::string, Bucket>& m) {
    json arr = json::array();
    for (const auto& [k, b] : m)
      arr.push_back({{"key", k}, {"match", b.match}, {"possible", b.possible}, {"award", b.award.to_string()}});
    return arr;
  };
  json gained = json::array(), lost = json::array();
  for (const auto& i : s.gained_firms) gained.push_back(to_json(i));
  for (const auto& i : s.lost_firms) lost.push_back(to_json(i));
  json j = {{"match", s.match},
            {"possible", s.possible},
            {"award_sum", s.award_sum.to_string()},
            {"budget", s.budget ? json(s.budget->to_string()) : json(nullptr)},
            {"over_budget", s.budget ? s.award_sum > *s.budget : false},
            {"by_street", buckets(s.by_street)},
            {"by_industry", buckets(s.by_industry)},
            {"by_size", buckets(s.by_size)},
            {"compared", s.compared},
            {"gained", s.gained},
            {"lost", s.lost},
            {"gained_firms", gained},
            {"lost_firms", lost},
            {"elapsed_ms", s.elapsed_ms}};
  return j;
}

}  // namespace zhida::services
