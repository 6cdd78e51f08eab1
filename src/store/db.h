// Database and Tx: zhida's SQL storage, on SQLite or PostgreSQL.
//
//   auto db = store::Database::open("sqlite:data/zhida.db", {.migrations = {my_schema()}});
//   if (!db.ok()) return db.error();
//   Status s = (*db)->transaction([&](store::Tx& tx) -> Status {
//     ZHIDA_ASSIGN_OR_RETURN(int64_t id, tx.query_value<int64_t>(
//         "INSERT INTO t (name) VALUES ($1) RETURNING id", {name}));
//     ZHIDA_TRY(tx.append_change("t", std::to_string(id), R"({"op":"insert"})"));
//     return Status::Ok();
//   });
//
// One interface, two implementations chosen by the URL (see Database::open).
// SQL is written once with PostgreSQL-style placeholders $1, $2 … on both
// dialects; schema SQL uses the macros of schema.h. Portable SQL that works on
// both: INSERT … RETURNING, INSERT … ON CONFLICT … DO UPDATE/NOTHING,
// CAST(x AS …) (not x::type), COALESCE, TRUE/FALSE, the ->/->> JSON operators.
//
// Failures are Result/Status with an Error whose code is one of:
//   db.unique_violation  a UNIQUE/PRIMARY KEY constraint (map to HTTP 409)
//   db.foreign_key       a FOREIGN KEY constraint
//   db.not_null          a NOT NULL constraint
//   db.check             a CHECK constraint
//   db.constraint        another constraint
//   db.busy              SQLite stayed locked (after the retries)
//   db.serialization     PostgreSQL serialization failure/deadlock (after the retries)
//   db.read_only         a write in a Mode::kRead transaction
//   db.tx_aborted        a statement after an earlier failure in the same transaction
//   db.connection        PostgreSQL unreachable or the connection broke
//   db.io, db.corrupt    disk full, I/O error, a damaged database file
//   db.sql               bad SQL (syntax, unknown table or column)
//   db.data              a value the column cannot take (bad JSON, text too long …)
//   db.param             wrong number or kind of placeholders/parameters
//   db.not_found         query_one/query_value found no row
//   db.null, db.type, db.column   row access (see value.h)
//   db.exception         the transaction function threw (rolled back)
//   db.nested_transaction, db.bad_url, db.open, db.migration_*  (see below)
// Messages are Chinese, followed by the database's own text.
//
// Thread-safety: Database is thread-safe; share one per process. A Tx is
// owned by the transaction and usable only inside the function passed to
// transaction(), on that thread; it must not be kept.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "store/schema.h"
#include "store/value.h"

namespace zhida::store {

// The default URL of the embedded database (relative to the working directory).
inline constexpr std::string_view kDefaultUrl = "sqlite:data/zhida.db";

enum class Mode {
  kRead,   // a consistent snapshot; never blocks or is blocked by writers
  kWrite,  // serializable: SQLite's single writer, PostgreSQL SERIALIZABLE
};

struct Options {
  // PostgreSQL: connections in the pool. SQLite: reader connections (the
  // writer is always one connection).
  int pool_size = 4;
  // How many times transaction() runs the function again after a transient
  // conflict (SQLite busy/locked, PostgreSQL 40001/40P01, a broken connection
  // before COMMIT was sent).
  int max_retries = 20;
  // SQLite: how long a statement waits for another process's lock.
  // PostgreSQL: how long open() keeps trying to connect.
  std::chrono::milliseconds busy_timeout{5000};
  // Schema of the layers above the store, applied in this order after the
  // store's own tables. See schema.h and README.md.
  std::vector<MigrationSet> migrations;
  // False: open without touching the schema (tools, administration).
  bool migrate = true;
};

// One entry of the change feed.
struct Change {
  int64_t seq = 0;  // strictly increasing in commit order
  std::string topic;
  std::string key;
  std::string payload;     // JSON text
  std::string created_at;  // timestamp (schema.h)
};

// Fills `row` (already sized to the column count) with the next row and
// returns true, or returns false when there are no more rows. Borrowed
// Params must stay valid until the next call.
using RowSource = std::function<bool(std::vector<Param>& row)>;

// A transaction in progress. Not thread-safe; owned by Database::transaction.
//
// After any failed statement the transaction is aborted (on both dialects, as
// PostgreSQL requires): further statements return "db.tx_aborted" and the
// transaction rolls back even if the function returns ok. To try something
// that may fail and carry on, wrap it in savepoint().
class Tx {
 public:
  virtual ~Tx() = default;
  Tx(const Tx&) = delete;
  Tx& operator=(const Tx&) = delete;

  virtual Dialect dialect() const = 0;
  virtual Mode mode() const = 0;

  // Runs one statement; returns the number of rows it changed.
  Result<int64_t> exec(std::string_view sql) { return do_exec(sql, {}); }
  Result<int64_t> exec(std::string_view sql, std::initializer_list<Param> params) {
    return do_exec(sql, std::span<const Param>(params.begin(), params.size()));
  }
  Result<int64_t> exec(std::string_view sql, std::span<const Param> params) {
    return do_exec(sql, params);
  }

  // Runs one statement and returns all its rows.
  Result<Rows> query(std::string_view sql) { return do_query(sql, {}); }
  Result<Rows> query(std::string_view sql, std::initializer_list<Param> params) {
    return do_query(sql, std::span<const Param>(params.begin(), params.size()));
  }
  Result<Rows> query(std::string_view sql, std::span<const Param> params) {
    return do_query(sql, params);
  }

