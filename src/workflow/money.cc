#include "workflow/money.h"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>

namespace zhida::workflow {

std::optional<int64_t> to_fen(const Decimal& yuan) {
  auto scaled = mul(yuan, Decimal::from_int(100));
  if (!scaled) return std::nullopt;
  return scaled->round_to_int64();
}

Decimal fen_to_yuan(int64_t fen) {
  return Decimal::from_parts(fen, 2).normalized();
}

std::string fen_text(int64_t fen) {
  bool neg = fen < 0;
  // -INT64_MIN does not fit; no amount comes near it.
  uint64_t a = neg ? static_cast<uint64_t>(-(fen + 1)) + 1 : static_cast<uint64_t>(fen);
  return fmt::format("{}{}.{:02d}", neg ? "-" : "", a / 100, a % 100);
}

std::optional<int64_t> parse_fen(std::string_view text) {
  if (text.empty() || text.size() > 24) return std::nullopt;
  for (char c : text)
    if (!(c >= '0' && c <= '9') && c != '.') return std::nullopt;
  auto d = Decimal::parse(text);
  if (!d || d->sign() < 0 || d->normalized().scale() > 2) return std::nullopt;
  return to_fen(*d);
}

namespace {

// Applies one cap: the amount becomes min(amount, limit) (limit >= 0).
void cap(MoneyResult& r, int64_t& amount, const char* rule, const char* label, int64_t limit,
         std::string note = {}) {
  limit = std::max<int64_t>(limit, 0);
  CapStep s;
  s.rule = rule;
  s.label = label;
  s.limit_fen = limit;
  s.before_fen = amount;
  amount = std::min(amount, limit);
  s.after_fen = amount;
  s.note = std::move(note);
  r.steps.push_back(std::move(s));
}

}  // namespace

std::vector<EarlierAward> bearing_awards(const std::vector<EarlierAward>& held,
                                         const std::string& policy_id, const std::string& group) {
  std::vector<EarlierAward> out;
  for (const EarlierAward& e : held)
    if (e.policy_id == policy_id || (!group.empty() && e.group == group)) out.push_back(e);
  return out;
}

MoneyResult compute_award(const MoneyInputs& in) {
  MoneyResult r;
  r.budget.mode = in.budget_mode;
  r.budget.budget_fen = in.budget_fen;
  r.budget.committed_fen = in.committed_fen;
  if (in.budget_fen)
    r.budget.remaining_fen = std::max<int64_t>(0, *in.budget_fen - in.committed_fen);
  r.exclusivity.group = in.group;
  r.exclusivity.top_up = in.top_up;

  // 1. base
  std::optional<int64_t> base = in.reviewer_fen ? in.reviewer_fen : in.formula_fen;
  if (!in.has_formula && !in.reviewer_fen) base = 0;
  if (!base) {
    r.notes.push_back("奖励公式所需的数据缺失，金额无法计算");
    return r;
  }
  int64_t amount = std::max<int64_t>(*base, 0);
  r.base_fen = amount;
  {
    CapStep s;
    s.rule = "base";
    s.label = in.reviewer_fen ? "审核核定金额" : "奖励公式";
    s.before_fen = amount;
    s.after_fen = amount;
    r.steps.push_back(std::move(s));
  }

  // 2. per application
  if (in.per_application_fen)
    cap(r, amount, "per_application", "单笔上限", *in.per_application_fen);

  // 3. tax
  if (in.tax_capped && !in.tax_fen && in.reviewer_fen) {
    // The tax paid is not in the data: the reviewer's amount was fixed
    // against the firm's tax certificate.
    CapStep s;
    s.rule = "tax";
    s.label = "纳税额封顶";
    s.before_fen = amount;
    s.after_fen = amount;
    s.note = fmt::format("{} 年度纳税总额数据缺失，由审核员按完税证明核定", in.tax_year);
    r.steps.push_back(std::move(s));
  } else if (in.tax_capped) {
    if (!in.tax_fen) {
      r.notes.push_back(fmt::format("纳税额封顶需要 {} 年度纳税总额，数据缺失", in.tax_year));
      return r;
    }
    cap(r, amount, "tax", "纳税额封顶", *in.tax_fen,
        fmt::format("{} 年度纳税总额 {} 元", in.tax_year, fen_text(*in.tax_fen)));
  }

  // 4–5. per firm: this policy's earlier awards
  if (in.per_firm_year_fen) {
    int64_t held = 0;
    for (const EarlierAward& e : in.earlier)
      if (e.policy_id == in.policy_id && e.year == in.year) held += e.fen;
    int64_t before = amount;
    cap(r, amount, "per_firm_year", "每企业每年上限", *in.per_firm_year_fen - held,
        fmt::format("本年度已获本政策奖励 {} 元", fen_text(held)));
    if (amount == 0 && before > 0) r.cap_reached = true;
  }
  if (in.cumulative_fen) {
    int64_t held = 0;
    for (const EarlierAward& e : in.earlier)
      if (e.policy_id == in.policy_id) held += e.fen;
    int64_t before = amount;
    cap(r, amount, "cumulative", "累计上限", *in.cumulative_fen - held,
        fmt::format("历年已获本政策奖励 {} 元", fen_text(held)));
    if (amount == 0 && before > 0) r.cap_reached = true;
  }
  if (r.cap_reached) r.notes.push_back("已达到本政策的奖励上限");

  // 6. exclusivity group
  if (!in.group.empty()) {
    Exclusivity& x = r.exclusivity;
    for (const EarlierAward& e : in.earlier) {
      if (e.group != in.group || e.year != in.year) continue;
      x.earlier_ids.push_back(e.application_id);
      x.earlier_max_fen = std::max(x.earlier_max_fen, e.fen);
    }
    if (!x.earlier_ids.empty()) {
      CapStep s;
      s.before_fen = amount;
      s.limit_fen = x.earlier_max_fen;
      if (in.top_up) {
        s.rule = "top_up";
        s.label = "差额补齐";
        amount = std::max<int64_t>(0, amount - x.earlier_max_fen);
        s.note = fmt::format("同一事项已获奖励 {} 元，只补差额", fen_text(x.earlier_max_fen));
        x.blocked = amount == 0;
      } else {
        s.rule = "exclusivity";
        s.label = "同一事项不重复支持";
        if (amount <= x.earlier_max_fen) {
          amount = 0;
          x.blocked = true;
          s.note = fmt::format("同一事项已获不低于本项的奖励 {} 元", fen_text(x.earlier_max_fen));
        } else {
          // The highest wins: earlier awards not yet paid are replaced; what
          // was paid already is deducted.
          for (const EarlierAward& e : in.earlier) {
            if (e.group != in.group || e.year != in.year) continue;
            if (e.status == "disbursed") {
              x.paid_fen += e.fen;
            } else {
              x.superseded.push_back(e.application_id);
            }
          }
          amount = std::max<int64_t>(0, amount - x.paid_fen);
          x.needs_review = true;
          s.note = fmt::format(
              "同一事项已获奖励 {} 元，按最高额支持：取代未拨付的较低奖励，扣除已拨付 {} 元",
              fen_text(x.earlier_max_fen), fen_text(x.paid_fen));
        }
      }
      s.after_fen = amount;
      r.steps.push_back(std::move(s));
      if (x.blocked) r.notes.push_back("同一事项已获不低于本项的奖励，不重复支持");
    }
  }

  // 7. budget
  if (in.budget_fen) {
    int64_t remaining = *r.budget.remaining_fen;
    if (in.budget_mode == portrait::BudgetMode::kFirstCome) {
      if (amount > remaining) {
        r.budget.short_fall = true;
        cap(r, amount, "budget", "预算余额（先到先得）", remaining,
            fmt::format("预算 {} 元，已核定 {} 元", fen_text(*in.budget_fen),
                        fen_text(in.committed_fen)));
        r.notes.push_back("政策预算余额不足");
      }
    } else {
      r.budget.over_budget = amount > remaining;
    }
  }

  r.known = true;
  r.award_fen = amount;
  return r;
}

std::vector<int64_t> allocate_pro_rata(int64_t budget_fen, std::span<const int64_t> requested) {
  std::vector<int64_t> out(requested.begin(), requested.end());
  int128_t total = 0;
  for (int64_t v : requested) total += std::max<int64_t>(v, 0);
  budget_fen = std::max<int64_t>(budget_fen, 0);
  if (total <= budget_fen) return out;
  std::vector<int128_t> remainder(requested.size());
  int128_t given = 0;
  for (size_t i = 0; i < requested.size(); ++i) {
    int128_t product = static_cast<int128_t>(std::max<int64_t>(requested[i], 0)) * budget_fen;
    out[i] = static_cast<int64_t>(product / total);
    remainder[i] = product % total;
    given += out[i];
  }
  int64_t left = static_cast<int64_t>(budget_fen - given);  // < number of requests
  std::vector<size_t> order(requested.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return remainder[a] > remainder[b]; });
  for (size_t k = 0; k < order.size() && left > 0; ++k, --left) ++out[order[k]];
  return out;
}

std::vector<int64_t> allocate_first_come(int64_t budget_fen, std::span<const int64_t> requested) {
  std::vector<int64_t> out;
  out.reserve(requested.size());
  int64_t left = std::max<int64_t>(budget_fen, 0);
  for (int64_t v : requested) {
    int64_t g = std::min(std::max<int64_t>(v, 0), left);
    out.push_back(g);
    left -= g;
  }
  return out;
}

std::vector<int64_t> allocate(portrait::BudgetMode mode, int64_t budget_fen,
                              std::span<const int64_t> requested) {
  return mode == portrait::BudgetMode::kProRata ? allocate_pro_rata(budget_fen, requested)
                                                : allocate_first_come(budget_fen, requested);
}

}  // namespace zhida::workflow
