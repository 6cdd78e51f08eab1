#include "base/utf8.h"

#include <gtest/gtest.h>

#include <random>

namespace zhida {
namespace {

TEST(Utf8, DecodesAndCounts) {
  std::string s = "营业收入[2024] ≥ 𠀀";
  EXPECT_EQ(utf8::length(s), 14);
  size_t i = 0;
  EXPECT_EQ(utf8::next(s, i), U'营');
  EXPECT_EQ(i, 3u);
  EXPECT_TRUE(utf8::valid(s));
  EXPECT_FALSE(utf8::valid("\xE8\x90"));      // truncated
  EXPECT_FALSE(utf8::valid("\xC0\xAF"));      // overlong
  EXPECT_FALSE(utf8::valid("\xED\xA0\x80"));  // surrogate
  std::string out;
  utf8::append(out, U'亿');
  utf8::append(out, U'𠀀');
  EXPECT_EQ(out, "亿𠀀");
}

TEST(Utf8, IdentifierClasses) {
  EXPECT_TRUE(utf8::is_ident_start(U'营'));
  EXPECT_TRUE(utf8::is_ident_start(U'_'));
  EXPECT_FALSE(utf8::is_ident_start(U'1'));
  EXPECT_TRUE(utf8::is_ident_part(U'1'));
  EXPECT_FALSE(utf8::is_ident_start(U'（'));
  EXPECT_FALSE(utf8::is_ident_start(U'“'));
}

// valid() (a SIMD validator) says exactly what decoding with next() says:
// every code point decodes (a real U+FFFD is three bytes EF BF BD).
TEST(Utf8, ValidAgreesWithTheDecoder) {
  std::mt19937 rng(7);
  const unsigned char bytes[] = {'a',  '0',  0x7F, 0x80, 0x8F, 0x9F, 0xA0, 0xBF, 0xBD, 0xC0, 0xC1, 0xC2, 0xDF,
                                 0xE0, 0xE8, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xF8, 0xFF, 0x90, 0xB0};
  for (int n = 0; n < 200000; ++n) {
    std::string s;
    size_t len = rng() % 40;  // past 32 bytes: the SIMD blocks
    for (size_t k = 0; k < len; ++k) s += static_cast<char>(bytes[rng() % sizeof bytes]);
    bool decoded = true;
    for (size_t i = 0; i < s.size();) {
      size_t before = i;
      if (utf8::next(s, i) == utf8::kInvalid && s.compare(before, 3, "\xEF\xBF\xBD") != 0) decoded = false;
    }
    ASSERT_EQ(utf8::valid(s), decoded) << testing::PrintToString(s);
  }
}

}  // namespace
}  // namespace zhida
