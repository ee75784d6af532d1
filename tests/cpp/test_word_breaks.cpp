#include <gtest/gtest.h>
#include <unicode/brkiter.h>
#include <unicode/uchar.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "fuzz_checks.hpp"
#include "khabar/tokenizer.hpp"
#include "utf.hpp"
#include "word_breaks.hpp"

// The word-break scanner (cpp/src/word_breaks.hpp) against ICU's word BreakIterator, which it
// must equal exactly: hand-worked UAX #29 examples, every BMP character it decides in the
// contexts that matter, every short string over an alphabet of all classes, and every article
// of ../shared/corpus through the Tokenizer, tokens and spans.

namespace {

namespace fs = std::filesystem;
using khabar::detail::WordBreaks;
using khabar::detail::WordSegment;

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitized = true;  // ten times slower: the large checks take a sample
#else
constexpr bool kSanitized = false;
#endif

icu::BreakIterator& icu_words() {
  static std::unique_ptr<icu::BreakIterator> breaks = [] {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::BreakIterator> made(
        icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status));
    EXPECT_TRUE(U_SUCCESS(status));
    return made;
  }();
  return *breaks;
}

std::u16string utf16(std::string_view utf8) {
  std::u16string out;
  khabar::detail::decode_utf8(utf8, out);
  return out;
}

// "[text]status" for each segment, for readable failures.
std::string describe(std::u16string_view text, const std::vector<WordSegment>& segments) {
  std::string out;
  for (const auto& s : segments)
    out += "[" +
           khabar::detail::to_utf8(text.substr(static_cast<std::size_t>(s.begin),
                                               static_cast<std::size_t>(s.end - s.begin))) +
           "]" + std::to_string(s.status);
  return out;
}

std::string scanner_segments(std::u16string_view text) {
  std::unique_ptr<icu::BreakIterator> fallback(icu_words().clone());
  WordBreaks scanner(*fallback);
  std::vector<WordSegment> segments;
  scanner.segment(text, segments, false);
  return describe(text, segments);
}

std::string icu_segments(std::u16string_view text) {
  std::vector<WordSegment> segments;
  WordBreaks::segment_with_icu(icu_words(), text, segments, false);
  return describe(text, segments);
}

// Expected segments worked out by hand from UAX #29 (rule numbers in the comments) and ICU's
// word.txt (a segment of letters and digits has the status of its last one: 200 letter, 100
// number; others 0). Both the scanner and ICU must give them.
void expect_segments(const std::string& text, const std::string& expected) {
  const std::u16string units = utf16(text);
  EXPECT_EQ(icu_segments(units), expected) << text;
  EXPECT_EQ(scanner_segments(units), expected) << text;
}

TEST(WordBreaks, NumbersWithSeparators) {
  expect_segments("3.5", "[3.5]100");                      // WB11, WB12: MidNumLet between digits
  expect_segments("3,500;2", "[3,500;2]100");              // MidNum
  expect_segments("3.", "[3]100[.]0");                     // no digit after: WB999
  expect_segments("٣٫٥ ١٬٢٠٠", "[٣٫٥]100[ ]0[١٬٢٠٠]100");  // U+066B is Numeric, U+066C MidNum
  expect_segments("3،5", "[3،5]100");                      // U+060C ARABIC COMMA is MidNum
  expect_segments("1'2", "[1'2]100");                      // Single_Quote in WB11/12
  expect_segments("2018م", "[2018م]200");                  // WB10, status of the last letter
  expect_segments("a1", "[a1]100");                        // WB9, status of the last digit
  expect_segments("1.a", "[1]100[.]0[a]200");              // WB12 needs a digit after
  expect_segments("1:2", "[1]100[:]0[2]100");              // ':' is neither MidNum nor MidLetter
}

TEST(WordBreaks, LettersWithMidLetters) {
  expect_segments("U.S.", "[U.S]200[.]0");  // WB6, WB7
  expect_segments("don't", "[don't]200");
  expect_segments("l’Orient ‘x", "[l’Orient]200[ ]0[‘]0[x]200");
  expect_segments("a·b", "[a·b]200");          // MidLetter
  expect_segments("a,b", "[a]200[,]0[b]200");  // MidNum joins digits only
  expect_segments("a.1", "[a]200[.]0[1]100");
  expect_segments("'a'", "[']0[a]200[']0");
  expect_segments("x@y.com", "[x@y.com]200");  // ICU counts '@' as ALetter
}

