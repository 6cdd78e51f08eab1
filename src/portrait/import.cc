#include "portrait/import.h"

#include <fmt/format.h>

#include <tbb/parallel_for.h>

#include <chrono>
#include <filesystem>
#include <thread>
#include <fstream>
#include <nlohmann/json.hpp>

#include "base/date.h"
#include "base/utf8.h"
#include "portrait/csv_reader.h"

namespace zhida::portrait {

using rules::Type;

nlohmann::json ImportReport::to_json() const {
  nlohmann::json errs = nlohmann::json::array();
  for (const RowError& e : errors)
    errs.push_back(
        {{"line", e.line}, {"column", e.column}, {"value", e.value}, {"reason", e.reason}});
  nlohmann::json issues = nlohmann::json::array();
  for (const Issue& i : catalog_issues)
    issues.push_back({{"code", i.code}, {"message", i.message}});
  return {{"rows_read", rows_read},
          {"rows_loaded", rows_loaded},
          {"rows_rejected", rows_rejected},
          {"errors_total", errors_total},
          {"errors", errs},
          {"catalog_issues", issues},
          {"seconds", seconds}};
}

std::string ImportReport::summary_zh() const {
  return fmt::format("读取 {} 行：导入 {} 行，拒绝 {} 行（{} 处错误），用时 {:.2f} 秒", rows_read,
                     rows_loaded, rows_rejected, errors_total, seconds);
}

namespace {

// Fast path for plain decimals ("-123", "12.50"); falls back to the full
// parser for exponents and very long numbers.
std::optional<Decimal> parse_number(std::string_view t) {
  size_t i = 0, n = t.size();
  bool neg = false;
  if (i < n && (t[i] == '-' || t[i] == '+')) neg = t[i++] == '-';
  if (i == n || n - i > 18) return Decimal::parse(t);
  int64_t m = 0;
  int scale = -1;
  bool digit = false;
  for (; i < n; ++i) {
    char c = t[i];
    if (c >= '0' && c <= '9') {
      m = m * 10 + (c - '0');
      digit = true;
      if (scale >= 0) ++scale;
    } else if (c == '.' && scale < 0) {
      scale = 0;
    } else {
      return Decimal::parse(t);
    }
  }
  if (!digit) return std::nullopt;
  return Decimal::from_parts(neg ? -m : m, scale < 0 ? 0 : scale);
}

std::string shorten(std::string_view v) {
  if (utf8::length(v) <= 40) return std::string(v);
  std::string out;
  size_t i = 0;
  for (int k = 0; k < 40 && i < v.size(); ++k) {
    size_t s = i;
    utf8::next(v, i);
    out.append(v.substr(s, i - s));
  }
  return out + "…";
}

bool in_domain(const Attribute& a, std::string_view v) {
  if (a.values.empty()) return true;
  for (const std::string& x : a.values)
    if (x == v) return true;
  return false;
}

std::string domain_hint(const Attribute& a) {
  std::string s;
  for (size_t i = 0; i < a.values.size() && i < 10; ++i) s += (i ? "、" : "") + a.values[i];
  if (a.values.size() > 10) s += " 等";
  return s;
}

}  // namespace

bool parse_cell(std::string_view text, bool quoted, const Attribute& attr, FactCell& out,
                std::string* why) {
  out.type = attr.type;
  out.missing = false;
  out.members.clear();
  if (text.empty() && !quoted) {
    out.missing = true;
    return true;
  }
  bool textual = attr.type == Type::kEnum || attr.type == Type::kString || attr.type == Type::kSet;
  if (textual && !utf8::valid(text)) {
    *why = "不是有效的 UTF-8 文本";
    return false;
  }
  switch (attr.type) {
    case Type::kInt: {
      auto d = parse_number(text);
      if (!d || !d->is_integer()) {
        *why = "不是整数";
        return false;
      }
      out.number = *d;
      return true;
    }
    case Type::kMoney:
    case Type::kNumber: {
      auto d = parse_number(text);
      if (!d) {
        *why = attr.type == Type::kMoney ? "不是有效的金额（以元为单位的数字，如 2500000）"
                                         : "不是有效的数值";
        return false;
      }
      out.number = *d;
      return true;
    }
    case Type::kBool:
      if (text == "true" || text == "TRUE" || text == "True" || text == "1" || text == "是") {
        out.boolean = true;
        return true;
      }
      if (text == "false" || text == "FALSE" || text == "False" || text == "0" || text == "否") {
        out.boolean = false;
        return true;
      }
      *why = "应为 true 或 false";
      return false;
    case Type::kDate: {
      auto d = parse_date(text);
      if (!d) {
        *why = "不是有效的日期（应为 YYYY-MM-DD，如 2021-03-04）";
        return false;
      }
      out.date = *d;
      return true;
    }
    case Type::kEnum:
      if (!in_domain(attr, text)) {
        *why = fmt::format("不是“{}”的取值（可选：{}）", attr.name, domain_hint(attr));
        return false;
      }
      out.text = text;
      return true;
    case Type::kString:
      out.text = text;
      return true;
    case Type::kSet: {
      size_t start = 0;
      while (start <= text.size() && !text.empty()) {
        size_t bar = text.find('|', start);
        std::string_view m = text.substr(
            start, bar == std::string_view::npos ? std::string_view::npos : bar - start);
        if (m.empty()) {
          *why = "集合中有空的取值（多个取值用 | 分隔，如 高新技术企业|科技型中小企业）";
          return false;
        }
        if (!in_domain(attr, m)) {
          *why = fmt::format("“{}”不是“{}”的取值（可选：{}）", m, attr.name, domain_hint(attr));
          return false;
        }
        out.members.push_back(m);
        if (bar == std::string_view::npos) break;
        start = bar + 1;
      }
      return true;
    }
    default:
      *why = "不支持的类型";
      return false;
  }
}

namespace {

// The `id` column is the row's key: it is parsed like an int attribute but
// is not one — it never enters the catalog or the table.
bool is_key(const HeaderCell& h) { return h.name == "id" && h.year == 0; }

const Attribute& key_attribute() {
  static const Attribute a = [] {
    Attribute k;
    k.id = -1;
    k.name = "id";
    k.type = Type::kInt;
    return k;
  }();
  return a;
}

struct HeaderPlan {
  std::shared_ptr<Catalog> catalog;
  std::vector<rules::AttrRef> refs;  // per CSV column; the key column's attr is -1
  int id_column = -1;
};

// Builds the catalog from typed header cells (and the declared catalog).
Result<HeaderPlan> plan_header(const std::vector<std::string>& cells, const ImportOptions& opt,
                               ImportReport& report) {
  Issues problems;
  std::vector<HeaderCell> parsed;
  for (const std::string& c : cells) {
    std::string why;
    auto h = parse_header_cell(c, &why);
    if (!h) {
      Issue i;
      i.code = "import.bad_header";
      i.message = why;
      problems.push_back(i);
      continue;
    }
    parsed.push_back(*h);
  }
  auto cat = opt.declared ? std::make_shared<Catalog>(*opt.declared) : std::make_shared<Catalog>();
  Catalog from_header;
  for (const HeaderCell& h : parsed) {
    if (is_key(h)) continue;
    const Attribute* a = from_header.attribute(h.name);
    if (a == nullptr) {
      Attribute na;
      na.name = h.name;
      na.type = h.type;
      na.has_periods = h.year != 0;
      (void)from_header.add(na);
      continue;
    }
    if (a->type != h.type || a->has_periods != (h.year != 0)) {
      Issue i;
      i.code = "import.header_conflict";
      i.message = fmt::format("表头中“{}”的各列类型或年度写法不一致", h.name);
      problems.push_back(i);
    }
  }
  // The declared catalog wins on descriptions; the header decides types.
  for (const Attribute& h : from_header.attributes()) {
    const Attribute* d = cat->attribute(h.name);
    if (d == nullptr) {
      (void)cat->add(h);
    } else if (d->type != h.type || d->has_periods != h.has_periods) {
      Issue i;
      i.code = "import.catalog_conflict";
      i.message = fmt::format("“{}”在表头中是 {}{}，数据目录中是 {}{}", h.name,
                              rules::type_name_en(h.type), h.has_periods ? "（分年度）" : "",
                              rules::type_name_en(d->type), d->has_periods ? "（分年度）" : "");
      problems.push_back(i);
    }
  }
  HeaderPlan plan;
  std::vector<std::pair<int32_t, int>> seen;
  for (const HeaderCell& h : parsed) {
    if (is_key(h)) {
      if (plan.id_column >= 0) {
        Issue i;
        i.code = "import.duplicate_column";
        i.message = "表头中“id”出现了两次";
        problems.push_back(i);
      }
      if (h.type != Type::kInt) {
        Issue i;
        i.code = "import.bad_id";
        i.message = "企业编号列 id 的类型必须是 int";
        problems.push_back(i);
      }
      plan.id_column = static_cast<int>(plan.refs.size());
      plan.refs.push_back(rules::AttrRef{-1, 0});
      continue;
    }
    const Attribute* a = cat->attribute(h.name);
    if (a == nullptr) {  // "id[2024]" and the like: a name the catalog has under another spelling
      Issue i;
      i.code = "import.bad_header";
      i.message = fmt::format("表头中的“{}”无法识别", h.name);
      problems.push_back(i);
      continue;
    }
    rules::AttrRef ref{a->id, static_cast<int16_t>(h.year)};
    for (auto& s : seen) {
      if (s.first == ref.attr && s.second == h.year) {
        Issue i;
        i.code = "import.duplicate_column";
        i.message = fmt::format("表头中“{}{}”出现了两次", h.name,
                                h.year ? fmt::format("[{}]", h.year) : "");
        problems.push_back(i);
      }
    }
    seen.emplace_back(ref.attr, h.year);
    plan.refs.push_back(ref);
  }
  if (has_errors(problems)) {
    report.catalog_issues = problems;
    std::string msg = "表头有错误：";
    for (size_t k = 0; k < problems.size(); ++k) msg += (k ? "；" : "") + problems[k].message;
    return Error("import.bad_header", msg);
  }
  plan.catalog = std::move(cat);
  return plan;
}

class RowParser {
 public:
  RowParser(const HeaderPlan& plan, const ImportOptions& opt, ImportReport& report)
      : plan_(plan), opt_(opt), report_(report) {
    for (auto ref : plan.refs) attrs_.push_back(ref.attr < 0 ? &key_attribute() : plan.catalog->attribute(ref.attr));
    slot_.resize(plan.refs.size());
    cells_.resize(plan.refs.size() - (plan.id_column >= 0 ? 1 : 0));
    for (size_t c = 0, k = 0; c < plan.refs.size(); ++c)
      slot_[c] = static_cast<int>(c) == plan.id_column ? &key_ : &cells_[k++];
  }

