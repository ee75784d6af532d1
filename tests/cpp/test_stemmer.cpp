// Light10 as defined by Larkey et al. (2007) and implemented in Lucene's ArabicStemmer, and
// khabar's stemmer (stemmer.hpp); each expected stem below was worked out by hand from those
// rules.
#include <gtest/gtest.h>

#include <khabar/errors.hpp>
#include <khabar/stemmer.hpp>
#include <khabar/tokenizer.hpp>

#include <algorithm>
#include <string>
#include <vector>

namespace {

struct Case {
  const char* word;
  const char* stem;
};

const Case kCases[] = {
    {"والمحادثات", "محادث"},   // وال, then ات
    {"اجتماعاتها", "اجتماع"},  // ها, then ات: suffixes are tried in order, repeatedly
    {"الرئيس", "رئيس"},
    {"بالسلام", "سلام"},
    {"كالعادة", "عاد"},    // كال, then ة
    {"فالحكومة", "حكوم"},  // فال, then ة
    {"للسلام", "سلام"},    // لل
    {"وزير", "زير"},       // و strips from 4-letter words (a known Light10 overreach)
    {"ورد", "ورد"},        // ... but not from 3-letter ones
    {"المعلمون", "معلم"},  // ون
    {"المسلمين", "مسلم"},  // ين
    {"مدرسته", "مدرست"},   // ه
    {"سورية", "سور"},      // ية
    {"سوريه", "سور"},      // يه (ة already normalized to ه)
    {"كتابها", "كتاب"},    // ها
    {"لبنان", "لبن"},      // ان
    {"عربي", "عرب"},       // ي
    {"ال", "ال"},          // too short for any rule
    {"الي", "ال"},         // ال needs 4 letters; ي leaves 2
    {"والد", "الد"},       // وال needs 5 letters, so the lone و applies
    {"بيت", "بيت"},
    {"المفاوضات", "مفاوض"},
    {"وسوريا", "سوريا"},
    {"فيها", "في"},          // ها leaves 2 letters; ي would leave 1
    {"التسويه", "تسو"},      // ال, then يه
    {"موظفيها", "موظف"},     // ها, then ي
    {"انتخابات", "انتخاب"},  // ان is not a prefix rule
    {"Sochi", "Sochi"},      // Latin words have none of the affixes
};

TEST(Light10, HandWorkedStems) {
  for (const Case& c : kCases)
    EXPECT_EQ(khabar::light10_stem(std::string(c.word)), c.stem) << c.word;
}

TEST(Light10, StemIsAViewIntoTheWord) {
  const std::u16string word = u"والمحادثات";
  const std::u16string_view stem = khabar::light10_stem(std::u16string_view(word));
  EXPECT_EQ(stem, u"محادث");
  EXPECT_EQ(stem.data(), word.data() + 3);
}

TEST(Light10, EmptyWord) { EXPECT_EQ(khabar::light10_stem(std::string()), ""); }

TEST(Light10, InvalidUtf8Throws) {
  EXPECT_THROW(khabar::light10_stem(std::string("\xD8")), khabar::InvalidTextError);
}

// A hand-made lexicon, so that every expected stem follows from the rules and these counts.
// Evidence of a word = its count + the count of its definite form; a cut needs evidence >= 2
// and >= 0.3 x the evidence of the word before it (0.1 x for و/ف, 0.03 x before an alef; 0.8 x
// for the nisba ي, 0.5 x for broken plurals, 1.0 x for the imperfect prefix). A broken plural's
// singular must be in the lexicon with the article.
const khabar::KhabarStemmer& hand_made_stemmer() {
  static const khabar::KhabarStemmer stemmer({"روسيا", "لبنان", "السودان"},
                                             {{"وزير", 100},
                                              {"الوزير", 50},
                                              {"زير", 1},
                                              {"قال", 90},
                                              {"وقال", 120},
                                              {"لبن", 400},
                                              {"كتاب", 50},
                                              {"حكومه", 40},
                                              {"مفاوضه", 30},
                                              {"معلم", 20},
                                              {"طرف", 30},
                                              {"جديد", 50},
                                              {"جديده", 40},
                                              {"عام", 80},
                                              {"مصر", 60},
                                              {"مصري", 30},
                                              {"عربي", 50},
                                              {"عرب", 20},
                                              {"يكون", 40},
                                              {"كان", 100},
                                              {"تم", 50},
                                              {"عمل", 50},
                                              {"اعمال", 20},
                                              {"عقد", 40},
                                              {"عقود", 20},
                                              {"محكمه", 30},
                                              {"رجل", 30},
                                              {"رجال", 20},
                                              {"بلاد", 60},
                                              {"لاد", 2},
                                              {"سودان", 500},
                                              // the definite forms the broken plurals and ة need
                                              {"العمل", 10},
                                              {"العقد", 10},
                                              {"المحكمه", 10},
                                              {"الرجل", 10},
                                              {"الجديد", 10},
                                              // broken plurals
                                              {"بند", 50},
                                              {"حد", 50},
                                              {"الحد", 20},
                                              {"مال", 50},
                                              {"المال", 30},
                                              {"مشروع", 40},
                                              {"المشروع", 20},
                                              {"حريق", 20},
                                              {"الحريق", 10},
                                              {"قضيه", 30},
                                              {"القضيه", 20},
                                              {"عاصمه", 30},
                                              {"العاصمه", 30},
                                              {"سلاح", 20},
                                              {"السلاح", 10},
                                              {"كبير", 40},
                                              {"الكبير", 10},
                                              {"عضو", 30},
                                              {"العضو", 10},
                                              {"قانون", 30},
                                              {"القانون", 20},
                                              {"قاضي", 20},
                                              {"القاضي", 20},
                                              // verbs
                                              {"اعلن", 50},
                                              {"اعتبر", 40},
                                              {"وصل", 40},
                                              {"اكد", 60},
                                              {"دعا", 30},
                                              {"كتب", 30},
                                              {"اكتب", 2},
                                              {"نقل", 40},
                                              {"النقل", 20},
                                              {"تسليم", 20},
                                              {"سليم", 30},
                                              {"اعرب", 10},
                                              {"تمكن", 20},
                                              {"اضاف", 30},
                                              {"اضافه", 60},
                                              {"واضاف", 600},
                                              {"التزم", 20},
                                              // clitics on words the lexicon has with the article
                                              {"وضع", 50},
                                              {"الوضع", 40},
                                              {"ضع", 10},
                                              {"لجنه", 30},
                                              {"اللجنه", 20},
                                              {"جنه", 5},
                                              // ات, the nisba ي and the elative
                                              {"سنه", 50},
                                              {"دول", 50},
                                              {"دولي", 20},
                                              {"دوله", 80},
                                              {"اخر", 40},
                                              {"اخري", 60}});
  return stemmer;
}

const Case kKhabarCases[] = {
    // 1. names, alone or behind clitics, stem to the name as listed
    {"لبنان", "لبنان"},      // not لبن, though لبن is far more common
    {"لروسيا", "روسيا"},     // ل + name
    {"وروسيا", "روسيا"},     // و + name
    {"للسودان", "السودان"},  // ل + ال is written لل
    {"والسودان", "السودان"},
    {"بالسودان", "السودان"},
    // 2. proclitics, checked against the lexicon
    {"وزير", "وزير"},     // زير has evidence 1 < 3: the و is a root letter
    {"الوزير", "وزير"},   // the article: وزير has evidence 150
    {"وقال", "قال"},      // 90 >= 0.3 x 120
    {"بلاد", "بلاد"},     // لاد has evidence 2 < 3
    {"بالكتاب", "كتاب"},  // ب + ال
    // 3. suffixes
    {"كتابه", "كتاب"},      // pronoun ه (كتابه is unknown: evidence 0)
    {"حكومته", "حكومه"},    // pronoun ه; ت before it is the ة of حكومه (40 > 0)
    {"مفاوضات", "مفاوضه"},  // ات gives back ة: مفاوضه (30) beats مفاوض (0)
    {"معلمون", "معلم"},     // sound plural ون
    {"طرفان", "طرف"},       // dual ان
    {"قالت", "قال"},        // past ت (قاله is unknown)
    {"قالوا", "قال"},       // past وا
    {"جديده", "جديد"},      // final ه (pronoun or ة, one letter once normalized): 50 >= 0.3 x 40
    {"جديدتها", "جديده"},   // pronoun ها, its ت read as ة (40 > 0); that final ة is kept, not جديد
    {"عاما", "عام"},        // accusative alef
    {"مصري", "مصر"},        // nisba: مصر (60) >= مصري (30)
    {"عربي", "عربي"},       // ... but عرب (20) < عربي (50)
    {"سيكون", "كان"},       // future س, imperfect ي, hollow و → ا (كان 100 >= يكون 40)
    {"يتم", "تم"},          // a doubled verb's imperfect: the one two-letter stem
    {"اعمال", "عمل"},       // أفعال → فعل (50 >= 20)
    {"عقود", "عقد"},        // فعول → فعل
    {"وزراء", "وزير"},      // فعلاء → فعيل
    {"محاكم", "محكمه"},     // مفاعل → مفعلة
    {"رجال", "رجل"},        // فعال → فعل
    {"يقول", "قال"},        // imperfect, not فعول: hollow و → ا
    // 3a. broken plurals go to a singular the lexicon has with the article
    {"بنود", "بنود"},     // بند (50) is never seen as البند: not read as فعول
    {"حدود", "حد"},       // فعول of a doubled root
    {"اموال", "مال"},     // أفعال of a hollow root
    {"مشاريع", "مشروع"},  // مفاعيل → مفعول
    {"حرائق", "حريق"},    // فعائل → فعيل
    {"قضايا", "قضيه"},    // فعايا → فعية
    {"عواصم", "عاصمه"},   // فواعل → فاعلة
    {"اسلحه", "سلاح"},    // أفعلة → فعال
    {"كبار", "كبير"},     // فعال → فعيل
    {"اعضاء", "عضو"},     // أفعاء → فعو
    {"قوانين", "قانون"},  // فواعيل → فاعول
    {"قضاه", "قاضي"},     // فعاة → فاعي
    // 3b. imperfect verbs go to the past, as PADT lemmatizes them
    {"يعلن", "اعلن"},     // form IV: alef for the prefix (علن is unknown)
    {"يعتبر", "اعتبر"},   // form VIII
    {"يصل", "وصل"},       // the و an assimilated verb drops
    {"يؤكد", "اكد"},      // the hamza seat of a hamzated first radical
    {"يدعو", "دعا"},      // a defective verb's final و is alef
    {"يكن", "كان"},       // a hollow verb's jussive: two letters left
    {"يكتب", "كتب"},      // كتب (30) beats اكتب (2)
    {"نقل", "نقل"},       // النقل is a noun: not ن + قل, not قال
    {"تسليم", "تسليم"},   // تفعيل is a verbal noun: not ت + سليم
    {"اعرب", "اعرب"},     // alef is not an imperfect prefix: not عرب
    {"تمكن", "تمكن"},     // كن is not cut as a pronoun (تم is common)
    {"تمت", "تم"},        // the past ت after a doubled verb
    {"كنت", "كان"},       // ... and after a hollow one
    {"اضافت", "اضاف"},    // a final ت is the past tense's, not ة (اضافه is commoner)
    {"اضافات", "اضافه"},  // ات → ة (60 > 30), and ة stays: no الاضاف (اضاف is a verb)
    {"واضاف", "اضاف"},    // و before an alef: 30 >= 0.03 x 600
    {"التزم", "التزم"},   // ال + ت of a word never seen without it is form VIII's
    // 3c. no clitic cut on a word the lexicon has with the article
    {"وضع", "وضع"},     // الوضع (40): not و + ضع
    {"للجنه", "لجنه"},  // ل + اللجنه, not لل + جنه
    // 3d. ات, the nisba and the elative
    {"سنوات", "سنه"},  // وات after two letters: the plural of سنة
    {"دولي", "دولي"},  // دوله (80) is commoner than دول (50): not the nisba of دول
    {"اخري", "اخر"},   // the feminine elative: 40 >= 0.3 x 60 (the nisba would need 0.8)
    // 4. left alone
    {"بوتين", "بوتين"},  // unknown, and بوت unknown: nothing to check a cut against
    {"من", "من"},        // two letters
    {"Sochi", "Sochi"},
};

TEST(KhabarStemmer, HandWorkedStemsPerRule) {
  for (const Case& c : kKhabarCases)
    EXPECT_EQ(hand_made_stemmer().stem(std::string(c.word)), c.stem) << c.word;
}

TEST(KhabarStemmer, MemoryGivesTheSameStems) {
  khabar::StemMemory memory;
  // Twice over the same words: the second time every unknown word comes from the memory, with
  // the stem it had the first time. A stem that is part of the word (كتاب of كتابه) is handed out
  // as a view into the caller's word, not into a copy that the memory keeps.
  std::vector<std::u16string> first;
  for (int pass = 0; pass < 2; ++pass) {
    for (const std::u16string_view word :
         {std::u16string_view(u"كتابه"), std::u16string_view(u"حكومته"),
          std::u16string_view(u"بوتين"), std::u16string_view(u"وقال")}) {
      const std::u16string copy(word);
      const std::u16string_view stem = hand_made_stemmer().stem(copy, memory);
      EXPECT_EQ(stem, hand_made_stemmer().stem(word));
      if (pass == 0) first.emplace_back(stem);
      if (word == u"كتابه") {
        EXPECT_EQ(stem.data(), copy.data()) << pass;
      }
    }
  }
  EXPECT_EQ(first[0], u"كتاب");
  EXPECT_EQ(first[1], u"حكومه");
  EXPECT_EQ(first[2], u"بوتين");
  EXPECT_EQ(first[3], u"قال");
  EXPECT_EQ(memory.size(), 3u);  // كتابه حكومته بوتين; وقال is in the lexicon
}

TEST(KhabarStemmer, MemoryKeepsWordsOfEveryLength) {
  // Words of 3 to 20 units (short ones are packed into two numbers, longer ones are not), each
  // also with its last unit changed and with a NUL unit added: every one is remembered as
  // itself, and its stem is the one without memory, the first time and the second. One longer
  // than kMaximumWordUnits (and than a block of the memory's storage) is its own stem and is
  // not kept.
  const std::u16string letters = u"بوتينبوتينبوتينبوتين";
  std::vector<std::u16string> words;
  for (std::size_t n = 3; n <= letters.size(); ++n) {
    words.push_back(letters.substr(0, n));
    words.push_back(letters.substr(0, n - 1) + u"م");
    words.push_back(letters.substr(0, n) + std::u16string(1, u'\0'));
  }
  words.push_back(std::u16string(20000, u'ب'));
  khabar::StemMemory memory;
  std::vector<std::u16string> first;
  for (int pass = 0; pass < 2; ++pass) {
    for (std::size_t i = 0; i < words.size(); ++i) {
      const std::u16string copy = words[i];
      const std::u16string_view stem = hand_made_stemmer().stem(copy, memory);
      EXPECT_EQ(stem, hand_made_stemmer().stem(words[i])) << i;
      if (pass == 0) first.emplace_back(stem);
      if (pass == 1) {
        EXPECT_EQ(first[i], stem) << i;
      }
    }
  }
  std::vector<std::u16string> distinct = words;
  std::sort(distinct.begin(), distinct.end());
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  EXPECT_EQ(first.back(), words.back());
  EXPECT_EQ(memory.size(), distinct.size() - 1);
}

TEST(KhabarStemmer, MemorySizedForMoreTextKeepsItsStems) {
  // Sized for 70 MB of text after three words are in: the table is rehashed into room for
  // ~165k words, and the three are still found (the size does not change when they come back).
  khabar::StemMemory memory;
  const std::vector<std::u16string> words = {u"كتابه", u"حكومته", u"بوتين", u"وقال"};
  std::vector<std::u16string> first;
  for (const std::u16string& word : words)
    first.emplace_back(hand_made_stemmer().stem(std::u16string_view(word), memory));
  EXPECT_EQ(memory.size(), 3u);
  memory.expect_text(70'000'000);
  memory.expect_text(1'000);  // never shrinks
  for (std::size_t i = 0; i < words.size(); ++i)
    EXPECT_EQ(hand_made_stemmer().stem(std::u16string_view(words[i]), memory), first[i]) << i;
  EXPECT_EQ(memory.size(), 3u);
}

TEST(KhabarStemmer, UnknownWordsExpectedAsCountedOnTheAntCorpus) {
  // Distinct words outside the built-in lexicon, counted on ANT multi-source (title + text,
  // Arabic stopwords): 12,238 in the first 1,216,084 bytes, 164,599 in all 69,999,981.
  const std::size_t early = khabar::StemMemory::words_expected_in(1'216'084);
  const std::size_t all = khabar::StemMemory::words_expected_in(69'999'981);
  EXPECT_GT(early, 12'238 * 9 / 10);
  EXPECT_LT(early, 12'238 * 11 / 10);
  EXPECT_GT(all, 164'599 * 9 / 10);
  EXPECT_LT(all, 164'599 * 11 / 10);
  EXPECT_EQ(khabar::StemMemory::words_expected_in(0), 0u);
}

TEST(KhabarStemmer, PrefetchedLookupGivesTheSameStems) {
  // The hash prefetch() computes is the one stem() uses: words of 0 to 70 units (packed, long,
  // and over kMaximumWordUnits), a few ahead as the tokenizer does it.
  const std::u16string letters(70, u'ب');
  std::vector<std::u16string> words = {u"كتابه", u"حكومته", u"بوتين", u"وقال", u"لروسيا"};
  for (std::size_t n = 0; n <= letters.size(); ++n) words.push_back(letters.substr(0, n) + u"ها");
  khabar::StemMemory memory;
  for (int pass = 0; pass < 2; ++pass) {
    std::vector<khabar::KhabarStemmer::Lookup> ahead;
    for (const std::u16string& word : words)
      ahead.push_back(hand_made_stemmer().prefetch(word, memory));
    for (std::size_t i = 0; i < words.size(); ++i)
      EXPECT_EQ(hand_made_stemmer().stem(words[i], ahead[i], memory),
                hand_made_stemmer().stem(std::u16string_view(words[i])))
          << i;
  }
}

TEST(KhabarStemmer, IcuPlaceNamesAreSingleArabicWords) {
  const std::vector<std::string> names = khabar::icu_arabic_place_names();
  auto has = [&](const char* name) { return std::count(names.begin(), names.end(), name) == 1; };
  EXPECT_TRUE(has("لبنان"));            // region LB
  EXPECT_TRUE(has("البحرين"));          // region BH
  EXPECT_TRUE(has("أفريقيا"));          // continent 002
  EXPECT_TRUE(has("القاهرة"));          // exemplar city of Africa/Cairo
  EXPECT_TRUE(has("نيروبي"));           // exemplar city of Africa/Nairobi
  EXPECT_FALSE(has("كوريا الجنوبية"));  // several words: not a one-word name
  for (const std::string& name : names) EXPECT_EQ(name.find(' '), std::string::npos) << name;
}

// khabar's data, one word per name source and the examples.
TEST(KhabarStemmer, BuiltInNamesStayIntact) {
  const khabar::KhabarStemmer& stemmer = khabar::KhabarStemmer::built_in();
  EXPECT_EQ(stemmer.stem(std::string("لبنان")), "لبنان");      // ICU region (light10: لبن)
  EXPECT_EQ(stemmer.stem(std::string("البحرين")), "البحرين");  // ICU region (light10: بحر)
  EXPECT_EQ(stemmer.stem(std::string("للبحرين")), "البحرين");
  EXPECT_EQ(stemmer.stem(std::string("السودان")), "السودان");  // ICU region (light10: سود)
  EXPECT_EQ(stemmer.stem(std::string("لروسيا")), "روسيا");     // ICU region behind ل
  EXPECT_EQ(stemmer.stem(std::string("القاهره")), "القاهره");  // ICU time-zone city
  EXPECT_TRUE(stemmer.is_name(u"نيروبي"));                     // ICU time-zone city
  EXPECT_TRUE(stemmer.is_name(u"كاسترو"));                     // names-ar-padt.txt
  EXPECT_EQ(stemmer.stem(std::string("وكاسترو")), "كاسترو");
  EXPECT_FALSE(stemmer.is_name(u"وزير"));
}

// Without the PADT list: the same lexicon and ICU names, but a name found only in the list is an
// ordinary word again (كاسترو is no ICU name).
TEST(KhabarStemmer, BuiltInDataWithoutPadtNames) {
  const auto without = khabar::KhabarStemmer::from_built_in_data(false);
  const auto with = khabar::KhabarStemmer::from_built_in_data(true);
  const khabar::KhabarStemmer& built_in = khabar::KhabarStemmer::built_in();
  EXPECT_FALSE(without->is_name(u"كاسترو"));
  EXPECT_TRUE(with->is_name(u"كاسترو"));
  EXPECT_TRUE(without->is_name(u"نيروبي"));  // ICU's
  EXPECT_EQ(without->stem(std::string("لروسيا")), "روسيا");
  EXPECT_EQ(without->lexicon_size(), built_in.lexicon_size());
  EXPECT_EQ(with->name_count(), built_in.name_count());
  EXPECT_LT(without->name_count(), built_in.name_count());
}

TEST(KhabarStemmer, BuiltInLexiconChecks) {
  const khabar::KhabarStemmer& stemmer = khabar::KhabarStemmer::built_in();
  EXPECT_EQ(stemmer.stem(std::string("وزير")), "وزير");  // light10: زير
  EXPECT_EQ(stemmer.stem(std::string("الوزير")), "وزير");
  EXPECT_EQ(stemmer.stem(std::string("بوتين")), "بوتين");  // light10: بوت
  EXPECT_EQ(stemmer.stem(std::string("اجتماعهم")), "اجتماع");
  EXPECT_EQ(stemmer.stem(std::string("وقال")), "قال");
  EXPECT_EQ(stemmer.stem(std::string("يقول")), "قال");
  EXPECT_EQ(stemmer.stem(std::string("سيكون")), "كان");
  // The rules on the real lexicon, one word each.
  EXPECT_EQ(stemmer.stem(std::string("يعلن")), "اعلن");    // imperfect → form IV past
  EXPECT_EQ(stemmer.stem(std::string("يؤكد")), "اكد");     // hamzated first radical
  EXPECT_EQ(stemmer.stem(std::string("يصل")), "وصل");      // assimilated verb
  EXPECT_EQ(stemmer.stem(std::string("تمت")), "تم");       // past ت after a doubled verb
  EXPECT_EQ(stemmer.stem(std::string("واضاف")), "اضاف");   // و before a form IV verb
  EXPECT_EQ(stemmer.stem(std::string("وضع")), "وضع");      // الوضع: no و cut
  EXPECT_EQ(stemmer.stem(std::string("للجنه")), "لجنه");   // ل + اللجنه
  EXPECT_EQ(stemmer.stem(std::string("التزم")), "التزم");  // form VIII, not ال + تزم
  EXPECT_EQ(stemmer.stem(std::string("سنوات")), "سنه");    // وات → ة
  EXPECT_EQ(stemmer.stem(std::string("حدود")), "حد");      // broken plurals
  EXPECT_EQ(stemmer.stem(std::string("قضايا")), "قضيه");
  EXPECT_EQ(stemmer.stem(std::string("قوانين")), "قانون");
  EXPECT_EQ(stemmer.stem(std::string("اعضاء")), "عضو");
  EXPECT_EQ(stemmer.stem(std::string("اخري")), "اخر");   // feminine elative
  EXPECT_EQ(stemmer.stem(std::string("دولي")), "دولي");  // not the nisba of the plural دول
}

TEST(KhabarStemmer, EmptyAndInvalid) {
  EXPECT_EQ(khabar::khabar_stem(std::string()), "");
  EXPECT_THROW(khabar::khabar_stem(std::string("\xD8")), khabar::InvalidTextError);
}

TEST(KhabarStemmer, TokenizerUsesIt) {
  khabar::TokenizerOptions options;
  options.stemmer = khabar::Stemmer::khabar;
  const khabar::Tokenizer tokenizer(options);
  const std::vector<std::string> expected = {"وزير", "قال", "لبنان", "روسيا"};
  EXPECT_EQ(tokenizer.tokenize(std::string("الوزير وقال: لبنان لروسيا")), expected);
}

}  // namespace

TEST(HugePageAllocator, GivesAlignedZeroedVectorsOfEverySize) {
  // Below one huge page: the heap, a cache line aligned; from one up: whole huge pages.
  for (const std::size_t n : {std::size_t{1}, std::size_t{1000}, std::size_t{3} << 20}) {
    std::vector<std::uint8_t, khabar::detail::HugePageAllocator<std::uint8_t>> bytes(n);
    const auto address = reinterpret_cast<std::uintptr_t>(bytes.data());
    const std::size_t huge = khabar::detail::kHugePageBytes;
    EXPECT_EQ(address % (n >= huge ? huge : 64), 0u) << n;
    EXPECT_EQ(std::count(bytes.begin(), bytes.end(), 0), static_cast<std::ptrdiff_t>(n));
    bytes.back() = 7;
    EXPECT_EQ(bytes.back(), 7);
  }
}
