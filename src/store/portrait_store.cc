#include "store/portrait_store.h"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
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
          {4, "load_order",
           R"SQL(
ALTER TABLE fact_batches ADD COLUMN seq {{bigint}} NOT NULL DEFAULT 0;
ALTER TABLE facts ADD COLUMN seq {{bigint}} NOT NULL DEFAULT 0;
CREATE INDEX fact_batches_by_seq ON fact_batches (seq, id);
CREATE INDEX facts_by_seq ON facts (seq, id))SQL"},
          {5, "tags_sources_reports",
           R"SQL(
CREATE TABLE tags (
  id {{id}},
  name {{text}} NOT NULL UNIQUE,
  attr_id {{bigint}} NOT NULL,
  rule {{text}} NOT NULL,
  description {{text}} NOT NULL DEFAULT '',
  reference_year {{bigint}},
  active {{bool}} NOT NULL DEFAULT TRUE,
  created_at {{timestamp}} NOT NULL,
  updated_at {{timestamp}} NOT NULL,
  created_by {{bigint}} NOT NULL DEFAULT 0,
  updated_by {{bigint}} NOT NULL DEFAULT 0
);
CREATE TABLE data_sources (
  id {{id}},
  name {{text}} NOT NULL UNIQUE,
  department {{text}} NOT NULL,
  description {{text}} NOT NULL DEFAULT '',
  key_hash {{text}} NOT NULL UNIQUE,
  key_prefix {{text}} NOT NULL,
  attributes {{json}} NOT NULL,
  active {{bool}} NOT NULL DEFAULT TRUE,
  created_at {{timestamp}} NOT NULL,
  updated_at {{timestamp}} NOT NULL,
  last_used_at {{timestamp}},
  created_by {{bigint}} NOT NULL DEFAULT 0,
  facts_pushed {{bigint}} NOT NULL DEFAULT 0
);
CREATE TABLE fact_reports (
  id {{id}},
  enterprise_id {{bigint}} NOT NULL,
  attribute {{text}} NOT NULL,
  current_value {{text}},
  proposed_value {{text}} NOT NULL,
  explanation {{text}} NOT NULL,
  status {{text}} NOT NULL,
  created_by {{bigint}} NOT NULL DEFAULT 0,
  created_at {{timestamp}} NOT NULL,
  resolved_by {{bigint}} NOT NULL DEFAULT 0,
  resolved_at {{timestamp}},
  resolution_note {{text}} NOT NULL DEFAULT '',
  applied {{bool}} NOT NULL DEFAULT FALSE
);
CREATE INDEX fact_reports_by_status ON fact_reports (status, id);
CREATE INDEX fact_reports_by_enterprise ON fact_reports (enterprise_id, id))SQL"},
          // A batch's text in chunks: one firm's line is read from the chunk
          // that holds it, not by loading a 180 MB blob (SQLite reads a
          // blob whole; PostgreSQL decompresses it whole).
          {6, "batch_chunks",
           R"SQL(
ALTER TABLE fact_batches ADD COLUMN bytes {{bigint}} NOT NULL DEFAULT 0;
CREATE TABLE batch_chunks (
  batch_id {{bigint}} NOT NULL REFERENCES fact_batches(id),
  chunk {{bigint}} NOT NULL,
  data {{blob}} NOT NULL,
  PRIMARY KEY (batch_id, chunk)
))SQL"},
          // Each batch says how big its chunks are: new batches are cut in
          // 16 KiB chunks, so a submission that reads one firm's line reads
          // 4 pages rather than 64 (older batches keep 256 KiB).
          {7, "batch_chunk_bytes",
           R"SQL(
ALTER TABLE fact_batches ADD COLUMN chunk_bytes {{bigint}} NOT NULL DEFAULT 262144)SQL"},
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

namespace {

constexpr size_t kBatchChunk = 16 * 1024;  // new batches (fact_batches.chunk_bytes)

// Bytes [offset, offset + length) of a batch's text.
Result<std::string> batch_slice(Tx& tx, int64_t batch, int64_t offset, int64_t length) {
  std::string out;
  out.reserve(static_cast<size_t>(length));
  auto rows = tx.query(
      "SELECT c.chunk, c.data, b.chunk_bytes FROM batch_chunks c JOIN fact_batches b ON b.id = c.batch_id "
      "WHERE c.batch_id = $1 AND c.chunk >= $2 / b.chunk_bytes AND c.chunk <= $3 / b.chunk_bytes ORDER BY c.chunk",
      {batch, offset, offset + std::max<int64_t>(length, 1) - 1});
  if (!rows.ok()) return rows.error();
  for (const Row& r : *rows) {
    ZHIDA_ASSIGN_OR_RETURN(int64_t c, r.get<int64_t>(0));
    ZHIDA_ASSIGN_OR_RETURN(Blob data, r.get<Blob>(1));
    ZHIDA_ASSIGN_OR_RETURN(int64_t chunk, r.get<int64_t>(2));
    int64_t start = c * chunk;
    int64_t from = std::max(offset, start) - start;
    int64_t to = std::min(offset + length, start + static_cast<int64_t>(data.size())) - start;
    if (to > from) out.append(data.begin() + from, data.begin() + to);
  }
  if (static_cast<int64_t>(out.size()) != length)
    return Error("facts.corrupt", fmt::format("批次 {} 的数据不完整（第 {} 字节起）", batch, offset));
  return out;
}

// A batch's whole text, chunk by chunk.
Result<std::string> batch_text(Tx& tx, int64_t batch) {
  std::string out;
  const Param params[] = {batch};
  Status st = tx.query_each("SELECT data FROM batch_chunks WHERE batch_id = $1 ORDER BY chunk", params,
                            [&](const Row& r) -> Status {
                              ZHIDA_ASSIGN_OR_RETURN(Blob data, r.get<Blob>(0));
                              out.append(data.begin(), data.end());
                              return Status::Ok();
                            });
  if (!st.ok()) return st.error();
  return out;
}

}  // namespace

