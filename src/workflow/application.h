// The life of an application (申报): its statuses and the moves between
// them. Pure logic; the service (services/applications) stores the status
// and refuses a move this table does not allow.
//
//   draft ──submit──► approved                       (秒批: every condition proven by data)
//     │                  │
//     │                  └──► publicity ──► disbursed   (funds: 公示, 拨付)
//     └──submit──► submitted ──assign──► in_review ──approve──► approved
//                      ▲                   │  │
//                      │                   │  └──reject──► rejected
//                      └──resubmit── returned ◄──return (退回补正)
//
// `submitted` is the review queue before anyone took the application;
// `in_review` has a reviewer. A reviewer may also approve, reject or return
// straight from `submitted`. Approved and rejected are final for the
// applicant; publicity and disbursement belong to the funds workflow. An
// approved award that a later, higher award of the same exclusivity group
// replaces (同一事项不重复支持, highest wins) becomes `rejected` with that
// reason ("superseded").
//
// Thread-safety: pure functions over values.
#pragma once

#include <optional>
#include <string_view>

namespace zhida::workflow {

enum class AppStatus : uint8_t {
  kDraft,
  kSubmitted,
  kInReview,
  kReturned,
  kApproved,
  kRejected,
  kPublicity,
  kDisbursed,
};

// "draft", "submitted", "in_review", "returned", "approved", "rejected",
// "publicity", "disbursed": the API's and the database's spelling.
const char* status_name(AppStatus s);
std::optional<AppStatus> parse_status(std::string_view name);
// 草稿, 已提交（待审核）, 审核中, 已退回补正, 已通过, 未通过, 公示中, 已拨付
const char* status_name_zh(AppStatus s);

// What can happen to an application.
enum class AppAction : uint8_t {
  kSave,       // edit a draft or a returned application
  kSubmit,     // draft -> approved (秒批) or submitted (review queue)
  kResubmit,   // returned -> approved / submitted / in_review
  kAssign,     // submitted/in_review -> in_review (a reviewer takes it, or is given it)
  kReturn,     // submitted/in_review -> returned (退回补正)
  kApprove,    // submitted/in_review -> approved
  kReject,     // submitted/in_review -> rejected
  kSupersede,  // approved/publicity -> rejected (a higher award of the group replaced it)
  kPublicize,  // approved -> publicity
  kDisburse,   // approved/publicity -> disbursed
  kDelete,     // a draft is removed
};
const char* action_name(AppAction a);  // "save", "submit", …

// Whether `action` is allowed in status `from`.
bool allowed(AppStatus from, AppAction action);
// Whether the status move from -> to is one of the lifecycle's edges.
bool can_transition(AppStatus from, AppStatus to);

// An award counts against caps, budgets and exclusivity groups in these
// statuses (approved and after).
bool holds_award(AppStatus s);
// The applicant may still change the application (draft, returned).
bool editable(AppStatus s);
// Waiting for a reviewer (submitted, in_review).
bool in_review_queue(AppStatus s);

}  // namespace zhida::workflow
