// The outbox (C4) on SQLite and PostgreSQL: deduplication, in-site messages,
// SMS through a real HTTP gateway with idempotency keys, retries with
// backoff, permanent failure, opt-out, rate limits, lease expiry — and the
// crash test: a child process running the worker is killed with SIGKILL in
// the middle of sends, again and again; in the end every enqueued SMS
// reached the gateway, each idempotency key at least once, and nothing else.
#include "services/notifications/notifications.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <set>

#include "services/notifications/test_support.h"
#include "services/services.h"

extern char** environ;

namespace zhida::services {
namespace {

using namespace std::chrono_literals;
using testing::FakeSmsGateway;
using testing::TestDb;

enum class Backend { kSqlite, kPostgres };

#define ASSERT_OK(expr)                                                                          \
  do {                                                                                           \
    const auto& ok_ = (expr);                                                                    \
    ASSERT_TRUE(ok_.ok()) << #expr << " -> " << ok_.error().code << ": " << ok_.error().message; \
  } while (0)

std::vector<Recipient> two_people(int64_t firm) {
  return {{firm * 10 + 1, "enterprise_legal", "法人", fmt::format("1380000{:04}", firm)},
          {firm * 10 + 2, "enterprise_agent", "经办人", fmt::format("1390000{:04}", firm)}};
}

store::Notification note(int64_t firm, const std::string& key,
                         std::vector<store::Channel> channels) {
  store::Notification n;
  n.kind = "application.approved";
  n.enterprise_id = firm;
  n.template_id = "application_approved";
  n.params = {
      {"policy_name", "企业研发投入资助"}, {"amount", "300000.00"}, {"application_id", "7"}};
  n.application_id = 7;
  n.channels = std::move(channels);
  n.dedup_key = key;
  return n;
}

class OutboxTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    db_ = std::make_unique<TestDb>(GetParam() == Backend::kPostgres, "outbox");
    if (db_->skip) {
      if (testing::env_or("ZHIDA_REQUIRE_PG") == "1") FAIL() << db_->why;
      GTEST_SKIP() << db_->why;
    }
    ASSERT_TRUE(db_->error.empty()) << db_->error;
    clock_ = FixedClock::at("2026-11-27");
    PlatformOptions po;
    po.db_url = db_->url;
    po.migrations = service_migrations();
    po.clock = clock_;
    auto p = Platform::open(po);
    ASSERT_TRUE(p.ok()) << p.error().message;
    platform_ = std::move(p).value();
    matching_ = std::make_unique<Matching>(*platform_);
    options_.worker = false;
    options_.sms.url = gateway_.url();
    options_.backoff_base = 10s;
    options_.backoff_max = 80s;
    options_.max_attempts = 4;
  }

  void start() {
    notifications_ = std::make_unique<Notifications>(*platform_, *matching_, options_);
    notifications_->set_recipient_lookup(
        [](int64_t firm) -> Result<std::vector<Recipient>> { return two_people(firm); });
    ASSERT_OK(notifications_->start());
  }

