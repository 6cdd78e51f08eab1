// The syntax tree of a rule, as the parser builds it and the checker
// annotates it. One node type with a kind tag keeps the tree simple to walk;
// the planner (planner/) turns a checked tree into an immutable Program.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/decimal.h"
#include "rules/types.h"

namespace zhida::rules {

// A place in the rule text. Lines and columns are 1-based; columns and
// lengths count code points. Offsets are bytes into the text.
struct SourceRange {
  int begin = 0;  // byte offset
  int end = 0;    // byte offset, exclusive
  int line = 1;
  int column = 1;
  int end_line = 1;
  int end_column = 1;  // exclusive
};

enum class NodeKind : uint8_t {
  kNumber,   // 2500万, 15%, 3.5
  kString,   // "宝安区"
  kBool,     // true / false
  kNull,     // null
  kList,     // [a, b]
  kAttr,     // 营业收入 or 营业收入[2024] or 营业收入[上年度]
  kCall,     // min(a, b)
  kNeg,      // -x
  kNot,      // not x, !x
  kAnd,      // a and b and c (flattened)
  kOr,       // a or b (flattened)
  kCompare,  // a >= b
  kArith,    // a + b, a * b
  kIn,       // x in [..], "v" in 资质
  kBetween,  // x between a and b
};

enum class ArithOp : uint8_t { kAdd, kSub, kMul, kDiv };
const char* arith_text(ArithOp op);

enum class Unit : uint8_t { kNone, kWan, kYi, kPercent };

// A period in brackets: an absolute year or one relative to the policy's
// reference year (上年度 = −1, 前年度 = −2, 本年度 = 0).
struct Period {
  enum class Kind : uint8_t { kNone, kYear, kRelative };
  Kind kind = Kind::kNone;
  int value = 0;     // the year, or the offset
  std::string text;  // as written: "2024", "上年度"
  SourceRange range;
};

struct Node {
  NodeKind kind = NodeKind::kNull;
  SourceRange range;

  // Payloads by kind.
  Decimal number;                 // kNumber: the exact value with its unit applied
  Unit unit = Unit::kNone;        // kNumber
  std::string text;               // kNumber: as written; kString: value; kAttr/kCall: name
  bool boolean = false;           // kBool
  CmpOp cmp = CmpOp::kEq;         // kCompare
  ArithOp arith = ArithOp::kAdd;  // kArith
  Period period;                  // kAttr
  std::vector<std::unique_ptr<Node>> children;

  // Filled in by the checker.
  Type type = Type::kError;
  int32_t attr_id = -1;  // kAttr, and kIn with a set on the right
  int16_t year = 0;      // kAttr: the resolved year (0 = no period)

  Node* child(size_t i) const { return children[i].get(); }
};

using NodePtr = std::unique_ptr<Node>;

// The canonical text of a tree: `and`/`or`/`not`, ASCII quotes, single
// spaces, only the parentheses precedence needs. Parsing it gives the same
// tree.
std::string to_text(const Node& node);

}  // namespace zhida::rules
