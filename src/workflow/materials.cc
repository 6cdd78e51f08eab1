#include "workflow/materials.h"

#include <fmt/format.h>

#include <vector>

namespace zhida::workflow {

namespace {

uint32_t le16(std::string_view b, size_t at) {
  return static_cast<uint8_t>(b[at]) |
         (static_cast<uint32_t>(static_cast<uint8_t>(b[at + 1])) << 8);
}
uint32_t le32(std::string_view b, size_t at) {
  return le16(b, at) | (le16(b, at + 2) << 16);
}

bool starts(std::string_view b, std::string_view prefix) {
  return b.substr(0, prefix.size()) == prefix;
}

// The entry names of a zip archive, from its central directory. Empty when
// the archive is malformed.
std::vector<std::string_view> zip_names(std::string_view b) {
  std::vector<std::string_view> names;
  if (b.size() < 22) return names;
  // End of central directory: the last PK\5\6 within the final 64 KiB + 22.
  size_t lowest = b.size() > 65557 ? b.size() - 65557 : 0;
  size_t eocd = std::string_view::npos;
  for (size_t i = b.size() - 22 + 1; i-- > lowest;) {
    if (b.compare(i, 4, std::string_view("PK\x05\x06", 4)) == 0) {
      eocd = i;
      break;
    }
  }
  if (eocd == std::string_view::npos) return names;
  uint32_t count = le16(b, eocd + 10);
  size_t at = le32(b, eocd + 16);
  for (uint32_t k = 0; k < count && k < 100000; ++k) {
    if (at + 46 > b.size() || b.compare(at, 4, std::string_view("PK\x01\x02", 4)) != 0) return {};
    uint32_t name_len = le16(b, at + 28), extra = le16(b, at + 30), comment = le16(b, at + 32);
    if (at + 46 + name_len > b.size()) return {};
    names.push_back(b.substr(at + 46, name_len));
    at += 46 + name_len + extra + comment;
  }
  return names;
}

}  // namespace

std::optional<FileType> sniff_file_type(std::string_view b) {
  if (starts(b, "%PDF-")) return FileType{"pdf", "application/pdf", ".pdf"};
  if (starts(b, std::string_view("\x89PNG\r\n\x1a\n", 8)))
    return FileType{"png", "image/png", ".png"};
  if (starts(b, std::string_view("\xff\xd8\xff", 3))) return FileType{"jpeg", "image/jpeg", ".jpg"};
  if (starts(b, std::string_view("PK\x03\x04", 4))) {
    bool content_types = false, word = false, xl = false, ofd = false;
    for (std::string_view n : zip_names(b)) {
      if (n == "[Content_Types].xml") content_types = true;
      if (starts(n, "word/")) word = true;
      if (starts(n, "xl/")) xl = true;
      if (n == "OFD.xml") ofd = true;
    }
    if (ofd) return FileType{"ofd", "application/ofd", ".ofd"};
    if (content_types && word)
      return FileType{"docx",
                      "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                      ".docx"};
    if (content_types && xl)
      return FileType{"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                      ".xlsx"};
  }
  return std::nullopt;
}

std::string check_material(std::string_view bytes) {
  if (bytes.empty()) return "文件是空的";
  if (bytes.size() > kMaxMaterialBytes)
    return fmt::format("文件过大（{:.1f} MB），单个材料不能超过 {} MB",
                       static_cast<double>(bytes.size()) / (1 << 20), kMaxMaterialBytes >> 20);
  if (!sniff_file_type(bytes))
    return "不支持的文件类型：只接受 PDF、PNG、JPEG、Word（.docx）、Excel（.xlsx）和 OFD 文件";
  return "";
}

}  // namespace zhida::workflow
