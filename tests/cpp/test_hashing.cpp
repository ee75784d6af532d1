#include <gtest/gtest.h>

#include <khabar/hashing.hpp>

#include <cmath>

namespace {

TEST(MurmurHash3, MatchesTheReferenceImplementation) {
  // Values of MurmurHash3_x86_32 as computed by the reference (SMHasher) implementation,
  // which sklearn.utils.murmurhash3_32 wraps.
  EXPECT_EQ(khabar::murmurhash3_32(""), 0);
  EXPECT_EQ(khabar::murmurhash3_32("", 42), 142593372);
  EXPECT_EQ(khabar::murmurhash3_32("a"), 1009084850);
  EXPECT_EQ(khabar::murmurhash3_32("ab"), -1681926305);
  EXPECT_EQ(khabar::murmurhash3_32("abc"), -1277324294);
  EXPECT_EQ(khabar::murmurhash3_32("abcd"), 1139631978);
  EXPECT_EQ(khabar::murmurhash3_32("hello"), 613153351);
  EXPECT_EQ(khabar::murmurhash3_32("hello", 42), -488910111);
  EXPECT_EQ(khabar::murmurhash3_32("سوريا"), 2025463293);
  EXPECT_EQ(khabar::murmurhash3_32("الرئيس بوتين"), -1672854047);
}

TEST(HashingVectorizer, ColumnsSignsAndNorm) {
  khabar::HashingOptions options;
  options.n_features = 16;
  options.norm = khabar::Norm::none;
  const khabar::HashingVectorizer hashing(options);
  const std::vector<khabar::TextView> docs = {"ab ab abc", "", "hello"};
  const auto m = hashing.transform(docs);
  // ab: h = -1681926305 -> column 1681926305 % 16 = 1, sign -; abc: -1277324294 -> 6, sign -.
  EXPECT_EQ(m.row_pointers(), (std::vector<std::int64_t>{0, 2, 2, 3}));
  EXPECT_EQ(m.indices, (std::vector<std::int32_t>{1, 6, 613153351 % 16}));
  EXPECT_EQ(std::get<std::vector<double>>(m.data), (std::vector<double>{-2.0, -1.0, 1.0}));
  options.norm = khabar::Norm::l2;
  const auto normalized = khabar::HashingVectorizer(options).transform(docs);
  EXPECT_NEAR(std::get<std::vector<double>>(normalized.data)[0], -2.0 / std::sqrt(5.0), 1e-15);
}

}  // namespace
