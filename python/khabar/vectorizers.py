"""scikit-learn-compatible text vectorizers with khabar's Arabic tokenizer and a C++ core."""

from __future__ import annotations

import json
import os
import re
import threading
import warnings
import weakref
from collections.abc import Iterable, Iterator, Mapping
from functools import partial
from typing import Any

import numpy as np
import scipy.sparse as sp
import sklearn.feature_extraction.text as sklearn_text
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.exceptions import NotFittedError
from sklearn.feature_extraction.text import (
    ENGLISH_STOP_WORDS,
    strip_accents_ascii,
    strip_accents_unicode,
)
from sklearn.utils import check_array
from sklearn.utils._param_validation import InvalidParameterError, validate_parameter_constraints

from khabar import _core, _options
from khabar._batching import check_documents, document_chunks
from khabar.tokenizer import Tokenizer

_INPUTS = ("content", "filename", "file")
_FLOAT_DTYPES = (np.float64, np.float32, np.float16)  # scikit-learn's FLOAT_DTYPES


def _csr(parts: tuple) -> sp.csr_matrix:
    """A csr_matrix over the C++ buffers, without copying them."""
    data, indices, indptr, shape = parts
    matrix = sp.csr_matrix((data, indices, indptr), shape=shape, copy=False)
    matrix.has_sorted_indices = True
    return matrix


class DocumentFrequencies:
    """Mergeable corpus statistics: number of documents and, per term, its document frequency
    and total count. What fitting learns before pruning; ``a + b`` counts both corpora.

    >>> vec = TfidfVectorizer()
    >>> a = vec.count_frequencies(["بوتين في سوتشي"])
    >>> b = vec.count_frequencies(["الأسد في سوتشي"])
    >>> merged = a + b
    >>> merged.n_documents, merged.document_frequency("سوتشي")
    (2, 2)
    """

    def __init__(self, core: _core.DocumentFrequencies | None = None) -> None:
        self._core = core if core is not None else _core.DocumentFrequencies()

    @property
    def n_documents(self) -> int:
        return self._core.n_documents

    def __len__(self) -> int:
        return len(self._core)

    def terms(self) -> list[str]:
        return self._core.terms()

    def document_frequency(self, term: str) -> int:
        table = self.to_dict()
        return table.get(term, (0, 0))[0]

    def to_dict(self) -> dict[str, tuple[int, int]]:
        """term → (document frequency, total count)."""
        dfs = self._core.document_frequencies().tolist()
        counts = self._core.total_counts().tolist()
        return {t: (d, c) for t, d, c in zip(self._core.terms(), dfs, counts, strict=True)}

    def to_pandas(self) -> Any:
        import pandas as pd

        frame = pd.DataFrame(
            {
                "term": self._core.terms(),
                "document_frequency": self._core.document_frequencies(),
                "total_count": self._core.total_counts(),
            }
        )
        return frame.sort_values(["document_frequency", "term"], ascending=[False, True])

    def merge(self, other: DocumentFrequencies) -> DocumentFrequencies:
        """Adds ``other``'s counts to these (in place) and returns self."""
        if not isinstance(other, DocumentFrequencies):
            raise TypeError(f"can only merge DocumentFrequencies, not {type(other).__name__}")
        self._core.merge(other._core)
        return self

    def __add__(self, other: DocumentFrequencies) -> DocumentFrequencies:
        if not isinstance(other, DocumentFrequencies):
            return NotImplemented
        return DocumentFrequencies(self._core.copy()).merge(other)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DocumentFrequencies) and self._core == other._core

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"DocumentFrequencies(n_documents={self.n_documents}, terms={len(self)})"

    def to_bytes(self) -> bytes:
        """The counts in khabar's versioned binary form (checked on reading, like model
        files): how partial counts travel between Dask workers, and how pickle stores them."""
        return self._core.to_bytes()

    @classmethod
    def from_bytes(cls, data: bytes) -> DocumentFrequencies:
        """Counts from :meth:`to_bytes` output; damaged or truncated bytes raise ValueError.

        >>> df = TfidfVectorizer().count_frequencies(["بوتين في سوتشي"])
        >>> DocumentFrequencies.from_bytes(df.to_bytes()) == df
        True
        """
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise TypeError(f"expected bytes, got {type(data).__name__}")
        return cls(_core.DocumentFrequencies.from_bytes(bytes(data)))

    def __reduce__(self) -> tuple[Any, tuple[bytes]]:
        return (_frequencies_from_bytes, (self.to_bytes(),))


#: One lock per estimator, held while a fit publishes its state and while partial_fit adds
#: counts. Kept outside the estimators so that they stay picklable and clonable.
_locks: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()
_locks_lock = threading.Lock()


def _lock_of(estimator: Any) -> Any:
    with _locks_lock:
        lock = _locks.get(estimator)
        if lock is None:
            lock = _locks[estimator] = threading.RLock()
        return lock


def _frequencies_from_bytes(data: bytes) -> DocumentFrequencies:
    return DocumentFrequencies.from_bytes(data)


_SKLEARN_TOKEN_PATTERN = r"(?u)\b\w\w+\b"
_WHITE_SPACES = re.compile(r"\s\s+")


def _preprocess(doc: str, accent_function: Any = None, lower: bool = False) -> str:
    # scikit-learn's order: lowercase, then strip accents.
    if lower:
        doc = doc.lower()
    if accent_function is not None:
        doc = accent_function(doc)
    return doc


def _check_stop_list(stop: Any) -> frozenset[str] | None:
    if stop == "english":
        return ENGLISH_STOP_WORDS
    if isinstance(stop, str):
        raise ValueError(f"not a built-in stop list: {stop}")
    if stop is None:
        return None
    return frozenset(stop)


class _Analysis:
    """How documents reach the C++ counting: as they are (``text`` None, ``tokens`` None), as
    text prepared in Python (``text``: decoding, a preprocessor, strip_accents) that C++
    tokenizes, or as tokens found in Python (``tokens``: a callable analyzer or tokenizer, or a
    token_pattern the C++ tokenizer does not implement, applied with ``re``)."""

    __slots__ = ("text", "tokens")

    def __init__(self, text: Any = None, tokens: Any = None) -> None:
        self.text = text
        self.tokens = tokens


