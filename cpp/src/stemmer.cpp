#include "khabar/stemmer.hpp"

#include <unicode/locdspnm.h>
#include <unicode/locid.h>
#include <unicode/region.h>
#include <unicode/strenum.h>
#include <unicode/timezone.h>
#include <unicode/tznames.h>
#include <unicode/uchar.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <memory>
#include <sstream>

#include "khabar/normalizer.hpp"
#include "stemmer_data.hpp"
#include "utf.hpp"

namespace khabar {
namespace {

constexpr std::array<std::u16string_view, 7> kPrefixes = {u"ال",  u"وال", u"بال", u"كال",
                                                          u"فال", u"لل",  u"و"};
constexpr std::array<std::u16string_view, 10> kSuffixes = {u"ها", u"ان", u"ات", u"ون", u"ين",
                                                           u"يه", u"ية", u"ه",  u"ة",  u"ي"};

// Affixes are one to three units: plain loops, last unit first, beat a call to memcmp.
bool starts_with(std::u16string_view word, std::u16string_view prefix) {
  if (word.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (word[i] != prefix[i]) return false;
  return true;
}

bool ends_with(std::u16string_view word, std::u16string_view suffix) {
  if (word.size() < suffix.size()) return false;
  const std::size_t offset = word.size() - suffix.size();
  for (std::size_t i = suffix.size(); i-- > 0;)
    if (word[offset + i] != suffix[i]) return false;
  return true;
}

constexpr char16_t kAlef = u'\u0627', kHamza = u'\u0621', kBeh = u'\u0628', kTeh = u'\u062A',
                   kSeen = u'\u0633', kFeh = u'\u0641', kKaf = u'\u0643', kLam = u'\u0644',
                   kMeem = u'\u0645', kNoon = u'\u0646', kHeh = u'\u0647', kWaw = u'\u0648',
                   kYeh = u'\u064A', kYehHamza = u'\u0626', kWawHamza = u'\u0624';
constexpr std::u16string_view kArticle = u"ال";

// Thresholds of the lexicon checks, tuned on the even documents of the UD Arabic-PADT dev split
// (bench/stemming_eval.py reports the odd ones as held out). A cut is kept when the evidence of
// what remains is at least kMinimumEvidence and at least `ratio` times that of the word before
// the cut: a clitic or suffix may be cut from a more common form (كتابه → كتاب), a letter that
// may be a root letter only when the shorter word is at least as common (فعول → فعل).
constexpr std::uint64_t kMinimumEvidence = 2;
constexpr double kAffixRatio = 0.3;
constexpr double kRootLetterRatio = 1.0;
constexpr double kPluralRatio = 0.5;
constexpr double kNisbaRatio = 0.8;
constexpr double kConjunctionRatio = 0.1;
constexpr double kConjunctionBeforeAlefRatio = 0.03;
using detail::kMaximumWordUnits;

constexpr std::array<std::u16string_view, 10> kPronounSuffixes = {
    u"هما", u"كما", u"هم", u"هن", u"كم", u"ها", u"نا", u"ني", u"ه", u"ك"};
constexpr std::array<std::u16string_view, 6> kInflectionSuffixes = {u"ات", u"ون", u"ين",
                                                                    u"ان", u"وا", u"ت"};

// The letters (of U+0621..U+0660) that some suffix of `suffixes` ends with, a bit each: a word
// ending in none of them skips the loop over the suffixes.
template <std::size_t N>
constexpr std::uint64_t last_letters(const std::array<std::u16string_view, N>& suffixes) {
  std::uint64_t letters = 0;
  for (const std::u16string_view suffix : suffixes)
    letters |= std::uint64_t{1} << (suffix.back() - u'\u0621');
  return letters;
}
constexpr std::uint64_t kPronounLastLetters = last_letters(kPronounSuffixes);
constexpr std::uint64_t kInflectionLastLetters = last_letters(kInflectionSuffixes);
bool ends_in_one_of(std::u16string_view word, std::uint64_t letters) {
  if (word.empty()) return false;
  const unsigned offset = static_cast<unsigned>(word.back()) - 0x0621u;
  return offset < 64 && (letters >> offset & 1);
}

// A word assembled from pieces, on the stack: candidate stems are looked up, not allocated.
class Spelling {
 public:
  Spelling& operator<<(std::u16string_view piece) {
    const std::size_t n = std::min(piece.size(), units_.size() - size_);
    std::copy_n(piece.data(), n, units_.data() + size_);
    size_ += n;
    overflow_ |= n < piece.size();
    return *this;
  }
  Spelling& operator<<(char16_t unit) { return *this << std::u16string_view(&unit, 1); }
  std::u16string_view view() const {
    return overflow_ ? std::u16string_view() : std::u16string_view(units_.data(), size_);
  }

 private:
  std::array<char16_t, kMaximumWordUnits + 4> units_;  // only [0, size_) is ever read
  std::size_t size_ = 0;
  bool overflow_ = false;
};

std::vector<std::string> parse_lines(const char* text) {
  std::vector<std::string> lines;
  std::istringstream input(text);
  std::string line;
  while (std::getline(input, line)) {
    const auto first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line[first] == '#') continue;
    const auto last = line.find_last_not_of(" \t\r");
    lines.push_back(line.substr(first, last - first + 1));
  }
  return lines;
}

bool is_single_arabic_word(const icu::UnicodeString& name) {
  if (name.isEmpty()) return false;
  for (int32_t i = 0; i < name.length(); ++i) {
    const UChar32 c = name.char32At(i);
    if (u_getIntPropertyValue(c, UCHAR_SCRIPT) != USCRIPT_ARABIC) return false;
  }
  return true;
}

}  // namespace

namespace detail {
namespace {

// Words are a few units long: a plain loop beats a call to memcmp.
bool same_units(std::u16string_view word, const char16_t* other) noexcept {
  for (std::size_t i = 0; i < word.size(); ++i)
    if (word[i] != other[i]) return false;
  return true;
}

// Whether `stem` lies within `word`'s units (the word less its affixes), so that it can be kept
// as a place in the word.
bool is_part_of(std::u16string_view stem, std::u16string_view word) noexcept {
  return stem.data() >= word.data() && stem.data() + stem.size() <= word.data() + word.size();
}

}  // namespace

// A short word (nearly every one) from its packed units; a longer one four UTF-16 units per
// multiply, then a final mix so that the low bits used as the slot index depend on every unit.
std::uint64_t WordTable::hash_of(std::u16string_view word) noexcept {
  if (Packed units; pack(word, units)) return hash_of(units, word.size());
  std::uint64_t hash = 0x9e3779b97f4a7c15ULL ^ word.size();
  std::size_t i = 0;
  for (; i + 4 <= word.size(); i += 4) {
    std::uint64_t chunk;
    std::memcpy(&chunk, word.data() + i, sizeof chunk);
    hash = (hash ^ chunk) * 0xff51afd7ed558ccdULL;
    hash ^= hash >> 32;
  }
  std::uint64_t tail = 0;  // the last units, as a memcpy would load them (not a library call)
  for (std::size_t k = 0; i + k < word.size(); ++k) tail |= std::uint64_t{word[i + k]} << (16 * k);
  hash = (hash ^ tail) * 0xff51afd7ed558ccdULL;
  hash ^= hash >> 29;
  hash *= 0xbf58476d1ce4e5b9ULL;
  return hash ^ (hash >> 32);
}

void WordTable::Entry::set_stem(std::u16string_view s) noexcept {
  // A non-null pointer marks the stem as set, even when it is empty.
  static constexpr char16_t kNothing = 0;
  stem = s.data() ? s.data() : &kNothing;
  stem_size = static_cast<std::uint32_t>(s.size());
}

void WordTable::grow() {
  auto old = std::move(slots_);
  slots_.assign(old.empty() ? 64 : old.size() * 2, Slot{});
  const std::size_t mask = slots_.size() - 1;
  for (const Slot& slot : old) {
    if (!slot.entry.word) continue;
    std::size_t i = slot.hash & mask;
    while (slots_[i].entry.word) i = (i + 1) & mask;
    slots_[i] = slot;
  }
}

void WordTable::reserve(std::size_t words) {
  std::size_t slots = 64;
  while (slots < 2 * words) slots *= 2;
  slots_.assign(slots, Slot{});
}

WordTable::Entry& WordTable::insert(std::u16string_view word, std::uint64_t hash) {
  if ((size_ + 1) * 2 > slots_.size()) grow();  // at most half full: short probe runs
  const std::size_t mask = slots_.size() - 1;
  std::size_t i = hash & mask;
  for (; slots_[i].entry.word; i = (i + 1) & mask) {
    Slot& slot = slots_[i];
    if (slot.hash == hash && slot.entry.word_view() == word) return slot.entry;
  }
  if (!filter_.empty()) {
    const std::size_t bit = (hash >> 40) & (kFilterBits - 1);
    filter_[bit / 64] |= std::uint64_t{1} << (bit % 64);
  }
  slots_[i].hash = hash;
  std::copy_n(word.data(), std::min(word.size(), kUnitsInSlot), slots_[i].head.data());
  slots_[i].entry.word = word.data();
  slots_[i].entry.word_size = static_cast<std::uint32_t>(word.size());
  ++size_;
  return slots_[i].entry;
}

void WordTable::freeze() {
  filter_.assign(kFilterBits / 64, 0);
  for (const Slot& slot : slots_) {
    if (!slot.entry.word) continue;
    const std::size_t bit = (slot.hash >> 40) & (kFilterBits - 1);
    filter_[bit / 64] |= std::uint64_t{1} << (bit % 64);
  }
}

void WordTable::place_stems_in_words() {
  for (Slot& slot : slots_) {
    Entry& entry = slot.entry;
    if (!entry.word || !entry.stem) continue;
    if (is_part_of(entry.stem_view(), entry.word_view()))
      entry.stem_offset = static_cast<std::int16_t>(entry.stem - entry.word);
  }
}

const WordTable::Entry* WordTable::find(std::u16string_view word,
                                        std::uint64_t hash) const noexcept {
  if (Packed units; pack(word, units)) return find(units, word.size(), hash);
  return find_long(word, hash);
}

const WordTable::Entry* WordTable::find_long(std::u16string_view word,
                                             std::uint64_t hash) const noexcept {
  if (slots_.empty() || !may_contain(hash)) return nullptr;
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = hash & mask; slots_[i].entry.word; i = (i + 1) & mask) {
    const Slot& slot = slots_[i];
    if (slot.hash == hash && slot.entry.word_size == word.size() &&
        same_units(word, slot.entry.word))
      return &slot.entry;
  }
  return nullptr;
}

const WordTable::Entry* WordTable::find(const Packed& units, std::size_t size,
                                        std::uint64_t hash) const noexcept {
  if (slots_.empty() || !may_contain(hash)) return nullptr;
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = hash & mask; slots_[i].entry.word; i = (i + 1) & mask) {
    const Slot& slot = slots_[i];
    if (slot.hash != hash || slot.entry.word_size != size) continue;
    Packed head;
    std::memcpy(head.data(), slot.head.data(), sizeof head);
    if (head[0] == units[0] && head[1] == units[1]) return &slot.entry;
  }
  return nullptr;
}