Result<int64_t> add_batch(Tx& tx, const BatchInfo& info, const std::string& csv_text,
                          const std::vector<BatchRow>& rows, const json& report) {
  size_t nl = csv_text.find('\n');
  std::string header = csv_text.substr(0, nl == std::string::npos ? csv_text.size() : nl);
  if (!header.empty() && header.back() == '\r') header.pop_back();
  // The change first: its seq is the batch's place in the load order.
  ZHIDA_ASSIGN_OR_RETURN(int64_t seq, tx.append_change("enterprises", "batch",
                                                       json{{"op", "batch"}, {"rows", rows.size()}}.dump()));
  auto id = tx.query_value<int64_t>(
      "INSERT INTO fact_batches (kind, source, as_of, loaded_at, file_name, created_by, header, content, "
      "rows_loaded, report, seq, bytes, chunk_bytes) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13) "
      "RETURNING id",
      {info.kind, info.source, info.as_of, info.loaded_at.empty() ? timestamp_now() : info.loaded_at,
       info.file_name, info.created_by, header, Blob(), static_cast<int64_t>(rows.size()), report.dump(), seq,
       static_cast<int64_t>(csv_text.size()), static_cast<int64_t>(kBatchChunk)});
  if (!id.ok()) return id.error();
  int64_t batch = *id;
  size_t at = 0;
  auto chunks = tx.bulk_insert("batch_chunks", {"batch_id", "chunk", "data"}, [&](std::vector<Param>& row) {
    if (at >= csv_text.size()) return false;
    size_t n = std::min(kBatchChunk, csv_text.size() - at);
    row[0] = batch;
    row[1] = static_cast<int64_t>(at / kBatchChunk);
    row[2] = Blob(csv_text.begin() + static_cast<std::ptrdiff_t>(at), csv_text.begin() + static_cast<std::ptrdiff_t>(at + n));
    at += n;
    return true;
  });
  if (!chunks.ok()) return chunks.error();
  size_t i = 0;
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
  return batch;
}

namespace {

constexpr const char* kBatchCols =
    "id, kind, source, as_of, loaded_at, file_name, created_by, rows_loaded, "
    "COALESCE(CAST(report->>'rows_rejected' AS BIGINT), 0), COALESCE(CAST(report->>'errors_total' AS BIGINT), 0), "
    "bytes";

Result<BatchSummary> batch_summary(const Row& r) {
  BatchSummary b;
  ZHIDA_ASSIGN_OR_RETURN(b.id, r.get<int64_t>(0));
  ZHIDA_ASSIGN_OR_RETURN(b.kind, r.get<std::string>(1));
  ZHIDA_ASSIGN_OR_RETURN(b.source, r.get<std::string>(2));
  ZHIDA_ASSIGN_OR_RETURN(b.as_of, r.get<std::string>(3));
  ZHIDA_ASSIGN_OR_RETURN(b.loaded_at, r.get<std::string>(4));
  ZHIDA_ASSIGN_OR_RETURN(b.file_name, r.get<std::string>(5));
  ZHIDA_ASSIGN_OR_RETURN(b.created_by, r.get<int64_t>(6));
  ZHIDA_ASSIGN_OR_RETURN(b.rows_loaded, r.get<int64_t>(7));
  ZHIDA_ASSIGN_OR_RETURN(b.rows_rejected, r.get<int64_t>(8));
  ZHIDA_ASSIGN_OR_RETURN(b.errors_total, r.get<int64_t>(9));
  ZHIDA_ASSIGN_OR_RETURN(b.bytes, r.get<int64_t>(10));
  return b;
}

}  // namespace

Result<std::vector<BatchSummary>> list_batches(Tx& tx, int64_t offset, int64_t limit, int64_t* total) {
  if (total) {
    auto n = tx.query_value<int64_t>("SELECT COUNT(*) FROM fact_batches");
    if (!n.ok()) return n.error();
    *total = *n;
  }
  auto rows = tx.query(fmt::format("SELECT {} FROM fact_batches ORDER BY id DESC LIMIT $1 OFFSET $2", kBatchCols),
                       {limit, offset});
  if (!rows.ok()) return rows.error();
  std::vector<BatchSummary> out;
  for (const Row& r : *rows) {
    ZHIDA_ASSIGN_OR_RETURN(BatchSummary b, batch_summary(r));
    out.push_back(std::move(b));
  }
  return out;
}

