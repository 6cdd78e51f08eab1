#include "services/policies/policies.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "base/date.h"
#include "services/accounts/password.h"
#include "services/policies/diff.h"
#include "services/policies/json_locate.h"
#include "store/policy_store.h"

namespace zhida::services {

using nlohmann::json;

namespace {

Error not_found(const std::string& id) {
  return Error("db.not_found", fmt::format("没有找到政策 {}", id));
}

Error forbidden_department(const std::string& department) {
  return Error("forbidden", department.empty()
                                ? "政策管理员只能编辑本部门的政策"
                                : fmt::format("只能编辑本部门的政策；该政策属于{}", department));
}

bool valid_id(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  auto ok = [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.';
  };
  if (!std::all_of(id.begin(), id.end(), ok)) return false;
  return std::isalnum(static_cast<unsigned char>(id.front())) != 0;
}

json parse_or_null(const std::string& text) {
  json j = json::parse(text, nullptr, false);
  return j.is_discarded() ? json(nullptr) : j;
}

// From the raw JSON, without compiling: every condition data-verifiable?
bool raw_fully_verifiable(const json& p) {
  if (!p.is_object() || !p.contains("conditions") || !p["conditions"].is_array()) return true;
  for (const json& c : p["conditions"])
    if (c.is_object() && c.contains("verifiable") && c["verifiable"] == false) return false;
  return true;
}

std::string str_field(const json& p, const char* key) {
  return p.is_object() && p.contains(key) && p[key].is_string() ? p[key].get<std::string>() : "";
}

Status audit(store::Tx& tx, Platform& platform, const Actor& actor, const char* action,
             const std::string& id, const json& detail) {
  return append_audit(tx, platform.clock(), actor, action, "policy", id, detail);
}

}  // namespace

bool PolicyService::may_manage_read(const Principal& who, const std::string& department) {
  if (who.role == Role::kLeader || who.role == Role::kAuditor) return true;
  return may_edit(who, department);
}

bool PolicyService::may_edit(const Principal& who, const std::string& department) {
  return who.role == Role::kPolicyOfficer && !who.department.empty() &&
         who.department == department;
}

std::string PolicyService::next_id(const std::string& prefix, int year,
                                   const std::vector<std::string>& taken) {
  std::string head = fmt::format("{}-{}-", prefix, year);
  int64_t max = 0;
  for (const std::string& id : taken) {
    if (id.rfind(head, 0) != 0) continue;
    std::string tail = id.substr(head.size());
    if (tail.empty() || tail.size() > 9 ||
        tail.find_first_not_of("0123456789") != std::string::npos)
      continue;
    max = std::max<int64_t>(max, std::stoll(tail));
  }
  return fmt::format("{}{:03d}", head, max + 1);
}

PolicyService::View PolicyService::make_view(const Principal& who, store::PolicyRow row,
                                             std::optional<store::PolicyVersionRow> current) const {
  View v;
  v.draft_hash = sha256_hex(row.draft);
  v.draft_changed = !current || current->hash != v.draft_hash;
  v.show_draft = may_manage_read(who, row.department);
  v.can_edit = may_edit(who, row.department);
  if (row.version > 0) {
    PublishedPolicyPtr pp = platform_.policy(row.id);
    if (pp && pp->version == row.version) v.compiled = pp;
  }
  v.current = std::move(current);
  v.row = std::move(row);
  return v;
}

Result<PolicyService::View> PolicyService::view_of(store::Tx& tx, const Principal& who,
                                                   const std::string& id) const {
  auto row = store::get_policy(tx, id);
  if (!row.ok()) return row.error();
  if (!*row) return not_found(id);
  store::PolicyRow r = std::move(**row);
  bool enterprise = is_enterprise_role(who.role);
  if (enterprise && r.status != "published") return not_found(id);
  if (r.version == 0 && !may_manage_read(who, r.department)) return not_found(id);
  std::optional<store::PolicyVersionRow> current;
  if (r.version > 0) {
    auto v = store::policy_version(tx, id, r.version);
    if (!v.ok()) return v.error();
    current = std::move(*v);
  }
  return make_view(who, std::move(r), std::move(current));
}

json PolicyService::to_json(const View& v) {
  json j;
  if (v.compiled) {
    const portrait::Policy& p = *v.compiled->policy;
    j = p.to_json();
    j["fully_verifiable"] = p.fully_verifiable();
  } else {
    j = parse_or_null(v.current ? v.current->body : v.row.draft);
    if (!j.is_object()) j = json::object();
    j["fully_verifiable"] = raw_fully_verifiable(j);
  }
  j["id"] = v.row.id;
  j["status"] = v.row.status;
  j["version"] = v.row.version;
  j["department"] = v.row.department;
  j["published_at"] = v.current ? json(v.current->published_at) : json(nullptr);
  j["hash"] = v.current ? json(v.current->hash) : json(nullptr);
  j["created_at"] = v.row.created_at;
  j["updated_at"] = v.row.updated_at;
  j["can_edit"] = v.can_edit;
  if (v.show_draft) {
    j["draft"] = parse_or_null(v.row.draft);
    j["draft_hash"] = v.draft_hash;
    j["draft_changed"] = v.draft_changed;
  }
  return j;
}

Result<std::vector<PolicyService::View>> PolicyService::list(const Principal& who,
                                                             const ListFilter& f) const {
  std::vector<View> out;
  bool enterprise = is_enterprise_role(who.role);
  std::string status = enterprise ? "published" : (f.status == "all" ? "" : f.status);
  Status st = platform_.db().transaction(
      [&](store::Tx& tx) -> Status {
        out.clear();
        auto rows = store::list_policies(tx);
        if (!rows.ok()) return rows.error();
        for (store::PolicyRow& r : *rows) {
          if (!status.empty() && r.status != status) continue;
          if (!f.department.empty() && r.department != f.department) continue;
          if (r.version == 0 && (enterprise || !may_manage_read(who, r.department))) continue;
          std::optional<store::PolicyVersionRow> current;
          if (r.version > 0) {
            // The Platform's copy when it is the latest; else read it.
            PublishedPolicyPtr pp = platform_.policy(r.id);
            if (pp && pp->version == r.version) {
              store::PolicyVersionRow v;
              v.policy_id = r.id;
              v.version = pp->version;
              v.hash = pp->hash;
              v.published_at = pp->published_at;
              current = std::move(v);  // body not needed: the compiled copy is shown
            } else {
              auto v = store::policy_version(tx, r.id, r.version);
              if (!v.ok()) return v.error();
              current = std::move(*v);
            }
          }
          View view = make_view(who, std::move(r), std::move(current));
          if (!f.q.empty()) {
            json shown = to_json(view);
            bool hit = view.row.id.find(f.q) != std::string::npos ||
                       str_field(shown, "name").find(f.q) != std::string::npos ||
                       view.row.department.find(f.q) != std::string::npos;
            if (!hit && shown.contains("tags") && shown["tags"].is_array())
              for (const json& t : shown["tags"])
                if (t.is_string() && t.get<std::string>().find(f.q) != std::string::npos) hit = true;
            if (!hit) continue;
          }
          out.push_back(std::move(view));
        }
        return Status::Ok();
      },
      store::Mode::kRead);
  if (!st.ok()) return st.error();
  return out;
}

Result<PolicyService::View> PolicyService::get(const Principal& who, const std::string& id) const {
  std::optional<View> out;
  Status st = platform_.db().transaction(
      [&](store::Tx& tx) -> Status {
        auto v = view_of(tx, who, id);
        if (!v.ok()) return v.error();
        out = std::move(*v);
        return Status::Ok();
      },
      store::Mode::kRead);
  if (!st.ok()) return st.error();
  return std::move(*out);
}

Result<PolicyService::Saved> PolicyService::create(const Principal& who, const Actor& actor,
                                                   json policy, Issues& issues) {
  if (!policy.is_object()) return Error("bad_request.wrong_type", "政策必须是 JSON 对象");
  if (who.role != Role::kPolicyOfficer) return Error("forbidden", "只有政策管理员可以新建政策");
  if (who.department.empty()) return Error("forbidden", "您的账号没有所属部门，不能新建政策");
  if (!policy.contains("department") || policy["department"] == "")
    policy["department"] = who.department;
  if (policy["department"].is_string() && policy["department"] != who.department)
    return Error("forbidden", fmt::format("只能为本部门（{}）新建政策", who.department));
  bool assign = !policy.contains("id") || policy["id"] == "";
  if (!assign) {
    if (!policy["id"].is_string() || !valid_id(policy["id"].get<std::string>())) {
      Issue i;
      i.code = "policy.bad_id";
      i.field = "id";
      i.message = "政策编号只能由字母、数字和 . _ - 组成（以字母或数字开头，最长 64 个字符）";
      issues.push_back(std::move(i));
    }
  }
  // Compile (with a stand-in id when the service assigns it).
  json probe = policy;
  if (assign) probe["id"] = id_prefix_ + "-0000-000";
  auto compiled = platform_.compile_policy(probe, issues);
  localize_issues(issues, probe["id"].is_string() ? probe["id"].get<std::string>() : "");
  if (has_errors(issues) || !compiled) {
    size_t n =
        std::count_if(issues.begin(), issues.end(), [](const Issue& i) { return i.is_error(); });
    return Error("policy.invalid", fmt::format("政策有 {} 处错误，未保存", n));
  }
  int year = civil_from_days(platform_.clock().today()).year;
  std::string id;
  store::PolicyRow row;
  Status st = platform_.db().transaction([&](store::Tx& tx) -> Status {
    if (assign) {
      auto taken = store::policy_ids_with_prefix(tx, fmt::format("{}-{}-", id_prefix_, year));
      if (!taken.ok()) return taken.error();
      id = next_id(id_prefix_, year, *taken);
    } else {
      id = policy["id"].get<std::string>();
      auto existing = store::get_policy(tx, id);
      if (!existing.ok()) return existing.error();
      if (*existing) return Error("policy.duplicate_id", fmt::format("政策编号 {} 已被使用", id));
    }
    json stored = policy;
    stored["id"] = id;
    row = store::PolicyRow{};
    row.id = id;
    row.draft = stored.dump();
    row.department = who.department;
    ZHIDA_TRY(store::insert_policy(tx, row, platform_.clock().timestamp()));
    return audit(tx, platform_, actor, "policy.create", id,
                 {{"name", str_field(stored, "name")},
                  {"department", who.department},
                  {"assigned_id", assign}});
  });
  if (!st.ok()) return st.error();
  auto v = get(who, id);
  if (!v.ok()) return v.error();
  Saved out{std::move(*v), {}};
  for (const Issue& i : issues)
    if (!i.is_error()) out.warnings.push_back(i);
  return out;
}

Result<PolicyService::Saved> PolicyService::update_draft(const Principal& who, const Actor& actor,
                                                         const std::string& id, json policy,
                                                         const std::string& if_match,
                                                         Issues& issues) {
  if (!policy.is_object()) return Error("bad_request.wrong_type", "政策必须是 JSON 对象");
  if (!policy.contains("id")) policy["id"] = id;
  if (policy["id"] != id)
    return Error("bad_request.id_mismatch",
                 fmt::format("请求中的政策编号与地址中的 {} 不一致", id));
  // The department check needs the row: read it first (and again in the write).
  auto before = get(who, id);
  if (!before.ok()) return before.error();
  const std::string department = before->row.department;
  if (!may_edit(who, department)) return forbidden_department(department);
  if (!policy.contains("department") || policy["department"] == "")
    policy["department"] = department;
  if (policy["department"] != department)
    return Error("bad_request.department_change",
                 fmt::format("政策的发文部门不能修改（原为{}）", department));
  auto compiled = platform_.compile_policy(policy, issues);
  localize_issues(issues, id);
  if (has_errors(issues) || !compiled) {
    size_t n =
        std::count_if(issues.begin(), issues.end(), [](const Issue& i) { return i.is_error(); });
    return Error("policy.invalid", fmt::format("政策有 {} 处错误，草稿未修改", n));
  }
  std::string text = policy.dump();
  Status st = platform_.db().transaction([&](store::Tx& tx) -> Status {
    auto row = store::get_policy(tx, id);
    if (!row.ok()) return row.error();
    if (!*row) return not_found(id);
    if ((*row)->department != department) return forbidden_department((*row)->department);
    std::string old_hash = sha256_hex((*row)->draft);
    if (!if_match.empty() && if_match != old_hash)
      return Error("policy.draft_changed", "草稿已被他人修改，请刷新后再编辑");
    ZHIDA_TRY(store::update_policy_draft(tx, id, text, department));
    return audit(tx, platform_, actor, "policy.update_draft", id,
                 {{"draft_hash", sha256_hex(text)}, {"previous_hash", old_hash}});
  });
  if (!st.ok()) return st.error();
  auto v = get(who, id);
  if (!v.ok()) return v.error();
  Saved out{std::move(*v), {}};
  for (const Issue& i : issues)
    if (!i.is_error()) out.warnings.push_back(i);
  return out;
}

Status PolicyService::remove(const Principal& who, const Actor& actor, const std::string& id) {
  return platform_.db().transaction([&](store::Tx& tx) -> Status {
    auto row = store::get_policy(tx, id);
    if (!row.ok()) return row.error();
    if (!*row || ((*row)->version == 0 && !may_manage_read(who, (*row)->department)))
      return not_found(id);
    if (!may_edit(who, (*row)->department)) return forbidden_department((*row)->department);
    ZHIDA_TRY(store::delete_policy_draft(tx, id));
    return audit(tx, platform_, actor, "policy.delete", id,
                 {{"name", str_field(parse_or_null((*row)->draft), "name")}});
  });
}

void PolicyService::refresh_after_write() {
  Status st = platform_.refresh_policies();
  if (!st.ok())
    spdlog::error("refreshing the policies after a change failed: {}", st.error().message);
}

Result<PolicyService::Publication> PolicyService::publish(const Principal& who, const Actor& actor,
                                                          const std::string& id,
                                                          const std::string& if_match,
                                                          Issues& issues) {
  store::PolicyVersionRow published;
  bool reopened = false;
  Status st = platform_.db().transaction([&](store::Tx& tx) -> Status {
    issues.clear();
    auto row = store::get_policy(tx, id);
    if (!row.ok()) return row.error();
    if (!*row || ((*row)->version == 0 && !may_manage_read(who, (*row)->department)))
      return not_found(id);
    const store::PolicyRow& r = **row;
    if (!may_edit(who, r.department)) return forbidden_department(r.department);
    std::string hash = sha256_hex(r.draft);
    if (!if_match.empty() && if_match != hash)
      return Error("policy.draft_changed", "草稿已被他人修改，请刷新后再发布");
    if (r.version > 0) {
      auto cur = store::policy_version(tx, id, r.version);
      if (!cur.ok()) return cur.error();
      if (*cur && (*cur)->hash == hash)
        return Error("policy.unchanged",
                     fmt::format("草稿与已发布的第 {} 版相同，无需重新发布", r.version));
    }
    json draft = parse_or_null(r.draft);
    auto compiled = platform_.compile_policy(draft, issues);
    localize_issues(issues, id);
    if (has_errors(issues) || !compiled) {
      size_t n =
          std::count_if(issues.begin(), issues.end(), [](const Issue& i) { return i.is_error(); });
      return Error("policy.invalid", fmt::format("草稿有 {} 处错误，不能发布", n));
    }
    reopened = r.status == "closed";
    auto v = store::publish_policy(tx, id, who.user_id, platform_.clock().timestamp());
    if (!v.ok()) return v.error();
    published = std::move(*v);
    return audit(
        tx, platform_, actor, "policy.publish", id,
        {{"version", published.version}, {"hash", published.hash}, {"reopened", reopened}});
  });
  if (!st.ok()) return st.error();
  refresh_after_write();
  if (PublishedPolicyPtr pp = platform_.policy(id); pp && pp->version == published.version)
    platform_.notify_policy_published(pp);
  else
    spdlog::error("policy {} version {} was published but is not in force here", id,
                  published.version);
  auto v = get(who, id);
  if (!v.ok()) return v.error();
  return Publication{std::move(*v), std::move(published)};
}

Result<PolicyService::View> PolicyService::close(const Principal& who, const Actor& actor,
                                                 const std::string& id, const std::string& reason) {
  Status st = platform_.db().transaction([&](store::Tx& tx) -> Status {
    auto row = store::get_policy(tx, id);
    if (!row.ok()) return row.error();
    if (!*row || ((*row)->version == 0 && !may_manage_read(who, (*row)->department)))
      return not_found(id);
    if (!may_edit(who, (*row)->department)) return forbidden_department((*row)->department);
    if ((*row)->status == "closed") return Error("policy.already_closed", "政策已经关闭");
    if ((*row)->version == 0)
      return Error("policy.not_published", "政策尚未发布，不能关闭；不需要的草稿可以删除");
    ZHIDA_TRY(store::set_policy_status(tx, id, "closed"));
    return audit(tx, platform_, actor, "policy.close", id,
                 {{"version", (*row)->version}, {"reason", reason}});
  });
  if (!st.ok()) return st.error();
  refresh_after_write();
  return get(who, id);
}

Result<PolicyService::View> PolicyService::reopen(const Principal& who, const Actor& actor,
                                                  const std::string& id) {
  Status st = platform_.db().transaction([&](store::Tx& tx) -> Status {
    auto row = store::get_policy(tx, id);
    if (!row.ok()) return row.error();
    if (!*row || ((*row)->version == 0 && !may_manage_read(who, (*row)->department)))
      return not_found(id);
    if (!may_edit(who, (*row)->department)) return forbidden_department((*row)->department);
    if ((*row)->status != "closed")
      return Error("policy.not_closed", "只有已关闭的政策可以重新开放");
    ZHIDA_TRY(store::set_policy_status(tx, id, "published"));
    return audit(tx, platform_, actor, "policy.reopen", id, {{"version", (*row)->version}});
  });
  if (!st.ok()) return st.error();
  refresh_after_write();
  PublishedPolicyPtr pp = platform_.policy(id);
  if (pp) platform_.notify_policy_published(pp);  // back in force: newly eligible firms may be told
  return get(who, id);
}

Result<std::vector<store::PolicyVersionRow>> PolicyService::versions(const Principal& who,
                                                                     const std::string& id) const {
  std::vector<store::PolicyVersionRow> out;
  Status st = platform_.db().transaction(
      [&](store::Tx& tx) -> Status {
        auto v = view_of(tx, who, id);
        if (!v.ok()) return v.error();
        auto all = store::policy_versions(tx, id);
        if (!all.ok()) return all.error();
        out = std::move(*all);
        return Status::Ok();
      },
      store::Mode::kRead);
  if (!st.ok()) return st.error();
  return out;
}

Result<store::PolicyVersionRow> PolicyService::version(const Principal& who, const std::string& id,
                                                       int64_t version) const {
  std::optional<store::PolicyVersionRow> out;
  Status st = platform_.db().transaction(
      [&](store::Tx& tx) -> Status {
        auto v = view_of(tx, who, id);
        if (!v.ok()) return v.error();
        auto row = store::policy_version(tx, id, version);
        if (!row.ok()) return row.error();
        if (!*row) return Error("db.not_found", fmt::format("政策 {} 没有第 {} 版", id, version));
        out = std::move(**row);
        return Status::Ok();
      },
      store::Mode::kRead);
  if (!st.ok()) return st.error();
  return std::move(*out);
}

Result<json> PolicyService::diff(const Principal& who, const std::string& id,
                                 std::optional<int64_t> from, std::optional<int64_t> to) const {
  json out;
  Status st = platform_.db().transaction(
      [&](store::Tx& tx) -> Status {
        auto v = view_of(tx, who, id);
        if (!v.ok()) return v.error();
        const View& view = *v;
        int64_t latest = view.row.version;
        // Without `to`: the draft for those who may see it, else the latest
        // published version (every staff member may compare versions).
        if (!to && !view.show_draft) {
          if (latest < 1) return not_found(id);
          to = latest;
        }
        int64_t from_v = from ? *from : (to ? *to - 1 : latest);
        if (from_v < 1)
          return Error("db.not_found",
                       to ? "第 1 版之前没有可比较的版本" : "政策尚未发布，没有可与草稿比较的版本");
        auto load = [&](int64_t n, json& body) -> Status {
          auto row = store::policy_version(tx, id, n);
          if (!row.ok()) return row.error();
          if (!*row) return Error("db.not_found", fmt::format("政策 {} 没有第 {} 版", id, n));
          body = parse_or_null((*row)->body);
          return Status::Ok();
        };
        json a, b;
        ZHIDA_TRY(load(from_v, a));
        if (to)
          ZHIDA_TRY(load(*to, b));
        else
          b = parse_or_null(view.row.draft);
        out = policy_diff(a, b);
        out["from"] = from_v;
        out["to"] = to ? json(*to) : json("draft");
        return Status::Ok();
      },
      store::Mode::kRead);
  if (!st.ok()) return st.error();
  return out;
}

Result<PolicyService::SandboxSource> PolicyService::sandbox_source(const Principal& who,
                                                                   const std::string& id) const {
  auto v = get(who, id);
  if (!v.ok()) return v.error();
  if (v->show_draft) return SandboxSource{parse_or_null(v->row.draft), "draft", 0};
  // Someone who may not see the draft (another department's officer, the
  // data steward) simulates what they may read: the latest published version.
  if (!v->current) return not_found(id);
  return SandboxSource{parse_or_null(v->current->body), "published", v->current->version};
}

Result<PublishedPolicyPtr> PolicyService::matchable(const Principal& who,
                                                    const std::string& id) const {
  auto v = get(who, id);
  if (!v.ok()) return v.error();
  if (!may_manage_read(who, v->row.department))
    return Error("forbidden",
                 fmt::format("只能查看本部门政策的匹配企业；该政策属于{}", v->row.department));
  if (v->row.version == 0)
    return Error("policy.not_published", "政策尚未发布：发布前请用沙盘推演查看匹配情况");
  PublishedPolicyPtr pp = platform_.policy(id);
  if (!pp) return Error("policy.not_loaded", "该政策的已发布版本无法编译，请联系管理员");
  return pp;
}

Status PolicyService::record_export(const Actor& actor, const std::string& id, int64_t version,
                                    const json& filter, const std::vector<int64_t>& enterprises) {
  return platform_.db().transaction([&](store::Tx& tx) -> Status {
    store::AuditRecord r =
        audit_record(platform_.clock(), actor, "policy.export_matches", "policy", id,
                     {{"version", version}, {"filter", filter}, {"rows", enterprises.size()}});
    r.enterprises = enterprises;
    auto e = store::append_audit(tx, r);
    if (!e.ok()) return e.error();
    return Status::Ok();
  });
}

void PolicyService::localize_issues(Issues& issues, const std::string& policy_id) {
  if (policy_id.empty()) return;
  const std::string heads[] = {fmt::format("政策 {}：", policy_id),
                               fmt::format("政策 {} 的 ", policy_id)};
  for (Issue& i : issues) {
    if (i.field == policy_id)
      i.field.clear();
    else if (i.field.rfind(policy_id + ".", 0) == 0)
      i.field = i.field.substr(policy_id.size() + 1);
    for (const std::string& h : heads)
      if (i.message.rfind(h, 0) == 0) i.message = i.message.substr(h.size());
  }
}

json PolicyService::issues_json(const Issues& issues, const std::string& json_text,
                                const std::string& json_prefix) {
  json out = json::array();
  for (const Issue& i : issues) {
    json d = {
        {"severity", i.is_error() ? "error" : "warning"}, {"code", i.code}, {"message", i.message}};
    if (!i.field.empty()) d["field"] = i.field;
    if (i.line > 0) {
      d["line"] = i.line;
      d["column"] = i.column;
      d["length"] = i.length;
    }
    if (!json_text.empty()) {
      std::string path = json_prefix.empty() ? i.field
                         : i.field.empty()   ? json_prefix
                                             : json_prefix + "." + i.field;
      if (auto pos = locate_json_path(json_text, path)) {
        d["json_line"] = pos->line;
        d["json_column"] = pos->column;
      }
    }
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace zhida::services
