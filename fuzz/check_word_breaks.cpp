#include <unicode/brkiter.h>
#include <unicode/ustring.h>

#include <array>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "fuzz_checks.hpp"
#include "fuzz_support.hpp"
#include "word_breaks.hpp"

namespace khabar::fuzz {
namespace {

// Characters for the third way of reading an input (one byte, one character): one or more of
// every class the scanner models and of the neighbours it hands to ICU, so that short inputs
// already meet every pair and triple of classes.
constexpr std::array<char16_t, 64> kAlphabet = {u'a',
                                                u'Z',
                                                u'\u00e9',
                                                u'\u0628',
                                                u'\u0627',
                                                u'\u0640',
                                                u'\u06cc',
                                                u'@',
                                                u'0',
                                                u'9',
                                                u'\u0661',
                                                u'\u06f5',
                                                u'\u066b',
                                                u'\u064e',
                                                u'\u0651',
                                                u'\u0301',
                                                u'\u200c',
                                                u'.',
                                                u'\u2019',
                                                u'\u2018',
                                                u',',
                                                u';',
                                                u'\u060c',
                                                u'\u066c',
                                                u'\u060d',
                                                u'\u00b7',
                                                u':',
                                                u'\'',
                                                u'"',
                                                u' ',
                                                u' ',
                                                u'\u3000',
                                                u'\r',
                                                u'\n',
                                                u'\u0085',
                                                u'\u2028',
                                                u'\t',
                                                u'\u00a0',
                                                u'-',
                                                u'!',
                                                u'\u061f',
                                                u'\u061b',
                                                u'\u066a',
                                                u'\u00ab',
                                                u'\u2026',
                                                u'(',
                                                u'\u00b2',
                                                u'_',
                                                u'\u202f',
                                                u'\u200d',
                                                u'\u00ad',
                                                u'\u200e',
                                                u'\u0600',
                                                u'\u05d0',
                                                u'\u05f3',
                                                u'\u0e01',
                                                u'\u4e2d',
                                                u'\u30a2',
                                                u'\u3042',
                                                u'\uac00',
                                                u'\u00a9',
                                                u'\u2764',
                                                char16_t{0xD83D},
                                                char16_t{0xDE00}};

std::u16string text_of(std::string_view bytes, std::uint8_t mode) {
  std::u16string text;
  switch (mode % 3) {
    case 0:  // UTF-16 code units, lone surrogates included
      for (std::size_t i = 0; i + 1 < bytes.size(); i += 2)
        text.push_back(static_cast<char16_t>(static_cast<std::uint8_t>(bytes[i]) |
                                             static_cast<std::uint8_t>(bytes[i + 1]) << 8));
      break;
    case 1: {  // UTF-8, ill-formed sequences as U+FFFD (seeds from the corpora)
      text.resize(bytes.size() + 1);
      std::int32_t length = 0;
      UErrorCode status = U_ZERO_ERROR;
      u_strFromUTF8WithSub(reinterpret_cast<UChar*>(text.data()),
                           static_cast<std::int32_t>(text.size()), &length, bytes.data(),
                           static_cast<std::int32_t>(bytes.size()), 0xFFFD, nullptr, &status);
      KHABAR_FUZZ_CHECK(U_SUCCESS(status));
      text.resize(static_cast<std::size_t>(length));
      break;
    }
    default:
      for (char byte : bytes) text.push_back(kAlphabet[static_cast<std::uint8_t>(byte) % 64]);
  }
  return text;
}

icu::BreakIterator& thread_break_iterator() {
  thread_local std::unique_ptr<icu::BreakIterator> breaks = [] {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::BreakIterator> made(
        icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status));
    if (U_FAILURE(status)) throw std::runtime_error(u_errorName(status));
    return made;
  }();
  return *breaks;
}

bool same(const std::vector<detail::WordSegment>& a, const std::vector<detail::WordSegment>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i].begin != b[i].begin || a[i].end != b[i].end || a[i].status != b[i].status)
      return false;
  return true;
}

}  // namespace

bool word_breaks_match_icu(std::u16string_view text) {
  // Separate iterators: the scanner's fallback moves its own about the text.
  thread_local std::unique_ptr<icu::BreakIterator> fallback(thread_break_iterator().clone());
  thread_local detail::WordBreaks scanner(*fallback);
  std::vector<detail::WordSegment> expected, found;
  detail::WordBreaks::segment_with_icu(thread_break_iterator(), text, expected, false);
  scanner.segment(text, found, false);
  if (!same(expected, found)) return false;
  detail::WordBreaks::segment_with_icu(thread_break_iterator(), text, expected, true);
  scanner.segment(text, found, true);
  return same(expected, found);
}

void check_word_breaks(const std::uint8_t* data, std::size_t size) {
  FuzzInput input(data, size);
  const std::uint8_t mode = input.byte();
  const std::u16string text = text_of(input.rest(), mode);
  KHABAR_FUZZ_CHECK(word_breaks_match_icu(text));
}

}  // namespace khabar::fuzz
