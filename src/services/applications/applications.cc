#include "services/applications/applications.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "base/date.h"
#include "rules/rules.h"
#include "store/notifications_store.h"
#include "store/portrait_store.h"
#include "workflow/materials.h"
#include "workflow/money.h"

namespace zhida::services {

using nlohmann::json;
using workflow::AppAction;
using workflow::AppStatus;

namespace fs = std::filesystem;

// ---------------------------------------------------------------- helpers

struct Applications::PolicyAt {
  std::shared_ptr<const portrait::Policy> policy;
  int64_t version = 0;
  std::string hash;
  std::string status;  // published | closed | draft (of the policy, now)
  int64_t latest = 0;  // the latest published version
  bool in_force() const { return status == "published" && version == latest; }
};

struct Applications::Clocked {
  std::chrono::system_clock::time_point tp;
  std::string ts;
  int32_t today = 0;
};

namespace {

json opt_fen(const std::optional<int64_t>& v) {
  return v ? json(*v) : json(nullptr);
}
json opt_yuan(const std::optional<int64_t>& v) {
  return v ? json(workflow::fen_text(*v)) : json(nullptr);
}

std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i) s += (i ? sep : "") + v[i];
  return s;
}

json declarations_to_json(const std::vector<workflow::Declaration>& ds) {
  json arr = json::array();
  for (const auto& d : ds) {
    json x = json::object();
    if (d.condition >= 0) x["condition"] = d.condition;
    if (d.commitment) x["commitment"] = true;
    if (!d.attribute.empty()) {
      x["attribute"] = d.attribute;
      x["value"] = d.value;
    }
    if (!d.text.empty()) x["text"] = d.text;
    arr.push_back(std::move(x));
  }
  return arr;
}

std::vector<workflow::Declaration> declarations_from_json(const std::string& text) {
  std::vector<workflow::Declaration> out;
  json j = json::parse(text, nullptr, false);
  if (!j.is_array()) return out;
  for (const json& x : j) {
    if (!x.is_object()) continue;
    workflow::Declaration d;
    d.condition = x.value("condition", -1);
    d.commitment = x.value("commitment", false);
    d.attribute = x.value("attribute", "");
    d.value = x.value("value", "");
    d.text = x.value("text", "");
    out.push_back(std::move(d));
  }
  return out;
}

json materials_to_json(const std::vector<workflow::MaterialRef>& ms) {
  json arr = json::array();
  for (const auto& m : ms) {
    json x = {{"name", m.name}, {"commitment", m.commitment}};
    if (m.condition >= 0) x["condition"] = m.condition;
    if (m.upload_id > 0) {
      x["id"] = m.upload_id;
      x["sha256"] = m.sha256;
      x["file_name"] = m.file_name;
    }
    arr.push_back(std::move(x));
  }
  return arr;
}

std::vector<std::string> strings_from_json(const std::string& text) {
  json j = json::parse(text, nullptr, false);
  std::vector<std::string> out;
  if (j.is_array())
    for (const json& x : j)
      if (x.is_string()) out.push_back(x.get<std::string>());
  return out;
}

std::optional<AppStatus> status_of(const store::ApplicationRow& a) {
  return workflow::parse_status(a.status);
}

Error state_error(const store::ApplicationRow& a, const char* what) {
  auto s = status_of(a);
  return Error("application.state", fmt::format("申请 {} 当前为“{}”，不能{}", a.id,
                                                s ? workflow::status_name_zh(*s) : a.status, what));
}

DecisionSummary summary_of(const store::DecisionRow& d) {
  DecisionSummary s;
  s.id = d.id;
  s.kind = d.kind;
  s.outcome = d.outcome;
  s.instant = d.instant;
  s.award_fen = d.award_fen;
  s.hash = d.hash;
  s.decided_at = d.decided_at;
  json rec = json::parse(d.record, nullptr, false);
  if (rec.is_object() && rec.contains("result") && rec["result"].contains("reasons") &&
      rec["result"]["reasons"].is_array())
    for (const json& r : rec["result"]["reasons"])
      if (r.is_string()) s.reasons.push_back(r.get<std::string>());
  return s;
}

std::string value_text(const rules::Value& v, const portrait::Column* col, size_t row) {
  switch (v.kind) {
    case rules::Value::Kind::kNumber:
      return v.number.to_string();
    case rules::Value::Kind::kDate:
      return format_date(v.date);
    case rules::Value::Kind::kBool:
      return v.boolean ? "true" : "false";
    case rules::Value::Kind::kText:
      return std::string(v.text);
    case rules::Value::Kind::kSet: {
      std::string s;
      if (col)
        for (auto m : col->set_at(row)) s += (s.empty() ? "" : "|") + std::string(m);
      return s;
    }
    case rules::Value::Kind::kMissing:
      break;
  }
  return "";
}

}  // namespace

json DecisionSummary::to_json() const {
  return {{"id", id},
          {"kind", kind},
          {"outcome", outcome},
          {"instant", instant},
          {"award_fen", opt_fen(award_fen)},
          {"award", opt_yuan(award_fen)},
          {"hash", hash},
          {"reasons", reasons},
          {"decided_at", decided_at}};
}

json ActionResult::to_json() const {
  return {
      {"id", id}, {"status", status}, {"decision", decision ? decision->to_json() : json(nullptr)}};
}

// ---------------------------------------------------------------- lifecycle

Applications::Applications(Platform& platform, ApplicationsOptions options)
    : platform_(platform), options_(std::move(options)) {}

Applications::~Applications() {
  stop();
}

void Applications::start() {
  std::lock_guard l(worker_mu_);
  if (worker_.joinable() || options_.reminder_interval.count() <= 0) return;
  stopping_ = false;
  worker_ = std::thread([this] { worker(); });
}

void Applications::stop() {
  {
    std::lock_guard l(worker_mu_);
    stopping_ = true;
  }
  worker_cv_.notify_all();
  if (worker_.joinable()) worker_.join();
}

void Applications::worker() {
  std::unique_lock l(worker_mu_);
  while (!stopping_) {
    if (worker_cv_.wait_for(l, options_.reminder_interval, [&] { return stopping_; })) break;
    l.unlock();
    auto sent = send_reminders();
    if (!sent.ok()) spdlog::warn("申报截止提醒失败：{}", sent.error().message);
    l.lock();
  }
}

Applications::Clocked Applications::when(const Caller& who) const {
  Clocked c;
  c.tp = who.at ? *who.at : platform_.clock().now();
  c.ts = store::format_timestamp(c.tp);
  auto t = c.tp + std::chrono::hours(8);
  c.today =
      static_cast<int32_t>(std::chrono::floor<std::chrono::days>(t.time_since_epoch()).count());
  return c;
}

Result<Applications::PolicyAt> Applications::policy_in(store::Tx& tx, const std::string& id,
                                                       std::optional<int64_t> version) const {
  auto row = store::get_policy(tx, id);
  if (!row.ok()) return row.error();
  if (!*row) return Error("policy.not_found", fmt::format("没有找到政策“{}”", id));
  PolicyAt out;
  out.status = (*row)->status;
  out.latest = (*row)->version;
  out.version = version.value_or((*row)->version);
  if (out.version == 0)
    return Error("policy.not_published", fmt::format("政策“{}”尚未发布，不能申报", id));
  if (auto pp = platform_.policy(id); pp && pp->version == out.version) {
    out.policy = pp->policy;
    out.hash = pp->hash;
    return out;
  }
  auto v = store::policy_version(tx, id, out.version);
  if (!v.ok()) return v.error();
  if (!*v)
    return Error("policy.not_found", fmt::format("没有找到政策“{}”第 {} 版", id, out.version));
  out.hash = (*v)->hash;
  {
    std::lock_guard l(cache_mu_);
    auto it = compiled_.find({id, out.version});
    if (it != compiled_.end()) {
      out.policy = it->second;
      return out;
    }
  }
  Issues issues;
  json body = json::parse((*v)->body, nullptr, false);
  auto p = portrait::policy_from_json(body, *platform_.catalog(), issues);
  if (!p)
    return Error("policy.invalid", fmt::format("政策“{}”第 {} 版无法编译：{}", id, out.version,
                                               issues.empty() ? "" : issues.front().message));
  out.policy = std::make_shared<const portrait::Policy>(std::move(*p));
  std::lock_guard l(cache_mu_);
  compiled_[{id, out.version}] = out.policy;
  return out;
}

