#include "khabar/tokenizer.hpp"

#include <unicode/brkiter.h>
#include <unicode/uchar.h>
#include <unicode/utext.h>
#include <unicode/utf16.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>

#include "interruption_state.hpp"
#include "khabar/errors.hpp"
#include "khabar/stemmer.hpp"
#include "parallel_for.hpp"
#include "state_pool.hpp"
#include "utf.hpp"
#include "word_breaks.hpp"

namespace khabar {
namespace {

// Buffers and the ICU word BreakIterator reused by every call on one thread: a BreakIterator is
// not thread-safe, and creating one per document would cost more than breaking the document.
struct Workspace {
  std::u16string decoded;
  std::u16string normalized;
  SourceMap source_map;
  std::vector<std::int32_t> byte_of_unit;
  std::vector<std::u16string_view> words;
  std::vector<std::pair<std::int32_t, std::int32_t>> word_units;  // [begin, end) in `normalized`
  std::vector<std::u16string_view> joined;
  std::u32string code_points;
  std::string text_utf8;
  std::string lowered;  // str.lower() of text_utf8
  std::string normalized_utf8;
  std::vector<std::pair<std::size_t, std::size_t>> byte_spans;  // a token pattern's matches
  std::vector<std::string_view> pattern_words;
  std::string joined_utf8;
  std::vector<std::size_t> byte_of_code_point;
  std::unique_ptr<icu::BreakIterator> word_breaks;
  std::unique_ptr<detail::WordBreaks> word_scanner;  // ICU's segments, mostly without ICU
  std::vector<detail::WordSegment> word_segments;
  // Only KhabarStemmer::built_in() stems into it: one memory per thread and stemmer.
  StemMemory stem_memory;

  icu::BreakIterator& breaks() {
    if (!word_breaks) {
      UErrorCode status = U_ZERO_ERROR;
      word_breaks.reset(icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status));
      if (U_FAILURE(status)) throw std::runtime_error(u_errorName(status));
    }
    return *word_breaks;
  }
  detail::WordBreaks& scanner() {
    if (!word_scanner) word_scanner = std::make_unique<detail::WordBreaks>(breaks());
    return *word_scanner;
  }
};

// As many idle workspaces as cores (the usual number of workers), each holding up to tens of
// megabytes of stem memory. Never destroyed: a thread may exit, and give its workspace back,
// after static destruction.
detail::StatePool<Workspace>& workspace_pool() {
  static auto* const pool =
      new detail::StatePool<Workspace>(std::max(1u, std::thread::hardware_concurrency()));
  return *pool;
}

// A thread's workspace, taken from the pool on its first use and given back when it exits.
struct PooledWorkspace {
  std::unique_ptr<Workspace> workspace = workspace_pool().take();
  PooledWorkspace() = default;
  PooledWorkspace(const PooledWorkspace&) = delete;
  PooledWorkspace& operator=(const PooledWorkspace&) = delete;
  ~PooledWorkspace() { workspace_pool().give_back(std::move(workspace)); }
};

Workspace& thread_workspace() {
  thread_local PooledWorkspace mine;
  return *mine.workspace;
}

// Python's str.isspace(), which scikit-learn's char analyzers rely on (\s and str.split()):
// bidi class WS, B or S, or general category Zs.
bool is_python_space(UChar32 c) {
  const auto direction = u_charDirection(c);
  return direction == U_WHITE_SPACE_NEUTRAL || direction == U_BLOCK_SEPARATOR ||
         direction == U_SEGMENT_SEPARATOR || u_charType(c) == U_SPACE_SEPARATOR;
}

// Characters of all the n-grams, n = low .. high, of a sequence whose prefix lengths are
// `prefix` (prefix[k]: characters of its first k pieces), each n-gram joined by `separator`
// characters between pieces, plus kCharactersPerToken for each token's bookkeeping: n-grams of
// n pieces from i are prefix[i + n] - prefix[i] + separator (n - 1). The sums over i are
// differences of the prefix sums of `prefix`, so this costs one pass over the pieces plus one
// step per n up to their number, however large the range.
constexpr double kCharactersPerToken = 16;
double ngram_characters(const std::vector<double>& prefix, std::size_t low, std::size_t high,
                        double separator) {
  const std::size_t pieces = prefix.size() - 1;
  std::vector<double> sums(prefix.size() + 1, 0.0);  // sums[k] = prefix[0] + .. + prefix[k - 1]
  for (std::size_t k = 0; k < prefix.size(); ++k) sums[k + 1] = sums[k] + prefix[k];
  double total = 0;
  for (std::size_t n = low; n <= high && n <= pieces; ++n) {
    const auto starts = static_cast<double>(pieces - n + 1);
    total += (sums[pieces + 1] - sums[n]) - sums[pieces - n + 1] +
             starts * (separator * static_cast<double>(n - 1) + kCharactersPerToken);
  }
  return total;
}

[[noreturn]] void too_many_ngrams(const TokenizerOptions& options, double characters,
                                  std::size_t pieces, const char* what) {
  char estimate[32];
  std::snprintf(estimate, sizeof estimate, "%.3g", characters);
  throw MemoryLimitError("ngram_range (" + std::to_string(options.ngram_min) + ", " +
                         std::to_string(options.ngram_max) + ") would make about " + estimate +
                         " bytes of n-grams from this document's " + std::to_string(pieces) + " " +
                         what + ", more than the " + std::to_string(kMaxDocumentNgramBytes) +
                         " one document may make: narrow ngram_range, or split the document");
}

}  // namespace

