// Result<T> and Error: how operational failures travel up the layers.
//
// Three kinds of failure (STYLE.md): a user's mistake is data (see issue.h),
// an operational failure (I/O, database) is an Error inside a Result, a broken
// invariant is an assertion. Errors carry a machine-readable code and a
// message in Chinese for people. Exceptions do not cross layers.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace zhida {

struct Error {
  std::string code;     // machine-readable, e.g. "io.open_failed", "csv.bad_header"
  std::string message;  // Chinese, for the user

  Error() = default;
  Error(std::string c, std::string m) : code(std::move(c)), message(std::move(m)) {}
};

// A value or an Error. Cheap to move; check ok() before value().
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}  // NOLINT

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    assert(ok());
    return std::get<0>(v_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(v_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(v_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const {
    assert(!ok());
    return std::get<1>(v_);
  }

 private:
  std::variant<T, Error> v_;
};

// Success or an Error, for operations with no value.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT
  static Status Ok() { return Status(); }

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const {
    assert(!ok_);
    return error_;
  }

 private:
  Error error_;
  bool ok_ = true;
};

}  // namespace zhida

// Propagate a failed Status/Result from the current function. Nests (a
// lambda using it inside another use) without shadowing.
#define ZHIDA_TRY_CONCAT_(a, b) a##b
#define ZHIDA_TRY_NAME_(n) ZHIDA_TRY_CONCAT_(zhida_try_, n)
#define ZHIDA_TRY(expr) ZHIDA_TRY_IMPL_(expr, ZHIDA_TRY_NAME_(__COUNTER__))
#define ZHIDA_TRY_IMPL_(expr, name)          \
  do {                                       \
    auto&& name = (expr);                    \
    if (!name.ok()) return name.error();     \
  } while (0)
