// Applications (C5, 申报 · 秒批 · 审批): the service that turns a match into
// an application, decides it at once when the data proves everything (秒批),
// and otherwise runs the review (决策树审批) to approval or rejection.
//
// Each action is one serializable transaction that reads the policy version
// in force, the firm's facts with their provenance (store fact history; tags
// from the replica), the firm's earlier awards and the policy's budget, runs
// the pure decision logic of src/workflow, and writes the application, its
// decision record (with its SHA-256), the timeline event, the audit entry and
// the notification (outbox) together. See src/workflow/README.md.
//
//   Caller who{Actor::of(principal, ip), principal.display_name};
//   auto out = apps.create(who, {.enterprise_id = 42, .policy_id = "BA-2025-025"}, &issues);
//   // out->status == "approved" (秒批) or "submitted" (review queue)
//
// Errors (Error::code; `issues`, when given, lists every reason or bad field):
//   application.not_found, policy.not_found, enterprise.not_found      -> 404
//   application.invalid (bad declarations/materials), application.incomplete
//     (a condition the data cannot settle has no commitment, value or
//     material), review.reasons_required, material.invalid              -> 400
//   application.duplicate (one per firm, policy and year), application.state
//     (not allowed in this status), application.window_closed,
//     policy.not_published, application.ineligible, application.exclusive,
//     application.cap_reached, application.auto_grant, review.cannot_approve -> 409
//   material.too_large -> 413, material.unsupported_type -> 415
//
// Time: the platform's clock, or Caller::at when given (seeding a history
// of applications at past dates: every timestamp, the evaluation date and
// the window check use it).
//
// Thread-safety: all methods may be called from any thread. A background
// worker sends the window-closing reminders (start/stop).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/issue.h"
#include "base/result.h"
#include "services/audit/audit.h"
#include "services/platform/platform.h"
#include "store/workflow_store.h"
#include "workflow/application.h"
#include "workflow/checklist.h"
#include "workflow/decision.h"

namespace zhida::services {

struct ApplicationsOptions {
  // Where uploaded materials are kept: <dir>/<sha256[0:2]>/<sha256>.
  std::string materials_dir = "data/materials";
  // A review's deadline: this many days after the application reaches the
  // queue (or after assignment when none was given).
  int review_days = 10;
  // Drafts and returned applications are reminded this many days before the
  // policy's window closes.
  int reminder_days = 3;
  // How often the worker looks for reminders to send (0: no worker; call
  // send_reminders() yourself).
  std::chrono::seconds reminder_interval = std::chrono::hours(1);
};

// Who acts, and when.
struct Caller {
  Actor actor;       // user id, username, role name, ip (audit log, timeline)
  std::string name;  // display name for the timeline
  // Acts at this time instead of the platform clock's now (history seeding).
  std::optional<std::chrono::system_clock::time_point> at;
};

struct ApplicationInput {
  int64_t enterprise_id = 0;
  std::string policy_id;
  std::vector<workflow::Declaration> declarations;
  std::vector<workflow::MaterialRef>
      materials;                 // upload_id or commitment; sha256/file_name are filled in
  bool submit = true;            // false: save as a draft
  std::string origin = "apply";  // auto_grant: 免申即享 (grant() sets it)
};

struct DecisionSummary {
  int64_t id = 0;
  std::string kind;     // submission | review
  std::string outcome;  // approved | review | rejected
  bool instant = false;
  std::optional<int64_t> award_fen;
  std::string hash;
  std::vector<std::string> reasons;
  std::string decided_at;
  nlohmann::json to_json() const;
};

// What an action left: the application's id and status, and the decision
// it made (none for drafts, assignment, return).
struct ActionResult {
  int64_t id = 0;
  std::string status;
  std::optional<DecisionSummary> decision;
  nlohmann::json to_json() const;  // {"id","status","decision"}
};

// One decision record checked (zhida decision verify).
struct DecisionCheck {
  int64_t decision_id = 0;
  std::string kind;
  std::string outcome;
  workflow::VerifyReport report;
};

// Checks every decision of an application against its stored hash and by
// replaying it on the recorded facts with the recorded policy version. Needs
// only the database (no replica): `zhida decision verify`.
Result<std::vector<DecisionCheck>> verify_application_decisions(store::Database& db,
                                                                int64_t application_id);

class Applications {
 public:
  Applications(Platform& platform, ApplicationsOptions options = {});
  ~Applications();
  Applications(const Applications&) = delete;
  Applications& operator=(const Applications&) = delete;

