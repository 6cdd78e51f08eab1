// Importing enterprise data: CSV (bench/WORKLOAD.md) and JSON, into an
// EnterpriseTable or any other sink (the server stores facts in its
// database through the same parser).
//
// A bad row is reported (line, column, value, reason in Chinese) and
// skipped whole; good rows load; the report counts both. The CSV header
// gives the catalog ("营业收入[2024]:money"); a catalog file adds what a
// header cannot say (source, sensitivity, units, enum domains — a declared
// domain is enforced).
#pragma once

#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "base/issue.h"
#include "base/result.h"
#include "portrait/catalog.h"
#include "portrait/table.h"

namespace zhida::portrait {

struct RowError {
  int64_t line = 0;    // line in the file where the row starts (JSON: item number)
  std::string column;  // 营业收入[2024]; empty for a whole-row problem
  std::string value;   // the offending text (shortened)
  std::string reason;  // Chinese
};

struct ImportReport {
  size_t rows_read = 0;
  size_t rows_loaded = 0;
  size_t rows_rejected = 0;
  size_t errors_total = 0;
  std::vector<RowError> errors;  // the first max_errors of them
  Issues catalog_issues;         // header / catalog problems that are not fatal
  double seconds = 0;

  nlohmann::json to_json() const;
  std::string summary_zh() const;  // "读取 1000 行：导入 998 行，拒绝 2 行"
};

struct ImportOptions {
  std::shared_ptr<const Catalog> declared;  // optional catalog file
  size_t max_errors = 1000;                 // errors kept in the report
  // CSV only: called for every good row with where its text is in the input
  // (byte offset and length without the line break), e.g. to index a stored
  // upload.
  std::function<void(int64_t id, uint64_t offset, uint64_t length)> row_span;
};

// One parsed cell of a good row. Views stay valid during the sink call only.
struct FactCell {
  rules::AttrRef ref;
  rules::Type type = rules::Type::kError;
  bool missing = true;
  Decimal number;
  int32_t date = 0;
  bool boolean = false;
  std::string_view text;
  std::vector<std::string_view> members;  // set
};

// Receives each good row: the enterprise id and its cells (every column of
// the header except id). Returning an error stops the import.
using RowSink = std::function<Status(int64_t id, std::span<const FactCell> cells)>;

// Parses a CSV file with a typed header. `catalog` receives the catalog built
// from the header (merged with options.declared) before the first row.
Status import_csv(const std::string& path, const ImportOptions& options,
                  const std::function<Status(std::shared_ptr<const Catalog>)>& on_catalog,
                  const RowSink& sink, ImportReport* report);
// The same from text in memory (uploads, tests).
Status import_csv_text(std::string text, const ImportOptions& options,
                       const std::function<Status(std::shared_ptr<const Catalog>)>& on_catalog,
                       const RowSink& sink, ImportReport* report);

// Parses JSON enterprise data: an array of objects (or {"enterprises":[…]})
// whose keys are attribute names, optionally with period and type like a CSV
// header ("营业收入[2024]:money"); null or an absent key is missing, "" is
// the empty string, [] the empty set. Keys without a type need a catalog
// (options.declared) that has them. An "id" integer is required.
Status import_json(const nlohmann::json& doc, const ImportOptions& options,
                   const std::function<Status(std::shared_ptr<const Catalog>)>& on_catalog,
                   const RowSink& sink, ImportReport* report);

// Writes a parsed row into a table (adding the enterprise when new).
Status apply_row(EnterpriseTable& table, int64_t id, std::span<const FactCell> cells);

// Loads a CSV (or .json) file into a new table: the usual way to get data
// into memory for `zhida match` and `zhida explain`.
Result<std::unique_ptr<EnterpriseTable>> load_enterprises(const std::string& path,
                                                          const ImportOptions& options,
                                                          ImportReport* report);

// Parses one cell's text as the given type (shared by CSV and the API).
// `quoted` distinguishes "" (empty string / empty set) from missing.
// Returns false with a Chinese reason when the text is not a valid value.
bool parse_cell(std::string_view text, bool quoted, const Attribute& attr, FactCell& out,
                std::string* why);

}  // namespace zhida::portrait
