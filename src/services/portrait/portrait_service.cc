#include "services/portrait/portrait_service.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "base/date.h"
#include "base/utf8.h"
#include "rules/rules.h"
#include "services/portrait/moment.h"
#include "store/audit_store.h"

namespace zhida::services {

using nlohmann::json;
using portrait::Attribute;
using portrait::Catalog;
using portrait::Column;
using portrait::EnterpriseTable;

namespace {

constexpr size_t kMaxOpenReports = 50;

Issue make_issue(std::string code, std::string message, std::string field = "") {
  Issue i;
  i.code = std::move(code);
  i.message = std::move(message);
  i.field = std::move(field);
  return i;
}

Error invalid(const char* code, const Issues& issues, size_t before) {
  size_t n = 0;
  for (size_t k = before; k < issues.size(); ++k) n += issues[k].is_error() ? 1 : 0;
  return Error(code, fmt::format("有 {} 处错误，未作任何更改", n));
}

bool has_errors_since(const Issues& issues, size_t before) {
  for (size_t k = before; k < issues.size(); ++k)
    if (issues[k].is_error()) return true;
  return false;
}

// "营业收入[2024]" -> the attribute and year; nullopt with a reason.
std::optional<rules::AttrRef> parse_ref(const Catalog& catalog, const std::string& text, std::string* why) {
  std::string name = text;
  int year = 0;
  if (size_t b = name.find('['); b != std::string::npos) {
    if (name.back() != ']') {
      *why = "年度应写在方括号中，如 营业收入[2024]";
      return std::nullopt;
    }
    std::string y = name.substr(b + 1, name.size() - b - 2);
    if (y.size() != 4 || y.find_first_not_of("0123456789") != std::string::npos) {
      *why = "年度应为四位年份，如 营业收入[2024]";
      return std::nullopt;
    }
    year = std::stoi(y);
    name = name.substr(0, b);
  }
  const Attribute* a = catalog.attribute(name);
  if (!a || a->source == kRetiredTagSource) {
    *why = fmt::format("数据目录中没有属性“{}”", name);
    return std::nullopt;
  }
  if (a->has_periods != (year != 0)) {
    *why = a->has_periods ? fmt::format("属性“{}”按年度取值，需写成 {}[年度]", name, name)
                          : fmt::format("属性“{}”不分年度", name);
    return std::nullopt;
  }
  return rules::AttrRef{a->id, static_cast<int16_t>(year)};
}

// A stored value (CSV conventions) parsed as the attribute's type; the
// domain is not enforced (stored values were valid when loaded).
std::optional<portrait::FactCell> parse_stored(const Attribute& a, const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  Attribute lenient = a;
  lenient.values.clear();
  portrait::FactCell cell;
  std::string why;
  if (!portrait::parse_cell(*text, true, lenient, cell, &why)) return std::nullopt;
  return cell;
}

rules::Value value_of(const portrait::FactCell& c) {
  switch (rules::class_of(c.type)) {
    case rules::Class::kNumeric: return rules::Value::of_number(c.number);
    case rules::Class::kDate: return rules::Value::of_date(c.date);
    case rules::Class::kBool: return rules::Value::of_bool(c.boolean);
    case rules::Class::kSet: return rules::Value::known_set();
    default: return rules::Value::of_text(c.text);
  }
}

// The typed JSON value and the display text of a stored value.
std::pair<json, std::string> typed(const Attribute& a, const std::optional<std::string>& text) {
  if (!text) return {nullptr, "缺失"};
  auto cell = parse_stored(a, text);
  if (!cell) return {*text, *text};
  switch (rules::class_of(a.type)) {
    case rules::Class::kNumeric:
      return {cell->number.to_string(), rules::format_value(value_of(*cell), a.type)};
    case rules::Class::kDate: return {format_date(cell->date), format_date(cell->date)};
    case rules::Class::kBool: return {cell->boolean, cell->boolean ? "是" : "否"};
    case rules::Class::kSet: {
      json members = json::array();
      std::string shown;
      for (size_t k = 0; k < cell->members.size(); ++k) {
        members.push_back(std::string(cell->members[k]));
        shown += (k ? "、" : "") + std::string(cell->members[k]);
      }
      return {members, cell->members.empty() ? "（无）" : shown};
    }
    default: return {*text, *text};
  }
}

json meta_json(const Attribute& a) {
  json j = {{"id", a.id},
            {"type", rules::type_name_en(a.type)},
            {"periods", a.has_periods},
            {"unit", a.unit},
            {"source", a.source},
            {"frequency", a.frequency},
            {"sensitivity", portrait::sensitivity_zh(a.sensitivity)},
            {"description", a.description}};
  return j;
}

// One fact version as the API shows it.
json version_json(const Attribute& a, const store::FactVersion& v, FactMasker& masker, bool with_meta) {
  bool sensitive = a.sensitivity == portrait::Sensitivity::kSensitive;
  bool masked = sensitive && !sees_sensitive(masker.principal(), masker.enterprise_id());
  json value;
  std::string display;
  if (sensitive && v.value) {
    std::string shown = masker.show(a, *v.value);
    value = shown;
    display = shown;
  } else {
    auto t = typed(a, v.value);
    value = std::move(t.first);
    display = std::move(t.second);
  }
  json j = {{"attribute", v.attribute},
            {"name", a.name},
            {"year", v.year ? json(v.year) : json(nullptr)},
            {"value", value},
            {"display", display},
            {"source", v.source},
            {"as_of", v.as_of},
            {"loaded_at", v.loaded_at},
            {"batch_id", v.batch_id ? json(v.batch_id) : json(nullptr)},
            {"sensitivity", portrait::sensitivity_zh(a.sensitivity)},
            {"masked", masked && v.value.has_value()},
            {"derived", false}};
  if (with_meta) j["meta"] = meta_json(a);
  return j;
}

// The replica's value as stored text (CSV conventions); nullopt = missing.
std::optional<std::string> value_text(const EnterpriseTable& t, size_t row, rules::AttrRef ref) {
  const Column* c = t.column(ref);
  if (!c || !c->is_valid(row)) return std::nullopt;
  rules::Value v = c->value(row);
  switch (v.kind) {
    case rules::Value::Kind::kNumber: return v.number.to_string();
    case rules::Value::Kind::kDate: return format_date(v.date);
    case rules::Value::Kind::kBool: return std::string(v.boolean ? "true" : "false");
    case rules::Value::Kind::kText: return std::string(v.text);
    case rules::Value::Kind::kSet: {
      std::string s;
      auto members = c->set_at(row);
      for (size_t k = 0; k < members.size(); ++k) s += (k ? "|" : "") + std::string(members[k]);
      return s;
    }
    default: return std::nullopt;
  }
}

const Column* named_column(const EnterpriseTable& t, const char* name) {
  const Attribute* a = t.catalog().attribute(name);
  return a ? t.column(rules::AttrRef{a->id, 0}) : nullptr;
}

std::string text_at(const Column* c, size_t row) {
  if (!c || !c->is_valid(row)) return "";
  rules::Value v = c->value(row);
  return v.kind == rules::Value::Kind::kText ? std::string(v.text) : "";
}

// Codes of a text column's dictionary whose text satisfies `pred`.
template <typename P>
std::vector<char> matching_codes(const Column* c, P pred) {
  std::vector<char> out;
  if (!c || c->kind() != portrait::ColumnKind::kText) return out;
  out.resize(c->dict().size(), 0);
  for (uint32_t k = 0; k < c->dict().size(); ++k) out[k] = pred(c->dict().at(k)) ? 1 : 0;
  return out;
}

bool code_matches(const Column* c, const std::vector<char>& codes, size_t row) {
  if (!c || !c->is_valid(row)) return false;
  uint32_t code = c->codes()[row];
  return code < codes.size() && codes[code];
}

std::string upper_ascii(std::string s) {
  for (char& ch : s)
    if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
  return s;
}

// The values an enum/set attribute holds in the replica now (every year).
std::set<std::string> values_in_use(const EnterpriseTable& t, const Attribute& a) {
  std::set<std::string> out;
  std::vector<int> years = t.years(a.id);
  years.push_back(0);
  for (int y : years) {
    const Column* c = t.column(rules::AttrRef{a.id, static_cast<int16_t>(y)});
    if (!c) continue;
    if (c->kind() == portrait::ColumnKind::kText) {
      std::vector<char> used(c->dict().size(), 0);
      for (size_t r = 0; r < c->size(); ++r)
        if (c->is_valid(r)) used[c->codes()[r]] = 1;
      for (uint32_t k = 0; k < used.size(); ++k)
        if (used[k]) out.insert(std::string(c->dict().at(k)));
    } else if (c->kind() == portrait::ColumnKind::kSet) {
      for (uint32_t k = 0; k < c->dict().size(); ++k)
        if (!c->members(k).isEmpty()) out.insert(std::string(c->dict().at(k)));
    }
  }
  return out;
}

Status append(store::Tx& tx, const store::AuditRecord& rec) {
  auto e = store::append_audit(tx, rec);
  if (!e.ok()) return e.error();
  return Status::Ok();
}

}  // namespace

// ---- catalog

json PortraitService::catalog_json() const {
  json doc = platform_.catalog()->to_json();
  json kept = json::array();
  for (auto& a : doc["attributes"])
    if (a.value("source", "") != kRetiredTagSource) kept.push_back(std::move(a));
  doc["attributes"] = std::move(kept);
  return doc;
}

Result<Attribute> PortraitService::patch_attribute(const std::string& name, const AttributePatch& p,
                                                   const Actor& actor, Issues* issues) {
  Issues local;
  Issues& out = issues ? *issues : local;
  size_t before = out.size();
  auto catalog = platform_.catalog();
  const Attribute* current = catalog->attribute(name);
  if (!current || current->source == kRetiredTagSource)
    return Error("db.not_found", fmt::format("数据目录中没有属性“{}”", name));
  if (is_derived(*current))
    out.push_back(make_issue("catalog.derived",
                             fmt::format("“{}”是企业标签：请在标签管理（/api/v1/tags）中修改它的说明和规则", name)));
  auto text_field = [&](const std::optional<std::string>& v, const char* field, int max, const char* what) {
    if (v && utf8::length(*v) > max)
      out.push_back(make_issue("catalog.too_long", fmt::format("{}不能超过 {} 字", what, max), field));
    if (v && !utf8::valid(*v)) out.push_back(make_issue("catalog.bad_text", fmt::format("{}不是有效的文本", what), field));
  };
  text_field(p.unit, "unit", 20, "单位");
  text_field(p.source, "source", 40, "来源部门");
  text_field(p.frequency, "frequency", 20, "更新频率");
  text_field(p.description, "description", 1000, "说明");
  if (p.source && (*p.source == kTagSource || *p.source == kRetiredTagSource))
    out.push_back(make_issue("catalog.bad_source", "来源部门不能是“标签”：标签请在标签管理中新建", "source"));
  std::optional<portrait::Sensitivity> sensitivity;
  if (p.sensitivity) {
    sensitivity = portrait::parse_sensitivity(*p.sensitivity);
    if (!sensitivity)
      out.push_back(make_issue("catalog.bad_sensitivity", "敏感级别应为 公开、内部 或 敏感", "sensitivity"));
  }
  if (p.values) {
    if (current->type != rules::Type::kEnum && current->type != rules::Type::kSet) {
      out.push_back(make_issue("catalog.values_not_allowed",
                               fmt::format("“{}”不是枚举或集合，不能声明取值", name), "values"));
    } else {
      std::set<std::string> seen;
      for (size_t i = 0; i < p.values->size(); ++i) {
        const std::string& v = (*p.values)[i];
        std::string field = fmt::format("values[{}]", i);
        if (v.empty() || utf8::length(v) > 100 || !utf8::valid(v))
          out.push_back(make_issue("catalog.bad_value", "取值应为 1 到 100 个字", field));
        else if (current->type == rules::Type::kSet && v.find('|') != std::string::npos)
          out.push_back(make_issue("catalog.bad_value", "集合的取值不能含有 |（它分隔多个取值）", field));
        else if (!seen.insert(v).second)
          out.push_back(make_issue("catalog.duplicate_value", fmt::format("取值“{}”重复", v), field));
      }
      if (p.values->size() > 5000) out.push_back(make_issue("catalog.too_many_values", "取值不能超过 5000 个", "values"));
      if (!p.values->empty()) {
        auto used = platform_.read([&](const EnterpriseTable& t) { return values_in_use(t, *current); });
        for (const std::string& u : used)
          if (!seen.count(u))
            out.push_back(make_issue("catalog.value_in_use",
                                     fmt::format("企业数据中有取值“{}”，声明的取值必须包含它", u), "values"));
      }
    }
  }
  if (has_errors_since(out, before)) return invalid("catalog.invalid", out, before);
  json changes = json::object();
  Status st = platform_.edit_catalog(
      {.edit =
           [&](Catalog& next, Issues& problems) {
             Attribute* a = next.mutable_attribute(name);
             if (!a || is_derived(*a)) {
               problems.push_back(make_issue("catalog.changed", "数据目录刚被修改，请刷新后重试"));
               return;
             }
             auto set = [&](std::string& field, const std::optional<std::string>& v, const char* key) {
               if (v && *v != field) {
                 changes[key] = {{"before", field}, {"after", *v}};
                 field = *v;
               }
             };
             set(a->unit, p.unit, "unit");
             set(a->source, p.source, "source");
             set(a->frequency, p.frequency, "frequency");
             set(a->description, p.description, "description");
             if (sensitivity && *sensitivity != a->sensitivity) {
               changes["sensitivity"] = {{"before", portrait::sensitivity_zh(a->sensitivity)},
                                         {"after", portrait::sensitivity_zh(*sensitivity)}};
               a->sensitivity = *sensitivity;
             }
             if (p.values && *p.values != a->values) {
               changes["values"] = {{"before", a->values}, {"after", *p.values}};
               a->values = *p.values;
             }
           },
       .in_tx =
           [&](store::Tx& tx, const Catalog&) -> Status {
             return append(tx, audit_record(platform_.clock(), actor, "catalog.update", "attribute", name,
                                            {{"changes", changes}}));
           }},
      &out);
  if (!st.ok()) {
    if (st.error().code == "catalog.invalid") return invalid("catalog.invalid", out, before);
    return st.error();
  }
  return *platform_.catalog()->attribute(name);
}

Result<std::vector<Attribute>> PortraitService::add_attributes(const json& doc, const Actor& actor, Issues* issues) {
  Issues local;
  Issues& out = issues ? *issues : local;
  size_t before = out.size();
  if (doc.is_object() && doc.contains("attributes") && doc["attributes"].is_array() &&
      doc["attributes"].size() > 500)
    out.push_back(make_issue("catalog.too_many", "一次最多新增 500 个属性", "attributes"));
  if (doc.is_object() && doc.contains("attributes") && doc["attributes"].is_array() && doc["attributes"].empty())
    out.push_back(make_issue("catalog.empty", "attributes 不能为空", "attributes"));
  if (has_errors_since(out, before)) return invalid("catalog.invalid", out, before);
  auto parsed = Catalog::from_json(doc, &out);
  if (!parsed.ok()) return invalid("catalog.invalid", out, before);
  std::vector<std::string> names;
  for (const Attribute& a : parsed->attributes()) names.push_back(a.name);
  auto usable = [&](const Catalog& with, const Attribute& a) {
    std::string probe = a.has_periods ? fmt::format("exists({}[2024])", a.name) : fmt::format("exists({})", a.name);
    rules::CheckOptions o;
    return rules::compile(probe, with, o).ok();
  };
  Status st = platform_.edit_catalog(
      {.edit =
           [&](Catalog& next, Issues& problems) {
             size_t i = 0;
             for (const Attribute& a : parsed->attributes()) {
               std::string field = fmt::format("attributes[{}]", i++);
               if (next.attribute(a.name)) {
                 problems.push_back(make_issue("catalog.duplicate", fmt::format("数据目录中已有属性“{}”", a.name),
                                               field + ".name"));
                 continue;
               }
               if (a.source == kTagSource || a.source == kRetiredTagSource) {
                 problems.push_back(make_issue("catalog.bad_source",
                                               "来源部门不能是“标签”：标签请在标签管理中新建", field + ".source"));
                 continue;
               }
               auto added = next.add(a);
               if (!added.ok()) {
                 problems.push_back(make_issue(added.error().code, added.error().message, field + ".name"));
                 continue;
               }
               if (!usable(next, a))
                 problems.push_back(make_issue("catalog.bad_name",
                                               fmt::format("属性名“{}”不能在规则中使用：只能由汉字、字母、数字和下划线组成，"
                                                           "不能以数字开头，也不能是 and、or、not 等关键字",
                                                           a.name),
                                               field + ".name"));
             }
           },
       .in_tx =
           [&](store::Tx& tx, const Catalog&) -> Status {
             return append(tx, audit_record(platform_.clock(), actor, "catalog.add", "catalog", "",
                                            {{"attributes", names}}));
           }},
      &out);
  if (!st.ok()) {
    if (st.error().code == "catalog.invalid") return invalid("catalog.invalid", out, before);
    return st.error();
  }
  auto catalog = platform_.catalog();
  std::vector<Attribute> added;
  for (const std::string& n : names) added.push_back(*catalog->attribute(n));
  return added;
}

// ---- enterprises

Result<json> PortraitService::search(const SearchQuery& q) const {
  // The sort key.
  bool descending = !q.sort.empty() && q.sort[0] == '-';
  std::string sort = descending ? q.sort.substr(1) : q.sort;
  std::optional<rules::AttrRef> sort_ref;
  auto catalog = platform_.catalog();
  if (sort.empty() || sort == "id") {
    sort = "id";
  } else {
    std::string why;
    sort_ref = parse_ref(*catalog, sort, &why);
    if (!sort_ref) return Error("bad_request.bad_sort", fmt::format("不能按“{}”排序：{}", sort, why));
    const Attribute* a = catalog->attribute(sort_ref->attr);
    if (a->type == rules::Type::kSet) return Error("bad_request.bad_sort", fmt::format("不能按集合属性“{}”排序", a->name));
    if (a->sensitivity == portrait::Sensitivity::kSensitive)
      return Error("bad_request.bad_sort", fmt::format("不能按敏感属性“{}”排序", a->name));
  }
  return platform_.read([&](const EnterpriseTable& t) -> Result<json> {
    const Column* name = named_column(t, "企业名称");
    const Column* uscc = named_column(t, "统一社会信用代码");
    const Column* street = named_column(t, "街道");
    const Column* industry = named_column(t, "行业门类");
    const Column* size = named_column(t, "企业规模");
    const Column* lon = named_column(t, "经度");  // for the map's firm points
    const Column* lat = named_column(t, "纬度");
    auto exact = [&](const Column* c, const std::string& v) {
      return matching_codes(c, [&](std::string_view s) { return s == v; });
    };
    std::vector<char> street_codes = exact(street, q.street), industry_codes = exact(industry, q.industry),
                      size_codes = exact(size, q.size);
    std::string needle = q.q;
    std::string upper = upper_ascii(needle);
    std::vector<char> name_codes, uscc_codes;
    std::optional<int64_t> id_needle;
    if (!needle.empty()) {
      name_codes = matching_codes(name, [&](std::string_view s) { return s.find(needle) != std::string_view::npos; });
      uscc_codes = matching_codes(uscc, [&](std::string_view s) { return s.substr(0, upper.size()) == upper; });
      if (needle.size() <= 18 && needle.find_first_not_of("0123456789") == std::string::npos)
        id_needle = std::stoll(needle);
    }
    std::vector<uint32_t> hits;
    for (size_t r = 0; r < t.rows(); ++r) {
      if (!q.street.empty() && !code_matches(street, street_codes, r)) continue;
      if (!q.industry.empty() && !code_matches(industry, industry_codes, r)) continue;
      if (!q.size.empty() && !code_matches(size, size_codes, r)) continue;
      if (!needle.empty() && !code_matches(name, name_codes, r) && !code_matches(uscc, uscc_codes, r) &&
          !(id_needle && t.id(r) == *id_needle))
        continue;
      hits.push_back(static_cast<uint32_t>(r));
    }
    const Column* key = sort_ref ? t.column(*sort_ref) : nullptr;
    auto less = [&](uint32_t a, uint32_t b) {
      if (key) {
        bool va = key->is_valid(a), vb = key->is_valid(b);
        if (va != vb) return va;  // missing values last, either direction
        if (va) {
          rules::Value x = key->value(a), y = key->value(b);
          int c = 0;
          switch (x.kind) {
            case rules::Value::Kind::kNumber: c = x.number < y.number ? -1 : y.number < x.number ? 1 : 0; break;
            case rules::Value::Kind::kDate: c = x.date < y.date ? -1 : x.date > y.date ? 1 : 0; break;
            case rules::Value::Kind::kBool: c = x.boolean == y.boolean ? 0 : x.boolean ? 1 : -1; break;
            case rules::Value::Kind::kText: c = x.text.compare(y.text); break;
            default: break;
          }
          if (c != 0) return descending ? c > 0 : c < 0;
        }
        return t.id(a) < t.id(b);
      }
      return descending ? t.id(a) > t.id(b) : t.id(a) < t.id(b);
    };
    size_t from = std::min(hits.size(), static_cast<size_t>(q.offset));
    size_t to = std::min(hits.size(), from + static_cast<size_t>(q.limit));
    std::partial_sort(hits.begin(), hits.begin() + static_cast<std::ptrdiff_t>(to), hits.end(), less);
    json items = json::array();
    const Attribute* sort_attr = sort_ref ? t.catalog().attribute(sort_ref->attr) : nullptr;
    for (size_t k = from; k < to; ++k) {
      uint32_t r = hits[k];
      json item = {{"id", t.id(r)},
                   {"name", text_at(name, r)},
                   {"uscc", text_at(uscc, r)},
                   {"street", text_at(street, r)},
                   {"industry", text_at(industry, r)},
                   {"size", text_at(size, r)}};
      if (sort_attr) item["sort_value"] = typed(*sort_attr, value_text(t, r, *sort_ref)).first;
      if (lon && lat && lon->is_valid(r) && lat->is_valid(r)) {
        rules::Value x = lon->value(r), y = lat->value(r);
        if (x.kind == rules::Value::Kind::kNumber && y.kind == rules::Value::Kind::kNumber) {
          item["lon"] = x.number.to_double();
          item["lat"] = y.number.to_double();
        }
      }
      items.push_back(std::move(item));
    }
    return json{{"total", hits.size()},
                {"offset", q.offset},
                {"limit", q.limit},
                {"sort", (descending ? "-" : "") + sort},
                {"items", std::move(items)}};
  });
}

Result<json> PortraitService::portrait(int64_t id, const std::string& as_of, FactMasker& masker) const {
  auto catalog = platform_.catalog();
  bool exists = platform_.read([&](const EnterpriseTable& t) { return t.row_of(id).has_value(); });
  if (!exists) return Error("db.not_found", "没有找到该企业");
  // The tags, from the replica now or from the facts as known then.
  std::map<int32_t, json> tags;
  auto read_tags = [&](const EnterpriseTable& t) {
    auto row = t.row_of(id);
    for (const Attribute& a : t.catalog().attributes()) {
      if (a.source != kTagSource) continue;
      json v = nullptr;
      if (row) {
        const Column* c = t.column(rules::AttrRef{a.id, 0});
        if (c && c->is_valid(*row)) v = c->value(*row).boolean;
      }
      tags[a.id] = v;
    }
  };
  if (as_of.empty()) {
    platform_.read([&](const EnterpriseTable& t) {
      read_tags(t);
      return 0;
    });
  } else {
    auto small = platform_.facts_as_of(id, as_of);
    if (!small.ok()) return small.error();
    read_tags(**small);
  }
  std::vector<store::FactVersion> history;
  ZHIDA_TRY(platform_.db().transaction(
      [&](store::Tx& tx) -> Status {
        ZHIDA_ASSIGN_OR_RETURN(history, store::fact_history(tx, *catalog, id, as_of));
        return Status::Ok();
      },
      store::Mode::kRead));
  std::map<std::pair<int32_t, int16_t>, const store::FactVersion*> latest;
  for (const auto& v : history)
    if (v.attr_id >= 0) latest[{v.attr_id, v.year}] = &v;
  json facts = json::array();
  auto summary = [&](const char* name) -> json {
    const Attribute* a = catalog->attribute(name);
    if (!a) return nullptr;
    auto it = latest.find({a->id, 0});
    if (it == latest.end() || !it->second->value) return nullptr;
    return version_json(*a, *it->second, masker, false)["value"];
  };
  for (const auto& [key, v] : latest) {
    const Attribute* a = catalog->attribute(key.first);
    if (!a || is_derived(*a)) continue;
    facts.push_back(version_json(*a, *v, masker, true));
  }
  json tag_list = json::array();
  json held = json::array();
  for (const auto& [attr, value] : tags) {
    const Attribute* a = catalog->attribute(attr);
    tag_list.push_back({{"attribute", a->name},
                        {"name", a->name},
                        {"year", nullptr},
                        {"value", value},
                        {"display", value.is_null() ? "未知" : value.get<bool>() ? "是" : "否"},
                        {"source", std::string(kTagSource)},
                        {"derived", true},
                        {"sensitivity", portrait::sensitivity_zh(a->sensitivity)},
                        {"masked", false},
                        {"meta", meta_json(*a)}});
    if (value.is_boolean() && value.get<bool>()) held.push_back(a->name);
  }
  json out = {{"enterprise_id", id},
              {"name", summary("企业名称")},
              {"uscc", summary("统一社会信用代码")},
              {"street", summary("街道")},
              {"industry", summary("行业门类")},
              {"as_of", as_of.empty() ? json(nullptr) : json(as_of)},
              {"known", !history.empty()},
              {"facts", std::move(facts)},
              {"tags", std::move(tag_list)},
              {"tags_held", std::move(held)}};
  return out;
}

Result<json> PortraitService::history(int64_t id, const std::string& attribute, FactMasker& masker) const {
  auto catalog = platform_.catalog();
  bool exists = platform_.read([&](const EnterpriseTable& t) { return t.row_of(id).has_value(); });
  if (!exists) return Error("db.not_found", "没有找到该企业");
  std::optional<int32_t> only_attr;
  std::optional<int16_t> only_year;
  bool derived = false;
  if (!attribute.empty()) {
    std::string name = attribute.substr(0, attribute.find('['));
    const Attribute* a = catalog->attribute(name);
    if (!a || a->source == kRetiredTagSource)
      return Error("bad_request.unknown_attribute", fmt::format("数据目录中没有属性“{}”", name));
    only_attr = a->id;
    derived = is_derived(*a);
    if (attribute.find('[') != std::string::npos) {
      std::string why;
      auto ref = parse_ref(*catalog, attribute, &why);
      if (!ref) return Error("bad_request.unknown_attribute", why);
      only_year = ref->year;
    }
  }
  std::vector<store::FactVersion> versions;
  ZHIDA_TRY(platform_.db().transaction(
      [&](store::Tx& tx) -> Status {
        ZHIDA_ASSIGN_OR_RETURN(versions, store::fact_history(tx, *catalog, id));
        return Status::Ok();
      },
      store::Mode::kRead));
  json items = json::array();
  for (const auto& v : versions) {
    if (only_attr && v.attr_id != *only_attr) continue;
    if (only_year && v.year != *only_year) continue;
    const Attribute* a = catalog->attribute(v.attr_id);
    if (!a) continue;
    items.push_back(version_json(*a, v, masker, false));
  }
  json out = {{"enterprise_id", id},
              {"attribute", attribute.empty() ? json(nullptr) : json(attribute)},
              {"items", std::move(items)}};
  if (derived) out["derived"] = true;  // tags are computed, never loaded: no history
  return out;
}

// ---- reports

Result<store::FactReportRow> PortraitService::report(const ReportInput& in, const Actor& actor, Issues* issues) {
  Issues local;
  Issues& out = issues ? *issues : local;
  size_t before = out.size();
  auto catalog = platform_.catalog();
  std::string why;
  auto ref = parse_ref(*catalog, in.attribute, &why);
  if (!ref) {
    out.push_back(make_issue("report.bad_attribute", why, "attribute"));
  } else {
    const Attribute* a = catalog->attribute(ref->attr);
    if (is_derived(*a))
      out.push_back(make_issue("report.derived_attribute",
                               fmt::format("“{}”是企业标签，由规则计算：请报告它所依据的数据", a->name), "attribute"));
    else if (a->name == "id")
      out.push_back(make_issue("report.bad_attribute", "企业编号不能报错", "attribute"));
    else if (in.value.empty() || utf8::length(in.value) > 1000)
      out.push_back(make_issue("report.bad_value", "正确的值应为 1 到 1000 个字", "value"));
    else {
      portrait::FactCell cell;
      std::string bad;
      if (!portrait::parse_cell(in.value, true, *a, cell, &bad))
        out.push_back(make_issue("report.bad_value", fmt::format("“{}”不是“{}”的有效取值：{}", in.value, a->name, bad),
                                 "value"));
    }
  }
  if (in.explanation.find_first_not_of(" \t\r\n") == std::string::npos || utf8::length(in.explanation) > 2000 ||
      !utf8::valid(in.explanation))
    out.push_back(make_issue("report.bad_explanation", "说明应为 1 到 2000 个字", "explanation"));
  if (has_errors_since(out, before)) return invalid("report.invalid", out, before);
  store::FactReportRow row;
  row.enterprise_id = in.enterprise_id;
  row.attribute = in.attribute;
  row.proposed_value = in.value;
  row.explanation = in.explanation;
  row.created_by = actor.user_id;
  row.created_at = platform_.clock().timestamp();
  bool exists = platform_.read([&](const EnterpriseTable& t) {
    auto r = t.row_of(in.enterprise_id);
    if (!r) return false;
    row.current_value = value_text(t, *r, *ref);
    return true;
  });
  if (!exists) return Error("db.not_found", "没有找到该企业");
  Status st = platform_.db().transaction([&](store::Tx& tx) -> Status {
    int64_t open = 0;
    auto listed = store::list_fact_reports(tx, "open", in.enterprise_id, 0, 1, &open);
    if (!listed.ok()) return listed.error();
    if (open >= static_cast<int64_t>(kMaxOpenReports))
      return Error("report.too_many", fmt::format("本企业已有 {} 条待处理的报错，请等处理后再提交", open));
    ZHIDA_ASSIGN_OR_RETURN(row.id, store::insert_fact_report(tx, row));
    return append(tx, audit_record(platform_.clock(), actor, "fact_report.create", "enterprise",
                                   std::to_string(in.enterprise_id),
                                   {{"report_id", row.id}, {"attribute", row.attribute}}));
  });
  if (!st.ok()) return st.error();
  return row;
}

Result<json> PortraitService::reports(const std::string& status, int64_t enterprise_id, int64_t offset,
                                      int64_t limit) const {
  std::vector<store::FactReportRow> rows;
  int64_t total = 0;
  ZHIDA_TRY(platform_.db().transaction(
      [&](store::Tx& tx) -> Status {
        ZHIDA_ASSIGN_OR_RETURN(rows, store::list_fact_reports(tx, status, enterprise_id, offset, limit, &total));
        return Status::Ok();
      },
      store::Mode::kRead));
  json items = json::array();
  for (const auto& r : rows) items.push_back(to_json(r));
  return json{{"total", total}, {"offset", offset}, {"limit", limit}, {"items", std::move(items)}};
}

Result<std::optional<store::FactReportRow>> PortraitService::report_by_id(int64_t id) const {
  std::optional<store::FactReportRow> row;
  ZHIDA_TRY(platform_.db().transaction(
      [&](store::Tx& tx) -> Status {
        ZHIDA_ASSIGN_OR_RETURN(row, store::get_fact_report(tx, id));
        return Status::Ok();
      },
      store::Mode::kRead));
  return row;
}

Result<store::FactReportRow> PortraitService::resolve(int64_t id, const std::string& decision, const std::string& note,
                                                      bool apply, const Actor& actor, Issues* issues) {
  Issues local;
  Issues& out = issues ? *issues : local;
  size_t before = out.size();
  if (decision != "accepted" && decision != "rejected")
    out.push_back(make_issue("report.bad_decision", "处理结果 decision 应为 accepted（采纳）或 rejected（不采纳）",
                             "decision"));
  if (utf8::length(note) > 1000 || !utf8::valid(note))
    out.push_back(make_issue("report.bad_note", "处理意见不能超过 1000 字", "note"));
  if (decision == "rejected" && note.find_first_not_of(" \t\r\n") == std::string::npos)
    out.push_back(make_issue("report.bad_note", "不采纳时请写明理由", "note"));
  if (apply && decision != "accepted")
    out.push_back(make_issue("report.bad_apply", "只有采纳的报错才能写入数据", "apply"));
  if (has_errors_since(out, before)) return invalid("report.invalid", out, before);
  auto existing = report_by_id(id);
  if (!existing.ok()) return existing.error();
  if (!*existing) return Error("db.not_found", fmt::format("没有编号为 {} 的报错", id));
  store::FactReportRow row = **existing;
  if (row.status != "open") return Error("report.conflict", "该报错已经处理过了");
  row.status = decision;
  row.resolution_note = note;
  row.resolved_by = actor.user_id;
  row.resolved_at = platform_.clock().timestamp();
  row.applied = apply;
  json detail = {{"report_id", row.id}, {"decision", decision}, {"applied", apply}, {"attribute", row.attribute}};
  auto finish = [&](store::Tx& tx) -> Status {
    ZHIDA_TRY(store::resolve_fact_report(tx, row));
    return append(tx, audit_record(platform_.clock(), actor, "fact_report.resolve", "enterprise",
                                   std::to_string(row.enterprise_id), detail));
  };
  if (!apply) {
    ZHIDA_TRY(platform_.db().transaction(finish));
    return row;
  }
  FactUpdate u;
  u.enterprise_id = row.enterprise_id;
  u.attribute = row.attribute;
  u.value = row.proposed_value;
  std::string refused;
  auto pushed = platform_.push_facts({u}, std::string(kReportSource), actor.user_id,
                                     [&](store::Tx& tx, const PushReport& r) -> Status {
                                       if (r.accepted != 1) {
                                         refused = r.errors.empty() ? "无法写入" : r.errors.front().reason;
                                         return Error("report.apply_failed", refused);
                                       }
                                       return finish(tx);
                                     });
  if (!pushed.ok()) {
    if (pushed.error().code == "report.apply_failed") {
      out.push_back(make_issue("report.apply_failed",
                               fmt::format("报错中的值无法写入：{}", pushed.error().message), "apply"));
      return invalid("report.invalid", out, before);
    }
    return pushed.error();
  }
  return row;
}

json PortraitService::to_json(const store::FactReportRow& r) {
  return {{"id", r.id},
          {"enterprise_id", r.enterprise_id},
          {"attribute", r.attribute},
          {"current_value", r.current_value ? json(*r.current_value) : json(nullptr)},
          {"value", r.proposed_value},
          {"explanation", r.explanation},
          {"status", r.status},
          {"created_by", r.created_by},
          {"created_at", r.created_at},
          {"resolved_by", r.resolved_by ? json(r.resolved_by) : json(nullptr)},
          {"resolved_at", r.resolved_at ? json(*r.resolved_at) : json(nullptr)},
          {"note", r.resolution_note},
          {"applied", r.applied}};
}

// ---- uploads

Result<PortraitService::UploadResult> PortraitService::upload(std::string csv, const UploadInput& in,
                                                              const Actor& actor, Issues* issues) {
  Issues local;
  Issues& out = issues ? *issues : local;
  size_t before = out.size();
  if (in.source.find_first_not_of(" \t") == std::string::npos || utf8::length(in.source) > 60 ||
      !utf8::valid(in.source))
    out.push_back(make_issue("upload.bad_source", "请用 source 写明来源部门（1 到 60 个字），如 税务局", "source"));
  if (in.source == kTagSource || in.source == kRetiredTagSource)
    out.push_back(make_issue("upload.bad_source", "来源部门不能是“标签”", "source"));
  if (utf8::length(in.file_name) > 200 || !utf8::valid(in.file_name))
    out.push_back(make_issue("upload.bad_file_name", "文件名不能超过 200 个字", "file_name"));
  std::string as_of = platform_.clock().timestamp();
  if (!in.as_of.empty()) {
    auto t = parse_moment(in.as_of, false);
    if (!t.ok())
      out.push_back(make_issue("upload.bad_as_of", t.error().message, "as_of"));
    else
      as_of = *t;
  }
  if (csv.empty()) out.push_back(make_issue("upload.empty", "上传的文件是空的", "body"));
  if (has_errors_since(out, before)) return invalid("upload.invalid", out, before);
  store::BatchInfo info;
  info.kind = "csv_upload";
  info.source = in.source;
  info.as_of = as_of;
  info.file_name = in.file_name.empty() ? "upload.csv" : in.file_name;
  info.created_by = actor.user_id;
  UploadResult result;
  auto report = platform_.upload_csv(
      std::move(csv), info, in.all_or_nothing, [&](store::Tx& tx, int64_t batch) -> Status {
        result.batch_id = batch;
        return append(tx, audit_record(platform_.clock(), actor, "facts.upload", "batch", std::to_string(batch),
                                       {{"source", info.source},
                                        {"file_name", info.file_name},
                                        {"as_of", info.as_of},
                                        {"mode", in.all_or_nothing ? "all_or_nothing" : "good_rows"}}));
      });
  if (!report.ok()) return report.error();
  result.report = std::move(*report);
  if (result.report.rows_loaded == 0) result.batch_id = 0;
  return result;
}

namespace {

json batch_json(const store::BatchSummary& b) {
  return {{"id", b.id},
          {"kind", b.kind},
          {"source", b.source},
          {"as_of", b.as_of},
          {"loaded_at", b.loaded_at},
          {"file_name", b.file_name},
          {"created_by", b.created_by},
          {"rows_loaded", b.rows_loaded},
          {"rows_rejected", b.rows_rejected},
          {"errors_total", b.errors_total},
          {"bytes", b.bytes}};
}

}  // namespace

Result<json> PortraitService::uploads(int64_t offset, int64_t limit) const {
  std::vector<store::BatchSummary> rows;
  int64_t total = 0;
  ZHIDA_TRY(platform_.db().transaction(
      [&](store::Tx& tx) -> Status {
        ZHIDA_ASSIGN_OR_RETURN(rows, store::list_batches(tx, offset, limit, &total));
        return Status::Ok();
      },
      store::Mode::kRead));
  json items = json::array();
  for (const auto& b : rows) items.push_back(batch_json(b));
  return json{{"total", total}, {"offset", offset}, {"limit", limit}, {"items", std::move(items)}};
}

Result<json> PortraitService::upload_by_id(int64_t id) const {
  std::optional<store::BatchSummary> b;
  ZHIDA_TRY(platform_.db().transaction(
      [&](store::Tx& tx) -> Status {
        ZHIDA_ASSIGN_OR_RETURN(b, store::get_batch(tx, id));
        return Status::Ok();
      },
      store::Mode::kRead));
  if (!b) return Error("db.not_found", fmt::format("没有编号为 {} 的上传批次", id));
  json j = batch_json(*b);
  json report = json::parse(b->report, nullptr, false);
  j["report"] = report.is_discarded() ? json(nullptr) : report;
  return j;
}

}  // namespace zhida::services
