#include "khabar/document_frequencies.hpp"

#include <stdexcept>
#include <string>

namespace khabar {

DocumentFrequencies::DocumentFrequencies(std::size_t n_documents, TermIndex terms,
                                         std::vector<std::int64_t> document_frequency,
                                         std::vector<std::int64_t> total_count)
    : n_documents_(n_documents),
      terms_(std::move(terms)),
      document_frequency_(std::move(document_frequency)),
      total_count_(std::move(total_count)) {
  if (document_frequency_.size() != terms_.size() || total_count_.size() != terms_.size())
    throw std::invalid_argument("DocumentFrequencies: one count of each kind per term");
  if (n_documents_ > kMaxCount)
    throw std::overflow_error("DocumentFrequencies: " + std::to_string(n_documents_) +
                              " documents overflow a signed 64-bit integer");
}

void DocumentFrequencies::add_documents(std::size_t n) {
  if (n > kMaxCount - n_documents_)
    throw std::overflow_error("DocumentFrequencies: " + std::to_string(n_documents_) + " + " +
                              std::to_string(n) + " documents overflow a signed 64-bit integer");
  n_documents_ += n;
}

std::size_t DocumentFrequencies::add(std::string_view term, std::int64_t documents,
                                     std::int64_t count) {
  if (documents < 0 || count < 0)
    throw std::invalid_argument("DocumentFrequencies: the counts of '" + std::string(term) +
                                "' must be >= 0, got " + std::to_string(documents) +
                                " documents and " + std::to_string(count) + " occurrences");
  const std::int64_t existing = terms_.find(term);
  if (existing != TermIndex::kAbsent) {
    std::int64_t sum = 0;
    const auto at = static_cast<std::size_t>(existing);
    if (__builtin_add_overflow(document_frequency_[at], documents, &sum) ||
        __builtin_add_overflow(total_count_[at], count, &sum))
      throw std::overflow_error("DocumentFrequencies: the counts of '" + std::string(term) +
                                "' overflow a signed 64-bit integer");
  }
  const std::uint32_t id = terms_.insert(term);
  if (id == document_frequency_.size()) {
    document_frequency_.push_back(0);
    total_count_.push_back(0);
  }
  document_frequency_[id] += documents;
  total_count_[id] += count;
  return id;
}

void DocumentFrequencies::reserve(std::size_t terms) {
  terms_.reserve(terms);
  document_frequency_.reserve(terms);
  total_count_.reserve(terms);
}

DocumentFrequencies& DocumentFrequencies::merge(const DocumentFrequencies& other) {
  // Checked before anything changes, so that a refused merge leaves these counts as they were.
  if (other.n_documents_ > kMaxCount - n_documents_)
    throw std::overflow_error("DocumentFrequencies merge: the number of documents overflows");
  for (std::size_t i = 0; i < other.size(); ++i) {
    const std::int64_t j = find(other.term(i));
    if (j == TermIndex::kAbsent) continue;
    std::int64_t sum = 0;
    if (__builtin_add_overflow(document_frequency_[static_cast<std::size_t>(j)],
                               other.document_frequency_[i], &sum) ||
        __builtin_add_overflow(total_count_[static_cast<std::size_t>(j)], other.total_count_[i],
                               &sum))
      throw std::overflow_error("DocumentFrequencies merge: the counts of '" +
                                std::string(other.term(i)) + "' overflow a signed 64-bit integer");
  }
  terms_.reserve(size() + other.size());
  for (std::size_t i = 0; i < other.size(); ++i)
    add(other.term(i), other.document_frequency_[i], other.total_count_[i]);
  n_documents_ += other.n_documents_;
  return *this;
}

bool DocumentFrequencies::operator==(const DocumentFrequencies& other) const {
  if (n_documents_ != other.n_documents_ || size() != other.size()) return false;
  for (std::size_t i = 0; i < size(); ++i) {
    const std::int64_t j = other.find(term(i));
    if (j == TermIndex::kAbsent ||
        other.document_frequency_[static_cast<std::size_t>(j)] != document_frequency_[i] ||
        other.total_count_[static_cast<std::size_t>(j)] != total_count_[i])
      return false;
  }
  return true;
}

}  // namespace khabar