Result<std::vector<workflow::RecordedFact>> Applications::capture_facts(
    store::Tx& tx, const portrait::Catalog& catalog, const portrait::Policy& policy,
    int64_t enterprise_id, const std::string& now) const {
  auto refs = workflow::facts_needed(policy, catalog);
  auto history = store::fact_history(tx, catalog, enterprise_id);
  if (!history.ok()) return history.error();
  std::map<std::string, const store::FactVersion*> last;
  for (const auto& h : *history) last[h.attribute] = &h;
  std::vector<workflow::RecordedFact> out;
  std::vector<std::pair<rules::AttrRef, size_t>> from_replica;
  for (const rules::AttrRef& ref : refs) {
    workflow::RecordedFact f;
    f.attribute = rules::fact_name(catalog, ref);
    const portrait::Attribute* a = catalog.attribute(ref.attr);
    auto it = last.find(f.attribute);
    if (a && !is_derived(*a) && it != last.end()) {
      f.value = it->second->value;
      f.source = it->second->source;
      f.as_of = it->second->as_of;
      f.loaded_at = it->second->loaded_at;
    } else {
      // Tags (computed in the replica) and anything the history lacks.
      if (a) f.source = a->source;
      from_replica.push_back({ref, out.size()});
    }
    out.push_back(std::move(f));
  }
  if (!from_replica.empty()) {
    bool found = platform_.read([&](const portrait::EnterpriseTable& t) {
      auto row = t.row_of(enterprise_id);
      if (!row) return false;
      auto facts = t.facts(*row);
      for (const auto& [ref, index] : from_replica) {
        rules::Value v = facts.get(ref);
        if (v.is_missing()) continue;
        out[index].value = value_text(v, t.column(ref), *row);
        out[index].as_of = now;
        out[index].loaded_at = now;
      }
      return true;
    });
    if (!found) return Error("enterprise.not_found", fmt::format("没有找到企业 {}", enterprise_id));
  }
  return out;
}

Status Applications::check_materials(store::Tx& tx, int64_t enterprise_id,
                                     std::vector<workflow::MaterialRef>& materials,
                                     Issues& issues) const {
  for (size_t i = 0; i < materials.size(); ++i) {
    auto& m = materials[i];
    if (m.upload_id <= 0) continue;
    auto u = store::get_material_upload(tx, m.upload_id);
    if (!u.ok()) return u.error();
    if (!*u || (*u)->enterprise_id != enterprise_id) {
      issues.push_back({Severity::kError, "application.bad_material",
                        fmt::format("没有找到编号为 {} 的本企业材料，请先上传", m.upload_id), 0, 0,
                        0, fmt::format("materials[{}].id", i)});
      continue;
    }
    m.sha256 = (*u)->sha256;
    m.file_name = (*u)->file_name;
  }
  return Status::Ok();
}

std::string Applications::enterprise_name(int64_t id) const {
  return platform_.read([&](const portrait::EnterpriseTable& t) -> std::string {
    auto row = t.row_of(id);
    const portrait::Attribute* a = t.catalog().attribute("企业名称");
    if (!row || !a) return "";
    const portrait::Column* c = t.column(rules::AttrRef{a->id, 0});
    if (!c) return "";
    rules::Value v = c->value(*row);
    return v.kind == rules::Value::Kind::kText ? std::string(v.text) : "";
  });
}

std::string Applications::material_path(const std::string& sha256) const {
  return (fs::path(options_.materials_dir) / sha256.substr(0, 2) / sha256).string();
}

Status Applications::event(store::Tx& tx, const Caller& who, const store::ApplicationRow& app,
                           const std::string& action, const std::string& from, const json& detail,
                           const std::string& at) {
  store::EventRow e;
  e.application_id = app.id;
  e.action = action;
  e.from_status = from;
  e.to_status = app.status;
  e.actor_id = who.actor.user_id;
  e.actor_name = who.name.empty() ? who.actor.username : who.name;
  e.actor_role = who.actor.role;
  e.detail = detail.is_null() ? "" : detail.dump();
  e.at = at;
  return store::add_event(tx, e);
}

namespace {

// The outbox entry for one step of an application (store/notifications_store.h).
Status notify(store::Tx& tx, const store::ApplicationRow& a, const std::string& policy_name,
              const std::string& kind, const std::string& template_id, const std::string& dedup,
              std::vector<std::pair<std::string, std::string>> params, const std::string& at) {
  store::Notification n;
  n.kind = kind;
  n.enterprise_id = a.enterprise_id;
  n.template_id = template_id;
  n.params = {{"policy_name", policy_name},
              {"policy_id", a.policy_id},
              {"application_id", std::to_string(a.id)}};
  for (auto& p : params) n.params.push_back(std::move(p));
  n.dedup_key = dedup;
  n.application_id = a.id;
  n.policy_id = a.policy_id;
  n.link = fmt::format("/applications/{}", a.id);
  n.created_at = at;
  auto r = store::enqueue_notification(tx, n);
  if (!r.ok()) return r.error();
  return Status::Ok();
}

Status audit(store::Tx& tx, const Clock& clock, const Caller& who, const std::string& ts,
             const std::string& action, const store::ApplicationRow& a, const json& detail) {
  store::AuditRecord r =
      audit_record(clock, who.actor, action, "application", std::to_string(a.id), detail);
  r.time = ts;
  r.enterprises = {a.enterprise_id};
  auto e = store::append_audit(tx, r);
  if (!e.ok()) return e.error();
  return Status::Ok();
}

Status changed(store::Tx& tx, const store::ApplicationRow& a) {
  json payload = {{"id", a.id},
                  {"enterprise_id", a.enterprise_id},
                  {"policy_id", a.policy_id},
                  {"status", a.status}};
  auto r = tx.append_change("applications", std::to_string(a.id), payload.dump());
  if (!r.ok()) return r.error();
  return Status::Ok();
}

}  // namespace

// ---------------------------------------------------------------- form (秒填)

Result<json> Applications::form(int64_t enterprise_id, const std::string& policy_id) const {
  Clocked c = when(Caller{});
  json out;
  Status st = platform_.db().transaction(
      [&](store::Tx& tx) -> Status {
        auto pol = policy_in(tx, policy_id, std::nullopt);
        if (!pol.ok()) return pol.error();
        const portrait::Policy& p = *pol->policy;
        auto catalog = platform_.catalog();
        int year = p.reference_year.value_or(civil_from_days(c.today).year);
        ZHIDA_ASSIGN_OR_RETURN(workflow::DecisionInputs in,
                               decision_inputs(tx, *catalog, *pol, enterprise_id, year, nullptr, c));
        in.published = pol->in_force();
        const auto* facts = &in.facts;
        auto r = workflow::decide(p, *catalog, in);
        if (!r.ok()) return r.error();
        auto existing = store::find_application(tx, enterprise_id, p.id, year);
        if (!existing.ok()) return existing.error();

        json fjs = json::array();
        for (const auto& f : *facts)
          fjs.push_back({{"attribute", f.attribute},
                         {"value", f.value ? json(*f.value) : json(nullptr)},
                         {"source", f.source},
                         {"as_of", f.as_of},
                         {"loaded_at", f.loaded_at}});
        json conds = json::array();
        for (const auto& co : r->conditions) {
          // What the form asks: nothing when the data settles it; else a
          // value for each missing fact, a commitment (告知承诺) or a material.
          std::string ask = "none";
          if (co.settled_by != "data")
            ask = !co.missing.empty() && co.verifiable ? "value" : "commitment_or_material";
          conds.push_back({{"index", co.index},
                           {"clause", co.clause},
                           {"rule", co.rule},
                           {"verifiable", co.verifiable},
                           {"material", co.material},
                           {"data", co.data},
                           {"evidence", co.evidence},
                           {"missing", co.missing},
                           {"ask", ask}});
        }
        json mats = json::array();
        for (const auto& m : p.materials)
          mats.push_back(
              {{"name", m.name}, {"commitment", m.commitment}, {"description", m.description}});
        json window = json::object();
        if (p.window.start) window["start"] = format_date(*p.window.start);
        if (p.window.end) window["end"] = format_date(*p.window.end);
        if (p.window.pre_start) window["pre_start"] = format_date(*p.window.pre_start);
        if (p.window.pre_end) window["pre_end"] = format_date(*p.window.pre_end);
        bool instant = r->outcome == "approved";
        out = {{"enterprise_id", enterprise_id},
               {"enterprise_name", enterprise_name(enterprise_id)},
               {"policy_id", p.id},
               {"policy_name", p.name},
               {"policy_version", pol->version},
               {"year", year},
               {"window", window},
               {"window_open", r->window_open},
               {"in_force", pol->in_force()},
               {"auto_grant", p.auto_grant},
               {"verdict", r->verdict},
               {"facts", fjs},
               {"conditions", conds},
               {"materials", mats},
               {"estimate_fen", r->money.known ? json(r->money.award_fen) : json(nullptr)},
               {"estimate",
                r->money.known ? json(workflow::fen_text(r->money.award_fen)) : json(nullptr)},
               {"award_steps", workflow::money_to_json(r->money)["steps"]},
               {"instant", instant},
               {"outcome", r->outcome},
               {"reasons", r->reasons},
               {"existing", *existing
                                ? json({{"id", (*existing)->id}, {"status", (*existing)->status}})
                                : json(nullptr)}};
        return Status::Ok();
      },
      store::Mode::kRead);
  if (!st.ok()) return st.error();
  return out;
}

