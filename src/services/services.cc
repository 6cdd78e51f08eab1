#include "services/services.h"

#include "store/accounts_store.h"
#include "store/audit_store.h"
#include "store/funds_store.h"
#include "store/notifications_store.h"
#include "store/workflow_store.h"

namespace zhida::services {

std::vector<store::MigrationSet> service_migrations() {
  std::vector<store::MigrationSet> sets;
  // One line per area, in dependency order.
  sets.push_back(store::accounts_migrations());
  sets.push_back(store::audit_migrations());
  sets.push_back(store::notifications_migrations());
  sets.push_back(store::workflow_migrations());
  sets.push_back(store::funds_migrations());
  return sets;
}

Result<std::unique_ptr<Services>> Services::start(Platform& platform, ServicesOptions options) {
  std::unique_ptr<Services> s(new Services(platform));
  s->audit = std::make_unique<AuditLog>(platform.db(), platform.clock_ptr());
  s->accounts = std::make_unique<Accounts>(platform.db(), platform.clock_ptr(), options.accounts);
  s->matching = std::make_unique<Matching>(platform);
  s->portrait = std::make_unique<PortraitService>(platform);
  s->data_sources = std::make_unique<DataSources>(platform);
  s->tags = std::make_unique<Tags>(platform);
  ZHIDA_TRY(s->tags->start());  // before the workers that read tags
  s->policies = std::make_unique<PolicyService>(platform);
  s->notifications = std::make_unique<Notifications>(platform, *s->matching, std::move(options.notifications));
  // SMS go to the firm's 法人 and 经办人 accounts (with their phones).
  s->notifications->set_recipient_lookup([accounts = s->accounts.get()](int64_t enterprise_id)
                                             -> Result<std::vector<Recipient>> {
    auto users = accounts->users_of_enterprise(enterprise_id);
    if (!users.ok()) return users.error();
    std::vector<Recipient> out;
    for (const User& u : *users) out.push_back({u.id, role_name(u.role), u.display_name, u.phone});
    return out;
  });
  ZHIDA_TRY(s->notifications->start());
  s->applications = std::make_unique<Applications>(platform, std::move(options.applications));
  s->applications->start();
  s->funds = std::make_unique<Funds>(platform, *s->applications, std::move(options.funds));
  ZHIDA_TRY(s->funds->start());
  s->stats = std::make_unique<Stats>(platform);
  return s;
}

void Services::stop() {
  if (funds) funds->stop();
  if (applications) applications->stop();
  if (tags) tags->stop();
  if (notifications) notifications->stop();
}

Services::~Services() { stop(); }

}  // namespace zhida::services
