#include "portrait/catalog.h"

#include <fmt/format.h>

#include <fstream>
#include <nlohmann/json.hpp>

namespace zhida::portrait {

const char* sensitivity_zh(Sensitivity s) {
  switch (s) {
    case Sensitivity::kPublic:
      return "公开";
    case Sensitivity::kInternal:
      return "内部";
    case Sensitivity::kSensitive:
      return "敏感";
  }
  return "?";
}

std::optional<Sensitivity> parse_sensitivity(std::string_view s) {
  if (s == "公开" || s == "public") return Sensitivity::kPublic;
  if (s == "内部" || s == "internal") return Sensitivity::kInternal;
  if (s == "敏感" || s == "sensitive") return Sensitivity::kSensitive;
  return std::nullopt;
}

const rules::AttributeInfo* Catalog::find(std::string_view name) const {
  return attribute(name);
}
const rules::AttributeInfo* Catalog::by_id(int32_t id) const {
  return attribute(id);
}

std::vector<std::string_view> Catalog::names() const {
  std::vector<std::string_view> out;
  out.reserve(attrs_.size());
  for (const Attribute& a : attrs_) out.push_back(a.name);
  return out;
}

const Attribute* Catalog::attribute(std::string_view name) const {
  auto it = by_name_.find(std::string(name));
  return it == by_name_.end() ? nullptr : &attrs_[static_cast<size_t>(it->second)];
}

const Attribute* Catalog::attribute(int32_t id) const {
  return id >= 0 && static_cast<size_t>(id) < attrs_.size() ? &attrs_[static_cast<size_t>(id)]
                                                            : nullptr;
}

Attribute* Catalog::mutable_attribute(std::string_view name) {
  auto it = by_name_.find(std::string(name));
  return it == by_name_.end() ? nullptr : &attrs_[static_cast<size_t>(it->second)];
}

Result<int32_t> Catalog::add(Attribute a) {
  if (by_name_.count(a.name))
    return Error("catalog.duplicate", fmt::format("数据目录中已有属性“{}”", a.name));
  a.id = static_cast<int32_t>(attrs_.size());
  by_name_[a.name] = a.id;
  attrs_.push_back(std::move(a));
  return attrs_.back().id;
}

namespace {

Issue issue(std::string code, std::string message) {
  Issue i;
  i.code = std::move(code);
  i.message = std::move(message);
  return i;
}

bool valid_name(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name)
    if (c == '[' || c == ']' || c == ':' || c == ',' || c == '"' || c == '\n' || c == ' ')
      return false;
  return true;
}

}  // namespace

Result<Catalog> Catalog::from_json(const nlohmann::json& doc, Issues* issues) {
  Issues local;
  Issues& out = issues ? *issues : local;
  size_t before = out.size();
  Catalog cat;
  if (!doc.is_object() || !doc.contains("attributes") || !doc["attributes"].is_array()) {
    out.push_back(issue("catalog.bad_file", "数据目录文件应为 {\"attributes\": [...]}"));
    return Error("catalog.bad_file", "数据目录文件格式错误");
  }
  static const char* kKnown[] = {"name",      "type",        "periods",     "unit",  "source",
                                 "frequency", "sensitivity", "description", "values"};
  int index = 0;
  for (const auto& j : doc["attributes"]) {
    ++index;
    std::string where = fmt::format("第 {} 个属性", index);
    if (!j.is_object()) {
      out.push_back(issue("catalog.bad_attribute", where + "不是对象"));
      continue;
    }
    for (const auto& [key, _] : j.items()) {
      if (std::find(std::begin(kKnown), std::end(kKnown), key) == std::end(kKnown))
        out.push_back(issue("catalog.unknown_field", fmt::format("{}有未知字段“{}”", where, key)));
    }
    Attribute a;
    if (!j.contains("name") || !j["name"].is_string() ||
        !valid_name(j["name"].get<std::string>())) {
      out.push_back(issue("catalog.bad_name",
                          where + "缺少有效的名称 name（不能含空格、逗号、冒号、方括号、引号）"));
      continue;
    }
    a.name = j["name"].get<std::string>();
    where = fmt::format("属性“{}”", a.name);
    if (!j.contains("type") || !j["type"].is_string() ||
        !rules::parse_type_name(j["type"].get<std::string>())) {
      out.push_back(issue(
          "catalog.bad_type",
          where + "的类型 type 必须是 int、number、money、bool、date、enum、string、set 之一"));
      continue;
    }
    a.type = *rules::parse_type_name(j["type"].get<std::string>());
    auto str = [&](const char* key, std::string& field) {
      if (!j.contains(key)) return;
      if (!j[key].is_string()) {
        out.push_back(issue("catalog.wrong_type", fmt::format("{}的 {} 必须是文本", where, key)));
        return;
      }
      field = j[key].get<std::string>();
    };
    str("unit", a.unit);
    str("source", a.source);
    str("frequency", a.frequency);
    str("description", a.description);
    if (j.contains("periods")) {
      if (!j["periods"].is_boolean())
        out.push_back(issue("catalog.wrong_type", where + "的 periods 必须是 true 或 false"));
      else
        a.has_periods = j["periods"].get<bool>();
    }
    if (j.contains("sensitivity")) {
      auto s = j["sensitivity"].is_string() ? parse_sensitivity(j["sensitivity"].get<std::string>())
                                            : std::nullopt;
      if (!s)
        out.push_back(issue("catalog.bad_sensitivity",
                            where + "的敏感级别 sensitivity 必须是 公开、内部 或 敏感"));
      else
        a.sensitivity = *s;
    }
    if (j.contains("values")) {
      if (a.type != Type::kEnum && a.type != Type::kSet) {
        out.push_back(
            issue("catalog.values_not_allowed", where + "不是枚举或集合，不能列出取值 values"));
      } else if (!j["values"].is_array()) {
        out.push_back(issue("catalog.wrong_type", where + "的 values 必须是文本列表"));
      } else {
        for (const auto& v : j["values"]) {
          if (!v.is_string()) {
            out.push_back(issue("catalog.wrong_type", where + "的 values 必须是文本列表"));
            break;
          }
          a.values.push_back(v.get<std::string>());
        }
      }
    }
    auto added = cat.add(std::move(a));
    if (!added.ok()) out.push_back(issue(added.error().code, added.error().message));
  }
  if (out.size() > before && has_errors(Issues(out.begin() + static_cast<long>(before), out.end())))
    return Error("catalog.invalid", fmt::format("数据目录有 {} 处错误", out.size() - before));
  return cat;
}

