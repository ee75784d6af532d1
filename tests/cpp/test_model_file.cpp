#include <gtest/gtest.h>

#include <khabar/errors.hpp>
#include <khabar/model_file.hpp>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

namespace {

using khabar::ModelFormatError;

const std::vector<std::string> kTexts = {"سوريا روسيا سوريا", "روسيا تركيا", "سوريا"};
std::vector<khabar::TextView> docs() { return {kTexts.begin(), kTexts.end()}; }

khabar::TfidfVectorizer fitted() {
  khabar::VectorizerOptions options;
  options.sublinear_tf = true;
  options.tokenizer.stopwords = {"في"};
  khabar::TfidfVectorizer vectorizer(options);
  vectorizer.fit(docs());
  return vectorizer;
}

// FNV-1a 64 from its definition (Fowler, Noll, Vo), to forge files with a valid checksum.
std::uint64_t fnv1a(const std::string& bytes) {
  std::uint64_t hash = 14695981039346656037ull;
  for (unsigned char byte : bytes) hash = (hash ^ byte) * 1099511628211ull;
  return hash;
}

std::string with_checksum(std::string body) {
  const std::uint64_t hash = fnv1a(body);
  for (int i = 0; i < 8; ++i) body.push_back(static_cast<char>((hash >> (8 * i)) & 0xFF));
  return body;
}

std::string without_checksum(const std::string& bytes) { return bytes.substr(0, bytes.size() - 8); }

void expect_rejected(const std::string& bytes, const std::string& fragment) {
  try {
    khabar::deserialize_model(bytes);
    ADD_FAILURE() << "accepted; expected: " << fragment;
  } catch (const ModelFormatError& error) {
    EXPECT_NE(std::string(error.what()).find(fragment), std::string::npos) << error.what();
  }
}

TEST(ModelFile, RoundTripGivesTheSameModel) {
  const auto original = fitted();
  const std::string bytes = khabar::serialize_model(original, R"({"class": "TfidfVectorizer"})");
  EXPECT_EQ(bytes.substr(0, 8), "KHABARVZ");
  const khabar::LoadedModel loaded = khabar::deserialize_model(bytes);
  EXPECT_EQ(loaded.annotations_json, R"({"class":"TfidfVectorizer"})");
  EXPECT_EQ(loaded.vectorizer.idf(), original.idf());
  EXPECT_EQ(loaded.vectorizer.options().tokenizer.stopwords,
            original.options().tokenizer.stopwords);
  EXPECT_TRUE(loaded.vectorizer.options().sublinear_tf);
  const auto a = original.transform(docs()), b = loaded.vectorizer.transform(docs());
  EXPECT_EQ(a.indices, b.indices);
  EXPECT_EQ(std::get<std::vector<double>>(a.data), std::get<std::vector<double>>(b.data));
}

TEST(ModelFile, SaveIsAtomicAndLoadReadsIt) {
  const auto path = (std::filesystem::temp_directory_path() / "khabar_test_model.kbr").string();
  khabar::save_model(fitted(), path);
  EXPECT_EQ(khabar::load_model(path).vectorizer.n_features(), 3u);
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp-" + std::to_string(::getpid())));
  std::remove(path.c_str());
  EXPECT_THROW(khabar::load_model(path), std::runtime_error);
}

TEST(ModelFile, EveryTruncationIsRejected) {
  const std::string bytes = khabar::serialize_model(fitted());
  for (std::size_t length = 0; length < bytes.size(); ++length)
    EXPECT_THROW(khabar::deserialize_model(bytes.substr(0, length)), ModelFormatError) << length;
}

TEST(ModelFile, EveryBitFlipIsRejected) {
  const std::string bytes = khabar::serialize_model(fitted());
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    std::string damaged = bytes;
    damaged[i] = static_cast<char>(damaged[i] ^ 0x10);
    EXPECT_THROW(khabar::deserialize_model(damaged), ModelFormatError) << i;
  }
}

