#pragma once

#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "khabar/options.hpp"

namespace khabar {

/// What to do with ill-formed text (invalid UTF-8, lone surrogates). `strict` throws
/// InvalidTextError naming the offset; `replace` reads each maximal ill-formed subsequence as
/// one U+FFFD, as Python's "replace" error handler and the WHATWG decoder do.
enum class TextErrors { strict, replace };

template <>
struct EnumNames<TextErrors> {
  static constexpr std::array<std::pair<TextErrors, const char*>, 2> values{
      {{TextErrors::strict, "strict"}, {TextErrors::replace, "replace"}}};
};

/// One document's text, either UTF-8 bytes or UTF-16 code units (the form ICU, Java, Qt and
/// Python's 2-byte strings hold), so that batches can mix both without converting. Converts
/// implicitly from either; like a string_view it does not own the text.
class TextView {
 public:
  TextView(std::string_view utf8) noexcept : utf8_(utf8) {}    // NOLINT: implicit by design
  TextView(const std::string& utf8) noexcept : utf8_(utf8) {}  // NOLINT
  TextView(const char* utf8) noexcept : utf8_(utf8) {}         // NOLINT
  TextView(std::u16string_view utf16) noexcept : utf16_(utf16), is_utf16_(true) {}    // NOLINT
  TextView(const std::u16string& utf16) noexcept : utf16_(utf16), is_utf16_(true) {}  // NOLINT

  bool is_utf16() const noexcept { return is_utf16_; }
  std::string_view utf8() const noexcept { return utf8_; }
  std::u16string_view utf16() const noexcept { return utf16_; }

 private:
  std::string_view utf8_;
  std::u16string_view utf16_;
  bool is_utf16_ = false;
};

/// The size of `docs` in bytes of UTF-8, a UTF-16 unit counted as two (as an Arabic letter is).
inline std::size_t utf8_size_of(const std::vector<TextView>& docs) noexcept {
  std::size_t bytes = 0;
  for (const TextView& doc : docs)
    bytes += doc.is_utf16() ? 2 * doc.utf16().size() : doc.utf8().size();
  return bytes;
}

/// Views of documents held as std::string, std::string_view, std::u16string... (valid while
/// `texts` lives), for the batch calls, which take TextView.
template <class Text>
std::vector<TextView> text_views(const std::vector<Text>& texts) {
  return std::vector<TextView>(texts.begin(), texts.end());
}

/// Enables a batch call's overload for vectors of other text types than TextView.
template <class Text>
using EnableIfOtherText = std::enable_if_t<!std::is_same_v<Text, TextView> &&
                                           std::is_convertible_v<const Text&, TextView>>;

}  // namespace khabar
