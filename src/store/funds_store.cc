#include "store/funds_store.h"

#include <fmt/format.h>

namespace zhida::store {

const MigrationSet& funds_migrations() {
  static const MigrationSet kSet{"funds",
                                 {
                                     {1, "funds",
                                      R"SQL(
CREATE TABLE bank_accounts (
  id {{id}},
  enterprise_id {{bigint}} NOT NULL,
  account_name {{text}} NOT NULL,
  bank_name {{text}} NOT NULL,
  account_number {{text}} NOT NULL,
  confirmed_by {{bigint}} NOT NULL,
  confirmed_by_name {{text}} NOT NULL DEFAULT '',
  confirmed_at {{timestamp}} NOT NULL
);
CREATE INDEX bank_accounts_by_enterprise ON bank_accounts (enterprise_id, id);
CREATE TABLE award_accounts (
  application_id {{bigint}} NOT NULL PRIMARY KEY,
  enterprise_id {{bigint}} NOT NULL,
  bank_account_id {{bigint}} NOT NULL REFERENCES bank_accounts(id),
  confirmed_by {{bigint}} NOT NULL,
  confirmed_at {{timestamp}} NOT NULL
);
CREATE TABLE publicity_lists (
  id {{id}},
  policy_id {{text}} NOT NULL,
  policy_name {{text}} NOT NULL,
  year {{bigint}} NOT NULL,
  title {{text}} NOT NULL,
  start_on {{text}} NOT NULL,
  end_on {{text}} NOT NULL,
  days {{bigint}} NOT NULL,
  status {{text}} NOT NULL,
  created_by {{bigint}} NOT NULL,
  created_at {{timestamp}} NOT NULL,
  closed_by {{bigint}} NOT NULL DEFAULT 0,
  closed_at {{timestamp}} NOT NULL DEFAULT ''
);
CREATE TABLE publicity_entries (
  list_id {{bigint}} NOT NULL REFERENCES publicity_lists(id),
  application_id {{bigint}} NOT NULL,
  enterprise_id {{bigint}} NOT NULL,
  enterprise_name {{text}} NOT NULL,
  amount_fen {{bigint}} NOT NULL,
  status {{text}} NOT NULL,
  PRIMARY KEY (list_id, application_id)
);
CREATE INDEX publicity_entries_by_application ON publicity_entries (application_id);
CREATE TABLE objections (
  id {{id}},
  list_id {{bigint}} NOT NULL REFERENCES publicity_lists(id),
  application_id {{bigint}} NOT NULL,
  enterprise_id {{bigint}} NOT NULL,
  lodged_by {{bigint}} NOT NULL,
  lodged_by_name {{text}} NOT NULL DEFAULT '',
  contact {{text}} NOT NULL DEFAULT '',
  reason {{text}} NOT NULL,
  status {{text}} NOT NULL,
  reply {{text}} NOT NULL DEFAULT '',
  resolved_by {{bigint}} NOT NULL DEFAULT 0,
  resolved_at {{timestamp}} NOT NULL DEFAULT '',
  created_at {{timestamp}} NOT NULL
);
CREATE INDEX objections_by_list ON objections (list_id, status);
CREATE TABLE disbursement_batches (
  id {{id}},
  policy_id {{text}} NOT NULL,
  policy_name {{text}} NOT NULL,
  year {{bigint}} NOT NULL,
  name {{text}} NOT NULL,
  status {{text}} NOT NULL,
  budget_mode {{text}} NOT NULL,
  budget_fen {{bigint}},
  available_fen {{bigint}},
  requested_fen {{bigint}} NOT NULL DEFAULT 0,
  allocated_fen {{bigint}} NOT NULL DEFAULT 0,
  created_by {{bigint}} NOT NULL,
  created_at {{timestamp}} NOT NULL,
  closed_by {{bigint}} NOT NULL DEFAULT 0,
  closed_at {{timestamp}} NOT NULL DEFAULT '',
  paid_by {{bigint}} NOT NULL DEFAULT 0,
  paid_at {{timestamp}} NOT NULL DEFAULT ''
);
CREATE TABLE disbursement_items (
  batch_id {{bigint}} NOT NULL REFERENCES disbursement_batches(id),
  application_id {{bigint}} NOT NULL UNIQUE,
  enterprise_id {{bigint}} NOT NULL,
  enterprise_name {{text}} NOT NULL,
  requested_fen {{bigint}} NOT NULL,
  allocated_fen {{bigint}},
  bank_account_id {{bigint}} NOT NULL REFERENCES bank_accounts(id),
  account_name {{text}} NOT NULL,
  bank_name {{text}} NOT NULL,
  account_number {{text}} NOT NULL,
  decided_at {{timestamp}} NOT NULL DEFAULT '',
  PRIMARY KEY (batch_id, application_id)
))SQL"},
                                 }};
  return kSet;
}

namespace {

Status done(const Result<int64_t>& r) {
  if (!r.ok()) return r.error();
  return Status::Ok();
}

template <typename T, typename F>
Result<std::vector<T>> map_rows(const Result<Rows>& rows, F&& from) {
  if (!rows.ok()) return rows.error();
  std::vector<T> out;
  out.reserve(rows->size());
  for (const Row& r : *rows) {
    Result<T> v = from(r);
    if (!v.ok()) return v.error();
    out.push_back(std::move(v).value());
  }
  return out;
}

template <typename T>
Result<std::optional<T>> first(Result<std::vector<T>> v) {
  if (!v.ok()) return v.error();
  if (v->empty()) return std::optional<T>();
  return std::optional<T>(std::move(v->front()));
}

const char* kAccountCols =
    "id, enterprise_id, account_name, bank_name, account_number, confirmed_by, confirmed_by_name, "
    "confirmed_at";
Result<BankAccount> account_from(const Row& r) {
  BankAccount a;
  ZHIDA_ASSIGN_OR_RETURN(a.id, r.get<int64_t>(0));
  ZHIDA_ASSIGN_OR_RETURN(a.enterprise_id, r.get<int64_t>(1));
  ZHIDA_ASSIGN_OR_RETURN(a.account_name, r.get<std::string>(2));
  ZHIDA_ASSIGN_OR_RETURN(a.bank_name, r.get<std::string>(3));
  ZHIDA_ASSIGN_OR_RETURN(a.account_number, r.get<std::string>(4));
  ZHIDA_ASSIGN_OR_RETURN(a.confirmed_by, r.get<int64_t>(5));
  ZHIDA_ASSIGN_OR_RETURN(a.confirmed_by_name, r.get<std::string>(6));
  ZHIDA_ASSIGN_OR_RETURN(a.confirmed_at, r.get<std::string>(7));
  return a;
}

const char* kListCols =
    "l.id, l.policy_id, l.policy_name, l.year, l.title, l.start_on, l.end_on, l.days, l.status, "
    "l.created_by, "
    "l.created_at, l.closed_by, l.closed_at, "
    "(SELECT COUNT(*) FROM publicity_entries e WHERE e.list_id = l.id), "
    "(SELECT COALESCE(SUM(e.amount_fen), 0) FROM publicity_entries e WHERE e.list_id = l.id AND "
    "e.status <> "
    "'withdrawn'), "
    "(SELECT COUNT(*) FROM objections o WHERE o.list_id = l.id AND o.status = 'open')";
Result<PublicityList> list_from(const Row& r) {
  PublicityList l;
  ZHIDA_ASSIGN_OR_RETURN(l.id, r.get<int64_t>(0));
  ZHIDA_ASSIGN_OR_RETURN(l.policy_id, r.get<std::string>(1));
  ZHIDA_ASSIGN_OR_RETURN(l.policy_name, r.get<std::string>(2));
  ZHIDA_ASSIGN_OR_RETURN(l.year, r.get<int32_t>(3));
  ZHIDA_ASSIGN_OR_RETURN(l.title, r.get<std::string>(4));
  ZHIDA_ASSIGN_OR_RETURN(l.start_on, r.get<std::string>(5));
  ZHIDA_ASSIGN_OR_RETURN(l.end_on, r.get<std::string>(6));
  ZHIDA_ASSIGN_OR_RETURN(l.days, r.get<int32_t>(7));
  ZHIDA_ASSIGN_OR_RETURN(l.status, r.get<std::string>(8));
  ZHIDA_ASSIGN_OR_RETURN(l.created_by, r.get<int64_t>(9));
  ZHIDA_ASSIGN_OR_RETURN(l.created_at, r.get<std::string>(10));
  ZHIDA_ASSIGN_OR_RETURN(l.closed_by, r.get<int64_t>(11));
  ZHIDA_ASSIGN_OR_RETURN(l.closed_at, r.get<std::string>(12));
  ZHIDA_ASSIGN_OR_RETURN(l.entries, r.get<int64_t>(13));
  ZHIDA_ASSIGN_OR_RETURN(l.amount_fen, r.get<int64_t>(14));
  ZHIDA_ASSIGN_OR_RETURN(l.open_objections, r.get<int64_t>(15));
  return l;
}

const char* kEntryCols =
    "list_id, application_id, enterprise_id, enterprise_name, amount_fen, status";
Result<PublicityEntry> entry_from(const Row& r) {
  PublicityEntry e;
  ZHIDA_ASSIGN_OR_RETURN(e.list_id, r.get<int64_t>(0));
  ZHIDA_ASSIGN_OR_RETURN(e.application_id, r.get<int64_t>(1));
  ZHIDA_ASSIGN_OR_RETURN(e.enterprise_id, r.get<int64_t>(2));
  ZHIDA_ASSIGN_OR_RETURN(e.enterprise_name, r.get<std::string>(3));
  ZHIDA_ASSIGN_OR_RETURN(e.amount_fen, r.get<int64_t>(4));
  ZHIDA_ASSIGN_OR_RETURN(e.status, r.get<std::string>(5));
  return e;
}

const char* kObjectionCols =
    "id, list_id, application_id, enterprise_id, lodged_by, lodged_by_name, contact, reason, "
    "status, reply, "
    "resolved_by, resolved_at, created_at";
Result<Objection> objection_from(const Row& r) {
  Objection o;
  ZHIDA_ASSIGN_OR_RETURN(o.id, r.get<int64_t>(0));
  ZHIDA_ASSIGN_OR_RETURN(o.list_id, r.get<int64_t>(1));
  ZHIDA_ASSIGN_OR_RETURN(o.application_id, r.get<int64_t>(2));
  ZHIDA_ASSIGN_OR_RETURN(o.enterprise_id, r.get<int64_t>(3));
  ZHIDA_ASSIGN_OR_RETURN(o.lodged_by, r.get<int64_t>(4));
  ZHIDA_ASSIGN_OR_RETURN(o.lodged_by_name, r.get<std::string>(5));
  ZHIDA_ASSIGN_OR_RETURN(o.contact, r.get<std::string>(6));
  ZHIDA_ASSIGN_OR_RETURN(o.reason, r.get<std::string>(7));
  ZHIDA_ASSIGN_OR_RETURN(o.status, r.get<std::string>(8));
  ZHIDA_ASSIGN_OR_RETURN(o.reply, r.get<std::string>(9));
  ZHIDA_ASSIGN_OR_RETURN(o.resolved_by, r.get<int64_t>(10));
  ZHIDA_ASSIGN_OR_RETURN(o.resolved_at, r.get<std::string>(11));
  ZHIDA_ASSIGN_OR_RETURN(o.created_at, r.get<std::string>(12));
  return o;
}

const char* kBatchCols =
    "b.id, b.policy_id, b.policy_name, b.year, b.name, b.status, b.budget_mode, b.budget_fen, "
    "b.available_fen, "
    "b.requested_fen, b.allocated_fen, b.created_by, b.created_at, b.closed_by, b.closed_at, "
    "b.paid_by, b.paid_at, "
    "(SELECT COUNT(*) FROM disbursement_items i WHERE i.batch_id = b.id)";
Result<DisbursementBatch> batch_from(const Row& r) {
  DisbursementBatch b;
  ZHIDA_ASSIGN_OR_RETURN(b.id, r.get<int64_t>(0));
  ZHIDA_ASSIGN_OR_RETURN(b.policy_id, r.get<std::string>(1));
  ZHIDA_ASSIGN_OR_RETURN(b.policy_name, r.get<std::string>(2));
  ZHIDA_ASSIGN_OR_RETURN(b.year, r.get<int32_t>(3));
  ZHIDA_ASSIGN_OR_RETURN(b.name, r.get<std::string>(4));
  ZHIDA_ASSIGN_OR_RETURN(b.status, r.get<std::string>(5));
  ZHIDA_ASSIGN_OR_RETURN(b.budget_mode, r.get<std::string>(6));
  ZHIDA_ASSIGN_OR_RETURN(b.budget_fen, r.get_optional<int64_t>(7));
  ZHIDA_ASSIGN_OR_RETURN(b.available_fen, r.get_optional<int64_t>(8));
  ZHIDA_ASSIGN_OR_RETURN(b.requested_fen, r.get<int64_t>(9));
  ZHIDA_ASSIGN_OR_RETURN(b.allocated_fen, r.get<int64_t>(10));
  ZHIDA_ASSIGN_OR_RETURN(b.created_by, r.get<int64_t>(11));
  ZHIDA_ASSIGN_OR_RETURN(b.created_at, r.get<std::string>(12));
  ZHIDA_ASSIGN_OR_RETURN(b.closed_by, r.get<int64_t>(13));
  ZHIDA_ASSIGN_OR_RETURN(b.closed_at, r.get<std::string>(14));
  ZHIDA_ASSIGN_OR_RETURN(b.paid_by, r.get<int64_t>(15));
  ZHIDA_ASSIGN_OR_RETURN(b.paid_at, r.get<std::string>(16));
  ZHIDA_ASSIGN_OR_RETURN(b.items, r.get<int64_t>(17));
  return b;
}

const char* kItemCols =
    "batch_id, application_id, enterprise_id, enterprise_name, requested_fen, allocated_fen, "
    "bank_account_id, "
    "account_name, bank_name, account_number, decided_at";
Result<DisbursementItem> item_from(const Row& r) {
  DisbursementItem i;
  ZHIDA_ASSIGN_OR_RETURN(i.batch_id, r.get<int64_t>(0));
  ZHIDA_ASSIGN_OR_RETURN(i.application_id, r.get<int64_t>(1));
  ZHIDA_ASSIGN_OR_RETURN(i.enterprise_id, r.get<int64_t>(2));
  ZHIDA_ASSIGN_OR_RETURN(i.enterprise_name, r.get<std::string>(3));
  ZHIDA_ASSIGN_OR_RETURN(i.requested_fen, r.get<int64_t>(4));
  ZHIDA_ASSIGN_OR_RETURN(i.allocated_fen, r.get_optional<int64_t>(5));
  ZHIDA_ASSIGN_OR_RETURN(i.bank_account_id, r.get<int64_t>(6));
  ZHIDA_ASSIGN_OR_RETURN(i.account_name, r.get<std::string>(7));
  ZHIDA_ASSIGN_OR_RETURN(i.bank_name, r.get<std::string>(8));
  ZHIDA_ASSIGN_OR_RETURN(i.account_number, r.get<std::string>(9));
  ZHIDA_ASSIGN_OR_RETURN(i.decided_at, r.get<std::string>(10));
  return i;
}

}  // namespace

Result<int64_t> insert_bank_account(Tx& tx, const BankAccount& a) {
  return tx.query_value<int64_t>(
      "INSERT INTO bank_accounts (enterprise_id, account_name, bank_name, account_number, "
      "confirmed_by, "
      "confirmed_by_name, confirmed_at) VALUES ($1,$2,$3,$4,$5,$6,$7) RETURNING id",
      {a.enterprise_id, a.account_name, a.bank_name, a.account_number, a.confirmed_by,
       a.confirmed_by_name, a.confirmed_at});
}

Result<std::optional<BankAccount>> latest_bank_account(Tx& tx, int64_t enterprise_id) {
  return first(map_rows<BankAccount>(
      tx.query(fmt::format(
                   "SELECT {} FROM bank_accounts WHERE enterprise_id = $1 ORDER BY id DESC LIMIT 1",
                   kAccountCols),
               {enterprise_id}),
      account_from));
}

Result<std::optional<BankAccount>> get_bank_account(Tx& tx, int64_t id) {
  return first(map_rows<BankAccount>(
      tx.query(fmt::format("SELECT {} FROM bank_accounts WHERE id = $1", kAccountCols), {id}),
      account_from));
}

Status confirm_award_account(Tx& tx, const AwardAccount& a) {
  return done(tx.exec(
      "INSERT INTO award_accounts (application_id, enterprise_id, bank_account_id, confirmed_by, "
      "confirmed_at) "
      "VALUES ($1,$2,$3,$4,$5) ON CONFLICT (application_id) DO UPDATE SET bank_account_id = "
      "excluded.bank_account_id, "
      "confirmed_by = excluded.confirmed_by, confirmed_at = excluded.confirmed_at",
      {a.application_id, a.enterprise_id, a.bank_account_id, a.confirmed_by, a.confirmed_at}));
}

Result<std::optional<AwardAccount>> award_account(Tx& tx, int64_t application_id) {
  return first(
      map_rows<AwardAccount>(tx.query("SELECT application_id, enterprise_id, bank_account_id, "
                                      "confirmed_by, confirmed_at FROM award_accounts "
                                      "WHERE application_id = $1",
                                      {application_id}),
                             [](const Row& r) -> Result<AwardAccount> {
                               AwardAccount a;
                               ZHIDA_ASSIGN_OR_RETURN(a.application_id, r.get<int64_t>(0));
                               ZHIDA_ASSIGN_OR_RETURN(a.enterprise_id, r.get<int64_t>(1));
                               ZHIDA_ASSIGN_OR_RETURN(a.bank_account_id, r.get<int64_t>(2));
                               ZHIDA_ASSIGN_OR_RETURN(a.confirmed_by, r.get<int64_t>(3));
                               ZHIDA_ASSIGN_OR_RETURN(a.confirmed_at, r.get<std::string>(4));
                               return a;
                             }));
}

Result<int64_t> insert_publicity_list(Tx& tx, const PublicityList& l) {
  return tx.query_value<int64_t>(
      "INSERT INTO publicity_lists (policy_id, policy_name, year, title, start_on, end_on, days, "
      "status, created_by, "
      "created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) RETURNING id",
      {l.policy_id, l.policy_name, l.year, l.title, l.start_on, l.end_on, l.days, l.status,
       l.created_by, l.created_at});
}

Status insert_publicity_entry(Tx& tx, const PublicityEntry& e) {
  return done(tx.exec(
      "INSERT INTO publicity_entries (list_id, application_id, enterprise_id, enterprise_name, "
      "amount_fen, status) "
      "VALUES ($1,$2,$3,$4,$5,$6)",
      {e.list_id, e.application_id, e.enterprise_id, e.enterprise_name, e.amount_fen, e.status}));
}

Result<std::optional<PublicityList>> get_publicity_list(Tx& tx, int64_t id) {
  return first(map_rows<PublicityList>(
      tx.query(fmt::format("SELECT {} FROM publicity_lists l WHERE l.id = $1", kListCols), {id}),
      list_from));
}

Result<std::vector<PublicityList>> list_publicity(Tx& tx, const std::string& status,
                                                  const std::string& policy_id, int limit,
                                                  int offset) {
  return map_rows<PublicityList>(
      tx.query(
          fmt::format(
              "SELECT {} FROM publicity_lists l WHERE ($1 = '' OR l.status = $1) AND ($2 = '' OR "
              "l.policy_id = $2) ORDER BY l.id DESC LIMIT $3 OFFSET $4",
              kListCols),
          {status, policy_id, limit, offset}),
      list_from);
}

Result<std::vector<PublicityEntry>> publicity_entries(Tx& tx, int64_t list_id) {
  return map_rows<PublicityEntry>(
      tx.query(
          fmt::format("SELECT {} FROM publicity_entries WHERE list_id = $1 ORDER BY application_id",
                      kEntryCols),
          {list_id}),
      entry_from);
}

Result<std::optional<PublicityEntry>> publicity_entry_of(Tx& tx, int64_t application_id) {
  return first(
      map_rows<PublicityEntry>(tx.query(fmt::format("SELECT {} FROM publicity_entries WHERE "
                                                    "application_id = $1 AND status <> 'withdrawn' "
                                                    "ORDER BY list_id DESC LIMIT 1",
                                                    kEntryCols),
                                        {application_id}),
                               entry_from));
}

Status set_publicity_entry_status(Tx& tx, int64_t list_id, int64_t application_id,
                                  const std::string& status) {
  return done(
      tx.exec("UPDATE publicity_entries SET status = $3 WHERE list_id = $1 AND application_id = $2",
              {list_id, application_id, status}));
}

Status close_publicity_list(Tx& tx, int64_t id, int64_t by, const std::string& at) {
  return done(tx.exec(
      "UPDATE publicity_lists SET status = 'closed', closed_by = $2, closed_at = $3 WHERE id = $1",
      {id, by, at}));
}

Result<int64_t> insert_objection(Tx& tx, const Objection& o) {
  return tx.query_value<int64_t>(
      "INSERT INTO objections (list_id, application_id, enterprise_id, lodged_by, lodged_by_name, "
      "contact, reason, "
      "status, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,'open',$8) RETURNING id",
      {o.list_id, o.application_id, o.enterprise_id, o.lodged_by, o.lodged_by_name, o.contact,
       o.reason, o.created_at});
}

Result<std::optional<Objection>> get_objection(Tx& tx, int64_t id) {
  return first(map_rows<Objection>(
      tx.query(fmt::format("SELECT {} FROM objections WHERE id = $1", kObjectionCols), {id}),
      objection_from));
}

Result<std::vector<Objection>> list_objections(Tx& tx, const std::string& status, int64_t list_id,
                                               int limit, int offset) {
  return map_rows<Objection>(tx.query(fmt::format("SELECT {} FROM objections WHERE ($1 = '' OR "
                                                  "status = $1) AND ($2 = 0 OR list_id = $2) "
                                                  "ORDER BY id LIMIT $3 OFFSET $4",
                                                  kObjectionCols),
                                      {status, list_id, limit, offset}),
                             objection_from);
}

Result<bool> resolve_objection(Tx& tx, int64_t id, const std::string& status,
                               const std::string& reply, int64_t by, const std::string& at) {
  auto n = tx.exec(
      "UPDATE objections SET status = $2, reply = $3, resolved_by = $4, resolved_at = $5 WHERE id "
      "= $1 AND status = "
      "'open'",
      {id, status, reply, by, at});
  if (!n.ok()) return n.error();
  return *n == 1;
}

Result<int64_t> insert_disbursement_batch(Tx& tx, const DisbursementBatch& b) {
  return tx.query_value<int64_t>(
      "INSERT INTO disbursement_batches (policy_id, policy_name, year, name, status, budget_mode, "
      "budget_fen, "
      "requested_fen, created_by, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) RETURNING id",
      {b.policy_id, b.policy_name, b.year, b.name, b.status, b.budget_mode, b.budget_fen,
       b.requested_fen, b.created_by, b.created_at});
}

Status insert_disbursement_item(Tx& tx, const DisbursementItem& i) {
  return done(tx.exec(
      "INSERT INTO disbursement_items (batch_id, application_id, enterprise_id, enterprise_name, "
      "requested_fen, "
      "allocated_fen, bank_account_id, account_name, bank_name, account_number, decided_at) VALUES "
      "($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)",
      {i.batch_id, i.application_id, i.enterprise_id, i.enterprise_name, i.requested_fen,
       i.allocated_fen, i.bank_account_id, i.account_name, i.bank_name, i.account_number,
       i.decided_at}));
}

Result<std::optional<DisbursementBatch>> get_disbursement_batch(Tx& tx, int64_t id) {
  return first(map_rows<DisbursementBatch>(
      tx.query(fmt::format("SELECT {} FROM disbursement_batches b WHERE b.id = $1", kBatchCols),
               {id}),
      batch_from));
}

Result<std::vector<DisbursementBatch>> list_disbursement_batches(Tx& tx, const std::string& status,
                                                                 const std::string& policy_id,
                                                                 int limit, int offset) {
  return map_rows<DisbursementBatch>(
      tx.query(fmt::format("SELECT {} FROM disbursement_batches b WHERE ($1 = '' OR b.status = $1) "
                           "AND ($2 = '' OR "
                           "b.policy_id = $2) ORDER BY b.id DESC LIMIT $3 OFFSET $4",
                           kBatchCols),
               {status, policy_id, limit, offset}),
      batch_from);
}

Result<std::vector<DisbursementItem>> disbursement_items_of(Tx& tx, int64_t batch_id) {
  return map_rows<DisbursementItem>(
      tx.query(fmt::format("SELECT {} FROM disbursement_items WHERE batch_id = $1 ORDER BY "
                           "decided_at, application_id",
                           kItemCols),
               {batch_id}),
      item_from);
}

Status set_batch_item_allocation(Tx& tx, int64_t batch_id, int64_t application_id, int64_t fen) {
  return done(
      tx.exec("UPDATE disbursement_items SET allocated_fen = $3 WHERE batch_id = $1 AND "
              "application_id = $2",
              {batch_id, application_id, fen}));
}

Status close_disbursement_batch(Tx& tx, int64_t id, std::optional<int64_t> available_fen,
                                int64_t allocated, int64_t by, const std::string& at) {
  return done(
      tx.exec("UPDATE disbursement_batches SET status = 'closed', available_fen = $2, "
              "allocated_fen = $3, closed_by = $4, "
              "closed_at = $5 WHERE id = $1",
              {id, available_fen, allocated, by, at}));
}

Status mark_disbursement_paid(Tx& tx, int64_t id, int64_t by, const std::string& at) {
  return done(tx.exec(
      "UPDATE disbursement_batches SET status = 'paid', paid_by = $2, paid_at = $3 WHERE id = $1",
      {id, by, at}));
}

Result<bool> in_batch(Tx& tx, int64_t application_id) {
  auto row = tx.query_optional("SELECT 1 FROM disbursement_items WHERE application_id = $1",
                               {application_id});
  if (!row.ok()) return row.error();
  return row->has_value();
}

Result<int64_t> allocated_fen(Tx& tx, const std::string& policy_id, int year) {
  return tx.query_value<int64_t>(
      "SELECT COALESCE(SUM(i.allocated_fen), 0) FROM disbursement_items i JOIN "
      "disbursement_batches b ON b.id = "
      "i.batch_id WHERE b.policy_id = $1 AND b.year = $2 AND b.status IN ('closed', 'paid')",
      {policy_id, year});
}

Result<std::optional<int64_t>> allocation_of(Tx& tx, int64_t application_id) {
  auto row = tx.query_optional(
      "SELECT i.allocated_fen FROM disbursement_items i JOIN disbursement_batches b ON b.id = "
      "i.batch_id WHERE "
      "i.application_id = $1 AND b.status IN ('closed', 'paid')",
      {application_id});
  if (!row.ok()) return row.error();
  if (!*row) return std::optional<int64_t>();
  return (*row)->get_optional<int64_t>(0);
}

Result<std::vector<std::pair<std::string, int64_t>>> funds_queue_counts(Tx& tx,
                                                                        const std::string& today) {
  static const std::pair<const char*, const char*> kQueries[] = {
      {"awaiting_publicity",
       "SELECT COUNT(*) FROM applications a WHERE a.status = 'approved' AND NOT EXISTS (SELECT 1 "
       "FROM "
       "publicity_entries e WHERE e.application_id = a.id AND e.status <> 'withdrawn') AND $1 = "
       "$1"},
      {"publicity_open",
       "SELECT COUNT(*) FROM publicity_lists WHERE status = 'open' AND end_on >= $1"},
      {"publicity_due",
       "SELECT COUNT(*) FROM publicity_lists WHERE status = 'open' AND end_on < $1"},
      {"objections_open", "SELECT COUNT(*) FROM objections WHERE status = 'open' AND $1 = $1"},
      {"awaiting_account",
       "SELECT COUNT(*) FROM publicity_entries e JOIN applications a ON a.id = e.application_id "
       "WHERE e.status = "
       "'passed' AND a.status = 'publicity' AND NOT EXISTS (SELECT 1 FROM award_accounts c WHERE "
       "c.application_id = "
       "e.application_id) AND $1 = $1"},
      {"ready_for_batch",
       "SELECT COUNT(*) FROM publicity_entries e JOIN applications a ON a.id = e.application_id "
       "JOIN award_accounts c "
       "ON c.application_id = e.application_id WHERE e.status = 'passed' AND a.status = "
       "'publicity' AND NOT EXISTS "
       "(SELECT 1 FROM disbursement_items i WHERE i.application_id = e.application_id) AND $1 = "
       "$1"},
      {"batches_draft",
       "SELECT COUNT(*) FROM disbursement_batches WHERE status = 'draft' AND $1 = $1"},
      {"batches_closed",
       "SELECT COUNT(*) FROM disbursement_batches WHERE status = 'closed' AND $1 = $1"},
  };
  std::vector<std::pair<std::string, int64_t>> out;
  for (const auto& [name, sql] : kQueries) {
    ZHIDA_ASSIGN_OR_RETURN(int64_t n, tx.query_value<int64_t>(sql, {today}));
    out.emplace_back(name, n);
  }
  return out;
}

}  // namespace zhida::store
