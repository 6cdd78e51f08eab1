#include "http/router.h"

#include <stdexcept>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace zhida::http {
namespace {

Request make(std::string_view method, std::string_view target) {
  auto r = Request::make(method, target);
  EXPECT_TRUE(r.has_value()) << target;
  r->id = "test-id";
  return std::move(*r);
}

Handler text(std::string s) {
  return [s](Request&) { return Response::text(200, s); };
}

nlohmann::json body_of(const Response& r) {
  return nlohmann::json::parse(r.body);
}

TEST(Router, MatchesLiteralAndParameterSegments) {
  Router router;
  router.get("/api/v1/enterprises/{id}/matches", [](Request& req) {
    return Response::json(200, {{"id", req.param("id")}, {"route", req.route->pattern}});
  });
  Request req = make("GET", "/api/v1/enterprises/E%2F001/matches");
  Response r = router.handle(req);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(body_of(r)["id"], "E/001");  // an encoded '/' is part of the parameter
  EXPECT_EQ(body_of(r)["route"], "/api/v1/enterprises/{id}/matches");
  EXPECT_EQ(req.params.get("id"), "E/001");
}

TEST(Router, LiteralBeatsParameterAtTheFirstDifference) {
  Router router;
  router.get("/api/items/{id}", text("by-id"));
  router.get("/api/items/search", text("search"));
  router.get("/api/{kind}/search", text("kind-search"));
  Request a = make("GET", "/api/items/search");
  EXPECT_EQ(router.handle(a).body, "search");
  Request b = make("GET", "/api/items/42");
  EXPECT_EQ(router.handle(b).body, "by-id");
  Request c = make("GET", "/api/policies/search");
  EXPECT_EQ(router.handle(c).body, "kind-search");
}

TEST(Router, BacktracksToAParameterRouteWithTheMethod) {
  Router router;
  router.post("/a/b", text("post-b"));
  router.get("/a/{x}", text("get-x"));
  Request req = make("GET", "/a/b");
  EXPECT_EQ(router.handle(req).body, "get-x");
}

TEST(Router, UnknownPathIs404Json) {
  Router router;
  router.get("/api/v1/a", text("a"));
  for (const char* target : {"/api/v1/b", "/api/v1/a/", "/api/v1/a/x", "/api/v1", "/api/v1//a"}) {
    Request req = make("GET", target);
    Response r = router.handle(req);
    EXPECT_EQ(r.status, 404) << target;
    EXPECT_EQ(body_of(r)["error"]["code"], "not_found") << target;
  }
}

TEST(Router, WrongMethodIs405WithAllow) {
  Router router;
  router.get("/api/v1/x/{id}", text("get"));
  router.del("/api/v1/x/{id}", text("del"));
  router.put("/api/v1/x/special", text("put"));
  Request req = make("POST", "/api/v1/x/special");
  Response r = router.handle(req);
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(body_of(r)["error"]["code"], "method_not_allowed");
  EXPECT_EQ(r.headers.get("Allow"), "DELETE, GET, HEAD, PUT");
}

TEST(Router, HeadUsesGetRoute) {
  Router router;
  router.get("/x", text("body"));
  Request req = make("HEAD", "/x");
  Response r = router.handle(req);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "body");  // the server drops it on the wire
}

TEST(Router, MiddlewareRunsInOrderAndMayShortCircuit) {
  Router router;
  std::vector<std::string> seen;
  router.use([&](Request& req) -> std::optional<Response> {
    seen.push_back("first:" + req.route->pattern);
    if (req.route->has_tag("private") && !req.header("X-Auth")) {
      return Response::error(401, "unauthenticated", "请先登录");
    }
    req.user = "alice";
    req.attributes.set("role", std::string("reviewer"));
    return std::nullopt;
  });
  router.use([&](Request&) -> std::optional<Response> {
    seen.push_back("second");
    return std::nullopt;
  });
  bool handler_ran = false;
  router.get("/secret",
             [&](Request& req) {
               handler_ran = true;
               return Response::text(200,
                                     req.user + "/" + *req.attributes.get<std::string>("role"));
             },
             {.summary = "机密", .tags = {"private"}});

  Request denied = make("GET", "/secret");
  Response r = router.handle(denied);
  EXPECT_EQ(r.status, 401);
  EXPECT_FALSE(handler_ran);
  EXPECT_EQ(seen, (std::vector<std::string>{"first:/secret"}));

  seen.clear();
  Request allowed = make("GET", "/secret");
  allowed.headers.add("X-Auth", "1");
  Response ok = router.handle(allowed);
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body, "alice/reviewer");
  EXPECT_EQ(seen, (std::vector<std::string>{"first:/secret", "second"}));
}

