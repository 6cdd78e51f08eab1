#include "services/accounts/accounts.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "base/date.h"
#include "base/utf8.h"
#include "store/audit_store.h"
#include "store/schema.h"

namespace zhida::services {

using std::chrono::system_clock;
using nlohmann::json;

namespace {

// "2026-11-27T04:00:00.000Z" -> time point; nullopt when malformed.
std::optional<system_clock::time_point> parse_timestamp(std::string_view s) {
  if (s.size() != 24 || s[10] != 'T' || s[23] != 'Z') return std::nullopt;
  auto day = parse_date(s.substr(0, 10));
  if (!day) return std::nullopt;
  auto num = [&](size_t at, size_t n) {
    int v = 0;
    for (size_t i = at; i < at + n; ++i) {
      if (s[i] < '0' || s[i] > '9') return -1;
      v = v * 10 + (s[i] - '0');
    }
    return v;
  };
  int h = num(11, 2), m = num(14, 2), sec = num(17, 2), ms = num(20, 3);
  if (h < 0 || m < 0 || sec < 0 || ms < 0) return std::nullopt;
  return system_clock::time_point(std::chrono::days(*day)) + std::chrono::hours(h) +
         std::chrono::minutes(m) + std::chrono::seconds(sec) + std::chrono::milliseconds(ms);
}

// "14:35" in China time, with the date when it is not today.
std::string china_clock(system_clock::time_point t, system_clock::time_point now) {
  auto local = t + std::chrono::hours(8);
  auto secs = std::chrono::duration_cast<std::chrono::seconds>(local.time_since_epoch()).count();
  int64_t day = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
  int64_t in_day = secs - day * 86400;
  auto now_day = std::chrono::duration_cast<std::chrono::seconds>(
                     (now + std::chrono::hours(8)).time_since_epoch())
                     .count() /
                 86400;
  std::string hm = fmt::format("{:02}:{:02}", in_day / 3600, in_day / 60 % 60);
  if (day == now_day) return hm;
  return format_date(static_cast<int32_t>(day)) + " " + hm;
}

Result<User> user_of(const store::UserRow& r) {
  auto role = parse_role(r.role);
  if (!role)
    return Error("user.bad_role", fmt::format("用户 {} 的角色“{}”无法识别", r.username, r.role));
  User u;
  u.id = r.id;
  u.username = r.username;
  u.display_name = r.display_name;
  u.role = *role;
  u.enterprise_id = r.enterprise_id;
  u.department = r.department;
  u.phone = r.phone;
  u.active = r.active;
  u.created_at = r.created_at;
  u.password_changed_at = r.password_changed_at;
  return u;
}

bool valid_phone(std::string_view p) {
  if (p.size() < 5 || p.size() > 20) return false;
  int digits = 0;
  for (char c : p) {
    if (c >= '0' && c <= '9') ++digits;
    else if (c != '-' && c != '+' && c != ' ') return false;
  }
  return digits >= 5;
}

bool clean_text(std::string_view s, int max_len) {
  if (!utf8::valid(s) || utf8::length(s) > max_len) return false;
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f) return false;
  return true;
}

}  // namespace

// ---- User

Principal User::principal() const {
  Principal p;
  p.user_id = id;
  p.username = username;
  p.display_name = display_name;
  p.role = role;
  p.enterprise_id = enterprise_id;
  p.department = department;
  return p;
}

json User::to_json() const {
  return {{"id", id},
          {"username", username},
          {"display_name", display_name},
          {"role", role_name(role)},
          {"role_zh", role_name_zh(role)},
          {"enterprise_id", enterprise_id > 0 ? json(enterprise_id) : json(nullptr)},
          {"department", department}};
}

// ---- Accounts

Accounts::Accounts(store::Database& db, std::shared_ptr<const Clock> clock, AccountsOptions options)
    : db_(db),
      clock_(clock ? std::move(clock) : std::make_shared<Clock>()),
      options_(options),
      hashing_(std::clamp(options.max_concurrent_hashes, 1, 64)) {}

void Accounts::set_options(const AccountsOptions& options) {
  std::lock_guard l(mu_);
  options_ = options;
}

AccountsOptions Accounts::options() const {
  std::lock_guard l(mu_);
  return options_;
}