TEST(ModelFile, NamesWhatIsWrong) {
  const std::string bytes = khabar::serialize_model(fitted());
  expect_rejected("", "truncated model file");
  expect_rejected("NOTKHABAR" + bytes.substr(9), "wrong magic number");
  std::string future = without_checksum(bytes);
  future[8] = 2;
  expect_rejected(with_checksum(future), "format version 2 is not supported");
  std::string flipped = bytes;
  flipped[30] ^= 1;
  expect_rejected(flipped, "checksum mismatch");
}

TEST(ModelFile, HugeDeclaredLengthsAreRefusedBeforeAllocating) {
  const std::string body = without_checksum(khabar::serialize_model(fitted()));
  // The parameters length at offset 16, forged to 2^62 with a valid checksum.
  std::string forged = body;
  for (int i = 0; i < 8; ++i) forged[16 + static_cast<std::size_t>(i)] = i == 7 ? 0x40 : 0;
  expect_rejected(with_checksum(forged), "truncated model file: the parameters needs");
  // The number of terms, which follows the parameters.
  std::uint64_t parameters_length = 0;
  for (int i = 7; i >= 0; --i)
    parameters_length = (parameters_length << 8) |
                        static_cast<unsigned char>(body[16 + static_cast<std::size_t>(i)]);
  forged = body;
  const std::size_t terms_at = 24 + static_cast<std::size_t>(parameters_length);
  for (int i = 0; i < 8; ++i)
    forged[terms_at + static_cast<std::size_t>(i)] = static_cast<char>(0xFF);
  expect_rejected(with_checksum(forged), "exceeds the file size");
}

TEST(ModelFile, InvalidParametersAreReported) {
  const std::string body = without_checksum(khabar::serialize_model(fitted()));
  std::string forged = body;
  const std::size_t at = forged.find("\"l2\"");
  ASSERT_NE(at, std::string::npos);
  forged.replace(at, 4, "\"l9\"");
  expect_rejected(with_checksum(forged), "unknown norm");
}

// The fitted model's file with `from` replaced by `to` in its parameters, lengths and checksum
// updated.
std::string with_parameter(const std::string& from, const std::string& to) {
  const std::string body = without_checksum(khabar::serialize_model(fitted()));
  std::uint64_t length = 0;
  for (int i = 7; i >= 0; --i)
    length = (length << 8) | static_cast<unsigned char>(body[16 + static_cast<std::size_t>(i)]);
  std::string parameters = body.substr(24, static_cast<std::size_t>(length));
  const std::size_t at = parameters.find(from);
  EXPECT_NE(at, std::string::npos) << from << " not in " << parameters;
  if (at != std::string::npos) parameters.replace(at, from.size(), to);
  std::string forged = body.substr(0, 16);
  for (int i = 0; i < 8; ++i)
    forged.push_back(static_cast<char>((parameters.size() >> (8 * i)) & 0xFF));
  return with_checksum(forged + parameters + body.substr(24 + static_cast<std::size_t>(length)));
}

TEST(ModelFile, CountsMustBeNonNegativeIntegers) {
  // A float was converted to std::size_t (undefined behaviour out of range: UBSan in
  // fuzz_model_file) and a negative integer wrapped around.
  for (const std::string value : {"1e300", "-1", "2.5", "\"3\""})
    expect_rejected(with_parameter("\"min_length\":1", "\"min_length\":" + value),
                    "min_length is not a non-negative integer");
  expect_rejected(with_parameter("\"ngram_range\":[1,1]", "\"ngram_range\":[1,-1.5]"),
                  "ngram_range is not a non-negative integer");
  expect_rejected(with_parameter("\"ngram_range\":[1,1]", "\"ngram_range\":{\"a\":1}"),
                  "ngram_range needs two values");
  expect_rejected(with_parameter("\"max_features\":null", "\"max_features\":1e30"),
                  "max_features is not a non-negative integer");
  EXPECT_NO_THROW(
      khabar::deserialize_model(with_parameter("\"max_features\":null", "\"max_features\":7")));
}

TEST(ModelFile, UnfittedVectorizerCannotBeSaved) {
  EXPECT_THROW(khabar::serialize_model(khabar::TfidfVectorizer()), khabar::NotFittedError);
}

}  // namespace
