// PolicyService: the policy lifecycle (C2) over the policies /
// policy_versions tables (store/portrait_store.h, store/policy_store.h) and
// the Platform's compiled policies.
//
//   draft ──publish──► published ──close──► closed ──reopen──► published
//     │                   │  ▲
//   delete            edit the draft, publish again: version n+1
//   (never published)
//
// - A draft is the editable policy JSON (portrait/policy.h). It is saved
//   only when it compiles against the catalog: every problem comes back in
//   `issues` (field, rule line and column) and nothing changes.
// - Publishing stores the draft as the next immutable version with its
//   SHA-256, refreshes the Platform's policies and calls
//   Platform::notify_policy_published (the push engine messages newly
//   matching firms). Decisions cite the version they used.
// - Who (SPEC roles): a policy officer (政策管理员) creates and edits only
//   policies of their own department (Principal::department == the policy's
//   department); leaders (领导) and auditors (审计员) read everything,
//   drafts and versions included; other staff read published versions;
//   enterprise users see only the policies in force. The routes check the
//   role; this class checks the department and what may be seen.
// - Every write is audited (services/audit) in the transaction that makes it.
//
// Errors: db.not_found (404; also a policy the caller may not see),
// forbidden (403), policy.invalid (400, with `issues`), bad_request.* (400),
// and state conflicts (409): policy.duplicate_id, policy.already_closed,
// policy.not_published, policy.not_closed,
// policy.unchanged, policy.published (delete), policy.draft_changed (the
// draft's hash is not the one the caller saw).
//
// Thread-safe: no state of its own beyond references.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/issue.h"
#include "base/result.h"
#include "services/accounts/principal.h"
#include "services/audit/audit.h"
#include "services/platform/platform.h"
#include "store/portrait_store.h"

namespace zhida::services {

class PolicyService {
 public:
  // id_prefix: assigned ids are "<prefix>-YYYY-NNN" (BA = 宝安).
  explicit PolicyService(Platform& platform, std::string id_prefix = "BA")
      : platform_(platform), id_prefix_(std::move(id_prefix)) {}

  // May `who` see drafts, versions and match lists of a policy of this
  // department? (own-department officers, leaders, auditors)
  static bool may_manage_read(const Principal& who, const std::string& department);
  // May `who` change a policy of this department? (own-department officers)
  static bool may_edit(const Principal& who, const std::string& department);

  // One policy as a caller sees it.
  struct View {
    store::PolicyRow row;  // status, version, draft text, department, times
    std::optional<store::PolicyVersionRow> current;  // the latest published version
    PublishedPolicyPtr compiled;  // the Platform's compiled copy of it, if loaded
    bool show_draft = false;      // the caller may see the draft
    bool can_edit = false;
    std::string draft_hash;      // SHA-256 of the draft text
    bool draft_changed = false;  // the draft is not the latest version
  };
  // The API shape: the current published policy's fields (or the draft's,
  // never published) with version, status, published_at, hash,
  // fully_verifiable, department, created_at, updated_at, can_edit, and for
  // those who may see it, draft / draft_hash / draft_changed.
  static nlohmann::json to_json(const View& view);

  struct ListFilter {
    std::string status;      // "", all, draft, published (= in force), closed
    std::string department;  // exact; "" = any
    std::string q;           // in id, name, department or a tag; "" = any
  };
  // Every policy the caller may see, by id. Enterprise users: in force only.
  Result<std::vector<View>> list(const Principal& who, const ListFilter& filter) const;
  Result<View> get(const Principal& who, const std::string& id) const;

  struct Saved {
    View view;
    Issues warnings;  // rule warnings (e.g. a value not in an enum's domain)
  };
  // Creates a draft from the policy JSON. The id is the officer's (letters,
  // digits, . _ -; up to 64) or, when absent, the next "<prefix>-YYYY-NNN"
  // of the current year; the department defaults to the officer's.
  Result<Saved> create(const Principal& who, const Actor& actor, nlohmann::json policy,
                       Issues& issues);
  // Replaces the draft. `if_match`: the draft_hash the caller edited ("" =
  // don't check).
  Result<Saved> update_draft(const Principal& who, const Actor& actor, const std::string& id,
                             nlohmann::json policy, const std::string& if_match, Issues& issues);
  // Deletes a draft that was never published.
  Status remove(const Principal& who, const Actor& actor, const std::string& id);

  struct Publication {
    View view;
    store::PolicyVersionRow version;
  };
  // Publishes the draft as the next version (the draft must compile and
  // differ from the latest version). Publishing a closed policy puts the
  // new version in force (closed → published in the same transaction).
  Result<Publication> publish(const Principal& who, const Actor& actor, const std::string& id,
                              const std::string& if_match, Issues& issues);
  Result<View> close(const Principal& who, const Actor& actor, const std::string& id,
                     const std::string& reason);
  Result<View> reopen(const Principal& who, const Actor& actor, const std::string& id);

  // Published versions, oldest first (staff; never-published: none).
  Result<std::vector<store::PolicyVersionRow>> versions(const Principal& who,
                                                        const std::string& id) const;
  Result<store::PolicyVersionRow> version(const Principal& who, const std::string& id,
                                          int64_t version) const;
  // policy_diff (diff.h) between two versions; nullopt `to` = the draft
  // (for callers who may not see it: the latest version), nullopt `from` =
  // the version before `to` (the latest for the draft).
  Result<nlohmann::json> diff(const Principal& who, const std::string& id,
                              std::optional<int64_t> from, std::optional<int64_t> to) const;

  // What the sandbox simulates for `policy_id`: the stored draft when the
  // caller may see it (may_manage_read), else the latest published version
  // (which every staff member may read); 404 when neither is visible.
  struct SandboxSource {
    nlohmann::json policy;
    std::string source;    // "draft" or "published"
    int64_t version = 0;   // the published version used ("published" only)
  };
  Result<SandboxSource> sandbox_source(const Principal& who, const std::string& id) const;
  // The published version a match list is made of (may_manage_read; the
  // version in force or, for a closed policy, the last one).
  Result<PublishedPolicyPtr> matchable(const Principal& who, const std::string& id) const;
  // Audits an export of a match list (the firms in it are recorded).
  Status record_export(const Actor& actor, const std::string& id, int64_t version,
                       const nlohmann::json& filter, const std::vector<int64_t>& enterprises);

  // policy_from_json names fields "<id>.conditions[1].rule" and begins
  // messages with "政策 <id>：" / "政策 <id> 的 ". With one policy on screen
  // both are noise: this drops them (the methods here already did).
  static void localize_issues(Issues& issues, const std::string& policy_id);
  // Issues of a policy document, for the API: {severity, code, message,
  // field, line, column, length, json_line, json_column}. `field` is relative
  // to the policy ("conditions[1].rule"); line/column/length are inside a
  // rule's text; json_line/json_column where the field is in `json_text`
  // (the request body, in which the policy sits at `json_prefix`, e.g.
  // "policy" for the sandbox's body).
  static nlohmann::json issues_json(const Issues& issues, const std::string& json_text,
                                    const std::string& json_prefix = "");

  // The next assigned id for a year, given the ids in use: "BA-2026-007".
  static std::string next_id(const std::string& prefix, int year,
                             const std::vector<std::string>& taken);

 private:
  Result<View> view_of(store::Tx& tx, const Principal& who, const std::string& id) const;
  View make_view(const Principal& who, store::PolicyRow row,
                 std::optional<store::PolicyVersionRow> current) const;
  void refresh_after_write();

  Platform& platform_;
  std::string id_prefix_;
};

}  // namespace zhida::services
