#include "services/demo/install.h"

#include <fmt/format.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "services/demo/corpus.h"
#include "store/portrait_store.h"

namespace zhida::services::demo {

bool installed(Platform& platform) {
  return platform.enterprise_count() > 0 || !platform.policies().empty();
}

Result<Installed> install(Platform& platform, const InstallOptions& options) {
  auto say = [&](const std::string& s) {
    if (options.progress) options.progress(s);
  };
  if (installed(platform)) return Error("demo.not_empty", "数据库中已有数据，不能再生成演示区");
  auto t0 = std::chrono::steady_clock::now();
  auto seconds = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };

  auto catalog = load_demo_catalog();
  if (!catalog.ok()) return catalog.error();
  auto policies = load_demo_policies(**catalog);
  if (!policies.ok()) return policies.error();

  // The enterprises, as the CSV text a department would upload.
  std::string csv = csv_header(**catalog);
  csv += '\n';
  csv.reserve(static_cast<size_t>(options.n) * 900);
  std::vector<store::BatchRow> rows;
  rows.reserve(static_cast<size_t>(options.n));
  ZHIDA_TRY(generate(**catalog, GeneratorOptions{options.seed, options.n},
                     [&](int64_t id, std::span<const portrait::FactCell> cells) {
                       size_t start = csv.size();
                       append_csv_row(csv, id, cells);
                       rows.push_back({id, static_cast<int64_t>(start), static_cast<int64_t>(csv.size() - start - 1)});
                       return Status::Ok();
                     }));
  say(fmt::format("已生成 {} 家企业（{:.1f} 秒）", options.n, seconds()));

  // Policy drafts published as version 1.
  auto docs = nlohmann::json::parse(demo_policies_json());
  if (docs.is_object() && docs.contains("policies")) docs = docs["policies"];
  std::string as_of = platform.clock().timestamp();
  ZHIDA_TRY(platform.db().transaction([&](store::Tx& tx) -> Status {
    ZHIDA_TRY(store::save_catalog(tx, **catalog));
    store::BatchInfo info;
    info.kind = "demo";
    info.source = "演示数据（市场监管局、税务局、统计局等部门数据汇总）";
    info.as_of = as_of;
    info.file_name = "宝安演示区企业画像.csv";
    nlohmann::json report = {{"rows_read", options.n}, {"rows_loaded", options.n}, {"rows_rejected", 0}};
    auto batch = store::add_batch(tx, info, csv, rows, report);
    if (!batch.ok()) return batch.error();
    for (const auto& doc : docs) {
      store::PolicyRow row;
      row.id = doc.value("id", "");
      row.draft = doc.dump();
      row.department = doc.value("department", "");
      ZHIDA_TRY(store::insert_policy(tx, row, as_of));
      auto v = store::publish_policy(tx, row.id, 0, as_of);
      if (!v.ok()) return v.error();
    }
    return Status::Ok();
  }));
  csv.clear();
  csv.shrink_to_fit();
  say(fmt::format("已写入数据库（{:.1f} 秒）", seconds()));

  ZHIDA_TRY(platform.reload());
  say(fmt::format("已载入 {} 家企业、{} 项政策（{:.1f} 秒）", platform.enterprise_count(), platform.policies().size(),
                  seconds()));

  Installed out;
  rules::EvalContext ctx{platform.clock().today()};
  platform.read([&](const portrait::EnterpriseTable& t) {
    out.enterprises = choose_demo_enterprises(t, *policies, ctx);
    out.accounts = demo_accounts(t, *policies, out.enterprises);
    return 0;
  });
  return out;
}

}  // namespace zhida::services::demo
