#include "rules/syntax/lexer.h"

#include <fmt/format.h>

#include "base/utf8.h"

namespace zhida::rules {
namespace {

class Lexer {
 public:
  Lexer(std::string_view text, Issues& issues) : s_(text), issues_(issues) {}

  std::vector<Token> run() {
    std::vector<Token> out;
    for (;;) {
      skip_space_and_comments();
      Token t = next();
      bool end = t.kind == Tok::kEnd;
      out.push_back(std::move(t));
      if (end) break;
    }
    return out;
  }

 private:
  struct Pos {
    size_t offset;
    int line, column;
  };

  Pos pos() const { return {i_, line_, col_}; }
  bool at_end() const { return i_ >= s_.size(); }
  char32_t peek() const {
    size_t j = i_;
    return at_end() ? 0 : utf8::next(s_, j);
  }
  char32_t peek2() const {
    if (at_end()) return 0;
    size_t j = i_;
    utf8::next(s_, j);
    return j >= s_.size() ? 0 : utf8::next(s_, j);
  }
  char32_t advance() {
    char32_t c = utf8::next(s_, i_);
    if (c == '\n') {
      ++line_;
      col_ = 1;
    } else {
      ++col_;
    }
    return c;
  }

  SourceRange range_from(Pos p) const {
    SourceRange r;
    r.begin = static_cast<int>(p.offset);
    r.end = static_cast<int>(i_);
    r.line = p.line;
    r.column = p.column;
    r.end_line = line_;
    r.end_column = col_;
    return r;
  }

  void report(Pos p, std::string code, std::string message) {
    Issue is;
    is.code = std::move(code);
    is.message = std::move(message);
    is.line = p.line;
    is.column = p.column;
    is.length = p.line == line_ ? std::max(1, col_ - p.column) : 1;
    issues_.push_back(std::move(is));
  }

  void skip_space_and_comments() {
    while (!at_end()) {
      char32_t c = peek();
      if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == 0x3000) {
        advance();
      } else if (c == '#') {
        while (!at_end() && peek() != '\n') advance();
      } else {
        break;
      }
    }
  }

  Token make(Tok kind, Pos p, std::string text = {}) {
    Token t;
    t.kind = kind;
    t.range = range_from(p);
    t.text = std::move(text);
    return t;
  }

  Token next() {
    Pos p = pos();
    if (at_end()) return make(Tok::kEnd, p);
    char32_t c = peek();
    if (c >= '0' && c <= '9') return number(p);
    if (c == '.' && peek2() >= '0' && peek2() <= '9') return number(p);
    if (c == '"' || c == U'“' || c == U'”') return string(p);
    if (utf8::is_ident_start(c)) return ident(p);
    advance();
    switch (c) {
      case '(':
        return make(Tok::kLParen, p);
      case ')':
        return make(Tok::kRParen, p);
      case '[':
        return make(Tok::kLBracket, p);
      case ']':
        return make(Tok::kRBracket, p);
      case ',':
        return make(Tok::kComma, p);
      case '+':
        return make(Tok::kPlus, p);
      case '-':
        return make(Tok::kMinus, p);
      case '*':
        return make(Tok::kStar, p);
      case '/':
        return make(Tok::kSlash, p);
      case '<':
        if (peek() == '=') return advance(), make(Tok::kLe, p);
        return make(Tok::kLt, p);
      case '>':
        if (peek() == '=') return advance(), make(Tok::kGe, p);
        return make(Tok::kGt, p);
      case '!':
        if (peek() == '=') return advance(), make(Tok::kNe, p);
        return make(Tok::kNot, p);
      case '=':
        if (peek() == '=') return advance(), make(Tok::kEq, p);
        report(p, "rule.single_equals", "比较是否相等请写 ==（两个等号）");
        return make(Tok::kEq, p);
      case '&':
        if (peek() == '&') return advance(), make(Tok::kAnd, p);
        report(p, "rule.bad_operator", "“并且”请写 and 或 &&");
        return make(Tok::kAnd, p);
      case '|':
        if (peek() == '|') return advance(), make(Tok::kOr, p);
        report(p, "rule.bad_operator", "“或者”请写 or 或 ||");
        return make(Tok::kOr, p);
    }
    return full_width(c, p);
  }

