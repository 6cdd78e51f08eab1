#include "http/url.h"

#include <cctype>

namespace zhida::http {

namespace internal {
bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    unsigned char x = static_cast<unsigned char>(a[i]);
    unsigned char y = static_cast<unsigned char>(b[i]);
    if (x != y && std::tolower(x) != std::tolower(y)) return false;
  }
  return true;
}
}  // namespace internal

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_unreserved(unsigned char c) {
  return std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::optional<std::string> percent_decode(std::string_view s, bool plus_as_space) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '%') {
      if (i + 2 >= s.size()) return std::nullopt;
      int hi = hex_value(s[i + 1]);
      int lo = hex_value(s[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      c = static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (c == '+' && plus_as_space) {
      c = ' ';
    }
    if (c == '\0') return std::nullopt;
    out.push_back(c);
  }
  return out;
}

std::string percent_encode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (is_unreserved(u)) {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 15]);
    }
  }
  return out;
}

std::optional<Params> parse_query(std::string_view query) {
  Params out;
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view piece = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (piece.empty()) continue;
    size_t eq = piece.find('=');
    auto key = percent_decode(piece.substr(0, eq), true);
    auto value = percent_decode(
        eq == std::string_view::npos ? std::string_view() : piece.substr(eq + 1), true);
    if (!key || !value) return std::nullopt;
    out.add(std::move(*key), std::move(*value));
  }
  return out;
}

std::optional<Target> parse_target(std::string_view target) {
  if (target.empty() || target.front() != '/') return std::nullopt;
  Target t;
  size_t q = target.find('?');
  std::string_view raw_path = target.substr(0, q);
  if (size_t hash = raw_path.find('#'); hash != std::string_view::npos) {
    raw_path = raw_path.substr(0, hash);
  }
  if (q != std::string_view::npos) {
    std::string_view raw_query = target.substr(q + 1);
    if (size_t hash = raw_query.find('#'); hash != std::string_view::npos) {
      raw_query = raw_query.substr(0, hash);
    }
    auto query = parse_query(raw_query);
    if (!query) return std::nullopt;
    t.query = std::move(*query);
  }
  auto path = percent_decode(raw_path);
  if (!path) return std::nullopt;
  t.path = std::move(*path);
  // Segments are split before decoding so that an encoded '/' stays data.
  std::string_view rest = raw_path.substr(1);
  if (!rest.empty()) {
    while (true) {
      size_t slash = rest.find('/');
      auto seg = percent_decode(rest.substr(0, slash));
      if (!seg) return std::nullopt;
      t.segments.push_back(std::move(*seg));
      if (slash == std::string_view::npos) break;
      rest = rest.substr(slash + 1);
    }
  }
  return t;
}

void parse_cookie_header(std::string_view header, Params& out) {
  while (!header.empty()) {
    size_t semi = header.find(';');
    std::string_view piece = trim(header.substr(0, semi));
    header = semi == std::string_view::npos ? std::string_view() : header.substr(semi + 1);
    size_t eq = piece.find('=');
    if (eq == std::string_view::npos || eq == 0) continue;
    std::string_view name = trim(piece.substr(0, eq));
    std::string_view value = trim(piece.substr(eq + 1));
    if (name.empty()) continue;
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    out.add(std::string(name), std::string(value));
  }
}

std::string content_disposition(std::string_view disposition, std::string_view filename) {
  // Only the last path component: "a/b.xlsx" must not name a directory.
  if (size_t slash = filename.find_last_of("/\\"); slash != std::string_view::npos) {
    filename = filename.substr(slash + 1);
  }
  std::string fallback;
  bool ascii = true;
  for (char c : filename) {
    auto u = static_cast<unsigned char>(c);
    if (u >= 0x80) {
      ascii = false;
      // One '_' per UTF-8 sequence: skip continuation bytes.
      if ((u & 0xC0) != 0x80) fallback.push_back('_');
    } else if (u < 0x20 || u == 0x7F || c == '"' || c == '\\') {
      fallback.push_back('_');
    } else {
      fallback.push_back(c);
    }
  }
  if (fallback.empty()) fallback = "download";
  std::string out(disposition);
  out += "; filename=\"";
  out += fallback;
  out += '"';
  if (!ascii || fallback != filename) {
    out += "; filename*=UTF-8''";
    out += percent_encode(filename);
  }
  return out;
}

}  // namespace zhida::http
