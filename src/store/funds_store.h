// Funds (资金): the tables of publicity (公示), objections (异议), the firms'
// bank accounts and their confirmation per award, and disbursement batches
// (拨付批次). Component "funds" (funds_migrations()), after "workflow": an
// award is an approved application (store/workflow_store.h), whose status
// the funds service moves on (approved → publicity → disbursed) through
// Applications::advance_in in the same transaction as these rows.
//
// Money is integer fen; dates "YYYY-MM-DD"; timestamps as in schema.h.
// All functions take a Tx.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"
#include "store/db.h"

namespace zhida::store {

const MigrationSet& funds_migrations();

// ---- bank accounts (收款账户), confirmed by the firm's 法人
struct BankAccount {
  int64_t id = 0;
  int64_t enterprise_id = 0;
  std::string account_name;  // 户名
  std::string bank_name;     // 开户行
  std::string account_number;
  int64_t confirmed_by = 0;
  std::string confirmed_by_name;
  std::string confirmed_at;
};
Result<int64_t> insert_bank_account(Tx& tx, const BankAccount& a);
// The firm's latest confirmed account.
Result<std::optional<BankAccount>> latest_bank_account(Tx& tx, int64_t enterprise_id);
Result<std::optional<BankAccount>> get_bank_account(Tx& tx, int64_t id);

// The account an award is to be paid to, as confirmed for that award.
struct AwardAccount {
  int64_t application_id = 0;
  int64_t enterprise_id = 0;
  int64_t bank_account_id = 0;
  int64_t confirmed_by = 0;
  std::string confirmed_at;
};
// Inserts or replaces the award's confirmation.
Status confirm_award_account(Tx& tx, const AwardAccount& a);
Result<std::optional<AwardAccount>> award_account(Tx& tx, int64_t application_id);

// ---- publicity (公示)
struct PublicityList {
  int64_t id = 0;
  std::string policy_id;
  std::string policy_name;
  int year = 0;
  std::string title;
  std::string start_on;  // first working day of the period
  std::string end_on;    // last working day of the period
  int days = 5;          // working days
  std::string status;    // open, closed
  int64_t created_by = 0;
  std::string created_at;
  int64_t closed_by = 0;
  std::string closed_at;
  // Filled by get/list:
  int64_t entries = 0;
  int64_t amount_fen = 0;
  int64_t open_objections = 0;
};
struct PublicityEntry {
  int64_t list_id = 0;
  int64_t application_id = 0;
  int64_t enterprise_id = 0;
  std::string enterprise_name;
  int64_t amount_fen = 0;
  std::string status;  // listed, passed, withdrawn
};
Result<int64_t> insert_publicity_list(Tx& tx, const PublicityList& l);
Status insert_publicity_entry(Tx& tx, const PublicityEntry& e);
Result<std::optional<PublicityList>> get_publicity_list(Tx& tx, int64_t id);
Result<std::vector<PublicityList>> list_publicity(Tx& tx, const std::string& status,
                                                  const std::string& policy_id, int limit,
                                                  int offset);
Result<std::vector<PublicityEntry>> publicity_entries(Tx& tx, int64_t list_id);
// The entry of an application in a list that is not withdrawn, if any.
Result<std::optional<PublicityEntry>> publicity_entry_of(Tx& tx, int64_t application_id);
Status set_publicity_entry_status(Tx& tx, int64_t list_id, int64_t application_id,
                                  const std::string& status);
Status close_publicity_list(Tx& tx, int64_t id, int64_t by, const std::string& at);

// ---- objections (异议)
struct Objection {
  int64_t id = 0;
  int64_t list_id = 0;
  int64_t application_id = 0;
  int64_t enterprise_id = 0;  // the firm objected to
  int64_t lodged_by = 0;      // user id
  std::string lodged_by_name;
  std::string contact;
  std::string reason;
  std::string status;  // open, upheld (异议成立), dismissed (异议不成立)
  std::string reply;
  int64_t resolved_by = 0;
  std::string resolved_at;
  std::string created_at;
};
Result<int64_t> insert_objection(Tx& tx, const Objection& o);
Result<std::optional<Objection>> get_objection(Tx& tx, int64_t id);
// status "" = any, list_id 0 = any.
Result<std::vector<Objection>> list_objections(Tx& tx, const std::string& status, int64_t list_id,
                                               int limit, int offset);
// open -> upheld / dismissed; false when it was not open.
Result<bool> resolve_objection(Tx& tx, int64_t id, const std::string& status,
                               const std::string& reply, int64_t by, const std::string& at);

// ---- disbursement batches (拨付批次)
struct DisbursementBatch {
  int64_t id = 0;
  std::string policy_id;
  std::string policy_name;
  int year = 0;
  std::string name;
  std::string status;                    // draft, closed (amounts final), paid
  std::string budget_mode;               // first_come, pro_rata
  std::optional<int64_t> budget_fen;     // the policy's budget; nullopt = none
  std::optional<int64_t> available_fen;  // at close: budget − paid before, for the unpaid awards
  int64_t requested_fen = 0;
  int64_t allocated_fen = 0;
  int64_t created_by = 0;
  std::string created_at;
  int64_t closed_by = 0;
  std::string closed_at;
  int64_t paid_by = 0;
  std::string paid_at;
  int64_t items = 0;  // filled by get/list
};
struct DisbursementItem {
  int64_t batch_id = 0;
  int64_t application_id = 0;
  int64_t enterprise_id = 0;
  std::string enterprise_name;
  int64_t requested_fen = 0;
  std::optional<int64_t> allocated_fen;  // set at close
  int64_t bank_account_id = 0;
  std::string account_name;
  std::string bank_name;
  std::string account_number;
  std::string decided_at;  // the award's decision time (first come order)
};
Result<int64_t> insert_disbursement_batch(Tx& tx, const DisbursementBatch& b);
Status insert_disbursement_item(Tx& tx, const DisbursementItem& i);
Result<std::optional<DisbursementBatch>> get_disbursement_batch(Tx& tx, int64_t id);
Result<std::vector<DisbursementBatch>> list_disbursement_batches(Tx& tx, const std::string& status,
                                                                 const std::string& policy_id,
                                                                 int limit, int offset);
Result<std::vector<DisbursementItem>> disbursement_items_of(Tx& tx, int64_t batch_id);
Status set_batch_item_allocation(Tx& tx, int64_t batch_id, int64_t application_id, int64_t fen);
Status close_disbursement_batch(Tx& tx, int64_t id, std::optional<int64_t> available_fen,
                                int64_t allocated_fen, int64_t by, const std::string& at);
Status mark_disbursement_paid(Tx& tx, int64_t id, int64_t by, const std::string& at);
// Whether the application is in a batch (any status).
Result<bool> in_batch(Tx& tx, int64_t application_id);
// What a policy's closed or paid batches allocated in a year.
Result<int64_t> allocated_fen(Tx& tx, const std::string& policy_id, int year);
// Allocated amount of an application in a closed/paid batch, if any.
Result<std::optional<int64_t>> allocation_of(Tx& tx, int64_t application_id);

// ---- the funds officer's queues (counts), as of `today` ("YYYY-MM-DD"):
//   awaiting_publicity   approved awards not in any publicity list
//   publicity_open       lists in their period
//   publicity_due        open lists whose period has ended (to close)
//   objections_open      objections not handled yet
//   awaiting_account     awards that passed publicity without a confirmed account
//   ready_for_batch      passed, account confirmed, not in a batch
//   batches_draft        batches to close (结算)
//   batches_closed       batches to pay (拨付)
Result<std::vector<std::pair<std::string, int64_t>>> funds_queue_counts(Tx& tx,
                                                                        const std::string& today);

}  // namespace zhida::store
