// PolicyService and the per-policy lists against a real database: a small
// demo district (2,000 firms, the 33 corpus policies published) on SQLite
// and, with ZHIDA_TEST_PG_URL (scripts/with-postgres.sh), PostgreSQL.
#include "services/policies/policies.h"

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "services/accounts/password.h"
#include "services/demo/install.h"
#include "services/matching/matching.h"
#include "services/policies/xlsx_export.h"
#include "services/services.h"
#include "store/audit_store.h"
#include "store/testing.h"

namespace zhida::services {
namespace {

using store::testing::pg_admin;
using store::testing::with_dbname;

using nlohmann::json;

enum class Backend { kSqlite, kPostgres };

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

Principal officer(const std::string& department, int64_t id = 11) {
  Principal p;
  p.user_id = id;
  p.username = "officer" + std::to_string(id);
  p.role = Role::kPolicyOfficer;
  p.department = department;
  return p;
}
Principal with_role(Role r, int64_t id) {
  Principal p;
  p.user_id = id;
  p.username = role_name(r);
  p.role = r;
  if (is_enterprise_role(r)) p.enterprise_id = 1;
  return p;
}

constexpr const char* kDept = "科技创新局";

json draft_policy() {
  return json::parse(R"J({
    "name": "研发投入后补助（测试）",
    "department": "科技创新局",
    "document": "测试文件",
    "reference_year": 2025,
    "conditions": [
      {"clause": "注册地在宝安区", "rule": "注册地 == \"宝安区\""},
      {"clause": "上年度研发费用 100 万元以上", "rule": "研发费用[上年度] >= 100万"},
      {"clause": "未被列入严重失信主体名单", "rule": "not 严重失信"}
    ],
    "award": "min(研发费用[上年度] * 10%, 200万)",
    "window": {"start": "2026-11-01", "end": "2026-12-31"},
    "budget": "5000万"
  })J");
}

class PolicyServiceTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    PlatformOptions o;
    if (GetParam() == Backend::kPostgres) {
      admin_ = env("ZHIDA_TEST_PG_URL");
      if (admin_.empty()) {
        if (env("ZHIDA_REQUIRE_PG") == "1")
          FAIL() << "ZHIDA_REQUIRE_PG=1 but ZHIDA_TEST_PG_URL is not set";
        GTEST_SKIP() << "ZHIDA_TEST_PG_URL not set: PostgreSQL tests skipped";
      }
      dbname_ = "zhida_pol_" + std::to_string(getpid()) + "_" + std::to_string(counter++);
      ASSERT_EQ(pg_admin(admin_, "CREATE DATABASE " + dbname_), "");
      o.db_url = with_dbname(admin_, dbname_);
    } else {
      dir_ = std::filesystem::temp_directory_path() /
             ("zhida-pol-" + std::to_string(getpid()) + "-" + std::to_string(counter++));
      std::filesystem::create_directories(dir_);
      o.db_url = "sqlite:" + (dir_ / "z.db").string();
    }
    o.migrations = service_migrations();
    o.clock = FixedClock::at("2026-11-27");
    o.pool_size = 2;
    auto p = Platform::open(std::move(o));
    ASSERT_TRUE(p.ok()) << p.error().message;
    platform_ = std::move(*p);
    demo::InstallOptions io;
    io.n = 2000;
    auto installed = demo::install(*platform_, io);
    ASSERT_TRUE(installed.ok()) << installed.error().message;
    platform_->on_policy_published([this](const PublishedPolicyPtr& pp) {
      std::lock_guard l(mu_);
      published_.push_back(pp->policy->id + "@" + std::to_string(pp->version));
    });
    service_ = std::make_unique<PolicyService>(*platform_);
    matching_ = std::make_unique<Matching>(*platform_);
  }
  void TearDown() override {
    service_.reset();
    matching_.reset();
    platform_.reset();
    if (!dbname_.empty()) {
      EXPECT_EQ(pg_admin(admin_, "DROP DATABASE IF EXISTS " + dbname_ + " WITH (FORCE)"), "");
    }
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  Actor actor(const Principal& p) { return Actor::of(p, "127.0.0.1"); }

  std::vector<store::AuditEntry> audit(const std::string& action) {
    std::vector<store::AuditEntry> out;
    EXPECT_TRUE(platform_->db()
                    .transaction(
                        [&](store::Tx& tx) -> Status {
                          store::AuditFilter f;
                          f.action = action;
                          f.limit = 1000;
                          int64_t total = 0;
                          auto r = store::query_audit(tx, f, &total);
                          if (!r.ok()) return r.error();
                          out = std::move(*r);
                          return Status::Ok();
                        },
                        store::Mode::kRead)
                    .ok());
    return out;
  }

  std::string draft_text(const std::string& id) {
    auto v = service_->get(officer(kDept), id);
    EXPECT_TRUE(v.ok());
    return v.ok() ? v->row.draft : "";
  }

  std::filesystem::path dir_;
  std::string admin_, dbname_;
  std::unique_ptr<Platform> platform_;
  std::unique_ptr<PolicyService> service_;
  std::unique_ptr<Matching> matching_;
  std::mutex mu_;
  std::vector<std::string> published_;
};