  void error(int64_t line, std::string column, std::string_view value, std::string reason) {
    ++report_.errors_total;
    if (report_.errors.size() < opt_.max_errors)
      report_.errors.push_back(
          RowError{line, std::move(column), shorten(value), std::move(reason)});
  }

  bool span_wanted() const { return static_cast<bool>(opt_.row_span); }
  void span(int64_t id, uint64_t offset, uint64_t length) const { opt_.row_span(id, offset, length); }

  std::string column_name(size_t c) const {
    const Attribute* a = attrs_[c];
    return plan_.refs[c].year ? fmt::format("{}[{}]", a->name, plan_.refs[c].year) : a->name;
  }

  // Parses one record; on success calls the sink. Returns the sink's status.
  Status row(int64_t line, const std::vector<CsvCell>& in, const RowSink& sink) {
    ++report_.rows_read;
    if (in.size() != plan_.refs.size()) {
      error(line, "", "", fmt::format("本行有 {} 列，表头有 {} 列", in.size(), plan_.refs.size()));
      ++report_.rows_rejected;
      return Status::Ok();
    }
    bool bad = false;
    for (size_t c = 0; c < in.size(); ++c) {
      std::string why;
      FactCell& cell = *slot_[c];
      cell.ref = plan_.refs[c];
      if (!parse_cell(in[c].text, in[c].quoted, *attrs_[c], cell, &why)) {
        error(line, column_name(c), in[c].text, why);
        bad = true;
      }
    }
    int64_t id = static_cast<int64_t>(report_.rows_read);
    if (!bad && plan_.id_column >= 0) {
      const FactCell& idc = key_;
      if (idc.missing) {
        error(line, "id", "", "缺少企业编号 id");
        bad = true;
      } else {
        auto v = idc.number.to_int64();
        if (!v) {
          error(line, "id", in[static_cast<size_t>(plan_.id_column)].text, "企业编号超出范围");
          bad = true;
        } else {
          id = *v;
        }
      }
    }
    if (bad) {
      ++report_.rows_rejected;
      return Status::Ok();
    }
    Status st = sink(id, cells_);
    if (!st.ok()) {
      if (st.error().code == "enterprise.duplicate_id") {
        error(line, "id", std::to_string(id), st.error().message);
        ++report_.rows_rejected;
        return Status::Ok();
      }
      return st;
    }
    ++report_.rows_loaded;
    return Status::Ok();
  }

