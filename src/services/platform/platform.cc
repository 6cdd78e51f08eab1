#include "services/platform/platform.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>
#include <set>

#include "portrait/csv_reader.h"
#include "store/value.h"

namespace zhida::services {

using portrait::Catalog;
using portrait::EnterpriseTable;

bool is_derived(const portrait::Attribute& a) { return a.source == kTagSource || a.source == kRetiredTagSource; }

Platform::~Platform() = default;

Result<std::unique_ptr<Platform>> Platform::open(PlatformOptions options) {
  std::unique_ptr<Platform> p(new Platform());
  p->clock_ = options.clock ? options.clock : std::make_shared<Clock>();
  store::Options db_opts;
  db_opts.pool_size = options.pool_size;
  db_opts.migrations.push_back(store::portrait_migrations());
  for (auto& m : options.migrations) db_opts.migrations.push_back(std::move(m));
  auto db = store::Database::open(options.db_url, std::move(db_opts));
  if (!db.ok()) return db.error();
  p->db_ = std::move(*db);
  ZHIDA_TRY(p->reload());
  return p;
}

Status Platform::load_replica() {
  std::lock_guard write(write_mu_);  // no write may slip between the load and the swap
  std::unique_ptr<EnterpriseTable> table;
  Status st = db_->transaction(
      [&](store::Tx& tx) -> Status {
        auto cat = store::load_catalog(tx);
        if (!cat.ok()) return cat.error();
        table = std::make_unique<EnterpriseTable>(std::make_shared<const Catalog>(std::move(*cat)));
        return store::load_facts(tx, *table);
      },
      store::Mode::kRead);
  if (!st.ok()) return st;
  table->pad();
  std::unique_lock lock(mu_);
  ++generation_;
  if (derivation_) derivation_->derive(*table, nullptr, rules::EvalContext{clock_->today()});
  table->optimize();
  table_ = std::move(table);
  return Status::Ok();
}

std::vector<int64_t> Platform::derive_locked(const std::vector<uint32_t>* rows) {
  if (!derivation_) return {};
  table_->pad();
  return derivation_->derive(*table_, rows, rules::EvalContext{clock_->today()});
}

void Platform::notify_facts_changed(const std::vector<int64_t>& ids) {
  if (ids.empty()) return;
  std::vector<std::function<void(const std::vector<int64_t>&)>> listeners;
  {
    std::lock_guard l(listeners_mu_);
    listeners = facts_listeners_;
  }
  for (auto& fn : listeners) fn(ids);
}

void Platform::set_derivation(std::shared_ptr<const Derivation> next, const Derivation* now) {
  std::vector<int64_t> changed;
  {
    std::lock_guard write(write_mu_);
    std::unique_lock lock(mu_);
    ++generation_;
    derivation_ = std::move(next);
    if (now) {
      table_->pad();
      changed = now->derive(*table_, nullptr, rules::EvalContext{clock_->today()});
    }
  }
  notify_facts_changed(changed);
}

std::shared_ptr<const Derivation> Platform::derivation() const {
  std::shared_lock lock(mu_);
  return derivation_;
}

Status Platform::reload() {
  ZHIDA_TRY(load_replica());
  return refresh_policies();
}

std::shared_ptr<const Catalog> Platform::catalog() const {
  std::shared_lock lock(mu_);
  return table_->catalog_ptr();
}

size_t Platform::enterprise_count() const {
  std::shared_lock lock(mu_);
  return table_->rows();
}

Status Platform::update_catalog(const Catalog& declared, Issues* issues) {
  Status st = edit_catalog({.edit = [&](Catalog& next, Issues& out) { next.merge(declared, out); }}, issues);
  if (!st.ok() && st.error().code == "catalog.invalid")
    return Error("catalog.conflict", "数据目录与现有属性的类型或年度写法冲突");
  return st;
}

Status Platform::edit_catalog(const CatalogEdit& e, Issues* issues) {
  std::lock_guard write(write_mu_);
  auto next = std::make_shared<Catalog>(*catalog());
  Issues local;
  Issues& out = issues ? *issues : local;
  size_t before = out.size();
  if (e.edit) e.edit(*next, out);
  if (has_errors(Issues(out.begin() + static_cast<std::ptrdiff_t>(before), out.end())))
    return Error("catalog.invalid", "数据目录的修改有错误，未作任何更改");
  ZHIDA_TRY(db_->transaction([&](store::Tx& tx) -> Status {
    ZHIDA_TRY(store::save_catalog(tx, *next));
    if (e.in_tx) ZHIDA_TRY(e.in_tx(tx, *next));
    return Status::Ok();
  }));
  std::unique_lock lock(mu_);
  ++generation_;
  table_->set_catalog(next);
  table_->pad();
  return Status::Ok();
}

namespace {

// The attribute names of a CSV text's header line (for refusing tags
// before the file is parsed); empty when the header does not parse (the
// importer reports that).
std::vector<std::string> header_names(std::string_view text) {
  size_t nl = text.find('\n');
  auto reader = portrait::CsvReader::from_string(std::string(text.substr(0, nl)));
  std::vector<portrait::CsvCell> cells;
  std::string why;
  std::vector<std::string> out;
  if (reader->next(cells, &why) != portrait::CsvReader::Status::kRecord) return out;
  for (const auto& c : cells) {
    auto h = portrait::parse_header_cell(c.text, &why);
    if (h) out.push_back(h->name);
  }
  return out;
}

}  // namespace

Result<portrait::ImportReport> Platform::upload_csv(std::string text, const store::BatchInfo& info_in,
                                                    bool all_or_nothing, const BatchHook& in_tx) {
  std::lock_guard write(write_mu_);
  store::BatchInfo info = info_in;
  if (info.loaded_at.empty()) info.loaded_at = clock_->timestamp();
  // Parse and check first, without touching the replica.
  portrait::ImportReport report;
  portrait::ImportOptions opt;
  opt.declared = catalog();
  for (const std::string& name : header_names(text)) {
    const portrait::Attribute* a = opt.declared->attribute(name);
    if (a && is_derived(*a))
      return Error("import.derived_column",
                   fmt::format("“{}”是企业标签，由标签规则计算，不能上传；请从文件中删去这一列", name));
  }
  std::vector<store::BatchRow> rows;
  std::set<int64_t> seen;
  opt.row_span = [&](int64_t id, uint64_t offset, uint64_t length) {
    rows.push_back({id, static_cast<int64_t>(offset), static_cast<int64_t>(length)});
  };
  std::shared_ptr<const Catalog> cat;
  Status st = portrait::import_csv_text(
      text, opt,
      [&](std::shared_ptr<const Catalog> c) {
        cat = std::move(c);
        return Status::Ok();
      },
      [&](int64_t id, std::span<const portrait::FactCell>) -> Status {
        if (!seen.insert(id).second)
          return Error("enterprise.duplicate_id", fmt::format("企业编号 {} 在本文件中出现了不止一次", id));
        return Status::Ok();
      },
      &report);
  if (!st.ok()) return st.error();
  if (report.rows_loaded == 0 && report.rows_rejected == 0)
    return Error("import.no_rows", "文件中没有企业数据（只有表头）");
  if ((all_or_nothing && report.rows_rejected > 0) || report.rows_loaded == 0) {
    report.rows_loaded = 0;
    return report;  // nothing stored
  }
  bool new_attributes = cat->size() != catalog()->size();
  ZHIDA_TRY(db_->transaction([&](store::Tx& tx) -> Status {
    if (new_attributes) ZHIDA_TRY(store::save_catalog(tx, *cat));
    auto batch = store::add_batch(tx, info, text, rows, report.to_json());
    if (!batch.ok()) return batch.error();
    if (in_tx) ZHIDA_TRY(in_tx(tx, *batch));
    return Status::Ok();
  }));
  // Then the replica.
  std::vector<int64_t> changed;
  changed.reserve(rows.size());
  for (const auto& r : rows) changed.push_back(r.enterprise_id);
  {
    std::unique_lock lock(mu_);
    ++generation_;
    if (new_attributes) table_->set_catalog(cat);
    portrait::ImportOptions apply;
    apply.declared = table_->catalog_ptr();
    portrait::ImportReport again;
    Status applied = portrait::import_csv_text(
        std::move(text), apply, [](auto) { return Status::Ok(); },
        [&](int64_t id, std::span<const portrait::FactCell> cells) { return portrait::apply_row(*table_, id, cells); },
        &again);
    table_->pad();
    if (!applied.ok()) spdlog::error("upload: stored but not applied to the replica: {}", applied.error().message);
    if (derivation_) {
      std::vector<uint32_t> at;
      at.reserve(changed.size());
      for (int64_t id : changed)
        if (auto r = table_->row_of(id)) at.push_back(*r);
      derive_locked(&at);
    }
  }
  notify_facts_changed(changed);
  return report;
}

Result<PushReport> Platform::push_facts(const std::vector<FactUpdate>& updates, const std::string& source,
                                        int64_t user_id, const PushHook& in_tx) {
  std::lock_guard write(write_mu_);
  auto cat = catalog();
  PushReport out;
  std::vector<store::FactRow> rows;
  std::vector<portrait::FactCell> cells;
  std::vector<int64_t> ids;
  std::string now = clock_->timestamp();
  for (size_t i = 0; i < updates.size(); ++i) {
    const FactUpdate& u = updates[i];
    auto fail = [&](std::string column, std::string value, std::string why) {
      out.errors.push_back({static_cast<int64_t>(i + 1), std::move(column), std::move(value), std::move(why)});
    };
    std::string name = u.attribute;
    int year = 0;
    if (size_t b = name.find('['); b != std::string::npos && !name.empty() && name.back() == ']') {
      std::string y = name.substr(b + 1, name.size() - b - 2);
      bool digits = y.size() == 4 && y.find_first_not_of("0123456789") == std::string::npos;
      if (!digits) {
        fail(u.attribute, u.value.value_or(""), "年度应为四位年份，如 营业收入[2024]");
        continue;
      }
      year = std::stoi(y);
      name = name.substr(0, b);
    }
    const portrait::Attribute* a = cat->attribute(name);
    if (!a) {
      fail(u.attribute, u.value.value_or(""), fmt::format("数据目录中没有属性“{}”", name));
      continue;
    }
    if (a->has_periods != (year != 0)) {
      fail(u.attribute, u.value.value_or(""),
           a->has_periods ? fmt::format("属性“{}”按年度取值，需写成 {}[年度]", name, name)
                          : fmt::format("属性“{}”不分年度", name));
      continue;
    }
    if (u.enterprise_id <= 0) {
      fail(u.attribute, u.value.value_or(""), "企业编号必须是正整数");
      continue;
    }
    if (a->name == "id") {
      fail(u.attribute, u.value.value_or(""), "企业编号不能修改");
      continue;
    }
    if (is_derived(*a)) {
      fail(u.attribute, u.value.value_or(""), fmt::format("“{}”是企业标签，由标签规则计算，不能直接写入", name));
      continue;
    }
    portrait::FactCell cell;
    std::string why;
    cell.ref = rules::AttrRef{a->id, static_cast<int16_t>(year)};
    if (!portrait::parse_cell(u.value.value_or(""), u.value.has_value(), *a, cell, &why)) {
      fail(u.attribute, u.value.value_or(""), why);
      continue;
    }
    store::FactRow r;
    r.enterprise_id = u.enterprise_id;
    r.attr_id = a->id;
    r.year = static_cast<int16_t>(year);
    r.value = u.value;
    r.source = source;
    r.as_of = u.as_of.empty() ? now : u.as_of;
    r.created_by = user_id;
    rows.push_back(std::move(r));
    ids.push_back(u.enterprise_id);
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  out.accepted = rows.size();
  out.enterprises = ids;
  if (!rows.empty() || in_tx)
    ZHIDA_TRY(db_->transaction([&](store::Tx& tx) -> Status {
      ZHIDA_TRY(store::add_facts(tx, rows, now));
      if (in_tx) ZHIDA_TRY(in_tx(tx, out));
      return Status::Ok();
    }));
  {
    std::unique_lock lock(mu_);
    ++generation_;
    for (const store::FactRow& r : rows) {
      const portrait::Attribute* a = cat->attribute(r.attr_id);
      portrait::FactCell cell;
      std::string why;
      cell.ref = rules::AttrRef{r.attr_id, r.year};
      portrait::parse_cell(r.value.value_or(""), r.value.has_value(), *a, cell, &why);
      Status st = portrait::apply_row(*table_, r.enterprise_id, std::span<const portrait::FactCell>(&cell, 1));
      if (!st.ok()) spdlog::error("push: stored but not applied: {}", st.error().message);
    }
    table_->pad();
    if (derivation_ && !ids.empty()) {
      std::vector<uint32_t> at;
      at.reserve(ids.size());
      for (int64_t id : ids)
        if (auto r = table_->row_of(id)) at.push_back(*r);
      derive_locked(&at);
    }
  }
  notify_facts_changed(ids);
  return out;
}

Result<std::unique_ptr<EnterpriseTable>> Platform::facts_as_of(int64_t enterprise_id, const std::string& when) {
  auto table = std::make_unique<EnterpriseTable>(catalog());
  Status st = db_->transaction([&](store::Tx& tx) { return store::load_facts(tx, *table, when, enterprise_id); },
                               store::Mode::kRead);
  if (!st.ok()) return st.error();
  table->pad();
  if (auto d = derivation()) d->derive(*table, nullptr, rules::EvalContext{clock_->today()});
  return table;
}

void Platform::on_facts_changed(std::function<void(const std::vector<int64_t>&)> fn) {
  std::lock_guard l(listeners_mu_);
  facts_listeners_.push_back(std::move(fn));
}

std::vector<PublishedPolicyPtr> Platform::policies() const {
  std::lock_guard l(policies_mu_);
  std::vector<PublishedPolicyPtr> out;
  for (const auto& [id, p] : policies_)
    if (p->status == "published") out.push_back(p);
  return out;
}

PublishedPolicyPtr Platform::policy(const std::string& id) const {
  std::lock_guard l(policies_mu_);
  auto it = policies_.find(id);
  return it == policies_.end() ? nullptr : it->second;
}

std::optional<portrait::Policy> Platform::compile_policy(const nlohmann::json& j, Issues& issues) const {
  return portrait::policy_from_json(j, *catalog(), issues);
}

Status Platform::refresh_policies() {
  std::vector<store::PolicyVersionRow> versions;
  std::vector<store::PolicyRow> rows;
  ZHIDA_TRY(db_->transaction(
      [&](store::Tx& tx) -> Status {
        auto all = store::list_policies(tx);
        if (!all.ok()) return all.error();
        rows = std::move(*all);
        versions.clear();
        for (const auto& r : rows) {
          if (r.version == 0) continue;
          auto v = store::policy_version(tx, r.id, r.version);
          if (!v.ok()) return v.error();
          if (*v) versions.push_back(std::move(**v));
        }
        return Status::Ok();
      },
      store::Mode::kRead));
  std::map<std::string, std::string> status;
  for (const auto& r : rows) status[r.id] = r.status;
  std::map<std::string, PublishedPolicyPtr> fresh;
  {
    std::lock_guard l(policies_mu_);
    for (const auto& v : versions) {
      auto it = policies_.find(v.policy_id);
      if (it != policies_.end() && it->second->version == v.version && it->second->hash == v.hash) {
        auto copy = std::make_shared<PublishedPolicy>(*it->second);
        copy->status = status[v.policy_id] == "closed" ? "closed" : "published";
        fresh[v.policy_id] = copy;
      }
    }
  }
  for (const auto& v : versions) {
    if (fresh.count(v.policy_id)) continue;
    Issues issues;
    auto j = nlohmann::json::parse(v.body, nullptr, false);
    auto p = compile_policy(j, issues);
    if (!p) {
      spdlog::error("policy {} version {} no longer compiles: {}", v.policy_id, v.version,
                    issues.empty() ? "?" : issues.front().message);
      continue;
    }
    auto pp = std::make_shared<PublishedPolicy>();
    pp->policy = std::make_shared<const portrait::Policy>(std::move(*p));
    pp->version = v.version;
    pp->hash = v.hash;
    pp->published_at = v.published_at;
    pp->status = status[v.policy_id] == "closed" ? "closed" : "published";
    fresh[v.policy_id] = pp;
  }
  std::lock_guard l(policies_mu_);
  policies_ = std::move(fresh);
  return Status::Ok();
}

void Platform::on_policy_published(std::function<void(const PublishedPolicyPtr&)> fn) {
  std::lock_guard l(listeners_mu_);
  policy_listeners_.push_back(std::move(fn));
}

void Platform::notify_policy_published(const PublishedPolicyPtr& p) {
  std::vector<std::function<void(const PublishedPolicyPtr&)>> listeners;
  {
    std::lock_guard l(listeners_mu_);
    listeners = policy_listeners_;
  }
  for (auto& fn : listeners) fn(p);
}

}  // namespace zhida::services
