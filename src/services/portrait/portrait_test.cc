// The portrait services on SQLite and PostgreSQL, below the HTTP layer:
// uploads (all or nothing / good rows), load order kept across a restart,
// facts as known at a past moment, tags (computed, recomputed for exactly the
// changed firms, tags on tags, cycles refused, in use), data sources (keys
// kept as hashes, allowed attributes), reports of wrong facts, catalog
// administration, search and masking.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "services/accounts/mask.h"
#include "services/notifications/test_support.h"
#include "services/platform/platform.h"
#include "services/portrait/data_sources.h"
#include "services/portrait/moment.h"
#include "services/portrait/portrait_service.h"
#include "services/portrait/tags.h"
#include "services/services.h"
#include "store/portrait_store.h"

namespace zhida::services {
namespace {

using nlohmann::json;
using testing::TestDb;

enum class Backend { kSqlite, kPostgres };

#define ASSERT_OK(expr)                                                                          \
  do {                                                                                           \
    const auto& ok_ = (expr);                                                                    \
    ASSERT_TRUE(ok_.ok()) << #expr << " -> " << ok_.error().code << ": " << ok_.error().message; \
  } while (0)

const char* kSeed =
    "id:int,企业名称:string,统一社会信用代码:string,街道:enum,行业门类:enum,营业收入[2024]:money,从业人数:int,"
    "法人手机:string,资质:set\n"
    "1,甲科技有限公司,91440300MA5F000011,新安,C,60000000,120,13800000001,高新技术企业\n"
    "2,乙贸易有限公司,91440300MA5F000022,西乡,F,1000000,5,13800000002,\"\"\n"
    "3,丙制造有限公司,91440300MA5F000033,新安,C,,30,13800000003,\n";

class PortraitServiceTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    db_ = std::make_unique<TestDb>(GetParam() == Backend::kPostgres, "portrait");
    if (db_->skip) {
      if (testing::env_or("ZHIDA_REQUIRE_PG") == "1") FAIL() << db_->why;
      GTEST_SKIP() << db_->why;
    }
    ASSERT_TRUE(db_->error.empty()) << db_->error;
    clock_ = FixedClock::at("2026-11-27");
    open();
    store::BatchInfo info;
    info.kind = "csv_upload";
    info.source = "市场监管局";
    info.as_of = clock_->timestamp();
    auto r = platform_->upload_csv(kSeed, info, true);
    ASSERT_OK(r);
    ASSERT_EQ(r->rows_loaded, 3u);
    Issues issues;
    PortraitService::AttributePatch p;
    p.sensitivity = "敏感";
    ASSERT_OK(portrait_->patch_attribute("法人手机", p, steward_, &issues));
  }

  void TearDown() override {
    if (tags_) tags_->stop();
  }

  void open() {
    if (tags_) tags_->stop();
    tags_.reset();
    portrait_.reset();
    sources_.reset();
    platform_.reset();
    PlatformOptions po;
    po.db_url = db_->url;
    po.migrations = service_migrations();
    po.clock = clock_;
    auto p = Platform::open(po);
    ASSERT_TRUE(p.ok()) << p.error().message;
    platform_ = std::move(p).value();
    portrait_ = std::make_unique<PortraitService>(*platform_);
    sources_ = std::make_unique<DataSources>(*platform_);
    tags_ = std::make_unique<Tags>(*platform_);
    ASSERT_OK(tags_->start());
  }

  // The replica's value of an attribute as text ("" when missing).
  std::string value(int64_t id, const std::string& attr, int year = 0) {
    return platform_->read([&](const portrait::EnterpriseTable& t) -> std::string {
      auto row = t.row_of(id);
      const portrait::Attribute* a = t.catalog().attribute(attr);
      if (!row || !a) return "?";
      const portrait::Column* c = t.column(rules::AttrRef{a->id, static_cast<int16_t>(year)});
      if (!c || !c->is_valid(*row)) return "";
      rules::Value v = c->value(*row);
      switch (v.kind) {
        case rules::Value::Kind::kNumber: return v.number.to_string();
        case rules::Value::Kind::kBool: return v.boolean ? "true" : "false";
        case rules::Value::Kind::kText: return std::string(v.text);
        default: return "(other)";
      }
    });
  }

