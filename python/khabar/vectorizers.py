"""scikit-learn-compatible text vectorizers with khabar's Arabic tokenizer and a C++ core."""

from __future__ import annotations

import json
import os
import threading
import weakref
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.exceptions import NotFittedError
from sklearn.utils._param_validation import InvalidParameterError

from khabar import _core, _options
from khabar._batching import check_documents, document_chunks
from khabar.tokenizer import Text, Tokenizer

_INPUTS = ("content", "filename", "file")


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


class _TextVectorizer(TransformerMixin, BaseEstimator):
    """What CountVectorizer and TfidfVectorizer share: tokenizer parameters, input handling,
    the C++ model and its fitted attributes."""

    def _check_params(self) -> None:
        _check_input(self.input)
        check_documents([], self.n_threads)

    def build_tokenizer(self) -> Tokenizer:
        """The khabar Tokenizer these parameters describe."""
        return Tokenizer(
            normalize=self.normalize,
            stopwords=self.stopwords,
            stemmer=self.stemmer,
            min_length=self.min_length,
            ngram_range=self.ngram_range,
            analyzer=self.analyzer,
            errors=self.errors,
            stem_exclusion=self.stem_exclusion,
        )

    def build_analyzer(self) -> Any:
        """A callable giving the tokens of one document (as scikit-learn's build_analyzer)."""
        return self.build_tokenizer()

    def _documents(self, raw_documents: Iterable[Any]) -> Iterable[Text]:
        if isinstance(raw_documents, (str, bytes)):
            raise ValueError("Iterable over raw text documents expected, string object received.")
        if self.input == "filename":
            return (_read_path(p) for p in raw_documents)
        if self.input == "file":
            return (f.read() for f in raw_documents)
        return raw_documents

    def _core_options(self) -> _core.VectorizerOptions:
        raise NotImplementedError

    def _new_model(self) -> _core.TfidfVectorizer:
        self._check_params()
        model = _core.TfidfVectorizer(self._core_options())
        if self.vocabulary is not None:
            model.set_fixed_vocabulary(_vocabulary_terms(self.vocabulary))
        return model

    def _fitted_state(self, model: _core.TfidfVectorizer) -> dict[str, Any]:
        return {"_model": model, "fixed_vocabulary_": self.vocabulary is not None}

    def _set_fitted(self, model: _core.TfidfVectorizer) -> None:
        # Threads fitting one estimator: everything a fit learned is computed first, then
        # published under the estimator's lock, so that no fit's model meets another's idf_.
        state = self._fitted_state(model)
        with _lock_of(self):
            if "idf_" not in state:
                self.__dict__.pop("idf_", None)
            self.__dict__.update(state)

    @property
    def vocabulary_(self) -> dict[str, int]:
        """term → column, built on first access (a large vocabulary costs a moment)."""
        model = self._fitted_model()  # NotFittedError is an AttributeError, as hasattr expects
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

    # --- fitting ---------------------------------------------------------------------------

    def count_frequencies(self, raw_documents: Iterable[Any]) -> DocumentFrequencies:
        """DocumentFrequencies of these documents under this vectorizer's tokenization."""
        model = self._new_model()
        total = DocumentFrequencies()
        for first, chunk in document_chunks(self._documents(raw_documents), self.progress, "count"):
            total.merge(DocumentFrequencies(model.count(chunk, self.n_threads, first_index=first)))
        return total

    def fit(self, raw_documents: Iterable[Any], y: Any = None) -> _TextVectorizer:
        """Learns the vocabulary (and idf) from the documents."""
        model = self._new_model()
        total = _core.DocumentFrequencies()
        for first, chunk in document_chunks(self._documents(raw_documents), self.progress, "fit"):
            total.merge(model.count(chunk, self.n_threads, first_index=first))
        model.fit_frequencies(total)
        self._set_fitted(model)
        return self

    def fit_transform(self, raw_documents: Iterable[Any], y: Any = None) -> sp.csr_matrix:
        """fit, then transform the same documents, tokenizing each document once."""
        model = self._new_model()
        builder = _core.TfidfBuilder(model, self.n_threads)
        for first, chunk in document_chunks(self._documents(raw_documents), self.progress, "fit"):
            builder.add(chunk, first_index=first)
        matrix = _csr(builder.finish())
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
            model = self._new_model()
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
        model = self._fitted_model()
        return _transform_in_chunks(self, model, raw_documents, model.n_features)

    # --- persistence ---------------------------------------------------------------------

    def _annotations(self) -> str:
        params = self.get_params()
        params["dtype"] = np.dtype(self.dtype).name
        params["ngram_range"] = list(self.ngram_range)
        params["vocabulary"] = None  # the fixed vocabulary is stored as the model's terms
        if not isinstance(params["stopwords"], (str, type(None))):
            params["stopwords"] = list(params["stopwords"])
        if params["stem_exclusion"] is not None:
            params["stem_exclusion"] = list(params["stem_exclusion"])
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
            elif name == "dtype":
                params[name] = np.dtype(options.dtype).type
            elif name in type(tokenizer).fields:
                params[name] = getattr(tokenizer, name)
            elif name in type(options).fields:
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
        for fitted in ("_vocabulary", "idf_", "fixed_vocabulary_"):
            state.pop(fitted, None)
        if model is not None:
            state["_model_bytes"] = self.to_bytes()
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        model_bytes = state.pop("_model_bytes", None)
        self.__dict__.update(state)
        if model_bytes is not None:
            model, _ = _core.deserialize_model(model_bytes)
            self._set_fitted(model)

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """Terms by column, as an object array (scikit-learn's convention)."""
        return np.asarray(self._fitted_model().features(), dtype=object)