TEST(Router, MiddlewareDoesNotRunFor404) {
  Router router;
  int calls = 0;
  router.use([&](Request&) -> std::optional<Response> {
    ++calls;
    return std::nullopt;
  });
  Request req = make("GET", "/nothing");
  EXPECT_EQ(router.handle(req).status, 404);
  EXPECT_EQ(calls, 0);
}

TEST(Router, ThrowingHandlerOrMiddlewareBecomes500Internal) {
  Router router;
  router.get("/boom", [](Request&) -> Response { throw std::runtime_error("kaput"); });
  router.get("/int", [](Request&) -> Response { throw 42; });
  Request a = make("GET", "/boom");
  Response r = router.handle(a);
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(body_of(r)["error"]["code"], "internal");
  EXPECT_NE(body_of(r)["error"]["message"].get<std::string>().find("test-id"), std::string::npos);
  EXPECT_EQ(r.body.find("kaput"), std::string::npos);  // internals stay in the log
  Request b = make("GET", "/int");
  EXPECT_EQ(router.handle(b).status, 500);

  Router mw;
  mw.use([](Request&) -> std::optional<Response> { throw std::logic_error("mw"); });
  mw.get("/x", text("x"));
  Request c = make("GET", "/x");
  EXPECT_EQ(mw.handle(c).status, 500);
}

TEST(Router, ListsRoutesWithMetadataInRegistrationOrder) {
  Router router;
  router.get("/api/v1/policies", text(""), {.summary = "政策列表", .tags = {"policies"}});
  router.post("/api/v1/materials", text(""),
              {.summary = "上传材料", .tags = {"materials"}, .max_body_bytes = 50 << 20});
  router.del("/api/v1/policies/{id}/versions/{version}", text(""));
  std::vector<RouteInfo> routes = router.routes();
  ASSERT_EQ(routes.size(), 3u);
  EXPECT_EQ(routes[0].method, "GET");
  EXPECT_EQ(routes[0].pattern, "/api/v1/policies");
  EXPECT_EQ(routes[0].summary, "政策列表");
  EXPECT_EQ(routes[0].tags, (std::vector<std::string>{"policies"}));
  EXPECT_EQ(routes[1].max_body_bytes, 50u << 20);
  EXPECT_EQ(routes[2].method, "DELETE");
  EXPECT_EQ(routes[2].param_names, (std::vector<std::string>{"id", "version"}));
  EXPECT_FALSE(routes[2].max_body_bytes);
}

TEST(Router, MatchReportsRouteForBodyLimits) {
  Router router;
  router.post("/upload", text(""), {.max_body_bytes = 1234});
  Request req = make("POST", "/upload");
  RouteMatch m = router.match(req.method, req.segments);
  ASSERT_EQ(m.kind, RouteMatch::Kind::kFound);
  EXPECT_EQ(m.route->max_body_bytes, 1234u);
  EXPECT_EQ(router.match("GET", req.segments).kind, RouteMatch::Kind::kMethodNotAllowed);
  EXPECT_EQ(router.match("GET", {"nope"}).kind, RouteMatch::Kind::kNotFound);
}

TEST(Router, RootRoute) {
  Router router;
  router.get("/", text("root"));
  Request req = make("GET", "/");
  EXPECT_EQ(router.handle(req).body, "root");
}

using RouterDeathTest = ::testing::Test;

TEST(RouterDeathTest, BadPatternsAbortAtRegistration) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  auto h = text("");
  EXPECT_DEATH({ Router().get("api/x", h); }, "must start with");
  EXPECT_DEATH({ Router().get("/a/{id", h); }, "unterminated");
  EXPECT_DEATH({ Router().get("/a/{id}/{id}", h); }, "repeated");
  EXPECT_DEATH({ Router().get("/a/x{id}", h); }, "whole segment");
  EXPECT_DEATH({ Router().get("/a//b", h); }, "empty segment");
  EXPECT_DEATH({ Router().get("/a/", h); }, "trailing");
  EXPECT_DEATH({ Router().add("get", "/a", h); }, "upper-case");
  EXPECT_DEATH(
      {
        Router r;
        r.get("/a/{x}", h);
        r.get("/a/{y}", h);
      },
      "already exists");
}

}  // namespace
}  // namespace zhida::http