  int64_t count(const std::string& sql) {
    int64_t n = -1;
    Status s = platform_->db().transaction(
        [&](store::Tx& tx) -> Status {
          ZHIDA_ASSIGN_OR_RETURN(n, tx.query_value<int64_t>(sql));
          return Status::Ok();
        },
        store::Mode::kRead);
    EXPECT_TRUE(s.ok()) << s.error().message;
    return n;
  }

  PushReport push(const std::vector<FactUpdate>& updates, const std::string& source = "税务局") {
    auto r = platform_->push_facts(updates, source, 0);
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.ok() ? *r : PushReport{};
  }

  Result<portrait::ImportReport> upload(const std::string& csv, bool all_or_nothing = true) {
    store::BatchInfo info;
    info.kind = "csv_upload";
    info.source = "统计局";
    info.as_of = clock_->timestamp();
    return platform_->upload_csv(csv, info, all_or_nothing);
  }

  Result<store::TagRow> make_tag(const std::string& name, const std::string& rule, Issues* issues = nullptr) {
    Tags::Input in;
    in.name = name;
    in.rule = rule;
    return tags_->create(in, steward_, issues);
  }

  Principal principal(Role role, int64_t firm = 0) {
    Principal p;
    p.user_id = 7;
    p.username = "u";
    p.role = role;
    p.enterprise_id = firm;
    return p;
  }

  std::unique_ptr<TestDb> db_;
  std::shared_ptr<FixedClock> clock_;
  std::unique_ptr<Platform> platform_;
  std::unique_ptr<PortraitService> portrait_;
  std::unique_ptr<DataSources> sources_;
  std::unique_ptr<Tags> tags_;
  Actor steward_{1, "steward", "data_steward", "127.0.0.1"};
};

TEST_P(PortraitServiceTest, AllOrNothingUploadWithABadRowStoresNothing) {
  int64_t batches = count("SELECT COUNT(*) FROM fact_batches");
  std::string csv =
      "id:int,营业收入[2024]:money,从业人数:int\n"
      "1,70000000,130\n"
      "2,abc,6\n"
      "4,100,1\n";
  auto r = upload(csv, true);
  ASSERT_OK(r);
  EXPECT_EQ(r->rows_loaded, 0u);
  EXPECT_EQ(r->rows_rejected, 1u);
  ASSERT_EQ(r->errors.size(), 1u);
  EXPECT_EQ(r->errors[0].line, 3);
  EXPECT_EQ(r->errors[0].column, "营业收入[2024]");
  EXPECT_EQ(r->errors[0].value, "abc");
  EXPECT_FALSE(r->errors[0].reason.empty());
  EXPECT_EQ(count("SELECT COUNT(*) FROM fact_batches"), batches);
  EXPECT_EQ(value(1, "营业收入", 2024), "60000000");
  EXPECT_EQ(platform_->enterprise_count(), 3u);

  auto good = upload(csv, false);
  ASSERT_OK(good);
  EXPECT_EQ(good->rows_loaded, 2u);
  EXPECT_EQ(good->rows_rejected, 1u);
  EXPECT_EQ(count("SELECT COUNT(*) FROM fact_batches"), batches + 1);
  EXPECT_EQ(value(1, "营业收入", 2024), "70000000");
  EXPECT_EQ(value(2, "营业收入", 2024), "1000000");  // the bad row changed nothing
  EXPECT_EQ(value(4, "从业人数"), "1");
}

TEST_P(PortraitServiceTest, AFileWithoutAGoodRowStoresNothingInEitherMode) {
  int64_t batches = count("SELECT COUNT(*) FROM fact_batches");
  auto r = upload("id:int,从业人数:int\n1,x\n2,y\n", false);
  ASSERT_OK(r);
  EXPECT_EQ(r->rows_loaded, 0u);
  EXPECT_EQ(r->rows_rejected, 2u);
  EXPECT_EQ(count("SELECT COUNT(*) FROM fact_batches"), batches);
  auto header = upload("id:int,从业人数:integer\n1,3\n");
  ASSERT_FALSE(header.ok());
  EXPECT_EQ(header.error().code, "import.bad_header");
}