class _SklearnAnalysisMixin:
    """scikit-learn's text analysis (decode → preprocess → tokenize → stop words → n-grams),
    with its public methods, for the parameters khabar's C++ tokenizer does not take. Which
    parameters select it is decided in one place, :meth:`_analysis`."""

    # The parameters the analysis reads (set by the estimators' __init__).
    input: str
    encoding: str
    decode_error: str
    strip_accents: Any
    lowercase: bool
    preprocessor: Any
    tokenizer: Any
    stop_words: Any
    token_pattern: str | None
    ngram_range: tuple[int, int]
    analyzer: Any
    normalize: Any
    stopwords: Any
    stemmer: str | None
    stem_exclusion: Any
    min_length: int
    errors: str
    n_threads: int
    progress: bool

    #: khabar.sklearn decodes bytes in Python as scikit-learn does (UnicodeDecodeError);
    #: khabar's classes hand UTF-8 bytes to C++ (ValueError naming document and byte offset).
    _decode_bytes_in_python = False

    # --- scikit-learn's public analysis methods -------------------------------------------

    def decode(self, doc: Any) -> Any:
        """The document as a str: read from the file (input="filename" / "file") and decoded
        with ``encoding`` and ``decode_error``, as scikit-learn's decode."""
        if self.input == "filename":
            with open(doc, "rb") as fh:
                doc = fh.read()
        elif self.input == "file":
            doc = doc.read()
        if isinstance(doc, bytes):
            doc = doc.decode(self.encoding, self.decode_error)
        if doc is np.nan:
            raise ValueError("np.nan is an invalid document, expected byte or unicode string.")
        return doc

    def build_preprocessor(self) -> Any:
        """The preprocessor (lowercase, strip_accents) of scikit-learn, or the one given."""
        if self.preprocessor is not None:
            return self.preprocessor
        if not self.strip_accents:
            strip_accents = None
        elif callable(self.strip_accents):
            strip_accents = self.strip_accents
        elif self.strip_accents == "ascii":
            strip_accents = strip_accents_ascii
        elif self.strip_accents == "unicode":
            strip_accents = strip_accents_unicode
        else:
            raise ValueError(f'Invalid value for "strip_accents": {self.strip_accents}')
        return partial(_preprocess, accent_function=strip_accents, lower=self.lowercase)

    def build_tokenizer(self) -> Any:
        """The tokenizer: the one given, ``re.findall`` of token_pattern, or (token_pattern
        None) khabar's Arabic-aware Tokenizer."""
        if self.tokenizer is not None:
            return self.tokenizer
        if self.token_pattern is None:
            return self._khabar_tokenizer()
        token_pattern = re.compile(self.token_pattern)
        if token_pattern.groups > 1:
            raise ValueError(
                "More than 1 capturing group in token pattern. Only a single group should be "
                "captured."
            )
        return token_pattern.findall

    def get_stop_words(self) -> frozenset[str] | None:
        """The stop words of ``stop_words`` ("english": scikit-learn's list)."""
        return _check_stop_list(self.stop_words)

    def build_analyzer(self) -> Any:
        """A callable giving the tokens of one document, as the vectorizer counts them."""
        analysis = self._analysis()
        if analysis.tokens is not None:
            return analysis.tokens
        if self.token_pattern is not None and self.analyzer == "word":
            return self._python_analyzer()  # what C++ does, as scikit-learn's analyzer
        tokenizer = self._khabar_tokenizer()
        prepare = analysis.text
        if prepare is None:
            return tokenizer
        return lambda doc: tokenizer(prepare(doc))

    # --- scikit-learn's analysis steps ----------------------------------------------------

    def _word_ngrams(self, tokens: Any, stop_words: Any = None) -> list[str]:
        if stop_words is not None:
            tokens = [w for w in tokens if w not in stop_words]
        min_n, max_n = self.ngram_range
        if max_n != 1:
            original_tokens = tokens
            if min_n == 1:
                tokens = list(original_tokens)
                min_n += 1
            else:
                tokens = []
            n_original_tokens = len(original_tokens)
            append = tokens.append
            for n in range(min_n, min(max_n + 1, n_original_tokens + 1)):
                for i in range(n_original_tokens - n + 1):
                    append(" ".join(original_tokens[i : i + n]))
        return tokens

    def _char_ngrams(self, text_document: str) -> list[str]:
        text_document = _WHITE_SPACES.sub(" ", text_document)
        text_len = len(text_document)
        min_n, max_n = self.ngram_range
        if min_n == 1:
            ngrams = list(text_document)
            min_n += 1
        else:
            ngrams = []
        append = ngrams.append
        for n in range(min_n, min(max_n + 1, text_len + 1)):
            for i in range(text_len - n + 1):
                append(text_document[i : i + n])
        return ngrams

    def _char_wb_ngrams(self, text_document: str) -> list[str]:
        text_document = _WHITE_SPACES.sub(" ", text_document)
        min_n, max_n = self.ngram_range
        ngrams: list[str] = []
        append = ngrams.append
        for w in text_document.split():
            w = " " + w + " "
            w_len = len(w)
            for n in range(min_n, max_n + 1):
                offset = 0
                append(w[offset : offset + n])
                while offset + n < w_len:
                    offset += 1
                    append(w[offset : offset + n])
                if offset == 0:  # a word shorter than n is counted once
                    break
        return ngrams

    def _check_stop_words_consistency(self, stop_words: Any, preprocess: Any, tokenize: Any) -> Any:
        if id(self.stop_words) == getattr(self, "_stop_words_id", None):
            return None  # checked already
        try:
            inconsistent = set()
            for w in stop_words or ():
                for token in list(tokenize(preprocess(w))):
                    if token not in stop_words:
                        inconsistent.add(token)
            self._stop_words_id = id(self.stop_words)
            if inconsistent:
                warnings.warn(
                    "Your stop_words may be inconsistent with your preprocessing. Tokenizing "
                    f"the stop words generated tokens {sorted(inconsistent)!r} not in "
                    "stop_words.",
                    stacklevel=2,
                )
            return not inconsistent
        except Exception:  # a custom preprocessor or tokenizer that fails on the stop words
            self._stop_words_id = id(self.stop_words)
            return "error"

    def _warn_for_unused_params(self) -> None:
        if self.tokenizer is not None and self.token_pattern is not None:
            warnings.warn(
                "The parameter 'token_pattern' will not be used since 'tokenizer' is not None'",
                stacklevel=2,
            )
        if self.preprocessor is not None and callable(self.analyzer):
            warnings.warn(
                "The parameter 'preprocessor' will not be used since 'analyzer' is callable'",
                stacklevel=2,
            )
        if self.ngram_range != (1, 1) and self.ngram_range is not None and callable(self.analyzer):
            warnings.warn(
                "The parameter 'ngram_range' will not be used since 'analyzer' is callable'",
                stacklevel=2,
            )
        if self.analyzer != "word" or callable(self.analyzer):
            if self.stop_words is not None:
                warnings.warn(
                    "The parameter 'stop_words' will not be used since 'analyzer' != 'word'",
                    stacklevel=2,
                )
            if self.token_pattern is not None and self.token_pattern != _SKLEARN_TOKEN_PATTERN:
                warnings.warn(
                    "The parameter 'token_pattern' will not be used since 'analyzer' != 'word'",
                    stacklevel=2,
                )
            if self.tokenizer is not None:
                warnings.warn(
                    "The parameter 'tokenizer' will not be used since 'analyzer' != 'word'",
                    stacklevel=2,
                )

    def _validate_ngram_range(self) -> None:
        min_n, max_m = self.ngram_range
        if min_n > max_m:
            raise ValueError(
                f"Invalid value for ngram_range={str(self.ngram_range)!r} lower boundary larger "
                "than the upper boundary."
            )

    def _validate_sklearn_params(self) -> None:
        """scikit-learn's own constraints on its parameters (InvalidParameterError)."""
        # The scikit-learn class of the khabar one this is (or derives from).
        peer = next(
            _SKLEARN_PEERS[c.__name__] for c in type(self).__mro__ if c.__name__ in _SKLEARN_PEERS
        )
        constraints = peer._parameter_constraints
        params = {name: getattr(self, name) for name in constraints if hasattr(self, name)}
        validate_parameter_constraints(constraints, params, caller_name=type(self).__name__)

    # --- the choice of pipeline ----------------------------------------------------------

    def _khabar_tokenizer(self) -> Tokenizer:
        """khabar's Tokenizer for the C++ options of these parameters."""
        options = self._tokenizer_options()
        return Tokenizer(
            normalize=self.normalize,
            stopwords=list(options.stopwords) or None,
            stemmer=self.stemmer,
            min_length=self.min_length,
            ngram_range=options.ngram_range,
            analyzer=options.analyzer,
            errors=self.errors,
            stem_exclusion=self.stem_exclusion,
            lowercase=self.lowercase,
        )

    def _tokenizer_options(self) -> _core.TokenizerOptions:
        """The C++ tokenizer options: khabar's parameters, scikit-learn's stop_words added to
        khabar's stopwords when C++ reads the text, the token pattern ("" for ICU)."""
        params = {
            "normalize": self.normalize,
            "stopwords": self.stopwords,
            "stemmer": self.stemmer,
            "stem_exclusion": self.stem_exclusion,
            "min_length": self.min_length,
            "ngram_range": tuple(self.ngram_range),
            "analyzer": self.analyzer if isinstance(self.analyzer, str) else "word",
            "errors": self.errors,
            "lowercase": self.lowercase,
            "token_pattern": "" if self.token_pattern is None else self.token_pattern,
        }
        if self._cxx_stop_words():
            words = _options.stopword_list(self.stopwords) + sorted(self.get_stop_words() or ())
            params["stopwords"] = list(dict.fromkeys(words))
        return _options.tokenizer_options(params)

    def _cxx_stop_words(self) -> bool:
        """Whether scikit-learn's stop words join khabar's stopwords in C++: when C++ finds
        the words (ICU, or a native token_pattern on the text as given)."""
        if self.stop_words is None or self.analyzer != "word" or self.tokenizer is not None:
            return False
        if self.token_pattern is None:
            return True
        return (
            self.preprocessor is None
            and not self.strip_accents
            and _core.is_native_token_pattern(self.token_pattern)
        )

    def _python_tokens(self) -> bool:
        """Whether the tokens are found in Python (see _Analysis)."""
        if callable(self.analyzer) or self.tokenizer is not None:
            return True
        if self.analyzer not in ("word", "char", "char_wb"):
            return True  # build_analyzer raises scikit-learn's error
        if self.token_pattern is None:  # ICU word breaks, or C++ character n-grams
            return False
        if self.preprocessor is not None or self.strip_accents:
            return True
        return not _core.tokenizes_text(self._tokenizer_options())

    def _analysis(self) -> _Analysis:
        """The one place that decides where each step of the analysis runs (see README,
        "scikit-learn's pipeline")."""
        if self._python_tokens():
            return _Analysis(tokens=self._python_analyzer())
        if self.token_pattern is not None and self.analyzer == "word":
            # C++ applies the pattern: scikit-learn's checks of it still run here.
            tokenize = self.build_tokenizer()
            if self.stop_words is not None:
                stop_words = self.get_stop_words()
                self._check_stop_words_consistency(stop_words, self.build_preprocessor(), tokenize)
        prepare = None
        if self.preprocessor is not None or self.strip_accents:
            preprocess = self.build_preprocessor()
            decode = self.decode
            prepare = lambda doc: preprocess(decode(doc))  # noqa: E731
        elif (
            self._decode_bytes_in_python
            or not _is_utf8(self.encoding)
            or (self.decode_error != "strict")
        ):
            prepare = self._decoded
        return _Analysis(text=prepare)

    def _decoded(self, doc: Any) -> Any:
        # Files are read before this (_documents); bytes decoded as scikit-learn's decode.
        if isinstance(doc, bytes):
            return doc.decode(self.encoding, self.decode_error)
        if doc is np.nan:
            raise ValueError("np.nan is an invalid document, expected byte or unicode string.")
        return doc

    def _python_analyzer(self) -> Any:
        """scikit-learn's analyzer, khabar's extra word steps (normalize, stopwords, stemmer,
        min_length) added where they are set. Documents are read already (_documents)."""
        decode = self._decoded
        if callable(self.analyzer):
            analyzer = self.analyzer
            return lambda doc: analyzer(decode(doc))
        preprocess = self.build_preprocessor()
        if self.analyzer == "char":
            char_ngrams = self._char_ngrams
            return lambda doc: char_ngrams(preprocess(decode(doc)))
        if self.analyzer == "char_wb":
            char_wb_ngrams = self._char_wb_ngrams
            return lambda doc: char_wb_ngrams(preprocess(decode(doc)))
        if self.analyzer != "word":
            raise ValueError(f"{self.analyzer} is not a valid tokenization scheme/analyzer")
        stop_words = self.get_stop_words()
        tokenize = self.build_tokenizer()
        self._check_stop_words_consistency(stop_words, preprocess, tokenize)
        extra = self._khabar_word_steps()
        word_ngrams = self._word_ngrams

        def analyze(doc: Any) -> list[str]:
            text = preprocess(decode(doc))
            if extra.normalizer is not None:
                text = extra.normalizer(text)
            tokens = tokenize(text)
            if extra.words is not None:
                if stop_words is not None:
                    tokens = [w for w in tokens if w not in stop_words]
                return word_ngrams(extra.words(tokens))
            return word_ngrams(tokens, stop_words)

        return analyze

    def _khabar_word_steps(self) -> Any:
        """khabar's normalization and word filters for tokens found in Python, in the C++
        tokenizer's order: stopwords, stemmer, min_length."""
        from types import SimpleNamespace

        from khabar.tokenizer import khabar_stem, light10_stem, normalize

        normalizer: Any = None
        if self.normalize is not False:
            flags = dict(self.normalize) if isinstance(self.normalize, Mapping) else {}

            def normalizer(text: str) -> str:
                return normalize(text, **flags)

        stopwords = set(_options.stopword_list(self.stopwords))
        exclusion = set(self.stem_exclusion or ())
        if normalizer is not None:
            stopwords = {normalizer(w) for w in stopwords}
            exclusion = {normalizer(w) for w in exclusion}
        stem = {None: None, "light10": light10_stem, "khabar": khabar_stem}[self.stemmer]
        min_length = self.min_length
        words = None
        if stopwords or stem is not None or min_length > 1:

            def words(tokens: list[str]) -> list[str]:
                out = []
                for token in tokens:
                    if token in stopwords:
                        continue
                    if stem is not None and token not in exclusion:
                        token = stem(token)
                    if len(token) >= min_length:
                        out.append(token)
                return out

        return SimpleNamespace(normalizer=normalizer, words=words)


