#include "store/workflow_store.h"

#include <fmt/format.h>

namespace zhida::store {

const MigrationSet& workflow_migrations() {
  static const MigrationSet kSet{"workflow",
                                 {
                                     {1, "applications",
                                      R"SQL(
CREATE TABLE applications (
  id {{id}},
  enterprise_id {{bigint}} NOT NULL,
  policy_id {{text}} NOT NULL,
  policy_version {{bigint}} NOT NULL,
  year {{bigint}} NOT NULL,
  status {{text}} NOT NULL,
  origin {{text}} NOT NULL DEFAULT 'apply',
  exclusivity_group {{text}} NOT NULL DEFAULT '',
  declarations {{json}} NOT NULL,
  checklist {{json}},
  reasons {{json}},
  award_fen {{bigint}},
  estimate_fen {{bigint}},
  assignee_id {{bigint}} NOT NULL DEFAULT 0,
  assignee_name {{text}} NOT NULL DEFAULT '',
  due_on {{text}} NOT NULL DEFAULT '',
  return_count {{bigint}} NOT NULL DEFAULT 0,
  decision_id {{bigint}} NOT NULL DEFAULT 0,
  created_by {{bigint}} NOT NULL DEFAULT 0,
  created_at {{timestamp}} NOT NULL,
  updated_at {{timestamp}} NOT NULL,
  submitted_at {{timestamp}} NOT NULL DEFAULT '',
  decided_at {{timestamp}} NOT NULL DEFAULT '',
  reminded_at {{timestamp}} NOT NULL DEFAULT '',
  UNIQUE (enterprise_id, policy_id, year)
);
CREATE INDEX applications_queue ON applications (status, assignee_id, id);
CREATE INDEX applications_policy ON applications (policy_id, year, status);
CREATE INDEX applications_firm ON applications (enterprise_id, status);
CREATE TABLE application_decisions (
  id {{id}},
  application_id {{bigint}} NOT NULL REFERENCES applications(id),
  kind {{text}} NOT NULL,
  outcome {{text}} NOT NULL,
  instant {{bool}} NOT NULL DEFAULT FALSE,
  award_fen {{bigint}},
  policy_id {{text}} NOT NULL,
  policy_version {{bigint}} NOT NULL,
  policy_hash {{text}} NOT NULL,
  record {{json}} NOT NULL,
  hash {{text}} NOT NULL,
  decided_by {{bigint}} NOT NULL DEFAULT 0,
  decided_at {{timestamp}} NOT NULL
);
CREATE INDEX application_decisions_app ON application_decisions (application_id, id);
CREATE TABLE application_events (
  id {{id}},
  application_id {{bigint}} NOT NULL,
  action {{text}} NOT NULL,
  from_status {{text}} NOT NULL DEFAULT '',
  to_status {{text}} NOT NULL,
  actor_id {{bigint}} NOT NULL DEFAULT 0,
  actor_name {{text}} NOT NULL DEFAULT '',
  actor_role {{text}} NOT NULL DEFAULT '',
  detail {{json}},
  at {{timestamp}} NOT NULL
);
CREATE INDEX application_events_app ON application_events (application_id, id);
CREATE TABLE material_files (
  sha256 {{text}} NOT NULL PRIMARY KEY,
  size {{bigint}} NOT NULL,
  kind {{text}} NOT NULL,
  mime {{text}} NOT NULL,
  created_at {{timestamp}} NOT NULL
);
CREATE TABLE material_uploads (
  id {{id}},
  sha256 {{text}} NOT NULL REFERENCES material_files(sha256),
  enterprise_id {{bigint}} NOT NULL,
  file_name {{text}} NOT NULL,
  uploaded_by {{bigint}} NOT NULL DEFAULT 0,
  uploaded_at {{timestamp}} NOT NULL
);
CREATE INDEX material_uploads_firm ON material_uploads (enterprise_id, id);
CREATE TABLE application_materials (
  id {{id}},
  application_id {{bigint}} NOT NULL REFERENCES applications(id),
  name {{text}} NOT NULL,
  condition_index {{bigint}} NOT NULL DEFAULT -1,
  upload_id {{bigint}} REFERENCES material_uploads(id),
  commitment {{bool}} NOT NULL DEFAULT FALSE
);
CREATE INDEX application_materials_app ON application_materials (application_id, id))SQL"},
                                     // Every submission sums its policy's committed awards
                                     // (committed_fen): read from the index alone, not from
                                     // one table row per earlier award.
                                     {2, "applications_policy_awards",
                                      R"SQL(
CREATE INDEX applications_policy_awards ON applications (policy_id, year, status, award_fen))SQL"},
                                 }};
  return kSet;
}

namespace {

constexpr const char* kAppColumns =
    "id, enterprise_id, policy_id, policy_version, year, status, origin, exclusivity_group, "
    "declarations, checklist, "
    "reasons, award_fen, estimate_fen, assignee_id, assignee_name, due_on, return_count, "
    "decision_id, created_by, "
    "created_at, updated_at, submitted_at, decided_at, reminded_at";

Result<ApplicationRow> app_row(const Row& r) {
  ApplicationRow a;
  ZHIDA_ASSIGN_OR_RETURN(a.id, r.get<int64_t>(0));
  ZHIDA_ASSIGN_OR_RETURN(a.enterprise_id, r.get<int64_t>(1));
  ZHIDA_ASSIGN_OR_RETURN(a.policy_id, r.get<std::string>(2));
  ZHIDA_ASSIGN_OR_RETURN(a.policy_version, r.get<int64_t>(3));
  ZHIDA_ASSIGN_OR_RETURN(int64_t year, r.get<int64_t>(4));
  a.year = static_cast<int>(year);
  ZHIDA_ASSIGN_OR_RETURN(a.status, r.get<std::string>(5));
  ZHIDA_ASSIGN_OR_RETURN(a.origin, r.get<std::string>(6));
  ZHIDA_ASSIGN_OR_RETURN(a.exclusivity_group, r.get<std::string>(7));
  ZHIDA_ASSIGN_OR_RETURN(a.declarations, r.get<std::string>(8));
  ZHIDA_ASSIGN_OR_RETURN(auto checklist, r.get_optional<std::string>(9));
  a.checklist = checklist.value_or("");
  ZHIDA_ASSIGN_OR_RETURN(auto reasons, r.get_optional<std::string>(10));
  a.reasons = reasons.value_or("");
  ZHIDA_ASSIGN_OR_RETURN(a.award_fen, r.get_optional<int64_t>(11));
  ZHIDA_ASSIGN_OR_RETURN(a.estimate_fen, r.get_optional<int64_t>(12));
  ZHIDA_ASSIGN_OR_RETURN(a.assignee_id, r.get<int64_t>(13));
  ZHIDA_ASSIGN_OR_RETURN(a.assignee_name, r.get<std::string>(14));
  ZHIDA_ASSIGN_OR_RETURN(a.due_on, r.get<std::string>(15));
  ZHIDA_ASSIGN_OR_RETURN(a.return_count, r.get<int64_t>(16));
  ZHIDA_ASSIGN_OR_RETURN(a.decision_id, r.get<int64_t>(17));
  ZHIDA_ASSIGN_OR_RETURN(a.created_by, r.get<int64_t>(18));
  ZHIDA_ASSIGN_OR_RETURN(a.created_at, r.get<std::string>(19));
  ZHIDA_ASSIGN_OR_RETURN(a.updated_at, r.get<std::string>(20));
  ZHIDA_ASSIGN_OR_RETURN(a.submitted_at, r.get<std::string>(21));
  ZHIDA_ASSIGN_OR_RETURN(a.decided_at, r.get<std::string>(22));
  ZHIDA_ASSIGN_OR_RETURN(a.reminded_at, r.get<std::string>(23));
  return a;
}

Result<std::vector<ApplicationRow>> app_rows(Result<Rows> rows) {
  if (!rows.ok()) return rows.error();
  std::vector<ApplicationRow> out;
  out.reserve(rows->size());
  for (const Row& r : *rows) {
    ZHIDA_ASSIGN_OR_RETURN(ApplicationRow a, app_row(r));
    out.push_back(std::move(a));
  }
  return out;
}

Param json_or_null(const std::string& s) {
  return s.empty() ? Param() : Param(s);
}

// WHERE clause and parameters of a query.
std::string where(const ApplicationQuery& q, Params& params) {
  std::vector<std::string> terms;
  auto next = [&](Param p) {
    params.push_back(std::move(p));
    return fmt::format("${}", params.size());
  };
  if (q.enterprise_id > 0) terms.push_back("enterprise_id = " + next(q.enterprise_id));
  if (!q.policy_id.empty()) terms.push_back("policy_id = " + next(Param(q.policy_id)));
  if (!q.statuses.empty()) {
    std::string in;
    for (const std::string& s : q.statuses) in += (in.empty() ? "" : ", ") + next(Param(s));
    terms.push_back("status IN (" + in + ")");
  }
  if (q.assignee_id >= 0) terms.push_back("assignee_id = " + next(q.assignee_id));
  if (!q.due_before.empty())
    terms.push_back("due_on <> '' AND due_on < " + next(Param(q.due_before)));
  std::string w;
  for (const std::string& t : terms) w += (w.empty() ? " WHERE " : " AND ") + t;
  return w;
}

}  // namespace

Result<int64_t> insert_application(Tx& tx, const ApplicationRow& a) {
  return tx.query_value<int64_t>(
      "INSERT INTO applications (enterprise_id, policy_id, policy_version, year, status, origin, "
      "exclusivity_group, "
      "declarations, checklist, reasons, award_fen, estimate_fen, assignee_id, assignee_name, "
      "due_on, return_count, "
      "decision_id, created_by, created_at, updated_at, submitted_at, decided_at, reminded_at) "
      "VALUES ($1, $2, $3, "
      "$4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, "
      "$23) RETURNING id",
      {a.enterprise_id,
       a.policy_id,
       a.policy_version,
       a.year,
       a.status,
       a.origin,
       a.exclusivity_group,
       a.declarations,
       json_or_null(a.checklist),
       json_or_null(a.reasons),
       a.award_fen,
       a.estimate_fen,
       a.assignee_id,
       a.assignee_name,
       a.due_on,
       a.return_count,
       a.decision_id,
       a.created_by,
       a.created_at,
       a.updated_at,
       a.submitted_at,
       a.decided_at,
       a.reminded_at});
}

Result<std::optional<ApplicationRow>> get_application(Tx& tx, int64_t id) {
  auto r = tx.query_optional(fmt::format("SELECT {} FROM applications WHERE id = $1", kAppColumns),
                             {id});
  if (!r.ok()) return r.error();
  if (!*r) return std::optional<ApplicationRow>();
  auto a = app_row(**r);
  if (!a.ok()) return a.error();
  return std::optional<ApplicationRow>(std::move(*a));
}

Result<std::optional<ApplicationRow>> find_application(Tx& tx, int64_t enterprise_id,
                                                       const std::string& policy_id, int year) {
  auto r = tx.query_optional(
      fmt::format(
          "SELECT {} FROM applications WHERE enterprise_id = $1 AND policy_id = $2 AND year = $3",
          kAppColumns),
      {enterprise_id, policy_id, year});
  if (!r.ok()) return r.error();
  if (!*r) return std::optional<ApplicationRow>();
  auto a = app_row(**r);
  if (!a.ok()) return a.error();
  return std::optional<ApplicationRow>(std::move(*a));
}

Status update_application(Tx& tx, const ApplicationRow& a) {
  auto n = tx.exec(
      "UPDATE applications SET policy_version = $2, status = $3, exclusivity_group = $4, "
      "declarations = $5, "
      "checklist = $6, reasons = $7, award_fen = $8, estimate_fen = $9, assignee_id = $10, "
      "assignee_name = $11, "
      "due_on = $12, return_count = $13, decision_id = $14, updated_at = $15, submitted_at = $16, "
      "decided_at = $17, "
      "reminded_at = $18 WHERE id = $1",
      {a.id, a.policy_version, a.status, a.exclusivity_group, a.declarations,
       json_or_null(a.checklist), json_or_null(a.reasons), a.award_fen, a.estimate_fen,
       a.assignee_id, a.assignee_name, a.due_on, a.return_count, a.decision_id, a.updated_at,
       a.submitted_at, a.decided_at, a.reminded_at});
  if (!n.ok()) return n.error();
  if (*n == 0) return Error("db.not_found", fmt::format("没有找到申请 {}", a.id));
  return Status::Ok();
}

Status delete_application(Tx& tx, int64_t id) {
  ZHIDA_TRY(tx.exec("DELETE FROM application_materials WHERE application_id = $1", {id}));
  ZHIDA_TRY(tx.exec("DELETE FROM application_events WHERE application_id = $1", {id}));
  auto n = tx.exec("DELETE FROM applications WHERE id = $1 AND status = 'draft'", {id});
  if (!n.ok()) return n.error();
  if (*n == 0) return Error("db.not_found", fmt::format("没有找到草稿申请 {}", id));
  return Status::Ok();
}

Result<std::vector<ApplicationRow>> list_applications(Tx& tx, const ApplicationQuery& q) {
  Params params;
  std::string sql = fmt::format("SELECT {} FROM applications{} ORDER BY id {} LIMIT {} OFFSET {}",
                                kAppColumns, where(q, params), q.oldest_first ? "ASC" : "DESC",
                                std::max(q.limit, 0), std::max(q.offset, 0));
  return app_rows(tx.query(sql, std::span<const Param>(params)));
}

Result<int64_t> count_applications(Tx& tx, const ApplicationQuery& q) {
  Params params;
  std::string sql = "SELECT COUNT(*) FROM applications" + where(q, params);
  return tx.query_value<int64_t>(sql, std::span<const Param>(params));
}

Result<std::vector<workflow::EarlierAward>> awards_held(Tx& tx, int64_t enterprise_id,
                                                        int64_t except) {
  auto rows = tx.query(
      "SELECT id, policy_id, year, exclusivity_group, award_fen, status FROM applications WHERE "
      "enterprise_id = $1 "
      "AND id <> $2 AND status IN ('approved', 'publicity', 'disbursed') AND award_fen IS NOT NULL "
      "ORDER BY id",
      {enterprise_id, except});
  if (!rows.ok()) return rows.error();
  std::vector<workflow::EarlierAward> out;
  for (const Row& r : *rows) {
    workflow::EarlierAward e;
    ZHIDA_ASSIGN_OR_RETURN(e.application_id, r.get<int64_t>(0));
    ZHIDA_ASSIGN_OR_RETURN(e.policy_id, r.get<std::string>(1));
    ZHIDA_ASSIGN_OR_RETURN(int64_t year, r.get<int64_t>(2));
    e.year = static_cast<int>(year);
    ZHIDA_ASSIGN_OR_RETURN(e.group, r.get<std::string>(3));
    ZHIDA_ASSIGN_OR_RETURN(e.fen, r.get<int64_t>(4));
    ZHIDA_ASSIGN_OR_RETURN(e.status, r.get<std::string>(5));
    out.push_back(std::move(e));
  }
  return out;
}

Result<std::vector<HeldAward>> policy_awards(Tx& tx, const std::string& policy_id, int year) {
  auto rows = tx.query(
      "SELECT id, enterprise_id, award_fen, status, decided_at FROM applications WHERE policy_id = "
      "$1 AND year = $2 "
      "AND status IN ('approved', 'publicity', 'disbursed') AND award_fen IS NOT NULL ORDER BY "
      "decided_at, id",
      {policy_id, year});
  if (!rows.ok()) return rows.error();
  std::vector<HeldAward> out;
  for (const Row& r : *rows) {
    HeldAward h;
    ZHIDA_ASSIGN_OR_RETURN(h.application_id, r.get<int64_t>(0));
    ZHIDA_ASSIGN_OR_RETURN(h.enterprise_id, r.get<int64_t>(1));
    ZHIDA_ASSIGN_OR_RETURN(h.fen, r.get<int64_t>(2));
    ZHIDA_ASSIGN_OR_RETURN(h.status, r.get<std::string>(3));
    ZHIDA_ASSIGN_OR_RETURN(h.decided_at, r.get<std::string>(4));
    out.push_back(std::move(h));
  }
  return out;
}

Result<int64_t> committed_fen(Tx& tx, const std::string& policy_id, int year, int64_t except) {
  return tx.query_value<int64_t>(
      "SELECT COALESCE(SUM(award_fen), 0) FROM applications WHERE policy_id = $1 AND year = $2 AND "
      "id <> $3 AND "
      "status IN ('approved', 'publicity', 'disbursed') AND award_fen IS NOT NULL",
      {policy_id, year, except});
}

Result<MaterialUpload> add_material_upload(Tx& tx, const MaterialUpload& u) {
  ZHIDA_TRY(
      tx.exec("INSERT INTO material_files (sha256, size, kind, mime, created_at) VALUES ($1, $2, "
              "$3, $4, $5) "
              "ON CONFLICT (sha256) DO NOTHING",
              {u.sha256, u.size, u.kind, u.mime, u.uploaded_at}));
  MaterialUpload out = u;
  ZHIDA_ASSIGN_OR_RETURN(
      out.id, tx.query_value<int64_t>(
                  "INSERT INTO material_uploads (sha256, enterprise_id, file_name, uploaded_by, "
                  "uploaded_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
                  {u.sha256, u.enterprise_id, u.file_name, u.uploaded_by, u.uploaded_at}));
  return out;
}

Result<std::optional<MaterialUpload>> get_material_upload(Tx& tx, int64_t id) {
  auto r = tx.query_optional(
      "SELECT u.id, u.sha256, u.enterprise_id, u.file_name, f.size, f.kind, f.mime, u.uploaded_by, "
      "u.uploaded_at "
      "FROM material_uploads u JOIN material_files f ON f.sha256 = u.sha256 WHERE u.id = $1",
      {id});
  if (!r.ok()) return r.error();
  if (!*r) return std::optional<MaterialUpload>();
  const Row& row = **r;
  MaterialUpload u;
  ZHIDA_ASSIGN_OR_RETURN(u.id, row.get<int64_t>(0));
  ZHIDA_ASSIGN_OR_RETURN(u.sha256, row.get<std::string>(1));
  ZHIDA_ASSIGN_OR_RETURN(u.enterprise_id, row.get<int64_t>(2));
  ZHIDA_ASSIGN_OR_RETURN(u.file_name, row.get<std::string>(3));
  ZHIDA_ASSIGN_OR_RETURN(u.size, row.get<int64_t>(4));
  ZHIDA_ASSIGN_OR_RETURN(u.kind, row.get<std::string>(5));
  ZHIDA_ASSIGN_OR_RETURN(u.mime, row.get<std::string>(6));
  ZHIDA_ASSIGN_OR_RETURN(u.uploaded_by, row.get<int64_t>(7));
  ZHIDA_ASSIGN_OR_RETURN(u.uploaded_at, row.get<std::string>(8));
  return std::optional<MaterialUpload>(std::move(u));
}

Result<bool> material_file_known(Tx& tx, const std::string& sha256) {
  auto r = tx.query_optional("SELECT 1 FROM material_files WHERE sha256 = $1", {sha256});
  if (!r.ok()) return r.error();
  return r->has_value();
}

Status set_application_materials(Tx& tx, int64_t application_id,
                                 const std::vector<workflow::MaterialRef>& ms) {
  ZHIDA_TRY(
      tx.exec("DELETE FROM application_materials WHERE application_id = $1", {application_id}));
  for (const workflow::MaterialRef& m : ms) {
    std::optional<int64_t> upload;
    if (m.upload_id > 0) upload = m.upload_id;
    ZHIDA_TRY(
        tx.exec("INSERT INTO application_materials (application_id, name, condition_index, "
                "upload_id, commitment) "
                "VALUES ($1, $2, $3, $4, $5)",
                {application_id, m.name, m.condition, upload, m.commitment}));
  }
  return Status::Ok();
}

Result<std::vector<workflow::MaterialRef>> application_materials(Tx& tx, int64_t application_id) {
  auto rows = tx.query(
      "SELECT m.name, m.condition_index, COALESCE(m.upload_id, 0), COALESCE(u.sha256, ''), "
      "COALESCE(u.file_name, ''), "
      "m.commitment FROM application_materials m LEFT JOIN material_uploads u ON u.id = "
      "m.upload_id "
      "WHERE m.application_id = $1 ORDER BY m.id",
      {application_id});
  if (!rows.ok()) return rows.error();
  std::vector<workflow::MaterialRef> out;
  for (const Row& r : *rows) {
    workflow::MaterialRef m;
    ZHIDA_ASSIGN_OR_RETURN(m.name, r.get<std::string>(0));
    ZHIDA_ASSIGN_OR_RETURN(int64_t cond, r.get<int64_t>(1));
    m.condition = static_cast<int>(cond);
    ZHIDA_ASSIGN_OR_RETURN(m.upload_id, r.get<int64_t>(2));
    ZHIDA_ASSIGN_OR_RETURN(m.sha256, r.get<std::string>(3));
    ZHIDA_ASSIGN_OR_RETURN(m.file_name, r.get<std::string>(4));
    ZHIDA_ASSIGN_OR_RETURN(m.commitment, r.get<bool>(5));
    out.push_back(std::move(m));
  }
  return out;
}

namespace {

constexpr const char* kDecisionColumns =
    "id, application_id, kind, outcome, instant, award_fen, policy_id, policy_version, "
    "policy_hash, record, hash, "
    "decided_by, decided_at";

Result<DecisionRow> decision_row(const Row& r) {
  DecisionRow d;
  ZHIDA_ASSIGN_OR_RETURN(d.id, r.get<int64_t>(0));
  ZHIDA_ASSIGN_OR_RETURN(d.application_id, r.get<int64_t>(1));
  ZHIDA_ASSIGN_OR_RETURN(d.kind, r.get<std::string>(2));
  ZHIDA_ASSIGN_OR_RETURN(d.outcome, r.get<std::string>(3));
  ZHIDA_ASSIGN_OR_RETURN(d.instant, r.get<bool>(4));
  ZHIDA_ASSIGN_OR_RETURN(d.award_fen, r.get_optional<int64_t>(5));
  ZHIDA_ASSIGN_OR_RETURN(d.policy_id, r.get<std::string>(6));
  ZHIDA_ASSIGN_OR_RETURN(d.policy_version, r.get<int64_t>(7));
  ZHIDA_ASSIGN_OR_RETURN(d.policy_hash, r.get<std::string>(8));
  ZHIDA_ASSIGN_OR_RETURN(d.record, r.get<std::string>(9));
  ZHIDA_ASSIGN_OR_RETURN(d.hash, r.get<std::string>(10));
  ZHIDA_ASSIGN_OR_RETURN(d.decided_by, r.get<int64_t>(11));
  ZHIDA_ASSIGN_OR_RETURN(d.decided_at, r.get<std::string>(12));
  return d;
}

}  // namespace

Result<int64_t> insert_decision(Tx& tx, const DecisionRow& d) {
  return tx.query_value<int64_t>(
      "INSERT INTO application_decisions (application_id, kind, outcome, instant, award_fen, "
      "policy_id, "
      "policy_version, policy_hash, record, hash, decided_by, decided_at) VALUES ($1, $2, $3, $4, "
      "$5, $6, $7, $8, $9, "
      "$10, $11, $12) RETURNING id",
      {d.application_id, d.kind, d.outcome, d.instant, d.award_fen, d.policy_id, d.policy_version,
       d.policy_hash, d.record, d.hash, d.decided_by, d.decided_at});
}

Result<std::vector<DecisionRow>> decisions_of(Tx& tx, int64_t application_id) {
  auto rows = tx.query(
      fmt::format("SELECT {} FROM application_decisions WHERE application_id = $1 ORDER BY id",
                  kDecisionColumns),
      {application_id});
  if (!rows.ok()) return rows.error();
  std::vector<DecisionRow> out;
  for (const Row& r : *rows) {
    ZHIDA_ASSIGN_OR_RETURN(DecisionRow d, decision_row(r));
    out.push_back(std::move(d));
  }
  return out;
}

Result<std::optional<DecisionRow>> get_decision(Tx& tx, int64_t id) {
  auto r = tx.query_optional(
      fmt::format("SELECT {} FROM application_decisions WHERE id = $1", kDecisionColumns), {id});
  if (!r.ok()) return r.error();
  if (!*r) return std::optional<DecisionRow>();
  auto d = decision_row(**r);
  if (!d.ok()) return d.error();
  return std::optional<DecisionRow>(std::move(*d));
}

Status add_event(Tx& tx, const EventRow& e) {
  ZHIDA_TRY(
      tx.exec("INSERT INTO application_events (application_id, action, from_status, to_status, "
              "actor_id, actor_name, "
              "actor_role, detail, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
              {e.application_id, e.action, e.from_status, e.to_status, e.actor_id, e.actor_name,
               e.actor_role, json_or_null(e.detail), e.at}));
  return Status::Ok();
}

Result<std::vector<EventRow>> events_of(Tx& tx, int64_t application_id) {
  auto rows = tx.query(
      "SELECT id, application_id, action, from_status, to_status, actor_id, actor_name, "
      "actor_role, detail, at "
      "FROM application_events WHERE application_id = $1 ORDER BY id",
      {application_id});
  if (!rows.ok()) return rows.error();
  std::vector<EventRow> out;
  for (const Row& r : *rows) {
    EventRow e;
    ZHIDA_ASSIGN_OR_RETURN(e.id, r.get<int64_t>(0));
    ZHIDA_ASSIGN_OR_RETURN(e.application_id, r.get<int64_t>(1));
    ZHIDA_ASSIGN_OR_RETURN(e.action, r.get<std::string>(2));
    ZHIDA_ASSIGN_OR_RETURN(e.from_status, r.get<std::string>(3));
    ZHIDA_ASSIGN_OR_RETURN(e.to_status, r.get<std::string>(4));
    ZHIDA_ASSIGN_OR_RETURN(e.actor_id, r.get<int64_t>(5));
    ZHIDA_ASSIGN_OR_RETURN(e.actor_name, r.get<std::string>(6));
    ZHIDA_ASSIGN_OR_RETURN(e.actor_role, r.get<std::string>(7));
    ZHIDA_ASSIGN_OR_RETURN(auto detail, r.get_optional<std::string>(8));
    e.detail = detail.value_or("");
    ZHIDA_ASSIGN_OR_RETURN(e.at, r.get<std::string>(9));
    out.push_back(std::move(e));
  }
  return out;
}

Result<std::vector<ApplicationRow>> unreminded_open_applications(Tx& tx, int limit) {
  return app_rows(tx.query(fmt::format(
      "SELECT {} FROM applications WHERE status IN ('draft', 'returned') AND reminded_at = '' "
      "ORDER BY id LIMIT {}",
      kAppColumns, std::max(limit, 0))));
}

Status mark_reminded(Tx& tx, int64_t application_id, const std::string& at) {
  ZHIDA_TRY(
      tx.exec("UPDATE applications SET reminded_at = $2 WHERE id = $1", {application_id, at}));
  return Status::Ok();
}

}  // namespace zhida::store
