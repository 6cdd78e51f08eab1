#include "services/notifications/templates.h"

namespace zhida::services {

std::string render_template(const std::string& text, const TemplateParams& params) {
  std::string out;
  out.reserve(text.size() + 32);
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '{') {
      size_t close = text.find('}', i + 1);
      if (close != std::string::npos) {
        std::string name = text.substr(i + 1, close - i - 1);
        bool plain = !name.empty() && name.find_first_of("{ ") == std::string::npos;
        if (plain) {
          for (const auto& [k, v] : params)
            if (k == name) {
              out += v;
              break;
            }
          i = close + 1;
          continue;
        }
      }
    }
    out += text[i++];
  }
  return out;
}

Templates::Templates() {
  generic_ = {"{title}", "{body}", "{title}：{body}"};
  templates_ = {
      {"generic", generic_},
      {"policy_match",
       {"您可能符合政策：{policy_name}",
        "根据贵企业的数据，贵企业符合“{policy_name}”的申报条件{award_text}"
        "。请登录平台查看条件说明并申报。",
        "贵企业符合“{policy_name}”申报条件{award_text}，请登录惠企政策直达平台查看并申报。"}},
      {"application_submitted",
       {"申报已提交：{policy_name}",
        "贵企业的“{policy_name}”申报（编号 {application_id}）已提交，正在处理。",
        "贵企业“{policy_name}”申报（编号{application_id}）已提交。"}},
      {"application_instant_approved",
       {"秒批通过：{policy_name}",
        "贵企业的“{policy_name}”申报（编号 "
        "{application_id}）经数据核验全部符合，已即时批准，核定金额 {amount} "
        "元。公示期满后拨付。",
        "贵企业“{policy_name}”申报已秒批通过，核定{amount}元，公示后拨付。"}},
      {"application_approved",
       {"审核通过：{policy_name}",
        "贵企业的“{policy_name}”申报（编号 {application_id}）已审核通过，核定金额 {amount} 元。",
        "贵企业“{policy_name}”申报已审核通过，核定{amount}元。"}},
      {"application_returned",
       {"申报退回补正：{policy_name}",
        "贵企业的“{policy_name}”申报（编号 {application_id}）需补正：{reason}。请在 {deadline} "
        "前修改后重新提交。",
        "贵企业“{policy_name}”申报需补正：{reason}，请登录平台处理。"}},
      {"application_rejected",
       {"申报未通过：{policy_name}",
        "贵企业的“{policy_name}”申报（编号 {application_id}）未通过：{reason}。",
        "贵企业“{policy_name}”申报未通过：{reason}。"}},
      {"application_withdrawn",
       {"申报已撤回：{policy_name}", "贵企业的“{policy_name}”申报（编号 {application_id}）已撤回。",
        "贵企业“{policy_name}”申报已撤回。"}},
      {"publicity_started",
       {"进入公示：{policy_name}",
        "贵企业获“{policy_name}”资助 {amount} 元，已列入公示名单，公示期 {start} 至 {end}。",
        "贵企业“{policy_name}”资助{amount}元已进入公示（{start}至{end}）。"}},
      {"objection_lodged",
       {"公示收到异议：{policy_name}",
        "贵企业在“{policy_name}”公示名单中的资助收到异议，正在核查。",
        "贵企业“{policy_name}”公示收到异议，正在核查。"}},
      {"objection_resolved",
       {"异议处理结果：{policy_name}",
        "关于贵企业“{policy_name}”资助的异议已处理：{outcome}。{reply}",
        "贵企业“{policy_name}”公示异议已处理：{outcome}。"}},
      {"disbursement_account_confirm",
       {"请确认收款账户：{policy_name}",
        "贵企业“{policy_name}”资助 {amount} "
        "元公示期满，请企业法人登录平台确认收款银行账户，以便拨付。",
        "贵企业“{policy_name}”资助{amount}元待拨付，请法人登录平台确认收款账户。"}},
      {"disbursement_paid",
       {"资金已拨付：{policy_name}",
        "贵企业“{policy_name}”资助 {amount} 元已拨付至账户 {account}。{note}",
        "贵企业“{policy_name}”资助{amount}元已拨付，请查收。"}},
      {"auto_grant",
       {"免申即享：{policy_name}",
        "根据贵企业的数据，贵企业无需申报即可享受“{policy_name}”，核定金额 {amount} "
        "元。请企业法人登录平台确认收款账户。",
        "贵企业免申即享“{policy_name}”{amount}元，请法人登录平台确认收款账户。"}},
  };
}

void Templates::override_sms(const std::map<std::string, std::string>& sms) {
  for (const auto& [id, text] : sms) {
    auto it = templates_.find(id);
    if (it == templates_.end()) it = templates_.emplace(id, generic_).first;
    it->second.sms = text;
  }
}

const MessageTemplate& Templates::get(const std::string& id) const {
  auto it = templates_.find(id);
  return it == templates_.end() ? generic_ : it->second;
}

}  // namespace zhida::services
