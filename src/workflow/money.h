// Money rules (POLICY-FACTS.md "Rules that cut across items"), in integer
// fen. Everything after the award formula is int64 fen: sums and cuts are
// exact, and a pro-rata cut adds up to the budget to the fen.
//
// The order of the steps of one award (each recorded with its amount before
// and after, so a decision shows why it is what it is):
//
//   1. base            the formula's value rounded to the fen (or an amount a
//                      reviewer fixed when the formula cannot be computed)
//   2. per_application 单笔上限
//   3. tax             纳税额封顶: ≤ last year's tax paid (policies with the flag)
//   4. per_firm_year   the policy's awards to the firm in the same year
//   5. cumulative      the policy's awards to the firm over all years
//   6. exclusivity     同一事项不重复支持: one award per group and year, the
//      / top_up        highest wins; 差额补齐 pays only the difference over
//                      an earlier award of the group
//   7. budget          first come: what is left of the budget (按先后, 额满为止);
//                      pro rata: nothing here, the cut is made at batch close
//                      by allocate_pro_rata() (按比例核减)
//
// Thread-safety: pure functions over values.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/decimal.h"
#include "portrait/policy.h"

namespace zhida::workflow {

// Yuan (exact) to fen, rounded half away from zero (四舍五入), as
// match::award_of rounds awards. nullopt when it does not fit in int64.
std::optional<int64_t> to_fen(const Decimal& yuan);
// Fen to exact yuan (12345 -> 123.45).
Decimal fen_to_yuan(int64_t fen);
// "123.45", "-0.05", "300000.00": yuan with exactly two decimals.
std::string fen_text(int64_t fen);
// Parses "300000", "123.4", "0.05" (yuan, at most two decimals, >= 0) to fen.
std::optional<int64_t> parse_fen(std::string_view yuan_text);

// An award the firm already holds (approved, in publicity or disbursed).
struct EarlierAward {
  int64_t application_id = 0;
  std::string policy_id;
  int year = 0;
  std::string group;  // the policy's exclusivity group when it was decided
  int64_t fen = 0;
  std::string status;  // approved, publicity, disbursed
};

struct MoneyInputs {
  std::string policy_id;
  int year = 0;  // the application's year (the policy's reference year)
  // Step 1: the formula's value in fen (nullopt: it needs a missing fact),
  // or a reviewer's amount, which replaces it.
  bool has_formula = true;  // false: the policy pays no money (award 0 is fine)
  std::optional<int64_t> formula_fen;
  std::optional<int64_t> reviewer_fen;
  // Steps 2–5.
  std::optional<int64_t> per_application_fen;
  bool tax_capped = false;
  int tax_year = 0;
  std::optional<int64_t> tax_fen;  // 纳税总额[tax_year]; nullopt = missing
  std::optional<int64_t> per_firm_year_fen;
  std::optional<int64_t> cumulative_fen;
  // Step 6.
  std::string group;
  bool top_up = false;
  // Every award the firm holds, this application's own excluded.
  std::vector<EarlierAward> earlier;
  // Step 7.
  portrait::BudgetMode budget_mode = portrait::BudgetMode::kFirstCome;
  std::optional<int64_t> budget_fen;
  int64_t committed_fen = 0;  // the policy's awards held this year, this one excluded
};

// One step that limited (or could have limited) the award.
struct CapStep {
  std::string
      rule;  // base, per_application, tax, per_firm_year, cumulative, top_up, exclusivity, budget
  std::string label;                 // Chinese: 单笔上限, 纳税额封顶 …
  std::optional<int64_t> limit_fen;  // the cap, or what was left of it
  int64_t before_fen = 0;
  int64_t after_fen = 0;
  std::string note;  // Chinese, e.g. "本年度已获本政策奖励 30.00 元"
};

struct Exclusivity {
  std::string group;
  bool top_up = false;
  int64_t earlier_max_fen = 0;       // the highest award of the group this year
  std::vector<int64_t> earlier_ids;  // the group's awards this year
  std::vector<int64_t> superseded;   // replaced by this higher award (not top-up)
  int64_t paid_fen = 0;              // of those, already disbursed (deducted)
  // A person must look: an earlier award of the group exists and this is not
  // a top-up (the highest wins, replacing earlier awards).
  bool needs_review = false;
  // Nothing is left to pay: the earlier award is as high or higher.
  bool blocked = false;
};

struct BudgetState {
  portrait::BudgetMode mode = portrait::BudgetMode::kFirstCome;
  std::optional<int64_t> budget_fen;
  int64_t committed_fen = 0;
  std::optional<int64_t> remaining_fen;  // before this award
  // First come: the award was cut to what is left (or nothing is left).
  bool short_fall = false;
  // Pro rata: with this award the policy is over budget (cut at batch close).
  bool over_budget = false;
};

struct MoneyResult {
  bool known = false;     // false: the formula needs a missing fact (or the tax fact is missing)
  int64_t award_fen = 0;  // after every step
  std::optional<int64_t> base_fen;
  std::vector<CapStep> steps;
  Exclusivity exclusivity;
  BudgetState budget;
  // Caps 4–5 left nothing (the firm already received the most it may).
  bool cap_reached = false;
  std::vector<std::string> notes;  // Chinese, why the amount is unknown or zero
};

// The awards of `held` that bear on an award of `policy_id` in exclusivity
// group `group` ("" = none): the policy's own (steps 4–5) and the group's
// (step 6), in their order. The others never change the result; a decision
// records only these, so an unrelated award (a 免申即享 grant made in the
// background) is not part of it.
std::vector<EarlierAward> bearing_awards(const std::vector<EarlierAward>& held,
                                         const std::string& policy_id, const std::string& group);

// Applies the steps above. Deterministic: the same inputs give the same
// result, which is how a decision is replayed.
MoneyResult compute_award(const MoneyInputs& in);

// 按比例核减 at batch close: when the requested awards exceed the budget,
// each gets requested × budget / total, rounded down to the fen, and the fen
// left over go one each to the largest remainders (ties: earlier first), so
// the result adds up to the budget exactly. When the total is within the
// budget every award is paid in full. Requests are >= 0; budget >= 0.
std::vector<int64_t> allocate_pro_rata(int64_t budget_fen, std::span<const int64_t> requested_fen);
// 先到先得 at batch close: in the given order, each gets what is left, up to
// its request.
std::vector<int64_t> allocate_first_come(int64_t budget_fen,
                                         std::span<const int64_t> requested_fen);
// The policy's setting.
std::vector<int64_t> allocate(portrait::BudgetMode mode, int64_t budget_fen,
                              std::span<const int64_t> requested_fen);

}  // namespace zhida::workflow
