// Decisions (秒批 and review): what an application gets, why, and a record
// of it that can be replayed and checked years later.
//
// decide() is a pure function of its inputs: the policy version, the facts
// the rules read (each with its value, source and as-of), what the applicant
// declared and uploaded, the firm's earlier awards of the policy and of its
// exclusivity group, the budget state and —
// for a reviewer's decision — the reviewer's verdicts. The record holds the
// inputs and the result side by side:
//
//   {"format":"zhida.decision/1",
//    "inputs":{ kind, application, policy{id,version,hash,…}, evaluated_on,
//               decided_at, decided_by, published, facts[{attribute,value,
//               source,as_of,loaded_at,origin}], declarations, materials,
//               earlier_awards, budget{mode,budget_fen,committed_fen},
//               review{action,verdicts,amount_fen,reasons,note} },
//    "result":{ window_open, conditions[{index,clause,rule,verifiable,data,
//               final,settled_by,evidence,missing}], verdict, award{formula,
//               value,formula_fen,steps[{rule,label,limit_fen,before_fen,
//               after_fen,note}],award_fen,known,exclusivity,budget},
//               outcome, instant, reasons, refusal } }
//
// Its canonical text is the JSON with sorted keys and no spaces (integers
// and strings only: money in fen, decimals as text), and the decision's hash
// is SHA-256 over that text. verify_record() re-runs decide() on the stored
// inputs with the stored policy version and compares both the result and
// the hash: a changed fact changes the result or the hash, and fails.
//
// Thread-safety: pure functions; RecordedFacts is immutable once built.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/result.h"
#include "portrait/catalog.h"
#include "portrait/policy.h"
#include "rules/types.h"
#include "workflow/money.h"

namespace zhida::workflow {

inline constexpr const char* kDecisionFormat = "zhida.decision/1";

// One fact a decision read, as it was known then.
struct RecordedFact {
  std::string attribute;             // 营业收入[2024], 注册地
  std::optional<std::string> value;  // text as the data files write it (numbers plain,
                                     // dates YYYY-MM-DD, true/false, set members a|b);
                                     // nullopt = missing
  std::string source;                // 税务局 …; 企业申报 for a declared value
  std::string as_of;                 // when the value was true (timestamp)
  std::string loaded_at;             // when the platform received it
  std::string origin = "data";       // data | declared
};

// "营业收入[2024]" -> the catalog's reference; nullopt when unknown or when the
// period does not fit the attribute.
std::optional<rules::AttrRef> parse_fact_name(std::string_view name,
                                              const portrait::Catalog& catalog);

// Facts rebuilt from recorded values: what the rules evaluate when a
// decision is made and when it is replayed.
class RecordedFacts final : public rules::Facts {
 public:
  // Fails ("decision.bad_fact") on an attribute the catalog lacks or a value
  // that does not parse as its type. `origin`: only facts of that origin
  // ("" = all; a declared value never replaces a data value).
  static Result<std::unique_ptr<RecordedFacts>> build(const std::vector<RecordedFact>& facts,
                                                      const portrait::Catalog& catalog,
                                                      const std::string& origin = "");
  rules::Value get(rules::AttrRef ref) const override;
  rules::Tri set_contains(rules::AttrRef ref, std::string_view value) const override;

 private:
  struct Cell {
    rules::Value::Kind kind = rules::Value::Kind::kMissing;
    Decimal number;
    int32_t date = 0;
    bool boolean = false;
    std::string text;
    std::vector<std::string> members;
  };
  static int64_t key(rules::AttrRef r) {
    return (static_cast<int64_t>(r.attr) << 16) | static_cast<uint16_t>(r.year);
  }
  std::map<int64_t, Cell> cells_;
};

// Every fact a decision on this policy reads: each condition's rule, the
// award formula and, for a tax-capped policy, last year's tax paid.
std::vector<rules::AttrRef> facts_needed(const portrait::Policy& policy,
                                         const portrait::Catalog& catalog);
// 纳税总额[reference year − 1] when the policy is tax-capped and the catalog has it.
std::optional<rules::AttrRef> tax_fact(const portrait::Policy& policy,
                                       const portrait::Catalog& catalog);

// What the applicant said (告知承诺, 补充数据).
struct Declaration {
  int condition = -1;  // a commitment for this condition (index into policy.conditions)
  bool commitment = false;
  std::string attribute;  // or a value for a fact the data lacks: 研发费用[2024]
  std::string value;
  std::string text;  // free text (the commitment's wording, an explanation)
};

// A material attached to the application: an upload, or a signed commitment
// in place of a material that allows it.
struct MaterialRef {
  std::string name;       // the policy's material name, or a condition's material
  int condition = -1;     // when it proves one condition
  int64_t upload_id = 0;  // 0 for a commitment
  std::string sha256;
  std::string file_name;
  bool commitment = false;
};

// A reviewer's verdict on one checklist item.
struct Verdict {
  std::string key;      // condition:2, material:贷款合同, exclusivity, budget, award
  std::string verdict;  // pass | fail | pending
  std::string note;
};

enum class DecisionKind : uint8_t {
  kSubmission,  // at submission (and resubmission): 秒批 or to the review queue
  kReview,      // a reviewer approves or rejects
};

struct DecisionInputs {
  DecisionKind kind = DecisionKind::kSubmission;
  int64_t application_id = 0;
  int64_t enterprise_id = 0;
  int year = 0;
  std::string origin = "apply";  // apply | auto_grant
  std::string policy_id;
  int64_t policy_version = 0;
  std::string policy_hash;
  std::string policy_name;
  int32_t evaluated_on = 0;  // days since 1970-01-01 (the evaluation date of years_since)
  std::string decided_at;    // timestamp
  int64_t decided_by = 0;    // user id; 0 = the system (秒批)
  std::string decided_by_name;
  std::string decided_by_role;
  bool published = true;  // the policy version was in force

