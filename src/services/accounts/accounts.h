// Accounts (SPEC C10): users with roles, argon2id passwords, sessions,
// login throttling — and the audit entries of all of it (C9).
// Design notes: README.md beside this file.
//
//   Accounts& a = *services.accounts;
//   auto s = a.login({.username = "reviewer1", .password = "…", .ip = "10.0.0.5"});
//   if (!s.ok()) … s.error().code: auth.invalid_credentials / auth.throttled / auth.inactive
//   cookie = s->token;                     // sent once, never stored (only its SHA-256)
//   auto again = a.resolve(cookie);        // each request: the session, or nullopt
//
// Sessions: a random 32-byte token (the cookie) and a CSRF token per
// session; they end after 2 hours without a request (idle) or 12 hours after
// login (absolute), at logout, at a password change (the user's other
// sessions) and when the user is deactivated. Every request reads the
// session from the database (no cache), so an ended session is refused at
// once on every server instance; last-seen is written at most once a minute.
//
// Throttling: 5 failed logins in 15 minutes for a username (counted since
// its last success), or from an IP address, make further attempts answer
// auth.throttled (with the time to retry) without checking the password.
// A failure is recorded before the password is checked, so parallel guesses
// count too.
//
// Thread-safety: all methods may be called from any thread. Password hashing
// is limited to AccountsOptions::max_concurrent_hashes at a time (64 MiB
// each).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <semaphore>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "base/result.h"
#include "services/accounts/password.h"
#include "services/accounts/principal.h"
#include "services/audit/audit.h"
#include "services/demo/accounts.h"
#include "services/platform/clock.h"
#include "store/accounts_store.h"
#include "store/db.h"

namespace zhida::services {

struct AccountsOptions {
  PasswordCost password_cost = PasswordCost::kInteractive;
  std::chrono::seconds idle_timeout = std::chrono::hours(2);
  std::chrono::seconds absolute_timeout = std::chrono::hours(12);
  std::chrono::seconds touch_interval = std::chrono::seconds(60);  // last-seen write granularity
  int max_user_failures = 5;
  int max_ip_failures = 5;
  std::chrono::seconds failure_window = std::chrono::minutes(15);
  int max_concurrent_hashes = 2;
};

struct User {
  int64_t id = 0;
  std::string username;
  std::string display_name;
  Role role = Role::kEnterpriseAgent;
  int64_t enterprise_id = 0;
  std::string department;
  std::string phone;  // sensitive
  bool active = true;
  std::string created_at;
  std::string password_changed_at;

  Principal principal() const;
  // {id, username, display_name, role, role_zh, enterprise_id, department}
  // (enterprise_id null for staff) — the "user" of the login answer. No phone.
  nlohmann::json to_json() const;
};

struct NewUser {
  std::string username;      // 2–64 of a-z 0-9 . _ - @ (stored lower case)
  std::string display_name;  // default: the username
  Role role = Role::kEnterpriseAgent;
  int64_t enterprise_id = 0;  // required for enterprise roles, refused for others
  std::string department;
  std::string phone;
  std::string password;
};

struct LoginRequest {
  std::string username;
  std::string password;
  std::string ip;
  std::string user_agent;
};

// A signed-in session.
struct UserSession {
  std::string token;       // the cookie value: only filled by login()
  std::string token_hash;  // SHA-256 of the token (hex): the session's key
  std::string csrf_token;
  Principal principal;     // session_id = the first 16 hex digits of token_hash
  std::string created_at;
  std::string expires_at;       // absolute end
  std::string idle_expires_at;  // end if no request comes before
};

class Accounts {
 public:
  Accounts(store::Database& db, std::shared_ptr<const Clock> clock, AccountsOptions options = {});

  // Replaces the options (tests: PasswordCost::kMinimal, shorter timeouts).
  void set_options(const AccountsOptions& options);
  AccountsOptions options() const;

  // ---- signing in
  // Errors: auth.invalid_credentials (unknown user or wrong password, one
  // message for both), auth.throttled (*retry_after_seconds set),
  // auth.inactive (right password, deactivated account), or operational.
  // Every outcome is audited (auth.login, auth.login_failed,
  // auth.login_throttled).
  Result<UserSession> login(const LoginRequest& request, int64_t* retry_after_seconds = nullptr);
  // The live session for a cookie value, or nullopt (unknown, expired — then
  // deleted —, or its user deactivated). Refreshes last-seen.
  Result<std::optional<UserSession>> resolve(std::string_view token);
  // Ends the session (audited auth.logout).
  Status logout(const UserSession& session, std::string_view ip);
  // Changes the session user's own password; ends the user's other
  // sessions. auth.wrong_password (counted like a failed login, so it is
  // throttled too), auth.weak_password, auth.throttled.
  Status change_password(const UserSession& session, std::string_view old_password,
                         std::string_view new_password, std::string_view ip,
                         int64_t* retry_after_seconds = nullptr);

  // ---- administration; `by` is recorded in the audit log
  // user.invalid_username, user.invalid_enterprise, user.invalid_department,
  // user.invalid_phone, user.invalid_display_name, auth.weak_password,
  // user.duplicate_username (409).
  Result<User> create_user(const NewUser& user, const Actor& by);
  // Sets a user's password (an administrator's reset); ends its sessions.
  Status set_password(int64_t user_id, std::string_view password, const Actor& by);
  // Deactivating ends the user's sessions at once. user.not_found.
  Status set_active(int64_t user_id, bool active, const Actor& by);

  Result<std::optional<User>> get_user(int64_t id) const;
  Result<std::optional<User>> find_user(std::string_view username) const;
  struct UserPage {
    std::vector<User> items;
    int64_t total = 0;
  };
  Result<UserPage> list_users(const store::UserFilter& filter) const;
  // The active 企业法人 and 经办人 accounts of a firm (whom the workflow
  // messages), legal representatives first.
  Result<std::vector<User>> users_of_enterprise(int64_t enterprise_id) const;

  // Creates the demo accounts that do not exist yet (by username; existing
  // ones are left alone). Each distinct password is hashed once. Returns how
  // many were created.
  Result<int> ensure_demo_accounts(const std::vector<demo::DemoAccount>& accounts);

  // "Reviewer1 " -> "reviewer1"; nullopt with the reason when not allowed.
  static std::optional<std::string> normalize_username(std::string_view name, std::string* why);

 private:
  Result<std::string> hash(std::string_view password);
  bool verify(std::string_view hash, std::string_view password);
  std::string dummy_hash();
  // Failures in the window: when throttled, the seconds until the next try.
  Result<int64_t> throttled_for(store::Tx& tx, std::string_view username, std::string_view ip,
                                std::chrono::system_clock::time_point now, const AccountsOptions& o);
  void housekeeping(std::chrono::system_clock::time_point now);

  store::Database& db_;
  std::shared_ptr<const Clock> clock_;
  mutable std::mutex mu_;
  AccountsOptions options_;  // guarded by mu_
  std::string dummy_;        // guarded by mu_: a hash to check unknown users against
  PasswordCost dummy_cost_ = PasswordCost::kInteractive;
  std::counting_semaphore<64> hashing_;
  std::atomic<int64_t> last_housekeeping_{0};  // seconds since the epoch
};

}  // namespace zhida::services
