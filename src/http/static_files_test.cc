#include "http/static_files.h"

#include <cstdlib>
#include <fstream>

#include <gtest/gtest.h>

namespace zhida::http {
namespace {

namespace fs = std::filesystem;

void write(const fs::path& p, std::string_view content) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << content;
}

// A web root with a secret next to it (outside the root).
class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "zhida-static-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    base_ = tmpl;
    root_ = base_ / "dist";
    write(root_ / "index.html", "<!doctype html>index");
    write(root_ / "assets" / "app-1a2b.js", "console.log(1)");
    write(root_ / "assets" / "font.woff2", "wOF2");
    write(root_ / "geo" / "baoan.geojson", "{\"type\":\"FeatureCollection\"}");
    write(root_ / "docs" / "index.html", "docs");
    write(root_ / ".env", "SECRET=1");
    write(base_ / "secret.txt", "top secret");
    fs::create_symlink(base_ / "secret.txt", root_ / "link.txt");
  }
  void TearDown() override { fs::remove_all(base_); }

  Response get(std::string_view target) {
    auto req = Request::make("GET", target);
    EXPECT_TRUE(req) << target;
    return StaticFiles(root_).serve(*req);
  }

  fs::path base_, root_;
};

TEST_F(StaticFilesTest, ServesFilesWithMimeTypesAndCaching) {
  Response index = get("/");
  EXPECT_EQ(index.status, 200);
  EXPECT_EQ(index.body, "<!doctype html>index");
  EXPECT_EQ(index.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(index.headers.get("Cache-Control"), "no-cache");

  Response js = get("/assets/app-1a2b.js");
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(js.headers.get("Cache-Control"), "public, max-age=31536000, immutable");

  Response geo = get("/geo/baoan.geojson");
  EXPECT_EQ(geo.content_type, "application/geo+json");
  EXPECT_EQ(geo.headers.get("Cache-Control"), "no-cache");

  EXPECT_EQ(get("/docs/").body, "docs");
  EXPECT_EQ(get("/docs").body, "docs");
}

TEST_F(StaticFilesTest, SpaFallbackOnlyForExtensionlessPaths) {
  Response route = get("/policies/42");
  EXPECT_EQ(route.status, 200);
  EXPECT_EQ(route.body, "<!doctype html>index");
  EXPECT_EQ(route.headers.get("Cache-Control"), "no-cache");

  Response missing = get("/assets/missing.js");
  EXPECT_EQ(missing.status, 404);
  EXPECT_NE(missing.body.find("\"not_found\""), std::string::npos);
}

TEST_F(StaticFilesTest, RefusesTraversalDotFilesAndSymlinksOut) {
  for (const char* target :
       {"/../secret.txt", "/%2e%2e/secret.txt", "/assets/%2E%2E/%2e%2e/secret.txt",
        "/..%2fsecret.txt", "/assets/..%2f..%2fsecret.txt", "/%2e%2e%5csecret.txt", "/.env",
        "/link.txt", "/./index.html", "/assets//app-1a2b.js"}) {
    Response r = get(target);
    EXPECT_EQ(r.status, 404) << target;
    EXPECT_EQ(r.body.find("top secret"), std::string::npos) << target;
    EXPECT_EQ(r.body.find("SECRET=1"), std::string::npos) << target;
  }
}

TEST_F(StaticFilesTest, EtagGives304) {
  Response first = get("/assets/font.woff2");
  ASSERT_EQ(first.status, 200);
  EXPECT_EQ(first.content_type, "font/woff2");
  auto etag = first.headers.get("ETag");
  ASSERT_TRUE(etag);
  auto req = Request::make("GET", "/assets/font.woff2");
  req->headers.add("If-None-Match", std::string(*etag));
  Response again = StaticFiles(root_).serve(*req);
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
}

TEST_F(StaticFilesTest, MissingRootServesNothing) {
  StaticFiles none(base_ / "nope");
  EXPECT_FALSE(none.ok());
  EXPECT_EQ(none.serve(*Request::make("GET", "/")).status, 404);
}

TEST(MimeType, CommonWebTypes) {
  EXPECT_EQ(mime_type("a.html"), "text/html; charset=utf-8");
  EXPECT_EQ(mime_type("A.CSS"), "text/css; charset=utf-8");
  EXPECT_EQ(mime_type("x.json"), "application/json");
  EXPECT_EQ(mime_type("x.svg"), "image/svg+xml");
  EXPECT_EQ(mime_type("x.png"), "image/png");
  EXPECT_EQ(mime_type("x.woff2"), "font/woff2");
  EXPECT_EQ(mime_type("x.geojson"), "application/geo+json");
  EXPECT_EQ(mime_type("x.xlsx"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  EXPECT_EQ(mime_type("x.unknown"), "application/octet-stream");
  EXPECT_EQ(mime_type("noext"), "application/octet-stream");
}

}  // namespace
}  // namespace zhida::http
