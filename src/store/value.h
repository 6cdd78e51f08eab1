// Param, Value, Row: what goes into and comes out of a SQL statement.
//
// A Param is one bound argument ($1, $2 … in the SQL). It borrows the text or
// bytes of an lvalue (like LevelDB's Slice): the string must outlive the call
// that uses the Param, which is automatic in the usual form
//   tx.exec("UPDATE t SET name = $1 WHERE id = $2", {name, id});
// An rvalue std::string or Blob is moved into the Param and owned by it.
//
// A Value is one cell of a result, owned. A Row owns its Values and shares the
// column names with the other rows of the same result. Typed getters return
// Result<T>: a NULL, a wrong type or an unknown column is an Error (codes
// "db.null", "db.type", "db.column"), never an exception.
//
// Type mapping (same on both dialects, see README.md):
//   int64  <- INTEGER/BIGINT/SMALLINT; also numeric text from PostgreSQL's
//             NUMERIC (sum(bigint) returns NUMERIC there) when it is integral
//   double <- REAL/DOUBLE PRECISION, any integer, NUMERIC
//   bool   <- BOOLEAN, or an integer 0/1 (SQLite has no BOOLEAN)
//   string <- TEXT/VARCHAR/JSON/…, NUMERIC as its decimal text
//   Blob   <- BLOB/BYTEA
//
// Thread-safety: these are plain values; const methods may be called from
// several threads at once, mutation needs external synchronisation.
#pragma once

#include <concepts>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "base/result.h"

namespace zhida::store {

// Binary data (BLOB on SQLite, BYTEA on PostgreSQL). May contain zero bytes.
using Blob = std::vector<uint8_t>;

// One bound parameter. Cheap to copy when it borrows; see the file comment
// for the lifetime rule.
class Param {
 public:
  enum class Kind { kNull, kInt, kReal, kText, kBool, kBlob };

  Param() = default;                                      // NULL
  Param(std::nullptr_t) {}                                // NOLINT: NULL
  Param(std::nullopt_t) {}                                // NOLINT: NULL
  Param(bool v) : kind_(Kind::kBool), int_(v ? 1 : 0) {}  // NOLINT
  template <std::integral I>
  requires(!std::same_as<I, bool> && !std::same_as<I, char>) Param(I v)
      : kind_(Kind::kInt), int_(static_cast<int64_t>(v)) {}  // NOLINT
  template <std::floating_point F>
  Param(F v) : kind_(Kind::kReal), real_(static_cast<double>(v)) {}  // NOLINT
  Param(const char* v) : kind_(Kind::kText), view_(v) {}             // NOLINT: borrows
  Param(std::string_view v) : kind_(Kind::kText), view_(v) {}        // NOLINT: borrows
  Param(const std::string& v) : kind_(Kind::kText), view_(v) {}      // NOLINT: borrows
  Param(std::string&& v)                                             // NOLINT: owns
      : kind_(Kind::kText), owned_(std::move(v)), owns_(true) {}
  Param(const Blob& v)  // NOLINT: borrows
      : kind_(Kind::kBlob), view_(reinterpret_cast<const char*>(v.data()), v.size()) {}
  Param(Blob&& v)  // NOLINT: owns
      : kind_(Kind::kBlob), owned_(v.begin(), v.end()), owns_(true) {}
  template <typename T>
  Param(const std::optional<T>& v) {  // NOLINT: NULL or the value
    if (v) *this = Param(*v);
  }

  // Borrowed bytes as a BLOB (a std::string/string_view would be TEXT).
  static Param blob(std::span<const uint8_t> bytes) {
    Param p;
    p.kind_ = Kind::kBlob;
    p.view_ = std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    return p;
  }
  static Param blob(std::string_view bytes) {
    Param p;
    p.kind_ = Kind::kBlob;
    p.view_ = bytes;
    return p;
  }

  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::kNull; }
  int64_t as_int() const { return int_; }  // kInt; kBool as 0/1
  double as_real() const { return real_; }
  bool as_bool() const { return int_ != 0; }
  // Text for kText, raw bytes for kBlob.
  std::string_view bytes() const { return owns_ ? std::string_view(owned_) : view_; }

 private:
  Kind kind_ = Kind::kNull;
  int64_t int_ = 0;
  double real_ = 0;
  std::string_view view_;
  std::string owned_;
  bool owns_ = false;
};

using Params = std::vector<Param>;

// One owned result cell.
class Value {
 public:
  // kNumeric: PostgreSQL NUMERIC, kept as its exact decimal text.
  enum class Kind { kNull, kInt, kReal, kText, kBool, kBlob, kNumeric };

