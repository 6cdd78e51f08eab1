#include "services/portrait/moment.h"

#include <fmt/format.h>

#include "base/date.h"

namespace zhida::services {

Result<std::string> parse_moment(std::string_view text, bool end_of_day) {
  auto bad = [&] {
    return Error("bad_request.bad_time",
                 fmt::format("时间“{}”无效：应为 YYYY-MM-DD 或 YYYY-MM-DDTHH:MM:SS（北京时间），或以 Z 结尾的 UTC 时间",
                             std::string(text.substr(0, 40))));
  };
  if (text.size() < 10) return bad();
  auto day = parse_date(text.substr(0, 10));
  if (!day) return bad();
  int64_t ms = 0;
  bool utc = false;
  if (text.size() == 10) {
    ms = end_of_day ? 86400000 - 1 : 0;
  } else {
    std::string_view t = text.substr(10);
    if (!t.empty() && t.back() == 'Z') {
      utc = true;
      t.remove_suffix(1);
    }
    auto digits = [](std::string_view s) {
      if (s.empty()) return -1;
      int v = 0;
      for (char c : s) {
        if (c < '0' || c > '9') return -1;
        v = v * 10 + (c - '0');
      }
      return v;
    };
    if (t.size() != 9 && t.size() != 13) return bad();
    if ((t[0] != 'T' && t[0] != ' ') || t[3] != ':' || t[6] != ':') return bad();
    int h = digits(t.substr(1, 2)), m = digits(t.substr(4, 2)), s = digits(t.substr(7, 2));
    int frac = 0;
    bool has_ms = t.size() == 13;
    if (has_ms) {
      if (t[9] != '.') return bad();
      frac = digits(t.substr(10, 3));
    }
    if (h < 0 || h > 23 || m < 0 || m > 59 || s < 0 || s > 59 || frac < 0) return bad();
    ms = ((h * 60 + m) * 60 + s) * 1000LL + frac;
    if (end_of_day && !has_ms) ms += 999;
  }
  int64_t total = static_cast<int64_t>(*day) * 86400000 + ms;
  if (!utc) total -= 8 * 3600000LL;  // China time to UTC
  int64_t days = total >= 0 ? total / 86400000 : -((-total + 86399999) / 86400000);
  int64_t rest = total - days * 86400000;
  CivilDate d = civil_from_days(static_cast<int32_t>(days));
  return fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}.{:03d}Z", d.year, d.month, d.day, rest / 3600000,
                     rest / 60000 % 60, rest / 1000 % 60, rest % 1000);
}

}  // namespace zhida::services
