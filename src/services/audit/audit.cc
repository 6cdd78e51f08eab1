#include "services/audit/audit.h"

namespace zhida::services {

Actor Actor::of(const Principal& p, std::string ip) {
  return Actor{p.user_id, p.username, role_name(p.role), std::move(ip)};
}

Actor Actor::system(std::string name) { return Actor{0, "system:" + name, "", ""}; }

store::AuditRecord audit_record(const Clock& clock, const Actor& actor, std::string action,
                                std::string target_type, std::string target_id,
                                const nlohmann::json& detail) {
  store::AuditRecord r;
  r.time = clock.timestamp();
  r.user_id = actor.user_id;
  r.username = actor.username;
  r.role = actor.role;
  r.ip = actor.ip;
  r.action = std::move(action);
  r.target_type = std::move(target_type);
  r.target_id = std::move(target_id);
  r.detail = detail.is_object() ? detail.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
                                : "{}";
  return r;
}

Status append_audit(store::Tx& tx, const Clock& clock, const Actor& actor, std::string action,
                    std::string target_type, std::string target_id, const nlohmann::json& detail) {
  auto e = store::append_audit(tx, audit_record(clock, actor, std::move(action), std::move(target_type),
                                                std::move(target_id), detail));
  if (!e.ok()) return e.error();
  return Status::Ok();
}

nlohmann::json audit_entry_json(const store::AuditEntry& e) {
  nlohmann::json detail = nlohmann::json::parse(e.detail, nullptr, false);
  if (detail.is_discarded()) detail = e.detail;
  nlohmann::json j = {{"seq", e.seq},
                      {"time", e.time},
                      {"user_id", e.user_id},
                      {"username", e.username},
                      {"role", e.role},
                      {"action", e.action},
                      {"target_type", e.target_type},
                      {"target_id", e.target_id},
                      {"detail", detail},
                      {"ip", e.ip},
                      {"enterprises", e.enterprises},
                      {"prev_hash", e.prev_hash},
                      {"hash", e.hash}};
  if (auto r = parse_role(e.role)) j["role_zh"] = role_name_zh(*r);
  return j;
}

Result<store::AuditCheck> verify_audit_database(const std::string& url) {
  store::Options o;
  o.migrate = false;
  o.pool_size = 1;
  auto db = store::Database::open(url, std::move(o));
  if (!db.ok()) return db.error();
  return AuditLog(**db, nullptr).verify();
}

Status AuditLog::record(const store::AuditRecord& record) {
  return db_.transaction([&](store::Tx& tx) -> Status {
    auto e = store::append_audit(tx, record);
    if (!e.ok()) return e.error();
    return Status::Ok();
  });
}

Status AuditLog::record(const Actor& actor, std::string action, std::string target_type,
                        std::string target_id, const nlohmann::json& detail) {
  return record(audit_record(*clock_, actor, std::move(action), std::move(target_type),
                             std::move(target_id), detail));
}

Result<AuditLog::Page> AuditLog::query(const store::AuditFilter& filter) const {
  Page page;
  Status st = db_.transaction(
      [&](store::Tx& tx) -> Status {
        auto items = store::query_audit(tx, filter, &page.total);
        if (!items.ok()) return items.error();
        page.items = std::move(*items);
        return Status::Ok();
      },
      store::Mode::kRead);
  if (!st.ok()) return st.error();
  return page;
}

Result<store::AuditCheck> AuditLog::verify() const {
  store::AuditCheck check;
  Status st = db_.transaction(
      [&](store::Tx& tx) -> Status {
        auto c = store::verify_audit(tx);
        if (!c.ok()) return c.error();
        check = std::move(*c);
        return Status::Ok();
      },
      store::Mode::kRead);
  if (!st.ok()) return st.error();
  return check;
}

}  // namespace zhida::services
