// The enterprise portrait as a service (企业画像, C1): the data catalog's
// administration, finding firms, one firm's facts with where each came
// from (now, or as known at a past moment), every value ever loaded,
// enterprises' reports of wrong facts and their resolution, and CSV uploads
// by data stewards.
//
// Reads come from the Platform's replica (current values, tags) and the
// store (provenance, history). Writes go through the Platform (one
// transaction each, the audit entry inside it) and change nothing when
// refused: a user's mistake is an Error with code "<area>.invalid" and every
// problem in `issues`.
//
// Sensitive facts (敏感) are shown through a FactMasker (services/accounts/
// mask.h): the caller records its unmasked reads in the audit log.
//
// Thread-safety: thread-safe; the state lives in the Platform.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "base/issue.h"
#include "base/result.h"
#include "portrait/import.h"
#include "services/accounts/mask.h"
#include "services/audit/audit.h"
#include "services/platform/platform.h"
#include "store/portrait_store.h"

namespace zhida::services {

// The source recorded for a value accepted from an enterprise's report.
inline constexpr std::string_view kReportSource = "企业报错核实";

class PortraitService {
 public:
  explicit PortraitService(Platform& platform) : platform_(platform) {}

  // ---- catalog (数据管理员)

  // The descriptive fields a data steward may change; absent = unchanged.
  // Name, type and periods never change (rules and stored facts rely on them).
  struct AttributePatch {
    std::optional<std::string> unit, source, frequency, description, sensitivity;
    std::optional<std::vector<std::string>> values;  // enum / set domain; [] = not declared
  };
  // Errors: db.not_found, "catalog.invalid" (issues, with field).
  Result<portrait::Attribute> patch_attribute(const std::string& name, const AttributePatch& patch,
                                              const Actor& actor, Issues* issues);
  // Adds attributes given as a catalog document {"attributes":[…]} (the
  // format of Catalog::from_json). Errors: "catalog.invalid" (issues: a
  // name taken, unusable in rules, a bad type …).
  Result<std::vector<portrait::Attribute>> add_attributes(const nlohmann::json& doc, const Actor& actor,
                                                          Issues* issues);
  // The catalog for display: retired tag attributes left out.
  nlohmann::json catalog_json() const;

  // ---- enterprises

  struct SearchQuery {
    std::string q;         // part of the name, the start of the 统一社会信用代码, or the id
    std::string street;    // 街道, exact
    std::string industry;  // 行业门类, exact
    std::string size;      // 企业规模, exact
    std::string sort = "id";  // id, or an attribute (营业收入[2024]); "-" in front: descending
    int64_t offset = 0;
    int64_t limit = 20;
  };
  // {"total","offset","limit","sort","items":[{id,name,uscc,street,industry,size,sort_value}]}.
  // Errors: "bad_request.bad_sort" (unknown attribute, a set, a sensitive one).
  Result<nlohmann::json> search(const SearchQuery& query) const;

  // One firm's portrait: every fact with its value, source, as-of, load
  // time and attribute metadata; tags; sensitive values through `masker`.
  // `as_of` (a store timestamp; empty = now) gives the facts as known then.
  // Error db.not_found when the firm is unknown now.
  Result<nlohmann::json> portrait(int64_t enterprise_id, const std::string& as_of, FactMasker& masker) const;
  // Every value ever loaded, oldest first, for one attribute ("营业收入" =
  // every year, "营业收入[2024]" one year) or all (""). Errors:
  // db.not_found, "bad_request.unknown_attribute".
  Result<nlohmann::json> history(int64_t enterprise_id, const std::string& attribute, FactMasker& masker) const;

  // ---- reports of wrong facts (企业报错)

  struct ReportInput {
    int64_t enterprise_id = 0;
    std::string attribute;    // 营业收入[2024]
    std::string value;        // what the firm says is right (CSV conventions)
    std::string explanation;  // why
  };
  // Errors: db.not_found (firm), "report.invalid" (issues), "report.too_many"
  // (the firm has 50 open reports).
  Result<store::FactReportRow> report(const ReportInput& in, const Actor& actor, Issues* issues);
  // {"total","items":[…]}; status "" = all, enterprise 0 = all.
  Result<nlohmann::json> reports(const std::string& status, int64_t enterprise_id, int64_t offset,
                                 int64_t limit) const;
  Result<std::optional<store::FactReportRow>> report_by_id(int64_t id) const;
  // decision "accepted" or "rejected"; `apply` (accepted only) stores the
  // reported value as a fact (source 企业报错核实) in the same transaction.
  // Errors: db.not_found, "report.conflict" (not open), "report.invalid".
  Result<store::FactReportRow> resolve(int64_t id, const std::string& decision, const std::string& note, bool apply,
                                       const Actor& actor, Issues* issues);
  static nlohmann::json to_json(const store::FactReportRow& row);

  // ---- uploads (数据管理员)

  struct UploadInput {
    std::string source;     // 来源部门
    std::string as_of;      // as sent (date or time); empty = now
    std::string file_name;  // empty = "upload.csv"
    bool all_or_nothing = true;
  };
  struct UploadResult {
    portrait::ImportReport report;
    int64_t batch_id = 0;  // 0 when nothing was stored
  };
  // Errors: "upload.invalid" (issues: source, as_of, file name), the
  // importer's "import.*" (a bad header, a tag column, no rows).
  Result<UploadResult> upload(std::string csv, const UploadInput& in, const Actor& actor, Issues* issues);
  // {"total","items":[…]} newest first.
  Result<nlohmann::json> uploads(int64_t offset, int64_t limit) const;
  // One batch with its stored report; db.not_found.
  Result<nlohmann::json> upload_by_id(int64_t id) const;

 private:
  Platform& platform_;
};

}  // namespace zhida::services
