// Masking sensitive (敏感) data wherever facts are shown (SPEC C9, C10).
//
// A sensitive value is shown in full only to
//   - 数据管理员 (data steward) and 审计员 (auditor), and
//   - the firm's own 企业法人 / 经办人;
// everyone else sees it masked:
//   phone numbers   13812341234        -> 138****1234
//   ID numbers      440399199001011234 -> 440399********1234 (first 6, last 4)
//   other text      keeps the last 4 characters (bank accounts), or is all *
// Public (公开) and internal (内部) attributes are never masked.
//
// Every read of an unmasked sensitive value is audited: show values through
// a FactMasker and record its reads (http::record_sensitive_reads in a
// route), e.g.
//
//   services::FactMasker m(*principal_of(req), enterprise_id);
//   out["法人手机"] = m.show(*catalog.attribute("法人手机"), phone);
//   if (Status s = record_sensitive_reads(req, api, m, "enterprise contacts"); !s.ok()) …
//
// Thread-safety: the functions are pure; a FactMasker belongs to one request.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "portrait/catalog.h"
#include "services/accounts/principal.h"

namespace zhida::services {

// Whether `p` may see sensitive facts of `enterprise_id` unmasked.
bool sees_sensitive(const Principal& p, int64_t enterprise_id);

// The value as `p` may see it. The three-argument form is for a route that
// has already limited enterprise users to their own firm
// (require_enterprise_access): an enterprise user is taken to be looking at
// its own firm.
std::string mask(const portrait::Attribute& attribute, std::string value, const Principal& p);
std::string mask(const portrait::Attribute& attribute, std::string value, const Principal& p,
                 int64_t enterprise_id);

// The masked form of a value (whatever the role), by its shape and the
// attribute's name: phones, ID numbers, other.
std::string mask_value(std::string_view attribute_name, std::string_view value);

// Shows one enterprise's values to one principal and remembers which
// sensitive attributes it showed unmasked, for the audit entry.
class FactMasker {
 public:
  FactMasker(const Principal& p, int64_t enterprise_id)
      : principal_(p), enterprise_id_(enterprise_id), unmasked_(sees_sensitive(p, enterprise_id)) {}

  std::string show(const portrait::Attribute& attribute, std::string value);

  int64_t enterprise_id() const { return enterprise_id_; }
  const Principal& principal() const { return principal_; }
  // Names of the sensitive attributes shown in full (each once, in order).
  const std::vector<std::string>& revealed() const { return revealed_; }

 private:
  const Principal& principal_;
  int64_t enterprise_id_;
  bool unmasked_;
  std::vector<std::string> revealed_;
};

}  // namespace zhida::services
