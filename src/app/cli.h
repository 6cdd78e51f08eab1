// Shared pieces of the command-line tools: loading data, printing errors.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/issue.h"
#include "base/result.h"
#include "portrait/catalog.h"
#include "portrait/import.h"
#include "portrait/policy.h"
#include "portrait/table.h"

namespace zhida::app {

// Prints an error to stderr as "错误：…" (or as JSON when json is set) and
// returns the exit code to use.
int fail(const Error& e, bool json = false, const Issues& issues = {});

struct Workload {
  std::unique_ptr<portrait::EnterpriseTable> table;
  std::vector<portrait::Policy> policies;
  portrait::ImportReport report;
  double load_s = 0;
};

// Loads enterprises (CSV or JSON) and policies; prints the import summary to
// stderr unless quiet.
Result<Workload> load_workload(const std::string& enterprises, const std::string& policies,
                               const std::string& catalog, bool quiet, bool json, Issues* issues);

// "2025-06-30" or today (China time) when empty.
Result<int32_t> evaluation_date(const std::string& as_of);

}  // namespace zhida::app
