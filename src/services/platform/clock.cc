#include "services/platform/clock.h"

#include <memory>

#include "base/date.h"
#include "store/schema.h"

namespace zhida::services {

int32_t Clock::today() const {
  auto t = now() + std::chrono::hours(8);
  return static_cast<int32_t>(std::chrono::duration_cast<std::chrono::days>(t.time_since_epoch()).count());
}

std::string Clock::timestamp() const { return store::format_timestamp(now()); }

std::shared_ptr<FixedClock> FixedClock::at(const std::string& date) {
  auto d = parse_date(date).value_or(0);
  auto t = std::chrono::system_clock::time_point(std::chrono::days(d)) + std::chrono::hours(4);  // 12:00 CST
  return std::make_shared<FixedClock>(t);
}

std::shared_ptr<OffsetClock> OffsetClock::with_today(int32_t day) {
  Clock system;
  auto offset = std::chrono::days(day - system.today());
  return std::make_shared<OffsetClock>(std::chrono::duration_cast<std::chrono::system_clock::duration>(offset));
}

}  // namespace zhida::services