TEST_P(PortraitServiceTest, LoadOrderOfPushesAndUploadsSurvivesARestart) {
  push({{1, "营业收入[2024]", "1", ""}});
  ASSERT_OK(upload("id:int,营业收入[2024]:money\n1,2\n"));
  EXPECT_EQ(value(1, "营业收入", 2024), "2");
  open();
  EXPECT_EQ(value(1, "营业收入", 2024), "2");
  push({{1, "营业收入[2024]", "3", ""}});
  open();
  EXPECT_EQ(value(1, "营业收入", 2024), "3");
  // Every value, oldest first, with its source.
  Principal steward = principal(Role::kDataSteward);
  FactMasker m(steward, 1);
  auto h = portrait_->history(1, "营业收入[2024]", m);
  ASSERT_OK(h);
  std::vector<std::string> values, sources;
  for (const auto& item : (*h)["items"]) {
    values.push_back(item["value"]);
    sources.push_back(item["source"]);
  }
  EXPECT_EQ(values, (std::vector<std::string>{"60000000", "1", "2", "3"}));
  EXPECT_EQ(sources, (std::vector<std::string>{"市场监管局", "税务局", "统计局", "税务局"}));
}

TEST_P(PortraitServiceTest, FactsAsOfAMomentReplayWhatWasKnownThen) {
  std::string day1_end = *parse_moment("2026-11-27", true);
  clock_->advance(std::chrono::hours(24));
  push({{1, "从业人数", "200", "2026-11-27T16:00:00.000Z"}});
  EXPECT_EQ(value(1, "从业人数"), "200");
  Principal steward = principal(Role::kDataSteward);
  FactMasker m(steward, 1);
  auto then = portrait_->portrait(1, day1_end, m);
  ASSERT_OK(then);
  auto now = portrait_->portrait(1, "", m);
  ASSERT_OK(now);
  auto find = [](const json& p, const std::string& attr) -> json {
    for (const auto& f : p["facts"])
      if (f["attribute"] == attr) return f;
    return nullptr;
  };
  EXPECT_EQ(find(*then, "从业人数")["value"], "120");
  EXPECT_EQ(find(*now, "从业人数")["value"], "200");
  EXPECT_EQ(find(*now, "从业人数")["source"], "税务局");
  EXPECT_EQ(find(*now, "从业人数")["as_of"], "2026-11-27T16:00:00.000Z");
  EXPECT_EQ(find(*now, "从业人数")["meta"]["type"], "int");
  // Before anything was loaded, nothing was known.
  auto before = portrait_->portrait(1, "2020-01-01T00:00:00.000Z", m);
  ASSERT_OK(before);
  EXPECT_FALSE((*before)["known"].get<bool>());
  EXPECT_TRUE((*before)["facts"].empty());
}

TEST_P(PortraitServiceTest, TagsAreComputedAndRecomputedForExactlyTheChangedFirms) {
  auto t = make_tag("规上制造", "行业门类 == \"C\" and 营业收入[2024] >= 2000万");
  ASSERT_OK(t);
  EXPECT_EQ(value(1, "规上制造"), "true");
  EXPECT_EQ(value(2, "规上制造"), "false");
  EXPECT_EQ(value(3, "规上制造"), "");  // unknown: revenue missing
  auto counts = tags_->counts(t->attr_id);
  EXPECT_EQ(counts.yes, 1);
  EXPECT_EQ(counts.no, 1);
  EXPECT_EQ(counts.unknown, 1);
  // A tag on a tag.
  auto big = make_tag("大型制造", "规上制造 and 从业人数 >= 100");
  ASSERT_OK(big);
  EXPECT_EQ(value(1, "大型制造"), "true");
  EXPECT_EQ(value(3, "大型制造"), "false");  // false and unknown is false

  std::vector<std::vector<int64_t>> heard;
  std::mutex mu;
  platform_->on_facts_changed([&](const std::vector<int64_t>& ids) {
    std::lock_guard l(mu);
    heard.push_back(ids);
  });
  push({{3, "营业收入[2024]", "30000000", ""}, {3, "从业人数", "150", ""}});
  EXPECT_EQ(value(3, "规上制造"), "true");
  EXPECT_EQ(value(3, "大型制造"), "true");
  EXPECT_EQ(value(2, "规上制造"), "false");
  ASSERT_EQ(heard.size(), 1u);
  EXPECT_EQ(heard[0], std::vector<int64_t>{3});

  // A rule change recomputes the tag and the tags that use it, for every firm.
  heard.clear();
  Tags::Input change;
  change.rule = "行业门类 == \"F\"";
  ASSERT_OK(tags_->update(t->id, change, steward_, nullptr));
  EXPECT_EQ(value(1, "规上制造"), "false");
  EXPECT_EQ(value(2, "规上制造"), "true");
  EXPECT_EQ(value(1, "大型制造"), "false");
  ASSERT_EQ(heard.size(), 1u);
  EXPECT_EQ(heard[0], (std::vector<int64_t>{1, 2, 3}));

  // A restart computes the same values.
  open();
  EXPECT_EQ(value(1, "规上制造"), "false");
  EXPECT_EQ(value(2, "规上制造"), "true");
  EXPECT_EQ(value(3, "大型制造"), "false");
  EXPECT_EQ(value(2, "大型制造"), "false");
}