def _is_utf8(encoding: str) -> bool:
    return encoding.lower().replace("_", "-") in ("utf-8", "utf8")


class _TextVectorizer(
    _SklearnAnalysisMixin,
    TransformerMixin,
    BaseEstimator,
    auto_wrap_output_keys=None,  # type: ignore[call-arg]
):
    """What CountVectorizer and TfidfVectorizer share: scikit-learn's and khabar's tokenizer
    parameters, input handling, the C++ model and its fitted attributes. No set_output, as
    scikit-learn's text vectorizers have none."""

    def _check_params(self) -> None:
        self._validate_sklearn_params()
        _check_input(self.input)
        check_documents([], self.n_threads)

    def _documents(self, raw_documents: Iterable[Any]) -> Iterable[Any]:
        if isinstance(raw_documents, (str, bytes)):
            raise ValueError("Iterable over raw text documents expected, string object received.")
        if self.input == "filename":
            return (_read_path(p) for p in raw_documents)
        if self.input == "file":
            return (f.read() for f in raw_documents)
        return raw_documents

    def _feed(self, raw_documents: Iterable[Any], label: str) -> Iterator[tuple[int, list, bool]]:
        """(first index, chunk, whether the chunk holds tokens) over the documents, each
        prepared as _analysis says."""
        analysis = self._analysis()
        for first, chunk in document_chunks(self._documents(raw_documents), self.progress, label):
            if analysis.tokens is not None:
                yield first, [analysis.tokens(doc) for doc in chunk], True
            elif analysis.text is not None:
                yield first, [analysis.text(doc) for doc in chunk], False
            else:
                yield first, chunk, False

    def _core_options(self) -> _core.VectorizerOptions:
        raise NotImplementedError

    def _fill_options(self, options: Any, cxx_dtype: str) -> Any:
        params = {
            name: getattr(self, name)
            for name in type(options).fields
            if name not in ("tokenizer", "dtype") and hasattr(self, name)
        }
        params["dtype"] = cxx_dtype
        options = _options.fill(options, params)
        options.tokenizer = self._tokenizer_options()
        options.validate()
        return options

    def _build_model(self) -> _core.TfidfVectorizer:
        model = _core.TfidfVectorizer(self._core_options())
        if self.vocabulary is not None:
            model.set_fixed_vocabulary(_vocabulary_terms(self.vocabulary))
        return model

    def _new_model(self) -> _core.TfidfVectorizer:
        """The model a fit starts from, after scikit-learn's checks and warnings."""
        self._check_params()
        self._validate_ngram_range()
        self._warn_for_unused_params()
        _check_sparse_dtype(self.dtype)
        model = self._build_model()
        if self.vocabulary is not None and self.lowercase:
            if any(any(map(str.isupper, term)) for term in model.features()):
                warnings.warn(
                    "Upper case characters found in vocabulary while 'lowercase' is True. "
                    "These entries will not be matched with any documents",
                    stacklevel=3,
                )
        return model

    def _fitted_state(self, model: _core.TfidfVectorizer) -> dict[str, Any]:
        return {"_model": model, "fixed_vocabulary_": self.vocabulary is not None}

    def _set_fitted(self, model: _core.TfidfVectorizer) -> None:
        # Threads fitting one estimator: everything a fit learned is computed first, then
        # published under the estimator's lock, so that no fit's model meets another's idf_.
        state = self._fitted_state(model)
        with _lock_of(self):
            self.__dict__.pop("_idf", None)
            self.__dict__.update(state)

    @property
    def vocabulary_(self) -> dict[str, int]:
        """term → column, built on first access (a large vocabulary costs a moment)."""
        model = self._vocabulary_model()  # NotFittedError is an AttributeError, as hasattr expects
        # Cached with the model it was built from: a concurrent fit publishes a new model.
        cached = getattr(self, "_vocabulary", None)
        if cached is None or cached[0] is not model:
            features = model.features()
            cached = (model, dict(zip(features, range(len(features)), strict=True)))
            self._vocabulary = cached
        return cached[1]

    def __sklearn_is_fitted__(self) -> bool:
        return getattr(self, "_model", None) is not None

    def __sklearn_tags__(self) -> Any:
        # As scikit-learn's text vectorizers: the input is an iterable of documents, not a
        # 2-D array (check_estimator then skips the numeric checks, as it does for theirs).
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        return tags

    def _fitted_model(self) -> _core.TfidfVectorizer:
        model = getattr(self, "_model", None)
        if model is None:
            raise NotFittedError(
                f"This {type(self).__name__} instance is not fitted yet. Call 'fit' with "
                "appropriate arguments before using this estimator."
            )
        return model

    def _vocabulary_model(self) -> _core.TfidfVectorizer:
        """The fitted model, or without fit one of the vocabulary= given (scikit-learn's
        _check_vocabulary): enough for the vocabulary, not for TF-IDF weights."""
        model = getattr(self, "_model", None)
        if model is not None:
            return model
        if self.vocabulary is None:
            return self._fitted_model()  # NotFittedError
        cached = getattr(self, "_given_vocabulary", None)
        if cached is None or cached[0] is not self.vocabulary:
            model = self._build_model()
            model.fit_frequencies(_core.DocumentFrequencies())
            cached = (self.vocabulary, model)
            self._given_vocabulary = cached
        self.fixed_vocabulary_ = True  # as scikit-learn's _validate_vocabulary sets it
        return cached[1]

    # --- fitting ---------------------------------------------------------------------------

    def count_frequencies(self, raw_documents: Iterable[Any]) -> DocumentFrequencies:
        """DocumentFrequencies of these documents under this vectorizer's tokenization."""
        model = self._new_model()
        total = DocumentFrequencies()
        for first, chunk, tokens in self._feed(raw_documents, "count"):
            count = model.count_tokens if tokens else model.count
            total.merge(DocumentFrequencies(count(chunk, self.n_threads, first_index=first)))
        return total

    def fit(self, raw_documents: Iterable[Any], y: Any = None) -> _TextVectorizer:
        """Learns the vocabulary (and idf) from the documents."""
        model = self._new_model()
        total = _core.DocumentFrequencies()
        for first, chunk, tokens in self._feed(raw_documents, "fit"):
            count = model.count_tokens if tokens else model.count
            total.merge(count(chunk, self.n_threads, first_index=first))
        model.fit_frequencies(total)
        self._set_fitted(model)
        return self

    def fit_transform(self, raw_documents: Iterable[Any], y: Any = None) -> sp.csr_matrix:
        """fit, then transform the same documents, tokenizing each document once."""
        model = self._new_model()
        builder = _core.TfidfBuilder(model, self.n_threads)
        for first, chunk, tokens in self._feed(raw_documents, "fit"):
            (builder.add_tokens if tokens else builder.add)(chunk, first_index=first)
        matrix = self._output(_csr(builder.finish()))
        self._set_fitted(model)
        return matrix

    def partial_fit(self, raw_documents: Iterable[Any], y: Any = None) -> _TextVectorizer:
        """Adds the documents' counts to those seen so far and refits vocabulary and idf."""
        frequencies = self.count_frequencies(raw_documents)
        # Counting runs in parallel; adding to the counts seen so far is one step at a time,
        # or concurrent partial_fit calls would lose each other's documents.
        with _lock_of(self):
            previous = getattr(self, "frequencies_", None)
            merged = frequencies if previous is None else previous + frequencies
            model = self._build_model()
            model.fit_frequencies(merged._core)
            self.frequencies_ = merged
            self._set_fitted(model)
        return self

    @classmethod
    def from_frequencies(cls, frequencies: DocumentFrequencies, **params: Any) -> Any:
        """A vectorizer fitted from (merged) DocumentFrequencies: min_df, max_df and
        max_features apply to the merged counts."""
        vectorizer = cls(**params)
        model = vectorizer._new_model()
        model.fit_frequencies(frequencies._core)
        vectorizer._set_fitted(model)
        return vectorizer

    def transform(self, raw_documents: Iterable[Any]) -> sp.csr_matrix:
        """Rows for the documents; terms outside the vocabulary are ignored."""
        if isinstance(raw_documents, str):
            raise ValueError("Iterable over raw text documents expected, string object received.")
        model = self._transform_model()
        return self._output(_transform_in_chunks(self, model, raw_documents, model.n_features))

    def _transform_model(self) -> _core.TfidfVectorizer:
        return self._vocabulary_model()

    def _output(self, matrix: sp.csr_matrix) -> sp.csr_matrix:
        """The matrix in the dtype asked for, where C++ computed it in a wider one."""
        dtype = self._output_dtype()
        return matrix if matrix.dtype == dtype else matrix.astype(dtype)

    def _output_dtype(self) -> np.dtype:
        return np.dtype(self.dtype)

    def inverse_transform(self, X: Any) -> list[np.ndarray]:
        """The terms of each row's non-zero entries (scikit-learn's inverse_transform)."""
        model = self._vocabulary_model()
        X = check_array(X, accept_sparse="csr")
        inverse_vocabulary = np.array(model.features())
        if sp.issparse(X):
            return [inverse_vocabulary[X[i, :].nonzero()[1]].ravel() for i in range(X.shape[0])]
        return [inverse_vocabulary[np.flatnonzero(X[i, :])].ravel() for i in range(X.shape[0])]

    # --- persistence ---------------------------------------------------------------------

    def _annotations(self) -> str:
        params = self.get_params()
        params["dtype"] = np.dtype(self.dtype).name
        params["ngram_range"] = list(self.ngram_range)
        params["vocabulary"] = None  # the fixed vocabulary is stored as the model's terms
        for name in ("stopwords", "stop_words"):
            if not isinstance(params[name], (str, type(None))):
                params[name] = (
                    sorted(params[name])
                    if isinstance(params[name], (set, frozenset))
                    else list(params[name])
                )
        if params["stem_exclusion"] is not None:
            params["stem_exclusion"] = list(params["stem_exclusion"])
        for name, value in params.items():
            if callable(value):
                raise ValueError(
                    f"a model file cannot hold the Python callable given as {name!r}; pickle "
                    "the vectorizer (with an importable function) instead"
                )
        return json.dumps({"class": type(self).__name__, "params": params}, ensure_ascii=False)

    def to_bytes(self) -> bytes:
        """The fitted model in khabar's versioned binary format (see README: Model files)."""
        return _core.serialize_model(self._fitted_model(), self._annotations())

    def save(self, path: str | os.PathLike[str]) -> None:
        """Writes the fitted model to ``path`` atomically (temporary file, then rename).

        >>> import tempfile, pathlib
        >>> vec = TfidfVectorizer().fit(["بوتين في سوتشي", "الأسد في سوتشي"])
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "model.khabar"
        >>> vec.save(path)
        >>> TfidfVectorizer.load(path).vocabulary_ == vec.vocabulary_
        True
        """
        _core.save_model(self._fitted_model(), os.fspath(path), self._annotations())

    @classmethod
    def from_bytes(cls, data: bytes, *, input: str | None = None) -> Any:
        """A fitted vectorizer from :meth:`to_bytes` output. Never executes code from the
        bytes; corrupt, truncated, forged or future-version data raises ValueError. ``input``
        as for :meth:`load`."""
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise TypeError(f"expected bytes, got {type(data).__name__}")
        model, annotations = _core.deserialize_model(bytes(data))
        return cls._from_model(model, annotations, input)

    @classmethod
    def load(cls, path: str | os.PathLike[str], *, input: str | None = None) -> Any:
        """A fitted vectorizer saved with :meth:`save` (by Python or C++).

        The loaded vectorizer reads its documents as ``input`` says, "content" unless given:
        a model saved with ``input="filename"`` or ``"file"`` does not open files named by the
        documents it is later given unless the caller asks for it here."""
        path = os.fspath(path)
        if not os.path.isfile(path):
            raise FileNotFoundError(f"no model file at {path}")
        model, annotations = _core.load_model(path)
        return cls._from_model(model, annotations, input)

    @classmethod
    def _params_from_options(cls, options: Any) -> dict[str, Any]:
        """The estimator parameters the C++ options describe (for files written by C++)."""
        tokenizer = options.tokenizer
        params: dict[str, Any] = {}
        for name in cls._get_param_names():
            if name == "normalize":
                if not tokenizer.normalize:
                    params[name] = False
                elif tokenizer.normalizer == _core.NormalizerOptions():
                    params[name] = True
                else:
                    params[name] = tokenizer.normalizer.to_dict()
            elif name == "stopwords":
                words = list(tokenizer.stopwords)
                arabic = words == list(_core.arabic_stopwords())
                params[name] = None if not words else "arabic" if arabic else words
            elif name == "stem_exclusion":
                params[name] = list(tokenizer.stem_exclusion) or None  # None: the default form
            elif name == "token_pattern":
                params[name] = tokenizer.token_pattern or None  # None: ICU word breaks
            elif name == "dtype":
                params[name] = np.dtype(options.dtype).type
            elif name in type(tokenizer).fields:
                params[name] = getattr(tokenizer, name)
            elif name in type(options).fields and name != "tokenizer":  # not sklearn's
                params[name] = getattr(options, name)
        return params

    @classmethod
    def _from_model(
        cls, model: _core.TfidfVectorizer, annotations: str, input: str | None = None
    ) -> Any:
        _check_input("content" if input is None else input)
        saved = json.loads(annotations)
        saved_class = saved.get("class", cls.__name__) if isinstance(saved, dict) else cls.__name__
        if saved_class != cls.__name__:
            raise ValueError(f"the model was saved by {saved_class}, not {cls.__name__}")
        params = saved.get("params") if isinstance(saved, dict) else None
        if not isinstance(params, dict):  # written by C++ without Python parameters
            params = cls._params_from_options(model.options)
        # The file is untrusted: parameters that fit would refuse are refused here too, and
        # the C++ options that will do the work must be the ones these parameters give.
        try:
            params["ngram_range"] = tuple(params.get("ngram_range", (1, 1)))
            if "dtype" in params:
                params["dtype"] = np.dtype(params["dtype"]).type
                if np.dtype(params["dtype"]).kind not in "iuf":
                    raise ValueError(
                        "dtype must be one of NumPy's integer or float types, got "
                        f"{np.dtype(params['dtype']).name}"
                    )
            params = {k: v for k, v in params.items() if k in cls._get_param_names()}
            # Reading files is a right the caller grants, never one the file does.
            params["input"] = "content" if input is None else input
            vectorizer = cls(**params)
            vectorizer._check_params()
            expected = vectorizer._core_options().to_dict()
        except (TypeError, ValueError) as error:
            raise ValueError(
                f"invalid model file: the saved {cls.__name__} parameters are invalid: {error}"
            ) from error
        difference = _first_difference(expected, model.options.to_dict())
        if difference is not None:
            name, given, stored = difference
            raise ValueError(
                f"invalid model file: option '{name}' is {stored!r} in the model's options but "
                f"{given!r} in its saved {cls.__name__} parameters"
            )
        vectorizer.vocabulary = model.features() if model.has_fixed_vocabulary else None
        vectorizer._set_fitted(model)
        return vectorizer

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        model = state.pop("_model", None)
        for fitted in ("_vocabulary", "_idf", "_given_vocabulary", "fixed_vocabulary_"):
            state.pop(fitted, None)
        if model is not None:  # the parameters travel in the state, callables included
            state["_model_bytes"] = _core.serialize_model(model, "{}")
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        model_bytes = state.pop("_model_bytes", None)
        self.__dict__.update(state)
        if model_bytes is not None:
            model, _ = _core.deserialize_model(model_bytes)
            self._set_fitted(model)

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """Terms by column, as an object array (scikit-learn's convention)."""
        return np.asarray(self._vocabulary_model().features(), dtype=object)


