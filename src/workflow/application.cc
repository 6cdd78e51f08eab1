#include "workflow/application.h"

namespace zhida::workflow {

namespace {

struct StatusName {
  AppStatus status;
  const char* name;
  const char* zh;
};

constexpr StatusName kStatuses[] = {
    {AppStatus::kDraft, "draft", "草稿"},
    {AppStatus::kSubmitted, "submitted", "已提交（待审核）"},
    {AppStatus::kInReview, "in_review", "审核中"},
    {AppStatus::kReturned, "returned", "已退回补正"},
    {AppStatus::kApproved, "approved", "已通过"},
    {AppStatus::kRejected, "rejected", "未通过"},
    {AppStatus::kPublicity, "publicity", "公示中"},
    {AppStatus::kDisbursed, "disbursed", "已拨付"},
};

}  // namespace

const char* status_name(AppStatus s) {
  for (const auto& n : kStatuses)
    if (n.status == s) return n.name;
  return "draft";
}

const char* status_name_zh(AppStatus s) {
  for (const auto& n : kStatuses)
    if (n.status == s) return n.zh;
  return "草稿";
}

std::optional<AppStatus> parse_status(std::string_view name) {
  for (const auto& n : kStatuses)
    if (name == n.name) return n.status;
  return std::nullopt;
}

const char* action_name(AppAction a) {
  switch (a) {
    case AppAction::kSave:
      return "save";
    case AppAction::kSubmit:
      return "submit";
    case AppAction::kResubmit:
      return "resubmit";
    case AppAction::kAssign:
      return "assign";
    case AppAction::kReturn:
      return "return";
    case AppAction::kApprove:
      return "approve";
    case AppAction::kReject:
      return "reject";
    case AppAction::kSupersede:
      return "supersede";
    case AppAction::kPublicize:
      return "publicize";
    case AppAction::kDisburse:
      return "disburse";
    case AppAction::kDelete:
      return "delete";
  }
  return "save";
}

bool allowed(AppStatus from, AppAction action) {
  using S = AppStatus;
  switch (action) {
    case AppAction::kSave:
      return editable(from);
    case AppAction::kSubmit:
    case AppAction::kDelete:
      return from == S::kDraft;
    case AppAction::kResubmit:
      return from == S::kReturned;
    case AppAction::kAssign:
    case AppAction::kReturn:
    case AppAction::kApprove:
    case AppAction::kReject:
      return in_review_queue(from);
    case AppAction::kSupersede:
      return from == S::kApproved || from == S::kPublicity;
    case AppAction::kPublicize:
      return from == S::kApproved;
    case AppAction::kDisburse:
      return from == S::kApproved || from == S::kPublicity;
  }
  return false;
}

bool can_transition(AppStatus from, AppStatus to) {
  using S = AppStatus;
  switch (from) {
    case S::kDraft:
    case S::kReturned:
      return to == S::kApproved || to == S::kSubmitted || to == S::kInReview || to == S::kDraft ||
             (from == S::kReturned && to == S::kReturned);
    case S::kSubmitted:
    case S::kInReview:
      return to == S::kInReview || to == S::kReturned || to == S::kApproved || to == S::kRejected;
    case S::kApproved:
      return to == S::kPublicity || to == S::kDisbursed || to == S::kRejected;
    case S::kPublicity:
      return to == S::kDisbursed || to == S::kRejected;
    case S::kRejected:
    case S::kDisbursed:
      return false;
  }
  return false;
}

bool holds_award(AppStatus s) {
  return s == AppStatus::kApproved || s == AppStatus::kPublicity || s == AppStatus::kDisbursed;
}

bool editable(AppStatus s) {
  return s == AppStatus::kDraft || s == AppStatus::kReturned;
}

bool in_review_queue(AppStatus s) {
  return s == AppStatus::kSubmitted || s == AppStatus::kInReview;
}

}  // namespace zhida::workflow
