// Working days (工作日) for publicity periods and deadlines: Monday to
// Friday, minus public holidays (法定节假日), plus the weekend days that are
// worked instead (调休上班日). The 2025 and 2026 mainland China lists ship as
// data (calendar/cn-mainland.json, compiled in); a deployment adds later
// years, or corrects a list, with a file of the same shape:
//   {"years":{"2027":{"holidays":["2027-01-01",…],"workdays":["…"]}}}
// A year the calendar has no list for counts plain Monday–Friday (and says
// so: covers()).
//
// Thread-safety: immutable after construction; share freely.
#pragma once

#include <cstdint>
#include <set>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "base/result.h"

namespace zhida::services {

class WorkCalendar {
 public:
  // Monday–Friday only.
  WorkCalendar() = default;
  // The built-in mainland China lists (2025, 2026).
  static const WorkCalendar& china();
  // Adds (or, for a year present in both, replaces) the years of a JSON
  // document; "calendar.invalid" on a bad shape or date.
  Status merge(const nlohmann::json& doc);
  Status merge_file(const std::string& path);

  bool is_workday(int32_t day) const;  // days since 1970-01-01
  bool covers(int year) const { return years_.count(year) > 0; }
  // The first working day on or after `day`.
  int32_t next_workday(int32_t day) const;
  // The n-th working day of a period that starts on the first working day on
  // or after `start` (n >= 1): a 5-working-day publicity starting on Friday
  // ends on Thursday.
  int32_t period_end(int32_t start, int n) const;
  // Working days in [from, to], both inclusive (0 when to < from).
  int working_days_between(int32_t from, int32_t to) const;

 private:
  std::set<int32_t> holidays_, workdays_;
  std::set<int> years_;
};

}  // namespace zhida::services