  Value() = default;
  static Value null() { return Value(); }
  static Value integer(int64_t v) { return Value(Kind::kInt, v, 0, {}); }
  static Value real(double v) { return Value(Kind::kReal, 0, v, {}); }
  static Value boolean(bool v) { return Value(Kind::kBool, v ? 1 : 0, 0, {}); }
  static Value text(std::string v) { return Value(Kind::kText, 0, 0, std::move(v)); }
  static Value blob(std::string bytes) { return Value(Kind::kBlob, 0, 0, std::move(bytes)); }
  static Value numeric(std::string v) { return Value(Kind::kNumeric, 0, 0, std::move(v)); }

  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::kNull; }
  int64_t int_value() const { return int_; }
  double real_value() const { return real_; }
  // Text, NUMERIC text or blob bytes.
  const std::string& bytes() const { return str_; }

  // For messages: "NULL", "INTEGER", …
  static const char* kind_name(Kind k);

 private:
  Value(Kind k, int64_t i, double d, std::string s)
      : kind_(k), int_(i), real_(d), str_(std::move(s)) {}
  Kind kind_ = Kind::kNull;
  int64_t int_ = 0;
  double real_ = 0;
  std::string str_;
};

// Converts a Value to T, or explains why not. Specialised for int64_t,
// int32_t, double, bool, std::string, std::string_view (borrowing from the
// Value) and Blob. `what` names the value in error messages.
template <typename T>
Result<T> value_as(const Value& v, std::string_view what);
template <>
Result<int64_t> value_as<int64_t>(const Value& v, std::string_view what);
template <>
Result<int32_t> value_as<int32_t>(const Value& v, std::string_view what);
template <>
Result<double> value_as<double>(const Value& v, std::string_view what);
template <>
Result<bool> value_as<bool>(const Value& v, std::string_view what);
template <>
Result<std::string> value_as<std::string>(const Value& v, std::string_view what);
template <>
Result<std::string_view> value_as<std::string_view>(const Value& v, std::string_view what);
template <>
Result<Blob> value_as<Blob>(const Value& v, std::string_view what);

// One row of a result.
class Row {
 public:
  Row() = default;
  Row(std::shared_ptr<const std::vector<std::string>> columns, std::vector<Value> values)
      : columns_(std::move(columns)), values_(std::move(values)) {}

  int size() const { return static_cast<int>(values_.size()); }
  const std::string& column_name(int col) const { return (*columns_)[col]; }
  // Index of the first column with this name (as the database reports it:
  // PostgreSQL folds unquoted names to lower case), or error "db.column".
  Result<int> column_index(std::string_view name) const;

  // The raw cell; `col` must be in range.
  const Value& value(int col) const { return values_[col]; }
  bool is_null(int col) const { return values_[col].is_null(); }

  // Typed access by index or name; NULL is an error ("db.null").
  template <typename T>
  Result<T> get(int col) const {
    if (col < 0 || col >= size()) return out_of_range(col);
    return value_as<T>(values_[col], column_name(col));
  }
  template <typename T>
  Result<T> get(std::string_view name) const {
    Result<int> c = column_index(name);
    if (!c.ok()) return c.error();
    return get<T>(*c);
  }
  // Like get, but NULL gives nullopt.
  template <typename T>
  Result<std::optional<T>> get_optional(int col) const {
    if (col < 0 || col >= size()) return out_of_range(col);
    if (values_[col].is_null()) return std::optional<T>();
    Result<T> v = value_as<T>(values_[col], column_name(col));
    if (!v.ok()) return v.error();
    return std::optional<T>(std::move(v).value());
  }
  template <typename T>
  Result<std::optional<T>> get_optional(std::string_view name) const {
    Result<int> c = column_index(name);
    if (!c.ok()) return c.error();
    return get_optional<T>(*c);
  }

  // For the implementations: reuse a Row while streaming.
  std::vector<Value>& mutable_values() { return values_; }
  const std::shared_ptr<const std::vector<std::string>>& columns() const { return columns_; }

 private:
  Error out_of_range(int col) const;

  std::shared_ptr<const std::vector<std::string>> columns_;
  std::vector<Value> values_;
};

using Rows = std::vector<Row>;

}  // namespace zhida::store

// Assigns the value of a Result expression to `lhs`, or returns its error
// from the current function:  ZHIDA_ASSIGN_OR_RETURN(int64_t id, row.get<int64_t>(0));
#ifndef ZHIDA_ASSIGN_OR_RETURN
#define ZHIDA_ASSIGN_OR_RETURN_CAT2(a, b) a##b
#define ZHIDA_ASSIGN_OR_RETURN_CAT(a, b) ZHIDA_ASSIGN_OR_RETURN_CAT2(a, b)
#define ZHIDA_ASSIGN_OR_RETURN(lhs, expr) \
  ZHIDA_ASSIGN_OR_RETURN_IMPL(ZHIDA_ASSIGN_OR_RETURN_CAT(zhida_aor_, __LINE__), lhs, expr)
#define ZHIDA_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                \
  if (!tmp.ok()) return tmp.error();                \
  lhs = std::move(tmp).value()
#endif
