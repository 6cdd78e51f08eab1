// SQLite implementation: one writer connection (writers serialised in-process
// by a mutex, BEGIN IMMEDIATE against other processes) and a small pool of
// read-only reader connections; WAL, synchronous=FULL, foreign keys on.
//
// $1, $2 … work natively: SQLite treats "$1" as a named parameter, so each
// statement maps its parameter slots to numbers once, when it is prepared.

#include <sqlite3.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <condition_variable>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "store/internal.h"

namespace zhida::store::internal {

namespace {

Error sqlite_error(int rc, const char* msg) {
  std::string detail = msg ? msg : sqlite3_errstr(rc);
  switch (rc) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      return make_error("db.unique_violation", "违反唯一约束（键重复）", detail);
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      return make_error("db.foreign_key", "违反外键约束", detail);
    case SQLITE_CONSTRAINT_NOTNULL:
      return make_error("db.not_null", "必填字段为空", detail);
    case SQLITE_CONSTRAINT_CHECK:
      return make_error("db.check", "违反检查约束", detail);
    default:
      break;
  }
  switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
      return make_error("db.constraint", "违反数据库约束", detail);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return make_error("db.busy", "数据库正忙（被其他连接锁定）", detail);
    case SQLITE_READONLY:
      return make_error("db.read_only", "只读事务中不能写入", detail);
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_PROTOCOL:
    case SQLITE_NOLFS:
    case SQLITE_PERM:
    case SQLITE_NOMEM:
      return make_error("db.io", "数据库读写失败", detail);
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return make_error("db.corrupt", "数据库文件已损坏或不是数据库", detail);
    case SQLITE_TOOBIG:
    case SQLITE_MISMATCH:
      return make_error("db.data", "数据不符合列的要求", detail);
    case SQLITE_RANGE:
      return make_error("db.param", "参数与占位符不符", detail);
    default:
      return make_error("db.sql", "SQL 执行失败", detail);
  }
}

Error sqlite_error(sqlite3* db, int rc) {
  return sqlite_error(rc, db ? sqlite3_errmsg(db) : nullptr);
}

bool only_space_or_semicolons(const char* p, const char* end) {
  for (; p < end; ++p)
    if (!std::isspace(static_cast<unsigned char>(*p)) && *p != ';') return false;
  return true;
}

// Whether a statement reports affected rows (INSERT/UPDATE/DELETE/REPLACE,
// possibly after WITH); the others report 0, as on PostgreSQL.
bool is_dml(std::string_view sql) {
  size_t i = 0;
  while (i < sql.size() && std::isspace(static_cast<unsigned char>(sql[i]))) ++i;
  size_t j = i;
  while (j < sql.size() && std::isalpha(static_cast<unsigned char>(sql[j]))) ++j;
  std::string word(sql.substr(i, j - i));
  for (char& c : word) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return word == "INSERT" || word == "UPDATE" || word == "DELETE" || word == "REPLACE" ||
         word == "WITH";
}

// A prepared statement with its $N mapping.
struct Stmt {
  sqlite3_stmt* stmt = nullptr;
  std::vector<int> slot_param;  // for parameter slot i (0-based): index into params
  int param_count = 0;          // the highest $N
  bool in_use = false;
  ~Stmt() { sqlite3_finalize(stmt); }
};

class SqliteConn;

// A statement borrowed for one execution: resets it (and gives it back to the
// cache, or finalises it) when done.
class StmtLease {
 public:
  StmtLease(Stmt* s, std::unique_ptr<Stmt> owned) : s_(s), owned_(std::move(owned)) {}
  StmtLease(StmtLease&& o) noexcept : s_(o.s_), owned_(std::move(o.owned_)) { o.s_ = nullptr; }
  StmtLease& operator=(StmtLease&&) = delete;
  ~StmtLease() {
    if (!s_) return;
    sqlite3_reset(s_->stmt);
    s_->in_use = false;
  }
  Stmt& operator*() const { return *s_; }
  Stmt* operator->() const { return s_; }

 private:
  Stmt* s_;
  std::unique_ptr<Stmt> owned_;
};

class SqliteConn {
 public:
  ~SqliteConn() {
    cache_.clear();
    sqlite3_close_v2(db_);
  }

