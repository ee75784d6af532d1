#include "khabar/model_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <nlohmann/json.hpp>
#include <system_error>

#include "fnv1a.hpp"
#include "khabar/errors.hpp"
#include "options_json.hpp"
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
// Checks magic, version and reserved field at the start of `bytes`; returns the header size.
std::size_t checked_header(std::string_view bytes, const char (&magic)[8],
                           std::uint32_t supported_version, const char* kind) {
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
  return header.position();
}

std::string_view checked_body(std::string_view bytes, const char (&magic)[8],
                              std::uint32_t supported_version, const char* kind,
                              std::size_t& header_size) {
  const std::size_t header_end = checked_header(bytes, magic, supported_version, kind);
  if (bytes.size() < 8 + header_end)
    throw ModelFormatError(std::string("truncated ") + kind + ": no checksum");
  const std::string_view body = bytes.substr(0, bytes.size() - 8);
  Reader trailer(bytes.substr(bytes.size() - 8), kind);
  if (trailer.u64("the checksum") != detail::fnv1a(body))
    throw ModelFormatError(std::string(kind) + " is corrupt or truncated (checksum mismatch)");
  header_size = header_end;
  return body;
}

// scikit-learn's idf is ln((n + s) / (df + s)) + 1 with s = 1 when smooth_idf, 0 otherwise, for
// 0 < df <= n (and df = 0 for a term of a fixed vocabulary that no document holds). With df <= n
// the logarithm is >= 0; with n below 2^64 it is at most ln(2^64). Only a non-smooth idf of a
// fixed vocabulary reaches +inf (df = 0, as scikit-learn gives). Anything else did not come from
// the formula, and would make transform return NaN or garbage.
void check_idf(double value, std::size_t column, const VectorizerOptions& options, bool fixed) {
  static const double largest = inverse_document_frequency(0, SIZE_MAX, true);
  const bool from_the_formula =
      (value >= 1.0 && value <= largest) || (value == HUGE_VAL && fixed && !options.smooth_idf);
  if (!from_the_formula) {
    char shown[32];
    std::snprintf(shown, sizeof shown, "%g", value);
    char range[64];
    std::snprintf(range, sizeof range, "[1, %.6g]", largest);
    throw ModelFormatError("invalid model file: idf[" + std::to_string(column) + "] is " + shown +
                           "; scikit-learn's formula gives an idf in " + range +
                           (fixed && !options.smooth_idf ? " or inf" : ""));
  }
}

