// The portrait's tables: the data catalog, enterprise facts with their full
// history, and policies with their immutable published versions.
//
// Facts arrive two ways, and both keep history (a new value never
// overwrites an old one):
//   - a batch: a CSV upload from a department (or the demo's generated
//     district). The batch keeps the file's text as loaded, in 256 KiB
//     chunks (batch_chunks), with an index of where each enterprise's row
//     is, so a batch of 200,000 firms is one row and ~700 chunks, not
//     millions of rows, and one firm's row is read from the one chunk that
//     holds it; its source, as-of and load time apply to every fact in it.
//   - a fact row: one value pushed by a data source (incremental updates),
//     with its own source, as-of and load time.
// The current facts — the replica the engine matches on — are every batch
// and every fact row, applied in the order they were loaded: each write
// records the change-feed sequence number of its transaction (`seq`, commit
// order on both databases), and replays merge batches and fact rows by it,
// so a restart rebuilds exactly the replica the running server had.
// Replays apply stored values as stored: a catalog change made later (a
// narrower enum domain) never drops a fact that was valid when loaded.
//
// Beside the facts: tag definitions (企业标签, derived attributes computed
// in the replica, never stored per firm), the data sources that push facts
// (API keys kept only as hashes), and enterprises' reports of wrong facts.
//
// All functions take a Tx: callers group them into one transaction.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "base/result.h"
#include "portrait/catalog.h"
#include "portrait/import.h"
#include "portrait/table.h"
#include "store/db.h"