 private:
  const HeaderPlan& plan_;
  const ImportOptions& opt_;
  ImportReport& report_;
  std::vector<const Attribute*> attrs_;
  std::vector<FactCell> cells_;    // the facts of the row, in column order without the key
  FactCell key_;                   // the id column's cell
  std::vector<FactCell*> slot_;    // per CSV column: where it is parsed to
};

// Reads rows until the reader ends, parsing each into the sink.
Status read_rows(CsvReader& reader, RowParser& rows, const RowSink& sink, ImportReport* report, int64_t line_offset) {
  std::vector<CsvCell> cells;
  std::string why;
  for (;;) {
    uint64_t start = reader.position();
    auto st = reader.next(cells, &why);
    if (st == CsvReader::Status::kEnd) break;
    if (st == CsvReader::Status::kBadRecord) {
      ++report->rows_read;
      ++report->rows_rejected;
      rows.error(reader.line() + line_offset, "", "", why);
      continue;
    }
    if (cells.size() == 1 && cells[0].text.empty() && !cells[0].quoted) continue;  // blank line
    if (!rows.span_wanted()) {
      ZHIDA_TRY(rows.row(reader.line() + line_offset, cells, sink));
      continue;
    }
    uint64_t end = reader.position();
    ZHIDA_TRY(rows.row(reader.line() + line_offset, cells, [&](int64_t id, std::span<const FactCell> c) -> Status {
      Status sunk = sink(id, c);
      if (!sunk.ok()) return sunk;
      uint64_t len = end - start;
      if (reader.ended_with_newline()) --len;
      if (reader.ended_with_cr()) --len;
      rows.span(id, start, len);
      return Status::Ok();
    }));
  }
  return Status::Ok();
}

Result<HeaderPlan> read_header(CsvReader& reader, const ImportOptions& opt, ImportReport* report) {
  std::vector<CsvCell> cells;
  std::string why;
  auto st = reader.next(cells, &why);
  if (st == CsvReader::Status::kEnd) return Error("import.empty", "文件是空的：第一行应为表头");
  if (st == CsvReader::Status::kBadRecord) return Error("import.bad_header", "表头格式错误：" + why);
  std::vector<std::string> header;
  for (const CsvCell& c : cells) header.emplace_back(c.text);
  return plan_header(header, opt, *report);
}

Status run_csv(CsvReader& reader, const ImportOptions& opt,
               const std::function<Status(std::shared_ptr<const Catalog>)>& on_catalog, const RowSink& sink,
               ImportReport* report) {
  auto t0 = std::chrono::steady_clock::now();
  auto plan = read_header(reader, opt, report);
  if (!plan.ok()) return plan.error();
  ZHIDA_TRY(on_catalog(plan->catalog));
  RowParser rows(*plan, opt, *report);
  ZHIDA_TRY(read_rows(reader, rows, sink, report, 0));
  report->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return Status::Ok();
}

// The sink that loads rows into a table; an id seen twice is a bad row.
RowSink table_sink(EnterpriseTable& table) {
  return [&table](int64_t id, std::span<const FactCell> cells) {
    if (table.row_of(id)) return Status(Error("enterprise.duplicate_id", fmt::format("企业编号 {} 重复", id)));
    return apply_row(table, id, cells);
  };
}

// Loads a large CSV with one reader per thread on ranges of the file split
// at newlines. The split is a guess (a newline might sit inside a quoted
// cell); it is verified — each range must end exactly where the next begins —
// and nullptr is returned when it does not hold, so that the caller reads
// the file in one pass instead.
std::unique_ptr<EnterpriseTable> load_parallel(const std::string& path, const HeaderPlan& plan, uint64_t header_end,
                                               int64_t header_lines, const ImportOptions& opt, ImportReport* report) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return nullptr;
  std::fseek(f, 0, SEEK_END);
  uint64_t size = static_cast<uint64_t>(std::ftell(f));
  int k = std::max(1, std::min(8, static_cast<int>(std::thread::hardware_concurrency())));
  std::vector<uint64_t> bounds = {header_end};
  std::string window(1 << 16, '\0');
  for (int i = 1; i < k; ++i) {
    uint64_t target = header_end + (size - header_end) * static_cast<uint64_t>(i) / static_cast<uint64_t>(k);
    std::fseek(f, static_cast<long>(target), SEEK_SET);
    size_t n = std::fread(window.data(), 1, window.size(), f);
    size_t nl = window.find('\n');
    if (nl == std::string::npos || nl >= n) continue;
    uint64_t b = target + nl + 1;
    if (b > bounds.back() && b < size) bounds.push_back(b);
  }
  std::fclose(f);
  bounds.push_back(size);
  size_t ranges = bounds.size() - 1;
  if (ranges < 2) return nullptr;
  struct Part {
    std::unique_ptr<EnterpriseTable> table;
    ImportReport report;
    uint64_t end = 0;
    int64_t lines = 0;
    bool ok = false;
  };
  std::vector<Part> parts(ranges);
  double row_bytes = 200;
  {
    auto probe = CsvReader::open_range(path, bounds[0], bounds[1]);
    if (probe.ok()) {
      std::vector<CsvCell> cells;
      std::string why;
      int n = 0;
      while (n < 2000 && (*probe)->next(cells, &why) != CsvReader::Status::kEnd) ++n;
      if (n > 0) row_bytes = std::max(16.0, 0.9 * static_cast<double>((*probe)->position() - bounds[0]) / n);
    }
  }
  tbb::parallel_for(size_t{0}, ranges, [&](size_t i) {
    Part& part = parts[i];
    auto reader = CsvReader::open_range(path, bounds[i], bounds[i + 1]);
    if (!reader.ok()) return;
    part.table = std::make_unique<EnterpriseTable>(plan.catalog);
    // Estimate the rows (from the bytes of a row seen in the first range),
    // so that columns are not regrown; the first range's table receives the
    // others, so it is sized for the whole file.
    uint64_t bytes = i == 0 ? size - bounds[0] : bounds[i + 1] - bounds[i];
    size_t expected = static_cast<size_t>(static_cast<double>(bytes) / row_bytes) + 4096;
    part.table->reserve(expected);
    for (rules::AttrRef ref : plan.refs)
      if (ref.attr >= 0) part.table->ensure_column(ref).reserve(expected);
    RowParser rows(plan, opt, part.report);
    Status st = read_rows(**reader, rows, table_sink(*part.table), &part.report, 0);
    part.ok = st.ok();
    part.end = (*reader)->position();
    part.lines = (*reader)->lines();
  });
  for (size_t i = 0; i < ranges; ++i) {
    if (!parts[i].ok || parts[i].end != bounds[i + 1]) return nullptr;
    for (const RowError& e : parts[i].report.errors)
      if (e.reason.find("引号") != std::string::npos) return nullptr;  // quoting out of step: redo in one pass
  }
  std::unique_ptr<EnterpriseTable> table = std::move(parts[0].table);
  for (size_t i = 1; i < ranges; ++i)
    if (!table->append(std::move(*parts[i].table)).ok()) return nullptr;  // an id in two ranges
  int64_t line_offset = header_lines;
  for (size_t i = 0; i < ranges; ++i) {
    const ImportReport& r = parts[i].report;
    report->rows_read += r.rows_read;
    report->rows_loaded += r.rows_loaded;
    report->rows_rejected += r.rows_rejected;
    report->errors_total += r.errors_total;
    for (RowError e : r.errors) {
      if (report->errors.size() >= opt.max_errors) break;
      e.line += line_offset;
      report->errors.push_back(std::move(e));
    }
    line_offset += parts[i].lines;
  }
  return table;
}

}  // namespace

