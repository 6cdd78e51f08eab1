// EnterpriseTable: the current facts of every enterprise, column by column
// (the columnar in-memory replica). The importer builds it; the server keeps
// it current with the same writes it stores; the matching engine scans it.
//
// Rows are numbered 0..rows()-1 in order of arrival; each row has the
// enterprise's id. Columns exist per (attribute, period) and are created on
// first write.
//
// Thread-safety: const methods may run concurrently; a writer must exclude
// readers (the platform holds a shared_mutex around it).
#pragma once

#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

#include "base/result.h"
#include "portrait/catalog.h"
#include "portrait/column.h"
#include "rules/types.h"

namespace zhida::portrait {

class EnterpriseTable {
 public:
  explicit EnterpriseTable(std::shared_ptr<const Catalog> catalog);
  EnterpriseTable(const EnterpriseTable&) = delete;
  EnterpriseTable& operator=(const EnterpriseTable&) = delete;

  const Catalog& catalog() const { return *catalog_; }
  const std::shared_ptr<const Catalog>& catalog_ptr() const { return catalog_; }
  // Replaces the catalog by one that extends it (same ids for old names).
  void set_catalog(std::shared_ptr<const Catalog> catalog) { catalog_ = std::move(catalog); }

  size_t rows() const { return ids_.size(); }
  int64_t id(size_t row) const { return ids_[row]; }
  const std::vector<int64_t>& ids() const { return ids_; }
  std::optional<uint32_t> row_of(int64_t id) const;
  // Appends an enterprise with no facts; fails when the id exists.
  Result<uint32_t> add_row(int64_t id);
  // Pre-allocates for a bulk load.
  void reserve(size_t rows);

  const Column* column(rules::AttrRef ref) const;
  Column* column(rules::AttrRef ref);
  // The column for ref, created (all missing) when absent. ref.attr must be
  // in the catalog.
  Column& ensure_column(rules::AttrRef ref);
  const std::vector<std::unique_ptr<Column>>& columns() const { return columns_; }
  // The years an attribute has columns for, ascending.
  std::vector<int> years(int32_t attr) const;

  // One row as the rules' evaluator sees it. Valid while the table lives and
  // is not written.
  class RowFacts final : public rules::Facts {
   public:
    RowFacts(const EnterpriseTable& t, size_t row) : t_(t), row_(row) {}
    rules::Value get(rules::AttrRef ref) const override;
    rules::Tri set_contains(rules::AttrRef ref, std::string_view v) const override;

   private:
    const EnterpriseTable& t_;
    size_t row_;
  };
  RowFacts facts(size_t row) const { return RowFacts(*this, row); }

  // Fills the catalog's enum and set domains that were not declared from the
  // values seen (so the checker can warn about a misspelt value).
  std::shared_ptr<const Catalog> catalog_with_observed_values() const;

  // Moves the rows of `other` (same catalog) after this table's rows. Fails
  // when an id is in both (nothing is changed then).
  Status append(EnterpriseTable&& other);

  // Columns grow as they are written; pad() sizes every column to rows()
  // (the new cells missing). Readers that scan columns (the engine) need it;
  // optimize() does it too.
  void pad();
  bool padded() const {
    for (const auto& c : columns_)
      if (c->size() != ids_.size()) return false;
    return true;
  }
  void optimize();
  size_t memory_bytes() const;

 private:
  std::shared_ptr<const Catalog> catalog_;
  std::vector<int64_t> ids_;
  bool ids_ascending_ = true;
  std::unordered_map<int64_t, uint32_t> id_index_;  // only when ids are not ascending
  std::vector<std::unique_ptr<Column>> columns_;
  // attr id -> (year, column) pairs
  std::vector<std::vector<std::pair<int16_t, Column*>>> by_attr_;
};

}  // namespace zhida::portrait
