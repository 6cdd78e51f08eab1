#include "portrait/csv_reader.h"

#include <fmt/format.h>

#include <cstring>

namespace zhida::portrait {
namespace {
constexpr size_t kChunk = 4 << 20;
}

CsvReader::~CsvReader() {
  if (file_) std::fclose(file_);
}

Result<std::unique_ptr<CsvReader>> CsvReader::open(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f)
    return Error("io.open_failed", fmt::format("无法打开文件 {}：{}", path, std::strerror(errno)));
  std::unique_ptr<CsvReader> r(new CsvReader());
  r->file_ = f;
  r->buf_.resize(kChunk);
  return r;
}

Result<std::unique_ptr<CsvReader>> CsvReader::open_range(const std::string& path, uint64_t begin, uint64_t end) {
  auto r = open(path);
  if (!r.ok()) return r;
  if (std::fseek((*r)->file_, static_cast<long>(begin), SEEK_SET) != 0)
    return Error("io.seek_failed", fmt::format("无法定位文件 {}", path));
  (*r)->base_offset_ = begin;
  (*r)->limit_ = end - begin;
  (*r)->started_ = begin > 0;  // a byte-order mark can only be at the start
  return r;
}

std::unique_ptr<CsvReader> CsvReader::from_string(std::string data) {
  std::unique_ptr<CsvReader> r(new CsvReader());
  r->end_ = data.size();
  r->buf_ = std::move(data);
  r->eof_ = true;
  return r;
}

bool CsvReader::fill() {
  if (eof_ || !file_) return false;
  // Keep the unread tail; grow when one record is larger than the buffer.
  if (pos_ > 0) {
    std::memmove(buf_.data(), buf_.data() + pos_, end_ - pos_);
    end_ -= pos_;
    pos_ = 0;
  }
  if (end_ + kChunk / 2 > buf_.size()) buf_.resize(std::max(buf_.size() * 2, end_ + kChunk));
  size_t n = std::fread(buf_.data() + end_, 1, buf_.size() - end_, file_);
  if (n == 0) {
    eof_ = true;
    return false;
  }
  end_ += n;
  return true;
}

CsvReader::Status CsvReader::next(std::vector<CsvCell>& cells, std::string* why) {
  cells.clear();
  if (!started_) {
    started_ = true;
    if (end_ - pos_ < 3) fill();
    if (end_ - pos_ >= 3 && std::memcmp(buf_.data() + pos_, "\xEF\xBB\xBF", 3) == 0) {
      pos_ += 3;
      consumed_ += 3;
    }
  }
  if (consumed_ >= limit_) return Status::kEnd;
  // Find the end of the record: a newline outside quotes. `scan` is where
  // scanning resumes after a refill (positions are relative to pos_).
  size_t scan = 0;
  bool in_quotes = false;
  int64_t newlines = 0;
  size_t rec_len = 0;
  bool at_eof_record = false;
  for (;;) {
    const char* base = buf_.data() + pos_;
    size_t avail = end_ - pos_;
    size_t i = scan;
    bool found = false;
    while (i < avail) {
      if (!in_quotes) {
        // Fast path: the next newline, then a quote before it that opens a
        // quoted cell (a quote inside an unquoted cell is an error, found
        // when the record is split).
        const void* nl = std::memchr(base + i, '\n', avail - i);
        size_t ni = nl ? static_cast<size_t>(static_cast<const char*>(nl) - base) : avail;
        size_t open = ni;
        for (size_t k = i; k < ni;) {
          const void* q = std::memchr(base + k, '"', ni - k);
          if (q == nullptr) break;
          size_t qi = static_cast<size_t>(static_cast<const char*>(q) - base);
          if (qi == 0 || base[qi - 1] == ',') {
            open = qi;
            break;
          }
          k = qi + 1;
        }
        if (open == ni) {
          i = ni;
          found = nl != nullptr;
          break;
        }
        in_quotes = true;
        i = open + 1;
      } else {
        const void* q = std::memchr(base + i, '"', avail - i);
        size_t qi = q ? static_cast<size_t>(static_cast<const char*>(q) - base) : avail;
        for (size_t k = i; k < qi; ++k) newlines += base[k] == '\n';
        if (qi == avail) {
          i = avail;
          break;
        }
        if (qi + 1 >= avail && !eof_) {  // is it doubled? need the next byte
          i = qi;
          break;
        }
        if (qi + 1 < avail && base[qi + 1] == '"') {
          i = qi + 2;  // an escaped quote: still inside
          continue;
        }
        in_quotes = false;
        i = qi + 1;
      }
    }
    if (found) {
      rec_len = i;
      break;
    }
    scan = i;
    if (!fill()) {
      if (end_ == pos_) {
        return Status::kEnd;
      }
      rec_len = end_ - pos_;
      at_eof_record = true;
      break;
    }
  }
  record_line_ = line_;
  char* rec = buf_.data() + pos_;
  size_t consumed = rec_len + (at_eof_record ? 0 : 1);
  line_ += newlines + (at_eof_record ? 0 : 1);
  pos_ += consumed;
  consumed_ += consumed;
  size_t len = rec_len;
  last_newline_ = !at_eof_record;
  last_cr_ = false;
  if (len > 0 && rec[len - 1] == '\r' && !in_quotes) {
    --len;
    last_cr_ = true;
  }
  if (in_quotes) {
    *why = "引号没有闭合：带引号的单元格缺少结尾的引号";
    return Status::kBadRecord;
  }
  // Split into cells, unescaping quoted ones in place. Most records have no
  // quote at all: one look for one, instead of one per cell.
  const bool any_quote = len > 0 && std::memchr(rec, '"', len) != nullptr;
  size_t i = 0;
  for (;;) {
    CsvCell cell;
    if (i < len && rec[i] == '"') {
      cell.quoted = true;
      size_t out = i + 1, k = i + 1;
      for (;;) {
        if (k >= len) {  // cannot happen: quotes were balanced above
          *why = "引号没有闭合";
          return Status::kBadRecord;
        }
        if (rec[k] == '"') {
          if (k + 1 < len && rec[k + 1] == '"') {
            rec[out++] = '"';
            k += 2;
            continue;
          }
          break;
        }
        rec[out++] = rec[k++];
      }
      cell.text = std::string_view(rec + i + 1, out - (i + 1));
      i = k + 1;  // past the closing quote
      if (i < len && rec[i] != ',') {
        *why = fmt::format("第 {} 列的结尾引号后面还有内容（引号中的引号需写成两个 \"\"）",
                           cells.size() + 1);
        return Status::kBadRecord;
      }
    } else {
      size_t e = i;  // cells are short: a loop beats a call to memchr
      while (e < len && rec[e] != ',') ++e;
      cell.text = std::string_view(rec + i, e - i);
      if (any_quote && cell.text.find('"') != std::string_view::npos) {
        *why =
            fmt::format("第 {} 列中间出现引号：含引号的单元格需整体用引号括起，引号写成两个 \"\"",
                        cells.size() + 1);
        return Status::kBadRecord;
      }
      i = e;
    }
    cells.push_back(cell);
    if (i >= len) break;
    ++i;             // the comma
    if (i == len) {  // a trailing comma: one more empty cell
      cells.push_back(CsvCell{});
      break;
    }
  }
  return Status::kRecord;
}

}  // namespace zhida::portrait
