#include "base/date.h"

#include <gtest/gtest.h>

namespace zhida {
namespace {

TEST(Date, RoundTripsAndValidates) {
  EXPECT_EQ(*parse_date("1970-01-01"), 0);
  EXPECT_EQ(format_date(*parse_date("2024-02-29")), "2024-02-29");
  EXPECT_FALSE(parse_date("2023-02-29"));
  EXPECT_FALSE(parse_date("2024-13-01"));
  EXPECT_FALSE(parse_date("2024-1-01"));
  EXPECT_FALSE(parse_date("2024/01/01"));
  EXPECT_EQ(*parse_date("1900-03-01") - *parse_date("1900-02-28"), 1);
  for (int d = -700000; d < 2900000; d += 997) EXPECT_EQ(*parse_date(format_date(d)), d);
}

TEST(Date, WholeYears) {
  int32_t born = *parse_date("2019-06-15");
  EXPECT_EQ(whole_years_between(born, *parse_date("2024-06-14")), 4);
  EXPECT_EQ(whole_years_between(born, *parse_date("2024-06-15")), 5);
  EXPECT_EQ(whole_years_between(*parse_date("2020-02-29"), *parse_date("2021-02-28")), 0);
  EXPECT_EQ(whole_years_between(*parse_date("2020-02-29"), *parse_date("2021-03-01")), 1);
  EXPECT_EQ(whole_years_between(*parse_date("2025-06-01"), *parse_date("2024-01-01")), -1);
}

}  // namespace
}  // namespace zhida