TEST(WordBreaks, ArabicMarksTatweelAndZwnj) {
  // Harakat are Extend: WB4 keeps them with their letter; tatweel is an ALetter.
  expect_segments("كَتَبَ الكتـــاب", "[كَتَبَ]200[ ]0[الكتـــاب]200");
  expect_segments("ـ", "[ـ]200");
  // ZWNJ is Extend too: it does not separate words for UAX #29 (khabar's normalizer makes it a
  // space before segmentation).
  expect_segments("مي\u200cخواهم", "[مي\u200cخواهم]200");
  // A mark at the start of the text, or after a newline, stands alone (WB4 does not apply).
  expect_segments("\u064eب\n\u064eب", "[\u064e]0[ب]200[\n]0[\u064e]0[ب]200");
  // After a space it joins the space, which then no longer joins the next (WB3d before WB4).
  expect_segments(" \u064e  x", "[ \u064e]0[  ]0[x]200");
  expect_segments("قال: «نعم»؟ ؛", "[قال]200[:]0[ ]0[«]0[نعم]200[»]0[؟]0[ ]0[؛]0");
}

TEST(WordBreaks, NewlinesAndSpaces) {
  expect_segments("a\r\nb\rc\u2028d", "[a]200[\r\n]0[b]200[\r]0[c]200[\u2028]0[d]200");
  expect_segments("a \t\t\u00a0b", "[a]200[ ]0[\t]0[\t]0[\u00a0]0[b]200");  // WB3d: WSegSpace only
  expect_segments("a   b", "[a]200[   ]0[b]200");
}

TEST(WordBreaks, WhatGoesToIcu) {
  // Scripts, emoji and contexts the scanner leaves to ICU; expected segments by UAX #29.
  expect_segments("a_b _1", "[a_b]200[ ]0[_1]100");               // ExtendNumLet, WB13a/b
  expect_segments("שלום \"א\"ב", "[שלום]200[ ]0[\"]0[א\"ב]200");  // Hebrew, WB7b/c
  expect_segments("👍🏽 ok", "[👍🏽]0[ ]0[ok]200");               // WB4 on the modifier
  expect_segments("👩\u200d💻x", "[👩\u200d💻]0[x]200");          // WB3c
  expect_segments("🇪🇬🇸🇦", "[🇪🇬]0[🇸🇦]0");                          // WB15-17
  expect_segments("a\u00adb", "[a\u00adb]200");                   // Format, WB4
  expect_segments("بوتين Путин Πούτιν", "[بوتين]200[ ]0[Путин]200[ ]0[Πούτιν]200");
  // Dictionary segmentation (Thai, Chinese): ICU's own words, whatever its dictionaries say.
  for (const char* text : {"ภาษาไทย abc", "普京说 x", "a普京"})
    EXPECT_EQ(scanner_segments(utf16(text)), icu_segments(utf16(text))) << text;
}

TEST(WordBreaks, WordsOnlyKeepsStatusFrom100) {
  std::unique_ptr<icu::BreakIterator> fallback(icu_words().clone());
  WordBreaks scanner(*fallback);
  std::vector<WordSegment> words;
  const std::u16string text = utf16("في 2017، قال: U.S. 👍");
  scanner.segment(text, words, true);
  EXPECT_EQ(describe(text, words), "[في]200[2017]100[قال]200[U.S]200");
  EXPECT_EQ(scanner.units_given_to_icu(), 3u);  // the emoji and the space before it
}

// A representative of every class the scanner tells apart, and of what it leaves to ICU.
const std::vector<std::u16string> kContexts = {u"",  u"a",      u"1",      u"\u064e", u".",
                                               u",", u"'",      u" ",      u"\n",     u"!",
                                               u"_", u"\u200d", u"\u05d0", u"a.",     u".1"};

