#pragma once

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>

namespace khabar {

/// Thrown when input text cannot be processed: invalid UTF-8, a lone surrogate, a NUL-free
/// contract broken. Carries the byte offset of the first offending byte and, when the text
/// was one document of a batch, that document's index. Python sees it as ValueError.
class InvalidTextError : public std::invalid_argument {
 public:
  /// What byte_offset() counts: bytes of UTF-8 input, or code units of UTF-16 input.
  enum class Unit { byte, utf16 };

  InvalidTextError(std::string reason, std::size_t byte_offset,
                   std::optional<std::size_t> document = std::nullopt, Unit unit = Unit::byte);

  const std::string& reason() const noexcept { return reason_; }
  std::size_t byte_offset() const noexcept { return byte_offset_; }
  std::optional<std::size_t> document() const noexcept { return document_; }
  Unit unit() const noexcept { return unit_; }

  /// The same error, attributed to document `index` of a batch.
  InvalidTextError in_document(std::size_t index) const;

 private:
  std::string reason_;
  std::size_t byte_offset_;
  std::optional<std::size_t> document_;
  Unit unit_;
};

/// Thrown for options that contradict each other or are out of range. Python: ValueError.
class InvalidOptionError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// Thrown when a model is used before it is fitted. Python: sklearn's NotFittedError.
class NotFittedError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

/// Thrown when an InterruptionCheck asked a computation to stop. Python: KeyboardInterrupt
/// (or whatever exception the signal handler raised).
class Interrupted : public std::runtime_error {
 public:
  Interrupted() : std::runtime_error("interrupted") {}
};

}  // namespace khabar
