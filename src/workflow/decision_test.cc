#include "workflow/decision.h"

#include <gtest/gtest.h>

#include "base/date.h"
#include "workflow/checklist.h"
#include "workflow/materials.h"

namespace zhida::workflow {
namespace {

using nlohmann::json;

portrait::Catalog test_catalog() {
  portrait::Catalog c;
  auto add = [&](const char* name, rules::Type t, bool periods = false) {
    portrait::Attribute a;
    a.name = name;
    a.type = t;
    a.has_periods = periods;
    (void)c.add(a);
  };
  add("注册地", rules::Type::kEnum);
  add("研发费用", rules::Type::kMoney, true);
  add("营业收入", rules::Type::kMoney, true);
  add("纳税总额", rules::Type::kMoney, true);
  add("严重失信", rules::Type::kBool);
  add("资质", rules::Type::kSet);
  add("成立日期", rules::Type::kDate);
  return c;
}

portrait::Policy policy(const portrait::Catalog& cat, const std::string& extra = "") {
  Issues issues;
  std::string text = R"J({"id":"P1","name":"研发资助","reference_year":2025,
    "conditions":[
      {"clause":"注册地在宝安区","rule":"注册地 == \"宝安区\""},
      {"clause":"国高企业","rule":"\"高新技术企业\" in 资质"},
      {"clause":"上年度研发费用 100 万元以上","rule":"研发费用[上年度] >= 100万"},
      {"clause":"成立满 2 年","rule":"years_since(成立日期) >= 2"},
      {"clause":"未被列入严重失信名单","rule":"not 严重失信"})J" +
                     extra + R"J(],
    "award":"min(研发费用[上年度] * 10%, 200万)",
    "window":{"start":"2026-11-01","end":"2026-12-31"},
    "budget":"1000万","caps":{"per_application":"150万"},"tax_capped":true,
    "materials":[{"name":"承诺书","commitment":true},{"name":"审计报告"}]})J";
  auto p = portrait::policy_from_json(json::parse(text), cat, issues);
  EXPECT_TRUE(p) << (issues.empty() ? "" : issues[0].message);
  return std::move(*p);
}

DecisionInputs inputs() {
  DecisionInputs in;
  in.application_id = 9;
  in.enterprise_id = 1001;
  in.year = 2025;
  in.policy_id = "P1";
  in.policy_version = 1;
  in.policy_hash = "abc";
  in.policy_name = "研发资助";
  in.evaluated_on = *parse_date("2026-11-27");
  in.decided_at = "2026-11-27T04:00:00.000Z";
  auto fact = [&](const char* a, std::optional<std::string> v) {
    in.facts.push_back({a, std::move(v), "税务局", "2026-01-01T00:00:00.000Z",
                        "2026-01-02T00:00:00.000Z", "data"});
  };
  fact("严重失信", "false");
  fact("成立日期", "2019-05-01");
  fact("注册地", "宝安区");
  fact("研发费用[2024]", "12345678.9");
  fact("纳税总额[2024]", "800000");
  fact("资质", "高新技术企业|科技型中小企业");
  in.budget_fen = 10'000'000'00;
  return in;
}

TEST(Decision, FactsNeededCoverConditionsFormulaAndTax) {
  auto cat = test_catalog();
  auto p = policy(cat);
  std::vector<std::string> names;
  for (auto r : facts_needed(p, cat)) names.push_back(rules::fact_name(cat, r));
  EXPECT_EQ(names, (std::vector<std::string>{"严重失信", "成立日期", "注册地", "研发费用[2024]",
                                             "纳税总额[2024]", "资质"}));
}

TEST(Decision, InstantApprovalWithTaxCap) {
  auto cat = test_catalog();
  auto p = policy(cat);
  auto in = inputs();
  auto r = decide(p, cat, in);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->outcome, "approved");
  EXPECT_TRUE(r->instant);
  EXPECT_EQ(r->verdict, "match");
  EXPECT_EQ(r->formula_value, "1234567.89");
  ASSERT_TRUE(r->money.known);
  // formula 1234567.89 -> per application 150万 (not hit) -> tax 80万
  EXPECT_EQ(r->money.award_fen, 800'000'00);
  EXPECT_EQ(r->money.steps.back().rule, "tax");
  for (const auto& c : r->conditions) {
    EXPECT_EQ(c.final, "pass") << c.clause;
    EXPECT_EQ(c.settled_by, "data");
  }
}

