#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "khabar/normalizer.hpp"
#include "khabar/python_regex.hpp"
#include "khabar/term_index.hpp"
#include "khabar/text.hpp"

namespace khabar {

/// What a token is: words (UAX #29 word segments, optionally joined into word n-grams) or
/// character n-grams with scikit-learn's "char" / "char_wb" semantics.
enum class Analyzer { word, character, character_wb };

/// `light10`: Lucene's Light10, bit for bit; `khabar`: KhabarStemmer::built_in() (stemmer.hpp).
enum class Stemmer { none, light10, khabar };

template <>
struct EnumNames<Analyzer> {
  static constexpr std::array<std::pair<Analyzer, const char*>, 3> values{
      {{Analyzer::word, "word"},
       {Analyzer::character, "char"},
       {Analyzer::character_wb, "char_wb"}}};
};
template <>
struct EnumNames<Stemmer> {
  static constexpr std::array<std::pair<Stemmer, const char*>, 3> values{
      {{Stemmer::light10, "light10"}, {Stemmer::khabar, "khabar"}, {Stemmer::none, nullptr}}};
};

struct TokenizerOptions {
  bool normalize = true;  ///< apply `normalizer` before segmentation
  NormalizerOptions normalizer{};
  /// UTF-8 words to drop (word analyzer only); normalized with `normalizer` before matching.
  std::vector<std::string> stopwords{};
  Stemmer stemmer = Stemmer::none;  ///< applied after stopword removal (word analyzer only)
  /// UTF-8 words the stemmer leaves as they are (Lucene's stem exclusion set); normalized with
  /// `normalizer` before matching, like the stopwords.
  std::vector<std::string> stem_exclusion{};
  std::size_t min_length = 1;  ///< drop word tokens with fewer code points than this
  std::size_t ngram_min = 1;   ///< smallest n of the n-grams produced
  std::size_t ngram_max = 1;   ///< largest n of the n-grams produced
  Analyzer analyzer = Analyzer::word;
  /// Ill-formed input: throw InvalidTextError (`strict`) or read it as U+FFFD (`replace`).
  TextErrors errors = TextErrors::strict;
  /// scikit-learn's `lowercase`. With the ICU word breaks (empty token_pattern) case is folded
  /// by the normalizer's `lowercase` flag, which false turns off; with a token_pattern the
  /// text is lowercased as Python's str.lower() before the pattern applies.
  bool lowercase = true;
  /// scikit-learn's `token_pattern` (a Python `re` pattern, word analyzer only). Empty: words
  /// are UAX #29 word segments (ICU). The patterns is_native_token_pattern() accepts
  /// (PythonWordPattern: scikit-learn's default and its \w+ relatives) are tokenized here
  /// with `re`'s exact semantics, after normalization (if `normalize`) and str.lower() (if
  /// `lowercase`); the Python package tokenizes any other with `re` and passes the tokens
  /// (TokenDocuments), and a Tokenizer given one refuses to read text.
  std::string token_pattern{};

  template <class Visit>
  static void describe(Visit&& visit) {
    visit("normalize", &TokenizerOptions::normalize);
    visit("normalizer", &TokenizerOptions::normalizer);
    visit("stopwords", &TokenizerOptions::stopwords);
    visit("stemmer", &TokenizerOptions::stemmer);
    visit("stem_exclusion", &TokenizerOptions::stem_exclusion);
    visit("min_length", &TokenizerOptions::min_length);
    visit("ngram_range", range_field(&TokenizerOptions::ngram_min, &TokenizerOptions::ngram_max));
    visit("analyzer", &TokenizerOptions::analyzer);
    visit("errors", &TokenizerOptions::errors);
    visit("lowercase", &TokenizerOptions::lowercase);
    visit("token_pattern", &TokenizerOptions::token_pattern);
  }
  /// Throws InvalidParameterError for out-of-range values, InvalidOptionError for options
  /// that contradict each other.
  void validate() const;
};

/// Whether the tokenizer reads text with this `token_pattern` itself (rather than being given
/// the tokens Python's `re` finds). The empty pattern (ICU word breaks) is native.
bool is_native_token_pattern(std::string_view pattern);

/// Whether a Tokenizer with these options reads text itself: with the ICU word breaks, or a
/// native token_pattern (is_native_token_pattern) without a stemmer (stemming a pattern's
/// tokens is left to Python). Otherwise the vectorizers are given the
/// tokens (TokenDocuments), found by Python's `re`, and a Tokenizer refuses text with
/// InvalidOptionError.
bool tokenizes_text(const TokenizerOptions& options);

/// Tokens of one document stored back to back in a single buffer, so that tokenizing a corpus
/// costs no allocation per token. Views stay valid until the list is modified.
class TokenList {
 public:
  std::size_t size() const noexcept { return ends_.size(); }
  bool empty() const noexcept { return ends_.empty(); }
  std::string_view operator[](std::size_t i) const noexcept {
    const std::size_t begin = i == 0 ? 0 : ends_[i - 1];
    return std::string_view(chars_).substr(begin, ends_[i] - begin);
  }
  void clear() noexcept {
    chars_.clear();
    ends_.clear();
  }
  void push_back(std::string_view token) {
    chars_.append(token);
    ends_.push_back(chars_.size());
  }
  /// Appends the UTF-8 encoding of the UTF-16 pieces joined by single spaces, as one token.
  void push_back_joined(const std::u16string_view* pieces, std::size_t count);

