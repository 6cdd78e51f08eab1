#include "services/funds/workdays.h"

#include <fmt/format.h>

#include <fstream>
#include <sstream>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/date.h"

namespace zhida::services {

// The compiled-in calendar files (generated from calendar/*.json).
const std::vector<std::string_view>& work_calendar_files();

namespace {
// 1970-01-01 was a Thursday: day 0 -> weekday 4 (Monday = 1 … Sunday = 7).
int weekday(int32_t day) {
  int w = static_cast<int>(((day % 7) + 7) % 7);  // 0 = Thursday
  return (w + 3) % 7 + 1;
}
}  // namespace

const WorkCalendar& WorkCalendar::china() {
  static const WorkCalendar kChina = [] {
    WorkCalendar c;
    for (std::string_view text : work_calendar_files()) {
      Status s = c.merge(nlohmann::json::parse(text));
      (void)s;  // the shipped files are checked by the tests
    }
    return c;
  }();
  return kChina;
}

Status WorkCalendar::merge(const nlohmann::json& doc) {
  auto bad = [](const std::string& why) {
    return Error("calendar.invalid", "工作日历不正确：" + why);
  };
  if (!doc.is_object() || !doc.contains("years") || !doc["years"].is_object())
    return bad("缺少 years 对象");
  WorkCalendar next = *this;
  for (const auto& [year_text, y] : doc["years"].items()) {
    if (year_text.size() != 4 || year_text.find_first_not_of("0123456789") != std::string::npos)
      return bad(fmt::format("年份“{}”应为四位数字", year_text));
    int year = std::stoi(year_text);
    int32_t first = days_from_civil({year, 1, 1}), last = days_from_civil({year, 12, 31});
    for (auto it = next.holidays_.lower_bound(first); it != next.holidays_.end() && *it <= last;)
      it = next.holidays_.erase(it);
    for (auto it = next.workdays_.lower_bound(first); it != next.workdays_.end() && *it <= last;)
      it = next.workdays_.erase(it);
    for (const char* key : {"holidays", "workdays"}) {
      if (!y.contains(key)) continue;
      if (!y[key].is_array()) return bad(fmt::format("{} 年的 {} 应为日期数组", year, key));
      for (const auto& d : y[key]) {
        auto day = d.is_string() ? parse_date(d.get<std::string>()) : std::nullopt;
        if (!day || *day < first || *day > last)
          return bad(fmt::format("{} 年的 {} 中有不正确的日期 {}", year, key, d.dump()));
        (std::string_view(key) == "holidays" ? next.holidays_ : next.workdays_).insert(*day);
      }
    }
    next.years_.insert(year);
  }
  *this = std::move(next);
  return Status::Ok();
}

Status WorkCalendar::merge_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Error("calendar.invalid", fmt::format("无法读取工作日历文件 {}", path));
  std::stringstream ss;
  ss << in.rdbuf();
  auto doc = nlohmann::json::parse(ss.str(), nullptr, false);
  if (doc.is_discarded())
    return Error("calendar.invalid", fmt::format("工作日历文件 {} 不是合法的 JSON", path));
  return merge(doc);
}

bool WorkCalendar::is_workday(int32_t day) const {
  if (holidays_.count(day)) return false;
  if (workdays_.count(day)) return true;
  return weekday(day) <= 5;
}

int32_t WorkCalendar::next_workday(int32_t day) const {
  while (!is_workday(day)) ++day;
  return day;
}

int32_t WorkCalendar::period_end(int32_t start, int n) const {
  int32_t day = next_workday(start);
  for (int i = 1; i < n; ++i) day = next_workday(day + 1);
  return day;
}

int WorkCalendar::working_days_between(int32_t from, int32_t to) const {
  int n = 0;
  for (int32_t d = from; d <= to; ++d) n += is_workday(d) ? 1 : 0;
  return n;
}

}  // namespace zhida::services