std::optional<std::string> Accounts::normalize_username(std::string_view name, std::string* why) {
  while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
  while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
  std::string out;
  for (char c : name) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
              c == '-' || c == '@';
    if (!ok) {
      if (why) *why = "用户名只能包含英文字母、数字和 . _ - @";
      return std::nullopt;
    }
    out += c;
  }
  if (out.size() < 2 || out.size() > 64) {
    if (why) *why = "用户名长度应为 2 到 64 个字符";
    return std::nullopt;
  }
  return out;
}

Result<std::string> Accounts::hash(std::string_view password) {
  PasswordCost cost = options().password_cost;
  hashing_.acquire();
  auto h = hash_password(password, cost);
  hashing_.release();
  return h;
}

bool Accounts::verify(std::string_view hash, std::string_view password) {
  hashing_.acquire();
  bool ok = verify_password(hash, password);
  hashing_.release();
  return ok;
}

std::string Accounts::dummy_hash() {
  PasswordCost cost = options().password_cost;
  {
    std::lock_guard l(mu_);
    if (!dummy_.empty() && dummy_cost_ == cost) return dummy_;
  }
  auto h = hash(random_token(16));
  std::lock_guard l(mu_);
  if (h.ok()) {
    dummy_ = *h;
    dummy_cost_ = cost;
  }
  return dummy_;
}

Result<int64_t> Accounts::throttled_for(store::Tx& tx, std::string_view username,
                                        std::string_view ip, system_clock::time_point now,
                                        const AccountsOptions& o) {
  std::string since = store::format_timestamp(now - o.failure_window);
  int64_t wait = 0;
  auto until = [&](const std::vector<std::string>& failures, int max) {
    if (max <= 0 || static_cast<int>(failures.size()) < max) return;
    // The count drops below max when the max-th newest failure leaves the window.
    auto t = parse_timestamp(failures[max - 1]);
    if (!t) return;
    auto left = std::chrono::duration_cast<std::chrono::seconds>(*t + o.failure_window - now).count();
    wait = std::max<int64_t>(wait, std::max<int64_t>(left, 1));
  };
  ZHIDA_ASSIGN_OR_RETURN(auto uf,
                         store::recent_user_failures(tx, username, since, o.max_user_failures));
  until(uf, o.max_user_failures);
  if (!ip.empty()) {
    ZHIDA_ASSIGN_OR_RETURN(auto ipf, store::recent_ip_failures(tx, ip, since, o.max_ip_failures));
    until(ipf, o.max_ip_failures);
  }
  return wait;
}

void Accounts::housekeeping(system_clock::time_point now) {
  int64_t secs = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  int64_t last = last_housekeeping_.load();
  if (secs - last < 3600 || !last_housekeeping_.compare_exchange_strong(last, secs)) return;
  AccountsOptions o = options();
  Status st = db_.transaction([&](store::Tx& tx) -> Status {
    auto n = store::delete_expired_sessions(tx, store::format_timestamp(now),
                                            store::format_timestamp(now - o.idle_timeout));
    if (!n.ok()) return n.error();
    return store::prune_login_attempts(tx, store::format_timestamp(now - std::chrono::hours(24)));
  });
  if (!st.ok()) spdlog::warn("accounts housekeeping failed: {}", st.error().message);
}

