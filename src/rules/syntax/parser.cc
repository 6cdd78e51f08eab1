#include "rules/syntax/parser.h"

#include <fmt/format.h>

#include "rules/syntax/lexer.h"

namespace zhida::rules {
namespace {

// Thrown inside the parser only, to unwind on the first syntax error.
struct SyntaxError {};

bool is_cmp(Tok t) {
  return t == Tok::kEq || t == Tok::kNe || t == Tok::kLt || t == Tok::kLe || t == Tok::kGt ||
         t == Tok::kGe;
}

CmpOp cmp_of(Tok t) {
  switch (t) {
    case Tok::kEq:
      return CmpOp::kEq;
    case Tok::kNe:
      return CmpOp::kNe;
    case Tok::kLt:
      return CmpOp::kLt;
    case Tok::kLe:
      return CmpOp::kLe;
    case Tok::kGt:
      return CmpOp::kGt;
    default:
      return CmpOp::kGe;
  }
}

SourceRange join(const SourceRange& a, const SourceRange& b) {
  SourceRange r = a;
  r.end = b.end;
  r.end_line = b.end_line;
  r.end_column = b.end_column;
  return r;
}

class Parser {
 public:
  Parser(std::vector<Token> tokens, Issues& issues) : toks_(std::move(tokens)), issues_(issues) {}

  NodePtr run() {
    try {
      if (peek().kind == Tok::kEnd) {
        error(peek(), "rule.empty", "规则是空的");
      }
      NodePtr root = expr();
      if (peek().kind != Tok::kEnd) {
        const Token& t = peek();
        if (t.kind == Tok::kRParen || t.kind == Tok::kRBracket)
          error(t, "rule.unbalanced", fmt::format("多余的“{}”，括号不配对", tok_text(t.kind)));
        error(t, "rule.trailing", "这里多出了内容：两个条件之间是否缺少 and 或 or？");
      }
      return root;
    } catch (const SyntaxError&) {
      return nullptr;
    }
  }

 private:
  const Token& peek() const { return toks_[pos_]; }
  const Token& take() {
    const Token& t = toks_[pos_];
    if (t.kind != Tok::kEnd) ++pos_;
    return t;
  }
  bool accept(Tok k) {
    if (peek().kind != k) return false;
    take();
    return true;
  }

  [[noreturn]] void error(const Token& at, std::string code, std::string message) {
    // A token the lexer could not read was reported already.
    if (at.kind != Tok::kError) {
      Issue is;
      is.code = std::move(code);
      is.message = std::move(message);
      is.line = at.range.line;
      is.column = at.range.column;
      is.length = at.kind == Tok::kEnd ? 1
                  : at.range.line == at.range.end_line
                      ? std::max(1, at.range.end_column - at.range.column)
                      : 1;
      issues_.push_back(std::move(is));
    }
    throw SyntaxError{};
  }

  [[noreturn]] void expected(const char* what) {
    const Token& t = peek();
    if (t.kind == Tok::kEnd)
      error(t, "rule.unexpected_end", fmt::format("规则意外结束，此处还需要{}", what));
    error(t, "rule.unexpected_token", fmt::format("此处应为{}，却遇到了“{}”", what, shown(t)));
  }

  static std::string shown(const Token& t) {
    if (t.kind == Tok::kIdent || t.kind == Tok::kNumber) return t.text;
    if (t.kind == Tok::kString) return "\"" + t.text + "\"";
    return tok_text(t.kind);
  }

  void expect(Tok k, const char* what) {
    if (!accept(k)) expected(what);
  }

  NodePtr node(NodeKind k, SourceRange r) {
    auto n = std::make_unique<Node>();
    n->kind = k;
    n->range = r;
    return n;
  }

  NodePtr expr() { return logical(Tok::kOr, NodeKind::kOr); }

  NodePtr logical(Tok tok, NodeKind kind) {
    NodePtr first = tok == Tok::kOr ? logical(Tok::kAnd, NodeKind::kAnd) : negation();
    if (peek().kind != tok) return first;
    NodePtr n = node(kind, first->range);
    n->children.push_back(std::move(first));
    while (accept(tok)) {
      NodePtr next = tok == Tok::kOr ? logical(Tok::kAnd, NodeKind::kAnd) : negation();
      n->range = join(n->range, next->range);
      n->children.push_back(std::move(next));
    }
    return n;
  }