TEST(PolicyIds, NextIdCountsPerYear) {
  EXPECT_EQ(PolicyService::next_id("BA", 2026, {}), "BA-2026-001");
  EXPECT_EQ(PolicyService::next_id("BA", 2026,
                                   {"BA-2026-001", "BA-2026-009", "BA-2025-044", "BA-2026-x"}),
            "BA-2026-010");
  EXPECT_EQ(PolicyService::next_id("BA", 2026, {"BA-2026-999"}), "BA-2026-1000");
}

TEST_P(PolicyServiceTest, WholeLifecycle) {
  Principal me = officer(kDept);
  Issues issues;
  // Create: the service assigns the id of this year.
  auto created = service_->create(me, actor(me), draft_policy(), issues);
  ASSERT_TRUE(created.ok()) << created.error().message;
  const std::string id = created->view.row.id;
  EXPECT_EQ(id, "BA-2026-001");
  EXPECT_EQ(created->view.row.status, "draft");
  EXPECT_EQ(created->view.row.version, 0);
  EXPECT_TRUE(created->view.draft_changed);
  EXPECT_FALSE(platform_->policy(id));
  std::string first_draft = draft_text(id);

  // Edit with errors: every problem listed, nothing changed.
  json bad = draft_policy();
  bad["conditions"][1]["rule"] = "研发费用 >= 100万 and 营收[上年度] > 1";
  bad["budget"] = "很多";
  bad["colour"] = "red";
  issues.clear();
  auto rejected = service_->update_draft(me, actor(me), id, bad, "", issues);
  ASSERT_FALSE(rejected.ok());
  EXPECT_EQ(rejected.error().code, "policy.invalid");
  std::map<std::string, Issue> by_code;
  for (const Issue& i : issues) by_code[i.code] = i;
  ASSERT_TRUE(by_code.count("rule.missing_period"));
  EXPECT_EQ(by_code["rule.missing_period"].field, "conditions[1].rule");
  EXPECT_EQ(by_code["rule.missing_period"].line, 1);
  EXPECT_EQ(by_code["rule.missing_period"].column, 1);
  ASSERT_TRUE(by_code.count("rule.unknown_attribute"));
  EXPECT_EQ(by_code["rule.unknown_attribute"].column, 18);
  EXPECT_EQ(by_code["policy.bad_amount"].field, "budget");
  EXPECT_EQ(by_code["policy.unknown_field"].field, "colour");
  EXPECT_EQ(by_code["rule.missing_period"].message.find("政策 "),
            std::string::npos);  // no id prefix
  EXPECT_EQ(draft_text(id), first_draft);

  // Fix: saved; a warning comes back.
  json fixed = draft_policy();
  fixed["conditions"].push_back({{"clause", "位于沙井"}, {"rule", "街道 == \"沙井街道\""}});
  issues.clear();
  auto saved = service_->update_draft(me, actor(me), id, fixed, created->view.draft_hash, issues);
  ASSERT_TRUE(saved.ok()) << saved.error().message;
  ASSERT_EQ(saved->warnings.size(), 1u);
  EXPECT_EQ(saved->warnings[0].code, "rule.unknown_enum_value");
  issues.clear();
  ASSERT_TRUE(service_->update_draft(me, actor(me), id, draft_policy(), "", issues).ok());

  // Publish: version 1 with its hash, in force, the push engine told.
  issues.clear();
  auto pub = service_->publish(me, actor(me), id, "", issues);
  ASSERT_TRUE(pub.ok()) << pub.error().message;
  EXPECT_EQ(pub->version.version, 1);
  EXPECT_EQ(pub->version.hash, sha256_hex(pub->version.body));
  EXPECT_EQ(pub->view.row.status, "published");
  EXPECT_FALSE(pub->view.draft_changed);
  ASSERT_TRUE(platform_->policy(id));
  EXPECT_EQ(platform_->policy(id)->version, 1);
  {
    std::lock_guard l(mu_);
    EXPECT_EQ(published_, std::vector<std::string>{id + "@1"});
  }
  // Publishing the same draft again: nothing to publish.
  issues.clear();
  auto again = service_->publish(me, actor(me), id, "", issues);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, "policy.unchanged");

  // Edit: version 1 stays as it was; publishing makes version 2.
  auto v1 = service_->version(me, id, 1);
  ASSERT_TRUE(v1.ok());
  json edited = draft_policy();
  edited["conditions"][1]["rule"] = "研发费用[上年度] >= 200万";
  edited["budget"] = "6000万";
  issues.clear();
  auto e = service_->update_draft(me, actor(me), id, edited, "", issues);
  ASSERT_TRUE(e.ok());
  EXPECT_TRUE(e->view.draft_changed);
  EXPECT_EQ(platform_->policy(id)->version, 1);  // the draft is not in force
  auto v1_after = service_->version(me, id, 1);
  ASSERT_TRUE(v1_after.ok());
  EXPECT_EQ(v1_after->body, v1->body);
  EXPECT_EQ(v1_after->hash, v1->hash);
  // A stale hash is refused.
  issues.clear();
  auto stale = service_->publish(me, actor(me), id, created->view.draft_hash, issues);
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code, "policy.draft_changed");
  issues.clear();
  auto pub2 = service_->publish(me, actor(me), id, e->view.draft_hash, issues);
  ASSERT_TRUE(pub2.ok()) << pub2.error().message;
  EXPECT_EQ(pub2->version.version, 2);
  EXPECT_NE(pub2->version.hash, v1->hash);
  EXPECT_EQ(platform_->policy(id)->version, 2);
  auto versions = service_->versions(me, id);
  ASSERT_TRUE(versions.ok());
  ASSERT_EQ(versions->size(), 2u);

  // The diff between them.
  auto d = service_->diff(me, id, 1, 2);
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_EQ((*d)["conditions"]["changed"].size(), 1u);
  EXPECT_EQ((*d)["terms"][0]["field"], "budget");
  auto to_draft = service_->diff(me, id, std::nullopt, std::nullopt);
  ASSERT_TRUE(to_draft.ok());
  EXPECT_FALSE((*to_draft)["changed"]);
  EXPECT_EQ((*to_draft)["from"], 2);

  // Close: out of force; closing again, reopening an open one: conflicts.
  auto closed = service_->close(me, actor(me), id, "年度资金已用完");
  ASSERT_TRUE(closed.ok()) << closed.error().message;
  EXPECT_EQ(closed->row.status, "closed");
  auto in_force = platform_->policies();
  EXPECT_TRUE(std::none_of(in_force.begin(), in_force.end(),
                           [&](const auto& p) { return p->policy->id == id; }));
  EXPECT_EQ(platform_->policy(id)->status, "closed");
  EXPECT_EQ(service_->close(me, actor(me), id, "").error().code, "policy.already_closed");
  auto reopened = service_->reopen(me, actor(me), id);
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ(reopened->row.status, "published");
  EXPECT_EQ(platform_->policy(id)->status, "published");
  EXPECT_EQ(service_->reopen(me, actor(me), id).error().code, "policy.not_closed");

  // Publishing a closed policy puts the new version in force.
  ASSERT_TRUE(service_->close(me, actor(me), id, "").ok());
  issues.clear();
  ASSERT_TRUE(service_->update_draft(me, actor(me), id, draft_policy(), "", issues).ok());
  auto pub3 = service_->publish(me, actor(me), id, "", issues);
  ASSERT_TRUE(pub3.ok());
  EXPECT_EQ(pub3->view.row.status, "published");
  EXPECT_EQ(pub3->version.version, 3);

  // Every write is in the audit log, with who did it.
  EXPECT_EQ(audit("policy.create").size(), 1u);
  EXPECT_EQ(audit("policy.update_draft").size(), 4u);  // the rejected one is not
  EXPECT_EQ(audit("policy.publish").size(), 3u);
  EXPECT_EQ(audit("policy.close").size(), 2u);
  EXPECT_EQ(audit("policy.reopen").size(), 1u);
  auto pubs = audit("policy.publish");
  EXPECT_EQ(pubs[0].username, me.username);
  EXPECT_EQ(pubs[0].target_id, id);
}

