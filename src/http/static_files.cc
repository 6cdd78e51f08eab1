#include "http/static_files.h"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <system_error>
#include <utility>

#include <fmt/format.h>

namespace zhida::http {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kImmutable = "public, max-age=31536000, immutable";
constexpr std::string_view kNoCache = "no-cache";

struct MimeEntry {
  std::string_view ext;
  std::string_view type;
};

constexpr MimeEntry kMimeTypes[] = {
    {"html", "text/html; charset=utf-8"},
    {"htm", "text/html; charset=utf-8"},
    {"js", "text/javascript; charset=utf-8"},
    {"mjs", "text/javascript; charset=utf-8"},
    {"css", "text/css; charset=utf-8"},
    {"json", "application/json"},
    {"map", "application/json"},
    {"geojson", "application/geo+json"},
    {"webmanifest", "application/manifest+json"},
    {"txt", "text/plain; charset=utf-8"},
    {"csv", "text/csv; charset=utf-8"},
    {"xml", "application/xml"},
    {"svg", "image/svg+xml"},
    {"png", "image/png"},
    {"jpg", "image/jpeg"},
    {"jpeg", "image/jpeg"},
    {"gif", "image/gif"},
    {"webp", "image/webp"},
    {"avif", "image/avif"},
    {"ico", "image/x-icon"},
    {"woff2", "font/woff2"},
    {"woff", "font/woff"},
    {"ttf", "font/ttf"},
    {"otf", "font/otf"},
    {"wasm", "application/wasm"},
    {"pdf", "application/pdf"},
    {"zip", "application/zip"},
    {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    {"xls", "application/vnd.ms-excel"},
    {"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
};

bool safe_segment(std::string_view s) {
  if (s.empty() || s.front() == '.') return false;  // ".", "..", dot-files
  return s.find_first_of(std::string_view("/\\\0", 3)) == std::string_view::npos;
}

bool within(const fs::path& root, const fs::path& p) {
  auto [r, q] = std::mismatch(root.begin(), root.end(), p.begin(), p.end());
  return r == root.end();
}

Response not_found(const Request& req) {
  return Response::error(404, "not_found", fmt::format("文件不存在：{}", req.path));
}

}  // namespace

std::string_view mime_type(std::string_view filename) {
  size_t dot = filename.rfind('.');
  if (dot == std::string_view::npos) return "application/octet-stream";
  std::string_view ext = filename.substr(dot + 1);
  for (const MimeEntry& m : kMimeTypes) {
    if (internal::iequals(m.ext, ext)) return m.type;
  }
  return "application/octet-stream";
}

StaticFiles::StaticFiles(const fs::path& root) {
  std::error_code ec;
  root_ = fs::canonical(root, ec);
  ok_ = !ec && fs::is_directory(root_, ec);
}

Response StaticFiles::serve(const Request& req) const {
  if (!ok_) return not_found(req);
  // segments: {} for "/", and a trailing "" for "/dir/".
  const std::vector<std::string>& segs = req.segments;
  fs::path file = root_;
  for (size_t i = 0; i < segs.size(); ++i) {
    bool last = i + 1 == segs.size();
    if (last && segs[i].empty()) break;  // trailing slash
    if (!safe_segment(segs[i])) return not_found(req);
    file /= segs[i];
  }
  std::error_code ec;
  if (fs::is_directory(file, ec)) file /= "index.html";
  if (fs::is_regular_file(file, ec)) {
    fs::path real = fs::canonical(file, ec);
    if (ec || !within(root_, real)) return not_found(req);
    bool is_index = real.filename() == "index.html";
    bool immutable = !segs.empty() && segs.front() == "assets" && !is_index;
    return file_response(real, immutable ? kImmutable : kNoCache, req);
  }
  // SPA fallback: a client-side route has no extension in its last segment.
  std::string_view last = segs.empty() ? std::string_view() : std::string_view(segs.back());
  if (last.find('.') == std::string_view::npos) {
    fs::path index = root_ / "index.html";
    if (fs::is_regular_file(index, ec)) return file_response(index, kNoCache, req);
  }
  return not_found(req);
}

Response StaticFiles::file_response(const fs::path& file, std::string_view cache_control,
                                    const Request& req) const {
  std::error_code ec;
  auto size = fs::file_size(file, ec);
  auto mtime = fs::last_write_time(file, ec);
  if (ec) return not_found(req);
  std::string etag =
      fmt::format("W/\"{:x}-{:x}\"", size, static_cast<uint64_t>(mtime.time_since_epoch().count()));
  Response r(200);
  r.headers.add("Cache-Control", std::string(cache_control));
  r.headers.add("ETag", etag);
  r.content_type = std::string(mime_type(file.filename().native()));
  if (auto inm = req.header("If-None-Match"); inm && inm->find(etag) != std::string_view::npos) {
    r.status = 304;
    return r;
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) return not_found(req);
  r.body.resize(size);
  in.read(r.body.data(), static_cast<std::streamsize>(size));
  r.body.resize(static_cast<size_t>(in.gcount()));
  return r;
}

}  // namespace zhida::http
