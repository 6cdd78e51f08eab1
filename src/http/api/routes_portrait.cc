// The portrait (C1): the data catalog and its administration, CSV uploads
// of facts, and enterprises' reports of wrong facts.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "http/api/api.h"
#include "http/api/common.h"
#include "http/api/list_export.h"
#include "http/api/portrait_http.h"
#include "http/api/session.h"
#include "http/json_body.h"

namespace zhida::http {

using nlohmann::json;

Response portrait_error(const Error& e, const Issues& issues) {
  const std::string& c = e.code;
  auto starts = [&](const char* p) { return c.rfind(p, 0) == 0; };
  auto ends = [&](const char* s) {
    std::string_view sv(s);
    return c.size() >= sv.size() && c.compare(c.size() - sv.size(), sv.size(), sv) == 0;
  };
  int status = 0;
  if (c == "db.not_found" || ends(".not_found"))
    status = 404;
  else if (ends(".invalid") || starts("bad_request") || starts("import.") || starts("catalog."))
    status = 400;
  else if (ends(".conflict") || c == "tag.in_use" || c == "db.unique_violation")
    status = 409;
  else if (c == "report.too_many")
    status = 429;
  else if (starts("auth."))
    status = 401;
  if (status == 0) return error_response(e);
  if (issues.empty()) return Response::error(status, c, e.message);
  if (status == 400) return issues_response(c, e.message, issues);
  json details = json::array();
  for (const Issue& i : issues) {
    json d = {{"code", i.code}, {"message", i.message}};
    if (!i.field.empty()) d["field"] = i.field;
    details.push_back(std::move(d));
  }
  return Response::error(status, c, e.message, details);
}

json row_errors_json(const std::vector<portrait::RowError>& errors) {
  json out = json::array();
  for (const auto& e : errors)
    out.push_back({{"line", e.line}, {"column", e.column}, {"value", e.value}, {"reason", e.reason}});
  return out;
}

namespace {

json attribute_json(const portrait::Attribute& a) {
  json j = {{"id", a.id},
            {"name", a.name},
            {"type", rules::type_name_en(a.type)},
            {"periods", a.has_periods},
            {"unit", a.unit},
            {"source", a.source},
            {"frequency", a.frequency},
            {"sensitivity", portrait::sensitivity_zh(a.sensitivity)},
            {"description", a.description}};
  if (a.type == rules::Type::kEnum || a.type == rules::Type::kSet) j["values"] = a.values;
  return j;
}

bool is_csv(std::string_view content_type) {
  std::string t(content_type.substr(0, content_type.find(';')));
  while (!t.empty() && t.back() == ' ') t.pop_back();
  for (char& ch : t) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return t == "text/csv" || t == "application/csv";
}

// A query string parameter as text ("" when absent); 400 when too long.
std::optional<std::string> text_query(const Request& req, const char* name, size_t max, Response* err) {
  auto v = req.query_param(name);
  if (!v) return std::string();
  if (v->size() > max) {
    *err = Response::error(400, "bad_request.bad_query", fmt::format("查询参数“{}”太长（最多 {} 字节）", name, max));
    return std::nullopt;
  }
  return std::string(*v);
}

}  // namespace

void register_portrait_routes(Router& router, Api& api) {
  // ---- catalog
  router.get(
      "/api/v1/catalog",
      [&api](Request& req) {
        if (auto denied = require_login(req)) return *denied;
        return Response::json(200, api.services.portrait->catalog_json());
      },
      {.summary = "数据目录：每个属性的类型、年度、单位、来源部门、敏感级别和说明", .tags = {"portrait", "any"}});

  router.get(
      "/api/v1/catalog.xlsx",
      [&api](Request& req) {
        if (auto denied = require_login(req)) return *denied;
        // The page's filters: q in the name or description, source exact.
        std::string q(req.query_param("q").value_or(""));
        std::string source(req.query_param("source").value_or(""));
        if (q.size() > 200 || source.size() > 100)
          return Response::error(400, "bad_request.bad_query", "查询参数 q 最多 200 字节，source 最多 100 字节");
        nlohmann::json doc = api.services.portrait->catalog_json();
        ListExport e;
        e.what = "数据目录";
        e.filter_text = filter_text({{"关键词", q}, {"来源部门", source}});
        e.filter = {{"q", q}, {"source", source}};
        e.columns = {{"属性", 24},     {"类型", 8},     {"分年度", 8},   {"单位", 8},    {"来源部门", 16},
                     {"更新频率", 10}, {"敏感级别", 9}, {"取值范围", 40}, {"说明", 60}};
        for (const nlohmann::json& a : doc["attributes"]) {
          if (!source.empty() && text_of(a, "source") != source) continue;
          if (!q.empty() && text_of(a, "name").find(q) == std::string::npos &&
              text_of(a, "description").find(q) == std::string::npos)
            continue;
          auto type = rules::parse_type_name(text_of(a, "type"));
          std::string values;
          if (a.contains("values") && a["values"].is_array())
            for (const auto& v : a["values"])
              if (v.is_string()) values += (values.empty() ? "" : "、") + v.get<std::string>();
          e.rows.push_back({cell(a, "name"), type ? std::string(rules::type_name_zh(*type)) : text_of(a, "type"),
                            std::string(flag_of(a, "periods") ? "是" : "否"), cell(a, "unit"), cell(a, "source"),
                            cell(a, "frequency"), cell(a, "sensitivity"), values, cell(a, "description")});
        }
        e.total = static_cast<int64_t>(e.rows.size());
        return list_download(req, api, std::move(e));
      },
      {.summary = "导出数据目录为 Excel（全部属性，可按关键词、来源部门筛选）", .tags = {"portrait", "any"}});

  static const ObjectSchema kAddAttributes{Field::array("attributes").min_length(1).max_length(500)};
  router.post(
      "/api/v1/catalog",
      [&api](Request& req) {
        if (auto denied = require_role(req, {Role::kDataSteward})) return *denied;
        auto body = parse_json(req, kAddAttributes);
        if (!body.ok()) return std::move(body).response();
        Issues issues;
        auto added = api.services.portrait->add_attributes(body.value(), actor_of(req), &issues);
        if (!added.ok()) return portrait_error(added.error(), issues);
        json items = json::array();
        for (const auto& a : *added) items.push_back(attribute_json(a));
        return Response::json(201, {{"attributes", items}});
      },
      {.summary = "新增数据目录属性（数据管理员）", .tags = {"portrait", "allow:data_steward"}});

  static const ObjectSchema kPatchAttribute{
      Field::string("unit").optional().max_length(20),
      Field::string("source").optional().max_length(40),
      Field::string("frequency").optional().max_length(20),
      Field::string("sensitivity").optional().one_of({"公开", "内部", "敏感", "public", "internal", "sensitive"}),
      Field::string("description").optional().max_length(1000),
      Field::string_array("values").optional().max_length(5000),
  };
  router.patch(
      "/api/v1/catalog/{name}",
      [&api](Request& req) {
        if (auto denied = require_role(req, {Role::kDataSteward})) return *denied;
        auto body = parse_json(req, kPatchAttribute);
        if (!body.ok()) return std::move(body).response();
        const json& j = body.value();
        services::PortraitService::AttributePatch p;
        auto opt = [&](const char* key, std::optional<std::string>& out) {
          if (j.contains(key)) out = j[key].get<std::string>();
        };
        opt("unit", p.unit);
        opt("source", p.source);
        opt("frequency", p.frequency);
        opt("sensitivity", p.sensitivity);
        opt("description", p.description);
        if (j.contains("values")) p.values = j["values"].get<std::vector<std::string>>();
        Issues issues;
        auto a = api.services.portrait->patch_attribute(std::string(req.param("name")), p, actor_of(req), &issues);
        if (!a.ok()) return portrait_error(a.error(), issues);
        return Response::json(200, attribute_json(*a));
      },
      {.summary = "修改数据目录属性的单位、来源部门、更新频率、敏感级别、说明和声明的取值（数据管理员）",
       .tags = {"portrait", "allow:data_steward"}});

  // ---- uploads
  router.post(
      "/api/v1/uploads",
      [&api](Request& req) {
        if (auto denied = require_role(req, {Role::kDataSteward})) return *denied;
        if (!is_csv(req.header("Content-Type").value_or("")))
          return Response::error(415, "bad_request.unsupported_media", "请以 Content-Type: text/csv 上传 CSV 文件");
        Response err;
        services::PortraitService::UploadInput in;
        auto source = text_query(req, "source", 400, &err);
        auto as_of = text_query(req, "as_of", 40, &err);
        auto file_name = text_query(req, "file_name", 1000, &err);
        auto mode = text_query(req, "mode", 40, &err);
        if (!source || !as_of || !file_name || !mode) return err;
        if (!mode->empty() && *mode != "all_or_nothing" && *mode != "good_rows")
          return Response::error(400, "bad_request.bad_query", "查询参数“mode”应为 all_or_nothing 或 good_rows");
        in.source = *source;
        in.as_of = *as_of;
        in.file_name = *file_name;
        in.all_or_nothing = *mode != "good_rows";
        Issues issues;
        auto r = api.services.portrait->upload(std::move(req.body), in, actor_of(req), &issues);
        if (!r.ok()) return portrait_error(r.error(), issues);
        const portrait::ImportReport& rep = r->report;
        json summary = {{"rows_read", rep.rows_read},
                        {"rows_loaded", rep.rows_loaded},
                        {"rows_rejected", rep.rows_rejected},
                        {"errors_total", rep.errors_total},
                        {"seconds", rep.seconds}};
        json errors = row_errors_json(rep.errors);
        if (rep.rows_loaded == 0) {
          std::string message =
              rep.rows_rejected == 0
                  ? "文件中没有企业数据，未导入"
                  : in.all_or_nothing
                        ? fmt::format("文件中有 {} 行错误（共 {} 处），按“全部或不导入”方式整个文件未导入；请改正后重新上传",
                                      rep.rows_rejected, rep.errors_total)
                        : fmt::format("文件中没有一行正确的数据（{} 行错误），未导入", rep.rows_rejected);
          json details = json::array();
          for (const auto& e : rep.errors)
            details.push_back({{"code", "import.bad_row"},
                               {"line", e.line},
                               {"column", e.column},
                               {"value", e.value},
                               {"reason", e.reason},
                               {"message", e.column.empty() ? fmt::format("第 {} 行：{}", e.line, e.reason)
                                                            : fmt::format("第 {} 行“{}”：{}", e.line, e.column, e.reason)}});
          return Response::json(
              400, {{"error",
                     {{"code", "import.rejected"}, {"message", message}, {"details", details}, {"summary", summary}}}});
        }
        return Response::json(201, {{"batch_id", r->batch_id},
                                    {"mode", in.all_or_nothing ? "all_or_nothing" : "good_rows"},
                                    {"summary", summary},
                                    {"errors", errors},
                                    {"message", rep.summary_zh()}});
      },
      {.summary = "上传企业数据 CSV（数据管理员）：逐行错误报告；全部或不导入 / 只导入正确的行",
       .tags = {"portrait", "allow:data_steward"},
       .max_body_bytes = uint64_t{200} << 20});

  router.get(
      "/api/v1/uploads",
      [&api](Request& req) {
        if (auto denied = require_role(req, {Role::kDataSteward, Role::kAuditor})) return *denied;
        Response err;
        auto offset = int_query(req, "offset", 0, 0, 1000000000, &err);
        if (!offset) return err;
        auto limit = int_query(req, "limit", 50, 1, 500, &err);
        if (!limit) return err;
        auto r = api.services.portrait->uploads(*offset, *limit);
        if (!r.ok()) return portrait_error(r.error());
        return Response::json(200, *r);
      },
      {.summary = "数据批次列表：来源、数据时点、导入时间、行数、导入人", .tags = {"portrait", "allow:data_steward,auditor"}});

  router.get(
      "/api/v1/uploads/{id}",
      [&api](Request& req) {
        if (auto denied = require_role(req, {Role::kDataSteward, Role::kAuditor})) return *denied;
        Response err;
        auto id = id_param(req, "id", &err);
        if (!id) return err;
        auto r = api.services.portrait->upload_by_id(*id);
        if (!r.ok()) return portrait_error(r.error());
        return Response::json(200, *r);
      },
      {.summary = "一个数据批次及其导入报告", .tags = {"portrait", "allow:data_steward,auditor"}});

  // ---- reports of wrong facts
  static const ObjectSchema kReport{Field::string("attribute").min_length(1).max_length(100),
                                    Field::string("value").max_length(1000),
                                    Field::string("explanation").min_length(1).max_length(2000)};
  router.post(
      "/api/v1/enterprises/{id}/fact-reports",
      [&api](Request& req) {
        Response err;
        auto id = id_param(req, "id", &err);
        if (!id) return err;
        if (auto denied = require_role(req, {Role::kEnterpriseLegal, Role::kEnterpriseAgent})) return *denied;
        if (auto denied = require_enterprise_access(req, *id)) return *denied;
        auto body = parse_json(req, kReport);
        if (!body.ok()) return std::move(body).response();
        const json& j = body.value();
        services::PortraitService::ReportInput in{*id, j["attribute"], j["value"], j["explanation"]};
        Issues issues;
        auto r = api.services.portrait->report(in, actor_of(req), &issues);
        if (!r.ok()) return portrait_error(r.error(), issues);
        return Response::json(201, services::PortraitService::to_json(*r));
      },
      {.summary = "企业报告一项数据有误：哪一项、正确的值、说明（企业用户，仅本企业）",
       .tags = {"portrait", "allow:enterprise_legal,enterprise_agent", "own-enterprise"}});

  router.get(
      "/api/v1/enterprises/{id}/fact-reports",
      [&api](Request& req) {
        Response err;
        auto id = id_param(req, "id", &err);
        if (!id) return err;
        if (auto denied = require_known_enterprise(req, api.platform, *id)) return *denied;
        auto offset = int_query(req, "offset", 0, 0, 1000000000, &err);
        if (!offset) return err;
        auto limit = int_query(req, "limit", 50, 1, 500, &err);
        if (!limit) return err;
        auto r = api.services.portrait->reports("", *id, *offset, *limit);
        if (!r.ok()) return portrait_error(r.error());
        return Response::json(200, *r);
      },
      {.summary = "一家企业的数据报错及处理结果", .tags = {"portrait", "any", "own-enterprise"}});

  router.get(
      "/api/v1/fact-reports",
      [&api](Request& req) {
        if (auto denied = require_role(req, {Role::kDataSteward, Role::kAuditor})) return *denied;
        Response err;
        auto status = text_query(req, "status", 20, &err);
        if (!status) return err;
        if (!status->empty() && *status != "open" && *status != "accepted" && *status != "rejected")
          return Response::error(400, "bad_request.bad_query", "查询参数“status”应为 open、accepted 或 rejected");
        auto enterprise = int_query(req, "enterprise_id", 0, 0, 999999999999999999, &err);
        if (!enterprise) return err;
        auto offset = int_query(req, "offset", 0, 0, 1000000000, &err);
        if (!offset) return err;
        auto limit = int_query(req, "limit", 50, 1, 500, &err);
        if (!limit) return err;
        auto r = api.services.portrait->reports(*status, *enterprise, *offset, *limit);
        if (!r.ok()) return portrait_error(r.error());
        return Response::json(200, *r);
      },
      {.summary = "企业数据报错列表（数据管理员处理）", .tags = {"portrait", "allow:data_steward,auditor"}});

  static const ObjectSchema kResolve{Field::string("decision").one_of({"accepted", "rejected"}),
                                     Field::string("note").optional().max_length(1000),
                                     Field::boolean("apply").optional()};
  router.post(
      "/api/v1/fact-reports/{id}/resolve",
      [&api](Request& req) {
        if (auto denied = require_role(req, {Role::kDataSteward})) return *denied;
        Response err;
        auto id = id_param(req, "id", &err);
        if (!id) return err;
        auto body = parse_json(req, kResolve);
        if (!body.ok()) return std::move(body).response();
        const json& j = body.value();
        Issues issues;
        auto r = api.services.portrait->resolve(*id, j["decision"], j.value("note", ""), j.value("apply", false),
                                                actor_of(req), &issues);
        if (!r.ok()) return portrait_error(r.error(), issues);
        return Response::json(200, services::PortraitService::to_json(*r));
      },
      {.summary = "处理一条数据报错：采纳（可同时写入正确的值）或不采纳（数据管理员）",
       .tags = {"portrait", "allow:data_steward"}});
}

}  // namespace zhida::http