// What every decision about a firm and a policy reads, in this transaction:
// the facts the policy uses (as captured now), the firm's awards that bear
// on it and the budget already committed — without the application `app`
// itself when given, whose declarations (as facts dated `declared_at`) and
// materials are added. The caller sets kind, decider and published.
Result<workflow::DecisionInputs> Applications::decision_inputs(store::Tx& tx, const portrait::Catalog& catalog,
                                                               const PolicyAt& pol, int64_t enterprise_id,
                                                               int year, const store::ApplicationRow* app,
                                                               const Clocked& c,
                                                               const std::string& declared_at) const {
  const portrait::Policy& p = *pol.policy;
  workflow::DecisionInputs in;
  ZHIDA_ASSIGN_OR_RETURN(in.facts, capture_facts(tx, catalog, p, enterprise_id, c.ts));
  int64_t self = app ? app->id : 0;
  if (app) {
    in.application_id = app->id;
    in.origin = app->origin;
    in.declarations = declarations_from_json(app->declarations);
    for (const auto& d : in.declarations)
      if (!d.attribute.empty())
        in.facts.push_back({d.attribute, d.value, "企业申报", declared_at, declared_at, "declared"});
    std::stable_sort(in.facts.begin(), in.facts.end(), [](const auto& x, const auto& y) {
      return x.attribute != y.attribute ? x.attribute < y.attribute : x.origin < y.origin;
    });
    ZHIDA_ASSIGN_OR_RETURN(in.materials, store::application_materials(tx, app->id));
  }
  ZHIDA_ASSIGN_OR_RETURN(auto earlier, store::awards_held(tx, enterprise_id, self));
  ZHIDA_ASSIGN_OR_RETURN(in.committed_fen, store::committed_fen(tx, p.id, year, self));
  in.enterprise_id = enterprise_id;
  in.year = year;
  in.policy_id = p.id;
  in.policy_version = pol.version;
  in.policy_hash = pol.hash;
  in.policy_name = p.name;
  in.evaluated_on = c.today;
  in.decided_at = c.ts;
  in.earlier = workflow::bearing_awards(earlier, p.id, p.exclusivity_group);
  in.budget_mode = p.budget_mode;
  if (p.budget) in.budget_fen = workflow::to_fen(*p.budget);
  return in;
}

// ---------------------------------------------------------------- submission

Result<ActionResult> Applications::submit_in(store::Tx& tx, const Caller& who,
                                             store::ApplicationRow& app, Issues& issues) {
  Clocked c = when(who);
  std::string from = app.status;
  bool resubmit = from == workflow::status_name(AppStatus::kReturned);
  auto pol = policy_in(tx, app.policy_id, std::nullopt);
  if (!pol.ok()) return pol.error();
  const portrait::Policy& p = *pol->policy;
  if (p.auto_grant && app.origin == "apply")
    return Error(
        "application.auto_grant",
        fmt::format("“{}”为免申即享政策，无需申报，符合条件的企业确认收款账户即可", p.name));
  auto catalog = platform_.catalog();
  ZHIDA_ASSIGN_OR_RETURN(workflow::DecisionInputs in,
                         decision_inputs(tx, *catalog, *pol, app.enterprise_id, app.year, &app, c, c.ts));
  in.kind = workflow::DecisionKind::kSubmission;
  in.decided_by = 0;
  in.decided_by_name = "系统（秒批）";
  in.decided_by_role = "system";
  in.published = pol->in_force();
  auto r = workflow::decide(p, *catalog, in);
  if (!r.ok()) return r.error();
  if (r->outcome == "refused") {
    for (const auto& reason : r->reasons)
      issues.push_back({Severity::kError, r->refusal, reason, 0, 0, 0, ""});
    return Error(r->refusal, join(r->reasons, "；"));
  }
  auto unanswered = workflow::unanswered_conditions(p, in, *r);
  if (!unanswered.empty()) {
    for (int i : unanswered)
      issues.push_back({Severity::kError, "application.incomplete",
                        fmt::format("条件“{}”数据无法核验，请提供告知承诺、所缺数据或证明材料",
                                    p.conditions[static_cast<size_t>(i)].clause),
                        0, 0, 0, fmt::format("conditions[{}]", i)});
    return Error("application.incomplete",
                 "申报信息不完整：有条件需要企业提供告知承诺、数据或材料");
  }

  json record = workflow::make_record(in, *r);
  store::DecisionRow d;
  d.application_id = app.id;
  d.kind = "submission";
  d.outcome = r->outcome;
  d.instant = r->instant;
  if (r->money.known) d.award_fen = r->money.award_fen;
  d.policy_id = p.id;
  d.policy_version = pol->version;
  d.policy_hash = pol->hash;
  d.record = workflow::canonical(record);
  d.hash = workflow::sha256_hex(d.record);
  d.decided_at = c.ts;
  auto did = store::insert_decision(tx, d);
  if (!did.ok()) return did.error();
  d.id = *did;

  app.policy_version = pol->version;
  app.exclusivity_group = p.exclusivity_group;
  app.submitted_at = c.ts;
  app.updated_at = c.ts;
  app.decision_id = d.id;
  app.estimate_fen = r->money.known ? std::optional<int64_t>(r->money.award_fen) : std::nullopt;
  app.reasons.clear();
  if (r->outcome == "approved") {
    app.status = workflow::status_name(AppStatus::kApproved);
    app.award_fen = r->money.award_fen;
    app.decided_at = c.ts;
    app.checklist.clear();
  } else {
    auto old = workflow::checklist_from_json(
        json::parse(app.checklist.empty() ? "[]" : app.checklist, nullptr, false));
    auto items = workflow::carry_verdicts(old, workflow::build_checklist(p, in, *r));
    app.checklist = workflow::checklist_to_json(items).dump();
    app.status =
        workflow::status_name(app.assignee_id > 0 ? AppStatus::kInReview : AppStatus::kSubmitted);
    app.due_on = format_date(c.today + options_.review_days);
  }
  ZHIDA_TRY(store::update_application(tx, app));
  json detail = {{"decision_id", d.id},
                 {"outcome", r->outcome},
                 {"instant", r->instant},
                 {"award_fen", opt_fen(d.award_fen)},
                 {"reasons", r->reasons}};
  ZHIDA_TRY(event(tx, who, app, resubmit ? "resubmit" : "submit", from, detail, c.ts));
  std::string amount = d.award_fen ? workflow::fen_text(*d.award_fen) : "";
  if (r->outcome == "approved") {
    ZHIDA_TRY(notify(tx, app, p.name, "application.approved", "application_instant_approved",
                     fmt::format("application:{}:approved", app.id), {{"amount", amount}}, c.ts));
  } else {
    ZHIDA_TRY(notify(tx, app, p.name, "application.submitted", "application_submitted",
                     resubmit
                         ? fmt::format("application:{}:resubmitted:{}", app.id, app.return_count)
                         : fmt::format("application:{}:submitted", app.id),
                     {}, c.ts));
  }
  ZHIDA_TRY(audit(tx, platform_.clock(), who, c.ts,
                  resubmit ? "application.resubmit" : "application.submit", app,
                  {{"policy_id", app.policy_id}, {"decision_id", d.id}, {"outcome", r->outcome}}));
  ZHIDA_TRY(changed(tx, app));
  ActionResult out;
  out.id = app.id;
  out.status = app.status;
  out.decision = summary_of(d);
  return out;
}

