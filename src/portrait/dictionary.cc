#include "portrait/dictionary.h"

namespace zhida::portrait {

uint64_t Dictionary::hash(std::string_view s) {
  // FNV-1a, then a mix so that low bits are usable for the table index.
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  return h;
}

uint32_t Dictionary::find(std::string_view s) const {
  if (slots_.empty()) return kNone;
  size_t mask = slots_.size() - 1;
  for (size_t i = hash(s) & mask;; i = (i + 1) & mask) {
    uint32_t slot = slots_[i];
    if (slot == 0) return kNone;
    if (at(slot - 1) == s) return slot - 1;
  }
}

uint32_t Dictionary::intern(std::string_view s) {
  if ((size() + 1) * 2 > slots_.size()) grow();
  size_t mask = slots_.size() - 1;
  size_t i = hash(s) & mask;
  for (;; i = (i + 1) & mask) {
    uint32_t slot = slots_[i];
    if (slot == 0) break;
    if (at(slot - 1) == s) return slot - 1;
  }
  uint32_t code = size();
  arena_.append(s);
  offsets_.push_back(arena_.size());
  slots_[i] = code + 1;
  return code;
}

void Dictionary::grow() {
  size_t n = slots_.empty() ? 16 : slots_.size() * 2;
  std::vector<uint32_t> fresh(n, 0);
  size_t mask = n - 1;
  for (uint32_t code = 0; code < size(); ++code) {
    size_t i = hash(at(code)) & mask;
    while (fresh[i] != 0) i = (i + 1) & mask;
    fresh[i] = code + 1;
  }
  slots_.swap(fresh);
}

size_t Dictionary::memory_bytes() const {
  return arena_.capacity() + offsets_.capacity() * sizeof(uint64_t) +
         slots_.capacity() * sizeof(uint32_t);
}

}  // namespace zhida::portrait