TEST_P(PolicyServiceTest, DepartmentScoping) {
  Principal mine = officer(kDept, 11), other = officer("商务局", 12);
  Principal leader = with_role(Role::kLeader, 13), auditor = with_role(Role::kAuditor, 14);
  Principal reviewer = with_role(Role::kReviewer, 15), firm = with_role(Role::kEnterpriseLegal, 16);
  Issues issues;
  // Another department cannot create in ours.
  auto wrong = service_->create(other, actor(other), draft_policy(), issues);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().code, "forbidden");
  auto created = service_->create(mine, actor(mine), draft_policy(), issues);
  ASSERT_TRUE(created.ok());
  const std::string id = created->view.row.id;
  // Who sees the never-published draft.
  EXPECT_TRUE(service_->get(leader, id).ok());
  EXPECT_TRUE(service_->get(auditor, id).ok());
  EXPECT_EQ(service_->get(other, id).error().code, "db.not_found");
  EXPECT_EQ(service_->get(reviewer, id).error().code, "db.not_found");
  EXPECT_EQ(service_->get(firm, id).error().code, "db.not_found");
  // Nobody but the department edits it.
  EXPECT_EQ(
      service_->update_draft(other, actor(other), id, draft_policy(), "", issues).error().code,
      "db.not_found");
  EXPECT_EQ(service_->publish(leader, actor(leader), id, "", issues).error().code, "forbidden");
  EXPECT_EQ(service_->remove(other, actor(other), id).error().code, "db.not_found");
  // A published policy of another department: readable, not editable.
  const std::string theirs = "BA-2025-010";  // a corpus policy of another department
  auto v = service_->get(mine, theirs);
  ASSERT_TRUE(v.ok());
  EXPECT_FALSE(v->show_draft);
  EXPECT_FALSE(v->can_edit);
  EXPECT_FALSE(PolicyService::to_json(*v).contains("draft"));
  std::string dept = v->row.department;
  ASSERT_NE(dept, kDept);
  EXPECT_EQ(service_->close(mine, actor(mine), theirs, "").error().code, "forbidden");
  EXPECT_EQ(service_->update_draft(mine, actor(mine), theirs, json::parse(v->row.draft), "", issues)
                .error()
                .code,
            "forbidden");
  EXPECT_EQ(service_->matchable(mine, theirs).error().code, "forbidden");
  EXPECT_TRUE(service_->matchable(leader, theirs).ok());
  // Lists: the firm sees only what is in force; the other officer not our draft.
  ASSERT_TRUE(service_->close(officer(dept), actor(officer(dept)), theirs, "").ok());
  auto firm_list = service_->list(firm, {});
  ASSERT_TRUE(firm_list.ok());
  EXPECT_EQ(firm_list->size(), 32u);
  for (const auto& x : *firm_list) EXPECT_EQ(x.row.status, "published");
  auto other_list = service_->list(other, {});
  ASSERT_TRUE(other_list.ok());
  EXPECT_EQ(other_list->size(), 33u);  // 32 in force + 1 closed; not our draft
  auto mine_list = service_->list(mine, {.status = "draft"});
  ASSERT_TRUE(mine_list.ok());
  ASSERT_EQ(mine_list->size(), 1u);
  EXPECT_EQ(mine_list->front().row.id, id);
  auto closed = service_->list(leader, {.status = "closed"});
  ASSERT_TRUE(closed.ok());
  ASSERT_EQ(closed->size(), 1u);
  EXPECT_EQ(closed->front().row.id, theirs);
  auto q = service_->list(leader, {.q = "测试"});
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->size(), 1u);
}