void Tokenizer::check_ngram_budget(const std::vector<std::u16string_view>& words) const {
  if (options_.ngram_max < 2 || words.size() < 2 || options_.ngram_min > words.size()) return;
  // A bound first, without allocating: the n-grams of n words take at most n times the text
  // (words and spaces) over all their starts.
  double units = 0;
  for (const std::u16string_view word : words) units += static_cast<double>(word.size());
  const auto n_words = static_cast<double>(words.size());
  const auto longest = static_cast<double>(std::min(options_.ngram_max, words.size()));
  const double sizes = longest - static_cast<double>(options_.ngram_min) + 1;
  if (2 * sizes * (longest * (units + n_words) + kCharactersPerToken * n_words) <=
      static_cast<double>(kMaxDocumentNgramBytes))
    return;
  std::vector<double> prefix(words.size() + 1, 0.0);
  for (std::size_t k = 0; k < words.size(); ++k)
    prefix[k + 1] = prefix[k] + static_cast<double>(words[k].size());
  const auto limit = static_cast<double>(kMaxDocumentNgramBytes);
  // UTF-16 units: what the counting pass joins n-grams in (UTF-8 takes at most 3/2 as many
  // bytes for the BMP, and Arabic letters take 2 in both).
  const double characters = 2 * ngram_characters(prefix, options_.ngram_min, options_.ngram_max, 1);
  if (characters > limit) too_many_ngrams(options_, characters, words.size(), "words");
}

void Tokenizer::check_character_ngram_budget(const std::vector<std::size_t>& byte_of_code_point,
                                             const std::u32string& code_points) const {
  if (options_.ngram_max < 2) return;
  const auto limit = static_cast<double>(kMaxDocumentNgramBytes);
  double characters = 0;
  if (options_.analyzer == Analyzer::character) {
    const std::size_t length = code_points.size();
    if (options_.ngram_min > length) return;
    const auto bytes = static_cast<double>(byte_of_code_point.back());
    const auto longest = static_cast<double>(std::min(options_.ngram_max, length));
    const double sizes = longest - static_cast<double>(options_.ngram_min) + 1;
    if (sizes * (longest * bytes + kCharactersPerToken * static_cast<double>(length)) <= limit)
      return;  // the bound of check_ngram_budget, without allocating
    const std::vector<double> prefix(byte_of_code_point.begin(), byte_of_code_point.end());
    characters = ngram_characters(prefix, options_.ngram_min, options_.ngram_max, 0);
  } else {
    // char_wb: each word of w code points padded to w + 2, whose n-grams stop at the first n
    // that covers it (counted by code point, at most 4 bytes each).
    for (std::size_t i = 0; i < code_points.size();) {
      while (i < code_points.size() && is_python_space(static_cast<UChar32>(code_points[i]))) ++i;
      std::size_t end = i;
      while (end < code_points.size() && !is_python_space(static_cast<UChar32>(code_points[end])))
        ++end;
      if (end == i) break;
      const std::size_t padded = end - i + 2;
      for (std::size_t n = options_.ngram_min; n <= options_.ngram_max; ++n) {
        const std::size_t windows = n < padded ? padded - n + 1 : 1;
        characters += static_cast<double>(windows) *
                      (4 * static_cast<double>(std::min(n, padded)) + kCharactersPerToken);
        if (n >= padded) break;
      }
      i = end;
    }
  }
  if (characters > limit) too_many_ngrams(options_, characters, code_points.size(), "characters");
}

