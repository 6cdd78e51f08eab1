// Statistics (C8 headline figures, "Following it"): the seed's headline
// figures — policy items, applications, money approved and paid, the
// instant-approval (秒批) rate by count and by money, firms benefited,
// pushes sent — for a period, in total and grouped by street (街道, from the
// replica), department (the policy's 发文部门) or month (China time).
//
// Definitions (a figure counts an event when its time is in the period):
//   policy_items      policies published by the end of the period (by
//                     department: of that department; by street or month:
//                     distinct policies with an application in the group)
//   applications      applications submitted (grants: decided) in the period
//   approved          awards decided in the period that still hold (approved,
//                     in publicity, disbursed); approved_amount their sum
//   instant_*         those approved at submission with no person (秒批)
//   instant_rate_count / instant_rate_money   instant ÷ approved (null when
//                     nothing was approved)
//   paid_amount       money of batches marked paid in the period
//   firms_benefited   distinct firms with an approved award in the period
//   pushes_sent       policy pushes (政策找企业) delivered on any channel
//   enterprises       by street only (each group and the total): the firms
//                     registered in the street now, from the replica — not
//                     limited to the period (the map shades by it)
//
// Groups: by street, every street that has firms (and any other street an
// event names) is listed; by month, every month the period touches, in
// order — both with zeros where nothing happened.
//
// Thread-safety: const methods; reads in one snapshot transaction.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "base/result.h"
#include "services/platform/platform.h"

namespace zhida::services {

struct StatsQuery {
  int32_t from = 0;  // China dates (days since 1970-01-01), inclusive
  int32_t to = 0;
  std::string by;  // "", street, department, month
};

class Stats {
 public:
  explicit Stats(Platform& platform) : platform_(platform) {}
  // {"from","to","by","total":{…},"groups":[{"key",…}]}; "stats.invalid" for
  // a bad grouping or from > to.
  Result<nlohmann::json> headline(const StatsQuery& q) const;

 private:
  Platform& platform_;
};

// "2025-07-01T16:30:00.000Z" -> the China date (UTC+8), days since 1970.
std::optional<int32_t> china_day_of(const std::string& timestamp);

}  // namespace zhida::services
