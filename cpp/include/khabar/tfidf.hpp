#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "khabar/document_frequencies.hpp"
#include "khabar/sparse.hpp"
#include "khabar/term_index.hpp"
#include "khabar/token_documents.hpp"
#include "khabar/tokenizer.hpp"

namespace khabar {

/// The largest absolute min_df / max_df: 2^53, the last of the whole numbers a double holds
/// exactly (no corpus comes near it; larger ints are refused, not rounded).
constexpr double kMaxDocumentLimit = 9007199254740992.0;

/// min_df / max_df as scikit-learn takes them: an absolute number of documents (a Python int,
/// at most kMaxDocumentLimit), or a proportion of the documents fitted (a Python float).
struct DocumentLimit {
  double value = 1.0;
  bool proportion = false;

  bool operator==(const DocumentLimit& other) const noexcept {
    return value == other.value && proportion == other.proportion;
  }

  double documents(std::size_t n_documents) const noexcept {
    return proportion ? value * static_cast<double>(n_documents) : value;
  }
};

/// The parameters of scikit-learn's CountVectorizer / TfidfVectorizer, with khabar's tokenizer.
/// A CountVectorizer is use_idf = false, norm = none, value_type = int64.
struct VectorizerOptions {
  TokenizerOptions tokenizer{};
  DocumentLimit min_df{1.0, false};
  DocumentLimit max_df{1.0, true};
  std::optional<std::size_t> max_features{};
  bool binary = false;
  bool use_idf = true;
  bool smooth_idf = true;
  bool sublinear_tf = false;
  Norm norm = Norm::l2;
  ValueType value_type = ValueType::float64;

  /// The options of a CountVectorizer: integer counts, no idf, no norm.
  static VectorizerOptions counts() {
    VectorizerOptions options;
    options.use_idf = false;
    options.smooth_idf = false;
    options.norm = Norm::none;
    options.value_type = ValueType::int64;
    return options;
  }

  template <class Visit>
  static void describe(Visit&& visit) {
    visit("tokenizer", &VectorizerOptions::tokenizer);
    visit("min_df", &VectorizerOptions::min_df);
    visit("max_df", &VectorizerOptions::max_df);
    visit("max_features", &VectorizerOptions::max_features);
    visit("binary", &VectorizerOptions::binary);
    visit("use_idf", &VectorizerOptions::use_idf);
    visit("smooth_idf", &VectorizerOptions::smooth_idf);
    visit("sublinear_tf", &VectorizerOptions::sublinear_tf);
    visit("norm", &VectorizerOptions::norm);
    visit("dtype", &VectorizerOptions::value_type);
  }
  /// InvalidParameterError with scikit-learn's ranges (min_df, max_df, max_features),
  /// InvalidOptionError for integer counts asked to carry weights.
  void validate() const;
};

/// Inverse document frequencies as scikit-learn computes them:
/// idf = ln((n + s) / (df + s)) + 1 with s = 1 when smooth_idf, else 0.
double inverse_document_frequency(std::int64_t document_frequency, std::size_t n_documents,
                                  bool smooth_idf);

/// TF-IDF (or plain count) vectorizer matching scikit-learn's numbers for the same tokens.
/// fit/fit_transform/transform run on `n_threads` threads (0 = all cores) and give bit-identical
/// results for any thread count. Concurrent transform calls on one fitted object are safe.
class TfidfVectorizer {
 public:
  explicit TfidfVectorizer(VectorizerOptions options = {});

  const VectorizerOptions& options() const noexcept { return options_; }
  const Tokenizer& tokenizer() const noexcept { return tokenizer_; }

  /// Uses `terms` as the vocabulary, in this column order, instead of learning one
  /// (scikit-learn's `vocabulary=`). Throws InvalidOptionError on duplicates or no terms.
  void set_fixed_vocabulary(const std::vector<std::string>& terms);
  bool has_fixed_vocabulary() const noexcept { return fixed_vocabulary_; }

  /// Document frequencies of `docs` for this vectorizer's tokens (one chunk of a corpus).
  DocumentFrequencies count(const std::vector<TextView>& docs, std::size_t n_threads = 0) const;

