#include "services/accounts/password.h"

#include <gtest/gtest.h>

#include <set>

#include "services/accounts/accounts.h"

namespace zhida::services {
namespace {

TEST(Password, ProductionHashesAreArgon2idWithInteractiveLimits) {
  auto h = hash_password("Demo@2025", PasswordCost::kInteractive);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->rfind("$argon2id$v=19$m=65536,t=2,p=1$", 0), 0u) << *h;
  EXPECT_TRUE(verify_password(*h, "Demo@2025"));
  EXPECT_FALSE(verify_password(*h, "Demo@2026"));
  EXPECT_FALSE(password_needs_rehash(*h, PasswordCost::kInteractive));
  EXPECT_TRUE(password_needs_rehash(*h, PasswordCost::kMinimal));
}

TEST(Password, SaltedAndMalformedHashesFail) {
  auto a = hash_password("Same2026pw", PasswordCost::kMinimal);
  auto b = hash_password("Same2026pw", PasswordCost::kMinimal);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(*a, *b) << "a random salt each time";
  EXPECT_TRUE(verify_password(*a, "Same2026pw"));
  EXPECT_FALSE(verify_password("", "x"));
  EXPECT_FALSE(verify_password("$argon2id$garbage", "x"));
  EXPECT_FALSE(verify_password(std::string(1000, 'a'), "x"));
}

TEST(Password, Rules) {
  EXPECT_FALSE(password_problem("Abcdefg1", "user"));
  EXPECT_FALSE(password_problem("ziyuan2026", "user"));
  EXPECT_FALSE(password_problem("密码是Zhida2026", "user")) << "other characters are fine too";
  EXPECT_TRUE(password_problem("Abc1234", "user")) << "7 characters";
  EXPECT_TRUE(password_problem("abcdefgh", "user")) << "no digit";
  EXPECT_TRUE(password_problem("12345678", "user")) << "no letter";
  EXPECT_TRUE(password_problem("Abcdefg1\n", "user")) << "control character";
  EXPECT_TRUE(password_problem("User2026", "user2026")) << "the username";
  EXPECT_TRUE(password_problem(std::string(129, 'a') + "1", "user"));
  EXPECT_TRUE(password_problem("Abcdefg1\xff", "user")) << "invalid UTF-8";
  EXPECT_EQ(*password_problem("abcdefgh", "u"), "密码需同时包含字母和数字");
}

TEST(Password, TokensAreRandomAndUrlSafe) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    std::string t = random_token(32);
    EXPECT_EQ(t.size(), 43u);
    EXPECT_EQ(t.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"), std::string::npos);
    seen.insert(t);
  }
  EXPECT_EQ(seen.size(), 100u);
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_TRUE(equal_constant_time("abc", "abc"));
  EXPECT_FALSE(equal_constant_time("abc", "abd"));
  EXPECT_FALSE(equal_constant_time("abc", "ab"));
}

TEST(Accounts, Usernames) {
  std::string why;
  EXPECT_EQ(Accounts::normalize_username(" Ent1.Legal ", &why), "ent1.legal");
  EXPECT_EQ(Accounts::normalize_username("li_si@baoan", &why), "li_si@baoan");
  EXPECT_FALSE(Accounts::normalize_username("张三", &why));
  EXPECT_FALSE(Accounts::normalize_username("a b", &why));
  EXPECT_FALSE(Accounts::normalize_username("a", &why));
  EXPECT_FALSE(Accounts::normalize_username(std::string(65, 'a'), &why));
}

}  // namespace
}  // namespace zhida::services
