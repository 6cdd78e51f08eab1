#include "base/format.h"

namespace zhida {

std::string format_amount(const Decimal& v) {
  Decimal a = v.abs();
  static const Decimal kYi = Decimal::from_int(100000000);
  static const Decimal kWan = Decimal::from_int(10000);
  if (a >= kYi) {
    auto q = div(v, kYi);
    if (q && q->normalized().scale() <= 4) return q->to_string() + "亿";
  }
  if (a >= kWan) {
    auto q = div(v, kWan);
    if (q) return q->to_string() + "万";
  }
  return v.to_string();
}

std::string format_grouped(const Decimal& v) {
  std::string s = v.to_string();
  size_t start = (!s.empty() && s[0] == '-') ? 1 : 0;
  size_t point = s.find('.');
  size_t end = point == std::string::npos ? s.size() : point;
  std::string out = s.substr(0, start);
  for (size_t i = start; i < end; ++i) {
    out += s[i];
    size_t left = end - i - 1;
    if (left > 0 && left % 3 == 0) out += ',';
  }
  out += s.substr(end);
  return out;
}

std::string format_fen(int64_t fen) {
  bool neg = fen < 0;
  uint64_t u = neg ? static_cast<uint64_t>(-(fen + 1)) + 1 : static_cast<uint64_t>(fen);
  std::string out = neg ? "-" : "";
  out += std::to_string(u / 100);
  out += '.';
  out += static_cast<char>('0' + (u % 100) / 10);
  out += static_cast<char>('0' + u % 10);
  return out;
}

}  // namespace zhida
