#include "base/decimal.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdlib>

namespace zhida {
namespace {

constexpr int kMaxDigits = 38;

constexpr std::array<int128_t, 39> make_pow10() {
  std::array<int128_t, 39> p{};
  p[0] = 1;
  for (int i = 1; i < 39; ++i) p[i] = p[i - 1] * 10;
  return p;
}
constexpr std::array<int128_t, 39> kPow10 = make_pow10();
const int128_t kLimit = kPow10[kMaxDigits];  // |mantissa| < 10^38

bool fits(int128_t m) {
  return m < kLimit && m > -kLimit;
}

// m × 10^k, or nullopt when it leaves the mantissa range.
std::optional<int128_t> scale_up(int128_t m, int k) {
  if (k == 0) return m;
  if (k > kMaxDigits) return m == 0 ? std::optional<int128_t>(0) : std::nullopt;
  int128_t r;
  if (__builtin_mul_overflow(m, kPow10[k], &r) || !fits(r)) return std::nullopt;
  return r;
}

}  // namespace

int128_t div_round_half_away(int128_t n, int128_t d) {
  int128_t q = n / d;
  int128_t r = n % d;
  if (r != 0) {
    int128_t ar = r < 0 ? -r : r;
    int128_t ad = d < 0 ? -d : d;
    if (ar >= ad - ar) q += ((n < 0) != (d < 0)) ? -1 : 1;
  }
  return q;
}

std::string i128_to_string(int128_t v) {
  if (v == 0) return "0";
  bool neg = v < 0;
  // -v is safe: mantissas stay within ±10^38.
  unsigned __int128 u =
      neg ? static_cast<unsigned __int128>(-v) : static_cast<unsigned __int128>(v);
  char buf[48];
  int pos = 48;
  while (u != 0) {
    buf[--pos] = static_cast<char>('0' + static_cast<int>(u % 10));
    u /= 10;
  }
  if (neg) buf[--pos] = '-';
  return std::string(buf + pos, buf + 48);
}

Decimal Decimal::from_parts(int128_t mantissa, int scale) {
  return Decimal(mantissa, scale);
}

std::optional<Decimal> Decimal::parse(std::string_view t) {
  size_t i = 0;
  bool neg = false;
  if (i < t.size() && (t[i] == '+' || t[i] == '-')) neg = t[i++] == '-';
  int128_t m = 0;
  int digits = 0;       // significant digits kept in m
  int frac = 0;         // digits after the point kept in m
  int dropped_int = 0;  // integer digits beyond 38 (overflow)
  bool any = false, point = false;
  for (; i < t.size(); ++i) {
    char c = t[i];
    if (c == '.') {
      if (point) return std::nullopt;
      point = true;
      continue;
    }
    if (c < '0' || c > '9') break;
    any = true;
    if (m == 0 && c == '0') {
      if (point) ++frac;
      continue;
    }
    if (digits >= kMaxDigits) {
      if (!point) ++dropped_int;
      continue;  // fractional digits beyond precision are cut below
    }
    m = m * 10 + (c - '0');
    ++digits;
    if (point) ++frac;
  }
  if (!any || dropped_int > 0) return std::nullopt;
  int exp = 0;
  if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
    ++i;
    bool eneg = false;
    if (i < t.size() && (t[i] == '+' || t[i] == '-')) eneg = t[i++] == '-';
    if (i >= t.size()) return std::nullopt;
    int e = 0;
    for (; i < t.size(); ++i) {
      if (t[i] < '0' || t[i] > '9') return std::nullopt;
      e = e * 10 + (t[i] - '0');
      if (e > 400) return std::nullopt;
    }
    exp = eneg ? -e : e;
  }
  if (i != t.size()) return std::nullopt;
  int scale = frac - exp;
  if (scale < 0) {
    auto up = scale_up(m, -scale);
    if (!up) return std::nullopt;
    m = *up;
    scale = 0;
  }
  if (scale > kMaxScale) {
    int cut = scale - kMaxScale;
    m = cut > kMaxDigits ? 0 : div_round_half_away(m, kPow10[cut]);
    scale = kMaxScale;
  }
  if (neg) m = -m;
  return Decimal(m, scale).normalized();
}

std::optional<Decimal> Decimal::from_double(double v) {
  if (!std::isfinite(v)) return std::nullopt;
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  if (r.ec != std::errc()) return std::nullopt;
  return parse(std::string_view(buf, r.ptr - buf));
}

bool Decimal::is_integer() const {
  return s_ == 0 || m_ % kPow10[s_] == 0;
}

std::optional<int64_t> Decimal::to_int64() const {
  if (!is_integer()) return std::nullopt;
  int128_t v = m_ / kPow10[s_];
  if (v > INT64_MAX || v < INT64_MIN) return std::nullopt;
  return static_cast<int64_t>(v);
}

