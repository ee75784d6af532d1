#include "khabar/model_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <nlohmann/json.hpp>
#include <system_error>

#include "khabar/errors.hpp"
#include "utf.hpp"

namespace khabar {
namespace {

using nlohmann::json;

constexpr char kMagic[8] = {'K', 'H', 'A', 'B', 'A', 'R', 'V', 'Z'};
constexpr char kFrequenciesMagic[8] = {'K', 'H', 'A', 'B', 'A', 'R', 'D', 'F'};
constexpr std::uint32_t kFrequenciesFormatVersion = 1;

// Deepest JSON nesting accepted in the parameters: khabar writes 4 levels. nlohmann::json
// parses iteratively but dumps recursively, so a file of a million nested brackets (a few MB)
// would otherwise overflow the stack.
constexpr int kMaxJsonDepth = 64;

std::uint64_t fnv1a(std::string_view bytes) {
  std::uint64_t hash = 0xcbf29ce484222325ull;
  for (unsigned char byte : bytes) {
    hash ^= byte;
    hash *= 0x100000001b3ull;
  }
  return hash;
}

void put_u64(std::string& out, std::uint64_t value) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
}

void put_u32(std::string& out, std::uint32_t value) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
}

// Reads fields in order, refusing to read past the end.
class Reader {
 public:
  explicit Reader(std::string_view bytes, const char* kind = "model file")
      : bytes_(bytes), kind_(kind) {}

  std::string_view take(std::uint64_t n, const char* what) {
    if (n > bytes_.size() - position_)
      throw ModelFormatError(std::string("truncated ") + kind_ + ": " + what + " needs " +
                             std::to_string(n) + " bytes at offset " + std::to_string(position_) +
                             ", " + std::to_string(bytes_.size() - position_) + " remain");
    const std::string_view out = bytes_.substr(position_, static_cast<std::size_t>(n));
    position_ += static_cast<std::size_t>(n);
    return out;
  }
  std::uint64_t u64(const char* what) {
    const std::string_view raw = take(8, what);
    std::uint64_t value = 0;
    for (int i = 7; i >= 0; --i)
      value = (value << 8) | static_cast<unsigned char>(raw[static_cast<std::size_t>(i)]);
    return value;
  }
  std::uint32_t u32(const char* what) {
    const std::string_view raw = take(4, what);
    std::uint32_t value = 0;
    for (int i = 3; i >= 0; --i)
      value = (value << 8) | static_cast<unsigned char>(raw[static_cast<std::size_t>(i)]);
    return value;
  }
  std::uint8_t flag(const char* what) {
    const auto value = static_cast<std::uint8_t>(take(1, what)[0]);
    if (value > 1)
      throw ModelFormatError(std::string("invalid ") + kind_ + ": " + what + " is neither 0 nor 1");
    return value;
  }
  // A count of 8-byte items that must fit in what remains, checked before any allocation.
  std::uint64_t item_count(const char* what) {
    const std::uint64_t n = u64(what);
    if (n > (bytes_.size() - position_) / 8)
      throw ModelFormatError(std::string("invalid ") + kind_ + ": " + what + " (" +
                             std::to_string(n) + ") exceeds the file size");
    return n;
  }
  std::size_t position() const noexcept { return position_; }

 private:
  std::string_view bytes_;
  const char* kind_;
  std::size_t position_ = 0;
};

// Terms back to back followed by their end offsets, as both formats store them.
void put_terms(std::string& out, std::size_t n,
               const std::function<std::string_view(std::size_t)>& term) {
  put_u64(out, n);
  std::size_t term_bytes = 0;
  for (std::size_t i = 0; i < n; ++i) term_bytes += term(i).size();
  put_u64(out, term_bytes);
  for (std::size_t i = 0; i < n; ++i) out += term(i);
  std::size_t end = 0;
  for (std::size_t i = 0; i < n; ++i) put_u64(out, end += term(i).size());
}

