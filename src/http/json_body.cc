#include "http/json_body.h"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "base/utf8.h"

namespace zhida::http {

namespace {

constexpr int kMaxDepth = 64;

const char* type_name(JsonType t) {
  switch (t) {
    case JsonType::kString:
      return "字符串";
    case JsonType::kInteger:
      return "整数";
    case JsonType::kNumber:
      return "数字";
    case JsonType::kBoolean:
      return "布尔值";
    case JsonType::kObject:
      return "对象";
    case JsonType::kArray:
      return "数组";
    case JsonType::kStringArray:
      return "字符串数组";
  }
  return "?";
}

bool has_type(const nlohmann::json& v, JsonType t) {
  switch (t) {
    case JsonType::kString:
      return v.is_string();
    case JsonType::kInteger:
      return v.is_number_integer();
    case JsonType::kNumber:
      return v.is_number();
    case JsonType::kBoolean:
      return v.is_boolean();
    case JsonType::kObject:
      return v.is_object();
    case JsonType::kArray:
    case JsonType::kStringArray:
      return v.is_array();
  }
  return false;
}

// nlohmann parses iteratively but other operations recurse: refuse deep
// nesting before parsing.
bool too_deep(std::string_view s) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxDepth) return true;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return false;
}

bool is_json_media_type(std::string_view ct) {
  ct = ct.substr(0, ct.find(';'));
  while (!ct.empty() && ct.back() == ' ') ct.remove_suffix(1);
  while (!ct.empty() && ct.front() == ' ') ct.remove_prefix(1);
  if (internal::iequals(ct, "application/json")) return true;
  return ct.size() > 5 && internal::iequals(ct.substr(ct.size() - 5), "+json");
}

std::string field_label(const std::string& path) {
  return fmt::format("字段“{}”", path);
}

std::string join_path(const std::string& prefix, const std::string& name) {
  return prefix.empty() ? name : prefix + "." + name;
}

void report(std::vector<FieldProblem>& out, const std::string& field, const char* code,
            std::string message) {
  out.push_back({field, code, std::move(message)});
}

}  // namespace

void ObjectSchema::check_field(const Field& f, const nlohmann::json& v, const std::string& path,
                               std::vector<FieldProblem>& out) {
  if (v.is_null() && f.nullable_) return;
  if (!has_type(v, f.type_)) {
    report(out, path, "bad_request.wrong_type",
           fmt::format("{}必须是{}{}", field_label(path), type_name(f.type_),
                       f.nullable_ ? "或null" : ""));
    return;
  }
  auto check_allowed = [&](const nlohmann::json& s, const std::string& p) {
    if (f.allowed_.empty()) return;
    const auto& str = s.get_ref<const std::string&>();
    if (std::find(f.allowed_.begin(), f.allowed_.end(), str) == f.allowed_.end()) {
      report(out, p, "bad_request.invalid_value",
             fmt::format("{}必须是以下值之一：{}", field_label(p), fmt::join(f.allowed_, "、")));
    }
  };
  switch (f.type_) {
    case JsonType::kString: {
      auto n = static_cast<size_t>(utf8::length(v.get_ref<const std::string&>()));
      if (f.min_length_ && n < *f.min_length_) {
        report(out, path, "bad_request.too_short",
               *f.min_length_ == 1
                   ? fmt::format("{}不能为空", field_label(path))
                   : fmt::format("{}不能少于{}个字符", field_label(path), *f.min_length_));
      } else if (f.max_length_ && n > *f.max_length_) {
        report(out, path, "bad_request.too_long",
               fmt::format("{}不能超过{}个字符", field_label(path), *f.max_length_));
      }
      check_allowed(v, path);
      break;
    }
    case JsonType::kInteger:
    case JsonType::kNumber: {
      double d = v.get<double>();
      if (f.min_ && d < *f.min_) {
        report(out, path, "bad_request.out_of_range",
               fmt::format("{}不能小于{}", field_label(path), *f.min_));
      } else if (f.max_ && d > *f.max_) {
        report(out, path, "bad_request.out_of_range",
               fmt::format("{}不能大于{}", field_label(path), *f.max_));
      }
      break;
    }
    case JsonType::kBoolean:
      break;
    case JsonType::kObject:
      if (f.schema_) f.schema_->validate_into(v, path, out);
      break;
    case JsonType::kArray:
    case JsonType::kStringArray: {
      size_t n = v.size();
      if (f.min_length_ && n < *f.min_length_) {
        report(out, path, "bad_request.too_short",
               fmt::format("{}至少需要{}项", field_label(path), *f.min_length_));
      } else if (f.max_length_ && n > *f.max_length_) {
        report(out, path, "bad_request.too_long",
               fmt::format("{}最多{}项", field_label(path), *f.max_length_));
      }
      for (size_t i = 0; i < n; ++i) {
        std::string item = fmt::format("{}[{}]", path, i);
        const nlohmann::json& e = v[i];
        if (f.type_ == JsonType::kStringArray) {
          if (!e.is_string()) {
            report(out, item, "bad_request.wrong_type",
                   fmt::format("{}必须是字符串", field_label(item)));
          } else {
            check_allowed(e, item);
          }
        } else if (f.schema_) {
          f.schema_->validate_into(e, item, out);
        }
      }
      break;
    }
  }
}

