#include "portrait/import.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "rules/rules.h"

namespace zhida::portrait {
namespace {

const char* kCsv =
    "id:int,企业名称:string,注册地:enum,注册资本:money,营业收入[2023]:money,营业收入[2024]:money,"
    "严重失信:bool,成立日期:date,资质:set,办公面积:number\n"
    "1,甲公司,宝安区,1000000,,25000000,false,2019-03-04,高新技术企业|科技型中小企业,120.5\n"
    "2,\"乙,公司\",南山区,500000,100,200,true,2020-01-01,\"\",\n"
    "3,丙公司,宝安区,abc,1,2,maybe,2020-02-30,,1\n"
    "4,丁公司,宝安区,1,2\n"
    "1,重复,宝安区,1,1,1,false,2020-01-01,,1\n"
    "5,戊公司,,,,,,,,0.25\n";

struct Loaded {
  std::unique_ptr<EnterpriseTable> table;
  ImportReport report;
};

Loaded load(const std::string& text, std::shared_ptr<const Catalog> declared = nullptr) {
  Loaded l;
  ImportOptions opt;
  opt.declared = declared;
  auto st = import_csv_text(
      text, opt,
      [&](std::shared_ptr<const Catalog> c) {
        l.table = std::make_unique<EnterpriseTable>(c);
        return Status::Ok();
      },
      [&](int64_t id, std::span<const FactCell> cells) {
        if (l.table->row_of(id)) return Status(Error("enterprise.duplicate_id", "企业编号重复"));
        return apply_row(*l.table, id, cells);
      },
      &l.report);
  EXPECT_TRUE(st.ok()) << (st.ok() ? "" : st.error().message);
  if (l.table) l.table->set_catalog(l.table->catalog_with_observed_values());
  return l;
}

rules::Value get(const EnterpriseTable& t, int64_t id, const std::string& name, int year = 0) {
  auto row = t.row_of(id);
  EXPECT_TRUE(row.has_value());
  return t.facts(*row).get(
      rules::AttrRef{t.catalog().attribute(name)->id, static_cast<int16_t>(year)});
}

TEST(Import, GoodRowsLoadBadRowsAreReportedWithLineColumnValueReason) {
  Loaded l = load(kCsv);
  EXPECT_EQ(l.report.rows_read, 6u);
  EXPECT_EQ(l.report.rows_loaded, 3u);
  EXPECT_EQ(l.report.rows_rejected, 3u);
  ASSERT_EQ(l.report.errors.size(), 5u);
  EXPECT_EQ(l.report.errors[0].line, 4);
  EXPECT_EQ(l.report.errors[0].column, "注册资本");
  EXPECT_EQ(l.report.errors[0].value, "abc");
  EXPECT_NE(l.report.errors[0].reason.find("金额"), std::string::npos);
  EXPECT_EQ(l.report.errors[1].column, "严重失信");
  EXPECT_EQ(l.report.errors[2].column, "成立日期");
  EXPECT_EQ(l.report.errors[3].line, 5);
  EXPECT_NE(l.report.errors[3].reason.find("表头有 10 列"), std::string::npos);
  EXPECT_EQ(l.report.errors[4].line, 6);
  EXPECT_EQ(l.report.errors[4].column, "id");
  EXPECT_EQ(l.table->rows(), 3u);
}

TEST(Import, ValuesAndMissingness) {
  Loaded l = load(kCsv);
  const auto& t = *l.table;
  EXPECT_EQ(get(t, 1, "营业收入", 2024).number, Decimal::from_int(25000000));
  EXPECT_TRUE(get(t, 1, "营业收入", 2023).is_missing());
  EXPECT_EQ(get(t, 2, "企业名称").text, "乙,公司");
  EXPECT_EQ(get(t, 1, "办公面积").number, *Decimal::parse("120.5"));
  EXPECT_EQ(get(t, 5, "办公面积").number, *Decimal::parse("0.25"));  // column rescaled to 2 places
  EXPECT_EQ(get(t, 1, "办公面积").number, *Decimal::parse("120.5"));
  EXPECT_TRUE(get(t, 2, "办公面积").is_missing());
  EXPECT_EQ(get(t, 2, "严重失信").boolean, true);
  // Sets: a list, the empty set (""), missing.
  auto row = [&](int64_t id) { return t.facts(*t.row_of(id)); };
  rules::AttrRef q{t.catalog().attribute("资质")->id, 0};
  EXPECT_EQ(row(1).set_contains(q, "科技型中小企业"), rules::Tri::kTrue);
  EXPECT_EQ(row(1).set_contains(q, "小巨人"), rules::Tri::kFalse);
  EXPECT_EQ(row(2).set_contains(q, "高新技术企业"), rules::Tri::kFalse);
  EXPECT_EQ(row(5).set_contains(q, "高新技术企业"), rules::Tri::kUnknown);
  // The catalog comes from the header; enum domains from the data.
  const Attribute* reg = t.catalog().attribute("注册地");
  EXPECT_EQ(reg->type, rules::Type::kEnum);
  EXPECT_EQ(reg->values, (std::vector<std::string>{"宝安区", "南山区"}));
  EXPECT_TRUE(t.catalog().attribute("营业收入")->has_periods);
}

TEST(Import, BadHeadersFailWithEveryProblem) {
  ImportReport report;
  auto st = import_csv_text(
      "id:int,名称,营业收入[24]:money,x:float\n1,a,1,1\n", ImportOptions{},
      [](auto) { return Status::Ok(); }, [](auto, auto) { return Status::Ok(); }, &report);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, "import.bad_header");
  EXPECT_EQ(report.catalog_issues.size(), 3u);
  st = import_csv_text(
      "", ImportOptions{}, [](auto) { return Status::Ok(); },
      [](auto, auto) { return Status::Ok(); }, &report);
  EXPECT_EQ(st.error().code, "import.empty");
}

TEST(Import, DeclaredCatalogAddsMetadataAndEnforcesDomains) {
  Issues issues;
  auto cat = Catalog::from_json(nlohmann::json::parse(R"J({"attributes":[
      {"name":"注册地","type":"enum","values":["宝安区","南山区"],"source":"市场监管局","sensitivity":"公开"},
      {"name":"法人手机","type":"string","sensitivity":"敏感","description":"法定代表人手机号"}]})J"),
                                &issues);
  ASSERT_TRUE(cat.ok()) << issues.size();
  Loaded l = load("id:int,注册地:enum\n1,宝安区\n2,福田区\n", std::make_shared<Catalog>(*cat));
  EXPECT_EQ(l.report.rows_loaded, 1u);
  ASSERT_EQ(l.report.errors.size(), 1u);
  EXPECT_NE(l.report.errors[0].reason.find("不是“注册地”的取值"), std::string::npos);
  EXPECT_EQ(l.table->catalog().attribute("注册地")->source, "市场监管局");
  EXPECT_EQ(l.table->catalog().attribute("法人手机")->sensitivity, Sensitivity::kSensitive);
}

