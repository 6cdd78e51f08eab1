// Test support for PostgreSQL: throwaway databases on the server that
// scripts/with-postgres.sh starts (ZHIDA_TEST_PG_URL). Header-only, for the
// tests of this layer and the layers above; the store library never uses it.
#pragma once

#include <libpq-fe.h>

#include <string>

namespace zhida::store::testing {

// Runs one statement on the PostgreSQL server named by `url`; "" or the error.
inline std::string pg_admin(const std::string& url, const std::string& sql) {
  PGconn* c = PQconnectdb(url.c_str());
  std::string err;
  if (PQstatus(c) != CONNECTION_OK) {
    err = PQerrorMessage(c);
  } else {
    PGresult* r = PQexec(c, sql.c_str());
    if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
      err = PQresultErrorMessage(r);
    PQclear(r);
  }
  PQfinish(c);
  return err;
}

// `url` with its database name replaced by `db` (the query string kept).
inline std::string with_dbname(const std::string& url, const std::string& db) {
  size_t start = url.find("://") + 3;
  size_t query = url.find('?', start);
  size_t slash = url.find('/', start);
  std::string tail = query == std::string::npos ? "" : url.substr(query);
  if (slash != std::string::npos && (query == std::string::npos || slash < query))
    return url.substr(0, slash) + "/" + db + tail;
  return url.substr(0, query) + "/" + db + tail;
}

}  // namespace zhida::store::testing
