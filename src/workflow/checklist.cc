#include "workflow/checklist.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "portrait/import.h"
#include "rules/rules.h"

namespace zhida::workflow {

using nlohmann::json;

namespace {

std::string condition_key(int i) {
  return fmt::format("condition:{}", i);
}

// What the applicant gave for condition i.
std::vector<std::string> provided_for(const portrait::Policy& policy, const DecisionInputs& in,
                                      const ConditionOutcome& co) {
  std::vector<std::string> out;
  for (const Declaration& d : in.declarations) {
    if (d.condition == co.index && d.commitment)
      out.push_back(d.text.empty() ? "已签署告知承诺" : fmt::format("告知承诺：{}", d.text));
    if (d.condition == co.index && !d.commitment && !d.text.empty())
      out.push_back(fmt::format("说明：{}", d.text));
    if (!d.attribute.empty() &&
        std::find(co.missing.begin(), co.missing.end(), d.attribute) != co.missing.end())
      out.push_back(fmt::format("申报数据：{} 为 {}", d.attribute, d.value));
  }
  const std::string& cond_material = policy.conditions[static_cast<size_t>(co.index)].material;
  for (const MaterialRef& m : in.materials) {
    bool for_this = m.condition == co.index || (!cond_material.empty() && m.name == cond_material);
    if (!for_this) continue;
    if (m.commitment)
      out.push_back(fmt::format("以告知承诺代替材料：{}", m.name));
    else
      out.push_back(fmt::format("材料：{}（{}）", m.name,
                                m.file_name.empty() ? m.sha256.substr(0, 12) : m.file_name));
  }
  return out;
}

}  // namespace

std::vector<ChecklistItem> build_checklist(const portrait::Policy& policy, const DecisionInputs& in,
                                           const DecisionResult& r) {
  std::vector<ChecklistItem> items;
  for (const ConditionOutcome& co : r.conditions) {
    ChecklistItem it;
    it.key = condition_key(co.index);
    it.kind = "condition";
    it.title = co.clause;
    it.evidence = co.evidence;
    it.provided = provided_for(policy, in, co);
    if (co.settled_by == "data") {
      it.automatic = true;
      it.verdict = co.final == "pass" ? "pass" : "fail";
      it.detail = co.final == "pass" ? "数据核验通过" : "数据核验不通过";
    } else if (!co.verifiable) {
      it.detail =
          co.material.empty() ? "人工审核" : fmt::format("人工审核，需材料：{}", co.material);
    } else if (!co.missing.empty()) {
      std::string miss;
      for (size_t k = 0; k < co.missing.size(); ++k) miss += (k ? "、" : "") + co.missing[k];
      it.detail = fmt::format("数据缺失（{}），需核实企业申报或材料", miss);
    } else {
      it.detail = "数据不足，需人工核实";
    }
    items.push_back(std::move(it));
  }
  for (const portrait::Material& mat : policy.materials) {
    ChecklistItem it;
    it.key = "material:" + mat.name;
    it.kind = "material";
    it.title = mat.name;
    for (const MaterialRef& m : in.materials) {
      if (m.name != mat.name) continue;
      if (m.commitment && mat.commitment)
        it.provided.push_back("已签署告知承诺");
      else if (m.upload_id > 0)
        it.provided.push_back(
            fmt::format("已上传：{}", m.file_name.empty() ? m.sha256.substr(0, 12) : m.file_name));
    }
    it.detail = it.provided.empty() ? (mat.commitment ? "未提供（可以告知承诺代替）" : "未提供")
                                    : (mat.description.empty() ? "已提供" : mat.description);
    items.push_back(std::move(it));
  }
  const MoneyResult& m = r.money;
  if (m.known && m.exclusivity.needs_review) {
    ChecklistItem it;
    it.key = "exclusivity";
    it.kind = "exclusivity";
    it.title = fmt::format("同一事项不重复支持（{}）", m.exclusivity.group);
    std::string ids;
    for (size_t k = 0; k < m.exclusivity.earlier_ids.size(); ++k)
      ids += (k ? "、" : "") + fmt::format("#{}", m.exclusivity.earlier_ids[k]);
    it.detail = fmt::format(
        "本年度已获同组奖励 {} 元（申请 {}）；本项 {} "
        "元。通过后按最高额支持：未拨付的较低奖励被取代",
        fen_text(m.exclusivity.earlier_max_fen), ids, fen_text(m.award_fen));
    items.push_back(std::move(it));
  }
  if (m.known && m.budget.short_fall) {
    ChecklistItem it;
    it.key = "budget";
    it.kind = "budget";
    it.title = "政策预算（先到先得）";
    it.detail = fmt::format("预算余额 {} 元，不足以支付全额；通过后按余额核定",
                            fen_text(m.budget.remaining_fen.value_or(0)));
    items.push_back(std::move(it));
  }
  if (!m.known) {
    ChecklistItem it;
    it.key = "award";
    it.kind = "award";
    it.title = "奖励金额";
    std::string notes;
    for (size_t k = 0; k < m.notes.size(); ++k) notes += (k ? "；" : "") + m.notes[k];
    it.detail = notes.empty() ? "奖励金额无法由数据计算，需审核核定" : notes + "，需审核核定";
    items.push_back(std::move(it));
  }
  return items;
}

std::vector<ChecklistItem> carry_verdicts(const std::vector<ChecklistItem>& old,
                                          std::vector<ChecklistItem> fresh) {
  std::map<std::string, const ChecklistItem*> by_key;
  for (const auto& it : old) by_key[it.key] = &it;
  for (ChecklistItem& it : fresh) {
    if (it.automatic) continue;
    auto o = by_key.find(it.key);
    if (o == by_key.end() || o->second->automatic) continue;
    if (o->second->evidence != it.evidence || o->second->provided != it.provided) continue;
    it.verdict = o->second->verdict;
    it.note = o->second->note;
    it.by = o->second->by;
    it.by_name = o->second->by_name;
    it.at = o->second->at;
  }
  return fresh;
}

Issues apply_verdicts(std::vector<ChecklistItem>& items, const std::vector<Verdict>& verdicts,
                      int64_t by, const std::string& by_name, const std::string& at) {
  Issues issues;
  for (const Verdict& v : verdicts) {
    auto it = std::find_if(items.begin(), items.end(),
                           [&](const ChecklistItem& x) { return x.key == v.key; });
    if (it == items.end()) {
      issues.push_back({Severity::kError, "review.unknown_item",
                        fmt::format("核查清单中没有“{}”", v.key), 0, 0, 0, v.key});
      continue;
    }
    if (v.verdict != "pass" && v.verdict != "fail" && v.verdict != "pending") {
      issues.push_back({Severity::kError, "review.bad_verdict",
                        fmt::format("核查项“{}”的结论必须是 pass、fail 或 pending", v.key), 0, 0, 0,
                        v.key});
      continue;
    }
    if (it->automatic) {
      if (v.verdict != it->verdict)
        issues.push_back(
            {Severity::kError, "review.automatic_item",
             fmt::format("核查项“{}”已由数据核验，不能改判（如数据有误，请先更正数据）", v.key), 0,
             0, 0, v.key});
      continue;
    }
    it->verdict = v.verdict;
    it->note = v.note;
    it->by = by;
    it->by_name = by_name;
    it->at = at;
  }
  return issues;
}

std::vector<const ChecklistItem*> open_items(const std::vector<ChecklistItem>& items) {
  std::vector<const ChecklistItem*> out;
  for (const auto& it : items)
    if (it.verdict != "pass") out.push_back(&it);
  return out;
}

std::vector<Verdict> verdicts_of(const std::vector<ChecklistItem>& items) {
  std::vector<Verdict> out;
  for (const auto& it : items)
    if (!it.automatic) out.push_back({it.key, it.verdict, it.note});
  return out;
}

json checklist_to_json(const std::vector<ChecklistItem>& items) {
  json arr = json::array();
  for (const auto& it : items)
    arr.push_back({{"key", it.key},
                   {"kind", it.kind},
                   {"title", it.title},
                   {"detail", it.detail},
                   {"evidence", it.evidence},
                   {"provided", it.provided},
                   {"automatic", it.automatic},
                   {"verdict", it.verdict},
                   {"note", it.note},
                   {"by", it.by},
                   {"by_name", it.by_name},
                   {"at", it.at}});
  return arr;
}

std::vector<ChecklistItem> checklist_from_json(const json& j) {
  std::vector<ChecklistItem> out;
  if (!j.is_array()) return out;
  for (const json& x : j) {
    ChecklistItem it;
    it.key = x.value("key", "");
    it.kind = x.value("kind", "");
    it.title = x.value("title", "");
    it.detail = x.value("detail", "");
    if (x.contains("evidence") && x["evidence"].is_array())
      it.evidence = x["evidence"].get<std::vector<std::string>>();
    if (x.contains("provided") && x["provided"].is_array())
      it.provided = x["provided"].get<std::vector<std::string>>();
    it.automatic = x.value("automatic", false);
    it.verdict = x.value("verdict", "pending");
    it.note = x.value("note", "");
    it.by = x.value("by", int64_t{0});
    it.by_name = x.value("by_name", "");
    it.at = x.value("at", "");
    out.push_back(std::move(it));
  }
  return out;
}

Issues validate_inputs(const portrait::Policy& policy, const portrait::Catalog& catalog,
                       const std::vector<Declaration>& declarations,
                       const std::vector<MaterialRef>& materials) {
  Issues issues;
  auto bad = [&](std::string field, std::string code, std::string message) {
    issues.push_back(
        {Severity::kError, std::move(code), std::move(message), 0, 0, 0, std::move(field)});
  };
  auto needed = facts_needed(policy, catalog);
  int n = static_cast<int>(policy.conditions.size());
  for (size_t i = 0; i < declarations.size(); ++i) {
    const Declaration& d = declarations[i];
    std::string f = fmt::format("declarations[{}]", i);
    if (d.condition >= n || (d.condition < 0 && d.attribute.empty()))
      bad(f + ".condition", "application.bad_declaration",
          d.condition >= n ? fmt::format("该政策没有第 {} 个条件", d.condition + 1)
                           : "申报内容需指明条件（condition）或数据项（attribute）");
    if (d.attribute.empty()) continue;
    auto ref = parse_fact_name(d.attribute, catalog);
    if (!ref || std::find(needed.begin(), needed.end(), *ref) == needed.end()) {
      bad(f + ".attribute", "application.bad_declaration",
          fmt::format("“{}”不是该政策审核所需的数据项", d.attribute));
      continue;
    }
    const portrait::Attribute* a = catalog.attribute(ref->attr);
    portrait::FactCell cell;
    std::string why;
    if (a->type != rules::Type::kString && !portrait::parse_cell(d.value, true, *a, cell, &why))
      bad(f + ".value", "application.bad_declaration",
          fmt::format("“{}”的值“{}”无效：{}", d.attribute, d.value, why));
  }
  for (size_t i = 0; i < materials.size(); ++i) {
    const MaterialRef& m = materials[i];
    std::string f = fmt::format("materials[{}]", i);
    if (m.condition >= n)
      bad(f + ".condition", "application.bad_material",
          fmt::format("该政策没有第 {} 个条件", m.condition + 1));
    if (m.name.empty() && m.condition < 0)
      bad(f + ".name", "application.bad_material",
          "材料需写明名称（name）或所证明的条件（condition）");
    if (m.commitment) {
      auto mat = std::find_if(policy.materials.begin(), policy.materials.end(),
                              [&](const portrait::Material& x) { return x.name == m.name; });
      if (mat == policy.materials.end() || !mat->commitment)
        bad(f + ".commitment", "application.bad_material",
            fmt::format("材料“{}”不能以告知承诺代替，请上传文件", m.name));
    } else if (m.upload_id <= 0) {
      bad(f + ".id", "application.bad_material", "请先上传材料文件，再以返回的 id 引用");
    }
  }
  return issues;
}

std::vector<int> unanswered_conditions(const portrait::Policy& policy, const DecisionInputs& in,
                                       const DecisionResult& r) {
  std::vector<int> out;
  for (const ConditionOutcome& co : r.conditions) {
    if (co.final != "pending") continue;
    if (!provided_for(policy, in, co).empty()) continue;
    out.push_back(co.index);
  }
  return out;
}

}  // namespace zhida::workflow