Result<UserSession> Accounts::login(const LoginRequest& req, int64_t* retry_after) {
  const AccountsOptions o = options();
  auto now = clock_->now();
  std::string now_ts = store::format_timestamp(now);
  // What the user typed, normalised when possible (a malformed name is simply unknown).
  std::string typed = req.username.substr(0, 64);
  std::string username = normalize_username(req.username, nullptr).value_or(typed);
  Actor anonymous{0, username, "", req.ip};

  // 1. Throttle check and the attempt recorded as a failure, in one transaction.
  int64_t wait = 0, attempt = 0;
  std::optional<store::UserRow> user;
  Status st = db_.transaction([&](store::Tx& tx) -> Status {
    user.reset();
    ZHIDA_ASSIGN_OR_RETURN(wait, throttled_for(tx, username, req.ip, now, o));
    if (wait > 0) {
      return append_audit(tx, *clock_, anonymous, "auth.login_throttled", "user", username,
                          {{"retry_after_seconds", wait}});
    }
    ZHIDA_ASSIGN_OR_RETURN(attempt, store::insert_login_attempt(tx, username, req.ip, false, now_ts));
    ZHIDA_ASSIGN_OR_RETURN(user, store::find_user(tx, username));
    return Status::Ok();
  });
  if (!st.ok()) return st.error();
  if (wait > 0) {
    if (retry_after) *retry_after = wait;
    return Error("auth.throttled",
                 fmt::format("登录失败次数过多，请 {} 分钟后（{} 以后）再试", (wait + 59) / 60,
                             china_clock(now + std::chrono::seconds(wait), now)));
  }

  // 2. The password, outside any transaction (it takes a while). Unknown
  // users are checked against a dummy hash so that both take as long.
  bool good = user ? verify(user->password_hash, req.password)
                   : (verify(dummy_hash(), req.password), false);
  std::optional<User> u;
  if (user) {
    auto conv = user_of(*user);
    if (!conv.ok()) return conv.error();
    u = *conv;
  }

  if (!good || !u->active) {
    std::string reason = !user ? "unknown_user" : !good ? "wrong_password" : "inactive";
    Actor who = u ? Actor::of(u->principal(), req.ip) : anonymous;
    ZHIDA_TRY(db_.transaction([&](store::Tx& tx) -> Status {
      return append_audit(tx, *clock_, who, "auth.login_failed", "user",
                          u ? std::to_string(u->id) : username, {{"reason", reason}});
    }));
    if (good) return Error("auth.inactive", "该账户已停用，请联系管理员");
    return Error("auth.invalid_credentials", "用户名或密码错误");
  }

  // 3. The session.
  UserSession s;
  s.token = random_token(32);
  s.token_hash = sha256_hex(s.token);
  s.csrf_token = random_token(32);
  s.principal = u->principal();
  s.principal.session_id = s.token_hash.substr(0, 16);
  s.created_at = now_ts;
  s.expires_at = store::format_timestamp(now + o.absolute_timeout);
  s.idle_expires_at = store::format_timestamp(now + o.idle_timeout);
  std::optional<std::string> rehash;
  if (password_needs_rehash(user->password_hash, o.password_cost)) {
    auto h = hash(req.password);
    if (h.ok()) rehash = *h;
  }
  ZHIDA_TRY(db_.transaction([&](store::Tx& tx) -> Status {
    ZHIDA_TRY(store::mark_login_success(tx, attempt));
    store::SessionRow row{s.token_hash, u->id,          s.csrf_token, s.created_at,
                          s.created_at, s.expires_at,   req.ip,       req.user_agent.substr(0, 256)};
    ZHIDA_TRY(store::insert_session(tx, row));
    if (rehash) ZHIDA_TRY(store::set_user_password(tx, u->id, *rehash, user->password_changed_at));
    return append_audit(tx, *clock_, Actor::of(s.principal, req.ip), "auth.login", "user",
                        std::to_string(u->id),
                        {{"session", s.principal.session_id}, {"user_agent", row.user_agent}});
  }));
  housekeeping(now);
  return s;
}

Result<std::optional<UserSession>> Accounts::resolve(std::string_view token) {
  using Out = std::optional<UserSession>;
  if (token.empty() || token.size() > 128) return Out();
  const AccountsOptions o = options();
  auto now = clock_->now();
  std::string now_ts = store::format_timestamp(now);
  std::string hash = sha256_hex(token);
  std::optional<std::pair<store::SessionRow, store::UserRow>> found;
  ZHIDA_TRY(db_.transaction(
      [&](store::Tx& tx) -> Status {
        ZHIDA_ASSIGN_OR_RETURN(found, store::find_session(tx, hash));
        return Status::Ok();
      },
      store::Mode::kRead));
  if (!found) return Out();
  const auto& [row, user_row] = *found;
  std::string idle_before = store::format_timestamp(now - o.idle_timeout);
  bool expired = row.expires_at <= now_ts || row.last_seen_at < idle_before;
  if (expired || !user_row.active) {
    ZHIDA_TRY(db_.transaction([&](store::Tx& tx) -> Status {
      auto n = store::delete_session(tx, hash);
      if (!n.ok()) return n.error();
      return Status::Ok();
    }));
    return Out();
  }
  auto user = user_of(user_row);
  if (!user.ok()) return user.error();
  UserSession s;
  s.token_hash = hash;
  s.csrf_token = row.csrf_token;
  s.principal = user->principal();
  s.principal.session_id = hash.substr(0, 16);
  s.created_at = row.created_at;
  s.expires_at = row.expires_at;
  std::string last_seen = row.last_seen_at;
  auto seen = parse_timestamp(row.last_seen_at);
  if (!seen || now - *seen >= o.touch_interval) {
    ZHIDA_TRY(db_.transaction(
        [&](store::Tx& tx) -> Status { return store::touch_session(tx, hash, now_ts); }));
    last_seen = now_ts;
  }
  auto seen_at = parse_timestamp(last_seen).value_or(now);
  s.idle_expires_at = std::min(store::format_timestamp(seen_at + o.idle_timeout), s.expires_at);
  return Out(std::move(s));
}