KeptStem KeptStem::of(std::u16string_view word, std::u16string_view stem) noexcept {
  KeptStem kept;
  kept.word_size = static_cast<std::uint32_t>(word.size());
  kept.size = static_cast<std::uint16_t>(stem.size());
  if (is_part_of(stem, word)) {
    kept.offset = static_cast<std::uint16_t>(stem.data() - word.data());
  } else {
    static constexpr char16_t kNothing = 0;  // an empty stem elsewhere: still not the word's
    kept.text = stem.data() ? stem.data() : &kNothing;
  }
  return kept;
}

void StemTable::reserve(std::size_t words) {
  std::size_t slots = 64;
  while (slots < 2 * words) slots *= 2;
  if (slots > slots_.size()) grow(slots);
}

void StemTable::place(const Slot& slot, std::uint64_t hash) noexcept {
  const std::size_t mask = slots_.size() - 1;
  std::size_t i = hash & mask;
  while (slots_[i].stem.word_size) i = (i + 1) & mask;
  slots_[i] = slot;
}

void StemTable::grow(std::size_t slots) {
  auto old = std::move(slots_);
  slots_.assign(slots, Slot{});
  for (const Slot& slot : old) {
    const std::size_t size = slot.stem.word_size;
    if (!size) continue;
    place(slot,
          size <= WordTable::kUnitsInSlot ? WordTable::hash_of(slot.units, size) : slot.units[1]);
  }
}