  // Full-width punctuation an input method slips in: reported, then read as
  // its ASCII twin so that the rest of the rule is still checked.
  Token full_width(char32_t c, Pos p) {
    struct Twin {
      char32_t wide;
      Tok tok;
      const char* ascii;
    };
    static const Twin kTwins[] = {
        {U'（', Tok::kLParen, "("},   {U'）', Tok::kRParen, ")"},   {U'【', Tok::kLBracket, "["},
        {U'】', Tok::kRBracket, "]"}, {U'［', Tok::kLBracket, "["}, {U'］', Tok::kRBracket, "]"},
        {U'，', Tok::kComma, ","},    {U'、', Tok::kComma, ","},    {U'＝', Tok::kEq, "=="},
        {U'≥', Tok::kGe, ">="},       {U'≤', Tok::kLe, "<="},       {U'≠', Tok::kNe, "!="},
        {U'＞', Tok::kGt, ">"},       {U'＜', Tok::kLt, "<"},       {U'！', Tok::kNot, "!"},
        {U'＋', Tok::kPlus, "+"},     {U'－', Tok::kMinus, "-"},    {U'×', Tok::kStar, "*"},
        {U'＊', Tok::kStar, "*"},     {U'÷', Tok::kSlash, "/"},     {U'／', Tok::kSlash, "/"},
    };
    std::string shown;
    utf8::append(shown, c);
    for (const Twin& t : kTwins) {
      if (t.wide == c) {
        report(p, "rule.full_width",
               fmt::format("“{}”是全角符号，请改用半角的“{}”", shown, t.ascii));
        return make(t.tok, p);
      }
    }
    if (c == utf8::kInvalid) {
      report(p, "rule.bad_encoding", "规则文本不是有效的 UTF-8 编码");
    } else if (c == U'％') {
      report(p, "rule.full_width", "“％”是全角符号，请改用半角的“%”，并紧跟在数字后面");
    } else {
      report(p, "rule.bad_character", fmt::format("无法识别的字符“{}”", shown));
    }
    return make(Tok::kError, p);
  }

  Token number(Pos p) {
    std::string digits;
    bool point = false;
    while (!at_end()) {
      char32_t c = peek();
      if (c >= '0' && c <= '9') {
        digits += static_cast<char>(c);
        advance();
      } else if (c == '.' && !point && peek2() >= '0' && peek2() <= '9') {
        point = true;
        digits += '.';
        advance();
      } else {
        break;
      }
    }
    Token t;
    t.kind = Tok::kNumber;
    t.text = digits;
    char32_t u = peek();
    if (u == U'万') t.unit = Unit::kWan;
    if (u == U'亿') t.unit = Unit::kYi;
    if (u == '%') t.unit = Unit::kPercent;
    if (t.unit != Unit::kNone) advance();
    if (t.unit != Unit::kPercent && peek() == U'元') {
      Pos q = pos();
      advance();
      report(q, "rule.unit_yuan", "金额以元为单位，“元”不必写出（如 2000万）");
    }
    t.range = range_from(p);
    if (utf8::is_ident_part(peek()) && !at_end()) {
      Pos q = pos();
      while (!at_end() && utf8::is_ident_part(peek())) advance();
      report(q, "rule.bad_number", "数字后面只能跟单位 万、亿 或 %");
    }
    return t;
  }

  Token string(Pos p) {
    char32_t open = advance();
    bool chinese = open != '"';
    std::string value;
    for (;;) {
      if (at_end() || peek() == '\n') {
        report(p, "rule.unterminated_string",
               chinese ? "字符串缺少结尾的引号“””" : "字符串缺少结尾的引号“\"”");
        break;
      }
      size_t before = i_;
      char32_t c = advance();
      if (chinese ? (c == U'”' || c == U'“') : c == '"') break;
      value.append(s_.substr(before, i_ - before));
    }
    return make(Tok::kString, p, value);
  }

  Token ident(Pos p) {
    size_t start = i_;
    while (!at_end() && utf8::is_ident_part(peek())) advance();
    std::string name(s_.substr(start, i_ - start));
    static const struct {
      const char* word;
      Tok tok;
    } kKeywords[] = {{"and", Tok::kAnd},     {"or", Tok::kOr},           {"not", Tok::kNot},
                     {"in", Tok::kIn},       {"between", Tok::kBetween}, {"true", Tok::kTrue},
                     {"false", Tok::kFalse}, {"null", Tok::kNull}};
    for (const auto& k : kKeywords)
      if (name == k.word) return make(k.tok, p, name);
    return make(Tok::kIdent, p, name);
  }

  std::string_view s_;
  Issues& issues_;
  size_t i_ = 0;
  int line_ = 1, col_ = 1;
};

}  // namespace

std::vector<Token> lex(std::string_view text, Issues& issues) {
  return Lexer(text, issues).run();
}

const char* tok_text(Tok t) {
  switch (t) {
    case Tok::kEnd:
      return "规则结尾";
    case Tok::kNumber:
      return "数字";
    case Tok::kString:
      return "字符串";
    case Tok::kIdent:
      return "名称";
    case Tok::kAnd:
      return "and";
    case Tok::kOr:
      return "or";
    case Tok::kNot:
      return "not";
    case Tok::kIn:
      return "in";
    case Tok::kBetween:
      return "between";
    case Tok::kTrue:
      return "true";
    case Tok::kFalse:
      return "false";
    case Tok::kNull:
      return "null";
    case Tok::kEq:
      return "==";
    case Tok::kNe:
      return "!=";
    case Tok::kLt:
      return "<";
    case Tok::kLe:
      return "<=";
    case Tok::kGt:
      return ">";
    case Tok::kGe:
      return ">=";
    case Tok::kPlus:
      return "+";
    case Tok::kMinus:
      return "-";
    case Tok::kStar:
      return "*";
    case Tok::kSlash:
      return "/";
    case Tok::kLParen:
      return "(";
    case Tok::kRParen:
      return ")";
    case Tok::kLBracket:
      return "[";
    case Tok::kRBracket:
      return "]";
    case Tok::kComma:
      return ",";
    case Tok::kError:
      return "无法识别的字符";
  }
  return "?";
}

}  // namespace zhida::rules
