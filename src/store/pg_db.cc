// PostgreSQL implementation on libpq (not libpqxx: libpq has no exceptions to
// catch, gives SQLSTATEs, COPY and LISTEN/NOTIFY directly, and binds BYTEA in
// binary). A pool of connections; a broken connection is dropped and a new
// one made by the next transaction (which transaction() retries when the
// break happened before COMMIT). Writes run SERIALIZABLE, reads
// REPEATABLE READ READ ONLY: the same semantics as SQLite's.

#include <libpq-fe.h>
#include <poll.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <charconv>
#include <cmath>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <thread>
#include <vector>

#include "store/internal.h"

namespace zhida::store::internal {

namespace {

// Advisory lock keys (two-int form): ('zhid', 1) migrations (session lock),
// ('zhid', 2) change feed (transaction lock).
constexpr const char* kLockSchema = "SELECT pg_advisory_lock(2053662052, 1)";
constexpr const char* kLockChanges = "SELECT pg_advisory_xact_lock(2053662052, 2)";
constexpr const char* kChannel = "zhida_changes";

// PostgreSQL type OIDs (pg_type.dat).
constexpr Oid kBoolOid = 16, kByteaOid = 17, kInt8Oid = 20, kInt2Oid = 21, kInt4Oid = 23,
              kOidOid = 26, kFloat4Oid = 700, kFloat8Oid = 701, kNumericOid = 1700;

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResult = std::unique_ptr<PGresult, ResultDeleter>;

bool connection_ok(PGconn* c) {
  return c && PQstatus(c) == CONNECTION_OK;
}

Error pg_error(PGconn* conn, const PGresult* res) {
  std::string detail;
  const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  if (res) {
    const char* primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
    const char* more = PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL);
    detail = primary ? primary : PQresultErrorMessage(res);
    if (more) detail += std::string("（") + more + "）";
  }
  if (detail.empty() && conn) detail = PQerrorMessage(conn);
  std::string_view s = state ? state : "";
  if (!connection_ok(conn) || s.starts_with("57P0") || (s.starts_with("08") && s != "08P01"))
    return make_error("db.connection", "数据库连接中断或无法连接", detail);
  if (s == "23505") return make_error("db.unique_violation", "违反唯一约束（键重复）", detail);
  if (s == "23503") return make_error("db.foreign_key", "违反外键约束", detail);
  if (s == "23502") return make_error("db.not_null", "必填字段为空", detail);
  if (s == "23514") return make_error("db.check", "违反检查约束", detail);
  if (s.starts_with("23")) return make_error("db.constraint", "违反数据库约束", detail);
  if (s == "40001" || s == "40P01")
    return make_error("db.serialization", "并发事务冲突（序列化失败或死锁）", detail);
  if (s == "25006") return make_error("db.read_only", "只读事务中不能写入", detail);
  if (s == "25P02") return make_error("db.tx_aborted", "事务中先前的语句已失败", detail);
  if (s == "08P01" || s == "42P02") return make_error("db.param", "参数与占位符不符", detail);
  if (s.starts_with("22")) return make_error("db.data", "数据不符合列的要求", detail);
  if (s.starts_with("53") || s.starts_with("58"))
    return make_error("db.io", "数据库读写失败（磁盘或资源不足）", detail);
  if (s == "XX001" || s == "XX002") return make_error("db.corrupt", "数据库数据已损坏", detail);
  return make_error("db.sql", "SQL 执行失败", detail);
}

// Checks a finished statement; the error when it failed.
Status check(PGconn* conn, const PGresult* res) {
  if (!res) return pg_error(conn, nullptr);
  ExecStatusType st = PQresultStatus(res);
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_SINGLE_TUPLE)
    return Status::Ok();
  return pg_error(conn, res);
}

void notice_to_log(void*, const char* message) {
  spdlog::debug("store: postgresql: {}", message);
}

class PgConn {
 public:
  ~PgConn() { PQfinish(c_); }

  static Result<std::unique_ptr<PgConn>> connect(const std::string& url) {
    const char* keys[] = {"connect_timeout", "client_encoding", "fallback_application_name",
                          "dbname", nullptr};
    const char* values[] = {"10", "UTF8", "zhida", url.c_str(), nullptr};
    auto conn = std::unique_ptr<PgConn>(new PgConn(PQconnectdbParams(keys, values, 1)));
    if (!conn->c_) return make_error("db.connection", "无法连接 PostgreSQL", "out of memory");
    if (PQstatus(conn->c_) != CONNECTION_OK)
      return make_error("db.connection", "无法连接 PostgreSQL", PQerrorMessage(conn->c_));
    PQsetNoticeProcessor(conn->c_, notice_to_log, nullptr);
    return conn;
  }