// Every BMP character the scanner decides (alone or after a letter: the Extend characters)
// behaves like ICU between any two contexts above, and doubled before each. This proves the class
// table entry of each character (derived from ICU's properties) against ICU's rules.
TEST(WordBreaks, EveryDecidedBmpCharacterInContext) {
  std::unique_ptr<icu::BreakIterator> fallback(icu_words().clone());
  WordBreaks scanner(*fallback);
  std::vector<WordSegment> expected, found;
  std::size_t checked = 0, decided = 0;
  const UChar32 step = kSanitized ? 3 : 1;
  for (UChar32 c = 0; c < 0x10000; c += step) {
    if (U_IS_SURROGATE(c)) continue;
    const std::u16string one(1, static_cast<char16_t>(c));
    scanner.segment(u"a" + one, found, false);
    if (scanner.units_given_to_icu() != 0) continue;  // undecided: ICU's own
    ++decided;
    for (const auto& before : kContexts) {
      for (const auto& after : kContexts) {
        // Doubled, too, where the context before is empty.
        for (const std::u16string& text :
             {before + one + after, before.empty() ? one + one + after : std::u16string()}) {
          if (text.empty()) continue;
          WordBreaks::segment_with_icu(icu_words(), text, expected, false);
          scanner.segment(text, found, false);
          ++checked;
          ASSERT_EQ(describe(text, found), describe(text, expected))
              << "U+" << std::hex << c << " in context";
        }
      }
    }
  }
  std::cerr << decided << " decided characters, " << checked << " texts\n";
  EXPECT_GT(decided * static_cast<std::size_t>(step), 20000u);
}

// Every string of up to 3 characters over the fuzzer's 64-character alphabet of classes, then
// longer random ones, through the same comparison as the fuzz target.
TEST(WordBreaks, EveryShortStringOverTheClassAlphabet) {
  std::string bytes;
  std::size_t checked = 0;
  auto check = [&] {
    bytes.push_back('\2');  // mode: one byte a character from the alphabet
    khabar::fuzz::check_word_breaks(reinterpret_cast<const std::uint8_t*>(bytes.data()),
                                    bytes.size());
    ++checked;
  };
  const std::size_t longest = 3;
  for (std::size_t length = 1; length <= longest; ++length) {
    std::size_t count = 1;
    for (std::size_t k = 0; k < length; ++k) count *= 64;
    for (std::size_t number = 0; number < count; ++number) {
      bytes.clear();
      for (std::size_t rest = number, k = 0; k < length; ++k, rest /= 64)
        bytes.push_back(static_cast<char>(rest % 64));
      check();
    }
  }
  EXPECT_EQ(checked, 64u + 64 * 64 + 64 * 64 * 64);
  std::mt19937 random(17);
  for (std::size_t i = 0; i < (kSanitized ? 20000u : 300000u); ++i) {
    bytes.clear();
    const std::size_t length = longest + 1 + random() % 9;
    for (std::size_t k = 0; k < length; ++k) bytes.push_back(static_cast<char>(random() % 64));
    check();
  }
}

// ---- Every article of ../shared/corpus --------------------------------------------------------

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Each corpus folder's documents as its README describes them: sochi-2017's .txt articles, the
// ANT corpora's title and text of every JSON line, UD Arabic-PADT's sentences (the surface
// tokens of dev_tokens.jsonl, and the vocalized FORM column of the CoNLL-U file).
std::vector<std::string> corpus_documents() {
  const fs::path corpus = KHABAR_SHARED_CORPUS;
  std::vector<std::string> docs;
  for (const auto& entry : fs::directory_iterator(corpus / "sochi-2017"))
    if (entry.path().extension() == ".txt") docs.push_back(read_file(entry.path()));
  for (const char* folder : {"ant-multisource", "ant-jawharafm"}) {
    std::ifstream in(corpus / folder / "articles.jsonl");
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty()) continue;
      const auto record = nlohmann::json::parse(line);
      docs.push_back(record.at("title").get<std::string>());
      docs.push_back(record.at("text").get<std::string>());
    }
  }
  {
    std::ifstream in(corpus / "ud-arabic-padt" / "dev_tokens.jsonl");
    std::string line, sid, sentence;
    while (std::getline(in, line)) {
      if (line.empty()) continue;
      const auto record = nlohmann::json::parse(line);
      if (record.at("sid") != sid && !sentence.empty()) docs.push_back(std::move(sentence));
      if (record.at("sid") != sid) sentence.clear();
      sid = record.at("sid").get<std::string>();
      sentence += (sentence.empty() ? "" : " ") + record.at("form").get<std::string>();
    }
    if (!sentence.empty()) docs.push_back(sentence);
  }
  {
    std::ifstream in(corpus / "ud-arabic-padt" / "ar_padt-ud-dev.conllu");
    std::string line, sentence;
    while (std::getline(in, line)) {
      if (line.empty()) {
        if (!sentence.empty()) docs.push_back(std::move(sentence));
        sentence.clear();
      } else if (line[0] != '#') {
        const std::size_t tab = line.find('\t');
        const std::size_t next = line.find('\t', tab + 1);
        sentence += (sentence.empty() ? "" : " ") + line.substr(tab + 1, next - tab - 1);
      }
    }
    if (!sentence.empty()) docs.push_back(sentence);
  }
  return docs;
}