TEST(Import, CatalogFileProblemsAreAllListed) {
  Issues issues;
  auto cat = Catalog::from_json(nlohmann::json::parse(R"J({"attributes":[
      {"name":"a","type":"float"}, {"type":"int"}, {"name":"b","type":"int","values":["x"],"color":1},
      {"name":"c","type":"enum","sensitivity":"秘密"}]})J"),
                                &issues);
  EXPECT_FALSE(cat.ok());
  EXPECT_EQ(issues.size(), 5u);
}

TEST(Import, JsonOfTheSameData) {
  auto doc = nlohmann::json::parse(R"J([
    {"id": 1, "注册地:enum": "宝安区", "营业收入[2024]:money": 25000000, "资质:set": ["高新技术企业"], "办公面积:number": 12.5},
    {"id": 2, "注册地:enum": null, "营业收入[2024]:money": 100, "资质:set": []},
    {"id": 3, "注册地:enum": "宝安区", "营业收入[2024]:money": "lots"}
  ])J");
  std::unique_ptr<EnterpriseTable> table;
  ImportReport report;
  auto st = import_json(
      doc, ImportOptions{},
      [&](std::shared_ptr<const Catalog> c) {
        table = std::make_unique<EnterpriseTable>(c);
        return Status::Ok();
      },
      [&](int64_t id, std::span<const FactCell> cells) { return apply_row(*table, id, cells); },
      &report);
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(report.rows_loaded, 2u);
  EXPECT_EQ(report.rows_rejected, 1u);
  EXPECT_EQ(get(*table, 1, "办公面积").number, *Decimal::parse("12.5"));
  EXPECT_TRUE(get(*table, 2, "注册地").is_missing());
  rules::AttrRef q{table->catalog().attribute("资质")->id, 0};
  EXPECT_EQ(table->facts(*table->row_of(2)).set_contains(q, "高新技术企业"), rules::Tri::kFalse);
  EXPECT_EQ(table->facts(*table->row_of(1)).set_contains(q, "高新技术企业"), rules::Tri::kTrue);
}

}  // namespace
}  // namespace zhida::portrait