def _transform_in_chunks(
    vectorizer: Any, model: Any, raw_documents: Iterable[Any], n_features: int
) -> sp.csr_matrix:
    """model.transform over the documents chunk by chunk, rows stacked in order."""
    parts = [
        _csr(
            (model.transform_tokens if tokens else model.transform)(
                chunk, vectorizer.n_threads, first_index=first
            )
        )
        for first, chunk, tokens in vectorizer._feed(raw_documents, "transform")
    ]
    if len(parts) == 1:
        return parts[0]
    if not parts:
        return sp.csr_matrix((0, n_features), dtype=model.options.dtype)
    return sp.vstack(parts, format="csr")


def _first_difference(a: Mapping[str, Any], b: Mapping[str, Any], prefix: str = "") -> Any:
    """(dotted name, a's value, b's value) of the first option where a and b differ, or None."""
    for name in sorted(set(a) | set(b)):
        x, y = a.get(name), b.get(name)
        if isinstance(x, Mapping) and isinstance(y, Mapping):
            found = _first_difference(x, y, f"{prefix}{name}.")
            if found is not None:
                return found
        elif x != y or type(x) is not type(y):
            return (f"{prefix}{name}", x, y)
    return None


def _read_path(path: Any) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def _vocabulary_terms(vocabulary: Any) -> list[str]:
    """The terms of a user-given vocabulary in column order, validated as scikit-learn does."""
    if isinstance(vocabulary, Mapping):
        indices = sorted(vocabulary.values())
        if len(set(indices)) != len(indices):
            raise ValueError("Vocabulary contains repeated indices.")
        for i, index in enumerate(indices):
            if i != index:
                raise ValueError(f"Vocabulary of size {len(indices)} doesn't contain index {i}.")
        terms = sorted(vocabulary, key=vocabulary.__getitem__)
    else:
        terms = sorted(vocabulary) if isinstance(vocabulary, set) else list(vocabulary)
        if len(set(terms)) != len(terms):
            duplicate = next(t for t in terms if terms.count(t) > 1)
            raise ValueError(f"Duplicate term in vocabulary: {duplicate!r}")
    if not terms:
        raise ValueError("empty vocabulary passed to fit")
    return terms


