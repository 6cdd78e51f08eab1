// The accounts' tables (SPEC C10): users, sessions and login attempts.
// Thin functions over a Tx; the rules (password strength, session lifetimes,
// throttling) live in services/accounts. Roles are stored as their machine
// names ("enterprise_legal" …, services/accounts/principal.h): the store does
// not know the Role enum.
//
// Every function takes a Tx so that callers combine them with an audit entry
// (audit_store.h) in one transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "store/db.h"

namespace zhida::store {

// Component "accounts": users, sessions, login_attempts.
const MigrationSet& accounts_migrations();

// ---- users
struct UserRow {
  int64_t id = 0;
  std::string username;  // unique, lower case
  std::string display_name;
  std::string role;           // machine name, e.g. "reviewer"
  int64_t enterprise_id = 0;  // the firm of an enterprise user; 0 = none
  std::string department;     // staff: 发文部门 / 科室
  std::string phone;          // sensitive (敏感): mask when shown
  std::string password_hash;  // crypto_pwhash_str text (argon2id)
  bool active = true;
  std::string created_at;
  std::string updated_at;
  std::string password_changed_at;
};

// Inserts a user (created/updated/password_changed = now); returns its id.
// db.unique_violation when the username is taken.
Result<int64_t> insert_user(Tx& tx, const UserRow& user, std::string_view now);
Result<std::optional<UserRow>> find_user(Tx& tx, std::string_view username);
Result<std::optional<UserRow>> get_user(Tx& tx, int64_t id);

struct UserFilter {
  std::string role;                     // "" = any
  std::optional<int64_t> enterprise_id;
  std::optional<bool> active;
  std::string text;  // substring of username, display name or department
  int64_t offset = 0;
  int64_t limit = 50;
};
// Users matching the filter, by id; *total = how many match in all.
Result<std::vector<UserRow>> list_users(Tx& tx, const UserFilter& filter, int64_t* total);

// db.not_found when there is no such user.
Status set_user_password(Tx& tx, int64_t user_id, std::string_view hash, std::string_view now);
Status set_user_active(Tx& tx, int64_t user_id, bool active, std::string_view now);

// Whether the portrait has ever had facts of this enterprise (a batch row or
// a pushed fact): an enterprise account must be bound to a known firm.
Result<bool> enterprise_exists(Tx& tx, int64_t enterprise_id);

// ---- sessions
// The token itself is never stored: only its SHA-256 (hex).
struct SessionRow {
  std::string token_hash;
  int64_t user_id = 0;
  std::string csrf_token;
  std::string created_at;
  std::string last_seen_at;
  std::string expires_at;  // absolute end
  std::string ip;
  std::string user_agent;
};

Status insert_session(Tx& tx, const SessionRow& session);
// The session with this token hash and its user, or nullopt.
Result<std::optional<std::pair<SessionRow, UserRow>>> find_session(Tx& tx,
                                                                   std::string_view token_hash);
Status touch_session(Tx& tx, std::string_view token_hash, std::string_view now);
// Returns how many sessions were deleted.
Result<int64_t> delete_session(Tx& tx, std::string_view token_hash);
// Every session of the user except `keep` (a token hash; "" = none kept).
Result<int64_t> delete_user_sessions(Tx& tx, int64_t user_id, std::string_view keep = "");
// Sessions past their absolute end or idle since before `idle_before`.
Result<int64_t> delete_expired_sessions(Tx& tx, std::string_view now,
                                        std::string_view idle_before);

// ---- login attempts (throttling)
// Records an attempt; returns its id. A login records a failure first and
// turns it into a success once the password checked out, so that parallel
// guesses see each other.
Result<int64_t> insert_login_attempt(Tx& tx, std::string_view username, std::string_view ip,
                                     bool success, std::string_view at);
Status mark_login_success(Tx& tx, int64_t attempt_id);
// Times of the latest `limit` failures for the username after `since` and
// after its last successful login, newest first.
Result<std::vector<std::string>> recent_user_failures(Tx& tx, std::string_view username,
                                                      std::string_view since, int limit);
// Times of the latest `limit` failures from the address after `since`,
// newest first.
Result<std::vector<std::string>> recent_ip_failures(Tx& tx, std::string_view ip,
                                                    std::string_view since, int limit);
// Deletes attempts older than `before`.
Status prune_login_attempts(Tx& tx, std::string_view before);

}  // namespace zhida::store
