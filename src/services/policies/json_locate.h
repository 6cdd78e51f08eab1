// Where a field is in a JSON text: so that a problem with a policy
// ("conditions[1].rule", "caps.per_application") can be underlined in the
// JSON the officer wrote, not only named. nlohmann::json keeps no
// positions, so this scans the text itself.
//
// Thread-safe: a plain function.
#pragma once

#include <optional>
#include <string_view>

namespace zhida::services {

struct TextPosition {
  int line = 1;    // 1-based
  int column = 1;  // 1-based, in code points (as Issue)
};

// The position of the value at `path` ("a.b[2].c"; "" = the whole document)
// in `json_text`. When the path does not exist (a missing field), the
// position of the deepest existing value on it (the object that lacks the
// field). nullopt when the text is not well-formed JSON before that point.
std::optional<TextPosition> locate_json_path(std::string_view json_text, std::string_view path);

}  // namespace zhida::services
