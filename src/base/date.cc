#include "base/date.h"

#include <chrono>
#include <cstdio>

namespace zhida {

// Howard Hinnant's days_from_civil / civil_from_days.
int32_t days_from_civil(CivilDate d) {
  int y = d.year - (d.month <= 2 ? 1 : 0);
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned mp = static_cast<unsigned>(d.month + (d.month > 2 ? -3 : 9));
  const unsigned doy = (153 * mp + 2) / 5 + static_cast<unsigned>(d.day) - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int>(doe) - 719468;
}

CivilDate civil_from_days(int32_t z) {
  int zz = z + 719468;
  const int era = (zz >= 0 ? zz : zz - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(zz - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int y = static_cast<int>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return CivilDate{y + (m <= 2 ? 1 : 0), static_cast<int>(m), static_cast<int>(d)};
}

bool is_valid_civil(CivilDate d) {
  if (d.month < 1 || d.month > 12 || d.day < 1) return false;
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int dim = kDays[d.month - 1];
  bool leap = (d.year % 4 == 0 && d.year % 100 != 0) || d.year % 400 == 0;
  if (d.month == 2 && leap) dim = 29;
  return d.day <= dim;
}

std::optional<int32_t> parse_date(std::string_view t) {
  if (t.size() != 10 || t[4] != '-' || t[7] != '-') return std::nullopt;
  auto num = [&](size_t from, size_t len, int& out) {
    out = 0;
    for (size_t i = from; i < from + len; ++i) {
      if (t[i] < '0' || t[i] > '9') return false;
      out = out * 10 + (t[i] - '0');
    }
    return true;
  };
  CivilDate d;
  if (!num(0, 4, d.year) || !num(5, 2, d.month) || !num(8, 2, d.day)) return std::nullopt;
  if (!is_valid_civil(d)) return std::nullopt;
  return days_from_civil(d);
}

std::string format_date(int32_t days) {
  CivilDate d = civil_from_days(days);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
  return buf;
}

int whole_years_between(int32_t from, int32_t to) {
  if (from > to) return -whole_years_between(to, from);
  CivilDate a = civil_from_days(from), b = civil_from_days(to);
  int years = b.year - a.year;
  if (b.month < a.month || (b.month == a.month && b.day < a.day)) --years;
  return years;
}

int32_t today_cst() {
  using namespace std::chrono;
  auto now = system_clock::now() + hours(8);
  return static_cast<int32_t>(duration_cast<days>(now.time_since_epoch()).count());
}

}  // namespace zhida
