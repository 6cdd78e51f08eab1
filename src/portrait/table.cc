#include "portrait/table.h"

#include <fmt/format.h>
#include <tbb/parallel_for.h>

#include <algorithm>

namespace zhida::portrait {

EnterpriseTable::EnterpriseTable(std::shared_ptr<const Catalog> catalog)
    : catalog_(std::move(catalog)) {}

std::optional<uint32_t> EnterpriseTable::row_of(int64_t id) const {
  if (ids_ascending_) {
    if (ids_.empty() || id > ids_.back()) return std::nullopt;  // a load appending in id order
    auto it = std::lower_bound(ids_.begin(), ids_.end(), id);
    if (it == ids_.end() || *it != id) return std::nullopt;
    return static_cast<uint32_t>(it - ids_.begin());
  }
  auto it = id_index_.find(id);
  if (it == id_index_.end()) return std::nullopt;
  return it->second;
}

Result<uint32_t> EnterpriseTable::add_row(int64_t id) {
  if (row_of(id)) return Error("enterprise.duplicate_id", fmt::format("企业编号 {} 重复", id));
  uint32_t row = static_cast<uint32_t>(ids_.size());
  if (ids_ascending_ && !ids_.empty() && id < ids_.back()) {
    ids_ascending_ = false;
    id_index_.reserve(ids_.size() * 2);
    for (uint32_t r = 0; r < ids_.size(); ++r) id_index_[ids_[r]] = r;
  }
  ids_.push_back(id);
  if (!ids_ascending_) id_index_[id] = row;
  return row;
}

void EnterpriseTable::reserve(size_t rows) {
  ids_.reserve(rows);
}

const Column* EnterpriseTable::column(rules::AttrRef ref) const {
  if (ref.attr < 0 || static_cast<size_t>(ref.attr) >= by_attr_.size()) return nullptr;
  for (const auto& [year, col] : by_attr_[static_cast<size_t>(ref.attr)])
    if (year == ref.year) return col;
  return nullptr;
}

Column* EnterpriseTable::column(rules::AttrRef ref) {
  return const_cast<Column*>(static_cast<const EnterpriseTable*>(this)->column(ref));
}

Column& EnterpriseTable::ensure_column(rules::AttrRef ref) {
  if (Column* c = column(ref)) return *c;
  const Attribute* a = catalog_->attribute(ref.attr);
  auto col = std::make_unique<Column>(a->type, ref);
  col->resize(ids_.size());
  if (by_attr_.size() <= static_cast<size_t>(ref.attr))
    by_attr_.resize(static_cast<size_t>(ref.attr) + 1);
  auto& slot = by_attr_[static_cast<size_t>(ref.attr)];
  slot.emplace_back(ref.year, col.get());
  std::sort(slot.begin(), slot.end(),
            [](const auto& x, const auto& y) { return x.first < y.first; });
  columns_.push_back(std::move(col));
  return *columns_.back();
}

std::vector<int> EnterpriseTable::years(int32_t attr) const {
  std::vector<int> out;
  if (attr < 0 || static_cast<size_t>(attr) >= by_attr_.size()) return out;
  for (const auto& [year, col] : by_attr_[static_cast<size_t>(attr)])
    if (year != 0) out.push_back(year);
  return out;
}

rules::Value EnterpriseTable::RowFacts::get(rules::AttrRef ref) const {
  const Column* c = t_.column(ref);
  return c ? c->value(row_) : rules::Value::missing();
}

rules::Tri EnterpriseTable::RowFacts::set_contains(rules::AttrRef ref, std::string_view v) const {
  const Column* c = t_.column(ref);
  return c ? c->set_contains(row_, v) : rules::Tri::kUnknown;
}

std::shared_ptr<const Catalog> EnterpriseTable::catalog_with_observed_values() const {
  auto cat = std::make_shared<Catalog>(*catalog_);
  for (const auto& col : columns_) {
    if (col->kind() != ColumnKind::kText && col->kind() != ColumnKind::kSet) continue;
    const Attribute* a = catalog_->attribute(col->ref().attr);
    if (a->type != rules::Type::kEnum && a->type != rules::Type::kSet) continue;
    if (!a->values.empty()) continue;  // declared: leave as is
    Attribute* m = cat->mutable_attribute(a->name);
    for (uint32_t c = 0; c < col->dict().size(); ++c) {
      std::string v(col->dict().at(c));
      if (std::find(m->values.begin(), m->values.end(), v) == m->values.end())
        m->values.push_back(v);
    }
  }
  return cat;
}

Status EnterpriseTable::append(EnterpriseTable&& other) {
  bool ascending = ids_ascending_ && other.ids_ascending_ &&
                   (ids_.empty() || other.ids_.empty() || other.ids_.front() > ids_.back());
  if (!ascending) {
    for (int64_t id : other.ids_)
      if (row_of(id)) return Error("enterprise.duplicate_id", fmt::format("企业编号 {} 重复", id));
  }
  pad();
  other.pad();
  size_t base = ids_.size();
  // Columns are independent: appended in parallel, each other column freed
  // as soon as it is copied (the peak is one table plus a column per thread).
  std::vector<Column*> into;
  into.reserve(other.columns_.size());
  for (auto& oc : other.columns_) into.push_back(&ensure_column(oc->ref()));
  std::vector<Status> done(into.size(), Status::Ok());
  tbb::parallel_for(size_t{0}, into.size(), [&](size_t i) {
    Column& c = *into[i];
    if (c.size() < base) c.resize(base);
    done[i] = c.append(*other.columns_[i]);
    other.columns_[i].reset();
  });
  for (const Status& st : done) ZHIDA_TRY(st);
  for (int64_t id : other.ids_) {
    if (!ascending) {
      if (ids_ascending_) {
        ids_ascending_ = false;
        for (uint32_t r = 0; r < ids_.size(); ++r) id_index_[ids_[r]] = r;
      }
      id_index_[id] = static_cast<uint32_t>(ids_.size());
    }
    ids_.push_back(id);
  }
  pad();
  other.ids_.clear();
  other.columns_.clear();
  other.by_attr_.clear();
  return Status::Ok();
}

void EnterpriseTable::pad() {
  for (auto& c : columns_)
    if (c->size() != ids_.size()) c->resize(ids_.size());
}

void EnterpriseTable::optimize() {
  pad();
  for (auto& c : columns_) c->optimize();
  ids_.shrink_to_fit();
}

size_t EnterpriseTable::memory_bytes() const {
  size_t b = ids_.capacity() * sizeof(int64_t) + id_index_.size() * 32;
  for (const auto& c : columns_) b += c->memory_bytes();
  return b;
}

}  // namespace zhida::portrait
