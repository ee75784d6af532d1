#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "khabar/huge_pages.hpp"

namespace khabar {
namespace detail {

/// The stemmer's words: open addressing with linear probing in one array, so that a look-up
/// touches one slot (and the word's text) instead of chasing hash-node pointers. Each word has
/// its stem, its lexicon count and whether it is a name. Words and stems are views into storage
/// the owner keeps alive.
class WordTable {
 public:
  struct Entry {
    const char16_t* word = nullptr;  ///< null in an empty slot
    std::uint32_t word_size = 0;
    const char16_t* stem = nullptr;  ///< null until a stem is set
    std::uint32_t stem_size = 0;
    std::uint32_t count = 0;
    std::uint32_t definite = 0;  ///< the lexicon count of the word with the article
    bool name = false;
    /// Where the stem starts in the word, when it is part of it (see place_stems_in_words()).
    std::int16_t stem_offset = -1;
    std::u16string_view word_view() const noexcept { return {word, word_size}; }
    std::u16string_view stem_view() const noexcept { return {stem, stem_size}; }
    /// The stem of `word` (this entry's word, in the caller's copy).
    std::u16string_view stem_of(std::u16string_view word) const noexcept {
      return stem_offset >= 0 ? std::u16string_view(word.data() + stem_offset, stem_size)
                              : stem_view();
    }
    void set_stem(std::u16string_view s) noexcept;
  };

  /// A word of at most kUnitsInSlot units as two 64-bit numbers (its units, zero-padded):
  /// such a word is hashed and compared in a few instructions. False for a longer word.
  using Packed = std::array<std::uint64_t, 2>;
  static constexpr std::size_t kUnitsInSlot = 8;
  static bool pack(std::u16string_view word, Packed& units) noexcept {
    const std::size_t n = word.size();
    if (n > kUnitsInSlot) return false;
    // Built in registers from whole 64-bit loads of the word (the last four units: the second
    // number's units shifted down), not through a buffer on the stack, whose unit-wide stores
    // a 64-bit load could not take from the store queue.
    if (n < 4) {
      std::uint64_t low = 0;
      for (std::size_t i = 0; i < n; ++i) low |= std::uint64_t{word[i]} << (16 * i);
      units = {low, 0};
      return true;
    }
    std::memcpy(&units[0], word.data(), sizeof units[0]);
    units[1] = 0;
    if (n > 4) {
      std::memcpy(&units[1], word.data() + n - 4, sizeof units[1]);
      units[1] >>= 16 * (kUnitsInSlot - n);
    }
    return true;
  }
  static std::uint64_t hash_of(const Packed& units, std::size_t size) noexcept {
    std::uint64_t hash = (units[0] * 0xff51afd7ed558ccdULL) ^ (units[1] * 0xc4ceb9fe1a85ec53ULL) ^
                         (0x9e3779b97f4a7c15ULL + size);
    hash ^= hash >> 29;
    hash *= 0xbf58476d1ce4e5b9ULL;
    return hash ^ (hash >> 32);
  }
  static std::uint64_t hash_of(std::u16string_view word) noexcept;
  /// The entry of `word`, added (empty) when it is not there yet.
  Entry& insert(std::u16string_view word) { return insert(word, hash_of(word)); }
  /// The same, with the word's hash_of() already computed.
  Entry& insert(std::u16string_view word, std::uint64_t hash);
  const Entry* find(std::u16string_view word, std::uint64_t hash) const noexcept;
  /// The same for a word that pack() packed.
  const Entry* find(const Packed& units, std::size_t size, std::uint64_t hash) const noexcept;
  /// The same for a word that pack() did not pack (over kUnitsInSlot units).
  const Entry* find_long(std::u16string_view word, std::uint64_t hash) const noexcept;
  const Entry* find(std::u16string_view word) const noexcept {
    if (Packed units; pack(word, units))
      return word.empty() ? nullptr : find(units, word.size(), hash_of(units, word.size()));
    return find_long(word, hash_of(word));
  }
  std::size_t size() const noexcept { return size_; }
  /// Room for `words` words without growing (the table is empty).
  void reserve(std::size_t words);
  /// False when the filter rules the word of this hash out (always true before freeze()).
  bool may_contain(std::uint64_t hash) const noexcept {
    const std::size_t bit = (hash >> 40) & (kFilterBits - 1);
    return filter_.empty() || (filter_[bit / 64] >> (bit % 64) & 1);
  }
  /// Asks the processor to fetch the slot where `hash` starts, for a find() soon after.
  void prefetch(std::uint64_t hash) const noexcept {
    if (!slots_.empty()) __builtin_prefetch(&slots_[hash & (slots_.size() - 1)]);
  }
  /// Adds a bit filter of the words' hashes, small enough to stay in cache, which find() asks
  /// first: most words looked up are not in the table.
  void freeze();
  /// Notes where each stem that is part of its word starts in it, so that stem_of() hands it
  /// out from the caller's copy of the word, which is in cache, and not from the table's.
  void place_stems_in_words();
  /// Calls f(word, entry) for every word, in no particular order.
  template <typename F>
  void for_each(F&& f) {
    for (Slot& slot : slots_)
      if (slot.entry.word) f(slot.entry.word_view(), slot.entry);
  }

