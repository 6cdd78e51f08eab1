#include "match/reference.h"

#include <fmt/format.h>
#include <tbb/parallel_for.h>

#include <nlohmann/json.hpp>

namespace zhida::match {

Decimal award_of(const rules::Value& v) {
  if (v.kind != rules::Value::Kind::kNumber || v.number.sign() <= 0) return Decimal();
  auto r = v.number.rounded(2);
  return r ? *r : Decimal();
}

std::vector<PolicyCount> match_reference(const portrait::EnterpriseTable& table,
                                         const std::vector<portrait::Policy>& policies,
                                         const rules::EvalContext& ctx) {
  std::vector<PolicyCount> out(policies.size());
  tbb::parallel_for(size_t{0}, policies.size(), [&](size_t p) {
    const portrait::Policy& pol = policies[p];
    PolicyCount c;
    c.policy = pol.id;
    for (size_t row = 0; row < table.rows(); ++row) {
      auto facts = table.facts(row);
      rules::Tri t = rules::evaluate_condition(*pol.rule, facts, ctx);
      if (t == rules::Tri::kUnknown) {
        ++c.possible;
      } else if (t == rules::Tri::kTrue) {
        ++c.match;
        c.id_sum += table.id(row);
        if (pol.award) {
          auto sum = add(c.award_sum, award_of(rules::evaluate_value(*pol.award, facts, ctx)));
          if (sum) c.award_sum = *sum;
        }
      }
    }
    out[p] = std::move(c);
  });
  return out;
}

std::string counts_to_json(const std::vector<PolicyCount>& counts) {
  std::string out = "[\n";
  for (size_t i = 0; i < counts.size(); ++i) {
    const PolicyCount& c = counts[i];
    out += fmt::format(
        R"( {{"policy": {}, "match": {}, "possible": {}, "id_sum": {}, "award_sum": {}}}{})",
        nlohmann::json(c.policy).dump(), c.match, c.possible, c.id_sum, c.award_sum.to_string(),
        i + 1 < counts.size() ? ",\n" : "\n");
  }
  return out + "]\n";
}

}  // namespace zhida::match
