#include "services/policies/xlsx_export.h"

#include <fmt/format.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/format.h"

namespace zhida::services {

namespace {

// A temporary file name that is removed when the object goes.
class TempFile {
 public:
  TempFile() {
    std::string pattern = (std::filesystem::temp_directory_path() / "zhida-export-XXXXXX").string();
    std::vector<char> buf(pattern.begin(), pattern.end());
    buf.push_back('\0');
    int fd = mkstemp(buf.data());
    if (fd >= 0) {
      close(fd);
      path_ = buf.data();
    }
  }
  ~TempFile() {
    if (!path_.empty()) std::remove(path_.c_str());
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

const char* verdict_zh(rules::Tri t) {
  return t == rules::Tri::kTrue ? "符合" : t == rules::Tri::kUnknown ? "可能符合" : "不符合";
}

std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) out += (i ? sep : "") + v[i];
  return out;
}

}  // namespace

Result<std::string> match_list_xlsx(const MatchSheet& s) {
  const Matching::List& list = *s.list;
  TempFile file;
  if (file.path().empty()) return Error("export.xlsx_failed", "无法创建导出用的临时文件");
  std::string tmpdir = std::filesystem::temp_directory_path().string();
  lxw_workbook_options options = {};
  options.constant_memory = LXW_TRUE;  // rows go to disk as written: any size of list
  options.tmpdir = tmpdir.data();
  lxw_workbook* wb = workbook_new_opt(file.path().c_str(), &options);
  if (!wb) return Error("export.xlsx_failed", "无法创建 Excel 文件");

  std::string title = fmt::format("《{}》符合及可能符合条件的企业", s.policy_name);
  lxw_doc_properties props = {};
  props.title = title.data();
  std::string subject = fmt::format("{} 第 {} 版", s.policy_id, s.version);
  props.subject = subject.data();
  std::string author = "直达 惠企政策直达平台";
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
  format_set_align(header_fmt, LXW_ALIGN_VERTICAL_CENTER);
  format_set_text_wrap(header_fmt);
  lxw_format* money_fmt = workbook_add_format(wb);
  format_set_num_format(money_fmt, "#,##0.00");
  lxw_format* total_fmt = workbook_add_format(wb);
  format_set_bold(total_fmt);
  lxw_format* total_money_fmt = workbook_add_format(wb);
  format_set_bold(total_money_fmt);
  format_set_num_format(total_money_fmt, "#,##0.00");

  lxw_worksheet* ws = workbook_add_worksheet(wb, "匹配企业");
  struct Col {
    const char* header;
    double width;
  };
  static const Col kCols[] = {{"序号", 7},      {"企业编号", 11},       {"企业名称", 40},
                              {"街道", 9},      {"行业门类", 9},        {"企业规模", 9},
                              {"匹配结果", 10}, {"预计奖励（元）", 18}, {"需补充的数据", 36}};
  constexpr lxw_col_t kMoneyCol = 7;
  for (lxw_col_t c = 0; c < std::size(kCols); ++c)
    worksheet_set_column(ws, c, c, kCols[c].width, nullptr);

  std::string when = fmt::format("导出时间：{}（北京时间）", s.exported_at);
  std::string filter = fmt::format(
      "筛选条件：{}", s.filter_text.empty() ? "无（全部符合及可能符合的企业）" : s.filter_text);
  if (!s.sort_text.empty()) filter += fmt::format("；排序：{}", s.sort_text);
  std::string summary = fmt::format(
      "全部企业中符合 {} 家、可能符合 {} 家；本表 {} 家（符合 {} 家、可能符合 {} "
      "家），符合企业预计奖励合计 {} 元",
      list.match, list.possible, list.total, list.filtered_match, list.filtered_possible,
      format_grouped(list.award_sum));
  worksheet_write_string(ws, 0, 0, title.c_str(), title_fmt);
  worksheet_write_string(
      ws, 1, 0, fmt::format("政策编号：{}（第 {} 版）　{}", s.policy_id, s.version, when).c_str(),
      note_fmt);
  worksheet_write_string(ws, 2, 0, filter.c_str(), note_fmt);
  worksheet_write_string(ws, 3, 0, summary.c_str(), note_fmt);
  constexpr lxw_row_t kHeaderRow = 4;
  worksheet_set_row(ws, kHeaderRow, 20, nullptr);
  for (lxw_col_t c = 0; c < std::size(kCols); ++c)
    worksheet_write_string(ws, kHeaderRow, c, kCols[c].header, header_fmt);
  worksheet_freeze_panes(ws, kHeaderRow + 1, 0);

  lxw_row_t row = kHeaderRow + 1;
  for (size_t i = 0; i < list.items.size(); ++i, ++row) {
    const Matching::Item& it = list.items[i];
    worksheet_write_number(ws, row, 0, static_cast<double>(i + 1), nullptr);
    worksheet_write_number(ws, row, 1, static_cast<double>(it.enterprise_id), nullptr);
    worksheet_write_string(ws, row, 2, it.name.c_str(), nullptr);
    worksheet_write_string(ws, row, 3, it.street.c_str(), nullptr);
    worksheet_write_string(ws, row, 4, it.industry.c_str(), nullptr);
    worksheet_write_string(ws, row, 5, it.size.c_str(), nullptr);
    worksheet_write_string(ws, row, 6, verdict_zh(it.verdict), nullptr);
    if (it.award) worksheet_write_number(ws, row, kMoneyCol, it.award->to_double(), money_fmt);
    if (!it.missing.empty())
      worksheet_write_string(ws, row, 8, join(it.missing, "、").c_str(), nullptr);
  }
  lxw_row_t last = row == kHeaderRow + 1 ? kHeaderRow + 1 : row - 1;
  worksheet_autofilter(ws, kHeaderRow, 0, last, std::size(kCols) - 1);
  worksheet_write_string(ws, row, 0, "合计", total_fmt);
  worksheet_write_string(ws, row, 2, fmt::format("{} 家", list.items.size()).c_str(), total_fmt);
  std::string sum = list.items.empty() ? "0" : fmt::format("SUM(H{}:H{})", kHeaderRow + 2, row);
  worksheet_write_formula_num(ws, row, kMoneyCol, sum.c_str(), total_money_fmt,
                              list.award_sum.to_double());

  lxw_error err = workbook_close(wb);
  if (err != LXW_NO_ERROR)
    return Error("export.xlsx_failed", fmt::format("写 Excel 文件失败：{}", lxw_strerror(err)));
  std::ifstream in(file.path(), std::ios::binary);
  if (!in) return Error("export.xlsx_failed", "无法读回导出的 Excel 文件");
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

std::string match_list_file_name(const MatchSheet& s, const std::string& date_compact) {
  std::string name = s.policy_name.empty() ? s.policy_id : s.policy_name;
  for (char& c : name)
    if (c == '/' || c == '\\' || c == ':' || c == '*' || c == '?' || c == '"' || c == '<' ||
        c == '>' || c == '|' || static_cast<unsigned char>(c) < 0x20)
      c = '_';
  return fmt::format("{}-匹配企业-{}.xlsx", name, date_compact);
}

}  // namespace zhida::services