def _check_input(value: Any) -> None:
    if value not in _INPUTS:
        raise InvalidParameterError(
            f"The 'input' parameter must be a str among {set(_INPUTS)}, got {value!r}"
        )


_SKLEARN_PEERS = {
    "CountVectorizer": sklearn_text.CountVectorizer,
    "TfidfVectorizer": sklearn_text.TfidfVectorizer,
    "HashingVectorizer": sklearn_text.HashingVectorizer,
}


def _check_sparse_dtype(dtype: Any) -> None:
    """SciPy's own ValueError for a dtype its sparse matrices lack (float16), raised where
    scikit-learn's vectorizers meet it."""
    sp.csr_matrix((1, 1), dtype=dtype)


def _counts_dtype(dtype: Any) -> str:
    """The C++ value type counts are computed in for a requested dtype."""
    dtype = np.dtype(dtype)
    if dtype.name in ("int64", "float64", "float32"):
        return dtype.name
    return "int64" if dtype.kind in "iub" else "float64"


def _float_dtype(estimator: Any) -> str:
    """scikit-learn's float dtypes stay; others are computed in float64 (TfidfVectorizer
    warns and returns float64, HashingVectorizer converts at the end)."""
    return "float32" if np.dtype(estimator.dtype) == np.float32 else "float64"