TEST_P(PolicyServiceTest, IdsDeleteAndConflicts) {
  Principal me = officer(kDept);
  Issues issues;
  json chosen = draft_policy();
  chosen["id"] = "KJ-2026-研发";
  auto bad_id = service_->create(me, actor(me), chosen, issues);
  ASSERT_FALSE(bad_id.ok());
  EXPECT_EQ(bad_id.error().code, "policy.invalid");
  ASSERT_FALSE(issues.empty());
  EXPECT_EQ(issues[0].code, "policy.bad_id");
  chosen["id"] = "KJ-2026-01";
  issues.clear();
  ASSERT_TRUE(service_->create(me, actor(me), chosen, issues).ok());
  issues.clear();
  EXPECT_EQ(service_->create(me, actor(me), chosen, issues).error().code, "policy.duplicate_id");
  chosen["id"] = "BA-2025-001";  // a corpus policy
  EXPECT_EQ(service_->create(me, actor(me), chosen, issues).error().code, "policy.duplicate_id");
  // Two assigned ids in a row.
  auto a = service_->create(me, actor(me), draft_policy(), issues);
  auto b = service_->create(me, actor(me), draft_policy(), issues);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->view.row.id, "BA-2026-001");
  EXPECT_EQ(b->view.row.id, "BA-2026-002");
  // Delete a draft; not a published policy; closing a draft is a conflict.
  EXPECT_EQ(service_->close(me, actor(me), "KJ-2026-01", "").error().code, "policy.not_published");
  ASSERT_TRUE(service_->remove(me, actor(me), "KJ-2026-01").ok());
  EXPECT_EQ(service_->get(me, "KJ-2026-01").error().code, "db.not_found");
  EXPECT_EQ(service_->remove(me, actor(me), "BA-2025-001").error().code, "policy.published");
  EXPECT_EQ(service_->remove(me, actor(me), "NOPE").error().code, "db.not_found");
  EXPECT_EQ(audit("policy.delete").size(), 1u);
  // The path's id wins; a different one in the body is refused.
  json other = draft_policy();
  other["id"] = "BA-2026-002";
  EXPECT_EQ(service_->update_draft(me, actor(me), "BA-2026-001", other, "", issues).error().code,
            "bad_request.id_mismatch");
  other["id"] = "BA-2026-001";
  other["department"] = "商务局";
  EXPECT_EQ(service_->update_draft(me, actor(me), "BA-2026-001", other, "", issues).error().code,
            "bad_request.department_change");
}

