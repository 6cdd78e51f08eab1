// The SMS gateway: where SMS deliveries go. A deployment points zhida at its
// provider through a configurable HTTP endpoint (usually a small adapter or
// the provider's own HTTP API); tests run a small real HTTP server.
//
// The wire contract (DESIGN.md has the details):
//   POST <url>
//   Content-Type: application/json
//   Idempotency-Key: <key>                 (also in the body)
//   <configured extra headers, e.g. Authorization>
//   {"idempotency_key":"…","phone":"138…","template":"policy_match",
//    "text":"【sign】rendered text","params":{…}}
// Replies:
//   2xx, or 409 (already received under this key)  -> accepted
//   408, 429, 5xx, no reply, timeout              -> try again later
//   any other 4xx                                  -> permanent failure
// The gateway must treat a repeated Idempotency-Key as the same message
// (send it once): zhida sends at least once, and the key makes it once.
//
// Thread-safety: senders are called from the notification worker threads
// and must be thread-safe; HttpSmsGateway is (it keeps no state per call).
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "base/result.h"
#include "services/notifications/templates.h"

namespace zhida::services {

struct SmsGatewayConfig {
  std::string url;                        // "" = no SMS is sent (deliveries are skipped)
  std::string sign = "【惠企政策直达】";  // 短信签名, put before every text
  std::vector<std::pair<std::string, std::string>> headers;  // extra request headers
  std::map<std::string, std::string> templates;              // SMS text per template id
  std::chrono::milliseconds timeout{5000};

  bool enabled() const { return !url.empty(); }
  // {"url","sign","timeout_ms","headers":{…},"templates":{…}}; unknown keys
  // are an error ("sms.config_invalid").
  static Result<SmsGatewayConfig> from_json(const nlohmann::json& j);
  static Result<SmsGatewayConfig> load(const std::string& path);
};

struct SmsMessage {
  std::string idempotency_key;
  std::string phone;
  std::string template_id;
  std::string text;  // rendered, with the signature
  TemplateParams params;
};

struct SmsOutcome {
  enum class Kind { kAccepted, kRetry, kPermanent };
  Kind kind = Kind::kRetry;
  std::string detail;       // for the delivery's last_error
  std::string provider_id;  // the gateway's message id, when it gives one
};

class SmsSender {
 public:
  virtual ~SmsSender() = default;
  virtual SmsOutcome send(const SmsMessage& m) = 0;
};

// Classifies a gateway reply (status, body) as above.
SmsOutcome classify_sms_reply(int status, const std::string& body);

class HttpSmsGateway final : public SmsSender {
 public:
  explicit HttpSmsGateway(SmsGatewayConfig config) : config_(std::move(config)) {}
  SmsOutcome send(const SmsMessage& m) override;

 private:
  SmsGatewayConfig config_;
};

}  // namespace zhida::services
