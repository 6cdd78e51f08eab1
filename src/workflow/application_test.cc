#include "workflow/application.h"

#include <gtest/gtest.h>

namespace zhida::workflow {
namespace {

TEST(Application, StatusNamesRoundTrip) {
  for (AppStatus s :
       {AppStatus::kDraft, AppStatus::kSubmitted, AppStatus::kInReview, AppStatus::kReturned,
        AppStatus::kApproved, AppStatus::kRejected, AppStatus::kPublicity, AppStatus::kDisbursed}) {
    EXPECT_EQ(parse_status(status_name(s)), s);
    EXPECT_STRNE(status_name_zh(s), "");
  }
  EXPECT_FALSE(parse_status("withdrawn"));
}

TEST(Application, Lifecycle) {
  EXPECT_TRUE(allowed(AppStatus::kDraft, AppAction::kSubmit));
  EXPECT_TRUE(allowed(AppStatus::kDraft, AppAction::kSave));
  EXPECT_TRUE(allowed(AppStatus::kDraft, AppAction::kDelete));
  EXPECT_FALSE(allowed(AppStatus::kSubmitted, AppAction::kSave));
  EXPECT_FALSE(allowed(AppStatus::kSubmitted, AppAction::kDelete));
  EXPECT_TRUE(allowed(AppStatus::kSubmitted, AppAction::kAssign));
  EXPECT_TRUE(allowed(AppStatus::kInReview, AppAction::kReturn));
  EXPECT_TRUE(allowed(AppStatus::kReturned, AppAction::kSave));
  EXPECT_TRUE(allowed(AppStatus::kReturned, AppAction::kResubmit));
  EXPECT_FALSE(allowed(AppStatus::kReturned, AppAction::kApprove));
  EXPECT_FALSE(allowed(AppStatus::kApproved, AppAction::kApprove));
  EXPECT_FALSE(allowed(AppStatus::kRejected, AppAction::kResubmit));
  EXPECT_TRUE(allowed(AppStatus::kApproved, AppAction::kSupersede));
  EXPECT_FALSE(allowed(AppStatus::kDisbursed, AppAction::kSupersede));
  EXPECT_TRUE(allowed(AppStatus::kPublicity, AppAction::kDisburse));

  EXPECT_TRUE(can_transition(AppStatus::kDraft, AppStatus::kApproved));
  EXPECT_TRUE(can_transition(AppStatus::kDraft, AppStatus::kSubmitted));
  EXPECT_TRUE(can_transition(AppStatus::kSubmitted, AppStatus::kInReview));
  EXPECT_TRUE(can_transition(AppStatus::kInReview, AppStatus::kReturned));
  EXPECT_TRUE(can_transition(AppStatus::kReturned, AppStatus::kInReview));
  EXPECT_TRUE(can_transition(AppStatus::kApproved, AppStatus::kPublicity));
  EXPECT_FALSE(can_transition(AppStatus::kRejected, AppStatus::kApproved));
  EXPECT_FALSE(can_transition(AppStatus::kDisbursed, AppStatus::kRejected));
  EXPECT_FALSE(can_transition(AppStatus::kApproved, AppStatus::kDraft));

  EXPECT_TRUE(holds_award(AppStatus::kPublicity));
  EXPECT_FALSE(holds_award(AppStatus::kInReview));
}

}  // namespace
}  // namespace zhida::workflow