class CountVectorizer(_TextVectorizer, auto_wrap_output_keys=None):  # type: ignore[call-arg]
    """Term counts, scikit-learn's CountVectorizer with khabar's Arabic tokenizer by default
    (``token_pattern=None``); every scikit-learn parameter is taken with its meaning, see
    README ("scikit-learn's pipeline") for which ones move tokenization to Python.

    >>> X = CountVectorizer().fit_transform(["سوريا روسيا سوريا", "روسيا تركيا"])
    >>> X.toarray().tolist()
    [[0, 1, 2], [1, 1, 0]]
    """

    def __init__(
        self,
        *,
        input: str = "content",
        encoding: str = "utf-8",
        decode_error: str = "strict",
        strip_accents: Any = None,
        lowercase: bool = _options.TOKENIZER.lowercase,
        preprocessor: Any = None,
        tokenizer: Any = None,
        stop_words: Any = None,
        token_pattern: str | None = None,
        ngram_range: tuple[int, int] = _options.TOKENIZER.ngram_range,
        analyzer: Any = _options.TOKENIZER.analyzer,
        max_df: float | int = _options.COUNTS.max_df,
        min_df: float | int = _options.COUNTS.min_df,
        max_features: int | None = _options.COUNTS.max_features,
        vocabulary: Any = None,
        binary: bool = _options.COUNTS.binary,
        dtype: Any = _options.COUNTS_DTYPE,
        normalize: bool | Mapping[str, bool] = True,
        stopwords: Any = None,
        stemmer: str | None = _options.TOKENIZER.stemmer,
        stem_exclusion: Any = None,
        min_length: int = _options.TOKENIZER.min_length,
        errors: str = _options.TOKENIZER.errors,
        n_threads: int = 0,
        progress: bool = False,
    ) -> None:
        self.input = input
        self.encoding = encoding
        self.decode_error = decode_error
        self.strip_accents = strip_accents
        self.lowercase = lowercase
        self.preprocessor = preprocessor
        self.tokenizer = tokenizer
        self.stop_words = stop_words
        self.token_pattern = token_pattern
        self.ngram_range = ngram_range
        self.analyzer = analyzer
        self.max_df = max_df
        self.min_df = min_df
        self.max_features = max_features
        self.vocabulary = vocabulary
        self.binary = binary
        self.dtype = dtype
        self.normalize = normalize
        self.stopwords = stopwords
        self.stemmer = stemmer
        self.stem_exclusion = stem_exclusion
        self.min_length = min_length
        self.errors = errors
        self.n_threads = n_threads
        self.progress = progress

    def _core_options(self) -> _core.VectorizerOptions:
        return self._fill_options(_core.VectorizerOptions.counts(), _counts_dtype(self.dtype))