  PGconn* get() const { return c_; }
  bool healthy() const { return connection_ok(c_) && PQtransactionStatus(c_) == PQTRANS_IDLE; }

  // A statement without parameters (BEGIN, scripts, COPY …).
  Status exec(const std::string& sql) {
    PgResult r(PQexec(c_, sql.c_str()));
    return check(c_, r.get());
  }

 private:
  explicit PgConn(PGconn* c) : c_(c) {}
  PGconn* c_;
};

// Parameters in libpq's arrays. Texts are copied (libpq wants them
// NUL-terminated); BYTEA goes in binary.
class PgParams {
 public:
  Status set(std::span<const Param> params) {
    size_t n = params.size();
    types_.assign(n, 0);
    values_.assign(n, nullptr);
    lengths_.assign(n, 0);
    formats_.assign(n, 0);
    storage_.clear();
    storage_.reserve(n);
    for (size_t i = 0; i < n; ++i) {
      const Param& p = params[i];
      switch (p.kind()) {
        case Param::Kind::kNull:
          break;
        case Param::Kind::kInt:
          types_[i] = kInt8Oid;
          values_[i] = store(std::to_string(p.as_int()));
          break;
        case Param::Kind::kReal:
          types_[i] = kFloat8Oid;
          values_[i] = store(format_double(p.as_real()));
          break;
        case Param::Kind::kBool:
          types_[i] = kBoolOid;
          values_[i] = p.as_bool() ? "t" : "f";
          break;
        case Param::Kind::kText: {
          std::string_view t = p.bytes();
          if (t.find('\0') != std::string_view::npos)
            return make_error("db.data", "文本中不能含有零字节（二进制数据请用 BLOB）");
          values_[i] = store(std::string(t));
          break;
        }
        case Param::Kind::kBlob: {
          std::string_view b = p.bytes();
          types_[i] = kByteaOid;
          values_[i] = b.empty() ? "" : b.data();
          lengths_[i] = static_cast<int>(b.size());
          formats_[i] = 1;
          break;
        }
      }
    }
    return Status::Ok();
  }

  int size() const { return static_cast<int>(types_.size()); }
  const Oid* types() const { return types_.data(); }
  const char* const* values() const { return values_.data(); }
  const int* lengths() const { return lengths_.data(); }
  const int* formats() const { return formats_.data(); }

  static std::string format_double(double d) {
    if (std::isnan(d)) return "NaN";
    if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
    char buf[64];
    auto [p, ec] = std::to_chars(buf, buf + sizeof buf, d);
    return std::string(buf, p);
  }

 private:
  const char* store(std::string s) {
    storage_.push_back(std::move(s));
    return storage_.back().c_str();
  }
  std::vector<Oid> types_;
  std::vector<const char*> values_;
  std::vector<int> lengths_;
  std::vector<int> formats_;
  std::vector<std::string> storage_;  // reserved up front: c_str() pointers stay valid
};