Result<std::optional<BatchSummary>> get_batch(Tx& tx, int64_t id) {
  auto row = tx.query_optional(fmt::format("SELECT {}, report FROM fact_batches WHERE id = $1", kBatchCols), {id});
  if (!row.ok()) return row.error();
  if (!*row) return std::optional<BatchSummary>();
  ZHIDA_ASSIGN_OR_RETURN(BatchSummary b, batch_summary(**row));
  ZHIDA_ASSIGN_OR_RETURN(b.report, (*row)->get<std::string>(11));
  return std::optional<BatchSummary>(std::move(b));
}

Status add_facts(Tx& tx, const std::vector<FactRow>& facts, const std::string& loaded_at) {
  if (facts.empty()) return Status::Ok();
  std::string now = loaded_at.empty() ? timestamp_now() : loaded_at;
  json ids = json::array();
  for (const FactRow& f : facts)
    if (ids.empty() || ids.back() != f.enterprise_id) ids.push_back(f.enterprise_id);
  ZHIDA_ASSIGN_OR_RETURN(int64_t seq, tx.append_change("enterprises", "push",
                                                       json{{"op", "push"}, {"enterprises", ids}}.dump()));
  size_t i = 0;
  auto inserted = tx.bulk_insert(
      "facts", {"enterprise_id", "attr_id", "year", "value", "source", "as_of", "loaded_at", "created_by", "seq"},
      [&](std::vector<Param>& row) {
        if (i >= facts.size()) return false;
        const FactRow& f = facts[i++];
        row[0] = f.enterprise_id;
        row[1] = static_cast<int64_t>(f.attr_id);
        row[2] = static_cast<int64_t>(f.year);
        row[3] = f.value ? Param(std::string_view(*f.value)) : Param();
        row[4] = std::string_view(f.source);
        row[5] = std::string_view(f.as_of);
        row[6] = std::string_view(now);
        row[7] = f.created_by;
        row[8] = seq;
        return true;
      });
  if (!inserted.ok()) return inserted.error();
  return Status::Ok();
}

