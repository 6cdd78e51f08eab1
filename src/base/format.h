// Formatting numbers the way Chinese policy texts write them.
#pragma once

#include <string>

#include "base/decimal.h"

namespace zhida {

// An amount in yuan with 万/亿 where that reads naturally and stays exact:
// 18500000 -> "1850万", 7000000 -> "700万", 120000000 -> "1.2亿",
// 12345678 -> "1234.5678万", 850 -> "850", 0.5 -> "0.5".
std::string format_amount(const Decimal& v);

// A plain number with thousands separators: 1234567.5 -> "1,234,567.5".
std::string format_grouped(const Decimal& v);

// An amount in fen as yuan with two decimals: 123456 -> "1234.56".
std::string format_fen(int64_t fen);

}  // namespace zhida
