// Shared by routes_applications.cc and routes_review.cc: the caller of a
// request as the Applications service sees it, the service's errors as
// responses, and the JSON forms of declarations, materials and verdicts.
#pragma once

#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/issue.h"
#include "base/result.h"
#include "http/request.h"
#include "http/response.h"
#include "services/applications/applications.h"
#include "workflow/decision.h"

namespace zhida::http {

struct ListExport;

// Who is asking (user, role, address, display name).
services::Caller caller_of(const Request& req);

// An Applications error (with its issues as details): 404 for *.not_found,
// 400 for bad input, 409 for refusals and states, 413/415 for uploads.
Response applications_error(const Error& e, const Issues& issues = {});

// [{"condition","commitment","attribute","value","text"}] (value may be a
// number); problems are added to `problems` as field/message pairs.
std::vector<workflow::Declaration> declarations_of(const nlohmann::json& arr, Issues& problems);
// [{"name","condition","id","commitment"}]
std::vector<workflow::MaterialRef> materials_of(const nlohmann::json& arr, Issues& problems);
// [{"key","verdict","note"}]
std::vector<workflow::Verdict> verdicts_of(const nlohmann::json& arr, Issues& problems);

// The body as a JSON object with only the given top-level fields (400 otherwise).
OrResponse<nlohmann::json> object_body(const Request& req, std::initializer_list<const char*> allowed);
// A 400 listing each problem with its field.
Response problems_response(const Issues& problems);

// "审核中" for "in_review"; the name itself when unknown.
std::string_view status_zh_of(std::string_view status);
// Fills `e` (columns, rows, total, firms) with every application of `q`
// (up to kMaxExportRows), asking page_of page by page: the application list
// and the review queue exports. `review` adds assignee, deadline, overdue.
Status export_applications(
    const std::function<Result<services::Applications::Page>(const store::ApplicationQuery&)>& page_of,
    store::ApplicationQuery q, bool review, ListExport& e);

}  // namespace zhida::http
