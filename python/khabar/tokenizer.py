"""Arabic normalization and tokenization."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

import numpy as np

from khabar import _core, _options
from khabar._batching import check_documents, document_chunks

Text = str | bytes

_SURROGATE = re.compile("[\ud800-\udfff]")

#: Every normalization flag with its default (see :func:`normalize`), as the C++ core defines
#: them (khabar::NormalizerOptions).
NORMALIZER_FLAGS: Mapping[str, bool] = MappingProxyType(_options.NORMALIZER.to_dict())


def _checked_errors(errors: Any) -> str:
    _core.TokenizerOptions(errors=errors)  # InvalidParameterError naming the allowed values
    return str(errors)


@functools.lru_cache(maxsize=64)
def _normalizer(flag_items: tuple[tuple[str, Any], ...]) -> _core.Normalizer:
    return _core.Normalizer(_core.NormalizerOptions(**dict(flag_items)))


def normalize(text: Text, errors: str = "strict", **flags: bool) -> str:
    """Normalize Arabic text for matching and counting.

    Flags (keywords, defaults in brackets): ``nfkc`` [True] Unicode NFKC; ``diacritics`` [True]
    remove harakat and Quranic marks; ``tatweel`` [True]; ``alef`` [True] أ إ آ ٱ → ا;
    ``alef_maksura`` [True] ى → ي; ``teh_marbuta`` [True] ة → ه; ``persian_letters`` [True]
    ی → ي, ک → ك; ``hamza`` [False] ؤ → و, ئ → ي; ``digits`` [True] any decimal digit → ASCII;
    ``lowercase`` [True] simple case folding. Bidi controls, BOM, ZWJ and soft hyphens are always
    removed and ZWNJ becomes a space. ``bytes`` must be UTF-8; with ``errors="replace"``
    ill-formed UTF-8 and lone surrogates become U+FFFD as with ``bytes.decode``.

    >>> normalize("الرَّئِيسُ في سوريّة ٢٠١٧")
    'الرئيس في سوريه 2017'
    >>> normalize("مدرسة", teh_marbuta=False)
    'مدرسة'

    >>> normalize("سوريّا".encode() + b"\\xff", errors="replace")
    'سوريا\ufffd'

    Raises ValueError (with the offset) for invalid UTF-8 or a lone surrogate.
    """
    try:
        normalizer = _normalizer(tuple(sorted(flags.items())))
    except TypeError:  # an unhashable flag value: let the options say what is wrong with it
        normalizer = _core.Normalizer(_core.NormalizerOptions(**flags))
    if _checked_errors(errors) == "replace":
        if isinstance(text, bytes):
            text = text.decode("utf-8", "replace")
        elif isinstance(text, str):
            text = _SURROGATE.sub("\ufffd", text)
    return normalizer.normalize(text)


def arabic_stopwords() -> list[str]:
    """khabar's curated Modern Standard Arabic stopword list, as written (not normalized).

    >>> "على" in arabic_stopwords()
    True
    """
    return list(_core.arabic_stopwords())


def light10_stem(word: Text) -> str:
    """Light10 stem of one already-normalized word (Larkey et al. 2007, Lucene's rules).

    >>> light10_stem("والمحادثات")
    'محادث'
    """
    return _core.light10_stem(word)


def khabar_stem(word: Text) -> str:
    """khabar's stem of one already-normalized word (``stemmer="khabar"``).

    A light stemmer whose every cut is checked against a lexicon counted on Arabic news, and
    which never changes a known proper name (ICU's Arabic names of countries, regions and
    time-zone cities, and names learned from the UD Arabic-PADT treebank): clitics and pronouns
    go, names and words whose first letter only looks like a clitic stay.

    >>> [khabar_stem(w) for w in ["لروسيا", "لبنان", "وزير", "الوزير", "اجتماعهم"]]
    ['روسيا', 'لبنان', 'وزير', 'وزير', 'اجتماع']
    """
    return _core.khabar_stem(word)


class Tokenizer:
    """Arabic-aware tokenizer: normalization, ICU word breaks (UAX #29), stopwords, stemming.

    Parameters
    ----------
    normalize : bool or dict, default True
        True for the default flags of :func:`normalize`, False for none, or a dict of flags that
        override the defaults.
    stopwords : None, "arabic" or iterable of str
        Words to drop; normalized with the same flags as the text before matching.
    stemmer : None, "light10" or "khabar"
        "light10" is Lucene's Light10, rule for rule (:func:`light10_stem`); "khabar" is
        khabar's stemmer (:func:`khabar_stem`), which spares proper names (لبنان stays لبنان,
        لروسيا becomes روسيا) and checks each cut against its lexicon (وزير stays وزير).
    min_length : int, default 1
        Drop words with fewer characters (after stemming).
    ngram_range : (int, int), default (1, 1)
        Word n-grams joined by a space, or character n-grams for the char analyzers.
    analyzer : "word", "char" or "char_wb"
        Character analyzers follow scikit-learn's semantics on the normalized text.
    errors : "strict" or "replace", default "strict"
        Ill-formed text (invalid UTF-8 in ``bytes``, lone surrogates in ``str``) raises
        ValueError naming the document and offset, or with "replace" reads as U+FFFD exactly as
        ``bytes.decode("utf-8", "replace")`` does (offsets still index the original text).
    stem_exclusion : None or iterable of str
        Words the stemmer leaves as they are (Lucene's stem exclusion set), for any stemmer;
        normalized with the same flags as the text before matching.
    lowercase : bool, default True
        False turns off the normalizer's case folding (its ``lowercase`` flag); with
        ``normalize=False`` there is no case folding either way.

    >>> Tokenizer(stopwords="arabic", stemmer="light10").tokenize("والمحادثات في سوتشي")
    ['محادث', 'سوتش']
    >>> Tokenizer(stemmer="light10", stem_exclusion=["سوتشي"]).tokenize("والمحادثات في سوتشي")
    ['محادث', 'في', 'سوتشي']

    Instances are callable (``tok(text)`` is ``tok.tokenize(text)``), picklable and safe to
    share between threads.
    """

    def __init__(
        self,
        normalize: bool | Mapping[str, bool] = True,
        stopwords: str | Iterable[str] | None = None,
        stemmer: str | None = _options.TOKENIZER.stemmer,
        min_length: int = _options.TOKENIZER.min_length,
        ngram_range: tuple[int, int] = _options.TOKENIZER.ngram_range,
        analyzer: str = _options.TOKENIZER.analyzer,
        errors: str = _options.TOKENIZER.errors,
        stem_exclusion: Iterable[str] | None = None,
        lowercase: bool = _options.TOKENIZER.lowercase,
    ) -> None:
        self.normalize = normalize
        self.stopwords = stopwords
        self.stemmer = stemmer
        self.min_length = min_length
        self.ngram_range = ngram_range
        self.analyzer = analyzer
        self.errors = errors
        self.stem_exclusion = stem_exclusion
        self.lowercase = lowercase
        self._core = _core.Tokenizer(self._core_options())

    def _core_options(self) -> _core.TokenizerOptions:
        """The validated options in the form the C++ core takes."""
        return _options.tokenizer_options(self.get_params())

    def get_params(self) -> dict[str, Any]:
        return {
            "normalize": self.normalize,
            "stopwords": self.stopwords,
            "stemmer": self.stemmer,
            "min_length": self.min_length,
            "ngram_range": self.ngram_range,
            "analyzer": self.analyzer,
            "errors": self.errors,
            "stem_exclusion": self.stem_exclusion,
            "lowercase": self.lowercase,
        }

    def __repr__(self) -> str:
        defaults = Tokenizer.__init__.__defaults__ or ()
        names = list(self.get_params())
        params = self.get_params()
        shown = [
            f"{n}={params[n]!r}" for n, d in zip(names, defaults, strict=True) if params[n] != d
        ]
        return f"Tokenizer({', '.join(shown)})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Tokenizer) and self.get_params() == other.get_params()

    def __hash__(self) -> int:
        return hash(repr(self))

    def __getstate__(self) -> dict[str, Any]:
        return self.get_params()

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(**state)  # type: ignore[misc]

    def tokenize(self, text: Text) -> list[str]:
        """Tokens of one document (``str`` or UTF-8 ``bytes``).

        >>> Tokenizer().tokenize("كوفيد-19 عام ٢٠١٧م")
        ['كوفيد', '19', 'عام', '2017م']
        """
        return self._core.tokenize(text)

    __call__ = tokenize

    def tokenize_with_spans(self, text: Text) -> list[tuple[str, int, int]]:
        """Tokens with ``(start, end)`` offsets into the ORIGINAL text.

        For ``str`` input the offsets are ``str`` indices, so ``text[start:end]`` is the word as
        written (diacritics, tatweel and all); for ``bytes`` they are byte offsets. A stemmed
        token spans its whole word; a word n-gram spans its first to last word.

        >>> Tokenizer().tokenize_with_spans("قالَ بوتين")
        [('قال', 0, 4), ('بوتين', 5, 10)]
        """
        return self._core.tokenize_with_spans(text)

    def tokenize_many(
        self, docs: Iterable[Text], n_threads: int = 0, progress: bool = False
    ) -> list[list[str]]:
        """Tokens of every document, in input order, on ``n_threads`` C++ threads (0 = all cores).

        ``docs`` may be any iterable (a generator is consumed in chunks). With ``progress=True``
        a tqdm bar counts documents. Errors name the index of the offending document.

        >>> Tokenizer().tokenize_many(["بوتين", "الأسد"], n_threads=2)
        [['بوتين'], ['الاسد']]
        """
        return self._batched(self._core.tokenize_many, docs, n_threads, progress, "tokenize")

    def count_tokens(
        self, docs: Iterable[Text], n_threads: int = 0, progress: bool = False
    ) -> np.ndarray:
        """Number of tokens of every document (int64 array), without building the tokens.

        >>> Tokenizer().count_tokens(["قال بوتين", "الرئيس الأسد في سوتشي"]).tolist()
        [2, 4]
        """
        counts = self._batched(self._core.count_tokens, docs, n_threads, progress, "count")
        return np.asarray(counts, dtype=np.int64)

    def _batched(
        self, method: Any, docs: Iterable[Text], n_threads: int, progress: bool, label: str
    ) -> list[Any]:
        check_documents(docs, n_threads)
        result: list[Any] = []
        for first, chunk in document_chunks(docs, progress, label):
            result.extend(method(chunk, n_threads, first_index=first))
        return result