  static Result<std::unique_ptr<SqliteConn>> open(const std::string& path, const Options& options,
                                                  bool reader) {
    auto conn = std::unique_ptr<SqliteConn>(new SqliteConn());
    int flags =
        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
    int rc = sqlite3_open_v2(path.c_str(), &conn->db_, flags, nullptr);
    if (rc != SQLITE_OK) {
      Error e = sqlite_error(conn->db_, rc);
      return make_error("db.open", "无法打开数据库文件 " + path, e.message);
    }
    sqlite3_extended_result_codes(conn->db_, 1);
    sqlite3_busy_timeout(conn->db_, static_cast<int>(options.busy_timeout.count()));
    if (!reader) {
      // journal_mode is persistent in the file: set once by the writer.
      Result<std::string> mode = conn->pragma_text("PRAGMA journal_mode=WAL");
      if (!mode.ok()) return mode.error();
      if (*mode != "wal") return make_error("db.open", "数据库无法切换到 WAL 模式", *mode);
    }
    const char* setup =
        "PRAGMA synchronous=FULL;"
        "PRAGMA foreign_keys=ON;"
        "PRAGMA cache_size=-32768;"
        "PRAGMA temp_store=MEMORY;"
        "PRAGMA journal_size_limit=67108864;";
    ZHIDA_TRY(conn->exec_raw(setup));
    if (reader) ZHIDA_TRY(conn->exec_raw("PRAGMA query_only=ON"));
    return conn;
  }

  sqlite3* db() const { return db_; }

  Status exec_raw(std::string_view sql) {
    std::string s(sql);
    char* err = nullptr;
    int rc = sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err);
    if (rc == SQLITE_OK) return Status::Ok();
    Error e = sqlite_error(rc, err ? err : sqlite3_errmsg(db_));
    sqlite3_free(err);
    return e;
  }

  Result<std::string> pragma_text(const char* sql) {
    sqlite3_stmt* st = nullptr;
    int rc = sqlite3_prepare_v2(db_, sql, -1, &st, nullptr);
    if (rc != SQLITE_OK) return sqlite_error(db_, rc);
    std::string out;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
      const unsigned char* t = sqlite3_column_text(st, 0);
      out = t ? reinterpret_cast<const char*>(t) : "";
      rc = sqlite3_step(st);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) return sqlite_error(db_, rc);
    return out;
  }

  // A prepared statement for `sql`, from the cache when it is free there.
  Result<StmtLease> prepare(std::string_view sql) {
    std::string key(sql);
    auto it = cache_.find(key);
    if (it != cache_.end() && !it->second->in_use) {
      it->second->in_use = true;
      return StmtLease(it->second.get(), nullptr);
    }
    auto stmt = std::make_unique<Stmt>();
    const char* tail = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                SQLITE_PREPARE_PERSISTENT, &stmt->stmt, &tail);
    if (rc != SQLITE_OK) return sqlite_error(db_, rc);
    if (!stmt->stmt) return make_error("db.sql", "SQL 语句为空");
    if (tail && !only_space_or_semicolons(tail, sql.data() + sql.size()))
      return make_error("db.sql", "一次只能执行一条语句（多条语句请用 exec_script）",
                        std::string(sql.substr(0, 80)));
    int n = sqlite3_bind_parameter_count(stmt->stmt);
    stmt->slot_param.resize(n);
    for (int i = 1; i <= n; ++i) {
      const char* name = sqlite3_bind_parameter_name(stmt->stmt, i);
      int number = 0;
      bool ok = name && name[0] == '$' && name[1] >= '1' && name[1] <= '9';
      if (ok) {
        const char* end = name + std::char_traits<char>::length(name);
        auto [p, ec] = std::from_chars(name + 1, end, number);
        ok = ec == std::errc() && p == end;
      }
      if (!ok) return make_error("db.param", "占位符只能写成 $1、$2 …", name ? name : "?");
      stmt->slot_param[i - 1] = number - 1;
      stmt->param_count = std::max(stmt->param_count, number);
    }
    stmt->in_use = true;
    if (it != cache_.end()) return StmtLease(stmt.get(), std::move(stmt));  // busy: one-off
    if (cache_.size() >= 256) {
      for (auto c = cache_.begin(); c != cache_.end();)
        c = c->second->in_use ? std::next(c) : cache_.erase(c);
    }
    Stmt* raw = stmt.get();
    cache_.emplace(std::move(key), std::move(stmt));
    return StmtLease(raw, nullptr);
  }

 private:
  SqliteConn() = default;
  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, std::unique_ptr<Stmt>> cache_;
};

