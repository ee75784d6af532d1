#include <gtest/gtest.h>

#include <khabar/errors.hpp>
#include <khabar/model_file.hpp>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
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

TEST(ModelFile, EveryTruncationIsRejectedAsTruncated) {
  const std::string bytes = khabar::serialize_model(fitted());
  for (std::size_t length = 0; length < bytes.size(); ++length)
    expect_rejected(bytes.substr(0, length), "truncated");
}

// Which check a damaged byte at `offset` must trip: the header fields are checked before the
// checksum (a newer format may checksum differently), everything after by the checksum.
std::string check_for_byte(std::size_t offset) {
  if (offset < 8) return "not a khabar model file (wrong magic number)";
  if (offset < 12) return "format version";
  if (offset < 16) return "reserved field is not 0";
  return "checksum mismatch";
}

TEST(ModelFile, EveryBitFlipIsRejectedByTheRightCheck) {
  const std::string bytes = khabar::serialize_model(fitted());
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    // Every bit of the header and of the lengths after it, one bit of the rest.
    for (int bit = 0; bit < (i < 24 ? 8 : 1); ++bit) {
      std::string damaged = bytes;
      damaged[i] = static_cast<char>(damaged[i] ^ (1 << bit));
      SCOPED_TRACE("byte " + std::to_string(i) + " bit " + std::to_string(bit));
      expect_rejected(damaged, check_for_byte(i));
    }
  }
}

