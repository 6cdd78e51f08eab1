#include "store/notifications_store.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace zhida::store {

using nlohmann::json;

const MigrationSet& notifications_migrations() {
  static const MigrationSet kSet{"notifications",
                                 {
                                     {1, "outbox",
                                      R"SQL(
CREATE TABLE notifications (
  id {{id}},
  dedup_key {{text}} NOT NULL UNIQUE,
  kind {{text}} NOT NULL,
  enterprise_id {{bigint}} NOT NULL,
  template_id {{text}} NOT NULL,
  params {{json}} NOT NULL,
  channels {{text}} NOT NULL,
  application_id {{bigint}} NOT NULL DEFAULT 0,
  policy_id {{text}} NOT NULL DEFAULT '',
  link {{text}} NOT NULL DEFAULT '',
  created_at {{timestamp}} NOT NULL,
  expanded {{bool}} NOT NULL DEFAULT FALSE
);
CREATE INDEX notifications_unexpanded ON notifications (expanded, id);
CREATE INDEX notifications_by_enterprise ON notifications (enterprise_id, id);
CREATE INDEX notifications_by_application ON notifications (application_id, id);
CREATE INDEX notifications_by_kind ON notifications (kind, created_at);
CREATE TABLE notification_deliveries (
  id {{id}},
  notification_id {{bigint}} NOT NULL REFERENCES notifications(id),
  enterprise_id {{bigint}} NOT NULL,
  channel {{text}} NOT NULL,
  recipient_user_id {{bigint}} NOT NULL DEFAULT 0,
  recipient_role {{text}} NOT NULL DEFAULT '',
  recipient_name {{text}} NOT NULL DEFAULT '',
  phone {{text}} NOT NULL DEFAULT '',
  idempotency_key {{text}} NOT NULL UNIQUE,
  status {{text}} NOT NULL,
  attempts {{bigint}} NOT NULL DEFAULT 0,
  next_attempt_at {{timestamp}} NOT NULL DEFAULT '',
  lease_until {{timestamp}} NOT NULL DEFAULT '',
  sent_at {{timestamp}} NOT NULL DEFAULT '',
  sent_day {{text}} NOT NULL DEFAULT '',
  provider_id {{text}} NOT NULL DEFAULT '',
  last_error {{text}} NOT NULL DEFAULT '',
  created_at {{timestamp}} NOT NULL
);
CREATE INDEX deliveries_due ON notification_deliveries (status, next_attempt_at, id);
CREATE INDEX deliveries_by_notification ON notification_deliveries (notification_id);
CREATE INDEX deliveries_per_day ON notification_deliveries (enterprise_id, channel, sent_day);
CREATE TABLE messages (
  id {{id}},
  enterprise_id {{bigint}} NOT NULL,
  notification_id {{bigint}} NOT NULL UNIQUE REFERENCES notifications(id),
  kind {{text}} NOT NULL,
  title {{text}} NOT NULL,
  body {{text}} NOT NULL,
  link {{text}} NOT NULL DEFAULT '',
  application_id {{bigint}} NOT NULL DEFAULT 0,
  policy_id {{text}} NOT NULL DEFAULT '',
  created_at {{timestamp}} NOT NULL
);
CREATE INDEX messages_by_enterprise ON messages (enterprise_id, id);
CREATE TABLE message_reads (
  message_id {{bigint}} NOT NULL REFERENCES messages(id),
  user_id {{bigint}} NOT NULL,
  read_at {{timestamp}} NOT NULL,
  PRIMARY KEY (message_id, user_id)
);
CREATE TABLE notification_optouts (
  enterprise_id {{bigint}} NOT NULL,
  channel {{text}} NOT NULL,
  created_by {{bigint}} NOT NULL DEFAULT 0,
  created_at {{timestamp}} NOT NULL,
  PRIMARY KEY (enterprise_id, channel)
);
CREATE TABLE notification_state (
  key {{text}} NOT NULL PRIMARY KEY,
  value {{text}} NOT NULL
))SQL"},
                                 }};
  return kSet;
}

