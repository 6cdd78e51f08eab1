#include "base/utf8.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace zhida
