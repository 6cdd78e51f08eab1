#include "services/funds/sheet.h"

#include <fmt/format.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace zhida::services {

Result<std::string> write_xlsx(const Sheet& s) {
  std::string pattern = (std::filesystem::temp_directory_path() / "zhida-funds-XXXXXX").string();
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  int fd = mkstemp(buf.data());
  if (fd < 0) return Error("export.xlsx_failed", "无法创建导出用的临时文件");
  close(fd);
  std::string path = buf.data();
  struct Remove {
    std::string p;
    ~Remove() { std::remove(p.c_str()); }
  } remove_it{path};

  lxw_workbook* wb = workbook_new(path.c_str());
  if (!wb) return Error("export.xlsx_failed", "无法创建 Excel 文件");
  lxw_doc_properties props = {};
  std::string title = s.title, author = "直达 惠企政策直达平台";
  props.title = title.data();
  props.author = author.data();
  workbook_set_properties(wb, &props);
  lxw_format* title_fmt = workbook_add_format(wb);
  format_set_bold(title_fmt);
  format_set_font_size(title_fmt, 14);
  lxw_format* note_fmt = workbook_add_format(wb);
  format_set_font_color(note_fmt, 0x595959);
  lxw_format* header_fmt = workbook_add_format(wb);
  format_set_bold(header_fmt);
  format_set_bg_color(header_fmt, 0xDDEBF7);
  format_set_border(header_fmt, LXW_BORDER_THIN);
  format_set_align(header_fmt, LXW_ALIGN_CENTER);
  lxw_format* money_fmt = workbook_add_format(wb);
  format_set_num_format(money_fmt, "#,##0.00");
  lxw_format* total_fmt = workbook_add_format(wb);
  format_set_bold(total_fmt);
  format_set_num_format(total_fmt, "#,##0.00");

  lxw_worksheet* ws = workbook_add_worksheet(wb, s.name.empty() ? nullptr : s.name.c_str());
  if (!ws) {
    workbook_close(wb);
    return Error("export.xlsx_failed", "无法创建工作表");
  }
  for (lxw_col_t c = 0; c < s.columns.size(); ++c)
    worksheet_set_column(ws, c, c, s.columns[c].width, nullptr);
  lxw_row_t row = 0;
  worksheet_write_string(ws, row++, 0, s.title.c_str(), title_fmt);
  for (const auto& n : s.notes) worksheet_write_string(ws, row++, 0, n.c_str(), note_fmt);
  lxw_row_t header = row++;
  for (lxw_col_t c = 0; c < s.columns.size(); ++c)
    worksheet_write_string(ws, header, c, s.columns[c].header.c_str(), header_fmt);
  worksheet_freeze_panes(ws, header + 1, 0);
  std::vector<int64_t> totals(s.columns.size(), 0);
  for (const auto& cells : s.rows) {
    for (lxw_col_t c = 0; c < cells.size() && c < s.columns.size(); ++c) {
      if (const auto* text = std::get_if<std::string>(&cells[c])) {
        worksheet_write_string(ws, row, c, text->c_str(), nullptr);
      } else if (const auto& n = std::get<std::optional<int64_t>>(cells[c])) {
        if (s.columns[c].money) {
          worksheet_write_number(ws, row, c, static_cast<double>(*n) / 100.0, money_fmt);
          totals[c] += *n;
        } else {
          worksheet_write_number(ws, row, c, static_cast<double>(*n), nullptr);
        }
      }
    }
    ++row;
  }
  if (!s.rows.empty() && !s.columns.empty())
    worksheet_autofilter(ws, header, 0, row - 1, static_cast<lxw_col_t>(s.columns.size() - 1));
  if (s.total) {
    worksheet_write_string(ws, row, 0, "合计", total_fmt);
    for (lxw_col_t c = 0; c < s.columns.size(); ++c)
      if (s.columns[c].money)
        worksheet_write_number(ws, row, c, static_cast<double>(totals[c]) / 100.0, total_fmt);
  }
  if (workbook_close(wb) != LXW_NO_ERROR) return Error("export.xlsx_failed", "写入 Excel 文件失败");
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace zhida::services
