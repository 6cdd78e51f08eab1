// Column: the values of one attribute (for one period) across all
// enterprises, stored by type so that the matching engine can scan it fast:
//
//   int, number, money  int64 mantissas at one scale per column (exact
//                       decimals: 12.5 with scale 1 is 125)
//   date                int32 days since 1970-01-01
//   bool                a bitmap of values
//   enum, string        uint32 codes into a Dictionary
//   set                 a Dictionary of members and, per member, a Roaring
//                       bitmap of the rows that hold it
//
// Every kind has a validity bitmap: a clear bit is a missing value. An empty
// set is valid (known to hold nothing). Not thread-safe for writes; the
// owner (EnterpriseTable's user) serialises writers against readers.
#pragma once

#include <roaring/roaring.hh>

#include <algorithm>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "base/big_array.h"
#include "base/decimal.h"
#include "base/result.h"
#include "portrait/bitmap.h"
#include "portrait/dictionary.h"
#include "rules/types.h"

namespace zhida::portrait {

enum class ColumnKind : uint8_t { kDecimal, kDate, kBool, kText, kSet };
ColumnKind column_kind_of(rules::Type t);

class Column {
 public:
  Column(rules::Type type, rules::AttrRef ref);

  rules::Type type() const { return type_; }
  ColumnKind kind() const { return kind_; }
  rules::AttrRef ref() const { return ref_; }
  size_t size() const { return rows_; }
  const Bitmap& valid() const { return valid_; }
  bool is_valid(size_t row) const { return row < rows_ && valid_.get(row); }

  // kDecimal
  int scale() const { return scale_; }
  std::span<const int64_t> ints() const { return {ints_.data(), rows_}; }
  Decimal decimal_at(size_t row) const { return Decimal::from_parts(ints_[row], scale_); }
  // kDate
  std::span<const int32_t> dates() const { return {dates_.data(), rows_}; }
  // kBool
  const Bitmap& bools() const { return bools_; }
  // kText (codes) and kSet (members)
  std::span<const uint32_t> codes() const { return {codes_.data(), rows_}; }
  const Dictionary& dict() const { return dict_; }
  // kSet: rows holding member `code` of dict().
  const Roaring& members(uint32_t code) const { return members_[code]; }

  // The value as the evaluator sees it.
  // Rows at or past size() read as missing (columns grow on write).
  rules::Value value(size_t row) const;
  rules::Tri set_contains(size_t row, std::string_view member) const;
  // The members of a set value (kSet, valid rows).
  std::vector<std::string_view> set_at(size_t row) const;

  // Grows (or shrinks) to `rows` rows; new rows are missing.
  void resize(size_t rows);
  // Pre-allocates for a bulk load.
  void reserve(size_t rows);
  void set_missing(size_t row);
  // Fails when the value does not fit an int64 mantissa at the column scale.
  Status set_decimal(size_t row, const Decimal& d);
  void set_date(size_t row, int32_t days);
  void set_bool(size_t row, bool b);
  void set_text(size_t row, std::string_view text);
  void set_set(size_t row, std::span<const std::string_view> members);

  // Appends the rows of `other` (a column of the same attribute and type)
  // after this column's size() rows. For merging tables loaded in parallel.
  Status append(const Column& other);

  // Call after a bulk load: compresses the set bitmaps.
  void optimize();
  size_t memory_bytes() const;

 private:
  Status rescale(int scale);

  rules::Type type_;
  ColumnKind kind_;
  rules::AttrRef ref_;
  Bitmap valid_;
  int scale_ = 0;
  size_t rows_ = 0;
  BigArray<int64_t> ints_;
  BigArray<int32_t> dates_;
  Bitmap bools_;
  BigArray<uint32_t> codes_;
  Dictionary dict_;
  std::vector<Roaring> members_;
};

}  // namespace zhida::portrait
