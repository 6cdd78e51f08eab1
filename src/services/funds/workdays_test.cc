// The working-day calendar: weekends, public holidays and 调休 working days
// of the shipped 2025/2026 lists, and publicity periods across them.
#include "services/funds/workdays.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "base/date.h"
#include "services/stats/stats.h"

namespace zhida::services {
namespace {

int32_t d(const char* s) {
  return *parse_date(s);
}
std::string end_of(const WorkCalendar& c, const char* start, int n) {
  return format_date(c.period_end(d(start), n));
}

TEST(WorkCalendar, ShipsTheMainlandLists) {
  const WorkCalendar& c = WorkCalendar::china();
  EXPECT_TRUE(c.covers(2025));
  EXPECT_TRUE(c.covers(2026));
  EXPECT_FALSE(c.covers(2027));
  EXPECT_FALSE(c.is_workday(d("2025-10-01")));  // 国庆
  EXPECT_FALSE(c.is_workday(d("2025-10-08")));
  EXPECT_TRUE(c.is_workday(d("2025-09-28")));   // Sunday, worked (调休)
  EXPECT_TRUE(c.is_workday(d("2025-10-11")));   // Saturday, worked
  EXPECT_FALSE(c.is_workday(d("2026-02-16")));  // 春节
  EXPECT_TRUE(c.is_workday(d("2026-02-14")));   // Saturday, worked
  EXPECT_FALSE(c.is_workday(d("2026-11-28")));  // an ordinary Saturday
  EXPECT_TRUE(c.is_workday(d("2026-11-27")));   // an ordinary Friday
}

TEST(WorkCalendar, PublicityPeriodsSkipHolidaysAndCountAdjustedDays) {
  const WorkCalendar& c = WorkCalendar::china();
  // Friday 2025-09-26: 26 (Fri), 28 (Sun, worked), 29, 30, then 10-09.
  EXPECT_EQ(end_of(c, "2025-09-26", 5), "2025-10-09");
  // An ordinary week: Monday to Friday.
  EXPECT_EQ(end_of(c, "2026-11-30", 5), "2026-12-04");
  // Starting on a Saturday: the period starts on Monday.
  EXPECT_EQ(end_of(c, "2026-11-28", 5), "2026-12-04");
  // Across the 2026 Spring Festival: 02-12, 13, 14 (Sat, worked), 24, 25.
  EXPECT_EQ(end_of(c, "2026-02-12", 5), "2026-02-25");
  EXPECT_EQ(c.working_days_between(d("2025-10-01"), d("2025-10-12")), 3);  // 9, 10, 11
}

TEST(WorkCalendar, DeploymentsAddYears) {
  WorkCalendar c = WorkCalendar::china();
  ASSERT_TRUE(c.merge(nlohmann::json::parse(
                          R"({"years":{"2027":{"holidays":["2027-01-01"],"workdays":[]}}})"))
                  .ok());
  EXPECT_TRUE(c.covers(2027));
  EXPECT_FALSE(c.is_workday(d("2027-01-01")));
  EXPECT_FALSE(
      c.merge(nlohmann::json::parse(R"({"years":{"2027":{"holidays":["2028-01-01"]}}})")).ok());
  EXPECT_FALSE(c.merge(nlohmann::json::parse(R"({"years":{"27":{}}})")).ok());
  EXPECT_TRUE(c.covers(2027));  // a failed merge changes nothing
}

TEST(Stats, ChinaDayOfTimestamps) {
  EXPECT_EQ(format_date(*china_day_of("2026-11-27T15:59:59.999Z")), "2026-11-27");
  EXPECT_EQ(format_date(*china_day_of("2026-11-27T16:00:00.000Z")), "2026-11-28");
  EXPECT_FALSE(china_day_of("2026-11-27").has_value());
}

}  // namespace
}  // namespace zhida::services
