#include "services/matching/matching.h"

#include <fmt/format.h>
#include <tbb/combinable.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <bit>
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

namespace {

// The text columns a list shows, resolved once per scan.
struct TextColumns {
  const portrait::Column* name = nullptr;
  const portrait::Column* street = nullptr;
  const portrait::Column* industry = nullptr;
  const portrait::Column* size = nullptr;

  explicit TextColumns(const portrait::EnterpriseTable& t) {
    auto col = [&](const char* attr) -> const portrait::Column* {
      const portrait::Attribute* a = t.catalog().attribute(attr);
      return a ? t.column(rules::AttrRef{a->id, 0}) : nullptr;
    };
    name = col("企业名称");
    street = col("街道");
    industry = col("行业门类");
    size = col("企业规模");
  }
  static std::string_view text(const portrait::Column* c, size_t row) {
    if (!c || row >= c->size()) return {};
    rules::Value v = c->value(row);
    return v.kind == rules::Value::Kind::kText ? v.text : std::string_view();
  }
};

// The firms one policy reaches over the whole replica: the engine's verdicts
// and, for each matching row, the award estimate_award gives.
struct Reach {
  match::Engine::Scan scan;                    // match / possible bitmaps; awards_fen by row
  std::vector<std::optional<Decimal>> awards;  // per entry of scan.awards_fen
  Tri verdict(size_t row) const {
    return scan.match.get(row) ? Tri::kTrue : scan.possible.get(row) ? Tri::kUnknown : Tri::kFalse;
  }
};

Reach reach(const match::Engine& engine, const portrait::EnterpriseTable& t, const portrait::Policy& p,
            const rules::EvalContext& ctx) {
  Reach r{engine.scan(p), {}};
  r.awards.resize(r.scan.awards_fen.size());
  tbb::parallel_for(tbb::blocked_range<size_t>(0, r.awards.size(), 1024), [&](const tbb::blocked_range<size_t>& range) {
    for (size_t i = range.begin(); i < range.end(); ++i) {
      auto [row, fen] = r.scan.awards_fen[i];
      // The engine gives the formula's award_of() in fen; the cap per
      // application is applied here as estimate_award applies it. Where the
      // fen cannot tell (0: a missing fact or a zero award; INT64_MAX: too
      // large for it) or the cap needs last year's tax: estimate_award.
      if (!p.award) {
        r.awards[i] = Decimal();
      } else if (fen <= 0 || fen == INT64_MAX || p.tax_capped) {
        r.awards[i] = estimate_award(p, t.facts(row), t.catalog(), ctx);
      } else {
        Decimal a = Decimal::from_parts(fen, 2);
        if (p.cap_per_application && a > *p.cap_per_application) a = *p.cap_per_application;
        r.awards[i] = a;
      }
    }
  });
  return r;
}

// Calls fn(row, k) for the rows set in `bits` (one word per 64 rows), in
// order, where k counts the rows of `match` before this one: the row's
// entry in Reach::awards when it is a match.
template <typename Words, typename F>
void for_rows(size_t rows, const portrait::Bitmap& match, Words&& bits, F&& fn) {
  size_t k = 0;
  const uint64_t* m = match.words();
  for (size_t w = 0; w * 64 < rows; ++w) {
    uint64_t b = bits(w) & (rows - w * 64 >= 64 ? ~uint64_t{0} : (uint64_t{1} << (rows - w * 64)) - 1);
    while (b) {
      unsigned j = static_cast<unsigned>(std::countr_zero(b));
      b &= b - 1;
      fn(w * 64 + j, k + static_cast<size_t>(std::popcount(m[w] & ((uint64_t{1} << j) - 1))));
    }
    k += static_cast<size_t>(std::popcount(m[w]));
  }
}

}  // namespace