TEST_P(PortraitServiceTest, TagCyclesAndBadRulesAreRefusedWithPositions) {
  auto a = make_tag("甲标签", "从业人数 > 10");
  ASSERT_OK(a);
  auto b = make_tag("乙标签", "甲标签 and 街道 == \"新安\"");
  ASSERT_OK(b);
  size_t catalog_size = platform_->catalog()->size();
  Issues issues;
  Tags::Input cyc;
  cyc.rule = "乙标签 or 从业人数 > 1000";
  auto r = tags_->update(a->id, cyc, steward_, &issues);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "tag.invalid");
  bool cycle = false;
  for (const Issue& i : issues)
    if (i.code == "tag.cycle") {
      cycle = true;
      EXPECT_NE(i.message.find("甲标签 → 乙标签 → 甲标签"), std::string::npos) << i.message;
    }
  EXPECT_TRUE(cycle);
  // Nothing changed.
  auto stored = tags_->get(a->id);
  ASSERT_OK(stored);
  EXPECT_EQ((*stored)->rule, "从业人数 > 10");
  EXPECT_EQ(value(1, "甲标签"), "true");

  // An unknown attribute: the issue carries its line and column.
  issues.clear();
  auto bad = make_tag("丙标签", "从业人数 > 1 and\n营收 > 100", &issues);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, "tag.invalid");
  bool positioned = false;
  for (const Issue& i : issues)
    if (i.field == "rule" && i.line == 2 && i.column == 1) positioned = true;
  EXPECT_TRUE(positioned) << rules::render_issues(issues);
  EXPECT_EQ(platform_->catalog()->size(), catalog_size);
  EXPECT_EQ(count("SELECT COUNT(*) FROM tags"), 2);

  // A name that a rule cannot use, and a name that is taken.
  issues.clear();
  EXPECT_EQ(make_tag("1号标签", "true", &issues).error().code, "tag.invalid");
  EXPECT_EQ(make_tag("从业人数", "true", &issues).error().code, "tag.conflict");
  EXPECT_EQ(make_tag("甲标签", "true", &issues).error().code, "tag.conflict");
}

TEST_P(PortraitServiceTest, ATagInUseCannotBeDeletedOrDeactivated) {
  auto t = make_tag("高新制造", "\"高新技术企业\" in 资质 and 行业门类 == \"C\"");
  ASSERT_OK(t);
  EXPECT_EQ(value(1, "高新制造"), "true");
  json policy = {{"id", "T-1"},
                 {"name", "高新制造奖励"},
                 {"department", "工信局"},
                 {"conditions", {{{"clause", "高新制造企业"}, {"rule", "高新制造"}}}},
                 {"award", "10万"}};
  ASSERT_OK(platform_->db().transaction([&](store::Tx& tx) -> Status {
    store::PolicyRow row;
    row.id = "T-1";
    row.draft = policy.dump();
    row.department = "工信局";
    ZHIDA_TRY(store::insert_policy(tx, row));
    auto v = store::publish_policy(tx, "T-1", 0);
    if (!v.ok()) return v.error();
    return Status::Ok();
  }));
  ASSERT_OK(platform_->refresh_policies());
  ASSERT_NE(platform_->policy("T-1"), nullptr);
  Issues issues;
  Status del = tags_->remove(t->id, steward_, &issues);
  ASSERT_FALSE(del.ok());
  EXPECT_EQ(del.error().code, "tag.in_use");
  ASSERT_FALSE(issues.empty());
  EXPECT_NE(issues[0].message.find("T-1"), std::string::npos);
  Tags::Input off;
  off.active = false;
  EXPECT_EQ(tags_->update(t->id, off, steward_, nullptr).error().code, "tag.in_use");
  EXPECT_EQ(value(1, "高新制造"), "true");

  // An unused tag is deleted: its name is free again and rules no longer see it.
  auto spare = make_tag("备用标签", "从业人数 > 100");
  ASSERT_OK(spare);
  ASSERT_OK(tags_->remove(spare->id, steward_, nullptr));
  EXPECT_EQ(platform_->catalog()->attribute("备用标签"), nullptr);
  EXPECT_EQ(value(1, "已删除标签_" + std::to_string(spare->attr_id)), "");
  ASSERT_OK(make_tag("备用标签", "从业人数 > 1"));
  open();
  EXPECT_EQ(value(1, "备用标签"), "true");
  EXPECT_EQ(value(1, "高新制造"), "true");
}

