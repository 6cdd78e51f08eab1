#include "services/demo/corpus.h"

#include <gtest/gtest.h>

#include <set>

#include "base/date.h"
#include "match/reference.h"
#include "services/demo/generator.h"

namespace zhida::services::demo {
namespace {

using portrait::Policy;

std::shared_ptr<const portrait::Catalog> catalog() {
  static auto cat = *load_demo_catalog();
  return cat;
}

const std::vector<Policy>& policies() {
  static auto p = *load_demo_policies(*catalog());
  return p;
}

// The 20,000-firm demo district, generated once.
const portrait::EnterpriseTable& district() {
  static auto t = generate_table(catalog(), {1, 20000}).value();
  return *t;
}

TEST(Corpus, CatalogLoadsCleanly) {
  Issues issues;
  auto cat = load_demo_catalog(&issues);
  ASSERT_TRUE(cat.ok()) << cat.error().message;
  EXPECT_TRUE(issues.empty()) << issues[0].message;
  EXPECT_GE((*cat)->size(), 80u);
  EXPECT_LE((*cat)->size(), 150u);
  for (const auto& a : (*cat)->attributes()) {
    EXPECT_FALSE(a.source.empty()) << a.name;
    EXPECT_FALSE(a.frequency.empty()) << a.name;
    EXPECT_FALSE(a.description.empty()) << a.name;
    if (a.type == rules::Type::kEnum || a.type == rules::Type::kSet) {
      EXPECT_FALSE(a.values.empty()) << a.name << " declares no domain";
    }
  }
  for (const char* name : {"法人手机", "法定代表人身份证号", "经办人手机", "银行账号"})
    EXPECT_EQ((*cat)->attribute(name)->sensitivity, portrait::Sensitivity::kSensitive) << name;
  for (const char* name : {"营业收入", "纳税总额", "研发费用", "工业总产值"})
    EXPECT_TRUE((*cat)->attribute(name)->has_periods) << name;
}

TEST(Corpus, EveryPolicyCompilesWithoutErrorsOrWarnings) {
  Issues issues;
  auto p = load_demo_policies(*catalog(), &issues);
  ASSERT_TRUE(p.ok()) << p.error().message << "\n" << (issues.empty() ? "" : issues[0].message);
  for (const Issue& i : issues) ADD_FAILURE() << i.field << ": " << i.message;
  EXPECT_GE(p->size(), 30u);
  std::set<std::string> ids;
  for (const Policy& x : *p) {
    EXPECT_TRUE(ids.insert(x.id).second) << x.id;
    EXPECT_EQ(x.reference_year, 2025) << x.id;
    EXPECT_TRUE(x.rule) << x.id;
    EXPECT_TRUE(x.award) << x.id << " has no award formula";
    EXPECT_FALSE(x.department.empty()) << x.id;
    EXPECT_FALSE(x.document.empty()) << x.id;
    EXPECT_FALSE(x.summary.empty()) << x.id;
    EXPECT_TRUE(x.window.start && x.window.end) << x.id;
    EXPECT_TRUE(x.budget) << x.id;
  }
}

TEST(Corpus, CoversEveryKindOfPolicy) {
  int32_t today = demo_today();
  int open = 0, closed = 0, upcoming = 0, pre = 0, auto_grant = 0, tax_capped = 0, top_up = 0,
      cumulative = 0, manual = 0, commitment = 0, pro_rata = 0;
  for (const Policy& p : policies()) {
    if (p.window.open_on(today)) ++open;
    if (p.window.end && *p.window.end < today) ++closed;
    if (p.window.start && *p.window.start > today) ++upcoming;
    pre += p.window.pre_start && p.window.pre_end && *p.window.pre_start <= today &&
           today <= *p.window.pre_end;
    auto_grant += p.auto_grant;
    tax_capped += p.tax_capped;
    top_up += p.top_up;
    cumulative += p.cap_cumulative.has_value();
    manual += !p.fully_verifiable();
    pro_rata += p.budget_mode == portrait::BudgetMode::kProRata;
    for (const auto& m : p.materials) commitment += m.commitment;
  }
  EXPECT_GE(open, 10);
  EXPECT_GE(closed, 3);
  EXPECT_GE(upcoming, 3);
  EXPECT_GE(pre, 1);  // 预申报 open now
  EXPECT_GE(auto_grant, 2);
  EXPECT_GE(tax_capped, 1);
  EXPECT_GE(top_up, 2);
  EXPECT_GE(cumulative, 3);
  EXPECT_GE(manual, 3);
  EXPECT_GE(commitment, 1);
  EXPECT_GE(pro_rata, 2);
}

TEST(Corpus, EveryPolicyMatchesSomeButNotAllFirms) {
  const auto& t = district();
  auto counts = match::match_reference(t, policies(), {demo_today()});
  int64_t possible = 0;
  for (const auto& c : counts) {
    EXPECT_GE(c.match, 1) << c.policy << " matches no firm of 20,000";
    EXPECT_LT(c.match, static_cast<int64_t>(t.rows())) << c.policy << " matches every firm";
    possible += c.possible;
  }
  EXPECT_GT(possible, 1000);  // data gaps make firms 可能符合
}

TEST(Corpus, CsvRoundTripGivesTheSameMatchCounts) {
  const auto& direct = district();
  std::string text = csv_header(*catalog());
  Status st =
      generate(*catalog(), {1, 20000}, [&](int64_t id, std::span<const portrait::FactCell> c) {
        append_csv_row(text, id, c);
        return Status::Ok();
      });
  ASSERT_TRUE(st.ok());
  portrait::ImportOptions opt;
  opt.declared = catalog();
  portrait::ImportReport report;
  std::unique_ptr<portrait::EnterpriseTable> loaded;
  st = portrait::import_csv_text(
      std::move(text), opt,
      [&](std::shared_ptr<const portrait::Catalog> c) {
        loaded = std::make_unique<portrait::EnterpriseTable>(std::move(c));
        return Status::Ok();
      },
      [&](int64_t id, std::span<const portrait::FactCell> cells) {
        return portrait::apply_row(*loaded, id, cells);
      },
      &report);
  ASSERT_TRUE(st.ok()) << st.error().message;
  ASSERT_EQ(report.rows_loaded, 20000u);
  loaded->optimize();
  // Policies compiled against the imported catalog (it adds the id column).
  auto pols = load_demo_policies(loaded->catalog());
  ASSERT_TRUE(pols.ok());
  auto a = match::match_reference(direct, policies(), {demo_today()});
  auto b = match::match_reference(*loaded, *pols, {demo_today()});
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].match, b[i].match) << a[i].policy;
    EXPECT_EQ(a[i].possible, b[i].possible) << a[i].policy;
    EXPECT_EQ(a[i].id_sum, b[i].id_sum) << a[i].policy;
    EXPECT_EQ(a[i].award_sum, b[i].award_sum) << a[i].policy;
  }
}

}  // namespace
}  // namespace zhida::services::demo
