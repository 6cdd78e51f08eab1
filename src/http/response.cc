#include "http/response.h"

#include <nlohmann/json.hpp>

#include "http/url.h"

namespace zhida::http {

namespace {

std::string sanitize_header(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c == '\r' || c == '\n' || c == '\0') c = ' ';
  return out;
}

// RFC 6265 cookie-octet (and, for names, token characters without '=').
bool cookie_safe(unsigned char c, bool is_name) {
  if (c <= 0x20 || c >= 0x7F) return false;
  switch (c) {
    case '"':
    case ',':
    case ';':
    case '\\':
    case '%':  // ours: keeps the encoding reversible
      return false;
    case '=':
    case '(':
    case ')':
    case '<':
    case '>':
    case '@':
    case ':':
    case '/':
    case '[':
    case ']':
    case '?':
    case '{':
    case '}':
      return !is_name;
    default:
      return true;
  }
}

std::string cookie_encode(std::string_view s, bool is_name) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (cookie_safe(u, is_name)) {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 15]);
    }
  }
  return out;
}

}  // namespace

Response Response::json(int status, const nlohmann::json& value) {
  Response r(status);
  r.content_type = "application/json";
  r.body = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

Response Response::error(int status, std::string_view code, std::string_view message) {
  return json(status, {{"error", {{"code", code}, {"message", message}}}});
}

Response Response::error(int status, std::string_view code, std::string_view message,
                         const nlohmann::json& details) {
  return json(status, {{"error", {{"code", code}, {"message", message}, {"details", details}}}});
}

Response Response::from_error(int status, const Error& error) {
  return Response::error(status, error.code, error.message);
}

Response Response::text(int status, std::string body, std::string_view content_type) {
  Response r(status);
  r.content_type = std::string(content_type);
  r.body = std::move(body);
  return r;
}

Response Response::download(std::string bytes, std::string_view content_type,
                            std::string_view filename) {
  Response r(200);
  r.content_type = std::string(content_type);
  r.body = std::move(bytes);
  r.set_attachment(filename);
  return r;
}

void Response::set_cookie(std::string_view name, std::string_view value,
                          const CookieOptions& options) {
  std::string v = cookie_encode(name, true);
  v += '=';
  v += cookie_encode(value, false);
  if (!options.path.empty()) {
    v += "; Path=";
    v += cookie_encode(options.path, false);
  }
  if (options.max_age) {
    v += "; Max-Age=";
    v += std::to_string(*options.max_age < 0 ? 0 : *options.max_age);
  }
  if (options.http_only) v += "; HttpOnly";
  // Browsers refuse SameSite=None without Secure.
  if (options.secure || options.same_site == SameSite::kNone) v += "; Secure";
  switch (options.same_site) {
    case SameSite::kLax:
      v += "; SameSite=Lax";
      break;
    case SameSite::kStrict:
      v += "; SameSite=Strict";
      break;
    case SameSite::kNone:
      v += "; SameSite=None";
      break;
    case SameSite::kUnset:
      break;
  }
  headers.add("Set-Cookie", std::move(v));
}

void Response::clear_cookie(std::string_view name, const CookieOptions& options) {
  CookieOptions o = options;
  o.max_age = 0;
  set_cookie(name, "", o);
}

void Response::set_attachment(std::string_view filename) {
  headers.set("Content-Disposition", content_disposition("attachment", filename));
}

Response& Response::set_header(std::string_view name, std::string_view value) {
  headers.set(sanitize_header(name), sanitize_header(value));
  return *this;
}

Response& Response::add_header(std::string_view name, std::string_view value) {
  headers.add(sanitize_header(name), sanitize_header(value));
  return *this;
}

}  // namespace zhida::http
