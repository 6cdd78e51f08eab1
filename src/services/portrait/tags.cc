#include "services/portrait/tags.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "base/utf8.h"

namespace zhida::services {

using nlohmann::json;
using portrait::Attribute;
using portrait::Catalog;

namespace {

Issue make_issue(std::string code, std::string message, std::string field = "") {
  Issue i;
  i.code = std::move(code);
  i.message = std::move(message);
  i.field = std::move(field);
  return i;
}

rules::CheckOptions condition_options(std::optional<int> reference_year) {
  rules::CheckOptions o;
  o.kind = rules::RuleKind::kCondition;
  o.reference_year = reference_year;
  return o;
}

// Tag attributes a program reads.
std::vector<int32_t> attrs_read(const rules::Program& p) {
  std::vector<int32_t> out;
  for (const rules::AttrRef& r : p.attributes())
    if (std::find(out.begin(), out.end(), r.attr) == out.end()) out.push_back(r.attr);
  return out;
}

bool reads(const rules::ProgramPtr& p, int32_t attr) {
  if (!p) return false;
  for (const rules::AttrRef& r : p->attributes())
    if (r.attr == attr) return true;
  return false;
}

struct CompiledTag {
  const store::TagRow* row = nullptr;
  rules::ProgramPtr program;
};

// Dependencies among compiled tags (indices into `tags`).
std::vector<std::vector<size_t>> dependencies(const std::vector<CompiledTag>& tags) {
  std::map<int32_t, size_t> index;
  for (size_t i = 0; i < tags.size(); ++i) index[tags[i].row->attr_id] = i;
  std::vector<std::vector<size_t>> deps(tags.size());
  for (size_t i = 0; i < tags.size(); ++i)
    for (int32_t a : attrs_read(*tags[i].program))
      if (auto it = index.find(a); it != index.end()) deps[i].push_back(it->second);
  return deps;
}

std::string cycle_text(const std::vector<CompiledTag>& tags, const std::vector<size_t>& cycle) {
  std::string s;
  for (size_t k = 0; k < cycle.size(); ++k) s += (k ? " → " : "") + tags[cycle[k]].row->name;
  return s + " → " + tags[cycle.front()].row->name;
}

}  // namespace

// ---- cycles

std::vector<std::vector<size_t>> find_cycles(const std::vector<std::vector<size_t>>& deps) {
  // Tarjan's strongly connected components; each cyclic component yields
  // one shortest cycle through its first node (BFS), so the message names a
  // real path.
  size_t n = deps.size();
  std::vector<int> index(n, -1), low(n, 0);
  std::vector<bool> on_stack(n, false);
  std::vector<size_t> stack;
  std::vector<std::vector<size_t>> components;
  int counter = 0;
  std::function<void(size_t)> visit = [&](size_t v) {
    index[v] = low[v] = counter++;
    stack.push_back(v);
    on_stack[v] = true;
    for (size_t w : deps[v]) {
      if (index[w] < 0) {
        visit(w);
        low[v] = std::min(low[v], low[w]);
      } else if (on_stack[w]) {
        low[v] = std::min(low[v], index[w]);
      }
    }
    if (low[v] == index[v]) {
      std::vector<size_t> comp;
      size_t w;
      do {
        w = stack.back();
        stack.pop_back();
        on_stack[w] = false;
        comp.push_back(w);
      } while (w != v);
      components.push_back(std::move(comp));
    }
  };
  for (size_t v = 0; v < n; ++v)
    if (index[v] < 0) visit(v);
  std::vector<std::vector<size_t>> cycles;
  for (auto& comp : components) {
    bool self = comp.size() == 1 && std::find(deps[comp[0]].begin(), deps[comp[0]].end(), comp[0]) != deps[comp[0]].end();
    if (comp.size() < 2 && !self) continue;
    std::sort(comp.begin(), comp.end());
    std::set<size_t> in(comp.begin(), comp.end());
    size_t start = comp.front();
    // BFS from start's successors back to start.
    std::map<size_t, size_t> parent;
    std::deque<size_t> queue;
    std::vector<size_t> path;
    for (size_t w : deps[start]) {
      if (!in.count(w) || parent.count(w)) continue;
      parent[w] = start;
      queue.push_back(w);
    }
    bool found = std::find(deps[start].begin(), deps[start].end(), start) != deps[start].end();
    size_t last = start;
    while (!found && !queue.empty()) {
      size_t v = queue.front();
      queue.pop_front();
      for (size_t w : deps[v]) {
        if (w == start) {
          found = true;
          last = v;
          break;
        }
        if (!in.count(w) || parent.count(w)) continue;
        parent[w] = v;
        queue.push_back(w);
      }
    }
    if (last != start)
      for (size_t v = last; v != start; v = parent[v]) path.push_back(v);
    path.push_back(start);
    std::reverse(path.begin(), path.end());
    cycles.push_back(std::move(path));
  }
  return cycles;
}

// ---- TagSet

std::shared_ptr<const TagSet> TagSet::build(const std::vector<store::TagRow>& rows, const Catalog& catalog,
                                            Issues* problems) {
  std::vector<CompiledTag> tags;
  for (const store::TagRow& r : rows) {
    if (!r.active) continue;
    const Attribute* a = catalog.attribute(r.attr_id);
    if (!a || a->name != r.name) {
      if (problems)
        problems->push_back(make_issue("tag.missing_attribute",
                                       fmt::format("标签“{}”在数据目录中没有对应的属性", r.name), r.name));
      continue;
    }
    rules::Compiled c = rules::compile(r.rule, catalog, condition_options(r.reference_year));
    if (!c.ok()) {
      if (problems)
        problems->push_back(make_issue("tag.invalid",
                                       fmt::format("标签“{}”的规则有错误：{}", r.name, rules::render_issues(c.issues)),
                                       r.name));
      continue;
    }
    tags.push_back({&r, c.program});
  }
  auto deps = dependencies(tags);
  std::vector<bool> dropped(tags.size(), false);
  for (const auto& cycle : find_cycles(deps)) {
    for (size_t i : cycle) dropped[i] = true;
    if (problems)
      problems->push_back(make_issue("tag.cycle", fmt::format("标签之间循环引用：{}", cycle_text(tags, cycle))));
  }
  // Kahn's order over the rest (dependencies first; ties by definition order).
  size_t n = tags.size();
  std::vector<size_t> pending(n, 0);
  std::vector<std::vector<size_t>> users(n);
  for (size_t i = 0; i < n; ++i) {
    if (dropped[i]) continue;
    for (size_t d : deps[i]) {
      if (dropped[d]) continue;
      ++pending[i];
      users[d].push_back(i);
    }
  }
  auto set = std::make_shared<TagSet>();
  std::set<size_t> ready;
  for (size_t i = 0; i < n; ++i)
    if (!dropped[i] && pending[i] == 0) ready.insert(i);
  while (!ready.empty()) {
    size_t i = *ready.begin();
    ready.erase(ready.begin());
    set->entries_.push_back({tags[i].row->attr_id, tags[i].row->name, tags[i].program});
    for (size_t u : users[i])
      if (--pending[u] == 0) ready.insert(u);
  }
  return set;
}

std::shared_ptr<const TagSet> TagSet::restricted_to(const std::vector<int32_t>& attrs,
                                                    const std::vector<int32_t>& clear) const {
  auto out = std::make_shared<TagSet>();
  for (int32_t a : clear) out->entries_.push_back({a, "", nullptr});
  std::set<int32_t> dirty(attrs.begin(), attrs.end());
  dirty.insert(clear.begin(), clear.end());
  for (const Entry& e : entries_) {
    bool wanted = dirty.count(e.attr) > 0;
    if (!wanted)
      for (int32_t d : dirty)
        if (reads(e.program, d)) wanted = true;
    if (!wanted) continue;
    dirty.insert(e.attr);
    out->entries_.push_back(e);
  }
  return out;
}

std::vector<int64_t> TagSet::derive(portrait::EnterpriseTable& t, const std::vector<uint32_t>* rows,
                                    const rules::EvalContext& ctx) const {
  size_t n = rows ? rows->size() : t.rows();
  std::vector<uint8_t> changed(n, 0);
  std::vector<rules::Tri> result(n, rules::Tri::kUnknown);
  auto row_at = [&](size_t k) -> size_t { return rows ? (*rows)[k] : k; };
  for (const Entry& e : entries_) {
    if (!t.catalog().attribute(e.attr)) continue;
    portrait::Column& col = t.ensure_column(rules::AttrRef{e.attr, 0});
    if (col.size() < t.rows()) col.resize(t.rows());
    if (e.program) {
      // Read in parallel (nothing is written meanwhile), then write.
      const portrait::EnterpriseTable& view = t;
      auto eval = [&](size_t k) { result[k] = rules::evaluate_condition(*e.program, view.facts(row_at(k)), ctx); };
      if (n >= 4096) {
        tbb::parallel_for(tbb::blocked_range<size_t>(0, n, 2048), [&](const tbb::blocked_range<size_t>& r) {
          for (size_t k = r.begin(); k < r.end(); ++k) eval(k);
        });
      } else {
        for (size_t k = 0; k < n; ++k) eval(k);
      }
    }
    for (size_t k = 0; k < n; ++k) {
      size_t row = row_at(k);
      bool was_valid = col.is_valid(row);
      bool was = was_valid && col.bools().get(row);
      rules::Tri v = e.program ? result[k] : rules::Tri::kUnknown;
      if (v == rules::Tri::kUnknown) {
        if (was_valid) {
          col.set_missing(row);
          changed[k] = 1;
        }
      } else {
        bool b = v == rules::Tri::kTrue;
        if (!was_valid || was != b) {
          col.set_bool(row, b);
          changed[k] = 1;
        }
      }
    }
  }
  std::vector<int64_t> ids;
  for (size_t k = 0; k < n; ++k)
    if (changed[k]) ids.push_back(t.id(row_at(k)));
  std::sort(ids.begin(), ids.end());
  return ids;
}

// ---- Tags

Tags::~Tags() { stop(); }

Status Tags::start() {
  ZHIDA_TRY(install({}, {}));
  std::lock_guard l(worker_mu_);
  if (!worker_.joinable()) {
    stopping_ = false;
    worker_ = std::thread([this] { run_daily(); });
  }
  return Status::Ok();
}

void Tags::stop() {
  {
    std::lock_guard l(worker_mu_);
    stopping_ = true;
  }
  worker_cv_.notify_all();
  if (worker_.joinable()) worker_.join();
}

void Tags::run_daily() {
  int32_t day = platform_.clock().today();
  std::unique_lock l(worker_mu_);
  while (!stopping_) {
    worker_cv_.wait_for(l, std::chrono::seconds(60), [&] { return stopping_; });
    if (stopping_) break;
    int32_t today = platform_.clock().today();
    if (today == day) continue;
    day = today;
    l.unlock();
    {
      std::lock_guard change(mu_);
      Status st = install({}, {});
      if (!st.ok()) spdlog::error("标签：按新日期重新计算失败：{}", st.error().message);
    }
    l.lock();
  }
}

Status Tags::install(const std::vector<int32_t>& changed, const std::vector<int32_t>& cleared) {
  std::vector<store::TagRow> rows;
  ZHIDA_TRY(platform_.db().transaction(
      [&](store::Tx& tx) -> Status {
        ZHIDA_ASSIGN_OR_RETURN(rows, store::list_tags(tx));
        return Status::Ok();
      },
      store::Mode::kRead));
  Issues problems;
  auto full = TagSet::build(rows, *platform_.catalog(), &problems);
  for (const Issue& i : problems) spdlog::error("标签：{}", i.message);
  if (changed.empty() && cleared.empty()) {
    platform_.set_derivation(full, full.get());
  } else {
    auto now = full->restricted_to(changed, cleared);
    platform_.set_derivation(full, now.get());
  }
  return Status::Ok();
}

namespace {

struct Checked {
  std::string name, rule, description;
  std::optional<int> reference_year;
  bool active = true;
};

// Field checks of an Input (lengths, ranges); problems to `issues`.
void check_fields(const Tags::Input& in, bool creating, Issues& issues) {
  if (creating && !in.name) issues.push_back(make_issue("tag.missing_field", "缺少标签名称 name", "name"));
  if (creating && !in.rule) issues.push_back(make_issue("tag.missing_field", "缺少标签规则 rule", "rule"));
  if (in.name && (in.name->empty() || utf8::length(*in.name) > 40))
    issues.push_back(make_issue("tag.bad_name", "标签名称应为 1 到 40 个字", "name"));
  if (in.rule && (in.rule->find_first_not_of(" \t\r\n") == std::string::npos || in.rule->size() > 8000))
    issues.push_back(make_issue("tag.bad_rule", "标签规则不能为空，且不超过 8000 字节", "rule"));
  if (in.description && utf8::length(*in.description) > 1000)
    issues.push_back(make_issue("tag.bad_description", "说明不能超过 1000 字", "description"));
  if (in.reference_year && *in.reference_year && (**in.reference_year < 2000 || **in.reference_year > 2100))
    issues.push_back(make_issue("tag.bad_year", "参考年度应在 2000 到 2100 之间", "reference_year"));
}

// The definition checks against a catalog that has the tag's attribute:
// the name can be written in a rule, the rule compiles, and no cycle
// passes through the tag. `others` are the other definitions.
void check_definition(const Catalog& catalog, const Checked& tag, int32_t attr,
                      const std::vector<store::TagRow>& others, Issues& issues) {
  rules::Compiled name_check = rules::compile(tag.name, catalog, condition_options(std::nullopt));
  if (!name_check.ok()) {
    issues.push_back(make_issue("tag.bad_name",
                                fmt::format("标签名称“{}”不能在规则中使用：只能由汉字、字母、数字和下划线组成，"
                                            "不能以数字开头，也不能是 and、or、not、in、true 等关键字",
                                            tag.name),
                                "name"));
    return;
  }
  rules::Compiled c = rules::compile(tag.rule, catalog, condition_options(tag.reference_year));
  for (Issue i : c.issues) {
    i.field = "rule";
    issues.push_back(std::move(i));
  }
  if (!c.ok() || !tag.active) return;
  // Cycles through this tag, among the active definitions.
  store::TagRow self;
  self.name = tag.name;
  self.attr_id = attr;
  std::vector<CompiledTag> tags;
  tags.push_back({&self, c.program});
  for (const store::TagRow& r : others) {
    if (!r.active || r.attr_id == attr) continue;
    rules::Compiled o = rules::compile(r.rule, catalog, condition_options(r.reference_year));
    if (o.ok()) tags.push_back({&r, o.program});
  }
  for (const auto& cycle : find_cycles(dependencies(tags))) {
    if (std::find(cycle.begin(), cycle.end(), size_t{0}) == cycle.end()) continue;
    // Start the path at this tag.
    std::vector<size_t> path = cycle;
    std::rotate(path.begin(), std::find(path.begin(), path.end(), size_t{0}), path.end());
    issues.push_back(make_issue("tag.cycle", fmt::format("标签之间不能循环引用：{}", cycle_text(tags, path)), "rule"));
  }
}

Result<std::vector<store::TagRow>> read_tags(Platform& platform) {
  std::vector<store::TagRow> rows;
  ZHIDA_TRY(platform.db().transaction(
      [&](store::Tx& tx) -> Status {
        ZHIDA_ASSIGN_OR_RETURN(rows, store::list_tags(tx));
        return Status::Ok();
      },
      store::Mode::kRead));
  return rows;
}

Error invalid(const Issues& issues) {
  for (const Issue& i : issues)
    if (i.code == "tag.conflict") return Error("tag.conflict", i.message);
  size_t errors = 0;
  for (const Issue& i : issues) errors += i.is_error() ? 1 : 0;
  return Error("tag.invalid", fmt::format("标签有 {} 处错误，未作任何更改", errors));
}

json tag_audit(const store::TagRow& t) {
  return {{"name", t.name}, {"rule", t.rule}, {"active", t.active}, {"description", t.description}};
}

}  // namespace

Result<store::TagRow> Tags::create(const Input& in, const Actor& actor, Issues* issues) {
  Issues local;
  Issues& out = issues ? *issues : local;
  size_t before = out.size();
  check_fields(in, true, out);
  if (has_errors(Issues(out.begin() + static_cast<std::ptrdiff_t>(before), out.end()))) return invalid(out);
  std::lock_guard l(mu_);
  auto rows = read_tags(platform_);
  if (!rows.ok()) return rows.error();
  Checked tag{*in.name, *in.rule, in.description.value_or(""),
              in.reference_year.value_or(std::nullopt), in.active.value_or(true)};
  store::TagRow row;
  row.name = tag.name;
  row.rule = tag.rule;
  row.description = tag.description;
  row.reference_year = tag.reference_year;
  row.active = tag.active;
  row.created_by = row.updated_by = actor.user_id;
  row.updated_at = platform_.clock().timestamp();
  Status st = platform_.edit_catalog(
      {.edit =
           [&](Catalog& next, Issues& problems) {
             if (const Attribute* a = next.attribute(tag.name)) {
               problems.push_back(make_issue(
                   "tag.conflict",
                   a->source == kTagSource ? fmt::format("已有名为“{}”的标签", tag.name)
                                           : fmt::format("数据目录中已有名为“{}”的属性，标签不能与之重名", tag.name),
                   "name"));
               return;
             }
             Attribute a;
             a.name = tag.name;
             a.type = rules::Type::kBool;
             a.source = std::string(kTagSource);
             a.frequency = "实时";
             a.sensitivity = portrait::Sensitivity::kInternal;
             a.description = tag.description;
             auto id = next.add(std::move(a));
             if (!id.ok()) {
               problems.push_back(make_issue("tag.conflict", id.error().message, "name"));
               return;
             }
             row.attr_id = *id;
             check_definition(next, tag, *id, *rows, problems);
           },
       .in_tx =
           [&](store::Tx& tx, const Catalog&) -> Status {
             ZHIDA_ASSIGN_OR_RETURN(row.id, store::insert_tag(tx, row));
             return append_audit(tx, platform_.clock(), actor, "tag.create", "tag", std::to_string(row.id), tag_audit(row));
           }},
      &out);
  if (!st.ok()) {
    if (st.error().code == "catalog.invalid") return invalid(out);
    if (st.error().code == "db.unique_violation") return Error("tag.conflict", fmt::format("已有名为“{}”的标签", tag.name));
    return st.error();
  }
  row.created_at = row.updated_at;
  ZHIDA_TRY(install({row.attr_id}, {}));
  return row;
}

std::vector<std::string> Tags::users_of(int32_t attr, const std::vector<store::TagRow>& rows) const {
  std::vector<std::string> out;
  for (const auto& pp : platform_.policies()) {
    const portrait::Policy& p = *pp->policy;
    bool used = reads(p.rule, attr) || reads(p.award, attr);
    for (const auto& c : p.conditions) used = used || reads(c.program, attr);
    if (used) out.push_back(fmt::format("政策 {}（{}）", p.id, p.name));
  }
  auto catalog = platform_.catalog();
  for (const store::TagRow& r : rows) {
    if (!r.active || r.attr_id == attr) continue;
    rules::Compiled c = rules::compile(r.rule, *catalog, condition_options(r.reference_year));
    if (c.ok() && reads(c.program, attr)) out.push_back(fmt::format("标签 {}", r.name));
  }
  return out;
}

Result<store::TagRow> Tags::update(int64_t id, const Input& in, const Actor& actor, Issues* issues) {
  Issues local;
  Issues& out = issues ? *issues : local;
  size_t before = out.size();
  check_fields(in, false, out);
  if (has_errors(Issues(out.begin() + static_cast<std::ptrdiff_t>(before), out.end()))) return invalid(out);
  std::lock_guard l(mu_);
  auto rows = read_tags(platform_);
  if (!rows.ok()) return rows.error();
  auto it = std::find_if(rows->begin(), rows->end(), [&](const store::TagRow& r) { return r.id == id; });
  if (it == rows->end()) return Error("db.not_found", fmt::format("没有编号为 {} 的标签", id));
  store::TagRow old = *it;
  if (in.name && *in.name != old.name) {
    out.push_back(make_issue("tag.rename", "标签名称不能修改（政策和其他标签的规则按名称引用它）；请新建一个标签", "name"));
    return invalid(out);
  }
  store::TagRow row = old;
  if (in.rule) row.rule = *in.rule;
  if (in.description) row.description = *in.description;
  if (in.reference_year) row.reference_year = *in.reference_year;
  if (in.active) row.active = *in.active;
  row.updated_by = actor.user_id;
  row.updated_at = platform_.clock().timestamp();
  bool deactivating = old.active && !row.active;
  bool recompute = row.active && (!old.active || row.rule != old.rule || row.reference_year != old.reference_year);
  if (deactivating) {
    auto users = users_of(old.attr_id, *rows);
    if (!users.empty()) {
      for (const std::string& u : users)
        out.push_back(make_issue("tag.in_use", fmt::format("{} 使用了标签“{}”", u, old.name)));
      return Error("tag.in_use", fmt::format("标签“{}”正被使用（{} 处），不能停用", old.name, users.size()));
    }
  }
  Checked tag{row.name, row.rule, row.description, row.reference_year, row.active};
  Status st = platform_.edit_catalog(
      {.edit =
           [&](Catalog& next, Issues& problems) {
             Attribute* a = next.mutable_attribute(row.name);
             if (!a || a->id != row.attr_id) {
               problems.push_back(make_issue("tag.missing_attribute", "标签在数据目录中的属性不见了", "name"));
               return;
             }
             a->description = row.description;
             check_definition(next, tag, row.attr_id, *rows, problems);
           },
       .in_tx =
           [&](store::Tx& tx, const Catalog&) -> Status {
             ZHIDA_TRY(store::update_tag(tx, row));
             return append_audit(tx, platform_.clock(), actor, "tag.update", "tag", std::to_string(row.id),
                                 {{"before", tag_audit(old)}, {"after", tag_audit(row)}});
           }},
      &out);
  if (!st.ok()) {
    if (st.error().code == "catalog.invalid") return invalid(out);
    return st.error();
  }
  if (recompute || deactivating)
    ZHIDA_TRY(install(recompute ? std::vector<int32_t>{row.attr_id} : std::vector<int32_t>{},
                      deactivating ? std::vector<int32_t>{row.attr_id} : std::vector<int32_t>{}));
  return row;
}

Status Tags::remove(int64_t id, const Actor& actor, Issues* issues) {
  std::lock_guard l(mu_);
  auto rows = read_tags(platform_);
  if (!rows.ok()) return rows.error();
  auto it = std::find_if(rows->begin(), rows->end(), [&](const store::TagRow& r) { return r.id == id; });
  if (it == rows->end()) return Error("db.not_found", fmt::format("没有编号为 {} 的标签", id));
  store::TagRow old = *it;
  auto users = users_of(old.attr_id, *rows);
  if (!users.empty()) {
    if (issues)
      for (const std::string& u : users)
        issues->push_back(make_issue("tag.in_use", fmt::format("{} 使用了标签“{}”", u, old.name)));
    return Error("tag.in_use", fmt::format("标签“{}”正被使用（{} 处），不能删除", old.name, users.size()));
  }
  std::string retired = fmt::format("已删除标签_{}", old.attr_id);
  Status st = platform_.edit_catalog(
      {.edit =
           [&](Catalog& next, Issues&) {
             Catalog fresh;
             for (Attribute a : next.attributes()) {
               if (a.id == old.attr_id) {
                 a.name = retired;
                 a.source = std::string(kRetiredTagSource);
                 a.description = fmt::format("已删除的标签“{}”", old.name);
               }
               (void)fresh.add(std::move(a));
             }
             next = std::move(fresh);
           },
       .in_tx =
           [&](store::Tx& tx, const Catalog&) -> Status {
             ZHIDA_TRY(store::delete_tag(tx, old.id));
             ZHIDA_TRY(store::retire_attribute(tx, old.attr_id, retired, std::string(kRetiredTagSource)));
             return append_audit(tx, platform_.clock(), actor, "tag.delete", "tag", std::to_string(old.id), tag_audit(old));
           }},
      issues);
  if (!st.ok()) return st.error();
  return install({}, {old.attr_id});
}

Result<Issues> Tags::check(const std::string& name, const std::string& rule, std::optional<int> reference_year) {
  Issues out;
  Input in;
  in.name = name;
  in.rule = rule;
  in.reference_year = reference_year;
  check_fields(in, true, out);
  if (has_errors(out)) return out;
  auto rows = read_tags(platform_);
  if (!rows.ok()) return rows.error();
  Catalog next = *platform_.catalog();
  int32_t attr = -1;
  if (const Attribute* existing = next.attribute(name)) {
    if (existing->source != kTagSource) {
      out.push_back(make_issue("tag.conflict", fmt::format("数据目录中已有名为“{}”的属性，标签不能与之重名", name),
                               "name"));
      return out;
    }
    attr = existing->id;
  } else {
    Attribute a;
    a.name = name;
    a.type = rules::Type::kBool;
    a.source = std::string(kTagSource);
    auto id = next.add(std::move(a));
    if (!id.ok()) return id.error();
    attr = *id;
  }
  check_definition(next, Checked{name, rule, "", reference_year, true}, attr, *rows, out);
  return out;
}

Result<std::vector<store::TagRow>> Tags::list() { return read_tags(platform_); }

Result<std::optional<store::TagRow>> Tags::get(int64_t id) {
  std::optional<store::TagRow> row;
  ZHIDA_TRY(platform_.db().transaction(
      [&](store::Tx& tx) -> Status {
        ZHIDA_ASSIGN_OR_RETURN(row, store::get_tag(tx, id));
        return Status::Ok();
      },
      store::Mode::kRead));
  return row;
}

Tags::Counts Tags::counts(int32_t attr) const {
  return platform_.read([&](const portrait::EnterpriseTable& t) {
    Counts c;
    const portrait::Column* col = t.column(rules::AttrRef{attr, 0});
    size_t rows = t.rows();
    if (!col) {
      c.unknown = static_cast<int64_t>(rows);
      return c;
    }
    int64_t valid = 0, yes = 0;
    const auto& v = col->valid();
    const auto& b = col->bools();
    size_t words = std::min(v.word_count(), b.word_count());
    for (size_t w = 0; w < v.word_count(); ++w) {
      valid += std::popcount(v.words()[w]);
      if (w < words) yes += std::popcount(v.words()[w] & b.words()[w]);
    }
    c.yes = yes;
    c.no = valid - yes;
    c.unknown = static_cast<int64_t>(rows) - valid;
    return c;
  });
}

json Tags::to_json(const store::TagRow& t) const {
  Counts c = counts(t.attr_id);
  return {{"id", t.id},
          {"name", t.name},
          {"rule", t.rule},
          {"description", t.description},
          {"reference_year", t.reference_year ? json(*t.reference_year) : json(nullptr)},
          {"active", t.active},
          {"attribute_id", t.attr_id},
          {"created_at", t.created_at},
          {"updated_at", t.updated_at},
          {"created_by", t.created_by},
          {"updated_by", t.updated_by},
          {"counts", {{"yes", c.yes}, {"no", c.no}, {"unknown", c.unknown}}}};
}

}  // namespace zhida::services
