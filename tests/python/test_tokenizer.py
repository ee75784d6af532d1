from __future__ import annotations

import pickle
import re
from concurrent.futures import ThreadPoolExecutor

import khabar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from khabar import Tokenizer, normalize
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.utils._param_validation import InvalidParameterError


def test_normalize_defaults_and_flags():
    assert normalize("الرَّئِيسُ في سوريّة ٢٠١٧") == "الرئيس في سوريه 2017"
    assert normalize("ﺍﻟﺮﺋﻴﺲ ﻻ ﷼") == "الرئيس لا ريال"
    assert normalize("مدرسة", teh_marbuta=False) == "مدرسة"
    assert normalize("مؤتمر", hamza=True) == "موتمر"
    assert normalize("Putin", lowercase=False) == "Putin"
    assert normalize("الأمم\u200cالمتحدة") == "الامم المتحده"
    assert normalize("سلام".encode()) == "سلام"


def test_normalize_rejects_unknown_flags_and_bad_values():
    with pytest.raises(TypeError, match="'diacritic' parameter is unknown; the options are 'nfkc'"):
        normalize("x", diacritic=True)
    with pytest.raises(TypeError, match="must be a bool"):
        normalize("x", alef=1)


def test_issue_examples():
    tok = Tokenizer()
    assert tok.tokenize("الرَّئِيسُ بوتين، سوريا؟") == ["الرئيس", "بوتين", "سوريا"]
    assert tok.tokenize("كوفيد-19 عام ٢٠١٧م") == ["كوفيد", "19", "عام", "2017م"]
    assert tok("الرئيـــس") == ["الرئيس"]


def test_stopwords_are_normalized_before_matching():
    words = khabar.arabic_stopwords()
    assert len(words) >= 150
    assert "إلى" in words and "على" in words
    tok = Tokenizer(stopwords="arabic")
    assert tok.tokenize("وصل الرئيس إلى سوتشي وفي يده رسالة") == [
        "وصل",
        "الرئيس",
        "سوتشي",
        "يده",
        "رساله",
    ]
    # A custom list with diacritics and hamza still matches normalized tokens.
    assert Tokenizer(stopwords=["إلَى"]).tokenize("الى سوتشي") == ["سوتشي"]


def test_light10_through_the_tokenizer():
    tok = Tokenizer(stemmer="light10")
    assert tok.tokenize("والمحادثات اجتماعاتها الرئيس") == ["محادث", "اجتماع", "رئيس"]
    assert khabar.light10_stem("للسلام") == "سلام"


def test_khabar_stemmer_through_the_tokenizer():
    # Worked by hand from the rules in cpp/include/khabar/stemmer.hpp and khabar's data: names
    # (ICU's ar region names) stay whole, alone or behind ل/لل; وزير keeps its و because زير
    # is rare in the lexicon; the article, و and the pronoun هم are cut before known words.
    tok = Tokenizer(stemmer="khabar")
    assert tok.tokenize("لروسيا لبنان للبحرين وزير الوزير وقال اجتماعهم") == [
        "روسيا",
        "لبنان",
        "البحرين",
        "وزير",
        "وزير",
        "قال",
        "اجتماع",
    ]
    assert [khabar.khabar_stem(w) for w in ("لبنان", "السودان", "بوتين")] == [
        "لبنان",
        "السودان",
        "بوتين",
    ]
    # light10 on the same words: the damage the khabar stemmer avoids.
    assert [khabar.light10_stem(w) for w in ("لبنان", "السودان", "بوتين", "وزير")] == [
        "لبن",
        "سود",
        "بوت",
        "زير",
    ]


@pytest.mark.parametrize("stemmer", ["light10", "khabar"])
def test_stem_exclusion_for_every_stemmer(stemmer):
    text = "المحادثات والمفاوضات سوريّة"
    stemmed = Tokenizer(stemmer=stemmer).tokenize(text)
    # The exclusion is normalized as the text is (shadda dropped, ة → ه) before matching, and
    # applies to the word as written (with its clitics), as Lucene's keyword set does.
    kept = Tokenizer(stemmer=stemmer, stem_exclusion=["المحادثات", "سوريّة"]).tokenize(text)
    assert kept == ["المحادثات", stemmed[1], "سوريه"]
    assert stemmed[0] != "المحادثات"
    # No stemmer: the exclusion changes nothing.
    assert Tokenizer(stem_exclusion=["المحادثات"]).tokenize(text) == Tokenizer().tokenize(text)


def test_stem_exclusion_parameters():
    tok = Tokenizer(stemmer="khabar", stem_exclusion=("الوزير",))
    assert tok.get_params()["stem_exclusion"] == ("الوزير",)
    assert repr(tok) == "Tokenizer(stemmer='khabar', stem_exclusion=('الوزير',))"
    assert pickle.loads(pickle.dumps(tok)).tokenize("الوزير") == ["الوزير"]
    with pytest.raises(InvalidParameterError, match="not a single string"):
        Tokenizer(stemmer="light10", stem_exclusion="الوزير")
    with pytest.raises(
        InvalidParameterError, match="'stem_exclusion' parameter must be a list of str"
    ):
        Tokenizer(stemmer="light10", stem_exclusion=["الوزير", 3])
    with pytest.raises(ValueError, match="only to the word analyzer"):
        Tokenizer(analyzer="char", stem_exclusion=["الوزير"])