def _transform_in_chunks(
    vectorizer: Any, model: Any, raw_documents: Iterable[Any], n_features: int
) -> sp.csr_matrix:
    """model.transform over the documents chunk by chunk, rows stacked in order."""
    parts = [
        _csr(model.transform(chunk, vectorizer.n_threads, first_index=first))
        for first, chunk in document_chunks(
            vectorizer._documents(raw_documents), vectorizer.progress, "transform"
        )
    ]
    if len(parts) == 1:
        return parts[0]
    if not parts:
        return sp.csr_matrix((0, n_features), dtype=np.dtype(vectorizer.dtype))
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


def _dtype_name(dtype: Any, allowed: tuple[str, ...]) -> str:
    name = np.dtype(dtype).name
    if name not in allowed:
        raise ValueError(f"dtype must be one of {allowed}, got {name}")
    return name


def _check_input(value: Any) -> None:
    if value not in _INPUTS:
        raise InvalidParameterError(
            f"The 'input' parameter must be a str among {set(_INPUTS)}, got {value!r}"
        )


def _params_with_dtype(estimator: Any, allowed: tuple[str, ...]) -> dict[str, Any]:
    params = estimator.get_params()
    params["dtype"] = _dtype_name(estimator.dtype, allowed)
    return params


class CountVectorizer(_TextVectorizer):
    """Term counts with khabar's Arabic tokenizer; scikit-learn's CountVectorizer semantics.

    >>> X = CountVectorizer().fit_transform(["سوريا روسيا سوريا", "روسيا تركيا"])
    >>> X.toarray().tolist()
    [[0, 1, 2], [1, 1, 0]]
    """

    def __init__(
        self,
        *,
        input: str = "content",
        normalize: bool | Mapping[str, bool] = True,
        stopwords: Any = None,
        stemmer: str | None = _options.TOKENIZER.stemmer,
        stem_exclusion: Any = None,
        min_length: int = _options.TOKENIZER.min_length,
        ngram_range: tuple[int, int] = _options.TOKENIZER.ngram_range,
        analyzer: str = _options.TOKENIZER.analyzer,
        errors: str = _options.TOKENIZER.errors,
        max_df: float | int = _options.COUNTS.max_df,
        min_df: float | int = _options.COUNTS.min_df,
        max_features: int | None = _options.COUNTS.max_features,
        vocabulary: Any = None,
        binary: bool = _options.COUNTS.binary,
        dtype: Any = _options.COUNTS_DTYPE,
        n_threads: int = 0,
        progress: bool = False,
    ) -> None:
        self.input = input
        self.normalize = normalize
        self.stopwords = stopwords
        self.stemmer = stemmer
        self.stem_exclusion = stem_exclusion
        self.min_length = min_length
        self.ngram_range = ngram_range
        self.analyzer = analyzer
        self.errors = errors
        self.max_df = max_df
        self.min_df = min_df
        self.max_features = max_features
        self.vocabulary = vocabulary
        self.binary = binary
        self.dtype = dtype
        self.n_threads = n_threads
        self.progress = progress

    def _core_options(self) -> _core.VectorizerOptions:
        params = _params_with_dtype(self, ("int64", "float64", "float32"))
        return _options.fill(_core.VectorizerOptions.counts(), params)


