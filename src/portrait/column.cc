#include "portrait/column.h"

#include <fmt/format.h>

namespace zhida::portrait {

using rules::Type;
using rules::Value;

ColumnKind column_kind_of(Type t) {
  switch (t) {
    case Type::kDate:
      return ColumnKind::kDate;
    case Type::kBool:
      return ColumnKind::kBool;
    case Type::kEnum:
    case Type::kString:
      return ColumnKind::kText;
    case Type::kSet:
      return ColumnKind::kSet;
    default:
      return ColumnKind::kDecimal;
  }
}

Column::Column(Type type, rules::AttrRef ref)
    : type_(type), kind_(column_kind_of(type)), ref_(ref) {}

void Column::reserve(size_t rows) {
  valid_.reserve(rows);
  switch (kind_) {
    case ColumnKind::kDecimal:
      ints_.reserve(rows);
      break;
    case ColumnKind::kDate:
      dates_.reserve(rows);
      break;
    case ColumnKind::kBool:
      bools_.reserve(rows);
      break;
    case ColumnKind::kText:
      codes_.reserve(rows);
      break;
    case ColumnKind::kSet:
      break;
  }
}

void Column::resize(size_t rows) {
  if (rows < rows_) {  // shrinking: clear what is cut off
    for (size_t r = rows; r < rows_; ++r) set_missing(r);
  }
  valid_.resize(rows);
  switch (kind_) {
    case ColumnKind::kDecimal:
      ints_.resize(rows);
      break;
    case ColumnKind::kDate:
      dates_.resize(rows);
      break;
    case ColumnKind::kBool:
      bools_.resize(rows);
      break;
    case ColumnKind::kText:
      codes_.resize(rows);
      break;
    case ColumnKind::kSet:
      break;
  }
  rows_ = rows;
}

void Column::set_missing(size_t row) {
  if (row >= rows_) {
    resize(row + 1);
    return;
  }
  if (kind_ == ColumnKind::kSet && valid_.get(row))
    for (auto& m : members_) m.remove(static_cast<uint32_t>(row));
  valid_.clear(row);
}

Status Column::rescale(int scale) {
  int128_t f = pow10_i128(scale - scale_);
  for (size_t i = 0; i < rows_; ++i) {
    int128_t v = static_cast<int128_t>(ints_[i]) * f;
    if (v > INT64_MAX || v < INT64_MIN)
      return Error("value.out_of_range", "数值的整数位和小数位合计过长，超出可存储的范围");
  }
  int64_t f64 = static_cast<int64_t>(f);
  for (size_t i = 0; i < rows_; ++i) ints_[i] *= f64;
  scale_ = scale;
  return Status::Ok();
}

Status Column::set_decimal(size_t row, const Decimal& d0) {
  if (row >= size()) resize(row + 1);
  Decimal d = d0.scale() > 0 ? d0.normalized() : d0;
  if (d.scale() > scale_) ZHIDA_TRY(rescale(d.scale()));
  int128_t m = d.mantissa() * pow10_i128(scale_ - d.scale());
  if (m > INT64_MAX || m < INT64_MIN)
    return Error("value.out_of_range", fmt::format("数值 {} 超出可存储的范围", d0.to_string()));
  ints_[row] = static_cast<int64_t>(m);
  valid_.set(row);
  return Status::Ok();
}

void Column::set_date(size_t row, int32_t days) {
  if (row >= size()) resize(row + 1);
  dates_[row] = days;
  valid_.set(row);
}

void Column::set_bool(size_t row, bool b) {
  if (row >= size()) resize(row + 1);
  bools_.assign(row, b);
  valid_.set(row);
}

void Column::set_text(size_t row, std::string_view text) {
  if (row >= size()) resize(row + 1);
  codes_[row] = dict_.intern(text);
  valid_.set(row);
}

void Column::set_set(size_t row, std::span<const std::string_view> members) {
  if (row >= size()) resize(row + 1);
  uint32_t r = static_cast<uint32_t>(row);
  if (valid_.get(row))
    for (auto& m : members_) m.remove(r);
  for (std::string_view s : members) {
    uint32_t code = dict_.intern(s);
    if (code >= members_.size()) members_.resize(code + 1);
    members_[code].add(r);
  }
  valid_.set(row);
}

Value Column::value(size_t row) const {
  if (row >= size() || !valid_.get(row)) return Value::missing();
  switch (kind_) {
    case ColumnKind::kDecimal:
      return Value::of_number(decimal_at(row));
    case ColumnKind::kDate:
      return Value::of_date(dates_[row]);
    case ColumnKind::kBool:
      return Value::of_bool(bools_.get(row));
    case ColumnKind::kText:
      return Value::of_text(dict_.at(codes_[row]));
    case ColumnKind::kSet:
      return Value::known_set();
  }
  return Value::missing();
}

rules::Tri Column::set_contains(size_t row, std::string_view member) const {
  if (row >= size() || !valid_.get(row)) return rules::Tri::kUnknown;
  uint32_t code = dict_.find(member);
  if (code == Dictionary::kNone || code >= members_.size()) return rules::Tri::kFalse;
  return rules::tri_of(members_[code].contains(static_cast<uint32_t>(row)));
}

std::vector<std::string_view> Column::set_at(size_t row) const {
  std::vector<std::string_view> out;
  if (kind_ != ColumnKind::kSet || !is_valid(row)) return out;
  for (uint32_t c = 0; c < members_.size(); ++c)
    if (members_[c].contains(static_cast<uint32_t>(row))) out.push_back(dict_.at(c));
  return out;
}

Status Column::append(const Column& other) {
  size_t base = size();
  size_t n = other.size();
  resize(base + n);
  valid_.or_at(base, other.valid_);
  switch (kind_) {
    case ColumnKind::kDecimal: {
      if (other.scale_ > scale_) ZHIDA_TRY(rescale(other.scale_));
      int128_t f = pow10_i128(scale_ - other.scale_);
      for (size_t i = 0; i < n; ++i) {
        int128_t v = static_cast<int128_t>(other.ints_[i]) * f;
        if (v > INT64_MAX || v < INT64_MIN)
          return Error("value.out_of_range", "数值超出可存储的范围");
        ints_[base + i] = static_cast<int64_t>(v);
      }
      break;
    }
    case ColumnKind::kDate:
      std::copy(other.dates_.begin(), other.dates_.begin() + n, dates_.begin() + base);
      break;
    case ColumnKind::kBool:
      bools_.or_at(base, other.bools_);
      break;
    case ColumnKind::kText: {
      std::vector<uint32_t> map = dict_.merge(other.dict_);
      for (size_t i = 0; i < n; ++i) codes_[base + i] = map[other.codes_[i]];
      break;
    }
    case ColumnKind::kSet: {
      std::vector<uint32_t> map = dict_.merge(other.dict_);
      for (uint32_t c = 0; c < other.members_.size(); ++c) {
        uint32_t to = map[c];
        if (to >= members_.size()) members_.resize(to + 1);
        std::vector<uint32_t> rows(other.members_[c].cardinality());
        other.members_[c].toUint32Array(rows.data());
        for (uint32_t& r : rows) r += static_cast<uint32_t>(base);
        members_[to].addMany(rows.size(), rows.data());
      }
      break;
    }
  }
  return Status::Ok();
}

void Column::optimize() {
  for (auto& m : members_) {
    m.runOptimize();
    m.shrinkToFit();
  }
  // Give back what doubling over-allocated (shrinking a mapping copies nothing).
  ints_.shrink_to_fit();
  dates_.shrink_to_fit();
  codes_.shrink_to_fit();
  valid_.shrink_to_fit();
  bools_.shrink_to_fit();
}

size_t Column::memory_bytes() const {
  size_t b = sizeof(*this) + valid_.memory_bytes() + ints_.memory_bytes() + dates_.memory_bytes() +
             bools_.memory_bytes() + codes_.memory_bytes() + dict_.memory_bytes();
  for (const auto& m : members_) b += m.getSizeInBytes() + sizeof(m);
  return b;
}

}  // namespace zhida::portrait
