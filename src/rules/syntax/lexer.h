// The lexer: rule text to tokens, with positions. Lexical mistakes (an
// unclosed string, a full-width bracket) become issues; lexing goes on so
// that the user sees them all.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/issue.h"
#include "rules/syntax/ast.h"

namespace zhida::rules {

enum class Tok : uint8_t {
  kEnd,
  kNumber,  // with an optional unit suffix
  kString,
  kIdent,
  kAnd,
  kOr,
  kNot,
  kIn,
  kBetween,
  kTrue,
  kFalse,
  kNull,
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
  kPlus,
  kMinus,
  kStar,
  kSlash,
  kLParen,
  kRParen,
  kLBracket,
  kRBracket,
  kComma,
  kError,  // an unusable character (already reported)
};

struct Token {
  Tok kind = Tok::kEnd;
  SourceRange range;
  std::string text;  // identifier name, string value, number digits (without unit)
  Unit unit = Unit::kNone;
};

// Tokenizes all of `text`; the last token is kEnd. Issues are appended.
std::vector<Token> lex(std::string_view text, Issues& issues);

const char* tok_text(Tok t);  // for messages: "右括号“)”"

}  // namespace zhida::rules
