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

TEST(ModelFile, UnfittedVectorizerCannotBeSaved) {
  EXPECT_THROW(khabar::serialize_model(khabar::TfidfVectorizer()), khabar::NotFittedError);
}

// DocumentFrequencies travel between Dask workers as bytes: the same counts come back, and
// damaged bytes are refused as model files are.
khabar::DocumentFrequencies counted() {
  khabar::DocumentFrequencies frequencies = khabar::TfidfVectorizer().count(docs());
  frequencies.add("كلمة", 0, 0);  // a term without documents survives too
  return frequencies;
}

TEST(FrequenciesFormat, RoundTripGivesEqualCounts) {
  const khabar::DocumentFrequencies original = counted();
  const std::string bytes = khabar::serialize_frequencies(original);
  EXPECT_EQ(bytes.substr(0, 8), "KHABARDF");
  const khabar::DocumentFrequencies loaded = khabar::deserialize_frequencies(bytes);
  EXPECT_TRUE(loaded == original);
  EXPECT_EQ(loaded.n_documents(), 3u);
  ASSERT_EQ(loaded.size(), 4u);
  const auto syria = static_cast<std::size_t>(loaded.find("سوريا"));
  EXPECT_EQ(loaded.document_frequency(syria), 2);
  EXPECT_EQ(loaded.total_count(syria), 3);
  EXPECT_TRUE(khabar::deserialize_frequencies(khabar::serialize_frequencies(
                  khabar::DocumentFrequencies())) == khabar::DocumentFrequencies());
}

TEST(FrequenciesFormat, EveryTruncationAndBitFlipIsRejected) {
  const std::string bytes = khabar::serialize_frequencies(counted());
  for (std::size_t length = 0; length < bytes.size(); ++length)
    EXPECT_THROW(khabar::deserialize_frequencies(bytes.substr(0, length)), ModelFormatError)
        << length;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    std::string damaged = bytes;
    damaged[i] = static_cast<char>(damaged[i] ^ 0x10);
    EXPECT_THROW(khabar::deserialize_frequencies(damaged), ModelFormatError) << i;
  }
}

void expect_frequencies_rejected(const std::string& bytes, const std::string& fragment) {
  try {
    khabar::deserialize_frequencies(bytes);
    ADD_FAILURE() << "accepted; expected: " << fragment;
  } catch (const ModelFormatError& error) {
    EXPECT_NE(std::string(error.what()).find(fragment), std::string::npos) << error.what();
  }
}

TEST(FrequenciesFormat, ContradictoryCountsAndModelBytesAreRefused) {
  khabar::DocumentFrequencies twice;
  twice.add_documents(1);
  twice.add("سوريا", 1, 1);
  twice.add("روسيا", 1, 1);
  std::string body = without_checksum(khabar::serialize_frequencies(twice));
  // Both terms are 10 bytes: make the second one a copy of the first.
  const std::size_t terms_at = 40;
  body.replace(terms_at + 10, 10, body.substr(terms_at, 10));
  expect_frequencies_rejected(with_checksum(body), "a term is listed twice");
  khabar::DocumentFrequencies too_many;
  too_many.add("سوريا", 2, 2);  // in 2 documents of 0
  expect_frequencies_rejected(khabar::serialize_frequencies(too_many), "contradict");
  expect_frequencies_rejected(khabar::serialize_model(fitted()), "wrong magic number");
  std::string future = without_checksum(khabar::serialize_frequencies(twice));
  future[8] = 2;
  expect_frequencies_rejected(with_checksum(future),
                              "document frequencies format version 2 is not supported");
}

}  // namespace
