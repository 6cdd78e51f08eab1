#include "http/json_body.h"

#include <gtest/gtest.h>

namespace zhida::http {
namespace {

Request post(std::string body, std::string_view content_type = "application/json") {
  Request r = *Request::make("POST", "/api/v1/x", std::move(body));
  if (!content_type.empty()) r.headers.add("Content-Type", std::string(content_type));
  return r;
}

nlohmann::json error_of(const OrResponse<nlohmann::json>& r) {
  EXPECT_FALSE(r.ok());
  if (r.ok()) return {};
  return nlohmann::json::parse(r.response().body)["error"];
}

const ObjectSchema& login_schema() {
  static const ObjectSchema kSchema{
      Field::string("username").min_length(1).max_length(8),
      Field::string("password"),
      Field::boolean("remember").optional(),
  };
  return kSchema;
}

TEST(ParseJson, AcceptsAnyValueAndJsonContentTypes) {
  auto a = parse_json(post(R"([1,2])"));
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a.value(), nlohmann::json::array({1, 2}));
  EXPECT_TRUE(parse_json(post("{}", "application/json; charset=utf-8")).ok());
  EXPECT_TRUE(parse_json(post("{}", "application/merge-patch+json")).ok());
  EXPECT_TRUE(parse_json(post("{}", "")).ok());  // no Content-Type: accepted
}

TEST(ParseJson, MalformedEmptyAndTooDeepAre400MalformedJson) {
  for (std::string body : {std::string("{\"a\":"), std::string(""), std::string("  \n"),
                           std::string("{'a':1}"), std::string(100, '[')}) {
    auto r = parse_json(post(body));
    ASSERT_FALSE(r.ok()) << body;
    EXPECT_EQ(r.response().status, 400);
    EXPECT_EQ(error_of(r)["code"], "bad_request.malformed_json") << body;
    std::string message = error_of(r)["message"];
    EXPECT_NE(message.find("请求内容"), std::string::npos) << message;
  }
}

TEST(ParseJson, NonJsonContentTypeIs415) {
  auto r = parse_json(post("a=1", "application/x-www-form-urlencoded"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.response().status, 415);
  EXPECT_EQ(error_of(r)["code"], "bad_request.unsupported_media");
}

TEST(Schema, ValidBodyPasses) {
  auto r =
      parse_json(post(R"({"username":"张三","password":"x","remember":true})"), login_schema());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value()["username"], "张三");
}

TEST(Schema, UnknownField) {
  auto e =
      error_of(parse_json(post(R"({"username":"a","password":"b","admin":true})"), login_schema()));
  EXPECT_EQ(e["code"], "bad_request.unknown_field");
  EXPECT_EQ(e["message"], "不支持的字段“admin”");
  EXPECT_EQ(e["details"][0]["field"], "admin");
}

TEST(Schema, WrongType) {
  auto e = error_of(parse_json(post(R"({"username":5,"password":"b"})"), login_schema()));
  EXPECT_EQ(e["code"], "bad_request.wrong_type");
  EXPECT_EQ(e["message"], "字段“username”必须是字符串");
}

TEST(Schema, MissingField) {
  auto e = error_of(parse_json(post(R"({"password":"b"})"), login_schema()));
  EXPECT_EQ(e["code"], "bad_request.missing_field");
  EXPECT_EQ(e["message"], "缺少必填字段“username”");
}

TEST(Schema, BodyMustBeAnObject) {
  auto e = error_of(parse_json(post(R"([1])"), login_schema()));
  EXPECT_EQ(e["code"], "bad_request.wrong_type");
  EXPECT_EQ(e["details"][0]["field"], "");
}

TEST(Schema, AllProblemsReportedTogether) {
  auto r = parse_json(post(R"({"username":"","remember":"yes","x":1,"y":2})"), login_schema());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.response().status, 400);
  auto e = error_of(r);
  ASSERT_EQ(e["details"].size(), 5u) << e.dump();
  // Declared fields in declaration order, then unknown fields.
  EXPECT_EQ(e["details"][0]["field"], "username");
  EXPECT_EQ(e["details"][0]["code"], "bad_request.too_short");
  EXPECT_EQ(e["details"][1]["code"], "bad_request.missing_field");
  EXPECT_EQ(e["details"][2]["code"], "bad_request.wrong_type");
  EXPECT_EQ(e["details"][2]["message"], "字段“remember”必须是布尔值");
  EXPECT_EQ(e["details"][3]["code"], "bad_request.unknown_field");
  EXPECT_EQ(e["details"][4]["field"], "y");
  EXPECT_EQ(e["code"], "bad_request.too_short");
  std::string message = e["message"];
  EXPECT_EQ(message.rfind("请求内容有5处错误：", 0), 0u) << message;
  EXPECT_NE(message.find("缺少必填字段“password”"), std::string::npos);
}