Result<ActionResult> Applications::create_in(store::Tx& tx, const Caller& who,
                                             const ApplicationInput& input, Issues& local) {
  Clocked c = when(who);
  local.clear();
  auto pol = policy_in(tx, input.policy_id, std::nullopt);
  if (!pol.ok()) return pol.error();
  const portrait::Policy& p = *pol->policy;
  if (!pol->in_force())
    return Error("policy.not_published", fmt::format("政策“{}”未发布或已关闭，不能申报", p.name));
  if (p.auto_grant && input.origin != "auto_grant")
    return Error(
        "application.auto_grant",
        fmt::format("“{}”为免申即享政策，无需申报，符合条件的企业确认收款账户即可", p.name));
  if (!p.auto_grant && input.origin == "auto_grant")
    return Error("application.state", fmt::format("“{}”不是免申即享政策", p.name));
  local = workflow::validate_inputs(p, *platform_.catalog(), input.declarations, input.materials);
  std::vector<workflow::MaterialRef> materials = input.materials;
  ZHIDA_TRY(check_materials(tx, input.enterprise_id, materials, local));
  if (has_errors(local)) return Error("application.invalid", "申报内容有误");
  int year = p.reference_year.value_or(civil_from_days(c.today).year);
  auto existing = store::find_application(tx, input.enterprise_id, p.id, year);
  if (!existing.ok()) return existing.error();
  if (*existing) {
    auto s = status_of(**existing);
    return Error("application.duplicate",
                 fmt::format("本企业已申报过“{}”（{} 年度，申请 {}，{}），同一政策每年只能申报一次",
                             p.name, year, (*existing)->id,
                             s ? workflow::status_name_zh(*s) : (*existing)->status));
  }
  store::ApplicationRow app;
  app.enterprise_id = input.enterprise_id;
  app.policy_id = p.id;
  app.policy_version = pol->version;
  app.year = year;
  app.status = workflow::status_name(AppStatus::kDraft);
  app.origin = input.origin == "auto_grant" ? "auto_grant" : "apply";
  app.exclusivity_group = p.exclusivity_group;
  app.declarations = declarations_to_json(input.declarations).dump();
  app.created_by = who.actor.user_id;
  app.created_at = c.ts;
  app.updated_at = c.ts;
  auto id = store::insert_application(tx, app);
  if (!id.ok()) {
    if (id.error().code == "db.unique_violation")
      return Error("application.duplicate",
                   "本企业本年度已申报过该政策，同一政策每年只能申报一次");
    return id.error();
  }
  app.id = *id;
  ZHIDA_TRY(store::set_application_materials(tx, app.id, materials));
  ZHIDA_TRY(
      event(tx, who, app, "create", "", json({{"policy_version", app.policy_version}}), c.ts));
  if (input.submit) return submit_in(tx, who, app, local);
  ZHIDA_TRY(audit(tx, platform_.clock(), who, c.ts, "application.create", app,
                  {{"policy_id", app.policy_id}}));
  ZHIDA_TRY(changed(tx, app));
  return ActionResult{app.id, app.status, std::nullopt};
}

Result<ActionResult> Applications::create(const Caller& who, const ApplicationInput& input,
                                          Issues* issues) {
  bool exists = platform_.read([&](const portrait::EnterpriseTable& t) {
    return t.row_of(input.enterprise_id).has_value();
  });
  if (!exists)
    return Error("enterprise.not_found", fmt::format("没有找到企业 {}", input.enterprise_id));
  std::optional<ActionResult> out;
  Issues local;
  Status st = platform_.db().transaction([&](store::Tx& tx) -> Status {
    auto r = create_in(tx, who, input, local);
    if (!r.ok()) return r.error();
    out = std::move(*r);
    return Status::Ok();
  });
  if (issues) *issues = local;
  if (!st.ok()) return st.error();
  return *out;
}

Result<ActionResult> Applications::grant(const Caller& who, int64_t enterprise_id,
                                         const std::string& policy_id, Issues* issues) {
  ApplicationInput in;
  in.enterprise_id = enterprise_id;
  in.policy_id = policy_id;
  in.origin = "auto_grant";
  return create(who, in, issues);
}

std::vector<Result<ActionResult>> Applications::grant_many(
    const Caller& who, const std::vector<int64_t>& enterprise_ids, const std::string& policy_id,
    size_t per_transaction) {
  std::vector<Result<ActionResult>> out;
  out.reserve(enterprise_ids.size());
  if (per_transaction == 0) per_transaction = 1;
  for (size_t begin = 0; begin < enterprise_ids.size(); begin += per_transaction) {
    size_t end = std::min(enterprise_ids.size(), begin + per_transaction);
    std::vector<Result<ActionResult>> chunk;
    Status st = platform_.db().transaction([&](store::Tx& tx) -> Status {
      chunk.clear();  // the function may run again (a transient conflict)
      for (size_t i = begin; i < end; ++i) {
        int64_t ent = enterprise_ids[i];
        bool exists = platform_.read(
            [&](const portrait::EnterpriseTable& t) { return t.row_of(ent).has_value(); });
        if (!exists) {
          chunk.emplace_back(Error("enterprise.not_found", fmt::format("没有找到企业 {}", ent)));
          continue;
        }
        ApplicationInput in;
        in.enterprise_id = ent;
        in.policy_id = policy_id;
        in.origin = "auto_grant";
        std::optional<Result<ActionResult>> one;
        // Each firm in a savepoint: a refusal undoes only its own writes.
        Status sp = tx.savepoint([&](store::Tx& stx) -> Status {
          Issues issues;
          auto r = create_in(stx, who, in, issues);
          if (!r.ok()) return r.error();
          one.emplace(std::move(*r));
          return Status::Ok();
        });
        if (!sp.ok()) {
          // A conflict that needs the whole transaction again.
          const std::string& code = sp.error().code;
          if (code == "db.serialization" || code == "db.busy" || code == "db.tx_aborted")
            return sp;
          chunk.emplace_back(sp.error());
        } else {
          chunk.push_back(std::move(*one));
        }
      }
      return Status::Ok();
    });
    if (!st.ok()) {
      for (size_t i = begin; i < end; ++i) out.emplace_back(st.error());
      continue;
    }
    for (auto& r : chunk) out.push_back(std::move(r));
  }
  return out;
}

Result<ActionResult> Applications::update(const Caller& who, int64_t id,
                                          const std::vector<workflow::Declaration>& declarations,
                                          const std::vector<workflow::MaterialRef>& materials_in,
                                          bool submit, Issues* issues) {
  Clocked c = when(who);
  std::optional<ActionResult> out;
  Issues local;
  Status st = platform_.db().transaction([&](store::Tx& tx) -> Status {
    local.clear();
    auto a = store::get_application(tx, id);
    if (!a.ok()) return a.error();
    if (!*a) return Error("application.not_found", fmt::format("没有找到申请 {}", id));
    store::ApplicationRow app = **a;
    auto s = status_of(app);
    if (!s || !workflow::allowed(*s, AppAction::kSave)) return state_error(app, "修改");
    auto pol = policy_in(tx, app.policy_id, std::nullopt);
    if (!pol.ok()) return pol.error();
    local =
        workflow::validate_inputs(*pol->policy, *platform_.catalog(), declarations, materials_in);
    std::vector<workflow::MaterialRef> materials = materials_in;
    ZHIDA_TRY(check_materials(tx, app.enterprise_id, materials, local));
    if (has_errors(local)) return Error("application.invalid", "申报内容有误");
    app.declarations = declarations_to_json(declarations).dump();
    app.updated_at = c.ts;
    ZHIDA_TRY(store::update_application(tx, app));
    ZHIDA_TRY(store::set_application_materials(tx, app.id, materials));
    ZHIDA_TRY(
        event(tx, who, app, "save", app.status, json({{"materials", materials.size()}}), c.ts));
    if (submit) {
      auto r = submit_in(tx, who, app, local);
      if (!r.ok()) return r.error();
      out = std::move(*r);
      return Status::Ok();
    }
    ZHIDA_TRY(changed(tx, app));
    out = ActionResult{app.id, app.status, std::nullopt};
    return Status::Ok();
  });
  if (issues) *issues = local;
  if (!st.ok()) return st.error();
  return *out;
}

Result<ActionResult> Applications::submit(const Caller& who, int64_t id, Issues* issues) {
  std::optional<ActionResult> out;
  Issues local;
  Status st = platform_.db().transaction([&](store::Tx& tx) -> Status {
    local.clear();
    auto a = store::get_application(tx, id);
    if (!a.ok()) return a.error();
    if (!*a) return Error("application.not_found", fmt::format("没有找到申请 {}", id));
    store::ApplicationRow app = **a;
    auto s = status_of(app);
    if (!s ||
        !(workflow::allowed(*s, AppAction::kSubmit) || workflow::allowed(*s, AppAction::kResubmit)))
      return state_error(app, "提交");
    auto r = submit_in(tx, who, app, local);
    if (!r.ok()) return r.error();
    out = std::move(*r);
    return Status::Ok();
  });
  if (issues) *issues = local;
  if (!st.ok()) return st.error();
  return *out;
}