void TokenizerOptions::validate() const {
  normalizer.validate();
  if (token_pattern.find('\0') != std::string::npos)
    throw InvalidParameterError("token_pattern", "must not contain a NUL character");
  if (min_length < 1) throw InvalidParameterError("min_length", "must be an int >= 1");
  // scikit-learn raises a plain ValueError for a reversed range, after its type checks.
  if (ngram_min < 1 || ngram_min > ngram_max)
    throw InvalidOptionError("ngram_range must be (min_n, max_n) with 1 <= min_n <= max_n, got (" +
                             std::to_string(ngram_min) + ", " + std::to_string(ngram_max) + ")");
  if (analyzer != Analyzer::word &&
      (!stopwords.empty() || stemmer != Stemmer::none || !stem_exclusion.empty()))
    throw InvalidOptionError(
        "stopwords, stemmer and stem_exclusion apply only to the word analyzer");
}

void TokenList::push_back_joined(const std::u16string_view* pieces, std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) {
    if (i) chars_.push_back(' ');
    detail::append_utf8(pieces[i], chars_);
  }
  ends_.push_back(chars_.size());
}

std::vector<std::string> TokenList::to_vector() const {
  std::vector<std::string> out;
  out.reserve(size());
  for (std::size_t i = 0; i < size(); ++i) out.emplace_back((*this)[i]);
  return out;
}

bool is_native_token_pattern(std::string_view pattern) {
  return pattern.empty() || PythonWordPattern::parse(pattern).has_value();
}

bool tokenizes_text(const TokenizerOptions& options) {
  // A character analyzer ignores the pattern, as scikit-learn's does, but a pattern selects
  // str.lower() for `lowercase`, which the character analyzers do not do here.
  if (options.token_pattern.empty()) return true;
  if (options.analyzer != Analyzer::word) return !options.lowercase;
  return options.stemmer == Stemmer::none && options.stem_exclusion.empty() &&
         is_native_token_pattern(options.token_pattern);
}

namespace {

// Code points of well-formed UTF-8: the bytes that do not continue a sequence.
std::size_t utf8_code_points(std::string_view utf8) {
  std::size_t count = 0;
  for (const char byte : utf8) count += (static_cast<unsigned char>(byte) & 0xC0) != 0x80;
  return count;
}

// With the ICU word breaks, `lowercase` = false turns off the normalizer's case folding.
NormalizerOptions effective_normalizer(const TokenizerOptions& options) {
  NormalizerOptions normalizer = options.normalizer;
  if (options.token_pattern.empty())
    normalizer.lowercase = normalizer.lowercase && options.lowercase;
  return normalizer;
}

}  // namespace

Tokenizer::Tokenizer(TokenizerOptions options)
    : options_(std::move(options)), normalizer_(effective_normalizer(options_)) {
  options_.validate();
  // Built here, once per process, rather than inside the first document's tokenization.
  if (options_.stemmer == Stemmer::khabar) KhabarStemmer::built_in();
  std::u16string decoded;
  auto normalized_words = [&](const std::vector<std::string>& words) {
    std::vector<std::u16string> out;
    for (const auto& word : words) {
      detail::decode_utf8(word, decoded);
      std::u16string normalized;
      if (options_.normalize)
        normalizer_.normalize(decoded, normalized);
      else
        normalized = decoded;
      out.push_back(std::move(normalized));
    }
    return out;
  };
  normalized_stopwords_ = normalized_words(options_.stopwords);
  normalized_stem_exclusion_ = normalized_words(options_.stem_exclusion);
  if (!options_.token_pattern.empty() && options_.analyzer == Analyzer::word) {
    word_pattern_ = PythonWordPattern::parse(options_.token_pattern);
    for (const auto& word : normalized_stopwords_) utf8_stopwords_.push_back(detail::to_utf8(word));
  }
  rebuild_indexes();
}

Tokenizer::Tokenizer(const Tokenizer& other)
    : options_(other.options_),
      normalizer_(other.normalizer_),
      normalized_stopwords_(other.normalized_stopwords_),
      normalized_stem_exclusion_(other.normalized_stem_exclusion_),
      word_pattern_(other.word_pattern_),
      utf8_stopwords_(other.utf8_stopwords_) {
  rebuild_indexes();
}

Tokenizer& Tokenizer::operator=(const Tokenizer& other) {
  if (this != &other) {
    Tokenizer copy(other);
    *this = std::move(copy);
  }
  return *this;
}

