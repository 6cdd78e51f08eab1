// The review checklist (决策树审批): what a reviewer must settle for an
// application the data could not approve by itself, built from its
// submission decision. One item per
//
//   condition:<i>    a condition the data did not settle (人工审核 conditions,
//                    facts the data lacks, values only the firm declared),
//                    with the evidence, the missing facts and what the firm
//                    declared or uploaded for it;
//   material:<name>  a material the policy asks for (uploaded, replaced by a
//                    signed commitment 告知承诺, or missing);
//   exclusivity      an earlier award of the same exclusivity group;
//   budget           the first-come budget cannot pay the whole award;
//   award            the award formula could not be computed (a reviewer
//                    fixes the amount).
//
// Approval needs every item passed; rejection and return need reasons.
// Conditions the data proved true are listed as passed ("auto") so the
// reviewer sees the whole tree.
//
// Thread-safety: pure functions over values.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/issue.h"
#include "portrait/policy.h"
#include "workflow/decision.h"

namespace zhida::workflow {

struct ChecklistItem {
  std::string key;     // condition:2, material:贷款合同, exclusivity, budget, award
  std::string kind;    // condition | material | exclusivity | budget | award
  std::string title;   // Chinese: the clause, the material's name …
  std::string detail;  // Chinese: what the data says, what is missing
  std::vector<std::string> evidence;
  std::vector<std::string> provided;  // what the applicant gave: declarations, files, commitments
  bool automatic = false;             // settled by data (shown, not to be ticked)
  std::string verdict = "pending";    // pending | pass | fail
  std::string note;
  int64_t by = 0;  // reviewer who set the verdict
  std::string by_name;
  std::string at;  // when
};

// Builds the checklist from a submission decision.
std::vector<ChecklistItem> build_checklist(const portrait::Policy& policy, const DecisionInputs& in,
                                           const DecisionResult& submission);

// Keeps the verdicts of `old` for the keys `fresh` still has (after a
// resubmission the reviewer does not start over), except for items whose
// evidence or provided inputs changed, which go back to pending.
std::vector<ChecklistItem> carry_verdicts(const std::vector<ChecklistItem>& old,
                                          std::vector<ChecklistItem> fresh);

// Applies verdicts (by a reviewer at a time). Unknown keys and verdicts
// other than pass / fail / pending are issues (field = the key).
Issues apply_verdicts(std::vector<ChecklistItem>& items, const std::vector<Verdict>& verdicts,
                      int64_t by, const std::string& by_name, const std::string& at);

// The items not passed (neither automatic nor verdict pass).
std::vector<const ChecklistItem*> open_items(const std::vector<ChecklistItem>& items);
// As verdicts for decide() (every non-automatic item).
std::vector<Verdict> verdicts_of(const std::vector<ChecklistItem>& items);

nlohmann::json checklist_to_json(const std::vector<ChecklistItem>& items);
std::vector<ChecklistItem> checklist_from_json(const nlohmann::json& j);

// Checks what an applicant sent against the policy: declared facts must be
// facts the policy reads, with values of the right type; conditions must
// exist; materials need a name. Each problem is an issue whose field names
// it (declarations[1].value …).
Issues validate_inputs(const portrait::Policy& policy, const portrait::Catalog& catalog,
                       const std::vector<Declaration>& declarations,
                       const std::vector<MaterialRef>& materials);

// The conditions a submission left pending without anything from the
// applicant (no commitment, no material, no value for a missing fact): the
// form must ask for them before the application can be submitted.
std::vector<int> unanswered_conditions(const portrait::Policy& policy, const DecisionInputs& in,
                                       const DecisionResult& submission);

}  // namespace zhida::workflow
