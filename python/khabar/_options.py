"""The estimators' parameters as the C++ option structs they configure.

Names, defaults and validation live in C++ (each struct's ``describe`` and ``validate``, see
``cpp/include/khabar/options.hpp``); this module only fills the typed ``_core`` option classes
from scikit-learn-style parameters. A parameter whose Python form differs from its C++ one is
listed in ``PYTHON_FORMS``; tests/python/test_options.py checks every estimator's signature
against the C++ fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

import numpy as np
from sklearn.utils._param_validation import InvalidParameterError

from khabar import _core

#: Defaults of each struct, read by the estimators' signatures.
NORMALIZER = _core.NormalizerOptions()
TOKENIZER = _core.TokenizerOptions()
VECTORIZER = _core.VectorizerOptions()
COUNTS = _core.VectorizerOptions.counts()
HASHING = _core.HashingOptions()
BM25 = _core.Bm25Options()
NEAR_DUPLICATES = _core.NearDuplicateOptions()

#: C++ fields whose Python parameter has another form: ``normalize`` (bool or dict of flags)
#: sets both ``normalize`` and ``normalizer``; ``stopwords`` may be None or "arabic";
#: ``stem_exclusion`` may be None (no words); ``dtype`` is any NumPy dtype-like.
PYTHON_FORMS = ("normalize", "normalizer", "stopwords", "stem_exclusion", "dtype")

Options = TypeVar("Options")


def default_dtype(options: Any) -> Any:
    """The NumPy scalar type of a struct's default ``dtype`` (np.float64, np.int64)."""
    return np.dtype(options.dtype).type


#: The NumPy scalar types of the structs' default dtypes, for the estimators' signatures.
COUNTS_DTYPE = default_dtype(COUNTS)
VECTORIZER_DTYPE = default_dtype(VECTORIZER)
HASHING_DTYPE = default_dtype(HASHING)


def _set_normalize(options: Any, normalize: Any) -> None:
    if isinstance(normalize, (bool, np.bool_)):
        options.normalize = bool(normalize)
        options.normalizer = _core.NormalizerOptions()
    elif isinstance(normalize, Mapping):
        options.normalize = True
        options.normalizer = _core.NormalizerOptions(**normalize)
    else:
        raise InvalidParameterError(
            f"The 'normalize' parameter must be a bool or a dict of normalization flags, "
            f"got {normalize!r}"
        )


def _set_stopwords(options: Any, stopwords: Any) -> None:
    if stopwords is None:
        options.stopwords = []
    elif isinstance(stopwords, str):
        if stopwords != "arabic":
            raise InvalidParameterError(
                f"The 'stopwords' parameter must be None, 'arabic' or a list of words, "
                f"got {stopwords!r}"
            )
        options.stopwords = _core.arabic_stopwords()
    else:
        options.stopwords = list(stopwords)


def stopword_list(stopwords: Any) -> list[str]:
    """The words of a ``stopwords`` parameter (None, "arabic" or words)."""
    if stopwords is None:
        return []
    if isinstance(stopwords, str):
        return list(_core.arabic_stopwords()) if stopwords == "arabic" else [stopwords]
    return list(stopwords)


def _set_stem_exclusion(options: Any, words: Any) -> None:
    if words is None:
        options.stem_exclusion = []
    elif isinstance(words, (str, bytes)):
        raise InvalidParameterError(
            "The 'stem_exclusion' parameter must be None or an iterable of words, not a single "
            f"string ({words!r}); wrap it in a list"
        )
    else:
        options.stem_exclusion = list(words)


def _set_dtype(options: Any, dtype: Any) -> None:
    try:
        name = np.dtype(dtype).name
    except TypeError as error:
        raise InvalidParameterError(f"The 'dtype' parameter must be a dtype: {error}") from None
    options.dtype = name


def fill(options: Options, params: Mapping[str, Any]) -> Options:
    """Sets every field of ``options`` (and of its nested tokenizer options) that ``params``
    names, then validates them: errors name the parameter."""
    for field in type(options).fields:  # type: ignore[attr-defined]
        if field == "tokenizer" or field == "normalizer":
            if field == "tokenizer":
                options.tokenizer = fill(options.tokenizer, params)  # type: ignore[attr-defined]
            continue
        if field not in params:
            continue
        value = params[field]
        if field == "normalize":
            _set_normalize(options, value)
        elif field == "stopwords":
            _set_stopwords(options, value)
        elif field == "stem_exclusion":
            _set_stem_exclusion(options, value)
        elif field == "dtype":
            _set_dtype(options, value)
        else:
            setattr(options, field, value)
    options.validate()  # type: ignore[attr-defined]
    return options


def tokenizer_options(params: Mapping[str, Any]) -> _core.TokenizerOptions:
    return fill(_core.TokenizerOptions(), params)
