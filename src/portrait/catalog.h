// The data catalog (数据目录 / 数据元件): every attribute an enterprise can
// have, with its type, periods, unit, source department, update frequency,
// sensitivity and description. Rules are checked against it (it is the
// rules layer's Schema).
//
// A Catalog is a value: build it, then share it read-only
// (shared_ptr<const Catalog>); a change makes a new Catalog. Reads are
// thread-safe; the mutating calls are for building only.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "base/issue.h"
#include "base/result.h"
#include "rules/types.h"

namespace zhida::portrait {

using rules::Type;

enum class Sensitivity : uint8_t { kPublic, kInternal, kSensitive };  // 公开 / 内部 / 敏感
const char* sensitivity_zh(Sensitivity s);
std::optional<Sensitivity> parse_sensitivity(
    std::string_view s);  // 公开/内部/敏感 or public/internal/sensitive

struct Attribute : rules::AttributeInfo {
  std::string source;     // 来源部门: 市场监管局, 税务局 …
  std::string frequency;  // 更新频率: 实时, 日, 月, 年 …
  Sensitivity sensitivity = Sensitivity::kInternal;
  std::string description;  // 说明
};

class Catalog final : public rules::Schema {
 public:
  Catalog() = default;

  // rules::Schema
  const rules::AttributeInfo* find(std::string_view name) const override;
  const rules::AttributeInfo* by_id(int32_t id) const override;
  std::vector<std::string_view> names() const override;

  const Attribute* attribute(std::string_view name) const;
  const Attribute* attribute(int32_t id) const;
  const std::vector<Attribute>& attributes() const { return attrs_; }
  size_t size() const { return attrs_.size(); }

  // Adds an attribute (its id is assigned). Fails on a duplicate name.
  Result<int32_t> add(Attribute a);
  // Replaces descriptive fields of an existing attribute (not name or type).
  Attribute* mutable_attribute(std::string_view name);

  // Reads a catalog file: {"attributes":[{"name","type","periods","unit",
  // "source","frequency","sensitivity","description","values"}]}.
  // Every problem is listed; nothing is returned on any error.
  static Result<Catalog> from_json(const nlohmann::json& doc, Issues* issues);
  static Result<Catalog> load(const std::string& path, Issues* issues);
  nlohmann::json to_json() const;

  // Adds what a catalog file says to attributes this catalog already has
  // (from a CSV header): descriptive fields, declared enum values; adds the
  // attributes the header lacks. Type or periods that disagree are issues.
  void merge(const Catalog& declared, Issues& issues);

 private:
  std::vector<Attribute> attrs_;
  std::unordered_map<std::string, int32_t> by_name_;
};

// A column of a CSV header, "营业收入[2024]:money": name, year (0 if none), type.
struct HeaderCell {
  std::string name;
  int year = 0;
  Type type = Type::kError;
};
// Parses one header cell; nullopt with a reason in `why` when malformed.
std::optional<HeaderCell> parse_header_cell(std::string_view cell, std::string* why);

}  // namespace zhida::portrait