TEST(Schema, EveryTypeAndNullable) {
  ObjectSchema s{
      Field::string("s"),        Field::integer("i"),
      Field::number("n"),        Field::boolean("b"),
      Field::object("o"),        Field::array("a"),
      Field::string_array("sa"), Field::string("ns").nullable(),
  };
  nlohmann::json ok = {{"s", "x"},        {"i", 3},        {"n", 2.5},         {"b", false},
                       {"o", {{"k", 1}}}, {"a", {1, "x"}}, {"sa", {"p", "q"}}, {"ns", nullptr}};
  EXPECT_TRUE(s.validate(ok).empty());
  ok["n"] = 7;  // an integer is a number
  EXPECT_TRUE(s.validate(ok).empty());

  nlohmann::json bad = {{"s", nullptr}, {"i", 1.5}, {"n", "1"},       {"b", 0},
                        {"o", {1}},     {"a", 5},   {"sa", {"p", 1}}, {"ns", 1}};
  auto problems = s.validate(bad);
  std::vector<std::string> fields;
  for (const auto& p : problems) {
    EXPECT_EQ(p.code, "bad_request.wrong_type") << p.field;
    fields.push_back(p.field);
  }
  EXPECT_EQ(fields, (std::vector<std::string>{"s", "i", "n", "b", "o", "a", "sa[1]", "ns"}));
  EXPECT_EQ(problems[1].message, "字段“i”必须是整数");
  EXPECT_EQ(problems[7].message, "字段“ns”必须是字符串或null");
}

TEST(Schema, Constraints) {
  ObjectSchema s{
      Field::string("name").min_length(2).max_length(3),
      Field::integer("age").min(0).max(150),
      Field::number("ratio").min(0.5).optional(),
      Field::string("role").one_of({"admin", "reviewer"}),
      Field::string_array("tags").max_length(2).one_of({"a", "b", "c"}),
  };
  EXPECT_TRUE(s.validate({{"name", "宝安区"}, {"age", 0}, {"role", "admin"}, {"tags", {"a"}}})
                  .empty());  // 3 code points, not 9 bytes

  auto p = s.validate({{"name", "宝安区政府"},
                       {"age", 151},
                       {"ratio", 0.1},
                       {"role", "root"},
                       {"tags", {"a", "z", "b"}}});
  ASSERT_EQ(p.size(), 6u);
  EXPECT_EQ(p[0].code, "bad_request.too_long");
  EXPECT_EQ(p[0].message, "字段“name”不能超过3个字符");
  EXPECT_EQ(p[1].code, "bad_request.out_of_range");
  EXPECT_EQ(p[1].message, "字段“age”不能大于150");
  EXPECT_EQ(p[2].message, "字段“ratio”不能小于0.5");
  EXPECT_EQ(p[3].code, "bad_request.invalid_value");
  EXPECT_EQ(p[3].message, "字段“role”必须是以下值之一：admin、reviewer");
  EXPECT_EQ(p[4].code, "bad_request.too_long");
  EXPECT_EQ(p[4].message, "字段“tags”最多2项");
  EXPECT_EQ(p[5].field, "tags[1]");
  EXPECT_EQ(p[5].code, "bad_request.invalid_value");

  auto short_name = s.validate(
      {{"name", "a"}, {"age", -1}, {"role", "admin"}, {"tags", nlohmann::json::array()}});
  ASSERT_EQ(short_name.size(), 2u);
  EXPECT_EQ(short_name[0].message, "字段“name”不能少于2个字符");
  EXPECT_EQ(short_name[1].message, "字段“age”不能小于0");
}

TEST(Schema, NestedObjectsAndArraysOfObjects) {
  ObjectSchema item{Field::string("name"), Field::integer("qty").min(1)};
  ObjectSchema s{
      Field::object("address").schema(ObjectSchema{Field::string("street")}),
      Field::array("items").schema(item).min_length(1),
  };
  auto p = s.validate({{"address", {{"street", 1}, {"zip", "x"}}},
                       {"items", {{{"name", "a"}, {"qty", 0}}, {{"qty", 2}}, 5}}});
  std::vector<std::string> fields;
  for (const auto& x : p) fields.push_back(x.field + ":" + x.code);
  EXPECT_EQ(fields, (std::vector<std::string>{
                        "address.street:bad_request.wrong_type",
                        "address.zip:bad_request.unknown_field",
                        "items[0].qty:bad_request.out_of_range",
                        "items[1].name:bad_request.missing_field",
                        "items[2]:bad_request.wrong_type",
                    }));
}

TEST(Schema, AllowUnknownFields) {
  ObjectSchema s = ObjectSchema{Field::string("a")}.allow_unknown_fields();
  EXPECT_TRUE(s.validate({{"a", "x"}, {"extra", 1}}).empty());
}

TEST(AmountAsNumber, ANumberIsRefusedNamingTheFieldTextIsLeftToTheCaller) {
  for (const nlohmann::json& n : {nlohmann::json(300000), nlohmann::json(0.1), nlohmann::json(-5)}) {
    auto p = amount_as_number(n, "caps.per_application");
    ASSERT_TRUE(p) << n;
    EXPECT_EQ(p->field, "caps.per_application");
    EXPECT_EQ(p->code, "bad_request.wrong_type");
    EXPECT_NE(p->message.find("caps.per_application"), std::string::npos) << p->message;
    EXPECT_NE(p->message.find("\"300000\""), std::string::npos) << p->message;
  }
  for (const nlohmann::json& v : {nlohmann::json("300000"), nlohmann::json("500万"), nlohmann::json(nullptr),
                                  nlohmann::json(true), nlohmann::json::array()})
    EXPECT_FALSE(amount_as_number(v, "budget")) << v;
}

}  // namespace
}  // namespace zhida::http