class TfidfVectorizer(_TextVectorizer, auto_wrap_output_keys=None):  # type: ignore[call-arg]
    """TF-IDF features, scikit-learn's TfidfVectorizer with khabar's Arabic tokenizer by
    default (``token_pattern=None``), computed in multi-threaded C++; equal to scikit-learn's
    for the same tokens.

    >>> vec = TfidfVectorizer(sublinear_tf=True)
    >>> X = vec.fit_transform(["بوتين يستقبل الأسد في سوتشي", "الأسد في دمشق"])
    >>> X.shape, vec.get_feature_names_out()[:2].tolist()
    ((2, 6), ['الاسد', 'بوتين'])
    """

    def __init__(
        self,
        *,
        input: str = "content",
        encoding: str = "utf-8",
        decode_error: str = "strict",
        strip_accents: Any = None,
        lowercase: bool = _options.TOKENIZER.lowercase,
        preprocessor: Any = None,
        tokenizer: Any = None,
        analyzer: Any = _options.TOKENIZER.analyzer,
        stop_words: Any = None,
        token_pattern: str | None = None,
        ngram_range: tuple[int, int] = _options.TOKENIZER.ngram_range,
        max_df: float | int = _options.VECTORIZER.max_df,
        min_df: float | int = _options.VECTORIZER.min_df,
        max_features: int | None = _options.VECTORIZER.max_features,
        vocabulary: Any = None,
        binary: bool = _options.VECTORIZER.binary,
        dtype: Any = _options.VECTORIZER_DTYPE,
        norm: str | None = _options.VECTORIZER.norm,
        use_idf: bool = _options.VECTORIZER.use_idf,
        smooth_idf: bool = _options.VECTORIZER.smooth_idf,
        sublinear_tf: bool = _options.VECTORIZER.sublinear_tf,
        normalize: bool | Mapping[str, bool] = True,
        stopwords: Any = None,
        stemmer: str | None = _options.TOKENIZER.stemmer,
        stem_exclusion: Any = None,
        min_length: int = _options.TOKENIZER.min_length,
        errors: str = _options.TOKENIZER.errors,
        n_threads: int = 0,
        progress: bool = False,
    ) -> None:
        self.input = input
        self.encoding = encoding
        self.decode_error = decode_error
        self.strip_accents = strip_accents
        self.lowercase = lowercase
        self.preprocessor = preprocessor
        self.tokenizer = tokenizer
        self.analyzer = analyzer
        self.stop_words = stop_words
        self.token_pattern = token_pattern
        self.ngram_range = ngram_range
        self.max_df = max_df
        self.min_df = min_df
        self.max_features = max_features
        self.vocabulary = vocabulary
        self.binary = binary
        self.dtype = dtype
        self.norm = norm
        self.use_idf = use_idf
        self.smooth_idf = smooth_idf
        self.sublinear_tf = sublinear_tf
        self.normalize = normalize
        self.stopwords = stopwords
        self.stemmer = stemmer
        self.stem_exclusion = stem_exclusion
        self.min_length = min_length
        self.errors = errors
        self.n_threads = n_threads
        self.progress = progress

    def _core_options(self) -> _core.VectorizerOptions:
        return self._fill_options(_core.VectorizerOptions(), _float_dtype(self))

    def _output_dtype(self) -> np.dtype:
        dtype = np.dtype(self.dtype)
        return dtype if dtype in (np.float32, np.float64) else np.dtype(np.float64)

    def _new_model(self) -> _core.TfidfVectorizer:
        self._check_params()
        if np.dtype(self.dtype) not in _FLOAT_DTYPES:
            warnings.warn(
                f"Only {_FLOAT_DTYPES} 'dtype' should be used. {self.dtype} 'dtype' will be "
                "converted to np.float64.",
                UserWarning,
                stacklevel=3,
            )
        return super()._new_model()

    def _transform_model(self) -> _core.TfidfVectorizer:
        return self._fitted_model()

    @property
    def idf_(self) -> np.ndarray:
        """Inverse document frequency of each column; assigning it changes the weights
        transform gives (scikit-learn's settable idf_)."""
        model = getattr(self, "_model", None)
        if model is None:
            raise NotFittedError(
                f"{type(self).__name__} is not fitted yet. Call 'fit' with appropriate "
                "arguments before using this attribute."
            )
        if not model.options.use_idf:
            raise AttributeError("'TfidfTransformer' object has no attribute 'idf_'")
        cached = self.__dict__.get("_idf")
        if cached is None or cached[0] is not model:
            cached = (model, model.idf().astype(_float_dtype(self), copy=False))
            self.__dict__["_idf"] = cached
        return cached[1]

    @idf_.setter
    def idf_(self, value: Any) -> None:
        if not self.use_idf:
            raise ValueError("`idf_` cannot be set when `user_idf=False`.")
        value = np.asarray(value, dtype=np.float64)
        try:
            source = self._vocabulary_model()
        except NotFittedError:
            raise NotFittedError(
                f"{type(self).__name__} has no vocabulary to weigh: fit it, or give "
                "vocabulary=, before setting idf_"
            ) from None
        if value.ndim != 1 or len(value) != source.n_features:
            raise ValueError(
                f"idf length = {value.size} must be equal to vocabulary size = {source.n_features}"
            )
        model = _core.TfidfVectorizer(self._core_options())
        model.restore(source.features(), value.tolist(), source.has_fixed_vocabulary)
        self._set_fitted(model)


