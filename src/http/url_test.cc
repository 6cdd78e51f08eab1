#include "http/url.h"

#include <gtest/gtest.h>

namespace zhida::http {
namespace {

TEST(PercentDecode, DecodesEscapesAndKeepsPlusUnlessAsked) {
  EXPECT_EQ(percent_decode("%E5%AE%9D%E5%AE%89"), "宝安");
  EXPECT_EQ(percent_decode("a%20b+c"), "a b+c");
  EXPECT_EQ(percent_decode("a%20b+c", true), "a b c");
  EXPECT_EQ(percent_decode("%2e%2E"), "..");
  EXPECT_EQ(percent_decode(""), "");
}

TEST(PercentDecode, RejectsMalformedEscapesAndNul) {
  EXPECT_FALSE(percent_decode("%zz"));
  EXPECT_FALSE(percent_decode("%4"));
  EXPECT_FALSE(percent_decode("abc%"));
  EXPECT_FALSE(percent_decode("a%00b"));
}

TEST(PercentEncode, EncodesAllButUnreservedRoundTrip) {
  EXPECT_EQ(percent_encode("a-b_c.d~e"), "a-b_c.d~e");
  EXPECT_EQ(percent_encode("a b/c"), "a%20b%2Fc");
  EXPECT_EQ(percent_encode("补贴"), "%E8%A1%A5%E8%B4%B4");
  EXPECT_EQ(percent_decode(percent_encode("政策 /?&=%")), "政策 /?&=%");
}

TEST(ParseQuery, KeepsOrderAndRepeatsAndDecodes) {
  auto q = parse_query("tag=a&q=%E8%A1%A5%E8%B4%B4&tag=b&sp=a+b&flag&&empty=");
  ASSERT_TRUE(q);
  EXPECT_EQ(q->get("q"), "补贴");
  EXPECT_EQ(q->get("sp"), "a b");
  EXPECT_EQ(q->get_all("tag"), (std::vector<std::string_view>{"a", "b"}));
  EXPECT_EQ(q->get("flag"), "");
  EXPECT_EQ(q->get("empty"), "");
  EXPECT_FALSE(q->get("missing"));
  EXPECT_EQ(q->size(), 6u);
  EXPECT_FALSE(parse_query("a=%zz"));
}

TEST(ParseTarget, SplitsBeforeDecodingSoEncodedSlashStaysInSegment) {
  auto t = parse_target("/api/v1/x%2Fy/%E5%AE%9D?q=1#frag");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->path, "/api/v1/x/y/宝");
  EXPECT_EQ(t->segments, (std::vector<std::string>{"api", "v1", "x/y", "宝"}));
  EXPECT_EQ(t->query.get("q"), "1");

  auto root = parse_target("/");
  ASSERT_TRUE(root);
  EXPECT_TRUE(root->segments.empty());

  auto trailing = parse_target("/a/");
  ASSERT_TRUE(trailing);
  EXPECT_EQ(trailing->segments, (std::vector<std::string>{"a", ""}));
}

TEST(ParseTarget, RejectsNonOriginFormAndBadEscapes) {
  EXPECT_FALSE(parse_target(""));
  EXPECT_FALSE(parse_target("http://example.com/"));
  EXPECT_FALSE(parse_target("*"));
  EXPECT_FALSE(parse_target("/a%zz"));
  EXPECT_FALSE(parse_target("/a?b=%zz"));
  EXPECT_FALSE(parse_target("/a%00b"));
}

TEST(ParseCookieHeader, ParsesPairsTrimsAndUnquotes) {
  Params c;
  parse_cookie_header("sid=abc123; theme=\"dark\";  lang = zh-CN ;bad; =x; sid=other", c);
  EXPECT_EQ(c.get("sid"), "abc123");
  EXPECT_EQ(c.get_all("sid").size(), 2u);
  EXPECT_EQ(c.get("theme"), "dark");
  EXPECT_EQ(c.get("lang"), "zh-CN");
  EXPECT_FALSE(c.has("bad"));
  EXPECT_EQ(c.size(), 4u);
}

TEST(ContentDisposition, Rfc5987ForChineseNames) {
  EXPECT_EQ(content_disposition("attachment", "政策.xlsx"),
            "attachment; filename=\"__.xlsx\"; filename*=UTF-8''%E6%94%BF%E7%AD%96.xlsx");
  EXPECT_EQ(content_disposition("attachment", "report.xlsx"),
            "attachment; filename=\"report.xlsx\"");
}

TEST(ContentDisposition, NeutralisesQuotesControlsAndDirectories) {
  std::string v = content_disposition("attachment", "../a\"b\r\n.csv");
  EXPECT_EQ(v.find('\r'), std::string::npos);
  EXPECT_EQ(v.find('\n'), std::string::npos);
  EXPECT_EQ(v.find(".."), std::string::npos);
  EXPECT_NE(v.find("filename=\"a_b__.csv\""), std::string::npos);
  EXPECT_NE(v.find("filename*=UTF-8''a%22b%0D%0A.csv"), std::string::npos);
}

TEST(Headers, CaseInsensitiveLookupSetAndErase) {
  Headers h{{"Content-Type", "text/plain"}, {"X-A", "1"}};
  h.add("x-a", "2");
  EXPECT_EQ(h.get("content-type"), "text/plain");
  EXPECT_EQ(h.get_all("X-a").size(), 2u);
  h.set("X-A", "3");
  EXPECT_EQ(h.get_all("x-a"), (std::vector<std::string_view>{"3"}));
  EXPECT_EQ(h.erase("CONTENT-TYPE"), 1u);
  EXPECT_FALSE(h.has("content-type"));
}

TEST(Attributes, TypedGetAndSet) {
  Attributes a;
  a.set("n", 42);
  a.set("s", std::string("x"));
  ASSERT_NE(a.get<int>("n"), nullptr);
  EXPECT_EQ(*a.get<int>("n"), 42);
  EXPECT_EQ(a.get<std::string>("n"), nullptr);  // wrong type
  EXPECT_EQ(a.get<int>("missing"), nullptr);
  a.set("n", 7);
  EXPECT_EQ(*a.get<int>("n"), 7);
  a.erase("n");
  EXPECT_FALSE(a.has("n"));
  EXPECT_TRUE(a.has("s"));
}

}  // namespace
}  // namespace zhida::http