  NodePtr negation() {
    if (peek().kind == Tok::kNot) {
      SourceRange r = take().range;
      NodePtr inner = negation();
      NodePtr n = node(NodeKind::kNot, join(r, inner->range));
      n->children.push_back(std::move(inner));
      return n;
    }
    return comparison();
  }

  NodePtr comparison() {
    NodePtr left = sum();
    Tok k = peek().kind;
    NodePtr n;
    if (is_cmp(k)) {
      take();
      NodePtr right = sum();
      n = node(NodeKind::kCompare, join(left->range, right->range));
      n->cmp = cmp_of(k);
      n->children.push_back(std::move(left));
      n->children.push_back(std::move(right));
    } else if (k == Tok::kIn) {
      take();
      NodePtr right;
      if (peek().kind == Tok::kLBracket) {
        right = list();
      } else if (peek().kind == Tok::kIdent) {
        right = postfix();
      } else {
        expected("列表（如 [\"沙井\", \"松岗\"]）或集合属性（如 资质）");
      }
      n = node(NodeKind::kIn, join(left->range, right->range));
      n->children.push_back(std::move(left));
      n->children.push_back(std::move(right));
    } else if (k == Tok::kBetween) {
      take();
      NodePtr lo = sum();
      if (!accept(Tok::kAnd)) expected("between 的 and（如 从业人数 between 10 and 300）");
      NodePtr hi = sum();
      n = node(NodeKind::kBetween, join(left->range, hi->range));
      n->children.push_back(std::move(left));
      n->children.push_back(std::move(lo));
      n->children.push_back(std::move(hi));
    } else {
      return left;
    }
    if (is_cmp(peek().kind) || peek().kind == Tok::kIn || peek().kind == Tok::kBetween)
      error(peek(), "rule.chained_comparison",
            "比较不能连写，请用 and 连接两个比较（如 a >= 1 and a <= 9）");
    return n;
  }

  NodePtr sum() {
    NodePtr left = product();
    while (peek().kind == Tok::kPlus || peek().kind == Tok::kMinus) {
      ArithOp op = take().kind == Tok::kPlus ? ArithOp::kAdd : ArithOp::kSub;
      NodePtr right = product();
      NodePtr n = node(NodeKind::kArith, join(left->range, right->range));
      n->arith = op;
      n->children.push_back(std::move(left));
      n->children.push_back(std::move(right));
      left = std::move(n);
    }
    return left;
  }

  NodePtr product() {
    NodePtr left = unary();
    while (peek().kind == Tok::kStar || peek().kind == Tok::kSlash) {
      ArithOp op = take().kind == Tok::kStar ? ArithOp::kMul : ArithOp::kDiv;
      NodePtr right = unary();
      NodePtr n = node(NodeKind::kArith, join(left->range, right->range));
      n->arith = op;
      n->children.push_back(std::move(left));
      n->children.push_back(std::move(right));
      left = std::move(n);
    }
    return left;
  }

  NodePtr unary() {
    if (peek().kind == Tok::kMinus) {
      SourceRange r = take().range;
      NodePtr inner = unary();
      NodePtr n = node(NodeKind::kNeg, join(r, inner->range));
      n->children.push_back(std::move(inner));
      return n;
    }
    return postfix();
  }