// The terms written by put_terms, each checked to be valid UTF-8.
std::vector<std::string_view> read_terms(Reader& reader, const char* kind) {
  const std::uint64_t n = reader.item_count("the number of terms");
  const std::uint64_t term_bytes = reader.u64("the term bytes length");
  const std::string_view terms_blob = reader.take(term_bytes, "the terms");
  std::vector<std::string_view> terms;
  terms.reserve(static_cast<std::size_t>(n));
  std::uint64_t begin = 0;
  for (std::uint64_t i = 0; i < n; ++i) {
    const std::uint64_t end = reader.u64("the term offsets");
    if (end < begin || end > term_bytes)
      throw ModelFormatError(std::string("invalid ") + kind +
                             ": term offsets are not increasing within the term bytes");
    terms.push_back(
        terms_blob.substr(static_cast<std::size_t>(begin), static_cast<std::size_t>(end - begin)));
    begin = end;
  }
  if (begin != term_bytes)
    throw ModelFormatError(std::string("invalid ") + kind +
                           ": term offsets do not cover the term bytes");
  std::u16string scratch;
  for (const auto& term : terms) {
    try {
      detail::decode_utf8(term, scratch);
    } catch (const InvalidTextError&) {
      throw ModelFormatError(std::string("invalid ") + kind + ": a term is not valid UTF-8");
    }
  }
  return terms;
}

// Checks magic, version and reserved field; returns the bytes before the checksum once the
// checksum matches, with `header_size` set to where the header ends.
std::string_view checked_body(std::string_view bytes, const char (&magic)[8],
                              std::uint32_t supported_version, const char* kind,
                              std::size_t& header_size) {
  Reader header(bytes, kind);
  // A file shorter than the magic number is reported as truncated only if it starts like one.
  const std::size_t magic_present = std::min(bytes.size(), sizeof magic);
  if (bytes.substr(0, magic_present) != std::string_view(magic, magic_present))
    throw ModelFormatError(std::string("not a khabar ") + kind + " (wrong magic number)");
  header.take(sizeof magic, "the magic number");
  const std::uint32_t version = header.u32("the format version");
  if (version == 0) throw ModelFormatError(std::string("invalid ") + kind + ": format version 0");
  if (version > supported_version)
    throw ModelFormatError(std::string(kind) + " format version " + std::to_string(version) +
                           " is not supported by this khabar (it reads version " +
                           std::to_string(supported_version) + "); upgrade khabar");
  if (header.u32("the reserved field") != 0)
    throw ModelFormatError(std::string("invalid ") + kind + ": reserved field is not 0");
  if (bytes.size() < 8 + header.position())
    throw ModelFormatError(std::string("truncated ") + kind + ": no checksum");
  const std::string_view body = bytes.substr(0, bytes.size() - 8);
  Reader trailer(bytes.substr(bytes.size() - 8), kind);
  if (trailer.u64("the checksum") != fnv1a(body))
    throw ModelFormatError(std::string(kind) + " is corrupt or truncated (checksum mismatch)");
  header_size = header.position();
  return body;
}

const char* analyzer_name(Analyzer analyzer) {
  switch (analyzer) {
    case Analyzer::character:
      return "char";
    case Analyzer::character_wb:
      return "char_wb";
    case Analyzer::word:
      break;
  }
  return "word";
}

json options_to_json(const VectorizerOptions& o) {
  const auto& t = o.tokenizer;
  const auto& n = t.normalizer;
  json normalizer = {{"nfkc", n.nfkc},
                     {"diacritics", n.diacritics},
                     {"tatweel", n.tatweel},
                     {"alef", n.alef},
                     {"alef_maksura", n.alef_maksura},
                     {"teh_marbuta", n.teh_marbuta},
                     {"persian_letters", n.persian_letters},
                     {"hamza", n.hamza},
                     {"digits", n.digits},
                     {"lowercase", n.lowercase}};
  json tokenizer = {{"normalize", t.normalize},
                    {"normalizer", normalizer},
                    {"stopwords", t.stopwords},
                    {"stem_exclusion", t.stem_exclusion},
                    {"stemmer", t.stemmer == Stemmer::light10  ? json("light10")
                                : t.stemmer == Stemmer::khabar ? json("khabar")
                                                               : json(nullptr)},
                    {"min_length", t.min_length},
                    {"ngram_range", {t.ngram_min, t.ngram_max}},
                    {"analyzer", analyzer_name(t.analyzer)},
                    {"errors", t.errors == TextErrors::replace ? "replace" : "strict"}};
  auto limit = [](const DocumentLimit& l) {
    return json{{"value", l.value}, {"proportion", l.proportion}};
  };
  const char* norm = o.norm == Norm::l1 ? "l1" : o.norm == Norm::l2 ? "l2" : nullptr;
  const char* dtype = o.value_type == ValueType::float32 ? "float32"
                      : o.value_type == ValueType::int64 ? "int64"
                                                         : "float64";
  return {{"tokenizer", tokenizer},
          {"min_df", limit(o.min_df)},
          {"max_df", limit(o.max_df)},
          {"max_features", o.max_features ? json(*o.max_features) : json(nullptr)},
          {"binary", o.binary},
          {"use_idf", o.use_idf},
          {"smooth_idf", o.smooth_idf},
          {"sublinear_tf", o.sublinear_tf},
          {"norm", norm ? json(norm) : json(nullptr)},
          {"dtype", dtype}};
}