Status import_csv(const std::string& path, const ImportOptions& options,
                  const std::function<Status(std::shared_ptr<const Catalog>)>& on_catalog,
                  const RowSink& sink, ImportReport* report) {
  auto reader = CsvReader::open(path);
  if (!reader.ok()) return reader.error();
  return run_csv(**reader, options, on_catalog, sink, report);
}

Status import_csv_text(std::string text, const ImportOptions& options,
                       const std::function<Status(std::shared_ptr<const Catalog>)>& on_catalog,
                       const RowSink& sink, ImportReport* report) {
  auto reader = CsvReader::from_string(std::move(text));
  return run_csv(*reader, options, on_catalog, sink, report);
}

Status import_json(const nlohmann::json& doc0, const ImportOptions& opt,
                   const std::function<Status(std::shared_ptr<const Catalog>)>& on_catalog,
                   const RowSink& sink, ImportReport* report) {
  auto t0 = std::chrono::steady_clock::now();
  const nlohmann::json* doc = &doc0;
  if (doc0.is_object() && doc0.contains("enterprises")) doc = &doc0["enterprises"];
  if (!doc->is_array())
    return Error("import.bad_json", "JSON 数据应为企业对象的数组，或 {\"enterprises\": [...]}");
  // The keys of all items make the header.
  std::vector<std::string> header;
  std::unordered_map<std::string, size_t> column_of;
  for (const auto& item : *doc) {
    if (!item.is_object()) continue;
    for (const auto& [key, _] : item.items()) {
      if (column_of.count(key)) continue;
      column_of[key] = header.size();
      header.push_back(key);
    }
  }
  // Keys without a type take it from the declared catalog.
  std::vector<std::string> typed;
  for (const std::string& key : header) {
    if (key.find(':') != std::string::npos) {
      typed.push_back(key);
      continue;
    }
    std::string name = key.substr(0, key.find('['));
    const Attribute* a = opt.declared ? opt.declared->attribute(name) : nullptr;
    if (a == nullptr && name == "id") {
      typed.push_back("id:int");
      continue;
    }
    if (a == nullptr)
      return Error(
          "import.unknown_attribute",
          fmt::format("JSON 中的“{}”不在数据目录中：请提供数据目录，或写成 “{}:类型”", key, key));
    typed.push_back(key + ":" + rules::type_name_en(a->type));
  }
  auto plan = plan_header(typed, opt, *report);
  if (!plan.ok()) return plan.error();
  if (plan->id_column < 0) return Error("import.no_id", "JSON 数据中每个企业都需要整数编号 id");
  ZHIDA_TRY(on_catalog(plan->catalog));
  RowParser rows(*plan, opt, *report);
  std::vector<std::string> storage(header.size());
  std::vector<CsvCell> cells(header.size());
  int64_t index = 0;
  for (const auto& item : *doc) {
    ++index;
    if (!item.is_object()) {
      ++report->rows_read;
      ++report->rows_rejected;
      rows.error(index, "", "", "不是 JSON 对象");
      continue;
    }
    for (size_t c = 0; c < header.size(); ++c) {
      cells[c] = CsvCell{};
      storage[c].clear();
    }
    bool bad = false;
    for (const auto& [key, v] : item.items()) {
      size_t c = column_of[key];
      std::string& s = storage[c];
      if (v.is_null()) continue;
      if (v.is_string()) {
        s = v.get<std::string>();
      } else if (v.is_boolean()) {
        s = v.get<bool>() ? "true" : "false";
      } else if (v.is_number_integer()) {
        s = std::to_string(v.get<int64_t>());
      } else if (v.is_number_float()) {
        s = v.dump();  // shortest round-trip text
      } else if (v.is_array()) {
        for (const auto& m : v) {
          if (!m.is_string()) {
            bad = true;
            break;
          }
          if (!s.empty()) s += '|';
          s += m.get<std::string>();
        }
        if (bad) {
          rows.error(index, key, v.dump(), "集合的取值必须是文本");
          break;
        }
      } else {
        rows.error(index, key, v.dump(), "不支持的 JSON 值");
        bad = true;
        break;
      }
      cells[c].quoted = true;  // present: "" is the empty string / set
    }
    if (bad) {
      ++report->rows_read;
      ++report->rows_rejected;
      continue;
    }
    for (size_t c = 0; c < header.size(); ++c) cells[c].text = storage[c];
    ZHIDA_TRY(rows.row(index, cells, sink));
  }
  report->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return Status::Ok();
}

