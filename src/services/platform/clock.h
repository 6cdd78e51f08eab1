// The platform's time: what day it is (China Standard Time) and timestamps.
// Tests fix it; everything that depends on the date (windows, deadlines,
// years_since, publicity periods) asks the Clock, never the system directly.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace zhida::services {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::chrono::system_clock::time_point now() const { return std::chrono::system_clock::now(); }
  // Today in China (UTC+8), as days since 1970-01-01.
  int32_t today() const;
  // now() as the store's timestamp text ("2025-07-01T08:30:00.123Z").
  std::string timestamp() const;
};

// A clock that stands still until moved. Thread-safe.
class FixedClock final : public Clock {
 public:
  explicit FixedClock(std::chrono::system_clock::time_point t) : t_(t.time_since_epoch().count()) {}
  // Noon (China time) of the given "YYYY-MM-DD".
  static std::shared_ptr<FixedClock> at(const std::string& date);
  std::chrono::system_clock::time_point now() const override {
    return std::chrono::system_clock::time_point(std::chrono::system_clock::duration(t_.load()));
  }
  void advance(std::chrono::system_clock::duration d) { t_ += d.count(); }
  void set(std::chrono::system_clock::time_point t) { t_ = t.time_since_epoch().count(); }

 private:
  std::atomic<std::chrono::system_clock::duration::rep> t_;
};

// The system clock shifted by a fixed offset: the demo district lives on
// its own calendar (its windows are open on its "today") while time still
// passes normally.
class OffsetClock final : public Clock {
 public:
  explicit OffsetClock(std::chrono::system_clock::duration offset) : offset_(offset) {}
  // A clock whose today() is `day` (days since 1970-01-01) right now.
  static std::shared_ptr<OffsetClock> with_today(int32_t day);
  std::chrono::system_clock::time_point now() const override { return std::chrono::system_clock::now() + offset_; }

 private:
  std::chrono::system_clock::duration offset_;
};

}  // namespace zhida::services
