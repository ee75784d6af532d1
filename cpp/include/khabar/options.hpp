#pragma once

// How option structs describe themselves, so that their names are written once.
//
// Every options struct (NormalizerOptions, TokenizerOptions, VectorizerOptions, HashingOptions,
// Bm25Options, NearDuplicateOptions) lists its members by name in a static `describe(visit)`,
// next to their declarations, and checks them in `validate()`. The model file (JSON by name),
// the Python module (typed classes with one property per option) and the test comparing the
// Python estimators' signatures all read that one list: adding an option is one member plus
// one line in its struct's `describe`, and its Python parameter.

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "khabar/errors.hpp"

namespace khabar {

/// InvalidOptionError naming the option at fault (its name in the options struct, which is
/// also the Python parameter's name). Python: scikit-learn's InvalidParameterError, a
/// ValueError, where scikit-learn raises one for the same parameter.
class InvalidParameterError : public InvalidOptionError {
 public:
  InvalidParameterError(std::string parameter, const std::string& message)
      : InvalidOptionError("The '" + parameter + "' parameter " + message),
        parameter_(std::move(parameter)) {}
  const std::string& parameter() const noexcept { return parameter_; }

 private:
  std::string parameter_;
};

/// Whether T is an options struct (one with a validate(), and a describe()): a member of that
/// type is a nested group of options (HashingOptions::tokenizer), which the model file writes
/// as a nested JSON object and the Python module as a nested options class.
template <class T, class = void>
struct IsOptions : std::false_type {};
template <class T>
struct IsOptions<T, std::void_t<decltype(&T::validate)>> : std::true_type {};

/// Whether T is a std::optional: an option that may be None in Python, null in JSON.
template <class T>
struct IsOptional : std::false_type {};
template <class T>
struct IsOptional<std::optional<T>> : std::true_type {};

/// The names of an option's enum values: specialized next to each enum as
/// `static constexpr std::array<std::pair<Enum, const char*>, N> values`. A null name is the
/// value spelled None in Python and null in JSON (no norm, no stemmer).
template <class Enum>
struct EnumNames;

template <class Enum>
const char* enum_name(Enum value) noexcept {
  for (const auto& [candidate, name] : EnumNames<Enum>::values)
    if (candidate == value) return name;
  return nullptr;
}

/// The allowed values of an enum option, as scikit-learn lists them: "'l1', 'l2' or None".
template <class Enum>
std::string enum_choices() {
  std::string out;
  bool none = false;
  std::size_t listed = 0;
  for (const auto& [value, name] : EnumNames<Enum>::values) {
    (void)value;
    if (!name) {
      none = true;
      continue;
    }
    if (listed++) out += ", ";
    out += "'" + std::string(name) + "'";
  }
  if (none) out += " or None";
  return out;
}

/// The value named `name` (nullptr: None) of option `parameter`; InvalidParameterError
/// listing the allowed names otherwise.
template <class Enum>
Enum enum_from_name(const std::string& parameter, const char* name) {
  for (const auto& [value, candidate] : EnumNames<Enum>::values)
    if (name ? candidate && std::string_view(candidate) == name : !candidate) return value;
  throw InvalidParameterError(parameter, "must be one of " + enum_choices<Enum>() + ", got " +
                                             (name ? "'" + std::string(name) + "'" : "None"));
}

/// Two members that are one option, as a (low, high) pair: ngram_range.
template <class Owner, class Value>
struct RangeField {
  Value Owner::* low;
  Value Owner::* high;
};

template <class Owner, class Value>
RangeField<Owner, Value> range_field(Value Owner::* low, Value Owner::* high) {
  return {low, high};
}

}  // namespace khabar
