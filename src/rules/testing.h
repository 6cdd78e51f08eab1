// Test helpers: a small in-memory catalog and fact set, so that rule tests
// can state data in a line. For tests only.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "base/date.h"
#include "rules/types.h"

namespace zhida::rules::testing {

// A catalog like the benchmark's: the attributes of gen.mjs.
class MapSchema final : public Schema {
 public:
  MapSchema() {
    add("id", Type::kInt);
    add("企业名称", Type::kString);
    add("企业类型", Type::kEnum, false,
        {"有限责任公司", "股份有限公司", "个人独资企业", "合伙企业"});
    add("成立日期", Type::kDate);
    add("注册资本", Type::kMoney);
    add("街道", Type::kEnum, false,
        {"新安", "西乡", "航城", "福永", "福海", "沙井", "新桥", "松岗", "燕罗", "石岩"});
    add("注册地", Type::kEnum, false, {"宝安区", "南山区", "福田区"});
    add("税收户管地", Type::kEnum, false, {"宝安区", "南山区", "福田区"});
    add("统计关系", Type::kEnum, false, {"宝安区", "南山区", "福田区"});
    add("行业门类", Type::kEnum);
    add("行业代码", Type::kString);
    add("从业人数", Type::kInt);
    add("营业收入", Type::kMoney, true);
    add("研发费用", Type::kMoney, true);
    add("纳税总额", Type::kMoney, true);
    add("纳税信用等级", Type::kEnum, false, {"A", "B", "M", "C", "D"});
    add("严重失信", Type::kBool);
    add("规上企业", Type::kBool);
    add("资质", Type::kSet, false, {"高新技术企业", "科技型中小企业", "国家级专精特新小巨人"});
    add("办公面积", Type::kNumber);
    add("高新技术企业认定日期", Type::kDate);
  }
  void add(std::string name, Type t, bool periods = false, std::vector<std::string> values = {}) {
    AttributeInfo a;
    a.id = static_cast<int32_t>(attrs_.size());
    a.name = std::move(name);
    a.type = t;
    a.has_periods = periods;
    a.values = std::move(values);
    attrs_.push_back(std::move(a));
  }
  const AttributeInfo* find(std::string_view name) const override {
    for (const auto& a : attrs_)
      if (a.name == name) return &a;
    return nullptr;
  }
  const AttributeInfo* by_id(int32_t id) const override {
    return id >= 0 && static_cast<size_t>(id) < attrs_.size() ? &attrs_[static_cast<size_t>(id)]
                                                              : nullptr;
  }
  std::vector<std::string_view> names() const override {
    std::vector<std::string_view> n;
    for (const auto& a : attrs_) n.push_back(a.name);
    return n;
  }

 private:
  std::vector<AttributeInfo> attrs_;
};

// Facts set by name: facts.set("营业收入[2024]", "18500000").
class MapFacts final : public Facts {
 public:
  explicit MapFacts(const Schema& s) : schema_(s) {}

  // Sets a value from text (numbers, dates, text, true/false, a|b|c sets;
  // "" for an empty set).
  MapFacts& set(const std::string& key, const std::string& text) {
    AttrRef ref = resolve(key);
    const AttributeInfo* a = schema_.by_id(ref.attr);
    Stored s;
    s.type = a->type;
    s.text = text;
    if (a->type == Type::kSet) {
      size_t start = 0;
      while (!text.empty() && start <= text.size()) {
        size_t bar = text.find('|', start);
        s.set.insert(
            text.substr(start, bar == std::string::npos ? std::string::npos : bar - start));
        if (bar == std::string::npos) break;
        start = bar + 1;
      }
    }
    values_[key_of(ref)] = std::move(s);
    return *this;
  }
  MapFacts& erase(const std::string& key) {
    values_.erase(key_of(resolve(key)));
    return *this;
  }

  Value get(AttrRef ref) const override {
    auto it = values_.find(key_of(ref));
    if (it == values_.end()) return Value::missing();
    const Stored& s = it->second;
    switch (class_of(s.type)) {
      case Class::kBool:
        return Value::of_bool(s.text == "true");
      case Class::kNumeric:
        return Value::of_number(*Decimal::parse(s.text));
      case Class::kDate:
        return Value::of_date(*parse_date(s.text));
      case Class::kText:
        return Value::of_text(s.text);
      case Class::kSet:
        return Value::known_set();
      default:
        return Value::missing();
    }
  }
  Tri set_contains(AttrRef ref, std::string_view v) const override {
    auto it = values_.find(key_of(ref));
    if (it == values_.end()) return Tri::kUnknown;
    return tri_of(it->second.set.count(std::string(v)) > 0);
  }

 private:
  struct Stored {
    Type type;
    std::string text;
    std::set<std::string> set;
  };
  AttrRef resolve(const std::string& key) const {
    size_t b = key.find('[');
    std::string name = key.substr(0, b);
    AttrRef r;
    r.attr = schema_.find(name)->id;
    if (b != std::string::npos) r.year = static_cast<int16_t>(std::stoi(key.substr(b + 1)));
    return r;
  }
  static int64_t key_of(AttrRef r) { return (static_cast<int64_t>(r.attr) << 16) | r.year; }

  const Schema& schema_;
  std::map<int64_t, Stored> values_;
};

}  // namespace zhida::rules::testing
