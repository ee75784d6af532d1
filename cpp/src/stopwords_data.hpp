#pragma once

namespace khabar::detail {
// The text of cpp/data/stopwords-ar.txt, embedded at build time.
extern const char* const kArabicStopwordsText;
}  // namespace khabar::detail
