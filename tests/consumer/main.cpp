// Tokenizes an Arabic sentence with the installed library and checks the result.
#include <khabar/khabar.hpp>

#include <cmath>
#include <iostream>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

int main() {
  if (std::string_view(khabar::kVersion) != KHABAR_PACKAGE_VERSION) {
    std::cerr << "version.hpp says " << khabar::kVersion << ", the CMake package "
              << KHABAR_PACKAGE_VERSION << "\n";
    return 1;
  }
  const khabar::Tokenizer tokenizer;
  const std::vector<std::string> tokens = tokenizer.tokenize("الرَّئِيسُ بوتين، سوريا؟");
  const std::vector<std::string> expected = {"الرئيس", "بوتين", "سوريا"};
  if (tokens != expected) {
    std::cerr << "unexpected tokens:";
    for (const auto& token : tokens) std::cerr << " [" << token << "]";
    std::cerr << "\n";
    return 1;
  }
  // TF-IDF of two documents: "سوريا" occurs in both, so with a smoothed idf of 1 it weighs less
  // than "روسيا" and "تركيا" (idf 1 + ln 1.5) in each L2-normalized row.
  khabar::TfidfVectorizer vectorizer;
  const std::vector<std::string_view> docs = {"سوريا روسيا", "سوريا تركيا"};
  vectorizer.fit(docs);
  const Eigen::SparseMatrix<double, Eigen::RowMajor> matrix =
      khabar::to_eigen(vectorizer.transform(docs));
  const double rare = 1.0 + std::log(1.5);
  const double expected_common = 1.0 / std::sqrt(1.0 + rare * rare);
  const auto common = vectorizer.column("سوريا");
  if (vectorizer.n_features() != 3 || matrix.rows() != 2 || common < 0 ||
      std::abs(matrix.coeff(0, common) - expected_common) > 1e-12 ||
      std::abs(matrix.row(1).norm() - 1.0) > 1e-12) {
    std::cerr << "unexpected TF-IDF matrix\n" << Eigen::MatrixXd(matrix) << "\n";
    return 1;
  }
  // fit_transform's matrix goes to the similarity functions as it is: rows_view maps its
  // buffers, nothing is copied. Row 0 and row 1 share only "سوريا", weighed expected_common
  // in each, so their cosine is its square.
  khabar::TfidfVectorizer fitted;
  const khabar::CsrMatrix rows = fitted.fit_transform(docs);
  const khabar::SparseRowsView view = khabar::rows_view(rows);
  const khabar::DenseRows cosine = khabar::cosine_similarity(view, view);
  const khabar::Neighbours nearest = khabar::top_k_similar(view, view, 1, 0.0, true);
  if (view.valuePtr() != std::get<std::vector<double>>(rows.data).data() ||
      std::abs(cosine(0, 1) - expected_common * expected_common) > 1e-12 ||
      nearest.indices(0, 0) != 1 || std::abs(nearest.scores(1, 0) - cosine(1, 0)) > 1e-12) {
    std::cerr << "unexpected similarities\n" << cosine << "\n";
    return 1;
  }
  std::cout << "khabar " << khabar::kVersion << " consumer OK: " << tokens.size() << " tokens, "
            << matrix.nonZeros() << " TF-IDF entries\n";
  return 0;
}