Status Accounts::logout(const UserSession& s, std::string_view ip) {
  return db_.transaction([&](store::Tx& tx) -> Status {
    auto n = store::delete_session(tx, s.token_hash);
    if (!n.ok()) return n.error();
    return append_audit(tx, *clock_, Actor::of(s.principal, std::string(ip)), "auth.logout",
                        "user", std::to_string(s.principal.user_id),
                        {{"session", s.principal.session_id}});
  });
}

Status Accounts::change_password(const UserSession& s, std::string_view old_password,
                                 std::string_view new_password, std::string_view ip,
                                 int64_t* retry_after) {
  // The new password's rules first: a weak choice is not a failed guess.
  if (auto why = password_problem(new_password, s.principal.username))
    return Error("auth.weak_password", *why);
  const AccountsOptions o = options();
  auto now = clock_->now();
  std::string now_ts = store::format_timestamp(now);
  Actor who = Actor::of(s.principal, std::string(ip));
  int64_t wait = 0, attempt = 0;
  std::optional<store::UserRow> user;
  ZHIDA_TRY(db_.transaction([&](store::Tx& tx) -> Status {
    ZHIDA_ASSIGN_OR_RETURN(wait, throttled_for(tx, s.principal.username, ip, now, o));
    if (wait > 0) return Status::Ok();
    ZHIDA_ASSIGN_OR_RETURN(
        attempt, store::insert_login_attempt(tx, s.principal.username, ip, false, now_ts));
    ZHIDA_ASSIGN_OR_RETURN(user, store::get_user(tx, s.principal.user_id));
    return Status::Ok();
  }));
  if (wait > 0) {
    if (retry_after) *retry_after = wait;
    return Error("auth.throttled",
                 fmt::format("密码错误次数过多，请 {} 分钟后（{} 以后）再试", (wait + 59) / 60,
                             china_clock(now + std::chrono::seconds(wait), now)));
  }
  if (!user) return Error("user.not_found", "账户不存在");
  if (!verify(user->password_hash, old_password)) {
    ZHIDA_TRY(db_.transaction([&](store::Tx& tx) -> Status {
      return append_audit(tx, *clock_, who, "auth.password_change_failed", "user",
                          std::to_string(user->id), {{"reason", "wrong_password"}});
    }));
    return Error("auth.wrong_password", "原密码不正确");
  }
  if (new_password == old_password) {
    ZHIDA_TRY(db_.transaction(
        [&](store::Tx& tx) -> Status { return store::mark_login_success(tx, attempt); }));
    return Error("auth.weak_password", "新密码不能与原密码相同");
  }
  ZHIDA_ASSIGN_OR_RETURN(std::string h, hash(new_password));
  return db_.transaction([&](store::Tx& tx) -> Status {
    ZHIDA_TRY(store::mark_login_success(tx, attempt));
    ZHIDA_TRY(store::set_user_password(tx, user->id, h, now_ts));
    auto ended = store::delete_user_sessions(tx, user->id, s.token_hash);
    if (!ended.ok()) return ended.error();
    return append_audit(tx, *clock_, who, "auth.password_changed", "user", std::to_string(user->id),
                        {{"other_sessions_ended", *ended}});
  });
}