  std::vector<std::string> to_vector() const;

 private:
  std::string chars_;
  std::vector<std::size_t> ends_;
};

/// Word tokens as UTF-16 views, the cheapest form for consumers that only key on tokens
/// (counting terms): a word is a view of the tokenizer's normalized text, an n-gram is joined
/// in the list. Valid until the list is filled again or the tokenizer is called again on this
/// thread, whichever comes first.
class Utf16TokenViews {
 public:
  std::size_t size() const noexcept { return views_.size(); }
  std::u16string_view operator[](std::size_t i) const noexcept { return views_[i]; }

 private:
  friend class Tokenizer;
  std::vector<std::u16string_view> views_;
  std::u16string joined_;
};

/// Where a token came from in the ORIGINAL text: UTF-8 byte offsets and code point offsets
/// (Python `str` indices). A stemmed or normalized token spans the whole surface word; a word
/// n-gram spans its first word to its last.
struct TokenSpan {
  std::size_t begin_byte = 0;
  std::size_t end_byte = 0;
  std::size_t begin_char = 0;
  std::size_t end_char = 0;
};

struct Token {
  std::string text;
  TokenSpan span;
};

/// Tokens of many documents as ids into one vocabulary of their distinct tokens, so that a
/// consumer converts each distinct token once (not once per occurrence). Worker threads number
/// tokens in vocabularies of their own, merged at the end; ids follow no particular order.
struct InternedDocuments {
  TermIndex vocabulary;
  std::vector<std::vector<std::uint32_t>> ids;  ///< per document: its tokens' ids, in order
};

/// The most memory the n-grams of one document may take (about 256 MiB): an ngram_range that
/// is valid but absurd for a document's length — (1, 10000) makes N·10⁴ n-grams of up to 10⁴
/// words from N words — throws MemoryLimitError (Python: MemoryError) before any is made,
/// instead of allocating without bound. Checking costs one pass over the words; ranges that
/// fit, however wide, are unchanged (n-grams longer than the document are none, as in
/// scikit-learn).
inline constexpr std::size_t kMaxDocumentNgramBytes = std::size_t{1} << 28;

/// Arabic-aware tokenizer: Normalizer → UAX #29 words as ICU's word BreakIterator gives them
/// (found by khabar's own scanner where it decides, by ICU elsewhere: cpp/src/word_breaks.hpp)
/// → stopwords → stemmer → min_length → n-grams. Immutable after construction and safe to
/// share between threads.
class Tokenizer {
 public:
  explicit Tokenizer(TokenizerOptions options = {});
  Tokenizer(const Tokenizer& other);
  Tokenizer& operator=(const Tokenizer& other);
  Tokenizer(Tokenizer&&) noexcept = default;
  Tokenizer& operator=(Tokenizer&&) noexcept = default;
  ~Tokenizer() = default;

  const TokenizerOptions& options() const noexcept { return options_; }
  const Normalizer& normalizer() const noexcept { return normalizer_; }