// The highest $N placeholder in `sql`, skipping string literals, quoted
// identifiers, comments and dollar-quoted bodies. PostgreSQL itself accepts
// surplus typed parameters; SQLite does not, so both are held to the same rule.
int max_placeholder(std::string_view sql) {
  auto ident = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' ||
           static_cast<unsigned char>(c) >= 0x80;
  };
  int max = 0;
  size_t i = 0, n = sql.size();
  while (i < n) {
    char c = sql[i];
    if (c == '\'' || c == '"') {
      bool escapes = c == '\'' && i > 0 && (sql[i - 1] == 'E' || sql[i - 1] == 'e') &&
                     (i < 2 || !ident(sql[i - 2]));
      for (++i; i < n; ++i) {
        if (escapes && sql[i] == '\\') {
          ++i;
        } else if (sql[i] == c) {
          if (i + 1 < n && sql[i + 1] == c) {
            ++i;  // doubled quote
          } else {
            break;
          }
        }
      }
      ++i;
    } else if (c == '-' && i + 1 < n && sql[i + 1] == '-') {
      while (i < n && sql[i] != '\n') ++i;
    } else if (c == '/' && i + 1 < n && sql[i + 1] == '*') {
      int depth = 0;
      do {
        if (sql.compare(i, 2, "/*") == 0) {
          ++depth;
          i += 2;
        } else if (sql.compare(i, 2, "*/") == 0) {
          --depth;
          i += 2;
        } else {
          ++i;
        }
      } while (i < n && depth > 0);
    } else if (c == '$') {
      size_t j = i + 1;
      if (j < n && std::isdigit(static_cast<unsigned char>(sql[j])) &&
          (i == 0 || !ident(sql[i - 1]))) {
        int v = 0;
        while (j < n && std::isdigit(static_cast<unsigned char>(sql[j])) && v < 100000)
          v = v * 10 + (sql[j++] - '0');
        max = std::max(max, v);
        i = j;
      } else if (i == 0 || !ident(sql[i - 1])) {
        // $tag$ … $tag$ (tag may be empty)
        while (j < n && ident(sql[j]) && !std::isdigit(static_cast<unsigned char>(sql[j]))) ++j;
        if (j < n && sql[j] == '$') {
          std::string_view tag = sql.substr(i, j - i + 1);
          size_t end = sql.find(tag, j + 1);
          i = end == std::string_view::npos ? n : end + tag.size();
        } else {
          i = j;
        }
      } else {
        ++i;
      }
    } else {
      ++i;
    }
  }
  return max;
}

Status check_param_count(std::string_view sql, size_t given) {
  int wanted = max_placeholder(sql);
  if (static_cast<size_t>(wanted) == given) return Status::Ok();
  return make_error(
      "db.param", "参数个数与占位符不符",
      "SQL 需要 " + std::to_string(wanted) + " 个，提供了 " + std::to_string(given) + " 个");
}

enum class ColKind { kText, kInt, kReal, kBool, kBytea, kNumeric };

