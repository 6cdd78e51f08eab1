// A simple Excel sheet (libxlsxwriter) for the funds lists: a title, note
// lines, a frozen and filterable header row, rows of text and money cells,
// and an optional total row. Used by the publicity list and batch exports.
//
// Thread-safe: each call writes its own workbook (a temporary file, read
// back into memory and removed).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "base/result.h"

namespace zhida::services {

struct SheetColumn {
  std::string header;
  double width = 12;
  bool money = false;  // cells are fen, shown as yuan with two decimals
};

// Text, or an integer: fen for money columns, a plain number otherwise;
// nullopt leaves the cell empty.
using SheetCell = std::variant<std::string, std::optional<int64_t>>;

struct Sheet {
  std::string name;   // worksheet tab
  std::string title;  // first row
  std::vector<std::string> notes;
  std::vector<SheetColumn> columns;
  std::vector<std::vector<SheetCell>> rows;
  bool total = false;  // a total row summing the money columns
};

// The .xlsx bytes; "export.xlsx_failed" when the library fails.
Result<std::string> write_xlsx(const Sheet& sheet);

}  // namespace zhida::services