namespace {

// The sink that writes parsed rows into the replica.
portrait::RowSink apply_to(portrait::EnterpriseTable& table) {
  return [&table](int64_t id, std::span<const portrait::FactCell> cells) {
    return portrait::apply_row(table, id, cells);
  };
}

// The catalog for replaying stored facts: enum and set domains are not
// enforced again (the values were valid when loaded; a domain declared or
// narrowed since must not make stored facts vanish).
std::shared_ptr<portrait::Catalog> replay_catalog(const portrait::Catalog& catalog) {
  auto lenient = std::make_shared<portrait::Catalog>(catalog);
  for (const portrait::Attribute& a : catalog.attributes())
    if (!a.values.empty()) lenient->mutable_attribute(a.name)->values.clear();
  return lenient;
}


// One stored fact row, as read for a replay.
struct StoredFact {
  int64_t seq = 0;
  int64_t enterprise_id = 0;
  int64_t attr = 0;
  int64_t year = 0;
  std::optional<std::string> value;
  std::string source, as_of, loaded_at;
};

// Columns: seq, enterprise_id, attr_id, year, value[, source, as_of, loaded_at].
Result<StoredFact> stored_fact(const Row& r, bool with_meta = false) {
  StoredFact f;
  ZHIDA_ASSIGN_OR_RETURN(f.seq, r.get<int64_t>(0));
  ZHIDA_ASSIGN_OR_RETURN(f.enterprise_id, r.get<int64_t>(1));
  ZHIDA_ASSIGN_OR_RETURN(f.attr, r.get<int64_t>(2));
  ZHIDA_ASSIGN_OR_RETURN(f.year, r.get<int64_t>(3));
  ZHIDA_ASSIGN_OR_RETURN(f.value, r.get_optional<std::string>(4));
  if (with_meta) {
    ZHIDA_ASSIGN_OR_RETURN(f.source, r.get<std::string>(5));
    ZHIDA_ASSIGN_OR_RETURN(f.as_of, r.get<std::string>(6));
    ZHIDA_ASSIGN_OR_RETURN(f.loaded_at, r.get<std::string>(7));
  }
  return f;
}

Status apply_fact(portrait::EnterpriseTable& table, const portrait::Catalog& lenient, const StoredFact& f) {
  const portrait::Attribute* a = lenient.attribute(static_cast<int32_t>(f.attr));
  if (!a) return Error("facts.unknown_attribute", fmt::format("事实引用了数据目录中不存在的属性 #{}", f.attr));
  std::string why;
  portrait::FactCell cell;
  cell.ref = rules::AttrRef{a->id, static_cast<int16_t>(f.year)};
  if (!portrait::parse_cell(f.value.value_or(""), f.value.has_value(), *a, cell, &why))
    return Error("facts.bad_value", fmt::format("属性“{}”的值“{}”无效：{}", a->name, f.value.value_or(""), why));
  return portrait::apply_row(table, f.enterprise_id, std::span<const portrait::FactCell>(&cell, 1));
}

// One firm's stored writes in load order: its line of every batch and its
// fact rows, merged by seq (a batch before the fact rows of the same seq).
struct FirmWrites {
  struct Line {
    int64_t batch = 0, seq = 0;
    std::string text;  // header + the firm's line
    std::string source, as_of, loaded_at;
  };
  std::vector<Line> lines;
  std::vector<StoredFact> facts;
};

Result<FirmWrites> firm_writes(Tx& tx, int64_t enterprise_id, const std::string& cut) {
  FirmWrites w;
  auto lines = tx.query(
      "SELECT b.id, b.seq, b.header, r.row_offset, r.row_length, b.source, b.as_of, b.loaded_at FROM batch_rows r "
      "JOIN fact_batches b ON b.id = r.batch_id WHERE r.enterprise_id = $1 AND b.loaded_at <= $2 "
      "ORDER BY b.seq, b.id",
      {enterprise_id, cut});
  if (!lines.ok()) return lines.error();
  for (const Row& r : *lines) {
    FirmWrites::Line l;
    ZHIDA_ASSIGN_OR_RETURN(l.batch, r.get<int64_t>(0));
    ZHIDA_ASSIGN_OR_RETURN(l.seq, r.get<int64_t>(1));
    ZHIDA_ASSIGN_OR_RETURN(std::string header, r.get<std::string>(2));
    ZHIDA_ASSIGN_OR_RETURN(int64_t offset, r.get<int64_t>(3));
    ZHIDA_ASSIGN_OR_RETURN(int64_t length, r.get<int64_t>(4));
    ZHIDA_ASSIGN_OR_RETURN(l.source, r.get<std::string>(5));
    ZHIDA_ASSIGN_OR_RETURN(l.as_of, r.get<std::string>(6));
    ZHIDA_ASSIGN_OR_RETURN(l.loaded_at, r.get<std::string>(7));
    ZHIDA_ASSIGN_OR_RETURN(std::string line, batch_slice(tx, l.batch, offset, length));
    l.text = header + "\n" + line + "\n";
    w.lines.push_back(std::move(l));
  }
  auto facts = tx.query(
      "SELECT seq, enterprise_id, attr_id, year, value, source, as_of, loaded_at FROM facts "
      "WHERE enterprise_id = $1 AND loaded_at <= $2 ORDER BY seq, id",
      {enterprise_id, cut});
  if (!facts.ok()) return facts.error();
  for (const Row& r : *facts) {
    ZHIDA_ASSIGN_OR_RETURN(StoredFact f, stored_fact(r, true));
    w.facts.push_back(std::move(f));
  }
  return w;
}

// Calls on_line / on_fact in load order.
Status replay_firm(const FirmWrites& w, const std::function<Status(const FirmWrites::Line&)>& on_line,
                   const std::function<Status(const StoredFact&)>& on_fact) {
  size_t f = 0;
  for (const FirmWrites::Line& l : w.lines) {
    for (; f < w.facts.size() && w.facts[f].seq < l.seq; ++f) ZHIDA_TRY(on_fact(w.facts[f]));
    ZHIDA_TRY(on_line(l));
  }
  for (; f < w.facts.size(); ++f) ZHIDA_TRY(on_fact(w.facts[f]));
  return Status::Ok();
}

}  // namespace

Status load_facts(Tx& tx, portrait::EnterpriseTable& table, const std::string& until, std::optional<int64_t> only) {
  std::string cut = until.empty() ? "9999" : until;
  auto lenient = replay_catalog(table.catalog());
  portrait::ImportOptions opt;
  opt.declared = lenient;
  auto keep_catalog = [](std::shared_ptr<const portrait::Catalog>) { return Status::Ok(); };
  if (only) {
    ZHIDA_ASSIGN_OR_RETURN(FirmWrites w, firm_writes(tx, *only, cut));
    return replay_firm(
        w,
        [&](const FirmWrites::Line& l) {
          portrait::ImportReport report;
          return portrait::import_csv_text(l.text, opt, keep_catalog, apply_to(table), &report);
        },
        [&](const StoredFact& f) { return apply_fact(table, *lenient, f); });
  }
  // Every firm: batches in load order, and before each the fact rows loaded
  // since the previous one.
  auto batches = tx.query("SELECT id, seq FROM fact_batches WHERE loaded_at <= $1 ORDER BY seq, id", {cut});
  if (!batches.ok()) return batches.error();
  auto apply_range = [&](int64_t lo, std::optional<int64_t> hi) -> Status {
    std::string sql = "SELECT seq, enterprise_id, attr_id, year, value FROM facts WHERE loaded_at <= $1 AND seq >= $2";
    std::vector<Param> params = {cut, lo};
    if (hi) {
      sql += " AND seq < $3";
      params.emplace_back(*hi);
    }
    sql += " ORDER BY seq, id";
    return tx.query_each(sql, params, [&](const Row& r) -> Status {
      ZHIDA_ASSIGN_OR_RETURN(StoredFact sf, stored_fact(r));
      return apply_fact(table, *lenient, sf);
    });
  };
  int64_t lo = 0;
  for (const Row& r : *batches) {
    ZHIDA_ASSIGN_OR_RETURN(int64_t id, r.get<int64_t>(0));
    ZHIDA_ASSIGN_OR_RETURN(int64_t seq, r.get<int64_t>(1));
    if (seq > lo) ZHIDA_TRY(apply_range(lo, seq));
    lo = std::max(lo, seq);
    ZHIDA_ASSIGN_OR_RETURN(std::string text, batch_text(tx, id));
    portrait::ImportReport report;
    ZHIDA_TRY(portrait::import_csv_text(std::move(text), opt, keep_catalog, apply_to(table), &report));
  }
  return apply_range(lo, std::nullopt);
}