void StemTable::insert(std::u16string_view word, std::uint64_t hash, const KeptStem& stem) {
  // At most half full: short probe runs.
  if ((size_ + 1) * 2 > slots_.size()) grow(slots_.empty() ? 64 : 2 * slots_.size());
  Slot slot;
  if (!WordTable::pack(word, slot.units)) {
    const std::uintptr_t text = reinterpret_cast<std::uintptr_t>(word.data());
    slot.units = {static_cast<std::uint64_t>(text), hash};
  }
  slot.stem = stem;
  place(slot, hash);
  ++size_;
}

bool StemTable::find(std::u16string_view word, const WordTable::Packed& units, std::uint64_t hash,
                     std::u16string_view& stem) const noexcept {
  if (slots_.empty()) return false;
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = hash & mask; slots_[i].stem.word_size; i = (i + 1) & mask) {
    const Slot& slot = slots_[i];
    if (slot.stem.word_size == word.size() && slot.units[0] == units[0] &&
        slot.units[1] == units[1]) {
      stem = slot.stem.in(word);
      return true;
    }
  }
  return false;
}

bool StemTable::find_long(std::u16string_view word, std::uint64_t hash,
                          std::u16string_view& stem) const noexcept {
  if (slots_.empty()) return false;
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = hash & mask; slots_[i].stem.word_size; i = (i + 1) & mask) {
    const Slot& slot = slots_[i];
    if (slot.stem.word_size != word.size() || slot.units[1] != hash) continue;
    const char16_t* text =
        reinterpret_cast<const char16_t*>(static_cast<std::uintptr_t>(slot.units[0]));
    if (same_units(word, text)) {
      stem = slot.stem.in(word);
      return true;
    }
  }
  return false;
}

}  // namespace detail

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

