// Writes seed inputs for the fuzz targets from the shared news corpora, in the layout the checks
// in fuzz_checks.hpp read: text first, option bytes last (read from the end, last byte first).
//
//   khabar_fuzz_seeds CORPUS_DIR OUT_DIR   →   OUT_DIR/{tokenize,shared_passages,model_file}/
//
// The seeds are generated at run time from ../shared/corpus rather than committed.
#include <khabar/model_file.hpp>
#include <khabar/stopwords.hpp>
#include <khabar/tfidf.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

// At most `limit` bytes of valid UTF-8 `text`, cut before a character.
std::string prefix(const std::string& text, std::size_t limit) {
  if (text.size() <= limit) return text;
  std::size_t end = limit;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t begin = 0;
  while (begin < text.size()) {
    std::size_t end = text.find('\n', begin);
    if (end == std::string::npos) end = text.size();
    if (end > begin) lines.push_back(text.substr(begin, end - begin));
    begin = end + 1;
  }
  return lines;
}

// The "text" (or "title") of the first `count` records of a JSON Lines file.
std::vector<std::string> jsonl_texts(const fs::path& path, std::size_t count) {
  std::vector<std::string> texts;
  std::ifstream in(path);
  std::string line;
  while (texts.size() < count && std::getline(in, line)) {
    const auto record = nlohmann::json::parse(line, nullptr, false);
    if (record.is_discarded()) continue;
    for (const char* field : {"title", "text"})
      if (record.contains(field) && record[field].is_string())
        texts.push_back(prefix(lines_of(record[field].get<std::string>()).front(), 1200));
  }
  return texts;
}

class SeedWriter {
 public:
  explicit SeedWriter(fs::path folder) : folder_(std::move(folder)) {
    fs::create_directories(folder_);
  }
  void write(const std::string& bytes) {
    std::ofstream(folder_ / ("seed-" + std::to_string(count_++)), std::ios::binary) << bytes;
  }
  std::size_t count() const noexcept { return count_; }

 private:
  fs::path folder_;
  std::size_t count_ = 0;
};

// Option bytes for check_tokenize: read as mode, normalizer flags (low, high), n-gram range.
struct TokenizeOptions {
  unsigned char mode = 0, flags_low = 0, flags_high = 0, grams = 0;
};
const TokenizeOptions kTokenizeOptions[] = {
    {},                  // the defaults
    {4 | 8, 0, 0, 0},    // Light10 and stopwords
    {2, 0, 0, 0},        // no normalization
    {0x20, 0, 0, 7},     // char 2..4
    {0x30, 0, 0, 6},     // char_wb 1..3
    {0, 0, 0, 3},        // word 1..2
    {0x40, 0x02, 0, 0},  // min_length 2, diacritics kept
    {0, 0x81, 0x02, 0},  // NFKC off, hamza on, case kept
    {8, 0x7E, 0, 4},     // stopwords, letters kept, word 2..3
    {1, 0, 0, 0},        // UTF-16 input
};

std::string utf16le(const std::string& utf8) {
  std::string out;
  for (std::size_t i = 0; i < utf8.size();) {
    const auto lead = static_cast<unsigned char>(utf8[i]);
    const std::size_t length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    std::uint32_t c = length == 1 ? lead : lead & (0x3F >> (length - 1));
    for (std::size_t k = 1; k < length; ++k) c = (c << 6) | (utf8[i + k] & 0x3F);
    i += length;
    auto unit = [&](std::uint32_t u) {
      out.push_back(static_cast<char>(u & 0xFF));
      out.push_back(static_cast<char>(u >> 8));
    };
    if (c >= 0x10000) {
      unit(0xD800 + ((c - 0x10000) >> 10));
      unit(0xDC00 + ((c - 0x10000) & 0x3FF));
    } else {
      unit(c);
    }
  }
  return out;
}

