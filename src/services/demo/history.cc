#include "services/demo/history.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <set>
#include <unordered_set>

#include "base/date.h"
#include "services/matching/matching.h"
#include "services/services.h"
#include "store/funds_store.h"
#include "store/notifications_store.h"
#include "store/workflow_store.h"
#include "workflow/checklist.h"
#include "workflow/money.h"

namespace zhida::services::demo {
namespace {

using Clock = std::chrono::system_clock;
using TimePoint = Clock::time_point;
using nlohmann::json;

// ---------------------------------------------------------------- randomness

// splitmix64: the same numbers on every platform and standard library.
class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed * 0x9E3779B97F4A7C15ull + 0x2545F4914F6CDD1Dull) {}
  uint64_t next() {
    uint64_t z = (s_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // [lo, hi], inclusive.
  int64_t range(int64_t lo, int64_t hi) {
    if (hi <= lo) return lo;
    return lo + static_cast<int64_t>(next() % static_cast<uint64_t>(hi - lo + 1));
  }
  double unit() { return static_cast<double>(next() >> 11) / 9007199254740992.0; }
  template <typename T>
  const T& pick(const std::vector<T>& v) {
    return v[static_cast<size_t>(range(0, static_cast<int64_t>(v.size()) - 1))];
  }

 private:
  uint64_t s_;
};

// A time on a China-time day, minutes after midnight.
TimePoint at_day(int32_t day, int minutes) {
  return TimePoint(std::chrono::sys_days(std::chrono::days(day))) + std::chrono::minutes(minutes) -
         std::chrono::hours(8);
}

// ---------------------------------------------------------------- the plan

// How many applications each policy gets on the full district (scale 1), and
// how. Policies not listed, or whose window has not opened, get none.
enum class Kind : uint8_t { kInstant, kReview, kGrant };
struct PolicyPlan {
  const char* id;
  int quota;
  Kind kind;
};
constexpr PolicyPlan kPlans[] = {
    {"BA-2025-021", 25, Kind::kInstant},  // 扩产增效 (Mar–Apr): publicised, objection, paid
    {"BA-2025-022", 10, Kind::kInstant},  // 产值跨越 (Mar–Apr)
    {"BA-2025-004", 12, Kind::kInstant},  // 研发机构 (May): publicised, paid
    {"BA-2025-005", 15, Kind::kInstant},  // 科技桃花源 (Jun–Jul): publicised, batch open
    {"BA-2025-008", 20, Kind::kReview},   // 生产线租金 (Jul–Aug)
    {"BA-2025-031", 15, Kind::kInstant},  // 落户奖励 (Sep): publicity open
    {"BA-2025-027", 25, Kind::kInstant},  // 发明专利 (from Oct 15)
    {"BA-2025-003", 25, Kind::kReview},   // 科技计划配套
    {"BA-2025-007", 20, Kind::kReview},   // 银行贷款贴息
    {"BA-2025-019", 20, Kind::kReview},   // 科技型贷款贴息
    {"BA-2025-016", 12, Kind::kInstant},  // 主导制定标准
    {"BA-2025-010", 15, Kind::kInstant},  // 参展展位费
    {"BA-2025-029", 10, Kind::kInstant},  // 绿色工厂
    {"BA-2025-012", 6, Kind::kInstant},   // 小巨人
    {"BA-2025-013", 4, Kind::kInstant},   // 小巨人迁入
    {"BA-2025-018", 10, Kind::kInstant},  // 集成电路租金
    {"BA-2025-024", 5, Kind::kInstant},   // 上市企业迁入
    {"BA-2025-025", 40, Kind::kInstant},  // 研发投入
    {"BA-2025-032", 12, Kind::kInstant},  // 瞪羚
    {"BA-2025-014", 8, Kind::kInstant},   // 股权投资
    {"BA-2025-026", 25, Kind::kInstant},  // 规上工业增长
    {"BA-2025-030", 10, Kind::kInstant},  // 外贸出口
    {"BA-2025-001", 20, Kind::kInstant},  // 高新技术企业
    {"BA-2025-002", 8, Kind::kInstant},   // 高企首次入规
    {"BA-2025-011", 8, Kind::kGrant},     // 专精特新 (免申即享)
    {"BA-2025-020", 15, Kind::kGrant},    // 小升规 (免申即享)
    {"BA-2025-028", 30, Kind::kGrant},    // 稳岗返还 (免申即享)
};
// Publicity and money: at most this many closed publicity lists of the past
// (the policies whose windows closed first); the others' awards wait.
constexpr size_t kPastLists = 4;

enum class Stage : uint8_t { kCreate, kDraft, kGrant, kAssign, kReturn, kResubmit, kApprove, kReject };

struct Step {
  Stage stage;
  TimePoint at;
};

struct Firm {
  int64_t id = 0;
  std::string name, agent, legal;
};

struct App {
  PublishedPolicyPtr policy;
  Kind kind = Kind::kInstant;
  Firm firm;
  std::vector<Step> steps;
  int reviewer = 0;  // index into the reviewers
  int64_t id = 0;    // once created
  bool dead = false;
  bool account = false;  // the 法人 confirmed the bank account
  std::string status;
  std::vector<workflow::Declaration> declarations;
  std::vector<workflow::MaterialRef> materials;
};

std::string text_of(const portrait::EnterpriseTable& t, size_t row, const char* attr) {
  const portrait::Attribute* a = t.catalog().attribute(attr);
  if (a == nullptr) return "";
  rules::Value v = t.facts(row).get({a->id, 0});
  return v.kind == rules::Value::Kind::kText ? std::string(v.text) : "";
}

// ---------------------------------------------------------------- wording

const std::vector<std::string>& reject_reasons(const std::string& policy) {
  static const std::vector<std::string> loan = {
      "贷款合同与银行利息清单金额不一致，无法核实实际支付的利息",
      "贷款用途为股权投资，不属于贴息支持的生产经营用途",
      "还款凭证显示申报期内存在逾期还款记录"};
  static const std::vector<std::string> rent = {
      "租赁合同未办理备案，无法证明租赁关系真实有效",
      "经现场核查，申报厂房部分面积已转租他人，不符合不转租要求"};
  static const std::vector<std::string> science = {
      "上级资助立项文件所列项目实施地点不在宝安区",
      "未能提供上级资助资金的拨款凭证，无法核实配套基数"};
  static const std::vector<std::string> other = {"经核查，申报材料与实际情况不符"};
  if (policy == "BA-2025-007" || policy == "BA-2025-019") return loan;
  if (policy == "BA-2025-008") return rent;
  if (policy == "BA-2025-003") return science;
  return other;
}

const std::vector<std::string>& return_reasons(const std::string& policy) {
  static const std::vector<std::string> loan = {
      "银行利息清单缺少银行业务章，请补充加盖银行公章的清单",
      "请补充上传本年度全部还款凭证（目前仅有前两期）"};
  static const std::vector<std::string> rent = {
      "请补充上传加盖公章的租赁合同备案证明",
      "租金发票与合同约定金额不一致，请补充说明或上传补充协议"};
  static const std::vector<std::string> science = {
      "项目实施地点证明与营业执照地址不一致，请补充说明",
      "上级资助立项文件扫描件不清晰，请重新上传"};
  if (policy == "BA-2025-007" || policy == "BA-2025-019") return loan;
  if (policy == "BA-2025-008") return rent;
  return science;
}

// A small PDF the firm "uploads" (type is checked by its magic bytes).
std::string pdf_bytes(const Firm& f, const std::string& what, int version) {
  std::string body = fmt::format("BT /F1 12 Tf 72 720 Td ({} {} v{}) Tj ET", f.id, what.size(), version);
  return fmt::format(
      "%PDF-1.4\n% zhida demo material: enterprise {} / {} / v{}\n"
      "1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
      "2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
      "3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >> endobj\n"
      "4 0 obj << /Length {} >> stream\n{}\nendstream endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n",
      f.id, what, version, body.size(), body);
}

// ---------------------------------------------------------------- seeding

class Seeder {
 public:
  Seeder(Services& svc, const std::vector<DemoAccount>& accounts, const HistoryOptions& o)
      : svc_(svc), platform_(svc.platform), accounts_(accounts), options_(o), rng_(o.seed) {}

  Result<HistorySummary> run();

 private:
  void say(const std::string& s) {
    if (options_.progress) options_.progress(s);
  }
  Result<Caller> staff(const std::string& username);
  Caller firm_caller(const Firm& f, bool legal, std::optional<TimePoint> at) const;
  void plan();
  void plan_steps(App& a, int32_t day0);
  TimePoint later(TimePoint from, int min_days, int max_days, bool workday);
  Status execute(App& a, const Step& s);
  Status seed_materials(App& a, TimePoint at);
  struct PastDates {
    int32_t created, start, end, lodged, resolved, closed;
  };
  std::vector<App*> approved_of(const std::string& policy_id);
  std::optional<PastDates> past_dates(const std::string& policy_id);
  Status publicise_in_past(const std::string& policy_id, bool with_objection);
  Status pay(const std::string& policy_id, bool paid, double share);
  Status publicity_and_money();

  Services& svc_;
  Platform& platform_;
  const std::vector<DemoAccount>& accounts_;
  HistoryOptions options_;
  Rng rng_;
  TimePoint now_;
  int32_t today_ = 0;
  std::vector<Caller> reviewers_;
  Caller funds_;
  std::vector<App> apps_;
  HistorySummary sum_;
};

Result<Caller> Seeder::staff(const std::string& username) {
  auto u = svc_.accounts->find_user(username);
  if (!u.ok()) return u.error();
  if (!*u)
    return Error("demo.history", fmt::format("演示账户 {} 不存在：请先创建演示账户", username));
  Principal p = (*u)->principal();
  return Caller{Actor::of(p, "127.0.0.1"), (*u)->display_name, std::nullopt};
}

Caller Seeder::firm_caller(const Firm& f, bool legal, std::optional<TimePoint> at) const {
  Caller c;
  c.actor.user_id = 0;
  c.actor.username = fmt::format("history:{}.{}", f.id, legal ? "legal" : "agent");
  c.actor.role = legal ? "enterprise_legal" : "enterprise_agent";
  c.actor.ip = "127.0.0.1";
  std::string person = legal ? f.legal : f.agent;
  c.name = fmt::format("{}（{} {}）", person.empty() ? (legal ? "法定代表人" : "经办人") : person,
                       f.name, legal ? "法定代表人" : "经办人");
  c.at = at;
  return c;
}

TimePoint Seeder::later(TimePoint from, int min_days, int max_days, bool workday) {
  auto day = static_cast<int32_t>(
      std::chrono::floor<std::chrono::days>((from + std::chrono::hours(8)).time_since_epoch()).count());
  int32_t d = day + static_cast<int32_t>(rng_.range(min_days, max_days));
  if (workday) d = svc_.funds->calendar().next_workday(d);
  return at_day(d, static_cast<int>(rng_.range(9 * 60, 17 * 60 + 30)));
}

void Seeder::plan_steps(App& a, int32_t day0) {
  TimePoint t0 = at_day(day0, static_cast<int>(rng_.range(8 * 60 + 30, 21 * 60)));
  if (a.kind == Kind::kGrant) {
    a.steps.push_back({Stage::kGrant, at_day(day0, static_cast<int>(rng_.range(2 * 60, 4 * 60)))});
    return;
  }
  const portrait::Policy& p = *a.policy->policy;
  bool window_open = p.window.end && *p.window.end >= today_;
  if (a.kind == Kind::kInstant) {
    a.steps.push_back({window_open && rng_.unit() < 0.06 ? Stage::kDraft : Stage::kCreate, t0});
    return;
  }
  // Review: an outcome, then the steps that lead to it.
  double u = rng_.unit();
  std::vector<Stage> path;
  if (!window_open) {  // long decided
    if (u < 0.62) path = {Stage::kAssign, Stage::kApprove};
    else if (u < 0.84) path = {Stage::kAssign, Stage::kReject};
    else path = {Stage::kAssign, Stage::kReturn, Stage::kResubmit, Stage::kApprove};
  } else {
    if (u < 0.28) path = {Stage::kAssign, Stage::kApprove};
    else if (u < 0.40) path = {Stage::kAssign, Stage::kReject};
    else if (u < 0.55) path = {Stage::kAssign, Stage::kReturn};
    else if (u < 0.62) path = {Stage::kAssign, Stage::kReturn, Stage::kResubmit};
    else if (u < 0.68) path = {Stage::kAssign, Stage::kReturn, Stage::kResubmit, Stage::kApprove};
    else if (u < 0.83) path = {Stage::kAssign};
    else path = {};
  }
  a.steps.push_back({Stage::kCreate, t0});
  TimePoint t = t0;
  for (Stage s : path) {
    switch (s) {
      case Stage::kAssign: t = later(t, 0, 2, true); break;
      case Stage::kResubmit: t = later(t, 1, 5, false); break;
      default: t = later(t, 2, 7, true); break;
    }
    // A step that would fall in the future has not happened yet: the
    // application stays where the steps before left it.
    if (t >= now_ - std::chrono::minutes(30)) break;
    a.steps.push_back({s, t});
  }
}

void Seeder::plan() {
  std::unordered_set<int64_t> demo_firms;
  for (const DemoAccount& d : accounts_)
    if (d.enterprise_id > 0) demo_firms.insert(d.enterprise_id);
  platform_.read([&](const portrait::EnterpriseTable& t) {
    size_t n = t.rows();
    if (n == 0) return 0;
    std::vector<uint32_t> order(n);
    for (size_t i = 0; i < n; ++i) order[i] = static_cast<uint32_t>(i);
    for (size_t i = n - 1; i > 0; --i)
      std::swap(order[i], order[static_cast<size_t>(rng_.range(0, static_cast<int64_t>(i)))]);
    std::map<int64_t, int> per_firm;                     // applications planned per firm
    std::set<std::pair<int64_t, std::string>> groups;  // (firm, exclusivity group)
    for (const PolicyPlan& pp : kPlans) {
      PublishedPolicyPtr pub = platform_.policy(pp.id);
      if (!pub || pub->status != "published") continue;
      const portrait::Policy& p = *pub->policy;
      if (p.auto_grant != (pp.kind == Kind::kGrant)) continue;
      if (!p.window.start || *p.window.start >= today_) continue;  // not open yet
      int32_t first = *p.window.start;
      int32_t last = std::min(p.window.end.value_or(today_ - 1), today_ - 1);
      if (last < first) continue;
      int quota = std::max(1, static_cast<int>(pp.quota * options_.scale + 0.5));
      int found = 0;
      size_t offset = static_cast<size_t>(rng_.range(0, static_cast<int64_t>(n) - 1));
      for (size_t k = 0; k < n && found < quota; ++k) {
        size_t row = order[(offset + k) % n];
        int64_t id = t.id(row);
        if (demo_firms.count(id) || per_firm[id] >= 2) continue;
        if (!p.exclusivity_group.empty() && groups.count({id, p.exclusivity_group})) continue;
        // Grants happen when the window opens; applications any day in it.
        int32_t day = pp.kind == Kind::kGrant ? first : static_cast<int32_t>(rng_.range(first, last));
        rules::EvalContext ctx{day};
        auto facts = t.facts(row);
        bool ok = true;
        for (const portrait::Condition& c : p.conditions) {
          if (!c.program) {
            if (c.verifiable) ok = false;  // nothing to settle it with
            continue;
          }
          if (rules::evaluate_condition(*c.program, facts, ctx) != rules::Tri::kTrue) {
            ok = false;
            break;
          }
        }
        if (!ok) continue;
        auto award = estimate_award(p, facts, t.catalog(), ctx);
        if (p.award && (!award || award->sign() <= 0)) continue;
        App a;
        a.policy = pub;
        a.kind = pp.kind;
        a.firm = {id, text_of(t, row, "企业名称"), text_of(t, row, "经办人"), text_of(t, row, "法定代表人")};
        if (a.firm.name.empty()) a.firm.name = fmt::format("企业 {}", id);
        a.reviewer = p.department == "科技创新局" ? 0 : 1;
        plan_steps(a, day);
        apps_.push_back(std::move(a));
        ++per_firm[id];
        if (!p.exclusivity_group.empty()) groups.insert({id, p.exclusivity_group});
        ++found;
      }
    }
    return 0;
  });
}

Status Seeder::seed_materials(App& a, TimePoint at) {
  const portrait::Policy& p = *a.policy->policy;
  Caller agent = firm_caller(a.firm, false, at);
  for (size_t i = 0; i < p.conditions.size(); ++i) {
    const portrait::Condition& c = p.conditions[i];
    if (c.verifiable) continue;
    a.declarations.push_back({static_cast<int>(i), true, "", "",
                              fmt::format("本企业承诺：{}，所附材料真实有效", c.clause)});
    if (c.material.empty() || c.material.find("承诺") != std::string::npos) continue;
    auto up = svc_.applications->upload(agent, a.firm.id, c.material + ".pdf",
                                        pdf_bytes(a.firm, c.material, 1));
    if (!up.ok()) return up.error();
    a.materials.push_back({c.material, static_cast<int>(i), up->id, "", "", false});
  }
  for (const portrait::Material& m : p.materials) {
    if (m.commitment) {
      a.materials.push_back({m.name, -1, 0, "", "", true});
      continue;
    }
    if (a.kind != Kind::kReview) continue;  // 秒批 needs no files
    auto up = svc_.applications->upload(agent, a.firm.id, m.name + ".pdf", pdf_bytes(a.firm, m.name, 1));
    if (!up.ok()) return up.error();
    a.materials.push_back({m.name, -1, up->id, "", "", false});
  }
  return Status::Ok();
}

Status Seeder::execute(App& a, const Step& s) {
  const portrait::Policy& p = *a.policy->policy;
  Issues issues;
  // A refusal (the firm turned out ineligible, the budget ran out …) is what
  // a real applicant would meet: the application is simply not made.
  auto refused = [&](const Error& e) -> Status {
    if (e.code.rfind("application.", 0) == 0 || e.code.rfind("review.", 0) == 0 ||
        e.code == "policy.not_published") {
      if (s.stage == Stage::kCreate || s.stage == Stage::kDraft || s.stage == Stage::kGrant) {
        ++sum_.refused;
        a.dead = true;
        return Status::Ok();
      }
      // A later step the services refuse: leave the application as it is.
      a.dead = true;
      return Status::Ok();
    }
    return e;
  };
  auto take = [&](Result<ActionResult> r) -> Status {
    if (!r.ok()) return refused(r.error());
    a.id = r->id;
    a.status = r->status;
    return Status::Ok();
  };
  const Caller& reviewer = reviewers_[static_cast<size_t>(a.reviewer)];
  Caller rv = reviewer;
  rv.at = s.at;
  switch (s.stage) {
    case Stage::kGrant: {
      Caller system{Actor::system("auto_grant"), "系统（免申即享）", s.at};
      auto r = svc_.applications->grant(system, a.firm.id, p.id, &issues);
      if (r.ok() && r->status == "approved") ++sum_.auto_granted;
      return take(std::move(r));
    }
    case Stage::kCreate:
    case Stage::kDraft: {
      ZHIDA_TRY(seed_materials(a, s.at));
      ApplicationInput in;
      in.enterprise_id = a.firm.id;
      in.policy_id = p.id;
      in.declarations = a.declarations;
      in.materials = a.materials;
      in.submit = s.stage == Stage::kCreate;
      auto r = svc_.applications->create(firm_caller(a.firm, false, s.at), in, &issues);
      if (r.ok() && r->decision && r->decision->instant) ++sum_.instant;
      return take(std::move(r));
    }
    case Stage::kAssign: {
      if (a.status != "submitted") return Status::Ok();
      return take(svc_.applications->assign(rv, a.id, reviewer.actor.user_id, reviewer.name, std::nullopt));
    }
    case Stage::kReturn: {
      std::vector<std::string> reasons = {rng_.pick(return_reasons(p.id))};
      auto r = svc_.applications->return_for_correction(rv, a.id, reasons, {}, &issues);
      return take(std::move(r));
    }
    case Stage::kResubmit: {
      // The firm uploads a corrected file for the checked condition and submits again.
      Caller agent = firm_caller(a.firm, false, s.at);
      for (auto& m : a.materials) {
        if (m.commitment || m.condition < 0) continue;
        auto up = svc_.applications->upload(agent, a.firm.id, m.name + "（补正）.pdf",
                                            pdf_bytes(a.firm, m.name, 2));
        if (!up.ok()) return up.error();
        m.upload_id = up->id;
        m.file_name.clear();
        m.sha256.clear();
      }
      auto r = svc_.applications->update(agent, a.id, a.declarations, a.materials, true, &issues);
      if (r.ok()) ++sum_.resubmitted;
      return take(std::move(r));
    }
    case Stage::kApprove:
    case Stage::kReject: {
      auto row = svc_.applications->find(a.id);
      if (!row.ok()) return row.error();
      if (!*row) return Status::Ok();
      auto items = workflow::checklist_from_json(
          json::parse((*row)->checklist.empty() ? "[]" : (*row)->checklist, nullptr, false));
      std::vector<workflow::Verdict> verdicts;
      bool approve = s.stage == Stage::kApprove;
      bool failed_one = false;
      for (const auto& it : items) {
        if (it.automatic || it.verdict != "pending") continue;
        if (it.key == "award") return Status::Ok();  // needs an amount: leave it in review
        if (!approve && !failed_one && it.kind == "condition") {
          verdicts.push_back({it.key, "fail", "经核查不符合"});
          failed_one = true;
          continue;
        }
        verdicts.push_back({it.key, "pass", it.kind == "material" ? "材料齐全、有效" : "已核对材料，情况属实"});
      }
      if (approve)
        return take(svc_.applications->approve(rv, a.id, verdicts, std::nullopt, "经审核，符合申报条件", &issues));
      std::vector<std::string> reasons = {rng_.pick(reject_reasons(p.id))};
      return take(svc_.applications->reject(rv, a.id, reasons, verdicts, &issues));
    }
  }
  return Status::Ok();
}

// A publicity list of the past, written as Funds::create_publicity,
// lodge_objection, resolve_objection and close_publicity write it (Funds only
// acts at the platform's now).
std::vector<App*> Seeder::approved_of(const std::string& policy_id) {
  std::vector<App*> out;
  for (App& a : apps_)
    if (a.id > 0 && a.status == "approved" && a.policy->policy->id == policy_id) out.push_back(&a);
  return out;
}

// The days of a publicity list made a week after the policy's last decision
// (and its window's end); nullopt when it would not have closed by today.
std::optional<Seeder::PastDates> Seeder::past_dates(const std::string& policy_id) {
  auto approved = approved_of(policy_id);
  if (approved.empty()) return std::nullopt;
  TimePoint last{};
  for (App* a : approved) last = std::max(last, a->steps.back().at);
  const WorkCalendar& cal = svc_.funds->calendar();
  int32_t last_day = static_cast<int32_t>(
      std::chrono::floor<std::chrono::days>((last + std::chrono::hours(8)).time_since_epoch()).count());
  const portrait::Policy& p = *approved.front()->policy->policy;
  int days = p.publicity_days > 0 ? p.publicity_days : 5;
  PastDates d;
  d.created = cal.next_workday(std::max(last_day, p.window.end.value_or(0)) + 7);
  d.start = cal.next_workday(d.created + 1);
  d.end = cal.period_end(d.start, days);
  d.lodged = cal.next_workday(d.start + 1);
  d.resolved = cal.next_workday(d.lodged + 1);
  d.closed = cal.next_workday(d.end + 1);
  if (d.closed >= today_ || d.resolved > d.end) return std::nullopt;
  return d;
}

// A publicity list of the past, written as Funds::create_publicity,
// lodge_objection, resolve_objection and close_publicity write it (Funds only
// acts at the platform's now).
Status Seeder::publicise_in_past(const std::string& policy_id, bool with_objection) {
  auto dates = past_dates(policy_id);
  if (!dates) return Status::Ok();
  std::vector<App*> approved = approved_of(policy_id);
  const int32_t created = dates->created, start = dates->start, end = dates->end;
  const int32_t lodged = dates->lodged, resolved = dates->resolved, closed = dates->closed;
  const portrait::Policy& p = *approved.front()->policy->policy;
  int days = p.publicity_days > 0 ? p.publicity_days : 5;
  auto ts = [](int32_t day, int minutes) { return store::format_timestamp(at_day(day, minutes)); };
  Caller officer = funds_;
  auto audit = [&](store::Tx& tx, const std::string& at, const std::string& action,
                   const std::string& type, const std::string& target, const json& detail) {
    store::AuditRecord r = audit_record(platform_.clock(), officer.actor, action, type, target, detail);
    r.time = at;
    auto e = store::append_audit(tx, r);
    return e.ok() ? Status::Ok() : Status(e.error());
  };
  auto notify = [&](store::Tx& tx, const std::string& at, int64_t firm, const char* kind,
                    const char* tmpl, std::string dedup, int64_t app,
                    std::vector<std::pair<std::string, std::string>> params) -> Status {
    store::Notification n;
    n.kind = kind;
    n.enterprise_id = firm;
    n.template_id = tmpl;
    n.params = std::move(params);
    n.application_id = app;
    n.policy_id = policy_id;
    n.link = fmt::format("/applications/{}", app);
    n.dedup_key = std::move(dedup);
    n.created_at = at;
    auto r = store::enqueue_notification(tx, n);
    return r.ok() ? Status::Ok() : Status(r.error());
  };

  store::PublicityList list;
  list.policy_id = policy_id;
  list.policy_name = p.name;
  list.year = approved.front()->policy->policy->reference_year.value_or(civil_from_days(start).year);
  list.title = fmt::format("“{}”拟资助名单公示", p.name);
  list.start_on = format_date(start);
  list.end_on = format_date(end);
  list.days = days;
  list.status = "open";
  list.created_by = officer.actor.user_id;
  list.created_at = ts(created, 10 * 60);
  officer.at = at_day(created, 10 * 60);
  ZHIDA_TRY(platform_.db().transaction([&](store::Tx& tx) -> Status {
    ZHIDA_ASSIGN_OR_RETURN(list.id, store::insert_publicity_list(tx, list));
    for (App* a : approved) {
      ZHIDA_ASSIGN_OR_RETURN(auto row, store::get_application(tx, a->id));
      if (!row || row->status != "approved") continue;
      int64_t fen = row->award_fen.value_or(0);
      ZHIDA_TRY(store::insert_publicity_entry(tx, {list.id, a->id, a->firm.id, a->firm.name, fen, "listed"}));
      ZHIDA_TRY(svc_.applications->advance_in(
          tx, officer, a->id, workflow::AppAction::kPublicize,
          {{"publicity_id", list.id}, {"start_on", list.start_on}, {"end_on", list.end_on}}));
      ZHIDA_TRY(notify(tx, list.created_at, a->firm.id, "funds.publicity_started", "publicity_started",
                       fmt::format("publicity:{}:{}", list.id, a->id), a->id,
                       {{"policy_name", p.name},
                        {"amount", workflow::fen_text(fen)},
                        {"start", list.start_on},
                        {"end", list.end_on},
                        {"application_id", std::to_string(a->id)}}));
      a->status = "publicity";
    }
    return audit(tx, list.created_at, "funds.publicity_create", "publicity", std::to_string(list.id),
                 {{"policy_id", policy_id},
                  {"entries", approved.size()},
                  {"start_on", list.start_on},
                  {"end_on", list.end_on}});
  }));

  if (with_objection) {
    App* target = approved[static_cast<size_t>(rng_.range(0, static_cast<int64_t>(approved.size()) - 1))];
    store::Objection o;
    o.list_id = list.id;
    o.application_id = target->id;
    o.enterprise_id = target->firm.id;
    o.lodged_by = 0;
    o.lodged_by_name = "实名反映人（陈先生）";
    o.contact = "138****6207";
    o.reason = "据了解该企业去年曾因环保问题被处罚，是否仍符合资助条件？请核查。";
    o.status = "open";
    o.created_at = ts(lodged, 15 * 60 + 12);
    std::string reply =
        "经核查，该企业所受行政处罚已于当年整改完毕，未被列入严重失信主体名单，"
        "不影响本次资助条件，异议不成立，资助维持。";
    std::string resolved_at = ts(resolved, 11 * 60 + 5);
    ZHIDA_TRY(platform_.db().transaction([&](store::Tx& tx) -> Status {
      ZHIDA_ASSIGN_OR_RETURN(o.id, store::insert_objection(tx, o));
      ZHIDA_TRY(notify(tx, o.created_at, o.enterprise_id, "funds.objection_lodged", "objection_lodged",
                       fmt::format("objection:{}:lodged", o.id), o.application_id,
                       {{"policy_name", p.name}, {"application_id", std::to_string(o.application_id)}}));
      store::AuditRecord r = audit_record(platform_.clock(), Actor{0, "公众", "", "127.0.0.1"},
                                          "funds.objection_lodge", "application",
                                          std::to_string(o.application_id),
                                          {{"objection_id", o.id}, {"publicity_id", list.id}});
      r.time = o.created_at;
      ZHIDA_TRY(store::append_audit(tx, r));
      ZHIDA_ASSIGN_OR_RETURN(bool changed, store::resolve_objection(tx, o.id, "dismissed", reply,
                                                                    officer.actor.user_id, resolved_at));
      if (!changed) return Error("demo.history", "异议状态异常");
      ZHIDA_TRY(notify(tx, resolved_at, o.enterprise_id, "funds.objection_resolved", "objection_resolved",
                       fmt::format("objection:{}:resolved", o.id), o.application_id,
                       {{"policy_name", p.name},
                        {"outcome", "异议不成立，资助维持"},
                        {"reply", reply},
                        {"application_id", std::to_string(o.application_id)}}));
      return audit(tx, resolved_at, "funds.objection_resolve", "application", std::to_string(o.application_id),
                   {{"objection_id", o.id}, {"outcome", "dismissed"}});
    }));
    ++sum_.objections_dismissed;
  }

  std::string closed_at = ts(closed, 9 * 60 + 40);
  ZHIDA_TRY(platform_.db().transaction([&](store::Tx& tx) -> Status {
    ZHIDA_ASSIGN_OR_RETURN(auto entries, store::publicity_entries(tx, list.id));
    int64_t passed = 0;
    for (const auto& e : entries) {
      if (e.status != "listed") continue;
      ZHIDA_TRY(store::set_publicity_entry_status(tx, list.id, e.application_id, "passed"));
      ++passed;
      ZHIDA_TRY(notify(tx, closed_at, e.enterprise_id, "funds.account_confirm", "disbursement_account_confirm",
                       fmt::format("account_confirm:{}", e.application_id), e.application_id,
                       {{"policy_name", p.name},
                        {"amount", workflow::fen_text(e.amount_fen)},
                        {"application_id", std::to_string(e.application_id)}}));
    }
    ZHIDA_TRY(store::close_publicity_list(tx, list.id, officer.actor.user_id, closed_at));
    return audit(tx, closed_at, "funds.publicity_close", "publicity", std::to_string(list.id),
                 {{"passed", passed}});
  }));
  ++sum_.publicity_closed;
  return Status::Ok();
}

// The firms confirm their accounts (at now, through Funds): `share` of the
// publicised awards not yet confirmed; then funds1 makes the batch of
// them and, when `paid`, closes and pays it.
Status Seeder::pay(const std::string& policy_id, bool paid, double share) {
  static const std::vector<std::string> banks = {
      "中国工商银行深圳宝安支行", "中国建设银行深圳宝安支行", "招商银行深圳宝安支行",
      "中国银行深圳宝安中心区支行", "深圳农村商业银行西乡支行", "平安银行深圳宝安支行"};
  std::vector<App*> awards;
  for (App& a : apps_)
    if (a.id > 0 && a.status == "publicity" && !a.account && a.policy->policy->id == policy_id)
      awards.push_back(&a);
  size_t n = std::min(awards.size(), static_cast<size_t>(static_cast<double>(awards.size()) * share + 0.999));
  awards.resize(n);
  if (awards.empty()) return Status::Ok();
  for (App* a : awards) {
    BankAccountInput acct;
    acct.account_name = a->firm.name;
    acct.bank_name = rng_.pick(banks);
    acct.account_number = fmt::format("{}{:012d}", 6222 + rng_.range(0, 7) * 3,
                                      rng_.range(0, 999'999'999'999));
    auto r = svc_.funds->confirm_account(firm_caller(a->firm, true, std::nullopt), a->id, acct);
    if (!r.ok()) return r.error();
    a->account = true;
  }
  int number = sum_.batches_paid + sum_.batches_open + 1;
  auto batch = svc_.funds->create_batch(funds_, policy_id, std::nullopt,
                                        fmt::format("2025年度第{}批资金拨付", number));
  if (!batch.ok()) return batch.error();
  if (!paid) {
    ++sum_.batches_open;
    return Status::Ok();
  }
  ZHIDA_TRY(svc_.funds->close_batch(funds_, batch->id));
  auto done = svc_.funds->pay_batch(funds_, batch->id);
  if (!done.ok()) return done.error();
  ++sum_.batches_paid;
  sum_.paid_fen += done->allocated_fen;
  for (App* a : awards) a->status = "disbursed";
  return Status::Ok();
}

Status Seeder::publicity_and_money() {
  // The policies with awards, the window that closed first first.
  std::vector<std::pair<int32_t, std::string>> by_end;
  for (const PolicyPlan& pp : kPlans) {
    PublishedPolicyPtr pub = platform_.policy(pp.id);
    if (!pub || approved_of(pp.id).empty()) continue;
    by_end.push_back({pub->policy->window.end.value_or(today_), pp.id});
  }
  std::stable_sort(by_end.begin(), by_end.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> past;
  for (const auto& [end, id] : by_end)
    if (past.size() < kPastLists && past_dates(id)) past.push_back(id);
  // The objection: on the longest list.
  std::string objected;
  size_t most = 0;
  for (const auto& id : past)
    if (approved_of(id).size() > most) most = approved_of(id).size(), objected = id;
  for (const auto& id : past) ZHIDA_TRY(publicise_in_past(id, id == objected));
  // Paid batches for all but the latest list; an open batch for it.
  if (past.size() == 1) {
    ZHIDA_TRY(pay(past[0], true, 0.6));
    ZHIDA_TRY(pay(past[0], false, 1.0));
  } else {
    for (size_t i = 0; i < past.size(); ++i) ZHIDA_TRY(pay(past[i], i + 1 < past.size(), 1.0));
  }
  // An open publicity list (from the next working day) for the policy with
  // the most awards waiting, among those open for two weeks or more.
  std::string open;
  most = 0;
  for (const auto& [end, id] : by_end) {
    if (std::find(past.begin(), past.end(), id) != past.end()) continue;
    PublishedPolicyPtr pub = platform_.policy(id);
    if (!pub->policy->window.start || *pub->policy->window.start > today_ - 14) continue;
    if (approved_of(id).size() > most) most = approved_of(id).size(), open = id;
  }
  if (!open.empty()) {
    PublicityInput in;
    in.policy_id = open;
    auto l = svc_.funds->create_publicity(funds_, in);
    if (!l.ok()) return l.error();
    ++sum_.publicity_open;
    for (App* a : approved_of(open)) a->status = "publicity";
  }
  return Status::Ok();
}

Result<HistorySummary> Seeder::run() {
  auto t0 = std::chrono::steady_clock::now();
  {
    int64_t existing = 0;
    ZHIDA_TRY(platform_.db().transaction(
        [&](store::Tx& tx) -> Status {
          ZHIDA_ASSIGN_OR_RETURN(existing, store::count_applications(tx, store::ApplicationQuery{}));
          return Status::Ok();
        },
        store::Mode::kRead));
    if (existing > 0) {
      sum_.skipped = true;
      return sum_;
    }
  }
  now_ = platform_.clock().now();
  today_ = platform_.clock().today();
  for (const char* u : {"reviewer1", "reviewer2"}) {
    auto c = staff(u);
    if (!c.ok()) return c.error();
    reviewers_.push_back(*c);
  }
  {
    auto c = staff("funds1");
    if (!c.ok()) return c.error();
    funds_ = *c;
  }

  plan();
  say(fmt::format("申报历史：已选出 {} 家次企业（{:.1f} 秒）", apps_.size(),
                  std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()));

  // Every step of every application, in time order (budgets and ids follow
  // the calendar, as they would have).
  struct Due {
    TimePoint at;
    size_t app;
    size_t step;
  };
  std::vector<Due> due;
  for (size_t i = 0; i < apps_.size(); ++i)
    for (size_t k = 0; k < apps_[i].steps.size(); ++k) due.push_back({apps_[i].steps[k].at, i, k});
  std::stable_sort(due.begin(), due.end(), [](const Due& a, const Due& b) {
    return a.at != b.at ? a.at < b.at : (a.app != b.app ? a.app < b.app : a.step < b.step);
  });
  for (const Due& d : due) {
    App& a = apps_[d.app];
    if (a.dead) continue;
    if (d.step > 0 && a.id == 0) continue;
    ZHIDA_TRY(execute(a, a.steps[d.step]));
  }

  say(fmt::format("申报历史：已办理 {} 家次申报（{:.1f} 秒）", apps_.size(),
                  std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()));
  ZHIDA_TRY(publicity_and_money());

  // What was made.
  std::set<std::string> policies;
  for (const App& a : apps_) {
    if (a.id == 0) continue;
    ++sum_.applications;
    ++sum_.by_status[a.status];
    policies.insert(a.policy->policy->id);
    if (a.kind != Kind::kReview) {
      if (a.status == "draft") ++sum_.drafts;
      if (a.status == "submitted") ++sum_.queued;
      continue;
    }
    bool reviewed = std::any_of(a.steps.begin(), a.steps.end(),
                                [](const Step& s) { return s.stage == Stage::kApprove; });
    if (a.status == "submitted") ++sum_.queued;
    else if (a.status == "in_review") ++sum_.in_review;
    else if (a.status == "returned") ++sum_.returned;
    else if (a.status == "rejected") ++sum_.rejected;
    else if (reviewed) ++sum_.reviewed_approved;
  }
  sum_.policies = static_cast<int64_t>(policies.size());
  sum_.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return sum_;
}

}  // namespace

std::string HistorySummary::text() const {
  if (skipped) return "数据库中已有申报记录，未生成申报历史";
  return fmt::format(
      "已生成申报历史：{} 项政策共 {} 份申报（秒批 {}、免申即享 {}、审核通过 {}、不予通过 {}、退回补正 {}、"
      "补正后重新提交 {}、审核中 {}、待分派 {}、草稿 {}），公示 {} 批已结束（异议 {} 件不成立）、{} 批公示中，"
      "拨付批次已拨付 {} 批（{} 元）、待拨付 {} 批{}；用时 {:.1f} 秒",
      policies, applications, instant, auto_granted, reviewed_approved, rejected, returned, resubmitted,
      in_review, queued, drafts, publicity_closed, objections_dismissed, publicity_open, batches_paid,
      workflow::fen_text(paid_fen), batches_open,
      refused > 0 ? fmt::format("（另有 {} 次申报未获受理）", refused) : "", seconds);
}

Result<HistorySummary> seed_history(Services& svc, const std::vector<DemoAccount>& accounts,
                                    const HistoryOptions& options) {
  Seeder s(svc, accounts, options);
  return s.run();
}

}  // namespace zhida::services::demo