namespace zhida::store {

const MigrationSet& portrait_migrations();

// ---- catalog
Status save_catalog(Tx& tx, const portrait::Catalog& catalog);
Result<portrait::Catalog> load_catalog(Tx& tx);

// ---- facts
struct BatchInfo {
  std::string kind;       // csv_upload, demo, import
  std::string source;     // 来源部门: 税务局 …
  std::string as_of;      // when the data was true (timestamp)
  std::string file_name;  // as uploaded
  int64_t created_by = 0;  // user id, 0 = system
  std::string loaded_at;   // timestamp; empty = now (the system clock)
};

struct BatchRow {
  int64_t enterprise_id = 0;
  int64_t offset = 0;  // byte offset of the row in the batch's text
  int64_t length = 0;  // bytes, without the line break
};

// Stores a batch (its CSV text, header included) and where each good row
// is; returns the batch id. loaded_at is info.loaded_at (default now).
Result<int64_t> add_batch(Tx& tx, const BatchInfo& info, const std::string& csv_text,
                          const std::vector<BatchRow>& rows, const nlohmann::json& report);

// One stored batch, without its text.
struct BatchSummary {
  int64_t id = 0;
  std::string kind, source, as_of, loaded_at, file_name;
  int64_t created_by = 0;
  int64_t rows_loaded = 0;
  int64_t rows_rejected = 0;  // from the stored report
  int64_t errors_total = 0;
  int64_t bytes = 0;     // size of the stored text
  std::string report;     // the stored import report as JSON text (get_batch only; empty in lists)
};
// Batches, newest first; `total` receives the count of all batches.
Result<std::vector<BatchSummary>> list_batches(Tx& tx, int64_t offset, int64_t limit, int64_t* total);
Result<std::optional<BatchSummary>> get_batch(Tx& tx, int64_t id);

struct FactRow {
  int64_t enterprise_id = 0;
  int32_t attr_id = 0;
  int16_t year = 0;
  std::optional<std::string> value;  // the cell text (CSV conventions); nullopt = missing
  std::string source;
  std::string as_of;
  int64_t created_by = 0;
};
// Appends fact rows (loaded_at given, default now), all in one load.
Status add_facts(Tx& tx, const std::vector<FactRow>& facts, const std::string& loaded_at = "");

// Applies every batch and fact row loaded up to `until` (a timestamp; empty
// = all) to `table`, in load order. Enterprises only in `only` when given.
Status load_facts(Tx& tx, portrait::EnterpriseTable& table, const std::string& until = "",
                  std::optional<int64_t> only = std::nullopt);

// One known value of one fact over time, for the portrait's history view.
struct FactVersion {
  std::string attribute;  // 营业收入[2024]
  int32_t attr_id = -1;   // -1 when the catalog no longer has it
  int16_t year = 0;
  std::optional<std::string> value;  // CSV conventions (sets joined by |); nullopt = missing
  std::string source;
  std::string as_of;
  std::string loaded_at;
  int64_t batch_id = 0;  // 0 for a pushed fact
};
// Every value loaded for one enterprise up to `until` (a timestamp; empty =
// all), oldest first (load order).
Result<std::vector<FactVersion>> fact_history(Tx& tx, const portrait::Catalog& catalog, int64_t enterprise_id,
                                              const std::string& until = "");
// Whether any batch or fact row names this enterprise.
Result<bool> enterprise_known(Tx& tx, int64_t enterprise_id);

// Renames a catalog attribute (a deleted tag's, so that its name is free and
// rules can no longer use it) and sets its source. Facts are by id: no fact
// changes meaning.
Status retire_attribute(Tx& tx, int32_t attr_id, const std::string& new_name, const std::string& source);

// ---- tags (企业标签): rules whose values are computed in the replica
struct TagRow {
  int64_t id = 0;
  std::string name;  // = the catalog attribute's name
  int32_t attr_id = -1;
  std::string rule;
  std::string description;
  std::optional<int> reference_year;
  bool active = true;
  std::string created_at, updated_at;
  int64_t created_by = 0, updated_by = 0;
};
Result<std::vector<TagRow>> list_tags(Tx& tx);
Result<std::optional<TagRow>> get_tag(Tx& tx, int64_t id);
// db.unique_violation when the name is taken. created_at/updated_at = row.updated_at.
Result<int64_t> insert_tag(Tx& tx, const TagRow& row);
// Rule, description, reference year, active, updated_*. db.not_found when absent.
Status update_tag(Tx& tx, const TagRow& row);
Status delete_tag(Tx& tx, int64_t id);

// ---- data sources: systems that push facts with an API key
struct DataSourceRow {
  int64_t id = 0;
  std::string name;
  std::string department;  // 来源部门, written as the source of its facts
  std::string description;
  std::string key_hash;    // sha-256 of the key, hex; the key itself is never stored
  std::string key_prefix;  // the key's first characters, to tell keys apart
  std::vector<std::string> attributes;  // allowed attribute names (no period)
  bool active = true;
  std::string created_at, updated_at;
  std::optional<std::string> last_used_at;
  int64_t created_by = 0;
  int64_t facts_pushed = 0;
};
Result<std::vector<DataSourceRow>> list_data_sources(Tx& tx);
Result<std::optional<DataSourceRow>> get_data_source(Tx& tx, int64_t id);
Result<std::optional<DataSourceRow>> data_source_by_key_hash(Tx& tx, const std::string& key_hash);
// db.unique_violation when the name is taken.
Result<int64_t> insert_data_source(Tx& tx, const DataSourceRow& row);
// Every field but id/created_*; db.not_found when absent.
Status update_data_source(Tx& tx, const DataSourceRow& row);
// Records a push: last_used_at = at, facts_pushed += n.
Status touch_data_source(Tx& tx, int64_t id, const std::string& at, int64_t n);

// ---- reports of wrong facts (企业报错)
struct FactReportRow {
  int64_t id = 0;
  int64_t enterprise_id = 0;
  std::string attribute;                    // 营业收入[2024]
  std::optional<std::string> current_value;  // what the portrait said when reported
  std::string proposed_value;               // what the firm says is right
  std::string explanation;
  std::string status = "open";  // open, accepted, rejected
  int64_t created_by = 0;
  std::string created_at;
  int64_t resolved_by = 0;
  std::optional<std::string> resolved_at;
  std::string resolution_note;
  bool applied = false;  // accepted and pushed as a fact
};
Result<int64_t> insert_fact_report(Tx& tx, const FactReportRow& row);
Result<std::optional<FactReportRow>> get_fact_report(Tx& tx, int64_t id);
// Filtered (status and/or enterprise when non-empty / non-zero), newest first.
Result<std::vector<FactReportRow>> list_fact_reports(Tx& tx, const std::string& status, int64_t enterprise_id,
                                                     int64_t offset, int64_t limit, int64_t* total);
// Sets the resolution of an open report; db.not_found when absent,
// report.conflict when it is no longer open.
Status resolve_fact_report(Tx& tx, const FactReportRow& row);

// ---- policies
struct PolicyRow {
  std::string id;
  std::string status;        // draft, published, closed
  int64_t version = 0;       // latest published version, 0 = never published
  std::string draft;         // the editable policy JSON
  std::string department;
  std::string updated_at;
  std::string created_at;
};
struct PolicyVersionRow {
  std::string policy_id;
  int64_t version = 0;
  std::string body;  // the policy JSON as published (immutable)
  std::string hash;  // sha-256 of body, hex
  std::string published_at;
  int64_t published_by = 0;
};

Result<std::vector<PolicyRow>> list_policies(Tx& tx);
Result<std::optional<PolicyRow>> get_policy(Tx& tx, const std::string& id);
// Creates a draft; db.unique_violation when the id exists. Timestamps: `at`
// (the platform clock's time), default now.
Status insert_policy(Tx& tx, const PolicyRow& row, const std::string& at = "");
Status update_policy_draft(Tx& tx, const std::string& id, const std::string& draft, const std::string& department);
Status set_policy_status(Tx& tx, const std::string& id, const std::string& status);
// Publishes the current draft as the next version at `at` (default now);
// returns it.
Result<PolicyVersionRow> publish_policy(Tx& tx, const std::string& id, int64_t user_id, const std::string& at = "");
Result<std::vector<PolicyVersionRow>> policy_versions(Tx& tx, const std::string& id);
Result<std::optional<PolicyVersionRow>> policy_version(Tx& tx, const std::string& id, int64_t version);
// The latest version of every published (not closed) policy.
Result<std::vector<PolicyVersionRow>> published_policy_versions(Tx& tx);

}  // namespace zhida::store