def test_spans_map_back_to_the_original_text():
    text = "أجرى الرَّئِيسُ الروسيّ فلاديمير بوتين، اتصالاً هاتفياً ﻻ 😀 سوريا"
    tokens = Tokenizer(stemmer="light10").tokenize_with_spans(text)
    originals = [text[s:e] for _, s, e in tokens]
    assert originals == [
        "أجرى",
        "الرَّئِيسُ",
        "الروسيّ",
        "فلاديمير",
        "بوتين",
        "اتصالاً",
        "هاتفياً",
        "ﻻ",
        "سوريا",
    ]
    assert [t for t, _, _ in tokens][:3] == ["اجر", "رئيس", "روس"]
    # Without stemming, each token is exactly its original word, normalized.
    for token, start, end in Tokenizer().tokenize_with_spans(text):
        assert normalize(text[start:end]) == token


def test_spans_for_bytes_are_byte_offsets():
    data = "قالَ بوتين".encode()
    tokens = Tokenizer().tokenize_with_spans(data)
    assert [data[s:e].decode() for _, s, e in tokens] == ["قالَ", "بوتين"]


def test_bigram_spans_cover_both_words():
    text = "بوتين  يستقبل"
    tokens = Tokenizer(ngram_range=(2, 2)).tokenize_with_spans(text)
    assert tokens == [("بوتين يستقبل", 0, len(text))]


@pytest.mark.parametrize("n_threads", [1, 2, 8])
def test_tokenize_many_equals_tokenize(sochi_texts, n_threads):
    tok = Tokenizer(stopwords="arabic", stemmer="light10")
    docs = sochi_texts * 10
    assert tok.tokenize_many(docs, n_threads=n_threads) == [tok.tokenize(d) for d in docs]


def test_tokenize_many_streams_generators_with_progress(sochi_texts, capsys):
    tok = Tokenizer()
    expected = [tok.tokenize(d) for d in sochi_texts]
    assert tok.tokenize_many(iter(sochi_texts), progress=True) == expected
    assert tok.tokenize_many(d for d in sochi_texts) == expected
    assert "doc" in capsys.readouterr().err


def test_sochi_settlement_stem_is_in_every_article(sochi_texts):
    tok = Tokenizer(stopwords="arabic", stemmer="light10")
    # التسوية / للتسوية / وتسوية / بالتسوية all stem to تسو ("settlement").
    assert all("تسو" in tok.tokenize(text) for text in sochi_texts)


def test_invalid_utf8_names_document_and_offset():
    tok = Tokenizer()
    with pytest.raises(ValueError, match=r"invalid UTF-8 \(byte 0xff\) at byte offset 3"):
        tok.tokenize(b"abc\xff")
    with pytest.raises(ValueError, match=r"document 2: invalid UTF-8 .* at byte offset 1"):
        tok.tokenize_many(["a", b"b", b"x\xc3"])
    with pytest.raises(ValueError, match=r"document 5000: .*byte offset 0"):
        tok.tokenize_many(iter(["ok"] * 5000 + [b"\xed\xa0\x80"]))


def test_lone_surrogate_and_wrong_types():
    tok = Tokenizer()
    with pytest.raises(ValueError, match="lone surrogate at char offset 2"):
        tok.tokenize("ab\ud800c")
    with pytest.raises(ValueError, match="document 1: lone surrogate at char offset 0"):
        tok.tokenize_many(["ok", "\udfff"])
    with pytest.raises(TypeError, match="document 1: expected str or bytes, got NoneType"):
        tok.tokenize_many(["ok", None])
    with pytest.raises(TypeError, match="expected str or bytes, got int"):
        tok.tokenize(3)
    with pytest.raises(TypeError, match="not a single str or bytes"):
        tok.tokenize_many("نص")


def test_bad_parameters():
    with pytest.raises(InvalidParameterError, match="'stopwords' parameter must be None, 'arabic'"):
        Tokenizer(stopwords="english")
    with pytest.raises(
        InvalidParameterError, match="'stemmer' parameter must be one of 'light10', 'khabar'"
    ):
        Tokenizer(stemmer="porter")
    with pytest.raises(InvalidParameterError, match="'analyzer' parameter must be one of"):
        Tokenizer(analyzer="words")
    with pytest.raises(ValueError, match="ngram_range"):
        Tokenizer(ngram_range=(2, 1))
    with pytest.raises(ValueError, match="only to the word analyzer"):
        Tokenizer(analyzer="char", stopwords="arabic")
    with pytest.raises(InvalidParameterError, match="'min_length' parameter must be an int >= 1"):
        Tokenizer(min_length=0)