TEST_P(PortraitServiceTest, TagsCannotBeUploadedOrPushed) {
  ASSERT_OK(make_tag("小微", "从业人数 < 10"));
  auto up = upload("id:int,小微:bool\n1,true\n");
  ASSERT_FALSE(up.ok());
  EXPECT_EQ(up.error().code, "import.derived_column");
  auto r = push({{2, "小微", "false", ""}});
  EXPECT_EQ(r.accepted, 0u);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(value(2, "小微"), "true");
}

TEST_P(PortraitServiceTest, DataSourcesPushOnlyTheirAttributesWithHashedKeys) {
  DataSources::Input in;
  in.name = "税务增量";
  in.department = "税务局";
  in.attributes = std::vector<std::string>{"营业收入"};
  auto c = sources_->create(in, steward_, nullptr);
  ASSERT_OK(c);
  ASSERT_EQ(c->key.substr(0, 3), "zd_");
  EXPECT_EQ(count("SELECT COUNT(*) FROM data_sources WHERE key_hash = '" + api_key_hash(c->key) + "'"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM data_sources WHERE key_hash = '" + c->key + "' OR key_prefix = '" + c->key +
                  "'"),
            0);
  auto who = sources_->authenticate(c->key);
  ASSERT_OK(who);
  EXPECT_EQ(who->id, c->source.id);
  EXPECT_EQ(sources_->authenticate("zd_wrongwrongwrong").error().code, "auth.bad_api_key");

  Actor pusher{0, "datasource:税务增量", "", ""};
  std::vector<DataSources::Item> items = {{1, "营业收入[2024]", "88000000", "2026-11-01"},
                                          {1, "从业人数", "999", ""},
                                          {2, "营业收入[2024]", "abc", ""},
                                          {3, "营业收入[2024]", "5", "not a date"}};
  auto r = sources_->push(*who, items, pusher);
  ASSERT_OK(r);
  EXPECT_EQ(r->accepted, 1u);
  ASSERT_EQ(r->errors.size(), 3u);
  EXPECT_EQ(r->errors[0].line, 2);
  EXPECT_NE(r->errors[0].reason.find("无权"), std::string::npos);
  EXPECT_EQ(r->errors[1].line, 3);
  EXPECT_EQ(r->errors[2].line, 4);
  EXPECT_EQ(value(1, "营业收入", 2024), "88000000");
  EXPECT_EQ(value(1, "从业人数"), "120");
  auto after = sources_->get(c->source.id);
  ASSERT_OK(after);
  EXPECT_EQ((*after)->facts_pushed, 1);
  EXPECT_TRUE((*after)->last_used_at.has_value());

  // Rotating the key retires the old one; deactivating refuses every key.
  DataSources::Input rotate;
  rotate.rotate_key = true;
  auto rotated = sources_->update(c->source.id, rotate, steward_, nullptr);
  ASSERT_OK(rotated);
  EXPECT_FALSE(sources_->authenticate(c->key).ok());
  EXPECT_TRUE(sources_->authenticate(rotated->key).ok());
  DataSources::Input off;
  off.active = false;
  ASSERT_OK(sources_->update(c->source.id, off, steward_, nullptr));
  EXPECT_EQ(sources_->authenticate(rotated->key).error().code, "auth.api_key_inactive");

  // Bad definitions change nothing.
  Issues issues;
  DataSources::Input bad;
  bad.name = "统计";
  bad.department = "统计局";
  bad.attributes = std::vector<std::string>{"没有这个", "id"};
  auto refused = sources_->create(bad, steward_, &issues);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "datasource.invalid");
  EXPECT_EQ(issues.size(), 2u);
  EXPECT_EQ(count("SELECT COUNT(*) FROM data_sources"), 1);
  EXPECT_EQ(sources_->create(in, steward_, nullptr).error().code, "datasource.conflict");
}

