// Dictionary: distinct texts stored once in an arena, each with a dense code
// (0, 1, 2 … in order of first appearance). Enum and string columns store
// codes; a predicate on a text column is evaluated once per distinct text.
// Codes are stable: a text never changes its code. Not thread-safe for
// writes; reads are safe while nobody writes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace zhida::portrait {

class Dictionary {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;

  // The code of `s`, adding it when new.
  uint32_t intern(std::string_view s);
  // The code of `s`, or kNone.
  uint32_t find(std::string_view s) const;
  std::string_view at(uint32_t code) const {
    return {arena_.data() + offsets_[code], offsets_[code + 1] - offsets_[code]};
  }
  uint32_t size() const { return static_cast<uint32_t>(offsets_.size() - 1); }
  size_t memory_bytes() const;

 private:
  void grow();
  static uint64_t hash(std::string_view s);

  std::string arena_;
  std::vector<uint64_t> offsets_ = {0};  // size()+1 entries
  std::vector<uint32_t> slots_;          // open addressing: code+1, 0 = empty
};

}  // namespace zhida::portrait
