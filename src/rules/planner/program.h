// Program: a checked rule, planned into a flat, immutable array of typed
// instructions. Compile once, evaluate many times: a Program is shared across
// threads (shared_ptr<const Program>) and never changes after it is built.
//
// The instructions are also the engine's input: the matching engine
// (src/match) translates them into column kernels, so their meaning is the
// contract between the reference evaluator (runtime/) and the engine.
#pragma once

#include <deque>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/issue.h"
#include "rules/checker/checker.h"
#include "rules/syntax/ast.h"
#include "rules/types.h"

namespace zhida::rules {

enum class Op : uint8_t {
  kConst,        // the constant `constant`
  kAttr,         // facts.get(attr); for a set attribute: known / missing
  kExists,       // child 0 is not missing (never unknown)
  kNot,          // Kleene not of child 0
  kAnd,          // Kleene and of children
  kOr,           // Kleene or of children
  kCompare,      // child 0 `cmp` child 1; operands of class `operand_class`
  kInList,       // child 0 equals one of children 1..n (Kleene or of ==)
  kSetContains,  // the set `attr` contains child 0 (a text)
  kNeg,          // -child 0
  kAdd,          // child 0 + child 1 …
  kSub,
  kMul,
  kDiv,  // division by zero gives missing
  kMin,  // of children; missing if any is missing
  kMax,
  kAbs,
  kRound,       // child 0 rounded half away from zero to `digits` places
  kYearsSince,  // whole years from child 0 (a date) to the evaluation date
  kIf,          // child 0 ? child 1 : child 2; unknown condition gives missing
  kStartsWith,  // text child 0 starts with text child 1
};
const char* op_name(Op op);

struct Instr {
  Op op = Op::kConst;
  Type type = Type::kError;            // the result type (kBool for conditions)
  Class operand_class = Class::kNone;  // kCompare / kInList: what is compared
  CmpOp cmp = CmpOp::kEq;              // kCompare
  int8_t digits = 0;                   // kRound
  uint16_t child_count = 0;
  int32_t first_child = 0;  // index into Program::child_indices()
  AttrRef attr;             // kAttr, kSetContains
  int32_t constant = -1;    // kConst: index into constants
  SourceRange src;          // where in the rule text this came from
};

class Program {
 public:
  Program(const Program&) = delete;
  Program& operator=(const Program&) = delete;

  RuleKind kind() const { return kind_; }
  Type result_type() const { return instrs_[static_cast<size_t>(root_)].type; }
  const std::string& text() const { return text_; }
  // The canonical text of the rule (syntax/printer).
  const std::string& normalized() const { return normalized_; }
  std::optional<int> reference_year() const { return reference_year_; }

  int32_t root() const { return root_; }
  const std::vector<Instr>& instrs() const { return instrs_; }
  const Instr& instr(int32_t i) const { return instrs_[static_cast<size_t>(i)]; }
  std::span<const int32_t> children(const Instr& in) const {
    return {child_indices_.data() + in.first_child, in.child_count};
  }
  const Value& constant(int32_t i) const { return constants_[static_cast<size_t>(i)]; }

  // The top-level conditions: the children of a top-level `and`, or the root.
  const std::vector<int32_t>& conjuncts() const { return conjuncts_; }
  // The source text of an instruction (what the officer wrote).
  std::string source(const Instr& in) const;
  // Every attribute the program reads, each once.
  const std::vector<AttrRef>& attributes() const { return attributes_; }

 private:
  friend class Planner;
  Program() = default;

  RuleKind kind_ = RuleKind::kCondition;
  std::string text_;
  std::string normalized_;
  std::optional<int> reference_year_;
  std::vector<Instr> instrs_;
  std::vector<int32_t> child_indices_;
  std::vector<Value> constants_;
  std::deque<std::string> strings_;  // text constants; stable addresses
  std::vector<int32_t> conjuncts_;
  std::vector<AttrRef> attributes_;
  int32_t root_ = 0;
};

using ProgramPtr = std::shared_ptr<const Program>;

// Plans a checked tree (no errors) into a Program.
ProgramPtr plan(const Node& root, std::string_view text, RuleKind kind,
                std::optional<int> reference_year);

}  // namespace zhida::rules
