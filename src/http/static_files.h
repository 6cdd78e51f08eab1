// StaticFiles: serves the built web UI (Vite's dist/ directory) for the
// non-/api GET and HEAD requests.
//
//   /assets/index-3f2a.js   the file, Cache-Control: public, max-age=31536000, immutable
//                           (Vite puts a content hash in every name under assets/)
//   /  and  /index.html     index.html, Cache-Control: no-cache
//   /policies/42            no such file, no extension: index.html (the Vue
//                           router's history mode; SPA fallback), no-cache
//   /missing.png            404 JSON error
//   other files             the file, Cache-Control: no-cache (revalidated by ETag)
//
// Safety: a request can only reach regular files below the root. Path
// segments "." and "..", segments containing '/', '\\' or NUL after decoding
// (so "%2e%2e" and "..%2f" are caught too), and dot-files are refused (404);
// a symlink leading out of the root is refused after canonicalisation.
//
// Files are read from disk on every request (the OS page cache keeps them hot)
// with a weak ETag from size and modification time; If-None-Match gives 304.
//
// Thread-safety: immutable after construction; serve() may run on any number
// of threads at once.
#pragma once

#include <filesystem>
#include <string_view>

#include "http/request.h"
#include "http/response.h"

namespace zhida::http {

class StaticFiles {
 public:
  // root is canonicalised here; ok() is false when it is not a directory.
  explicit StaticFiles(const std::filesystem::path& root);

  bool ok() const { return ok_; }
  const std::filesystem::path& root() const { return root_; }

  // The response for a GET or HEAD of req.path (req.segments).
  Response serve(const Request& req) const;

 private:
  Response file_response(const std::filesystem::path& file, std::string_view cache_control,
                         const Request& req) const;

  std::filesystem::path root_;
  bool ok_ = false;
};

// The Content-Type for a file name by its extension (case-insensitive),
// "application/octet-stream" when unknown. Text types carry charset=utf-8.
std::string_view mime_type(std::string_view filename);

}  // namespace zhida::http