def test_empty_inputs():
    tok = Tokenizer()
    assert tok.tokenize("") == []
    assert tok.tokenize(" ، ؟ ") == []
    assert tok.tokenize_many([]) == []


def test_pickle_and_repr():
    tok = Tokenizer(stopwords="arabic", stemmer="light10", normalize={"hamza": True})
    clone = pickle.loads(pickle.dumps(tok))
    assert clone == tok
    assert (
        clone.tokenize("مؤتمر والمحادثات")
        == tok.tokenize("مؤتمر والمحادثات")
        == [
            "موتمر",
            "محادث",
        ]
    )
    assert repr(tok) == (
        "Tokenizer(normalize={'hamza': True}, stopwords='arabic', stemmer='light10')"
    )


def test_one_tokenizer_shared_by_threads(sochi_texts):
    tok = Tokenizer(stemmer="light10")
    expected = [tok.tokenize(t) for t in sochi_texts]
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(tok.tokenize, sochi_texts * 20))
    assert results == expected * 20


# --- scikit-learn as the oracle for n-gram semantics -------------------------------------------

arabic_text = st.text(
    alphabet=st.sampled_from(
        list("ابتثجحخدذرسشصضطظعغفقكلمنهويءآأإةى") + [" ", "\n", "\t", "\u00a0", "\u200c", "\u064e"]
    ),
    max_size=60,
)


@settings(max_examples=150, deadline=None)
@given(text=arabic_text, low=st.integers(1, 3), extra=st.integers(0, 3))
@pytest.mark.parametrize("analyzer", ["char", "char_wb"])
def test_char_ngrams_match_scikit_learn(analyzer, text, low, extra):
    ngram_range = (low, low + extra)
    ours = Tokenizer(analyzer=analyzer, ngram_range=ngram_range).tokenize(text)
    theirs = CountVectorizer(
        analyzer=analyzer, ngram_range=ngram_range, lowercase=False
    ).build_analyzer()(normalize(text))
    assert ours == theirs


@settings(max_examples=100, deadline=None)
@given(text=arabic_text, low=st.integers(1, 3), extra=st.integers(0, 2))
def test_word_ngrams_match_scikit_learn(text, low, extra):
    ngram_range = (low, low + extra)
    unigrams = Tokenizer()
    theirs = CountVectorizer(
        tokenizer=unigrams.tokenize, token_pattern=None, lowercase=False, ngram_range=ngram_range
    ).build_analyzer()(text)
    assert Tokenizer(ngram_range=ngram_range).tokenize(text) == theirs


def test_word_tokens_agree_with_a_regex_on_plain_arabic():
    # On undiacritized, unpunctuated Arabic, UAX #29 words are the whitespace-separated runs.
    text = "بوتين يستقبل الاسد في سوتشي ويبحث معه التسويه"
    assert Tokenizer().tokenize(text) == re.findall(r"\S+", text)


def test_count_tokens_equals_lengths(sochi_texts):
    tok = Tokenizer(stopwords="arabic")
    counts = tok.count_tokens(sochi_texts, n_threads=2)
    assert counts.dtype.name == "int64"
    assert counts.tolist() == [len(tok.tokenize(t)) for t in sochi_texts]
    assert tok.count_tokens(iter(sochi_texts), progress=True).tolist() == counts.tolist()
    assert Tokenizer().count_tokens([]).tolist() == []


@pytest.mark.parametrize(
    ("stem", "stems"),
    [
        # Lucene's Light10: وال goes; ل alone is none of its prefixes; an emoji ends no suffix.
        (khabar.light10_stem, ["محادث", "لروسيا", "abc", "محادثات😀"]),
        # khabar: ات back to ة (ه once normalized), ل cut before the name روسيا.
        (khabar.khabar_stem, ["محادثه", "روسيا", "abc", "والمحادثات😀"]),
    ],
)
def test_one_word_stems_alike_from_every_kind_of_str_and_from_bytes(stem, stems):
    # CPython keeps Arabic two bytes a character (stemmed on those UTF-16 units), ASCII one and
    # a text with an emoji four (stemmed through UTF-8), and bytes are UTF-8: all four agree.
    words = ["والمحادثات", "لروسيا", "abc", "والمحادثات😀"]
    assert [stem(w) for w in words] == stems
    assert [stem(w.encode()) for w in words] == stems
    assert all(type(stem(w)) is str for w in words)

    class Headline(str):
        pass

    # A str subclass gives a plain str, as str's own methods do.
    assert [stem(Headline(w)) for w in words] == stems
    assert all(type(stem(Headline(w))) is str for w in words)


@pytest.mark.parametrize(
    ("stem", "unchanged", "changed"),
    [(khabar.light10_stem, "لروسيا", "والمحادثات"), (khabar.khabar_stem, "لبنان", "لروسيا")],
)
def test_a_word_that_is_its_own_stem_comes_back_as_the_same_str(stem, unchanged, changed):
    word = "".join(["", unchanged])  # a str object of this test's own
    assert stem(word) is word
    assert stem(changed) != changed