  store::Enqueued enqueue(const store::Notification& n) {
    store::Enqueued out;
    Status s = platform_->db().transaction([&](store::Tx& tx) -> Status {
      ZHIDA_ASSIGN_OR_RETURN(out, store::enqueue_notification(tx, n));
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.error().message;
    return out;
  }

  std::vector<store::Delivery> deliveries(const std::string& status = "") {
    auto d = notifications_->deliveries(status, 0, 1000, 0);
    EXPECT_TRUE(d.ok());
    return d.ok() ? *d : std::vector<store::Delivery>{};
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

  std::unique_ptr<TestDb> db_;
  std::shared_ptr<FixedClock> clock_;
  std::unique_ptr<Platform> platform_;
  std::unique_ptr<Matching> matching_;
  NotificationOptions options_;
  std::unique_ptr<Notifications> notifications_;
  FakeSmsGateway gateway_;
};

TEST_P(OutboxTest, SameDedupKeyIsEnqueuedOnce) {
  start();
  auto first = enqueue(note(1, "application:7:approved", {store::Channel::kSite}));
  auto again = enqueue(note(1, "application:7:approved", {store::Channel::kSite}));
  EXPECT_TRUE(first.created);
  EXPECT_FALSE(again.created);
  EXPECT_EQ(first.id, again.id);
  EXPECT_EQ(count("SELECT COUNT(*) FROM notifications"), 1);
  // A transaction that rolls back leaves nothing behind.
  Status rolled = platform_->db().transaction([&](store::Tx& tx) -> Status {
    ZHIDA_TRY(store::enqueue_notification(
        tx, note(1, "application:7:rejected", {store::Channel::kSite})));
    return Error("test.rollback", "回滚");
  });
  EXPECT_FALSE(rolled.ok());
  EXPECT_EQ(count("SELECT COUNT(*) FROM notifications"), 1);
  // Bad input is refused.
  store::Notification bad = note(0, "x", {store::Channel::kSite});
  Status s = platform_->db().transaction([&](store::Tx& tx) -> Status {
    ZHIDA_TRY(store::enqueue_notification(tx, bad));
    return Status::Ok();
  });
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "notifications.invalid");
}

TEST_P(OutboxTest, InSiteMessageIsWrittenOnceAndRendered) {
  start();
  enqueue(note(3, "application:7:approved", {store::Channel::kSite}));
  ASSERT_OK(notifications_->flush());
  ASSERT_OK(notifications_->flush());
  store::MessageQuery q;
  q.enterprise_id = 3;
  q.user_id = 31;
  auto msgs = notifications_->messages(q);
  ASSERT_OK(msgs);
  ASSERT_EQ(msgs->size(), 1u);
  EXPECT_EQ((*msgs)[0].title, "审核通过：企业研发投入资助");
  EXPECT_NE((*msgs)[0].body.find("300000.00"), std::string::npos);
  EXPECT_EQ((*msgs)[0].application_id, 7);
  EXPECT_TRUE((*msgs)[0].read_at.empty());
  auto marked = notifications_->mark_read((*msgs)[0].id, 3, 31);
  ASSERT_OK(marked);
  EXPECT_TRUE(*marked);
  auto other_firm = notifications_->mark_read((*msgs)[0].id, 4, 41);
  ASSERT_OK(other_firm);
  EXPECT_FALSE(*other_firm);
  q.unread_only = true;
  EXPECT_EQ(*notifications_->message_count(q), 0);
  q.user_id = 32;  // the other user of the firm has not read it
  EXPECT_EQ(*notifications_->message_count(q), 1);
  EXPECT_EQ(gateway_.count(), 0u);
}

TEST_P(OutboxTest, SmsGoesToLegalAndAgentWithStableIdempotencyKeys) {
  start();
  auto n = enqueue(note(5, "application:7:approved", {store::Channel::kSms}));
  ASSERT_OK(notifications_->flush());
  auto got = gateway_.received();
  ASSERT_EQ(got.size(), 2u);
  std::set<std::string> phones = {got[0].phone, got[1].phone};
  EXPECT_EQ(phones, (std::set<std::string>{"13800000005", "13900000005"}));
  EXPECT_NE(got[0].key, got[1].key);
  for (const auto& r : got) {
    EXPECT_NE(r.key.find(fmt::format("-n{}-sms-u", n.id)), std::string::npos) << r.key;
    EXPECT_EQ(r.text.rfind("【惠企政策直达】", 0), 0u) << r.text;
    EXPECT_NE(r.text.find("企业研发投入资助"), std::string::npos);
    EXPECT_EQ(r.template_id, "application_approved");
  }
  for (const auto& d : deliveries()) EXPECT_EQ(d.status, "sent");
}

TEST_P(OutboxTest, RetriesWithExponentialBackoffThenSucceeds) {
  start();
  gateway_.set_reply([](const FakeSmsGateway::Received&, int times) {
    return times <= 2 ? std::pair<int, std::string>{503, "busy"}
                      : std::pair<int, std::string>{200, "{}"};
  });
  store::Notification n = note(6, "k1", {store::Channel::kSms});
  enqueue(n);
  ASSERT_OK(notifications_->run_once());
  auto ds = deliveries();
  ASSERT_EQ(ds.size(), 2u);
  for (const auto& d : ds) {
    EXPECT_EQ(d.status, "pending");
    EXPECT_EQ(d.attempts, 1);
    EXPECT_GT(d.next_attempt_at, store::format_timestamp(clock_->now()));
    EXPECT_NE(d.last_error.find("503"), std::string::npos);
  }
  // Not due yet: nothing is sent.
  ASSERT_OK(notifications_->run_once());
  EXPECT_EQ(gateway_.count(), 2u);
  clock_->advance(13s);  // first delay: 10 s ± 20 %
  ASSERT_OK(notifications_->run_once());
  EXPECT_EQ(gateway_.count(), 4u);
  clock_->advance(13s);  // the second is 20 s ± 20 %: not yet
  ASSERT_OK(notifications_->run_once());
  EXPECT_EQ(gateway_.count(), 4u);
  clock_->advance(13s);
  ASSERT_OK(notifications_->run_once());
  EXPECT_EQ(gateway_.count(), 6u);
  for (const auto& d : deliveries()) {
    EXPECT_EQ(d.status, "sent");
    EXPECT_EQ(d.attempts, 3);
  }
  EXPECT_EQ(gateway_.keys().size(), 2u);  // the same two keys each time
}

TEST_P(OutboxTest, PermanentFailureAfterMaxAttemptsIsVisibleAndRetriable) {
  start();
  gateway_.set_reply([](const FakeSmsGateway::Received&, int) {
    return std::pair<int, std::string>{500, "down"};
  });
  enqueue(note(7, "k1", {store::Channel::kSms}));
  for (int i = 0; i < 6; ++i) {
    ASSERT_OK(notifications_->run_once());
    clock_->advance(100s);
  }
  auto failed = deliveries("failed");
  ASSERT_EQ(failed.size(), 2u);
  for (const auto& d : failed) {
    EXPECT_EQ(d.attempts, 4);
    EXPECT_NE(d.last_error.find("已尝试 4 次"), std::string::npos) << d.last_error;
  }
  EXPECT_EQ(gateway_.count(), 8u);
  gateway_.set_reply(nullptr);
  auto again = notifications_->retry(failed[0].id, Actor::system("test"));
  ASSERT_OK(again);
  EXPECT_TRUE(*again);
  ASSERT_OK(notifications_->flush());
  EXPECT_EQ(deliveries("sent").size(), 1u);
  EXPECT_EQ(deliveries("failed").size(), 1u);
}

TEST_P(OutboxTest, GatewayRejectionFailsAtOnce) {
  start();
  gateway_.set_reply([](const FakeSmsGateway::Received&, int) {
    return std::pair<int, std::string>{400, "bad phone"};
  });
  enqueue(note(8, "k1", {store::Channel::kSms}));
  ASSERT_OK(notifications_->flush());
  auto failed = deliveries("failed");
  ASSERT_EQ(failed.size(), 2u);
  EXPECT_EQ(failed[0].attempts, 1);
  EXPECT_EQ(gateway_.count(), 2u);
}

TEST_P(OutboxTest, OptOutSkipsThatChannelOnly) {
  start();
  ASSERT_OK(notifications_->set_opt_out(9, store::Channel::kSms, true, Actor::system("test")));
  enqueue(note(9, "k1", {store::Channel::kSite, store::Channel::kSms}));
  ASSERT_OK(notifications_->flush());
  EXPECT_EQ(gateway_.count(), 0u);
  EXPECT_EQ(deliveries("skipped").size(), 2u);
  EXPECT_EQ(deliveries("sent").size(), 1u);  // the in-site message
  EXPECT_EQ(count("SELECT COUNT(*) FROM messages WHERE enterprise_id = 9"), 1);
  // Opting in again: later notifications are sent.
  ASSERT_OK(notifications_->set_opt_out(9, store::Channel::kSms, false, Actor::system("test")));
  enqueue(note(9, "k2", {store::Channel::kSms}));
  ASSERT_OK(notifications_->flush());
  EXPECT_EQ(gateway_.count(), 2u);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'notifications.opt%'"), 2);
}

TEST_P(OutboxTest, RateLimitDefersToTheNextDay) {
  options_.sms_per_day = 2;  // one notification's two recipients
  options_.site_per_day = 1;
  start();
  enqueue(note(10, "k1", {store::Channel::kSite, store::Channel::kSms}));
  enqueue(note(10, "k2", {store::Channel::kSite, store::Channel::kSms}));
  ASSERT_OK(notifications_->flush());
  EXPECT_EQ(gateway_.count(), 2u);
  EXPECT_EQ(count("SELECT COUNT(*) FROM messages"), 1);
  auto pending = deliveries("pending");
  ASSERT_EQ(pending.size(), 3u);
  for (const auto& d : pending) {
    EXPECT_EQ(d.next_attempt_at, "2026-11-27T16:00:00.000Z");  // 2026-11-28 00:00 China time
    EXPECT_EQ(d.attempts, 0);
    EXPECT_NE(d.last_error.find("限额"), std::string::npos);
  }
  clock_->advance(12h);
  ASSERT_OK(notifications_->flush());
  EXPECT_EQ(gateway_.count(), 4u);
  EXPECT_EQ(count("SELECT COUNT(*) FROM messages"), 2);
  EXPECT_TRUE(deliveries("pending").empty());
}

TEST_P(OutboxTest, ClaimedDeliveryIsResentUnderTheSameKeyAfterItsLease) {
  start();
  enqueue(note(11, "k1", {store::Channel::kSms}));
  ASSERT_OK(notifications_->flush());  // expands and sends both
  ASSERT_EQ(gateway_.count(), 2u);
  // Simulate a sender that claimed a delivery and died before recording the
  // gateway's answer: put one back to "sending" with a lease.
  auto d = deliveries("sent").front();
  std::string lease = store::format_timestamp(clock_->now() + 60s);
  ASSERT_OK(platform_->db().transaction([&](store::Tx& tx) -> Status {
    auto n = tx.exec(
        "UPDATE notification_deliveries SET status = 'sending', lease_until = $2 WHERE id = $1",
        {d.id, lease});
    return n.ok() ? Status::Ok() : Status(n.error());
  }));
  ASSERT_OK(notifications_->flush());
  EXPECT_EQ(gateway_.count(), 2u);  // the lease holds
  clock_->advance(61s);
  ASSERT_OK(notifications_->flush());
  EXPECT_EQ(gateway_.count(), 3u);
  EXPECT_EQ(gateway_.keys()[d.idempotency_key], 2);  // the same key again: the gateway dedups
  EXPECT_EQ(deliveries("sent").size(), 2u);
}

TEST_P(OutboxTest, WithoutGatewaySmsIsSkippedAndSiteStillWorks) {
  options_.sms.url = "";
  start();
  enqueue(note(12, "k1", {store::Channel::kSite, store::Channel::kSms}));
  ASSERT_OK(notifications_->flush());
  auto skipped = deliveries("skipped");
  ASSERT_EQ(skipped.size(), 1u);
  EXPECT_NE(skipped[0].last_error.find("未配置短信网关"), std::string::npos);
  EXPECT_EQ(deliveries("sent").size(), 1u);
}

TEST_P(OutboxTest, TemplatesCanBeOverriddenPerDeployment) {
  options_.sms.templates["application_approved"] = "【测试】{policy_name} 核定 {amount} 元";
  options_.sms.sign = "";
  start();
  enqueue(note(13, "k1", {store::Channel::kSms}));
  ASSERT_OK(notifications_->flush());
  ASSERT_EQ(gateway_.count(), 2u);
  EXPECT_EQ(gateway_.received()[0].text, "【测试】企业研发投入资助 核定 300000.00 元");
}

INSTANTIATE_TEST_SUITE_P(Backends, OutboxTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& p) { return p.param == Backend::kSqlite ? "Sqlite" : "Postgres";
                         });

TEST(SmsGateway, ClassifiesReplies) {
  EXPECT_EQ(classify_sms_reply(200, "{\"message_id\":\"a1\"}").kind, SmsOutcome::Kind::kAccepted);
  EXPECT_EQ(classify_sms_reply(200, "{\"message_id\":\"a1\"}").provider_id, "a1");
  EXPECT_EQ(classify_sms_reply(409, "").kind, SmsOutcome::Kind::kAccepted);
  EXPECT_EQ(classify_sms_reply(429, "").kind, SmsOutcome::Kind::kRetry);
  EXPECT_EQ(classify_sms_reply(503, "").kind, SmsOutcome::Kind::kRetry);
  EXPECT_EQ(classify_sms_reply(400, "").kind, SmsOutcome::Kind::kPermanent);
  EXPECT_EQ(classify_sms_reply(401, "").kind, SmsOutcome::Kind::kPermanent);
}

TEST(SmsGateway, ConfigIsValidated) {
  auto ok = SmsGatewayConfig::from_json(nlohmann::json{
      {"url", "http://127.0.0.1:9/sms"}, {"timeout_ms", 2000}, {"templates", {{"a", "b"}}}});
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->timeout, 2000ms);
  EXPECT_FALSE(SmsGatewayConfig::from_json(nlohmann::json{{"url", "https://x"}}).ok());
  EXPECT_FALSE(SmsGatewayConfig::from_json(nlohmann::json{{"uri", "http://x"}}).ok());
}

