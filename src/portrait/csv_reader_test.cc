#include "portrait/csv_reader.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace zhida::portrait {
namespace {

// Records as "cell|cell" with quoted cells marked q:…; errors as "!reason".
std::vector<std::string> read_all(CsvReader& r) {
  std::vector<std::string> out;
  std::vector<CsvCell> cells;
  std::string why;
  for (;;) {
    auto st = r.next(cells, &why);
    if (st == CsvReader::Status::kEnd) break;
    if (st == CsvReader::Status::kBadRecord) {
      out.push_back("!" + std::to_string(r.line()));
      continue;
    }
    std::string rec;
    for (size_t i = 0; i < cells.size(); ++i) {
      if (i) rec += "|";
      rec += (cells[i].quoted ? "q:" : "") + std::string(cells[i].text);
    }
    out.push_back(std::to_string(r.line()) + ":" + rec);
  }
  return out;
}

std::vector<std::string> read_all(const std::string& text) {
  auto r = CsvReader::from_string(text);
  return read_all(*r);
}

using V = std::vector<std::string>;

TEST(CsvReader, QuotedEmptyIsNotMissing) {
  EXPECT_EQ(read_all("a,b,c\n1,,\"\"\n"), (V{"1:a|b|c", "2:1||q:"}));
}

TEST(CsvReader, QuotesCommasNewlinesAndCrlf) {
  EXPECT_EQ(read_all("\"x,y\",\"say \"\"hi\"\"\"\r\n\"two\nlines\",z\r\nlast,row"),
            (V{"1:q:x,y|q:say \"hi\"", "2:q:two\nlines|z", "4:last|row"}));
}

TEST(CsvReader, ByteOrderMarkAndBlankAndTrailingComma) {
  EXPECT_EQ(read_all("\xEF\xBB\xBFid,名称\n1,宝安\n\n2,\n"),
            (V{"1:id|名称", "2:1|宝安", "3:", "4:2|"}));
}

TEST(CsvReader, MalformedRecordsAreReportedAndSkipped) {
  EXPECT_EQ(read_all("a,b\n\"x\"y,1\nok,2\n"), (V{"1:a|b", "!2", "3:ok|2"}));
  EXPECT_EQ(read_all("a,b\nx\"y,1\nok,2\n"), (V{"1:a|b", "!2", "3:ok|2"}));
  EXPECT_EQ(read_all("a,b\n\"never closed,1\nok,2\n"), (V{"1:a|b", "!2"}));
}

TEST(CsvReader, RecordsSpanningChunksFromAFile) {
  // Larger than the 4 MiB read chunk, with quoted cells across the border.
  auto path = std::filesystem::temp_directory_path() / "zhida_csv_chunks.csv";
  {
    std::ofstream f(path);
    f << "id,text\n";
    for (int i = 1; i <= 120000; ++i) f << i << ",\"企业,名称 " << i << " \"\"有限\"\"\n公司\"\n";
  }
  auto r = CsvReader::open(path.string());
  ASSERT_TRUE(r.ok());
  std::vector<CsvCell> cells;
  std::string why;
  ASSERT_EQ((*r)->next(cells, &why), CsvReader::Status::kRecord);
  int n = 0;
  while ((*r)->next(cells, &why) == CsvReader::Status::kRecord) {
    ++n;
    ASSERT_EQ(cells.size(), 2u);
    ASSERT_EQ(cells[0].text, std::to_string(n));
    ASSERT_EQ(cells[1].text, "企业,名称 " + std::to_string(n) + " \"有限\"\n公司");
    ASSERT_EQ((*r)->line(), 2 * n);
  }
  EXPECT_EQ(n, 120000);
  std::filesystem::remove(path);
}

TEST(CsvReader, MissingFileIsAnError) {
  auto r = CsvReader::open("/nonexistent/zhida.csv");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "io.open_failed");
}

}  // namespace
}  // namespace zhida::portrait
