#include "app/cli.h"

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "base/date.h"

namespace zhida::app {

int fail(const Error& e, bool json, const Issues& issues) {
  if (json) {
    nlohmann::json j = {{"error", {{"code", e.code}, {"message", e.message}}}};
    if (!issues.empty()) {
      nlohmann::json arr = nlohmann::json::array();
      for (const Issue& i : issues)
        arr.push_back({{"code", i.code},
                       {"message", i.message},
                       {"field", i.field},
                       {"line", i.line},
                       {"column", i.column},
                       {"severity", i.is_error() ? "error" : "warning"}});
      j["error"]["issues"] = arr;
    }
    fmt::print(stderr, "{}\n", j.dump());
  } else {
    fmt::print(stderr, "错误：{}\n", e.message);
    for (const Issue& i : issues)
      fmt::print(stderr, "  {}{}\n", i.is_error() ? "" : "（提示）", i.message);
  }
  return 1;
}

Result<Workload> load_workload(const std::string& enterprises, const std::string& policies,
                               const std::string& catalog, bool quiet, bool json, Issues* issues) {
  Workload w;
  portrait::ImportOptions opt;
  if (!catalog.empty()) {
    auto cat = portrait::Catalog::load(catalog, issues);
    if (!cat.ok()) return cat.error();
    opt.declared = std::make_shared<portrait::Catalog>(std::move(*cat));
  }
  auto t0 = std::chrono::steady_clock::now();
  auto table = portrait::load_enterprises(enterprises, opt, &w.report);
  if (!table.ok()) return table.error();
  w.table = std::move(*table);
  w.load_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!quiet && !json) {
    fmt::print(stderr, "企业数据：{}\n", w.report.summary_zh());
    for (const portrait::RowError& e : w.report.errors) {
      fmt::print(stderr, "  第 {} 行{}{}：{}\n", e.line, e.column.empty() ? "" : "，列 " + e.column,
                 e.value.empty() ? "" : "，值 “" + e.value + "”", e.reason);
    }
    if (w.report.errors_total > w.report.errors.size())
      fmt::print(stderr, "  ……另有 {} 处错误未列出\n",
                 w.report.errors_total - w.report.errors.size());
  }
  auto pols = portrait::load_policies(policies, w.table->catalog(), issues);
  if (!pols.ok()) return pols.error();
  w.policies = std::move(*pols);
  return w;
}

Result<int32_t> evaluation_date(const std::string& as_of) {
  if (as_of.empty()) return today_cst();
  auto d = parse_date(as_of);
  if (!d) return Error("cli.bad_date", fmt::format("日期“{}”无效，应为 YYYY-MM-DD", as_of));
  return *d;
}

}  // namespace zhida::app