TEST(Decision, FailedConditionRefuses) {
  auto cat = test_catalog();
  auto p = policy(cat);
  auto in = inputs();
  in.facts[3].value = "900000";  // 研发费用 90万
  auto r = decide(p, cat, in);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->outcome, "refused");
  EXPECT_EQ(r->refusal, "application.ineligible");
  ASSERT_EQ(r->reasons.size(), 1u);
  EXPECT_NE(r->reasons[0].find("研发费用"), std::string::npos);
}

TEST(Decision, WindowClosedRefuses) {
  auto cat = test_catalog();
  auto p = policy(cat);
  auto in = inputs();
  in.evaluated_on = *parse_date("2027-01-01");
  auto r = decide(p, cat, in);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->refusal, "application.window_closed");
}

TEST(Decision, MissingFactGoesToReviewAndDeclarationsFillIt) {
  auto cat = test_catalog();
  auto p = policy(cat);
  auto in = inputs();
  in.facts[3].value.reset();  // 研发费用[2024] missing
  auto r = decide(p, cat, in);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->outcome, "review");
  EXPECT_EQ(r->conditions[2].final, "pending");
  EXPECT_EQ(r->conditions[2].missing, std::vector<std::string>{"研发费用[2024]"});
  EXPECT_FALSE(r->money.known);
  EXPECT_EQ(unanswered_conditions(p, in, *r), std::vector<int>{2});

  // The firm declares the value: still a person's check, but the award is known.
  in.declarations.push_back({-1, false, "研发费用[2024]", "2000000", ""});
  in.facts.push_back({"研发费用[2024]", "2000000", "企业申报", "", in.decided_at, "declared"});
  r = decide(p, cat, in);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->outcome, "review");
  EXPECT_EQ(r->conditions[2].final, "pending");
  EXPECT_TRUE(unanswered_conditions(p, in, *r).empty());
  EXPECT_EQ(r->money.award_fen, 200'000'00);

  // The reviewer passes it: approved.
  auto checklist = build_checklist(p, in, *r);
  EXPECT_TRUE(apply_verdicts(checklist,
                             {{"condition:2", "pass", "核对审计报告"},
                              {"material:承诺书", "pass", ""},
                              {"material:审计报告", "pass", ""}},
                             7, "审核员甲", "t")
                  .empty());
  EXPECT_TRUE(open_items(checklist).empty());
  DecisionInputs rv = in;
  rv.kind = DecisionKind::kReview;
  rv.action = "approve";
  rv.verdicts = verdicts_of(checklist);
  auto a = decide(p, cat, rv);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->outcome, "approved") << (a->reasons.empty() ? "" : a->reasons[0]);
  EXPECT_EQ(a->conditions[2].settled_by, "reviewer");
}

TEST(Decision, DeclaredValueNeverReplacesData) {
  auto cat = test_catalog();
  auto p = policy(cat);
  auto in = inputs();
  in.facts.push_back({"研发费用[2024]", "99999999", "企业申报", "", "", "declared"});
  auto r = decide(p, cat, in);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->formula_value, "1234567.89");
}

TEST(Decision, ManualConditionNeedsAPerson) {
  auto cat = test_catalog();
  auto p = policy(
      cat, R"J(,{"clause":"项目在宝安区实施","verifiable":false,"material":"项目实施地证明"})J");
  auto in = inputs();
  auto r = decide(p, cat, in);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->outcome, "review");
  EXPECT_EQ(r->conditions[5].data, "none");
  EXPECT_EQ(unanswered_conditions(p, in, *r), std::vector<int>{5});
  in.materials.push_back({"项目实施地证明", -1, 3, "ab12", "租赁合同.pdf", false});
  EXPECT_TRUE(unanswered_conditions(p, in, *r).empty());
  auto checklist = build_checklist(p, in, *r);
  ASSERT_EQ(checklist.size(), 8u);  // 6 conditions + 2 materials
  EXPECT_TRUE(checklist[0].automatic);
  EXPECT_EQ(checklist[5].key, "condition:5");
  EXPECT_EQ(checklist[5].provided.size(), 1u);
  EXPECT_EQ(open_items(checklist).size(), 3u);
}

TEST(Decision, RejectKeepsTheReasons) {
  auto cat = test_catalog();
  auto p = policy(cat);
  auto in = inputs();
  in.kind = DecisionKind::kReview;
  in.action = "reject";
  in.reasons = {"材料不实"};
  auto r = decide(p, cat, in);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->outcome, "rejected");
  EXPECT_EQ(r->reasons, std::vector<std::string>{"材料不实"});
}

