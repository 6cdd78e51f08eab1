// Notifications (C4): the outbox, in-site messages (站内信), SMS deliveries,
// opt-outs. Component "notifications" (notifications_migrations()).
//
// ============================================================================
// FOR EVERY AREA THAT TELLS AN ENTERPRISE SOMETHING (applications, review,
// publicity, disbursement, pushes): call enqueue_notification() with the Tx
// of the event itself. The notification then commits exactly when (and only
// if) the event commits; a background worker (services/notifications) turns
// it into an in-site message and SMS to the firm's 法人 and 经办人, with
// retries and backoff. Nothing else is needed: never send anything yourself.
//
//   ZHIDA_TRY(db.transaction([&](store::Tx& tx) -> Status {
//     ... write the decision ...
//     store::Notification n;
//     n.kind = "application.approved";
//     n.enterprise_id = app.enterprise_id;
//     n.template_id = "application_approved";
//     n.params = {{"policy_name", policy.name}, {"amount", "300000.00"},
//                 {"application_id", std::to_string(app.id)}};
//     n.application_id = app.id;
//     n.policy_id = policy.id;
//     n.dedup_key = fmt::format("application:{}:approved", app.id);
//     n.created_at = platform.clock().timestamp();
//     ZHIDA_TRY(store::enqueue_notification(tx, n));
//     return Status::Ok();
//   }));
//
// The dedup key makes the same thing never be sent twice: a second enqueue
// with a key that exists changes nothing (and is not an error), so a retried
// transaction, a replayed event or a second server instance are harmless.
// Choose keys that name the event, not the attempt:
//   application:{id}:submitted | approved | rejected | withdrawn
//   application:{id}:returned:{n}       (the n-th 退回补正)
//   application:{id}:{step}             any other step of the application
//   policy_match:{policy_id}:{enterprise_id}   pushes (政策找企业); used by the
//                                       notifications service itself
// Template ids with built-in texts (services/notifications/templates.cc; the
// SMS texts can be overridden per deployment): policy_match,
// application_submitted, application_instant_approved, application_approved,
// application_returned, application_rejected, application_withdrawn,
// publicity_started, objection_lodged, objection_resolved,
// disbursement_account_confirm, disbursement_paid, auto_grant, generic.
// Parameters are plain strings: policy_name, policy_id, application_id,
// amount (yuan text), reason, deadline, title, body (generic) …; a missing
// parameter renders as empty text. An unknown template renders params
// "title" and "body" (so a new step can be messaged before its text exists).
// ============================================================================
//
// Below the announcement: what the worker, the message routes and the stats
// read. All functions take a Tx; callers group them into transactions.
// Timestamps are store timestamps (schema.h); "day" is a China-date text
// "YYYY-MM-DD".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "store/db.h"

