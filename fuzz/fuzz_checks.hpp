#pragma once

// What each libFuzzer target (fuzz/fuzz_<name>.cpp) runs on one input. They live in a library
// of their own so that tests/cpp/test_fuzz_regressions.cpp replays saved inputs through exactly
// the same code with any compiler. A broken invariant aborts; an exception other than the one
// khabar documents for bad input escapes (libFuzzer: a crash; GoogleTest: a failure).

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace khabar::fuzz {

/// Bytes as a document: UTF-8, or UTF-16 code units (little-endian pairs), chosen with the
/// normalizer and tokenizer options by the input's last bytes. Ill-formed text must raise
/// InvalidTextError at the offset an independent validator finds. Otherwise: normalization is
/// valid UTF-8 and idempotent, the UTF-8, UTF-16 and traced (SourceMap) paths agree, tokens are
/// non-empty valid UTF-8 and identical from UTF-8 and UTF-16 input, and spans lie inside the
/// text on code point boundaries, in order, covering text that normalizes to their token.
void check_tokenize(const std::uint8_t* data, std::size_t size);

/// Bytes as a model file, as given and with the checksum recomputed (so that mutations reach
/// the parser behind it). deserialize_model must load or throw ModelFormatError; a loaded model
/// must save and load again to the same bytes and transform a document.
void check_model_file(const std::uint8_t* data, std::size_t size);

/// Bytes as two documents split at the first 0xFF (never valid UTF-8; without one, a document
/// is compared with itself), with min_words and tokenizer options from the last bytes.
/// shared_passages must return exactly the maximal common token runs of at least min_words
/// that a brute-force search finds (for small inputs), with spans inside both texts.
void check_shared_passages(const std::uint8_t* data, std::size_t size);

/// Bytes as a sparse matrix: shape, k, threshold and buffer width from the last bytes, index
/// buffers from the rest (one signed byte a value, or eight raw bytes after 0x7F). The CSR
/// readers must refuse exactly what SciPy's check_format(full_check=True) refuses (and, for
/// int64 buffers, what does not fit int32) with InvalidMatrixError; a well-formed matrix must
/// give the brute-force cosine similarities, and top_k_similar the best of them in order.
void check_csr(const std::uint8_t* data, std::size_t size);

/// Bytes as UTF-16 text, read (by the last byte) as UTF-16 code units, as UTF-8 with U+FFFD for
/// ill-formed sequences, or one byte a character from an alphabet of every class UAX #29 word
/// breaking tells apart. The word-break scanner (cpp/src/word_breaks.hpp) must give exactly
/// ICU's segments and rule statuses, all of them and the words only.
void check_word_breaks(const std::uint8_t* data, std::size_t size);

/// Whether the word-break scanner gives exactly ICU's segments and statuses for `text`.
bool word_breaks_match_icu(std::u16string_view text);

}  // namespace khabar::fuzz
