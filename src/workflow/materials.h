// Materials (申报材料): which uploaded files are accepted. The type is read
// from the file's first bytes (its magic number), never from its name or the
// Content-Type the browser sent. Storage (content-addressed by SHA-256, one
// file per distinct content) is the service's; this is the pure check.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace zhida::workflow {

// The largest material accepted (20 MiB).
inline constexpr uint64_t kMaxMaterialBytes = 20ull << 20;

struct FileType {
  std::string kind;  // pdf, png, jpeg, docx, xlsx, ofd
  std::string mime;  // application/pdf …
  std::string ext;   // .pdf …
};

// The file's type by its bytes: PDF (%PDF-), PNG, JPEG, and the zip-based
// formats — Word .docx / Excel .xlsx (Office Open XML: [Content_Types].xml
// and word/ or xl/ parts) and OFD (版式文档, GB/T 33190: OFD.xml at the root).
// nullopt for anything else (a plain zip, an executable, text …).
std::optional<FileType> sniff_file_type(std::string_view bytes);

// "" when the upload is acceptable, else the Chinese reason (empty, too
// large, type not allowed).
std::string check_material(std::string_view bytes);

}  // namespace zhida::workflow
