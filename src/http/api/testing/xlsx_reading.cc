#include "http/api/testing/xlsx_reading.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>

namespace zhida::http::testing {

std::string xlsx_member(const std::string& bytes, const std::string& member) {
  char name[] = "/tmp/zhida-xlsx-XXXXXX";
  int fd = mkstemp(name);
  if (fd < 0) return "";
  close(fd);
  std::ofstream(name, std::ios::binary) << bytes;
  std::string cmd = std::string("unzip -p '") + name + "' '" + member + "' 2>/dev/null";
  FILE* f = popen(cmd.c_str(), "r");
  std::string out;
  char buf[65536];
  size_t n;
  while (f && (n = fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  if (f) pclose(f);
  std::remove(name);
  return out;
}

int count_rows(const std::string& sheet_xml) {
  int n = 0;
  for (size_t at = 0; (at = sheet_xml.find("<row ", at)) != std::string::npos; ++at) ++n;
  return n;
}

}  // namespace zhida::http::testing
