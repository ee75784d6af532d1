#include <khabar/errors.hpp>
#include <khabar/normalizer.hpp>
#include <khabar/stemmer.hpp>
#include <khabar/stopwords.hpp>
#include <khabar/tokenizer.hpp>

#include <string>
#include <vector>

#include "fuzz_checks.hpp"
#include "fuzz_support.hpp"

namespace khabar::fuzz {
namespace {

bool is_continuation(std::string_view text, std::size_t offset) {
  return offset < text.size() && (static_cast<unsigned char>(text[offset]) & 0xC0) == 0x80;
}

bool is_trail_surrogate(std::u16string_view text, std::size_t offset) {
  return offset < text.size() && text[offset] >= 0xDC00 && text[offset] <= 0xDFFF;
}

// `call` must throw InvalidTextError for a single document at `offset`, counted in `unit`.
template <typename Call>
void expect_invalid_text(Call call, std::size_t offset, InvalidTextError::Unit unit) {
  try {
    call();
  } catch (const InvalidTextError& error) {
    KHABAR_FUZZ_CHECK(error.byte_offset() == offset);
    KHABAR_FUZZ_CHECK(error.unit() == unit);
    KHABAR_FUZZ_CHECK(!error.document());
    return;
  }
  KHABAR_FUZZ_CHECK(false && "ill-formed text was accepted");
}

void check_normalizer(const Normalizer& normalizer, std::string_view text) {
  const std::string normalized = normalizer.normalize(text);
  KHABAR_FUZZ_CHECK(!first_invalid_utf8(normalized));
  KHABAR_FUZZ_CHECK(normalizer.normalize(normalized) == normalized);

  // The UTF-8 → UTF-16 form, the UTF-16 form and the traced form give the same text.
  const std::u16string units = to_utf16(text);
  std::u16string out;
  normalizer.normalize(text, out);
  KHABAR_FUZZ_CHECK(to_utf8(out) == normalized);
  normalizer.normalize(std::u16string_view(units), out);
  KHABAR_FUZZ_CHECK(to_utf8(out) == normalized);
  SourceMap map;
  normalizer.normalize(std::u16string_view(units), out, &map);
  KHABAR_FUZZ_CHECK(to_utf8(out) == normalized);

  // Every output unit comes from a non-empty range of whole source characters, in order.
  KHABAR_FUZZ_CHECK(map.begin.size() == out.size() && map.end.size() == out.size());
  for (std::size_t i = 0; i < out.size(); ++i) {
    const auto begin = static_cast<std::size_t>(map.begin[i]);
    const auto end = static_cast<std::size_t>(map.end[i]);
    KHABAR_FUZZ_CHECK(map.begin[i] >= 0 && begin < end && end <= units.size());
    KHABAR_FUZZ_CHECK(!is_trail_surrogate(units, begin) && !is_trail_surrogate(units, end));
    if (i > 0) KHABAR_FUZZ_CHECK(map.begin[i - 1] <= map.begin[i] && map.end[i - 1] <= map.end[i]);
  }
}

void check_tokenizer(const Tokenizer& tokenizer, std::string_view text) {
  const TokenizerOptions& options = tokenizer.options();
  const std::vector<std::string> tokens = tokenizer.tokenize(text);
  for (const std::string& token : tokens)
    KHABAR_FUZZ_CHECK(!token.empty() && !first_invalid_utf8(token));
  const std::u16string units = to_utf16(text);
  KHABAR_FUZZ_CHECK(tokenizer.tokenize(std::u16string_view(units)) == tokens);
  if (options.normalize)
    KHABAR_FUZZ_CHECK(tokenizer.tokenize(tokenizer.normalizer().normalize(text)) == tokens);
  if (options.analyzer != Analyzer::word) return;

  // The UTF-16 views the vectorizers count are the same tokens.
  Utf16TokenViews views;
  tokenizer.analyze(std::u16string_view(units), views);
  KHABAR_FUZZ_CHECK(views.size() == tokens.size());
  for (std::size_t i = 0; i < views.size() && i < tokens.size(); ++i)
    KHABAR_FUZZ_CHECK(to_utf8(views[i]) == tokens[i]);

  const std::vector<Token> spanned = tokenizer.tokenize_with_spans(text);
  KHABAR_FUZZ_CHECK(spanned.size() == tokens.size());
  std::vector<std::size_t> char_of_byte(text.size() + 1);
  for (std::size_t i = 0, chars = 0; i <= text.size(); ++i) {
    char_of_byte[i] = chars;
    if (i < text.size() && !is_continuation(text, i)) ++chars;
  }
  const bool unigrams = options.ngram_max == 1;
  for (std::size_t i = 0; i < spanned.size(); ++i) {
    const TokenSpan& span = spanned[i].span;
    KHABAR_FUZZ_CHECK(spanned[i].text == tokens[i]);
    KHABAR_FUZZ_CHECK(span.begin_byte < span.end_byte && span.end_byte <= text.size());
    KHABAR_FUZZ_CHECK(!is_continuation(text, span.begin_byte));
    KHABAR_FUZZ_CHECK(!is_continuation(text, span.end_byte));
    KHABAR_FUZZ_CHECK(span.begin_char == char_of_byte[span.begin_byte]);
    KHABAR_FUZZ_CHECK(span.end_char == char_of_byte[span.end_byte]);
    if (!unigrams) continue;  // n-grams are ordered by n first, then by position
    if (i > 0) {
      KHABAR_FUZZ_CHECK(spanned[i - 1].span.begin_byte <= span.begin_byte);
      KHABAR_FUZZ_CHECK(spanned[i - 1].span.end_byte <= span.end_byte);
    }
    // A word (or its stem, a part of it) comes from the text its span covers. A khabar stem
    // that is not part of its word (a restored ة, a verb's past) is that word's stem, as the
    // stemmer gives it for the word alone, without the tokenizer's memory and look-ahead.
    const std::string_view source = text.substr(span.begin_byte, span.end_byte - span.begin_byte);
    const std::string covered =
        options.normalize ? tokenizer.normalizer().normalize(source) : std::string(source);
    if (options.stemmer == Stemmer::khabar && covered.find(tokens[i]) == std::string::npos)
      KHABAR_FUZZ_CHECK(KhabarStemmer::built_in().stem(std::string_view(covered)) == tokens[i]);
    else
      KHABAR_FUZZ_CHECK(covered.find(tokens[i]) != std::string::npos);
  }
}

TokenizerOptions tokenizer_options(std::uint8_t mode, unsigned normalizer_bits,
                                   std::uint8_t grams) {
  TokenizerOptions options;
  options.normalize = !(mode & 2);
  options.normalizer = normalizer_options(normalizer_bits);
  const unsigned analyzer = (mode >> 4) & 3;
  options.analyzer = analyzer == 2   ? Analyzer::character
                     : analyzer == 3 ? Analyzer::character_wb
                                     : Analyzer::word;
  if (options.analyzer == Analyzer::word) {
    // Analyzer bits 0 and 1 are both the word analyzer: 1 stems with khabar's stemmer.
    if (mode & 4) options.stemmer = analyzer == 1 ? Stemmer::khabar : Stemmer::light10;
    if (mode & 8) options.stopwords = arabic_stopwords();
  }
  options.min_length = 1 + ((mode >> 6) & 3);
  options.ngram_min = 1 + grams % 3;
  options.ngram_max = options.ngram_min + (grams / 3) % 3;
  return options;
}

}  // namespace

void check_tokenize(const std::uint8_t* data, std::size_t size) {
  static TokenizerCache cache;
  FuzzInput input(data, size);
  const std::uint8_t mode = input.byte();
  const unsigned flags_low = input.byte();
  const unsigned normalizer_bits = (flags_low | (input.byte() << 8)) & 0x3FF;
  const std::uint8_t grams = input.byte() % 9;
  const Tokenizer& tokenizer =
      cache.get((mode & 0xFE) | (normalizer_bits << 8) | (std::uint64_t{grams} << 24),
                [&] { return tokenizer_options(mode, normalizer_bits, grams); });
  const Normalizer& normalizer = tokenizer.normalizer();
  const bool word_analyzer = tokenizer.options().analyzer == Analyzer::word;
  std::string_view text = input.rest();

  std::string from_utf16;
  if (mode & 1) {  // the bytes are UTF-16 code units, little-endian
    std::u16string units(text.size() / 2, u'\0');
    for (std::size_t i = 0; i < units.size(); ++i)
      units[i] = static_cast<char16_t>(static_cast<unsigned char>(text[2 * i]) |
                                       (static_cast<unsigned char>(text[2 * i + 1]) << 8));
    if (const auto bad = first_lone_surrogate(units)) {
      const auto unit = InvalidTextError::Unit::utf16;
      std::u16string out;
      SourceMap map;
      expect_invalid_text([&] { normalizer.normalize(std::u16string_view(units), out); }, *bad,
                          unit);
      expect_invalid_text([&] { normalizer.normalize(std::u16string_view(units), out, &map); },
                          *bad, unit);
      expect_invalid_text([&] { tokenizer.tokenize(std::u16string_view(units)); }, *bad, unit);
      return;
    }
    from_utf16 = to_utf8(units);
    text = from_utf16;
  }

  if (const auto bad = first_invalid_utf8(text)) {
    const auto unit = InvalidTextError::Unit::byte;
    std::u16string out;
    expect_invalid_text([&] { normalizer.normalize(text); }, *bad, unit);
    expect_invalid_text([&] { normalizer.normalize(text, out); }, *bad, unit);
    expect_invalid_text([&] { tokenizer.tokenize(text); }, *bad, unit);
    if (word_analyzer)
      expect_invalid_text([&] { tokenizer.tokenize_with_spans(text); }, *bad, unit);
    return;
  }
  check_normalizer(normalizer, text);
  check_tokenizer(tokenizer, text);
}

}  // namespace khabar::fuzz