const char* channel_name(Channel c) {
  return c == Channel::kSms ? "sms" : "site";
}

std::optional<Channel> parse_channel(std::string_view name) {
  if (name == "site") return Channel::kSite;
  if (name == "sms") return Channel::kSms;
  return std::nullopt;
}

namespace {

std::string channels_text(const std::vector<Channel>& cs) {
  std::string out;
  bool site = false, sms = false;
  for (Channel c : cs) (c == Channel::kSms ? sms : site) = true;
  if (site) out = "site";
  if (sms) out += out.empty() ? "sms" : ",sms";
  return out;
}

std::vector<Channel> parse_channels(std::string_view text) {
  std::vector<Channel> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    std::string_view part = text.substr(
        start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    if (auto c = parse_channel(part)) out.push_back(*c);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

std::string params_text(const std::vector<std::pair<std::string, std::string>>& params) {
  json j = json::object();
  for (const auto& [k, v] : params) j[k] = v;
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::vector<std::pair<std::string, std::string>> parse_params(const std::string& text) {
  std::vector<std::pair<std::string, std::string>> out;
  json j = json::parse(text, nullptr, false);
  if (!j.is_object()) return out;
  for (auto& [k, v] : j.items())
    out.emplace_back(k, v.is_string() ? v.get<std::string>() : v.dump());
  return out;
}

Status validate(const Notification& n) {
  if (n.kind.empty() || n.template_id.empty() || n.dedup_key.empty())
    return Error("notifications.invalid", "通知缺少事件类型、模板或去重键");
  if (n.enterprise_id <= 0) return Error("notifications.invalid", "通知的企业编号必须是正整数");
  if (channels_text(n.channels).empty())
    return Error("notifications.invalid", "通知至少需要一个渠道");
  return Status::Ok();
}

// Inserts one notification; the id when new, nullopt when the key exists.
Result<std::optional<int64_t>> insert_one(Tx& tx, const Notification& n) {
  ZHIDA_TRY(validate(n));
  std::string created = n.created_at.empty() ? timestamp_now() : n.created_at;
  auto rows = tx.query(
      "INSERT INTO notifications (dedup_key, kind, enterprise_id, template_id, params, channels, "
      "application_id, policy_id, link, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) "
      "ON CONFLICT (dedup_key) DO NOTHING RETURNING id",
      {n.dedup_key, n.kind, n.enterprise_id, n.template_id, params_text(n.params),
       channels_text(n.channels), n.application_id, n.policy_id, n.link, created});
  if (!rows.ok()) return rows.error();
  if (rows->empty()) return std::optional<int64_t>();
  ZHIDA_ASSIGN_OR_RETURN(int64_t id, rows->front().get<int64_t>(0));
  return std::optional<int64_t>(id);
}

const char* kDeliveryColumns =
    "id, notification_id, enterprise_id, channel, recipient_user_id, recipient_role, "
    "recipient_name, phone, "
    "idempotency_key, status, attempts, next_attempt_at, lease_until, sent_at, last_error, "
    "created_at";

Result<Delivery> delivery_from(const Row& r) {
  Delivery d;
  ZHIDA_ASSIGN_OR_RETURN(d.id, r.get<int64_t>(0));
  ZHIDA_ASSIGN_OR_RETURN(d.notification_id, r.get<int64_t>(1));
  ZHIDA_ASSIGN_OR_RETURN(d.enterprise_id, r.get<int64_t>(2));
  ZHIDA_ASSIGN_OR_RETURN(std::string ch, r.get<std::string>(3));
  d.channel = parse_channel(ch).value_or(Channel::kSite);
  ZHIDA_ASSIGN_OR_RETURN(d.recipient_user_id, r.get<int64_t>(4));
  ZHIDA_ASSIGN_OR_RETURN(d.recipient_role, r.get<std::string>(5));
  ZHIDA_ASSIGN_OR_RETURN(d.recipient_name, r.get<std::string>(6));
  ZHIDA_ASSIGN_OR_RETURN(d.phone, r.get<std::string>(7));
  ZHIDA_ASSIGN_OR_RETURN(d.idempotency_key, r.get<std::string>(8));
  ZHIDA_ASSIGN_OR_RETURN(d.status, r.get<std::string>(9));
  ZHIDA_ASSIGN_OR_RETURN(d.attempts, r.get<int64_t>(10));
  ZHIDA_ASSIGN_OR_RETURN(d.next_attempt_at, r.get<std::string>(11));
  ZHIDA_ASSIGN_OR_RETURN(d.lease_until, r.get<std::string>(12));
  ZHIDA_ASSIGN_OR_RETURN(d.sent_at, r.get<std::string>(13));
  ZHIDA_ASSIGN_OR_RETURN(d.last_error, r.get<std::string>(14));
  ZHIDA_ASSIGN_OR_RETURN(d.created_at, r.get<std::string>(15));
  return d;
}

Result<std::vector<Delivery>> deliveries_from(const Result<Rows>& rows) {
  if (!rows.ok()) return rows.error();
  std::vector<Delivery> out;
  out.reserve(rows->size());
  for (const Row& r : *rows) {
    ZHIDA_ASSIGN_OR_RETURN(Delivery d, delivery_from(r));
    out.push_back(std::move(d));
  }
  return out;
}

const char* kNotificationColumns =
    "id, kind, enterprise_id, template_id, params, channels, dedup_key, application_id, policy_id, "
    "link, "
    "created_at, expanded";

Result<NotificationRow> notification_from(const Row& r) {
  NotificationRow n;
  ZHIDA_ASSIGN_OR_RETURN(n.id, r.get<int64_t>(0));
  ZHIDA_ASSIGN_OR_RETURN(n.kind, r.get<std::string>(1));
  ZHIDA_ASSIGN_OR_RETURN(n.enterprise_id, r.get<int64_t>(2));
  ZHIDA_ASSIGN_OR_RETURN(n.template_id, r.get<std::string>(3));
  ZHIDA_ASSIGN_OR_RETURN(std::string params, r.get<std::string>(4));
  n.params = parse_params(params);
  ZHIDA_ASSIGN_OR_RETURN(std::string channels, r.get<std::string>(5));
  n.channels = parse_channels(channels);
  ZHIDA_ASSIGN_OR_RETURN(n.dedup_key, r.get<std::string>(6));
  ZHIDA_ASSIGN_OR_RETURN(n.application_id, r.get<int64_t>(7));
  ZHIDA_ASSIGN_OR_RETURN(n.policy_id, r.get<std::string>(8));
  ZHIDA_ASSIGN_OR_RETURN(n.link, r.get<std::string>(9));
  ZHIDA_ASSIGN_OR_RETURN(n.created_at, r.get<std::string>(10));
  ZHIDA_ASSIGN_OR_RETURN(n.expanded, r.get<bool>(11));
  return n;
}

const char* kMessageColumns =
    "m.id, m.enterprise_id, m.notification_id, m.kind, m.title, m.body, m.link, m.application_id, "
    "m.policy_id, "
    "m.created_at, COALESCE(r.read_at, '')";

Result<Message> message_from(const Row& r) {
  Message m;
  ZHIDA_ASSIGN_OR_RETURN(m.id, r.get<int64_t>(0));
  ZHIDA_ASSIGN_OR_RETURN(m.enterprise_id, r.get<int64_t>(1));
  ZHIDA_ASSIGN_OR_RETURN(m.notification_id, r.get<int64_t>(2));
  ZHIDA_ASSIGN_OR_RETURN(m.kind, r.get<std::string>(3));
  ZHIDA_ASSIGN_OR_RETURN(m.title, r.get<std::string>(4));
  ZHIDA_ASSIGN_OR_RETURN(m.body, r.get<std::string>(5));
  ZHIDA_ASSIGN_OR_RETURN(m.link, r.get<std::string>(6));
  ZHIDA_ASSIGN_OR_RETURN(m.application_id, r.get<int64_t>(7));
  ZHIDA_ASSIGN_OR_RETURN(m.policy_id, r.get<std::string>(8));
  ZHIDA_ASSIGN_OR_RETURN(m.created_at, r.get<std::string>(9));
  ZHIDA_ASSIGN_OR_RETURN(m.read_at, r.get<std::string>(10));
  return m;
}

}  // namespace

Result<Enqueued> enqueue_notification(Tx& tx, const Notification& n) {
  ZHIDA_ASSIGN_OR_RETURN(std::optional<int64_t> id, insert_one(tx, n));
  if (id) {
    auto seq = tx.append_change("notifications", std::to_string(*id), "{}");
    if (!seq.ok()) return seq.error();
    return Enqueued{*id, true};
  }
  ZHIDA_ASSIGN_OR_RETURN(
      int64_t existing,
      tx.query_value<int64_t>("SELECT id FROM notifications WHERE dedup_key = $1", {n.dedup_key}));
  return Enqueued{existing, false};
}

Result<int64_t> enqueue_notifications(Tx& tx, const std::vector<Notification>& ns) {
  int64_t created = 0;
  int64_t last = 0;
  for (const Notification& n : ns) {
    ZHIDA_ASSIGN_OR_RETURN(std::optional<int64_t> id, insert_one(tx, n));
    if (id) {
      ++created;
      last = *id;
    }
  }
  if (created > 0) {
    auto seq = tx.append_change("notifications", std::to_string(last), "{}");
    if (!seq.ok()) return seq.error();
  }
  return created;
}

Result<std::vector<NotificationRow>> unexpanded_notifications(Tx& tx, int limit) {
  auto rows = tx.query(
      fmt::format("SELECT {} FROM notifications WHERE expanded = FALSE ORDER BY id LIMIT $1",
                  kNotificationColumns),
      {limit});
  if (!rows.ok()) return rows.error();
  std::vector<NotificationRow> out;
  for (const Row& r : *rows) {
    ZHIDA_ASSIGN_OR_RETURN(NotificationRow n, notification_from(r));
    out.push_back(std::move(n));
  }
  return out;
}

Result<std::optional<NotificationRow>> get_notification(Tx& tx, int64_t id) {
  auto row = tx.query_optional(
      fmt::format("SELECT {} FROM notifications WHERE id = $1", kNotificationColumns), {id});
  if (!row.ok()) return row.error();
  if (!*row) return std::optional<NotificationRow>();
  ZHIDA_ASSIGN_OR_RETURN(NotificationRow n, notification_from(**row));
  return std::optional<NotificationRow>(std::move(n));
}

Status expand_notification(Tx& tx, int64_t notification_id,
                           const std::vector<Delivery>& deliveries) {
  for (const Delivery& d : deliveries) {
    auto r = tx.exec(
        "INSERT INTO notification_deliveries (notification_id, enterprise_id, channel, "
        "recipient_user_id, "
        "recipient_role, recipient_name, phone, idempotency_key, status, next_attempt_at, "
        "last_error, created_at) "
        "VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12) ON CONFLICT (idempotency_key) DO NOTHING",
        {notification_id, d.enterprise_id, channel_name(d.channel), d.recipient_user_id,
         d.recipient_role, d.recipient_name, d.phone, d.idempotency_key,
         d.status.empty() ? std::string("pending") : d.status, d.next_attempt_at, d.last_error,
         d.created_at.empty() ? timestamp_now() : d.created_at});
    if (!r.ok()) return r.error();
  }
  auto r = tx.exec("UPDATE notifications SET expanded = TRUE WHERE id = $1", {notification_id});
  if (!r.ok()) return r.error();
  return Status::Ok();
}

Result<std::vector<Delivery>> due_deliveries(Tx& tx, const std::string& now, int limit) {
  return deliveries_from(
      tx.query(fmt::format("SELECT {} FROM notification_deliveries WHERE (status = 'pending' AND "
                           "next_attempt_at <= $1) "
                           "OR (status = 'sending' AND lease_until <= $1) ORDER BY id LIMIT $2",
                           kDeliveryColumns),
               {now, limit}));
}

Result<std::optional<Delivery>> get_delivery(Tx& tx, int64_t id) {
  auto rows = deliveries_from(tx.query(
      fmt::format("SELECT {} FROM notification_deliveries WHERE id = $1", kDeliveryColumns), {id}));
  if (!rows.ok()) return rows.error();
  if (rows->empty()) return std::optional<Delivery>();
  return std::optional<Delivery>(std::move(rows->front()));
}

Result<bool> claim_delivery(Tx& tx, int64_t id, const std::string& now,
                            const std::string& lease_until, const std::string& day) {
  auto n = tx.exec(
      "UPDATE notification_deliveries SET status = 'sending', attempts = attempts + 1, lease_until "
      "= $3, "
      "sent_day = $4 WHERE id = $1 AND ((status = 'pending' AND next_attempt_at <= $2) OR (status "
      "= 'sending' AND "
      "lease_until <= $2))",
      {id, now, lease_until, day});
  if (!n.ok()) return n.error();
  return *n == 1;
}

Status mark_delivery_sent(Tx& tx, int64_t id, const std::string& now, const std::string& day,
                          const std::string& provider_id) {
  auto n = tx.exec(
      "UPDATE notification_deliveries SET status = 'sent', sent_at = $2, sent_day = $3, "
      "provider_id = $4, "
      "lease_until = '', last_error = '' WHERE id = $1",
      {id, now, day, provider_id});
  if (!n.ok()) return n.error();
  return Status::Ok();
}

Status mark_delivery_retry(Tx& tx, int64_t id, const std::string& next_attempt_at,
                           const std::string& error) {
  auto n = tx.exec(
      "UPDATE notification_deliveries SET status = 'pending', next_attempt_at = $2, last_error = "
      "$3, lease_until = '' "
      "WHERE id = $1 AND status = 'sending'",
      {id, next_attempt_at, error});
  if (!n.ok()) return n.error();
  return Status::Ok();
}

Status mark_delivery_failed(Tx& tx, int64_t id, const std::string& error) {
  auto n = tx.exec(
      "UPDATE notification_deliveries SET status = 'failed', last_error = $2, lease_until = '' "
      "WHERE id = $1",
      {id, error});
  if (!n.ok()) return n.error();
  return Status::Ok();
}

Status mark_delivery_skipped(Tx& tx, int64_t id, const std::string& reason) {
  auto n = tx.exec(
      "UPDATE notification_deliveries SET status = 'skipped', last_error = $2, lease_until = '' "
      "WHERE id = $1",
      {id, reason});
  if (!n.ok()) return n.error();
  return Status::Ok();
}

Status defer_delivery(Tx& tx, int64_t id, const std::string& next_attempt_at,
                      const std::string& reason) {
  auto n = tx.exec(
      "UPDATE notification_deliveries SET status = 'pending', next_attempt_at = $2, last_error = "
      "$3, "
      "lease_until = '', attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END WHERE id = "
      "$1",
      {id, next_attempt_at, reason});
  if (!n.ok()) return n.error();
  return Status::Ok();
}

Result<int64_t> deliveries_sent_on(Tx& tx, int64_t enterprise_id, Channel channel,
                                   const std::string& day) {
  return tx.query_value<int64_t>(
      "SELECT COUNT(*) FROM notification_deliveries WHERE enterprise_id = $1 AND channel = $2 AND "
      "sent_day = $3 "
      "AND status IN ('sent', 'sending')",
      {enterprise_id, channel_name(channel), day});
}

Result<std::vector<Delivery>> list_deliveries(Tx& tx, const std::string& status,
                                              int64_t enterprise_id, int limit, int offset) {
  return deliveries_from(tx.query(
      fmt::format(
          "SELECT {} FROM notification_deliveries WHERE ($1 = '' OR status = $1) AND ($2 = 0 OR "
          "enterprise_id = $2) ORDER BY id DESC LIMIT $3 OFFSET $4",
          kDeliveryColumns),
      {status, enterprise_id, limit, offset}));
}

Result<std::vector<std::pair<std::string, int64_t>>> delivery_counts(Tx& tx) {
  auto rows = tx.query(
      "SELECT channel || ':' || status, COUNT(*) FROM notification_deliveries GROUP BY channel, "
      "status "
      "ORDER BY 1");
  if (!rows.ok()) return rows.error();
  std::vector<std::pair<std::string, int64_t>> out;
  for (const Row& r : *rows) {
    ZHIDA_ASSIGN_OR_RETURN(std::string k, r.get<std::string>(0));
    ZHIDA_ASSIGN_OR_RETURN(int64_t n, r.get<int64_t>(1));
    out.emplace_back(std::move(k), n);
  }
  return out;
}

Result<bool> retry_delivery(Tx& tx, int64_t id) {
  auto n = tx.exec(
      "UPDATE notification_deliveries SET status = 'pending', attempts = 0, next_attempt_at = '', "
      "last_error = '' "
      "WHERE id = $1 AND status = 'failed'",
      {id});
  if (!n.ok()) return n.error();
  if (*n == 1) ZHIDA_TRY(tx.append_change("notifications", std::to_string(id), "{}"));
  return *n == 1;
}

Result<int64_t> insert_message(Tx& tx, const Message& m) {
  auto rows = tx.query(
      "INSERT INTO messages (enterprise_id, notification_id, kind, title, body, link, "
      "application_id, policy_id, "
      "created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) ON CONFLICT (notification_id) DO NOTHING "
      "RETURNING id",
      {m.enterprise_id, m.notification_id, m.kind, m.title, m.body, m.link, m.application_id,
       m.policy_id, m.created_at.empty() ? timestamp_now() : m.created_at});
  if (!rows.ok()) return rows.error();
  if (!rows->empty()) return rows->front().get<int64_t>(0);
  return tx.query_value<int64_t>("SELECT id FROM messages WHERE notification_id = $1",
                                 {m.notification_id});
}

namespace {
std::string message_where(const MessageQuery& q) {
  std::string w = "m.enterprise_id = $1 AND ($3 = 0 OR m.application_id = $3)";
  if (q.unread_only) w += " AND r.read_at IS NULL";
  return w;
}
}  // namespace

Result<std::vector<Message>> list_messages(Tx& tx, const MessageQuery& q) {
  auto rows = tx.query(fmt::format("SELECT {} FROM messages m LEFT JOIN message_reads r ON "
                                   "r.message_id = m.id AND r.user_id = $2 "
                                   "WHERE {} ORDER BY m.id DESC LIMIT $4 OFFSET $5",
                                   kMessageColumns, message_where(q)),
                       {q.enterprise_id, q.user_id, q.application_id, q.limit, q.offset});
  if (!rows.ok()) return rows.error();
  std::vector<Message> out;
  for (const Row& r : *rows) {
    ZHIDA_ASSIGN_OR_RETURN(Message m, message_from(r));
    out.push_back(std::move(m));
  }
  return out;
}

Result<int64_t> count_messages(Tx& tx, const MessageQuery& q) {
  return tx.query_value<int64_t>(
      fmt::format("SELECT COUNT(*) FROM messages m LEFT JOIN message_reads r ON r.message_id = "
                  "m.id AND r.user_id = "
                  "$2 WHERE {}",
                  message_where(q)),
      {q.enterprise_id, q.user_id, q.application_id});
}

Result<std::optional<Message>> get_message(Tx& tx, int64_t id, int64_t user_id) {
  auto row = tx.query_optional(fmt::format("SELECT {} FROM messages m LEFT JOIN message_reads r ON "
                                           "r.message_id = m.id AND r.user_id = $2 "
                                           "WHERE m.id = $1",
                                           kMessageColumns),
                               {id, user_id});
  if (!row.ok()) return row.error();
  if (!*row) return std::optional<Message>();
  ZHIDA_ASSIGN_OR_RETURN(Message m, message_from(**row));
  return std::optional<Message>(std::move(m));
}

Result<bool> mark_message_read(Tx& tx, int64_t message_id, int64_t enterprise_id, int64_t user_id,
                               const std::string& now) {
  auto owner = tx.query_optional("SELECT enterprise_id FROM messages WHERE id = $1", {message_id});
  if (!owner.ok()) return owner.error();
  if (!*owner) return false;
  ZHIDA_ASSIGN_OR_RETURN(int64_t eid, (*owner)->get<int64_t>(0));
  if (eid != enterprise_id) return false;
  auto n = tx.exec(
      "INSERT INTO message_reads (message_id, user_id, read_at) VALUES ($1,$2,$3) ON CONFLICT "
      "(message_id, user_id) "
      "DO NOTHING",
      {message_id, user_id, now});
  if (!n.ok()) return n.error();
  return true;
}

Result<int64_t> mark_all_messages_read(Tx& tx, int64_t enterprise_id, int64_t user_id,
                                       const std::string& now) {
  return tx.exec(
      "INSERT INTO message_reads (message_id, user_id, read_at) SELECT m.id, $2, $3 FROM messages "
      "m WHERE "
      "m.enterprise_id = $1 AND NOT EXISTS (SELECT 1 FROM message_reads r WHERE r.message_id = "
      "m.id AND r.user_id = "
      "$2)",
      {enterprise_id, user_id, now});
}

Status set_opt_out(Tx& tx, int64_t enterprise_id, Channel channel, bool opted_out, int64_t user_id,
                   const std::string& now) {
  Result<int64_t> n =
      opted_out
          ? tx.exec(
                "INSERT INTO notification_optouts (enterprise_id, channel, created_by, created_at) "
                "VALUES ($1,$2,$3,$4) ON CONFLICT (enterprise_id, channel) DO NOTHING",
                {enterprise_id, channel_name(channel), user_id, now})
          : tx.exec("DELETE FROM notification_optouts WHERE enterprise_id = $1 AND channel = $2",
                    {enterprise_id, channel_name(channel)});
  if (!n.ok()) return n.error();
  return Status::Ok();
}

Result<bool> is_opted_out(Tx& tx, int64_t enterprise_id, Channel channel) {
  auto row = tx.query_optional(
      "SELECT 1 FROM notification_optouts WHERE enterprise_id = $1 AND channel = $2",
      {enterprise_id, channel_name(channel)});
  if (!row.ok()) return row.error();
  return row->has_value();
}

Result<std::vector<Channel>> opted_out_channels(Tx& tx, int64_t enterprise_id) {
  auto rows =
      tx.query("SELECT channel FROM notification_optouts WHERE enterprise_id = $1 ORDER BY channel",
               {enterprise_id});
  if (!rows.ok()) return rows.error();
  std::vector<Channel> out;
  for (const Row& r : *rows) {
    ZHIDA_ASSIGN_OR_RETURN(std::string c, r.get<std::string>(0));
    if (auto ch = parse_channel(c)) out.push_back(*ch);
  }
  return out;
}

Result<std::optional<std::string>> notification_state(Tx& tx, const std::string& key) {
  auto row = tx.query_optional("SELECT value FROM notification_state WHERE key = $1", {key});
  if (!row.ok()) return row.error();
  if (!*row) return std::optional<std::string>();
  ZHIDA_ASSIGN_OR_RETURN(std::string v, (*row)->get<std::string>(0));
  return std::optional<std::string>(std::move(v));
}

Status set_notification_state(Tx& tx, const std::string& key, const std::string& value) {
  auto n = tx.exec(
      "INSERT INTO notification_state (key, value) VALUES ($1,$2) ON CONFLICT (key) DO UPDATE SET "
      "value = "
      "excluded.value",
      {key, value});
  if (!n.ok()) return n.error();
  return Status::Ok();
}

Result<bool> notification_exists(Tx& tx, const std::string& dedup_key) {
  auto row = tx.query_optional("SELECT 1 FROM notifications WHERE dedup_key = $1", {dedup_key});
  if (!row.ok()) return row.error();
  return row->has_value();
}

}  // namespace zhida::store
