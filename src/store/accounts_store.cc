#include "store/accounts_store.h"

#include <fmt/format.h>

namespace zhida::store {

const MigrationSet& accounts_migrations() {
  static const MigrationSet kSet{
      "accounts",
      {
          {1, "users_sessions_attempts",
           R"SQL(
CREATE TABLE users (
  id {{id}},
  username {{text}} NOT NULL UNIQUE,
  display_name {{text}} NOT NULL,
  role {{text}} NOT NULL,
  enterprise_id {{bigint}},
  department {{text}} NOT NULL DEFAULT '',
  phone {{text}} NOT NULL DEFAULT '',
  password_hash {{text}} NOT NULL,
  active {{bool}} NOT NULL DEFAULT TRUE,
  created_at {{timestamp}} NOT NULL,
  updated_at {{timestamp}} NOT NULL,
  password_changed_at {{timestamp}} NOT NULL
);
CREATE INDEX users_by_enterprise ON users (enterprise_id);
CREATE TABLE sessions (
  token_hash {{text}} NOT NULL PRIMARY KEY,
  user_id {{bigint}} NOT NULL REFERENCES users(id),
  csrf_token {{text}} NOT NULL,
  created_at {{timestamp}} NOT NULL,
  last_seen_at {{timestamp}} NOT NULL,
  expires_at {{timestamp}} NOT NULL,
  ip {{text}} NOT NULL DEFAULT '',
  user_agent {{text}} NOT NULL DEFAULT ''
);
CREATE INDEX sessions_by_user ON sessions (user_id);
CREATE TABLE login_attempts (
  id {{id}},
  username {{text}} NOT NULL,
  ip {{text}} NOT NULL,
  success {{bool}} NOT NULL,
  at {{timestamp}} NOT NULL
);
CREATE INDEX login_attempts_by_user ON login_attempts (username, at);
CREATE INDEX login_attempts_by_ip ON login_attempts (ip, at))SQL"},
      }};
  return kSet;
}

namespace {

constexpr const char* kUserCols =
    "u.id, u.username, u.display_name, u.role, u.enterprise_id, u.department, u.phone, "
    "u.password_hash, u.active, u.created_at, u.updated_at, u.password_changed_at";

// Reads kUserCols starting at column `c`.
Result<UserRow> user_row(const Row& r, int c = 0) {
  UserRow u;
  ZHIDA_ASSIGN_OR_RETURN(u.id, r.get<int64_t>(c + 0));
  ZHIDA_ASSIGN_OR_RETURN(u.username, r.get<std::string>(c + 1));
  ZHIDA_ASSIGN_OR_RETURN(u.display_name, r.get<std::string>(c + 2));
  ZHIDA_ASSIGN_OR_RETURN(u.role, r.get<std::string>(c + 3));
  ZHIDA_ASSIGN_OR_RETURN(std::optional<int64_t> e, r.get_optional<int64_t>(c + 4));
  u.enterprise_id = e.value_or(0);
  ZHIDA_ASSIGN_OR_RETURN(u.department, r.get<std::string>(c + 5));
  ZHIDA_ASSIGN_OR_RETURN(u.phone, r.get<std::string>(c + 6));
  ZHIDA_ASSIGN_OR_RETURN(u.password_hash, r.get<std::string>(c + 7));
  ZHIDA_ASSIGN_OR_RETURN(u.active, r.get<bool>(c + 8));
  ZHIDA_ASSIGN_OR_RETURN(u.created_at, r.get<std::string>(c + 9));
  ZHIDA_ASSIGN_OR_RETURN(u.updated_at, r.get<std::string>(c + 10));
  ZHIDA_ASSIGN_OR_RETURN(u.password_changed_at, r.get<std::string>(c + 11));
  return u;
}

Result<std::optional<UserRow>> one_user(Tx& tx, std::string_view where, const Param& key) {
  auto row = tx.query_optional(fmt::format("SELECT {} FROM users u WHERE {}", kUserCols, where),
                               {key});
  if (!row.ok()) return row.error();
  if (!*row) return std::optional<UserRow>();
  ZHIDA_ASSIGN_OR_RETURN(UserRow u, user_row(**row));
  return std::optional<UserRow>(std::move(u));
}

Status expect_one(Result<int64_t> changed, int64_t user_id) {
  if (!changed.ok()) return changed.error();
  if (*changed == 0) return Error("db.not_found", fmt::format("没有编号为 {} 的用户", user_id));
  return Status::Ok();
}

Result<std::vector<std::string>> times(Tx& tx, std::string_view sql,
                                       std::initializer_list<Param> params) {
  auto rows = tx.query(sql, params);
  if (!rows.ok()) return rows.error();
  std::vector<std::string> out;
  for (const Row& r : *rows) {
    ZHIDA_ASSIGN_OR_RETURN(std::string t, r.get<std::string>(0));
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace

Result<int64_t> insert_user(Tx& tx, const UserRow& u, std::string_view now) {
  std::optional<int64_t> enterprise;
  if (u.enterprise_id > 0) enterprise = u.enterprise_id;
  return tx.query_value<int64_t>(
      "INSERT INTO users (username, display_name, role, enterprise_id, department, phone, "
      "password_hash, active, created_at, updated_at, password_changed_at) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $9) RETURNING id",
      {u.username, u.display_name, u.role, enterprise, u.department, u.phone, u.password_hash,
       u.active, now});
}

Result<std::optional<UserRow>> find_user(Tx& tx, std::string_view username) {
  return one_user(tx, "u.username = $1", username);
}

Result<std::optional<UserRow>> get_user(Tx& tx, int64_t id) {
  return one_user(tx, "u.id = $1", id);
}

Result<std::vector<UserRow>> list_users(Tx& tx, const UserFilter& f, int64_t* total) {
  std::string where = "TRUE";
  std::vector<Param> params;
  auto add = [&](std::string cond, Param p) {
    params.push_back(std::move(p));
    where += " AND " + fmt::format(fmt::runtime(cond), params.size());
  };
  if (!f.role.empty()) add("u.role = ${}", f.role);
  if (f.enterprise_id) add("u.enterprise_id = ${}", *f.enterprise_id);
  if (f.active) add("u.active = ${}", *f.active);
  std::string like;
  if (!f.text.empty()) {
    // LIKE with the pattern's own wildcards escaped.
    like = "%";
    for (char c : f.text) {
      if (c == '%' || c == '_' || c == '\\') like += '\\';
      like += c;
    }
    like += "%";
    params.push_back(like);
    size_t n = params.size();
    where += fmt::format(
        " AND (lower(u.username) LIKE lower(${0}) ESCAPE '\\' OR u.display_name LIKE ${0} ESCAPE "
        "'\\' OR u.department LIKE ${0} ESCAPE '\\')",
        n);
  }
  if (total) {
    auto n = tx.query_value<int64_t>(fmt::format("SELECT COUNT(*) FROM users u WHERE {}", where),
                                     std::span<const Param>(params));
    if (!n.ok()) return n.error();
    *total = *n;
  }
  params.push_back(f.limit);
  params.push_back(f.offset);
  auto rows = tx.query(fmt::format("SELECT {} FROM users u WHERE {} ORDER BY u.id LIMIT ${} OFFSET ${}",
                                   kUserCols, where, params.size() - 1, params.size()),
                       std::span<const Param>(params));
  if (!rows.ok()) return rows.error();
  std::vector<UserRow> out;
  out.reserve(rows->size());
  for (const Row& r : *rows) {
    ZHIDA_ASSIGN_OR_RETURN(UserRow u, user_row(r));
    out.push_back(std::move(u));
  }
  return out;
}

Status set_user_password(Tx& tx, int64_t user_id, std::string_view hash, std::string_view now) {
  return expect_one(
      tx.exec("UPDATE users SET password_hash = $2, password_changed_at = $3, updated_at = $3 "
              "WHERE id = $1",
              {user_id, hash, now}),
      user_id);
}

Status set_user_active(Tx& tx, int64_t user_id, bool active, std::string_view now) {
  return expect_one(
      tx.exec("UPDATE users SET active = $2, updated_at = $3 WHERE id = $1", {user_id, active, now}),
      user_id);
}

Result<bool> enterprise_exists(Tx& tx, int64_t enterprise_id) {
  auto row = tx.query_optional(
      "SELECT 1 FROM batch_rows WHERE enterprise_id = $1 UNION ALL "
      "SELECT 1 FROM facts WHERE enterprise_id = $1 LIMIT 1",
      {enterprise_id});
  if (!row.ok()) return row.error();
  return row->has_value();
}

Status insert_session(Tx& tx, const SessionRow& s) {
  auto r = tx.exec(
      "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at, "
      "ip, user_agent) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
      {s.token_hash, s.user_id, s.csrf_token, s.created_at, s.last_seen_at, s.expires_at, s.ip,
       s.user_agent});
  if (!r.ok()) return r.error();
  return Status::Ok();
}

Result<std::optional<std::pair<SessionRow, UserRow>>> find_session(Tx& tx,
                                                                   std::string_view token_hash) {
  auto row = tx.query_optional(
      fmt::format("SELECT s.token_hash, s.user_id, s.csrf_token, s.created_at, s.last_seen_at, "
                  "s.expires_at, s.ip, s.user_agent, {} FROM sessions s JOIN users u ON u.id = "
                  "s.user_id WHERE s.token_hash = $1",
                  kUserCols),
      {token_hash});
  using Out = std::optional<std::pair<SessionRow, UserRow>>;
  if (!row.ok()) return row.error();
  if (!*row) return Out();
  const Row& r = **row;
  SessionRow s;
  ZHIDA_ASSIGN_OR_RETURN(s.token_hash, r.get<std::string>(0));
  ZHIDA_ASSIGN_OR_RETURN(s.user_id, r.get<int64_t>(1));
  ZHIDA_ASSIGN_OR_RETURN(s.csrf_token, r.get<std::string>(2));
  ZHIDA_ASSIGN_OR_RETURN(s.created_at, r.get<std::string>(3));
  ZHIDA_ASSIGN_OR_RETURN(s.last_seen_at, r.get<std::string>(4));
  ZHIDA_ASSIGN_OR_RETURN(s.expires_at, r.get<std::string>(5));
  ZHIDA_ASSIGN_OR_RETURN(s.ip, r.get<std::string>(6));
  ZHIDA_ASSIGN_OR_RETURN(s.user_agent, r.get<std::string>(7));
  ZHIDA_ASSIGN_OR_RETURN(UserRow u, user_row(r, 8));
  return Out(std::make_pair(std::move(s), std::move(u)));
}

Status touch_session(Tx& tx, std::string_view token_hash, std::string_view now) {
  auto r = tx.exec("UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1 AND last_seen_at < $2",
                   {token_hash, now});
  if (!r.ok()) return r.error();
  return Status::Ok();
}

Result<int64_t> delete_session(Tx& tx, std::string_view token_hash) {
  return tx.exec("DELETE FROM sessions WHERE token_hash = $1", {token_hash});
}

Result<int64_t> delete_user_sessions(Tx& tx, int64_t user_id, std::string_view keep) {
  return tx.exec("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2", {user_id, keep});
}

Result<int64_t> delete_expired_sessions(Tx& tx, std::string_view now, std::string_view idle_before) {
  return tx.exec("DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at < $2",
                 {now, idle_before});
}

Result<int64_t> insert_login_attempt(Tx& tx, std::string_view username, std::string_view ip,
                                     bool success, std::string_view at) {
  return tx.query_value<int64_t>(
      "INSERT INTO login_attempts (username, ip, success, at) VALUES ($1, $2, $3, $4) RETURNING id",
      {username, ip, success, at});
}

Status mark_login_success(Tx& tx, int64_t attempt_id) {
  auto r = tx.exec("UPDATE login_attempts SET success = TRUE WHERE id = $1", {attempt_id});
  if (!r.ok()) return r.error();
  return Status::Ok();
}

Result<std::vector<std::string>> recent_user_failures(Tx& tx, std::string_view username,
                                                      std::string_view since, int limit) {
  return times(tx,
               "SELECT at FROM login_attempts WHERE username = $1 AND success = FALSE AND at > $2 "
               "AND at > COALESCE((SELECT MAX(at) FROM login_attempts WHERE username = $1 AND "
               "success = TRUE), '') ORDER BY at DESC, id DESC LIMIT $3",
               {username, since, limit});
}

Result<std::vector<std::string>> recent_ip_failures(Tx& tx, std::string_view ip,
                                                    std::string_view since, int limit) {
  return times(tx,
               "SELECT at FROM login_attempts WHERE ip = $1 AND success = FALSE AND at > $2 "
               "ORDER BY at DESC, id DESC LIMIT $3",
               {ip, since, limit});
}

Status prune_login_attempts(Tx& tx, std::string_view before) {
  auto r = tx.exec("DELETE FROM login_attempts WHERE at < $1", {before});
  if (!r.ok()) return r.error();
  return Status::Ok();
}

}  // namespace zhida::store