namespace zhida::portrait {
namespace {

// A large file is loaded in ranges whose tables are then appended (bitmaps
// at an offset that is not a multiple of 64, columns in parallel): the
// result must hold every cell a one-pass load holds.
TEST(Import, AppendedRangesEqualOnePass) {
  std::string header = "id:int,名称:string,地区:enum,资本:money,标志:bool,日期:date,资质:set,面积:number\n";
  const char* places[] = {"宝安区", "南山区", "福田区"};
  const char* tags[] = {"高新技术企业", "专精特新", "科技型中小企业"};
  auto row = [&](int i) {
    auto maybe = [&](const std::string& v) { return (i * 7 + static_cast<int>(v.size())) % 11 == 0 ? "" : v; };
    std::string set;
    for (int k = 0; k < 3; ++k)
      if ((i >> k) & 1) set += (set.empty() ? "" : "|") + std::string(tags[k]);
    return std::to_string(i) + "," + maybe("企业" + std::to_string(i)) + "," + maybe(places[i % 3]) + "," +
           maybe(std::to_string(i * 1000 + 7)) + "," + maybe(i % 5 ? "true" : "false") + "," +
           maybe("2020-01-" + std::to_string(10 + i % 19)) + "," + (i % 13 ? set : "") + "," +
           maybe(std::to_string(i % 97) + "." + std::to_string(i % 10)) + "\n";
  };
  std::string a = header, b = header, whole = header;
  for (int i = 1; i <= 1777; ++i) {
    (i <= 1001 ? a : b) += row(i);
    whole += row(i);
  }
  Loaded la = load(a), lb = load(b, la.table->catalog_ptr()), lw = load(whole);
  ASSERT_TRUE(la.table->append(std::move(*lb.table)).ok());
  const EnterpriseTable& got = *la.table;
  const EnterpriseTable& want = *lw.table;
  ASSERT_EQ(got.rows(), want.rows());
  for (const char* name : {"名称", "地区", "资本", "标志", "日期", "面积"}) {
    for (int64_t id = 1; id <= 1777; ++id) {
      rules::Value x = get(got, id, name), y = get(want, id, name);
      ASSERT_EQ(x.kind, y.kind) << name << " " << id;
      EXPECT_EQ(x.boolean, y.boolean) << name << " " << id;
      EXPECT_EQ(x.date, y.date) << name << " " << id;
      EXPECT_EQ(x.number, y.number) << name << " " << id;
      EXPECT_EQ(x.text, y.text) << name << " " << id;
    }
  }
  rules::AttrRef set_g{got.catalog().attribute("资质")->id, 0}, set_w{want.catalog().attribute("资质")->id, 0};
  for (int64_t id = 1; id <= 1777; ++id)
    for (const char* t : tags)
      EXPECT_EQ(got.facts(*got.row_of(id)).set_contains(set_g, t), want.facts(*want.row_of(id)).set_contains(set_w, t))
          << id << " " << t;
}

}  // namespace
}  // namespace zhida::portrait
