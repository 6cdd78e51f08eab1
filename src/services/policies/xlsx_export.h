// The per-policy list of matching firms as an Excel workbook (C3 "exportable
// to Excel"), written with libxlsxwriter: a title row with the policy's
// name, a row with the time of export and the filter applied, a summary
// row, then a frozen, filterable header row in Chinese and one row per
// firm, amounts as numbers with two decimals, and a total.
//
// Thread-safe: each call writes its own workbook (in a temporary file,
// read back into memory and removed).
#pragma once

#include <string>

#include "base/result.h"
#include "services/matching/matching.h"

namespace zhida::services {

struct MatchSheet {
  std::string policy_id;
  std::string policy_name;
  int64_t version = 0;
  std::string exported_at;  // China time, "2026-11-27 12:00"
  std::string filter_text;  // "街道：沙井；匹配结果：符合", or "" for none
  std::string sort_text;    // "按预计奖励从高到低", or "" for by id
  const Matching::List* list = nullptr;
};

// The .xlsx bytes; "export.xlsx_failed" when libxlsxwriter fails.
Result<std::string> match_list_xlsx(const MatchSheet& sheet);

// A file name for the download: "国家高新技术企业认定奖励-匹配企业-20261127.xlsx"
// (characters a file system refuses replaced by "_").
std::string match_list_file_name(const MatchSheet& sheet, const std::string& date_compact);

}  // namespace zhida::services
