#include "khabar/errors.hpp"

#include <utility>

namespace khabar {
namespace {

std::string describe(const std::string& reason, std::size_t byte_offset,
                     std::optional<std::size_t> document) {
  std::string message;
  if (document) message = "document " + std::to_string(*document) + ": ";
  message += reason + " at byte offset " + std::to_string(byte_offset);
  return message;
}

}  // namespace

InvalidTextError::InvalidTextError(std::string reason, std::size_t byte_offset,
                                   std::optional<std::size_t> document)
    : std::invalid_argument(describe(reason, byte_offset, document)),
      reason_(std::move(reason)),
      byte_offset_(byte_offset),
      document_(document) {}

InvalidTextError InvalidTextError::in_document(std::size_t index) const {
  return InvalidTextError(reason_, byte_offset_, index);
}

}  // namespace khabar
