#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <unicode/uversion.h>

U_NAMESPACE_BEGIN
class Normalizer2;
U_NAMESPACE_END

namespace khabar {

/// Which Arabic normalizations to apply. Defaults suit search and similarity of news text.
struct NormalizerOptions {
  bool nfkc = true;             ///< Unicode NFKC (presentation forms, ligatures → base letters)
  bool diacritics = true;       ///< drop harakat, superscript alef, Quranic marks
  bool tatweel = true;          ///< drop U+0640 ARABIC TATWEEL
  bool alef = true;             ///< أ إ آ ٱ U+0672 U+0673 → ا
  bool alef_maksura = true;     ///< ى → ي
  bool teh_marbuta = true;      ///< ة → ه
  bool persian_letters = true;  ///< ی → ي, ک → ك
  bool hamza = false;           ///< ؤ → و, ئ → ي
  bool digits = true;           ///< every Unicode decimal digit (Nd) → ASCII
  bool lowercase = true;        ///< Unicode simple case folding, per code point

  bool operator==(const NormalizerOptions& other) const;

  template <class Visit>
  static void describe(Visit&& visit) {
    visit("nfkc", &NormalizerOptions::nfkc);
    visit("diacritics", &NormalizerOptions::diacritics);
    visit("tatweel", &NormalizerOptions::tatweel);
    visit("alef", &NormalizerOptions::alef);
    visit("alef_maksura", &NormalizerOptions::alef_maksura);
    visit("teh_marbuta", &NormalizerOptions::teh_marbuta);
    visit("persian_letters", &NormalizerOptions::persian_letters);
    visit("hamza", &NormalizerOptions::hamza);
    visit("digits", &NormalizerOptions::digits);
    visit("lowercase", &NormalizerOptions::lowercase);
  }
  void validate() const noexcept {}  // every combination of flags is valid
};

/// Where each unit of normalized UTF-16 text came from in the source UTF-16 text: unit i of the
/// output was produced from source units [begin[i], end[i]). Several output units share a range
/// when one source character expands (ﻻ → لا) and a range covers several source characters when
/// they merge (ا + hamza above → أ).
struct SourceMap {
  std::vector<std::int32_t> begin;
  std::vector<std::int32_t> end;
};

/// Arabic-aware text normalizer. Immutable after construction, so one instance may be used from
/// many threads at once. Always removes bidi controls, BOM, ZWJ and soft hyphen, and turns ZWNJ
/// into a space (a word separator: UAX #29 would otherwise join the two words). The result is
/// a fixed point: normalizing it again with the same options changes nothing.
class Normalizer {
 public:
  explicit Normalizer(NormalizerOptions options = {});

  const NormalizerOptions& options() const noexcept { return options_; }

  /// Normalizes UTF-8 text. Throws InvalidTextError (with the byte offset) on invalid UTF-8.
  std::string normalize(std::string_view utf8) const;

  /// UTF-8 in, UTF-16 out: the form the tokenizer uses. Text whose characters NFKC cannot
  /// change (most news text) is decoded and mapped in a single pass.
  void normalize(std::string_view utf8, std::u16string& out) const;

  /// Lower-level form on UTF-16: writes the normalized text into `out` and, when `map` is given,
  /// where every output unit came from in `text`. A lone surrogate throws InvalidTextError.
  void normalize(std::u16string_view text, std::u16string& out, SourceMap* map = nullptr) const;

 private:
  void apply_nfkc(std::u16string_view text, std::u16string& out, SourceMap* map) const;
  void apply_character_map(std::u16string_view text, std::u16string& out,
                           const SourceMap* input_map, SourceMap* map) const;
  void renormalize(std::u16string& out, SourceMap* map) const;
  bool map_if_nfkc_inert(std::string_view utf8, std::u16string& out) const;
  bool map_if_nfkc_inert(std::u16string_view utf16, std::u16string& out) const;
  std::uint32_t map_code_point(std::uint32_t c) const;
  bool needs_nfkc(std::uint32_t c, std::uint32_t mapped) const;
  std::uint32_t table_entry(std::uint32_t c) const;
  std::optional<std::uint32_t> nfkc_singleton(std::uint32_t c) const;

  NormalizerOptions options_;
  const icu::Normalizer2* nfkc_ = nullptr;
  // Result of map_code_point for every BMP code point (of NFKC's singleton replacement for the
  // characters nfkc_singleton names), precomputed because the per-character ICU property
  // look-ups would otherwise dominate the cost of tokenization.
  std::vector<std::uint32_t> bmp_table_;
};

}  // namespace khabar
