#include "store/db.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <exception>
#include <filesystem>
#include <random>
#include <thread>
#include <vector>

#include "store/internal.h"

namespace zhida::store {

namespace internal {

Error make_error(std::string code, std::string_view zh, std::string_view detail) {
  std::string msg(zh);
  if (!detail.empty()) {
    msg += "：";
    // Database messages often end with a newline.
    while (!detail.empty() && (detail.back() == '\n' || detail.back() == ' '))
      detail.remove_suffix(1);
    msg += detail;
  }
  return Error(std::move(code), std::move(msg));
}

bool is_transient(const Error& e) {
  return e.code == "db.busy" || e.code == "db.serialization" || e.code == "db.connection";
}

bool is_identifier(std::string_view s) {
  if (s.empty()) return false;
  bool start = true;
  for (char c : s) {
    bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    bool digit = c >= '0' && c <= '9';
    if (c == '.') {
      if (start) return false;
      start = true;
      continue;
    }
    if (start ? !alpha : !(alpha || digit)) return false;
    start = false;
  }
  return !start;
}

Error TxBase::aborted_error() const {
  return make_error("db.tx_aborted", "事务中先前的语句已失败，事务将回滚", first_error_.message);
}

Error TxBase::fail(Error e) {
  if (!aborted_) {
    aborted_ = true;
    first_error_ = e;
  }
  return e;
}

Status TxBase::run_savepoint(const std::function<Status(Tx&)>& fn,
                             const std::function<Status(std::string_view)>& raw) {
  if (aborted_) return aborted_error();
  std::string name = "zhida_sp" + std::to_string(++savepoints_);
  Status s = raw("SAVEPOINT " + name);
  if (!s.ok()) return fail(s.error());
  Status r = fn(*this);
  if (r.ok() && !aborted_) {
    Status released = raw("RELEASE SAVEPOINT " + name);
    if (!released.ok()) return fail(released.error());
    return released;
  }
  Error e = r.ok() ? first_error_ : r.error();
  if (aborted_ && is_transient(first_error_)) return first_error_;  // the whole tx must retry
  clear_failure();
  Status back = raw("ROLLBACK TO SAVEPOINT " + name);
  if (back.ok()) back = raw("RELEASE SAVEPOINT " + name);
  if (!back.ok()) return fail(back.error());
  return e;
}

void DbBase::notify_changes() {
  {
    std::lock_guard<std::mutex> lock(change_mu_);
    ++change_epoch_;
  }
  change_cv_.notify_all();
}

namespace {

// The Databases with a transaction running on this thread.
thread_local std::vector<const Database*> tl_active;

struct ActiveGuard {
  explicit ActiveGuard(const Database* db) { tl_active.push_back(db); }
  ~ActiveGuard() { tl_active.pop_back(); }
};

void backoff(int attempt) {
  thread_local std::minstd_rand rng(std::random_device{}());
  int cap_ms = std::min(200, 2 << std::min(attempt, 10));
  std::uniform_int_distribution<int> dist(cap_ms / 2, cap_ms);
  std::this_thread::sleep_for(std::chrono::milliseconds(dist(rng)));
}

}  // namespace

Status DbBase::run_once(const std::function<Status(Tx&)>& fn, Mode mode, bool* retry) {
  *retry = false;
  Result<std::unique_ptr<Session>> session = acquire(mode);
  if (!session.ok()) {
    *retry = is_transient(session.error());
    return session.error();
  }
  Session& s = **session;
  Status begun = s.begin();
  if (!begun.ok()) {
    s.rollback();
    *retry = is_transient(begun.error());
    return begun;
  }
  TxBase& tx = s.tx();
  Status result;
  try {
    result = fn(tx);
  } catch (const std::exception& e) {
    result = make_error("db.exception", "事务执行中发生异常，已回滚", e.what());
  } catch (...) {
    result = make_error("db.exception", "事务执行中发生未知异常，已回滚");
  }
  if (result.ok() && tx.aborted()) result = tx.first_error();
  if (!result.ok()) {
    s.rollback();
    *retry = (tx.aborted() && is_transient(tx.first_error())) || is_transient(result.error());
    if (result.error().code == "db.exception") *retry = false;
    return result;
  }
  Status committed = s.commit();
  if (!committed.ok()) {
    s.rollback();
    // A connection lost during COMMIT leaves the outcome unknown: not retried.
    *retry = committed.error().code == "db.busy" || committed.error().code == "db.serialization";
    return committed;
  }
  bool changed = tx.appended_change();
  session->reset();
  if (changed) notify_changes();
  return Status::Ok();
}

Status DbBase::exec_autocommit(std::string_view sql) {
  if (std::find(tl_active.begin(), tl_active.end(), this) != tl_active.end())
    return make_error("db.nested_transaction", "不能在事务内执行事务外语句");
  return run_autocommit(sql);
}

Status DbBase::transaction(const std::function<Status(Tx&)>& fn, Mode mode) {
  if (std::find(tl_active.begin(), tl_active.end(), this) != tl_active.end())
    return make_error("db.nested_transaction", "不能在事务内再开启同一数据库的事务");
  if (mode == Mode::kWrite && groups_writes()) return grouped(fn);
  ActiveGuard guard(this);
  for (int attempt = 0;; ++attempt) {
    bool retry = false;
    Status s = run_once(fn, mode, &retry);
    if (s.ok() || !retry || attempt >= options_.max_retries) return s;
    spdlog::debug("store: transaction retried ({}): {}", s.error().code, s.error().message);
    backoff(attempt);
  }
}

// ---- group commit
//
// Writers that arrive while a write transaction runs wait in a queue; when
// it ends, one of them (the leader) takes every waiting writer and runs
// their functions one after another in a single transaction, each inside
// its own savepoint, and commits once: one fsync for the group instead of
// one each. A function that fails rolls back only its savepoint and gets
// its own error; the others are unaffected, exactly as if each had run
// alone, in queue order. A caller returns only after the commit of its
// group. When the group as a whole fails to begin or commit with a transient
// error (another process holds the lock), the whole group runs again, as a
// single transaction would. A function whose own failure is transient runs
// again alone.

struct DbBase::Writer {
  const std::function<Status(Tx&)>* fn = nullptr;
  Status result;
  bool done = false;
};

namespace {

constexpr size_t kMaxGroup = 64;  // bounds how long the first writer of a group waits

Status run_guarded(const std::function<Status(Tx&)>& fn, Tx& tx) {
  try {
    return fn(tx);
  } catch (const std::exception& e) {
    return make_error("db.exception", "事务执行中发生异常，已回滚", e.what());
  } catch (...) {
    return make_error("db.exception", "事务执行中发生未知异常，已回滚");
  }
}

}  // namespace

Status DbBase::grouped(const std::function<Status(Tx&)>& fn) {
  Writer me;
  me.fn = &fn;
  std::unique_lock<std::mutex> lock(group_mu_);
  waiting_.push_back(&me);
  while (!me.done) {
    if (leading_) {
      group_cv_.wait(lock);
      continue;
    }
    leading_ = true;
    size_t take = std::min(waiting_.size(), kMaxGroup);
    std::vector<Writer*> group(waiting_.begin(), waiting_.begin() + static_cast<ptrdiff_t>(take));
    waiting_.erase(waiting_.begin(), waiting_.begin() + static_cast<ptrdiff_t>(take));
    lock.unlock();
    run_group(group);
    lock.lock();
    leading_ = false;
    group_cv_.notify_all();
  }
  return me.result;
}

void DbBase::run_group(std::vector<Writer*>& group) {
  ActiveGuard guard(this);
  auto alone = [&](Writer* w) {
    for (int attempt = 0;; ++attempt) {
      bool retry = false;
      w->result = run_once(*w->fn, Mode::kWrite, &retry);
      if (w->result.ok() || !retry || attempt >= options_.max_retries) break;
      backoff(attempt);
    }
    w->done = true;
  };
  if (group.size() == 1) {
    alone(group[0]);
    return;
  }
  for (int attempt = 0;; ++attempt) {
    std::vector<Writer*> again;  // failed on their own with a transient error
    Status whole = [&]() -> Status {
      Result<std::unique_ptr<Session>> session = acquire(Mode::kWrite);
      if (!session.ok()) return session.error();
      Session& s = **session;
      if (Status b = s.begin(); !b.ok()) {
        s.rollback();
        return b;
      }
      TxBase& tx = s.tx();
      for (Writer* w : group) {
        w->result = tx.savepoint([&](Tx& t) { return run_guarded(*w->fn, t); });
        if (tx.aborted()) {  // a transient failure the savepoint could not undo
          Status e = tx.first_error();
          s.rollback();
          return e;
        }
        if (!w->result.ok() && is_transient(w->result.error())) again.push_back(w);
      }
      Status committed = s.commit();
      if (!committed.ok()) {
        s.rollback();
        return committed;
      }
      bool changed = tx.appended_change();
      session->reset();
      if (changed) notify_changes();
      return Status::Ok();
    }();
    if (whole.ok()) {
      for (Writer* w : group)
        if (std::find(again.begin(), again.end(), w) == again.end()) w->done = true;
      for (Writer* w : again) alone(w);
      return;
    }
    bool transient = whole.error().code == "db.busy" || is_transient(whole.error());
    if (!transient || attempt >= options_.max_retries) {
      for (Writer* w : group) {
        w->result = whole;
        w->done = true;
      }
      return;
    }
    backoff(attempt);
  }
}

Result<bool> DbBase::wait_for_changes(int64_t after_seq, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::chrono::milliseconds poll = prepare_wait();
  for (;;) {
    uint64_t epoch;
    {
      std::lock_guard<std::mutex> lock(change_mu_);
      epoch = change_epoch_;
    }
    int64_t head = 0;
    Status s = transaction(
        [&](Tx& tx) -> Status {
          ZHIDA_ASSIGN_OR_RETURN(head, tx.last_change_seq());
          return Status::Ok();
        },
        Mode::kRead);
    if (!s.ok()) return s.error();
    if (head > after_seq) return true;
    auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return false;
    std::unique_lock<std::mutex> lock(change_mu_);
    change_cv_.wait_until(lock, std::min(deadline, now + poll),
                          [&] { return change_epoch_ != epoch; });
  }
}

}  // namespace internal

namespace {

bool starts_with(std::string_view s, std::string_view p) {
  return s.substr(0, p.size()) == p;
}

}  // namespace

Result<std::unique_ptr<Database>> Database::open(const std::string& url, Options options) {
  if (options.pool_size < 1) options.pool_size = 1;
  if (options.max_retries < 0) options.max_retries = 0;
  Result<std::unique_ptr<internal::DbBase>> db =
      [&]() -> Result<std::unique_ptr<internal::DbBase>> {
    if (starts_with(url, "postgresql://") || starts_with(url, "postgres://"))
      return internal::open_postgres(url, options);
    std::string path;
    if (starts_with(url, "sqlite:")) {
      path = url.substr(7);
      if (starts_with(path, "//")) path = path.substr(2);
    } else if (url.find("://") != std::string::npos) {
      return internal::make_error("db.bad_url",
                                  "不支持的数据库地址（应为 postgresql://… 或 sqlite:路径）",
                                  url.substr(0, url.find("://") + 3));
    } else {
      path = url;
    }
    if (path.empty()) return internal::make_error("db.bad_url", "数据库文件路径为空");
    std::error_code ec;
    std::filesystem::path parent = std::filesystem::path(path).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    if (ec) return internal::make_error("db.open", "无法创建数据库目录", ec.message());
    return internal::open_sqlite(path, options);
  }();
  if (!db.ok()) return db.error();
  if (options.migrate) {
    Status s = (*db)->migrate();
    if (!s.ok()) return s.error();
  }
  return std::unique_ptr<Database>(std::move(db).value());
}

Result<std::vector<Change>> Database::changes_since(int64_t after_seq, int limit) {
  std::vector<Change> out;
  Status s = transaction(
      [&](Tx& tx) -> Status {
        out.clear();
        return tx.query_each(
            "SELECT seq, topic, key, payload, created_at FROM changes WHERE seq > $1 "
            "ORDER BY seq LIMIT $2",
            std::initializer_list<Param>{after_seq, std::max(limit, 0)},
            [&](const Row& row) -> Status {
              Change c;
              ZHIDA_ASSIGN_OR_RETURN(c.seq, row.get<int64_t>(0));
              ZHIDA_ASSIGN_OR_RETURN(c.topic, row.get<std::string>(1));
              ZHIDA_ASSIGN_OR_RETURN(c.key, row.get<std::string>(2));
              ZHIDA_ASSIGN_OR_RETURN(c.payload, row.get<std::string>(3));
              ZHIDA_ASSIGN_OR_RETURN(c.created_at, row.get<std::string>(4));
              out.push_back(std::move(c));
              return Status::Ok();
            });
      },
      Mode::kRead);
  if (!s.ok()) return s.error();
  return out;
}

Status Database::prune_changes(int64_t up_to_seq) {
  return transaction([&](Tx& tx) -> Status {
    ZHIDA_TRY(tx.exec("DELETE FROM changes WHERE seq <= $1", {up_to_seq}));
    return Status::Ok();
  });
}

Result<Row> Tx::query_one(std::string_view sql, std::span<const Param> params) {
  Result<std::optional<Row>> row = query_optional(sql, params);
  if (!row.ok()) return row.error();
  if (!row->has_value()) return internal::make_error("db.not_found", "查询没有结果");
  return std::move(**row);
}

Result<std::optional<Row>> Tx::query_optional(std::string_view sql, std::span<const Param> params) {
  Result<Rows> rows = do_query(sql, params);
  if (!rows.ok()) return rows.error();
  if (rows->empty()) return std::optional<Row>();
  return std::optional<Row>(std::move(rows->front()));
}

Result<int64_t> Tx::last_change_seq() {
  return query_value<int64_t>("SELECT COALESCE(MAX(seq), 0) FROM changes");
}

}  // namespace zhida::store
