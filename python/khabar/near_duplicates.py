"""Near-duplicate articles (syndicated or lightly edited copies) with MinHash LSH."""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from khabar import _core, _options
from khabar._batching import check_documents, document_chunks
from khabar.tokenizer import Text

#: Pairs kept by default (``NearDuplicates.pairs``, ``khabar.dask.near_duplicates``, the report):
#: n copies of one text are n(n − 1)/2 pairs.
DEFAULT_MAX_PAIRS = 10_000_000


class TruncatedPairsWarning(UserWarning):
    """NearDuplicates.pairs found more pairs than ``max_pairs`` and returned the first ones."""


def check_max_pairs(max_pairs: Any) -> None:
    """``max_pairs`` must be an int >= 1 (a bool is not one)."""
    if isinstance(max_pairs, bool) or not isinstance(max_pairs, int) or max_pairs < 1:
        raise ValueError(f"max_pairs must be an int >= 1, got {max_pairs!r}")


class NearDuplicates:
    """MinHash signatures (``num_perm`` permutations) over ``shingle_size``-word shingles of the
    normalized tokens; LSH bands chosen for ``threshold`` as datasketch does; every candidate
    pair verified by the exact Jaccard similarity of the two shingle sets.

    ``fit`` / ``partial_fit`` add documents in chunks (signatures of different chunks combine:
    the permutations depend only on ``seed``).

    >>> base = " ".join(f"كلمة{i}" for i in range(30))
    >>> nd = NearDuplicates(threshold=0.8).fit([base, base + " زيادة", "نص آخر مختلف تماما"])
    >>> nd.pairs()[["i", "j"]].values.tolist()
    [[0, 1]]
    """

    def __init__(
        self,
        threshold: float = _options.NEAR_DUPLICATES.threshold,
        num_perm: int = _options.NEAR_DUPLICATES.num_perm,
        shingle_size: int = _options.NEAR_DUPLICATES.shingle_size,
        seed: int = _options.NEAR_DUPLICATES.seed,
        *,
        normalize: bool | Mapping[str, bool] = True,
        stopwords: Any = None,
        stemmer: str | None = _options.TOKENIZER.stemmer,
        stem_exclusion: Any = None,
        errors: str = _options.TOKENIZER.errors,
        n_threads: int = 0,
        progress: bool = False,
    ) -> None:
        self.threshold = threshold
        self.num_perm = num_perm
        self.shingle_size = shingle_size
        self.seed = seed
        self.normalize = normalize
        self.stopwords = stopwords
        self.stemmer = stemmer
        self.stem_exclusion = stem_exclusion
        self.errors = errors
        self.n_threads = n_threads
        self.progress = progress

    def _new_index(self) -> Any:
        return _core.NearDuplicates(_options.fill(_core.NearDuplicateOptions(), vars(self)))

    def fit(self, docs: Iterable[Text]) -> NearDuplicates:
        """Signatures of the documents (replacing any added before)."""
        self._index = self._new_index()
        return self.partial_fit(docs)

    def partial_fit(self, docs: Iterable[Text]) -> NearDuplicates:
        """Adds documents, numbered after those already added."""
        check_documents(docs, self.n_threads)
        if getattr(self, "_index", None) is None:
            self._index = self._new_index()
        start = len(self._index)
        for first, chunk in document_chunks(docs, self.progress, "minhash"):
            self._index.add(chunk, self.n_threads, first_index=start + first)
        return self

    def _fitted(self) -> Any:
        index = getattr(self, "_index", None)
        if index is None:
            from sklearn.exceptions import NotFittedError

            raise NotFittedError("NearDuplicates is not fitted yet: call fit(docs) first.")
        return index

    @property
    def bands_(self) -> tuple[int, int]:
        """(bands, rows per band) of the LSH index."""
        index = self._fitted()
        return index.bands, index.rows_per_band

    @property
    def signatures_(self) -> np.ndarray:
        """The MinHash signatures, one uint32 row of num_perm values per document."""
        return self._fitted().signatures()

    def pairs(self, max_pairs: int = DEFAULT_MAX_PAIRS) -> Any:
        """Pairs of documents with Jaccard ≥ threshold: DataFrame (i, j, jaccard), i < j, sorted.

        At most ``max_pairs``, the first in (i, j) order, with a :class:`TruncatedPairsWarning`
        when more exist: n copies of one text are n(n − 1)/2 pairs (5·10⁹ for 100,000), so the
        search stops there, holding about twice ``max_pairs`` pairs while it runs."""
        pairs, truncated = self._pairs(max_pairs)
        if truncated:
            warnings.warn(
                f"more than {max_pairs} near-duplicate pairs; the first {max_pairs} are returned "
                "(raise max_pairs for more, or remove exact copies first)",
                TruncatedPairsWarning,
                stacklevel=2,
            )
        return pairs

    def _pairs(self, max_pairs: int) -> tuple[Any, bool]:
        """pairs(max_pairs) without the warning, and whether more pairs exist (the report
        says so on the page)."""
        import pandas as pd

        check_max_pairs(max_pairs)
        first, second, jaccard, truncated = self._fitted().pairs(self.n_threads, max_pairs)
        return pd.DataFrame({"i": first, "j": second, "jaccard": jaccard}), bool(truncated)

    def query(self, doc: Text) -> Any:
        """Documents near-duplicating ``doc``: DataFrame (doc, jaccard), most similar first."""
        import pandas as pd

        hits = self._fitted().query(doc)
        return pd.DataFrame(hits, columns=["doc", "jaccard"]).astype(
            {"doc": np.int64, "jaccard": float}
        )
