#include <fmt/format.h>

#include "rules/syntax/ast.h"

namespace zhida::rules {
namespace {

int precedence(const Node& n) {
  switch (n.kind) {
    case NodeKind::kOr:
      return 1;
    case NodeKind::kAnd:
      return 2;
    case NodeKind::kNot:
      return 3;
    case NodeKind::kCompare:
    case NodeKind::kIn:
    case NodeKind::kBetween:
      return 4;
    case NodeKind::kArith:
      return n.arith == ArithOp::kAdd || n.arith == ArithOp::kSub ? 5 : 6;
    case NodeKind::kNeg:
      return 7;
    default:
      return 8;
  }
}

void print(const Node& n, std::string& out);

void print_child(const Node& c, int min_prec, std::string& out) {
  if (precedence(c) < min_prec) {
    out += '(';
    print(c, out);
    out += ')';
  } else {
    print(c, out);
  }
}

void print_string(const std::string& s, std::string& out) {
  // A value with an ASCII quote inside is written with Chinese quotes.
  if (s.find('"') != std::string::npos) {
    out += "“" + s + "”";
  } else {
    out += '"' + s + '"';
  }
}

void print(const Node& n, std::string& out) {
  switch (n.kind) {
    case NodeKind::kNumber:
      out += n.text;
      return;
    case NodeKind::kString:
      print_string(n.text, out);
      return;
    case NodeKind::kBool:
      out += n.boolean ? "true" : "false";
      return;
    case NodeKind::kNull:
      out += "null";
      return;
    case NodeKind::kList:
      out += '[';
      for (size_t i = 0; i < n.children.size(); ++i) {
        if (i) out += ", ";
        print(*n.children[i], out);
      }
      out += ']';
      return;
    case NodeKind::kAttr:
      out += n.text;
      if (n.period.kind != Period::Kind::kNone) out += "[" + n.period.text + "]";
      return;
    case NodeKind::kCall:
      out += n.text + "(";
      for (size_t i = 0; i < n.children.size(); ++i) {
        if (i) out += ", ";
        print(*n.children[i], out);
      }
      out += ')';
      return;
    case NodeKind::kNeg:
      out += '-';
      print_child(*n.children[0], 7, out);
      return;
    case NodeKind::kNot:
      out += "not ";
      print_child(*n.children[0], 3, out);
      return;
    case NodeKind::kAnd:
    case NodeKind::kOr: {
      int p = precedence(n);
      for (size_t i = 0; i < n.children.size(); ++i) {
        if (i) out += n.kind == NodeKind::kAnd ? " and " : " or ";
        // Same-kind children were flattened by the parser; a nested one
        // came from parentheses and keeps them.
        print_child(*n.children[i], n.children[i]->kind == n.kind ? p + 1 : p + 1, out);
      }
      return;
    }
    case NodeKind::kCompare:
      print_child(*n.children[0], 5, out);
      out += fmt::format(" {} ", cmp_text(n.cmp));
      print_child(*n.children[1], 5, out);
      return;
    case NodeKind::kIn:
      print_child(*n.children[0], 5, out);
      out += " in ";
      print(*n.children[1], out);
      return;
    case NodeKind::kBetween:
      print_child(*n.children[0], 5, out);
      out += " between ";
      print_child(*n.children[1], 5, out);
      out += " and ";
      print_child(*n.children[2], 5, out);
      return;
    case NodeKind::kArith: {
      int p = precedence(n);
      print_child(*n.children[0], p, out);
      out += fmt::format(" {} ", arith_text(n.arith));
      // a - (b - c) and a / (b * c) keep their parentheses.
      print_child(*n.children[1], p + 1, out);
      return;
    }
  }
}

}  // namespace

const char* arith_text(ArithOp op) {
  switch (op) {
    case ArithOp::kAdd:
      return "+";
    case ArithOp::kSub:
      return "-";
    case ArithOp::kMul:
      return "*";
    case ArithOp::kDiv:
      return "/";
  }
  return "?";
}

std::string to_text(const Node& node) {
  std::string out;
  print(node, out);
  return out;
}

}  // namespace zhida::rules
