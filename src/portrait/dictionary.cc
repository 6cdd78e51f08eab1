#include "portrait/dictionary.h"

#include <cstring>

namespace zhida::portrait {

uint64_t Dictionary::hash(std::string_view s) {
  // Eight bytes at a time, multiply-xorshift mixing.
  const uint64_t k = 0x9E3779B97F4A7C15ull;
  uint64_t h = s.size() * k;
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    h = (h ^ w) * k;
    h ^= h >> 29;
  }
  if (i < s.size()) {
    uint64_t w = 0;
    std::memcpy(&w, s.data() + i, s.size() - i);
    h = (h ^ w) * k;
  }
  h ^= h >> 32;
  h *= 0xD6E8FEB86659FD93ull;
  h ^= h >> 32;
  return h;
}

uint32_t Dictionary::append(std::string_view s) {
  uint32_t code = size();
  arena_.append(s.data(), s.size());
  offsets_.push_back(arena_.size());
  return code;
}

uint32_t Dictionary::find(std::string_view s) const {
  if (!indexed_) {
    for (uint32_t c = 0; c < size(); ++c)
      if (at(c) == s) return c;
    return kNone;
  }
  if (slots_.empty()) return kNone;
  uint64_t h = hash(s);
  uint64_t tag = h & 0xFFFFFFFF00000000ull;
  size_t mask = slots_.size() - 1;
  for (size_t i = h & mask;; i = (i + 1) & mask) {
    uint64_t slot = slots_[i];
    if (slot == 0) return kNone;
    if ((slot & 0xFFFFFFFF00000000ull) == tag) {
      uint32_t code = static_cast<uint32_t>(slot) - 1;
      if (at(code) == s) return code;
    }
  }
}

uint32_t Dictionary::intern(std::string_view s) {
  ++interns_;
  if (!indexed_) return append(s);
  if (last_ != kNone && at(last_) == s) return last_;
  if (interns_ == kProbeRows && size() * 4 > kProbeRows * 3) {
    indexed_ = false;
    std::vector<uint64_t>().swap(slots_);
    return append(s);
  }
  if ((size() + 1) * 2 > slots_.size()) grow();
  uint64_t h = hash(s);
  uint64_t tag = h & 0xFFFFFFFF00000000ull;
  size_t mask = slots_.size() - 1;
  size_t i = h & mask;
  for (;; i = (i + 1) & mask) {
    uint64_t slot = slots_[i];
    if (slot == 0) break;
    if ((slot & 0xFFFFFFFF00000000ull) == tag) {
      uint32_t code = static_cast<uint32_t>(slot) - 1;
      if (at(code) == s) {
        last_ = code;
        return code;
      }
    }
  }
  uint32_t code = append(s);
  slots_[i] = tag | (code + 1);
  last_ = code;
  return code;
}

void Dictionary::grow() {
  size_t n = slots_.empty() ? 64 : slots_.size() * 2;
  std::vector<uint64_t> fresh(n, 0);
  size_t mask = n - 1;
  for (uint64_t slot : slots_) {
    if (slot == 0) continue;
    uint32_t code = static_cast<uint32_t>(slot) - 1;
    uint64_t h = hash(at(code));
    size_t i = h & mask;
    while (fresh[i] != 0) i = (i + 1) & mask;
    fresh[i] = (h & 0xFFFFFFFF00000000ull) | (code + 1);
  }
  slots_.swap(fresh);
}

std::vector<uint32_t> Dictionary::merge(const Dictionary& other) {
  std::vector<uint32_t> map(other.size());
  for (uint32_t c = 0; c < other.size(); ++c) map[c] = intern(other.at(c));
  return map;
}

size_t Dictionary::memory_bytes() const {
  return arena_.memory_bytes() + offsets_.memory_bytes() + slots_.capacity() * sizeof(uint64_t);
}

}  // namespace zhida::portrait
