// Funds (C5 资金): publicity (公示) with objections (异议), the firms' bank
// accounts, disbursement batches (拨付) with budget control at batch close,
// and 免申即享 grants. Design: DESIGN.md beside this file.
//
// An award is an approved application (Applications, store/workflow_store.h;
// a 免申即享 grant is one with origin auto_grant). Its way to the money:
//
//   approved ──create_publicity──► publicity (entry "listed", N working days)
//      objection upheld ──► rejected (entry "withdrawn")
//      close_publicity after the period, no open objection ──► entry "passed"
//   the firm's 法人 confirms the bank account for the award (any time)
//   create_batch: passed entries with a confirmed account, not yet in a batch
//   close_batch: amounts fixed — budget control per policy: first come
//      (先到先得) or pro rata (按比例核减, workflow::allocate_pro_rata:
//      largest remainder, exact to the fen) over the policy-year's unpaid
//      awards against the budget left after earlier batches
//   pay_batch ──► disbursed
//
// Every step is one transaction that writes the funds rows, moves the
// application on (Applications::advance_in, with its timeline event),
// appends the audit entry and enqueues the firm's notification.
//
// Errors (Error::code): funds.not_found (404); funds.invalid (400);
// funds.state (409: not allowed now — e.g. a publicity still in its period,
// open objections, a batch already closed); forbidden (403: another firm's
// award, not its 法人).
//
// Thread-safety: all methods may be called from any thread; one background
// thread runs the 免申即享 grants that publishing and data changes trigger.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/result.h"
#include "services/applications/applications.h"
#include "services/funds/workdays.h"
#include "services/platform/platform.h"
#include "store/funds_store.h"

namespace zhida::services {

struct FundsOptions {
  // Extra working-day calendar (years added or replaced), "" = the built-in
  // 2025–2026 mainland China lists only.
  std::string holidays_file;
  // Grant 免申即享 policies to every matching firm when they are published
  // and when a data change makes a firm eligible.
  bool auto_grant = true;
  // Firms changed at once above which no auto grant is computed (bulk load).
  size_t facts_grant_max = 50000;
};

struct BankAccountInput {
  std::string account_name;  // 户名 (the firm's name)
  std::string bank_name;     // 开户行
  std::string account_number;
};

struct PublicityInput {
  std::string policy_id;
  std::optional<int> year;          // default: every year's approved awards
  std::optional<int32_t> start_on;  // default: the next working day after today
  std::optional<int> days;          // default: the policy's publicity_days (5)
  std::vector<int64_t>
      application_ids;  // default: every approved award of the policy not yet publicised
  std::string title;    // default: “<policy>”拟资助名单公示
};

class Funds {
 public:
  Funds(Platform& platform, Applications& applications, FundsOptions options = {});
  ~Funds();
  Funds(const Funds&) = delete;
  Funds& operator=(const Funds&) = delete;

  Status start();  // loads the calendar, hooks publish and data changes
  void stop();

  const WorkCalendar& calendar() const { return calendar_; }

  // ---- bank accounts
  // The firm's 法人 confirms where an award is paid: a new account (input),
  // or the firm's latest one when input is nullopt. Audited.
  Result<store::BankAccount> confirm_account(const Caller& who, int64_t application_id,
                                             const std::optional<BankAccountInput>& input);
  Result<std::optional<store::BankAccount>> bank_account(int64_t enterprise_id);

  // ---- publicity
  Result<store::PublicityList> create_publicity(const Caller& who, const PublicityInput& in);
  Result<std::vector<store::PublicityList>> publicity_lists(const std::string& status,
                                                            const std::string& policy_id, int limit,
                                                            int offset);
  // The list with its entries and objections; nullopt when unknown.
  // with_objections: staff see the objections' text and who lodged them.
  Result<std::optional<nlohmann::json>> publicity(int64_t id, bool with_objections);
  // Anyone signed in may object to an entry of an open list, during its period.
  Result<store::Objection> lodge_objection(const Caller& who, int64_t list_id,
                                           int64_t application_id, const std::string& reason,
                                           const std::string& contact);
  Result<std::vector<store::Objection>> objections(const std::string& status, int64_t list_id,
                                                   int limit, int offset);
  // upheld: the award is withdrawn (application rejected); dismissed: it stays.
  Result<store::Objection> resolve_objection(const Caller& who, int64_t objection_id, bool upheld,
                                             const std::string& reply);
  // After the period's last working day and with no open objection: listed
  // entries pass; the firms are asked to confirm their account.
  Result<store::PublicityList> close_publicity(const Caller& who, int64_t id);
  Result<std::pair<std::string, std::string>> publicity_xlsx(int64_t id);  // bytes, file name

  // ---- disbursement
  Result<store::DisbursementBatch> create_batch(const Caller& who, const std::string& policy_id,
                                                std::optional<int> year, const std::string& name);
  Result<std::vector<store::DisbursementBatch>> batches(const std::string& status,
                                                        const std::string& policy_id, int limit,
                                                        int offset);
  Result<std::optional<nlohmann::json>> batch(int64_t id);
  Result<store::DisbursementBatch> close_batch(const Caller& who, int64_t id);
  Result<store::DisbursementBatch> pay_batch(const Caller& who, int64_t id);
  Result<std::pair<std::string, std::string>> batch_xlsx(int64_t id);

  // ---- 免申即享
  // Grants the policy to every firm it matches that has no award for it
  // yet. Returns {"granted": n, "already": n, "refused": [{enterprise_id, code, message}]}.
  Result<nlohmann::json> auto_grant(const Caller& who, const std::string& policy_id);
  // Grants for these firms, every 免申即享 policy in force they match.
  Result<int64_t> auto_grant_firms(const std::vector<int64_t>& enterprise_ids);

  // ---- following
  // Counts for the funds officer's queues.
  Result<nlohmann::json> queues();
  // Every step of an application for its firm: the workflow's events, the
  // funds steps and the messages sent, oldest first. nullopt when unknown.
  Result<std::optional<nlohmann::json>> timeline(int64_t application_id);
  // Run the queued background grants now (tests).
  void drain();

 private:
  std::string now_text() const;
  std::string enterprise_name(int64_t id) const;
  void queue(std::function<void()> job);
  void worker();

  Platform& platform_;
  Applications& applications_;
  FundsOptions options_;
  WorkCalendar calendar_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;  // guarded by mu_
  bool stopping_ = false;                   // guarded by mu_
  int running_ = 0;                         // guarded by mu_
  std::thread worker_;
  struct Hook;
  std::shared_ptr<Hook> hook_;
};

}  // namespace zhida::services
