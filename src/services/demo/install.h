// Installing the demo district into an empty platform database: the demo
// catalog, the generated enterprises (as one batch, the way a department's
// upload is stored), the 33 policies published, and the demo accounts chosen
// by evaluating those policies. `zhida demo` calls it on first start.
#pragma once

#include <functional>
#include <vector>

#include "base/result.h"
#include "services/demo/accounts.h"
#include "services/demo/generator.h"
#include "services/platform/platform.h"

namespace zhida::services::demo {

struct InstallOptions {
  uint64_t seed = 1;
  int64_t n = 200000;
  // Progress messages (Chinese) for the console; may be empty.
  std::function<void(const std::string&)> progress;
};

struct Installed {
  std::vector<DemoEnterprise> enterprises;
  std::vector<DemoAccount> accounts;
};

// Whether the platform's database already holds a district.
bool installed(Platform& platform);

// Fills an empty platform (fails if it already has enterprises or policies).
Result<Installed> install(Platform& platform, const InstallOptions& options);

}  // namespace zhida::services::demo
