#include "http/request.h"

#include "http/url.h"

namespace zhida::http {

std::optional<Request> Request::make(std::string_view method, std::string_view target,
                                     std::string body) {
  auto t = parse_target(target);
  if (!t) return std::nullopt;
  Request r;
  r.method = std::string(method);
  r.target = std::string(target);
  r.path = std::move(t->path);
  r.segments = std::move(t->segments);
  r.query = std::move(t->query);
  r.body = std::move(body);
  return r;
}

}  // namespace zhida::http
