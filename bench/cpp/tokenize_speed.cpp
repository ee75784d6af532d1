// Tokenization and TF-IDF in C++ alone, one thread, on a JSON Lines corpus (the "text" of each
// line): the stages bench_tokenize.py and bench_tfidf.py time from Python, without Python's
// share, with the word-break scanner (cpp/src/word_breaks.hpp) and with ICU alone. For profiling
// (`perf record`) and for the speed notes in docs/speed.md; the best of ROUNDS rounds. When both
// run, the tokens, vocabulary and matrices of the two must be bit-identical (exit status 1
// otherwise). Each way also prints a digest (FNV-1a) of them, to compare builds.
//
//   khabar_tokenize_speed ARTICLES_JSONL [ROUNDS] [scanner|icu]
#include <unicode/brkiter.h>
#include <khabar/normalizer.hpp>
#include <khabar/tfidf.hpp>
#include <khabar/tokenizer.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "fnv1a.hpp"
#include "word_breaks.hpp"

namespace {

double best_seconds(int rounds, const std::function<void()>& run) {
  double best = 1e300;
  for (int r = 0; r < rounds; ++r) {
    const auto start = std::chrono::steady_clock::now();
    run();
    best = std::min(
        best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  return best;
}

template <class Vector>
std::uint64_t digest_of(const Vector& values, std::uint64_t hash) {
  return khabar::detail::fnv1a(
      std::string_view(reinterpret_cast<const char*>(values.data()),
                       values.size() * sizeof(typename Vector::value_type)),
      hash);
}

// Token ids, vocabulary and matrices, as bytes: equal digests mean bit-identical results.
std::uint64_t digest_of(const std::vector<std::vector<std::uint32_t>>& ids,
                        const std::vector<std::string>& vocabulary,
                        const std::vector<khabar::CsrMatrix>& matrices) {
  std::uint64_t hash = khabar::detail::kFnv1aOffset;
  for (const auto& document : ids) hash = digest_of(document, khabar::detail::fnv1a_step(hash, 1));
  for (const auto& term : vocabulary) hash = khabar::detail::fnv1a(term, hash ^ term.size());
  for (const auto& matrix : matrices) {
    hash = khabar::detail::fnv1a_step(hash, matrix.rows * 31 + matrix.cols);
    std::visit([&](const auto& v) { hash = digest_of(v, hash); }, matrix.indptr);
    hash = digest_of(matrix.indices, hash);
    std::visit([&](const auto& v) { hash = digest_of(v, hash); }, matrix.data);
  }
  return hash;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: khabar_tokenize_speed ARTICLES_JSONL [ROUNDS] [scanner|icu]\n";
    return 2;
  }
  const int rounds = argc > 2 ? std::stoi(argv[2]) : 3;
  std::vector<std::string> texts;
  std::ifstream in(argv[1]);
  std::size_t bytes = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    texts.push_back(nlohmann::json::parse(line).at("text").get<std::string>());
    bytes += texts.back().size();
  }
  const std::vector<khabar::TextView> docs(texts.begin(), texts.end());
  const double megabytes = static_cast<double>(bytes) / 1e6;
  std::printf("%zu documents, %.1f MB\n", texts.size(), megabytes);
  const khabar::Tokenizer tokenizer;
  // The stages one by one: normalization alone, then with each way of finding the words.
  {
    const khabar::Normalizer& normalizer = tokenizer.normalizer();
    std::u16string normalized;
    std::size_t units = 0;
    const double normalize = best_seconds(rounds, [&] {
      units = 0;
      for (const auto& text : texts) {
        normalizer.normalize(std::string_view(text), normalized);
        units += normalized.size();
      }
    });
    std::printf("normalize              %7.1f MB/s  (%zu UTF-16 units)\n", megabytes / normalize,
                units);
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::BreakIterator> breaks(
        icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status));
    khabar::detail::WordBreaks scanner(*breaks);
    std::vector<khabar::detail::WordSegment> words;
    for (bool use_scanner : {true, false}) {
      std::size_t count = 0;
      const double seconds = best_seconds(rounds, [&] {
        count = 0;
        for (const auto& text : texts) {
          normalizer.normalize(std::string_view(text), normalized);
          if (use_scanner)
            scanner.segment(normalized, words, true);
          else
            khabar::detail::WordBreaks::segment_with_icu(*breaks, normalized, words, true);
          count += words.size();
        }
      });
      std::printf("normalize + %-9s  %7.1f MB/s  (%zu words)\n", use_scanner ? "scanner" : "ICU",
                  megabytes / seconds, count);
    }
  }
  const std::string only = argc > 3 ? argv[3] : "";
  // What each way gave: token ids, vocabulary, fit_transform and transform matrices.
  std::vector<std::vector<std::vector<std::uint32_t>>> ids_of;
  std::vector<std::vector<std::string>> vocabulary_of;
  std::vector<std::vector<khabar::CsrMatrix>> matrices_of;
  for (bool scanner : {true, false}) {
    if ((only == "scanner" && !scanner) || (only == "icu" && scanner)) continue;
    khabar::detail::WordBreaks::set_scanner_enabled(scanner);
    const char* how = scanner ? "scanner" : "ICU alone";
    std::size_t tokens = 0;
    khabar::InternedDocuments interned;
    const double intern = best_seconds(rounds, [&] {
      interned = tokenizer.intern_many(docs, 1);
      tokens = 0;
      for (const auto& ids : interned.ids) tokens += ids.size();
    });
    ids_of.push_back(interned.ids);
    vocabulary_of.emplace_back();
    for (std::size_t id = 0; id < interned.vocabulary.size(); ++id)
      vocabulary_of.back().emplace_back(interned.vocabulary.term(id));
    std::printf("intern_many, %-9s  %7.1f MB/s  (%zu tokens)\n", how, megabytes / intern, tokens);
    khabar::VectorizerOptions options;
    options.sublinear_tf = true;
    khabar::TfidfVectorizer vectorizer(options);
    khabar::CsrMatrix fitted, transformed;
    const double fit = best_seconds(rounds, [&] { fitted = vectorizer.fit_transform(docs, 1); });
    std::printf("fit_transform, %-9s %7.1f MB/s  (nnz %zu)\n", how, megabytes / fit, fitted.nnz());
    const double transform =
        best_seconds(rounds, [&] { transformed = vectorizer.transform(docs, 1); });
    for (std::size_t column = 0; column < vectorizer.n_features(); ++column)
      vocabulary_of.back().emplace_back(vectorizer.feature(column));
    matrices_of.push_back({std::move(fitted), std::move(transformed)});
    std::printf("transform, %-9s     %7.1f MB/s\n", how, megabytes / transform);
    std::printf("digest of tokens, vocabulary and matrices, %s: %016llx\n", how,
                static_cast<unsigned long long>(
                    digest_of(ids_of.back(), vocabulary_of.back(), matrices_of.back())));
  }
  if (ids_of.size() == 2) {
    auto same = [](const khabar::CsrMatrix& a, const khabar::CsrMatrix& b) {
      return a.rows == b.rows && a.cols == b.cols && a.indptr == b.indptr &&
             a.indices == b.indices && a.data == b.data;
    };
    const bool identical = ids_of[0] == ids_of[1] && vocabulary_of[0] == vocabulary_of[1] &&
                           same(matrices_of[0][0], matrices_of[1][0]) &&
                           same(matrices_of[0][1], matrices_of[1][1]);
    std::printf("scanner and ICU alone: tokens, vocabulary and matrices %s\n",
                identical ? "bit-identical" : "DIFFER");
    if (!identical) return 1;
  }
  return 0;
}