Result<Catalog> Catalog::load(const std::string& path, Issues* issues) {
  std::ifstream in(path);
  if (!in) return Error("io.open_failed", fmt::format("无法打开数据目录文件 {}", path));
  nlohmann::json doc = nlohmann::json::parse(in, nullptr, false);
  if (doc.is_discarded())
    return Error("catalog.bad_json", fmt::format("数据目录文件 {} 不是有效的 JSON", path));
  return from_json(doc, issues);
}

nlohmann::json Catalog::to_json() const {
  nlohmann::json arr = nlohmann::json::array();
  for (const Attribute& a : attrs_) {
    nlohmann::json j = {{"id", a.id},
                        {"name", a.name},
                        {"type", rules::type_name_en(a.type)},
                        {"periods", a.has_periods},
                        {"unit", a.unit},
                        {"source", a.source},
                        {"frequency", a.frequency},
                        {"sensitivity", sensitivity_zh(a.sensitivity)},
                        {"description", a.description}};
    if (a.type == Type::kEnum || a.type == Type::kSet) j["values"] = a.values;
    arr.push_back(std::move(j));
  }
  return {{"attributes", std::move(arr)}};
}

void Catalog::merge(const Catalog& declared, Issues& issues) {
  for (const Attribute& d : declared.attrs_) {
    Attribute* mine = mutable_attribute(d.name);
    if (mine == nullptr) {
      (void)add(d);
      continue;
    }
    if (mine->type != d.type) {
      issues.push_back(
          issue("catalog.type_conflict",
                fmt::format("属性“{}”在数据中是 {}，数据目录中是 {}", d.name,
                            rules::type_name_en(mine->type), rules::type_name_en(d.type))));
      continue;
    }
    if (mine->has_periods != d.has_periods) {
      issues.push_back(
          issue("catalog.period_conflict", fmt::format("属性“{}”在数据中{}，数据目录中{}", d.name,
                                                       mine->has_periods ? "分年度" : "不分年度",
                                                       d.has_periods ? "分年度" : "不分年度")));
      continue;
    }
    mine->unit = d.unit;
    mine->source = d.source;
    mine->frequency = d.frequency;
    mine->sensitivity = d.sensitivity;
    mine->description = d.description;
    if (!d.values.empty()) mine->values = d.values;
  }
}

std::optional<HeaderCell> parse_header_cell(std::string_view cell, std::string* why) {
  size_t colon = cell.rfind(':');
  if (colon == std::string_view::npos) {
    *why = fmt::format("表头“{}”缺少类型，应写成 名称:类型（如 营业收入[2024]:money）", cell);
    return std::nullopt;
  }
  HeaderCell h;
  std::string_view name = cell.substr(0, colon);
  std::string_view type = cell.substr(colon + 1);
  auto t = rules::parse_type_name(type);
  if (!t) {
    *why = fmt::format(
        "表头“{}”的类型“{}”无效：应为 int、number、money、bool、date、enum、string、set 之一", cell,
        type);
    return std::nullopt;
  }
  h.type = *t;
  if (!name.empty() && name.back() == ']') {
    size_t open = name.rfind('[');
    std::string_view year = open == std::string_view::npos
                                ? std::string_view()
                                : name.substr(open + 1, name.size() - open - 2);
    bool digits = year.size() == 4;
    for (char c : year) digits = digits && c >= '0' && c <= '9';
    if (!digits) {
      *why = fmt::format("表头“{}”的年度无效：应为四位年份，如 营业收入[2024]", cell);
      return std::nullopt;
    }
    h.year = std::stoi(std::string(year));
    name = name.substr(0, open);
  }
  if (!valid_name(name)) {
    *why = fmt::format("表头“{}”的名称无效", cell);
    return std::nullopt;
  }
  h.name = std::string(name);
  return h;
}

}  // namespace zhida::portrait
