#include "services/funds/funds.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>

#include "base/date.h"
#include "base/utf8.h"
#include "services/funds/sheet.h"
#include "services/matching/matching.h"
#include "store/notifications_store.h"
#include "store/workflow_store.h"
#include "workflow/application.h"
#include "workflow/money.h"

namespace zhida::services {

using nlohmann::json;

struct Funds::Hook {
  std::mutex mu;
  Funds* self = nullptr;
};

namespace {

Error not_found(const std::string& what) {
  return Error("funds.not_found", fmt::format("没有找到该{}", what));
}
Error invalid(std::string why) {
  return Error("funds.invalid", std::move(why));
}
Error state(std::string why) {
  return Error("funds.state", std::move(why));
}

const char* mode_name(portrait::BudgetMode m) {
  return m == portrait::BudgetMode::kProRata ? "pro_rata" : "first_come";
}

std::string yuan(int64_t fen) {
  return workflow::fen_text(fen);
}

std::vector<store::ApplicationRow> filter_year(std::vector<store::ApplicationRow> rows,
                                               std::optional<int> year) {
  if (!year) return rows;
  std::erase_if(rows, [&](const store::ApplicationRow& a) { return a.year != *year; });
  return rows;
}

// The policy's display name and money settings, from the version in force
// (a closed policy: its id and no budget).
struct PolicyInfo {
  std::string name;
  int publicity_days = 5;
  portrait::BudgetMode mode = portrait::BudgetMode::kFirstCome;
  std::optional<int64_t> budget_fen;
  bool auto_grant = false;
};

PolicyInfo policy_info(const Platform& platform, const std::string& id) {
  PolicyInfo out;
  out.name = id;
  if (auto pp = platform.policy(id)) {
    const portrait::Policy& p = *pp->policy;
    out.name = p.name;
    out.publicity_days = p.publicity_days > 0 ? p.publicity_days : 5;
    out.mode = p.budget_mode;
    if (p.budget) out.budget_fen = workflow::to_fen(*p.budget);
    out.auto_grant = p.auto_grant;
  }
  return out;
}

Status notify(store::Tx& tx, const std::string& now, int64_t enterprise_id, const std::string& kind,
              const std::string& template_id, const std::string& dedup, int64_t application_id,
              const std::string& policy_id,
              std::vector<std::pair<std::string, std::string>> params) {
  store::Notification n;
  n.kind = kind;
  n.enterprise_id = enterprise_id;
  n.template_id = template_id;
  n.params = std::move(params);
  n.application_id = application_id;
  n.policy_id = policy_id;
  n.link = application_id ? fmt::format("/applications/{}", application_id) : "";
  n.dedup_key = dedup;
  n.created_at = now;
  auto r = store::enqueue_notification(tx, n);
  if (!r.ok()) return r.error();
  return Status::Ok();
}

json list_json(const store::PublicityList& l) {
  return {{"id", l.id},
          {"policy_id", l.policy_id},
          {"policy_name", l.policy_name},
          {"year", l.year},
          {"title", l.title},
          {"start_on", l.start_on},
          {"end_on", l.end_on},
          {"days", l.days},
          {"status", l.status},
          {"entries", l.entries},
          {"amount", yuan(l.amount_fen)},
          {"open_objections", l.open_objections},
          {"created_at", l.created_at},
          {"closed_at", l.closed_at.empty() ? json(nullptr) : json(l.closed_at)}};
}

json objection_json(const store::Objection& o) {
  return {{"id", o.id},
          {"list_id", o.list_id},
          {"application_id", o.application_id},
          {"enterprise_id", o.enterprise_id},
          {"lodged_by_name", o.lodged_by_name},
          {"contact", o.contact},
          {"reason", o.reason},
          {"status", o.status},
          {"reply", o.reply},
          {"resolved_at", o.resolved_at.empty() ? json(nullptr) : json(o.resolved_at)},
          {"created_at", o.created_at}};
}

json batch_json(const store::DisbursementBatch& b) {
  auto opt = [](const std::optional<int64_t>& f) { return f ? json(yuan(*f)) : json(nullptr); };
  return {{"id", b.id},
          {"policy_id", b.policy_id},
          {"policy_name", b.policy_name},
          {"year", b.year},
          {"name", b.name},
          {"status", b.status},
          {"budget_mode", b.budget_mode},
          {"budget", opt(b.budget_fen)},
          {"available", opt(b.available_fen)},
          {"requested", yuan(b.requested_fen)},
          {"allocated", b.status == "draft" ? json(nullptr) : json(yuan(b.allocated_fen))},
          {"items", b.items},
          {"created_at", b.created_at},
          {"closed_at", b.closed_at.empty() ? json(nullptr) : json(b.closed_at)},
          {"paid_at", b.paid_at.empty() ? json(nullptr) : json(b.paid_at)}};
}

// 6222 0212 3456 7890 -> 6222********7890
std::string mask_account(const std::string& n) {
  if (n.size() <= 8) return n;
  return n.substr(0, 4) + std::string(n.size() - 8, '*') + n.substr(n.size() - 4);
}

std::string safe_file_name(std::string s) {
  for (char& c : s)
    if (c == '/' || c == '\\' || c == ':' || c == '*' || c == '?' || c == '"' || c == '<' ||
        c == '>' || c == '|')
      c = '_';
  return s;
}

}  // namespace

Funds::Funds(Platform& platform, Applications& applications, FundsOptions options)
    : platform_(platform),
      applications_(applications),
      options_(std::move(options)),
      calendar_(WorkCalendar::china()) {}

Funds::~Funds() {
  stop();
}

std::string Funds::now_text() const {
  return store::format_timestamp(platform_.clock().now());
}

std::string Funds::enterprise_name(int64_t id) const {
  return platform_.read([&](const portrait::EnterpriseTable& t) -> std::string {
    auto row = t.row_of(id);
    const portrait::Attribute* a = t.catalog().attribute("企业名称");
    if (!row || a == nullptr) return fmt::format("企业 {}", id);
    rules::Value v = t.facts(*row).get({a->id, 0});
    return v.kind == rules::Value::Kind::kText ? std::string(v.text) : fmt::format("企业 {}", id);
  });
}

Status Funds::start() {
  if (!options_.holidays_file.empty()) ZHIDA_TRY(calendar_.merge_file(options_.holidays_file));
  {
    std::lock_guard l(mu_);
    stopping_ = false;
  }
  worker_ = std::thread([this] { worker(); });
  if (!options_.auto_grant) return Status::Ok();
  hook_ = std::make_shared<Hook>();
  hook_->self = this;
  auto hook = hook_;
  platform_.on_policy_published([hook](const PublishedPolicyPtr& p) {
    if (!p || !p->policy->auto_grant) return;
    std::lock_guard l(hook->mu);
    if (!hook->self) return;
    Funds* self = hook->self;
    std::string id = p->policy->id;
    self->queue([self, id] {
      Caller system{Actor::system("auto_grant"), "系统（免申即享）", std::nullopt};
      auto r = self->auto_grant(system, id);
      if (!r.ok()) spdlog::error("funds: 免申即享 {}: {}", id, r.error().message);
    });
  });
  platform_.on_facts_changed([hook](const std::vector<int64_t>& ids) {
    std::lock_guard l(hook->mu);
    if (!hook->self) return;
    Funds* self = hook->self;
    self->queue([self, ids] {
      auto r = self->auto_grant_firms(ids);
      if (!r.ok()) spdlog::error("funds: 免申即享 for changed firms: {}", r.error().message);
    });
  });
  return Status::Ok();
}

void Funds::stop() {
  if (hook_) {
    std::lock_guard l(hook_->mu);
    hook_->self = nullptr;
  }
  {
    std::lock_guard l(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (worker_.joinable()) worker_.join();
}

void Funds::queue(std::function<void()> job) {
  {
    std::lock_guard l(mu_);
    jobs_.push_back(std::move(job));
  }
  cv_.notify_all();
}

void Funds::worker() {
  std::unique_lock l(mu_);
  while (true) {
    cv_.wait(l, [&] { return stopping_ || !jobs_.empty(); });
    if (stopping_) return;
    auto job = std::move(jobs_.front());
    jobs_.pop_front();
    ++running_;
    l.unlock();
    job();
    l.lock();
    --running_;
    cv_.notify_all();
  }
}

void Funds::drain() {
  std::unique_lock l(mu_);
  cv_.wait(l, [&] { return stopping_ || (jobs_.empty() && running_ == 0); });
}

// ---- bank accounts

Result<store::BankAccount> Funds::confirm_account(const Caller& who, int64_t application_id,
                                                  const std::optional<BankAccountInput>& input) {
  if (who.actor.role != role_name(Role::kEnterpriseLegal))
    return Error("forbidden", "收款账户须由企业法人确认");
  std::optional<BankAccountInput> in = input;
  if (in) {
    std::string digits;
    for (char c : in->account_number)
      if (c != ' ' && c != '-') digits += c;
    in->account_number = digits;
    int name_len = utf8::length(in->account_name), bank_len = utf8::length(in->bank_name);
    if (name_len == 0 || name_len > 100) return invalid("户名不能为空，且不超过 100 个字");
    if (bank_len == 0 || bank_len > 100) return invalid("开户行不能为空，且不超过 100 个字");
    if (digits.size() < 6 || digits.size() > 32 ||
        digits.find_first_not_of("0123456789") != std::string::npos)
      return invalid("银行账号应为 6 到 32 位数字");
  }
  std::string now = now_text();
  store::BankAccount out;
  ZHIDA_TRY(platform_.db().transaction([&](store::Tx& tx) -> Status {
    ZHIDA_ASSIGN_OR_RETURN(auto app, store::get_application(tx, application_id));
    if (!app) return not_found("申报");
    auto status = workflow::parse_status(app->status);
    if (!status || !workflow::holds_award(*status) || *status == workflow::AppStatus::kDisbursed)
      return state("只有已获批、尚未拨付的资助需要确认收款账户");
    if (in) {
      out.enterprise_id = app->enterprise_id;
      out.account_name = in->account_name;
      out.bank_name = in->bank_name;
      out.account_number = in->account_number;
      out.confirmed_by = who.actor.user_id;
      out.confirmed_by_name = who.name;
      out.confirmed_at = now;
      ZHIDA_ASSIGN_OR_RETURN(out.id, store::insert_bank_account(tx, out));
    } else {
      ZHIDA_ASSIGN_OR_RETURN(auto latest, store::latest_bank_account(tx, app->enterprise_id));
      if (!latest) return invalid("企业还没有登记收款账户，请填写户名、开户行和账号");
      out = *latest;
    }
    ZHIDA_TRY(store::confirm_award_account(
        tx, {application_id, app->enterprise_id, out.id, who.actor.user_id, now}));
    return append_audit(tx, platform_.clock(), who.actor, "funds.account_confirm", "application",
                        std::to_string(application_id),
                        {{"enterprise_id", app->enterprise_id},
                         {"bank_account_id", out.id},
                         {"account", mask_account(out.account_number)}});
  }));
  return out;
}

Result<std::optional<store::BankAccount>> Funds::bank_account(int64_t enterprise_id) {
  std::optional<store::BankAccount> out;
  ZHIDA_TRY(platform_.db().transaction(
      [&](store::Tx& tx) -> Status {
        ZHIDA_ASSIGN_OR_RETURN(out, store::latest_bank_account(tx, enterprise_id));
        return Status::Ok();
      },
      store::Mode::kRead));
  return out;
}

// ---- publicity

Result<store::PublicityList> Funds::create_publicity(const Caller& who, const PublicityInput& in) {
  if (in.policy_id.empty()) return invalid("请指定政策");
  PolicyInfo info = policy_info(platform_, in.policy_id);
  int days = in.days.value_or(info.publicity_days);
  if (days < 1 || days > 60) return invalid("公示期应为 1 到 60 个工作日");
  int32_t today = platform_.clock().today();
  int32_t start = calendar_.next_workday(in.start_on.value_or(today + 1));
  if (start < today) return invalid("公示开始日期不能早于今天");
  int32_t end = calendar_.period_end(start, days);
  std::string now = now_text();
  std::vector<std::pair<store::ApplicationRow, std::string>> chosen;  // with the firm's name
  // Names come from the replica, read outside the transaction.
  std::vector<store::ApplicationRow> candidates;
  ZHIDA_TRY(platform_.db().transaction(
      [&](store::Tx& tx) -> Status {
        store::ApplicationQuery q;
        q.policy_id = in.policy_id;
        q.statuses = {"approved"};
        q.limit = 1000000;
        q.oldest_first = true;
        ZHIDA_ASSIGN_OR_RETURN(candidates, store::list_applications(tx, q));
        return Status::Ok();
      },
      store::Mode::kRead));
  candidates = filter_year(std::move(candidates), in.year);
  if (!in.application_ids.empty())
    std::erase_if(candidates, [&](const store::ApplicationRow& a) {
      return std::find(in.application_ids.begin(), in.application_ids.end(), a.id) ==
             in.application_ids.end();
    });
  for (auto& a : candidates) {
    std::string name = enterprise_name(a.enterprise_id);
    chosen.emplace_back(std::move(a), std::move(name));
  }
  store::PublicityList list;
  list.policy_id = in.policy_id;
  list.policy_name = info.name;
  list.year = in.year.value_or(chosen.empty() ? 0 : chosen.front().first.year);
  list.title = in.title.empty() ? fmt::format("“{}”拟资助名单公示", info.name) : in.title;
  list.start_on = format_date(start);
  list.end_on = format_date(end);
  list.days = days;
  list.status = "open";
  list.created_by = who.actor.user_id;
  list.created_at = now;
  ZHIDA_TRY(platform_.db().transaction([&](store::Tx& tx) -> Status {
    ZHIDA_ASSIGN_OR_RETURN(list.id, store::insert_publicity_list(tx, list));
    int64_t n = 0;
    for (const auto& [app, name] : chosen) {
      ZHIDA_ASSIGN_OR_RETURN(auto fresh, store::get_application(tx, app.id));
      if (!fresh || fresh->status != "approved") continue;  // moved on since
      ZHIDA_ASSIGN_OR_RETURN(auto listed, store::publicity_entry_of(tx, app.id));
      if (listed) continue;
      int64_t fen = fresh->award_fen.value_or(0);
      ZHIDA_TRY(store::insert_publicity_entry(
          tx, {list.id, app.id, app.enterprise_id, name, fen, "listed"}));
      ZHIDA_TRY(applications_.advance_in(
          tx, who, app.id, workflow::AppAction::kPublicize,
          {{"publicity_id", list.id}, {"start_on", list.start_on}, {"end_on", list.end_on}}));
      ZHIDA_TRY(notify(tx, now, app.enterprise_id, "funds.publicity_started", "publicity_started",
                       fmt::format("publicity:{}:{}", list.id, app.id), app.id, in.policy_id,
                       {{"policy_name", info.name},
                        {"amount", yuan(fen)},
                        {"start", list.start_on},
                        {"end", list.end_on},
                        {"application_id", std::to_string(app.id)}}));
      ++n;
    }
    if (n == 0) return invalid("该政策没有待公示的获批资助");
    return append_audit(tx, platform_.clock(), who.actor, "funds.publicity_create", "publicity",
                        std::to_string(list.id),
                        {{"policy_id", in.policy_id},
                         {"entries", n},
                         {"start_on", list.start_on},
                         {"end_on", list.end_on}});
  }));
  ZHIDA_ASSIGN_OR_RETURN(auto stored, publicity_lists("", in.policy_id, 1, 0));
  for (const auto& l : stored)
    if (l.id == list.id) return l;
  return list;
}

Result<std::vector<store::PublicityList>> Funds::publicity_lists(const std::string& status,
                                                                 const std::string& policy_id,
                                                                 int limit, int offset) {
  std::vector<store::PublicityList> out;
  ZHIDA_TRY(platform_.db().transaction(
      [&](store::Tx& tx) -> Status {
        ZHIDA_ASSIGN_OR_RETURN(out, store::list_publicity(tx, status, policy_id, limit, offset));
        return Status::Ok();
      },
      store::Mode::kRead));
  return out;
}

Result<std::optional<json>> Funds::publicity(int64_t id, bool with_objections) {
  std::optional<json> out;
  ZHIDA_TRY(platform_.db().transaction(
      [&](store::Tx& tx) -> Status {
        ZHIDA_ASSIGN_OR_RETURN(auto l, store::get_publicity_list(tx, id));
        if (!l) return Status::Ok();
        json j = list_json(*l);
        ZHIDA_ASSIGN_OR_RETURN(auto entries, store::publicity_entries(tx, id));
        json items = json::array();
        for (const auto& e : entries)
          items.push_back({{"application_id", e.application_id},
                           {"enterprise_id", e.enterprise_id},
                           {"enterprise_name", e.enterprise_name},
                           {"amount", yuan(e.amount_fen)},
                           {"status", e.status}});
        j["items"] = items;
        if (with_objections) {
          ZHIDA_ASSIGN_OR_RETURN(auto os, store::list_objections(tx, "", id, 10000, 0));
          json oj = json::array();
          for (const auto& o : os) oj.push_back(objection_json(o));
          j["objections"] = oj;
        }
        out = std::move(j);
        return Status::Ok();
      },
      store::Mode::kRead));
  return out;
}

Result<store::Objection> Funds::lodge_objection(const Caller& who, int64_t list_id,
                                                int64_t application_id, const std::string& reason,
                                                const std::string& contact) {
  int len = utf8::length(reason);
  if (len < 5 || len > 2000) return invalid("异议理由应为 5 到 2000 个字");
  if (utf8::length(contact) > 100) return invalid("联系方式不超过 100 个字");
  std::string now = now_text();
  std::string today = format_date(platform_.clock().today());
  store::Objection o;
  ZHIDA_TRY(platform_.db().transaction([&](store::Tx& tx) -> Status {
    ZHIDA_ASSIGN_OR_RETURN(auto l, store::get_publicity_list(tx, list_id));
    if (!l) return not_found("公示");
    if (l->status != "open" || today < l->start_on || today > l->end_on)
      return state(fmt::format("只能在公示期内（{} 至 {}）提出异议", l->start_on, l->end_on));
    ZHIDA_ASSIGN_OR_RETURN(auto entries, store::publicity_entries(tx, list_id));
    auto e = std::find_if(entries.begin(), entries.end(), [&](const store::PublicityEntry& x) {
      return x.application_id == application_id;
    });
    if (e == entries.end()) return not_found("公示名单中的企业");
    if (e->status != "listed") return state("该资助已不在公示中");
    o.list_id = list_id;
    o.application_id = application_id;
    o.enterprise_id = e->enterprise_id;
    o.lodged_by = who.actor.user_id;
    o.lodged_by_name = who.name;
    o.contact = contact;
    o.reason = reason;
    o.status = "open";
    o.created_at = now;
    ZHIDA_ASSIGN_OR_RETURN(o.id, store::insert_objection(tx, o));
    ZHIDA_TRY(notify(
        tx, now, e->enterprise_id, "funds.objection_lodged", "objection_lodged",
        fmt::format("objection:{}:lodged", o.id), application_id, l->policy_id,
        {{"policy_name", l->policy_name}, {"application_id", std::to_string(application_id)}}));
    return append_audit(tx, platform_.clock(), who.actor, "funds.objection_lodge", "application",
                        std::to_string(application_id),
                        {{"objection_id", o.id}, {"publicity_id", list_id}});
  }));
  return o;
}

Result<std::vector<store::Objection>> Funds::objections(const std::string& status, int64_t list_id,
                                                        int limit, int offset) {
  std::vector<store::Objection> out;
  ZHIDA_TRY(platform_.db().transaction(
      [&](store::Tx& tx) -> Status {
        ZHIDA_ASSIGN_OR_RETURN(out, store::list_objections(tx, status, list_id, limit, offset));
        return Status::Ok();
      },
      store::Mode::kRead));
  return out;
}

Result<store::Objection> Funds::resolve_objection(const Caller& who, int64_t objection_id,
                                                  bool upheld, const std::string& reply) {
  int len = utf8::length(reply);
  if (len < 2 || len > 2000) return invalid("处理意见应为 2 到 2000 个字");
  std::string now = now_text();
  store::Objection out;
  ZHIDA_TRY(platform_.db().transaction([&](store::Tx& tx) -> Status {
    ZHIDA_ASSIGN_OR_RETURN(auto o, store::get_objection(tx, objection_id));
    if (!o) return not_found("异议");
    ZHIDA_ASSIGN_OR_RETURN(auto l, store::get_publicity_list(tx, o->list_id));
    if (!l) return not_found("公示");
    ZHIDA_ASSIGN_OR_RETURN(
        bool changed, store::resolve_objection(tx, objection_id, upheld ? "upheld" : "dismissed",
                                               reply, who.actor.user_id, now));
    if (!changed) return state("该异议已处理");
    if (upheld) {
      ZHIDA_TRY(store::set_publicity_entry_status(tx, o->list_id, o->application_id, "withdrawn"));
      ZHIDA_ASSIGN_OR_RETURN(auto app, store::get_application(tx, o->application_id));
      if (app && app->status == "publicity")
        ZHIDA_TRY(applications_.advance_in(
            tx, who, o->application_id, workflow::AppAction::kSupersede,
            {{"reason", "公示异议成立"}, {"objection_id", o->id}, {"reply", reply}}));
    }
    ZHIDA_TRY(notify(tx, now, o->enterprise_id, "funds.objection_resolved", "objection_resolved",
                     fmt::format("objection:{}:resolved", o->id), o->application_id, l->policy_id,
                     {{"policy_name", l->policy_name},
                      {"outcome", upheld ? "异议成立，资助撤销" : "异议不成立，资助维持"},
                      {"reply", reply},
                      {"application_id", std::to_string(o->application_id)}}));
    ZHIDA_TRY(
        append_audit(tx, platform_.clock(), who.actor, "funds.objection_resolve", "application",
                     std::to_string(o->application_id),
                     {{"objection_id", o->id}, {"outcome", upheld ? "upheld" : "dismissed"}}));
    ZHIDA_ASSIGN_OR_RETURN(auto fresh, store::get_objection(tx, objection_id));
    out = *fresh;
    return Status::Ok();
  }));
  return out;
}

Result<store::PublicityList> Funds::close_publicity(const Caller& who, int64_t id) {
  std::string now = now_text();
  std::string today = format_date(platform_.clock().today());
  store::PublicityList out;
  ZHIDA_TRY(platform_.db().transaction([&](store::Tx& tx) -> Status {
    ZHIDA_ASSIGN_OR_RETURN(auto l, store::get_publicity_list(tx, id));
    if (!l) return not_found("公示");
    if (l->status != "open") return state("该公示已结束");
    if (today <= l->end_on)
      return state(fmt::format("公示期到 {} 结束，期满后才能结束公示", l->end_on));
    if (l->open_objections > 0)
      return state(fmt::format("还有 {} 条异议未处理", l->open_objections));
    ZHIDA_ASSIGN_OR_RETURN(auto entries, store::publicity_entries(tx, id));
    int64_t passed = 0;
    for (const auto& e : entries) {
      if (e.status != "listed") continue;
      ZHIDA_TRY(store::set_publicity_entry_status(tx, id, e.application_id, "passed"));
      ++passed;
      ZHIDA_ASSIGN_OR_RETURN(auto confirmed, store::award_account(tx, e.application_id));
      if (!confirmed)
        ZHIDA_TRY(notify(
            tx, now, e.enterprise_id, "funds.account_confirm", "disbursement_account_confirm",
            fmt::format("account_confirm:{}", e.application_id), e.application_id, l->policy_id,
            {{"policy_name", l->policy_name},
             {"amount", yuan(e.amount_fen)},
             {"application_id", std::to_string(e.application_id)}}));
    }
    ZHIDA_TRY(store::close_publicity_list(tx, id, who.actor.user_id, now));
    ZHIDA_TRY(append_audit(tx, platform_.clock(), who.actor, "funds.publicity_close", "publicity",
                           std::to_string(id), {{"passed", passed}}));
    ZHIDA_ASSIGN_OR_RETURN(auto fresh, store::get_publicity_list(tx, id));
    out = *fresh;
    return Status::Ok();
  }));
  return out;
}

Result<std::pair<std::string, std::string>> Funds::publicity_xlsx(int64_t id) {
  std::optional<store::PublicityList> l;
  std::vector<store::PublicityEntry> entries;
  ZHIDA_TRY(platform_.db().transaction(
      [&](store::Tx& tx) -> Status {
        ZHIDA_ASSIGN_OR_RETURN(l, store::get_publicity_list(tx, id));
        if (!l) return Status::Ok();
        ZHIDA_ASSIGN_OR_RETURN(entries, store::publicity_entries(tx, id));
        return Status::Ok();
      },
      store::Mode::kRead));
  if (!l) return not_found("公示");
  static const std::map<std::string, std::string> kStatus = {
      {"listed", "公示中"}, {"passed", "公示通过"}, {"withdrawn", "异议成立，已撤销"}};
  Sheet s;
  s.name = "公示名单";
  s.title = l->title;
  s.notes = {fmt::format("政策：{}（{}）　年度：{}", l->policy_name, l->policy_id, l->year),
             fmt::format("公示期：{} 至 {}（{} 个工作日）　状态：{}", l->start_on, l->end_on,
                         l->days, l->status == "open" ? "公示中" : "已结束")};
  s.columns = {{"序号", 7},
               {"申报编号", 11},
               {"企业编号", 11},
               {"企业名称", 40},
               {"资助金额（元）", 18, true},
               {"状态", 16}};
  int n = 0;
  for (const auto& e : entries) {
    auto st = kStatus.find(e.status);
    s.rows.push_back({SheetCell(std::optional<int64_t>(++n)),
                      SheetCell(std::optional<int64_t>(e.application_id)),
                      SheetCell(std::optional<int64_t>(e.enterprise_id)),
                      SheetCell(e.enterprise_name), SheetCell(std::optional<int64_t>(e.amount_fen)),
                      SheetCell(st == kStatus.end() ? e.status : st->second)});
  }
  s.total = true;
  ZHIDA_ASSIGN_OR_RETURN(std::string bytes, write_xlsx(s));
  return std::make_pair(std::move(bytes), safe_file_name(fmt::format("{}-公示名单-{}.xlsx",
                                                                     l->policy_name, l->start_on)));
}

// ---- disbursement

Result<store::DisbursementBatch> Funds::create_batch(const Caller& who,
                                                     const std::string& policy_id,
                                                     std::optional<int> year,
                                                     const std::string& name) {
  if (policy_id.empty()) return invalid("请指定政策");
  if (utf8::length(name) > 100) return invalid("批次名称不超过 100 个字");
  PolicyInfo info = policy_info(platform_, policy_id);
  std::string now = now_text();
  store::DisbursementBatch b;
  ZHIDA_TRY(platform_.db().transaction([&](store::Tx& tx) -> Status {
    store::ApplicationQuery q;
    q.policy_id = policy_id;
    q.statuses = {"publicity"};
    q.limit = 1000000;
    q.oldest_first = true;
    ZHIDA_ASSIGN_OR_RETURN(auto apps, store::list_applications(tx, q));
    std::vector<store::DisbursementItem> items;
    std::optional<int> batch_year = year;
    for (const auto& a : apps) {
      if (batch_year && a.year != *batch_year) continue;
      ZHIDA_ASSIGN_OR_RETURN(auto entry, store::publicity_entry_of(tx, a.id));
      if (!entry || entry->status != "passed") continue;
      ZHIDA_ASSIGN_OR_RETURN(auto confirmed, store::award_account(tx, a.id));
      if (!confirmed) continue;
      ZHIDA_ASSIGN_OR_RETURN(bool batched, store::in_batch(tx, a.id));
      if (batched) continue;
      ZHIDA_ASSIGN_OR_RETURN(auto account, store::get_bank_account(tx, confirmed->bank_account_id));
      if (!account) continue;
      if (!batch_year) batch_year = a.year;
      store::DisbursementItem i;
      i.application_id = a.id;
      i.enterprise_id = a.enterprise_id;
      i.enterprise_name = entry->enterprise_name;
      i.requested_fen = a.award_fen.value_or(0);
      i.bank_account_id = account->id;
      i.account_name = account->account_name;
      i.bank_name = account->bank_name;
      i.account_number = account->account_number;
      i.decided_at = a.decided_at;
      items.push_back(std::move(i));
    }
    if (items.empty())
      return invalid("没有可拨付的资助：需公示通过、企业法人已确认收款账户、且未列入其他批次");
    b.policy_id = policy_id;
    b.policy_name = info.name;
    b.year = *batch_year;
    b.name = name.empty() ? fmt::format("{} {} 年度拨付批次", info.name, *batch_year) : name;
    b.status = "draft";
    b.budget_mode = mode_name(info.mode);
    b.budget_fen = info.budget_fen;
    b.created_by = who.actor.user_id;
    b.created_at = now;
    for (const auto& i : items) b.requested_fen += i.requested_fen;
    ZHIDA_ASSIGN_OR_RETURN(b.id, store::insert_disbursement_batch(tx, b));
    for (auto& i : items) {
      i.batch_id = b.id;
      ZHIDA_TRY(store::insert_disbursement_item(tx, i));
    }
    b.items = static_cast<int64_t>(items.size());
    return append_audit(
        tx, platform_.clock(), who.actor, "funds.batch_create", "batch", std::to_string(b.id),
        {{"policy_id", policy_id}, {"items", b.items}, {"requested_fen", b.requested_fen}});
  }));
  return b;
}

Result<std::vector<store::DisbursementBatch>> Funds::batches(const std::string& status,
                                                             const std::string& policy_id,
                                                             int limit, int offset) {
  std::vector<store::DisbursementBatch> out;
  ZHIDA_TRY(platform_.db().transaction(
      [&](store::Tx& tx) -> Status {
        ZHIDA_ASSIGN_OR_RETURN(
            out, store::list_disbursement_batches(tx, status, policy_id, limit, offset));
        return Status::Ok();
      },
      store::Mode::kRead));
  return out;
}

Result<std::optional<json>> Funds::batch(int64_t id) {
  std::optional<json> out;
  ZHIDA_TRY(platform_.db().transaction(
      [&](store::Tx& tx) -> Status {
        ZHIDA_ASSIGN_OR_RETURN(auto b, store::get_disbursement_batch(tx, id));
        if (!b) return Status::Ok();
        json j = batch_json(*b);
        ZHIDA_ASSIGN_OR_RETURN(auto items, store::disbursement_items_of(tx, id));
        json arr = json::array();
        for (const auto& i : items)
          arr.push_back(
              {{"application_id", i.application_id},
               {"enterprise_id", i.enterprise_id},
               {"enterprise_name", i.enterprise_name},
               {"requested", yuan(i.requested_fen)},
               {"allocated", i.allocated_fen ? json(yuan(*i.allocated_fen)) : json(nullptr)},
               {"reduced", i.allocated_fen && *i.allocated_fen < i.requested_fen},
               {"account_name", i.account_name},
               {"bank_name", i.bank_name},
               {"account_number", mask_account(i.account_number)},
               {"decided_at", i.decided_at}});
        j["item_list"] = arr;
        out = std::move(j);
        return Status::Ok();
      },
      store::Mode::kRead));
  return out;
}

Result<store::DisbursementBatch> Funds::close_batch(const Caller& who, int64_t id) {
  std::string now = now_text();
  store::DisbursementBatch out;
  ZHIDA_TRY(platform_.db().transaction([&](store::Tx& tx) -> Status {
    ZHIDA_ASSIGN_OR_RETURN(auto b, store::get_disbursement_batch(tx, id));
    if (!b) return not_found("拨付批次");
    if (b->status != "draft") return state("该批次已结算");
    ZHIDA_ASSIGN_OR_RETURN(auto items, store::disbursement_items_of(tx, id));
    std::map<int64_t, int64_t> allocation;
    std::optional<int64_t> available;
    if (!b->budget_fen) {
      for (const auto& i : items) allocation[i.application_id] = i.requested_fen;
    } else {
      // The policy-year's awards not paid yet, in decision order; the budget
      // left after earlier batches is shared among them by the policy's rule.
      ZHIDA_ASSIGN_OR_RETURN(auto held, store::policy_awards(tx, b->policy_id, b->year));
      ZHIDA_ASSIGN_OR_RETURN(int64_t spent, store::allocated_fen(tx, b->policy_id, b->year));
      available = std::max<int64_t>(0, *b->budget_fen - spent);
      std::vector<int64_t> ids, requested;
      for (const auto& h : held) {
        if (h.status == "disbursed") continue;
        ZHIDA_ASSIGN_OR_RETURN(auto already, store::allocation_of(tx, h.application_id));
        if (already) continue;
        ids.push_back(h.application_id);
        requested.push_back(h.fen);
      }
      for (const auto& i : items)  // every item is held; guard against a stale list
        if (std::find(ids.begin(), ids.end(), i.application_id) == ids.end()) {
          ids.push_back(i.application_id);
          requested.push_back(i.requested_fen);
        }
      auto mode = b->budget_mode == "pro_rata" ? portrait::BudgetMode::kProRata
                                               : portrait::BudgetMode::kFirstCome;
      std::vector<int64_t> shares = workflow::allocate(mode, *available, requested);
      for (size_t k = 0; k < ids.size(); ++k) allocation[ids[k]] = shares[k];
    }
    int64_t total = 0;
    for (const auto& i : items) {
      int64_t fen = std::min(allocation[i.application_id], i.requested_fen);
      ZHIDA_TRY(store::set_batch_item_allocation(tx, id, i.application_id, fen));
      total += fen;
    }
    ZHIDA_TRY(store::close_disbursement_batch(tx, id, available, total, who.actor.user_id, now));
    ZHIDA_TRY(append_audit(tx, platform_.clock(), who.actor, "funds.batch_close", "batch",
                           std::to_string(id),
                           {{"budget_mode", b->budget_mode},
                            {"available_fen", available ? json(*available) : json(nullptr)},
                            {"requested_fen", b->requested_fen},
                            {"allocated_fen", total}}));
    ZHIDA_ASSIGN_OR_RETURN(auto fresh, store::get_disbursement_batch(tx, id));
    out = *fresh;
    return Status::Ok();
  }));
  return out;
}

Result<store::DisbursementBatch> Funds::pay_batch(const Caller& who, int64_t id) {
  std::string now = now_text();
  store::DisbursementBatch out;
  ZHIDA_TRY(platform_.db().transaction([&](store::Tx& tx) -> Status {
    ZHIDA_ASSIGN_OR_RETURN(auto b, store::get_disbursement_batch(tx, id));
    if (!b) return not_found("拨付批次");
    if (b->status != "closed")
      return state(b->status == "draft" ? "批次须先结算再拨付" : "该批次已拨付");
    ZHIDA_ASSIGN_OR_RETURN(auto items, store::disbursement_items_of(tx, id));
    for (const auto& i : items) {
      int64_t fen = i.allocated_fen.value_or(0);
      if (fen <= 0) continue;  // nothing left in the budget for it: stays unpaid
      ZHIDA_TRY(applications_.advance_in(tx, who, i.application_id, workflow::AppAction::kDisburse,
                                         {{"batch_id", id},
                                          {"allocated_fen", fen},
                                          {"requested_fen", i.requested_fen},
                                          {"reduced", fen < i.requested_fen}}));
      std::string note = fen < i.requested_fen
                             ? fmt::format("因预算不足按{}核减，核定 {} 元，实拨 {} 元。",
                                           b->budget_mode == "pro_rata" ? "比例" : "先后顺序",
                                           yuan(i.requested_fen), yuan(fen))
                             : "";
      ZHIDA_TRY(notify(tx, now, i.enterprise_id, "funds.paid", "disbursement_paid",
                       fmt::format("paid:{}", i.application_id), i.application_id, b->policy_id,
                       {{"policy_name", b->policy_name},
                        {"amount", yuan(fen)},
                        {"account", mask_account(i.account_number)},
                        {"note", note},
                        {"application_id", std::to_string(i.application_id)}}));
    }
    ZHIDA_TRY(store::mark_disbursement_paid(tx, id, who.actor.user_id, now));
    ZHIDA_TRY(append_audit(tx, platform_.clock(), who.actor, "funds.batch_pay", "batch",
                           std::to_string(id),
                           {{"allocated_fen", b->allocated_fen}, {"items", items.size()}}));
    ZHIDA_ASSIGN_OR_RETURN(auto fresh, store::get_disbursement_batch(tx, id));
    out = *fresh;
    return Status::Ok();
  }));
  return out;
}

Result<std::pair<std::string, std::string>> Funds::batch_xlsx(int64_t id) {
  std::optional<store::DisbursementBatch> b;
  std::vector<store::DisbursementItem> items;
  ZHIDA_TRY(platform_.db().transaction(
      [&](store::Tx& tx) -> Status {
        ZHIDA_ASSIGN_OR_RETURN(b, store::get_disbursement_batch(tx, id));
        if (!b) return Status::Ok();
        ZHIDA_ASSIGN_OR_RETURN(items, store::disbursement_items_of(tx, id));
        return Status::Ok();
      },
      store::Mode::kRead));
  if (!b) return not_found("拨付批次");
  static const std::map<std::string, std::string> kStatus = {
      {"draft", "草稿（未结算）"}, {"closed", "已结算，待拨付"}, {"paid", "已拨付"}};
  Sheet s;
  s.name = "拨付清单";
  s.title = b->name;
  s.notes = {fmt::format("政策：{}（{}）　年度：{}　状态：{}", b->policy_name, b->policy_id,
                         b->year, kStatus.count(b->status) ? kStatus.at(b->status) : b->status),
             fmt::format("预算控制：{}；预算 {} 元；本批结算时可用 {} 元",
                         b->budget_mode == "pro_rata" ? "按比例核减" : "先到先得",
                         b->budget_fen ? yuan(*b->budget_fen) : "未设",
                         b->available_fen ? yuan(*b->available_fen) : "—")};
  s.columns = {{"序号", 7},
               {"申报编号", 11},
               {"企业编号", 11},
               {"企业名称", 36},
               {"户名", 30},
               {"开户行", 24},
               {"账号", 24},
               {"核定金额（元）", 16, true},
               {"拨付金额（元）", 16, true}};
  int n = 0;
  for (const auto& i : items)
    s.rows.push_back(
        {SheetCell(std::optional<int64_t>(++n)),
         SheetCell(std::optional<int64_t>(i.application_id)),
         SheetCell(std::optional<int64_t>(i.enterprise_id)), SheetCell(i.enterprise_name),
         SheetCell(i.account_name), SheetCell(i.bank_name), SheetCell(i.account_number),
         SheetCell(std::optional<int64_t>(i.requested_fen)), SheetCell(i.allocated_fen)});
  s.total = true;
  ZHIDA_ASSIGN_OR_RETURN(std::string bytes, write_xlsx(s));
  return std::make_pair(std::move(bytes),
                        safe_file_name(fmt::format("{}-拨付批次{}.xlsx", b->policy_name, b->id)));
}

// ---- 免申即享

Result<json> Funds::auto_grant(const Caller& who, const std::string& policy_id) {
  auto pp = platform_.policy(policy_id);
  if (!pp) return not_found("在实施的政策");
  if (!pp->policy->auto_grant) return state("该政策不是免申即享政策");
  Matching matching(platform_);
  Matching::Filter f;
  f.verdict = rules::Tri::kTrue;
  f.limit = 0;
  Matching::List list = matching.for_policy(*pp->policy, f);
  int64_t granted = 0, already = 0;
  json refused = json::array();
  std::vector<int64_t> ids;
  ids.reserve(list.items.size());
  for (const auto& item : list.items) ids.push_back(item.enterprise_id);
  auto results = applications_.grant_many(who, ids, policy_id);
  for (size_t i = 0; i < results.size(); ++i) {
    const auto& r = results[i];
    if (r.ok()) {
      ++granted;
    } else if (r.error().code == "application.duplicate") {
      ++already;
    } else if (refused.size() < 100) {
      refused.push_back({{"enterprise_id", ids[i]},
                         {"code", r.error().code},
                         {"message", r.error().message}});
    }
  }
  spdlog::info("funds: 免申即享 {}: {} matching, {} granted, {} already", policy_id,
               list.items.size(), granted, already);
  return json{{"policy_id", policy_id},
              {"matching", list.items.size()},
              {"granted", granted},
              {"already", already},
              {"refused", refused}};
}

Result<int64_t> Funds::auto_grant_firms(const std::vector<int64_t>& ids) {
  if (ids.size() > options_.facts_grant_max) return int64_t{0};
  bool any = false;
  for (const auto& p : platform_.policies()) any = any || p->policy->auto_grant;
  if (!any) return int64_t{0};
  Matching matching(platform_);
  Caller system{Actor::system("auto_grant"), "系统（免申即享）", std::nullopt};
  // The firms each 免申即享 policy matches, granted a policy at a time.
  std::map<std::string, std::vector<int64_t>> firms_of;
  for (int64_t id : ids) {
    auto matches = matching.for_enterprise(id, false);
    if (!matches) continue;
    for (const auto& m : *matches)
      if (m.verdict == rules::Tri::kTrue && m.policy->policy->auto_grant)
        firms_of[m.policy->policy->id].push_back(id);
  }
  int64_t granted = 0;
  for (const auto& [policy_id, firms] : firms_of)
    for (const auto& r : applications_.grant_many(system, firms, policy_id))
      if (r.ok()) ++granted;
  return granted;
}

// ---- following

Result<json> Funds::queues() {
  json out;
  std::string today = format_date(platform_.clock().today());
  ZHIDA_TRY(platform_.db().transaction(
      [&](store::Tx& tx) -> Status {
        ZHIDA_ASSIGN_OR_RETURN(auto counts, store::funds_queue_counts(tx, today));
        out = json::object();
        for (const auto& [k, v] : counts) out[k] = v;
        return Status::Ok();
      },
      store::Mode::kRead));
  return out;
}

Result<std::optional<json>> Funds::timeline(int64_t application_id) {
  std::optional<json> out;
  ZHIDA_TRY(platform_.db().transaction(
      [&](store::Tx& tx) -> Status {
        ZHIDA_ASSIGN_OR_RETURN(auto app, store::get_application(tx, application_id));
        if (!app) return Status::Ok();
        std::vector<json> steps;
        ZHIDA_ASSIGN_OR_RETURN(auto events, store::events_of(tx, application_id));
        for (const auto& e : events) {
          json detail = e.detail.empty() ? json::object() : json::parse(e.detail, nullptr, false);
          std::string to_zh, from_zh;
          if (auto s = workflow::parse_status(e.to_status)) to_zh = workflow::status_name_zh(*s);
          steps.push_back({{"at", e.at},
                           {"type", "event"},
                           {"action", e.action},
                           {"from_status", e.from_status},
                           {"to_status", e.to_status},
                           {"status_zh", to_zh},
                           {"actor", e.actor_name},
                           {"actor_role", e.actor_role},
                           {"detail", detail.is_discarded() ? json::object() : detail}});
        }
        ZHIDA_ASSIGN_OR_RETURN(auto entry, store::publicity_entry_of(tx, application_id));
        if (entry) {
          ZHIDA_ASSIGN_OR_RETURN(auto l, store::get_publicity_list(tx, entry->list_id));
          if (l)
            steps.push_back({{"at", l->created_at},
                             {"type", "publicity"},
                             {"action", "publicity"},
                             {"title", l->title},
                             {"start_on", l->start_on},
                             {"end_on", l->end_on},
                             {"status", entry->status}});
          ZHIDA_ASSIGN_OR_RETURN(auto os, store::list_objections(tx, "", entry->list_id, 10000, 0));
          for (const auto& o : os) {
            if (o.application_id != application_id) continue;
            steps.push_back(
                {{"at", o.created_at}, {"type", "objection"}, {"action", "objection_lodged"}});
            if (o.status != "open")
              steps.push_back({{"at", o.resolved_at},
                               {"type", "objection"},
                               {"action", "objection_resolved"},
                               {"outcome", o.status},
                               {"reply", o.reply}});
          }
        }
        ZHIDA_ASSIGN_OR_RETURN(auto acct, store::award_account(tx, application_id));
        if (acct)
          steps.push_back(
              {{"at", acct->confirmed_at}, {"type", "account"}, {"action", "account_confirmed"}});
        store::MessageQuery q;
        q.enterprise_id = app->enterprise_id;
        q.application_id = application_id;
        q.limit = 1000;
        ZHIDA_ASSIGN_OR_RETURN(auto msgs, store::list_messages(tx, q));
        for (const auto& m : msgs)
          steps.push_back({{"at", m.created_at},
                           {"type", "message"},
                           {"action", "message"},
                           {"kind", m.kind},
                           {"title", m.title},
                           {"body", m.body}});
        std::stable_sort(steps.begin(), steps.end(), [](const json& a, const json& b) {
          return a["at"].get<std::string>() < b["at"].get<std::string>();
        });
        json allocated = nullptr;
        ZHIDA_ASSIGN_OR_RETURN(auto alloc, store::allocation_of(tx, application_id));
        if (alloc) allocated = yuan(*alloc);
        std::string status_zh;
        if (auto s = workflow::parse_status(app->status)) status_zh = workflow::status_name_zh(*s);
        out = json{{"application_id", application_id},
                   {"enterprise_id", app->enterprise_id},
                   {"policy_id", app->policy_id},
                   {"status", app->status},
                   {"status_zh", status_zh},
                   {"award", app->award_fen ? json(yuan(*app->award_fen)) : json(nullptr)},
                   {"allocated", allocated},
                   {"steps", steps}};
        return Status::Ok();
      },
      store::Mode::kRead));
  return out;
}

}  // namespace zhida::services
