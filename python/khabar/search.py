"""BM25 search over a collection of articles."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from khabar import _core, _options
from khabar.tokenizer import Text


class BM25:
    """Okapi BM25 ranking with Lucene's idf, ``ln(1 + (N - n + 0.5) / (n + 0.5))``, and
    ``tf·(k1 + 1) / (tf + k1·(1 - b + b·|d| / avgdl))`` per query token (Robertson & Zaragoza
    2009). Tokenizer parameters as for :class:`khabar.Tokenizer`.

    >>> index = BM25().fit(["سوريا روسيا سوريا", "روسيا تركيا", "سوريا"])
    >>> index.search("سوريا", k=2)["doc"].tolist()
    [2, 0]
    """

    def __init__(
        self,
        k1: float = _options.BM25.k1,
        b: float = _options.BM25.b,
        *,
        normalize: bool | Mapping[str, bool] = True,
        stopwords: Any = None,
        stemmer: str | None = _options.TOKENIZER.stemmer,
        stem_exclusion: Any = None,
        min_length: int = _options.TOKENIZER.min_length,
        errors: str = _options.TOKENIZER.errors,
        n_threads: int = 0,
    ) -> None:
        self.k1 = k1
        self.b = b
        self.normalize = normalize
        self.stopwords = stopwords
        self.stemmer = stemmer
        self.stem_exclusion = stem_exclusion
        self.min_length = min_length
        self.errors = errors
        self.n_threads = n_threads

    def fit(self, docs: Iterable[Text]) -> BM25:
        """Indexes the documents (a list, or any iterable, read once)."""
        if isinstance(docs, (str, bytes)):
            raise TypeError("expected an iterable of documents, not a single str or bytes")
        index = _core.Bm25(_options.fill(_core.Bm25Options(), vars(self)))
        index.fit(list(docs), self.n_threads)
        self._index = index
        return self

    def _fitted(self) -> Any:
        index = getattr(self, "_index", None)
        if index is None:
            from sklearn.exceptions import NotFittedError

            raise NotFittedError("This BM25 index is not fitted yet: call fit(docs) first.")
        return index

    def search_many(
        self, queries: Iterable[Text], k: int = 10, n_threads: int | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Best ``k`` documents for each query: ``(indices, scores)`` arrays of shape
        (queries, min(k, documents indexed)), best first, -1 / nan where fewer documents
        match."""
        if isinstance(queries, (str, bytes)):
            raise TypeError("search_many expects a list of queries; use search() for one")
        if not isinstance(k, (int, np.integer)) or k < 1:
            raise ValueError(f"k must be a positive int, got {k!r}")
        threads = self.n_threads if n_threads is None else n_threads
        return self._fitted().search(list(queries), int(k), threads)

    def search(self, query: Text, k: int = 10) -> Any:
        """The best ``k`` documents for one query as a DataFrame (doc, score), best first;
        documents sharing no token with the query are not listed."""
        import pandas as pd

        indices, scores = self.search_many([query], k, n_threads=1)
        found = indices[0] >= 0
        return pd.DataFrame({"doc": indices[0][found], "score": scores[0][found]})
