#include "services/accounts/mask.h"

#include <algorithm>
#include <cctype>

#include "base/utf8.h"

namespace zhida::services {

namespace {

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool looks_like_phone(std::string_view name, std::string_view v) {
  if (v.size() == 11 && v[0] == '1' && all_digits(v)) return true;
  return name.find("手机") != std::string_view::npos || name.find("电话") != std::string_view::npos;
}

bool looks_like_id_number(std::string_view name, std::string_view v) {
  if (v.size() == 18 && all_digits(v.substr(0, 17)) &&
      (std::isdigit(static_cast<unsigned char>(v[17])) || v[17] == 'X' || v[17] == 'x'))
    return true;
  return name.find("身份证") != std::string_view::npos || name.find("证件") != std::string_view::npos;
}

// Keeps the first `head` and last `tail` code points; the rest become '*'.
std::string keep(std::string_view v, int head, int tail) {
  std::vector<std::string> cps;
  size_t i = 0;
  while (i < v.size()) {
    size_t start = i;
    utf8::next(v, i);
    cps.emplace_back(v.substr(start, i - start));
  }
  int n = static_cast<int>(cps.size());
  if (head + tail >= n) {
    // Too short to keep anything without giving it all away.
    return std::string(static_cast<size_t>(std::max(n, 4)), '*');
  }
  std::string out;
  for (int k = 0; k < n; ++k) out += (k < head || k >= n - tail) ? cps[k] : std::string("*");
  return out;
}

}  // namespace

bool sees_sensitive(const Principal& p, int64_t enterprise_id) {
  if (p.role == Role::kDataSteward || p.role == Role::kAuditor) return true;
  return is_enterprise_role(p.role) && p.enterprise_id != 0 && p.enterprise_id == enterprise_id;
}

std::string mask_value(std::string_view name, std::string_view v) {
  if (v.empty()) return "";
  if (looks_like_id_number(name, v)) return keep(v, 6, 4);
  if (looks_like_phone(name, v)) {
    if (v.size() == 11 && all_digits(v)) return keep(v, 3, 4);
    return keep(v, 0, 4);
  }
  return keep(v, 0, 4);
}

std::string mask(const portrait::Attribute& a, std::string value, const Principal& p) {
  return mask(a, std::move(value), p, is_enterprise_role(p.role) ? p.enterprise_id : 0);
}

std::string mask(const portrait::Attribute& a, std::string value, const Principal& p,
                 int64_t enterprise_id) {
  if (a.sensitivity != portrait::Sensitivity::kSensitive) return value;
  if (sees_sensitive(p, enterprise_id)) return value;
  return mask_value(a.name, value);
}

std::string FactMasker::show(const portrait::Attribute& a, std::string value) {
  if (a.sensitivity != portrait::Sensitivity::kSensitive) return value;
  if (!unmasked_) return mask_value(a.name, value);
  if (!value.empty() && std::find(revealed_.begin(), revealed_.end(), a.name) == revealed_.end())
    revealed_.push_back(a.name);
  return value;
}

}  // namespace zhida::services