namespace zhida::store {

const MigrationSet& notifications_migrations();

// The channels a firm is told through.
enum class Channel : uint8_t {
  kSite,  // 站内信: one message per firm, seen by every user of the firm
  kSms,   // 短信: one text per recipient (法人 and 经办人)
};
const char* channel_name(Channel c);  // "site", "sms"
std::optional<Channel> parse_channel(std::string_view name);

// One thing to tell one enterprise.
struct Notification {
  std::string kind;           // the event, e.g. "application.approved", "policy.match"
  int64_t enterprise_id = 0;  // > 0
  std::string template_id;    // see the list above
  std::vector<std::pair<std::string, std::string>> params;  // template parameters
  std::vector<Channel> channels = {Channel::kSite, Channel::kSms};
  std::string dedup_key;       // required, unique over all notifications ever
  int64_t application_id = 0;  // 0 = none (shown on the application's timeline)
  std::string policy_id;       // "" = none
  std::string link;            // in-site link for the UI, e.g. "/applications/42"
  std::string created_at;      // timestamp; empty = store::timestamp_now()
};

struct Enqueued {
  int64_t id = 0;        // the notification's id (the existing one when deduplicated)
  bool created = false;  // false: the dedup key existed, nothing was written
};

// Writes the notification into the outbox in `tx` (see the file comment).
// Fails with "notifications.invalid" for an empty kind, template id or dedup
// key, an enterprise id <= 0 or no channel; otherwise only with database
// errors. Appends one entry to the change feed (topic "notifications") so the
// worker wakes as soon as the transaction commits.
Result<Enqueued> enqueue_notification(Tx& tx, const Notification& n);
// The same for many at once (pushes): one change-feed entry for all.
// Returns how many were new.
Result<int64_t> enqueue_notifications(Tx& tx, const std::vector<Notification>& ns);

// ---- what the worker uses (services/notifications/outbox.h)

// A notification as stored.
struct NotificationRow {
  int64_t id = 0;
  std::string kind;
  int64_t enterprise_id = 0;
  std::string template_id;
  std::vector<std::pair<std::string, std::string>> params;
  std::vector<Channel> channels;
  std::string dedup_key;
  int64_t application_id = 0;
  std::string policy_id;
  std::string link;
  std::string created_at;
  bool expanded = false;  // its deliveries exist
};

// One attempt target: one channel, one recipient.
struct Delivery {
  int64_t id = 0;
  int64_t notification_id = 0;
  int64_t enterprise_id = 0;
  Channel channel = Channel::kSite;
  int64_t recipient_user_id = 0;  // 0 for the firm (site)
  std::string recipient_role;     // enterprise_legal / enterprise_agent
  std::string recipient_name;
  std::string phone;
  std::string idempotency_key;  // what the SMS gateway receives
  std::string status;           // pending, sending, sent, failed, skipped
  int64_t attempts = 0;
  std::string next_attempt_at;  // "" = due now
  std::string lease_until;      // while sending
  std::string sent_at;
  std::string last_error;
  std::string created_at;
};

// Notifications whose deliveries are not created yet, oldest first.
Result<std::vector<NotificationRow>> unexpanded_notifications(Tx& tx, int limit);
Result<std::optional<NotificationRow>> get_notification(Tx& tx, int64_t id);

// Creates the deliveries of a notification (idempotent: a delivery's
// idempotency key is unique, a repeat changes nothing) and marks it expanded.
Status expand_notification(Tx& tx, int64_t notification_id,
                           const std::vector<Delivery>& deliveries);

// Deliveries due at `now` (pending with next_attempt_at <= now, or sending
// with an expired lease), oldest first.
Result<std::vector<Delivery>> due_deliveries(Tx& tx, const std::string& now, int limit);
Result<std::optional<Delivery>> get_delivery(Tx& tx, int64_t id);

// Claims a due delivery for sending: status sending, attempts + 1, lease
// until `lease_until`. False when someone else claimed it or it is no longer
// due (then leave it).
// `day` (the China date) is recorded for the per-day rate limit.
Result<bool> claim_delivery(Tx& tx, int64_t id, const std::string& now,
                            const std::string& lease_until, const std::string& day);
// Outcomes of an attempt.
Status mark_delivery_sent(Tx& tx, int64_t id, const std::string& now, const std::string& day,
                          const std::string& provider_id);
Status mark_delivery_retry(Tx& tx, int64_t id, const std::string& next_attempt_at,
                           const std::string& error);
Status mark_delivery_failed(Tx& tx, int64_t id, const std::string& error);
Status mark_delivery_skipped(Tx& tx, int64_t id, const std::string& reason);
// Puts a delivery back to pending without counting an attempt (rate limit).
Status defer_delivery(Tx& tx, int64_t id, const std::string& next_attempt_at,
                      const std::string& reason);
// Deliveries sent or being sent for a firm on a channel on a day.
Result<int64_t> deliveries_sent_on(Tx& tx, int64_t enterprise_id, Channel channel,
                                   const std::string& day);
// Staff: failed deliveries (permanent failures) and counts by status.
Result<std::vector<Delivery>> list_deliveries(Tx& tx, const std::string& status,
                                              int64_t enterprise_id, int limit, int offset);
Result<std::vector<std::pair<std::string, int64_t>>> delivery_counts(Tx& tx);
// A failed delivery back to pending (staff asks to try again).
Result<bool> retry_delivery(Tx& tx, int64_t id);

// ---- in-site messages (站内信)
struct Message {
  int64_t id = 0;
  int64_t enterprise_id = 0;
  int64_t notification_id = 0;
  std::string kind;
  std::string title;
  std::string body;
  std::string link;
  int64_t application_id = 0;
  std::string policy_id;
  std::string created_at;
  std::string read_at;  // for the asking user; "" = unread
};
// Inserts the firm's message for a notification (once: a second call for
// the same notification returns the first message's id).
Result<int64_t> insert_message(Tx& tx, const Message& m);
struct MessageQuery {
  int64_t enterprise_id = 0;  // required
  int64_t user_id = 0;        // whose read marks
  bool unread_only = false;
  int64_t application_id = 0;  // 0 = all
  int limit = 50;
  int offset = 0;
};
Result<std::vector<Message>> list_messages(Tx& tx, const MessageQuery& q);
Result<int64_t> count_messages(Tx& tx, const MessageQuery& q);
Result<std::optional<Message>> get_message(Tx& tx, int64_t id, int64_t user_id);
// Marks read for the user (idempotent). Returns false when the message does
// not belong to the enterprise.
Result<bool> mark_message_read(Tx& tx, int64_t message_id, int64_t enterprise_id, int64_t user_id,
                               const std::string& now);
Result<int64_t> mark_all_messages_read(Tx& tx, int64_t enterprise_id, int64_t user_id,
                                       const std::string& now);

// ---- opt-out (per firm and channel)
Status set_opt_out(Tx& tx, int64_t enterprise_id, Channel channel, bool opted_out, int64_t user_id,
                   const std::string& now);
Result<bool> is_opted_out(Tx& tx, int64_t enterprise_id, Channel channel);
Result<std::vector<Channel>> opted_out_channels(Tx& tx, int64_t enterprise_id);

// ---- small persistent state of the service (install key, push markers)
Result<std::optional<std::string>> notification_state(Tx& tx, const std::string& key);
Status set_notification_state(Tx& tx, const std::string& key, const std::string& value);

// Has the enterprise ever been notified with this dedup key?
Result<bool> notification_exists(Tx& tx, const std::string& dedup_key);

}  // namespace zhida::store