struct ScannerSwitch {
  explicit ScannerSwitch(bool on) { WordBreaks::set_scanner_enabled(on); }
  ~ScannerSwitch() { WordBreaks::set_scanner_enabled(true); }
};

std::vector<khabar::Token> tokens_of(const khabar::Tokenizer& tokenizer, const std::string& text,
                                     bool scanner) {
  ScannerSwitch use(scanner);
  return tokenizer.tokenize_with_spans(text);
}

// Tokens and spans of every document equal with the scanner and with ICU alone, for the
// default options and with normalization off (marks, tatweel, presentation forms and ZWNJ then
// reach the scanner); and the segments of the raw text equal ICU's.
TEST(WordBreaks, EveryCorpusArticleGivesIcusTokensAndSpans) {
  const auto start = std::chrono::steady_clock::now();
  const std::vector<std::string> docs = corpus_documents();
  ASSERT_GT(docs.size(), 60000u);
  khabar::TokenizerOptions raw;
  raw.normalize = false;
  const khabar::Tokenizer tokenizers[] = {khabar::Tokenizer{}, khabar::Tokenizer{raw}};
  const std::size_t stride = kSanitized ? 97 : 1;
  std::size_t checked = 0, tokens = 0;
  std::map<bool, std::size_t> scanner_only;  // documents the scanner decided whole, by option
  std::unique_ptr<icu::BreakIterator> fallback(icu_words().clone());
  WordBreaks scanner(*fallback);
  std::vector<WordSegment> found;
  for (std::size_t d = 0; d < docs.size(); d += stride) {
    for (const khabar::Tokenizer& tokenizer : tokenizers) {
      const auto with_scanner = tokens_of(tokenizer, docs[d], true);
      const auto with_icu = tokens_of(tokenizer, docs[d], false);
      ASSERT_EQ(with_scanner.size(), with_icu.size()) << "document " << d;
      for (std::size_t t = 0; t < with_icu.size(); ++t) {
        ASSERT_EQ(with_scanner[t].text, with_icu[t].text) << "document " << d << " token " << t;
        ASSERT_EQ(with_scanner[t].span.begin_byte, with_icu[t].span.begin_byte);
        ASSERT_EQ(with_scanner[t].span.end_byte, with_icu[t].span.end_byte);
        ASSERT_EQ(with_scanner[t].span.begin_char, with_icu[t].span.begin_char);
        ASSERT_EQ(with_scanner[t].span.end_char, with_icu[t].span.end_char);
      }
      tokens += with_icu.size();
    }
    const std::u16string units = utf16(docs[d]);
    ASSERT_TRUE(khabar::fuzz::word_breaks_match_icu(units)) << "document " << d;
    scanner.segment(units, found, false);
    ++scanner_only[scanner.units_given_to_icu() == 0];
    ++checked;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cerr << checked << " of " << docs.size() << " documents, " << tokens
            << " tokens compared in " << seconds << " s; raw text decided by the scanner alone in "
            << scanner_only[true] << " documents\n";
}

}  // namespace