TEST(ModelFile, NamesWhatIsWrong) {
  const std::string bytes = khabar::serialize_model(fitted());
  expect_rejected("", "truncated model file");
  expect_rejected("NOTKHABAR" + bytes.substr(9), "wrong magic number");
  std::string future = without_checksum(bytes);
  future[8] = 2;
  expect_rejected(with_checksum(future),
                  "model file format version 2 is not supported by this khabar (it reads "
                  "version 1); upgrade khabar");
  future[8] = future[9] = future[10] = future[11] = static_cast<char>(0xFF);
  expect_rejected(with_checksum(future), "format version 4294967295 is not supported");
  future[8] = future[9] = future[10] = future[11] = 0;
  expect_rejected(with_checksum(future), "invalid model file: format version 0");
  expect_rejected("PK\x03\x04", "not a khabar model file");  // shorter than the magic number
  expect_rejected("KHAB", "truncated model file: the magic number");
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

// The sections of a model file, to forge files with a valid checksum but hostile contents.
struct Sections {
  std::string header;      // magic, version, reserved
  std::string parameters;  // the JSON
  std::string rest;        // number of terms .. idf
};

std::uint64_t u64_at(const std::string& bytes, std::size_t at) {
  std::uint64_t value = 0;
  for (int i = 7; i >= 0; --i)
    value = (value << 8) | static_cast<unsigned char>(bytes[at + static_cast<std::size_t>(i)]);
  return value;
}

std::string u64(std::uint64_t value) {
  std::string out;
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
  return out;
}

Sections sections_of(const std::string& bytes) {
  const std::string body = without_checksum(bytes);
  const auto length = static_cast<std::size_t>(u64_at(body, 16));
  return {body.substr(0, 16), body.substr(24, length), body.substr(24 + length)};
}

std::string assemble(const Sections& s) {
  return with_checksum(s.header + u64(s.parameters.size()) + s.parameters + s.rest);
}

// The term section for `terms` with the given idf (none when empty).
std::string term_section(const std::vector<std::string>& terms, const std::vector<double>& idf) {
  std::string blob, ends;
  for (const auto& term : terms) {
    blob += term;
    ends += u64(blob.size());
  }
  std::string out = u64(terms.size()) + u64(blob.size()) + blob + ends + '\0';
  out.push_back(idf.empty() ? 0 : 1);
  for (double value : idf) {
    std::uint64_t bits;
    std::memcpy(&bits, &value, sizeof bits);
    out += u64(bits);
  }
  return out;
}

TEST(ModelFile, TheForgingHelpersReproduceARealFile) {
  const auto vectorizer = fitted();
  const std::string bytes = khabar::serialize_model(vectorizer);
  const Sections s = sections_of(bytes);
  std::vector<std::string> terms;
  for (std::size_t i = 0; i < vectorizer.n_features(); ++i)
    terms.emplace_back(vectorizer.feature(i));
  EXPECT_EQ(s.rest, term_section(terms, vectorizer.idf()));
  EXPECT_EQ(assemble(s), bytes);
}

TEST(ModelFile, HostileLengthsWithAValidChecksumAreRefused) {
  const auto vectorizer = fitted();
  const Sections real = sections_of(khabar::serialize_model(vectorizer));
  const std::vector<double> idf = vectorizer.idf();
  const std::vector<std::string> terms = {"تركيا", "روسيا", "سوريا"};
  const std::string file = assemble(real);
  // The parameters length: beyond the file, the maximum, the file size exactly.
  for (std::uint64_t length :
       {std::uint64_t{1} << 62, ~std::uint64_t{0}, static_cast<std::uint64_t>(file.size())}) {
    std::string forged = without_checksum(file);
    forged.replace(16, 8, u64(length));
    expect_rejected(with_checksum(forged), "truncated model file: the parameters needs " +
                                               std::to_string(length) + " bytes at offset 24");
  }
  // The number of terms: 2^60 and 2^64 - 1 (8 bytes of offsets each could not fit), or just
  // one more than the offsets present.
  Sections s = real;
  for (std::uint64_t n : {std::uint64_t{1} << 60, ~std::uint64_t{0}}) {
    s.rest = u64(n) + real.rest.substr(8);
    expect_rejected(assemble(s), "invalid model file: the number of terms (" + std::to_string(n) +
                                     ") exceeds the file size");
  }
  s.rest = u64(terms.size() + 1) + real.rest.substr(8);
  expect_rejected(assemble(s), "invalid model file");
  // The term bytes length.
  for (std::uint64_t b : {std::uint64_t{1} << 60, ~std::uint64_t{0}}) {
    s.rest = real.rest.substr(0, 8) + u64(b) + real.rest.substr(16);
    expect_rejected(assemble(s), "truncated model file: the terms needs " + std::to_string(b));
  }
  // Term offsets past the term bytes, decreasing, or not covering them.
  std::string blob = terms[0] + terms[1] + terms[2];
  auto with_offsets = [&](std::uint64_t a, std::uint64_t b, std::uint64_t c) {
    Sections out = real;
    out.rest = u64(3) + u64(blob.size()) + blob + u64(a) + u64(b) + u64(c) + '\0' + '\1' +
               real.rest.substr(real.rest.size() - 24);
    return assemble(out);
  };
  expect_rejected(with_offsets(10, 20, ~std::uint64_t{0}), "term offsets are not increasing");
  expect_rejected(with_offsets(10, 5, 30), "term offsets are not increasing");
  expect_rejected(with_offsets(10, 20, 29), "term offsets do not cover the term bytes");
  EXPECT_NO_THROW(khabar::deserialize_model(with_offsets(10, 20, 30)));
  // An idf cut short, bytes after it, flags other than 0 and 1, no terms at all.
  s.rest = real.rest.substr(0, real.rest.size() - 8);
  expect_rejected(assemble(s), "truncated model file: idf");
  s.rest = real.rest + "x";
  expect_rejected(assemble(s), "1 unexpected bytes after the idf");
  s.rest = term_section(terms, idf);
  s.rest[s.rest.size() - 8 * idf.size() - 1] = 2;
  expect_rejected(assemble(s), "the idf flag is neither 0 nor 1");
  s.rest = term_section({}, {});
  expect_rejected(assemble(s), "invalid model file: the vocabulary is empty");
  s.rest = term_section(terms, {});
  expect_rejected(assemble(s), "idf does not match the vocabulary");
  s.rest = term_section({"سوريا", "سوريا", "روسيا"}, idf);
  expect_rejected(assemble(s), "Duplicate term in vocabulary");
  s.rest = term_section({"سوريا", "\xC3\x28", "روسيا"}, idf);
  expect_rejected(assemble(s), "a term is not valid UTF-8");
  s.rest = term_section(terms, {1.0, std::nan(""), 1.0});
  expect_rejected(assemble(s), "invalid model file: idf[1] is nan");
}

TEST(ModelFile, DeeplyNestedParametersAreRefusedNotRecursedInto) {
  // A million nested arrays in the annotations: parsing and dumping them recursively would
  // overflow the stack.
  Sections s = sections_of(khabar::serialize_model(fitted()));
  const std::size_t at = s.parameters.find("\"annotations\":{}");
  ASSERT_NE(at, std::string::npos) << s.parameters;
  const std::size_t depth = 1000000;
  s.parameters.replace(at, 16,
                       "\"annotations\":" + std::string(depth, '[') + std::string(depth, ']'));
  expect_rejected(assemble(s), "the parameters nest deeper than 64 levels");
  // A modest depth is fine.
  s = sections_of(khabar::serialize_model(fitted(), "{\"a\": [[[[[[[[1]]]]]]]]}"));
  EXPECT_NO_THROW(khabar::deserialize_model(assemble(s)));
}

TEST(ModelFile, CountsInTheParametersMustBeNonNegativeIntegers) {
  const Sections real = sections_of(khabar::serialize_model(fitted()));
  const std::pair<const char*, const char*> cases[] = {
      {"\"min_length\":1", "\"min_length\":-1"},
      {"\"min_length\":1", "\"min_length\":1e300"},
      {"\"min_length\":1", "\"min_length\":\"1\""},
      {"\"ngram_range\":[1,1]", "\"ngram_range\":[1,-1]"},
      {"\"ngram_range\":[1,1]", "\"ngram_range\":[1.5,2]"},
      {"\"max_features\":null", "\"max_features\":-5"},
  };
  for (const auto& [from, to] : cases) {
    Sections s = real;
    const std::size_t at = s.parameters.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    s.parameters.replace(at, std::strlen(from), to);
    SCOPED_TRACE(to);
    expect_rejected(assemble(s), "is not an integer >= 0");
  }
  auto replaced = [&](const std::string& from, const std::string& to) {
    Sections out = real;
    out.parameters.replace(out.parameters.find(from), from.size(), to);
    return assemble(out);
  };
  expect_rejected(replaced("\"ngram_range\":[1,1]", "\"ngram_range\":[1]"),
                  "option 'tokenizer.ngram_range' needs two values");
  expect_rejected(
      replaced("\"ngram_range\":[1,1]", "\"ngram_range\":[2,1]"),
      "invalid model file: ngram_range must be (min_n, max_n) with 1 <= min_n <= max_n");
  Sections s = real;
  s = real;
  s.parameters = "{\"options\": 5}";
  expect_rejected(assemble(s), "invalid model file: missing parameter 'annotations'");
  s.parameters = "{\"options\": 5, \"annotations\": {}}";
  expect_rejected(assemble(s), "invalid model file: option 'options' is not a JSON object");
  s.parameters = "not json";
  expect_rejected(assemble(s), "invalid model file parameters");
}

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define KHABAR_TEST_UNDER_ASAN 1
#endif
#endif
#if !defined(__SANITIZE_ADDRESS__) && !defined(KHABAR_TEST_UNDER_ASAN)
// In a child allowed 256 MB more address space, every hostile file is refused with a
// ModelFormatError: no declared length leads to an allocation (std::bad_alloc) or a crash.
// (AddressSanitizer reserves terabytes of shadow memory, so this runs in the plain build.)
TEST(ModelFile, HostileFilesAllocateNothingLarge) {
  const Sections real = sections_of(khabar::serialize_model(fitted()));
  std::vector<std::string> hostile;
  for (std::uint64_t n : {std::uint64_t{1} << 60, ~std::uint64_t{0}, std::uint64_t{1} << 28}) {
    Sections s = real;
    s.rest = u64(n) + real.rest.substr(8);
    hostile.push_back(assemble(s));
    s.rest = real.rest.substr(0, 8) + u64(n) + real.rest.substr(16);
    hostile.push_back(assemble(s));
    std::string forged = without_checksum(assemble(real));
    forged.replace(16, 8, u64(n));
    hostile.push_back(with_checksum(forged));
  }
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // 256 MB above what the process already maps (pages, from /proc/self/statm).
    std::size_t mapped_pages = 0;
    std::ifstream("/proc/self/statm") >> mapped_pages;
    const rlim_t bytes = mapped_pages * static_cast<rlim_t>(::sysconf(_SC_PAGESIZE)) + (256u << 20);
    const rlimit limit{bytes, bytes};
    ::setrlimit(RLIMIT_AS, &limit);
    int refused = 0;
    for (const auto& bytes : hostile) {
      try {
        khabar::deserialize_model(bytes);
      } catch (const ModelFormatError&) {
        ++refused;
      } catch (...) {
      }
    }
    ::_exit(refused == static_cast<int>(hostile.size()) ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status)) << "the child crashed (signal " << WTERMSIG(status) << ")";
  EXPECT_EQ(WEXITSTATUS(status), 0) << "a hostile file was not refused with ModelFormatError";
}
#endif

