#include "services/policies/json_locate.h"

#include <string>
#include <variant>
#include <vector>

#include "base/utf8.h"

namespace zhida::services {
namespace {

using Segment = std::variant<std::string, size_t>;

std::optional<std::vector<Segment>> split_path(std::string_view path) {
  std::vector<Segment> out;
  size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '.') {
      ++i;
      continue;
    }
    if (path[i] == '[') {
      size_t close = path.find(']', i);
      if (close == std::string_view::npos || close == i + 1) return std::nullopt;
      size_t n = 0;
      for (size_t k = i + 1; k < close; ++k) {
        if (path[k] < '0' || path[k] > '9') return std::nullopt;
        n = n * 10 + static_cast<size_t>(path[k] - '0');
      }
      out.emplace_back(n);
      i = close + 1;
      continue;
    }
    size_t end = path.find_first_of(".[", i);
    if (end == std::string_view::npos) end = path.size();
    out.emplace_back(std::string(path.substr(i, end - i)));
    i = end;
  }
  return out;
}

// A forgiving scanner: it only has to find offsets in text that nlohmann
// already parsed (or report failure on text that is not JSON).
class Scanner {
 public:
  Scanner(std::string_view s, const std::vector<Segment>& path) : s_(s), path_(path) {}

  std::optional<size_t> run() {
    ws();
    if (!value(0)) return found_ ? std::optional<size_t>(best_) : std::nullopt;
    return best_;
  }

 private:
  void ws() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\r' || s_[i_] == '\t'))
      ++i_;
  }

  // Scans one value; false on malformed text or once the target is found.
  bool value(size_t depth) {
    if (i_ >= s_.size()) return false;
    best_ = i_;
    if (depth == path_.size()) {
      found_ = true;
      return false;
    }
    char c = s_[i_];
    if (c == '{') return object(depth);
    if (c == '[') return array(depth);
    return skip_scalar();
  }

  bool skip_value() {
    if (i_ >= s_.size()) return false;
    char c = s_[i_];
    if (c == '{' || c == '[') {
      int nest = 0;
      while (i_ < s_.size()) {
        char d = s_[i_];
        if (d == '"') {
          std::string ignored;
          if (!string(ignored)) return false;
          continue;
        }
        if (d == '{' || d == '[') ++nest;
        if (d == '}' || d == ']') {
          --nest;
          if (nest == 0) {
            ++i_;
            return true;
          }
        }
        ++i_;
      }
      return false;
    }
    return skip_scalar();
  }

  bool skip_scalar() {
    if (s_[i_] == '"') {
      std::string ignored;
      return string(ignored);
    }
    size_t start = i_;
    while (i_ < s_.size() && s_[i_] != ',' && s_[i_] != '}' && s_[i_] != ']' && s_[i_] != ' ' &&
           s_[i_] != '\n' && s_[i_] != '\r' && s_[i_] != '\t')
      ++i_;
    return i_ > start;
  }

  std::optional<char32_t> hex4(size_t at) const {
    if (at + 4 > s_.size()) return std::nullopt;
    char32_t v = 0;
    for (size_t k = at; k < at + 4; ++k) {
      char c = s_[k];
      int d = c >= '0' && c <= '9'   ? c - '0'
              : c >= 'a' && c <= 'f' ? c - 'a' + 10
              : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                     : -1;
      if (d < 0) return std::nullopt;
      v = v * 16 + static_cast<char32_t>(d);
    }
    return v;
  }

  bool string(std::string& out) {
    ++i_;  // "
    while (i_ < s_.size()) {
      char c = s_[i_++];
      if (c == '"') return true;
      if (c != '\\') {
        out += c;
        continue;
      }
      if (i_ >= s_.size()) return false;
      char e = s_[i_++];
      switch (e) {
        case 'n':
          out += '\n';
          break;
        case 't':
          out += '\t';
          break;
        case 'r':
          out += '\r';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'u': {
          auto cp = hex4(i_);
          if (!cp) return false;
          i_ += 4;
          if (*cp >= 0xD800 && *cp < 0xDC00 && i_ + 6 <= s_.size() && s_[i_] == '\\' &&
              s_[i_ + 1] == 'u') {
            auto lo = hex4(i_ + 2);
            if (lo && *lo >= 0xDC00 && *lo < 0xE000) {
              i_ += 6;
              *cp = 0x10000 + ((*cp - 0xD800) << 10) + (*lo - 0xDC00);
            }
          }
          utf8::append(out, *cp);
          break;
        }
        default:
          out += e;
      }
    }
    return false;
  }

  bool object(size_t depth) {
    ++i_;  // {
    ws();
    if (i_ < s_.size() && s_[i_] == '}') {
      ++i_;
      return true;
    }
    while (i_ < s_.size()) {
      ws();
      if (i_ >= s_.size() || s_[i_] != '"') return false;
      std::string key;
      if (!string(key)) return false;
      ws();
      if (i_ >= s_.size() || s_[i_] != ':') return false;
      ++i_;
      ws();
      const std::string* want = std::get_if<std::string>(&path_[depth]);
      if (want && *want == key) {
        if (!value(depth + 1)) return false;
      } else if (!skip_value()) {
        return false;
      }
      ws();
      if (i_ < s_.size() && s_[i_] == ',') {
        ++i_;
        continue;
      }
      if (i_ < s_.size() && s_[i_] == '}') {
        ++i_;
        return true;
      }
      return false;
    }
    return false;
  }

  bool array(size_t depth) {
    ++i_;  // [
    ws();
    if (i_ < s_.size() && s_[i_] == ']') {
      ++i_;
      return true;
    }
    size_t k = 0;
    while (i_ < s_.size()) {
      ws();
      const size_t* want = std::get_if<size_t>(&path_[depth]);
      if (want && *want == k) {
        if (!value(depth + 1)) return false;
      } else if (!skip_value()) {
        return false;
      }
      ++k;
      ws();
      if (i_ < s_.size() && s_[i_] == ',') {
        ++i_;
        continue;
      }
      if (i_ < s_.size() && s_[i_] == ']') {
        ++i_;
        return true;
      }
      return false;
    }
    return false;
  }

  std::string_view s_;
  const std::vector<Segment>& path_;
  size_t i_ = 0;
  size_t best_ = 0;
  bool found_ = false;
};

}  // namespace

std::optional<TextPosition> locate_json_path(std::string_view text, std::string_view path) {
  auto segs = split_path(path);
  if (!segs) return std::nullopt;
  auto offset = Scanner(text, *segs).run();
  if (!offset) return std::nullopt;
  TextPosition p;
  size_t line_start = 0;
  for (size_t k = 0; k < *offset && k < text.size(); ++k) {
    if (text[k] == '\n') {
      ++p.line;
      line_start = k + 1;
    }
  }
  p.column = 1 + utf8::length(text.substr(line_start, *offset - line_start));
  return p;
}

}  // namespace zhida::services