std::shared_ptr<const match::Engine> Matching::engine(const portrait::EnterpriseTable& t, uint64_t generation,
                                                      const rules::EvalContext& ctx) const {
  // The Platform pads the replica after every write, as the engine needs.
  std::lock_guard lock(engine_mu_);
  if (!engine_ || engine_generation_ != generation || engine_day_ != ctx.today) {
    engine_ = std::make_shared<const match::Engine>(t, std::vector<std::shared_ptr<const portrait::Policy>>{}, ctx);
    engine_generation_ = generation;
    engine_day_ = ctx.today;
  }
  return engine_;
}

Matching::List Matching::for_policy(const portrait::Policy& p, const Filter& f) const {
  rules::EvalContext ctx{platform_.clock().today()};
  return platform_.read_versioned([&](const portrait::EnterpriseTable& t, uint64_t generation) {
    List out;
    Reach r = reach(*engine(t, generation, ctx), t, p, ctx);
    out.match = r.scan.match_count;
    out.possible = r.scan.possible_count;
    TextColumns cols(t);
    struct Hit {
      size_t row;
      Tri verdict;
      std::optional<Decimal> award;
    };
    std::vector<Hit> hits;
    const uint64_t* mw = r.scan.match.words();
    const uint64_t* pw = r.scan.possible.words();
    auto wanted = [&](size_t w) -> uint64_t {
      if (!f.verdict) return mw[w] | pw[w];
      if (*f.verdict == Tri::kTrue) return mw[w];
      if (*f.verdict == Tri::kUnknown) return pw[w];
      return ~(mw[w] | pw[w]);
    };
    for_rows(t.rows(), r.scan.match, wanted, [&](size_t row, size_t k) {
      if (!f.street.empty() && TextColumns::text(cols.street, row) != f.street) return;
      if (!f.industry.empty() && TextColumns::text(cols.industry, row) != f.industry) return;
      Tri v = r.verdict(row);
      std::optional<Decimal> award;
      if (v == Tri::kTrue) {
        award = r.awards[k];
        if (award) out.award_sum = *add(out.award_sum, *award);
        ++out.filtered_match;
      } else if (v == Tri::kUnknown) {
        ++out.filtered_possible;
      }
      hits.push_back({row, v, award});
    });
    out.total = static_cast<int64_t>(hits.size());
    auto by_id = [&](const Hit& a, const Hit& b) { return t.id(a.row) < t.id(b.row); };
    auto by_text = [&](const portrait::Column* c) {
      return [&, c](const Hit& a, const Hit& b) {
        std::string_view x = TextColumns::text(c, a.row), y = TextColumns::text(c, b.row);
        if (x != y) return f.descending ? x > y : x < y;
        return t.id(a.row) < t.id(b.row);
      };
    };
    switch (f.sort) {
      case SortKey::kId:
        if (f.descending)
          std::sort(hits.begin(), hits.end(), [&](const Hit& a, const Hit& b) { return by_id(b, a); });
        else
          std::sort(hits.begin(), hits.end(), by_id);
        break;
      case SortKey::kAward:
        std::sort(hits.begin(), hits.end(), [&](const Hit& a, const Hit& b) {
          Decimal x = a.award.value_or(Decimal()), y = b.award.value_or(Decimal());
          if (x != y) return f.descending ? x > y : x < y;
          return t.id(a.row) < t.id(b.row);
        });
        break;
      case SortKey::kName:
        std::sort(hits.begin(), hits.end(), by_text(cols.name));
        break;
      case SortKey::kStreet:
        std::sort(hits.begin(), hits.end(), by_text(cols.street));
        break;
      case SortKey::kIndustry:
        std::sort(hits.begin(), hits.end(), by_text(cols.industry));
        break;
    }
    size_t first = std::min(f.offset, hits.size());
    size_t last = f.limit == 0 ? hits.size() : std::min(hits.size(), first + f.limit);
    out.items.reserve(last - first);
    for (size_t k = first; k < last; ++k) {
      const Hit& h = hits[k];
      Item item;
      item.enterprise_id = t.id(h.row);
      item.name = TextColumns::text(cols.name, h.row);
      item.street = TextColumns::text(cols.street, h.row);
      item.industry = TextColumns::text(cols.industry, h.row);
      item.size = TextColumns::text(cols.size, h.row);
      item.verdict = h.verdict;
      item.award = h.award;
      if (f.with_missing && h.verdict == Tri::kUnknown) {
        rules::Explanation e = rules::explain(*p.rule, t.facts(h.row), ctx, t.catalog());
        for (const auto& m : e.missing) item.missing.push_back(m.name);
      }
      out.items.push_back(std::move(item));
    }
    return out;
  });
}

