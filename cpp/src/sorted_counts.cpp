#include "sorted_counts.hpp"

#include <algorithm>
#include <numeric>
#include <stdexcept>
#include <utility>

namespace khabar::detail {

std::array<std::uint64_t, 2> leading_bytes(std::string_view term) noexcept {
  std::array<std::uint64_t, 2> head{0, 0};
  for (std::size_t k = 0; k < 16; ++k) {
    const std::uint64_t byte = k < term.size() ? static_cast<unsigned char>(term[k]) : 0u;
    head[k / 8] = head[k / 8] << 8 | byte;
  }
  return head;
}

SortedCounts::SortedCounts(std::size_t n_documents, std::string arena,
                           std::vector<std::size_t> ends,
                           std::vector<std::int64_t> document_frequency,
                           std::vector<std::int64_t> total_count)
    : n_documents_(n_documents) {
  const std::size_t n = ends.size();
  if (document_frequency.size() != n || total_count.size() != n)
    throw std::invalid_argument("SortedCounts: one count of each kind per term");
  auto term_at = [&](std::size_t i) {
    const std::size_t begin = i == 0 ? 0 : ends[i - 1];
    return std::string_view(arena).substr(begin, ends[i] - begin);
  };
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  sort_by_bytes(order, term_at);
  arena_.reserve(arena.size());
  ends_.reserve(n);
  document_frequency_.reserve(n);
  total_count_.reserve(n);
  origin_.reserve(n);
  for (std::size_t i : order) {
    arena_.append(term_at(i));
    ends_.push_back(arena_.size());
    document_frequency_.push_back(document_frequency[i]);
    total_count_.push_back(total_count[i]);
    origin_.push_back(static_cast<std::uint32_t>(i));
  }
}

void SortedCounts::append(const SortedCounts& from, std::size_t k) {
  arena_.append(from.term(k));
  ends_.push_back(arena_.size());
  document_frequency_.push_back(from.document_frequency_[k]);
  total_count_.push_back(from.total_count_[k]);
  origin_.push_back(static_cast<std::uint32_t>(origin_.size()));
}

SortedCounts SortedCounts::merge(const SortedCounts& a, const SortedCounts& b) {
  SortedCounts out;
  out.n_documents_ = a.n_documents_ + b.n_documents_;
  out.arena_.reserve(a.arena_.size() + b.arena_.size());
  out.ends_.reserve(a.size() + b.size());
  out.origin_.reserve(a.size() + b.size());
  out.document_frequency_.reserve(a.size() + b.size());
  out.total_count_.reserve(a.size() + b.size());
  std::size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    if (j == b.size() || (i < a.size() && a.less(i, b, j))) {
      out.append(a, i++);
    } else if (i == a.size() || b.less(j, a, i)) {
      out.append(b, j++);
    } else {  // the same term in both
      out.append(a, i++);
      out.document_frequency_.back() += b.document_frequency_[j];
      out.total_count_.back() += b.total_count_[j++];
    }
  }
  return out;
}

std::vector<std::int64_t> SortedCounts::positions_of(const SortedCounts& part) const {
  std::vector<std::int64_t> positions(part.size());
  std::size_t here = 0;
  for (std::size_t k = 0; k < part.size(); ++k) {
    while (here < size() && less(here, part, k)) ++here;
    if (here == size() || part.less(k, *this, here))
      throw std::logic_error("SortedCounts::positions_of: a term of the part is missing");
    positions[part.origin(k)] = static_cast<std::int64_t>(here);
  }
  return positions;
}

DocumentFrequencies SortedCounts::to_frequencies() && {
  TermIndex terms;
  if (terms.assign_distinct(std::move(arena_), std::move(ends_)) != TermIndex::kAbsent)
    throw std::logic_error("SortedCounts: a term is repeated");
  return DocumentFrequencies(n_documents_, std::move(terms), std::move(document_frequency_),
                             std::move(total_count_));
}

}  // namespace khabar::detail