class TfidfVectorizer(_TextVectorizer):
    """TF-IDF features with khabar's Arabic tokenizer, equal to scikit-learn's
    TfidfVectorizer for the same tokens, computed in multi-threaded C++.

    >>> vec = TfidfVectorizer(sublinear_tf=True)
    >>> X = vec.fit_transform(["بوتين يستقبل الأسد في سوتشي", "الأسد في دمشق"])
    >>> X.shape, vec.get_feature_names_out()[:2].tolist()
    ((2, 6), ['الاسد', 'بوتين'])
    """

    def __init__(
        self,
        *,
        input: str = "content",
        normalize: bool | Mapping[str, bool] = True,
        stopwords: Any = None,
        stemmer: str | None = _options.TOKENIZER.stemmer,
        stem_exclusion: Any = None,
        min_length: int = _options.TOKENIZER.min_length,
        ngram_range: tuple[int, int] = _options.TOKENIZER.ngram_range,
        analyzer: str = _options.TOKENIZER.analyzer,
        errors: str = _options.TOKENIZER.errors,
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
        n_threads: int = 0,
        progress: bool = False,
    ) -> None:
        self.input = input
        self.normalize = normalize
        self.stopwords = stopwords
        self.stemmer = stemmer
        self.stem_exclusion = stem_exclusion
        self.min_length = min_length
        self.ngram_range = ngram_range
        self.analyzer = analyzer
        self.errors = errors
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
        self.n_threads = n_threads
        self.progress = progress

    def _core_options(self) -> _core.VectorizerOptions:
        params = _params_with_dtype(self, ("float64", "float32"))
        return _options.fill(_core.VectorizerOptions(), params)

    def _fitted_state(self, model: _core.TfidfVectorizer) -> dict[str, Any]:
        state = super()._fitted_state(model)
        if self.use_idf:
            state["idf_"] = model.idf().astype(np.dtype(self.dtype), copy=False)
        return state


class HashingVectorizer(TransformerMixin, BaseEstimator):
    """Stateless hashed token counts, equal to scikit-learn's HashingVectorizer for the same
    tokens: column ``abs(h) % n_features`` and sign of ``h``, the signed 32-bit MurmurHash3
    (seed 0) of each token's UTF-8 bytes. Fitting is a no-op.

    >>> X = HashingVectorizer(n_features=2**10).transform(["بوتين في سوتشي"])
    >>> X.shape, X.nnz
    ((1, 1024), 3)
    """

    def __init__(
        self,
        *,
        input: str = "content",
        normalize: bool | Mapping[str, bool] = True,
        stopwords: Any = None,
        stemmer: str | None = _options.TOKENIZER.stemmer,
        stem_exclusion: Any = None,
        min_length: int = _options.TOKENIZER.min_length,
        ngram_range: tuple[int, int] = _options.TOKENIZER.ngram_range,
        analyzer: str = _options.TOKENIZER.analyzer,
        errors: str = _options.TOKENIZER.errors,
        n_features: int = _options.HASHING.n_features,
        binary: bool = _options.HASHING.binary,
        norm: str | None = _options.HASHING.norm,
        alternate_sign: bool = _options.HASHING.alternate_sign,
        dtype: Any = _options.HASHING_DTYPE,
        n_threads: int = 0,
        progress: bool = False,
    ) -> None:
        self.input = input
        self.normalize = normalize
        self.stopwords = stopwords
        self.stemmer = stemmer
        self.stem_exclusion = stem_exclusion
        self.min_length = min_length
        self.ngram_range = ngram_range
        self.analyzer = analyzer
        self.errors = errors
        self.n_features = n_features
        self.binary = binary
        self.norm = norm
        self.alternate_sign = alternate_sign
        self.dtype = dtype
        self.n_threads = n_threads
        self.progress = progress

    build_tokenizer = _TextVectorizer.build_tokenizer
    build_analyzer = _TextVectorizer.build_analyzer
    _documents = _TextVectorizer._documents

    def _model(self) -> _core.HashingVectorizer:
        _check_input(self.input)
        check_documents([], self.n_threads)
        params = _params_with_dtype(self, ("float64", "float32"))
        return _core.HashingVectorizer(_options.fill(_core.HashingOptions(), params))

    def fit(self, raw_documents: Any = None, y: Any = None) -> HashingVectorizer:
        """No-op (hashing learns nothing); validates the parameters."""
        self._model()
        return self

    def partial_fit(self, raw_documents: Any = None, y: Any = None) -> HashingVectorizer:
        return self.fit(raw_documents)

    def transform(self, raw_documents: Iterable[Any]) -> sp.csr_matrix:
        return _transform_in_chunks(self, self._model(), raw_documents, self.n_features)

    def fit_transform(self, raw_documents: Iterable[Any], y: Any = None) -> sp.csr_matrix:
        return self.transform(raw_documents)

    def __sklearn_is_fitted__(self) -> bool:
        return True

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        tags.requires_fit = False  # stateless, as scikit-learn's HashingVectorizer
        return tags