TEST_P(PolicyServiceTest, PerPolicyListsFilterSortAndPage) {
  PublishedPolicyPtr pp = platform_->policy("BA-2025-003");
  ASSERT_TRUE(pp);
  const portrait::Policy& p = *pp->policy;
  Matching::Filter all;
  all.limit = 0;
  Matching::List full = matching_->for_policy(p, all);
  ASSERT_GT(full.total, 0);
  EXPECT_EQ(full.total, full.match + full.possible);
  EXPECT_EQ(full.filtered_match, full.match);
  // Agrees with the sandbox.
  auto s = matching_->sandbox(p, nullptr, 0);
  EXPECT_EQ(s.match, full.match);
  EXPECT_EQ(s.possible, full.possible);
  EXPECT_EQ(s.award_sum, full.award_sum);
  // Pages cover the list exactly once, in id order.
  std::vector<int64_t> seen;
  for (size_t off = 0;; off += 7) {
    Matching::Filter f;
    f.offset = off;
    f.limit = 7;
    auto page = matching_->for_policy(p, f);
    EXPECT_EQ(page.total, full.total);
    if (page.items.empty()) break;
    for (const auto& i : page.items) seen.push_back(i.enterprise_id);
  }
  ASSERT_EQ(seen.size(), static_cast<size_t>(full.total));
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
  // By award, largest first.
  Matching::Filter by_award = all;
  by_award.sort = Matching::SortKey::kAward;
  by_award.descending = true;
  auto sorted = matching_->for_policy(p, by_award);
  for (size_t i = 1; i < sorted.items.size(); ++i)
    EXPECT_GE(sorted.items[i - 1].award.value_or(Decimal()),
              sorted.items[i].award.value_or(Decimal()));
  // Street and verdict filters, with totals and award sums of what is left.
  std::string street = full.items.front().street;
  Matching::Filter f = all;
  f.street = street;
  f.verdict = rules::Tri::kTrue;
  auto narrowed = matching_->for_policy(p, f);
  EXPECT_EQ(narrowed.match, full.match);  // before filtering
  Decimal sum;
  int64_t n = 0;
  for (const auto& i : full.items)
    if (i.street == street && i.verdict == rules::Tri::kTrue) {
      ++n;
      sum = *add(sum, i.award.value_or(Decimal()));
    }
  EXPECT_EQ(narrowed.total, n);
  EXPECT_EQ(narrowed.award_sum, sum);
  for (const auto& i : narrowed.items) EXPECT_EQ(i.street, street);
  // Possible firms say what to supply.
  Matching::Filter possible = all;
  possible.verdict = rules::Tri::kUnknown;
  possible.with_missing = true;
  auto maybe = matching_->for_policy(p, possible);
  for (const auto& i : maybe.items) EXPECT_FALSE(i.missing.empty()) << i.enterprise_id;
}

