#include "base/decimal.h"

#include <gtest/gtest.h>

#include "base/format.h"

namespace zhida {
namespace {

Decimal D(const char* s) {
  auto d = Decimal::parse(s);
  EXPECT_TRUE(d.has_value()) << s;
  return d.value_or(Decimal());
}

TEST(Decimal, ParsesPlainAndExponentForms) {
  EXPECT_EQ(D("12").to_string(), "12");
  EXPECT_EQ(D("-3.50").to_string(), "-3.5");
  EXPECT_EQ(D("+0.07").to_string(), "0.07");
  EXPECT_EQ(D("1.5e7").to_string(), "15000000");
  EXPECT_EQ(D("2E-3").to_string(), "0.002");
  EXPECT_EQ(D("000.000").to_string(), "0");
  EXPECT_EQ(D(".5").to_string(), "0.5");
}

TEST(Decimal, RejectsMalformed) {
  for (const char* s : {"", "-", ".", "1..2", "1.2.3", "1e", "1e+", "abc", "1 2", "12a", "1e999"})
    EXPECT_FALSE(Decimal::parse(s).has_value()) << s;
}

TEST(Decimal, ExactArithmetic) {
  EXPECT_EQ(*add(D("0.1"), D("0.2")), D("0.3"));
  EXPECT_EQ(*mul(D("0.07"), D("100000000")), D("7000000"));
  EXPECT_EQ(*mul(D("2500"), D("10000")), D("25000000"));
  EXPECT_EQ(*mul(D("100"), D("1.1")), D("110"));  // doubles give 110.00000000000001
  EXPECT_EQ(mul(D("100"), D("1.1"))->to_string(), "110");
  EXPECT_EQ(*sub(D("1"), D("0.9")), D("0.1"));
}

TEST(Decimal, DivisionRoundsTo18PlacesAndRefusesZero) {
  EXPECT_EQ(div(D("1"), D("3"))->to_string(), "0.333333333333333333");
  EXPECT_EQ(div(D("2"), D("3"))->to_string(), "0.666666666666666667");
  EXPECT_EQ(div(D("-2"), D("3"))->to_string(), "-0.666666666666666667");
  EXPECT_EQ(div(D("10"), D("4"))->to_string(), "2.5");
  EXPECT_EQ(*div(D("3"), D("100")), D("0.03"));
  EXPECT_FALSE(div(D("1"), D("0")).has_value());
}

TEST(Decimal, ComparesAcrossScales) {
  EXPECT_TRUE(D("1.50") == D("1.5"));
  EXPECT_TRUE(D("1.05") < D("1.5"));
  EXPECT_TRUE(D("-2") < D("-1.999999999999999999"));
  EXPECT_TRUE(D("100000000000000000000") > D("0.000000000000000001"));
}

TEST(Decimal, OverflowIsReportedNotWrapped) {
  Decimal big = *mul(D("1e20"), D("1e17"));
  EXPECT_FALSE(mul(big, D("1000")).has_value());
  EXPECT_FALSE(add(*mul(D("9e37"), D("1")), D("9e37")).has_value());
}

TEST(Decimal, RoundsHalfAwayFromZero) {
  EXPECT_EQ(D("2.5").rounded(0)->to_string(), "3");
  EXPECT_EQ(D("-2.5").rounded(0)->to_string(), "-3");
  EXPECT_EQ(D("1.005").rounded(2)->to_string(), "1.01");
  EXPECT_EQ(D("1234").rounded(-2)->to_string(), "1200");
  EXPECT_EQ(D("1250").rounded(-2)->to_string(), "1300");
  EXPECT_EQ(*D("12.345").round_to_int64(), 12);
}

TEST(Decimal, FromDoubleUsesShortestText) {
  EXPECT_EQ(Decimal::from_double(12.5)->to_string(), "12.5");
  EXPECT_EQ(Decimal::from_double(0.1)->to_string(), "0.1");
  EXPECT_EQ(Decimal::from_double(113.885123)->to_string(), "113.885123");
  EXPECT_DOUBLE_EQ(D("0.15").to_double(), 0.15);
}

TEST(Format, AmountsReadLikePolicyText) {
  EXPECT_EQ(format_amount(D("18500000")), "1850万");
  EXPECT_EQ(format_amount(D("1500000")), "150万");
  EXPECT_EQ(format_amount(D("120000000")), "1.2亿");
  EXPECT_EQ(format_amount(D("12345678")), "1234.5678万");
  EXPECT_EQ(format_amount(D("850")), "850");
  EXPECT_EQ(format_amount(D("-20000")), "-2万");
  EXPECT_EQ(format_grouped(D("-1234567.5")), "-1,234,567.5");
  EXPECT_EQ(format_fen(123456), "1234.56");
  EXPECT_EQ(format_fen(-5), "-0.05");
}

}  // namespace
}  // namespace zhida
