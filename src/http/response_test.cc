#include "http/response.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace zhida::http {
namespace {

TEST(Response, JsonSetsTypeAndSerialisesCompactly) {
  Response r = Response::json(201, {{"id", 7}, {"name", "宝安"}});
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_EQ(r.body, R"({"id":7,"name":"宝安"})");
}

TEST(Response, JsonReplacesInvalidUtf8InsteadOfThrowing) {
  Response r = Response::json(200, {{"s", std::string("a\xff")}});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "{\"s\":\"a\xEF\xBF\xBD\"}");
}

TEST(Response, ErrorHasExactlyTheApiShape) {
  Response r = Response::error(404, "not_found", "接口不存在");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, R"({"error":{"code":"not_found","message":"接口不存在"}})");

  Response d = Response::error(400, "bad_request", "错误", nlohmann::json::array({1}));
  EXPECT_EQ(nlohmann::json::parse(d.body)["error"]["details"], nlohmann::json::array({1}));

  Response e = Response::from_error(503, Error("store.unavailable", "数据库不可用"));
  EXPECT_EQ(e.status, 503);
  EXPECT_EQ(nlohmann::json::parse(e.body)["error"]["code"], "store.unavailable");
}

TEST(Response, SetCookieWithEveryOption) {
  Response r;
  r.set_cookie("sid", "abc",
               {.max_age = 3600,
                .http_only = true,
                .secure = true,
                .same_site = SameSite::kStrict,
                .path = "/api"});
  EXPECT_EQ(r.headers.get("Set-Cookie"),
            "sid=abc; Path=/api; Max-Age=3600; HttpOnly; Secure; SameSite=Strict");

  Response d;
  d.set_cookie("csrf", "t", {.http_only = false});
  EXPECT_EQ(d.headers.get("set-cookie"), "csrf=t; Path=/; SameSite=Lax");

  Response n;
  n.set_cookie("x", "y", {.same_site = SameSite::kNone});  // None forces Secure
  EXPECT_EQ(n.headers.get("Set-Cookie"), "x=y; Path=/; HttpOnly; Secure; SameSite=None");
}

TEST(Response, SetCookieCannotInjectAttributes) {
  Response r;
  r.set_cookie("sid", "a; Domain=evil.example\r\nX: y", {.same_site = SameSite::kUnset});
  std::string v(*r.headers.get("Set-Cookie"));
  EXPECT_EQ(v, "sid=a%3B%20Domain=evil.example%0D%0AX:%20y; Path=/; HttpOnly");
}

TEST(Response, ClearCookieAndSeveralCookies) {
  Response r;
  r.set_cookie("a", "1");
  r.clear_cookie("b");
  auto all = r.headers.get_all("Set-Cookie");
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[1], "b=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax");
}

TEST(Response, DownloadWithChineseFileName) {
  Response r = Response::download(
      std::string("PK\x03\x04\x00", 5),
      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "匹配结果.xlsx");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body.size(), 5u);
  EXPECT_EQ(r.headers.get("Content-Disposition"),
            "attachment; filename=\"____.xlsx\"; "
            "filename*=UTF-8''%E5%8C%B9%E9%85%8D%E7%BB%93%E6%9E%9C.xlsx");
}

TEST(Response, HeaderHelpersStripLineBreaks) {
  Response r;
  r.set_header("X-Test", "a\r\nInjected: 1");
  EXPECT_EQ(r.headers.get("x-test"), "a  Injected: 1");
  r.add_header("X-Test", "b");
  EXPECT_EQ(r.headers.get_all("X-Test").size(), 2u);
}

TEST(OrResponse, HoldsValueOrResponse) {
  OrResponse<int> v = 5;
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v.value(), 5);
  OrResponse<int> e = Response::error(400, "bad_request", "错误");
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.response().status, 400);
  Response moved = std::move(e).response();
  EXPECT_EQ(moved.status, 400);
}

}  // namespace
}  // namespace zhida::http
