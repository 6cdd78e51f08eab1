#include "http/api/list_export.h"

#include <fmt/format.h>

#include <chrono>

#include "base/date.h"
#include "http/api/common.h"
#include "http/api/session.h"

namespace zhida::http {

namespace {

// "2026-11-27 12:00" and "20261127", China time.
std::pair<std::string, std::string> china_now(const services::Clock& clock) {
  int64_t secs = std::chrono::duration_cast<std::chrono::seconds>(clock.now().time_since_epoch()).count() +
                 8 * 3600;
  int32_t day = static_cast<int32_t>(secs >= 0 ? secs / 86400 : (secs - 86399) / 86400);
  int64_t in_day = secs - static_cast<int64_t>(day) * 86400;
  CivilDate d = civil_from_days(day);
  return {fmt::format("{:04}-{:02}-{:02} {:02}:{:02}", d.year, d.month, d.day, in_day / 3600,
                      (in_day % 3600) / 60),
          fmt::format("{:04}{:02}{:02}", d.year, d.month, d.day)};
}

std::string safe_file_name(std::string name) {
  for (char& c : name)
    if (c == '/' || c == '\\' || c == ':' || c == '*' || c == '?' || c == '"' || c == '<' || c == '>' ||
        c == '|' || static_cast<unsigned char>(c) < 0x20)
      c = '_';
  return name;
}

}  // namespace

std::string filter_text(const std::vector<std::pair<std::string, std::string>>& parts) {
  std::string out;
  for (const auto& [name, value] : parts)
    if (!value.empty()) out += (out.empty() ? "" : "；") + name + "：" + value;
  return out;
}

std::string china_time_text(std::string_view ts) {
  if (ts.size() < 16 || ts[10] != 'T' || ts[13] != ':') return "";
  auto day = parse_date(ts.substr(0, 10));
  if (!day) return "";
  int hour = (ts[11] - '0') * 10 + (ts[12] - '0');
  int minute = (ts[14] - '0') * 10 + (ts[15] - '0');
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59) return "";
  hour += 8;
  if (hour >= 24) {
    hour -= 24;
    ++*day;
  }
  CivilDate d = civil_from_days(*day);
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}", d.year, d.month, d.day, hour, minute);
}

std::string text_of(const nlohmann::json& j, const std::string& key) {
  if (!j.is_object()) return "";
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool flag_of(const nlohmann::json& j, const std::string& key) {
  if (!j.is_object()) return false;
  auto it = j.find(key);
  return it != j.end() && it->is_boolean() && it->get<bool>();
}

services::SheetCell cell(const nlohmann::json& j, const std::string& key) {
  if (!j.is_object()) return std::optional<int64_t>();
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::optional<int64_t>();
  if (it->is_number_integer()) return std::optional<int64_t>(it->get<int64_t>());
  if (it->is_string()) return it->get<std::string>();
  if (it->is_boolean()) return std::string(it->get<bool>() ? "是" : "否");
  return it->dump();
}

services::SheetCell money_cell(const nlohmann::json& j, const std::string& fen_key) {
  if (!j.is_object()) return std::optional<int64_t>();
  auto it = j.find(fen_key);
  if (it == j.end() || !it->is_number_integer()) return std::optional<int64_t>();
  return std::optional<int64_t>(it->get<int64_t>());
}

Response list_download(const Request& req, Api& api, ListExport e) {
  auto [now_text, today] = china_now(api.platform.clock());
  services::Sheet sheet;
  sheet.name = e.what;
  sheet.title = e.what;
  sheet.notes.push_back(fmt::format("导出时间：{}（北京时间）", now_text));
  sheet.notes.push_back(fmt::format("筛选条件：{}", e.filter_text.empty() ? "无" : e.filter_text));
  if (static_cast<int64_t>(e.rows.size()) < e.total)
    sheet.notes.push_back(fmt::format("共 {} 行，本表为前 {} 行（请缩小筛选范围后分批导出）", e.total, e.rows.size()));
  else
    sheet.notes.push_back(fmt::format("共 {} 行", e.rows.size()));
  sheet.columns = std::move(e.columns);
  sheet.rows = std::move(e.rows);
  sheet.total = e.total_row;
  auto bytes = services::write_xlsx(sheet);
  if (!bytes.ok()) return error_response(bytes.error());

  store::AuditRecord r = audit_record(req, api, "data.export", "list", e.what,
                                      {{"filter", e.filter}, {"rows", sheet.rows.size()}, {"total", e.total}});
  r.enterprises = std::move(e.enterprises);
  if (Status s = api.services.audit->record(r); !s.ok()) return error_response(s.error());
  return Response::download(std::move(*bytes), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                            safe_file_name(fmt::format("{}-{}.xlsx", e.what, today)));
}

}  // namespace zhida::http
