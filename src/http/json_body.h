// JSON request bodies: parsing and a small declarative validator.
//
//   static const ObjectSchema kLogin{
//       Field::string("username").min_length(1).max_length(64),
//       Field::string("password").min_length(8),
//       Field::boolean("remember").optional(),
//   };
//   Response login(Request& req) {
//     auto body = parse_json(req, kLogin);
//     if (!body.ok()) return std::move(body).response();   // a 400, ready to send
//     std::string name = body.value()["username"];
//     ...
//   }
//
// A user's mistake is data (STYLE.md): every problem of a body is collected and
// returned together, as one 400:
//   {"error":{"code":"bad_request.missing_field","message":"缺少必填字段“username”",
//             "details":[{"field":"username","code":"bad_request.missing_field",
//                         "message":"缺少必填字段“username”"}, ...]}}
// The top-level code is that of the first problem (declared fields in
// declaration order, then unknown fields); with several problems the message
// lists them all.
//
// Codes (every message is Chinese and names the field):
//   bad_request.malformed_json     not JSON, empty, nested deeper than 64
//   bad_request.unsupported_media  a Content-Type other than application/json (415)
//   bad_request.unknown_field      a field the schema does not declare
//   bad_request.wrong_type         e.g. 字段“username”必须是字符串
//   bad_request.missing_field      a required field is absent
//   bad_request.too_short / too_long      string length (code points) or array size
//   bad_request.out_of_range       integer/number outside [min, max]
//   bad_request.invalid_value      a string not among one_of(...)
//
// Schemas are immutable once built and may be shared by all threads (declare
// them `static const`).
#pragma once

#include <cstddef>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "http/request.h"
#include "http/response.h"

namespace zhida::http {

enum class JsonType { kString, kInteger, kNumber, kBoolean, kObject, kArray, kStringArray };

// One problem with one field; "field" is a path such as "address.street" or
// "items[2].name" ("" for the body itself).
struct FieldProblem {
  std::string field;
  std::string code;
  std::string message;
};

class ObjectSchema;

// A declared field. Required and not nullable unless said otherwise.
class Field {
 public:
  static Field string(std::string name) { return Field(std::move(name), JsonType::kString); }
  static Field integer(std::string name) { return Field(std::move(name), JsonType::kInteger); }
  static Field number(std::string name) { return Field(std::move(name), JsonType::kNumber); }
  static Field boolean(std::string name) { return Field(std::move(name), JsonType::kBoolean); }
  static Field object(std::string name) { return Field(std::move(name), JsonType::kObject); }
  static Field array(std::string name) { return Field(std::move(name), JsonType::kArray); }
  static Field string_array(std::string name) {
    return Field(std::move(name), JsonType::kStringArray);
  }

  Field& optional() {
    required_ = false;
    return *this;
  }
  Field& nullable() {  // null is accepted as well as the type
    nullable_ = true;
    return *this;
  }
  // Strings: length in code points. Arrays: number of elements.
  Field& min_length(size_t n) {
    min_length_ = n;
    return *this;
  }
  Field& max_length(size_t n) {
    max_length_ = n;
    return *this;
  }
  // Integers and numbers: inclusive bounds.
  Field& min(double v) {
    min_ = v;
    return *this;
  }
  Field& max(double v) {
    max_ = v;
    return *this;
  }
  // Strings, and each element of a string array: the allowed values.
  Field& one_of(std::vector<std::string> values) {
    allowed_ = std::move(values);
    return *this;
  }
  // Objects: the schema of the object. Arrays: the schema of each element
  // (which must then be an object).
  Field& schema(ObjectSchema s);

  const std::string& name() const { return name_; }
  JsonType type() const { return type_; }
  bool required() const { return required_; }

 private:
  friend class ObjectSchema;
  Field(std::string name, JsonType type) : name_(std::move(name)), type_(type) {}

  std::string name_;
  JsonType type_;
  bool required_ = true;
  bool nullable_ = false;
  std::optional<size_t> min_length_, max_length_;
  std::optional<double> min_, max_;
  std::vector<std::string> allowed_;
  std::shared_ptr<const ObjectSchema> schema_;
};

class ObjectSchema {
 public:
  ObjectSchema() = default;
  ObjectSchema(std::initializer_list<Field> fields) : fields_(fields) {}

  ObjectSchema& add(Field f) {
    fields_.push_back(std::move(f));
    return *this;
  }
  // Accept fields the schema does not declare (default: they are an error).
  ObjectSchema& allow_unknown_fields() {
    allow_unknown_ = true;
    return *this;
  }
  const std::vector<Field>& fields() const { return fields_; }

  // Every problem of value against this schema; empty when it conforms.
  std::vector<FieldProblem> validate(const nlohmann::json& value) const;

 private:
  void validate_into(const nlohmann::json& value, const std::string& prefix,
                     std::vector<FieldProblem>& out) const;
  static void check_field(const Field& f, const nlohmann::json& v, const std::string& path,
                          std::vector<FieldProblem>& out);

  std::vector<Field> fields_;
  bool allow_unknown_ = false;
};

inline Field& Field::schema(ObjectSchema s) {
  schema_ = std::make_shared<const ObjectSchema>(std::move(s));
  return *this;
}

// Parses req.body as any JSON value; on failure the 400 (or 415) to send.
OrResponse<nlohmann::json> parse_json(const Request& req);
// Parses and validates against schema (the body must be an object).
OrResponse<nlohmann::json> parse_json(const Request& req, const ObjectSchema& schema);

// The 400 for a non-empty list of problems (the shape described above).
Response validation_error(const std::vector<FieldProblem>& problems);

// A money amount given as a JSON number. Amounts travel as exact decimal
// text ("300000", "123456.78": the OpenAPI document's Amount); a number may
// have lost digits before it arrived, so it is refused whatever its value:
// bad_request.wrong_type, naming `field` and saying to write the amount as
// text. Nullopt when v is not a number (the caller checks the text).
std::optional<FieldProblem> amount_as_number(const nlohmann::json& v, const std::string& field);

}  // namespace zhida::http