Status Applications::remove_draft(const Caller& who, int64_t id) {
  Clocked c = when(who);
  return platform_.db().transaction([&](store::Tx& tx) -> Status {
    auto a = store::get_application(tx, id);
    if (!a.ok()) return a.error();
    if (!*a) return Error("application.not_found", fmt::format("没有找到申请 {}", id));
    auto s = status_of(**a);
    if (!s || !workflow::allowed(*s, AppAction::kDelete))
      return state_error(**a, "删除（只能删除草稿）");
    ZHIDA_TRY(store::delete_application(tx, id));
    ZHIDA_TRY(audit(tx, platform_.clock(), who, c.ts, "application.delete", **a,
                    {{"policy_id", (*a)->policy_id}}));
    store::ApplicationRow gone = **a;
    gone.status = "deleted";
    return changed(tx, gone);
  });
}

// ---------------------------------------------------------------- reading

Result<std::optional<store::ApplicationRow>> Applications::find(int64_t id) const {
  std::optional<store::ApplicationRow> out;
  Status st = platform_.db().transaction(
      [&](store::Tx& tx) -> Status {
        auto a = store::get_application(tx, id);
        if (!a.ok()) return a.error();
        out = std::move(*a);
        return Status::Ok();
      },
      store::Mode::kRead);
  if (!st.ok()) return st.error();
  return out;
}

json Applications::summary_json(const store::ApplicationRow& a) const {
  auto s = status_of(a);
  std::string policy_name;
  if (auto pp = platform_.policy(a.policy_id)) policy_name = pp->policy->name;
  Clocked c = when(Caller{});
  bool overdue =
      !a.due_on.empty() && s && workflow::in_review_queue(*s) && a.due_on < format_date(c.today);
  return {{"id", a.id},
          {"enterprise_id", a.enterprise_id},
          {"enterprise_name", enterprise_name(a.enterprise_id)},
          {"policy_id", a.policy_id},
          {"policy_name", policy_name},
          {"policy_version", a.policy_version},
          {"year", a.year},
          {"status", a.status},
          {"status_zh", s ? workflow::status_name_zh(*s) : a.status},
          {"origin", a.origin},
          {"exclusivity_group", a.exclusivity_group},
          {"award_fen", opt_fen(a.award_fen)},
          {"award", opt_yuan(a.award_fen)},
          {"estimate_fen", opt_fen(a.estimate_fen)},
          {"estimate", opt_yuan(a.estimate_fen)},
          {"assignee", a.assignee_id > 0 ? json({{"id", a.assignee_id}, {"name", a.assignee_name}})
                                         : json(nullptr)},
          {"due_on", a.due_on.empty() ? json(nullptr) : json(a.due_on)},
          {"overdue", overdue},
          {"return_count", a.return_count},
          {"decision_id", a.decision_id > 0 ? json(a.decision_id) : json(nullptr)},
          {"created_at", a.created_at},
          {"updated_at", a.updated_at},
          {"submitted_at", a.submitted_at.empty() ? json(nullptr) : json(a.submitted_at)},
          {"decided_at", a.decided_at.empty() ? json(nullptr) : json(a.decided_at)}};
}

Result<std::optional<json>> Applications::view(int64_t id) const {
  std::optional<json> out;
  Status st = platform_.db().transaction(
      [&](store::Tx& tx) -> Status {
        auto a = store::get_application(tx, id);
        if (!a.ok()) return a.error();
        if (!*a) {
          out.reset();
          return Status::Ok();
        }
        const store::ApplicationRow& app = **a;
        json j = summary_json(app);
        j["declarations"] = json::parse(app.declarations, nullptr, false);
        auto mats = store::application_materials(tx, id);
        if (!mats.ok()) return mats.error();
        j["materials"] = materials_to_json(*mats);
        j["checklist"] =
            app.checklist.empty() ? json::array() : json::parse(app.checklist, nullptr, false);
        j["reasons"] = strings_from_json(app.reasons);
        auto ds = store::decisions_of(tx, id);
        if (!ds.ok()) return ds.error();
        json decisions = json::array();
        for (const auto& d : *ds) decisions.push_back(summary_of(d).to_json());
        j["decisions"] = decisions;
        j["decision"] = ds->empty() ? json(nullptr) : summary_of(ds->back()).to_json();
        auto evs = store::events_of(tx, id);
        if (!evs.ok()) return evs.error();
        json timeline = json::array();
        for (const auto& e : *evs) {
          auto to = workflow::parse_status(e.to_status);
          timeline.push_back(
              {{"action", e.action},
               {"from", e.from_status},
               {"to", e.to_status},
               {"to_zh", to ? workflow::status_name_zh(*to) : e.to_status},
               {"actor", {{"id", e.actor_id}, {"name", e.actor_name}, {"role", e.actor_role}}},
               {"detail", e.detail.empty() ? json(nullptr) : json::parse(e.detail, nullptr, false)},
               {"at", e.at}});
        }
        j["timeline"] = timeline;
        out = std::move(j);
        return Status::Ok();
      },
      store::Mode::kRead);
  if (!st.ok()) return st.error();
  return out;
}

Result<Applications::Page> Applications::list(const store::ApplicationQuery& q) const {
  Page page;
  Status st = platform_.db().transaction(
      [&](store::Tx& tx) -> Status {
        page.items.clear();
        auto rows = store::list_applications(tx, q);
        if (!rows.ok()) return rows.error();
        auto n = store::count_applications(tx, q);
        if (!n.ok()) return n.error();
        page.total = *n;
        for (const auto& r : *rows) page.items.push_back(summary_json(r));
        return Status::Ok();
      },
      store::Mode::kRead);
  if (!st.ok()) return st.error();
  return page;
}

Result<Applications::Page> Applications::queue(const store::ApplicationQuery& query) const {
  store::ApplicationQuery q = query;
  if (q.statuses.empty()) q.statuses = {"submitted", "in_review"};
  q.oldest_first = true;
  return list(q);
}

Result<std::optional<json>> Applications::decision(int64_t application_id,
                                                   int64_t decision_id) const {
  std::optional<json> out;
  Status st = platform_.db().transaction(
      [&](store::Tx& tx) -> Status {
        auto d = store::get_decision(tx, decision_id);
        if (!d.ok()) return d.error();
        if (!*d || (*d)->application_id != application_id) {
          out.reset();
          return Status::Ok();
        }
        const store::DecisionRow& r = **d;
        out = json{{"id", r.id},
                   {"application_id", r.application_id},
                   {"kind", r.kind},
                   {"outcome", r.outcome},
                   {"instant", r.instant},
                   {"award_fen", opt_fen(r.award_fen)},
                   {"award", opt_yuan(r.award_fen)},
                   {"policy_id", r.policy_id},
                   {"policy_version", r.policy_version},
                   {"policy_hash", r.policy_hash},
                   {"hash", r.hash},
                   {"decided_by", r.decided_by},
                   {"decided_at", r.decided_at},
                   {"record", json::parse(r.record, nullptr, false)}};
        return Status::Ok();
      },
      store::Mode::kRead);
  if (!st.ok()) return st.error();
  return out;
}

Result<std::vector<DecisionCheck>> Applications::verify(int64_t application_id) const {
  return verify_application_decisions(platform_.db(), application_id);
}