  // Starts / stops the reminder worker (stop is idempotent).
  void start();
  void stop();

  // ---- applying
  // The prefilled form (秒填): the firm's facts the policy reads (value,
  // source, as-of), each condition with what the data says and what the
  // form must ask for (nothing / a commitment / a value / a material), the
  // policy's materials, the window, the estimated award, and the firm's
  // existing application for the policy and year if any.
  Result<nlohmann::json> form(int64_t enterprise_id, const std::string& policy_id) const;
  // Creates the application (a draft, or submitted at once).
  Result<ActionResult> create(const Caller& who, const ApplicationInput& in, Issues* issues);
  // Changes a draft or a returned application's declarations and materials;
  // with submit, submits (or resubmits) it.
  Result<ActionResult> update(const Caller& who, int64_t id,
                              const std::vector<workflow::Declaration>& declarations,
                              const std::vector<workflow::MaterialRef>& materials, bool submit,
                              Issues* issues);
  // Submits a draft or resubmits a returned application.
  Result<ActionResult> submit(const Caller& who, int64_t id, Issues* issues);
  // Deletes a draft.
  Status remove_draft(const Caller& who, int64_t id);
  // 免申即享: grants a firm an auto-grant policy's award without an
  // application form (the same decision, origin auto_grant).
  Result<ActionResult> grant(const Caller& who, int64_t enterprise_id, const std::string& policy_id,
                             Issues* issues);
  // grant() for many firms, `per_transaction` firms to a transaction (each
  // in a savepoint: one firm's refusal undoes only its own writes), which is
  // what makes granting a policy to thousands of firms quick. One result per
  // firm, in order (application.duplicate: the firm has it already).
  std::vector<Result<ActionResult>> grant_many(const Caller& who,
                                               const std::vector<int64_t>& enterprise_ids,
                                               const std::string& policy_id,
                                               size_t per_transaction = 100);

  // ---- reading
  Result<std::optional<store::ApplicationRow>> find(int64_t id) const;
  // The whole application: facts of its decisions, checklist, materials,
  // timeline. nullopt when there is none.
  Result<std::optional<nlohmann::json>> view(int64_t id) const;
  struct Page {
    std::vector<nlohmann::json> items;
    int64_t total = 0;
  };
  Result<Page> list(const store::ApplicationQuery& q) const;
  // A decision's full record (with its hash). nullopt when the decision is
  // not one of this application's.
  Result<std::optional<nlohmann::json>> decision(int64_t application_id, int64_t decision_id) const;
  Result<std::vector<DecisionCheck>> verify(int64_t application_id) const;

  // ---- review (审核员)
  Result<Page> queue(const store::ApplicationQuery& q) const;
  // Gives the application to a reviewer (themself by default) with a
  // deadline (default: today + review_days).
  Result<ActionResult> assign(const Caller& who, int64_t id, int64_t reviewer_id,
                              const std::string& reviewer_name, std::optional<int32_t> due_on);
  // Records verdicts on checklist items (work in progress).
  Result<ActionResult> check(const Caller& who, int64_t id,
                             const std::vector<workflow::Verdict>& verdicts, Issues* issues);
  // 退回补正: back to the firm with reasons.
  Result<ActionResult> return_for_correction(const Caller& who, int64_t id,
                                             const std::vector<std::string>& reasons,
                                             const std::vector<workflow::Verdict>& verdicts,
                                             Issues* issues);
  // Approves: every checklist item must pass; the award is computed again
  // at this moment (caps, exclusivity, budget). amount_fen fixes the award
  // when the formula cannot be computed.
  Result<ActionResult> approve(const Caller& who, int64_t id,
                               const std::vector<workflow::Verdict>& verdicts,
                               std::optional<int64_t> amount_fen, const std::string& note,
                               Issues* issues);
  Result<ActionResult> reject(const Caller& who, int64_t id,
                              const std::vector<std::string>& reasons,
                              const std::vector<workflow::Verdict>& verdicts, Issues* issues);

