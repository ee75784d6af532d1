#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace khabar {

/// Documents given as their tokens (UTF-8), stored back to back in one buffer: what the
/// vectorizers count when the tokens come from elsewhere, e.g. a Python callable analyzer or
/// Python's `re` (scikit-learn's token_pattern). Counting, pruning and weighting are then the
/// same as for text the Tokenizer reads.
class TokenDocuments {
 public:
  /// The tokens of one document, as TermIndex's batch calls take them.
  class Document {
   public:
    std::size_t size() const noexcept { return end_ - begin_; }
    std::string_view operator[](std::size_t i) const noexcept { return owner_->token(begin_ + i); }

   private:
    friend class TokenDocuments;
    Document(const TokenDocuments* owner, std::size_t begin, std::size_t end) noexcept
        : owner_(owner), begin_(begin), end_(end) {}
    const TokenDocuments* owner_;
    std::size_t begin_;
    std::size_t end_;
  };

  /// Appends a token to the document being built.
  void add_token(std::string_view token) {
    chars_.append(token);
    token_ends_.push_back(chars_.size());
  }
  /// Ends the document being built (which may have no tokens).
  void end_document() { document_ends_.push_back(token_ends_.size()); }

  std::size_t size() const noexcept { return document_ends_.size(); }
  Document operator[](std::size_t d) const noexcept {
    return Document(this, d == 0 ? 0 : document_ends_[d - 1], document_ends_[d]);
  }
  void reserve(std::size_t documents, std::size_t tokens, std::size_t bytes) {
    document_ends_.reserve(documents);
    token_ends_.reserve(tokens);
    chars_.reserve(bytes);
  }

 private:
  std::string_view token(std::size_t t) const noexcept {
    const std::size_t begin = t == 0 ? 0 : token_ends_[t - 1];
    return std::string_view(chars_).substr(begin, token_ends_[t] - begin);
  }
  std::string chars_;
  std::vector<std::size_t> token_ends_;
  std::vector<std::size_t> document_ends_;
};

}  // namespace khabar