TEST(Decision, RecordRoundTripsAndVerifies) {
  auto cat = test_catalog();
  auto p = policy(cat);
  auto in = inputs();
  in.earlier = {{3, "P0", 2025, "", 100, "approved"}};
  in.declarations = {{1, true, "", "", "承诺属实"}};
  in.materials = {{"承诺书", -1, 0, "", "", true}};
  auto r = decide(p, cat, in);
  ASSERT_TRUE(r.ok());
  json rec = make_record(in, *r);
  std::string text = canonical(rec);
  EXPECT_EQ(text.find("\": "), std::string::npos);
  std::string hash = record_hash(rec);
  EXPECT_EQ(hash.size(), 64u);

  auto back = inputs_from_json(rec["inputs"]);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(inputs_to_json(*back), rec["inputs"]);

  auto ok = verify_record(text, hash, p, 1, "abc", cat);
  EXPECT_TRUE(ok.ok()) << (ok.problems.empty() ? "" : ok.problems[0]);

  // Wrong policy version.
  auto wrong = verify_record(text, hash, p, 2, "abc", cat);
  EXPECT_FALSE(wrong.policy_ok);

  // Tampering with a fact: the hash no longer matches, and the replay differs.
  json tampered = rec;
  for (auto& f : tampered["inputs"]["facts"])
    if (f["attribute"] == "纳税总额[2024]") f["value"] = "9000000";
  auto bad = verify_record(canonical(tampered), hash, p, 1, "abc", cat);
  EXPECT_FALSE(bad.hash_ok);
  EXPECT_FALSE(bad.replay_ok);
  EXPECT_FALSE(bad.ok());

  // Even with the hash recomputed, the replay catches a changed fact.
  auto bad2 = verify_record(canonical(tampered), record_hash(tampered), p, 1, "abc", cat);
  EXPECT_TRUE(bad2.hash_ok);
  EXPECT_FALSE(bad2.replay_ok);
  // And a changed result with the facts intact.
  json forged = rec;
  forged["result"]["award"]["award_fen"] = 99999999;
  auto bad3 = verify_record(canonical(forged), record_hash(forged), p, 1, "abc", cat);
  EXPECT_FALSE(bad3.replay_ok);
}

TEST(Decision, ExclusivityNeedsReviewUnlessTopUp) {
  auto cat = test_catalog();
  Issues issues;
  auto mk = [&](bool top_up) {
    json j = json::parse(R"J({"id":"P2","name":"小巨人","reference_year":2025,
      "conditions":[{"clause":"注册地","rule":"注册地 == \"宝安区\""}],
      "award":"50万","exclusivity_group":"专精特新"})J");
    j["top_up"] = top_up;
    return *portrait::policy_from_json(j, cat, issues);
  };
  auto in = inputs();
  in.policy_id = "P2";
  in.earlier = {{5, "P1", 2025, "专精特新", 200'000'00, "approved"}};
  auto r = decide(mk(false), cat, in);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->outcome, "review");
  EXPECT_EQ(r->money.award_fen, 500'000'00);
  r = decide(mk(true), cat, in);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->outcome, "approved");
  EXPECT_EQ(r->money.award_fen, 300'000'00);
  in.earlier[0].fen = 600'000'00;
  r = decide(mk(true), cat, in);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->refusal, "application.exclusive");
}

TEST(Decision, BadRecordedFactIsAnError) {
  auto cat = test_catalog();
  auto p = policy(cat);
  auto in = inputs();
  in.facts[1].value = "not a date";
  EXPECT_FALSE(decide(p, cat, in).ok());
  in = inputs();
  in.facts.push_back({"没有的属性", "1", "", "", "", "data"});
  EXPECT_FALSE(decide(p, cat, in).ok());
}

TEST(Checklist, ValidateInputs) {
  auto cat = test_catalog();
  auto p = policy(cat);
  std::vector<Declaration> decls = {{-1, false, "研发费用[2024]", "abc", ""},
                                    {-1, false, "营业收入[2024]", "1", ""},
                                    {9, true, "", "", ""}};
  std::vector<MaterialRef> mats = {{"审计报告", -1, 0, "", "", true},
                                   {"承诺书", -1, 0, "", "", true}};
  Issues issues = validate_inputs(p, cat, decls, mats);
  ASSERT_EQ(issues.size(), 4u);
  EXPECT_EQ(issues[0].field, "declarations[0].value");
  EXPECT_EQ(issues[1].field, "declarations[1].attribute");
  EXPECT_EQ(issues[2].field, "declarations[2].condition");
  EXPECT_EQ(issues[3].field, "materials[0].commitment");
}

