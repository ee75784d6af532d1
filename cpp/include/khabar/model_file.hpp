#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

#include "khabar/tfidf.hpp"

namespace khabar {

/// Thrown when model bytes are truncated, corrupt, malformed or written by a newer khabar.
/// Loading treats the bytes as untrusted: every length is checked against the bytes present
/// before anything is allocated, and nothing in the file is executed. Python: ValueError.
class ModelFormatError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Version of the model file format written by this khabar; files of a later version are refused.
inline constexpr std::uint32_t kModelFormatVersion = 1;

/// A loaded vectorizer and the annotations saved with it (a JSON object, e.g. the parameters
/// of the Python estimator that wrote it).
struct LoadedModel {
  TfidfVectorizer vectorizer;
  std::string annotations_json;
};

/// The model file format, version 1. All integers are little-endian.
///
///   offset  size   field
///   0       8      magic "KHABARVZ"
///   8       4      format version (uint32)
///   12      4      reserved, 0
///   16      8      length J of the parameters (uint64)
///   24      J      parameters: a UTF-8 JSON object {"options": {...}, "annotations": {...}}
///   .       8      number of terms N (uint64)
///   .       8      length B of the term bytes (uint64)
///   .       B      the terms in column order, UTF-8, back to back
///   .       8 N    end offset of each term within the term bytes (uint64, increasing)
///   .       1      1 when a vocabulary was given rather than learned, else 0
///   .       1      1 when an idf follows, else 0
///   .       8 N    idf per column (IEEE 754 binary64), when present
///   end-8   8      FNV-1a 64-bit hash of every byte before it
std::string serialize_model(const TfidfVectorizer& vectorizer,
                            std::string_view annotations_json = "{}");
LoadedModel deserialize_model(std::string_view bytes);

/// Writes the model atomically: to a temporary file in the same folder, flushed to disk, then
/// renamed over `path`, so that a crash mid-write leaves any previous file intact (a process
/// killed mid-write leaves its `path.tmp-*` file behind). I/O failures throw std::system_error
/// with the errno (Python: the matching OSError subclass).
void save_model(const TfidfVectorizer& vectorizer, const std::string& path,
                std::string_view annotations_json = "{}");
LoadedModel load_model(const std::string& path);

/// DocumentFrequencies as bytes: how partial counts travel between processes (Dask workers
/// merging them in a tree) in one copy, and how they can be stored. Same conventions and
/// checks as the model file; integers little-endian.
///
///   offset  size   field
///   0       8      magic "KHABARDF"
///   8       4      format version (uint32, 1)
///   12      4      reserved, 0
///   16      8      number of documents (uint64)
///   24      8      number of terms N (uint64)
///   32      8      length B of the term bytes (uint64)
///   40      B      the terms, UTF-8, back to back
///   .       8 N    end offset of each term within the term bytes (uint64, increasing)
///   .       8 N    document frequency of each term (int64)
///   .       8 N    total count of each term (int64)
///   end-8   8      FNV-1a 64-bit hash of every byte before it
std::string serialize_frequencies(const DocumentFrequencies& frequencies);
DocumentFrequencies deserialize_frequencies(std::string_view bytes);

}  // namespace khabar
