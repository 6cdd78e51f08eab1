#include "services/stats/stats.h"

#include <fmt/format.h>

#include <cmath>
#include <map>
#include <set>
#include <unordered_map>

#include "base/date.h"
#include "store/stats_store.h"
#include "workflow/money.h"

namespace zhida::services {

using nlohmann::json;

std::optional<int32_t> china_day_of(const std::string& ts) {
  if (ts.size() < 16 || ts[10] != 'T') return std::nullopt;
  auto day = parse_date(std::string_view(ts).substr(0, 10));
  if (!day) return std::nullopt;
  int hour = (ts[11] - '0') * 10 + (ts[12] - '0');
  return *day + (hour + 8 >= 24 ? 1 : 0);
}

namespace {

struct Figures {
  std::set<std::string> policies;
  int64_t applications = 0;
  int64_t approved = 0, approved_fen = 0;
  int64_t instant = 0, instant_fen = 0;
  int64_t paid_fen = 0;
  std::set<int64_t> firms;
  int64_t pushes = 0;
  int64_t policy_items =
      -1;  // by department / total: published policies; -1 = distinct policies seen
};

json figures_json(const Figures& f) {
  auto rate = [](int64_t a, int64_t b) -> json {
    if (b <= 0) return nullptr;
    return std::round(static_cast<double>(a) / static_cast<double>(b) * 10000.0) / 10000.0;
  };
  return {{"policy_items",
           f.policy_items >= 0 ? f.policy_items : static_cast<int64_t>(f.policies.size())},
          {"applications", f.applications},
          {"approved", f.approved},
          {"approved_amount", workflow::fen_text(f.approved_fen)},
          {"instant_approved", f.instant},
          {"instant_amount", workflow::fen_text(f.instant_fen)},
          {"instant_rate_count", rate(f.instant, f.approved)},
          {"instant_rate_money", rate(f.instant_fen, f.approved_fen)},
          {"paid_amount", workflow::fen_text(f.paid_fen)},
          {"firms_benefited", static_cast<int64_t>(f.firms.size())},
          {"pushes_sent", f.pushes}};
}

const std::string kUnknownStreet = "（未知街道）";

// "2026-01" … for every month that [from, to] touches.
std::vector<std::string> months_between(int32_t from, int32_t to) {
  std::vector<std::string> out;
  CivilDate a = civil_from_days(from), b = civil_from_days(to);
  for (int y = a.year, m = a.month; y < b.year || (y == b.year && m <= b.month);) {
    out.push_back(fmt::format("{:04}-{:02}", y, m));
    if (++m > 12) {
      m = 1;
      ++y;
    }
  }
  return out;
}

bool holds(const std::string& status) {
  return status == "approved" || status == "publicity" || status == "disbursed";
}

}  // namespace

Result<json> Stats::headline(const StatsQuery& q) const {
  if (q.by != "" && q.by != "street" && q.by != "department" && q.by != "month")
    return Error("stats.invalid", "by 只能是 street（街道）、department（部门）或 month（月份）");
  if (q.from > q.to) return Error("stats.invalid", "起始日期不能晚于结束日期");
  // [from 00:00, to+1 00:00) China time, as UTC timestamps.
  auto at = [](int32_t day) {
    return store::format_timestamp(std::chrono::system_clock::time_point(
        std::chrono::seconds(static_cast<int64_t>(day) * 86400 - 8 * 3600)));
  };
  std::string from = at(q.from), to = at(q.to + 1);
  std::vector<store::StatApplication> apps;
  std::vector<store::StatPayment> payments;
  std::vector<store::StatPush> pushes;
  std::vector<store::StatPolicy> policies;
  ZHIDA_TRY(platform_.db().transaction(
      [&](store::Tx& tx) -> Status {
        ZHIDA_ASSIGN_OR_RETURN(apps, store::stat_applications(tx, from, to));
        ZHIDA_ASSIGN_OR_RETURN(payments, store::stat_payments(tx, from, to));
        ZHIDA_ASSIGN_OR_RETURN(pushes, store::stat_pushes(tx, from, to));
        ZHIDA_ASSIGN_OR_RETURN(policies, store::stat_policies(tx));
        return Status::Ok();
      },
      store::Mode::kRead));

  std::unordered_map<std::string, std::string> department;
  for (const auto& p : policies)
    department[p.id] = p.department.empty() ? "（未填部门）" : p.department;
  // Streets of the firms involved, and the firms registered per street
  // (every firm of the replica, whatever the period), from the replica.
  std::unordered_map<int64_t, std::string> street;
  std::map<std::string, int64_t> firms_per_street;
  int64_t firms_total = 0;
  if (q.by == "street") {
    std::set<int64_t> ids;
    for (const auto& a : apps) ids.insert(a.enterprise_id);
    for (const auto& p : payments) ids.insert(p.enterprise_id);
    for (const auto& p : pushes) ids.insert(p.enterprise_id);
    platform_.read([&](const portrait::EnterpriseTable& t) {
      const portrait::Attribute* attr = t.catalog().attribute("街道");
      auto street_of_row = [&](size_t row) -> std::string {
        if (attr) {
          rules::Value v = t.facts(row).get({attr->id, 0});
          if (v.kind == rules::Value::Kind::kText && !v.text.empty()) return std::string(v.text);
        }
        return kUnknownStreet;
      };
      for (int64_t id : ids) {
        auto row = t.row_of(id);
        street[id] = row ? street_of_row(*row) : kUnknownStreet;
      }
      firms_total = static_cast<int64_t>(t.rows());
      for (size_t r = 0; r < t.rows(); ++r) ++firms_per_street[street_of_row(r)];
      return 0;
    });
  }
  auto key = [&](int64_t firm, const std::string& policy, const std::string& ts) -> std::string {
    if (q.by == "street") return street[firm];
    if (q.by == "department") {
      auto it = department.find(policy);
      return it == department.end() ? "（未填部门）" : it->second;
    }
    if (q.by == "month") {
      auto d = china_day_of(ts);
      if (!d) return "";
      CivilDate c = civil_from_days(*d);
      return fmt::format("{:04}-{:02}", c.year, c.month);
    }
    return "";
  };
  auto in_period = [&](const std::string& ts) { return !ts.empty() && ts >= from && ts < to; };

  Figures total;
  std::map<std::string, Figures> groups;
  auto both = [&](const std::string& k, auto&& fn) {
    fn(total);
    if (!q.by.empty()) fn(groups[k]);
  };
  for (const auto& a : apps) {
    std::string submitted = a.submitted_at.empty() ? a.decided_at : a.submitted_at;
    if (in_period(submitted))
      both(key(a.enterprise_id, a.policy_id, submitted), [&](Figures& f) {
        ++f.applications;
        f.policies.insert(a.policy_id);
      });
    if (in_period(a.decided_at) && holds(a.status))
      both(key(a.enterprise_id, a.policy_id, a.decided_at), [&](Figures& f) {
        int64_t fen = a.award_fen.value_or(0);
        ++f.approved;
        f.approved_fen += fen;
        if (a.instant) {
          ++f.instant;
          f.instant_fen += fen;
        }
        f.firms.insert(a.enterprise_id);
        f.policies.insert(a.policy_id);
      });
  }
  for (const auto& p : payments)
    both(key(p.enterprise_id, p.policy_id, p.paid_at), [&](Figures& f) { f.paid_fen += p.fen; });
  for (const auto& p : pushes)
    both(key(p.enterprise_id, p.policy_id, p.created_at), [&](Figures& f) { ++f.pushes; });

  // Policy items: published by the end of the period.
  total.policy_items = 0;
  for (const auto& p : policies) {
    if (p.first_published_at >= to) continue;
    ++total.policy_items;
    if (q.by == "department") {
      Figures& f = groups[department[p.id]];
      f.policy_items = std::max<int64_t>(f.policy_items, 0) + 1;
    }
  }
  if (q.by == "department")
    for (auto& [k, f] : groups)
      if (f.policy_items < 0) f.policy_items = 0;
  // Every street with firms and every month of the period is a group, with
  // zeros where nothing happened (a chart's axis, a map's shading).
  if (q.by == "street")
    for (const auto& [s, n] : firms_per_street) groups.try_emplace(s);
  if (q.by == "month")
    for (const std::string& m : months_between(q.from, q.to)) groups.try_emplace(m);

  json out_groups = json::array();
  for (const auto& [k, f] : groups) {
    json g = figures_json(f);
    g["key"] = k;
    if (q.by == "street") {
      auto it = firms_per_street.find(k);
      g["enterprises"] = it == firms_per_street.end() ? 0 : it->second;
    }
    out_groups.push_back(std::move(g));
  }
  json out_total = figures_json(total);
  if (q.by == "street") out_total["enterprises"] = firms_total;
  return json{{"from", format_date(q.from)},
              {"to", format_date(q.to)},
              {"by", q.by.empty() ? json(nullptr) : json(q.by)},
              {"total", out_total},
              {"groups", out_groups}};
}

}  // namespace zhida::services