Result<User> Accounts::create_user(const NewUser& n, const Actor& by) {
  std::string why;
  auto username = normalize_username(n.username, &why);
  if (!username) return Error("user.invalid_username", why);
  std::string display = n.display_name.empty() ? *username : n.display_name;
  if (!clean_text(display, 64) || display.empty())
    return Error("user.invalid_display_name", "姓名（显示名）应为 1 到 64 个字符，不能含控制字符");
  if (!clean_text(n.department, 64))
    return Error("user.invalid_department", "部门名称应不超过 64 个字符，不能含控制字符");
  if (!n.phone.empty() && !valid_phone(n.phone))
    return Error("user.invalid_phone", "手机号格式不正确");
  if (is_enterprise_role(n.role) && n.enterprise_id <= 0)
    return Error("user.invalid_enterprise", fmt::format("{}账户必须绑定企业（企业编号）", role_name_zh(n.role)));
  if (!is_enterprise_role(n.role) && n.enterprise_id != 0)
    return Error("user.invalid_enterprise",
                 fmt::format("{}是政府端角色，不能绑定企业", role_name_zh(n.role)));
  if (auto p = password_problem(n.password, *username)) return Error("auth.weak_password", *p);
  ZHIDA_ASSIGN_OR_RETURN(std::string h, hash(n.password));
  std::string now = clock_->timestamp();
  store::UserRow row;
  row.username = *username;
  row.display_name = display;
  row.role = role_name(n.role);
  row.enterprise_id = n.enterprise_id;
  row.department = n.department;
  row.phone = n.phone;
  row.password_hash = h;
  int64_t id = 0;
  bool duplicate = false;
  ZHIDA_TRY(db_.transaction([&](store::Tx& tx) -> Status {
    duplicate = false;
    if (n.enterprise_id > 0) {
      ZHIDA_ASSIGN_OR_RETURN(bool exists, store::enterprise_exists(tx, n.enterprise_id));
      if (!exists)
        return Error("user.invalid_enterprise",
                     fmt::format("没有编号为 {} 的企业", n.enterprise_id));
    }
    ZHIDA_ASSIGN_OR_RETURN(auto existing, store::find_user(tx, *username));
    if (existing) {
      duplicate = true;
      return Status::Ok();
    }
    ZHIDA_ASSIGN_OR_RETURN(id, store::insert_user(tx, row, now));
    return append_audit(tx, *clock_, by, "user.create", "user", std::to_string(id),
                        {{"username", row.username},
                         {"role", row.role},
                         {"enterprise_id", row.enterprise_id},
                         {"department", row.department}});
  }));
  if (duplicate)
    return Error("user.duplicate_username", fmt::format("用户名 {} 已被使用", *username));
  row.id = id;
  row.created_at = row.updated_at = row.password_changed_at = now;
  return user_of(row);
}

Status Accounts::set_password(int64_t user_id, std::string_view password, const Actor& by) {
  ZHIDA_ASSIGN_OR_RETURN(auto user, get_user(user_id));
  if (!user) return Error("user.not_found", fmt::format("没有编号为 {} 的用户", user_id));
  if (auto p = password_problem(password, user->username)) return Error("auth.weak_password", *p);
  ZHIDA_ASSIGN_OR_RETURN(std::string h, hash(password));
  std::string now = clock_->timestamp();
  return db_.transaction([&](store::Tx& tx) -> Status {
    ZHIDA_TRY(store::set_user_password(tx, user_id, h, now));
    auto ended = store::delete_user_sessions(tx, user_id);
    if (!ended.ok()) return ended.error();
    return append_audit(tx, *clock_, by, "user.password_reset", "user", std::to_string(user_id),
                        {{"sessions_ended", *ended}});
  });
}

Status Accounts::set_active(int64_t user_id, bool active, const Actor& by) {
  std::string now = clock_->timestamp();
  return db_.transaction([&](store::Tx& tx) -> Status {
    ZHIDA_ASSIGN_OR_RETURN(auto user, store::get_user(tx, user_id));
    if (!user) return Error("user.not_found", fmt::format("没有编号为 {} 的用户", user_id));
    ZHIDA_TRY(store::set_user_active(tx, user_id, active, now));
    int64_t ended = 0;
    if (!active) {
      ZHIDA_ASSIGN_OR_RETURN(ended, store::delete_user_sessions(tx, user_id));
    }
    return append_audit(tx, *clock_, by, active ? "user.activate" : "user.deactivate", "user",
                        std::to_string(user_id),
                        {{"username", user->username}, {"sessions_ended", ended}});
  });
}