  // Streams the rows to `fn` without holding them all (large loads). The Row
  // is reused between calls. A non-ok Status from `fn` stops and is returned.
  virtual Status query_each(std::string_view sql, std::span<const Param> params,
                            const std::function<Status(const Row&)>& fn) = 0;

  // Exactly the first row; "db.not_found" when there is none.
  Result<Row> query_one(std::string_view sql, std::initializer_list<Param> params = {}) {
    return query_one(sql, std::span<const Param>(params.begin(), params.size()));
  }
  Result<Row> query_one(std::string_view sql, std::span<const Param> params);
  // The first row or nullopt.
  Result<std::optional<Row>> query_optional(std::string_view sql,
                                            std::initializer_list<Param> params = {}) {
    return query_optional(sql, std::span<const Param>(params.begin(), params.size()));
  }
  Result<std::optional<Row>> query_optional(std::string_view sql, std::span<const Param> params);
  // The first column of the first row, e.g. the id of INSERT … RETURNING id.
  template <typename T>
  Result<T> query_value(std::string_view sql, std::initializer_list<Param> params = {}) {
    return query_value<T>(sql, std::span<const Param>(params.begin(), params.size()));
  }
  template <typename T>
  Result<T> query_value(std::string_view sql, std::span<const Param> params) {
    Result<Row> row = query_one(sql, params);
    if (!row.ok()) return row.error();
    return row->get<T>(0);
  }

  // Runs several ';'-separated statements without parameters (schema scripts).
  virtual Status exec_script(std::string_view sql) = 0;

  // Inserts many rows fast: a reused prepared statement on SQLite, COPY on
  // PostgreSQL. `table` and `columns` must be plain identifiers. Returns the
  // number of rows inserted. Constraint failures fail the whole call; make the
  // surrounding transaction large (one per import) for speed.
  virtual Result<int64_t> bulk_insert(std::string_view table, std::span<const std::string> columns,
                                      const RowSource& next) = 0;
  Result<int64_t> bulk_insert(std::string_view table, std::initializer_list<std::string> columns,
                              const RowSource& next) {
    return bulk_insert(table, std::span<const std::string>(columns.begin(), columns.size()), next);
  }

  // Runs `fn` inside a savepoint: if it fails (or a statement in it fails) the
  // savepoint is rolled back, this transaction stays usable and the error is
  // returned.
  virtual Status savepoint(const std::function<Status(Tx&)>& fn) = 0;

  // Appends to the change feed, in this transaction: other instances see the
  // change exactly when (and if) the transaction commits. Returns its seq. On
  // PostgreSQL this serialises committing writers that append changes (so seq
  // order is commit order): append changes late in a transaction.
  virtual Result<int64_t> append_change(std::string_view topic, std::string_view key,
                                        std::string_view payload_json) = 0;
  // The highest seq visible to this transaction (0 when the feed is empty):
  // read it in the same snapshot as a bulk load, then follow changes_since.
  Result<int64_t> last_change_seq();

 protected:
  Tx() = default;
  virtual Result<int64_t> do_exec(std::string_view sql, std::span<const Param> params) = 0;
  virtual Result<Rows> do_query(std::string_view sql, std::span<const Param> params) = 0;
};

// A database. Thread-safe; destroy it only when no transaction is running.
class Database {
 public:
  // Opens (and for SQLite creates) the database named by `url` and applies
  // the migrations:
  //   postgresql://user@host:port/db?… or postgres://…  -> PostgreSQL (libpq URI)
  //   sqlite:PATH, sqlite://PATH or a plain PATH          -> SQLite file (parent
  //                                                         directories created)
  // Fails with "db.bad_url", "db.open", "db.connection" or a migration error:
  //   db.migration_checksum  an applied migration's SQL changed
  //   db.schema_too_new      the database has migrations this program does not know
  //   db.migration_gap       a migration is missing below an applied one
  //   db.migration_invalid   versions not increasing, duplicate component …
  //   or the error of the failing migration's SQL.
  static Result<std::unique_ptr<Database>> open(const std::string& url, Options options = {});

  virtual ~Database() = default;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  virtual Dialect dialect() const = 0;

  // Begins a transaction, runs `fn`, commits if it returns ok, rolls back if
  // it returns an error or throws (the exception becomes "db.exception").
  // When the failure is a transient conflict (db.busy, db.serialization, a
  // connection lost before COMMIT) the whole function runs again, up to
  // Options::max_retries times with a growing random pause: `fn` must be safe
  // to repeat (no side effects outside the database). kRead transactions run
  // concurrently with each other and with the writer.
  // Calling transaction() on the same Database from inside `fn` fails with
  // "db.nested_transaction" (it would deadlock on SQLite).
  virtual Status transaction(const std::function<Status(Tx&)>& fn, Mode mode = Mode::kWrite) = 0;

  // Runs one statement outside any transaction: VACUUM, ANALYZE,
  // CREATE INDEX CONCURRENTLY, CREATE DATABASE.
  virtual Status exec_autocommit(std::string_view sql) = 0;

  // Up to `limit` changes with seq > `after_seq`, in seq order.
  Result<std::vector<Change>> changes_since(int64_t after_seq, int limit = 1000);
  // Deletes the changes with seq <= `up_to_seq` (after every follower saw them).
  Status prune_changes(int64_t up_to_seq);

  // Waits until a change with seq > `after_seq` is committed (by any process)
  // or `timeout` passes; returns whether there is one. PostgreSQL wakes on
  // LISTEN/NOTIFY; SQLite polls every 100 ms (and wakes at once for commits
  // made through this Database object).
  virtual Result<bool> wait_for_changes(int64_t after_seq, std::chrono::milliseconds timeout) = 0;

 protected:
  Database() = default;
};

}  // namespace zhida::store