 private:
  // A word's first units (kUnitsInSlot, zero-padded) are kept in its slot: most Arabic words
  // fit, so finding one reads one cache line and not the word's text elsewhere.
  // One cache line each, aligned: a look-up that finds a short word reads one line.
  struct alignas(64) Slot {
    std::uint64_t hash = 0;
    std::array<char16_t, kUnitsInSlot> head{};
    Entry entry;
  };
  void grow();
  static constexpr std::size_t kFilterBits = std::size_t{1} << 20;
  std::vector<std::uint64_t> filter_;
  std::vector<Slot, HugePageAllocator<Slot>> slots_;
  std::size_t size_ = 0;
};

/// Longer "words" (URLs, runs of letters) are their own stem, never analysed nor kept.
inline constexpr std::size_t kMaximumWordUnits = 60;

/// A word's size and its stem, as the front table and a StemMemory keep them. Most stems are
/// the word less its affixes: those are kept as a place in the word and read from the caller's
/// copy of it, which is in cache, and not from a copy elsewhere (on the ANT corpus that copy
/// was a cache miss for one token in four). The others (a singular, a restored ة, a verb's
/// past) point at the stemmer's copy.
struct KeptStem {
  const char16_t* text = nullptr;  ///< null: the stem is the word's units [offset, offset + size)
  std::uint16_t offset = 0;
  std::uint16_t size = 0;
  std::uint32_t word_size = 0;  ///< 0 in an empty slot
  /// `stem` of `word` (at most kMaximumWordUnits units), kept.
  static KeptStem of(std::u16string_view word, std::u16string_view stem) noexcept;
  std::u16string_view in(std::u16string_view word) const noexcept {
    return text ? std::u16string_view(text, size) : std::u16string_view(word.data() + offset, size);
  }
};

/// The stems a StemMemory keeps: open addressing with linear probing like WordTable, but 32
/// bytes a slot (a word and its stem; no counts, no name bit), so that the memory of a large
/// corpus's unknown words (164,613 on the ANT multi-source split: 2^19 slots) takes 16 MB
/// instead of 32 MB (half the lines to miss on; this machine's L3 is 32 MB). A short word (pack())
/// is kept packed in its slot; a longer one as a pointer to its text and its hash. Words and stems
/// are views into storage the owner keeps alive; no word of fewer than 3 units is kept (size 0
/// marks an empty slot).
class StemTable {
 public:
  std::size_t size() const noexcept { return size_; }
  /// Room for `words` words without growing.
  void reserve(std::size_t words);
  /// Whether the short word `word` (packed as `units`, of hash `hash`) is kept; its stem then in
  /// `stem`.
  bool find(std::u16string_view word, const WordTable::Packed& units, std::uint64_t hash,
            std::u16string_view& stem) const noexcept;
  /// The same for a word longer than WordTable::kUnitsInSlot.
  bool find_long(std::u16string_view word, std::uint64_t hash,
                 std::u16string_view& stem) const noexcept;
  /// Adds `word` (of 3 to kMaximumWordUnits units, not in the table) with its stem. A word
  /// longer than WordTable::kUnitsInSlot must be a view that outlives the table; a short one is
  /// kept in its slot.
  void insert(std::u16string_view word, std::uint64_t hash, const KeptStem& stem);
  void prefetch(std::uint64_t hash) const noexcept {
    if (!slots_.empty()) __builtin_prefetch(&slots_[hash & (slots_.size() - 1)]);
  }

