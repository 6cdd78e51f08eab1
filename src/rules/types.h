// The vocabulary shared by every stage of the rule language: data types,
// three-valued truth, runtime values, and the two interfaces through which
// rules meet data — Schema (what attributes exist, for the checker) and
// Facts (one enterprise's values, for the evaluator). The portrait layer
// implements both; the rules layer knows nothing of how data is stored.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/decimal.h"

namespace zhida::rules {

// Attribute and expression types. int, number and money are the numeric
// types (exact decimals at run time); enum and string are the text types.
enum class Type : uint8_t {
  kError,  // an expression that failed to check
  kNull,   // the literal null
  kBool,
  kInt,
  kNumber,
  kMoney,  // yuan
  kDate,
  kEnum,
  kString,
  kSet,   // a set of enum values (资质)
  kList,  // a literal list [a, b, c]
};

// What operations a type supports.
enum class Class : uint8_t { kNone, kBool, kNumeric, kDate, kText, kSet };
Class class_of(Type t);
const char* type_name_zh(Type t);  // "金额", "日期" …
const char* type_name_en(Type t);  // "money", "date" … (catalog/CSV spelling)
std::optional<Type> parse_type_name(std::string_view name);  // "int", "money", …

// Kleene truth values.
enum class Tri : uint8_t { kFalse = 0, kTrue = 1, kUnknown = 2 };
inline Tri tri_not(Tri t) {
  return t == Tri::kUnknown ? t : (t == Tri::kTrue ? Tri::kFalse : Tri::kTrue);
}
inline Tri tri_of(bool b) {
  return b ? Tri::kTrue : Tri::kFalse;
}
const char* tri_name_zh(Tri t);  // 是 / 否 / 未知

enum class CmpOp : uint8_t { kEq, kNe, kLt, kLe, kGt, kGe };
const char* cmp_text(CmpOp op);  // "==", "<=" …
CmpOp cmp_negate(CmpOp op);      // < becomes >=
CmpOp cmp_swap(CmpOp op);        // a < b  is  b > a
template <typename Ordering>
bool cmp_holds(CmpOp op, Ordering o) {
  switch (op) {
    case CmpOp::kEq:
      return o == 0;
    case CmpOp::kNe:
      return o != 0;
    case CmpOp::kLt:
      return o < 0;
    case CmpOp::kLe:
      return o <= 0;
    case CmpOp::kGt:
      return o > 0;
    case CmpOp::kGe:
      return o >= 0;
  }
  return false;
}

// A reference to one attribute of the catalog, for one period (year), or
// year 0 for attributes without periods.
struct AttrRef {
  int32_t attr = -1;
  int16_t year = 0;
  friend bool operator==(const AttrRef&, const AttrRef&) = default;
};

// A runtime value. Text is a view: into the Facts' storage or the program's
// constants, valid while both live.
struct Value {
  enum class Kind : uint8_t { kMissing, kBool, kNumber, kDate, kText, kSet };
  Kind kind = Kind::kMissing;
  bool boolean = false;
  int32_t date = 0;  // days since 1970-01-01
  Decimal number;
  std::string_view text;

  static Value missing() { return Value(); }
  static Value of_bool(bool b) {
    Value v;
    v.kind = Kind::kBool;
    v.boolean = b;
    return v;
  }
  static Value of_number(Decimal d) {
    Value v;
    v.kind = Kind::kNumber;
    v.number = d;
    return v;
  }
  static Value of_date(int32_t days) {
    Value v;
    v.kind = Kind::kDate;
    v.date = days;
    return v;
  }
  static Value of_text(std::string_view t) {
    Value v;
    v.kind = Kind::kText;
    v.text = t;
    return v;
  }
  static Value known_set() {
    Value v;
    v.kind = Kind::kSet;
    return v;
  }
  bool is_missing() const { return kind == Kind::kMissing; }
};

// How a value reads in an explanation: money as 1850万, dates as
// 2024-01-01, text quoted, booleans 是/否, missing as 缺失.
std::string format_value(const Value& v, Type type);

// What the checker needs to know about one attribute of the catalog.
struct AttributeInfo {
  int32_t id = -1;
  std::string name;
  Type type = Type::kError;
  bool has_periods = false;
  std::string unit;                 // display unit: 元, 人, 件 …
  std::vector<std::string> values;  // enum / set domain; empty = not declared
};

// The catalog as the checker sees it. Implemented by portrait::Catalog.
// Implementations must be safe to call from several threads at once.
class Schema {
 public:
  virtual ~Schema() = default;
  virtual const AttributeInfo* find(std::string_view name) const = 0;
  virtual const AttributeInfo* by_id(int32_t id) const = 0;
  // Every attribute name, for suggestions on a misspelt name.
  virtual std::vector<std::string_view> names() const = 0;
};

// One enterprise's facts as the evaluator sees them. Implemented by the
// portrait layer (a row of the enterprise table, or a decision's recorded
// facts). get() returns Kind::kMissing when there is no value; for a set
// attribute it returns Kind::kSet when the set is known (possibly empty).
class Facts {
 public:
  virtual ~Facts() = default;
  virtual Value get(AttrRef ref) const = 0;
  // Whether the set attribute holds `value`; kUnknown when the set is missing.
  virtual Tri set_contains(AttrRef ref, std::string_view value) const = 0;
};

// Evaluation settings that are not part of the rule.
struct EvalContext {
  int32_t today = 0;  // for years_since(); days since 1970-01-01
};

}  // namespace zhida::rules