Status bind_one(sqlite3_stmt* st, int slot, const Param& p) {
  int rc = SQLITE_OK;
  switch (p.kind()) {
    case Param::Kind::kNull:
      rc = sqlite3_bind_null(st, slot);
      break;
    case Param::Kind::kInt:
      rc = sqlite3_bind_int64(st, slot, p.as_int());
      break;
    case Param::Kind::kReal:
      rc = sqlite3_bind_double(st, slot, p.as_real());
      break;
    case Param::Kind::kBool:
      rc = sqlite3_bind_int(st, slot, p.as_bool() ? 1 : 0);
      break;
    case Param::Kind::kText: {
      std::string_view t = p.bytes();
      if (t.find('\0') != std::string_view::npos)
        return make_error("db.data", "文本中不能含有零字节（二进制数据请用 BLOB）");
      rc = sqlite3_bind_text64(st, slot, t.empty() ? "" : t.data(), t.size(), SQLITE_STATIC,
                               SQLITE_UTF8);
      break;
    }
    case Param::Kind::kBlob: {
      std::string_view b = p.bytes();
      rc = b.empty() ? sqlite3_bind_zeroblob(st, slot, 0)
                     : sqlite3_bind_blob64(st, slot, b.data(), b.size(), SQLITE_STATIC);
      break;
    }
  }
  if (rc != SQLITE_OK) return sqlite_error(sqlite3_db_handle(st), rc);
  return Status::Ok();
}

Status bind_all(Stmt& s, std::span<const Param> params) {
  if (static_cast<int>(params.size()) != s.param_count)
    return make_error("db.param", "参数个数与占位符不符",
                      "SQL 需要 " + std::to_string(s.param_count) + " 个，提供了 " +
                          std::to_string(params.size()) + " 个");
  for (size_t i = 0; i < s.slot_param.size(); ++i)
    ZHIDA_TRY(bind_one(s.stmt, static_cast<int>(i) + 1, params[s.slot_param[i]]));
  return Status::Ok();
}

std::shared_ptr<const std::vector<std::string>> column_names(sqlite3_stmt* st) {
  auto names = std::make_shared<std::vector<std::string>>();
  int n = sqlite3_column_count(st);
  for (int i = 0; i < n; ++i) {
    const char* name = sqlite3_column_name(st, i);
    names->emplace_back(name ? name : "");
  }
  return names;
}

void read_row(sqlite3_stmt* st, std::vector<Value>& out) {
  int n = sqlite3_column_count(st);
  out.resize(n);
  for (int i = 0; i < n; ++i) {
    switch (sqlite3_column_type(st, i)) {
      case SQLITE_INTEGER:
        out[i] = Value::integer(sqlite3_column_int64(st, i));
        break;
      case SQLITE_FLOAT:
        out[i] = Value::real(sqlite3_column_double(st, i));
        break;
      case SQLITE_TEXT: {
        const char* t = reinterpret_cast<const char*>(sqlite3_column_text(st, i));
        out[i] = Value::text(std::string(t ? t : "", sqlite3_column_bytes(st, i)));
        break;
      }
      case SQLITE_BLOB: {
        const char* b = static_cast<const char*>(sqlite3_column_blob(st, i));
        int len = sqlite3_column_bytes(st, i);
        out[i] = Value::blob(b ? std::string(b, len) : std::string());
        break;
      }
      default:
        out[i] = Value::null();
        break;
    }
  }
}

class SqliteTx final : public TxBase {
 public:
  SqliteTx(SqliteConn& conn, Mode mode) : TxBase(mode), conn_(conn) {}

  Dialect dialect() const override { return Dialect::kSqlite; }