void Tokenizer::rebuild_indexes() {
  stopword_index_ = TermIndex{};
  for (const auto& word : normalized_stopwords_) stopword_index_.insert(word);
  stem_exclusion_index_ = TermIndex{};
  for (const auto& word : normalized_stem_exclusion_) stem_exclusion_index_.insert(word);
  utf8_stopword_index_ = TermIndex{};
  for (const auto& word : utf8_stopwords_) utf8_stopword_index_.insert(word);
}

const std::u16string& Tokenizer::normalized_text(TextView text, bool with_spans) const {
  if (!tokenizes_text(options_))
    throw InvalidOptionError("token_pattern '" + options_.token_pattern +
                             "' is applied by Python's re: give the tokens, not the text");
  Workspace& ws = thread_workspace();
  const bool traced = with_spans && options_.normalize;
  const bool replace = options_.errors == TextErrors::replace;
  if (text.is_utf16()) {
    std::u16string_view units = text.utf16();
    // U+FFFD takes the place of a lone surrogate unit for unit, so offsets are unchanged.
    if (replace && detail::replace_lone_surrogates(units, ws.decoded)) units = ws.decoded;
    if (options_.normalize) {
      normalizer_.normalize(units, ws.normalized);
    } else {
      detail::validate_utf16(units);
      ws.normalized.assign(units);
    }
  } else if (options_.normalize && !with_spans && !replace) {
    normalizer_.normalize(text.utf8(), ws.normalized);
  } else {
    // The fused UTF-8 path of the normalizer is strict; replacement happens while decoding.
    detail::decode_utf8(text.utf8(), ws.decoded, with_spans ? &ws.byte_of_unit : nullptr,
                        options_.errors);
    if (options_.normalize)
      normalizer_.normalize(ws.decoded, ws.normalized, traced ? &ws.source_map : nullptr);
    else
      ws.normalized = ws.decoded;
  }
  return ws.normalized;
}

void Tokenizer::analyze(TextView text, Utf16TokenViews& tokens) const {
  tokens.views_.clear();
  tokens.joined_.clear();
  if (options_.analyzer != Analyzer::word)
    throw InvalidOptionError("UTF-16 tokens are defined for the word analyzer only");
  if (!options_.token_pattern.empty())
    throw InvalidOptionError("UTF-16 tokens are defined for the ICU word breaks only");
  const std::u16string& normalized = normalized_text(text, false);
  select_words(normalized, nullptr);
  const std::vector<std::u16string_view>& words = thread_workspace().words;
  const std::size_t count = words.size();
  check_ngram_budget(words);
  if (options_.ngram_max < 2 || count < 2) {
    // Unigrams alone: the words become the tokens as they are (the vectors trade places).
    if (options_.ngram_min == 1) std::swap(tokens.views_, thread_workspace().words);
    return;
  }
  if (options_.ngram_min == 1) tokens.views_.assign(words.begin(), words.end());
  // The n-grams are joined first and viewed after, so that no view outlives a reallocation.
  std::vector<std::size_t> ends;
  detail::InterruptionPoller interruption;
  for (std::size_t n = std::max<std::size_t>(2, options_.ngram_min);
       n <= options_.ngram_max && n <= count; ++n) {
    for (std::size_t i = 0; i + n <= count; ++i) {
      interruption.step(n);
      for (std::size_t k = i; k < i + n; ++k) {
        if (k > i) tokens.joined_.push_back(u' ');
        tokens.joined_.append(words[k]);
      }
      ends.push_back(tokens.joined_.size());
    }
  }
  const std::u16string_view joined(tokens.joined_);
  std::size_t begin = 0;
  for (std::size_t end : ends) {
    tokens.views_.push_back(joined.substr(begin, end - begin));
    begin = end;
  }
}