class HashingVectorizer(
    _SklearnAnalysisMixin,
    TransformerMixin,
    BaseEstimator,
    auto_wrap_output_keys=None,  # type: ignore[call-arg]
):
    """Stateless hashed token counts, scikit-learn's HashingVectorizer with khabar's Arabic
    tokenizer by default (``token_pattern=None``): column ``abs(h) % n_features`` and sign of
    ``h``, the signed 32-bit MurmurHash3 (seed 0) of each token's UTF-8 bytes. Fitting is a
    no-op.

    >>> X = HashingVectorizer(n_features=2**10).transform(["بوتين في سوتشي"])
    >>> X.shape, X.nnz
    ((1, 1024), 3)
    """

    def __init__(
        self,
        *,
        input: str = "content",
        encoding: str = "utf-8",
        decode_error: str = "strict",
        strip_accents: Any = None,
        lowercase: bool = _options.TOKENIZER.lowercase,
        preprocessor: Any = None,
        tokenizer: Any = None,
        stop_words: Any = None,
        token_pattern: str | None = None,
        ngram_range: tuple[int, int] = _options.TOKENIZER.ngram_range,
        analyzer: Any = _options.TOKENIZER.analyzer,
        n_features: int = _options.HASHING.n_features,
        binary: bool = _options.HASHING.binary,
        norm: str | None = _options.HASHING.norm,
        alternate_sign: bool = _options.HASHING.alternate_sign,
        dtype: Any = _options.HASHING_DTYPE,
        normalize: bool | Mapping[str, bool] = True,
        stopwords: Any = None,
        stemmer: str | None = _options.TOKENIZER.stemmer,
        stem_exclusion: Any = None,
        min_length: int = _options.TOKENIZER.min_length,
        errors: str = _options.TOKENIZER.errors,
        n_threads: int = 0,
        progress: bool = False,
    ) -> None:
        self.input = input
        self.encoding = encoding
        self.decode_error = decode_error
        self.strip_accents = strip_accents
        self.lowercase = lowercase
        self.preprocessor = preprocessor
        self.tokenizer = tokenizer
        self.stop_words = stop_words
        self.token_pattern = token_pattern
        self.ngram_range = ngram_range
        self.analyzer = analyzer
        self.n_features = n_features
        self.binary = binary
        self.norm = norm
        self.alternate_sign = alternate_sign
        self.dtype = dtype
        self.normalize = normalize
        self.stopwords = stopwords
        self.stemmer = stemmer
        self.stem_exclusion = stem_exclusion
        self.min_length = min_length
        self.errors = errors
        self.n_threads = n_threads
        self.progress = progress

    _documents = _TextVectorizer._documents
    _feed = _TextVectorizer._feed
    _fill_options = _TextVectorizer._fill_options

    def _check_params(self) -> None:
        self._validate_sklearn_params()
        _check_input(self.input)
        check_documents([], self.n_threads)

    def _model(self) -> _core.HashingVectorizer:
        self._check_params()
        self._validate_ngram_range()
        return _core.HashingVectorizer(
            self._fill_options(_core.HashingOptions(), _float_dtype(self))
        )

    def fit(self, raw_documents: Any = None, y: Any = None) -> HashingVectorizer:
        """No-op (hashing learns nothing); validates the parameters."""
        if isinstance(raw_documents, str):
            raise ValueError("Iterable over raw text documents expected, string object received.")
        self._check_params()
        self._warn_for_unused_params()
        self._model()
        return self

    def partial_fit(self, raw_documents: Any = None, y: Any = None) -> HashingVectorizer:
        """No-op; validates the parameters (scikit-learn's partial_fit)."""
        self._check_params()
        return self

    def transform(self, raw_documents: Iterable[Any]) -> sp.csr_matrix:
        """Hashed rows for the documents."""
        if isinstance(raw_documents, str):
            raise ValueError("Iterable over raw text documents expected, string object received.")
        _check_sparse_dtype(self.dtype)
        matrix = _transform_in_chunks(self, self._model(), raw_documents, self.n_features)
        dtype = np.dtype(self.dtype)
        if self.norm is not None and dtype.kind not in "f":
            dtype = np.dtype(np.float64)  # scikit-learn's normalize works in floats
        return matrix if matrix.dtype == dtype else matrix.astype(dtype)

    def fit_transform(self, raw_documents: Iterable[Any], y: Any = None) -> sp.csr_matrix:
        """fit, then transform (fitting learns nothing)."""
        return self.fit(raw_documents, y).transform(raw_documents)

    def __sklearn_is_fitted__(self) -> bool:
        return True

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        tags.requires_fit = False  # stateless, as scikit-learn's HashingVectorizer
        return tags