// The lists and the sandbox run on the match engine; row by row, the rules
// evaluator and estimate_award must give the same, for every corpus policy
// (caps per application, tax-capped awards, awards that need a missing fact),
// and again after facts change (the engine's cached row bitmaps go stale).
TEST_P(PolicyServiceTest, ListsAndSandboxEqualTheEvaluatorRowByRow) {
  auto policies = platform_->policies();
  ASSERT_GE(policies.size(), 30u);
  rules::EvalContext ctx{platform_->clock().today()};
  std::vector<const portrait::Policy*> corpus;
  for (const auto& pp : policies) corpus.push_back(pp->policy.get());
  // The corpus has no cap per application without a tax cap: the same
  // policies again, each award capped at 5万.
  std::vector<portrait::Policy> capped;
  for (const auto& pp : policies) {
    capped.push_back(*pp->policy);
    capped.back().cap_per_application = *Decimal::parse("50000");
  }
  auto check = [&](const std::string& when, const std::vector<const portrait::Policy*>& list) {
    for (size_t i = 0; i < list.size(); ++i) {
      const portrait::Policy& p = *list[i];
      const portrait::Policy& other = *list[(i + 1) % list.size()];
      SCOPED_TRACE(when + " " + p.id);
      struct Want {
        rules::Tri verdict;
        std::optional<Decimal> award;
      };
      std::map<int64_t, Want> want;  // not false
      std::set<int64_t> other_match;
      int64_t no = 0;
      platform_->read([&](const portrait::EnterpriseTable& t) {
        for (size_t row = 0; row < t.rows(); ++row) {
          auto facts = t.facts(row);
          rules::Tri v = rules::evaluate_condition(*p.rule, facts, ctx);
          if (rules::evaluate_condition(*other.rule, facts, ctx) == rules::Tri::kTrue) other_match.insert(t.id(row));
          if (v == rules::Tri::kFalse) {
            ++no;
            continue;
          }
          std::optional<Decimal> a;
          if (v == rules::Tri::kTrue) a = estimate_award(p, facts, t.catalog(), ctx);
          want[t.id(row)] = {v, a};
        }
      });
      Matching::Filter all;
      all.limit = 0;
      Matching::List got = matching_->for_policy(p, all);
      ASSERT_EQ(got.items.size(), want.size());
      int64_t match = 0;
      Decimal sum;
      for (const auto& item : got.items) {
        auto it = want.find(item.enterprise_id);
        ASSERT_NE(it, want.end()) << item.enterprise_id;
        EXPECT_EQ(item.verdict, it->second.verdict) << item.enterprise_id;
        EXPECT_EQ(item.award.has_value(), it->second.award.has_value()) << item.enterprise_id;
        if (item.award && it->second.award) {
          EXPECT_EQ(*item.award, *it->second.award) << item.enterprise_id;
        }
        if (item.verdict == rules::Tri::kTrue) {
          ++match;
          sum = *add(sum, it->second.award.value_or(Decimal()));
        }
      }
      EXPECT_EQ(got.match, match);
      EXPECT_EQ(got.award_sum, sum);
      Matching::Filter none = all;
      none.verdict = rules::Tri::kFalse;
      EXPECT_EQ(matching_->for_policy(p, none).total, no);
      // The sandbox, against another policy as the published version.
      Matching::Sandbox s = matching_->sandbox(p, &other, 5);
      EXPECT_EQ(s.match, match);
      EXPECT_EQ(s.possible, static_cast<int64_t>(want.size()) - match);
      EXPECT_EQ(s.award_sum, sum);
      int64_t gained = 0, lost = 0, street_match = 0;
      for (const auto& [id, w] : want)
        if (w.verdict == rules::Tri::kTrue && !other_match.count(id)) ++gained;
      for (int64_t id : other_match) {
        auto it = want.find(id);
        if (it == want.end() || it->second.verdict != rules::Tri::kTrue) ++lost;
      }
      for (const auto& [street, b] : s.by_street) street_match += b.match;
      EXPECT_EQ(s.published_match, static_cast<int64_t>(other_match.size()));
      EXPECT_EQ(s.gained, gained);
      EXPECT_EQ(s.lost, lost);
      EXPECT_EQ(s.gained_firms.size(), static_cast<size_t>(std::min<int64_t>(gained, 5)));
      for (const auto& f : s.gained_firms) EXPECT_TRUE(want.count(f.enterprise_id) && !other_match.count(f.enterprise_id));
      EXPECT_EQ(street_match, match);
    }
  };
  check("as installed", corpus);
  std::vector<const portrait::Policy*> with_caps;
  for (const auto& p : capped) with_caps.push_back(&p);
  check("capped", with_caps);
  // Change facts that the rules read for a spread of firms: the engine must
  // see the new values.
  std::vector<FactUpdate> updates;
  std::vector<int64_t> ids;
  platform_->read([&](const portrait::EnterpriseTable& t) {
    for (size_t row = 0; row < t.rows(); row += 37) ids.push_back(t.id(row));
  });
  for (size_t k = 0; k < ids.size(); ++k) {
    updates.push_back({ids[k], "注册地", k % 2 ? std::optional<std::string>("南山区") : std::nullopt, ""});
    updates.push_back({ids[k], "研发费用[2025]", std::to_string(500000 + 100000 * k), ""});
  }
  auto pushed = platform_->push_facts(updates, "test", 0);
  ASSERT_TRUE(pushed.ok()) << pushed.error().message;
  ASSERT_EQ(pushed->accepted, updates.size());
  check("after a push", corpus);
}

