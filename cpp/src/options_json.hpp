#pragma once

// Option structs as JSON objects keyed by their `describe` names: how the model file stores
// them. Reading is strict: a missing key, an unknown key or a value of the wrong type throws
// ModelFormatError naming the option by its path ("tokenizer.normalizer.nfkc").
//
// nlohmann's NLOHMANN_DEFINE_TYPE_* macros are not used: they would be a second list of the
// field names, and their readers accept unknown keys silently (and the _WITH_DEFAULT form
// fills in missing ones), where a model file must be refused.

#include <cstddef>
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "khabar/model_file.hpp"
#include "khabar/options.hpp"
#include "khabar/tfidf.hpp"

namespace khabar::detail {

[[noreturn]] inline void invalid_option(const std::string& path, const std::string& problem) {
  throw ModelFormatError("invalid model file: option '" + path + "' " + problem);
}

template <class T>
nlohmann::json option_value_to_json(const T& value);
template <class T>
void option_value_from_json(const nlohmann::json& j, T& value, const std::string& path);

template <class Options>
nlohmann::json options_to_json(const Options& options) {
  nlohmann::json out = nlohmann::json::object();
  Options::describe([&](const char* name, auto field) {
    using Field = decltype(field);
    if constexpr (std::is_member_object_pointer_v<Field>) {
      out[name] = option_value_to_json(options.*field);
    } else {  // a RangeField
      out[name] = nlohmann::json::array(
          {option_value_to_json(options.*field.low), option_value_to_json(options.*field.high)});
    }
  });
  return out;
}

template <class Options>
Options options_from_json(const nlohmann::json& j, const std::string& path = "") {
  if (!j.is_object()) invalid_option(path.empty() ? "options" : path, "is not a JSON object");
  const std::string prefix = path.empty() ? "" : path + ".";
  Options options;
  std::set<std::string> known;
  Options::describe([&](const char* name, auto field) {
    known.insert(name);
    const std::string where = prefix + name;
    const auto found = j.find(name);
    if (found == j.end())
      throw ModelFormatError("invalid model file: missing option '" + where + "'");
    using Field = decltype(field);
    if constexpr (std::is_member_object_pointer_v<Field>) {
      option_value_from_json(*found, options.*field, where);
    } else {
      if (!found->is_array() || found->size() != 2) invalid_option(where, "needs two values");
      option_value_from_json((*found)[0], options.*field.low, where);
      option_value_from_json((*found)[1], options.*field.high, where);
    }
  });
  for (const auto& item : j.items())
    if (!known.count(item.key()))
      throw ModelFormatError("invalid model file: unknown option '" + prefix + item.key() + "'");
  return options;
}

template <class T>
nlohmann::json option_value_to_json(const T& value) {
  if constexpr (IsOptions<T>::value) {
    return options_to_json(value);
  } else if constexpr (std::is_enum_v<T>) {
    const char* name = enum_name(value);
    return name ? nlohmann::json(name) : nlohmann::json(nullptr);
  } else if constexpr (std::is_same_v<T, DocumentLimit>) {
    return {{"value", value.value}, {"proportion", value.proportion}};
  } else if constexpr (IsOptional<T>::value) {
    return value ? option_value_to_json(*value) : nlohmann::json(nullptr);
  } else {
    return nlohmann::json(value);
  }
}

template <class T>
void option_value_from_json(const nlohmann::json& j, T& value, const std::string& path) {
  if constexpr (IsOptions<T>::value) {
    value = options_from_json<T>(j, path);
  } else if constexpr (std::is_enum_v<T>) {
    if (!j.is_null() && !j.is_string()) invalid_option(path, "is not a name: " + j.dump());
    const std::string name = j.is_null() ? "" : j.get<std::string>();
    try {
      value = enum_from_name<T>(path, j.is_null() ? nullptr : name.c_str());
    } catch (const InvalidOptionError&) {
      invalid_option(path, "has an unknown value " + j.dump());
    }
  } else if constexpr (std::is_same_v<T, DocumentLimit>) {
    if (!j.is_object() || j.size() != 2 || !j.contains("value") || !j.contains("proportion"))
      invalid_option(path, "must be {\"value\": number, \"proportion\": bool}");
    option_value_from_json(j.at("value"), value.value, path + ".value");
    option_value_from_json(j.at("proportion"), value.proportion, path + ".proportion");
  } else if constexpr (IsOptional<T>::value) {
    if (j.is_null()) {
      value.reset();
    } else {
      typename T::value_type inner{};
      option_value_from_json(j, inner, path);
      value = inner;
    }
  } else if constexpr (std::is_same_v<T, bool>) {
    if (!j.is_boolean()) invalid_option(path, "is not a boolean: " + j.dump());
    value = j.get<bool>();
  } else if constexpr (std::is_integral_v<T>) {
    // nlohmann would convert -1 to 2^64 - 1 and 1e300 with undefined behaviour.
    if (!j.is_number_unsigned()) invalid_option(path, "is not an integer >= 0: " + j.dump());
    // get<T>() would keep the low bits of a number T cannot hold.
    const auto number = j.get<std::uint64_t>();
    if (number > std::numeric_limits<T>::max())
      invalid_option(path, "is out of range: " + j.dump() + " > " +
                               std::to_string(std::numeric_limits<T>::max()));
    value = static_cast<T>(number);
  } else if constexpr (std::is_floating_point_v<T>) {
    if (!j.is_number()) invalid_option(path, "is not a number: " + j.dump());
    value = j.get<T>();
  } else if constexpr (std::is_same_v<T, std::string>) {
    if (!j.is_string()) invalid_option(path, "is not a string: " + j.dump());
    value = j.get<std::string>();
  } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
    if (!j.is_array()) invalid_option(path, "is not a list of strings");
    value.clear();
    for (const auto& item : j) {
      if (!item.is_string()) invalid_option(path, "holds a non-string: " + item.dump());
      value.push_back(item.get<std::string>());
    }
  } else {
    static_assert(sizeof(T) == 0, "an option type without a JSON form");
  }
}

}  // namespace khabar::detail