  Status query_each(std::string_view sql, std::span<const Param> params,
                    const std::function<Status(const Row&)>& fn) override {
    if (aborted_) return aborted_error();
    Result<StmtLease> lease = conn_.prepare(sql);
    if (!lease.ok()) return fail(lease.error());
    Stmt& s = **lease;
    Status b = bind_all(s, params);
    if (!b.ok()) return fail(b.error());
    Row row(column_names(s.stmt), {});
    for (;;) {
      int rc = sqlite3_step(s.stmt);
      if (rc == SQLITE_DONE) return Status::Ok();
      if (rc != SQLITE_ROW) return fail(sqlite_error(conn_.db(), rc));
      read_row(s.stmt, row.mutable_values());
      Status r = fn(row);
      if (!r.ok()) return r;
    }
  }

  Status exec_script(std::string_view sql) override {
    if (aborted_) return aborted_error();
    Status s = conn_.exec_raw(sql);
    if (!s.ok()) return fail(s.error());
    return s;
  }

  // Rows are staged (values copied into one reused arena) and inserted
  // kBatchRows at a time with one multi-row INSERT: a third faster than one
  // statement per row. The last, partial batch goes row by row.
  Result<int64_t> bulk_insert(std::string_view table, std::span<const std::string> columns,
                              const RowSource& next) override {
    if (aborted_) return aborted_error();
    if (!is_identifier(table) || columns.empty())
      return fail(make_error("db.param", "批量写入的表名或列名无效", table));
    const size_t ncols = columns.size();
    const size_t batch = std::clamp<size_t>(32000 / ncols, 1, 64);
    std::string head = "INSERT INTO " + std::string(table) + " (";
    for (size_t i = 0; i < ncols; ++i) {
      if (!is_identifier(columns[i]))
        return fail(make_error("db.param", "批量写入的列名无效", columns[i]));
      head += (i ? ", " : "") + columns[i];
    }
    head += ") VALUES ";
    auto values_sql = [&](size_t rows) {
      std::string sql = head;
      for (size_t r = 0, n = 1; r < rows; ++r) {
        sql += r ? ", (" : "(";
        for (size_t c = 0; c < ncols; ++c, ++n) sql += (c ? ", $" : "$") + std::to_string(n);
        sql += ")";
      }
      return sql;
    };
    Result<StmtLease> one = conn_.prepare(values_sql(1));
    if (!one.ok()) return fail(one.error());
    Result<StmtLease> many = conn_.prepare(values_sql(batch));
    if (!many.ok()) return fail(many.error());

    struct Staged {
      Param::Kind kind;
      int64_t i;
      double d;
      size_t off, len;
    };
    std::vector<Staged> staged;
    staged.reserve(batch * ncols);
    std::string arena;
    int64_t count = 0;
    // Binds staged rows [from, from + rows) to `st` starting at slot 1.
    auto bind_rows = [&](sqlite3_stmt* st, size_t from, size_t rows) -> Status {
      for (size_t k = 0; k < rows * ncols; ++k) {
        const Staged& v = staged[from * ncols + k];
        int slot = static_cast<int>(k) + 1, rc = SQLITE_OK;
        switch (v.kind) {
          case Param::Kind::kNull:
            rc = sqlite3_bind_null(st, slot);
            break;
          case Param::Kind::kInt:
          case Param::Kind::kBool:
            rc = sqlite3_bind_int64(st, slot, v.i);
            break;
          case Param::Kind::kReal:
            rc = sqlite3_bind_double(st, slot, v.d);
            break;
          case Param::Kind::kText:
            rc = sqlite3_bind_text64(st, slot, arena.data() + v.off, v.len, SQLITE_STATIC,
                                     SQLITE_UTF8);
            break;
          case Param::Kind::kBlob:
            rc = v.len == 0
                     ? sqlite3_bind_zeroblob(st, slot, 0)
                     : sqlite3_bind_blob64(st, slot, arena.data() + v.off, v.len, SQLITE_STATIC);
            break;
        }
        if (rc != SQLITE_OK) return sqlite_error(conn_.db(), rc);
      }
      return Status::Ok();
    };
    auto step = [&](sqlite3_stmt* st, int64_t first, int64_t last) -> Status {
      int rc = sqlite3_step(st);
      sqlite3_reset(st);
      if (rc == SQLITE_DONE) return Status::Ok();
      Error e = sqlite_error(conn_.db(), rc);
      std::string rows = first == last ? std::to_string(first)
                                       : std::to_string(first) + "–" + std::to_string(last);
      return make_error(e.code, "批量写入第 " + rows + " 行失败", e.message);
    };
    auto flush = [&]() -> Status {
      size_t rows = staged.size() / ncols;
      int64_t first = count - static_cast<int64_t>(rows) + 1;
      if (rows == batch) {
        ZHIDA_TRY(bind_rows((*many)->stmt, 0, rows));
        ZHIDA_TRY(step((*many)->stmt, first, count));
      } else {
        for (size_t r = 0; r < rows; ++r) {
          ZHIDA_TRY(bind_rows((*one)->stmt, r, 1));
          ZHIDA_TRY(
              step((*one)->stmt, first + static_cast<int64_t>(r), first + static_cast<int64_t>(r)));
        }
      }
      staged.clear();
      arena.clear();
      return Status::Ok();
    };

    std::vector<Param> row(ncols);
    while (next(row)) {
      if (row.size() != ncols) return fail(make_error("db.param", "批量写入的行长度与列数不符"));
      ++count;
      for (const Param& p : row) {
        Staged v{p.kind(), p.as_int(), p.as_real(), 0, 0};
        if (v.kind == Param::Kind::kText || v.kind == Param::Kind::kBlob) {
          std::string_view b = p.bytes();
          if (v.kind == Param::Kind::kText && b.find('\0') != std::string_view::npos)
            return fail(make_error("db.data", "批量写入第 " + std::to_string(count) + " 行失败",
                                   "文本中不能含有零字节（二进制数据请用 BLOB）"));
          v.off = arena.size();
          v.len = b.size();
          arena.append(b);
        }
        staged.push_back(v);
      }
      if (staged.size() == batch * ncols) {
        Status s = flush();
        if (!s.ok()) return fail(s.error());
      }
    }
    Status s = flush();
    if (!s.ok()) return fail(s.error());
    return count;
  }

