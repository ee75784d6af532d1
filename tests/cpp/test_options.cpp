// How options structs describe themselves (khabar/options.hpp): the traits the model file and
// the Python module both use to tell nested groups of options and optional values apart.
#include <gtest/gtest.h>

#include <khabar/hashing.hpp>
#include <khabar/options.hpp>
#include <khabar/tfidf.hpp>

#include <optional>
#include <string>
#include <type_traits>
#include <vector>

namespace {

// The names of the members of `Options` that are themselves options structs, and of those
// that are optional, as the traits classify them.
template <class Options>
std::pair<std::vector<std::string>, std::vector<std::string>> nested_and_optional() {
  std::vector<std::string> nested, optional;
  Options::describe([&](const char* name, auto field) {
    using Field = decltype(field);
    if constexpr (std::is_member_object_pointer_v<Field>) {
      using Value = std::decay_t<decltype(std::declval<Options&>().*field)>;
      if (khabar::IsOptions<Value>::value) nested.push_back(name);
      if (khabar::IsOptional<Value>::value) optional.push_back(name);
    }
  });
  return {nested, optional};
}

TEST(OptionTraits, TellNestedOptionsAndOptionalValues) {
  static_assert(khabar::IsOptions<khabar::TokenizerOptions>::value);
  static_assert(khabar::IsOptions<khabar::NormalizerOptions>::value);
  static_assert(!khabar::IsOptions<std::size_t>::value);
  static_assert(!khabar::IsOptions<khabar::Norm>::value);
  static_assert(!khabar::IsOptions<std::optional<khabar::TokenizerOptions>>::value);
  static_assert(khabar::IsOptional<std::optional<std::size_t>>::value);
  static_assert(!khabar::IsOptional<std::size_t>::value);
  static_assert(!khabar::IsOptional<std::vector<std::string>>::value);

  using Names = std::vector<std::string>;
  EXPECT_EQ(nested_and_optional<khabar::HashingOptions>().first, Names{"tokenizer"});
  EXPECT_EQ(nested_and_optional<khabar::HashingOptions>().second, Names{});
  EXPECT_EQ(nested_and_optional<khabar::TokenizerOptions>().first, Names{"normalizer"});
  EXPECT_EQ(nested_and_optional<khabar::VectorizerOptions>().first, Names{"tokenizer"});
  EXPECT_EQ(nested_and_optional<khabar::VectorizerOptions>().second, Names{"max_features"});
}

}  // namespace