void Tokenizer::analyze(TextView text, TokenList& tokens, std::vector<TokenSpan>* spans) const {
  tokens.clear();
  if (spans) spans->clear();
  if (spans && options_.analyzer != Analyzer::word)
    throw InvalidOptionError("token spans are defined for the word analyzer only");
  if (spans && text.is_utf16()) throw InvalidOptionError("token spans need UTF-8 text");
  if (!options_.token_pattern.empty() && options_.analyzer == Analyzer::word) {
    if (spans) throw InvalidOptionError("token spans are defined for the ICU word breaks only");
    analyze_with_pattern(text, tokens);
    return;
  }
  Workspace& ws = thread_workspace();
  const bool traced = spans && options_.normalize;
  const std::u16string& normalized = normalized_text(text, spans != nullptr);

  if (options_.analyzer != Analyzer::word) {
    // scikit-learn's _char_ngrams / _char_wb_ngrams, on code points of the normalized text.
    ws.code_points.clear();
    bool previous_space = false;
    for (std::size_t i = 0; i < normalized.size();) {
      UChar32 c;
      U16_NEXT_UNSAFE(normalized.data(), i, c);
      const bool space = is_python_space(c);
      if (space && previous_space) {  // re.sub(r"\s\s+", " ") collapses runs to one space
        ws.code_points.back() = U' ';
        continue;
      }
      previous_space = space;
      ws.code_points.push_back(static_cast<char32_t>(c));
    }
    ws.text_utf8.clear();
    ws.byte_of_code_point.clear();
    for (char32_t c : ws.code_points) {
      ws.byte_of_code_point.push_back(ws.text_utf8.size());
      char buffer[4];
      std::int32_t length = 0;
      U8_APPEND_UNSAFE(buffer, length, c);
      ws.text_utf8.append(buffer, static_cast<std::size_t>(length));
    }
    ws.byte_of_code_point.push_back(ws.text_utf8.size());
    const std::string_view utf8(ws.text_utf8);
    auto piece = [&](std::size_t first, std::size_t count) {
      const std::size_t begin = ws.byte_of_code_point[first];
      return utf8.substr(begin, ws.byte_of_code_point[first + count] - begin);
    };
    const std::size_t length = ws.code_points.size();
    check_character_ngram_budget(ws.byte_of_code_point, ws.code_points);
    if (options_.analyzer == Analyzer::character) {
      for (std::size_t n = options_.ngram_min; n <= options_.ngram_max && n <= length; ++n)
        for (std::size_t i = 0; i + n <= length; ++i) tokens.push_back(piece(i, n));
      return;
    }
    // char_wb: each whitespace-separated word padded with one space on each side.
    std::string padded;
    std::size_t i = 0;
    while (i < length) {
      while (i < length && is_python_space(static_cast<UChar32>(ws.code_points[i]))) ++i;
      if (i == length) break;
      std::size_t word_end = i;
      while (word_end < length && !is_python_space(static_cast<UChar32>(ws.code_points[word_end])))
        ++word_end;
      padded.assign(" ");
      padded.append(piece(i, word_end - i));
      padded.push_back(' ');
      // Code point offsets within the padded word, to cut n-grams by characters not bytes.
      std::vector<std::size_t> offsets{0};
      for (std::size_t k = i; k <= word_end; ++k)
        offsets.push_back(1 + ws.byte_of_code_point[k] - ws.byte_of_code_point[i]);
      offsets.push_back(padded.size());
      const std::size_t padded_length = offsets.size() - 1;
      auto emit = [&](std::size_t offset, std::size_t n) {
        const std::size_t last = std::min(offset + n, padded_length);
        tokens.push_back(
            std::string_view(padded).substr(offsets[offset], offsets[last] - offsets[offset]));
      };
      for (std::size_t n = options_.ngram_min; n <= options_.ngram_max; ++n) {
        std::size_t offset = 0;
        emit(offset, n);
        while (offset + n < padded_length) emit(++offset, n);
        // As in scikit-learn: a word no longer than n is counted once, not once per larger n.
        if (offset == 0) break;
      }
      i = word_end;
    }
    return;
  }

  select_words(normalized, spans ? &ws.word_units : nullptr);

  std::vector<std::size_t> char_of_unit;
  if (spans) {
    char_of_unit.resize(ws.decoded.size() + 1);
    std::size_t chars = 0;
    for (std::size_t u = 0; u < ws.decoded.size(); ++u) {
      char_of_unit[u] = chars;
      chars += !U16_IS_TRAIL(ws.decoded[u]);
    }
    char_of_unit[ws.decoded.size()] = chars;
  }
  auto span_of = [&](std::size_t first_word, std::size_t last_word) {
    std::int32_t begin = ws.word_units[first_word].first;
    std::int32_t end = ws.word_units[last_word].second;
    if (traced) {
      begin = ws.source_map.begin[static_cast<std::size_t>(begin)];
      end = ws.source_map.end[static_cast<std::size_t>(end - 1)];
    }
    const auto b = static_cast<std::size_t>(begin), e = static_cast<std::size_t>(end);
    return TokenSpan{static_cast<std::size_t>(ws.byte_of_unit[b]),
                     static_cast<std::size_t>(ws.byte_of_unit[e]), char_of_unit[b],
                     char_of_unit[e]};
  };

  // scikit-learn's _word_ngrams order: all n-grams of the smallest n first, then the next n.
  const std::size_t count = ws.words.size();
  check_ngram_budget(ws.words);
  detail::InterruptionPoller interruption;
  for (std::size_t n = options_.ngram_min; n <= options_.ngram_max && n <= count; ++n) {
    for (std::size_t i = 0; i + n <= count; ++i) {
      interruption.step(n);
      tokens.push_back_joined(&ws.words[i], n);
      if (spans) spans->push_back(span_of(i, i + n - 1));
    }
  }
}

