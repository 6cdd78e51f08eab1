// libFuzzer target: the CSV reader and the importer. Any input, as a CSV file
// with a typed header, is read record by record and imported into a table;
// the import must never crash, every row is either loaded or reported, and
// the report's counts add up.
#include <cstddef>
#include <cstdint>
#include <string>

#include "portrait/csv_reader.h"
#include "portrait/import.h"

using namespace zhida;
using namespace zhida::portrait;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  {
    auto r = CsvReader::from_string(text);
    std::vector<CsvCell> cells;
    std::string why;
    int guard = 0;
    while (r->next(cells, &why) != CsvReader::Status::kEnd && ++guard < 1000000) {
    }
  }
  std::unique_ptr<EnterpriseTable> table;
  ImportReport report;
  Status st = import_csv_text(
      text, ImportOptions{},
      [&](std::shared_ptr<const Catalog> c) {
        table = std::make_unique<EnterpriseTable>(c);
        return Status::Ok();
      },
      [&](int64_t id, std::span<const FactCell> cells) {
        if (table->row_of(id)) return Status(Error("enterprise.duplicate_id", "dup"));
        return apply_row(*table, id, cells);
      },
      &report);
  if (st.ok()) {
    if (report.rows_loaded + report.rows_rejected != report.rows_read) __builtin_trap();
    if (table && table->rows() != report.rows_loaded) __builtin_trap();
    if (table) {
      table->pad();
      for (size_t r = 0; r < table->rows(); ++r)
        for (const auto& c : table->columns()) (void)c->value(r);
    }
  }
  return 0;
}