std::vector<std::string> icu_arabic_place_names() {
  std::vector<std::string> out;
  const icu::Locale arabic("ar");
  auto add = [&](const icu::UnicodeString& name) {
    if (!is_single_arabic_word(name)) return;
    std::string utf8;
    name.toUTF8String(utf8);
    out.push_back(std::move(utf8));
  };
  std::unique_ptr<icu::LocaleDisplayNames> display(icu::LocaleDisplayNames::createInstance(arabic));
  for (URegionType type : {URGN_TERRITORY, URGN_CONTINENT, URGN_SUBCONTINENT}) {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::StringEnumeration> regions(icu::Region::getAvailable(type, status));
    if (U_FAILURE(status) || !regions) continue;
    while (const char* code = regions->next(nullptr, status)) {
      if (U_FAILURE(status)) break;
      icu::UnicodeString name;
      display->regionDisplayName(code, name);
      add(name);
    }
  }
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::TimeZoneNames> zone_names(
      icu::TimeZoneNames::createInstance(arabic, status));
  std::unique_ptr<icu::StringEnumeration> zones(icu::TimeZone::createTimeZoneIDEnumeration(
      UCAL_ZONE_TYPE_CANONICAL_LOCATION, nullptr, nullptr, status));
  if (U_SUCCESS(status) && zone_names && zones) {
    while (const icu::UnicodeString* id = zones->snext(status)) {
      if (U_FAILURE(status)) break;
      icu::UnicodeString city;
      zone_names->getExemplarLocationName(*id, city);
      add(city);
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::u16string_view KhabarStemmer::keep(std::u16string word) {
  storage_.push_back(std::move(word));
  return storage_.back();
}

KhabarStemmer::KhabarStemmer(const std::vector<std::string>& names,
                             const std::vector<LexiconEntry>& lexicon) {
  std::u16string units;
  auto entry_of = [&](const std::string& word) -> detail::WordTable::Entry* {
    detail::decode_utf8(word, units);
    if (units.empty() || units.size() > kMaximumWordUnits) return nullptr;
    if (const detail::WordTable::Entry* known = words_.find(units))
      return const_cast<detail::WordTable::Entry*>(known);
    return &words_.insert(keep(units));
  };
  for (const std::string& name : names) {
    detail::WordTable::Entry* entry = entry_of(name);
    if (entry && !entry->name) {
      entry->name = true;
      ++name_count_;
    }
  }
  std::vector<std::pair<std::u16string_view, std::uint32_t>> definite;
  for (const LexiconEntry& word : lexicon) {
    detail::WordTable::Entry* entry = entry_of(word.word);
    if (!entry) continue;
    lexicon_size_ += entry->count == 0;
    entry->count += word.count;
    const std::u16string_view form = entry->word_view();
    if (form.size() >= 4 && form.substr(0, 2) == kArticle)
      definite.emplace_back(form.substr(2), word.count);
  }
  // The count of ال + X is kept on X's entry (added when X is not a word of its own).
  for (const auto& [bare, n] : definite) {
    const detail::WordTable::Entry* known = words_.find(bare);
    detail::WordTable::Entry& entry =
        known ? const_cast<detail::WordTable::Entry&>(*known) : words_.insert(bare);
    entry.definite += n;
  }
  words_.freeze();
  name_filter_.assign(kNameFilterBits / 64, 0);
  words_.for_each([&](std::u16string_view word, detail::WordTable::Entry& entry) {
    if (!entry.name) return;
    const std::size_t bit = detail::WordTable::hash_of(word) & (kNameFilterBits - 1);
    name_filter_[bit / 64] |= std::uint64_t{1} << (bit % 64);
  });
  // Every known word is stemmed once, here: stem() is then one look-up for them.
  words_.for_each([&](std::u16string_view word, detail::WordTable::Entry& entry) {
    entry.set_stem(entry.name ? word : analyze(word, std::uint64_t{entry.count} + entry.definite));
  });
  words_.place_stems_in_words();
  fill_front();
}

std::uint64_t KhabarStemmer::count(std::u16string_view word) const {
  const detail::WordTable::Entry* entry = words_.find(word);
  return entry ? entry->count : 0;
}

// How much the lexicon supports `word` being a word: its count alone and with the article
// (news nouns are mostly definite, so the bare form alone undercounts them).
std::uint64_t KhabarStemmer::evidence(std::u16string_view word) const {
  const detail::WordTable::Entry* entry = words_.find(word);
  return entry ? std::uint64_t{entry->count} + entry->definite : 0;
}

// How often the lexicon has `word` with the article: kept on the entry of `word` itself, so
// that a candidate stem is one look-up and never assembled with the article.
std::uint64_t KhabarStemmer::definite_count(std::u16string_view word) const {
  const detail::WordTable::Entry* entry = words_.find(word);
  return entry ? entry->definite : 0;
}

// `word` as a view into the stemmer's storage, for a candidate assembled on the stack:
// accepted candidates have evidence, so they are keys of the table (a word of the lexicon, or
// the form without the article of one).
std::u16string_view KhabarStemmer::stored(std::u16string_view word) const {
  const detail::WordTable::Entry* entry = words_.find(word);
  return entry && (entry->count || entry->definite) ? entry->word_view() : std::u16string_view();
}

// The evidence of `candidate` when it is enough to replace a word of evidence `current`, else 0.
std::uint64_t KhabarStemmer::accepted(std::u16string_view candidate, std::uint64_t current,
                                      double ratio) const {
  const std::uint64_t support = evidence(candidate);
  return support >= kMinimumEvidence &&
                 static_cast<double>(support) >= ratio * static_cast<double>(current)
             ? support
             : 0;
}

// The name behind و/ف, ب/ل/ك and the article in `word` (which is not itself a name): the name
// as listed. The clitics are read off the first two letters (at most one conjunction, then at
// most one preposition), not tried one by one: this runs for every word outside the lexicon.
std::u16string_view KhabarStemmer::name_behind_clitics(std::u16string_view word) const {
  auto name = [this](std::u16string_view candidate) -> std::u16string_view {
    if (candidate.empty()) return {};
    const std::uint64_t hash = detail::WordTable::hash_of(candidate);
    const std::size_t bit = hash & (kNameFilterBits - 1);
    if (!(name_filter_[bit / 64] >> (bit % 64) & 1)) return {};  // most candidates: no name
    const detail::WordTable::Entry* entry = words_.find(candidate, hash);
    return entry && entry->name ? entry->word_view() : std::u16string_view();
  };
  // The name in what follows the clitics: as it is, after the article, or (after ل) with the
  // alef of an article written لل (للسودان is ل + السودان).
  auto name_in = [&](std::u16string_view rest, bool after_lam) -> std::u16string_view {
    if (rest.size() < 2) return {};
    if (const std::u16string_view found = name(rest); !found.empty()) return found;
    if (starts_with(rest, kArticle) && rest.size() > 3) {
      if (const std::u16string_view found = name(rest.substr(2)); !found.empty()) return found;
    }
    if (after_lam && rest[0] == kLam) return name((Spelling() << kAlef << rest).view());
    return {};
  };
  std::u16string_view after_conjunction = word;
  if (!word.empty() && (word[0] == kWaw || word[0] == kFeh)) {
    after_conjunction.remove_prefix(1);
    if (const std::u16string_view found = name_in(after_conjunction, false); !found.empty())
      return found;
  }
  if (!after_conjunction.empty()) {
    const char16_t first = after_conjunction[0];
    if (first == kBeh || first == kLam || first == kKaf) {
      if (const std::u16string_view found = name_in(after_conjunction.substr(1), first == kLam);
          !found.empty())
        return found;
    }
  }
  // The article before a name listed without it.
  if (starts_with(word, kArticle) && word.size() > 3) return name(word.substr(2));
  return {};
}

// The singular of `w` read as a broken plural of a common pattern, as a view into the lexicon,
// or nothing. The singular must be in the lexicon with the article (a noun, not a verb or a
// particle of the same letters) and supported at least as well as the plural.
std::u16string_view KhabarStemmer::broken_plural_singular(std::u16string_view w,
                                                          std::uint64_t here) const {
  std::array<Spelling, 3> candidates;
  std::size_t n = 0;
  auto add = [&](std::initializer_list<char16_t> letters) {
    for (char16_t letter : letters) candidates[n] << letter;
    ++n;
  };
  // An imperfect verb (يقول تقوم نزور) has the shape of فعول: not read as a plural.
  const bool imperfect_shape = w[0] == kYeh || w[0] == kTeh || w[0] == kNoon;
  if (w.size() == 5 && w[0] == kAlef && w[3] == kAlef && w[4] == kHamza) {  // أفعاء → فعو, افع
    add({w[1], w[2], kWaw});                                                // اعضاء → عضو
    add({kAlef, w[1], w[2]});                                               // اسماء → اسم
  } else if (w.size() == 5 && w[0] == kAlef && w[3] == kAlef) {  // أفعال → فعل; أموال → مال
    add({w[1], w[2], w[4]});
    if (w[2] == kWaw || w[2] == kYeh) add({w[1], kAlef, w[4]});
  } else if (w.size() == 4 && w[2] == kWaw && !imperfect_shape) {  // فعول → فعل; حدود → حد
    add({w[0], w[1], w[3]});
    if (w[1] == w[3]) add({w[0], w[1]});
  } else if (w.size() == 5 && w[3] == kAlef && w[4] == kHamza) {  // فعلاء → فعيل
    add({w[0], w[1], kYeh, w[2]});
  } else if (w.size() == 5 && w[0] == kMeem && w[2] == kAlef) {  // مفاعل → مفعل, مفعلة
    add({kMeem, w[1], w[3], w[4]});
    add({kMeem, w[1], w[3], w[4], kHeh});
  } else if (w.size() == 6 && w[0] == kMeem && w[2] == kAlef && w[4] == kYeh) {  // مفاعيل → مفعول
    add({kMeem, w[1], w[3], kWaw, w[5]});
  } else if (w.size() == 6 && w[1] == kWaw && w[2] == kAlef && w[4] == kYeh) {  // فواعيل → فاعول
    add({w[0], kAlef, w[3], kWaw, w[5]});
  } else if (w.size() == 5 && w[2] == kAlef && w[3] == kYehHamza) {  // فعائل → فعيلة, فعيل, فعالة
    add({w[0], w[1], kYeh, w[4], kHeh});
    add({w[0], w[1], kYeh, w[4]});
    add({w[0], w[1], kAlef, w[4], kHeh});
  } else if (w.size() == 5 && w[2] == kAlef && w[3] == kYeh && w[4] == kAlef) {  // فعايا → فعية
    add({w[0], w[1], kYeh, kHeh});
  } else if (w.size() == 5 && w[1] == kWaw && w[2] == kAlef) {  // فواعل → فاعلة, فاعل
    add({w[0], kAlef, w[3], w[4], kHeh});
    add({w[0], kAlef, w[3], w[4]});
  } else if (w.size() == 5 && w[0] == kAlef && w[4] == kHeh) {  // أفعلة → فعال
    add({w[1], w[2], kAlef, w[3]});
  } else if (w.size() == 4 && w[2] == kAlef && w[3] == kHeh) {  // فعاة → فاعي (قضاة → قاضي)
    add({w[0], kAlef, w[1], kYeh});
  } else if (w.size() == 4 && w[2] == kAlef && w[0] != kYeh) {  // فعال → فعل, فعيل
    add({w[0], w[1], w[3]});
    if (w[3] != kHeh) add({w[0], w[1], kYeh, w[3]});
  }
  const detail::WordTable::Entry* singular = nullptr;
  std::uint64_t best = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const detail::WordTable::Entry* entry = words_.find(candidates[i].view());
    if (!entry || entry->definite < kMinimumEvidence) continue;
    const std::uint64_t support = std::uint64_t{entry->count} + entry->definite;
    if (support > best) {
      best = support;
      singular = entry;
    }
  }
  if (!singular || static_cast<double>(best) < kPluralRatio * static_cast<double>(here)) return {};
  return singular->word_view();
}

// The past (3rd person masculine singular, PADT's verb lemma) of `w` read as an imperfect
// (prefix ي ت ن ا), as a view into the lexicon, or nothing. Candidates: the word without the
// prefix (يكتب → كتب); with alef for the prefix, the forms IV, VII, VIII and X (يعلن → اعلن,
// يعتبر → اعتبر); a hollow verb's middle و/ي read as alef (يقول → قال, يكن → كان); an
// assimilated verb's lost و (يصل → وصل); the hamza seat ؤ of a hamzated first radical (يؤكد →
// اكد); a defective verb's final و read as alef (يدعو → دعا); a doubled verb's two letters (يتم
// → تم). The best supported candidate is taken when it is at least as common as the word.
std::u16string_view KhabarStemmer::imperfect_past(std::u16string_view w, std::uint64_t here) const {
  if (w.size() < 3 || !(w[0] == kYeh || w[0] == kTeh || w[0] == kNoon)) return {};
  // A noun the lexicon has with the article (النقل) is not read as a verb.
  if (definite_count(w) >= kMinimumEvidence) return {};
  const std::u16string_view rest = w.substr(1);
  // تفعيل is a verbal noun (تسليم, تعليم), not an imperfect.
  if (rest.size() == 4 && rest[2] == kYeh) return {};
  std::array<Spelling, 4> candidates;
  std::size_t n = 0;
  auto add = [&](std::u16string_view piece, std::initializer_list<char16_t> after = {}) {
    candidates[n] << piece;
    for (char16_t letter : after) candidates[n] << letter;
    ++n;
  };
  if (rest.size() == 2) {
    add(rest);                                 // يتم → تم
    add(rest.substr(0, 1), {kAlef, rest[1]});  // يكن → كان
    add(u"\u0648", {rest[0], rest[1]});        // يصل → وصل
  } else {
    add(rest);
    if (rest[0] == kWawHamza)
      add(u"\u0627", {}), candidates[n - 1] << rest.substr(1);  // يؤكد → اكد
    else
      add(u"\u0627", {}), candidates[n - 1] << rest;  // يعلن → اعلن
    if (rest.size() == 3 && (rest[1] == kWaw || rest[1] == kYeh))
      add(rest.substr(0, 1), {kAlef, rest[2]});  // يقول → قال
    else if (rest.size() == 3 && rest[2] == kWaw)
      add(rest.substr(0, 2), {kAlef});  // يدعو → دعا
  }
  // One look-up per candidate; a name is never the past of a verb (نيران is not ايران).
  const detail::WordTable::Entry* past = nullptr;
  std::uint64_t best = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const detail::WordTable::Entry* entry = words_.find(candidates[i].view());
    const std::uint64_t support =
        entry && !entry->name ? std::uint64_t{entry->count} + entry->definite : 0;
    if (support > best) {
      best = support;
      past = entry;
    }
  }
  if (!past || best < kMinimumEvidence ||
      static_cast<double>(best) < kRootLetterRatio * static_cast<double>(here))
    return {};
  return past->word_view();
}

// Starts fetching the word-table slots of the first cuts analyze() weighs for `w`: a word met
// for the first time is analysed with the table out of cache, and its look-ups, one after the
// other, would each wait on memory. Only slots the filter does not rule out are fetched.
// Only the pipelined stem(word, lookup, memory) of a pass over documents does this: there it
// took a first tokenization of the ANT corpus from 0.721 to 0.675 s, while a loop of single
// stem(word, memory) calls, whose tables stay in cache, ran 7% slower with it (27.3 against
// 25.5 ns a token over the PADT dev tokens), and one Python call per token gained nothing.
void KhabarStemmer::prefetch_cuts(std::u16string_view w) const noexcept {
  auto fetch = [this](std::u16string_view piece) {
    const std::uint64_t hash = detail::WordTable::hash_of(piece);
    if (words_.may_contain(hash)) words_.prefetch(hash);
  };
  const char16_t first = w[0];
  if (first == kWaw || first == kFeh || first == kBeh || first == kLam || first == kKaf)
    fetch(w.substr(1));  // the conjunction or the preposition
  if (w.size() >= 4 && (first == kLam || (first == kAlef && w[1] == kLam)))
    fetch(w.substr(2));                                                    // the article, or لل
  if (w.size() >= 5 && w[1] == kAlef && w[2] == kLam) fetch(w.substr(3));  // وال بال كال فال
  if (ends_in_one_of(w, kPronounLastLetters | kInflectionLastLetters)) {
    fetch(w.substr(0, w.size() - 1));  // a suffix of one letter, or two
    fetch(w.substr(0, w.size() - 2));
  }
}

std::u16string_view KhabarStemmer::analyze(std::u16string_view w, std::uint64_t here) const {
  if (w.size() <= 2 || w.size() > kMaximumWordUnits) return w;
  if (const std::u16string_view name = name_behind_clitics(w); !name.empty()) return name;
  // `here`, the evidence of w, is kept up to date with each cut.

  // Proclitics: a conjunction, then a preposition or the article; none is cut from a word the
  // lexicon has with the article (الوضع: وضع is a word, not و + ضع).
  // A word of no evidence is not in the lexicon, so not with the article either: the look-up is
  // spared for every unknown word.
  const bool definite_word = here > 0 && definite_count(w) >= kMinimumEvidence;
  // و/ف may be cut from a form far more common than the word without it: news writes واضاف
  // more often than اضاف, and a verb of form IV (و + افعل) more often still.
  if (!definite_word && (w[0] == kWaw || w[0] == kFeh) && w.size() >= 4) {
    if (const std::uint64_t e = accepted(
            w.substr(1), here, w[1] == kAlef ? kConjunctionBeforeAlefRatio : kConjunctionRatio)) {
      w.remove_prefix(1);
      here = e;
    }
  }
  bool preposition = definite_word;
  for (char16_t letter : {kBeh, kLam, kKaf}) {
    if (preposition) break;
    if (w[0] != letter) continue;
    if (starts_with(w.substr(1), kArticle) && w.size() >= 5) {
      w.remove_prefix(3);
      here = evidence(w);
      preposition = true;
    } else if (letter == kLam && w.size() >= 4 && w[1] == kLam) {
      // لل is ل + ال, and ل + ال + a word of initial ل (للجنة is ل + اللجنة).
      const std::uint64_t own_lam = w.size() >= 5 ? evidence(w.substr(1)) : 0;
      const std::uint64_t after = evidence(w.substr(2));
      w.remove_prefix(own_lam > after ? 1 : 2);
      here = std::max(own_lam, after);
      preposition = true;
    } else if (w.size() >= 4) {
      if (const std::uint64_t e = accepted(w.substr(1), here, kAffixRatio)) {
        w.remove_prefix(1);
        here = e;
        preposition = true;
      }
    }
    break;
  }
  // The article; ال + ت of a word never seen without it is form VIII's (التزم, التزام).
  if (!preposition && starts_with(w, kArticle) && w.size() >= 4) {
    const std::uint64_t e = evidence(w.substr(2));
    if (e >= kMinimumEvidence && (w[2] != kTeh || count(w.substr(2)) > 0)) {
      w.remove_prefix(2);
      here = e;
    }
  }

  // One pronoun suffix; a feminine noun spells its ة as ت before it (حكومته → حكومة).
  if (ends_in_one_of(w, kPronounLastLetters)) {
    for (std::u16string_view pronoun : kPronounSuffixes) {
      if (w.size() < pronoun.size() + 3 || !ends_with(w, pronoun)) continue;
      std::u16string_view best = w.substr(0, w.size() - pronoun.size());
      if (best.back() == kTeh) {
        const std::u16string_view feminine =
            stored((Spelling() << best.substr(0, best.size() - 1) << kHeh).view());
        if (!feminine.empty() && evidence(feminine) > evidence(best)) best = feminine;
      }
      if (const std::uint64_t e = accepted(best, here, kAffixRatio)) {
        w = best;
        here = e;
        break;
      }
    }
  }
  // One inflection: sound plurals, duals, past-tense endings; ات may stand for ة (a final ت is
  // the past tense's: اضافت is اضاف, not اضافة).
  // A word with a sound plural or ة is not also a broken plural (محاكمات is not محاكم), nor a
  // verb when the ending was a noun's (التحديات is not تحدى → حد).
  bool inflected = false, noun_ending = false;
  // The past ت after two letters: a doubled or hollow verb (تمت → تم, كنت → كان).
  if (w.size() == 3 && w[2] == kTeh && w[1] != kAlef && w[1] != kWaw && w[1] != kYeh) {
    const std::u16string_view doubled = w.substr(0, 2);
    const std::u16string_view hollow = stored((Spelling() << w[0] << kAlef << w[1]).view());
    const std::u16string_view past = evidence(hollow) > evidence(doubled) ? hollow : doubled;
    if (evidence(past) >= std::max<std::uint64_t>(kMinimumEvidence, here)) return stored(past);
  }
  if (ends_in_one_of(w, kInflectionLastLetters)) {
    for (std::u16string_view ending : kInflectionSuffixes) {
      if (w.size() < ending.size() + 3 || !ends_with(w, ending)) continue;
      std::u16string_view best = w.substr(0, w.size() - ending.size());
      if (ending == u"ات") {
        const std::u16string_view feminine = stored((Spelling() << best << kHeh).view());
        if (!feminine.empty() && evidence(feminine) > evidence(best)) best = feminine;
      }
      // وات after a stem of two letters is the plural of a noun in ة (سنوات → سنة).
      if (ending == u"ات" && best.size() == 3 && best.back() == kWaw) {
        const std::u16string_view feminine =
            stored((Spelling() << best.substr(0, 2) << kHeh).view());
        if (!feminine.empty() && evidence(feminine) > evidence(best)) best = feminine;
      }
      if (const std::uint64_t e = accepted(best, here, kAffixRatio)) {
        w = best;
        here = e;
        inflected = true;
        noun_ending = ending == u"ات";
        break;
      }
    }
  }
  // A final ة is kept (كبيرة is not cut to كبير): the cut cost ANT kNN macro-F1 more than it
  // gained (with it 0.8672, without 0.8685; B-cubed strict F1 0.922 -> 0.921).
  // The alef of the accusative ending (عاما → عام).
  if (w.size() >= 4 && w.back() == kAlef) {
    if (const std::uint64_t e = accepted(w.substr(0, w.size() - 1), here, kAffixRatio)) {
      w.remove_suffix(1);
      here = e;
    }
  }
  // The nisba ي (مصري → مصر) only where the noun is at least as common as the adjective.
  // The same ي ends the feminine فعلى of an elative افعل (اخرى → اخر, اولى → اول).
  const bool elative = w.size() == 4 && w[0] == kAlef;
  // Not when the noun is more common with ة (دولي is of دولة, not of its plural دول).
  if (w.size() >= 4 && w.back() == kYeh) {
    const std::u16string_view noun = w.substr(0, w.size() - 1);
    if (const std::uint64_t e = accepted(noun, here, elative ? kAffixRatio : kNisbaRatio);
        e && evidence((Spelling() << noun << kHeh).view()) <= e) {
      w = noun;
      here = e;
      inflected = noun_ending = true;
    }
  }
  // The future prefix س before an imperfect (سيكون → يكون).
  if (w.size() >= 4 && w[0] == kSeen &&
      (w[1] == kYeh || w[1] == kTeh || w[1] == kNoon || w[1] == kAlef)) {
    if (const std::uint64_t e = accepted(w.substr(1), here, kAffixRatio)) {
      w.remove_prefix(1);
      here = e;
    }
  }
  // Broken plurals, back to a singular that the lexicon has with the article (a noun).
  if (!inflected) {
    if (const std::u16string_view singular = broken_plural_singular(w, here); !singular.empty())
      return singular;
  }
  // An imperfect verb, back to its past as PADT lemmatizes it.
  if (noun_ending) return w;
  if (const std::u16string_view past = imperfect_past(w, here); !past.empty()) return past;
  return w;
}

// Words are put in by decreasing lexicon count: a common word keeps its entry against a rarer
// one of the same index.
void KhabarStemmer::fill_front() {
  std::vector<std::pair<std::uint32_t, const detail::WordTable::Entry*>> by_count;
  words_.for_each([&](std::u16string_view word, detail::WordTable::Entry& entry) {
    if (word.size() > 2 && word.size() <= detail::WordTable::kUnitsInSlot && entry.stem)
      by_count.emplace_back(entry.count, &entry);
  });
  std::stable_sort(by_count.begin(), by_count.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  front_.assign(std::size_t{1} << kFrontBits, FrontEntry{});
  for (const auto& [n, entry] : by_count) {
    FrontEntry front;
    detail::WordTable::pack(entry->word_view(), front.units);
    FrontEntry& slot =
        front_[front_index(detail::WordTable::hash_of(front.units, entry->word_size))];
    if (slot.stem.word_size) continue;
    front.stem = detail::KeptStem::of(entry->word_view(), entry->stem_view());
    slot = front;
  }
}

bool KhabarStemmer::known_stem(std::u16string_view word, const Lookup& lookup,
                               std::u16string_view& stem) const noexcept {
  const detail::WordTable::Entry* known;
  if (word.size() <= detail::WordTable::kUnitsInSlot) {
    const FrontEntry& front = front_[front_index(lookup.hash)];
    if (front.stem.word_size == word.size() && front.units[0] == lookup.units[0] &&
        front.units[1] == lookup.units[1]) {
      stem = front.stem.in(word);
      return true;
    }
    known = words_.find(lookup.units, word.size(), lookup.hash);
  } else {
    known = words_.find_long(word, lookup.hash);
  }
  if (!known) return false;
  stem = known->stem_of(word);
  return true;
}

std::u16string_view KhabarStemmer::stem(std::u16string_view word) const {
  if (word.size() <= 2 || word.size() > kMaximumWordUnits) return word;
  if (std::u16string_view stem; known_stem(word, lookup_of(word), stem)) return stem;
  return analyze(word, 0);
}

std::u16string_view KhabarStemmer::stem(std::u16string_view word, StemMemory& memory) const {
  if (word.size() <= 2 || word.size() > kMaximumWordUnits) return word;
  return remembered_stem(word, lookup_of(word), memory, false);
}

std::u16string_view KhabarStemmer::stem(std::u16string_view word, const Lookup& lookup,
                                        StemMemory& memory) const {
  if (word.size() <= 2 || word.size() > kMaximumWordUnits) return word;
  return remembered_stem(word, lookup, memory, true);
}

std::u16string_view KhabarStemmer::remembered_stem(std::u16string_view word, const Lookup& lookup,
                                                   StemMemory& memory,
                                                   bool with_prefetched_cuts) const {
  if (std::u16string_view stem; known_stem(word, lookup, stem)) return stem;
  const bool packed = word.size() <= detail::WordTable::kUnitsInSlot;
  if (std::u16string_view known; packed ? memory.stems_.find(word, lookup.units, lookup.hash, known)
                                        : memory.stems_.find_long(word, lookup.hash, known))
    return known;
  if (with_prefetched_cuts) prefetch_cuts(word);
  const std::u16string_view stem = analyze(word, 0);  // not in the table: no evidence
  if (memory.stems_.size() >= memory.capacity_) return stem;
  // A short word is packed in its slot; a longer one is compared with a copy of its text. The
  // stem is kept as a place in the word when it is part of it, read back from the caller's.
  memory.stems_.insert(packed ? word : memory.remember(word), lookup.hash,
                       detail::KeptStem::of(word, stem));
  return stem;
}

std::size_t StemMemory::words_expected_in(std::size_t text_bytes) noexcept {
  // Heaps' law fitted on the ANT multi-source corpus with Arabic stopwords: 12,238 unknown
  // words in its first 1.2 MB, 164,599 in all 70 MB (1.57 n^0.64 gives 12.3k and 164.8k).
  return static_cast<std::size_t>(1.57 * std::pow(static_cast<double>(text_bytes), 0.64));
}

void StemMemory::expect_text(std::size_t text_bytes) {
  stems_.reserve(std::min(capacity_, words_expected_in(text_bytes)));
}

std::u16string_view StemMemory::remember(std::u16string_view word) {
  constexpr std::size_t kBlockUnits = 16384;
  static_assert(kBlockUnits >= detail::kMaximumWordUnits, "a kept word fits in a block");
  if (word.size() > block_free_) {
    blocks_.push_back(std::make_unique<char16_t[]>(kBlockUnits));
    block_next_ = blocks_.back().get();
    block_free_ = kBlockUnits;
  }
  char16_t* copy = block_next_;
  std::copy_n(word.data(), word.size(), copy);
  block_next_ += word.size();
  block_free_ -= word.size();
  return {copy, word.size()};
}

std::string KhabarStemmer::stem(std::string_view word) const {
  std::u16string units;
  detail::decode_utf8(word, units);
  return detail::to_utf8(stem(std::u16string_view(units)));
}

std::unique_ptr<const KhabarStemmer> KhabarStemmer::from_built_in_data(bool with_padt_names) {
  const Normalizer normalizer;
  std::vector<std::string> names;
  for (const std::string& name : icu_arabic_place_names())
    names.push_back(normalizer.normalize(name));
  if (with_padt_names)
    for (const std::string& name : parse_lines(detail::kPadtNamesText))
      names.push_back(normalizer.normalize(name));
  std::vector<LexiconEntry> lexicon;
  for (const std::string& line : parse_lines(detail::kStemmerLexiconText)) {
    const auto tab = line.find('\t');
    if (tab == std::string::npos) continue;
    lexicon.push_back(LexiconEntry{line.substr(0, tab),
                                   static_cast<std::uint32_t>(std::stoul(line.substr(tab + 1)))});
  }
  return std::make_unique<const KhabarStemmer>(names, lexicon);
}

const KhabarStemmer& KhabarStemmer::built_in() {
  static const std::unique_ptr<const KhabarStemmer> stemmer = from_built_in_data(true);
  return *stemmer;
}

std::u16string_view khabar_stem(std::u16string_view word) {
  thread_local StemMemory memory;
  return KhabarStemmer::built_in().stem(word, memory);
}

std::string khabar_stem(std::string_view word) {
  std::u16string units;
  detail::decode_utf8(word, units);
  return detail::to_utf8(khabar_stem(std::u16string_view(units)));
}

}  // namespace khabar
