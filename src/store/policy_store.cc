#include "store/policy_store.h"

#include <fmt/format.h>

namespace zhida::store {

Status delete_policy_draft(Tx& tx, const std::string& id) {
  auto row = tx.query_optional("SELECT version FROM policies WHERE id = $1", {id});
  if (!row.ok()) return row.error();
  if (!*row) return Error("db.not_found", fmt::format("没有编号为 {} 的政策", id));
  ZHIDA_ASSIGN_OR_RETURN(int64_t version, (*row)->get<int64_t>(0));
  if (version != 0)
    return Error("policy.published", fmt::format("政策 {} 已发布过，不能删除，只能关闭", id));
  auto n = tx.exec("DELETE FROM policies WHERE id = $1 AND version = 0", {id});
  if (!n.ok()) return n.error();
  ZHIDA_TRY(tx.append_change("policies", id, R"({"op":"delete"})"));
  return Status::Ok();
}

Result<std::vector<std::string>> policy_ids_with_prefix(Tx& tx, const std::string& prefix) {
  // substr instead of LIKE: the prefix may hold '_' or '%', and LIKE's case
  // rules differ between the two databases.
  auto rows =
      tx.query("SELECT id FROM policies WHERE substr(id, 1, CAST($2 AS INTEGER)) = $1 ORDER BY id",
               {prefix, static_cast<int64_t>(prefix.size())});
  if (!rows.ok()) return rows.error();
  std::vector<std::string> out;
  for (const Row& r : *rows) {
    ZHIDA_ASSIGN_OR_RETURN(std::string id, r.get<std::string>(0));
    out.push_back(std::move(id));
  }
  return out;
}

}  // namespace zhida::store
