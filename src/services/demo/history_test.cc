// The demo's history of applications (seed_history) on a small demo district
// (2,000 firms) on SQLite: what it makes is in the database, by status; it
// makes nothing the second time; the demo firms keep a clean slate.
#include "services/demo/history.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>

#include "services/demo/install.h"
#include "services/services.h"
#include "store/workflow_store.h"

namespace zhida::services::demo {
namespace {

class HistoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    dir_ = std::filesystem::temp_directory_path() /
           ("zhida-history-" + std::to_string(getpid()) + "-" + std::to_string(counter++));
    std::filesystem::create_directories(dir_);
    PlatformOptions o;
    o.db_url = "sqlite:" + (dir_ / "z.db").string();
    o.migrations = service_migrations();
    o.clock = FixedClock::at("2026-11-27");
    o.pool_size = 2;
    auto p = Platform::open(std::move(o));
    ASSERT_TRUE(p.ok()) << p.error().message;
    platform_ = std::move(*p);
    InstallOptions io;
    io.n = 2000;
    auto installed = install(*platform_, io);
    ASSERT_TRUE(installed.ok()) << installed.error().message;
    installed_ = std::move(*installed);
    ServicesOptions so;
    so.accounts.password_cost = PasswordCost::kMinimal;
    so.applications.materials_dir = (dir_ / "materials").string();
    so.applications.reminder_interval = std::chrono::seconds(0);
    auto s = Services::start(*platform_, so);
    ASSERT_TRUE(s.ok()) << s.error().message;
    services_ = std::move(*s);
    auto made = services_->accounts->ensure_demo_accounts(installed_.accounts);
    ASSERT_TRUE(made.ok()) << made.error().message;
  }
  void TearDown() override {
    if (services_) services_->stop();
    services_.reset();
    platform_.reset();
    std::filesystem::remove_all(dir_);
  }

  int64_t count(const store::ApplicationQuery& q) {
    int64_t n = -1;
    Status st = platform_->db().transaction(
        [&](store::Tx& tx) -> Status {
          ZHIDA_ASSIGN_OR_RETURN(n, store::count_applications(tx, q));
          return Status::Ok();
        },
        store::Mode::kRead);
    EXPECT_TRUE(st.ok());
    return n;
  }

  std::filesystem::path dir_;
  std::unique_ptr<Platform> platform_;
  std::unique_ptr<Services> services_;
  Installed installed_;
};