TEST(ModelFile, InvalidParametersAreReported) {
  const std::string body = without_checksum(khabar::serialize_model(fitted()));
  std::string forged = body;
  const std::size_t at = forged.find("\"l2\"");
  ASSERT_NE(at, std::string::npos);
  forged.replace(at, 4, "\"l9\"");
  expect_rejected(with_checksum(forged), "option 'norm' has an unknown value \"l9\"");
}

TEST(ModelFile, ThreadsSavingToOnePathEachWriteAWholeFile) {
  // Each save has its own temporary file: the file left is one whole model, and no save fails
  // because another thread renamed their shared temporary file away.
  const auto path = (std::filesystem::temp_directory_path() /
                     ("khabar_test_concurrent_" + std::to_string(::getpid()) + ".kbr"))
                        .string();
  std::vector<khabar::TfidfVectorizer> models;
  std::vector<std::string> expected;
  for (int i = 0; i < 8; ++i) {
    std::string text;
    for (int j = 0; j < 2000; ++j) text += "كلمة" + std::to_string(i * 10000 + j) + " ";
    khabar::TfidfVectorizer vectorizer;
    vectorizer.fit({text});
    expected.push_back(khabar::serialize_model(vectorizer));
    models.push_back(std::move(vectorizer));
  }
  for (int round = 0; round < 5; ++round) {
    std::vector<std::thread> threads;
    std::vector<int> failures(models.size(), 0);
    for (std::size_t i = 0; i < models.size(); ++i)
      threads.emplace_back([&, i] {
        try {
          khabar::save_model(models[i], path);
        } catch (const std::exception&) {
          failures[i] = 1;
        }
      });
    for (auto& thread : threads) thread.join();
    EXPECT_EQ(std::count(failures.begin(), failures.end(), 1), 0);
    std::ifstream in(path, std::ios::binary);
    const std::string saved((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_NE(std::find(expected.begin(), expected.end(), saved), expected.end());
  }
  for (const auto& entry :
       std::filesystem::directory_iterator(std::filesystem::temp_directory_path()))
    EXPECT_EQ(entry.path().string().rfind(path + ".tmp-", 0), std::string::npos) << entry.path();
  std::remove(path.c_str());
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
                    "option 'tokenizer.min_length' is not an integer >= 0");
  expect_rejected(with_parameter("\"ngram_range\":[1,1]", "\"ngram_range\":[1,-1.5]"),
                  "option 'tokenizer.ngram_range' is not an integer >= 0");
  expect_rejected(with_parameter("\"ngram_range\":[1,1]", "\"ngram_range\":{\"a\":1}"),
                  "option 'tokenizer.ngram_range' needs two values");
  expect_rejected(with_parameter("\"max_features\":null", "\"max_features\":1e30"),
                  "option 'max_features' is not an integer >= 0");
  EXPECT_NO_THROW(
      khabar::deserialize_model(with_parameter("\"max_features\":null", "\"max_features\":7")));
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

// Issue 15: forged contents with a valid checksum.

TEST(ModelFile, AnIdfTheFormulaCannotGiveIsRefused) {
  const Sections real = sections_of(khabar::serialize_model(fitted()));
  const std::vector<std::string> terms = {"تركيا", "روسيا", "سوريا"};
  // ln(2^64) + 1: the largest idf of n < 2^64 documents (smooth, df = 0).
  const double largest = std::log(18446744073709551616.0) + 1.0;
  for (double bad : {HUGE_VAL, -HUGE_VAL, std::nan(""), -1.0, 0.0, 0.5, 1e308, 46.0}) {
    Sections forged = real;
    forged.rest = term_section(terms, {1.5, bad, 1.5});
    expect_rejected(assemble(forged), "invalid model file: idf[1] is ");
  }
  Sections extremes = real;
  extremes.rest = term_section(terms, {1.0, largest, 2.0});
  EXPECT_EQ(khabar::deserialize_model(assemble(extremes)).vectorizer.idf(),
            (std::vector<double>{1.0, largest, 2.0}));
}

TEST(ModelFile, AnInfiniteIdfOnlyWhereScikitLearnGivesOne) {
  // Non-smooth idf of a fixed-vocabulary term no document holds: ln(1 / 0) + 1.
  khabar::VectorizerOptions options;
  options.smooth_idf = false;
  khabar::TfidfVectorizer fixed(options);
  fixed.set_fixed_vocabulary({"سوريا", "غائب"});
  const std::vector<khabar::TextView> one = {std::string_view(kTexts[2])};
  fixed.fit(one);
  EXPECT_EQ(fixed.idf(), (std::vector<double>{1.0, HUGE_VAL}));
  EXPECT_EQ(khabar::deserialize_model(khabar::serialize_model(fixed)).vectorizer.idf(),
            fixed.idf());
  // The same value in a smooth model is refused.
  Sections smooth = sections_of(khabar::serialize_model(fitted()));
  smooth.rest = term_section({"تركيا", "روسيا", "سوريا"}, {1.5, 1.5, HUGE_VAL});
  expect_rejected(assemble(smooth), "invalid model file: idf[2] is inf");
}

TEST(DocumentFrequencies, MergingCountsThatOverflowThrowsAndChangesNothing) {
  khabar::DocumentFrequencies a, b;
  for (auto* counts : {&a, &b}) {
    counts->add("سوريا", std::int64_t{1} << 62, std::int64_t{1} << 62);
    counts->add("روسيا", 1, 1);
  }
  const khabar::DocumentFrequencies before = a;
  EXPECT_THROW(a.merge(b), std::overflow_error);
  EXPECT_TRUE(a == before);
  EXPECT_THROW(a.add("سوريا", std::int64_t{1} << 62, 0), std::overflow_error);
  EXPECT_TRUE(a == before);
  a.add("سوريا", (std::int64_t{1} << 62) - 1, (std::int64_t{1} << 62) - 1);
  EXPECT_EQ(a.document_frequency(0), INT64_MAX);
}

TEST(ModelFile, DeclaredLengthsAreCheckedAgainstTheFileSizeBeforeReadingIt) {
  const std::string bytes = khabar::serialize_model(fitted());
  const auto path = (std::filesystem::temp_directory_path() /
                     ("khabar_test_sizes_" + std::to_string(::getpid()) + ".kbr"))
                        .string();
  auto write = [&](const std::string& contents, std::uint64_t size) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << contents;
    std::filesystem::resize_file(path, size);
  };
  auto expect_load_rejected = [&](const std::string& fragment) {
    try {
      khabar::load_model(path);
      ADD_FAILURE() << "accepted; expected: " << fragment;
    } catch (const ModelFormatError& error) {
      EXPECT_NE(std::string(error.what()).find(fragment), std::string::npos) << error.what();
    }
  };
  // A small real header, then 1.5 GiB of holes (sparse: no disk used). Reading it whole under
  // this address-space limit would fail with bad_alloc instead.
  write(without_checksum(bytes), std::uint64_t{3} << 29);
#if !defined(__SANITIZE_ADDRESS__) && !defined(KHABAR_TEST_UNDER_ASAN)
  const pid_t child = fork();
  if (child == 0) {
    std::uint64_t pages = 0;
    std::ifstream("/proc/self/statm") >> pages;
    const auto allowed = static_cast<rlim_t>(pages * static_cast<std::uint64_t>(getpagesize()) +
                                             (std::uint64_t{1} << 28));
    rlimit limit{allowed, allowed};
    setrlimit(RLIMIT_AS, &limit);
    try {
      khabar::load_model(path);
    } catch (const ModelFormatError& error) {
      _exit(std::string(error.what()).find("do not match the file size (1610612736 bytes)") ==
                    std::string::npos
                ? 2
                : 0);
    } catch (...) {
      _exit(3);
    }
    _exit(4);
  }
  int status = 0;
  waitpid(child, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
#endif
  expect_load_rejected("do not match the file size (1610612736 bytes)");
  write(bytes.substr(0, bytes.size() - 30), bytes.size() - 30);
  expect_load_rejected("truncated model file: the lengths in its header make at least");
  write(bytes, bytes.size());
  EXPECT_EQ(khabar::load_model(path).vectorizer.n_features(), 3u);
  std::remove(path.c_str());
}

TEST(DocumentFrequencies, DocumentTotalsThatOverflowThrowAndChangeNothing) {
  khabar::DocumentFrequencies counts;
  counts.add_documents(INT64_MAX);
  EXPECT_THROW(counts.add_documents(1), std::overflow_error);
  EXPECT_EQ(counts.n_documents(), static_cast<std::size_t>(INT64_MAX));
  khabar::DocumentFrequencies one;
  one.add_documents(1);
  EXPECT_THROW(counts.merge(one), std::overflow_error);
  EXPECT_EQ(counts.n_documents(), static_cast<std::size_t>(INT64_MAX));
  EXPECT_THROW(counts.add("سوريا", -1, 0), std::invalid_argument);
  EXPECT_THROW(counts.add("سوريا", 1, -1), std::invalid_argument);
  EXPECT_EQ(counts.size(), 0u);
}

TEST(ModelFile, DocumentLimitsADoubleDoesNotHoldExactlyAreRefused) {
  for (const double value : {1e300, 9007199254740994.0, 2.5}) {
    khabar::VectorizerOptions options;
    options.max_df = {value, false};
    try {
      options.validate();
      ADD_FAILURE() << value;
    } catch (const khabar::InvalidParameterError& error) {
      EXPECT_EQ(error.parameter(), "max_df");
    }
  }
  khabar::VectorizerOptions options;
  options.max_df = {khabar::kMaxDocumentLimit, false};
  EXPECT_NO_THROW(options.validate());
}

}  // namespace

TEST(ModelFile, OptionsAreReadByNameAndEveryKeyIsAccountedFor) {
  // Missing and unknown keys are refused naming the key, at any depth.
  expect_rejected(with_parameter("\"hamza\":false,", ""),
                  "invalid model file: missing option 'tokenizer.normalizer.hamza'");
  expect_rejected(with_parameter("\"binary\":false", "\"binary\":false,\"binery\":true"),
                  "invalid model file: unknown option 'binery'");
  expect_rejected(with_parameter("\"hamza\":false", "\"hamza\":false,\"hamzah\":true"),
                  "invalid model file: unknown option 'tokenizer.normalizer.hamzah'");
  expect_rejected(with_parameter("\"proportion\":true", "\"proportion\":1"),
                  "invalid model file: option 'max_df.proportion' is not a boolean: 1");
  expect_rejected(with_parameter("\"binary\":false", "\"binary\":0"),
                  "invalid model file: option 'binary' is not a boolean: 0");
  // Keys in another order are the same options: nothing is read by position.
  const std::string swapped =
      with_parameter("\"diacritics\":true,\"digits\":true", "\"digits\":false,\"diacritics\":true");
  const khabar::LoadedModel loaded = khabar::deserialize_model(swapped);
  EXPECT_FALSE(loaded.vectorizer.options().tokenizer.normalizer.digits);
  EXPECT_TRUE(loaded.vectorizer.options().tokenizer.normalizer.diacritics);
}

TEST(ModelFile, EveryOptionSurvivesARoundTrip) {
  khabar::VectorizerOptions options;
  options.tokenizer.normalize = false;
  options.tokenizer.normalizer.hamza = true;
  options.tokenizer.normalizer.lowercase = false;
  options.tokenizer.stopwords = {"في"};
  options.tokenizer.stemmer = khabar::Stemmer::light10;
  options.tokenizer.min_length = 2;
  options.tokenizer.ngram_min = 1;
  options.tokenizer.ngram_max = 3;
  options.tokenizer.errors = khabar::TextErrors::replace;
  options.min_df = {1.0, false};
  options.max_df = {0.75, true};
  options.max_features = 40;
  options.binary = true;
  options.use_idf = false;
  options.smooth_idf = false;
  options.sublinear_tf = true;
  options.norm = khabar::Norm::l1;
  options.value_type = khabar::ValueType::float32;
  khabar::TfidfVectorizer vectorizer(options);
  vectorizer.fit(std::vector<std::string>{"في سوتشي قال بوتين", "الأسد في سوتشي"});
  const khabar::VectorizerOptions read =
      khabar::deserialize_model(khabar::serialize_model(vectorizer)).vectorizer.options();
  EXPECT_EQ(read.tokenizer.normalize, false);
  EXPECT_TRUE(read.tokenizer.normalizer == options.tokenizer.normalizer);
  EXPECT_EQ(read.tokenizer.stopwords, options.tokenizer.stopwords);
  EXPECT_EQ(read.tokenizer.stemmer, khabar::Stemmer::light10);
  EXPECT_EQ(read.tokenizer.min_length, 2u);
  EXPECT_EQ(read.tokenizer.ngram_max, 3u);
  EXPECT_EQ(read.tokenizer.errors, khabar::TextErrors::replace);
  EXPECT_TRUE(read.max_df == options.max_df);
  EXPECT_EQ(read.max_features, std::optional<std::size_t>(40));
  EXPECT_TRUE(read.binary);
  EXPECT_FALSE(read.use_idf);
  EXPECT_FALSE(read.smooth_idf);
  EXPECT_TRUE(read.sublinear_tf);
  EXPECT_EQ(read.norm, khabar::Norm::l1);
  EXPECT_EQ(read.value_type, khabar::ValueType::float32);
}
