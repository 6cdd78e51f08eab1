// Dictionary: texts stored in an arena, each with a dense code (0, 1, 2 …
// in order of first appearance). Enum and string columns store codes; a
// predicate on a text column is evaluated once per entry, then looked up by
// code.
//
// A column of mostly distinct texts (names, credit codes, phone numbers)
// gains nothing from a hash index: after kProbeRows interns, when more than
// 3/4 of them were new, the dictionary stops indexing and appends every text
// (an entry may then repeat; codes still name texts). Codes are stable.
// Not thread-safe for writes; reads are safe while nobody writes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/big_array.h"

namespace zhida::portrait {

class Dictionary {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;

  static constexpr uint32_t kProbeRows = 32768;

  // The code of `s`, adding it when new (always adding when not indexed).
  uint32_t intern(std::string_view s);
  // A code whose text is `s`, or kNone.
  uint32_t find(std::string_view s) const;
  bool indexed() const { return indexed_; }
  // Appends every entry of `other`; returns the code each of its codes maps to.
  std::vector<uint32_t> merge(const Dictionary& other);
  std::string_view at(uint32_t code) const {
    return {arena_.data() + offsets_[code], offsets_[code + 1] - offsets_[code]};
  }
  uint32_t size() const { return static_cast<uint32_t>(offsets_.size() - 1); }
  size_t memory_bytes() const;

 private:
  void grow();
  static uint64_t hash(std::string_view s);

  uint32_t append(std::string_view s);

  BigArray<char> arena_;
  BigArray<uint64_t> offsets_ = BigArray<uint64_t>(1);  // size()+1 entries, offsets_[0] = 0
  // Open addressing: (hash >> 32) << 32 | (code + 1); 0 = empty.
  std::vector<uint64_t> slots_;
  bool indexed_ = true;
  uint64_t interns_ = 0;
  uint32_t last_ = kNone;  // the last code interned: columns repeat values
};

}  // namespace zhida::portrait
