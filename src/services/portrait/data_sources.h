// Data sources (数据源): the departments' systems that push changed facts
// to the platform (incremental updates, C1). Each has a name, the
// department written as the source of its facts, the attributes it may
// write, and an API key. Only the key's SHA-256 is stored; the key is shown
// once, when the source is created or its key is rotated.
//
// A push (POST /api/v1/facts with "Authorization: Bearer <key>") is checked
// item by item: an attribute outside the source's list is refused, like a
// bad value; the good items are stored and applied in one transaction
// (Platform::push_facts) with the source's last use and an audit entry.
//
// Thread-safety: thread-safe (state lives in the database).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "base/issue.h"
#include "base/result.h"
#include "services/audit/audit.h"
#include "services/platform/platform.h"
#include "store/portrait_store.h"

namespace zhida::services {

// "zd_" followed by 43 URL-safe base64 characters (32 random bytes).
std::string new_api_key();
// SHA-256 of the key, hex.
std::string api_key_hash(std::string_view key);

class DataSources {
 public:
  explicit DataSources(Platform& platform) : platform_(platform) {}

  struct Input {
    std::optional<std::string> name;
    std::optional<std::string> department;
    std::optional<std::string> description;
    std::optional<std::vector<std::string>> attributes;
    std::optional<bool> active;
    bool rotate_key = false;  // update only: issue a new key (the old one stops working)
  };
  struct Created {
    store::DataSourceRow source;
    std::string key;  // the API key, shown once; empty when not (re)issued
  };

  // Errors: "datasource.invalid" (problems in `issues`, field set),
  // "datasource.conflict" (name taken).
  Result<Created> create(const Input& in, const Actor& actor, Issues* issues);
  // Errors as create, plus db.not_found.
  Result<Created> update(int64_t id, const Input& in, const Actor& actor, Issues* issues);
  Result<std::vector<store::DataSourceRow>> list();
  Result<std::optional<store::DataSourceRow>> get(int64_t id);

  // The active source holding this key; error "unauthenticated" when none
  // (unknown key, inactive source).
  Result<store::DataSourceRow> authenticate(std::string_view key);

  // One pushed item, as received.
  struct Item {
    int64_t enterprise_id = 0;
    std::string attribute;              // 营业收入[2024]
    std::optional<std::string> value;   // nullopt: now missing
    std::string as_of;                  // as sent (date or time); empty = now
  };
  // Checks and stores the items of one push; bad items are reported (line =
  // 1-based item index) and skipped. The good ones, the source's last use
  // and the audit entry commit together.
  Result<PushReport> push(const store::DataSourceRow& source, const std::vector<Item>& items, const Actor& actor);

  static nlohmann::json to_json(const store::DataSourceRow& row);

 private:
  Platform& platform_;
};

}  // namespace zhida::services
