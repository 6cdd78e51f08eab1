#include "services/accounts/password.h"

#include <sodium.h>

#include <cstdlib>
#include <vector>

#include "base/utf8.h"

namespace zhida::services {

namespace {

void init_sodium() {
  static const bool ok = sodium_init() >= 0;
  if (!ok) std::abort();  // no usable randomness: nothing secure can be done
}

unsigned long long ops(PasswordCost c) {
  return c == PasswordCost::kInteractive ? crypto_pwhash_OPSLIMIT_INTERACTIVE
                                         : crypto_pwhash_OPSLIMIT_MIN;
}

size_t mem(PasswordCost c) {
  return c == PasswordCost::kInteractive ? crypto_pwhash_MEMLIMIT_INTERACTIVE
                                         : crypto_pwhash_MEMLIMIT_MIN;
}

}  // namespace

Result<std::string> hash_password(std::string_view password, PasswordCost cost) {
  init_sodium();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), ops(cost), mem(cost),
                            crypto_pwhash_ALG_ARGON2ID13) != 0)
    return Error("auth.hash_failed", "无法计算密码哈希（内存不足）");
  return std::string(out);
}

bool verify_password(std::string_view hash, std::string_view password) {
  init_sodium();
  if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) return false;
  std::string h(hash);  // NUL-terminated
  return crypto_pwhash_str_verify(h.c_str(), password.data(), password.size()) == 0;
}

bool password_needs_rehash(std::string_view hash, PasswordCost cost) {
  init_sodium();
  std::string h(hash);
  if (h.rfind("$argon2id$", 0) != 0) return true;
  return crypto_pwhash_str_needs_rehash(h.c_str(), ops(cost), mem(cost)) != 0;
}

std::optional<std::string> password_problem(std::string_view password, std::string_view username) {
  if (!utf8::valid(password)) return "密码含有无效字符";
  int n = utf8::length(password);
  if (n < 8) return "密码至少需要 8 个字符";
  if (n > 128) return "密码不能超过 128 个字符";
  bool letter = false, digit = false;
  size_t i = 0;
  while (i < password.size()) {
    char32_t c = utf8::next(password, i);
    if (c < 0x20 || c == 0x7f) return "密码不能含有控制字符";
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) letter = true;
    if (c >= '0' && c <= '9') digit = true;
  }
  if (!letter || !digit) return "密码需同时包含字母和数字";
  std::string lower;
  for (char c : password) lower += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  if (!username.empty() && lower == username) return "密码不能与用户名相同";
  return std::nullopt;
}

std::string random_token(size_t bytes) {
  init_sodium();
  std::vector<unsigned char> buf(bytes);
  randombytes_buf(buf.data(), buf.size());
  std::string out(sodium_base64_ENCODED_LEN(bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), buf.data(), buf.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(std::char_traits<char>::length(out.c_str()));
  sodium_memzero(buf.data(), buf.size());
  return out;
}

std::string sha256_hex(std::string_view data) {
  init_sodium();
  unsigned char h[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(h, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  char out[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(out, sizeof out, h, sizeof h);
  return out;
}

bool equal_constant_time(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace zhida::services
