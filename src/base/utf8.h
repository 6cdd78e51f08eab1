// Small UTF-8 helpers: decoding, code-point counting, character classes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace zhida::utf8 {

constexpr char32_t kInvalid = 0xFFFD;

// Decodes the code point at s[i] and advances i past it. An invalid or
// truncated sequence yields kInvalid and advances by one byte.
char32_t next(std::string_view s, size_t& i);

// Number of code points in s (invalid bytes count one each).
int length(std::string_view s);

// True when s is well-formed UTF-8.
bool valid(std::string_view s);

void append(std::string& out, char32_t cp);

// A letter for identifiers: ASCII letters, '_' and CJK ideographs
// (including extensions and compatibility ideographs).
bool is_ident_start(char32_t c);
bool is_ident_part(char32_t c);
bool is_cjk(char32_t c);

}  // namespace zhida::utf8
