// Calendar dates as days since 1970-01-01 (proleptic Gregorian).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace zhida {

struct CivilDate {
  int year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31
};

int32_t days_from_civil(CivilDate d);
CivilDate civil_from_days(int32_t days);
bool is_valid_civil(CivilDate d);

// Parses exactly "YYYY-MM-DD" with a real calendar date; nullopt otherwise.
std::optional<int32_t> parse_date(std::string_view text);
std::string format_date(int32_t days);  // "YYYY-MM-DD"

// Whole years from `from` to `to` (the age on `to` of something born on
// `from`); negative when `from` is after `to`.
int whole_years_between(int32_t from, int32_t to);

// Today in China Standard Time (UTC+8), as days since 1970-01-01.
int32_t today_cst();

}  // namespace zhida