TEST_P(PortraitServiceTest, ReportsOfWrongFactsAreResolvedAndApplied) {
  Actor legal{11, "ent1.legal", "enterprise_legal", ""};
  Issues issues;
  auto bad = portrait_->report({1, "从业人数", "很多", "我们有 150 人"}, legal, &issues);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, "report.invalid");
  EXPECT_EQ(count("SELECT COUNT(*) FROM fact_reports"), 0);
  EXPECT_EQ(portrait_->report({99, "从业人数", "1", "x"}, legal, nullptr).error().code, "db.not_found");

  auto r = portrait_->report({1, "从业人数", "150", "年末从业人数应为 150 人"}, legal, nullptr);
  ASSERT_OK(r);
  EXPECT_EQ(r->current_value, "120");
  EXPECT_EQ(r->status, "open");
  auto done = portrait_->resolve(r->id, "accepted", "已核实社保记录", true, steward_, nullptr);
  ASSERT_OK(done);
  EXPECT_EQ(done->status, "accepted");
  EXPECT_EQ(value(1, "从业人数"), "150");
  EXPECT_EQ(count("SELECT COUNT(*) FROM facts WHERE source = '企业报错核实'"), 1);
  EXPECT_EQ(portrait_->resolve(r->id, "rejected", "x", false, steward_, nullptr).error().code, "report.conflict");

  auto second = portrait_->report({2, "街道", "西乡", "正确"}, legal, nullptr);
  ASSERT_OK(second);
  issues.clear();
  EXPECT_EQ(portrait_->resolve(second->id, "rejected", "", false, steward_, &issues).error().code, "report.invalid");
  ASSERT_OK(portrait_->resolve(second->id, "rejected", "数据无误", false, steward_, nullptr));
  auto list = portrait_->reports("", 0, 0, 10);
  ASSERT_OK(list);
  EXPECT_EQ((*list)["total"], 2);
}

TEST_P(PortraitServiceTest, CatalogChangesAreCheckedAndAudited) {
  Issues issues;
  PortraitService::AttributePatch narrow;
  narrow.values = std::vector<std::string>{"新安"};
  auto r = portrait_->patch_attribute("街道", narrow, steward_, &issues);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "catalog.invalid");
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].code, "catalog.value_in_use");
  PortraitService::AttributePatch wide;
  wide.values = std::vector<std::string>{"新安", "西乡", "福永"};
  wide.unit = "";
  wide.description = "企业所在街道";
  auto ok = portrait_->patch_attribute("街道", wide, steward_, nullptr);
  ASSERT_OK(ok);
  EXPECT_EQ(ok->values.size(), 3u);
  EXPECT_EQ(platform_->catalog()->attribute("街道")->description, "企业所在街道");
  EXPECT_EQ(portrait_->patch_attribute("没有", wide, steward_, nullptr).error().code, "db.not_found");
  issues.clear();
  PortraitService::AttributePatch bad;
  bad.sensitivity = "绝密";
  bad.values = std::vector<std::string>{"x"};
  EXPECT_EQ(portrait_->patch_attribute("从业人数", bad, steward_, &issues).error().code, "catalog.invalid");
  EXPECT_EQ(issues.size(), 2u);

  // Declared values survive a restart; a stored fact outside a narrower
  // domain declared later would still be replayed.
  open();
  EXPECT_EQ(platform_->catalog()->attribute("街道")->values.size(), 3u);
  EXPECT_EQ(value(2, "街道"), "西乡");

  issues.clear();
  json doc = {{"attributes",
               {{{"name", "研发人员数"}, {"type", "int"}, {"unit", "人"}, {"source", "科技局"}},
                {{"name", "从业人数"}, {"type", "int"}}}}};
  auto added = portrait_->add_attributes(doc, steward_, &issues);
  ASSERT_FALSE(added.ok());
  EXPECT_EQ(platform_->catalog()->attribute("研发人员数"), nullptr);
  doc["attributes"].erase(1);
  added = portrait_->add_attributes(doc, steward_, nullptr);
  ASSERT_OK(added);
  EXPECT_NE(platform_->catalog()->attribute("研发人员数"), nullptr);
  EXPECT_GE(count("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'catalog.%'"), 3);
}