Matching::Sandbox Matching::sandbox(const portrait::Policy& draft, const portrait::Policy* published,
                                    size_t list_limit) const {
  auto t0 = std::chrono::steady_clock::now();
  rules::EvalContext ctx{platform_.clock().today()};
  Sandbox s = platform_.read_versioned([&](const portrait::EnterpriseTable& t, uint64_t generation) {
    Sandbox out;
    TextColumns cols(t);
    out.budget = draft.budget;
    out.compared = published != nullptr;
    auto e = engine(t, generation, ctx);
    Reach now = reach(*e, t, draft, ctx);
    out.match = now.scan.match_count;
    out.possible = now.scan.possible_count;
    const uint64_t* mw = now.scan.match.words();
    const uint64_t* pw = now.scan.possible.words();
    for_rows(t.rows(), now.scan.match, [&](size_t w) { return mw[w] | pw[w]; }, [&](size_t row, size_t k) {
      bool is_match = now.scan.match.get(row);
      Decimal award = is_match ? now.awards[k].value_or(Decimal()) : Decimal();
      if (is_match) out.award_sum = *add(out.award_sum, award);
      auto bump = [&](std::map<std::string, Bucket>& m, std::string_view key) {
        Bucket& b = m[key.empty() ? std::string("（未知）") : std::string(key)];
        if (is_match) {
          ++b.match;
          b.award = *add(b.award, award);
        } else {
          ++b.possible;
        }
      };
      bump(out.by_street, TextColumns::text(cols.street, row));
      bump(out.by_industry, TextColumns::text(cols.industry, row));
      bump(out.by_size, TextColumns::text(cols.size, row));
    });
    if (!published) return out;
    Reach before = reach(*e, t, *published, ctx);
    out.published_match = before.scan.match_count;
    for (const auto& a : before.awards)
      if (a) out.published_award_sum = *add(out.published_award_sum, *a);
    // Firms that match now and did not (gained), and the reverse (lost), in row order.
    const uint64_t* bw = before.scan.match.words();
    auto list = [&](std::vector<Item>& firms, int64_t& count, auto bits) {
      for_rows(t.rows(), now.scan.match, bits, [&](size_t row, size_t) {
        ++count;
        if (firms.size() >= list_limit) return;
        Item item;
        item.enterprise_id = t.id(row);
        item.name = TextColumns::text(cols.name, row);
        item.street = TextColumns::text(cols.street, row);
        item.industry = TextColumns::text(cols.industry, row);
        item.size = TextColumns::text(cols.size, row);
        item.verdict = now.verdict(row);
        firms.push_back(std::move(item));
      });
    };
    list(out.gained_firms, out.gained, [&](size_t w) { return mw[w] & ~bw[w]; });
    list(out.lost_firms, out.lost, [&](size_t w) { return bw[w] & ~mw[w]; });
    return out;
  });
  s.elapsed_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  return s;
}

json Matching::to_json(const Item& i) {
  json j = {{"enterprise_id", i.enterprise_id}, {"name", i.name},   {"street", i.street},
            {"industry", i.industry},           {"size", i.size},   {"verdict", verdict_name(i.verdict)}};
  j["award"] = i.award ? json(i.award->to_string()) : json(nullptr);
  if (!i.missing.empty()) j["missing"] = i.missing;
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
            {"published_match", s.compared ? json(s.published_match) : json(nullptr)},
            {"published_award_sum", s.compared ? json(s.published_award_sum.to_string()) : json(nullptr)},
            {"gained", s.gained},
            {"lost", s.lost},
            {"gained_firms", gained},
            {"lost_firms", lost},
            {"elapsed_ms", s.elapsed_ms}};
  return j;
}

}  // namespace zhida::services