// A count or size: a JSON integer >= 0. nlohmann would convert -1 to 2^64 - 1 and 1e300 with
// undefined behaviour.
std::size_t size_from_json(const json& value, const char* what) {
  if (!value.is_number_unsigned())
    throw ModelFormatError(std::string("invalid model file: ") + what +
                           " is not an integer >= 0: " + value.dump());
  return value.get<std::size_t>();
}

json parse_parameters(std::string_view text) {
  return json::parse(text.begin(), text.end(), [](int depth, json::parse_event_t, json&) {
    if (depth > kMaxJsonDepth)
      throw ModelFormatError("invalid model file: the parameters nest deeper than " +
                             std::to_string(kMaxJsonDepth) + " levels");
    return true;
  });
}

VectorizerOptions options_from_json(const json& j) {
  VectorizerOptions o;
  const json& t = j.at("tokenizer");
  const json& n = t.at("normalizer");
  auto& nf = o.tokenizer.normalizer;
  nf = {n.at("nfkc").get<bool>(),
        n.at("diacritics").get<bool>(),
        n.at("tatweel").get<bool>(),
        n.at("alef").get<bool>(),
        n.at("alef_maksura").get<bool>(),
        n.at("teh_marbuta").get<bool>(),
        n.at("persian_letters").get<bool>(),
        n.at("hamza").get<bool>(),
        n.at("digits").get<bool>(),
        n.at("lowercase").get<bool>()};
  o.tokenizer.normalize = t.at("normalize").get<bool>();
  o.tokenizer.stopwords = t.at("stopwords").get<std::vector<std::string>>();
  // Files written before stem_exclusion existed have none.
  if (t.contains("stem_exclusion"))
    o.tokenizer.stem_exclusion = t.at("stem_exclusion").get<std::vector<std::string>>();
  const json& stemmer = t.at("stemmer");
  if (stemmer.is_null())
    o.tokenizer.stemmer = Stemmer::none;
  else if (stemmer.is_string() && stemmer.get<std::string>() == "light10")
    o.tokenizer.stemmer = Stemmer::light10;
  else if (stemmer.is_string() && stemmer.get<std::string>() == "khabar")
    o.tokenizer.stemmer = Stemmer::khabar;
  else
    throw ModelFormatError("invalid model file: unknown stemmer " + stemmer.dump());
  o.tokenizer.min_length = size_from_json(t.at("min_length"), "min_length");
  const json& range = t.at("ngram_range");
  if (!range.is_array() || range.size() != 2)
    throw ModelFormatError("invalid model file: ngram_range needs two values");
  o.tokenizer.ngram_min = size_from_json(range[0], "ngram_range");
  o.tokenizer.ngram_max = size_from_json(range[1], "ngram_range");
  const auto analyzer = t.at("analyzer").get<std::string>();
  if (analyzer == "char")
    o.tokenizer.analyzer = Analyzer::character;
  else if (analyzer == "char_wb")
    o.tokenizer.analyzer = Analyzer::character_wb;
  else if (analyzer == "word")
    o.tokenizer.analyzer = Analyzer::word;
  else
    throw ModelFormatError("invalid model file: unknown analyzer '" + analyzer + "'");
  // Absent from files written before the option existed, which were all strict.
  const auto errors = t.value("errors", std::string("strict"));
  if (errors != "strict" && errors != "replace")
    throw ModelFormatError("invalid model file: unknown errors policy '" + errors + "'");
  o.tokenizer.errors = errors == "replace" ? TextErrors::replace : TextErrors::strict;
  auto limit = [](const json& l) {
    return DocumentLimit{l.at("value").get<double>(), l.at("proportion").get<bool>()};
  };
  o.min_df = limit(j.at("min_df"));
  o.max_df = limit(j.at("max_df"));
  if (!j.at("max_features").is_null())
    o.max_features = size_from_json(j.at("max_features"), "max_features");
  o.binary = j.at("binary").get<bool>();
  o.use_idf = j.at("use_idf").get<bool>();
  o.smooth_idf = j.at("smooth_idf").get<bool>();
  o.sublinear_tf = j.at("sublinear_tf").get<bool>();
  const json& norm = j.at("norm");
  o.norm = norm.is_null() ? Norm::none : norm.get<std::string>() == "l1" ? Norm::l1 : Norm::l2;
  if (!norm.is_null() && norm.get<std::string>() != "l1" && norm.get<std::string>() != "l2")
    throw ModelFormatError("invalid model file: unknown norm " + norm.dump());
  const auto dtype = j.at("dtype").get<std::string>();
  if (dtype == "float32")
    o.value_type = ValueType::float32;
  else if (dtype == "int64")
    o.value_type = ValueType::int64;
  else if (dtype == "float64")
    o.value_type = ValueType::float64;
  else
    throw ModelFormatError("invalid model file: unknown dtype '" + dtype + "'");
  return o;
}

}  // namespace

