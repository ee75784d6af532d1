#include "khabar/errors.hpp"

#include <utility>

namespace khabar {
namespace {

std::string describe(const std::string& reason, std::size_t offset,
                     std::optional<std::size_t> document, InvalidTextError::Unit unit) {
  std::string message;
  if (document) message = "document " + std::to_string(*document) + ": ";
  message += reason +
             (unit == InvalidTextError::Unit::byte ? " at byte offset " : " at UTF-16 offset ") +
             std::to_string(offset);
  return message;
}

}  // namespace

InvalidTextError::InvalidTextError(std::string reason, std::size_t byte_offset,
                                   std::optional<std::size_t> document, Unit unit)
    : std::invalid_argument(describe(reason, byte_offset, document, unit)),
      reason_(std::move(reason)),
      byte_offset_(byte_offset),
      document_(document),
      unit_(unit) {}

InvalidTextError InvalidTextError::in_document(std::size_t index) const {
  return InvalidTextError(reason_, byte_offset_, index, unit_);
}

}  // namespace khabar