namespace {

std::string cell_text(const portrait::FactCell& c) {
  switch (rules::class_of(c.type)) {
    case rules::Class::kNumeric:
      return c.number.to_string();
    case rules::Class::kDate:
      return format_date(c.date);
    case rules::Class::kBool:
      return c.boolean ? "true" : "false";
    case rules::Class::kSet: {
      std::string s;
      for (size_t k = 0; k < c.members.size(); ++k) s += (k ? "|" : "") + std::string(c.members[k]);
      return s;
    }
    default:
      return std::string(c.text);
  }
}

std::string attribute_label(const portrait::Catalog& catalog, int64_t attr, int64_t year) {
  const portrait::Attribute* a = catalog.attribute(static_cast<int32_t>(attr));
  std::string name = a ? a->name : fmt::format("#{}", attr);
  return year ? fmt::format("{}[{}]", name, year) : name;
}

}  // namespace

Result<std::vector<FactVersion>> fact_history(Tx& tx, const portrait::Catalog& catalog, int64_t enterprise_id,
                                              const std::string& until) {
  std::vector<FactVersion> out;
  ZHIDA_ASSIGN_OR_RETURN(FirmWrites w, firm_writes(tx, enterprise_id, until.empty() ? "9999" : until));
  portrait::ImportOptions opt;
  opt.declared = replay_catalog(catalog);
  ZHIDA_TRY(replay_firm(
      w,
      [&](const FirmWrites::Line& l) {
        portrait::ImportReport report;
        return portrait::import_csv_text(
            l.text, opt, [](auto) { return Status::Ok(); },
            [&](int64_t, std::span<const portrait::FactCell> cells) {
              for (const portrait::FactCell& c : cells) {
                FactVersion v;
                v.attr_id = catalog.attribute(c.ref.attr) ? c.ref.attr : -1;
                v.year = c.ref.year;
                v.attribute = attribute_label(catalog, c.ref.attr, c.ref.year);
                if (!c.missing) v.value = cell_text(c);
                v.source = l.source;
                v.as_of = l.as_of;
                v.loaded_at = l.loaded_at;
                v.batch_id = l.batch;
                out.push_back(std::move(v));
              }
              return Status::Ok();
            },
            &report);
      },
      [&](const StoredFact& f) {
        FactVersion v;
        v.attr_id = catalog.attribute(static_cast<int32_t>(f.attr)) ? static_cast<int32_t>(f.attr) : -1;
        v.year = static_cast<int16_t>(f.year);
        v.attribute = attribute_label(catalog, f.attr, f.year);
        v.value = f.value;
        v.source = f.source;
        v.as_of = f.as_of;
        v.loaded_at = f.loaded_at;
        out.push_back(std::move(v));
        return Status::Ok();
      }));
  return out;
}

Result<bool> enterprise_known(Tx& tx, int64_t enterprise_id) {
  auto row = tx.query_optional(
      "SELECT 1 FROM batch_rows WHERE enterprise_id = $1 UNION ALL SELECT 1 FROM facts WHERE enterprise_id = $1 "
      "LIMIT 1",
      {enterprise_id});
  if (!row.ok()) return row.error();
  return row->has_value();
}

Status retire_attribute(Tx& tx, int32_t attr_id, const std::string& new_name, const std::string& source) {
  auto r = tx.exec("UPDATE catalog_attributes SET name = $2, source = $3, updated_at = $4 WHERE id = $1",
                   {static_cast<int64_t>(attr_id), new_name, source, timestamp_now()});
  if (!r.ok()) return r.error();
  if (*r == 0) return Error("db.not_found", fmt::format("数据目录中没有编号为 {} 的属性", attr_id));
  return Status::Ok();
}

// ---- tags