std::string serialize_model(const TfidfVectorizer& vectorizer, std::string_view annotations_json) {
  if (!vectorizer.fitted()) throw NotFittedError("only a fitted vectorizer can be saved");
  json annotations;
  try {
    annotations = json::parse(annotations_json);
  } catch (const json::exception& error) {
    throw InvalidOptionError(std::string("annotations must be a JSON object: ") + error.what());
  }
  const std::string parameters =
      json{{"options", options_to_json(vectorizer.options())}, {"annotations", annotations}}.dump();
  std::string out(kMagic, sizeof kMagic);
  put_u32(out, kModelFormatVersion);
  put_u32(out, 0);
  put_u64(out, parameters.size());
  out += parameters;
  put_terms(out, vectorizer.n_features(), [&](std::size_t i) { return vectorizer.feature(i); });
  out.push_back(vectorizer.has_fixed_vocabulary() ? 1 : 0);
  const auto& idf = vectorizer.idf();
  out.push_back(idf.empty() ? 0 : 1);
  for (double value : idf) {
    std::uint64_t bits;
    std::memcpy(&bits, &value, sizeof bits);
    put_u64(out, bits);
  }
  put_u64(out, fnv1a(out));
  return out;
}

LoadedModel deserialize_model(std::string_view bytes) {
  std::size_t header_size = 0;
  const std::string_view body =
      checked_body(bytes, kMagic, kModelFormatVersion, "model file", header_size);
  Reader reader(body);
  reader.take(header_size, "the header");
  const std::uint64_t parameters_length = reader.u64("the parameters length");
  const std::string_view parameters = reader.take(parameters_length, "the parameters");
  VectorizerOptions options;
  std::string annotations;
  try {
    const json document = parse_parameters(parameters);
    options = options_from_json(document.at("options"));
    annotations = document.at("annotations").dump();
  } catch (const json::exception& error) {
    throw ModelFormatError(std::string("invalid model file parameters: ") + error.what());
  }
  const std::vector<std::string_view> views = read_terms(reader, "model file");
  const std::vector<std::string> terms(views.begin(), views.end());
  const std::uint64_t n = terms.size();
  if (n == 0) throw ModelFormatError("invalid model file: the vocabulary is empty");
  const bool fixed = reader.flag("the fixed-vocabulary flag");
  const bool has_idf = reader.flag("the idf flag");
  std::vector<double> idf;
  if (has_idf) {
    if (n > (body.size() - reader.position()) / 8)
      throw ModelFormatError("truncated model file: idf");
    idf.resize(static_cast<std::size_t>(n));
    for (auto& value : idf) {
      const std::uint64_t bits = reader.u64("the idf");
      std::memcpy(&value, &bits, sizeof value);
      if (std::isnan(value)) throw ModelFormatError("invalid model file: idf is NaN");
    }
  }
  if (reader.position() != body.size())
    throw ModelFormatError(
        "invalid model file: " + std::to_string(body.size() - reader.position()) +
        " unexpected bytes after the idf");
  try {
    TfidfVectorizer vectorizer(options);
    vectorizer.restore(terms, std::move(idf), fixed);
    return LoadedModel{std::move(vectorizer), std::move(annotations)};
  } catch (const InvalidOptionError& error) {
    throw ModelFormatError(std::string("invalid model file: ") + error.what());
  } catch (const InvalidTextError& error) {
    throw ModelFormatError(std::string("invalid model file: ") + error.what());
  }
}