  Status savepoint(const std::function<Status(Tx&)>& fn) override {
    return run_savepoint(fn, [this](std::string_view sql) { return conn_.exec_raw(sql); });
  }

  Result<int64_t> append_change(std::string_view topic, std::string_view key,
                                std::string_view payload_json) override {
    Result<int64_t> seq = query_value<int64_t>(
        "INSERT INTO changes (topic, key, payload) VALUES ($1, $2, $3) RETURNING seq",
        {topic, key, payload_json});
    if (seq.ok()) appended_change_ = true;
    return seq;
  }

 protected:
  Result<int64_t> do_exec(std::string_view sql, std::span<const Param> params) override {
    if (aborted_) return aborted_error();
    Result<StmtLease> lease = conn_.prepare(sql);
    if (!lease.ok()) return fail(lease.error());
    Stmt& s = **lease;
    Status b = bind_all(s, params);
    if (!b.ok()) return fail(b.error());
    int rc;
    while ((rc = sqlite3_step(s.stmt)) == SQLITE_ROW) {
    }
    if (rc != SQLITE_DONE) return fail(sqlite_error(conn_.db(), rc));
    if (sqlite3_stmt_readonly(s.stmt) || !is_dml(sql)) return int64_t{0};
    return static_cast<int64_t>(sqlite3_changes64(conn_.db()));
  }

  Result<Rows> do_query(std::string_view sql, std::span<const Param> params) override {
    Rows rows;
    Status s = query_each(sql, params, [&](const Row& row) -> Status {
      rows.push_back(row);
      return Status::Ok();
    });
    if (!s.ok()) return s.error();
    return rows;
  }

 private:
  SqliteConn& conn_;
};

class SqliteDb;

class SqliteSession final : public Session {
 public:
  // Writer: holds the writer lock for its lifetime.
  SqliteSession(SqliteConn& conn, std::unique_lock<std::mutex> writer_lock)
      : conn_(&conn), writer_lock_(std::move(writer_lock)), tx_(conn, Mode::kWrite) {}
  // Reader: gives the connection back to the pool when done.
  SqliteSession(std::unique_ptr<SqliteConn> conn,
                std::function<void(std::unique_ptr<SqliteConn>)> give_back)
      : conn_(conn.get()),
        owned_(std::move(conn)),
        give_back_(std::move(give_back)),
        tx_(*conn_, Mode::kRead) {}
  ~SqliteSession() override {
    if (!sqlite3_get_autocommit(conn_->db())) conn_->exec_raw("ROLLBACK").ok();
    if (give_back_) give_back_(std::move(owned_));
  }