  std::vector<RecordedFact> facts;  // sorted by attribute, then origin
  std::vector<Declaration> declarations;
  std::vector<MaterialRef> materials;
  std::vector<EarlierAward> earlier;  // those that bear on it (money.h bearing_awards)
  portrait::BudgetMode budget_mode = portrait::BudgetMode::kFirstCome;
  std::optional<int64_t> budget_fen;
  int64_t committed_fen = 0;

  // kReview only.
  std::string action;  // approve | reject
  std::vector<Verdict> verdicts;
  std::optional<int64_t> reviewer_fen;
  std::vector<std::string> reasons;
  std::string note;
};

struct ConditionOutcome {
  int index = 0;
  std::string clause;
  std::string rule;
  bool verifiable = true;
  std::string material;
  std::string data;                   // true | false | unknown | none: the rule on the data alone
  std::string final;                  // pass | fail | pending
  std::string settled_by;             // data | declaration | reviewer | "" (pending)
  std::vector<std::string> evidence;  // 营业收入[2024] 为 1850万，需 ≥ 2000万，差 150万
  std::vector<std::string> missing;  // facts the data lacks
};

struct DecisionResult {
  bool window_open = false;
  std::vector<ConditionOutcome> conditions;
  std::string verdict;  // match | possible | no: the policy's rule on every fact
  std::string formula;
  std::optional<std::string> formula_value;  // yuan, rounded to the fen
  MoneyResult money;
  std::string outcome;               // approved | review | rejected | refused
  bool instant = false;              // approved at submission (秒批)
  std::vector<std::string> reasons;  // Chinese: why review / refused / rejected
  std::string refusal;  // when refused: application.window_closed, application.ineligible, …
};

// Decides. Fails only on bad recorded facts (decision.bad_fact). Outcomes:
//   submission: approved (instant) when the policy is in force, the window
//     is open, every condition is proven true by data, the award is known
//     (and > 0 when the policy pays money), the budget allows it and no
//     exclusivity conflict exists; refused when the window is closed, the
//     policy is not in force, a condition is proven false, or earlier awards
//     leave nothing to pay; otherwise review.
//   review/approve: approved when every condition passes (by data or by the
//     reviewer), every verdict given is pass, the award is known and > 0 and
//     the budget has something left; otherwise refused, with the reasons.
//   review/reject: rejected, with the reviewer's reasons.
Result<DecisionResult> decide(const portrait::Policy& policy, const portrait::Catalog& catalog,
                              const DecisionInputs& in);

// ---- the record
nlohmann::json inputs_to_json(const DecisionInputs& in);
Result<DecisionInputs> inputs_from_json(const nlohmann::json& j);
nlohmann::json result_to_json(const DecisionResult& r);
nlohmann::json money_to_json(const MoneyResult& m);
nlohmann::json make_record(const DecisionInputs& in, const DecisionResult& r);
// Sorted keys, no spaces, UTF-8 as is.
std::string canonical(const nlohmann::json& j);
// SHA-256 of canonical(record), lower-case hex.
std::string record_hash(const nlohmann::json& record);
std::string sha256_hex(std::string_view bytes);

struct VerifyReport {
  bool hash_ok = false;               // the stored hash is the hash of the stored record
  bool policy_ok = false;             // the record cites this policy version and hash
  bool replay_ok = false;             // decide() on the recorded inputs gives the recorded result
  std::vector<std::string> problems;  // Chinese, one line each
  bool ok() const { return hash_ok && policy_ok && replay_ok; }
};

// Checks a stored record (its text as stored) against its stored hash and
// the policy version it cites (compiled from that version's body, whose
// hash is `policy_hash`).
VerifyReport verify_record(std::string_view record_text, std::string_view stored_hash,
                           const portrait::Policy& policy, int64_t policy_version,
                           std::string_view policy_hash, const portrait::Catalog& catalog);

}  // namespace zhida::workflow