void save_model(const TfidfVectorizer& vectorizer, const std::string& path,
                std::string_view annotations_json) {
  const std::string bytes = serialize_model(vectorizer, annotations_json);
  // A name of its own per call (process id and a counter, created exclusively): two threads
  // saving to one path must not write into the same temporary file.
  static std::atomic<std::uint64_t> saves{0};
  std::string temporary;
  int fd = -1;
  while (fd < 0) {
    temporary = path + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(saves++);
    fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0 && errno != EEXIST)
      throw std::system_error(errno, std::generic_category(), "cannot write " + temporary);
  }
  auto fail = [&](const char* what, const std::string& target) {
    const int error = errno;
    if (fd >= 0) ::close(fd);
    std::remove(temporary.c_str());
    throw std::system_error(error, std::generic_category(), what + target);
  };
  std::size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fail("cannot write ", temporary);
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) fail("cannot save model to ", path);
  const int closed = ::close(fd);
  fd = -1;
  if (closed != 0 || std::rename(temporary.c_str(), path.c_str()) != 0)
    fail("cannot save model to ", path);
}

LoadedModel load_model(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw std::system_error(errno, std::generic_category(), "cannot open model file " + path);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return deserialize_model(bytes);
}

std::string serialize_frequencies(const DocumentFrequencies& frequencies) {
  std::string out(kFrequenciesMagic, sizeof kFrequenciesMagic);
  put_u32(out, kFrequenciesFormatVersion);
  put_u32(out, 0);
  put_u64(out, frequencies.n_documents());
  const std::size_t n = frequencies.size();
  out.reserve(out.size() + 24 * n + 16);
  put_terms(out, n, [&](std::size_t i) { return frequencies.term(i); });
  for (std::size_t i = 0; i < n; ++i)
    put_u64(out, static_cast<std::uint64_t>(frequencies.document_frequency(i)));
  for (std::size_t i = 0; i < n; ++i)
    put_u64(out, static_cast<std::uint64_t>(frequencies.total_count(i)));
  put_u64(out, fnv1a(out));
  return out;
}

DocumentFrequencies deserialize_frequencies(std::string_view bytes) {
  constexpr const char* kind = "document frequencies";
  std::size_t header_size = 0;
  const std::string_view body =
      checked_body(bytes, kFrequenciesMagic, kFrequenciesFormatVersion, kind, header_size);
  Reader reader(body, kind);
  reader.take(header_size, "the header");
  const std::uint64_t n_documents = reader.u64("the number of documents");
  const std::vector<std::string_view> terms = read_terms(reader, kind);
  if (terms.size() > (body.size() - reader.position()) / 16)
    throw ModelFormatError("truncated document frequencies: counts");
  std::vector<std::int64_t> documents(terms.size()), counts(terms.size());
  for (auto& value : documents) value = static_cast<std::int64_t>(reader.u64("the frequencies"));
  for (auto& value : counts) value = static_cast<std::int64_t>(reader.u64("the counts"));
  if (reader.position() != body.size())
    throw ModelFormatError(
        "invalid document frequencies: " + std::to_string(body.size() - reader.position()) +
        " unexpected bytes after the counts");
  DocumentFrequencies frequencies;
  frequencies.add_documents(static_cast<std::size_t>(n_documents));
  frequencies.reserve(terms.size());
  for (std::size_t i = 0; i < terms.size(); ++i) {
    if (documents[i] < 0 || static_cast<std::uint64_t>(documents[i]) > n_documents ||
        counts[i] < documents[i])
      throw ModelFormatError(
          "invalid document frequencies: a term's counts contradict the number of documents");
    if (frequencies.add(terms[i], documents[i], counts[i]) != i)
      throw ModelFormatError("invalid document frequencies: a term is listed twice");
  }
  return frequencies;
}

}  // namespace khabar
