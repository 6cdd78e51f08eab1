// The rule editor's endpoints (C2 "rule errors shown with line and column
// while the officer types"): compile, vocabulary, and the syntax tree both
// ways for the structured condition builder. Pure computation over the
// catalog (services/policies/rule_editor.h): no database, cheap enough for
// every keystroke.
#include <nlohmann/json.hpp>

#include "http/api/api.h"
#include "http/api/common.h"
#include "http/json_body.h"
#include "services/policies/policies.h"
#include "services/policies/rule_editor.h"

namespace zhida::http {

namespace {

using nlohmann::json;

constexpr const char* kStaff =
    "allow:policy_officer,reviewer,funds_officer,data_steward,auditor,leader";

rules::CheckOptions check_options(const json& body) {
  rules::CheckOptions o;
  o.kind = body.value("kind", "condition") == "award" ? rules::RuleKind::kValue
                                                      : rules::RuleKind::kCondition;
  if (body.contains("reference_year") && body["reference_year"].is_number_integer())
    o.reference_year = body["reference_year"].get<int>();
  return o;
}

Field rule_field() {
  return Field::string("rule").max_length(services::kMaxRuleBytes /
                                          3);  // code points; CJK is 3 bytes
}
Field kind_field() {
  return Field::string("kind").optional().one_of({"condition", "award"});
}
Field year_field() {
  return Field::integer("reference_year").optional().nullable().min(1990).max(2100);
}

}  // namespace

void register_rules_routes(Router& router, Api& api) {
  static const ObjectSchema kRule{rule_field(), kind_field(), year_field()};

  router.post("/api/v1/rules/compile",
              [&api](Request& req) {
                if (auto denied = require_staff(req)) return *denied;
                auto body = parse_json(req, kRule);
                if (!body.ok()) return std::move(body).response();
                const json& j = body.value();
                return Response::json(
                    200, services::compile_rule(j["rule"].get<std::string>(),
                                                *api.platform.catalog(), check_options(j)));
              },
              {.summary = "编译一条规则（条件或奖励公式）：是否正确、规范写法、结果类型，以及每个问"
                          "题的行、列与长度",
               .tags = {"rules", kStaff}});

  router.get("/api/v1/rules/vocabulary",
             [&api](Request& req) {
               if (auto denied = require_staff(req)) return *denied;
               auto catalog = api.platform.catalog();
               services::AttributeYears years(catalog->size());
               api.platform.read([&](const portrait::EnterpriseTable& t) {
                 for (const portrait::Attribute& a : catalog->attributes())
                   if (a.has_periods && static_cast<size_t>(a.id) < years.size())
                     years[static_cast<size_t>(a.id)] = t.years(a.id);
                 return 0;
               });
               return Response::json(200, services::rule_vocabulary(*catalog, years));
             },
             {.summary = "规则编辑器的词汇：数据目录属性（类型、年度、单位、取值）、函数（签名与说"
                         "明）、运算符、关键字",
              .tags = {"rules", kStaff}});

  router.post("/api/v1/rules/parse",
              [&api](Request& req) {
                if (auto denied = require_staff(req)) return *denied;
                auto body = parse_json(req, kRule);
                if (!body.ok()) return std::move(body).response();
                const json& j = body.value();
                return Response::json(
                    200, services::parse_rule(j["rule"].get<std::string>(), *api.platform.catalog(),
                                              check_options(j)));
              },
              {.summary = "规则 → 语法树（JSON，供条件构建器编辑），附每个节点的位置与类型",
               .tags = {"rules", kStaff}});

  static const ObjectSchema kTree{Field::object("tree"), kind_field(), year_field()};
  router.post(
      "/api/v1/rules/print",
      [&api](Request& req) {
        if (auto denied = require_staff(req)) return *denied;
        auto body = parse_json(req, kTree);
        if (!body.ok()) return std::move(body).response();
        const json& j = body.value();
        Issues tree_issues;
        auto out =
            services::print_rule(j["tree"], *api.platform.catalog(), check_options(j), tree_issues);
        if (!out) {
          json details = json::array();
          for (Issue i : tree_issues) {
            i.field = i.field.empty() ? "tree" : "tree." + i.field;
            details.push_back(services::issue_json(i));
          }
          return Response::error(400, "rule.bad_tree", tree_issues.front().message, details);
        }
        return Response::json(200, *out);
      },
      {.summary = "语法树 → 规范的规则文本（条件构建器的结果），并编译检查",
       .tags = {"rules", kStaff}});
}

}  // namespace zhida::http