TEST_P(PortraitServiceTest, SearchFiltersSortsAndPages) {
  PortraitService::SearchQuery q;
  q.q = "制造";
  auto r = portrait_->search(q);
  ASSERT_OK(r);
  EXPECT_EQ((*r)["total"], 1);
  EXPECT_EQ((*r)["items"][0]["id"], 3);
  q = {};
  q.q = "91440300ma5f000022";
  EXPECT_EQ((*portrait_->search(q))["items"][0]["id"], 2);
  q = {};
  q.street = "新安";
  q.sort = "-营业收入[2024]";
  r = portrait_->search(q);
  ASSERT_OK(r);
  ASSERT_EQ((*r)["items"].size(), 2u);
  EXPECT_EQ((*r)["items"][0]["id"], 1);  // missing revenue sorts last
  EXPECT_EQ((*r)["items"][0]["sort_value"], "60000000");
  q = {};
  q.limit = 1;
  q.offset = 1;
  r = portrait_->search(q);
  EXPECT_EQ((*r)["total"], 3);
  EXPECT_EQ((*r)["items"][0]["id"], 2);
  q = {};
  q.sort = "法人手机";
  EXPECT_EQ(portrait_->search(q).error().code, "bad_request.bad_sort");
  q.sort = "资质";
  EXPECT_EQ(portrait_->search(q).error().code, "bad_request.bad_sort");
}

TEST_P(PortraitServiceTest, SensitiveFactsAreMaskedUnlessTheRoleMaySeeThem) {
  auto phone = [&](const Principal& p) {
    FactMasker m(p, 1);
    auto r = portrait_->portrait(1, "", m);
    EXPECT_TRUE(r.ok());
    for (const auto& f : (*r)["facts"])
      if (f["attribute"] == "法人手机") return std::make_pair(f["value"].get<std::string>(), m.revealed().size());
    return std::make_pair(std::string("?"), size_t{0});
  };
  auto officer = phone(principal(Role::kPolicyOfficer));
  EXPECT_EQ(officer.first, "138****0001");
  EXPECT_EQ(officer.second, 0u);
  auto steward = phone(principal(Role::kDataSteward));
  EXPECT_EQ(steward.first, "13800000001");
  EXPECT_EQ(steward.second, 1u);
  EXPECT_EQ(phone(principal(Role::kEnterpriseLegal, 1)).first, "13800000001");
}

TEST(MomentTest, DatesAndTimesAreChinaTimeUnlessMarkedUtc) {
  EXPECT_EQ(*parse_moment("2026-11-27", false), "2026-11-26T16:00:00.000Z");
  EXPECT_EQ(*parse_moment("2026-11-27", true), "2026-11-27T15:59:59.999Z");
  EXPECT_EQ(*parse_moment("2026-11-27T08:30:00", false), "2026-11-27T00:30:00.000Z");
  EXPECT_EQ(*parse_moment("2026-11-27T08:30:00", true), "2026-11-27T00:30:00.999Z");
  EXPECT_EQ(*parse_moment("2026-11-27T08:30:00.123Z", true), "2026-11-27T08:30:00.123Z");
  EXPECT_EQ(*parse_moment("2026-01-01T02:00:00", false), "2025-12-31T18:00:00.000Z");
  for (const char* bad : {"", "2026-13-01", "2026-11-27T25:00:00", "2026-11-27X", "yesterday", "2026-11-27T08:30"})
    EXPECT_EQ(parse_moment(bad, false).error().code, "bad_request.bad_time") << bad;
}

TEST(TagCycles, FindsEachCycleAsAPath) {
  // 0 → 1 → 2 → 0, 3 → 3, 4 → 0 (not on a cycle)
  auto cycles = find_cycles({{1}, {2}, {0}, {3}, {0}});
  ASSERT_EQ(cycles.size(), 2u);
  std::sort(cycles.begin(), cycles.end());
  EXPECT_EQ(cycles[0], (std::vector<size_t>{0, 1, 2}));
  EXPECT_EQ(cycles[1], (std::vector<size_t>{3}));
  EXPECT_TRUE(find_cycles({{1}, {}, {0, 1}}).empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, PortraitServiceTest, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const ::testing::TestParamInfo<Backend>& p) {
                           return p.param == Backend::kSqlite ? "Sqlite" : "Postgres";
                         });

}  // namespace
}  // namespace zhida::services
