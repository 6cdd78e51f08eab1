// Shared by the portrait's route files (routes_portrait.cc,
// routes_enterprises.cc, routes_datasources.cc, routes_tags.cc): the
// portrait services' errors as responses, and per-row error lists.
#pragma once

#include <vector>

#include <nlohmann/json.hpp>

#include "base/issue.h"
#include "base/result.h"
#include "http/response.h"
#include "portrait/import.h"

namespace zhida::http {

// A portrait service error with its issues as details: 400 for bad input
// (*.invalid, bad_request.*, import.*), 404 for db.not_found, 409 for
// conflicts and "in use", 429 for report.too_many, 401 for API keys;
// anything else through error_response (500 for operational failures).
Response portrait_error(const Error& e, const Issues& issues = {});

// [{"line","column","value","reason"}]: a CSV row's or a pushed item's
// problems (for pushes `line` is the item's 1-based index).
nlohmann::json row_errors_json(const std::vector<portrait::RowError>& errors);

}  // namespace zhida::http
