#include <khabar/errors.hpp>
#include <khabar/model_file.hpp>
#include <khabar/tfidf.hpp>

#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "fuzz_checks.hpp"
#include "fuzz_support.hpp"

namespace khabar::fuzz {
namespace {

// FNV-1a 64 from its definition (Fowler, Noll, Vo), the model file's checksum.
std::uint64_t fnv1a(std::string_view bytes) {
  std::uint64_t hash = 14695981039346656037ull;
  for (unsigned char byte : bytes) hash = (hash ^ byte) * 1099511628211ull;
  return hash;
}

std::optional<LoadedModel> load(std::string_view bytes) {
  try {
    return deserialize_model(bytes);
  } catch (const ModelFormatError&) {
    return std::nullopt;
  }
}

bool same_bits(const std::vector<double>& x, const std::vector<double>& y) {
  return x.size() == y.size() &&
         (x.empty() || std::memcmp(x.data(), y.data(), x.size() * sizeof(double)) == 0);
}

void check_loaded(const LoadedModel& model) {
  const TfidfVectorizer& vectorizer = model.vectorizer;
  KHABAR_FUZZ_CHECK(vectorizer.fitted());
  // Saving what was loaded gives a file that loads to the same model and saves to itself.
  const std::string saved = serialize_model(vectorizer, model.annotations_json);
  const std::optional<LoadedModel> again = load(saved);
  KHABAR_FUZZ_CHECK(again.has_value());
  KHABAR_FUZZ_CHECK(serialize_model(again->vectorizer, again->annotations_json) == saved);
  KHABAR_FUZZ_CHECK(again->vectorizer.n_features() == vectorizer.n_features());
  for (std::size_t column = 0; column < vectorizer.n_features(); ++column) {
    KHABAR_FUZZ_CHECK(again->vectorizer.feature(column) == vectorizer.feature(column));
    KHABAR_FUZZ_CHECK(vectorizer.column(vectorizer.feature(column)) ==
                      static_cast<std::int64_t>(column));
  }
  KHABAR_FUZZ_CHECK(same_bits(again->vectorizer.idf(), vectorizer.idf()));

  // And the loaded model is usable.
  const std::vector<TextView> docs = {"بوتين وأردوغان في سوتشي ٢٠١٧", "Sochi talks"};
  const CsrMatrix rows = vectorizer.transform(docs, 1);
  KHABAR_FUZZ_CHECK(rows.rows == docs.size() && rows.cols == vectorizer.n_features());
  KHABAR_FUZZ_CHECK(rows.row_pointers().size() == docs.size() + 1);
  for (std::int32_t column : rows.indices)
    KHABAR_FUZZ_CHECK(column >= 0 && static_cast<std::size_t>(column) < rows.cols);
}

}  // namespace

void check_model_file(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  if (const auto model = load(bytes)) check_loaded(*model);
  // Random mutations almost never keep the checksum valid, so also load the input with its
  // last 8 bytes replaced by the checksum of the others: the parser is what needs fuzzing.
  if (size < 8) return;
  std::string resealed(bytes.substr(0, size - 8));
  const std::uint64_t hash = fnv1a(resealed);
  for (int i = 0; i < 8; ++i) resealed.push_back(static_cast<char>((hash >> (8 * i)) & 0xFF));
  if (resealed == bytes) return;
  if (const auto model = load(resealed)) check_loaded(*model);
}

}  // namespace khabar::fuzz
