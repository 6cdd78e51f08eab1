// The time expressions the portrait API accepts, turned into the store's
// UTC timestamps ("2025-07-01T04:00:00.000Z").
//
// Thread-safe: a pure function.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

namespace zhida::services {

// Accepts "YYYY-MM-DD" and "YYYY-MM-DDTHH:MM:SS[.mmm]" in China time
// (UTC+8), and the same ending in "Z" in UTC. A date alone means its start
// (00:00 China time), or with `end_of_day` its last millisecond ("what did
// we know on that day"); with `end_of_day` a time without milliseconds means
// the end of that second. Error "bad_request.bad_time" (Chinese message)
// otherwise.
Result<std::string> parse_moment(std::string_view text, bool end_of_day);

}  // namespace zhida::services