json parse_parameters(std::string_view text) {
  return json::parse(text.begin(), text.end(), [](int depth, json::parse_event_t, json&) {
    if (depth > kMaxJsonDepth)
      throw ModelFormatError("invalid model file: the parameters nest deeper than " +
                             std::to_string(kMaxJsonDepth) + " levels");
    return true;
  });
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
  const std::string parameters = json{
      {"options", detail::options_to_json(vectorizer.options())},
      {"annotations", annotations}}.dump();
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
  put_u64(out, detail::fnv1a(out));
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
    if (!document.is_object())
      throw ModelFormatError("invalid model file: the parameters are not an object");
    for (const auto& item : document.items())
      if (item.key() != "options" && item.key() != "annotations")
        throw ModelFormatError("invalid model file: unknown parameter '" + item.key() + "'");
    if (!document.contains("options"))
      throw ModelFormatError("invalid model file: missing parameter 'options'");
    if (!document.contains("annotations"))
      throw ModelFormatError("invalid model file: missing parameter 'annotations'");
    options = detail::options_from_json<VectorizerOptions>(document.at("options"));
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
    for (std::size_t i = 0; i < idf.size(); ++i) {
      const std::uint64_t bits = reader.u64("the idf");
      std::memcpy(&idf[i], &bits, sizeof idf[i]);
      check_idf(idf[i], i, options, fixed);
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

namespace {

// The header and the lengths it declares, checked against the size of the file before the file
// is read whole: a huge file with a small bad header fails at once instead of after reading it
// all. The layout is serialize_model's: header, parameters length and parameters, number of
// terms and term bytes, the terms, their end offsets, two flags, the idf if any, the checksum.
void check_declared_lengths(std::ifstream& in, std::uint64_t file_size) {
  auto read_at = [&](std::uint64_t offset, std::size_t n) {
    std::string out(static_cast<std::size_t>(std::min<std::uint64_t>(n, file_size - offset)), '\0');
    in.seekg(static_cast<std::streamoff>(offset));
    in.read(out.data(), static_cast<std::streamsize>(out.size()));
    if (!in) throw std::system_error(errno, std::generic_category(), "cannot read model file");
    return out;
  };
  const std::string header = read_at(0, 24);
  const std::size_t header_end = checked_header(header, kMagic, kModelFormatVersion, "model file");
  // The body is what precedes the 8-byte checksum; its fields are read as deserialize_model does.
  if (file_size < header_end + 8) return;  // short: deserialize_model says what is missing
  const std::uint64_t body_size = file_size - 8;
  Reader lengths(std::string_view(header).substr(0, std::min<std::uint64_t>(24, body_size)));
  lengths.take(header_end, "the header");
  const std::uint64_t parameters_length = lengths.u64("the parameters length");
  if (parameters_length > body_size - 24)
    throw ModelFormatError("truncated model file: the parameters needs " +
                           std::to_string(parameters_length) + " bytes at offset 24, " +
                           std::to_string(body_size - 24) + " remain");
  const std::uint64_t terms_at = 24 + parameters_length;
  const std::string counts = read_at(terms_at, 16);
  Reader terms(std::string_view(counts).substr(
      0, static_cast<std::size_t>(std::min<std::uint64_t>(16, body_size - terms_at))));
  const std::uint64_t n_terms = terms.u64("the number of terms");
  const std::uint64_t term_bytes = terms.u64("the term bytes length");
  // Without the idf: terms_at + 16 + term_bytes + 8 n + 2; with it, 8 n more. Forged lengths
  // near 2^64 would wrap: a sum that overflows matches no file.
  std::uint64_t offsets = 0, without_idf = 0, with_idf = 0;
  const bool overflows = __builtin_mul_overflow(n_terms, std::uint64_t{8}, &offsets) ||
                         __builtin_add_overflow(terms_at + 18, term_bytes, &without_idf) ||
                         __builtin_add_overflow(without_idf, offsets, &without_idf) ||
                         __builtin_add_overflow(without_idf, offsets, &with_idf);
  if (!overflows && body_size < without_idf)
    throw ModelFormatError("truncated model file: the lengths in its header make at least " +
                           std::to_string(without_idf + 8) + " bytes, the file has " +
                           std::to_string(file_size));
  if (overflows || (body_size != without_idf && body_size != with_idf))
    throw ModelFormatError("invalid model file: the lengths in its header (" +
                           std::to_string(parameters_length) + " bytes of parameters, " +
                           std::to_string(n_terms) + " terms in " + std::to_string(term_bytes) +
                           " bytes) do not match the file size (" + std::to_string(file_size) +
                           " bytes)");
}

}  // namespace

LoadedModel load_model(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw std::system_error(errno, std::generic_category(), "cannot open model file " + path);
  in.seekg(0, std::ios::end);
  const std::streamoff end = in.tellg();
  if (end < 0) throw std::system_error(errno, std::generic_category(), "cannot read " + path);
  const auto file_size = static_cast<std::uint64_t>(end);
  check_declared_lengths(in, file_size);
  std::string bytes(static_cast<std::size_t>(file_size), '\0');
  in.seekg(0);
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!in) throw std::system_error(errno, std::generic_category(), "cannot read " + path);
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
  put_u64(out, detail::fnv1a(out));
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
  if (n_documents > DocumentFrequencies::kMaxCount)
    throw ModelFormatError("invalid document frequencies: " + std::to_string(n_documents) +
                           " documents overflow a signed 64-bit integer");
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
