#include "store/stats_store.h"

namespace zhida::store {

Result<std::vector<StatApplication>> stat_applications(Tx& tx, const std::string& from,
                                                       const std::string& to) {
  auto rows = tx.query(
      "SELECT a.id, a.enterprise_id, a.policy_id, a.status, a.origin, a.submitted_at, "
      "a.decided_at, a.award_fen, "
      "CASE WHEN EXISTS (SELECT 1 FROM application_decisions d WHERE d.application_id = a.id AND "
      "d.instant = TRUE "
      "AND d.outcome = 'approved') THEN 1 ELSE 0 END "
      "FROM applications a WHERE a.status <> 'draft' AND ((a.submitted_at >= $1 AND a.submitted_at "
      "< $2) OR "
      "(a.decided_at >= $1 AND a.decided_at < $2)) ORDER BY a.id",
      {from, to});
  if (!rows.ok()) return rows.error();
  std::vector<StatApplication> out;
  out.reserve(rows->size());
  for (const Row& r : *rows) {
    StatApplication a;
    ZHIDA_ASSIGN_OR_RETURN(a.id, r.get<int64_t>(0));
    ZHIDA_ASSIGN_OR_RETURN(a.enterprise_id, r.get<int64_t>(1));
    ZHIDA_ASSIGN_OR_RETURN(a.policy_id, r.get<std::string>(2));
    ZHIDA_ASSIGN_OR_RETURN(a.status, r.get<std::string>(3));
    ZHIDA_ASSIGN_OR_RETURN(a.origin, r.get<std::string>(4));
    ZHIDA_ASSIGN_OR_RETURN(a.submitted_at, r.get<std::string>(5));
    ZHIDA_ASSIGN_OR_RETURN(a.decided_at, r.get<std::string>(6));
    ZHIDA_ASSIGN_OR_RETURN(a.award_fen, r.get_optional<int64_t>(7));
    ZHIDA_ASSIGN_OR_RETURN(int64_t instant, r.get<int64_t>(8));
    a.instant = instant != 0;
    out.push_back(std::move(a));
  }
  return out;
}

Result<std::vector<StatPayment>> stat_payments(Tx& tx, const std::string& from,
                                               const std::string& to) {
  auto rows = tx.query(
      "SELECT i.application_id, i.enterprise_id, b.policy_id, i.allocated_fen, b.paid_at FROM "
      "disbursement_items i "
      "JOIN disbursement_batches b ON b.id = i.batch_id WHERE b.status = 'paid' AND b.paid_at >= "
      "$1 AND b.paid_at < $2 "
      "AND i.allocated_fen > 0 ORDER BY i.application_id",
      {from, to});
  if (!rows.ok()) return rows.error();
  std::vector<StatPayment> out;
  for (const Row& r : *rows) {
    StatPayment p;
    ZHIDA_ASSIGN_OR_RETURN(p.application_id, r.get<int64_t>(0));
    ZHIDA_ASSIGN_OR_RETURN(p.enterprise_id, r.get<int64_t>(1));
    ZHIDA_ASSIGN_OR_RETURN(p.policy_id, r.get<std::string>(2));
    ZHIDA_ASSIGN_OR_RETURN(p.fen, r.get<int64_t>(3));
    ZHIDA_ASSIGN_OR_RETURN(p.paid_at, r.get<std::string>(4));
    out.push_back(std::move(p));
  }
  return out;
}

Result<std::vector<StatPush>> stat_pushes(Tx& tx, const std::string& from, const std::string& to) {
  auto rows = tx.query(
      "SELECT n.enterprise_id, n.policy_id, n.created_at FROM notifications n WHERE n.kind = "
      "'policy.match' AND "
      "n.created_at >= $1 AND n.created_at < $2 AND EXISTS (SELECT 1 FROM notification_deliveries "
      "d WHERE "
      "d.notification_id = n.id AND d.status = 'sent') ORDER BY n.id",
      {from, to});
  if (!rows.ok()) return rows.error();
  std::vector<StatPush> out;
  out.reserve(rows->size());
  for (const Row& r : *rows) {
    StatPush p;
    ZHIDA_ASSIGN_OR_RETURN(p.enterprise_id, r.get<int64_t>(0));
    ZHIDA_ASSIGN_OR_RETURN(p.policy_id, r.get<std::string>(1));
    ZHIDA_ASSIGN_OR_RETURN(p.created_at, r.get<std::string>(2));
    out.push_back(std::move(p));
  }
  return out;
}

Result<std::vector<StatPolicy>> stat_policies(Tx& tx) {
  auto rows = tx.query(
      "SELECT p.id, p.department, MIN(v.published_at) FROM policies p JOIN policy_versions v ON "
      "v.policy_id = p.id "
      "GROUP BY p.id, p.department ORDER BY p.id");
  if (!rows.ok()) return rows.error();
  std::vector<StatPolicy> out;
  for (const Row& r : *rows) {
    StatPolicy p;
    ZHIDA_ASSIGN_OR_RETURN(p.id, r.get<std::string>(0));
    ZHIDA_ASSIGN_OR_RETURN(p.department, r.get<std::string>(1));
    ZHIDA_ASSIGN_OR_RETURN(p.first_published_at, r.get<std::string>(2));
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace zhida::store
