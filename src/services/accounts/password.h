// Passwords: argon2id hashes (libsodium crypto_pwhash_str) and the rules a
// new password must meet. Random tokens for sessions and CSRF.
//
// Thread-safe: pure functions over libsodium (initialised on first use).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"

namespace zhida::services {

enum class PasswordCost {
  kInteractive,  // crypto_pwhash_*_INTERACTIVE: t=2, 64 MiB (~0.1–0.5 s); production
  kMinimal,      // the smallest argon2id parameters; tests only (a hash in microseconds)
};

// An argon2id hash in the standard string form
// ("$argon2id$v=19$m=65536,t=2,p=1$salt$hash"), salted at random.
// Fails (auth.hash_failed) only when memory cannot be had.
Result<std::string> hash_password(std::string_view password, PasswordCost cost);

// Whether password matches hash (any argon2id/argon2i parameters: they are
// in the string). False for a malformed hash.
bool verify_password(std::string_view hash, std::string_view password);

// Whether hash was made with parameters other than cost's (re-hash it at the
// next successful login).
bool password_needs_rehash(std::string_view hash, PasswordCost cost);

// The rules for a new password: 8 to 128 characters, at least one letter
// and one digit, no control characters, not the username. nullopt when
// acceptable, else the reason in Chinese.
std::optional<std::string> password_problem(std::string_view password, std::string_view username);

// `bytes` random bytes as unpadded URL-safe base64 (32 bytes -> 43 chars).
std::string random_token(size_t bytes = 32);

// SHA-256 as lower-case hex.
std::string sha256_hex(std::string_view data);

// Constant-time comparison of two strings (different lengths: false).
bool equal_constant_time(std::string_view a, std::string_view b);

}  // namespace zhida::services