namespace {

constexpr const char* kTagCols =
    "id, name, attr_id, rule, description, reference_year, active, created_at, updated_at, created_by, updated_by";

Result<TagRow> tag_row(const Row& r) {
  TagRow t;
  ZHIDA_ASSIGN_OR_RETURN(t.id, r.get<int64_t>(0));
  ZHIDA_ASSIGN_OR_RETURN(t.name, r.get<std::string>(1));
  ZHIDA_ASSIGN_OR_RETURN(int64_t attr, r.get<int64_t>(2));
  t.attr_id = static_cast<int32_t>(attr);
  ZHIDA_ASSIGN_OR_RETURN(t.rule, r.get<std::string>(3));
  ZHIDA_ASSIGN_OR_RETURN(t.description, r.get<std::string>(4));
  ZHIDA_ASSIGN_OR_RETURN(std::optional<int64_t> year, r.get_optional<int64_t>(5));
  if (year) t.reference_year = static_cast<int>(*year);
  ZHIDA_ASSIGN_OR_RETURN(t.active, r.get<bool>(6));
  ZHIDA_ASSIGN_OR_RETURN(t.created_at, r.get<std::string>(7));
  ZHIDA_ASSIGN_OR_RETURN(t.updated_at, r.get<std::string>(8));
  ZHIDA_ASSIGN_OR_RETURN(t.created_by, r.get<int64_t>(9));
  ZHIDA_ASSIGN_OR_RETURN(t.updated_by, r.get<int64_t>(10));
  return t;
}

Param optional_year(const std::optional<int>& y) { return y ? Param(static_cast<int64_t>(*y)) : Param(); }

}  // namespace

Result<std::vector<TagRow>> list_tags(Tx& tx) {
  auto rows = tx.query(fmt::format("SELECT {} FROM tags ORDER BY id", kTagCols));
  if (!rows.ok()) return rows.error();
  std::vector<TagRow> out;
  for (const Row& r : *rows) {
    ZHIDA_ASSIGN_OR_RETURN(TagRow t, tag_row(r));
    out.push_back(std::move(t));
  }
  return out;
}

Result<std::optional<TagRow>> get_tag(Tx& tx, int64_t id) {
  auto row = tx.query_optional(fmt::format("SELECT {} FROM tags WHERE id = $1", kTagCols), {id});
  if (!row.ok()) return row.error();
  if (!*row) return std::optional<TagRow>();
  ZHIDA_ASSIGN_OR_RETURN(TagRow t, tag_row(**row));
  return std::optional<TagRow>(std::move(t));
}

Result<int64_t> insert_tag(Tx& tx, const TagRow& t) {
  std::string at = t.updated_at.empty() ? timestamp_now() : t.updated_at;
  auto id = tx.query_value<int64_t>(
      "INSERT INTO tags (name, attr_id, rule, description, reference_year, active, created_at, updated_at, "
      "created_by, updated_by) VALUES ($1,$2,$3,$4,$5,$6,$7,$7,$8,$8) RETURNING id",
      {t.name, static_cast<int64_t>(t.attr_id), t.rule, t.description, optional_year(t.reference_year), t.active, at,
       t.created_by});
  if (!id.ok()) return id.error();
  ZHIDA_TRY(tx.append_change("tags", std::to_string(*id), R"({"op":"create"})"));
  return *id;
}

Status update_tag(Tx& tx, const TagRow& t) {
  std::string at = t.updated_at.empty() ? timestamp_now() : t.updated_at;
  auto r = tx.exec(
      "UPDATE tags SET rule = $2, description = $3, reference_year = $4, active = $5, updated_at = $6, "
      "updated_by = $7 WHERE id = $1",
      {t.id, t.rule, t.description, optional_year(t.reference_year), t.active, at, t.updated_by});
  if (!r.ok()) return r.error();
  if (*r == 0) return Error("db.not_found", fmt::format("没有编号为 {} 的标签", t.id));
  ZHIDA_TRY(tx.append_change("tags", std::to_string(t.id), R"({"op":"update"})"));
  return Status::Ok();
}

Status delete_tag(Tx& tx, int64_t id) {
  auto r = tx.exec("DELETE FROM tags WHERE id = $1", {id});
  if (!r.ok()) return r.error();
  if (*r == 0) return Error("db.not_found", fmt::format("没有编号为 {} 的标签", id));
  ZHIDA_TRY(tx.append_change("tags", std::to_string(id), R"({"op":"delete"})"));
  return Status::Ok();
}

// ---- data sources