 private:
  struct Slot {
    WordTable::Packed units{};  ///< a long word: its text pointer and its hash
    KeptStem stem;
  };
  static_assert(sizeof(Slot) == 32, "two slots a cache line");
  void grow(std::size_t slots);
  void place(const Slot& slot, std::uint64_t hash) noexcept;
  std::vector<Slot, HugePageAllocator<Slot>> slots_;
  std::size_t size_ = 0;
};

}  // namespace detail

/// The stems of the words a KhabarStemmer found outside its lexicon, kept by the caller so that
/// each is analysed once (news vocabularies are Zipfian: most unknown words come back). Used by
/// one thread at a time and with one stemmer. A stem found in it is a view into the word being
/// stemmed (when it is part of it) or into storage that lives as long as the memory.
class StemMemory {
 public:
  explicit StemMemory(std::size_t capacity = std::size_t{1} << 20) : capacity_(capacity) {
    // A document brings hundreds of unknown words: the first doublings are skipped.
    stems_.reserve(std::min<std::size_t>(capacity, kInitialWords));
  }
  std::size_t size() const noexcept { return stems_.size(); }
  /// Makes room at once for the unknown words of about `text_bytes` bytes (UTF-8) of news text
  /// to come, which the table would otherwise reach by doubling: on a first pass over the ANT
  /// corpus the doublings (each a fresh table to fault in and fill) took 6% of tokenization.
  void expect_text(std::size_t text_bytes);
  /// About how many distinct words outside the stemmer's lexicon that much news text holds.
  static std::size_t words_expected_in(std::size_t text_bytes) noexcept;

 private:
  friend class KhabarStemmer;
  static constexpr std::size_t kInitialWords = 2048;
  /// A copy of `word` in blocks of units that never move (one allocation per block, not one
  /// per word).
  std::u16string_view remember(std::u16string_view word);
  std::size_t capacity_;
  std::vector<std::unique_ptr<char16_t[]>> blocks_;
  char16_t* block_next_ = nullptr;  // where the next word goes in the last block
  std::size_t block_free_ = 0;      // units left after it
  detail::StemTable stems_;
};

/// The Light10 stemmer (Larkey, Ballesteros & Connell, "Light Stemming for Arabic Information
/// Retrieval", 2007) with the exact rules of Lucene's ArabicStemmer: strip at most one prefix of
/// ال وال بال كال فال لل و (و only from words of ≥ 4 letters, the others only when ≥ 2 letters
/// remain), then try each suffix of ها ان ات ون ين يه ية ه ة ي in that order, stripping it when
/// the word ends with it and ≥ 2 letters remain. Expects normalized text (see Normalizer).
///
/// Light10 only removes affixes, so the stem is a view into `word`.
std::u16string_view light10_stem(std::u16string_view word);

/// UTF-8 convenience form. Throws InvalidTextError on invalid UTF-8.
std::string light10_stem(std::string_view word);

/// One word of a stemmer lexicon and how often it occurs in the corpus the lexicon was counted
/// on (normalized as the text to stem is).
struct LexiconEntry {
  std::string word;
  std::uint32_t count = 0;
};

/// khabar's Arabic news stemmer (`stemmer="khabar"`): a light stemmer whose every cut is checked
/// against a lexicon, and which never changes a known proper name.
///
/// 1. A known name (or a name behind the clitics و ف ب ل ك لل) stems to the name as listed:
///    لروسيا → روسيا, للسودان → السودان, لبنان stays لبنان.
/// 2. Proclitics: the conjunction و/ف, then the preposition ب/ل/ك or the article (ال, لل; لل
///    before a word of initial ل: للجنة → لجنة) — none cut from a word the lexicon has with the
///    article (وضع: الوضع), and ال + ت kept on a word never seen without it (التزم, form VIII).
/// 3. Suffixes: one pronoun (هما كما هم هن كم ها نا ني ه ك; ت before it read as ة), then
///    one of ات ون ين ان وا ت (ات may give back ة, وات after two letters too: سنوات → سنة; a
///    final ت is the past tense's; after two letters a doubled or hollow verb: تمت → تم, كنت →
///    كان), the accusative alef (a final ة is kept: كبيرة is not cut to كبير), the nisba ي (not
///    onto a noun more common with ة: دولي is not of دول; the feminine elative اخرى → اخر with a
///    lower threshold) and the future س.
/// 4. Broken plurals (not after a sound plural or the nisba), to a singular the lexicon has with
/// the
///    article: أفعال (أموال → مال), أفعاء, فعول (حدود → حد), فعلاء, مفاعل, مفاعيل, فواعيل,
///    فعائل, فعايا, فواعل, أفعلة, فعاة (قضاة → قاضي), فعال (→ فعل, فعيل).
/// 5. Imperfect verbs (prefix ي ت ن; not after a noun's ending, not a noun the lexicon has with
///    the article, not تفعيل) to the past as PADT lemmatizes them: the best supported of the word
///    without the prefix (يكتب → كتب), with alef for it (يعلن → اعلن, يعتبر → اعتبر, يؤكد →
///    اكد), the hollow alef (يقول → قال, يكن → كان), the assimilated و (يصل → وصل), the
///    defective alef (يدعو → دعا), never a name.
/// Each cut is kept only when what remains is a word of the lexicon at least as common as the
/// thresholds say relative to the word before the cut (evidence = count of the form alone plus
/// with the article), so وزير stays وزير (زير is rare) while وقال becomes قال. Stems are at least
/// three letters (two for the article and the few verb rules above). Expects text normalized
/// with khabar's default flags, which is how its data is spelled.
///
/// The lexicon's words are stemmed once at construction, so stemming a known word is one hash
/// look-up; a StemMemory given to stem() keeps the stems of the other words. Immutable after
/// construction and safe to share between threads. A stem is a view into `word`, into the
/// stemmer's storage or into the memory, valid as long as they are.
class KhabarStemmer {
 public:
  /// A stemmer on the given names (UTF-8, stemmed to themselves) and lexicon, both normalized
  /// as the text will be.
  KhabarStemmer(const std::vector<std::string>& names, const std::vector<LexiconEntry>& lexicon);

