#include "store/portrait_store.h"

#include <fmt/format.h>
#include <sodium.h>

#include "base/date.h"

#include <nlohmann/json.hpp>

namespace zhida::store {

using nlohmann::json;

const MigrationSet& portrait_migrations() {
  static const MigrationSet kSet{
      "portrait",
      {
          {1, "catalog",
           R"SQL(
CREATE TABLE catalog_attributes (
  id {{bigint}} PRIMARY KEY,
  name {{text}} NOT NULL UNIQUE,
  type {{text}} NOT NULL,
  periods {{bool}} NOT NULL,
  unit {{text}} NOT NULL DEFAULT '',
  source {{text}} NOT NULL DEFAULT '',
  frequency {{text}} NOT NULL DEFAULT '',
  sensitivity {{text}} NOT NULL DEFAULT '内部',
  description {{text}} NOT NULL DEFAULT '',
  enum_values {{json}} NOT NULL,
  updated_at {{timestamp}} NOT NULL
))SQL"},
          {2, "facts",
           R"SQL(
CREATE TABLE fact_batches (
  id {{id}},
  kind {{text}} NOT NULL,
  source {{text}} NOT NULL,
  as_of {{timestamp}} NOT NULL,
  loaded_at {{timestamp}} NOT NULL,
  file_name {{text}} NOT NULL DEFAULT '',
  created_by {{bigint}} NOT NULL DEFAULT 0,
  header {{text}} NOT NULL,
  content {{blob}} NOT NULL,
  rows_loaded {{bigint}} NOT NULL,
  report {{json}} NOT NULL
);
CREATE TABLE batch_rows (
  batch_id {{bigint}} NOT NULL REFERENCES fact_batches(id),
  enterprise_id {{bigint}} NOT NULL,
  row_offset {{bigint}} NOT NULL,
  row_length {{bigint}} NOT NULL,
  PRIMARY KEY (enterprise_id, batch_id)
);
CREATE TABLE facts (
  id {{id}},
  enterprise_id {{bigint}} NOT NULL,
  attr_id {{bigint}} NOT NULL,
  year {{bigint}} NOT NULL,
  value {{text}},
  source {{text}} NOT NULL,
  as_of {{timestamp}} NOT NULL,
  loaded_at {{timestamp}} NOT NULL,
  created_by {{bigint}} NOT NULL DEFAULT 0
);
CREATE INDEX facts_by_enterprise ON facts (enterprise_id, id))SQL"},
          {3, "policies",
           R"SQL(
CREATE TABLE policies (
  id {{text}} NOT NULL PRIMARY KEY,
  status {{text}} NOT NULL,
  version {{bigint}} NOT NULL DEFAULT 0,
  draft {{json}} NOT NULL,
  department {{text}} NOT NULL DEFAULT '',
  created_at {{timestamp}} NOT NULL,
  updated_at {{timestamp}} NOT NULL
);
CREATE TABLE policy_versions (
  policy_id {{text}} NOT NULL REFERENCES policies(id),
  version {{bigint}} NOT NULL,
  body {{json}} NOT NULL,
  hash {{text}} NOT NULL,
  published_at {{timestamp}} NOT NULL,
  published_by {{bigint}} NOT NULL DEFAULT 0,
  PRIMARY KEY (policy_id, version)
))SQL"},
      }};
  return kSet;
}

Status save_catalog(Tx& tx, const portrait::Catalog& catalog) {
  std::string now = timestamp_now();
  for (const portrait::Attribute& a : catalog.attributes()) {
    auto r = tx.exec(
        "INSERT INTO catalog_attributes (id, name, type, periods, unit, source, frequency, sensitivity, "
        "description, enum_values, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11) "
        "ON CONFLICT (id) DO UPDATE SET unit = excluded.unit, source = excluded.source, "
        "frequency = excluded.frequency, sensitivity = excluded.sensitivity, description = excluded.description, "
        "enum_values = excluded.enum_values, updated_at = excluded.updated_at",
        {a.id, a.name, rules::type_name_en(a.type), a.has_periods, a.unit, a.source, a.frequency,
         portrait::sensitivity_zh(a.sensitivity), a.description, json(a.values).dump(), now});
    if (!r.ok()) return r.error();
  }
  return Status::Ok();
}

Result<portrait::Catalog> load_catalog(Tx& tx) {
  auto rows = tx.query(
      "SELECT id, name, type, periods, unit, source, frequency, sensitivity, description, enum_values "
      "FROM catalog_attributes ORDER BY id");
  if (!rows.ok()) return rows.error();
  portrait::Catalog cat;
  for (const Row& r : *rows) {
    portrait::Attribute a;
    ZHIDA_ASSIGN_OR_RETURN(int64_t id, r.get<int64_t>(0));
    ZHIDA_ASSIGN_OR_RETURN(a.name, r.get<std::string>(1));
    ZHIDA_ASSIGN_OR_RETURN(std::string type, r.get<std::string>(2));
    ZHIDA_ASSIGN_OR_RETURN(a.has_periods, r.get<bool>(3));
    ZHIDA_ASSIGN_OR_RETURN(a.unit, r.get<std::string>(4));
    ZHIDA_ASSIGN_OR_RETURN(a.source, r.get<std::string>(5));
    ZHIDA_ASSIGN_OR_RETURN(a.frequency, r.get<std::string>(6));
    ZHIDA_ASSIGN_OR_RETURN(std::string sens, r.get<std::string>(7));
    ZHIDA_ASSIGN_OR_RETURN(a.description, r.get<std::string>(8));
    ZHIDA_ASSIGN_OR_RETURN(std::string values, r.get<std::string>(9));
    a.type = rules::parse_type_name(type).value_or(rules::Type::kString);
    a.sensitivity = portrait::parse_sensitivity(sens).value_or(portrait::Sensitivity::kInternal);
    json v = json::parse(values, nullptr, false);
    if (v.is_array())
      for (const auto& x : v) a.values.push_back(x.get<std::string>());
    if (id != static_cast<int64_t>(cat.size()))
      return Error("catalog.corrupt", fmt::format("数据目录中属性编号不连续（{}）", a.name));
    auto added = cat.add(std::move(a));
    if (!added.ok()) return added.error();
  }
  return cat;
}

Result<int64_t> add_batch(Tx& tx, const BatchInfo& info, const std::string& csv_text,
                          const std::vector<BatchRow>& rows, const json& report) {
  size_t nl = csv_text.find('\n');
  std::string header = csv_text.substr(0, nl == std::string::npos ? csv_text.size() : nl);
  if (!header.empty() && header.back() == '\r') header.pop_back();
  Blob content(csv_text.begin(), csv_text.end());
  auto id = tx.query_value<int64_t>(
      "INSERT INTO fact_batches (kind, source, as_of, loaded_at, file_name, created_by, header, content, "
      "rows_loaded, report) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) RETURNING id",
      {info.kind, info.source, info.as_of, timestamp_now(), info.file_name, info.created_by, header,
       std::move(content), static_cast<int64_t>(rows.size()), report.dump()});
  if (!id.ok()) return id.error();
  size_t i = 0;
  int64_t batch = *id;
  auto inserted = tx.bulk_insert("batch_rows", {"batch_id", "enterprise_id", "row_offset", "row_length"},
                                 [&](std::vector<Param>& row) {
                                   if (i >= rows.size()) return false;
                                   row[0] = batch;
                                   row[1] = rows[i].enterprise_id;
                                   row[2] = rows[i].offset;
                                   row[3] = rows[i].length;
                                   ++i;
                                   return true;
                                 });
  if (!inserted.ok()) return inserted.error();
  ZHIDA_TRY(tx.append_change("facts", std::to_string(batch), json{{"batch", batch}}.dump()));
  return batch;
}

Status add_facts(Tx& tx, const std::vector<FactRow>& facts) {
  std::string now = timestamp_now();
  for (const FactRow& f : facts) {
    auto r = tx.exec(
        "INSERT INTO facts (enterprise_id, attr_id, year, value, source, as_of, loaded_at, created_by) "
        "VALUES ($1,$2,$3,$4,$5,$6,$7,$8)",
        {f.enterprise_id, static_cast<int64_t>(f.attr_id), static_cast<int64_t>(f.year), f.value, f.source,
         f.as_of, now, f.created_by});
    if (!r.ok()) return r.error();
  }
  if (!facts.empty()) ZHIDA_TRY(tx.append_change("facts", std::to_string(facts.front().enterprise_id), "{}"));
  return Status::Ok();
}

namespace {

// The sink that writes parsed rows into the replica.
portrait::RowSink apply_to(portrait::EnterpriseTable& table) {
  return [&table](int64_t id, std::span<const portrait::FactCell> cells) {
    return portrait::apply_row(table, id, cells);
  };
}

}  // namespace

Status load_facts(Tx& tx, portrait::EnterpriseTable& table, const std::string& until, std::optional<int64_t> only) {
  std::string cut = until.empty() ? "9999" : until;
  portrait::ImportOptions opt;
  opt.declared = table.catalog_ptr();
  auto keep_catalog = [](std::shared_ptr<const portrait::Catalog>) { return Status::Ok(); };
  if (only) {
    std::string sql = tx.dialect() == Dialect::kSqlite
                          ? "SELECT b.header, substr(b.content, r.row_offset + 1, r.row_length) FROM batch_rows r "
                            "JOIN fact_batches b ON b.id = r.batch_id WHERE r.enterprise_id = $1 AND b.loaded_at <= $2 "
                            "ORDER BY b.id"
                          : "SELECT b.header, substring(b.content from CAST(r.row_offset + 1 AS INTEGER) for "
                            "CAST(r.row_length AS INTEGER)) FROM batch_rows r JOIN fact_batches b ON b.id = r.batch_id "
                            "WHERE r.enterprise_id = $1 AND b.loaded_at <= $2 ORDER BY b.id";
    auto rows = tx.query(sql, {*only, cut});
    if (!rows.ok()) return rows.error();
    for (const Row& r : *rows) {
      ZHIDA_ASSIGN_OR_RETURN(std::string header, r.get<std::string>(0));
      ZHIDA_ASSIGN_OR_RETURN(Blob line, r.get<Blob>(1));
      std::string text = header + "\n" + std::string(line.begin(), line.end()) + "\n";
      portrait::ImportReport report;
      ZHIDA_TRY(portrait::import_csv_text(std::move(text), opt, keep_catalog, apply_to(table), &report));
    }
  } else {
    auto ids = tx.query("SELECT id FROM fact_batches WHERE loaded_at <= $1 ORDER BY id", {cut});
    if (!ids.ok()) return ids.error();
    for (const Row& r : *ids) {
      ZHIDA_ASSIGN_OR_RETURN(int64_t id, r.get<int64_t>(0));
      auto content = tx.query_value<Blob>("SELECT content FROM fact_batches WHERE id = $1", {id});
      if (!content.ok()) return content.error();
      std::string text(content->begin(), content->end());
      content->clear();
      content->shrink_to_fit();
      portrait::ImportReport report;
      ZHIDA_TRY(portrait::import_csv_text(std::move(text), opt, keep_catalog, apply_to(table), &report));
    }
  }
  const portrait::Catalog& cat = table.catalog();
  std::string sql = "SELECT enterprise_id, attr_id, year, value FROM facts WHERE loaded_at <= $1";
  if (only) sql += " AND enterprise_id = $2";
  sql += " ORDER BY id";
  std::vector<Param> params = {cut};
  if (only) params.emplace_back(*only);
  portrait::FactCell cell;
  return tx.query_each(sql, params, [&](const Row& r) -> Status {
    ZHIDA_ASSIGN_OR_RETURN(int64_t eid, r.get<int64_t>(0));
    ZHIDA_ASSIGN_OR_RETURN(int64_t attr, r.get<int64_t>(1));
    ZHIDA_ASSIGN_OR_RETURN(int64_t year, r.get<int64_t>(2));
    ZHIDA_ASSIGN_OR_RETURN(std::optional<std::string> value, r.get_optional<std::string>(3));
    const portrait::Attribute* a = cat.attribute(static_cast<int32_t>(attr));
    if (!a) return Error("facts.unknown_attribute", fmt::format("事实引用了数据目录中不存在的属性 #{}", attr));
    std::string why;
    cell.ref = rules::AttrRef{a->id, static_cast<int16_t>(year)};
    if (!portrait::parse_cell(value.value_or(""), value.has_value(), *a, cell, &why))
      return Error("facts.bad_value", fmt::format("属性“{}”的值“{}”无效：{}", a->name, value.value_or(""), why));
    return portrait::apply_row(table, eid, std::span<const portrait::FactCell>(&cell, 1));
  });
}

Result<std::vector<FactVersion>> fact_history(Tx& tx, const portrait::Catalog& catalog, int64_t enterprise_id) {
  std::vector<FactVersion> out;
  std::string sql = tx.dialect() == Dialect::kSqlite
                        ? "SELECT b.id, b.header, substr(b.content, r.row_offset + 1, r.row_length), b.source, "
                          "b.as_of, b.loaded_at FROM batch_rows r JOIN fact_batches b ON b.id = r.batch_id "
                          "WHERE r.enterprise_id = $1 ORDER BY b.id"
                        : "SELECT b.id, b.header, substring(b.content from CAST(r.row_offset + 1 AS INTEGER) for "
                          "CAST(r.row_length AS INTEGER)), b.source, b.as_of, b.loaded_at FROM batch_rows r "
                          "JOIN fact_batches b ON b.id = r.batch_id WHERE r.enterprise_id = $1 ORDER BY b.id";
  auto rows = tx.query(sql, {enterprise_id});
  if (!rows.ok()) return rows.error();
  for (const Row& r : *rows) {
    ZHIDA_ASSIGN_OR_RETURN(int64_t batch, r.get<int64_t>(0));
    ZHIDA_ASSIGN_OR_RETURN(std::string header, r.get<std::string>(1));
    ZHIDA_ASSIGN_OR_RETURN(Blob line, r.get<Blob>(2));
    ZHIDA_ASSIGN_OR_RETURN(std::string source, r.get<std::string>(3));
    ZHIDA_ASSIGN_OR_RETURN(std::string as_of, r.get<std::string>(4));
    ZHIDA_ASSIGN_OR_RETURN(std::string loaded_at, r.get<std::string>(5));
    std::string text = header + "\n" + std::string(line.begin(), line.end()) + "\n";
    portrait::ImportOptions opt;
    opt.declared = std::make_shared<portrait::Catalog>(catalog);
    portrait::ImportReport report;
    ZHIDA_TRY(portrait::import_csv_text(
        std::move(text), opt, [](auto) { return Status::Ok(); },
        [&](int64_t, std::span<const portrait::FactCell> cells) {
          for (const portrait::FactCell& c : cells) {
            const portrait::Attribute* a = catalog.attribute(c.ref.attr);
            if (!a || a->name == "id") continue;
            FactVersion v;
            v.attribute = c.ref.year ? fmt::format("{}[{}]", a->name, c.ref.year) : a->name;
            if (!c.missing) {
              switch (rules::class_of(c.type)) {
                case rules::Class::kNumeric: v.value = c.number.to_string(); break;
                case rules::Class::kDate: v.value = format_date(c.date); break;
                case rules::Class::kBool: v.value = c.boolean ? "true" : "false"; break;
                case rules::Class::kSet: {
                  std::string s;
                  for (size_t k = 0; k < c.members.size(); ++k) s += (k ? "|" : "") + std::string(c.members[k]);
                  v.value = s;
                  break;
                }
                default: v.value = std::string(c.text);
              }
            }
            v.source = source;
            v.as_of = as_of;
            v.loaded_at = loaded_at;
            v.batch_id = batch;
            out.push_back(std::move(v));
          }
          return Status::Ok();
        },
        &report));
  }
  auto facts = tx.query(
      "SELECT attr_id, year, value, source, as_of, loaded_at FROM facts WHERE enterprise_id = $1 ORDER BY id",
      {enterprise_id});
  if (!facts.ok()) return facts.error();
  for (const Row& r : *facts) {
    ZHIDA_ASSIGN_OR_RETURN(int64_t attr, r.get<int64_t>(0));
    ZHIDA_ASSIGN_OR_RETURN(int64_t year, r.get<int64_t>(1));
    FactVersion v;
    const portrait::Attribute* a = catalog.attribute(static_cast<int32_t>(attr));
    std::string name = a ? a->name : fmt::format("#{}", attr);
    v.attribute = year ? fmt::format("{}[{}]", name, year) : name;
    ZHIDA_ASSIGN_OR_RETURN(v.value, r.get_optional<std::string>(2));
    ZHIDA_ASSIGN_OR_RETURN(v.source, r.get<std::string>(3));
    ZHIDA_ASSIGN_OR_RETURN(v.as_of, r.get<std::string>(4));
    ZHIDA_ASSIGN_OR_RETURN(v.loaded_at, r.get<std::string>(5));
    out.push_back(std::move(v));
  }
  return out;
}

namespace {

Result<PolicyRow> policy_row(const Row& r) {
  PolicyRow p;
  ZHIDA_ASSIGN_OR_RETURN(p.id, r.get<std::string>(0));
  ZHIDA_ASSIGN_OR_RETURN(p.status, r.get<std::string>(1));
  ZHIDA_ASSIGN_OR_RETURN(p.version, r.get<int64_t>(2));
  ZHIDA_ASSIGN_OR_RETURN(p.draft, r.get<std::string>(3));
  ZHIDA_ASSIGN_OR_RETURN(p.department, r.get<std::string>(4));
  ZHIDA_ASSIGN_OR_RETURN(p.created_at, r.get<std::string>(5));
  ZHIDA_ASSIGN_OR_RETURN(p.updated_at, r.get<std::string>(6));
  return p;
}

Result<PolicyVersionRow> version_row(const Row& r) {
  PolicyVersionRow v;
  ZHIDA_ASSIGN_OR_RETURN(v.policy_id, r.get<std::string>(0));
  ZHIDA_ASSIGN_OR_RETURN(v.version, r.get<int64_t>(1));
  ZHIDA_ASSIGN_OR_RETURN(v.body, r.get<std::string>(2));
  ZHIDA_ASSIGN_OR_RETURN(v.hash, r.get<std::string>(3));
  ZHIDA_ASSIGN_OR_RETURN(v.published_at, r.get<std::string>(4));
  ZHIDA_ASSIGN_OR_RETURN(v.published_by, r.get<int64_t>(5));
  return v;
}

constexpr const char* kPolicyCols = "id, status, version, draft, department, created_at, updated_at";
constexpr const char* kVersionCols = "policy_id, version, body, hash, published_at, published_by";

std::string sha256_hex(const std::string& s) {
  unsigned char h[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(h, reinterpret_cast<const unsigned char*>(s.data()), s.size());
  std::string out;
  for (unsigned char c : h) out += fmt::format("{:02x}", c);
  return out;
}

}  // namespace

Result<std::vector<PolicyRow>> list_policies(Tx& tx) {
  auto rows = tx.query(fmt::format("SELECT {} FROM policies ORDER BY id", kPolicyCols));
  if (!rows.ok()) return rows.error();
  std::vector<PolicyRow> out;
  for (const Row& r : *rows) {
    auto p = policy_row(r);
    if (!p.ok()) return p.error();
    out.push_back(std::move(*p));
  }
  return out;
}

Result<std::optional<PolicyRow>> get_policy(Tx& tx, const std::string& id) {
  auto row = tx.query_optional(fmt::format("SELECT {} FROM policies WHERE id = $1", kPolicyCols), {id});
  if (!row.ok()) return row.error();
  if (!*row) return std::optional<PolicyRow>();
  auto p = policy_row(**row);
  if (!p.ok()) return p.error();
  return std::optional<PolicyRow>(std::move(*p));
}

Status insert_policy(Tx& tx, const PolicyRow& p) {
  std::string now = timestamp_now();
  auto r = tx.exec(
      "INSERT INTO policies (id, status, version, draft, department, created_at, updated_at) "
      "VALUES ($1, 'draft', 0, $2, $3, $4, $4)",
      {p.id, p.draft, p.department, now});
  if (!r.ok()) return r.error();
  ZHIDA_TRY(tx.append_change("policies", p.id, R"({"op":"create"})"));
  return Status::Ok();
}

Status update_policy_draft(Tx& tx, const std::string& id, const std::string& draft, const std::string& department) {
  auto r = tx.exec("UPDATE policies SET draft = $2, department = $3, updated_at = $4 WHERE id = $1",
                   {id, draft, department, timestamp_now()});
  if (!r.ok()) return r.error();
  if (*r == 0) return Error("db.not_found", fmt::format("没有编号为 {} 的政策", id));
  return Status::Ok();
}

Status set_policy_status(Tx& tx, const std::string& id, const std::string& status) {
  auto r = tx.exec("UPDATE policies SET status = $2, updated_at = $3 WHERE id = $1", {id, status, timestamp_now()});
  if (!r.ok()) return r.error();
  if (*r == 0) return Error("db.not_found", fmt::format("没有编号为 {} 的政策", id));
  ZHIDA_TRY(tx.append_change("policies", id, json{{"op", "status"}, {"status", status}}.dump()));
  return Status::Ok();
}

Result<PolicyVersionRow> publish_policy(Tx& tx, const std::string& id, int64_t user_id) {
  auto p = get_policy(tx, id);
  if (!p.ok()) return p.error();
  if (!*p) return Error("db.not_found", fmt::format("没有编号为 {} 的政策", id));
  PolicyVersionRow v;
  v.policy_id = id;
  v.version = (*p)->version + 1;
  v.body = (*p)->draft;
  v.hash = sha256_hex(v.body);
  v.published_at = timestamp_now();
  v.published_by = user_id;
  auto r = tx.exec(
      "INSERT INTO policy_versions (policy_id, version, body, hash, published_at, published_by) "
      "VALUES ($1,$2,$3,$4,$5,$6)",
      {v.policy_id, v.version, v.body, v.hash, v.published_at, v.published_by});
  if (!r.ok()) return r.error();
  auto u = tx.exec("UPDATE policies SET status = 'published', version = $2, updated_at = $3 WHERE id = $1",
                   {id, v.version, v.published_at});
  if (!u.ok()) return u.error();
  ZHIDA_TRY(tx.append_change("policies", id, json{{"op", "publish"}, {"version", v.version}}.dump()));
  return v;
}

Result<std::vector<PolicyVersionRow>> policy_versions(Tx& tx, const std::string& id) {
  auto rows = tx.query(fmt::format("SELECT {} FROM policy_versions WHERE policy_id = $1 ORDER BY version", kVersionCols),
                       {id});
  if (!rows.ok()) return rows.error();
  std::vector<PolicyVersionRow> out;
  for (const Row& r : *rows) {
    auto v = version_row(r);
    if (!v.ok()) return v.error();
    out.push_back(std::move(*v));
  }
  return out;
}

Result<std::optional<PolicyVersionRow>> policy_version(Tx& tx, const std::string& id, int64_t version) {
  auto row = tx.query_optional(
      fmt::format("SELECT {} FROM policy_versions WHERE policy_id = $1 AND version = $2", kVersionCols), {id, version});
  if (!row.ok()) return row.error();
  if (!*row) return std::optional<PolicyVersionRow>();
  auto v = version_row(**row);
  if (!v.ok()) return v.error();
  return std::optional<PolicyVersionRow>(std::move(*v));
}

Result<std::vector<PolicyVersionRow>> published_policy_versions(Tx& tx) {
  auto rows = tx.query(
      "SELECT v.policy_id, v.version, v.body, v.hash, v.published_at, v.published_by FROM policy_versions v "
      "JOIN policies p ON p.id = v.policy_id AND p.version = v.version WHERE p.status = 'published' "
      "ORDER BY v.policy_id");
  if (!rows.ok()) return rows.error();
  std::vector<PolicyVersionRow> out;
  for (const Row& r : *rows) {
    auto v = version_row(r);
    if (!v.ok()) return v.error();
    out.push_back(std::move(*v));
  }
  return out;
}

}  // namespace zhida::store