namespace {

constexpr const char* kSourceCols =
    "id, name, department, description, key_hash, key_prefix, attributes, active, created_at, updated_at, "
    "last_used_at, created_by, facts_pushed";

Result<DataSourceRow> source_row(const Row& r) {
  DataSourceRow d;
  ZHIDA_ASSIGN_OR_RETURN(d.id, r.get<int64_t>(0));
  ZHIDA_ASSIGN_OR_RETURN(d.name, r.get<std::string>(1));
  ZHIDA_ASSIGN_OR_RETURN(d.department, r.get<std::string>(2));
  ZHIDA_ASSIGN_OR_RETURN(d.description, r.get<std::string>(3));
  ZHIDA_ASSIGN_OR_RETURN(d.key_hash, r.get<std::string>(4));
  ZHIDA_ASSIGN_OR_RETURN(d.key_prefix, r.get<std::string>(5));
  ZHIDA_ASSIGN_OR_RETURN(std::string attrs, r.get<std::string>(6));
  json a = json::parse(attrs, nullptr, false);
  if (a.is_array())
    for (const auto& x : a)
      if (x.is_string()) d.attributes.push_back(x.get<std::string>());
  ZHIDA_ASSIGN_OR_RETURN(d.active, r.get<bool>(7));
  ZHIDA_ASSIGN_OR_RETURN(d.created_at, r.get<std::string>(8));
  ZHIDA_ASSIGN_OR_RETURN(d.updated_at, r.get<std::string>(9));
  ZHIDA_ASSIGN_OR_RETURN(d.last_used_at, r.get_optional<std::string>(10));
  ZHIDA_ASSIGN_OR_RETURN(d.created_by, r.get<int64_t>(11));
  ZHIDA_ASSIGN_OR_RETURN(d.facts_pushed, r.get<int64_t>(12));
  return d;
}

Result<std::optional<DataSourceRow>> source_where(Tx& tx, const char* column, const Param& value) {
  auto row = tx.query_optional(fmt::format("SELECT {} FROM data_sources WHERE {} = $1", kSourceCols, column), {value});
  if (!row.ok()) return row.error();
  if (!*row) return std::optional<DataSourceRow>();
  ZHIDA_ASSIGN_OR_RETURN(DataSourceRow d, source_row(**row));
  return std::optional<DataSourceRow>(std::move(d));
}

}  // namespace

Result<std::vector<DataSourceRow>> list_data_sources(Tx& tx) {
  auto rows = tx.query(fmt::format("SELECT {} FROM data_sources ORDER BY id", kSourceCols));
  if (!rows.ok()) return rows.error();
  std::vector<DataSourceRow> out;
  for (const Row& r : *rows) {
    ZHIDA_ASSIGN_OR_RETURN(DataSourceRow d, source_row(r));
    out.push_back(std::move(d));
  }
  return out;
}

Result<std::optional<DataSourceRow>> get_data_source(Tx& tx, int64_t id) { return source_where(tx, "id", id); }

Result<std::optional<DataSourceRow>> data_source_by_key_hash(Tx& tx, const std::string& key_hash) {
  return source_where(tx, "key_hash", key_hash);
}

Result<int64_t> insert_data_source(Tx& tx, const DataSourceRow& d) {
  std::string at = d.created_at.empty() ? timestamp_now() : d.created_at;
  auto id = tx.query_value<int64_t>(
      "INSERT INTO data_sources (name, department, description, key_hash, key_prefix, attributes, active, "
      "created_at, updated_at, created_by) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$8,$9) RETURNING id",
      {d.name, d.department, d.description, d.key_hash, d.key_prefix, json(d.attributes).dump(), d.active, at,
       d.created_by});
  if (!id.ok()) return id.error();
  ZHIDA_TRY(tx.append_change("data_sources", std::to_string(*id), R"({"op":"create"})"));
  return *id;
}

Status update_data_source(Tx& tx, const DataSourceRow& d) {
  std::string at = d.updated_at.empty() ? timestamp_now() : d.updated_at;
  auto r = tx.exec(
      "UPDATE data_sources SET name = $2, department = $3, description = $4, key_hash = $5, key_prefix = $6, "
      "attributes = $7, active = $8, updated_at = $9 WHERE id = $1",
      {d.id, d.name, d.department, d.description, d.key_hash, d.key_prefix, json(d.attributes).dump(), d.active, at});
  if (!r.ok()) return r.error();
  if (*r == 0) return Error("db.not_found", fmt::format("没有编号为 {} 的数据源", d.id));
  ZHIDA_TRY(tx.append_change("data_sources", std::to_string(d.id), R"({"op":"update"})"));
  return Status::Ok();
}

Status touch_data_source(Tx& tx, int64_t id, const std::string& at, int64_t n) {
  auto r = tx.exec("UPDATE data_sources SET last_used_at = $2, facts_pushed = facts_pushed + $3 WHERE id = $1",
                   {id, at, n});
  if (!r.ok()) return r.error();
  if (*r == 0) return Error("db.not_found", fmt::format("没有编号为 {} 的数据源", id));
  return Status::Ok();
}

// ---- reports of wrong facts