ColKind col_kind(Oid oid) {
  switch (oid) {
    case kBoolOid:
      return ColKind::kBool;
    case kInt8Oid:
    case kInt2Oid:
    case kInt4Oid:
    case kOidOid:
      return ColKind::kInt;
    case kFloat4Oid:
    case kFloat8Oid:
      return ColKind::kReal;
    case kNumericOid:
      return ColKind::kNumeric;
    case kByteaOid:
      return ColKind::kBytea;
    default:
      return ColKind::kText;
  }
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Value convert(ColKind kind, const char* v, int len) {
  switch (kind) {
    case ColKind::kInt: {
      int64_t out = 0;
      std::from_chars(v, v + len, out);
      return Value::integer(out);
    }
    case ColKind::kReal: {
      std::string_view s(v, len);
      if (s == "NaN") return Value::real(NAN);
      if (s == "Infinity") return Value::real(INFINITY);
      if (s == "-Infinity") return Value::real(-INFINITY);
      double out = 0;
      std::from_chars(v, v + len, out);
      return Value::real(out);
    }
    case ColKind::kBool:
      return Value::boolean(len > 0 && v[0] == 't');
    case ColKind::kNumeric:
      return Value::numeric(std::string(v, len));
    case ColKind::kBytea: {
      // Text output of BYTEA: "\x" and two hex digits per byte.
      std::string out;
      if (len >= 2 && v[0] == '\\' && v[1] == 'x') {
        out.reserve((len - 2) / 2);
        for (int i = 2; i + 1 < len; i += 2)
          out.push_back(static_cast<char>(hex_digit(v[i]) * 16 + hex_digit(v[i + 1])));
      }
      return Value::blob(std::move(out));
    }
    case ColKind::kText:
      break;
  }
  return Value::text(std::string(v, len));
}

struct ResultShape {
  std::shared_ptr<const std::vector<std::string>> names;
  std::vector<ColKind> kinds;
};

ResultShape shape_of(const PGresult* res) {
  ResultShape s;
  auto names = std::make_shared<std::vector<std::string>>();
  int n = PQnfields(res);
  for (int i = 0; i < n; ++i) {
    names->emplace_back(PQfname(res, i));
    s.kinds.push_back(col_kind(PQftype(res, i)));
  }
  s.names = std::move(names);
  return s;
}

void read_row(const PGresult* res, int r, const ResultShape& shape, std::vector<Value>& out) {
  int n = static_cast<int>(shape.kinds.size());
  out.resize(n);
  for (int c = 0; c < n; ++c) {
    if (PQgetisnull(res, r, c))
      out[c] = Value::null();
    else
      out[c] = convert(shape.kinds[c], PQgetvalue(res, r, c), PQgetlength(res, r, c));
  }
}

// COPY … FROM STDIN text format for one value.
Status append_copy_value(std::string& buf, const Param& p) {
  switch (p.kind()) {
    case Param::Kind::kNull:
      buf += "\\N";
      break;
    case Param::Kind::kInt: {
      char tmp[24];
      auto [end, ec] = std::to_chars(tmp, tmp + sizeof tmp, p.as_int());
      buf.append(tmp, end);
      break;
    }
    case Param::Kind::kReal:
      buf += PgParams::format_double(p.as_real());
      break;
    case Param::Kind::kBool:
      buf += p.as_bool() ? 't' : 'f';
      break;
    case Param::Kind::kText: {
      std::string_view t = p.bytes();
      size_t pos = 0;
      for (;;) {
        size_t special = t.find_first_of(std::string_view("\\\t\n\r\0", 5), pos);
        if (special == std::string_view::npos) {
          buf.append(t.substr(pos));
          break;
        }
        buf.append(t.substr(pos, special - pos));
        switch (t[special]) {
          case '\\':
            buf += "\\\\";
            break;
          case '\t':
            buf += "\\t";
            break;
          case '\n':
            buf += "\\n";
            break;
          case '\r':
            buf += "\\r";
            break;
          default:
            return make_error("db.data", "文本中不能含有零字节（二进制数据请用 BLOB）");
        }
        pos = special + 1;
      }
      break;
    }
    case Param::Kind::kBlob: {
      static const char* kHex = "0123456789abcdef";
      std::string_view b = p.bytes();
      buf += "\\\\x";
      for (unsigned char c : b) {
        buf += kHex[c >> 4];
        buf += kHex[c & 15];
      }
      break;
    }
  }
  return Status::Ok();
}

class PgTx final : public TxBase {
 public:
  PgTx(PgConn& conn, Mode mode) : TxBase(mode), conn_(conn) {}

  Dialect dialect() const override { return Dialect::kPostgres; }

  Status query_each(std::string_view sql, std::span<const Param> params,
                    const std::function<Status(const Row&)>& fn) override {
    if (aborted_) return aborted_error();
    Status p = check_param_count(sql, params.size());
    if (p.ok()) p = params_.set(params);
    if (!p.ok()) return fail(p.error());
    PGconn* c = conn_.get();
    std::string text(sql);
    if (!PQsendQueryParams(c, text.c_str(), params_.size(), params_.types(), params_.values(),
                           params_.lengths(), params_.formats(), 0))
      return fail(pg_error(c, nullptr));
    PQsetSingleRowMode(c);
    Status result;  // the first failure; the results are drained regardless
    bool failed_in_db = false;
    ResultShape shape;
    Row row;
    while (PGresult* raw = PQgetResult(c)) {
      PgResult r(raw);
      ExecStatusType st = PQresultStatus(raw);
      if (st == PGRES_SINGLE_TUPLE || st == PGRES_TUPLES_OK) {
        // Rows come one per result in single-row mode; the final TUPLES_OK
        // has none (or all of them, had single-row mode been refused).
        for (int i = 0, n = PQntuples(raw); i < n && result.ok(); ++i) {
          if (!shape.names) {
            shape = shape_of(raw);
            row = Row(shape.names, {});
          }
          read_row(raw, i, shape, row.mutable_values());
          result = fn(row);
        }
      } else if (st != PGRES_COMMAND_OK && !failed_in_db) {
        failed_in_db = true;
        result = fail(pg_error(c, raw));
      }
    }
    if (result.ok() && !connection_ok(c)) return fail(pg_error(c, nullptr));
    return result;
  }

  Status exec_script(std::string_view sql) override {
    if (aborted_) return aborted_error();
    Status s = conn_.exec(std::string(sql));
    if (!s.ok()) return fail(s.error());
    return s;
  }

  Result<int64_t> bulk_insert(std::string_view table, std::span<const std::string> columns,
                              const RowSource& next) override {
    if (aborted_) return aborted_error();
    if (!is_identifier(table) || columns.empty())
      return fail(make_error("db.param", "批量写入的表名或列名无效", table));
    std::string sql = "COPY " + std::string(table) + " (";
    for (size_t i = 0; i < columns.size(); ++i) {
      if (!is_identifier(columns[i]))
        return fail(make_error("db.param", "批量写入的列名无效", columns[i]));
      sql += (i ? ", " : "") + columns[i];
    }
    sql += ") FROM STDIN";
    PGconn* c = conn_.get();
    {
      PgResult r(PQexec(c, sql.c_str()));
      if (!r || PQresultStatus(r.get()) != PGRES_COPY_IN) return fail(pg_error(c, r.get()));
    }
    constexpr size_t kChunk = 1 << 20;
    std::string buf;
    buf.reserve(kChunk + 4096);
    std::vector<Param> row(columns.size());
    int64_t count = 0;
    Status producer;  // our own failure, reported instead of the server's
    auto send = [&]() -> bool {
      if (buf.empty()) return true;
      bool ok = PQputCopyData(c, buf.data(), static_cast<int>(buf.size())) == 1;
      buf.clear();
      return ok;
    };
    bool sent_ok = true;
    // A throwing producer must not leave the connection inside COPY.
    auto next_row = [&]() -> bool {
      try {
        return next(row);
      } catch (...) {
        PQputCopyEnd(c, "exception in the row producer");
        while (PGresult* raw = PQgetResult(c)) PQclear(raw);
        fail(make_error("db.exception", "批量写入的数据来源抛出异常"));
        throw;
      }
    };
    while (sent_ok && next_row()) {
      if (row.size() != columns.size()) {
        producer = make_error("db.param", "批量写入的行长度与列数不符");
        break;
      }
      for (size_t i = 0; i < row.size() && producer.ok(); ++i) {
        if (i) buf += '\t';
        producer = append_copy_value(buf, row[i]);
      }
      if (!producer.ok()) {
        producer =
            make_error(producer.error().code, "批量写入第 " + std::to_string(count + 1) + " 行失败",
                       producer.error().message);
        break;
      }
      buf += '\n';
      ++count;
      if (buf.size() >= kChunk) sent_ok = send();
    }
    if (producer.ok() && sent_ok) sent_ok = send();
    PQputCopyEnd(c, producer.ok() && sent_ok ? nullptr : "aborted by the client");
    Status server;
    while (PGresult* raw = PQgetResult(c)) {
      PgResult r(raw);
      if (server.ok() && PQresultStatus(raw) != PGRES_COMMAND_OK) server = pg_error(c, raw);
    }
    if (!producer.ok()) return fail(producer.error());
    if (!server.ok()) return fail(server.error());
    if (!sent_ok) return fail(pg_error(c, nullptr));
    return count;
  }

  Status savepoint(const std::function<Status(Tx&)>& fn) override {
    return run_savepoint(fn, [this](std::string_view sql) { return conn_.exec(std::string(sql)); });
  }

  Result<int64_t> append_change(std::string_view topic, std::string_view key,
                                std::string_view payload_json) override {
    if (aborted_) return aborted_error();
    if (!change_locked_) {
      // Serialise change-appending writers until commit, so that seq order is
      // commit order (a follower never skips a seq committed later), and wake
      // the listeners of other instances on commit.
      Status s = conn_.exec(kLockChanges);
      if (s.ok()) s = conn_.exec(std::string("NOTIFY ") + kChannel);
      if (!s.ok()) return fail(s.error());
      change_locked_ = true;
    }
    Result<int64_t> seq = query_value<int64_t>(
        "INSERT INTO changes (topic, key, payload) VALUES ($1, $2, $3) RETURNING seq",
        {topic, key, payload_json});
    if (seq.ok()) appended_change_ = true;
    return seq;
  }

 protected:
  Result<int64_t> do_exec(std::string_view sql, std::span<const Param> params) override {
    Result<PgResult> r = run(sql, params);
    if (!r.ok()) return r.error();
    const char* n = PQcmdTuples(r->get());
    int64_t count = 0;
    if (n && *n) std::from_chars(n, n + std::strlen(n), count);
    return count;
  }

  Result<Rows> do_query(std::string_view sql, std::span<const Param> params) override {
    Result<PgResult> r = run(sql, params);
    if (!r.ok()) return r.error();
    const PGresult* res = r->get();
    ResultShape shape = shape_of(res);
    int n = PQntuples(res);
    Rows rows;
    rows.reserve(n);
    for (int i = 0; i < n; ++i) {
      std::vector<Value> values;
      read_row(res, i, shape, values);
      rows.emplace_back(shape.names, std::move(values));
    }
    return rows;
  }

 private:
  Result<PgResult> run(std::string_view sql, std::span<const Param> params) {
    if (aborted_) return aborted_error();
    Status p = check_param_count(sql, params.size());
    if (p.ok()) p = params_.set(params);
    if (!p.ok()) return fail(p.error());
    std::string text(sql);
    PGconn* c = conn_.get();
    PgResult r(PQexecParams(c, text.c_str(), params_.size(), params_.types(), params_.values(),
                            params_.lengths(), params_.formats(), 0));
    Status s = check(c, r.get());
    if (!s.ok()) return fail(s.error());
    return r;
  }

  PgConn& conn_;
  PgParams params_;
  bool change_locked_ = false;
};

class PgDb;

class PgSession final : public Session {
 public:
  PgSession(std::unique_ptr<PgConn> conn, Mode mode,
            std::function<void(std::unique_ptr<PgConn>)> give_back)
      : conn_(std::move(conn)), give_back_(std::move(give_back)), tx_(*conn_, mode) {}
  ~PgSession() override { give_back_(std::move(conn_)); }

  Status begin() override {
    return conn_->exec(tx_.mode() == Mode::kWrite
                           ? "BEGIN ISOLATION LEVEL SERIALIZABLE"
                           : "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY");
  }
  Status commit() override {
    PgResult r(PQexec(conn_->get(), "COMMIT"));
    ZHIDA_TRY(check(conn_->get(), r.get()));
    // COMMIT of a failed transaction "succeeds" as ROLLBACK.
    if (std::strcmp(PQcmdStatus(r.get()), "COMMIT") != 0)
      return make_error("db.tx_aborted", "事务已回滚", PQcmdStatus(r.get()));
    return Status::Ok();
  }
  void rollback() override {
    if (connection_ok(conn_->get()) && PQtransactionStatus(conn_->get()) != PQTRANS_IDLE) {
      Status s = conn_->exec("ROLLBACK");
      if (!s.ok()) spdlog::debug("store: postgresql rollback failed: {}", s.error().message);
    }
  }
  TxBase& tx() override { return tx_; }

 private:
  std::unique_ptr<PgConn> conn_;
  std::function<void(std::unique_ptr<PgConn>)> give_back_;
  PgTx tx_;
};

class PgDb final : public DbBase {
 public:
  PgDb(std::string url, Options options) : DbBase(std::move(options)), url_(std::move(url)) {}

  ~PgDb() override {
    if (listener_.joinable()) {
      stop_ = true;
      char b = 1;
      if (write(wake_[1], &b, 1) < 0) spdlog::debug("store: listener wake failed");
      listener_.join();
    }
    if (wake_[0] >= 0) {
      close(wake_[0]);
      close(wake_[1]);
    }
  }

  Dialect dialect() const override { return Dialect::kPostgres; }

  // Adds a connection made by open() to the pool.
  void adopt(std::unique_ptr<PgConn> conn) {
    std::lock_guard<std::mutex> lock(pool_mu_);
    ++opened_;
    idle_.push_back(std::move(conn));
  }

 protected:
  Status run_autocommit(std::string_view sql) override {
    Result<std::unique_ptr<PgConn>> conn = take();
    if (!conn.ok()) return conn.error();
    Status s = (*conn)->exec(std::string(sql));
    give_back(std::move(conn).value());
    return s;
  }

  Result<std::unique_ptr<Session>> acquire(Mode mode) override {
    Result<std::unique_ptr<PgConn>> conn = take();
    if (!conn.ok()) return conn.error();
    return std::unique_ptr<Session>(
        new PgSession(std::move(conn).value(), mode,
                      [this](std::unique_ptr<PgConn> c) { give_back(std::move(c)); }));
  }

  Result<std::unique_ptr<SchemaLock>> lock_schema() override {
    // Released by closing the connection (also when the process dies).
    struct PgSchemaLock : SchemaLock {
      std::unique_ptr<PgConn> conn;
    };
    Result<std::unique_ptr<PgConn>> conn = PgConn::connect(url_);
    if (!conn.ok()) return conn.error();
    Status s = (*conn)->exec(kLockSchema);
    if (!s.ok()) return s.error();
    auto lock = std::make_unique<PgSchemaLock>();
    lock->conn = std::move(conn).value();
    return std::unique_ptr<SchemaLock>(std::move(lock));
  }

  std::chrono::milliseconds prepare_wait() override {
    std::unique_lock<std::mutex> lock(listen_mu_);
    if (!listener_.joinable()) {
      if (pipe(wake_) != 0) return std::chrono::milliseconds(100);  // polling only
      listener_ = std::thread([this] { listen_loop(); });
    }
    // Wait (briefly) until LISTEN is in place, so that no NOTIFY is missed.
    listen_cv_.wait_for(lock, std::chrono::seconds(2), [&] { return listening_; });
    return std::chrono::milliseconds(listening_ ? 1000 : 100);
  }

 private:
  Result<std::unique_ptr<PgConn>> take() {
    {
      std::unique_lock<std::mutex> lock(pool_mu_);
      pool_cv_.wait(lock, [&] { return !idle_.empty() || opened_ < options_.pool_size; });
      if (!idle_.empty()) {
        std::unique_ptr<PgConn> c = std::move(idle_.back());
        idle_.pop_back();
        return c;
      }
      ++opened_;
    }
    Result<std::unique_ptr<PgConn>> c = PgConn::connect(url_);
    if (!c.ok()) {
      {
        std::lock_guard<std::mutex> lock(pool_mu_);
        --opened_;
      }
      pool_cv_.notify_one();
    }
    return c;
  }

  void give_back(std::unique_ptr<PgConn> c) {
    {
      std::lock_guard<std::mutex> lock(pool_mu_);
      if (c && c->healthy()) {
        idle_.push_back(std::move(c));
      } else {
        --opened_;  // broken (or left inside a transaction): dropped, reconnect later
        if (c) spdlog::info("store: dropped a broken PostgreSQL connection");
      }
    }
    c.reset();
    pool_cv_.notify_one();
  }

  void set_listening(bool v) {
    {
      std::lock_guard<std::mutex> lock(listen_mu_);
      listening_ = v;
    }
    listen_cv_.notify_all();
  }

  // The LISTEN connection: wakes local waiters on every NOTIFY (and after a
  // reconnect, when notifications may have been missed).
  void listen_loop() {
    std::unique_ptr<PgConn> conn;
    while (!stop_) {
      if (!conn) {
        Result<std::unique_ptr<PgConn>> c = PgConn::connect(url_);
        if (c.ok() && (*c)->exec(std::string("LISTEN ") + kChannel).ok()) {
          conn = std::move(c).value();
          set_listening(true);
          notify_changes();
        } else {
          set_listening(false);
          pollfd p{wake_[0], POLLIN, 0};
          poll(&p, 1, 500);
          continue;
        }
      }
      pollfd fds[2] = {{PQsocket(conn->get()), POLLIN, 0}, {wake_[0], POLLIN, 0}};
      int n = poll(fds, 2, 5000);
      if (n < 0 || stop_) continue;
      if (fds[0].revents) {
        if (!PQconsumeInput(conn->get()) || !connection_ok(conn->get())) {
          spdlog::info("store: LISTEN connection lost; reconnecting");
          conn.reset();
          set_listening(false);
          continue;
        }
        bool any = false;
        while (PGnotify* note = PQnotifies(conn->get())) {
          any = true;
          PQfreemem(note);
        }
        if (any) notify_changes();
      }
    }
  }

  std::string url_;
  std::mutex pool_mu_;
  std::condition_variable pool_cv_;
  std::vector<std::unique_ptr<PgConn>> idle_;  // guarded by pool_mu_
  int opened_ = 0;                             // connections in existence, guarded by pool_mu_

  std::mutex listen_mu_;
  std::condition_variable listen_cv_;
  bool listening_ = false;  // guarded by listen_mu_
  std::thread listener_;    // started by the first wait_for_changes
  std::atomic<bool> stop_{false};
  int wake_[2] = {-1, -1};  // pipe: wakes the listener to stop
};

}  // namespace

Result<std::unique_ptr<DbBase>> open_postgres(const std::string& url, const Options& options) {
  auto deadline = std::chrono::steady_clock::now() + options.busy_timeout;
  for (;;) {
    Result<std::unique_ptr<PgConn>> conn = PgConn::connect(url);
    if (conn.ok()) {
      auto db = std::make_unique<PgDb>(url, options);
      db->adopt(std::move(conn).value());
      return std::unique_ptr<DbBase>(std::move(db));
    }
    if (std::chrono::steady_clock::now() >= deadline) return conn.error();
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

}  // namespace zhida::store::internal
