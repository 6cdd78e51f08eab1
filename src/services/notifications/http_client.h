// A minimal blocking HTTP/1.1 client for the SMS gateway: one POST per
// connection (Connection: close), plain http:// only, with a deadline on the
// whole exchange. TLS to a provider is terminated by a local forward proxy
// (see DESIGN.md): the deployment points the gateway URL at it.
//
// Thread-safety: stateless functions; call from any thread.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"

namespace zhida::services {

struct HttpUrl {
  std::string host;
  int port = 80;
  std::string target = "/";  // path and query
};
// "http://host[:port][/path]"; errors "http_client.bad_url".
Result<HttpUrl> parse_http_url(const std::string& url);

struct HttpReply {
  int status = 0;
  std::string body;
};

// POSTs body to url. Errors (no status received): "http_client.connect",
// "http_client.timeout", "http_client.io", "http_client.bad_response".
Result<HttpReply> http_post(const std::string& url,
                            const std::vector<std::pair<std::string, std::string>>& headers,
                            const std::string& content_type, const std::string& body,
                            std::chrono::milliseconds timeout);

}  // namespace zhida::services
