#include "rules/types.h"

#include "base/date.h"
#include "base/format.h"

namespace zhida::rules {

Class class_of(Type t) {
  switch (t) {
    case Type::kBool:
      return Class::kBool;
    case Type::kInt:
    case Type::kNumber:
    case Type::kMoney:
      return Class::kNumeric;
    case Type::kDate:
      return Class::kDate;
    case Type::kEnum:
    case Type::kString:
      return Class::kText;
    case Type::kSet:
      return Class::kSet;
    default:
      return Class::kNone;
  }
}

const char* type_name_zh(Type t) {
  switch (t) {
    case Type::kError:
      return "错误";
    case Type::kNull:
      return "空值";
    case Type::kBool:
      return "是否";
    case Type::kInt:
      return "整数";
    case Type::kNumber:
      return "数值";
    case Type::kMoney:
      return "金额";
    case Type::kDate:
      return "日期";
    case Type::kEnum:
      return "枚举";
    case Type::kString:
      return "文本";
    case Type::kSet:
      return "集合";
    case Type::kList:
      return "列表";
  }
  return "?";
}

const char* type_name_en(Type t) {
  switch (t) {
    case Type::kBool:
      return "bool";
    case Type::kInt:
      return "int";
    case Type::kNumber:
      return "number";
    case Type::kMoney:
      return "money";
    case Type::kDate:
      return "date";
    case Type::kEnum:
      return "enum";
    case Type::kString:
      return "string";
    case Type::kSet:
      return "set";
    case Type::kNull:
      return "null";
    case Type::kList:
      return "list";
    case Type::kError:
      return "error";
  }
  return "?";
}

std::optional<Type> parse_type_name(std::string_view n) {
  if (n == "int") return Type::kInt;
  if (n == "number") return Type::kNumber;
  if (n == "money") return Type::kMoney;
  if (n == "bool") return Type::kBool;
  if (n == "date") return Type::kDate;
  if (n == "enum") return Type::kEnum;
  if (n == "string") return Type::kString;
  if (n == "set") return Type::kSet;
  return std::nullopt;
}

const char* tri_name_zh(Tri t) {
  switch (t) {
    case Tri::kTrue:
      return "是";
    case Tri::kFalse:
      return "否";
    case Tri::kUnknown:
      return "未知";
  }
  return "?";
}

const char* cmp_text(CmpOp op) {
  switch (op) {
    case CmpOp::kEq:
      return "==";
    case CmpOp::kNe:
      return "!=";
    case CmpOp::kLt:
      return "<";
    case CmpOp::kLe:
      return "<=";
    case CmpOp::kGt:
      return ">";
    case CmpOp::kGe:
      return ">=";
  }
  return "?";
}

CmpOp cmp_negate(CmpOp op) {
  switch (op) {
    case CmpOp::kEq:
      return CmpOp::kNe;
    case CmpOp::kNe:
      return CmpOp::kEq;
    case CmpOp::kLt:
      return CmpOp::kGe;
    case CmpOp::kLe:
      return CmpOp::kGt;
    case CmpOp::kGt:
      return CmpOp::kLe;
    case CmpOp::kGe:
      return CmpOp::kLt;
  }
  return op;
}

CmpOp cmp_swap(CmpOp op) {
  switch (op) {
    case CmpOp::kLt:
      return CmpOp::kGt;
    case CmpOp::kLe:
      return CmpOp::kGe;
    case CmpOp::kGt:
      return CmpOp::kLt;
    case CmpOp::kGe:
      return CmpOp::kLe;
    default:
      return op;
  }
}

std::string format_value(const Value& v, Type type) {
  switch (v.kind) {
    case Value::Kind::kMissing:
      return "缺失";
    case Value::Kind::kBool:
      return v.boolean ? "是" : "否";
    case Value::Kind::kDate:
      return format_date(v.date);
    case Value::Kind::kText:
      return "“" + std::string(v.text) + "”";
    case Value::Kind::kSet:
      return "（集合）";
    case Value::Kind::kNumber:
      if (type == Type::kMoney) return format_amount(v.number);
      return v.number.to_string();
  }
  return "?";
}

}  // namespace zhida::rules