TEST(SmsGateway, UnreachableGatewayIsRetried) {
  SmsGatewayConfig c;
  c.url = "http://127.0.0.1:1/sms";
  c.timeout = 500ms;
  HttpSmsGateway g(c);
  SmsOutcome out = g.send({"k", "13800000000", "generic", "t", {}});
  EXPECT_EQ(out.kind, SmsOutcome::Kind::kRetry);
  EXPECT_FALSE(out.detail.empty());
}

TEST(Templates, RenderPlaceholders) {
  EXPECT_EQ(render_template("{a} 与 {b}，{missing}。{", {{"a", "甲"}, {"b", "乙"}}),
            "甲 与 乙，。{");
  Templates t;
  EXPECT_EQ(render_template(t.get("no_such_template").title, {{"title", "标题"}}), "标题");
}

// ---- the crash test

// The child: runs the worker against the database and gateway named by the
// environment until it is killed. Skipped unless started by the parent.
TEST(OutboxCrashChild, RunWorker) {
  std::string url = testing::env_or("ZHIDA_OUTBOX_CHILD_DB");
  if (url.empty()) GTEST_SKIP() << "only runs as the crash test's child process";
  PlatformOptions po;
  po.db_url = url;
  po.migrations = service_migrations();
  auto p = Platform::open(po);
  ASSERT_TRUE(p.ok()) << p.error().message;
  Matching matching(**p);
  NotificationOptions o;
  o.sms.url = testing::env_or("ZHIDA_OUTBOX_CHILD_GATEWAY");
  o.lease = 300ms;
  o.poll = 50ms;
  o.backoff_base = 50ms;
  o.backoff_max = 200ms;
  o.max_attempts = 1000;
  o.sms_per_day = 1000;
  o.batch = 10;
  Notifications n(**p, matching, o);
  n.set_recipient_lookup(
      [](int64_t firm) -> Result<std::vector<Recipient>> { return two_people(firm); });
  ASSERT_TRUE(n.start().ok());
  while (true) std::this_thread::sleep_for(1s);  // until SIGKILL
}

