// Applications (申报), their decisions, their timeline and their materials:
// the SQL of the workflow (component "workflow", workflow_migrations()).
//
// Tables:
//   applications           one per firm, policy and year (UNIQUE): status,
//                          what the firm declared, the review checklist, the
//                          reviewer and deadline, the decided award in fen
//   application_decisions  every decision with its canonical record and the
//                          SHA-256 over it (workflow/decision.h)
//   application_events     the timeline: every action with who and when
//   material_files         one row per distinct content (sha256); the bytes
//                          are files under the data directory
//   material_uploads       who uploaded which content for which firm, under
//                          what name
//   application_materials  which uploads (or commitments) an application cites
//
// Money is integer fen. Timestamps are store timestamps (schema.h), dates
// "YYYY-MM-DD". All functions take a Tx: the service groups them into one
// serializable transaction per action.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "store/db.h"
#include "workflow/decision.h"
#include "workflow/money.h"

namespace zhida::store {

const MigrationSet& workflow_migrations();

struct ApplicationRow {
  int64_t id = 0;
  int64_t enterprise_id = 0;
  std::string policy_id;
  int64_t policy_version = 0;
  int year = 0;
  std::string status;            // workflow::status_name
  std::string origin = "apply";  // apply | auto_grant
  std::string exclusivity_group;
  std::string declarations = "[]";   // JSON array (workflow::Declaration)
  std::string checklist;             // JSON array (workflow::ChecklistItem); "" = none
  std::string reasons;               // JSON array of the last return / rejection reasons; "" = none
  std::optional<int64_t> award_fen;  // the decided award (approved and after)
  std::optional<int64_t> estimate_fen;  // at submission
  int64_t assignee_id = 0;
  std::string assignee_name;
  std::string due_on;  // review deadline "YYYY-MM-DD"; "" = none
  int64_t return_count = 0;
  int64_t decision_id = 0;  // the latest decision, 0 = none
  int64_t created_by = 0;
  std::string created_at;
  std::string updated_at;
  std::string submitted_at;  // "" = never
  std::string decided_at;    // approved / rejected; "" = not yet
  std::string reminded_at;   // window-closing reminder sent; "" = not yet
};

// Inserts; db.unique_violation when the firm already has an application for
// the policy and year. Returns the id.
Result<int64_t> insert_application(Tx& tx, const ApplicationRow& row);
Result<std::optional<ApplicationRow>> get_application(Tx& tx, int64_t id);
Result<std::optional<ApplicationRow>> find_application(Tx& tx, int64_t enterprise_id,
                                                       const std::string& policy_id, int year);
// Writes every mutable field of row (by row.id).
Status update_application(Tx& tx, const ApplicationRow& row);
// Only a draft's: its events and material links go with it.
Status delete_application(Tx& tx, int64_t id);

struct ApplicationQuery {
  int64_t enterprise_id = 0;          // 0 = any
  std::string policy_id;              // "" = any
  std::vector<std::string> statuses;  // empty = any
  int64_t assignee_id = -1;           // -1 = any, 0 = unassigned
  std::string due_before;             // "YYYY-MM-DD": due_on < this (overdue); "" = any
  int limit = 50;
  int offset = 0;
  bool oldest_first = false;  // the review queue works oldest first
};
Result<std::vector<ApplicationRow>> list_applications(Tx& tx, const ApplicationQuery& q);
Result<int64_t> count_applications(Tx& tx, const ApplicationQuery& q);

// Every award a firm holds (approved, publicity, disbursed), but one
// application's own.
Result<std::vector<workflow::EarlierAward>> awards_held(Tx& tx, int64_t enterprise_id,
                                                        int64_t except_application);
// A policy's awards held in a year, in the order they were decided (for the
// budget: committed sum, first come, pro-rata preview).
struct HeldAward {
  int64_t application_id = 0;
  int64_t enterprise_id = 0;
  int64_t fen = 0;
  std::string status;
  std::string decided_at;
};
Result<std::vector<HeldAward>> policy_awards(Tx& tx, const std::string& policy_id, int year);
Result<int64_t> committed_fen(Tx& tx, const std::string& policy_id, int year,
                              int64_t except_application);

// ---- materials
struct MaterialUpload {
  int64_t id = 0;
  std::string sha256;
  int64_t enterprise_id = 0;
  std::string file_name;
  int64_t size = 0;
  std::string kind;  // pdf, png …
  std::string mime;
  int64_t uploaded_by = 0;
  std::string uploaded_at;
};
// Records an upload (and its content, once per sha256). Returns it with its id.
Result<MaterialUpload> add_material_upload(Tx& tx, const MaterialUpload& upload);
Result<std::optional<MaterialUpload>> get_material_upload(Tx& tx, int64_t id);
// Whether any upload row refers to this content.
Result<bool> material_file_known(Tx& tx, const std::string& sha256);
// Replaces the materials an application cites.
Status set_application_materials(Tx& tx, int64_t application_id,
                                 const std::vector<workflow::MaterialRef>& materials);
// With sha256 and file name filled from the uploads.
Result<std::vector<workflow::MaterialRef>> application_materials(Tx& tx, int64_t application_id);

// ---- decisions
struct DecisionRow {
  int64_t id = 0;
  int64_t application_id = 0;
  std::string kind;     // submission | review
  std::string outcome;  // approved | review | rejected
  bool instant = false;
  std::optional<int64_t> award_fen;
  std::string policy_id;
  int64_t policy_version = 0;
  std::string policy_hash;
  std::string record;  // canonical JSON text
  std::string hash;    // sha-256 of record, hex
  int64_t decided_by = 0;
  std::string decided_at;
};
Result<int64_t> insert_decision(Tx& tx, const DecisionRow& row);
Result<std::vector<DecisionRow>> decisions_of(Tx& tx, int64_t application_id);
Result<std::optional<DecisionRow>> get_decision(Tx& tx, int64_t id);

// ---- timeline
struct EventRow {
  int64_t id = 0;
  int64_t application_id = 0;
  std::string action;  // workflow::action_name, or create / remind
  std::string from_status;
  std::string to_status;
  int64_t actor_id = 0;  // 0 = the system
  std::string actor_name;
  std::string actor_role;
  std::string detail;  // JSON object text; "" = none
  std::string at;
};
Status add_event(Tx& tx, const EventRow& e);
Result<std::vector<EventRow>> events_of(Tx& tx, int64_t application_id);

// Drafts and returned applications no reminder was sent for yet.
Result<std::vector<ApplicationRow>> unreminded_open_applications(Tx& tx, int limit);
Status mark_reminded(Tx& tx, int64_t application_id, const std::string& at);

}  // namespace zhida::store