Result<std::optional<User>> Accounts::get_user(int64_t id) const {
  std::optional<User> out;
  ZHIDA_TRY(db_.transaction(
      [&](store::Tx& tx) -> Status {
        ZHIDA_ASSIGN_OR_RETURN(auto row, store::get_user(tx, id));
        if (row) {
          ZHIDA_ASSIGN_OR_RETURN(out, user_of(*row));
        }
        return Status::Ok();
      },
      store::Mode::kRead));
  return out;
}

Result<std::optional<User>> Accounts::find_user(std::string_view username) const {
  auto name = normalize_username(username, nullptr);
  if (!name) return std::optional<User>();
  std::optional<User> out;
  ZHIDA_TRY(db_.transaction(
      [&](store::Tx& tx) -> Status {
        ZHIDA_ASSIGN_OR_RETURN(auto row, store::find_user(tx, *name));
        if (row) {
          ZHIDA_ASSIGN_OR_RETURN(out, user_of(*row));
        }
        return Status::Ok();
      },
      store::Mode::kRead));
  return out;
}

Result<Accounts::UserPage> Accounts::list_users(const store::UserFilter& filter) const {
  UserPage page;
  ZHIDA_TRY(db_.transaction(
      [&](store::Tx& tx) -> Status {
        page.items.clear();
        ZHIDA_ASSIGN_OR_RETURN(auto rows, store::list_users(tx, filter, &page.total));
        for (const auto& r : rows) {
          ZHIDA_ASSIGN_OR_RETURN(User u, user_of(r));
          page.items.push_back(std::move(u));
        }
        return Status::Ok();
      },
      store::Mode::kRead));
  return page;
}

Result<std::vector<User>> Accounts::users_of_enterprise(int64_t enterprise_id) const {
  store::UserFilter f;
  f.enterprise_id = enterprise_id;
  f.active = true;
  f.limit = 1000;
  ZHIDA_ASSIGN_OR_RETURN(UserPage page, list_users(f));
  std::vector<User> out;
  for (User& u : page.items)
    if (is_enterprise_role(u.role)) out.push_back(std::move(u));
  std::stable_sort(out.begin(), out.end(), [](const User& a, const User& b) {
    return a.role == Role::kEnterpriseLegal && b.role != Role::kEnterpriseLegal;
  });
  return out;
}

Result<int> Accounts::ensure_demo_accounts(const std::vector<demo::DemoAccount>& accounts) {
  std::map<std::string, std::string> hashes;  // password -> hash
  for (const auto& a : accounts) {
    if (hashes.count(a.password)) continue;
    ZHIDA_ASSIGN_OR_RETURN(std::string h, hash(a.password));
    hashes[a.password] = h;
  }
  std::string now = clock_->timestamp();
  Actor by = Actor::system("demo");
  int created = 0;
  ZHIDA_TRY(db_.transaction([&](store::Tx& tx) -> Status {
    created = 0;
    for (const auto& a : accounts) {
      auto name = normalize_username(a.username, nullptr);
      auto role = parse_role(a.role);
      if (!name || !role)
        return Error("user.invalid_demo_account",
                     fmt::format("演示账户 {} 的用户名或角色（{}）无效", a.username, a.role));
      ZHIDA_ASSIGN_OR_RETURN(auto existing, store::find_user(tx, *name));
      if (existing) continue;
      store::UserRow row;
      row.username = *name;
      row.display_name = a.display_name.empty() ? *name : a.display_name;
      row.role = role_name(*role);
      row.enterprise_id = is_enterprise_role(*role) ? a.enterprise_id : 0;
      row.department = a.department;
      row.password_hash = hashes[a.password];
      ZHIDA_ASSIGN_OR_RETURN(int64_t id, store::insert_user(tx, row, now));
      ZHIDA_TRY(append_audit(tx, *clock_, by, "user.create", "user", std::to_string(id),
                             {{"username", row.username},
                              {"role", row.role},
                              {"enterprise_id", row.enterprise_id},
                              {"department", row.department}}));
      ++created;
    }
    return Status::Ok();
  }));
  return created;
}

}  // namespace zhida::services
