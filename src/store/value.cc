#include "store/value.h"

#include <charconv>
#include <limits>

#include "store/internal.h"

namespace zhida::store {

using internal::make_error;

const char* Value::kind_name(Kind k) {
  switch (k) {
    case Kind::kNull:
      return "NULL";
    case Kind::kInt:
      return "INTEGER";
    case Kind::kReal:
      return "REAL";
    case Kind::kText:
      return "TEXT";
    case Kind::kBool:
      return "BOOLEAN";
    case Kind::kBlob:
      return "BLOB";
    case Kind::kNumeric:
      return "NUMERIC";
  }
  return "?";
}

namespace {

Error mismatch(const Value& v, std::string_view what, const char* wanted) {
  if (v.is_null())
    return make_error("db.null", "值为空（NULL）", std::string("列 ") + std::string(what));
  return make_error("db.type", "列的类型不符",
                    std::string("列 ") + std::string(what) + " 需要 " + wanted + "，实际为 " +
                        Value::kind_name(v.kind()));
}

}  // namespace

template <>
Result<int64_t> value_as<int64_t>(const Value& v, std::string_view what) {
  switch (v.kind()) {
    case Value::Kind::kInt:
    case Value::Kind::kBool:
      return v.int_value();
    case Value::Kind::kNumeric: {
      const std::string& s = v.bytes();
      int64_t out = 0;
      auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
      if (ec == std::errc() && p == s.data() + s.size()) return out;
      // "12.000" from NUMERIC arithmetic is still an integer.
      if (ec == std::errc() && *p == '.' &&
          s.find_first_not_of('0', static_cast<size_t>(p - s.data()) + 1) == std::string::npos)
        return out;
      return mismatch(v, what, "INTEGER");
    }
    default:
      return mismatch(v, what, "INTEGER");
  }
}

template <>
Result<int32_t> value_as<int32_t>(const Value& v, std::string_view what) {
  Result<int64_t> i = value_as<int64_t>(v, what);
  if (!i.ok()) return i.error();
  if (*i < std::numeric_limits<int32_t>::min() || *i > std::numeric_limits<int32_t>::max())
    return make_error("db.type", "整数超出 32 位范围", std::string("列 ") + std::string(what));
  return static_cast<int32_t>(*i);
}

template <>
Result<double> value_as<double>(const Value& v, std::string_view what) {
  switch (v.kind()) {
    case Value::Kind::kReal:
      return v.real_value();
    case Value::Kind::kInt:
      return static_cast<double>(v.int_value());
    case Value::Kind::kNumeric: {
      const std::string& s = v.bytes();
      double out = 0;
      auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
      if (ec == std::errc() && p == s.data() + s.size()) return out;
      return mismatch(v, what, "REAL");
    }
    default:
      return mismatch(v, what, "REAL");
  }
}

template <>
Result<bool> value_as<bool>(const Value& v, std::string_view what) {
  if (v.kind() == Value::Kind::kBool) return v.int_value() != 0;
  if (v.kind() == Value::Kind::kInt && (v.int_value() == 0 || v.int_value() == 1))
    return v.int_value() != 0;
  return mismatch(v, what, "BOOLEAN");
}

template <>
Result<std::string> value_as<std::string>(const Value& v, std::string_view what) {
  if (v.kind() == Value::Kind::kText || v.kind() == Value::Kind::kNumeric) return v.bytes();
  return mismatch(v, what, "TEXT");
}

template <>
Result<std::string_view> value_as<std::string_view>(const Value& v, std::string_view what) {
  if (v.kind() == Value::Kind::kText || v.kind() == Value::Kind::kNumeric)
    return std::string_view(v.bytes());
  return mismatch(v, what, "TEXT");
}

template <>
Result<Blob> value_as<Blob>(const Value& v, std::string_view what) {
  if (v.kind() == Value::Kind::kBlob) return Blob(v.bytes().begin(), v.bytes().end());
  return mismatch(v, what, "BLOB");
}

Result<int> Row::column_index(std::string_view name) const {
  if (columns_) {
    for (size_t i = 0; i < columns_->size(); ++i)
      if ((*columns_)[i] == name) return static_cast<int>(i);
  }
  return make_error("db.column", "结果中没有这一列", std::string(name));
}

Error Row::out_of_range(int col) const {
  return make_error("db.column", "列序号超出范围",
                    std::to_string(col) + " / " + std::to_string(size()));
}

}  // namespace zhida::store