pid_t spawn_child(const std::string& url, const std::string& gateway) {
  std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
  std::vector<std::string> args = {self, "--gtest_filter=OutboxCrashChild.RunWorker"};
  std::vector<std::string> envs = {"ZHIDA_OUTBOX_CHILD_DB=" + url,
                                   "ZHIDA_OUTBOX_CHILD_GATEWAY=" + gateway};
  for (char** e = environ; *e; ++e)
    if (std::string_view(*e).rfind("ZHIDA_OUTBOX_CHILD", 0) != 0) envs.emplace_back(*e);
  std::vector<char*> argv, envp;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  for (auto& e : envs) envp.push_back(e.data());
  envp.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, self.c_str(), &fa, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  return rc == 0 ? pid : -1;
}

void kill_child(pid_t pid) {
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
}

class OutboxCrashTest : public ::testing::TestWithParam<Backend> {};

TEST_P(OutboxCrashTest, KilledMidSendNothingLostNothingDuplicated) {
  TestDb db(GetParam() == Backend::kPostgres, "crash");
  if (db.skip) {
    if (testing::env_or("ZHIDA_REQUIRE_PG") == "1") FAIL() << db.why;
    GTEST_SKIP() << db.why;
  }
  ASSERT_TRUE(db.error.empty()) << db.error;
  FakeSmsGateway gateway;
  gateway.set_delay(40ms);  // a request stays in flight long enough to be killed in
  constexpr int kFirms = 40;
  std::set<int64_t> ids;
  std::unique_ptr<Platform> platform;
  {
    PlatformOptions po;
    po.db_url = db.url;
    po.migrations = service_migrations();
    auto p = Platform::open(po);
    ASSERT_TRUE(p.ok()) << p.error().message;
    platform = std::move(p).value();
    for (int64_t f = 1; f <= kFirms; ++f)
      ASSERT_OK(platform->db().transaction([&](store::Tx& tx) -> Status {
        ZHIDA_ASSIGN_OR_RETURN(
            auto e, store::enqueue_notification(
                        tx, note(f, fmt::format("crash:{}", f), {store::Channel::kSms})));
        ids.insert(e.id);
        return Status::Ok();
      }));
  }
  auto sent = [&] {
    int64_t n = -1;
    Status s = platform->db().transaction(
        [&](store::Tx& tx) -> Status {
          ZHIDA_ASSIGN_OR_RETURN(
              n, tx.query_value<int64_t>(
                     "SELECT COUNT(*) FROM notification_deliveries WHERE status = 'sent'"));
          return Status::Ok();
        },
        store::Mode::kRead);
    return s.ok() ? n : -1;
  };

  // Kill the worker while a request is at the gateway (received, not yet
  // answered), again and again.
  int kills = 0;
  for (int round = 0; round < 12 && sent() < 2 * kFirms; ++round) {
    pid_t child = spawn_child(db.url, gateway.url());
    ASSERT_GT(child, 0);
    size_t before = gateway.count();
    size_t skip = static_cast<size_t>(round % 4);  // let a few sends complete first
    bool in_flight = gateway.wait_for_more_than(before + skip, 20s);
    kill_child(child);
    if (in_flight) ++kills;
  }
  EXPECT_GE(kills, 5);
  // Then a worker that is left to finish.
  pid_t child = spawn_child(db.url, gateway.url());
  ASSERT_GT(child, 0);
  auto deadline = std::chrono::steady_clock::now() + 90s;
  while (sent() < 2 * kFirms && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(100ms);
  kill_child(child);

  EXPECT_EQ(sent(), 2 * kFirms);
  // Every delivery reached the gateway under its own key; the keys are
  // exactly the deliveries' keys (none lost, no stranger).
  std::set<std::string> expected;
  ASSERT_OK(platform->db().transaction(
      [&](store::Tx& tx) -> Status {
        auto rows = tx.query("SELECT idempotency_key FROM notification_deliveries");
        if (!rows.ok()) return rows.error();
        for (const auto& r : *rows) expected.insert(*r.get<std::string>(0));
        return Status::Ok();
      },
      store::Mode::kRead));
  ASSERT_EQ(expected.size(), static_cast<size_t>(2 * kFirms));
  auto keys = gateway.keys();
  std::set<std::string> got;
  int repeats = 0;
  for (const auto& [k, times] : keys) {
    got.insert(k);
    repeats += times - 1;
  }
  EXPECT_EQ(got, expected);
  // The kills hit sends in flight: those were sent again under the same key
  // (at least once), which the gateway counts as the same message.
  EXPECT_GE(repeats, 1);
  RecordProperty("kills", kills);
  RecordProperty("resent_under_same_key", repeats);
}

INSTANTIATE_TEST_SUITE_P(Backends, OutboxCrashTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& p) { return p.param == Backend::kSqlite ? "Sqlite" : "Postgres";
                         });

}  // namespace
}  // namespace zhida::services
