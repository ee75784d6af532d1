// The pieces fit_transform counts and merges terms with: radix sorting of packed keys, the
// one-sweep TermIndex build, sorted count runs and their merge, and UTF-16 token lists.
#include <gtest/gtest.h>

#include <khabar/errors.hpp>
#include <khabar/term_index.hpp>
#include <khabar/tfidf.hpp>
#include <khabar/tokenizer.hpp>

#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "counting.hpp"
#include "radix_sort.hpp"
#include "sorted_counts.hpp"
#include "utf.hpp"

namespace {

using khabar::TermIndex;
using khabar::detail::SortedCounts;

TEST(RadixSort, EqualsStableSortOnTheSortedBits) {
  std::mt19937_64 random(7);
  for (std::size_t n : {0, 1, 2, 31, 32, 33, 500, 5000}) {
    for (unsigned bits : {1u, 7u, 8u, 9u, 18u, 31u, 32u}) {
      std::vector<std::uint64_t> keys(n);
      for (auto& key : keys) key = random();
      std::vector<std::uint64_t> expected = keys;
      const std::uint64_t mask = (std::uint64_t{1} << bits) - 1;
      std::stable_sort(expected.begin(), expected.end(), [&](std::uint64_t a, std::uint64_t b) {
        return ((a >> 32) & mask) < ((b >> 32) & mask);
      });
      std::vector<std::uint64_t> scratch;
      khabar::detail::radix_sort(keys, scratch, 32, bits);
      EXPECT_EQ(keys, expected) << "n=" << n << " bits=" << bits;
    }
  }
}

TEST(RadixSort, BitsFor) {
  EXPECT_EQ(khabar::detail::bits_for(0), 1u);
  EXPECT_EQ(khabar::detail::bits_for(2), 1u);
  EXPECT_EQ(khabar::detail::bits_for(3), 2u);
  EXPECT_EQ(khabar::detail::bits_for(256), 8u);
  EXPECT_EQ(khabar::detail::bits_for(257), 9u);
  EXPECT_EQ(khabar::detail::bits_for(200755), 18u);
}

// Distinct words of Arabic letters, some longer than the 16 bytes a slot holds inline.
std::vector<std::string> arabic_words(std::size_t n, std::mt19937& random) {
  std::vector<std::string> words;
  std::uniform_int_distribution<int> letter(0x0627, 0x064A), length(1, 14);
  TermIndex distinct;
  while (words.size() < n) {
    std::u16string word(static_cast<std::size_t>(length(random)), u' ');
    for (auto& c : word) c = static_cast<char16_t>(letter(random));
    std::string utf8 = khabar::detail::to_utf8(word);
    const std::size_t before = distinct.size();
    if (distinct.insert(utf8) == before) words.push_back(std::move(utf8));
  }
  return words;
}

TEST(TermIndex, AssignDistinctFindsEveryTermAndKeepsInserting) {
  std::mt19937 random(3);
  const std::vector<std::string> words = arabic_words(50000, random);
  std::string arena;
  std::vector<std::size_t> ends;
  for (const auto& word : words) {
    arena += word;
    ends.push_back(arena.size());
  }
  TermIndex index;
  ASSERT_EQ(index.assign_distinct(arena, ends), TermIndex::kAbsent);
  ASSERT_EQ(index.size(), words.size());
  for (std::size_t id = 0; id < words.size(); ++id) {
    ASSERT_EQ(index.find(words[id]), static_cast<std::int64_t>(id));
    ASSERT_EQ(index.term(id), words[id]);
  }
  EXPECT_EQ(index.find("not a word"), TermIndex::kAbsent);
  EXPECT_EQ(index.insert(words[123]), 123u);
  EXPECT_EQ(index.insert("new"), words.size());
  EXPECT_EQ(index.find("new"), static_cast<std::int64_t>(words.size()));
}

TEST(TermIndex, AssignDistinctReportsARepeatedTerm) {
  TermIndex index;
  index.insert("kept?");
  // "بوتين" at ids 1 and 3: the later one is the repeat.
  const std::string arena = std::string("سوتشي") + "بوتين" + "الأسد" + "بوتين";
  std::vector<std::size_t> ends{10, 20, 30, 40};
  EXPECT_EQ(index.assign_distinct(arena, ends), 3);
  EXPECT_EQ(index.size(), 0u);
  EXPECT_EQ(index.find("kept?"), TermIndex::kAbsent);
}

TEST(TfidfVectorizer, RepeatedFixedVocabularyTermIsNamed) {
  khabar::TfidfVectorizer vectorizer;
  try {
    vectorizer.set_fixed_vocabulary({"سوريا", "روسيا", "سوريا"});
    FAIL() << "no error";
  } catch (const khabar::InvalidOptionError& error) {
    EXPECT_STREQ(error.what(), "Duplicate term in vocabulary: 'سوريا'");
  }
}

TEST(LeadingBytes, OrderAgreesWithStringOrderWhenTheyDiffer) {
  std::mt19937 random(11);
  std::uniform_int_distribution<int> byte(0, 255), length(0, 20);
  for (int trial = 0; trial < 20000; ++trial) {
    std::string a(static_cast<std::size_t>(length(random)), '\0');
    std::string b(static_cast<std::size_t>(length(random)), '\0');
    for (auto& c : a) c = static_cast<char>(byte(random) % 4 == 0 ? 0 : byte(random));
    for (auto& c : b) c = static_cast<char>(byte(random) % 4 == 0 ? 0 : byte(random));
    if (trial % 3 == 0) b = a.substr(0, a.size() / 2) + b;  // shared prefixes
    const auto head_a = khabar::detail::leading_bytes(a), head_b = khabar::detail::leading_bytes(b);
    if (head_a != head_b) {
      ASSERT_EQ(head_a < head_b, a < b) << trial;
    }
  }
}

SortedCounts counts_of(std::size_t documents, const std::vector<std::string>& terms,
                       const std::vector<std::int64_t>& df,
                       const std::vector<std::int64_t>& total) {
  std::string arena;
  std::vector<std::size_t> ends;
  for (const auto& term : terms) {
    arena += term;
    ends.push_back(arena.size());
  }
  return SortedCounts(documents, arena, ends, df, total);
}

TEST(SortedCounts, SortsByCodePointAndRemembersOrigins) {
  // U+0628 (ب) < U+062A (ت) < U+0633 (س); "ب" is a prefix of "بو".
  const SortedCounts counts =
      counts_of(4, {"سوريا", "بو", "تركيا", "ب"}, {1, 2, 3, 4}, {5, 6, 7, 8});
  ASSERT_EQ(counts.size(), 4u);
  EXPECT_EQ(counts.term(0), "ب");
  EXPECT_EQ(counts.term(1), "بو");
  EXPECT_EQ(counts.term(2), "تركيا");
  EXPECT_EQ(counts.term(3), "سوريا");
  EXPECT_EQ(counts.origin(0), 3u);
  EXPECT_EQ(counts.origin(3), 0u);
  EXPECT_EQ(counts.document_frequency(1), 2);
  EXPECT_EQ(counts.total_count(2), 7);
  EXPECT_EQ(counts.n_documents(), 4u);
}

TEST(SortedCounts, MergeAddsTheCountsOfSharedTerms) {
  const SortedCounts a = counts_of(3, {"سوريا", "روسيا"}, {2, 1}, {4, 1});
  const SortedCounts b = counts_of(2, {"تركيا", "سوريا"}, {1, 2}, {1, 3});
  const SortedCounts merged = SortedCounts::merge(a, b);
  ASSERT_EQ(merged.size(), 3u);
  EXPECT_EQ(merged.n_documents(), 5u);
  EXPECT_EQ(merged.term(0), "تركيا");
  EXPECT_EQ(merged.term(1), "روسيا");
  EXPECT_EQ(merged.term(2), "سوريا");
  EXPECT_EQ(merged.document_frequency(2), 4);
  EXPECT_EQ(merged.total_count(2), 7);
  // a's terms by a's input order: سوريا -> 2, روسيا -> 1.
  EXPECT_EQ(merged.positions_of(a), (std::vector<std::int64_t>{2, 1}));
  EXPECT_EQ(merged.positions_of(b), (std::vector<std::int64_t>{0, 2}));
  khabar::DocumentFrequencies frequencies = SortedCounts(merged).to_frequencies();
  EXPECT_EQ(frequencies.find("سوريا"), 2);
  EXPECT_EQ(frequencies.document_frequency(2), 4);
  EXPECT_EQ(frequencies.n_documents(), 5u);
}

TEST(SortedCounts, MergeOfManyRunsEqualsOneRunOfEverything) {
  std::mt19937 random(5);
  const std::vector<std::string> words = arabic_words(3000, random);
  std::uniform_int_distribution<std::size_t> pick(0, words.size() - 1);
  std::vector<SortedCounts> runs;
  khabar::DocumentFrequencies expected;
  for (int run = 0; run < 5; ++run) {
    std::vector<std::string> terms;
    std::vector<std::int64_t> df, total;
    TermIndex seen;
    for (int k = 0; k < 1000; ++k) {
      const std::string& word = words[pick(random)];
      const std::size_t before = seen.size();
      if (seen.insert(word) != before) continue;
      terms.push_back(word);
      df.push_back(k % 7 + 1);
      total.push_back(k % 7 + 1 + k % 3);
      expected.add(word, df.back(), total.back());
    }
    runs.push_back(counts_of(10, terms, df, total));
    expected.add_documents(10);
  }
  SortedCounts merged = runs[0];
  for (std::size_t r = 1; r < runs.size(); ++r) merged = SortedCounts::merge(merged, runs[r]);
  for (std::size_t k = 1; k < merged.size(); ++k) ASSERT_LT(merged.term(k - 1), merged.term(k));
  EXPECT_TRUE(std::move(merged).to_frequencies() == expected);
}

TEST(Utf16TokenViews, HoldTheSameTokensAsUtf8) {
  const std::string text = "قالَ الرئيس بوتين: «سوريا» 2017 والمحادثات في سوتشي";
  for (auto [low, high] : {std::pair{1, 1}, std::pair{1, 3}, std::pair{2, 3}, std::pair{3, 3}}) {
    khabar::TokenizerOptions options;
    options.ngram_min = static_cast<std::size_t>(low);
    options.ngram_max = static_cast<std::size_t>(high);
    options.stopwords = {"في"};
    const khabar::Tokenizer tokenizer(options);
    khabar::TokenList utf8;
    khabar::Utf16TokenViews utf16;
    tokenizer.analyze(text, utf8);
    tokenizer.analyze(std::u16string_view(u"قالَ الرئيس بوتين: «سوريا» 2017 والمحادثات في سوتشي"),
                      utf16);
    ASSERT_EQ(utf16.size(), utf8.size()) << low << "," << high;
    ASSERT_GT(utf8.size(), 3u);
    for (std::size_t i = 0; i < utf8.size(); ++i)
      EXPECT_EQ(khabar::detail::to_utf8(utf16[i]), utf8[i]) << i;
  }
}

TEST(Utf16TokenViews, OnlyForTheWordAnalyzer) {
  khabar::TokenizerOptions options;
  options.analyzer = khabar::Analyzer::character;
  const khabar::Tokenizer tokenizer(options);
  khabar::Utf16TokenViews tokens;
  EXPECT_THROW(tokenizer.analyze("سوريا", tokens), khabar::InvalidOptionError);
}

// HashingVectorizer's use of the counting pass: each worker's term ids mapped to a value of
// their UTF-8 form give back every document's counted terms, for words (counted as UTF-16)
// and character n-grams (counted as UTF-8) and any number of threads.
TEST(CountingPass, MapTermsGivesEachRowsTermsAsUtf8) {
  const std::vector<khabar::TextView> docs = {"قال الرئيس بوتين: «سوريا» وسوريا سوريا", "",
                                              "المحادثات في سوتشي سوريا", "روسيا روسيا"};
  for (const auto analyzer : {khabar::Analyzer::word, khabar::Analyzer::character_wb}) {
    khabar::TokenizerOptions options;
    options.analyzer = analyzer;
    if (analyzer != khabar::Analyzer::word) options.ngram_min = options.ngram_max = 3;
    const khabar::Tokenizer tokenizer(options);
    // The expected rows, counted from the tokenizer's own tokens; terms numbered by a map.
    std::map<std::string, std::int64_t> number_of;
    std::vector<std::map<std::int64_t, std::uint32_t>> expected;
    for (const khabar::TextView doc : docs) {
      expected.emplace_back();
      for (const std::string& token : tokenizer.tokenize(doc)) {
        const auto inserted = number_of.emplace(token, static_cast<std::int64_t>(number_of.size()));
        ++expected.back()[inserted.first->second];
      }
    }
    for (const std::size_t n_threads : {1, 3}) {
      khabar::detail::CountingPass pass(tokenizer, nullptr, n_threads, /*keep_rows=*/true);
      pass.add(docs);
      const auto numbers = pass.map_terms([&](std::string_view term) {
        const auto found = number_of.find(std::string(term));
        return found == number_of.end() ? std::int64_t{-1} : found->second;
      });
      std::vector<std::map<std::int64_t, std::uint32_t>> rows;
      for (const khabar::detail::Block& block : pass.blocks()) {
        std::uint32_t begin = 0;
        for (const std::uint32_t end : block.row_ends) {
          rows.emplace_back();
          for (std::uint32_t k = begin; k < end; ++k)
            rows.back()[numbers[block.worker][block.ids[k]]] += block.count(k);
          begin = end;
        }
      }
      EXPECT_EQ(rows, expected) << static_cast<int>(analyzer) << " n_threads=" << n_threads;
    }
  }
}

}  // namespace