void Tokenizer::analyze_with_pattern(TextView text, TokenList& tokens) const {
  if (!tokenizes_text(options_))
    throw InvalidOptionError("token_pattern '" + options_.token_pattern +
                             "' is applied by Python's re: give the tokens, not the text");
  Workspace& ws = thread_workspace();
  // The text as well-formed UTF-8: ill-formed parts refused or replaced as everywhere else.
  ws.text_utf8.clear();
  if (text.is_utf16()) {
    std::u16string_view units = text.utf16();
    if (options_.errors == TextErrors::replace) {
      if (detail::replace_lone_surrogates(units, ws.decoded)) units = ws.decoded;
    } else {
      detail::validate_utf16(units);
    }
    detail::append_utf8(units, ws.text_utf8);
  } else {
    detail::decode_utf8(text.utf8(), ws.decoded, nullptr, options_.errors);
    detail::append_utf8(ws.decoded, ws.text_utf8);
  }
  std::string_view source = ws.text_utf8;
  // scikit-learn's preprocessing (str.lower() of the whole document) first, then khabar's
  // normalization: the order of the Python pipeline, where a preprocessor sees the raw text.
  if (options_.lowercase) {
    ws.lowered.clear();
    python_lower(source, ws.lowered);
    source = ws.lowered;
  }
  if (options_.normalize) {
    ws.normalized_utf8 = normalizer_.normalize(source);
    source = ws.normalized_utf8;
  }
  word_pattern_->find_all(source, ws.byte_spans);
  ws.pattern_words.clear();
  for (const auto& [begin, end] : ws.byte_spans) {
    const std::string_view word = source.substr(begin, end - begin);
    if (!utf8_stopword_index_.empty() && utf8_stopword_index_.find(word) != TermIndex::kAbsent)
      continue;
    if (options_.min_length > 1 && utf8_code_points(word) < options_.min_length) continue;
    ws.pattern_words.push_back(word);
  }
  const std::vector<std::string_view>& words = ws.pattern_words;
  if (options_.ngram_min == 1)
    for (const std::string_view word : words) tokens.push_back(word);
  // scikit-learn's _word_ngrams: all bigrams, then all trigrams..., words joined by a space.
  for (std::size_t n = std::max<std::size_t>(2, options_.ngram_min);
       n <= options_.ngram_max && n <= words.size(); ++n) {
    for (std::size_t i = 0; i + n <= words.size(); ++i) {
      ws.joined_utf8.clear();
      for (std::size_t k = i; k < i + n; ++k) {
        if (k > i) ws.joined_utf8.push_back(' ');
        ws.joined_utf8.append(words[k]);
      }
      tokens.push_back(ws.joined_utf8);
    }
  }
}

