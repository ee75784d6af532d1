#include "khabar/stemmer.hpp"

#include <array>

#include "utf.hpp"

namespace khabar {
namespace {

constexpr std::array<std::u16string_view, 7> kPrefixes = {u"ال",  u"وال", u"بال", u"كال",
                                                          u"فال", u"لل",  u"و"};
constexpr std::array<std::u16string_view, 10> kSuffixes = {u"ها", u"ان", u"ات", u"ون", u"ين",
                                                           u"يه", u"ية", u"ه",  u"ة",  u"ي"};

bool starts_with(std::u16string_view word, std::u16string_view prefix) {
  return word.substr(0, prefix.size()) == prefix;
}

bool ends_with(std::u16string_view word, std::u16string_view suffix) {
  return word.size() >= suffix.size() && word.substr(word.size() - suffix.size()) == suffix;
}

}  // namespace

std::u16string_view light10_stem(std::u16string_view word) {
  for (std::u16string_view prefix : kPrefixes) {
    // The lone waw is a conjunction only on longer words (و in "ورد" is a root letter).
    const std::size_t min_length = prefix.size() == 1 ? 4 : prefix.size() + 2;
    if (word.size() >= min_length && starts_with(word, prefix)) {
      word.remove_prefix(prefix.size());
      break;
    }
  }
  for (std::u16string_view suffix : kSuffixes) {
    if (word.size() >= suffix.size() + 2 && ends_with(word, suffix))
      word.remove_suffix(suffix.size());
  }
  return word;
}

std::string light10_stem(std::string_view word) {
  std::u16string units;
  detail::decode_utf8(word, units);
  return detail::to_utf8(light10_stem(std::u16string_view(units)));
}

}  // namespace khabar