Result<std::vector<DecisionCheck>> verify_application_decisions(store::Database& db,
                                                                int64_t application_id) {
  std::vector<DecisionCheck> out;
  Status st = db.transaction(
      [&](store::Tx& tx) -> Status {
        out.clear();
        auto a = store::get_application(tx, application_id);
        if (!a.ok()) return a.error();
        if (!*a)
          return Error("application.not_found", fmt::format("没有找到申请 {}", application_id));
        auto catalog = store::load_catalog(tx);
        if (!catalog.ok()) return catalog.error();
        auto ds = store::decisions_of(tx, application_id);
        if (!ds.ok()) return ds.error();
        for (const auto& d : *ds) {
          DecisionCheck check;
          check.decision_id = d.id;
          check.kind = d.kind;
          check.outcome = d.outcome;
          auto v = store::policy_version(tx, d.policy_id, d.policy_version);
          if (!v.ok()) return v.error();
          if (!*v) {
            check.report.problems.push_back(
                fmt::format("找不到政策“{}”第 {} 版", d.policy_id, d.policy_version));
            out.push_back(std::move(check));
            continue;
          }
          const store::PolicyVersionRow& pv = **v;
          std::vector<std::string> extra;
          bool policy_ok = true;
          if (workflow::sha256_hex(pv.body) != pv.hash) {
            policy_ok = false;
            extra.push_back(fmt::format("政策“{}”第 {} 版的正文与其哈希不符（存档被改动过）",
                                        d.policy_id, d.policy_version));
          }
          Issues issues;
          auto p =
              portrait::policy_from_json(json::parse(pv.body, nullptr, false), *catalog, issues);
          if (!p) {
            check.report.problems.push_back(fmt::format("政策“{}”第 {} 版无法编译：{}", d.policy_id,
                                                        d.policy_version,
                                                        issues.empty() ? "" : issues[0].message));
            for (auto& e : extra) check.report.problems.push_back(std::move(e));
            out.push_back(std::move(check));
            continue;
          }
          check.report =
              workflow::verify_record(d.record, d.hash, *p, pv.version, pv.hash, *catalog);
          if (d.policy_hash != pv.hash) {
            policy_ok = false;
            extra.push_back("决策引用的政策哈希与存档版本不符");
          }
          if (!policy_ok) check.report.policy_ok = false;
          // The row's columns must say what the record says. The row's award
          // is what the decision awards: the computed award (an estimate for
          // a submission sent to review), none for a rejection (the record
          // still shows what the formula gave).
          json rec = json::parse(d.record, nullptr, false);
          if (rec.is_object() && rec.contains("result")) {
            const json& res = rec["result"];
            std::string outcome = res.value("outcome", "");
            json award = res.contains("award") && outcome != "rejected"
                             ? res["award"].value("award_fen", json(nullptr))
                             : json(nullptr);
            json stored_award = d.award_fen ? json(*d.award_fen) : json(nullptr);
            if (outcome != d.outcome || award != stored_award) {
              check.report.replay_ok = false;
              extra.push_back(fmt::format("决策表中的结论或金额（{}，{}）与记录（{}，{}）不符",
                                          d.outcome, stored_award.dump(), outcome, award.dump()));
            }
          }
          for (auto& e : extra) check.report.problems.push_back(std::move(e));
          out.push_back(std::move(check));
        }
        return Status::Ok();
      },
      store::Mode::kRead);
  if (!st.ok()) return st.error();
  return out;
}

// ---------------------------------------------------------------- review

Result<ActionResult> Applications::assign(const Caller& who, int64_t id, int64_t reviewer_id,
                                          const std::string& reviewer_name,
                                          std::optional<int32_t> due_on) {
  Clocked c = when(who);
  std::optional<ActionResult> out;
  Status st = platform_.db().transaction([&](store::Tx& tx) -> Status {
    auto a = store::get_application(tx, id);
    if (!a.ok()) return a.error();
    if (!*a) return Error("application.not_found", fmt::format("没有找到申请 {}", id));
    store::ApplicationRow app = **a;
    auto s = status_of(app);
    if (!s || !workflow::allowed(*s, AppAction::kAssign)) return state_error(app, "分派");
    std::string from = app.status;
    app.assignee_id = reviewer_id > 0 ? reviewer_id : who.actor.user_id;
    app.assignee_name =
        reviewer_id > 0 ? reviewer_name : (who.name.empty() ? who.actor.username : who.name);
    app.due_on = format_date(due_on ? *due_on : c.today + options_.review_days);
    app.status = workflow::status_name(AppStatus::kInReview);
    app.updated_at = c.ts;
    ZHIDA_TRY(store::update_application(tx, app));
    json detail = {{"reviewer_id", app.assignee_id},
                   {"reviewer_name", app.assignee_name},
                   {"due_on", app.due_on}};
    ZHIDA_TRY(event(tx, who, app, "assign", from, detail, c.ts));
    ZHIDA_TRY(audit(tx, platform_.clock(), who, c.ts, "application.assign", app, detail));
    ZHIDA_TRY(changed(tx, app));
    out = ActionResult{app.id, app.status, std::nullopt};
    return Status::Ok();
  });
  if (!st.ok()) return st.error();
  return *out;
}

Result<ActionResult> Applications::check(const Caller& who, int64_t id,
                                         const std::vector<workflow::Verdict>& verdicts,
                                         Issues* issues) {
  Clocked c = when(who);
  std::optional<ActionResult> out;
  Issues local;
  Status st = platform_.db().transaction([&](store::Tx& tx) -> Status {
    auto a = store::get_application(tx, id);
    if (!a.ok()) return a.error();
    if (!*a) return Error("application.not_found", fmt::format("没有找到申请 {}", id));
    store::ApplicationRow app = **a;
    auto s = status_of(app);
    if (!s || !workflow::in_review_queue(*s)) return state_error(app, "填写核查结论");
    auto items = workflow::checklist_from_json(
        json::parse(app.checklist.empty() ? "[]" : app.checklist, nullptr, false));
    local = workflow::apply_verdicts(items, verdicts, who.actor.user_id, who.name, c.ts);
    if (has_errors(local)) return Error("application.invalid", "核查结论有误");
    app.checklist = workflow::checklist_to_json(items).dump();
    app.updated_at = c.ts;
    ZHIDA_TRY(store::update_application(tx, app));
    json vs = json::array();
    for (const auto& v : verdicts)
      vs.push_back({{"key", v.key}, {"verdict", v.verdict}, {"note", v.note}});
    ZHIDA_TRY(event(tx, who, app, "check", app.status, json({{"verdicts", vs}}), c.ts));
    out = ActionResult{app.id, app.status, std::nullopt};
    return Status::Ok();
  });
  if (issues) *issues = local;
  if (!st.ok()) return st.error();
  return *out;
}

Result<ActionResult> Applications::return_for_correction(
    const Caller& who, int64_t id, const std::vector<std::string>& reasons,
    const std::vector<workflow::Verdict>& verdicts, Issues* issues) {
  Clocked c = when(who);
  std::optional<ActionResult> out;
  Issues local;
  bool any_reason =
      std::any_of(reasons.begin(), reasons.end(), [](const std::string& r) { return !r.empty(); });
  if (!any_reason) return Error("review.reasons_required", "退回补正需写明原因");
  Status st = platform_.db().transaction([&](store::Tx& tx) -> Status {
    local.clear();
    auto a = store::get_application(tx, id);
    if (!a.ok()) return a.error();
    if (!*a) return Error("application.not_found", fmt::format("没有找到申请 {}", id));
    store::ApplicationRow app = **a;
    auto s = status_of(app);
    if (!s || !workflow::allowed(*s, AppAction::kReturn)) return state_error(app, "退回补正");
    auto items = workflow::checklist_from_json(
        json::parse(app.checklist.empty() ? "[]" : app.checklist, nullptr, false));
    local = workflow::apply_verdicts(items, verdicts, who.actor.user_id, who.name, c.ts);
    if (has_errors(local)) return Error("application.invalid", "核查结论有误");
    std::string from = app.status;
    app.checklist = workflow::checklist_to_json(items).dump();
    app.status = workflow::status_name(AppStatus::kReturned);
    app.return_count += 1;
    app.reasons = json(reasons).dump();
    app.due_on.clear();
    app.updated_at = c.ts;
    ZHIDA_TRY(store::update_application(tx, app));
    ZHIDA_TRY(event(tx, who, app, "return", from,
                    json({{"reasons", reasons}, {"round", app.return_count}}), c.ts));
    std::string policy_name;
    std::string deadline;
    auto pol = policy_in(tx, app.policy_id, app.policy_version);
    if (pol.ok()) {
      policy_name = pol->policy->name;
      if (pol->policy->window.end) deadline = format_date(*pol->policy->window.end);
    }
    ZHIDA_TRY(notify(tx, app, policy_name, "application.returned", "application_returned",
                     fmt::format("application:{}:returned:{}", app.id, app.return_count),
                     {{"reason", join(reasons, "；")}, {"deadline", deadline}}, c.ts));
    ZHIDA_TRY(
        audit(tx, platform_.clock(), who, c.ts, "application.return", app, {{"reasons", reasons}}));
    ZHIDA_TRY(changed(tx, app));
    out = ActionResult{app.id, app.status, std::nullopt};
    return Status::Ok();
  });
  if (issues) *issues = local;
  if (!st.ok()) return st.error();
  return *out;
}

Result<ActionResult> Applications::approve(const Caller& who, int64_t id,
                                           const std::vector<workflow::Verdict>& verdicts,
                                           std::optional<int64_t> amount_fen,
                                           const std::string& note, Issues* issues) {
  return review_decision(who, id, "approve", verdicts, amount_fen, {}, note, issues);
}

Result<ActionResult> Applications::reject(const Caller& who, int64_t id,
                                          const std::vector<std::string>& reasons,
                                          const std::vector<workflow::Verdict>& verdicts,
                                          Issues* issues) {
  bool any_reason =
      std::any_of(reasons.begin(), reasons.end(), [](const std::string& r) { return !r.empty(); });
  if (!any_reason) return Error("review.reasons_required", "不予通过需写明原因");
  return review_decision(who, id, "reject", verdicts, std::nullopt, reasons, "", issues);
}

