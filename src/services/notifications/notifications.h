// Notifications (C4): the outbox worker, SMS through the gateway, in-site
// messages, opt-outs, rate limits, and the pushes of 政策找企业.
//
// Any area enqueues a notification with store::enqueue_notification(tx, …)
// in the transaction of its event (store/notifications_store.h). This
// service's worker then:
//   1. expands each new notification into deliveries: one in-site delivery
//      for the firm, one SMS delivery per recipient (the firm's 法人 and 经办人,
//      from the recipient lookup the accounts service provides), each with a
//      stable idempotency key;
//   2. delivers what is due: an in-site message is written in the same
//      transaction that marks its delivery sent (exactly once); an SMS is
//      claimed (status sending, with a lease), posted to the gateway with its
//      idempotency key, then marked sent — or retried with exponential
//      backoff, or failed for good after max_attempts (visible to staff).
//   Opt-outs (per firm and channel) skip deliveries; the per-firm per-day
//   limit of each channel defers the rest to the next day (nothing is
//   dropped). DESIGN.md states the guarantees exactly.
//
// Pushes: on publish, every firm the policy matches and that was never told
// about it gets a "policy_match" notification (dedup key
// policy_match:{policy}:{firm}); on a data change, every changed firm that
// now matches a policy it was never told about gets one. Policies marked
// 免申即享 are left to the funds service (it grants them instead).
//
// Thread-safety: all public methods may be called from any thread. The
// worker runs on its own thread between start() and stop().
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "base/result.h"
#include "services/audit/audit.h"
#include "services/matching/matching.h"
#include "services/notifications/sms_gateway.h"
#include "services/notifications/templates.h"
#include "services/platform/platform.h"
#include "store/notifications_store.h"

namespace zhida::services {

// One person an enterprise's SMS goes to.
struct Recipient {
  int64_t user_id = 0;
  std::string role;  // enterprise_legal (法人) / enterprise_agent (经办人)
  std::string name;
  std::string phone;  // "" = no SMS
};
// The 法人 and 经办人 of an enterprise (the accounts service provides it).
using RecipientLookup = std::function<Result<std::vector<Recipient>>(int64_t enterprise_id)>;

struct NotificationsHook;

struct NotificationOptions {
  SmsGatewayConfig sms;  // url "" = SMS deliveries are skipped
  int max_attempts = 8;  // SMS: permanent failure after this many tries
  std::chrono::milliseconds backoff_base{
      std::chrono::seconds(30)};  // first retry delay, doubled each time
  std::chrono::milliseconds backoff_max{std::chrono::hours(2)};
  std::chrono::milliseconds lease{
      std::chrono::seconds(60)};        // a claimed SMS is re-sent after this (crash)
  std::chrono::milliseconds poll{500};  // worker's longest sleep
  int site_per_day = 50;                // per firm per China day, in-site messages
  int sms_per_day = 10;  // per firm per China day, SMS deliveries (each recipient counts)
  int batch = 100;       // deliveries per worker round
  bool worker = true;    // start the background worker (tests may drive run_once)
  // A data change touching more firms than this is a bulk load: no
  // "newly eligible" push is computed for it (logged).
  size_t facts_push_max = 50000;
};

class Notifications {
 public:
  Notifications(Platform& platform, const Matching& matching, NotificationOptions options);
  ~Notifications();
  Notifications(const Notifications&) = delete;
  Notifications& operator=(const Notifications&) = delete;

  // Creates the service's persistent state, hooks the platform's publish and
  // facts listeners, queues pushes missed by a crash, starts the worker.
  Status start();
  // Stops the worker (it finishes the delivery in hand). Safe to call twice.
  void stop();

  void set_recipient_lookup(RecipientLookup lookup);
  // Replaces the HTTP gateway (tests).
  void set_sms_sender(std::shared_ptr<SmsSender> sender);
  const Templates& templates() const { return templates_; }
  const NotificationOptions& options() const { return options_; }

  // One round on the calling thread: queued push jobs, expansion, every due
  // delivery (up to batch). Returns how many deliveries it handled.
  Result<int> run_once();
  // Rounds until nothing is due now (tests; the worker does this itself).
  Status flush();

  // ---- pushes (also called by the platform's listeners)
  // Messages every firm the policy matches now and was never told about;
  // returns how many notifications were new.
  Result<int64_t> push_policy(const PublishedPolicyPtr& policy);
  // The same for these firms against every policy in force.
  Result<int64_t> push_firms(const std::vector<int64_t>& enterprise_ids);

  // ---- in-site messages, opt-outs, deliveries (for the routes)
  Result<std::vector<store::Message>> messages(const store::MessageQuery& q);
  Result<int64_t> message_count(const store::MessageQuery& q);
  Result<bool> mark_read(int64_t message_id, int64_t enterprise_id, int64_t user_id);
  Result<int64_t> mark_all_read(int64_t enterprise_id, int64_t user_id);
  // Audited (notifications.opt_out / notifications.opt_in).
  Status set_opt_out(int64_t enterprise_id, store::Channel channel, bool opted_out,
                     const Actor& by);
  Result<std::vector<store::Channel>> opt_outs(int64_t enterprise_id);
  Result<std::vector<store::Delivery>> deliveries(const std::string& status, int64_t enterprise_id,
                                                  int limit, int offset);
  Result<std::vector<std::pair<std::string, int64_t>>> delivery_counts();
  // A failed delivery back to pending (audited notifications.retry); false
  // when it is not failed; error not_found when there is no such delivery.
  Result<bool> retry(int64_t delivery_id, const Actor& by);

  // Next retry delay after `attempts` tries (exponential, capped, ±20 %).
  std::chrono::milliseconds backoff(int64_t attempts) const;

 private:
  Status expand_new();
  Status deliver(const store::Delivery& d);
  // Site messages: several in one transaction, each in its own savepoint.
  Status deliver_site(const std::vector<const store::Delivery*>& ds, const std::string& now,
                      const std::string& day);
  Status deliver_site_in(store::Tx& tx, const store::Delivery& d, const std::string& now,
                         const std::string& day, const std::string& lease, const std::string& tomorrow);
  Status deliver_sms(const store::Delivery& d, const std::string& now, const std::string& day);
  void queue_job(std::function<Status()> job);
  bool run_jobs();
  void worker_loop();
  std::string now_text() const;
  std::string next_day_start() const;
  Result<int64_t> enqueue_matches(const PublishedPolicy& pp, const std::vector<int64_t>& firms,
                                  const std::vector<std::optional<Decimal>>& awards);

  Platform& platform_;
  const Matching& matching_;
  NotificationOptions options_;
  Templates templates_;
  std::string install_key_;  // prefix of idempotency keys (unique per database)

  std::mutex mu_;  // guards lookup_, sender_, jobs_
  RecipientLookup lookup_;
  std::shared_ptr<SmsSender> sender_;
  std::deque<std::function<Status()>> jobs_;

  std::mutex run_mu_;  // one round at a time in this process
  std::atomic<bool> stopping_{false};
  std::thread worker_;
  bool started_ = false;
  std::shared_ptr<NotificationsHook> hook_;  // the platform listeners' way in
};

}  // namespace zhida::services