void write_model(SeedWriter& seeds, const khabar::VectorizerOptions& options,
                 const std::vector<khabar::TextView>& docs,
                 const std::vector<std::string>& vocabulary = {}) {
  khabar::TfidfVectorizer vectorizer(options);
  if (!vocabulary.empty()) vectorizer.set_fixed_vocabulary(vocabulary);
  vectorizer.fit(docs, 1);
  seeds.write(
      khabar::serialize_model(vectorizer, R"({"class": "TfidfVectorizer", "n": [1, 2.5]})"));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: khabar_fuzz_seeds CORPUS_DIR OUT_DIR\n";
    return 2;
  }
  const fs::path corpus = argv[1], out = argv[2];
  std::vector<std::string> articles;
  for (const auto& entry : fs::directory_iterator(corpus / "sochi-2017"))
    if (entry.path().extension() == ".txt") articles.push_back(read_file(entry.path()));
  std::sort(articles.begin(), articles.end());
  if (articles.empty()) {
    std::cerr << "no articles in " << (corpus / "sochi-2017") << "\n";
    return 1;
  }

  std::vector<std::string> texts;
  for (const auto& article : articles)
    for (const auto& line : lines_of(article)) texts.push_back(prefix(line, 1500));
  for (const auto& text : jsonl_texts(corpus / "ant-multisource" / "articles.jsonl", 40))
    texts.push_back(text);
  for (const auto& text : jsonl_texts(corpus / "ant-jawharafm" / "articles.jsonl", 10))
    texts.push_back(text);
  // Characters that exercise each normalization: presentation forms and ligatures, harakat and
  // tatweel, Persian letters, Arabic-Indic digits, bidi marks and ZWNJ, non-Arabic case folding
  // and composition, supplementary characters.
  for (const char* text :
       {"ﻻ ﷺ ﷲ ﻋﻠﻰ", "الرَّئِيسُ في سوريّة ٢٠١٧ و۱۹۹۰", "ســـوريا — «بوتين»!", "یک کتاب ی",
        "أإآٱ ؤئ ى ة", "\u200Fقال\u200E \u202Bبوتين\u202C\u200Cأردوغان\u00AD",
        "Straße İstanbul ΣΑΣ ﬁ Ⅻ ①", "e\u0301 ا\u0654 ي\u0654 \u1100\u1161 ꙮ 𝐀𝐁 😀\u200D👍"})
    texts.push_back(text);

  SeedWriter tokenize(out / "tokenize");
  std::size_t k = 0;
  for (const auto& text : texts) {
    const TokenizeOptions& o = kTokenizeOptions[k++ % std::size(kTokenizeOptions)];
    const std::string body = (o.mode & 1) ? utf16le(text) : text;
    tokenize.write(body + std::string{static_cast<char>(o.grams), static_cast<char>(o.flags_high),
                                      static_cast<char>(o.flags_low), static_cast<char>(o.mode)});
  }

  // Pairs of articles on the same story from different outlets (they share passages), and an
  // article against itself. Options read as mode, flags (low, high), min_words.
  SeedWriter passages(out / "shared_passages");
  const char tails[][4] = {{5, 0, 0, 0}, {3, 0, 0, 6}, {8, 0, 0, 4}, {2, 0x02, 0, 1}};
  k = 0;
  for (std::size_t i = 0; i < articles.size(); ++i) {
    for (std::size_t j = i + 1; j < articles.size(); ++j) {
      const char* tail = tails[k++ % std::size(tails)];
      passages.write(prefix(articles[i], 1800) + '\xFF' + prefix(articles[j], 1800) +
                     std::string(tail, 4));
    }
  }
  passages.write(prefix(articles[0], 1500) + std::string(tails[0], 4));

  // Small models (a few dozen terms) with every kind of option the file stores.
  SeedWriter models(out / "model_file");
  std::vector<khabar::TextView> docs(texts.begin(), texts.begin() + 20);
  khabar::VectorizerOptions options;
  options.max_features = 24;
  write_model(models, options, docs);
  options.sublinear_tf = true;
  options.norm = khabar::Norm::l1;
  options.tokenizer.stopwords = {"في", "من", "على"};
  options.tokenizer.stemmer = khabar::Stemmer::light10;
  options.tokenizer.ngram_max = 2;
  write_model(models, options, docs);
  options = {};
  options.max_features = 16;
  options.tokenizer.analyzer = khabar::Analyzer::character_wb;
  options.tokenizer.ngram_min = 2;
  options.tokenizer.ngram_max = 3;
  options.use_idf = false;
  write_model(models, options, docs);
  options = {};
  options.max_features = 16;
  options.use_idf = false;
  options.norm = khabar::Norm::none;
  options.value_type = khabar::ValueType::int64;
  options.tokenizer.analyzer = khabar::Analyzer::character;
  write_model(models, options, docs);
  options = {};
  options.value_type = khabar::ValueType::float32;
  options.smooth_idf = false;
  options.min_df = {2, false};
  options.max_df = {0.9, true};
  options.max_features = 20;
  options.tokenizer.normalizer.hamza = true;
  options.tokenizer.normalizer.nfkc = false;
  options.tokenizer.min_length = 3;
  write_model(models, options, docs);
  write_model(models, {}, docs, {"سوريا", "روسيا", "تركيا", "سوتشي"});

  // Small matrices for check_csr: index bytes (indptr[0], row steps, column indices), then
  // threshold, k, cols, rows, mode. Well-formed ones, a decreasing row pointer, a column out
  // of range, and int64 buffers with a value that would wrap to column 1 as int32.
  SeedWriter csr(out / "csr");
  const std::string wrap_to_one{'\x7F', 1, 0, 0, 0, 1, 0, 0, 0};
  for (const std::string& matrix :
       {std::string{0, 2, 1, 2, 0, 3, 1, 0, 2, 0, 3, 4, 3, 0},
        std::string{0, 2, 1, 2, 0, 3, 1, 0, 2, 1, 2, 4, 3, 1},
        std::string{0, 3, 0, 1, 0, 1, 2, 3, 0, 10, 3, 2, 8},
        std::string{0, 2, 1, 1, 1, 1, 3, 1, 1, 1, 2, 2, 3, 3, 0, 5, 3, 4, 0},
        std::string{0, 2, 0x7F} + std::string(8, '\0') + std::string{0, 1, 0, 2, 3, 2, 0},
        std::string{0, 3, 2, 0, 1, 0, 0, 5, 2, 0}, std::string{0, 1, 1, 9, 0, 2, 3, 2, 0},
        std::string{0, 1, 0} + wrap_to_one + std::string{0, 2, 3, 2, 1}})
    csr.write(matrix);

  // The same texts for check_word_breaks, read as UTF-8 (mode 1) and as UTF-16 (mode 0), and
  // a run through every character of its alphabet (mode 2).
  SeedWriter word_breaks(out / "word_breaks");
  k = 0;
  for (const auto& text : texts) word_breaks.write((k++ % 2) ? utf16le(text) + '\0' : text + '\1');
  std::string alphabet;
  for (int c = 0; c < 64; ++c) alphabet += {static_cast<char>(c), static_cast<char>(63 - c)};
  word_breaks.write(alphabet + '\2');

  std::cout << "seeds: " << tokenize.count() << " tokenize, " << passages.count()
            << " shared_passages, " << models.count() << " model_file, " << csr.count() << " csr, "
            << word_breaks.count() << " word_breaks in " << out << "\n";
  return 0;
}