TEST(Checklist, CarryVerdictsKeepsUnchangedItems) {
  std::vector<ChecklistItem> old(2), fresh(2);
  old[0].key = fresh[0].key = "condition:1";
  old[1].key = fresh[1].key = "material:x";
  old[0].verdict = "pass";
  old[1].verdict = "fail";
  fresh[1].provided = {"已上传：x.pdf"};
  auto merged = carry_verdicts(old, fresh);
  EXPECT_EQ(merged[0].verdict, "pass");
  EXPECT_EQ(merged[1].verdict, "pending");  // the firm uploaded something new
}

TEST(Materials, SniffsByMagicBytes) {
  EXPECT_EQ(sniff_file_type("%PDF-1.7\n...")->kind, "pdf");
  EXPECT_EQ(sniff_file_type(std::string("\x89PNG\r\n\x1a\n....", 12))->kind, "png");
  EXPECT_EQ(sniff_file_type(std::string("\xff\xd8\xff\xe0....", 8))->kind, "jpeg");
  EXPECT_FALSE(sniff_file_type("MZ\x90\x00 executable"));
  EXPECT_FALSE(sniff_file_type("hello"));
  EXPECT_NE(check_material(""), "");
  EXPECT_NE(check_material("plain text"), "");
  EXPECT_EQ(check_material("%PDF-1.4 x"), "");
  EXPECT_NE(check_material(std::string(kMaxMaterialBytes + 1, 'x').replace(0, 5, "%PDF-")), "");
}

// A minimal zip with the given entry names (stored, empty files).
std::string zip_of(const std::vector<std::string>& names) {
  std::string local, central;
  auto le16 = [](std::string& s, uint32_t v) {
    s.push_back(static_cast<char>(v & 0xff));
    s.push_back(static_cast<char>((v >> 8) & 0xff));
  };
  auto le32 = [&](std::string& s, uint32_t v) {
    le16(s, v & 0xffff);
    le16(s, v >> 16);
  };
  for (const auto& n : names) {
    uint32_t offset = static_cast<uint32_t>(local.size());
    local += std::string("PK\x03\x04", 4);
    le16(local, 20);
    le16(local, 0);
    le16(local, 0);
    le16(local, 0);
    le16(local, 0);
    le32(local, 0);
    le32(local, 0);
    le32(local, 0);
    le16(local, static_cast<uint32_t>(n.size()));
    le16(local, 0);
    local += n;
    central += std::string("PK\x01\x02", 4);
    le16(central, 20);
    le16(central, 20);
    le16(central, 0);
    le16(central, 0);
    le16(central, 0);
    le16(central, 0);
    le32(central, 0);
    le32(central, 0);
    le32(central, 0);
    le16(central, static_cast<uint32_t>(n.size()));
    le16(central, 0);
    le16(central, 0);
    le16(central, 0);
    le16(central, 0);
    le32(central, 0);
    le32(central, offset);
    central += n;
  }
  std::string out = local + central;
  out += std::string("PK\x05\x06", 4);
  le16(out, 0);
  le16(out, 0);
  le16(out, static_cast<uint32_t>(names.size()));
  le16(out, static_cast<uint32_t>(names.size()));
  le32(out, static_cast<uint32_t>(central.size()));
  le32(out, static_cast<uint32_t>(local.size()));
  le16(out, 0);
  return out;
}

TEST(Materials, ZipBasedFormats) {
  EXPECT_EQ(sniff_file_type(zip_of({"[Content_Types].xml", "word/document.xml"}))->kind, "docx");
  EXPECT_EQ(sniff_file_type(zip_of({"[Content_Types].xml", "xl/workbook.xml"}))->kind, "xlsx");
  EXPECT_EQ(sniff_file_type(zip_of({"OFD.xml", "Doc_0/Document.xml"}))->kind, "ofd");
  EXPECT_FALSE(sniff_file_type(zip_of({"readme.txt"})));
  std::string broken = zip_of({"[Content_Types].xml", "word/document.xml"});
  broken.resize(broken.size() - 30);
  EXPECT_FALSE(sniff_file_type(broken));
}

}  // namespace
}  // namespace zhida::workflow
