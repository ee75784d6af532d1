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

/// Thrown for a malformed sparse matrix: CSR buffers whose row pointers or column indices
/// would make a reader step outside them (or, narrowed to 32 bits, name another column).
/// Python: ValueError, as SciPy's check_format.
class InvalidMatrixError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// Thrown before an allocation the request makes too large to succeed (more than the machine's
/// memory allows), with what it would need. Python: MemoryError.
class MemoryLimitError : public std::length_error {
 public:
  using std::length_error::length_error;
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