namespace {

constexpr const char* kReportCols =
    "id, enterprise_id, attribute, current_value, proposed_value, explanation, status, created_by, created_at, "
    "resolved_by, resolved_at, resolution_note, applied";

Result<FactReportRow> report_row(const Row& r) {
  FactReportRow f;
  ZHIDA_ASSIGN_OR_RETURN(f.id, r.get<int64_t>(0));
  ZHIDA_ASSIGN_OR_RETURN(f.enterprise_id, r.get<int64_t>(1));
  ZHIDA_ASSIGN_OR_RETURN(f.attribute, r.get<std::string>(2));
  ZHIDA_ASSIGN_OR_RETURN(f.current_value, r.get_optional<std::string>(3));
  ZHIDA_ASSIGN_OR_RETURN(f.proposed_value, r.get<std::string>(4));
  ZHIDA_ASSIGN_OR_RETURN(f.explanation, r.get<std::string>(5));
  ZHIDA_ASSIGN_OR_RETURN(f.status, r.get<std::string>(6));
  ZHIDA_ASSIGN_OR_RETURN(f.created_by, r.get<int64_t>(7));
  ZHIDA_ASSIGN_OR_RETURN(f.created_at, r.get<std::string>(8));
  ZHIDA_ASSIGN_OR_RETURN(f.resolved_by, r.get<int64_t>(9));
  ZHIDA_ASSIGN_OR_RETURN(f.resolved_at, r.get_optional<std::string>(10));
  ZHIDA_ASSIGN_OR_RETURN(f.resolution_note, r.get<std::string>(11));
  ZHIDA_ASSIGN_OR_RETURN(f.applied, r.get<bool>(12));
  return f;
}

}  // namespace

Result<int64_t> insert_fact_report(Tx& tx, const FactReportRow& f) {
  std::string at = f.created_at.empty() ? timestamp_now() : f.created_at;
  auto id = tx.query_value<int64_t>(
      "INSERT INTO fact_reports (enterprise_id, attribute, current_value, proposed_value, explanation, status, "
      "created_by, created_at) VALUES ($1,$2,$3,$4,$5,'open',$6,$7) RETURNING id",
      {f.enterprise_id, f.attribute, f.current_value, f.proposed_value, f.explanation, f.created_by, at});
  if (!id.ok()) return id.error();
  ZHIDA_TRY(tx.append_change("fact_reports", std::to_string(*id), R"({"op":"open"})"));
  return *id;
}

Result<std::optional<FactReportRow>> get_fact_report(Tx& tx, int64_t id) {
  auto row = tx.query_optional(fmt::format("SELECT {} FROM fact_reports WHERE id = $1", kReportCols), {id});
  if (!row.ok()) return row.error();
  if (!*row) return std::optional<FactReportRow>();
  ZHIDA_ASSIGN_OR_RETURN(FactReportRow f, report_row(**row));
  return std::optional<FactReportRow>(std::move(f));
}

Result<std::vector<FactReportRow>> list_fact_reports(Tx& tx, const std::string& status, int64_t enterprise_id,
                                                     int64_t offset, int64_t limit, int64_t* total) {
  const char* where = "($1 = '' OR status = $1) AND ($2 = 0 OR enterprise_id = $2)";
  if (total) {
    auto n = tx.query_value<int64_t>(fmt::format("SELECT COUNT(*) FROM fact_reports WHERE {}", where),
                                     {status, enterprise_id});
    if (!n.ok()) return n.error();
    *total = *n;
  }
  auto rows = tx.query(
      fmt::format("SELECT {} FROM fact_reports WHERE {} ORDER BY id DESC LIMIT $3 OFFSET $4", kReportCols, where),
      {status, enterprise_id, limit, offset});
  if (!rows.ok()) return rows.error();
  std::vector<FactReportRow> out;
  for (const Row& r : *rows) {
    ZHIDA_ASSIGN_OR_RETURN(FactReportRow f, report_row(r));
    out.push_back(std::move(f));
  }
  return out;
}

Status resolve_fact_report(Tx& tx, const FactReportRow& f) {
  std::string at = f.resolved_at.value_or(timestamp_now());
  auto r = tx.exec(
      "UPDATE fact_reports SET status = $2, resolved_by = $3, resolved_at = $4, resolution_note = $5, applied = $6 "
      "WHERE id = $1 AND status = 'open'",
      {f.id, f.status, f.resolved_by, at, f.resolution_note, f.applied});
  if (!r.ok()) return r.error();
  if (*r == 0) {
    auto existing = get_fact_report(tx, f.id);
    if (!existing.ok()) return existing.error();
    if (!*existing) return Error("db.not_found", fmt::format("没有编号为 {} 的报错", f.id));
    return Error("report.conflict", "该报错已经处理过了");
  }
  ZHIDA_TRY(tx.append_change("fact_reports", std::to_string(f.id),
                             json{{"op", "resolve"}, {"status", f.status}}.dump()));
  return Status::Ok();
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

Status insert_policy(Tx& tx, const PolicyRow& p, const std::string& at) {
  std::string now = at.empty() ? timestamp_now() : at;
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

Result<PolicyVersionRow> publish_policy(Tx& tx, const std::string& id, int64_t user_id, const std::string& at) {
  auto p = get_policy(tx, id);
  if (!p.ok()) return p.error();
  if (!*p) return Error("db.not_found", fmt::format("没有编号为 {} 的政策", id));
  PolicyVersionRow v;
  v.policy_id = id;
  v.version = (*p)->version + 1;
  v.body = (*p)->draft;
  v.hash = sha256_hex(v.body);
  v.published_at = at.empty() ? timestamp_now() : at;
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