void Tokenizer::select_words(const std::u16string& normalized_text,
                             std::vector<std::pair<std::int32_t, std::int32_t>>* units) const {
  Workspace& ws = thread_workspace();
  // The string itself: the scanner reads its terminating NUL as the end.
  ws.scanner().segment(normalized_text, ws.word_segments, true);  // rule status >= 100 only
  const std::u16string_view normalized = normalized_text;         // the words are views into it

  ws.words.clear();
  if (units) units->clear();
  const KhabarStemmer* khabar_stemmer =
      options_.stemmer == Stemmer::khabar ? &KhabarStemmer::built_in() : nullptr;
  detail::InterruptionPoller interruption;  // one document may hold millions of words
  // The word table is megabytes: the look-up of a word a few ahead is started early, and its
  // hash kept for when the loop reaches it (a ring of the words in flight).
  constexpr std::size_t kPrefetchDistance = 4;
  std::array<KhabarStemmer::Lookup, kPrefetchDistance> lookups;
  const std::size_t n_segments = ws.word_segments.size();
  auto word_of = [&](std::size_t i) {
    const detail::WordSegment& segment = ws.word_segments[i];
    return normalized.substr(static_cast<std::size_t>(segment.begin),
                             static_cast<std::size_t>(segment.end - segment.begin));
  };
  if (khabar_stemmer)
    for (std::size_t i = 0; i < kPrefetchDistance && i < n_segments; ++i)
      lookups[i] = khabar_stemmer->prefetch(word_of(i), ws.stem_memory);
  for (std::size_t i = 0; i < n_segments; ++i) {
    interruption.step();
    KhabarStemmer::Lookup lookup;
    if (khabar_stemmer) {
      lookup = lookups[i % kPrefetchDistance];
      if (i + kPrefetchDistance < n_segments)
        lookups[i % kPrefetchDistance] =
            khabar_stemmer->prefetch(word_of(i + kPrefetchDistance), ws.stem_memory);
    }
    const std::int32_t begin = ws.word_segments[i].begin, end = ws.word_segments[i].end;
    std::u16string_view word = word_of(i);
    if (!stopword_index_.empty() && stopword_index_.find(word) != TermIndex::kAbsent) continue;
    const bool excluded =
        !stem_exclusion_index_.empty() && stem_exclusion_index_.find(word) != TermIndex::kAbsent;
    if (excluded) {
      // left as written (normalized)
    } else if (options_.stemmer == Stemmer::light10) {
      word = light10_stem(word);
    } else if (khabar_stemmer) {
      word = khabar_stemmer->stem(word, lookup, ws.stem_memory);
    }
    if (options_.min_length > 1 && detail::count_code_points(word) < options_.min_length) continue;
    ws.words.push_back(word);
    if (units) units->emplace_back(begin, end);
  }
}

std::vector<std::string> Tokenizer::tokenize(TextView text) const {
  TokenList tokens;
  analyze(text, tokens);
  return tokens.to_vector();
}

std::vector<Token> Tokenizer::tokenize_with_spans(std::string_view text) const {
  TokenList tokens;
  std::vector<TokenSpan> spans;
  analyze(text, tokens, &spans);
  std::vector<Token> out;
  out.reserve(tokens.size());
  detail::InterruptionPoller interruption;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    interruption.step();
    out.push_back(Token{std::string(tokens[i]), spans[i]});
  }
  return out;
}

template <class Tokens>
void Tokenizer::analyze_document(const std::vector<TextView>& docs, std::size_t index,
                                 Tokens& tokens) const {
  try {
    analyze(docs[index], tokens);
  } catch (const InvalidTextError& error) {
    throw error.in_document(index);
  } catch (const MemoryLimitError& error) {
    throw MemoryLimitError("document " + std::to_string(index) + ": " + error.what());
  }
}

namespace {

// Documents a thread of a batch call takes at a time.
constexpr std::size_t kDocumentsPerRange = 16;

// About how many bytes of `docs` each thread of a batch call reads: what it expects.
std::size_t text_share(const std::vector<TextView>& docs, std::size_t n_threads) {
  return utf8_size_of(docs) / detail::worker_count(docs.size(), n_threads, kDocumentsPerRange);
}

}  // namespace

void Tokenizer::expect_text(std::size_t text_bytes) const {
  if (options_.stemmer == Stemmer::khabar) thread_workspace().stem_memory.expect_text(text_bytes);
}

std::vector<TokenList> Tokenizer::analyze_many(const std::vector<TextView>& docs,
                                               std::size_t n_threads) const {
  std::vector<TokenList> out(docs.size());
  const std::size_t share = text_share(docs, n_threads);
  detail::parallel_for(docs.size(), n_threads, kDocumentsPerRange,
                       [&](std::size_t, std::size_t begin, std::size_t end) {
                         expect_text(share);
                         for (std::size_t d = begin; d < end; ++d)
                           analyze_document(docs, d, out[d]);
                       });
  return out;
}