  NodePtr postfix() {
    NodePtr p = primary();
    if (peek().kind != Tok::kLBracket) return p;
    const Token& open = take();
    if (p->kind != NodeKind::kAttr)
      error(open, "rule.period_on_non_attribute", "只有属性可以用 [年度] 指定年度");
    const Token& t = take();
    Period& per = p->period;
    per.range = t.range;
    if (t.kind == Tok::kNumber && t.unit == Unit::kNone && t.text.find('.') == std::string::npos &&
        t.text.size() == 4) {
      per.kind = Period::Kind::kYear;
      per.value = std::stoi(t.text);
      per.text = t.text;
    } else if (t.kind == Tok::kIdent &&
               (t.text == "上年度" || t.text == "前年度" || t.text == "本年度")) {
      per.kind = Period::Kind::kRelative;
      per.value = t.text == "上年度" ? -1 : t.text == "前年度" ? -2 : 0;
      per.text = t.text;
    } else {
      --pos_;
      if (t.kind == Tok::kEnd) expected("年度");
      error(t, "rule.bad_period",
            fmt::format("“{}”不是有效的年度：请写四位年份（如 2024）或 上年度、前年度、本年度",
                        shown(t)));
    }
    const Token& close = peek();
    expect(Tok::kRBracket, "右方括号“]”");
    p->range = join(p->range, close.range);
    return p;
  }

  NodePtr list() {
    SourceRange r = take().range;  // [
    NodePtr n = node(NodeKind::kList, r);
    if (peek().kind != Tok::kRBracket) {
      do {
        n->children.push_back(expr());
      } while (accept(Tok::kComma));
    }
    const Token& close = peek();
    expect(Tok::kRBracket, "逗号“,”或右方括号“]”");
    n->range = join(r, close.range);
    return n;
  }

  NodePtr primary() {
    const Token& t = peek();
    switch (t.kind) {
      case Tok::kNumber: {
        take();
        NodePtr n = node(NodeKind::kNumber, t.range);
        auto d = Decimal::parse(t.text);
        if (!d) error(t, "rule.bad_number", fmt::format("数字“{}”超出范围", t.text));
        std::optional<Decimal> v = *d;
        if (t.unit == Unit::kWan) v = mul(*d, Decimal::from_int(10000));
        if (t.unit == Unit::kYi) v = mul(*d, Decimal::from_int(100000000));
        if (t.unit == Unit::kPercent) v = div(*d, Decimal::from_int(100));
        if (!v) error(t, "rule.bad_number", fmt::format("数字“{}”超出范围", t.text));
        n->number = *v;
        n->unit = t.unit;
        n->text = t.text + (t.unit == Unit::kWan       ? "万"
                            : t.unit == Unit::kYi      ? "亿"
                            : t.unit == Unit::kPercent ? "%"
                                                       : "");
        return n;
      }
      case Tok::kString: {
        take();
        NodePtr n = node(NodeKind::kString, t.range);
        n->text = t.text;
        return n;
      }
      case Tok::kTrue:
      case Tok::kFalse: {
        take();
        NodePtr n = node(NodeKind::kBool, t.range);
        n->boolean = t.kind == Tok::kTrue;
        return n;
      }
      case Tok::kNull:
        take();
        return node(NodeKind::kNull, t.range);
      case Tok::kLBracket:
        return list();
      case Tok::kLParen: {
        SourceRange open = take().range;
        NodePtr inner = expr();
        const Token& close = peek();
        expect(Tok::kRParen, "右括号“)”");
        // The parentheses belong to the expression's text (for explanations).
        inner->range = join(open, close.range);
        return inner;
      }
      case Tok::kIdent: {
        take();
        if (peek().kind == Tok::kLParen) {
          take();
          NodePtr n = node(NodeKind::kCall, t.range);
          n->text = t.text;
          if (peek().kind != Tok::kRParen) {
            do {
              n->children.push_back(expr());
            } while (accept(Tok::kComma));
          }
          const Token& close = peek();
          expect(Tok::kRParen, "逗号“,”或右括号“)”");
          n->range = join(t.range, close.range);
          return n;
        }
        NodePtr n = node(NodeKind::kAttr, t.range);
        n->text = t.text;
        return n;
      }
      default:
        expected("一个值、属性或括号表达式");
    }
  }

  std::vector<Token> toks_;
  size_t pos_ = 0;
  Issues& issues_;
};

}  // namespace

ParseResult parse(std::string_view text) {
  ParseResult r;
  std::vector<Token> toks = lex(text, r.issues);
  // Lexical mistakes were read as their nearest token, so the tree is still
  // built and checked: the user sees every mistake at once.
  r.root = Parser(std::move(toks), r.issues).run();
  return r;
}

}  // namespace zhida::rules