  void fit(const std::vector<TextView>& docs, std::size_t n_threads = 0);
  /// Fits from (merged) frequencies: selects the vocabulary and computes the idf.
  void fit_frequencies(const DocumentFrequencies& frequencies);
  CsrMatrix fit_transform(const std::vector<TextView>& docs, std::size_t n_threads = 0);
  /// Rows for `docs`; terms outside the vocabulary are ignored. Throws std::logic_error when
  /// not fitted.
  CsrMatrix transform(const std::vector<TextView>& docs, std::size_t n_threads = 0) const;

  /// count and transform of documents given as their tokens (see TokenDocuments): the tokens
  /// are counted as they are, the tokenizer options do not apply to them.
  DocumentFrequencies count(const TokenDocuments& docs, std::size_t n_threads = 0) const;
  CsrMatrix transform(const TokenDocuments& docs, std::size_t n_threads = 0) const;

  /// fit, fit_transform and transform of documents held as std::string_view or std::string.
  template <class Text, class = EnableIfOtherText<Text>>
  void fit(const std::vector<Text>& docs, std::size_t n_threads = 0) {
    fit(text_views(docs), n_threads);
  }
  template <class Text, class = EnableIfOtherText<Text>>
  CsrMatrix fit_transform(const std::vector<Text>& docs, std::size_t n_threads = 0) {
    return fit_transform(text_views(docs), n_threads);
  }
  template <class Text, class = EnableIfOtherText<Text>>
  CsrMatrix transform(const std::vector<Text>& docs, std::size_t n_threads = 0) const {
    return transform(text_views(docs), n_threads);
  }

  bool fitted() const noexcept { return fitted_; }
  std::size_t n_features() const noexcept { return vocabulary_.size(); }
  /// The term of a column.
  std::string_view feature(std::size_t column) const noexcept { return vocabulary_.term(column); }
  /// The column of a term, or TermIndex::kAbsent.
  std::int64_t column(std::string_view term) const noexcept { return vocabulary_.find(term); }
  /// Per-column idf (empty unless use_idf).
  const std::vector<double>& idf() const noexcept { return idf_; }

  /// Restores a fitted state (used when loading a model file).
  void restore(const std::vector<std::string>& terms, std::vector<double> idf, bool fixed);

  /// Streaming fit_transform: add() chunks of documents, then finish(). Only the counts of the
  /// documents are kept between chunks, never their text.
  class Builder {
   public:
    explicit Builder(TfidfVectorizer& vectorizer, std::size_t n_threads = 0);
    ~Builder();
    Builder(Builder&&) noexcept;
    Builder(const Builder&) = delete;
    Builder& operator=(const Builder&) = delete;
    Builder& operator=(Builder&&) = delete;
    void add(const std::vector<TextView>& docs);
    /// Adds documents given as their tokens; one Builder takes either text or tokens.
    void add(const TokenDocuments& docs);
    const VectorizerOptions& options() const noexcept { return vectorizer_->options(); }
    /// Fits the vectorizer on everything added and returns its rows.
    CsrMatrix finish();

   private:
    struct State;
    TfidfVectorizer* vectorizer_;
    std::unique_ptr<State> state_;
  };

 private:
  friend class Builder;
  // Selects the vocabulary from `frequencies` and computes the idf; returns the positions in
  // `frequencies` of the columns, in column order. Counts: DocumentFrequencies, or the sorted
  // counts fit_transform merges (the templates are instantiated in tfidf.cpp only).
  template <class Counts>
  std::vector<std::size_t> learn_vocabulary(const Counts& frequencies);
  template <class Docs>
  DocumentFrequencies count_documents(const Docs& docs, std::size_t n_threads) const;
  template <class Docs>
  CsrMatrix transform_documents(const Docs& docs, std::size_t n_threads) const;
  // idf of each column from the frequencies at `positions` (kAbsent: document frequency 0).
  template <class Counts>
  void compute_idf(const Counts& frequencies, const std::vector<std::int64_t>& positions);

  VectorizerOptions options_;
  Tokenizer tokenizer_;
  TermIndex vocabulary_;
  std::vector<double> idf_;
  bool fixed_vocabulary_ = false;
  bool fitted_ = false;
};

}  // namespace khabar
