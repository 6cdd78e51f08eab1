#include "store/audit_store.h"

#include <fmt/format.h>
#include <sodium.h>

#include <algorithm>
#include <nlohmann/json.hpp>

namespace zhida::store {

using nlohmann::json;

const MigrationSet& audit_migrations() {
  static const MigrationSet kSet{
      "audit",
      {
          {1, "audit_log",
           R"SQL(
CREATE TABLE audit_log (
  seq {{bigint}} NOT NULL PRIMARY KEY,
  time {{timestamp}} NOT NULL,
  user_id {{bigint}} NOT NULL,
  username {{text}} NOT NULL,
  role {{text}} NOT NULL,
  action {{text}} NOT NULL,
  target_type {{text}} NOT NULL,
  target_id {{text}} NOT NULL,
  detail {{json}} NOT NULL,
  ip {{text}} NOT NULL,
  enterprises {{text}} NOT NULL,
  prev_hash {{text}} NOT NULL,
  hash {{text}} NOT NULL
);
CREATE INDEX audit_by_target ON audit_log (target_type, target_id, seq);
CREATE INDEX audit_by_user ON audit_log (user_id, seq);
CREATE INDEX audit_by_action ON audit_log (action, seq);
CREATE INDEX audit_by_time ON audit_log (time);
CREATE TABLE audit_enterprises (
  enterprise_id {{bigint}} NOT NULL,
  seq {{bigint}} NOT NULL REFERENCES audit_log(seq),
  PRIMARY KEY (enterprise_id, seq)
);
CREATE TABLE audit_head (
  id {{bigint}} NOT NULL PRIMARY KEY CHECK (id = 1),
  seq {{bigint}} NOT NULL,
  hash {{text}} NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000'))SQL"},
      }};
  return kSet;
}

namespace {

const std::string kGenesis(64, '0');

std::string hex(const unsigned char* h, size_t n) {
  static const char* d = "0123456789abcdef";
  std::string out(n * 2, '0');
  for (size_t i = 0; i < n; ++i) {
    out[2 * i] = d[h[i] >> 4];
    out[2 * i + 1] = d[h[i] & 15];
  }
  return out;
}

std::string enterprises_text(std::vector<int64_t> ids) {
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return json(ids).dump();
}

constexpr const char* kCols =
    "seq, time, user_id, username, role, action, target_type, target_id, detail, ip, enterprises, "
    "prev_hash, hash";

Result<AuditEntry> entry_row(const Row& r) {
  AuditEntry e;
  ZHIDA_ASSIGN_OR_RETURN(e.seq, r.get<int64_t>(0));
  ZHIDA_ASSIGN_OR_RETURN(e.time, r.get<std::string>(1));
  ZHIDA_ASSIGN_OR_RETURN(e.user_id, r.get<int64_t>(2));
  ZHIDA_ASSIGN_OR_RETURN(e.username, r.get<std::string>(3));
  ZHIDA_ASSIGN_OR_RETURN(e.role, r.get<std::string>(4));
  ZHIDA_ASSIGN_OR_RETURN(e.action, r.get<std::string>(5));
  ZHIDA_ASSIGN_OR_RETURN(e.target_type, r.get<std::string>(6));
  ZHIDA_ASSIGN_OR_RETURN(e.target_id, r.get<std::string>(7));
  ZHIDA_ASSIGN_OR_RETURN(e.detail, r.get<std::string>(8));
  ZHIDA_ASSIGN_OR_RETURN(e.ip, r.get<std::string>(9));
  ZHIDA_ASSIGN_OR_RETURN(std::string ents, r.get<std::string>(10));
  json ej = json::parse(ents, nullptr, false);
  if (ej.is_array())
    for (const json& x : ej)
      if (x.is_number_integer()) e.enterprises.push_back(x.get<int64_t>());
  ZHIDA_ASSIGN_OR_RETURN(e.prev_hash, r.get<std::string>(11));
  ZHIDA_ASSIGN_OR_RETURN(e.hash, r.get<std::string>(12));
  return e;
}

// The enterprises column as stored (verify hashes the stored text, so a
// changed list is a changed entry).
std::string stored_enterprises(const Row& r) {
  auto s = r.get<std::string>(10);
  return s.ok() ? *s : "";
}

std::string canonical_with(const AuditEntry& e, std::string_view enterprises) {
  json a = json::array({e.seq, e.time, e.user_id, e.username, e.role, e.action, e.target_type,
                        e.target_id, e.detail, e.ip, std::string(enterprises)});
  return a.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace

std::string audit_canonical(const AuditEntry& e) {
  return canonical_with(e, enterprises_text(e.enterprises));
}

std::string audit_hash(std::string_view prev_hash, std::string_view canonical) {
  crypto_hash_sha256_state st;
  crypto_hash_sha256_init(&st);
  crypto_hash_sha256_update(&st, reinterpret_cast<const unsigned char*>(prev_hash.data()),
                            prev_hash.size());
  crypto_hash_sha256_update(&st, reinterpret_cast<const unsigned char*>("\n"), 1);
  crypto_hash_sha256_update(&st, reinterpret_cast<const unsigned char*>(canonical.data()),
                            canonical.size());
  unsigned char h[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&st, h);
  return hex(h, sizeof h);
}

Result<AuditEntry> append_audit(Tx& tx, const AuditRecord& record) {
  json detail = json::parse(record.detail.empty() ? "{}" : record.detail, nullptr, false);
  if (!detail.is_object())
    return Error("audit.bad_detail", "审计记录的详情必须是 JSON 对象");
  AuditEntry e;
  static_cast<AuditRecord&>(e) = record;
  e.detail = detail.dump(-1, ' ', false, json::error_handler_t::replace);
  if (e.time.empty()) e.time = timestamp_now();
  std::sort(e.enterprises.begin(), e.enterprises.end());
  e.enterprises.erase(std::unique(e.enterprises.begin(), e.enterprises.end()), e.enterprises.end());
  std::string ents = enterprises_text(e.enterprises);

  // The head row serialises appenders: SQLite has a single writer already;
  // on PostgreSQL the row lock is held until commit, and a transaction whose
  // snapshot predates another's append fails with a serialization error and
  // is run again by Database::transaction.
  auto head = tx.query_one(tx.dialect() == Dialect::kPostgres
                               ? "SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE"
                               : "SELECT seq, hash FROM audit_head WHERE id = 1");
  if (!head.ok()) return head.error();
  ZHIDA_ASSIGN_OR_RETURN(int64_t last, head->get<int64_t>(0));
  ZHIDA_ASSIGN_OR_RETURN(e.prev_hash, head->get<std::string>(1));
  e.seq = last + 1;
  e.hash = audit_hash(e.prev_hash, canonical_with(e, ents));

  auto ins = tx.exec(fmt::format("INSERT INTO audit_log ({}) VALUES ($1, $2, $3, $4, $5, $6, $7, "
                                 "$8, $9, $10, $11, $12, $13)",
                                 kCols),
                     {e.seq, e.time, e.user_id, e.username, e.role, e.action, e.target_type,
                      e.target_id, e.detail, e.ip, ents, e.prev_hash, e.hash});
  if (!ins.ok()) return ins.error();
  for (int64_t id : e.enterprises) {
    auto r = tx.exec("INSERT INTO audit_enterprises (enterprise_id, seq) VALUES ($1, $2)",
                     {id, e.seq});
    if (!r.ok()) return r.error();
  }
  auto upd = tx.exec("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1", {e.seq, e.hash});
  if (!upd.ok()) return upd.error();
  return e;
}

Result<std::vector<AuditEntry>> query_audit(Tx& tx, const AuditFilter& f, int64_t* total) {
  std::string where = "TRUE";
  std::vector<Param> params;
  std::string prefix;
  auto next = [&](Param p) {
    params.push_back(std::move(p));
    return params.size();
  };
  if (f.user_id) where += fmt::format(" AND user_id = ${}", next(*f.user_id));
  if (!f.username.empty()) where += fmt::format(" AND username = ${}", next(f.username));
  if (!f.action.empty()) {
    if (f.action.back() == '*') {
      prefix = f.action.substr(0, f.action.size() - 1);
      // substr instead of LIKE: no wildcards to escape, same on both databases.
      size_t n = next(prefix);
      where += fmt::format(" AND substr(action, 1, {}) = ${}", prefix.size(), n);
    } else {
      where += fmt::format(" AND action = ${}", next(f.action));
    }
  }
  if (!f.target_type.empty() && !f.target_id.empty()) {
    size_t t = next(f.target_type);
    size_t i = next(f.target_id);
    std::string also;
    if (f.target_type == "enterprise") {
      int64_t id = 0;
      bool numeric = !f.target_id.empty() && f.target_id.size() <= 18 &&
                     std::all_of(f.target_id.begin(), f.target_id.end(),
                                 [](char c) { return c >= '0' && c <= '9'; });
      if (numeric) {
        id = std::stoll(f.target_id);
        also = fmt::format(
            " OR seq IN (SELECT seq FROM audit_enterprises WHERE enterprise_id = ${})", next(id));
      }
    }
    where += fmt::format(" AND ((target_type = ${} AND target_id = ${}){})", t, i, also);
  } else if (!f.target_type.empty()) {
    where += fmt::format(" AND target_type = ${}", next(f.target_type));
  } else if (!f.target_id.empty()) {
    where += fmt::format(" AND target_id = ${}", next(f.target_id));
  }
  if (!f.from.empty()) where += fmt::format(" AND time >= ${}", next(f.from));
  if (!f.to.empty()) where += fmt::format(" AND time < ${}", next(f.to));
  if (total) {
    auto n = tx.query_value<int64_t>(fmt::format("SELECT COUNT(*) FROM audit_log WHERE {}", where),
                                     std::span<const Param>(params));
    if (!n.ok()) return n.error();
    *total = *n;
  }
  size_t lim = next(f.limit);
  size_t off = next(f.offset);
  auto rows = tx.query(fmt::format("SELECT {} FROM audit_log WHERE {} ORDER BY seq {} LIMIT ${} "
                                   "OFFSET ${}",
                                   kCols, where, f.newest_first ? "DESC" : "ASC", lim, off),
                       std::span<const Param>(params));
  if (!rows.ok()) return rows.error();
  std::vector<AuditEntry> out;
  out.reserve(rows->size());
  for (const Row& r : *rows) {
    ZHIDA_ASSIGN_OR_RETURN(AuditEntry e, entry_row(r));
    out.push_back(std::move(e));
  }
  return out;
}

Result<AuditCheck> verify_audit(Tx& tx) {
  AuditCheck c;
  std::string prev = kGenesis;
  int64_t expect = 1;
  // A running hash of the (seq, enterprise) pairs the entries list, compared
  // with the index table afterwards.
  crypto_hash_sha256_state listed;
  crypto_hash_sha256_init(&listed);
  auto fail = [&](int64_t seq, const char* problem, std::string message) {
    c.ok = false;
    c.bad_seq = seq;
    c.problem = problem;
    c.message = std::move(message);
  };
  Status st = tx.query_each(
      fmt::format("SELECT {} FROM audit_log ORDER BY seq", kCols), {},
      [&](const Row& r) -> Status {
        ZHIDA_ASSIGN_OR_RETURN(AuditEntry e, entry_row(r));
        ++c.entries;
        if (e.seq != expect) {
          fail(expect, "missing",
               e.seq > expect
                   ? fmt::format("缺少第 {} 条审计记录（第 {} 条之后直接是第 {} 条）：记录被删除",
                                 expect, expect - 1, e.seq)
                   : fmt::format("第 {} 条审计记录的序号重复或错乱", e.seq));
          return Error("audit.stop", "");
        }
        std::string ents = stored_enterprises(r);
        if (e.prev_hash != prev) {
          fail(e.seq, "broken_link",
               fmt::format("第 {} 条审计记录的前一哈希与第 {} 条的哈希不符：链条被改动", e.seq,
                           e.seq - 1));
          return Error("audit.stop", "");
        }
        if (audit_hash(prev, canonical_with(e, ents)) != e.hash) {
          fail(e.seq, "modified",
               fmt::format("第 {} 条审计记录的内容与其哈希不符：记录被修改", e.seq));
          return Error("audit.stop", "");
        }
        for (int64_t id : e.enterprises) {
          std::string pair = fmt::format("{}:{}\n", e.seq, id);
          crypto_hash_sha256_update(&listed, reinterpret_cast<const unsigned char*>(pair.data()),
                                    pair.size());
        }
        prev = e.hash;
        c.last_seq = e.seq;
        ++expect;
        return Status::Ok();
      });
  if (!st.ok() && st.error().code != "audit.stop") return st.error();
  if (!c.ok) return c;

  auto head = tx.query_one("SELECT seq, hash FROM audit_head WHERE id = 1");
  if (!head.ok()) return head.error();
  ZHIDA_ASSIGN_OR_RETURN(int64_t head_seq, head->get<int64_t>(0));
  ZHIDA_ASSIGN_OR_RETURN(std::string head_hash, head->get<std::string>(1));
  if (head_seq > c.last_seq) {
    fail(c.last_seq + 1, "missing",
         fmt::format("缺少第 {} 至第 {} 条审计记录（链头记录到第 {} 条）：最新的记录被删除",
                     c.last_seq + 1, head_seq, head_seq));
    return c;
  }
  if (head_seq != c.last_seq || head_hash != prev) {
    fail(c.last_seq, "head_mismatch",
         fmt::format("审计链头（第 {} 条）与最后一条记录（第 {} 条）不符", head_seq, c.last_seq));
    return c;
  }

  crypto_hash_sha256_state indexed;
  crypto_hash_sha256_init(&indexed);
  st = tx.query_each("SELECT seq, enterprise_id FROM audit_enterprises ORDER BY seq, enterprise_id",
                     {}, [&](const Row& r) -> Status {
                       ZHIDA_ASSIGN_OR_RETURN(int64_t seq, r.get<int64_t>(0));
                       ZHIDA_ASSIGN_OR_RETURN(int64_t id, r.get<int64_t>(1));
                       std::string pair = fmt::format("{}:{}\n", seq, id);
                       crypto_hash_sha256_update(
                           &indexed, reinterpret_cast<const unsigned char*>(pair.data()),
                           pair.size());
                       return Status::Ok();
                     });
  if (!st.ok()) return st.error();
  unsigned char a[crypto_hash_sha256_BYTES], b[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&listed, a);
  crypto_hash_sha256_final(&indexed, b);
  if (sodium_memcmp(a, b, sizeof a) != 0) {
    fail(0, "index_mismatch", "审计记录涉及企业的索引（audit_enterprises）与记录本身不符：索引被改动");
    return c;
  }
  return c;
}

}  // namespace zhida::store
