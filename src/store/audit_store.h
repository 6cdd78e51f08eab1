// The audit log (SPEC C9): append-only and tamper-evident. Every entry
// carries the hash of the one before it, so that changing or deleting an
// entry breaks the chain, and `zhida audit verify` finds the first bad one.
//
//   entry  = seq, time, user, role, action, target, detail, ip, enterprises
//   hash_n = SHA-256( hash_{n-1} "\n" canonical(entry_n) )      hash_0 = 64 × "0"
//
// canonical(entry) is the compact JSON array of the entry's fields in a fixed
// order (audit_canonical below); detail is stored exactly as hashed.
// A one-row table, audit_head, holds the last seq and hash, so that deleting
// the newest entries is detected too.
//
// Writing: append_audit(tx, record) in the same transaction as the write it
// records, so that the entry exists exactly when the write does:
//
//   db.transaction([&](Tx& tx) -> Status {
//     ZHIDA_TRY(update_something(tx, …));
//     return append_audit(tx, record).status();   // record: who, what, target
//   });
//
// Appends are serialised on both databases (SQLite: the single writer;
// PostgreSQL: the head row is locked FOR UPDATE until commit, and a
// concurrent appender is retried by Database::transaction), so the chain
// never forks. As with the change feed, append late in a transaction: the
// head row stays locked until commit.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "store/db.h"

namespace zhida::store {

// Component "audit": audit_log, audit_enterprises, audit_head.
const MigrationSet& audit_migrations();

// What a writer records.
struct AuditRecord {
  std::string time;      // timestamp (schema.h); "" = now (system clock)
  int64_t user_id = 0;   // 0 = no signed-in user (a failed login, the system)
  std::string username;  // as the user is known (or typed, for a failed login)
  std::string role;      // machine role name, "" for none
  std::string action;    // dotted, e.g. "auth.login", "data.sensitive_read"
  std::string target_type;  // "enterprise", "user", "application" …; "" for none
  std::string target_id;
  std::string detail = "{}";  // a JSON object (why, fields, amounts …)
  std::string ip;
  // Further enterprises whose data the action touched (an export of many
  // firms): found by the same query as the target (audit_query below).
  std::vector<int64_t> enterprises;
};

struct AuditEntry : AuditRecord {
  int64_t seq = 0;  // 1, 2, 3 … without gaps
  std::string prev_hash;
  std::string hash;
};

// The text hashed for an entry (prev_hash excluded).
std::string audit_canonical(const AuditEntry& e);
// SHA-256 (hex) of prev_hash "\n" canonical.
std::string audit_hash(std::string_view prev_hash, std::string_view canonical);

// Appends an entry; returns it with its seq and hash. detail must be a JSON
// object (it is stored in compact form, keys sorted); audit.bad_detail
// otherwise.
Result<AuditEntry> append_audit(Tx& tx, const AuditRecord& record);

struct AuditFilter {
  std::optional<int64_t> user_id;
  std::string username;     // exact
  std::string action;       // exact, or a prefix when it ends with '*' ("auth.*")
  std::string target_type;  // with target_id: enterprise targets also match `enterprises`
  std::string target_id;
  std::string from;  // time >= from (timestamp or date prefix)
  std::string to;    // time <  to
  int64_t offset = 0;
  int64_t limit = 50;
  bool newest_first = true;
};
// Entries matching the filter; *total = how many match in all.
Result<std::vector<AuditEntry>> query_audit(Tx& tx, const AuditFilter& filter, int64_t* total);

// The outcome of checking the whole chain.
struct AuditCheck {
  bool ok = true;
  int64_t entries = 0;  // entries read
  int64_t last_seq = 0;
  int64_t bad_seq = 0;  // the first bad or missing entry
  std::string problem;  // modified, missing, broken_link, head_mismatch, index_mismatch
  std::string message;  // Chinese, for people
};
// Recomputes every hash in seq order and compares with the head.
Result<AuditCheck> verify_audit(Tx& tx);

}  // namespace zhida::store
