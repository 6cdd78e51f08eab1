// The rows the statistics endpoint (services/stats) aggregates: one small
// row per application, payment and push in a period, read in one snapshot.
// Grouping by street (a fact in the replica), department (the policy's) and
// month (China time) happens in the service. No tables of its own.
//
// Periods are [from, to) store timestamps. All functions take a Tx.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "store/db.h"

namespace zhida::store {

// A non-draft application submitted or decided in the period.
struct StatApplication {
  int64_t id = 0;
  int64_t enterprise_id = 0;
  std::string policy_id;
  std::string status;
  std::string origin;        // apply | auto_grant
  std::string submitted_at;  // "" = never (a grant: its decision time)
  std::string decided_at;    // "" = not decided
  std::optional<int64_t> award_fen;
  bool instant = false;  // approved at submission (秒批)
};
Result<std::vector<StatApplication>> stat_applications(Tx& tx, const std::string& from,
                                                       const std::string& to);

// A payment (a disbursed batch item) in the period.
struct StatPayment {
  int64_t application_id = 0;
  int64_t enterprise_id = 0;
  std::string policy_id;
  int64_t fen = 0;
  std::string paid_at;
};
Result<std::vector<StatPayment>> stat_payments(Tx& tx, const std::string& from,
                                               const std::string& to);

// A push (政策找企业) delivered on at least one channel, created in the period.
struct StatPush {
  int64_t enterprise_id = 0;
  std::string policy_id;
  std::string created_at;
};
Result<std::vector<StatPush>> stat_pushes(Tx& tx, const std::string& from, const std::string& to);

// Every policy ever published: its department and first publication.
struct StatPolicy {
  std::string id;
  std::string department;
  std::string first_published_at;
};
Result<std::vector<StatPolicy>> stat_policies(Tx& tx);

}  // namespace zhida::store
