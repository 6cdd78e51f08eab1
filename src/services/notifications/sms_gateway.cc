#include "services/notifications/sms_gateway.h"

#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "services/notifications/http_client.h"

namespace zhida::services {

using nlohmann::json;

Result<SmsGatewayConfig> SmsGatewayConfig::from_json(const json& j) {
  auto bad = [](const std::string& why) {
    return Error("sms.config_invalid", "短信网关配置不正确：" + why);
  };
  if (!j.is_object()) return bad("应为 JSON 对象");
  SmsGatewayConfig c;
  for (const auto& [key, v] : j.items()) {
    if (key == "url") {
      if (!v.is_string()) return bad("url 应为字符串");
      c.url = v.get<std::string>();
      if (!c.url.empty()) {
        auto u = parse_http_url(c.url);
        if (!u.ok()) return bad(u.error().message);
      }
    } else if (key == "sign") {
      if (!v.is_string()) return bad("sign 应为字符串");
      c.sign = v.get<std::string>();
    } else if (key == "timeout_ms") {
      if (!v.is_number_integer() || v.get<int64_t>() <= 0 || v.get<int64_t>() > 600000)
        return bad("timeout_ms 应为 1 到 600000 之间的整数");
      c.timeout = std::chrono::milliseconds(v.get<int64_t>());
    } else if (key == "headers") {
      if (!v.is_object()) return bad("headers 应为对象");
      for (const auto& [h, hv] : v.items()) {
        if (!hv.is_string()) return bad("headers 的值应为字符串");
        c.headers.emplace_back(h, hv.get<std::string>());
      }
    } else if (key == "templates") {
      if (!v.is_object()) return bad("templates 应为对象（模板编号 → 短信内容）");
      for (const auto& [t, tv] : v.items()) {
        if (!tv.is_string()) return bad(fmt::format("模板“{}”的内容应为字符串", t));
        c.templates[t] = tv.get<std::string>();
      }
    } else {
      return bad(fmt::format("未知字段“{}”", key));
    }
  }
  return c;
}

Result<SmsGatewayConfig> SmsGatewayConfig::load(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Error("sms.config_invalid", fmt::format("无法读取短信网关配置文件 {}", path));
  std::stringstream ss;
  ss << in.rdbuf();
  json j = json::parse(ss.str(), nullptr, false);
  if (j.is_discarded())
    return Error("sms.config_invalid", fmt::format("短信网关配置文件 {} 不是合法的 JSON", path));
  return from_json(j);
}

SmsOutcome classify_sms_reply(int status, const std::string& body) {
  SmsOutcome out;
  std::string snippet = body.substr(0, 200);
  if ((status >= 200 && status < 300) || status == 409) {
    out.kind = SmsOutcome::Kind::kAccepted;
    json j = json::parse(body, nullptr, false);
    if (j.is_object() && j.contains("message_id")) {
      const json& id = j["message_id"];
      out.provider_id = id.is_string() ? id.get<std::string>() : id.dump();
    }
    out.detail = status == 409 ? "网关已收到过（同一幂等键）" : "";
    return out;
  }
  out.detail = fmt::format("短信网关返回 {}：{}", status, snippet);
  bool transient = status == 408 || status == 429 || status >= 500;
  out.kind = transient ? SmsOutcome::Kind::kRetry : SmsOutcome::Kind::kPermanent;
  return out;
}

SmsOutcome HttpSmsGateway::send(const SmsMessage& m) {
  json params = json::object();
  for (const auto& [k, v] : m.params) params[k] = v;
  json body = {{"idempotency_key", m.idempotency_key},
               {"phone", m.phone},
               {"template", m.template_id},
               {"text", m.text},
               {"params", params}};
  auto headers = config_.headers;
  headers.emplace_back("Idempotency-Key", m.idempotency_key);
  auto reply =
      http_post(config_.url, headers, "application/json; charset=utf-8",
                body.dump(-1, ' ', false, json::error_handler_t::replace), config_.timeout);
  if (!reply.ok()) return SmsOutcome{SmsOutcome::Kind::kRetry, reply.error().message, ""};
  return classify_sms_reply(reply->status, reply->body);
}

}  // namespace zhida::services