Status apply_row(EnterpriseTable& table, int64_t id, std::span<const FactCell> cells) {
  uint32_t row;
  if (auto r = table.row_of(id)) {
    row = *r;
  } else {
    auto added = table.add_row(id);
    if (!added.ok()) return added.error();
    row = *added;
  }
  for (const FactCell& c : cells) {
    Column& col = table.ensure_column(c.ref);
    if (c.missing) {
      col.set_missing(row);
      continue;
    }
    switch (col.kind()) {
      case ColumnKind::kDecimal:
        ZHIDA_TRY(col.set_decimal(row, c.number));
        break;
      case ColumnKind::kDate:
        col.set_date(row, c.date);
        break;
      case ColumnKind::kBool:
        col.set_bool(row, c.boolean);
        break;
      case ColumnKind::kText:
        col.set_text(row, c.text);
        break;
      case ColumnKind::kSet:
        col.set_set(row, c.members);
        break;
    }
  }
  return Status::Ok();
}

Result<std::unique_ptr<EnterpriseTable>> load_enterprises(const std::string& path, const ImportOptions& options,
                                                          ImportReport* report) {
  auto t0 = std::chrono::steady_clock::now();
  std::unique_ptr<EnterpriseTable> table;
  auto on_catalog = [&](std::shared_ptr<const Catalog> cat) {
    table = std::make_unique<EnterpriseTable>(std::move(cat));
    return Status::Ok();
  };
  bool json = path.size() >= 5 && path.substr(path.size() - 5) == ".json";
  if (json) {
    std::ifstream in(path);
    if (!in) return Error("io.open_failed", fmt::format("无法打开文件 {}", path));
    nlohmann::json doc = nlohmann::json::parse(in, nullptr, false);
    if (doc.is_discarded()) return Error("import.bad_json", fmt::format("{} 不是有效的 JSON", path));
    Status st = import_json(doc, options, on_catalog, [&](int64_t id, std::span<const FactCell> cells) {
      return table_sink(*table)(id, cells);
    }, report);
    if (!st.ok()) return st.error();
  } else {
    auto reader = CsvReader::open(path);
    if (!reader.ok()) return reader.error();
    auto plan = read_header(**reader, options, report);
    if (!plan.ok()) return plan.error();
    uint64_t header_end = (*reader)->position();
    if (plan->id_column >= 0 && std::filesystem::file_size(path) > (16u << 20)) {
      ImportReport parallel;
      parallel.catalog_issues = report->catalog_issues;
      table = load_parallel(path, *plan, header_end, (*reader)->lines(), options, &parallel);
      if (table) *report = std::move(parallel);
    }
    if (!table) {
      table = std::make_unique<EnterpriseTable>(plan->catalog);
      RowParser rows(*plan, options, *report);
      Status st = read_rows(**reader, rows, table_sink(*table), report, 0);
      if (!st.ok()) return st.error();
    }
  }
  table->optimize();
  table->set_catalog(table->catalog_with_observed_values());
  report->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return table;
}

}  // namespace zhida::portrait