void ObjectSchema::validate_into(const nlohmann::json& value, const std::string& prefix,
                                 std::vector<FieldProblem>& out) const {
  if (!value.is_object()) {
    report(out, prefix, "bad_request.wrong_type",
           prefix.empty() ? std::string("请求内容必须是JSON对象")
                          : fmt::format("{}必须是对象", field_label(prefix)));
    return;
  }
  for (const Field& f : fields_) {
    std::string path = join_path(prefix, f.name_);
    auto it = value.find(f.name_);
    if (it == value.end()) {
      if (f.required_) {
        report(out, path, "bad_request.missing_field", fmt::format("缺少必填字段“{}”", path));
      }
      continue;
    }
    check_field(f, *it, path, out);
  }
  if (allow_unknown_) return;
  for (auto it = value.begin(); it != value.end(); ++it) {
    const std::string& key = it.key();
    bool known =
        std::any_of(fields_.begin(), fields_.end(), [&](const Field& f) { return f.name_ == key; });
    if (!known) {
      std::string path = join_path(prefix, key);
      report(out, path, "bad_request.unknown_field", fmt::format("不支持的字段“{}”", path));
    }
  }
}

std::vector<FieldProblem> ObjectSchema::validate(const nlohmann::json& value) const {
  std::vector<FieldProblem> out;
  validate_into(value, "", out);
  return out;
}

Response validation_error(const std::vector<FieldProblem>& problems) {
  nlohmann::json details = nlohmann::json::array();
  std::string message;
  for (const FieldProblem& p : problems) {
    details.push_back({{"field", p.field}, {"code", p.code}, {"message", p.message}});
    if (!message.empty()) message += "；";
    message += p.message;
  }
  if (problems.empty()) return Response::error(400, "bad_request", "请求内容有误", details);
  if (problems.size() > 1) {
    message = fmt::format("请求内容有{}处错误：{}", problems.size(), message);
  }
  return Response::error(400, problems.front().code, message, details);
}

std::optional<FieldProblem> amount_as_number(const nlohmann::json& v, const std::string& field) {
  if (!v.is_number()) return std::nullopt;
  return FieldProblem{field, "bad_request.wrong_type",
                      fmt::format("{}是金额，须写成文本，如 \"300000\"（加引号），以保证精确",
                                  field_label(field))};
}

OrResponse<nlohmann::json> parse_json(const Request& req) {
  if (auto ct = req.header("Content-Type"); ct && !is_json_media_type(*ct)) {
    return Response::error(415, "bad_request.unsupported_media",
                           "请求内容类型必须是 application/json");
  }
  std::string_view body = req.body;
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return Response::error(400, "bad_request.malformed_json", "请求内容为空，需要JSON");
  }
  if (too_deep(body)) {
    return Response::error(400, "bad_request.malformed_json",
                           fmt::format("请求内容的JSON嵌套超过{}层", kMaxDepth));
  }
  try {
    return nlohmann::json::parse(body);
  } catch (const nlohmann::json::parse_error& e) {
    return Response::error(400, "bad_request.malformed_json",
                           fmt::format("请求内容不是有效的JSON（第{}个字节附近）", e.byte));
  }
}

OrResponse<nlohmann::json> parse_json(const Request& req, const ObjectSchema& schema) {
  auto body = parse_json(req);
  if (!body.ok()) return body;
  std::vector<FieldProblem> problems = schema.validate(body.value());
  if (!problems.empty()) return validation_error(problems);
  return body;
}

}  // namespace zhida::http