namespace {

// The same terms, numbered alike, keyed on UTF-8 instead of the bytes of their UTF-16 code
// units: each distinct word is encoded once, not once per occurrence.
TermIndex utf8_vocabulary(const TermIndex& utf16_terms) {
  std::string arena;
  std::vector<std::size_t> ends;
  ends.reserve(utf16_terms.size());
  std::u16string units;
  for (std::size_t id = 0; id < utf16_terms.size(); ++id) {
    const std::string_view key = utf16_terms.term(id);
    units.resize(key.size() / sizeof(char16_t));
    std::memcpy(units.data(), key.data(), key.size());
    detail::append_utf8(units, arena);
    ends.push_back(arena.size());
  }
  TermIndex out;
  // Distinct UTF-16 words have distinct UTF-8 forms: nothing repeats.
  if (out.assign_distinct(std::move(arena), std::move(ends)) != TermIndex::kAbsent)
    throw std::logic_error("two UTF-16 words with one UTF-8 form");
  return out;
}

}  // namespace

InternedDocuments Tokenizer::intern_many(const std::vector<TextView>& docs,
                                         std::size_t n_threads) const {
  std::vector<TermIndex> vocabularies(detail::resolve_thread_count(n_threads, SIZE_MAX));
  std::vector<std::uint32_t> vocabulary_of(docs.size());
  InternedDocuments out;
  out.ids.resize(docs.size());
  // The ICU words are interned as the UTF-16 views the tokenizer makes them in, as the
  // counting pass counts them; the other analyzers' tokens as UTF-8.
  const bool utf16_words = options_.analyzer == Analyzer::word && options_.token_pattern.empty();
  const std::size_t share = text_share(docs, n_threads);
  detail::parallel_for(docs.size(), n_threads, kDocumentsPerRange,
                       [&](std::size_t worker, std::size_t begin, std::size_t end) {
                         expect_text(share);
                         TokenList tokens;
                         Utf16TokenViews words;
                         auto intern = [&](std::size_t d, auto& analyzed) {
                           analyze_document(docs, d, analyzed);
                           out.ids[d].reserve(analyzed.size());
                           vocabularies[worker].insert_all(analyzed, out.ids[d]);
                         };
                         for (std::size_t d = begin; d < end; ++d) {
                           if (utf16_words)
                             intern(d, words);
                           else
                             intern(d, tokens);
                           vocabulary_of[d] = static_cast<std::uint32_t>(worker);
                         }
                       });
  if (utf16_words)
    detail::parallel_for(vocabularies.size(), n_threads, 1,
                         [&](std::size_t, std::size_t begin, std::size_t end) {
                           for (std::size_t w = begin; w < end; ++w)
                             vocabularies[w] = utf8_vocabulary(vocabularies[w]);
                         });
  // Merge into the first worker's vocabulary, then renumber the other workers' documents.
  out.vocabulary = std::move(vocabularies[0]);
  std::vector<std::vector<std::uint32_t>> renumber(vocabularies.size());
  for (std::size_t w = 1; w < vocabularies.size(); ++w) {
    renumber[w].reserve(vocabularies[w].size());
    for (std::size_t id = 0; id < vocabularies[w].size(); ++id)
      renumber[w].push_back(out.vocabulary.insert(vocabularies[w].term(id)));
    vocabularies[w] = TermIndex{};
  }
  detail::parallel_for(docs.size(), n_threads, 256,
                       [&](std::size_t, std::size_t begin, std::size_t end) {
                         for (std::size_t d = begin; d < end; ++d) {
                           if (vocabulary_of[d] == 0) continue;
                           const auto& numbers = renumber[vocabulary_of[d]];
                           for (auto& id : out.ids[d]) id = numbers[id];
                         }
                       });
  return out;
}

std::vector<std::size_t> Tokenizer::count_tokens(const std::vector<TextView>& docs,
                                                 std::size_t n_threads) const {
  std::vector<std::size_t> counts(docs.size());
  const std::size_t share = text_share(docs, n_threads);
  detail::parallel_for(docs.size(), n_threads, kDocumentsPerRange,
                       [&](std::size_t, std::size_t begin, std::size_t end) {
                         expect_text(share);
                         TokenList tokens;
                         for (std::size_t d = begin; d < end; ++d) {
                           analyze_document(docs, d, tokens);
                           counts[d] = tokens.size();
                         }
                       });
  return counts;
}

std::vector<std::vector<std::string>> Tokenizer::tokenize_many(const std::vector<TextView>& docs,
                                                               std::size_t n_threads) const {
  std::vector<TokenList> lists = analyze_many(docs, n_threads);
  std::vector<std::vector<std::string>> out;
  out.reserve(lists.size());
  for (const TokenList& tokens : lists) out.push_back(tokens.to_vector());
  return out;
}

namespace detail {

std::size_t idle_tokenizer_workspaces() { return workspace_pool().idle(); }

}  // namespace detail
}  // namespace khabar
