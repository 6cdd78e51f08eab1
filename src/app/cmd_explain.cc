// zhida explain: why one enterprise does or does not meet one policy.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "app/cli.h"
#include "app/commands.h"
#include "base/format.h"
#include "match/reference.h"

namespace zhida::app {

void add_explain_command(CLI::App& app, int& exit_code) {
  struct Opts {
    std::string enterprises, policies, catalog, policy, as_of;
    int64_t enterprise = 0;
    bool json = false;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd =
      app.add_subcommand("explain", "说明一家企业是否符合一项政策，以及每个条件的结果和取值");
  cmd->add_option("--enterprises", o->enterprises, "企业数据（CSV 或 JSON）")->required();
  cmd->add_option("--policies", o->policies, "政策文件（JSON）")->required();
  cmd->add_option("--enterprise", o->enterprise, "企业编号 id")->required();
  cmd->add_option("--policy", o->policy, "政策编号")->required();
  cmd->add_option("--catalog", o->catalog, "数据目录文件（可选）");
  cmd->add_option("--as-of", o->as_of, "评估日期 YYYY-MM-DD，默认今天");
  cmd->add_flag("--json", o->json, "以 JSON 输出");
  cmd->callback([o, &exit_code] {
    Issues issues;
    auto today = evaluation_date(o->as_of);
    if (!today.ok()) {
      exit_code = fail(today.error(), o->json);
      return;
    }
    auto w = load_workload(o->enterprises, o->policies, o->catalog, true, o->json, &issues);
    if (!w.ok()) {
      exit_code = fail(w.error(), o->json, issues);
      return;
    }
    auto row = w->table->row_of(o->enterprise);
    if (!row) {
      exit_code =
          fail(Error("explain.no_enterprise", fmt::format("没有编号为 {} 的企业", o->enterprise)),
               o->json);
      return;
    }
    const portrait::Policy* pol = nullptr;
    for (const auto& p : w->policies)
      if (p.id == o->policy) pol = &p;
    if (!pol) {
      exit_code =
          fail(Error("explain.no_policy", fmt::format("没有编号为 {} 的政策", o->policy)), o->json);
      return;
    }
    rules::EvalContext ctx{*today};
    auto facts = w->table->facts(*row);
    const auto& cat = w->table->catalog();
    rules::Explanation e = rules::explain(*pol->rule, facts, ctx, cat);
    std::optional<Decimal> award;
    if (e.verdict == rules::Tri::kTrue && pol->award)
      award = match::award_of(rules::evaluate_value(*pol->award, facts, ctx));
    if (o->json) {
      nlohmann::json conds = nlohmann::json::array();
      for (const auto& c : e.conditions) {
        nlohmann::json ev = nlohmann::json::array();
        for (const auto& x : c.evidence) {
          nlohmann::json j = {{"text", x.text}, {"result", rules::tri_name_zh(x.result)}};
          if (x.gap) j["gap"] = x.gap->to_string();
          ev.push_back(j);
        }
        nlohmann::json miss = nlohmann::json::array();
        for (const auto& m : c.missing) miss.push_back(m.name);
        conds.push_back({{"condition", c.text},
                         {"result", c.result == rules::Tri::kTrue    ? "true"
                                    : c.result == rules::Tri::kFalse ? "false"
                                                                     : "unknown"},
                         {"evidence", ev},
                         {"missing", miss}});
      }
      nlohmann::json miss = nlohmann::json::array();
      for (const auto& m : e.missing) miss.push_back(m.name);
      nlohmann::json out = {{"enterprise", o->enterprise},
                            {"policy", pol->id},
                            {"verdict", e.verdict == rules::Tri::kTrue    ? "match"
                                        : e.verdict == rules::Tri::kFalse ? "no"
                                                                          : "possible"},
                            {"conditions", conds},
                            {"missing", miss}};
      if (award) out["award"] = award->to_string();
      fmt::print("{}\n", out.dump(2));
      return;
    }
    std::string name;
    if (const auto* a = cat.attribute("企业名称"); a) {
      auto v = facts.get(rules::AttrRef{a->id, 0});
      if (!v.is_missing()) name = std::string(v.text);
    }
    fmt::print("企业 {}{}\n政策 {} {}\n", o->enterprise, name.empty() ? "" : " " + name, pol->id,
               pol->name);
    fmt::print("{}", rules::render(e));
    if (award) fmt::print("可获奖励：{} 元（{}）\n", format_grouped(*award), format_amount(*award));
  });
}

}  // namespace zhida::app
