// The policy lifecycle's SQL beyond what the portrait's tables offer
// (portrait_store.h has the rows, insert, update, publish, versions):
// deleting a never-published draft and finding the ids in use for the
// next assigned one. Tables: policies, policy_versions (portrait_migrations).
//
// All functions take a Tx: callers group them into one transaction.
#pragma once

#include <string>
#include <vector>

#include "base/result.h"
#include "store/db.h"

namespace zhida::store {

// Deletes a policy that was never published (version 0), with a change-feed
// entry. db.not_found when there is no such draft; a published policy is
// never deleted (policy.published).
Status delete_policy_draft(Tx& tx, const std::string& id);

// The ids that start with `prefix` (ASCII, e.g. "BA-2026-"), any status.
Result<std::vector<std::string>> policy_ids_with_prefix(Tx& tx, const std::string& prefix);

}  // namespace zhida::store
