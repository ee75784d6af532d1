"""scikit-learn's text vectorizers with scikit-learn's exact defaults, counted in C++.

``from khabar.sklearn import TfidfVectorizer`` replaces ``from sklearn.feature_extraction.text
import TfidfVectorizer`` line for line: the same parameters with the same defaults
(``token_pattern=r"(?u)\\b\\w\\w+\\b"``, ``lowercase=True``, no Arabic normalization, no stemmer),
the same vocabulary, idf and matrix for any input, the same errors. khabar's own parameters
(``normalize``, ``stopwords``, ``stemmer``, ``n_threads``, ...) stay available as keywords.

As in scikit-learn, a haraka ends a word (a combining mark is not ``\\w``):

>>> vec = TfidfVectorizer()
>>> vec.fit_transform(["قالَ بوتين في سوتشي", "بوتين والأسد"]).shape
(2, 5)
>>> vec.get_feature_names_out().tolist()
['بوتين', 'سوتشي', 'في', 'قال', 'والأسد']
"""

from __future__ import annotations

import types
from typing import Any

from khabar import vectorizers

__all__ = ["CountVectorizer", "HashingVectorizer", "TfidfVectorizer"]

#: What khabar.sklearn changes in khabar's defaults to give scikit-learn's.
SKLEARN_DEFAULTS = {"token_pattern": r"(?u)\b\w\w+\b", "normalize": False}


def _init_with_defaults(init: Any, defaults: dict[str, Any]) -> Any:
    """A copy of ``init`` whose keyword-only defaults are changed: the signature (which
    get_params and clone read) then shows scikit-learn's defaults."""
    copy = types.FunctionType(
        init.__code__, init.__globals__, init.__name__, init.__defaults__, init.__closure__
    )
    copy.__kwdefaults__ = {**init.__kwdefaults__, **defaults}
    copy.__doc__ = init.__doc__
    copy.__qualname__ = init.__qualname__
    copy.__annotations__ = init.__annotations__
    return copy


class CountVectorizer(vectorizers.CountVectorizer, auto_wrap_output_keys=None):  # type: ignore[call-arg]
    """scikit-learn's CountVectorizer, same defaults and results, counted in C++.

    >>> CountVectorizer().fit_transform(["سوريا روسيا سوريا", "روسيا تركيا"]).toarray().tolist()
    [[0, 1, 2], [1, 1, 0]]
    """

    _decode_bytes_in_python = True
    __init__ = _init_with_defaults(vectorizers.CountVectorizer.__init__, SKLEARN_DEFAULTS)


class TfidfVectorizer(vectorizers.TfidfVectorizer, auto_wrap_output_keys=None):  # type: ignore[call-arg]
    """scikit-learn's TfidfVectorizer, same defaults and results, counted and weighted in C++.

    >>> TfidfVectorizer().fit(["سوريا روسيا", "روسيا"]).idf_.round(3).tolist()
    [1.0, 1.405]
    """

    _decode_bytes_in_python = True
    __init__ = _init_with_defaults(vectorizers.TfidfVectorizer.__init__, SKLEARN_DEFAULTS)


class HashingVectorizer(vectorizers.HashingVectorizer, auto_wrap_output_keys=None):  # type: ignore[call-arg]
    """scikit-learn's HashingVectorizer, same defaults and results, hashed in C++.

    >>> HashingVectorizer(n_features=8).transform(["سوريا روسيا"]).nnz
    2
    """

    _decode_bytes_in_python = True
    __init__ = _init_with_defaults(vectorizers.HashingVectorizer.__init__, SKLEARN_DEFAULTS)