std::string unzip(const std::string& path, const std::string& member) {
  std::string cmd = "unzip -p '" + path + "' '" + member + "' 2>/dev/null";
  FILE* f = popen(cmd.c_str(), "r");
  std::string out;
  char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  pclose(f);
  return out;
}

TEST_P(PolicyServiceTest, ExcelExportReadsBack) {
  if (GetParam() == Backend::kPostgres) GTEST_SKIP() << "database-independent";
  PublishedPolicyPtr pp = platform_->policy("BA-2025-003");
  ASSERT_TRUE(pp);
  Matching::Filter f;
  f.limit = 0;
  f.with_missing = true;
  Matching::List list = matching_->for_policy(*pp->policy, f);
  ASSERT_GT(list.items.size(), 0u);
  MatchSheet sheet{
      pp->policy->id, pp->policy->name, pp->version, "2026-11-27 12:00", "街道：沙井", "", &list};
  auto bytes = match_list_xlsx(sheet);
  ASSERT_TRUE(bytes.ok()) << bytes.error().message;
  ASSERT_EQ(bytes->substr(0, 2), "PK");
  std::string path = (dir_ / "out.xlsx").string();
  std::ofstream(path, std::ios::binary) << *bytes;
  std::string xml = unzip(path, "xl/worksheets/sheet1.xml");
  ASSERT_FALSE(xml.empty());
  std::string strings = xml + unzip(path, "xl/sharedStrings.xml");
  EXPECT_NE(strings.find(pp->policy->name), std::string::npos);
  EXPECT_NE(strings.find("企业名称"), std::string::npos);
  EXPECT_NE(strings.find("预计奖励（元）"), std::string::npos);
  EXPECT_NE(strings.find("2026-11-27 12:00"), std::string::npos);
  EXPECT_NE(strings.find("街道：沙井"), std::string::npos);
  for (const auto& i : list.items) EXPECT_NE(strings.find(i.name), std::string::npos) << i.name;
  EXPECT_NE(xml.find("ySplit=\"5\""), std::string::npos);  // the frozen header
  EXPECT_NE(xml.find("<autoFilter"), std::string::npos);
  EXPECT_NE(unzip(path, "xl/styles.xml").find("#,##0.00"), std::string::npos);
  EXPECT_EQ(match_list_file_name(sheet, "20261127"), pp->policy->name + "-匹配企业-20261127.xlsx");
}

INSTANTIATE_TEST_SUITE_P(Backends, PolicyServiceTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const ::testing::TestParamInfo<Backend>& param) {
                           return param.param == Backend::kSqlite ? "Sqlite" : "Postgres";
                         });

}  // namespace
}  // namespace zhida::services