Result<ActionResult> Applications::review_decision(const Caller& who, int64_t id,
                                                   const std::string& action,
                                                   const std::vector<workflow::Verdict>& verdicts,
                                                   std::optional<int64_t> amount,
                                                   const std::vector<std::string>& reasons,
                                                   const std::string& note, Issues* issues) {
  Clocked c = when(who);
  std::optional<ActionResult> out;
  Issues local;
  Status st = platform_.db().transaction([&](store::Tx& tx) -> Status {
    local.clear();
    auto a = store::get_application(tx, id);
    if (!a.ok()) return a.error();
    if (!*a) return Error("application.not_found", fmt::format("没有找到申请 {}", id));
    store::ApplicationRow app = **a;
    auto s = status_of(app);
    bool approving = action == "approve";
    if (!s || !workflow::allowed(*s, approving ? AppAction::kApprove : AppAction::kReject))
      return state_error(app, approving ? "审核通过" : "不予通过");
    auto items = workflow::checklist_from_json(
        json::parse(app.checklist.empty() ? "[]" : app.checklist, nullptr, false));
    local = workflow::apply_verdicts(items, verdicts, who.actor.user_id, who.name, c.ts);
    if (has_errors(local)) return Error("application.invalid", "核查结论有误");
    bool award_item =
        std::any_of(items.begin(), items.end(), [](const auto& it) { return it.key == "award"; });
    if (amount && !award_item) {
      local.push_back({Severity::kError, "application.invalid",
                       "本申请的奖励金额由政策公式按数据计算，不能人工核定", 0, 0, 0, "amount"});
      return Error("application.invalid", "本申请的奖励金额由政策公式按数据计算，不能人工核定");
    }
    auto pol = policy_in(tx, app.policy_id, app.policy_version);
    if (!pol.ok()) return pol.error();
    const portrait::Policy& p = *pol->policy;
    auto catalog = platform_.catalog();
    ZHIDA_ASSIGN_OR_RETURN(
        workflow::DecisionInputs in,
        decision_inputs(tx, *catalog, *pol, app.enterprise_id, app.year, &app, c, app.submitted_at));
    in.kind = workflow::DecisionKind::kReview;
    in.decided_by = who.actor.user_id;
    in.decided_by_name = who.name.empty() ? who.actor.username : who.name;
    in.decided_by_role = who.actor.role;
    in.published = pol->status == "published";
    in.action = action;
    in.verdicts = workflow::verdicts_of(items);
    in.reviewer_fen = amount;
    in.reasons = reasons;
    in.note = note;
    auto r = workflow::decide(p, *catalog, in);
    if (!r.ok()) return r.error();
    if (approving && r->outcome != "approved") {
      for (const auto& reason : r->reasons)
        local.push_back({Severity::kError, "review.cannot_approve", reason, 0, 0, 0, ""});
      return Error("review.cannot_approve", "尚不能审核通过：" + join(r->reasons, "；"));
    }

    // The highest award of an exclusivity group replaces earlier, unpaid ones.
    if (approving)
      for (int64_t sid : r->money.exclusivity.superseded) {
        auto other = store::get_application(tx, sid);
        if (!other.ok()) return other.error();
        if (!*other) continue;
        store::ApplicationRow o = **other;
        auto os = status_of(o);
        if (!os || !workflow::allowed(*os, AppAction::kSupersede)) continue;
        std::string ofrom = o.status;
        std::string why = fmt::format("同一事项不重复支持：已由更高奖励（申请 {}，{} 元）取代",
                                      app.id, workflow::fen_text(r->money.award_fen));
        o.status = workflow::status_name(AppStatus::kRejected);
        o.reasons = json(std::vector<std::string>{why}).dump();
        o.decided_at = c.ts;
        o.updated_at = c.ts;
        ZHIDA_TRY(store::update_application(tx, o));
        ZHIDA_TRY(event(tx, who, o, "supersede", ofrom,
                        json({{"by_application", app.id}, {"reason", why}}), c.ts));
        auto opp = platform_.policy(o.policy_id);
        ZHIDA_TRY(notify(tx, o, opp ? opp->policy->name : "", "application.rejected",
                         "application_rejected", fmt::format("application:{}:superseded", o.id),
                         {{"reason", why}}, c.ts));
        ZHIDA_TRY(audit(tx, platform_.clock(), who, c.ts, "application.supersede", o,
                        {{"by_application", app.id}}));
        ZHIDA_TRY(changed(tx, o));
      }

    json record = workflow::make_record(in, *r);
    store::DecisionRow d;
    d.application_id = app.id;
    d.kind = "review";
    d.outcome = r->outcome;
    d.instant = false;
    if (approving && r->money.known) d.award_fen = r->money.award_fen;
    d.policy_id = p.id;
    d.policy_version = pol->version;
    d.policy_hash = pol->hash;
    d.record = workflow::canonical(record);
    d.hash = workflow::sha256_hex(d.record);
    d.decided_by = who.actor.user_id;
    d.decided_at = c.ts;
    auto did = store::insert_decision(tx, d);
    if (!did.ok()) return did.error();
    d.id = *did;

    std::string from = app.status;
    app.checklist = workflow::checklist_to_json(items).dump();
    app.status = workflow::status_name(approving ? AppStatus::kApproved : AppStatus::kRejected);
    if (approving) {
      app.award_fen = d.award_fen;
      app.reasons.clear();
    } else {
      app.reasons = json(reasons).dump();
    }
    app.decision_id = d.id;
    app.decided_at = c.ts;
    app.updated_at = c.ts;
    ZHIDA_TRY(store::update_application(tx, app));
    json detail = {{"decision_id", d.id},
                   {"award_fen", opt_fen(d.award_fen)},
                   {"reasons", reasons},
                   {"note", note}};
    ZHIDA_TRY(event(tx, who, app, action, from, detail, c.ts));
    if (approving) {
      ZHIDA_TRY(notify(tx, app, p.name, "application.approved", "application_approved",
                       fmt::format("application:{}:approved", app.id),
                       {{"amount", d.award_fen ? workflow::fen_text(*d.award_fen) : ""}}, c.ts));
    } else {
      ZHIDA_TRY(notify(tx, app, p.name, "application.rejected", "application_rejected",
                       fmt::format("application:{}:rejected", app.id),
                       {{"reason", join(reasons, "；")}}, c.ts));
    }
    ZHIDA_TRY(audit(tx, platform_.clock(), who, c.ts,
                    approving ? "application.approve" : "application.reject", app, detail));
    ZHIDA_TRY(changed(tx, app));
    out = ActionResult{app.id, app.status, summary_of(d)};
    return Status::Ok();
  });
  if (issues) *issues = local;
  if (!st.ok()) return st.error();
  return *out;
}

Status Applications::advance_in(store::Tx& tx, const Caller& who, int64_t id, AppAction action,
                                const json& detail) {
  Clocked c = when(who);
  if (action != AppAction::kPublicize && action != AppAction::kDisburse &&
      action != AppAction::kSupersede)
    return Error("application.state", "资金流程只能将申请推进到公示、拨付或撤销");
  auto a = store::get_application(tx, id);
  if (!a.ok()) return a.error();
  if (!*a) return Error("application.not_found", fmt::format("没有找到申请 {}", id));
  store::ApplicationRow app = **a;
  auto s = status_of(app);
  if (!s || !workflow::allowed(*s, action))
    return state_error(app, action == AppAction::kPublicize  ? "进入公示"
                            : action == AppAction::kDisburse ? "拨付"
                                                             : "撤销");
  std::string from = app.status;
  AppStatus to = action == AppAction::kPublicize  ? AppStatus::kPublicity
                 : action == AppAction::kDisburse ? AppStatus::kDisbursed
                                                  : AppStatus::kRejected;
  app.status = workflow::status_name(to);
  app.updated_at = c.ts;
  if (to == AppStatus::kRejected) {
    std::string reason =
        detail.is_object() && detail.contains("reason") && detail["reason"].is_string()
            ? detail["reason"].get<std::string>()
            : "资助已撤销";
    app.reasons = json(std::vector<std::string>{reason}).dump();
    app.decided_at = c.ts;
  }
  ZHIDA_TRY(store::update_application(tx, app));
  ZHIDA_TRY(event(tx, who, app, workflow::action_name(action), from, detail, c.ts));
  return changed(tx, app);
}

// ---------------------------------------------------------------- budget

