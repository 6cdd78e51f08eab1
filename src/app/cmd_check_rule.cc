// zhida check-rule: checks a rule against a catalog; prints its issues or
// its normalised form.
#include <fmt/format.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "app/cli.h"
#include "app/commands.h"
#include "portrait/csv_reader.h"
#include "rules/rules.h"

namespace zhida::app {
namespace {

// A catalog from a catalog file, or from the typed header of a CSV file.
Result<portrait::Catalog> read_catalog(const std::string& path, Issues* issues) {
  bool csv = path.size() >= 4 && path.substr(path.size() - 4) == ".csv";
  if (!csv) return portrait::Catalog::load(path, issues);
  auto reader = portrait::CsvReader::open(path);
  if (!reader.ok()) return reader.error();
  std::vector<portrait::CsvCell> cells;
  std::string why;
  if ((*reader)->next(cells, &why) != portrait::CsvReader::Status::kRecord)
    return Error("catalog.bad_header", "无法读取 CSV 表头");
  portrait::Catalog cat;
  for (const auto& c : cells) {
    auto h = portrait::parse_header_cell(c.text, &why);
    if (!h) return Error("catalog.bad_header", why);
    if (cat.attribute(h->name)) continue;
    portrait::Attribute a;
    a.name = h->name;
    a.type = h->type;
    a.has_periods = h->year != 0;
    (void)cat.add(a);
  }
  return cat;
}

}  // namespace

void add_check_rule_command(CLI::App& app, int& exit_code) {
  struct Opts {
    std::string catalog, rule;
    std::optional<int> reference_year;
    bool award = false, json = false;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd =
      app.add_subcommand("check-rule", "检查一条规则：列出全部错误（行、列），或给出规范写法");
  cmd->add_option("--catalog", o->catalog, "数据目录文件（JSON），或带类型表头的企业 CSV")
      ->required();
  cmd->add_option("--reference-year", o->reference_year,
                  "政策的基准年度（上年度、前年度、本年度 需要）");
  cmd->add_flag("--award", o->award, "检查的是奖励公式（结果为金额）而不是条件");
  cmd->add_flag("--json", o->json, "以 JSON 输出");
  cmd->add_option("rule", o->rule, "规则文本；写 - 从标准输入读取")->required();
  cmd->callback([o, &exit_code] {
    Issues cat_issues;
    auto cat = read_catalog(o->catalog, &cat_issues);
    if (!cat.ok()) {
      exit_code = fail(cat.error(), o->json, cat_issues);
      return;
    }
    std::string text = o->rule;
    if (text == "-") {
      text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    }
    rules::CheckOptions opts{o->award ? rules::RuleKind::kValue : rules::RuleKind::kCondition,
                             o->reference_year};
    rules::Compiled c = rules::compile(text, *cat, opts);
    if (o->json) {
      nlohmann::json issues = nlohmann::json::array();
      for (const Issue& i : c.issues)
        issues.push_back({{"severity", i.is_error() ? "error" : "warning"},
                          {"code", i.code},
                          {"message", i.message},
                          {"line", i.line},
                          {"column", i.column},
                          {"length", i.length}});
      nlohmann::json out = {{"ok", c.ok()}, {"issues", issues}};
      if (c.ok()) {
        out["normalized"] = c.program->normalized();
        out["type"] = rules::type_name_en(c.program->result_type());
      }
      fmt::print("{}\n", out.dump(2));
    } else {
      if (!c.issues.empty()) fmt::print("{}", rules::render_issues(c.issues));
      if (c.ok()) fmt::print("{}\n", c.program->normalized());
    }
    exit_code = c.ok() ? 0 : 1;
  });
}

void add_import_command(CLI::App& app, int& exit_code) {
  struct Opts {
    std::string enterprises, catalog, catalog_out;
    bool json = false;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = app.add_subcommand("import", "读取企业数据（CSV 或 JSON）并报告每一行的错误");
  cmd->add_option("--enterprises", o->enterprises, "企业数据（CSV 或 JSON）")->required();
  cmd->add_option("--catalog", o->catalog, "数据目录文件（可选）");
  cmd->add_option("--catalog-out", o->catalog_out, "把得到的数据目录写成 JSON");
  cmd->add_flag("--json", o->json, "以 JSON 输出报告");
  cmd->callback([o, &exit_code] {
    Issues issues;
    portrait::ImportOptions opt;
    if (!o->catalog.empty()) {
      auto cat = portrait::Catalog::load(o->catalog, &issues);
      if (!cat.ok()) {
        exit_code = fail(cat.error(), o->json, issues);
        return;
      }
      opt.declared = std::make_shared<portrait::Catalog>(std::move(*cat));
    }
    portrait::ImportReport report;
    auto table = portrait::load_enterprises(o->enterprises, opt, &report);
    if (!table.ok()) {
      exit_code = fail(table.error(), o->json, report.catalog_issues);
      return;
    }
    if (!o->catalog_out.empty()) {
      std::ofstream out(o->catalog_out);
      out << (*table)->catalog().to_json().dump(1) << "\n";
    }
    if (o->json) {
      nlohmann::json j = report.to_json();
      j["memory_bytes"] = (*table)->memory_bytes();
      fmt::print("{}\n", j.dump(1));
    } else {
      fmt::print("{}\n", report.summary_zh());
      for (const auto& e : report.errors)
        fmt::print("  第 {} 行{}{}：{}\n", e.line, e.column.empty() ? "" : "，列 " + e.column,
                   e.value.empty() ? "" : "，值 “" + e.value + "”", e.reason);
      if (report.errors_total > report.errors.size())
        fmt::print("  ……另有 {} 处错误未列出\n", report.errors_total - report.errors.size());
    }
    exit_code = report.rows_rejected > 0 ? 2 : 0;
  });
}

}  // namespace zhida::app