  Status begin() override {
    return conn_->exec_raw(tx_.mode() == Mode::kWrite ? "BEGIN IMMEDIATE" : "BEGIN");
  }
  Status commit() override { return conn_->exec_raw("COMMIT"); }
  void rollback() override {
    if (!sqlite3_get_autocommit(conn_->db())) {
      Status s = conn_->exec_raw("ROLLBACK");
      if (!s.ok()) spdlog::warn("store: sqlite rollback failed: {}", s.error().message);
    }
  }
  TxBase& tx() override { return tx_; }

 private:
  SqliteConn* conn_;
  std::unique_ptr<SqliteConn> owned_;
  std::function<void(std::unique_ptr<SqliteConn>)> give_back_;
  std::unique_lock<std::mutex> writer_lock_;
  SqliteTx tx_;
};

class SqliteDb final : public DbBase {
 public:
  SqliteDb(std::string path, Options options, std::unique_ptr<SqliteConn> writer)
      : DbBase(std::move(options)), path_(std::move(path)), writer_(std::move(writer)) {}

  Dialect dialect() const override { return Dialect::kSqlite; }

 protected:
  bool groups_writes() const override { return true; }

  Status run_autocommit(std::string_view sql) override {
    std::lock_guard<std::mutex> lock(writer_mu_);
    return writer_->exec_raw(sql);
  }

  Result<std::unique_ptr<Session>> acquire(Mode mode) override {
    if (mode == Mode::kWrite)
      return std::unique_ptr<Session>(
          new SqliteSession(*writer_, std::unique_lock<std::mutex>(writer_mu_)));
    std::unique_ptr<SqliteConn> conn;
    {
      std::unique_lock<std::mutex> lock(pool_mu_);
      pool_cv_.wait(lock, [&] { return !idle_.empty() || opened_ < options_.pool_size; });
      if (!idle_.empty()) {
        conn = std::move(idle_.back());
        idle_.pop_back();
      } else {
        ++opened_;
      }
    }
    if (!conn) {
      Result<std::unique_ptr<SqliteConn>> opened = SqliteConn::open(path_, options_, true);
      if (!opened.ok()) {
        std::lock_guard<std::mutex> lock(pool_mu_);
        --opened_;
        pool_cv_.notify_one();
        return opened.error();
      }
      conn = std::move(opened).value();
    }
    return std::unique_ptr<Session>(
        new SqliteSession(std::move(conn), [this](std::unique_ptr<SqliteConn> c) {
          {
            std::lock_guard<std::mutex> lock(pool_mu_);
            idle_.push_back(std::move(c));
          }
          pool_cv_.notify_one();
        }));
  }

  Result<std::unique_ptr<SchemaLock>> lock_schema() override {
    return std::unique_ptr<SchemaLock>();  // BEGIN IMMEDIATE is the lock
  }
  std::chrono::milliseconds prepare_wait() override { return std::chrono::milliseconds(100); }

 private:
  std::string path_;
  std::mutex writer_mu_;  // the single writer; held for a whole write transaction
  std::unique_ptr<SqliteConn> writer_;
  std::mutex pool_mu_;
  std::condition_variable pool_cv_;
  std::vector<std::unique_ptr<SqliteConn>> idle_;  // guarded by pool_mu_
  int opened_ = 0;                                 // readers in existence, guarded by pool_mu_
};

}  // namespace

Result<std::unique_ptr<DbBase>> open_sqlite(const std::string& path, const Options& options) {
  // Memory statistics cost a global mutex per allocation; nothing reads them.
  // Only possible before SQLite initialises (harmlessly refused after).
  static std::once_flag once;
  std::call_once(once, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
  Result<std::unique_ptr<SqliteConn>> writer = SqliteConn::open(path, options, false);
  if (!writer.ok()) return writer.error();
  return std::unique_ptr<DbBase>(new SqliteDb(path, options, std::move(writer).value()));
}

}  // namespace zhida::store::internal