  /// The stemmer on khabar's data, built on first use: ICU's Arabic (`ar` locale) display names
  /// of regions and time-zone cities (single words), the names learned from the UD Arabic-PADT
  /// development split (cpp/data/names-ar-padt.txt) and a lexicon counted on the ANT corpus
  /// (cpp/data/lexicon-ar.tsv), all normalized with khabar's default Normalizer.
  static const KhabarStemmer& built_in();
  /// A new stemmer on the same data, or, with `with_padt_names` false, without the names
  /// learned from PADT (CC BY-NC-SA): ICU's names and the lexicon only. bench/stemming_eval.py
  /// measures what that list adds.
  static std::unique_ptr<const KhabarStemmer> from_built_in_data(bool with_padt_names);

  std::u16string_view stem(std::u16string_view word) const;
  /// The same stem; a word outside the lexicon is analysed once and then found in `memory`
  /// (until it holds its capacity of words).
  std::u16string_view stem(std::u16string_view word, StemMemory& memory) const;
  /// UTF-8 convenience form. Throws InvalidTextError on invalid UTF-8.
  std::string stem(std::string_view word) const;
  /// A word's packed units and hash, computed once: by prefetch() for a word a few ahead, then
  /// used by stem() when the caller reaches it.
  struct Lookup {
    detail::WordTable::Packed units{};
    std::uint64_t hash = 0;
  };
  /// Hashes `word` and starts fetching what stem(word, lookup, memory) may read (the
  /// front-table entry of a short word, and its slots in the stemmer's table and in the memory),
  /// so that a caller going through many words can hide the memory latency of a look-up behind
  /// the words before it. Both slots, not the one the filter would choose: reading the filter to
  /// choose was itself a wait on memory.
  Lookup prefetch(std::u16string_view word, const StemMemory& memory) const noexcept {
    if (word.size() <= 2 || word.size() > detail::kMaximumWordUnits) return Lookup{};
    const Lookup lookup = lookup_of(word);
    if (word.size() <= detail::WordTable::kUnitsInSlot)
      __builtin_prefetch(&front_[front_index(lookup.hash)]);
    words_.prefetch(lookup.hash);
    memory.stems_.prefetch(lookup.hash);
    return lookup;
  }
  /// stem(word, memory) for a word that prefetch() returned `lookup` for. A word new to the
  /// memory also has the look-ups of its first cuts started before it is analysed (see
  /// stemmer.cpp): in a pass over whole documents the tables are out of cache.
  std::u16string_view stem(std::u16string_view word, const Lookup& lookup,
                           StemMemory& memory) const;