std::optional<int64_t> Decimal::round_to_int64() const {
  int128_t v = s_ == 0 ? m_ : div_round_half_away(m_, kPow10[s_]);
  if (v > INT64_MAX || v < INT64_MIN) return std::nullopt;
  return static_cast<int64_t>(v);
}

double Decimal::to_double() const {
  // Exact through the decimal text, so 0.15 gives the nearest double of 0.15.
  std::string s = to_string();
  return std::strtod(s.c_str(), nullptr);
}

Decimal Decimal::normalized() const {
  int128_t m = m_;
  int s = s_;
  while (s > 0 && m % 10 == 0) {
    m /= 10;
    --s;
  }
  return Decimal(m, s);
}

std::optional<Decimal> Decimal::rescaled_up(int scale) const {
  if (scale < s_ || scale > kMaxScale) return std::nullopt;
  auto m = scale_up(m_, scale - s_);
  if (!m) return std::nullopt;
  return Decimal(*m, scale);
}

std::optional<Decimal> Decimal::rounded(int digits) const {
  if (digits >= s_) return *this;
  if (digits < -kMaxDigits) return Decimal(0, 0);
  int cut = s_ - digits;  // > 0
  if (cut > kMaxDigits) return Decimal(0, 0);
  int128_t q = div_round_half_away(m_, kPow10[cut]);
  if (digits >= 0) return Decimal(q, digits);
  auto up = scale_up(q, -digits);
  if (!up) return std::nullopt;
  return Decimal(*up, 0);
}

std::optional<Decimal> add(const Decimal& a, const Decimal& b) {
  int s = a.s_ > b.s_ ? a.s_ : b.s_;
  auto am = scale_up(a.m_, s - a.s_);
  auto bm = scale_up(b.m_, s - b.s_);
  if (!am || !bm) return std::nullopt;
  int128_t r;
  if (__builtin_add_overflow(*am, *bm, &r) || !fits(r)) return std::nullopt;
  return Decimal(r, s);
}

std::optional<Decimal> sub(const Decimal& a, const Decimal& b) {
  return add(a, b.negated());
}

std::optional<Decimal> mul(const Decimal& a, const Decimal& b) {
  int128_t r;
  int s = a.s_ + b.s_;
  if (__builtin_mul_overflow(a.m_, b.m_, &r) || !fits(r)) {
    // Retry with trailing zeros removed; still too big means overflow.
    Decimal na = a.normalized(), nb = b.normalized();
    if (na.s_ == a.s_ && nb.s_ == b.s_) return std::nullopt;
    return mul(na, nb);
  }
  if (s > Decimal::kMaxScale) {
    r = div_round_half_away(r, kPow10[s - Decimal::kMaxScale]);
    s = Decimal::kMaxScale;
  }
  return Decimal(r, s);
}

std::optional<Decimal> div(const Decimal& a, const Decimal& b) {
  if (b.m_ == 0) return std::nullopt;
  // a/b = (a.m / b.m) × 10^(b.s - a.s). Aim for 18 places; use fewer when the
  // scaled numerator would not fit.
  for (int target = Decimal::kMaxScale; target >= 0; --target) {
    int k = target - a.s_ + b.s_;  // numerator scaling
    int128_t n = a.m_;
    int128_t d = b.m_;
    if (k >= 0) {
      auto up = scale_up(n, k);
      if (!up) continue;
      n = *up;
    } else {
      auto up = scale_up(d, -k);
      if (!up) return std::nullopt;
      d = *up;
    }
    int128_t q = div_round_half_away(n, d);
    if (!fits(q)) return std::nullopt;
    return Decimal(q, target).normalized();
  }
  return std::nullopt;
}

std::strong_ordering operator<=>(const Decimal& a, const Decimal& b) {
  if (a.s_ == b.s_) return a.m_ <=> b.m_;
  int sa = a.sign(), sb = b.sign();
  if (sa != sb) return sa <=> sb;
  if (a.s_ < b.s_) {
    auto am = scale_up(a.m_, b.s_ - a.s_);
    if (!am) return sa > 0 ? std::strong_ordering::greater : std::strong_ordering::less;
    return *am <=> b.m_;
  }
  auto bm = scale_up(b.m_, a.s_ - b.s_);
  if (!bm) return sb > 0 ? std::strong_ordering::less : std::strong_ordering::greater;
  return a.m_ <=> *bm;
}

std::string Decimal::to_string() const {
  Decimal n = normalized();
  std::string digits = i128_to_string(n.m_ < 0 ? -n.m_ : n.m_);
  std::string out = n.m_ < 0 ? "-" : "";
  if (n.s_ == 0) return out + digits;
  if (static_cast<int>(digits.size()) <= n.s_)
    digits.insert(0, static_cast<size_t>(n.s_ - static_cast<int>(digits.size()) + 1), '0');
  size_t point = digits.size() - static_cast<size_t>(n.s_);
  return out + digits.substr(0, point) + "." + digits.substr(point);
}

}  // namespace zhida
