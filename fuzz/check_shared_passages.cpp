#include <khabar/errors.hpp>
#include <khabar/passages.hpp>
#include <khabar/stopwords.hpp>
#include <khabar/tokenizer.hpp>

#include <algorithm>
#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "fuzz_checks.hpp"
#include "fuzz_support.hpp"

namespace khabar::fuzz {
namespace {

// (first token in a, first token in b, length) of a run of equal tokens.
using Run = std::tuple<std::size_t, std::size_t, std::size_t>;

// Every maximal run of at least min_words equal tokens, by trying every pair of start positions.
std::vector<Run> brute_force_runs(const std::vector<Token>& a, const std::vector<Token>& b,
                                  std::size_t min_words) {
  std::vector<Run> runs;
  for (std::size_t i = 0; i < a.size(); ++i) {
    for (std::size_t j = 0; j < b.size(); ++j) {
      if (i > 0 && j > 0 && a[i - 1].text == b[j - 1].text) continue;
      std::size_t length = 0;
      while (i + length < a.size() && j + length < b.size() &&
             a[i + length].text == b[j + length].text)
        ++length;
      if (length >= min_words) runs.emplace_back(i, j, length);
    }
  }
  return runs;
}

void check_span(const TokenSpan& span, const std::vector<Token>& tokens, std::size_t first,
                std::size_t end, std::string_view text) {
  KHABAR_FUZZ_CHECK(span.begin_byte == tokens[first].span.begin_byte);
  KHABAR_FUZZ_CHECK(span.begin_char == tokens[first].span.begin_char);
  KHABAR_FUZZ_CHECK(span.end_byte == tokens[end - 1].span.end_byte);
  KHABAR_FUZZ_CHECK(span.end_char == tokens[end - 1].span.end_char);
  KHABAR_FUZZ_CHECK(span.begin_byte < span.end_byte && span.end_byte <= text.size());
  KHABAR_FUZZ_CHECK(span.begin_char < span.end_char && span.end_char <= code_points(text));
}

}  // namespace

void check_shared_passages(const std::uint8_t* data, std::size_t size) {
  static TokenizerCache cache;
  FuzzInput input(data, size);
  const std::uint8_t mode = input.byte();
  const unsigned flags_low = input.byte();
  const unsigned normalizer_bits = (flags_low | (input.byte() << 8)) & 0x3FF;
  const std::size_t min_words = input.in_range(0, 12);
  const Tokenizer& tokenizer = cache.get(mode | (normalizer_bits << 8), [&] {
    TokenizerOptions options;
    options.normalize = !(mode & 1);
    options.normalizer = normalizer_options(normalizer_bits);
    if (mode & 2) options.stemmer = Stemmer::light10;
    if (mode & 4) options.stopwords = arabic_stopwords();
    options.min_length = 1 + ((mode >> 3) & 3);
    return options;
  });

  const std::string_view rest = input.rest();
  const std::size_t separator = rest.find('\xFF');
  const std::string_view a = rest.substr(0, separator);
  const std::string_view b = separator == std::string_view::npos ? a : rest.substr(separator + 1);

  if (min_words == 0) {
    try {
      shared_passages(a, b, min_words, tokenizer);
    } catch (const InvalidOptionError&) {
      return;
    }
    KHABAR_FUZZ_CHECK(false && "min_words = 0 was accepted");
  }
  const auto bad_a = first_invalid_utf8(a), bad_b = first_invalid_utf8(b);
  if (bad_a || bad_b) {
    try {
      shared_passages(a, b, min_words, tokenizer);
    } catch (const InvalidTextError& error) {
      KHABAR_FUZZ_CHECK(error.byte_offset() == (bad_a ? *bad_a : *bad_b));
      return;
    }
    KHABAR_FUZZ_CHECK(false && "ill-formed text was accepted");
  }

  bool truncated = true;
  const std::vector<Passage> passages =
      shared_passages(a, b, min_words, tokenizer, SIZE_MAX, &truncated);
  KHABAR_FUZZ_CHECK(!truncated);
  // With a bound: the first max_passages of them, and truncation said when more exist.
  const std::size_t bound = 1 + mode % 16;
  const std::vector<Passage> first = shared_passages(a, b, min_words, tokenizer, bound, &truncated);
  KHABAR_FUZZ_CHECK(truncated == (passages.size() > bound));
  KHABAR_FUZZ_CHECK(first.size() == std::min(bound, passages.size()));
  for (std::size_t k = 0; k < first.size(); ++k)
    KHABAR_FUZZ_CHECK(first[k].a_begin == passages[k].a_begin &&
                      first[k].b_begin == passages[k].b_begin &&
                      first[k].a_end == passages[k].a_end);
  const std::vector<Token> tokens_a = tokenizer.tokenize_with_spans(a);
  const std::vector<Token> tokens_b = tokenizer.tokenize_with_spans(b);
  std::vector<Run> found;
  for (std::size_t k = 0; k < passages.size(); ++k) {
    const Passage& p = passages[k];
    KHABAR_FUZZ_CHECK(p.a_begin < p.a_end && p.a_end <= tokens_a.size());
    KHABAR_FUZZ_CHECK(p.b_begin < p.b_end && p.b_end <= tokens_b.size());
    KHABAR_FUZZ_CHECK(p.b_end - p.b_begin == p.n_words() && p.n_words() >= min_words);
    for (std::size_t i = 0; i < p.n_words(); ++i)
      KHABAR_FUZZ_CHECK(tokens_a[p.a_begin + i].text == tokens_b[p.b_begin + i].text);
    // Maximal: it extends neither left nor right.
    KHABAR_FUZZ_CHECK(p.a_begin == 0 || p.b_begin == 0 ||
                      tokens_a[p.a_begin - 1].text != tokens_b[p.b_begin - 1].text);
    KHABAR_FUZZ_CHECK(p.a_end == tokens_a.size() || p.b_end == tokens_b.size() ||
                      tokens_a[p.a_end].text != tokens_b[p.b_end].text);
    check_span(p.a_span, tokens_a, p.a_begin, p.a_end, a);
    check_span(p.b_span, tokens_b, p.b_begin, p.b_end, b);
    if (k > 0) {
      const Passage& q = passages[k - 1];
      KHABAR_FUZZ_CHECK(std::tie(q.a_begin, q.b_begin) < std::tie(p.a_begin, p.b_begin));
    }
    found.emplace_back(p.a_begin, p.b_begin, p.n_words());
  }
  // None missing: the quadratic search agrees (on inputs small enough for it).
  if (tokens_a.size() * tokens_b.size() <= 100000)
    KHABAR_FUZZ_CHECK(found == brute_force_runs(tokens_a, tokens_b, min_words));
}

}  // namespace khabar::fuzz
