#include "services/notifications/notifications.h"

#include <fmt/format.h>
#include <sodium.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <random>

#include "base/date.h"
#include "base/format.h"

namespace zhida::services {

namespace {

constexpr size_t kChunk = 500;  // notifications per transaction in a push

std::string random_hex(size_t bytes) {
  std::vector<unsigned char> b(bytes);
  randombytes_buf(b.data(), b.size());
  std::string out;
  for (unsigned char c : b) out += fmt::format("{:02x}", c);
  return out;
}

}  // namespace

// The platform's listeners outlive this service; they reach it through this
// hook, which stop() disconnects.
struct NotificationsHook {
  std::mutex mu;
  Notifications* self = nullptr;
};

Notifications::Notifications(Platform& platform, const Matching& matching,
                             NotificationOptions options)
    : platform_(platform), matching_(matching), options_(std::move(options)) {
  templates_.override_sms(options_.sms.templates);
  if (options_.sms.enabled()) sender_ = std::make_shared<HttpSmsGateway>(options_.sms);
}

Notifications::~Notifications() {
  stop();
}

void Notifications::set_recipient_lookup(RecipientLookup lookup) {
  std::lock_guard l(mu_);
  lookup_ = std::move(lookup);
}

void Notifications::set_sms_sender(std::shared_ptr<SmsSender> sender) {
  std::lock_guard l(mu_);
  sender_ = std::move(sender);
}

std::string Notifications::now_text() const {
  return store::format_timestamp(platform_.clock().now());
}

std::string Notifications::next_day_start() const {
  int64_t day = platform_.clock().today() + 1;
  auto t = std::chrono::system_clock::time_point(std::chrono::seconds(day * 86400 - 8 * 3600));
  return store::format_timestamp(t);
}

std::chrono::milliseconds Notifications::backoff(int64_t attempts) const {
  double base = static_cast<double>(options_.backoff_base.count());
  double cap = static_cast<double>(options_.backoff_max.count());
  double d = base;
  for (int64_t i = 1; i < attempts && d < cap; ++i) d *= 2;
  d = std::min(d, cap);
  thread_local std::mt19937_64 rng(std::random_device{}());
  std::uniform_real_distribution<double> jitter(0.8, 1.2);
  return std::chrono::milliseconds(static_cast<int64_t>(d * jitter(rng)));
}

Status Notifications::start() {
  if (started_) return Status::Ok();
  // The install key makes idempotency keys unique across databases (a
  // gateway that remembers keys is never confused by a fresh install).
  ZHIDA_TRY(platform_.db().transaction([&](store::Tx& tx) -> Status {
    ZHIDA_ASSIGN_OR_RETURN(auto key, store::notification_state(tx, "install_key"));
    if (!key) {
      key = "zd" + random_hex(6);
      ZHIDA_TRY(store::set_notification_state(tx, "install_key", *key));
    }
    install_key_ = *key;
    ZHIDA_ASSIGN_OR_RETURN(auto since, store::notification_state(tx, "push_since"));
    if (!since) ZHIDA_TRY(store::set_notification_state(tx, "push_since", store::timestamp_now()));
    return Status::Ok();
  }));
  auto hook = std::make_shared<NotificationsHook>();
  hook->self = this;
  platform_.on_policy_published([hook](const PublishedPolicyPtr& p) {
    std::lock_guard l(hook->mu);
    if (hook->self)
      hook->self->queue_job([self = hook->self, p] {
        auto r = self->push_policy(p);
        return r.ok() ? Status::Ok() : Status(r.error());
      });
  });
  platform_.on_facts_changed([hook](const std::vector<int64_t>& ids) {
    std::lock_guard l(hook->mu);
    if (hook->self)
      hook->self->queue_job([self = hook->self, ids] {
        auto r = self->push_firms(ids);
        return r.ok() ? Status::Ok() : Status(r.error());
      });
  });
  hook_ = hook;
  // Pushes of policies published since the service was installed that a
  // crash interrupted (their marker is missing): run them again; the dedup
  // keys make that harmless.
  std::string since;
  std::vector<PublishedPolicyPtr> missed;
  ZHIDA_TRY(platform_.db().transaction(
      [&](store::Tx& tx) -> Status {
        missed.clear();
        ZHIDA_ASSIGN_OR_RETURN(auto s, store::notification_state(tx, "push_since"));
        since = s.value_or("");
        for (const auto& p : platform_.policies()) {
          if (p->published_at < since) continue;
          ZHIDA_ASSIGN_OR_RETURN(auto done,
                                 store::notification_state(
                                     tx, fmt::format("pushed:{}:{}", p->policy->id, p->version)));
          if (!done) missed.push_back(p);
        }
        return Status::Ok();
      },
      store::Mode::kRead));
  for (const auto& p : missed) {
    spdlog::info("notifications: resuming the push of policy {} v{}", p->policy->id, p->version);
    queue_job([this, p] {
      auto r = push_policy(p);
      return r.ok() ? Status::Ok() : Status(r.error());
    });
  }
  started_ = true;
  stopping_ = false;
  if (options_.worker) worker_ = std::thread([this] { worker_loop(); });
  return Status::Ok();
}

void Notifications::stop() {
  if (hook_) {
    std::lock_guard l(hook_->mu);
    hook_->self = nullptr;
  }
  stopping_ = true;
  if (worker_.joinable()) worker_.join();
}

void Notifications::queue_job(std::function<Status()> job) {
  std::lock_guard l(mu_);
  jobs_.push_back(std::move(job));
}

bool Notifications::run_jobs() {
  std::deque<std::function<Status()>> jobs;
  {
    std::lock_guard l(mu_);
    jobs.swap(jobs_);
  }
  for (auto& job : jobs) {
    Status s = job();
    if (!s.ok()) spdlog::error("notifications: push failed: {}", s.error().message);
  }
  return !jobs.empty();
}

void Notifications::worker_loop() {
  while (!stopping_) {
    int64_t seq = 0;
    Status st = platform_.db().transaction(
        [&](store::Tx& tx) -> Status {
          ZHIDA_ASSIGN_OR_RETURN(seq, tx.last_change_seq());
          return Status::Ok();
        },
        store::Mode::kRead);
    auto handled = run_once();
    if (!handled.ok()) spdlog::error("notifications: {}", handled.error().message);
    if (stopping_) break;
    bool more = handled.ok() && *handled >= options_.batch;
    {
      std::lock_guard l(mu_);
      more = more || !jobs_.empty();
    }
    if (more) continue;
    if (!st.ok()) {
      std::this_thread::sleep_for(options_.poll);
      continue;
    }
    auto waited = platform_.db().wait_for_changes(seq, options_.poll);
    if (!waited.ok()) std::this_thread::sleep_for(options_.poll);
  }
}

Result<int> Notifications::run_once() {
  std::lock_guard round(run_mu_);
  run_jobs();
  ZHIDA_TRY(expand_new());
  std::vector<store::Delivery> due;
  std::string now = now_text();
  ZHIDA_TRY(platform_.db().transaction(
      [&](store::Tx& tx) -> Status {
        ZHIDA_ASSIGN_OR_RETURN(due, store::due_deliveries(tx, now, options_.batch));
        return Status::Ok();
      },
      store::Mode::kRead));
  int handled = 0;
  std::vector<const store::Delivery*> site;
  for (const auto& d : due) {
    if (stopping_ && options_.worker) break;
    if (d.channel == store::Channel::kSite) {
      site.push_back(&d);
      continue;
    }
    Status s = deliver(d);
    if (!s.ok()) spdlog::error("notifications: delivery {} failed: {}", d.id, s.error().message);
    ++handled;
  }
  if (!site.empty()) {
    Status s = deliver_site(site, now_text(), format_date(platform_.clock().today()));
    if (!s.ok()) spdlog::error("notifications: {} site deliveries failed: {}", site.size(), s.error().message);
    handled += static_cast<int>(site.size());
  }
  return handled;
}

Status Notifications::flush() {
  for (int i = 0; i < 10000; ++i) {
    ZHIDA_ASSIGN_OR_RETURN(int handled, run_once());
    bool jobs;
    {
      std::lock_guard l(mu_);
      jobs = !jobs_.empty();
    }
    bool unexpanded = false;
    ZHIDA_TRY(platform_.db().transaction(
        [&](store::Tx& tx) -> Status {
          ZHIDA_ASSIGN_OR_RETURN(auto rows, store::unexpanded_notifications(tx, 1));
          unexpanded = !rows.empty();
          return Status::Ok();
        },
        store::Mode::kRead));
    if (handled == 0 && !jobs && !unexpanded) return Status::Ok();
  }
  return Error("notifications.flush", "通知队列在多轮处理后仍未清空");
}

Status Notifications::expand_new() {
  while (true) {
    std::vector<store::NotificationRow> fresh;
    ZHIDA_TRY(platform_.db().transaction(
        [&](store::Tx& tx) -> Status {
          ZHIDA_ASSIGN_OR_RETURN(fresh, store::unexpanded_notifications(tx, options_.batch));
          return Status::Ok();
        },
        store::Mode::kRead));
    if (fresh.empty()) return Status::Ok();
    RecipientLookup lookup;
    bool sms_on;
    {
      std::lock_guard l(mu_);
      lookup = lookup_;
      sms_on = sender_ != nullptr;
    }
    std::string now = now_text();
    // Recipients are looked up first; the expansions are then written in one
    // transaction (one commit for the round, not one per notification).
    std::vector<std::pair<int64_t, std::vector<store::Delivery>>> expansions;
    for (const auto& n : fresh) {
      std::vector<store::Delivery> ds;
      auto base = [&](store::Channel c) {
        store::Delivery d;
        d.notification_id = n.id;
        d.enterprise_id = n.enterprise_id;
        d.channel = c;
        d.created_at = now;
        return d;
      };
      bool site = std::find(n.channels.begin(), n.channels.end(), store::Channel::kSite) !=
                  n.channels.end();
      bool sms =
          std::find(n.channels.begin(), n.channels.end(), store::Channel::kSms) != n.channels.end();
      if (site) {
        auto d = base(store::Channel::kSite);
        d.idempotency_key = fmt::format("{}-n{}-site", install_key_, n.id);
        ds.push_back(std::move(d));
      }
      if (sms) {
        auto skipped = [&](const std::string& why) {
          auto d = base(store::Channel::kSms);
          d.idempotency_key = fmt::format("{}-n{}-sms", install_key_, n.id);
          d.status = "skipped";
          d.last_error = why;
          ds.push_back(std::move(d));
        };
        if (!sms_on) {
          skipped("未配置短信网关");
        } else if (!lookup) {
          skipped("没有收件人：账户服务未提供企业法人和经办人");
        } else {
          auto people = lookup(n.enterprise_id);
          if (!people.ok()) {
            spdlog::warn("notifications: recipients of enterprise {}: {}", n.enterprise_id,
                         people.error().message);
            continue;  // try again next round
          }
          std::vector<std::string> phones;
          for (const Recipient& r : *people) {
            auto d = base(store::Channel::kSms);
            d.recipient_user_id = r.user_id;
            d.recipient_role = r.role;
            d.recipient_name = r.name;
            d.phone = r.phone;
            d.idempotency_key = fmt::format("{}-n{}-sms-u{}", install_key_, n.id, r.user_id);
            if (r.phone.empty()) {
              d.status = "skipped";
              d.last_error = "未登记手机号";
            } else if (std::find(phones.begin(), phones.end(), r.phone) != phones.end()) {
              d.status = "skipped";
              d.last_error = "与其他收件人手机号相同，只发一次";
            }
            phones.push_back(r.phone);
            ds.push_back(std::move(d));
          }
          if (people->empty()) skipped("企业没有法人或经办人账户");
        }
      }
      expansions.emplace_back(n.id, std::move(ds));
    }
    if (!expansions.empty())
      ZHIDA_TRY(platform_.db().transaction([&](store::Tx& tx) -> Status {
        for (const auto& [id, ds] : expansions) ZHIDA_TRY(store::expand_notification(tx, id, ds));
        return Status::Ok();
      }));
    if (expansions.empty() || fresh.size() < static_cast<size_t>(options_.batch)) return Status::Ok();
  }
}

Status Notifications::deliver(const store::Delivery& d) {
  std::string now = now_text();
  std::string day = format_date(platform_.clock().today());
  return d.channel == store::Channel::kSite ? deliver_site({&d}, now, day) : deliver_sms(d, now, day);
}

Status Notifications::deliver_site(const std::vector<const store::Delivery*>& ds, const std::string& now,
                                   const std::string& day) {
  std::string lease = store::format_timestamp(platform_.clock().now() + options_.lease);
  std::string tomorrow = next_day_start();
  return platform_.db().transaction([&](store::Tx& tx) -> Status {
    for (const store::Delivery* d : ds) {
      Status s = tx.savepoint(
          [&](store::Tx& t) { return deliver_site_in(t, *d, now, day, lease, tomorrow); });
      if (!s.ok()) spdlog::error("notifications: delivery {} failed: {}", d->id, s.error().message);
    }
    return Status::Ok();
  });
}

Status Notifications::deliver_site_in(store::Tx& tx, const store::Delivery& d, const std::string& now,
                                      const std::string& day, const std::string& lease,
                                      const std::string& tomorrow) {
  {
    ZHIDA_ASSIGN_OR_RETURN(bool opted,
                           store::is_opted_out(tx, d.enterprise_id, store::Channel::kSite));
    ZHIDA_ASSIGN_OR_RETURN(
        int64_t today, store::deliveries_sent_on(tx, d.enterprise_id, store::Channel::kSite, day));
    ZHIDA_ASSIGN_OR_RETURN(bool claimed, store::claim_delivery(tx, d.id, now, lease, day));
    if (!claimed) return Status::Ok();
    if (opted) return store::mark_delivery_skipped(tx, d.id, "企业已退订站内信");
    if (today >= options_.site_per_day)
      return store::defer_delivery(
          tx, d.id, tomorrow,
          fmt::format("超过每日 {} 条站内信的限额，顺延至次日", options_.site_per_day));
    ZHIDA_ASSIGN_OR_RETURN(auto n, store::get_notification(tx, d.notification_id));
    if (!n) return store::mark_delivery_failed(tx, d.id, "通知不存在");
    const MessageTemplate& t = templates_.get(n->template_id);
    store::Message m;
    m.enterprise_id = n->enterprise_id;
    m.notification_id = n->id;
    m.kind = n->kind;
    m.title = render_template(t.title, n->params);
    m.body = render_template(t.body, n->params);
    m.link = n->link;
    m.application_id = n->application_id;
    m.policy_id = n->policy_id;
    m.created_at = now;
    ZHIDA_ASSIGN_OR_RETURN(int64_t id, store::insert_message(tx, m));
    return store::mark_delivery_sent(tx, d.id, now, day, fmt::format("message:{}", id));
  }
}

Status Notifications::deliver_sms(const store::Delivery& d, const std::string& now,
                                  const std::string& day) {
  std::shared_ptr<SmsSender> sender;
  {
    std::lock_guard l(mu_);
    sender = sender_;
  }
  std::string lease = store::format_timestamp(platform_.clock().now() + options_.lease);
  std::string tomorrow = next_day_start();
  bool send = false;
  int64_t attempts = 0;
  std::optional<store::NotificationRow> n;
  ZHIDA_TRY(platform_.db().transaction([&](store::Tx& tx) -> Status {
    send = false;
    ZHIDA_ASSIGN_OR_RETURN(bool opted,
                           store::is_opted_out(tx, d.enterprise_id, store::Channel::kSms));
    ZHIDA_ASSIGN_OR_RETURN(
        int64_t today, store::deliveries_sent_on(tx, d.enterprise_id, store::Channel::kSms, day));
    ZHIDA_ASSIGN_OR_RETURN(bool claimed, store::claim_delivery(tx, d.id, now, lease, day));
    if (!claimed) return Status::Ok();
    if (opted) return store::mark_delivery_skipped(tx, d.id, "企业已退订短信");
    if (!sender) return store::mark_delivery_skipped(tx, d.id, "未配置短信网关");
    if (today >= options_.sms_per_day)
      return store::defer_delivery(
          tx, d.id, tomorrow,
          fmt::format("超过每日 {} 条短信的限额，顺延至次日", options_.sms_per_day));
    ZHIDA_ASSIGN_OR_RETURN(n, store::get_notification(tx, d.notification_id));
    if (!n) return store::mark_delivery_failed(tx, d.id, "通知不存在");
    ZHIDA_ASSIGN_OR_RETURN(auto fresh, store::get_delivery(tx, d.id));
    attempts = fresh ? fresh->attempts : d.attempts + 1;
    send = true;
    return Status::Ok();
  }));
  if (!send) return Status::Ok();
  // The claim is committed: from here a crash leaves the delivery "sending"
  // until its lease ends, and it is sent again under the same key.
  const MessageTemplate& t = templates_.get(n->template_id);
  SmsMessage m;
  m.idempotency_key = d.idempotency_key;
  m.phone = d.phone;
  m.template_id = n->template_id;
  m.params = n->params;
  m.text = options_.sms.sign + render_template(t.sms, n->params);
  SmsOutcome out = sender->send(m);
  std::string after = now_text();
  return platform_.db().transaction([&](store::Tx& tx) -> Status {
    switch (out.kind) {
      case SmsOutcome::Kind::kAccepted:
        return store::mark_delivery_sent(tx, d.id, after, day, out.provider_id);
      case SmsOutcome::Kind::kPermanent:
        return store::mark_delivery_failed(tx, d.id, out.detail);
      case SmsOutcome::Kind::kRetry:
        break;
    }
    if (attempts >= options_.max_attempts)
      return store::mark_delivery_failed(tx, d.id,
                                         fmt::format("已尝试 {} 次：{}", attempts, out.detail));
    std::string next = store::format_timestamp(platform_.clock().now() + backoff(attempts));
    return store::mark_delivery_retry(tx, d.id, next, out.detail);
  });
}

Result<int64_t> Notifications::enqueue_matches(const PublishedPolicy& pp,
                                               const std::vector<int64_t>& firms,
                                               const std::vector<std::optional<Decimal>>& awards) {
  const portrait::Policy& p = *pp.policy;
  int64_t created = 0;
  std::string now = now_text();
  for (size_t start = 0; start < firms.size(); start += kChunk) {
    std::vector<store::Notification> chunk;
    for (size_t i = start; i < std::min(firms.size(), start + kChunk); ++i) {
      store::Notification n;
      n.kind = "policy.match";
      n.enterprise_id = firms[i];
      n.template_id = "policy_match";
      std::string award_text;
      if (awards[i] && awards[i]->sign() > 0)
        award_text = fmt::format("，预计可获 {} 元", format_amount(*awards[i]));
      n.params = {{"policy_name", p.name},
                  {"policy_id", p.id},
                  {"award_text", award_text},
                  {"amount", awards[i] ? awards[i]->to_string() : ""}};
      n.policy_id = p.id;
      n.link = "/policies/" + p.id;
      n.dedup_key = fmt::format("policy_match:{}:{}", p.id, firms[i]);
      n.created_at = now;
      chunk.push_back(std::move(n));
    }
    int64_t made = 0;
    ZHIDA_TRY(platform_.db().transaction([&](store::Tx& tx) -> Status {
      ZHIDA_ASSIGN_OR_RETURN(made, store::enqueue_notifications(tx, chunk));
      return Status::Ok();
    }));
    created += made;
  }
  return created;
}

Result<int64_t> Notifications::push_policy(const PublishedPolicyPtr& pp) {
  if (!pp || !pp->policy) return int64_t{0};
  int64_t created = 0;
  if (!pp->policy->auto_grant) {
    Matching::Filter f;
    f.verdict = rules::Tri::kTrue;
    f.limit = 0;
    Matching::List list = matching_.for_policy(*pp->policy, f);
    std::vector<int64_t> firms;
    std::vector<std::optional<Decimal>> awards;
    for (const auto& item : list.items) {
      firms.push_back(item.enterprise_id);
      awards.push_back(item.award);
    }
    ZHIDA_ASSIGN_OR_RETURN(created, enqueue_matches(*pp, firms, awards));
    spdlog::info("notifications: policy {} v{} matches {} firms, {} newly told", pp->policy->id,
                 pp->version, firms.size(), created);
  }
  ZHIDA_TRY(platform_.db().transaction([&](store::Tx& tx) {
    return store::set_notification_state(
        tx, fmt::format("pushed:{}:{}", pp->policy->id, pp->version), now_text());
  }));
  return created;
}

Result<int64_t> Notifications::push_firms(const std::vector<int64_t>& ids) {
  if (ids.size() > options_.facts_push_max) {
    spdlog::info(
        "notifications: {} firms changed at once (a bulk load): no eligibility push computed",
        ids.size());
    return int64_t{0};
  }
  // policy id -> (firms, awards)
  std::map<std::string, std::pair<std::vector<int64_t>, std::vector<std::optional<Decimal>>>>
      by_policy;
  std::map<std::string, PublishedPolicyPtr> policies;
  for (int64_t id : ids) {
    auto matches = matching_.for_enterprise(id, false);
    if (!matches) continue;
    for (const auto& m : *matches) {
      if (m.verdict != rules::Tri::kTrue || !m.policy || m.policy->policy->auto_grant) continue;
      auto& slot = by_policy[m.policy->policy->id];
      slot.first.push_back(id);
      slot.second.push_back(m.award_known ? std::optional<Decimal>(m.award) : std::nullopt);
      policies[m.policy->policy->id] = m.policy;
    }
  }
  int64_t created = 0;
  for (const auto& [pid, slot] : by_policy) {
    ZHIDA_ASSIGN_OR_RETURN(int64_t made, enqueue_matches(*policies[pid], slot.first, slot.second));
    created += made;
  }
  return created;
}

Result<std::vector<store::Message>> Notifications::messages(const store::MessageQuery& q) {
  std::vector<store::Message> out;
  ZHIDA_TRY(platform_.db().transaction(
      [&](store::Tx& tx) -> Status {
        ZHIDA_ASSIGN_OR_RETURN(out, store::list_messages(tx, q));
        return Status::Ok();
      },
      store::Mode::kRead));
  return out;
}

Result<int64_t> Notifications::message_count(const store::MessageQuery& q) {
  int64_t n = 0;
  ZHIDA_TRY(platform_.db().transaction(
      [&](store::Tx& tx) -> Status {
        ZHIDA_ASSIGN_OR_RETURN(n, store::count_messages(tx, q));
        return Status::Ok();
      },
      store::Mode::kRead));
  return n;
}

Result<bool> Notifications::mark_read(int64_t message_id, int64_t enterprise_id, int64_t user_id) {
  bool ok = false;
  std::string now = now_text();
  ZHIDA_TRY(platform_.db().transaction([&](store::Tx& tx) -> Status {
    ZHIDA_ASSIGN_OR_RETURN(ok,
                           store::mark_message_read(tx, message_id, enterprise_id, user_id, now));
    return Status::Ok();
  }));
  return ok;
}

Result<int64_t> Notifications::mark_all_read(int64_t enterprise_id, int64_t user_id) {
  int64_t n = 0;
  std::string now = now_text();
  ZHIDA_TRY(platform_.db().transaction([&](store::Tx& tx) -> Status {
    ZHIDA_ASSIGN_OR_RETURN(n, store::mark_all_messages_read(tx, enterprise_id, user_id, now));
    return Status::Ok();
  }));
  return n;
}

Status Notifications::set_opt_out(int64_t enterprise_id, store::Channel channel, bool opted_out,
                                  const Actor& by) {
  std::string now = now_text();
  return platform_.db().transaction([&](store::Tx& tx) -> Status {
    ZHIDA_ASSIGN_OR_RETURN(bool before, store::is_opted_out(tx, enterprise_id, channel));
    if (before == opted_out) return Status::Ok();
    ZHIDA_TRY(store::set_opt_out(tx, enterprise_id, channel, opted_out, by.user_id, now));
    return append_audit(tx, platform_.clock(), by,
                        opted_out ? "notifications.opt_out" : "notifications.opt_in", "enterprise",
                        std::to_string(enterprise_id), {{"channel", store::channel_name(channel)}});
  });
}

Result<std::vector<store::Channel>> Notifications::opt_outs(int64_t enterprise_id) {
  std::vector<store::Channel> out;
  ZHIDA_TRY(platform_.db().transaction(
      [&](store::Tx& tx) -> Status {
        ZHIDA_ASSIGN_OR_RETURN(out, store::opted_out_channels(tx, enterprise_id));
        return Status::Ok();
      },
      store::Mode::kRead));
  return out;
}

Result<std::vector<store::Delivery>> Notifications::deliveries(const std::string& status,
                                                               int64_t enterprise_id, int limit,
                                                               int offset) {
  std::vector<store::Delivery> out;
  ZHIDA_TRY(platform_.db().transaction(
      [&](store::Tx& tx) -> Status {
        ZHIDA_ASSIGN_OR_RETURN(out,
                               store::list_deliveries(tx, status, enterprise_id, limit, offset));
        return Status::Ok();
      },
      store::Mode::kRead));
  return out;
}

Result<std::vector<std::pair<std::string, int64_t>>> Notifications::delivery_counts() {
  std::vector<std::pair<std::string, int64_t>> out;
  ZHIDA_TRY(platform_.db().transaction(
      [&](store::Tx& tx) -> Status {
        ZHIDA_ASSIGN_OR_RETURN(out, store::delivery_counts(tx));
        return Status::Ok();
      },
      store::Mode::kRead));
  return out;
}

Result<bool> Notifications::retry(int64_t delivery_id, const Actor& by) {
  bool ok = false;
  ZHIDA_TRY(platform_.db().transaction([&](store::Tx& tx) -> Status {
    ZHIDA_ASSIGN_OR_RETURN(ok, store::retry_delivery(tx, delivery_id));
    if (!ok) {
      ZHIDA_ASSIGN_OR_RETURN(auto d, store::get_delivery(tx, delivery_id));
      if (!d) return Error("not_found", "没有找到该投递记录");
      return Status::Ok();
    }
    return append_audit(tx, platform_.clock(), by, "notifications.retry", "delivery",
                        std::to_string(delivery_id));
  }));
  return ok;
}

}  // namespace zhida::services
