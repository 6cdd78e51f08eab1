// Decimal: an exact decimal number, the numeric type of the rule language.
//
// A value is mantissa × 10^-scale with a 128-bit mantissa and 0 <= scale <= 18.
// Addition, subtraction and multiplication are exact (a product whose scale
// would pass 18 is rounded to 18 places); division is rounded to 18 places.
// Rounding is half away from zero (四舍五入). Operations that would overflow
// the mantissa (|m| >= 10^38) return nullopt; callers treat that as a missing
// value, which no realistic money amount comes near.
//
// Money is exact: 0.07亿 is exactly 7000000, 0.1 + 0.2 == 0.3.
// Thread-safety: a value type; immutable operations.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace zhida {

__extension__ typedef __int128 int128_t;

class Decimal {
 public:
  static constexpr int kMaxScale = 18;

  constexpr Decimal() = default;
  static constexpr Decimal from_int(int64_t v) { return Decimal(v, 0); }
  // mantissa × 10^-scale; scale in [0, 18], |mantissa| < 10^38.
  static Decimal from_parts(int128_t mantissa, int scale);

  // Parses "12", "-3.50", "+0.07", "1.5e7", "2E-3". No spaces, no units.
  // Returns nullopt on a malformed number or one that does not fit.
  static std::optional<Decimal> parse(std::string_view text);
  // The shortest decimal that round-trips the double (so 12.5 is 12.5).
  static std::optional<Decimal> from_double(double v);

  int128_t mantissa() const { return m_; }
  int scale() const { return s_; }

  bool is_zero() const { return m_ == 0; }
  int sign() const { return m_ > 0 ? 1 : (m_ < 0 ? -1 : 0); }
  bool is_integer() const;
  // The value when it is an integer that fits in int64.
  std::optional<int64_t> to_int64() const;
  // The value rounded (half away from zero) to an integer, when it fits.
  std::optional<int64_t> round_to_int64() const;
  double to_double() const;

  // The same value with trailing fractional zeros removed (smallest scale).
  Decimal normalized() const;
  // The same value at a larger scale; nullopt if it does not fit.
  std::optional<Decimal> rescaled_up(int scale) const;
  // Rounded half away from zero to `digits` places (digits may be negative:
  // round(1234, -2) == 1200). Never fails for digits >= scale().
  std::optional<Decimal> rounded(int digits) const;

  Decimal negated() const { return Decimal(-m_, s_); }
  Decimal abs() const { return m_ < 0 ? negated() : *this; }

  friend std::optional<Decimal> add(const Decimal& a, const Decimal& b);
  friend std::optional<Decimal> sub(const Decimal& a, const Decimal& b);
  friend std::optional<Decimal> mul(const Decimal& a, const Decimal& b);
  // nullopt when b is zero or on overflow.
  friend std::optional<Decimal> div(const Decimal& a, const Decimal& b);

  // Exact comparison of values of any scale.
  friend std::strong_ordering operator<=>(const Decimal& a, const Decimal& b);
  friend bool operator==(const Decimal& a, const Decimal& b) {
    return (a <=> b) == std::strong_ordering::equal;
  }

  // Plain text with no trailing zeros: "7000000", "0.15", "-3.5".
  std::string to_string() const;

 private:
  constexpr Decimal(int128_t m, int s) : m_(m), s_(static_cast<int8_t>(s)) {}
  int128_t m_ = 0;
  int8_t s_ = 0;
};

namespace detail {
struct Pow10Table {
  int128_t v[39];
  constexpr Pow10Table() : v() {
    v[0] = 1;
    for (int i = 1; i < 39; ++i) v[i] = v[i - 1] * 10;
  }
};
inline constexpr Pow10Table kPow10Table{};
}  // namespace detail

// 10^n for 0 <= n <= 38.
inline int128_t pow10_i128(int n) { return detail::kPow10Table.v[n]; }
// Decimal text of a 128-bit integer.
std::string i128_to_string(int128_t v);
// Division of integers rounded half away from zero; d != 0.
int128_t div_round_half_away(int128_t n, int128_t d);

}  // namespace zhida
