#include "services/services.h"

namespace zhida::services {

std::vector<store::MigrationSet> service_migrations() {
  std::vector<store::MigrationSet> sets;
  // One line per area, in dependency order.
  return sets;
}

Result<std::unique_ptr<Services>> Services::start(Platform& platform) {
  std::unique_ptr<Services> s(new Services(platform));
  s->matching = std::make_unique<Matching>(platform);
  return s;
}

void Services::stop() {}

Services::~Services() { stop(); }

}  // namespace zhida::services
