// Response: what a handler returns. A plain value with no Beast types in it;
// the server serialises it (Content-Length, keep-alive, X-Request-Id, HEAD).
//
// Every error of the API has the one shape the web UI reads:
//   {"error":{"code":"bad_request.missing_field","message":"缺少必填字段“username”"}}
// optionally with "details" (an array) inside "error". Codes are stable,
// machine-readable English; messages are Chinese, for people.
//
// Not synchronised: a Response belongs to the thread that builds it.
#pragma once

#include <cassert>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include "base/result.h"
#include "http/fields.h"

namespace zhida::http {

enum class SameSite { kLax, kStrict, kNone, kUnset };

struct CookieOptions {
  std::optional<int64_t> max_age;  // seconds; nullopt: a session cookie; 0: delete it
  bool http_only = true;           // hidden from JavaScript
  bool secure = false;             // HTTPS only; set it in production deployments
  SameSite same_site = SameSite::kLax;
  std::string path = "/";
};

class Response {
 public:
  int status = 200;
  Headers headers;           // extra headers; the server adds framing headers itself
  std::string content_type;  // "" sends no Content-Type
  std::string body;          // bytes; may be binary

  Response() = default;
  explicit Response(int s) : status(s) {}

  // The value serialised compactly as application/json. Invalid UTF-8 inside
  // strings is replaced (U+FFFD), never thrown.
  static Response json(int status, const nlohmann::json& value);
  // {"error":{"code":code,"message":message}} with the given status.
  static Response error(int status, std::string_view code, std::string_view message);
  // The same with "details" (usually an array of objects) inside "error".
  static Response error(int status, std::string_view code, std::string_view message,
                        const nlohmann::json& details);
  // An operational failure from a lower layer, e.g. from_error(503, store_error).
  static Response from_error(int status, const Error& error);
  // Plain text (content type defaults to UTF-8 text).
  static Response text(int status, std::string body,
                       std::string_view content_type = "text/plain; charset=utf-8");
  // A download: binary bytes with Content-Disposition: attachment and the file
  // name (UTF-8, Chinese allowed; RFC 5987 encoded).
  static Response download(std::string bytes, std::string_view content_type,
                           std::string_view filename);
  // 204 with no body.
  static Response no_content() { return Response(204); }

  // Adds a Set-Cookie header. The name must be a token; bytes of name or
  // value outside what RFC 6265 allows (space, ';', ',', '"', '\\', controls,
  // non-ASCII) are percent-encoded so that no input can inject attributes.
  void set_cookie(std::string_view name, std::string_view value, const CookieOptions& options = {});
  // Tells the browser to drop the cookie (empty value, Max-Age=0). path must
  // match the one it was set with.
  void clear_cookie(std::string_view name, const CookieOptions& options = {});
  // Marks the body as a download named filename (see download()).
  void set_attachment(std::string_view filename);

  // Header helpers: set replaces, add appends. CR and LF in names or values
  // are replaced by spaces (no header injection).
  Response& set_header(std::string_view name, std::string_view value);
  Response& add_header(std::string_view name, std::string_view value);
};

// A value, or the Response to return instead: what request helpers (JSON
// body parsing, session lookup ...) give back to a handler.
//
//   auto body = parse_json(req, kSchema);
//   if (!body.ok()) return std::move(body).response();
//   use(body.value());
template <typename T>
class [[nodiscard]] OrResponse {
 public:
  OrResponse(T value) : value_(std::move(value)) {}                  // NOLINT: implicit by design
  OrResponse(Response response) : response_(std::move(response)) {}  // NOLINT

  bool ok() const { return value_.has_value(); }
  explicit operator bool() const { return ok(); }

  T& value() & {
    assert(ok());
    return *value_;
  }
  const T& value() const& {
    assert(ok());
    return *value_;
  }
  T&& value() && {
    assert(ok());
    return std::move(*value_);
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Response& response() const& {
    assert(!ok());
    return response_;
  }
  Response&& response() && {
    assert(!ok());
    return std::move(response_);
  }

 private:
  std::optional<T> value_;
  Response response_;
};

}  // namespace zhida::http
