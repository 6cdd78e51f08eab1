// A list the UI shows, as an Excel download ("Excel export wherever a list
// is shown"): the routes <list>.xlsx beside the JSON lists (applications,
// review queue, enterprise search, catalog, policies). Each export route
// parses the same query and asks the same service with the same principal
// as its JSON list — so filters, "a firm user sees its own rows" and
// masking are the list's own — then fills a ListExport with every row (up
// to kMaxExportRows) and answers with list_download().
//
// The workbook is written by services::write_xlsx (services/funds/sheet.h,
// shared with the publicity and batch exports): a title, notes (time of
// export, filter, row count), a frozen and filterable Chinese header row,
// money as yuan with two decimals.
//
// Thread-safe: no shared state.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "http/api/api.h"
#include "http/request.h"
#include "http/response.h"
#include "services/funds/sheet.h"

namespace zhida::http {

// At most this many rows go into one export; the sheet says when a list
// had more.
inline constexpr int64_t kMaxExportRows = 50000;

struct ListExport {
  std::string what;         // "申请列表": the title, the sheet's tab and the file name
  std::string filter_text;  // "状态：审核中；政策：BA-2025-025", "" for none
  nlohmann::json filter = nlohmann::json::object();  // the same, for the audit entry
  std::vector<services::SheetColumn> columns;
  std::vector<std::vector<services::SheetCell>> rows;
  int64_t total = 0;                 // rows the list has (rows.size() may be fewer)
  std::vector<int64_t> enterprises;  // firms whose data the rows show (audit)
  bool total_row = false;            // a 合计 row over the money columns
};

// The .xlsx download ("申请列表-20261127.xlsx"), after recording the export
// in the audit log (action data.export, target list/<what>, detail {filter,
// rows}, the firms): no export without its audit entry.
Response list_download(const Request& req, Api& api, ListExport e);

// "名称：值" joined with "；" for the filters that are set (value not empty).
std::string filter_text(const std::vector<std::pair<std::string, std::string>>& parts);

// A store timestamp ("2026-11-27T04:05:06.789Z") as China time
// ("2026-11-27 12:05"); "" for "" or anything else.
std::string china_time_text(std::string_view timestamp);

// j[key] when it is a string / true; "" / false otherwise (absent, null, another type).
std::string text_of(const nlohmann::json& j, const std::string& key);
bool flag_of(const nlohmann::json& j, const std::string& key);

// A JSON value as a cell: strings as text, integers as numbers, null/absent empty.
services::SheetCell cell(const nlohmann::json& j, const std::string& key);
// An integer fen field for a money column (empty when absent or null).
services::SheetCell money_cell(const nlohmann::json& j, const std::string& fen_key);

}  // namespace zhida::http