TEST_F(HistoryTest, SeedsOnceWithEveryOutcome) {
  HistoryOptions ho;
  ho.seed = 7;
  auto first = seed_history(*services_, installed_.accounts, ho);
  ASSERT_TRUE(first.ok()) << first.error().message;
  const HistorySummary& s = *first;
  SCOPED_TRACE(s.text());
  std::printf("%s\n", s.text().c_str());
  EXPECT_FALSE(s.skipped);

  // What the summary says was made is what the database holds, status by status.
  int64_t total = 0;
  for (const auto& [status, n] : s.by_status) {
    store::ApplicationQuery q;
    q.statuses = {status};
    EXPECT_EQ(count(q), n) << status;
    total += n;
  }
  EXPECT_EQ(total, s.applications);
  EXPECT_EQ(count(store::ApplicationQuery{}), s.applications);

  // Every outcome the demo is meant to show.
  EXPECT_GE(s.applications, 100);
  EXPECT_GE(s.policies, 15);
  EXPECT_GT(s.instant, 0);
  EXPECT_GT(s.auto_granted, 0);
  EXPECT_GT(s.reviewed_approved, 0);
  EXPECT_GT(s.rejected, 0);
  EXPECT_GT(s.returned, 0);
  EXPECT_GT(s.in_review + s.queued, 0);
  EXPECT_GE(s.publicity_closed, 1);
  EXPECT_EQ(s.objections_dismissed, 1);
  EXPECT_EQ(s.batches_paid, 2);
  EXPECT_EQ(s.batches_open, 1);
  EXPECT_GT(s.paid_fen, 0);
  EXPECT_GT(s.by_status.count("disbursed") ? s.by_status.at("disbursed") : 0, 0);
  EXPECT_GT(s.by_status.count("publicity") ? s.by_status.at("publicity") : 0, 0);
  EXPECT_GT(s.by_status.count("rejected") ? s.by_status.at("rejected") : 0, 0);
  EXPECT_GT(s.by_status.count("returned") ? s.by_status.at("returned") : 0, 0);
  EXPECT_GT(s.by_status.count("approved") ? s.by_status.at("approved") : 0, 0);
  {
    store::ApplicationQuery q;
    q.statuses = {"in_review"};
    q.assignee_id = -1;
    int64_t assigned = count(q);
    EXPECT_GT(assigned + (s.by_status.count("submitted") ? s.by_status.at("submitted") : 0), 0);
  }

  // Funds: the lists and batches are there, as the funds officer sees them.
  auto closed = services_->funds->publicity_lists("closed", "", 100, 0);
  ASSERT_TRUE(closed.ok());
  EXPECT_EQ(static_cast<int64_t>(closed->size()), s.publicity_closed);
  for (const auto& l : *closed) {
    EXPECT_LT(l.end_on, "2026-11-27") << l.title;  // a list of the past
  }
  auto dismissed = services_->funds->objections("dismissed", 0, 100, 0);
  ASSERT_TRUE(dismissed.ok());
  EXPECT_EQ(dismissed->size(), 1u);
  auto paid = services_->funds->batches("paid", "", 100, 0);
  ASSERT_TRUE(paid.ok());
  EXPECT_EQ(static_cast<int64_t>(paid->size()), s.batches_paid);
  auto drafts = services_->funds->batches("draft", "", 100, 0);
  ASSERT_TRUE(drafts.ok());
  EXPECT_EQ(static_cast<int64_t>(drafts->size()), s.batches_open);

  // Applications carry their past dates, and their decisions check out.
  store::ApplicationQuery all;
  all.limit = 100000;
  all.oldest_first = true;
  auto page = services_->applications->list(all);
  ASSERT_TRUE(page.ok());
  ASSERT_FALSE(page->items.empty());
  std::string earliest = "9999";
  for (const auto& it : page->items) earliest = std::min(earliest, it.value("created_at", std::string("9999")));
  EXPECT_LT(earliest, "2026-06-01") << "spring and summer policies were applied for months ago";
  int checked = 0;
  for (size_t i = 0; i < page->items.size() && checked < 25; i += 7, ++checked) {
    int64_t id = page->items[i].value("id", int64_t{0});
    auto v = services_->applications->verify(id);
    ASSERT_TRUE(v.ok()) << v.error().message;
    for (const auto& c : *v) {
      EXPECT_TRUE(c.report.ok()) << "application " << id << " decision " << c.decision_id;
    }
  }

  // The demo firms' guided scenarios are untouched.
  for (const DemoAccount& a : installed_.accounts) {
    if (a.enterprise_id == 0) continue;
    store::ApplicationQuery q;
    q.enterprise_id = a.enterprise_id;
    EXPECT_EQ(count(q), 0) << a.username << " " << a.scenario;
  }

  // A second run makes nothing.
  auto second = seed_history(*services_, installed_.accounts, ho);
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_TRUE(second->skipped);
  EXPECT_EQ(second->applications, 0);
  EXPECT_EQ(count(store::ApplicationQuery{}), s.applications);
  auto closed_again = services_->funds->publicity_lists("", "", 100, 0);
  ASSERT_TRUE(closed_again.ok());
  EXPECT_EQ(static_cast<int64_t>(closed_again->size()), s.publicity_closed + s.publicity_open);
}

}  // namespace
}  // namespace zhida::services::demo
