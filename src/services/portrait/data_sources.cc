#include "services/portrait/data_sources.h"

#include <fmt/format.h>
#include <sodium.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "base/utf8.h"
#include "services/portrait/moment.h"
#include "store/audit_store.h"

namespace zhida::services {

using nlohmann::json;

std::string new_api_key() {
  static const bool ready = sodium_init() >= 0;
  (void)ready;
  unsigned char buf[32];
  randombytes_buf(buf, sizeof buf);
  char out[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(out, sizeof out, buf, sizeof buf, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return std::string("zd_") + out;
}

std::string api_key_hash(std::string_view key) {
  unsigned char h[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(h, reinterpret_cast<const unsigned char*>(key.data()), key.size());
  std::string out;
  out.reserve(sizeof h * 2);
  static const char* kHex = "0123456789abcdef";
  for (unsigned char c : h) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

namespace {

Issue make_issue(std::string code, std::string message, std::string field) {
  Issue i;
  i.code = std::move(code);
  i.message = std::move(message);
  i.field = std::move(field);
  return i;
}

// Checks the fields of a (merged) row; problems to `issues`.
void check_row(const store::DataSourceRow& row, const portrait::Catalog& catalog, bool check_attributes,
               Issues& issues) {
  int n = utf8::length(row.name);
  if (row.name.find_first_not_of(" \t") == std::string::npos || n > 60)
    issues.push_back(make_issue("datasource.bad_name", "数据源名称应为 1 到 60 个字", "name"));
  n = utf8::length(row.department);
  if (row.department.find_first_not_of(" \t") == std::string::npos || n > 60)
    issues.push_back(make_issue("datasource.bad_department", "来源部门应为 1 到 60 个字，如 税务局", "department"));
  if (row.department == kTagSource || row.department == kRetiredTagSource)
    issues.push_back(make_issue("datasource.bad_department", "来源部门不能是“标签”", "department"));
  if (utf8::length(row.description) > 500)
    issues.push_back(make_issue("datasource.bad_description", "说明不能超过 500 字", "description"));
  if (!check_attributes) return;
  if (row.attributes.empty())
    issues.push_back(make_issue("datasource.no_attributes", "至少要允许写入一个属性", "attributes"));
  if (row.attributes.size() > 2000)
    issues.push_back(make_issue("datasource.too_many_attributes", "允许写入的属性不能超过 2000 个", "attributes"));
  for (size_t i = 0; i < row.attributes.size() && i < 2000; ++i) {
    const std::string& name = row.attributes[i];
    std::string field = fmt::format("attributes[{}]", i);
    const portrait::Attribute* a = catalog.attribute(name);
    if (!a) {
      issues.push_back(make_issue("datasource.unknown_attribute",
                                  fmt::format("数据目录中没有属性“{}”（写属性名，不带年度）", name), field));
    } else if (is_derived(*a)) {
      issues.push_back(make_issue("datasource.derived_attribute",
                                  fmt::format("“{}”是企业标签，由规则计算，不能由数据源写入", name), field));
    } else if (a->name == "id") {
      issues.push_back(make_issue("datasource.bad_attribute", "企业编号 id 不能由数据源写入", field));
    }
  }
}

Error invalid(const Issues& issues) {
  return Error("datasource.invalid", fmt::format("数据源有 {} 处错误，未作任何更改", issues.size()));
}

json audit_detail(const store::DataSourceRow& d) {
  return {{"name", d.name}, {"department", d.department}, {"attributes", d.attributes}, {"active", d.active}};
}

void dedupe(std::vector<std::string>& v) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (auto& s : v)
    if (seen.insert(s).second) out.push_back(std::move(s));
  v = std::move(out);
}

}  // namespace

Result<DataSources::Created> DataSources::create(const Input& in, const Actor& actor, Issues* issues) {
  Issues local;
  Issues& out = issues ? *issues : local;
  size_t before = out.size();
  store::DataSourceRow row;
  if (!in.name) out.push_back(make_issue("datasource.missing_field", "缺少数据源名称 name", "name"));
  if (!in.department) out.push_back(make_issue("datasource.missing_field", "缺少来源部门 department", "department"));
  if (!in.attributes)
    out.push_back(make_issue("datasource.missing_field", "缺少允许写入的属性 attributes", "attributes"));
  row.name = in.name.value_or("");
  row.department = in.department.value_or("");
  row.description = in.description.value_or("");
  row.attributes = in.attributes.value_or(std::vector<std::string>{});
  dedupe(row.attributes);
  row.active = in.active.value_or(true);
  if (out.size() == before) check_row(row, *platform_.catalog(), true, out);
  if (out.size() > before) return invalid(Issues(out.begin() + static_cast<std::ptrdiff_t>(before), out.end()));
  Created c;
  c.key = new_api_key();
  row.key_hash = api_key_hash(c.key);
  row.key_prefix = c.key.substr(0, 10);
  row.created_by = actor.user_id;
  row.created_at = row.updated_at = platform_.clock().timestamp();
  Status st = platform_.db().transaction([&](store::Tx& tx) -> Status {
    ZHIDA_ASSIGN_OR_RETURN(row.id, store::insert_data_source(tx, row));
    return append_audit(tx, platform_.clock(), actor, "datasource.create", "datasource", std::to_string(row.id),
                        audit_detail(row));
  });
  if (!st.ok()) {
    if (st.error().code == "db.unique_violation")
      return Error("datasource.conflict", fmt::format("已有名为“{}”的数据源", row.name));
    return st.error();
  }
  c.source = std::move(row);
  return c;
}

Result<DataSources::Created> DataSources::update(int64_t id, const Input& in, const Actor& actor, Issues* issues) {
  Issues local;
  Issues& out = issues ? *issues : local;
  size_t before = out.size();
  auto existing = get(id);
  if (!existing.ok()) return existing.error();
  if (!*existing) return Error("db.not_found", fmt::format("没有编号为 {} 的数据源", id));
  store::DataSourceRow old = **existing;
  store::DataSourceRow row = old;
  if (in.name) row.name = *in.name;
  if (in.department) row.department = *in.department;
  if (in.description) row.description = *in.description;
  if (in.attributes) {
    row.attributes = *in.attributes;
    dedupe(row.attributes);
  }
  if (in.active) row.active = *in.active;
  // Attributes allowed earlier that have since become tags only matter when
  // the list is being changed.
  check_row(row, *platform_.catalog(), in.attributes.has_value(), out);
  if (out.size() > before) return invalid(Issues(out.begin() + static_cast<std::ptrdiff_t>(before), out.end()));
  Created c;
  if (in.rotate_key) {
    c.key = new_api_key();
    row.key_hash = api_key_hash(c.key);
    row.key_prefix = c.key.substr(0, 10);
  }
  row.updated_at = platform_.clock().timestamp();
  Status st = platform_.db().transaction([&](store::Tx& tx) -> Status {
    ZHIDA_TRY(store::update_data_source(tx, row));
    json detail = {{"before", audit_detail(old)}, {"after", audit_detail(row)}, {"key_rotated", in.rotate_key}};
    return append_audit(tx, platform_.clock(), actor, "datasource.update", "datasource", std::to_string(row.id),
                        detail);
  });
  if (!st.ok()) {
    if (st.error().code == "db.unique_violation")
      return Error("datasource.conflict", fmt::format("已有名为“{}”的数据源", row.name));
    return st.error();
  }
  c.source = std::move(row);
  return c;
}

Result<std::vector<store::DataSourceRow>> DataSources::list() {
  std::vector<store::DataSourceRow> rows;
  ZHIDA_TRY(platform_.db().transaction(
      [&](store::Tx& tx) -> Status {
        ZHIDA_ASSIGN_OR_RETURN(rows, store::list_data_sources(tx));
        return Status::Ok();
      },
      store::Mode::kRead));
  return rows;
}

Result<std::optional<store::DataSourceRow>> DataSources::get(int64_t id) {
  std::optional<store::DataSourceRow> row;
  ZHIDA_TRY(platform_.db().transaction(
      [&](store::Tx& tx) -> Status {
        ZHIDA_ASSIGN_OR_RETURN(row, store::get_data_source(tx, id));
        return Status::Ok();
      },
      store::Mode::kRead));
  return row;
}

Result<store::DataSourceRow> DataSources::authenticate(std::string_view key) {
  if (key.size() < 10 || key.size() > 200 || key.substr(0, 3) != "zd_")
    return Error("auth.bad_api_key", "接口密钥无效");
  std::optional<store::DataSourceRow> row;
  std::string hash = api_key_hash(key);
  ZHIDA_TRY(platform_.db().transaction(
      [&](store::Tx& tx) -> Status {
        ZHIDA_ASSIGN_OR_RETURN(row, store::data_source_by_key_hash(tx, hash));
        return Status::Ok();
      },
      store::Mode::kRead));
  if (!row) return Error("auth.bad_api_key", "接口密钥无效");
  if (!row->active) return Error("auth.api_key_inactive", fmt::format("数据源“{}”已停用", row->name));
  return std::move(*row);
}

Result<PushReport> DataSources::push(const store::DataSourceRow& source, const std::vector<Item>& items,
                                     const Actor& actor) {
  std::set<std::string> allowed(source.attributes.begin(), source.attributes.end());
  std::vector<FactUpdate> updates;
  std::vector<size_t> index;  // updates[k] is item index[k]
  std::vector<portrait::RowError> refused;
  for (size_t i = 0; i < items.size(); ++i) {
    const Item& it = items[i];
    std::string base = it.attribute.substr(0, it.attribute.find('['));
    auto refuse = [&](std::string why) {
      refused.push_back({static_cast<int64_t>(i + 1), it.attribute, it.value.value_or(""), std::move(why)});
    };
    if (!allowed.count(base)) {
      refuse(fmt::format("数据源“{}”无权写入属性“{}”", source.name, base));
      continue;
    }
    FactUpdate u;
    u.enterprise_id = it.enterprise_id;
    u.attribute = it.attribute;
    u.value = it.value;
    if (!it.as_of.empty()) {
      auto t = parse_moment(it.as_of, false);
      if (!t.ok()) {
        refuse(t.error().message);
        continue;
      }
      u.as_of = *t;
    }
    updates.push_back(std::move(u));
    index.push_back(i);
  }
  std::string now = platform_.clock().timestamp();
  auto report = platform_.push_facts(
      updates, source.department, 0, [&](store::Tx& tx, const PushReport& r) -> Status {
        // A push refused whole (400 facts.rejected) changes nothing, the
        // audit trail included: it has stored no fact to account for.
        if (r.accepted == 0) return Status::Ok();
        ZHIDA_TRY(store::touch_data_source(tx, source.id, now, static_cast<int64_t>(r.accepted)));
        store::AuditRecord rec =
            audit_record(platform_.clock(), actor, "facts.push", "datasource", std::to_string(source.id),
                         {{"accepted", r.accepted},
                          {"rejected", refused.size() + r.errors.size()},
                          {"source", source.name},
                          {"department", source.department}});
        for (size_t k = 0; k < r.enterprises.size() && k < 1000; ++k) rec.enterprises.push_back(r.enterprises[k]);
        auto entry = store::append_audit(tx, rec);
        if (!entry.ok()) return entry.error();
        return Status::Ok();
      });
  if (!report.ok()) return report.error();
  PushReport out = std::move(*report);
  for (auto& e : out.errors) e.line = static_cast<int64_t>(index[static_cast<size_t>(e.line - 1)] + 1);
  out.errors.insert(out.errors.end(), refused.begin(), refused.end());
  std::sort(out.errors.begin(), out.errors.end(),
            [](const portrait::RowError& a, const portrait::RowError& b) { return a.line < b.line; });
  return out;
}

json DataSources::to_json(const store::DataSourceRow& d) {
  return {{"id", d.id},
          {"name", d.name},
          {"department", d.department},
          {"description", d.description},
          {"key_prefix", d.key_prefix},
          {"attributes", d.attributes},
          {"active", d.active},
          {"created_at", d.created_at},
          {"updated_at", d.updated_at},
          {"last_used_at", d.last_used_at ? json(*d.last_used_at) : json(nullptr)},
          {"created_by", d.created_by},
          {"facts_pushed", d.facts_pushed}};
}

}  // namespace zhida::services
