// A streaming CSV reader (RFC 4180): reads a file in large chunks and hands
// out one record at a time, so a million-row file never sits in memory.
//
// It keeps the distinction the data contract needs (bench/WORKLOAD.md): an
// unquoted empty cell is missing, a quoted empty cell "" is the empty string.
// Quoted cells may hold commas, doubled quotes and line breaks; CRLF and a
// UTF-8 byte-order mark are accepted. Not thread-safe.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace zhida::portrait {

struct CsvCell {
  std::string_view text;  // unescaped; valid until the next call to next()
  bool quoted = false;
};

class CsvReader {
 public:
  ~CsvReader();
  CsvReader(const CsvReader&) = delete;
  CsvReader& operator=(const CsvReader&) = delete;

  static Result<std::unique_ptr<CsvReader>> open(const std::string& path);
  // Reads the records that start in [begin, end) of a file; `begin` must be
  // the start of a record. For parallel loading: several readers on ranges.
  static Result<std::unique_ptr<CsvReader>> open_range(const std::string& path, uint64_t begin, uint64_t end);
  // Reads from memory (tests, fuzzing, uploads).
  static std::unique_ptr<CsvReader> from_string(std::string data);

  enum class Status { kRecord, kEnd, kBadRecord };
  // Reads the next record into `cells`. kBadRecord: the record is malformed
  // (an unclosed quote, text after a closing quote); `why` says how, in
  // Chinese, and reading can go on with the next record.
  Status next(std::vector<CsvCell>& cells, std::string* why);

  // The line on which the last record started (1-based).
  int64_t line() const { return record_line_; }
  // Bytes consumed so far (for progress).
  uint64_t bytes_read() const { return consumed_; }
  // The file offset just past the last record read.
  uint64_t position() const { return base_offset_ + consumed_; }
  // Lines consumed so far.
  int64_t lines() const { return line_ - 1; }
  // Whether the last record read ended with a line break (not the end of
  // the input), and whether that was CRLF.
  bool ended_with_newline() const { return last_newline_; }
  bool ended_with_cr() const { return last_cr_; }

 private:
  CsvReader() = default;
  bool fill();  // reads more into buf_; false at end of input

  std::FILE* file_ = nullptr;
  std::string buf_;
  size_t pos_ = 0;  // start of unread data in buf_
  size_t end_ = 0;  // end of valid data in buf_
  bool eof_ = false;
  bool started_ = false;
  uint64_t base_offset_ = 0;
  uint64_t limit_ = UINT64_MAX;  // records starting at or past this are not read
  int64_t line_ = 1;
  int64_t record_line_ = 0;
  uint64_t consumed_ = 0;
  bool last_newline_ = false;
  bool last_cr_ = false;
};

}  // namespace zhida::portrait
