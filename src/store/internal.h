// Internals shared by the SQLite and PostgreSQL implementations. Not part of
// the store's interface: only db.cc, sqlite_db.cc, pg_db.cc and schema.cc
// include this.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "store/db.h"

namespace zhida::store::internal {

// "<zh>：<detail>" (just zh when detail is empty).
Error make_error(std::string code, std::string_view zh, std::string_view detail = {});

// Errors worth running the whole transaction again for.
bool is_transient(const Error& e);

// A plain SQL identifier, optionally schema-qualified: [A-Za-z_][A-Za-z0-9_]*(.…)?
bool is_identifier(std::string_view s);

// Base of the two Tx implementations: the "aborted after a failure" state.
class TxBase : public Tx {
 public:
  explicit TxBase(Mode mode) : mode_(mode) {}
  Mode mode() const override { return mode_; }

  bool aborted() const { return aborted_; }
  const Error& first_error() const { return first_error_; }
  bool appended_change() const { return appended_change_; }

 protected:
  // The error to return when the transaction is already aborted.
  Error aborted_error() const;
  // Records a failed statement (the first one is what the transaction reports).
  Error fail(Error e);
  // Savepoint support: forget a failure that was rolled back to a savepoint.
  void clear_failure() {
    aborted_ = false;
    first_error_ = Error();
  }
  // Runs fn between the dialect's savepoint statements.
  Status run_savepoint(const std::function<Status(Tx&)>& fn,
                       const std::function<Status(std::string_view)>& raw);

  Mode mode_;
  bool aborted_ = false;
  Error first_error_;
  bool appended_change_ = false;
  int savepoints_ = 0;
};

// Held while migrations run (see DbBase::lock_schema).
class SchemaLock {
 public:
  virtual ~SchemaLock() = default;
};

// One connection checked out for one transaction attempt. Destroying it
// gives the connection back (or drops it when it is broken).
class Session {
 public:
  virtual ~Session() = default;
  virtual Status begin() = 0;
  virtual Status commit() = 0;
  virtual void rollback() = 0;
  virtual TxBase& tx() = 0;
};

// What both implementations share: the transaction loop with retries, the
// migration runner, the change feed's waiting.
class DbBase : public Database {
 public:
  explicit DbBase(Options options) : options_(std::move(options)) {}

  Status transaction(const std::function<Status(Tx&)>& fn, Mode mode = Mode::kWrite) final;
  Result<bool> wait_for_changes(int64_t after_seq, std::chrono::milliseconds timeout) final;
  Status exec_autocommit(std::string_view sql) final;

  // Applies builtin_migrations() and options_.migrations (schema.cc).
  Status migrate();

 protected:
  // exec_autocommit after the nesting check.
  virtual Status run_autocommit(std::string_view sql) = 0;
  // A connection ready for a transaction in `mode` (may wait for one).
  virtual Result<std::unique_ptr<Session>> acquire(Mode mode) = 0;
  // Serialises whole migration runs across processes while the returned
  // object lives. PostgreSQL: a session advisory lock on a connection of its
  // own, taken before any migration transaction begins (a SERIALIZABLE
  // snapshot taken before waiting for a lock would not see the other
  // process's migrations). SQLite: nothing (null) — each migration
  // transaction re-reads schema_migrations after BEGIN IMMEDIATE.
  virtual Result<std::unique_ptr<SchemaLock>> lock_schema() = 0;
  // Makes cross-process wake-ups possible (PostgreSQL: starts the LISTEN
  // thread) and says how often wait_for_changes should look anyway.
  virtual std::chrono::milliseconds prepare_wait() = 0;

  // Wakes local waiters (called after a commit with changes, and by the
  // PostgreSQL listener).
  void notify_changes();

  // Whether concurrent write transactions share one commit (SQLite: the
  // single writer's COMMIT is an fsync, a few ms on a VM's disk, and nothing
  // else can run meanwhile). See DbBase::transaction in db.cc.
  virtual bool groups_writes() const { return false; }

  Options options_;

 private:
  Status run_once(const std::function<Status(Tx&)>& fn, Mode mode, bool* retry);
  // Group commit: one write transaction per group of waiting writers.
  struct Writer;
  Status grouped(const std::function<Status(Tx&)>& fn);
  void run_group(std::vector<Writer*>& group);

  std::mutex group_mu_;
  std::condition_variable group_cv_;
  std::vector<Writer*> waiting_;  // guarded by group_mu_
  bool leading_ = false;          // a thread is running a group; guarded by group_mu_

  std::mutex change_mu_;
  std::condition_variable change_cv_;
  uint64_t change_epoch_ = 0;  // guarded by change_mu_
};

// The implementations' factories (sqlite_db.cc, pg_db.cc).
Result<std::unique_ptr<DbBase>> open_sqlite(const std::string& path, const Options& options);
Result<std::unique_ptr<DbBase>> open_postgres(const std::string& url, const Options& options);

}  // namespace zhida::store::internal
