// A dense bitmap over rows: one bit per enterprise, 64 to a word. The word
// array is public on purpose: the matching engine ANDs and ORs them a word
// at a time. Not thread-safe for writes.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "base/big_array.h"

namespace zhida::portrait {

class Bitmap {
 public:
  Bitmap() = default;
  explicit Bitmap(size_t n, bool value = false) { resize(n, value); }

  size_t size() const { return n_; }
  size_t word_count() const { return words_.size(); }
  const uint64_t* words() const { return words_.data(); }
  uint64_t* words() { return words_.data(); }

  void resize(size_t n, bool value = false) {
    if (!value && n >= n_ && (n + 63) / 64 == words_.size()) {
      n_ = n;  // the tail bits are zero already
      return;
    }
    size_t old = n_;
    n_ = n;
    words_.resize((n + 63) / 64, value ? ~uint64_t{0} : uint64_t{0});
    if (value && old < n && old % 64 != 0) words_[old / 64] |= ~uint64_t{0} << (old % 64);
    clear_tail();
  }
  void reserve(size_t n) { words_.reserve((n + 63) / 64); }
  void shrink_to_fit() { words_.shrink_to_fit(); }
  bool get(size_t i) const { return (words_[i >> 6] >> (i & 63)) & 1; }
  void set(size_t i) { words_[i >> 6] |= uint64_t{1} << (i & 63); }
  void clear(size_t i) { words_[i >> 6] &= ~(uint64_t{1} << (i & 63)); }
  void assign(size_t i, bool v) { v ? set(i) : clear(i); }
  void push_back(bool v) {
    if (n_ % 64 == 0) words_.push_back(uint64_t{0});
    ++n_;
    if (v) set(n_ - 1);
  }
  // ORs `other` into this bitmap from bit `base` on, a word at a time
  // (size() >= base + other.size()).
  void or_at(size_t base, const Bitmap& other) {
    size_t shift = base % 64, w0 = base / 64;
    for (size_t w = 0; w < other.words_.size(); ++w) {
      uint64_t v = other.words_[w];
      if (!v) continue;
      words_[w0 + w] |= v << shift;
      if (shift && w0 + w + 1 < words_.size()) words_[w0 + w + 1] |= v >> (64 - shift);
    }
  }
  size_t count() const {
    size_t c = 0;
    for (uint64_t w : words_) c += static_cast<size_t>(std::popcount(w));
    return c;
  }
  size_t memory_bytes() const { return words_.memory_bytes(); }

 private:
  // Bits past n_ stay zero so that counts and word operations are exact.
  void clear_tail() {
    if (n_ % 64 != 0 && !words_.empty()) words_.back() &= (uint64_t{1} << (n_ % 64)) - 1;
  }
  BigArray<uint64_t> words_;
  size_t n_ = 0;
};

}  // namespace zhida::portrait
