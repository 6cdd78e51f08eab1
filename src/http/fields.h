// Small containers shared by Request and Response: ordered name/value lists
// (headers, query parameters, cookies, path parameters) and the attribute bag
// middleware uses to hand typed values to handlers.
//
// All are plain values: copyable, movable, not synchronised (a Request or a
// Response belongs to the one thread handling it).
#pragma once

#include <any>
#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace zhida::http {

namespace internal {
bool iequals(std::string_view a, std::string_view b);
}  // namespace internal

// An ordered list of name/value pairs in which a name may repeat (query
// strings, Set-Cookie headers). Lookups are linear: these lists are short.
// kCaseInsensitive makes name comparison ASCII case-insensitive (headers).
template <bool kCaseInsensitive>
class BasicFields {
 public:
  using Entry = std::pair<std::string, std::string>;

  BasicFields() = default;
  BasicFields(std::initializer_list<Entry> entries) : entries_(entries) {}

  // The first value under name, if any. The view lives as long as the entry.
  std::optional<std::string_view> get(std::string_view name) const {
    for (const Entry& e : entries_)
      if (same(e.first, name)) return std::string_view(e.second);
    return std::nullopt;
  }
  // The first value under name, or fallback.
  std::string_view get_or(std::string_view name, std::string_view fallback) const {
    auto v = get(name);
    return v ? *v : fallback;
  }
  // Every value under name, in order.
  std::vector<std::string_view> get_all(std::string_view name) const {
    std::vector<std::string_view> out;
    for (const Entry& e : entries_)
      if (same(e.first, name)) out.emplace_back(e.second);
    return out;
  }
  bool has(std::string_view name) const { return get(name).has_value(); }

  // Appends, keeping any earlier values under the same name.
  void add(std::string name, std::string value) {
    entries_.emplace_back(std::move(name), std::move(value));
  }
  // Replaces every value under name with this one.
  void set(std::string name, std::string value) {
    erase(name);
    add(std::move(name), std::move(value));
  }
  // Removes every value under name; returns how many were removed.
  size_t erase(std::string_view name) {
    size_t before = entries_.size();
    std::erase_if(entries_, [&](const Entry& e) { return same(e.first, name); });
    return before - entries_.size();
  }

  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  void clear() { entries_.clear(); }
  void reserve(size_t n) { entries_.reserve(n); }
  auto begin() const { return entries_.begin(); }
  auto end() const { return entries_.end(); }

 private:
  static bool same(std::string_view a, std::string_view b) {
    if constexpr (kCaseInsensitive) {
      return internal::iequals(a, b);
    } else {
      return a == b;
    }
  }
  std::vector<Entry> entries_;
};

// HTTP header fields: names compare case-insensitively.
using Headers = BasicFields<true>;
// Query parameters, cookies and path parameters: names compare exactly.
using Params = BasicFields<false>;

// A bag of typed values keyed by name, filled by middleware for the handlers
// and the request log (e.g. attributes.set("session", Session{...})).
class Attributes {
 public:
  template <typename T>
  void set(std::string key, T value) {
    for (auto& [k, v] : items_) {
      if (k == key) {
        v = std::move(value);
        return;
      }
    }
    items_.emplace_back(std::move(key), std::any(std::move(value)));
  }
  // The value under key when it holds a T; nullptr when absent or another type.
  // The pointer is valid until the next set() or erase() of that key.
  template <typename T>
  T* get(std::string_view key) {
    for (auto& [k, v] : items_)
      if (k == key) return std::any_cast<T>(&v);
    return nullptr;
  }
  template <typename T>
  const T* get(std::string_view key) const {
    for (const auto& [k, v] : items_)
      if (k == key) return std::any_cast<T>(&v);
    return nullptr;
  }
  bool has(std::string_view key) const {
    for (const auto& [k, v] : items_)
      if (k == key) return true;
    return false;
  }
  void erase(std::string_view key) {
    std::erase_if(items_, [&](const auto& item) { return item.first == key; });
  }

 private:
  std::vector<std::pair<std::string, std::any>> items_;
};

}  // namespace zhida::http