  /// Whether `word` (normalized) is one of the stemmer's proper names.
  bool is_name(std::u16string_view word) const {
    const detail::WordTable::Entry* entry = words_.find(word);
    return entry && entry->name;
  }
  std::size_t name_count() const noexcept { return name_count_; }
  std::size_t lexicon_size() const noexcept { return lexicon_size_; }

  KhabarStemmer(const KhabarStemmer&) = delete;
  KhabarStemmer& operator=(const KhabarStemmer&) = delete;

 private:
  std::u16string_view keep(std::u16string word);
  /// The stem of `word`, whose evidence (lexicon count alone and with the article) is `here`.
  std::u16string_view analyze(std::u16string_view word, std::uint64_t here) const;
  /// The two stem(word, ..., memory) once `word` has a length the stemmer handles; the cuts'
  /// look-ups are prefetched only when `with_prefetched_cuts`.
  std::u16string_view remembered_stem(std::u16string_view word, const Lookup& lookup,
                                      StemMemory& memory, bool with_prefetched_cuts) const;
  /// Starts fetching what analyze(word) looks up first (see stemmer.cpp).
  void prefetch_cuts(std::u16string_view word) const noexcept;
  std::u16string_view name_behind_clitics(std::u16string_view word) const;
  std::u16string_view broken_plural_singular(std::u16string_view word, std::uint64_t here) const;
  std::u16string_view imperfect_past(std::u16string_view word, std::uint64_t here) const;
  std::uint64_t count(std::u16string_view word) const;
  std::uint64_t evidence(std::u16string_view word) const;
  std::uint64_t definite_count(std::u16string_view word) const;
  std::u16string_view stored(std::u16string_view word) const;
  std::uint64_t accepted(std::u16string_view candidate, std::uint64_t current, double ratio) const;

  /// The stem of a word the stemmer knows, from the front table or the word table, in `stem`;
  /// false for any other word.
  bool known_stem(std::u16string_view word, const Lookup& lookup,
                  std::u16string_view& stem) const noexcept;
  /// A word of 3 to kMaximumWordUnits units, packed and hashed.
  static Lookup lookup_of(std::u16string_view word) noexcept {
    Lookup lookup;
    lookup.hash = detail::WordTable::pack(word, lookup.units)
                      ? detail::WordTable::hash_of(lookup.units, word.size())
                      : detail::WordTable::hash_of(word);
    return lookup;
  }
  void fill_front();

  std::deque<std::u16string> storage_;  // a deque never moves its strings: views stay valid
  detail::WordTable words_;             // names and lexicon words, with their stems
  // A bit per name hash, a few kilobytes: the names behind clitics are sought in every unknown
  // word, and nearly every candidate is ruled out here without touching the word table.
  static constexpr std::size_t kNameFilterBits = std::size_t{1} << 16;
  std::vector<std::uint64_t> name_filter_;
  // The commonest short words of the lexicon (32k entries, 1 MB) with their stems, direct-mapped
  // by hash: news is Zipfian, so most tokens are found here in one read of 32 bytes instead of
  // a filter bit and a 64-byte slot of the word table (8 MB). 2^15 entries measured faster
  // than 2^14 and 2^16 on the ANT words (khabar_stem_speed-like, 2026-12-03).
  struct FrontEntry {
    detail::WordTable::Packed units{};
    detail::KeptStem stem;  ///< word_size 0 in an empty entry (no word under 3 units is kept)
  };
  static constexpr std::size_t kFrontBits = 15;
  static std::size_t front_index(std::uint64_t hash) noexcept {
    return (hash >> 24) & ((std::size_t{1} << kFrontBits) - 1);
  }
  std::vector<FrontEntry, detail::HugePageAllocator<FrontEntry>> front_;
  std::size_t name_count_ = 0;
  std::size_t lexicon_size_ = 0;
};

/// KhabarStemmer::built_in().stem(word) with a StemMemory of the calling thread, so that a word
/// outside the lexicon is analysed once per thread. The stem is a view into `word` or into storage
/// that lives as long as the thread.
std::u16string_view khabar_stem(std::u16string_view word);
std::string khabar_stem(std::string_view word);

/// The Arabic names khabar reads from ICU's `ar` locale data (regions: countries, continents and
/// sub-regions; exemplar cities of the canonical time zones), one-word names only, as ICU
/// writes them (not normalized).
std::vector<std::string> icu_arabic_place_names();

}  // namespace khabar