  /// Tokens of `text` (UTF-8 or UTF-16). Throws InvalidTextError (with the offset) when ill-formed.
  std::vector<std::string> tokenize(TextView text) const;

  /// Tokens with their spans in `text` (word analyzer only; InvalidOptionError otherwise).
  std::vector<Token> tokenize_with_spans(std::string_view text) const;

  /// Tokens of every document, in input order, on `n_threads` threads (0 = all cores). An
  /// InvalidTextError names the lowest failing document index.
  std::vector<std::vector<std::string>> tokenize_many(const std::vector<TextView>& docs,
                                                      std::size_t n_threads = 0) const;

  /// Like tokenize_many, but each document's tokens stay in one TokenList buffer: the cheap
  /// form for consumers that convert or count tokens (Python bindings, vectorizers).
  std::vector<TokenList> analyze_many(const std::vector<TextView>& docs,
                                      std::size_t n_threads = 0) const;

  /// The tokens of every document as ids into one vocabulary (see InternedDocuments).
  InternedDocuments intern_many(const std::vector<TextView>& docs, std::size_t n_threads = 0) const;

  /// Number of tokens of every document (article lengths), without keeping the tokens.
  std::vector<std::size_t> count_tokens(const std::vector<TextView>& docs,
                                        std::size_t n_threads = 0) const;

  /// The allocation-free core used by the others and by the vectorizers: replaces the content of
  /// `tokens` (and of `spans`, when given) with the tokens of `text`.
  /// `text` may be UTF-8 or UTF-16 (spans need UTF-8); ill-formed input throws
  /// InvalidTextError.
  void analyze(TextView text, TokenList& tokens, std::vector<TokenSpan>* spans = nullptr) const;
  /// The same tokens as UTF-16 views (see Utf16TokenViews): word analyzer only,
  /// InvalidOptionError otherwise.
  void analyze(TextView text, Utf16TokenViews& tokens) const;
  /// Readies the calling thread for about `text_bytes` bytes (UTF-8) of text to come, its share
  /// of a batch: the khabar stemmer's memory of unknown words is sized for it at once. Batch
  /// calls do this themselves; a caller of analyze() over many documents may.
  void expect_text(std::size_t text_bytes) const;

 private:
  void rebuild_indexes();
  // Normalized UTF-16 of `text` in this thread's workspace (spans: with the maps they need).
  const std::u16string& normalized_text(TextView text, bool with_spans) const;
  // The words of `normalized` kept by the options, into this thread's workspace (with their
  // UTF-16 ranges when `units` is given).
  void select_words(const std::u16string& normalized,
                    std::vector<std::pair<std::int32_t, std::int32_t>>* units) const;
  // MemoryLimitError when the n-grams of these words (or characters) would take more than
  // kMaxDocumentNgramBytes.
  void check_ngram_budget(const std::vector<std::u16string_view>& words) const;
  void check_character_ngram_budget(const std::vector<std::size_t>& byte_of_code_point,
                                    const std::u32string& code_points) const;
  // analyze() with the native token_pattern: the normalized text as UTF-8, lowercased as
  // Python's str.lower(), tokens found as re.findall does, then stopwords, min_length and
  // n-grams as for the ICU words.
  void analyze_with_pattern(TextView text, TokenList& tokens) const;
  // analyze() of docs[index], attributing an InvalidTextError to document `index`. Tokens:
  // TokenList or Utf16TokenViews.
  template <class Tokens>
  void analyze_document(const std::vector<TextView>& docs, std::size_t index, Tokens& tokens) const;

  TokenizerOptions options_;
  Normalizer normalizer_;
  // The word lists as TermIndex sets (UTF-16 words keyed on the bytes of their units): asked
  // once per word of the text, where std::unordered_set's hashing of each word cost a tenth of
  // tokenizing with the Arabic stopwords.
  std::vector<std::u16string> normalized_stopwords_;
  TermIndex stopword_index_;
  std::vector<std::u16string> normalized_stem_exclusion_;
  TermIndex stem_exclusion_index_;
  std::optional<PythonWordPattern> word_pattern_;  // set for a native token_pattern
  std::vector<std::string> utf8_stopwords_;        // normalized_stopwords_ as UTF-8
  TermIndex utf8_stopword_index_;
};

}  // namespace khabar
