// Notifications (C4): in-site messages (站内信), per-firm opt-outs, and the
// outbox's deliveries for staff (failed SMS are visible and can be retried).
#include <fmt/format.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "http/api/api.h"
#include "http/api/common.h"
#include "http/api/session.h"
#include "http/json_body.h"
#include "store/notifications_store.h"

namespace zhida::http {

namespace {

using nlohmann::json;

json message_json(const store::Message& m) {
  return {{"id", m.id},
          {"enterprise_id", m.enterprise_id},
          {"kind", m.kind},
          {"title", m.title},
          {"body", m.body},
          {"link", m.link},
          {"application_id", m.application_id == 0 ? json(nullptr) : json(m.application_id)},
          {"policy_id", m.policy_id.empty() ? json(nullptr) : json(m.policy_id)},
          {"created_at", m.created_at},
          {"read", !m.read_at.empty()},
          {"read_at", m.read_at.empty() ? json(nullptr) : json(m.read_at)}};
}

// 13812345678 -> 138****5678
std::string mask_phone(const std::string& phone) {
  if (phone.size() < 7) return phone.empty() ? "" : "****";
  return phone.substr(0, 3) + std::string(phone.size() - 7, '*') + "****" +
         phone.substr(phone.size() - 4);
}

json delivery_json(const store::Delivery& d) {
  return {{"id", d.id},
          {"notification_id", d.notification_id},
          {"enterprise_id", d.enterprise_id},
          {"channel", store::channel_name(d.channel)},
          {"recipient_role", d.recipient_role},
          {"recipient_name", d.recipient_name},
          {"phone", mask_phone(d.phone)},
          {"status", d.status},
          {"attempts", d.attempts},
          {"next_attempt_at", d.next_attempt_at},
          {"sent_at", d.sent_at},
          {"last_error", d.last_error},
          {"created_at", d.created_at}};
}

// The firm whose messages the request is about: an enterprise user's own;
// staff name it with ?enterprise_id=.
std::optional<int64_t> message_firm(const Request& req, Response* err) {
  const Principal* p = principal_of(req);
  if (services::is_enterprise_role(p->role)) return p->enterprise_id;
  auto id = int_query(req, "enterprise_id", 0, 0, 999'999'999'999'999'999, err);
  if (!id) return std::nullopt;
  if (*id == 0) {
    *err =
        Response::error(400, "bad_request.missing_query", "政府端查看站内信需指定 enterprise_id");
    return std::nullopt;
  }
  return *id;
}

json settings_json(int64_t enterprise_id, const std::vector<store::Channel>& off) {
  auto receives = [&](store::Channel c) {
    return std::find(off.begin(), off.end(), c) == off.end();
  };
  return {{"enterprise_id", enterprise_id},
          {"site", receives(store::Channel::kSite)},
          {"sms", receives(store::Channel::kSms)}};
}

}  // namespace

void register_messages_routes(Router& router, Api& api) {
  router.get("/api/v1/messages",
             [&api](Request& req) {
               Response err;
               auto firm = message_firm(req, &err);
               if (!firm) return err;
               auto limit = int_query(req, "limit", 50, 1, 500, &err);
               if (!limit) return err;
               auto offset = int_query(req, "offset", 0, 0, 1'000'000'000, &err);
               if (!offset) return err;
               auto app = int_query(req, "application_id", 0, 0, 999'999'999'999'999'999, &err);
               if (!app) return err;
               store::MessageQuery q;
               q.enterprise_id = *firm;
               q.user_id = principal_of(req)->user_id;
               q.unread_only = req.query_param("unread").value_or("") == "true";
               q.application_id = *app;
               q.limit = static_cast<int>(*limit);
               q.offset = static_cast<int>(*offset);
               auto items = api.services.notifications->messages(q);
               if (!items.ok()) return error_response(items.error());
               auto total = api.services.notifications->message_count(q);
               if (!total.ok()) return error_response(total.error());
               store::MessageQuery unread = q;
               unread.unread_only = true;
               unread.application_id = 0;
               auto unread_n = api.services.notifications->message_count(unread);
               if (!unread_n.ok()) return error_response(unread_n.error());
               json out = json::array();
               for (const auto& m : *items) out.push_back(message_json(m));
               return Response::json(200, {{"items", out},
                                           {"total", *total},
                                           {"unread", *unread_n},
                                           {"offset", q.offset},
                                           {"limit", q.limit}});
             },
             {.summary = "站内信：企业用户看本企业的，政府端按 enterprise_id 查看",
              .tags = {"messages", "any"}});

  router.post("/api/v1/messages/{id}/read",
              [&api](Request& req) {
                Response err;
                auto id = id_param(req, "id", &err);
                if (!id) return err;
                const Principal* p = principal_of(req);
                auto ok = api.services.notifications->mark_read(*id, p->enterprise_id, p->user_id);
                if (!ok.ok()) return error_response(ok.error());
                if (!*ok) return Response::error(404, "not_found", "没有找到该消息");
                return Response::json(200, {{"id", *id}, {"read", true}});
              },
              {.summary = "把一条站内信标为已读（本人）",
               .tags = {"messages", "allow:enterprise_legal,enterprise_agent"}});

  router.post("/api/v1/messages/read-all",
              [&api](Request& req) {
                const Principal* p = principal_of(req);
                auto n = api.services.notifications->mark_all_read(p->enterprise_id, p->user_id);
                if (!n.ok()) return error_response(n.error());
                return Response::json(200, {{"marked", *n}});
              },
              {.summary = "把本企业的全部站内信标为已读（本人）",
               .tags = {"messages", "allow:enterprise_legal,enterprise_agent"}});

  router.get("/api/v1/enterprises/{id}/notification-settings",
             [&api](Request& req) {
               Response err;
               auto id = id_param(req, "id", &err);
               if (!id) return err;
               if (auto denied = require_known_enterprise(req, api.platform, *id)) return *denied;
               auto off = api.services.notifications->opt_outs(*id);
               if (!off.ok()) return error_response(off.error());
               return Response::json(200, settings_json(*id, *off));
             },
             {.summary = "企业接收通知的设置（站内信、短信是否接收）",
              .tags = {"messages", "any", "own-enterprise"}});

  static const ObjectSchema kSettings{Field::boolean("site").optional(),
                                      Field::boolean("sms").optional()};
  router.put("/api/v1/enterprises/{id}/notification-settings",
             [&api](Request& req) {
               Response err;
               auto id = id_param(req, "id", &err);
               if (!id) return err;
               if (auto denied = require_known_enterprise(req, api.platform, *id)) return *denied;
               auto body = parse_json(req, kSettings);
               if (!body.ok()) return std::move(body).response();
               const json& j = body.value();
               services::Actor by = actor_of(req);
               for (auto [name, channel] : {std::pair{"site", store::Channel::kSite},
                                            std::pair{"sms", store::Channel::kSms}}) {
                 if (!j.contains(name)) continue;
                 Status st = api.services.notifications->set_opt_out(*id, channel,
                                                                     !j[name].get<bool>(), by);
                 if (!st.ok()) return error_response(st.error());
               }
               auto off = api.services.notifications->opt_outs(*id);
               if (!off.ok()) return error_response(off.error());
               return Response::json(200, settings_json(*id, *off));
             },
             {.summary = "退订或恢复接收本企业的站内信、短信",
              .tags = {"messages", "allow:enterprise_legal,enterprise_agent", "own-enterprise"}});

  router.get("/api/v1/notifications/deliveries",
             [&api](Request& req) {
               Response err;
               auto limit = int_query(req, "limit", 50, 1, 500, &err);
               if (!limit) return err;
               auto offset = int_query(req, "offset", 0, 0, 1'000'000'000, &err);
               if (!offset) return err;
               auto firm = int_query(req, "enterprise_id", 0, 0, 999'999'999'999'999'999, &err);
               if (!firm) return err;
               std::string status = std::string(req.query_param("status").value_or(""));
               static const std::vector<std::string> kStatuses = {"",     "pending", "sending",
                                                                  "sent", "failed",  "skipped"};
               if (std::find(kStatuses.begin(), kStatuses.end(), status) == kStatuses.end())
                 return Response::error(
                     400, "bad_request.bad_query",
                     "status 只能是 pending、sending、sent、failed、skipped 之一");
               auto items = api.services.notifications->deliveries(
                   status, *firm, static_cast<int>(*limit), static_cast<int>(*offset));
               if (!items.ok()) return error_response(items.error());
               auto counts = api.services.notifications->delivery_counts();
               if (!counts.ok()) return error_response(counts.error());
               json out = json::array();
               for (const auto& d : *items) out.push_back(delivery_json(d));
               json c = json::object();
               for (const auto& [k, n] : *counts) c[k] = n;
               return Response::json(200, {{"items", out}, {"counts", c}});
             },
             {.summary = "通知投递记录（如失败的短信）与各状态数量",
              .tags = {"messages",
                       "allow:policy_officer,reviewer,funds_officer,data_steward,auditor,leader"}});

  router.post("/api/v1/notifications/deliveries/{id}/retry",
              [&api](Request& req) {
                Response err;
                auto id = id_param(req, "id", &err);
                if (!id) return err;
                auto ok = api.services.notifications->retry(*id, actor_of(req));
                if (!ok.ok()) return error_response(ok.error());
                if (!*ok)
                  return Response::error(409, "notifications.not_failed",
                                         "只有投递失败的记录可以重试");
                return Response::json(200, {{"id", *id}, {"status", "pending"}});
              },
              {.summary = "重新投递一条失败的通知",
               .tags = {"messages", "allow:policy_officer,funds_officer,data_steward"}});
}

}  // namespace zhida::http
