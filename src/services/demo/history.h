// A history of applications for the demo district (`zhida demo`), so that a
// new user's dashboards, review queue, publicity lists, disbursement batches
// and firm timelines are not empty.
//
// seed_history() drives the real services as the demo's users: firms apply
// (Applications::create, 秒批 or review), 免申即享 policies are granted
// (Applications::grant), reviewer1 / reviewer2 assign, return for correction
// (退回补正; some firms resubmit), approve and reject with reasons, funds1
// publicises, handles an objection, and pays and opens disbursement batches.
//
//   auto s = demo::seed_history(svc, accounts, {.seed = 1});
//   // s->applications == 0 when the database already had applications
//
// What it makes, for each policy whose window has opened by today, over the
// firms its conditions match (never the demo firms of `accounts`):
//   - applications dated inside the policy's window (Caller::at: months ago
//     for the spring policies, days ago for November's), so trends have a
//     shape; each later step a few working days after the one before;
//   - 秒批 approvals, drafts, 免申即享 grants, and for the policies with a
//     condition a person must check: approvals, rejections with reasons,
//     returns (some resubmitted), applications assigned and still in review,
//     and applications waiting in the queue;
//   - closed publicity lists (公示) for the spring and summer policies, one
//     with an objection dismissed; a paid disbursement batch (拨付) and an
//     open one; an open publicity list.
//
// Time: the Applications service takes Caller::at, so applications and
// reviews carry their past dates. The Funds service reads only the platform
// clock (publicity may not start before today, and closes only after its
// period), so the closed publicity lists of the past are written with the
// store functions Funds itself uses (same rows, timeline events through
// Applications::advance_in, audit entries and messages, dated in the past);
// bank-account confirmations and the disbursement batches go through Funds
// at the platform's now, and the open publicity list starts on the next
// working day like any new one.
//
// Deterministic: the same district, accounts, options and today give the
// same history.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "base/result.h"
#include "services/demo/accounts.h"

namespace zhida::services {
struct Services;
}

namespace zhida::services::demo {

struct HistoryOptions {
  uint64_t seed = 1;
  // Multiplies the number of applications planned per policy (1 = a few
  // hundred on the 200,000-firm district; a small district has fewer firms
  // to match and gets fewer).
  double scale = 1.0;
  // Progress messages (Chinese) for the console; may be empty.
  std::function<void(const std::string&)> progress;
};

struct HistorySummary {
  bool skipped = false;  // the database already had applications: nothing made
  int64_t applications = 0;  // stored
  int64_t refused = 0;       // attempts the services refused (nothing stored)
  int64_t instant = 0;       // 秒批
  int64_t auto_granted = 0;  // 免申即享
  int64_t drafts = 0;
  int64_t reviewed_approved = 0;
  int64_t rejected = 0;
  int64_t returned = 0;     // 退回补正 (still waiting for the firm)
  int64_t resubmitted = 0;  // returned, corrected and submitted again
  int64_t in_review = 0;    // assigned to a reviewer, not decided
  int64_t queued = 0;       // submitted, not assigned
  int64_t publicity_closed = 0, publicity_open = 0;
  int64_t objections_dismissed = 0;
  int64_t batches_paid = 0, batches_open = 0;
  int64_t paid_fen = 0;
  int64_t policies = 0;  // policies with at least one application
  // Final status of every application made, counted (what the database
  // should hold): draft, submitted, in_review, returned, approved, rejected,
  // publicity, disbursed.
  std::map<std::string, int64_t> by_status;
  double seconds = 0;

  // One Chinese line: 已生成 N 份申报历史：秒批 …
  std::string text() const;
};

// Seeds the history when the database has no application yet (otherwise
// returns a summary with skipped = true). `accounts` are the demo users
// (ensure_demo_accounts must have created them): the staff act as
// themselves; the firms of enterprise accounts are left alone. Firms
// without an account act through a named handler / legal representative
// (user id 0, username "history:<firm id>.agent|.legal").
Result<HistorySummary> seed_history(Services& svc, const std::vector<DemoAccount>& accounts,
                                    const HistoryOptions& options = {});

}  // namespace zhida::services::demo
