#include "workflow/money.h"

#include <gtest/gtest.h>

#include <numeric>
#include <random>

namespace zhida::workflow {
namespace {

TEST(Money, FenConversionsAreExact) {
  EXPECT_EQ(to_fen(*Decimal::parse("300000")), 30000000);
  EXPECT_EQ(to_fen(*Decimal::parse("0.005")), 1);  // half away from zero
  EXPECT_EQ(to_fen(*Decimal::parse("-0.005")), -1);
  EXPECT_EQ(to_fen(*Decimal::parse("0.0049")), 0);
  EXPECT_EQ(fen_text(12345), "123.45");
  EXPECT_EQ(fen_text(5), "0.05");
  EXPECT_EQ(fen_text(-5), "-0.05");
  EXPECT_EQ(fen_text(0), "0.00");
  EXPECT_EQ(fen_to_yuan(12340).to_string(), "123.4");
  EXPECT_EQ(parse_fen("123.4"), 12340);
  EXPECT_EQ(parse_fen("300000"), 30000000);
  EXPECT_FALSE(parse_fen("1.234"));
  EXPECT_FALSE(parse_fen("-1"));
  EXPECT_FALSE(parse_fen("1e5"));
}

MoneyInputs base(int64_t formula_fen) {
  MoneyInputs in;
  in.policy_id = "P";
  in.year = 2025;
  in.formula_fen = formula_fen;
  return in;
}

TEST(Money, CapsApplyInOrderWithBeforeAndAfter) {
  MoneyInputs in = base(2'000'000'00);  // 200万
  in.per_application_fen = 1'500'000'00;
  in.tax_capped = true;
  in.tax_year = 2024;
  in.tax_fen = 1'200'000'00;
  MoneyResult r = compute_award(in);
  ASSERT_TRUE(r.known);
  EXPECT_EQ(r.award_fen, 1'200'000'00);
  ASSERT_EQ(r.steps.size(), 3u);
  EXPECT_EQ(r.steps[0].rule, "base");
  EXPECT_EQ(r.steps[1].rule, "per_application");
  EXPECT_EQ(r.steps[1].before_fen, 2'000'000'00);
  EXPECT_EQ(r.steps[1].after_fen, 1'500'000'00);
  EXPECT_EQ(r.steps[2].rule, "tax");
  EXPECT_EQ(r.steps[2].after_fen, 1'200'000'00);
}

TEST(Money, MissingTaxMakesTheAmountUnknown) {
  MoneyInputs in = base(100);
  in.tax_capped = true;
  in.tax_year = 2024;
  MoneyResult r = compute_award(in);
  EXPECT_FALSE(r.known);
  EXPECT_FALSE(r.notes.empty());
}

TEST(Money, ReviewerAmountStandsInForAMissingTaxFact) {
  MoneyInputs in;
  in.policy_id = "P";
  in.tax_capped = true;
  in.tax_year = 2024;
  in.reviewer_fen = 12345;
  MoneyResult r = compute_award(in);
  ASSERT_TRUE(r.known);
  EXPECT_EQ(r.award_fen, 12345);
  EXPECT_EQ(r.steps.back().rule, "tax");
}

TEST(Money, NegativeTaxCapsAtZero) {
  MoneyInputs in = base(100);
  in.tax_capped = true;
  in.tax_fen = -500;
  EXPECT_EQ(compute_award(in).award_fen, 0);
}

TEST(Money, PerFirmYearAndCumulativeCountEarlierAwardsOfThePolicy) {
  MoneyInputs in = base(80'000'00);
  in.per_firm_year_fen = 100'000'00;
  in.cumulative_fen = 300'000'00;
  in.earlier = {{1, "P", 2023, "", 100'000'00, "disbursed"},
                {2, "P", 2024, "", 100'000'00, "disbursed"},
                {3, "P", 2025, "", 30'000'00, "approved"},
                {4, "Other", 2025, "", 999'000'00, "approved"}};
  MoneyResult r = compute_award(in);
  ASSERT_TRUE(r.known);
  // per year: 100k - 30k = 70k; cumulative: 300k - 230k = 70k
  EXPECT_EQ(r.award_fen, 70'000'00);
  in.earlier.push_back({5, "P", 2022, "", 70'000'00, "disbursed"});
  r = compute_award(in);
  EXPECT_EQ(r.award_fen, 0);
  EXPECT_TRUE(r.cap_reached);
}

TEST(Money, OnlyThePolicysAndTheGroupsAwardsBearOnAnAward) {
  std::vector<EarlierAward> held = {{1, "P", 2025, "", 100, "approved"},
                                    {2, "Q", 2025, "G", 200, "approved"},
                                    {3, "Other", 2025, "", 300, "approved"},
                                    {4, "R", 2024, "H", 400, "disbursed"}};
  auto ids = [](const std::vector<EarlierAward>& v) {
    std::vector<int64_t> out;
    for (const auto& e : v) out.push_back(e.application_id);
    return out;
  };
  EXPECT_EQ(ids(bearing_awards(held, "P", "G")), (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(ids(bearing_awards(held, "P", "")), (std::vector<int64_t>{1}));
  EXPECT_EQ(ids(bearing_awards(held, "X", "H")), (std::vector<int64_t>{4}));
  // The result is the same with every award or only those that bear on it.
  MoneyInputs in = base(500);
  in.policy_id = "P";
  in.per_firm_year_fen = 550;
  in.group = "G";
  in.top_up = true;
  in.earlier = held;
  MoneyResult all = compute_award(in);
  in.earlier = bearing_awards(held, "P", "G");
  EXPECT_EQ(compute_award(in).award_fen, all.award_fen);
}

TEST(Money, TopUpPaysTheDifference) {
  MoneyInputs in = base(50'000'000);  // 50万
  in.group = "专精特新";
  in.top_up = true;
  in.earlier = {{7, "省级", 2025, "专精特新", 20'000'000, "disbursed"}};
  MoneyResult r = compute_award(in);
  EXPECT_EQ(r.award_fen, 30'000'000);
  EXPECT_FALSE(r.exclusivity.needs_review);
  EXPECT_FALSE(r.exclusivity.blocked);
  EXPECT_EQ(r.steps.back().rule, "top_up");
  // Another group's or another year's award does not count.
  in.earlier = {{7, "省级", 2024, "专精特新", 20'000'000, "disbursed"},
                {8, "x", 2025, "other", 1, "approved"}};
  EXPECT_EQ(compute_award(in).award_fen, 50'000'000);
  // A higher earlier award leaves nothing.
  in.earlier = {{7, "x", 2025, "专精特新", 60'000'000, "approved"}};
  r = compute_award(in);
  EXPECT_EQ(r.award_fen, 0);
  EXPECT_TRUE(r.exclusivity.blocked);
}

TEST(Money, WithoutTopUpTheHighestWins) {
  MoneyInputs in = base(50'000'000);
  in.group = "贴息";
  in.earlier = {{7, "A", 2025, "贴息", 20'000'000, "approved"}};
  MoneyResult r = compute_award(in);
  EXPECT_EQ(r.award_fen, 50'000'000);  // the earlier, unpaid award is replaced
  EXPECT_TRUE(r.exclusivity.needs_review);
  EXPECT_EQ(r.exclusivity.superseded, std::vector<int64_t>{7});
  // Paid already: deducted.
  in.earlier = {{7, "A", 2025, "贴息", 20'000'000, "disbursed"}};
  r = compute_award(in);
  EXPECT_EQ(r.award_fen, 30'000'000);
  EXPECT_TRUE(r.exclusivity.superseded.empty());
  EXPECT_EQ(r.exclusivity.paid_fen, 20'000'000);
  // Lower or equal: blocked.
  in.earlier = {{7, "A", 2025, "贴息", 50'000'000, "approved"}};
  r = compute_award(in);
  EXPECT_TRUE(r.exclusivity.blocked);
  EXPECT_EQ(r.award_fen, 0);
}

TEST(Money, FirstComeBudgetCutsToWhatIsLeft) {
  MoneyInputs in = base(500);
  in.budget_fen = 1000;
  in.committed_fen = 800;
  MoneyResult r = compute_award(in);
  EXPECT_EQ(r.award_fen, 200);
  EXPECT_TRUE(r.budget.short_fall);
  EXPECT_EQ(r.budget.remaining_fen, 200);
  in.budget_mode = portrait::BudgetMode::kProRata;
  r = compute_award(in);
  EXPECT_EQ(r.award_fen, 500);  // pro rata: cut at batch close
  EXPECT_TRUE(r.budget.over_budget);
  EXPECT_FALSE(r.budget.short_fall);
}

TEST(Money, ReviewerAmountReplacesAMissingFormula) {
  MoneyInputs in;
  in.policy_id = "P";
  in.per_application_fen = 1000;
  EXPECT_FALSE(compute_award(in).known);
  in.reviewer_fen = 5000;
  MoneyResult r = compute_award(in);
  EXPECT_TRUE(r.known);
  EXPECT_EQ(r.award_fen, 1000);
  EXPECT_EQ(r.steps[0].label, "审核核定金额");
}

TEST(Money, NoFormulaMeansNoMoneyButKnown) {
  MoneyInputs in;
  in.has_formula = false;
  MoneyResult r = compute_award(in);
  EXPECT_TRUE(r.known);
  EXPECT_EQ(r.award_fen, 0);
}

TEST(Allocation, ProRataAddsUpToTheBudgetExactly) {
  // 3 × 100 requested, 200 available: 66.67 each; the fen left over goes to
  // the largest remainders, earlier first on ties.
  std::vector<int64_t> req = {10000, 10000, 10000};
  auto got = allocate_pro_rata(20000, req);
  EXPECT_EQ(got, (std::vector<int64_t>{6667, 6667, 6666}));
  EXPECT_EQ(std::accumulate(got.begin(), got.end(), int64_t{0}), 20000);
}

TEST(Allocation, ProRataKnownCase) {
  // 30万, 20万, 10万 against 50万: 25万, 16.666…万, 8.333…万
  std::vector<int64_t> req = {30'000'000, 20'000'000, 10'000'000};
  auto got = allocate_pro_rata(50'000'000, req);
  EXPECT_EQ(got, (std::vector<int64_t>{25'000'000, 16'666'667, 8'333'333}));
}

TEST(Allocation, WithinBudgetPaysInFull) {
  std::vector<int64_t> req = {1, 2, 3};
  EXPECT_EQ(allocate_pro_rata(6, req), req);
  EXPECT_EQ(allocate_pro_rata(100, req), req);
}

TEST(Allocation, ZeroRequestsGetNothing) {
  std::vector<int64_t> req = {0, 7, 0, 7};
  auto got = allocate_pro_rata(7, req);
  EXPECT_EQ(got[0], 0);
  EXPECT_EQ(got[2], 0);
  EXPECT_EQ(got[1] + got[3], 7);
  EXPECT_EQ(allocate_pro_rata(0, req), (std::vector<int64_t>{0, 0, 0, 0}));
}

TEST(Allocation, RandomisedSumsAreExactAndNeverExceedRequests) {
  std::mt19937_64 rng(42);
  for (int round = 0; round < 500; ++round) {
    size_t n = 1 + rng() % 40;
    std::vector<int64_t> req(n);
    int64_t total = 0;
    for (auto& r : req) {
      r = static_cast<int64_t>(rng() % 5'000'000'000ull);  // up to 5000万 in fen
      total += r;
    }
    int64_t budget = total == 0 ? 0 : static_cast<int64_t>(rng() % static_cast<uint64_t>(total));
    auto got = allocate_pro_rata(budget, req);
    int64_t sum = 0;
    for (size_t i = 0; i < n; ++i) {
      EXPECT_LE(got[i], req[i]);
      EXPECT_GE(got[i], 0);
      sum += got[i];
    }
    EXPECT_EQ(sum, budget);
  }
}

TEST(Allocation, FirstComeInOrder) {
  std::vector<int64_t> req = {500, 400, 300};
  EXPECT_EQ(allocate_first_come(1000, req), (std::vector<int64_t>{500, 400, 100}));
  EXPECT_EQ(allocate(portrait::BudgetMode::kFirstCome, 600, req),
            (std::vector<int64_t>{500, 100, 0}));
  EXPECT_EQ(allocate(portrait::BudgetMode::kProRata, 1200, req), req);
}

}  // namespace
}  // namespace zhida::workflow