Result<json> Applications::budget(const std::string& policy_id, std::optional<int> year_in) const {
  Clocked c = when(Caller{});
  json out;
  Status st = platform_.db().transaction(
      [&](store::Tx& tx) -> Status {
        auto pol = policy_in(tx, policy_id, std::nullopt);
        if (!pol.ok()) return pol.error();
        const portrait::Policy& p = *pol->policy;
        int year = year_in.value_or(p.reference_year.value_or(civil_from_days(c.today).year));
        auto awards = store::policy_awards(tx, policy_id, year);
        if (!awards.ok()) return awards.error();
        std::optional<int64_t> budget;
        if (p.budget) budget = workflow::to_fen(*p.budget);
        std::vector<int64_t> requested;
        int64_t committed = 0;
        for (const auto& h : *awards) {
          requested.push_back(h.fen);
          committed += h.fen;
        }
        std::vector<int64_t> allocated =
            budget ? workflow::allocate(p.budget_mode, *budget, requested) : requested;
        json items = json::array();
        int64_t total = 0;
        for (size_t i = 0; i < awards->size(); ++i) {
          const auto& h = (*awards)[i];
          total += allocated[i];
          items.push_back({{"application_id", h.application_id},
                           {"enterprise_id", h.enterprise_id},
                           {"enterprise_name", enterprise_name(h.enterprise_id)},
                           {"status", h.status},
                           {"decided_at", h.decided_at},
                           {"award_fen", h.fen},
                           {"allocated_fen", allocated[i]},
                           {"cut_fen", h.fen - allocated[i]}});
        }
        out = {
            {"policy_id", policy_id},
            {"policy_name", p.name},
            {"year", year},
            {"mode", p.budget_mode == portrait::BudgetMode::kProRata ? "pro_rata" : "first_come"},
            {"budget_fen", opt_fen(budget)},
            {"budget", opt_yuan(budget)},
            {"committed_fen", committed},
            {"committed", workflow::fen_text(committed)},
            {"remaining_fen",
             budget ? json(std::max<int64_t>(0, *budget - committed)) : json(nullptr)},
            {"over_budget", budget ? committed > *budget : false},
            {"allocated_total_fen", total},
            {"awards", items}};
        return Status::Ok();
      },
      store::Mode::kRead);
  if (!st.ok()) return st.error();
  return out;
}

// ---------------------------------------------------------------- materials

Result<store::MaterialUpload> Applications::upload(const Caller& who, int64_t enterprise_id,
                                                   const std::string& file_name_in,
                                                   const std::string& bytes) {
  if (bytes.size() > workflow::kMaxMaterialBytes)
    return Error("material.too_large", workflow::check_material(bytes));
  if (bytes.empty()) return Error("material.invalid", "文件是空的");
  auto type = workflow::sniff_file_type(bytes);
  if (!type) return Error("material.unsupported_type", workflow::check_material(bytes));
  bool exists = platform_.read(
      [&](const portrait::EnterpriseTable& t) { return t.row_of(enterprise_id).has_value(); });
  if (!exists) return Error("enterprise.not_found", fmt::format("没有找到企业 {}", enterprise_id));
  Clocked c = when(who);
  // A name without directories or control characters, at most 120 code points.
  std::string name = fs::path(file_name_in).filename().string();
  name.erase(std::remove_if(name.begin(), name.end(),
                            [](char ch) { return static_cast<unsigned char>(ch) < 0x20; }),
             name.end());
  if (name.size() > 240) name = name.substr(0, 240);
  while (!name.empty() && (static_cast<unsigned char>(name.back()) & 0xC0) == 0x80) name.pop_back();
  if (!name.empty() && static_cast<unsigned char>(name.back()) >= 0xC0) name.pop_back();
  if (name.empty()) name = "材料" + type->ext;
  std::string sha = workflow::sha256_hex(bytes);
  std::string path = material_path(sha);
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    fs::create_directories(fs::path(path).parent_path(), ec);
    if (ec) return Error("material.io", fmt::format("无法创建材料目录：{}", ec.message()));
    std::string tmp = fmt::format("{}.tmp.{}.{}", path, getpid(),
                                  std::hash<std::thread::id>{}(std::this_thread::get_id()));
    {
      std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
      f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
      f.flush();
      if (!f) return Error("material.io", "写入材料文件失败");
    }
    // Durable before the database refers to it.
    if (FILE* fp = std::fopen(tmp.c_str(), "rb")) {
      fsync(fileno(fp));
      std::fclose(fp);
    }
    fs::rename(tmp, path, ec);
    if (ec) return Error("material.io", fmt::format("保存材料文件失败：{}", ec.message()));
  }
  store::MaterialUpload u;
  u.sha256 = sha;
  u.enterprise_id = enterprise_id;
  u.file_name = name;
  u.size = static_cast<int64_t>(bytes.size());
  u.kind = type->kind;
  u.mime = type->mime;
  u.uploaded_by = who.actor.user_id;
  u.uploaded_at = c.ts;
  std::optional<store::MaterialUpload> out;
  Status st = platform_.db().transaction([&](store::Tx& tx) -> Status {
    auto r = store::add_material_upload(tx, u);
    if (!r.ok()) return r.error();
    out = *r;
    store::AuditRecord rec =
        audit_record(platform_.clock(), who.actor, "material.upload", "enterprise",
                     std::to_string(enterprise_id),
                     {{"upload_id", r->id}, {"sha256", sha}, {"size", u.size}, {"kind", u.kind}});
    rec.time = c.ts;
    auto e = store::append_audit(tx, rec);
    if (!e.ok()) return e.error();
    return Status::Ok();
  });
  if (!st.ok()) return st.error();
  return *out;
}

Result<std::optional<std::pair<store::MaterialUpload, std::string>>> Applications::material(
    int64_t upload_id) const {
  std::optional<store::MaterialUpload> u;
  Status st = platform_.db().transaction(
      [&](store::Tx& tx) -> Status {
        auto r = store::get_material_upload(tx, upload_id);
        if (!r.ok()) return r.error();
        u = *r;
        return Status::Ok();
      },
      store::Mode::kRead);
  if (!st.ok()) return st.error();
  if (!u) return std::optional<std::pair<store::MaterialUpload, std::string>>();
  std::ifstream f(material_path(u->sha256), std::ios::binary);
  if (!f) return Error("material.io", "材料文件不在存储目录中");
  std::ostringstream ss;
  ss << f.rdbuf();
  std::string bytes = ss.str();
  if (workflow::sha256_hex(bytes) != u->sha256)
    return Error("material.io", "材料文件已损坏（内容与哈希不符）");
  return std::optional<std::pair<store::MaterialUpload, std::string>>(
      std::make_pair(std::move(*u), std::move(bytes)));
}

// ---------------------------------------------------------------- reminders

Result<int> Applications::send_reminders() {
  Clocked c = when(Caller{});
  std::vector<store::ApplicationRow> open;
  Status st = platform_.db().transaction(
      [&](store::Tx& tx) -> Status {
        auto rows = store::unreminded_open_applications(tx, 5000);
        if (!rows.ok()) return rows.error();
        open = std::move(*rows);
        return Status::Ok();
      },
      store::Mode::kRead);
  if (!st.ok()) return st.error();
  int sent = 0;
  Caller system;
  system.actor = Actor::system("reminder");
  system.name = "系统";
  for (const auto& row : open) {
    auto pp = platform_.policy(row.policy_id);
    if (!pp || !pp->policy->window.end) continue;
    int32_t end = *pp->policy->window.end;
    int32_t left = end - c.today;
    if (left < 0 || left > options_.reminder_days) continue;
    bool did = false;
    Status one = platform_.db().transaction([&](store::Tx& tx) -> Status {
      did = false;
      auto a = store::get_application(tx, row.id);
      if (!a.ok()) return a.error();
      if (!*a || !(*a)->reminded_at.empty()) return Status::Ok();
      auto s = status_of(**a);
      if (!s || !workflow::editable(*s)) return Status::Ok();
      const auto& app = **a;
      std::string deadline = format_date(end);
      std::string title = fmt::format("“{}”申报即将截止", pp->policy->name);
      std::string body = fmt::format("贵企业的申请（{}）尚未提交，申报将于 {} 截止，请尽快完成。",
                                     workflow::status_name_zh(*s), deadline);
      ZHIDA_TRY(notify(tx, app, pp->policy->name, "application.reminder", "application_reminder",
                       fmt::format("application:{}:reminder:{}", app.id, deadline),
                       {{"deadline", deadline}, {"title", title}, {"body", body}}, c.ts));
      ZHIDA_TRY(store::mark_reminded(tx, app.id, c.ts));
      ZHIDA_TRY(event(tx, system, app, "remind", app.status, json({{"deadline", deadline}}), c.ts));
      did = true;
      return Status::Ok();
    });
    if (!one.ok()) return one.error();
    if (did) ++sent;
  }
  return sent;
}

}  // namespace zhida::services