  // ---- money
  // A policy's budget in a year: budget, committed, remaining, and every
  // award held with what allocate() would pay it now (pro-rata preview).
  Result<nlohmann::json> budget(const std::string& policy_id, std::optional<int> year) const;

  // ---- for the funds workflow (publicity, disbursement), in its transaction
  // Moves an application on, with a timeline event: kPublicize (approved ->
  // publicity), kDisburse (-> disbursed), kSupersede (an award withdrawn,
  // e.g. an objection upheld: -> rejected; detail "reason" is kept as the
  // application's reason). The caller audits and notifies.
  Status advance_in(store::Tx& tx, const Caller& who, int64_t id, workflow::AppAction action,
                    const nlohmann::json& detail);

  // ---- materials
  // Stores an upload (type by magic bytes, size limit, content-addressed and
  // deduplicated under materials_dir) for a firm.
  Result<store::MaterialUpload> upload(const Caller& who, int64_t enterprise_id,
                                       const std::string& file_name, const std::string& bytes);
  // The upload's record and bytes. nullopt when unknown.
  Result<std::optional<std::pair<store::MaterialUpload, std::string>>> material(
      int64_t upload_id) const;

  // ---- reminders
  // Sends the window-closing reminders that are due (each once). Returns how
  // many were sent.
  Result<int> send_reminders();

 private:
  struct PolicyAt;
  struct Clocked;
  Clocked when(const Caller& who) const;
  Result<PolicyAt> policy_in(store::Tx& tx, const std::string& id,
                             std::optional<int64_t> version) const;
  Result<std::vector<workflow::RecordedFact>> capture_facts(store::Tx& tx,
                                                            const portrait::Catalog& catalog,
                                                            const portrait::Policy& policy,
                                                            int64_t enterprise_id,
                                                            const std::string& now) const;
  Result<workflow::DecisionInputs> decision_inputs(store::Tx& tx, const portrait::Catalog& catalog,
                                                   const PolicyAt& pol, int64_t enterprise_id, int year,
                                                   const store::ApplicationRow* app, const Clocked& c,
                                                   const std::string& declared_at = "") const;
  Status check_materials(store::Tx& tx, int64_t enterprise_id,
                         std::vector<workflow::MaterialRef>& materials, Issues& issues) const;
  Result<ActionResult> create_in(store::Tx& tx, const Caller& who, const ApplicationInput& in,
                                 Issues& issues);
  Result<ActionResult> submit_in(store::Tx& tx, const Caller& who, store::ApplicationRow& app,
                                 Issues& issues);
  Result<ActionResult> review_decision(const Caller& who, int64_t id, const std::string& action,
                                       const std::vector<workflow::Verdict>& verdicts,
                                       std::optional<int64_t> amount,
                                       const std::vector<std::string>& reasons,
                                       const std::string& note, Issues* issues);
  Status event(store::Tx& tx, const Caller& who, const store::ApplicationRow& app,
               const std::string& action, const std::string& from, const nlohmann::json& detail,
               const std::string& at);
  nlohmann::json summary_json(const store::ApplicationRow& a) const;
  std::string enterprise_name(int64_t id) const;
  std::string material_path(const std::string& sha256) const;
  void worker();

  Platform& platform_;
  ApplicationsOptions options_;
  mutable std::mutex cache_mu_;
  mutable std::map<std::pair<std::string, int64_t>, std::shared_ptr<const portrait::Policy>>
      compiled_;  // by id, version
  std::mutex worker_mu_;
  std::condition_variable worker_cv_;
  bool stopping_ = false;
  std::thread worker_;
};

}  // namespace zhida::services
