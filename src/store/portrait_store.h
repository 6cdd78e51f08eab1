// The portrait's tables: the data catalog, enterprise facts with their full
// history, and policies with their immutable published versions.
//
// Facts arrive two ways, and both keep history (a new value never
// overwrites an old one):
//   - a batch: a CSV upload from a department (or the demo's generated
//     district). The batch keeps the file's text as loaded, with an index of
//     where each enterprise's row is, so a batch of 200,000 firms is one row
//     and a blob, not millions of rows; its source, as-of and load time apply
//     to every fact in it.
//   - a fact row: one value pushed by a data source (incremental updates),
//     with its own source, as-of and load time.
// The current facts — the replica the engine matches on — are every batch,
// then every fact row, applied in the order they were loaded.
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
};

struct BatchRow {
  int64_t enterprise_id = 0;
  int64_t offset = 0;  // byte offset of the row in the batch's text
  int64_t length = 0;  // bytes, without the line break
};

// Stores a batch (its CSV text, header included) and where each good row
// is; returns the batch id. The loaded_at time is now.
Result<int64_t> add_batch(Tx& tx, const BatchInfo& info, const std::string& csv_text,
                          const std::vector<BatchRow>& rows, const nlohmann::json& report);

struct FactRow {
  int64_t enterprise_id = 0;
  int32_t attr_id = 0;
  int16_t year = 0;
  std::optional<std::string> value;  // the cell text (CSV conventions); nullopt = missing
  std::string source;
  std::string as_of;
  int64_t created_by = 0;
};
// Appends fact rows (loaded_at = now).
Status add_facts(Tx& tx, const std::vector<FactRow>& facts);

// Applies every batch and fact row loaded up to `until` (a timestamp; empty
// = all) to `table`, in load order. Enterprises only in `only` when given.
Status load_facts(Tx& tx, portrait::EnterpriseTable& table, const std::string& until = "",
                  std::optional<int64_t> only = std::nullopt);

// One known value of one fact over time, for the portrait's history view.
struct FactVersion {
  std::string attribute;  // 营业收入[2024]
  std::optional<std::string> value;
  std::string source;
  std::string as_of;
  std::string loaded_at;
  int64_t batch_id = 0;  // 0 for a pushed fact
};
// Every value ever loaded for one enterprise, oldest first.
Result<std::vector<FactVersion>> fact_history(Tx& tx, const portrait::Catalog& catalog, int64_t enterprise_id);

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
// Creates a draft; db.unique_violation when the id exists.
Status insert_policy(Tx& tx, const PolicyRow& row);
Status update_policy_draft(Tx& tx, const std::string& id, const std::string& draft, const std::string& department);
Status set_policy_status(Tx& tx, const std::string& id, const std::string& status);
// Publishes the current draft as the next version; returns it.
Result<PolicyVersionRow> publish_policy(Tx& tx, const std::string& id, int64_t user_id);
Result<std::vector<PolicyVersionRow>> policy_versions(Tx& tx, const std::string& id);
Result<std::optional<PolicyVersionRow>> policy_version(Tx& tx, const std::string& id, int64_t version);
// The latest version of every published (not closed) policy.
Result<std::vector<PolicyVersionRow>> published_policy_versions(Tx& tx);

}  // namespace zhida::store
