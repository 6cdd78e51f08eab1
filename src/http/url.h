// URL and header-value codecs: percent-encoding, query strings, request
// targets, Cookie headers, Content-Disposition file names.
//
// Pure functions, thread-safe. Bad input is reported as std::nullopt, never
// thrown; the server turns it into a 400.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/fields.h"

namespace zhida::http {

// Decodes %XX escapes (and '+' as a space when plus_as_space, as in query
// strings). nullopt for a malformed escape ("%zz", a trailing "%4") or a
// decoded NUL byte. The result is bytes: it is not checked to be UTF-8.
std::optional<std::string> percent_decode(std::string_view s, bool plus_as_space = false);

// Encodes every byte outside RFC 3986 "unreserved" (A-Z a-z 0-9 - . _ ~) as
// %XX with upper-case hex digits. Suitable for path segments, query values and
// RFC 5987 ext-values.
std::string percent_encode(std::string_view s);

// Parses "a=1&b=%E4%B8%AD&a=2" (application/x-www-form-urlencoded) into
// ordered, decoded pairs; repeated keys are kept; "flag" alone gives an empty
// value; empty pieces ("a=1&&b=2") are skipped. nullopt on a bad escape.
std::optional<Params> parse_query(std::string_view query);

// A request target ("/api/v1/x%20y?q=1") taken apart.
struct Target {
  std::string path;                   // decoded; %2F decodes to '/' here
  std::vector<std::string> segments;  // path split at '/', then each decoded;
                                      // "/a/b%2Fc" -> {"a", "b/c"}; "/" -> {}
  Params query;                       // decoded
};

// Parses an origin-form target. nullopt when it does not start with '/',
// has a malformed escape, or decodes to a NUL byte.
std::optional<Target> parse_target(std::string_view target);

// Parses a Cookie request header ("a=1; b=\"two\""). Values are kept as sent
// (surrounding double quotes removed, no percent-decoding); malformed pieces
// are skipped; a repeated name keeps every value (the first is the most
// specific path, per RFC 6265).
void parse_cookie_header(std::string_view header, Params& out);

// The value of a Content-Disposition header for a download named filename
// (UTF-8, e.g. "政策匹配结果.xlsx"): an ASCII fallback for old clients plus the
// RFC 5987 form every current browser uses:
//   attachment; filename="____.xlsx"; filename*=UTF-8''%E6%94%BF...
// Path separators, quotes and control characters cannot escape the value.
std::string content_disposition(std::string_view disposition, std::string_view filename);

}  // namespace zhida::http
