"""khabar on a Dask cluster: TF-IDF fitting and transforming, exact neighbours and
near-duplicates for archives that outgrow one machine.

khabar runs no cluster of its own. Documents come as a ``dask.bag.Bag`` of str (e.g.
``dask.bag.read_text(...).map(json.loads).pluck("text")``) or a ``dask.dataframe`` Series (e.g.
``dask.dataframe.read_json(paths, lines=True)["text"]``); each partition is handed to the C++
core inside a worker as one batch, and only compact partial results travel: DocumentFrequencies
(as bytes), CSR blocks, top-k lists, band keys and the shingle sets of candidate pairs. Results
equal the single-process ones exactly (tested against them on a real LocalCluster).

Documents are numbered as if the partitions were concatenated in order. Each task uses
``n_threads`` C++ threads (default 1): Dask already runs one task per worker thread.

Needs ``pip install 'khabar[dask]'``. Without a ``distributed.Client``, Dask's local schedulers
run the same code:

>>> import dask, dask.bag as db
>>> docs = db.from_sequence(["بوتين يستقبل الأسد في سوتشي", "الأسد في دمشق"], npartitions=2)
>>> with dask.config.set(scheduler="synchronous"):
...     vec = fit_tfidf(docs)
...     X = transform(vec, docs).compute()
>>> X.shape, sorted(vec.vocabulary_)[:2]
((2, 6), ['الاسد', 'بوتين'])
"""

from __future__ import annotations

import hashlib
import itertools
import pickle
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

try:
    import dask
    import dask.array as da
    import dask.bag as db
    import dask.dataframe as dd
    from dask.base import tokenize
    from dask.delayed import Delayed, delayed
except ImportError as error:  # pragma: no cover - depends on the environment
    raise ImportError("khabar.dask needs Dask: pip install 'khabar[dask]'") from error

from khabar import _core
from khabar.near_duplicates import (
    DEFAULT_MAX_PAIRS,
    NearDuplicates,
    TruncatedPairsWarning,
    check_max_pairs,
)
from khabar.similarity import top_k_similar as _local_top_k
from khabar.vectorizers import (
    CountVectorizer,
    DocumentFrequencies,
    HashingVectorizer,
    TfidfVectorizer,
    _csr,
)

__all__ = [
    "fit_tfidf",
    "fit_transform",
    "near_duplicates",
    "stories",
    "top_k_similar",
    "transform",
]

Documents = Any  # dask.bag.Bag of str | dask.dataframe.Series of str

# --- partitions ------------------------------------------------------------------------------


def _partitions(docs: Documents, purpose: str) -> list[Delayed]:
    """One Delayed list of documents per partition of a Bag or Series, in order.

    Each partition is read through a task named for ``purpose``: when Dask fuses a graph (a
    dask.array does, on compute or persist), the collection's own tasks disappear into tasks of
    that name, so the scheduler never sees one of the collection's keys defined two ways by two
    computations (a persisted transform, then near_duplicates of the same documents)."""
    if isinstance(docs, (db.Bag, dd.Series)):
        parts = list(docs.to_delayed(optimize_graph=True))
    elif isinstance(docs, dd.DataFrame):
        raise TypeError("pass one column of text (e.g. frame['text']), not a whole DataFrame")
    else:
        raise TypeError(
            "expected a dask.bag.Bag or dask.dataframe.Series of documents, "
            f"got {type(docs).__name__}"
        )
    if not parts:
        raise ValueError("the collection has no partitions")
    return [
        delayed(_documents, pure=True)(
            part, dask_key_name=f"khabar-{purpose}-documents-{tokenize(part.key)}"
        )
        for part in parts
    ]


def _documents(part: Any) -> list[Any]:
    """A partition's documents as the list the C++ core takes in one call."""
    if isinstance(part, (pd.Series, pd.Index)):
        return part.tolist()
    return part if isinstance(part, list) else list(part)


def _in_partition(partition: int, work: Callable[[], Any]) -> Any:
    """work(), with the partition named in the errors about a document."""
    try:
        return work()
    except (TypeError, ValueError) as error:
        raise type(error)(f"partition {partition}: {error}") from error


def _tree_reduce(parts: list[Delayed], combine: Callable[..., Any], split_every: int) -> Delayed:
    """combine() over groups of split_every parts, level by level, down to one result."""
    if not isinstance(split_every, int) or split_every < 2:
        raise ValueError(f"split_every must be an int >= 2, got {split_every!r}")
    while len(parts) > 1:
        parts = [
            delayed(combine, pure=True)(*parts[i : i + split_every])
            for i in range(0, len(parts), split_every)
        ]
    return parts[0]


def _check_threads(n_threads: int) -> None:
    if not isinstance(n_threads, int) or isinstance(n_threads, bool) or n_threads < 0:
        raise ValueError(f"n_threads must be an int >= 0, got {n_threads!r}")


# --- fit -------------------------------------------------------------------------------------


def _count_partition(
    part: Any, partition: int, params: dict[str, Any], n_threads: int
) -> DocumentFrequencies:
    vectorizer = TfidfVectorizer(**params)
    model = vectorizer._new_model()

    def count() -> DocumentFrequencies:
        # The vectorizer's own feed: scikit-learn's decoding, callables and re patterns
        # apply in the partition as in one process.
        total = DocumentFrequencies()
        for _, chunk, tokens in vectorizer._feed(list(part), "count"):
            counted = (model.count_tokens if tokens else model.count)(chunk, n_threads)
            total.merge(DocumentFrequencies(counted))
        return total

    return _in_partition(partition, count)


def _merge_frequencies(*parts: DocumentFrequencies) -> DocumentFrequencies:
    # A copy first: a task must not change its inputs, which Dask may hand to a retry.
    total = DocumentFrequencies(parts[0]._core.copy())
    for part in parts[1:]:
        total.merge(part)
    return total


def _fit_from_frequencies(
    frequencies: DocumentFrequencies, params: dict[str, Any]
) -> TfidfVectorizer:
    return TfidfVectorizer.from_frequencies(frequencies, **params)


def fit_tfidf(
    docs: Documents,
    *,
    split_every: int = 8,
    n_threads: int = 1,
    compute: bool = True,
    **params: Any,
) -> TfidfVectorizer | Delayed:
    """A :class:`khabar.TfidfVectorizer` fitted on the documents of a Dask collection.

    Each partition's DocumentFrequencies are counted on a worker; they are merged in a tree
    (``split_every`` at a time), and pruning (min_df, max_df, max_features) and idf happen once,
    on a worker, on the merged counts. Only the fitted vectorizer (vocabulary and idf) reaches
    the caller: ``vocabulary_`` and ``idf_`` equal those of fitting on all the documents in one
    process. ``params`` are TfidfVectorizer's; ``compute=False`` returns a ``Delayed``.

    >>> import dask, dask.bag as db
    >>> docs = db.from_sequence(["سوريا روسيا", "سوريا تركيا", "روسيا"], npartitions=3)
    >>> with dask.config.set(scheduler="synchronous"):
    ...     vec = fit_tfidf(docs, min_df=2)
    >>> vec.get_feature_names_out().tolist(), vec.idf_.round(3).tolist()
    (['روسيا', 'سوريا'], [1.288, 1.288])
    """
    _check_threads(n_threads)
    TfidfVectorizer(**params)._new_model()  # invalid parameters fail here, not on a worker
    counts = [
        delayed(_count_partition, pure=True)(part, p, params, n_threads)
        for p, part in enumerate(_partitions(docs, "fit"))
    ]
    merged = _tree_reduce(counts, _merge_frequencies, split_every)
    fitted = delayed(_fit_from_frequencies, pure=True)(merged, params)
    return fitted.compute() if compute else fitted


# --- transform -------------------------------------------------------------------------------

Vectorizer = TfidfVectorizer | CountVectorizer | HashingVectorizer


def _shipped(vectorizer: Vectorizer) -> Delayed:
    """The vectorizer as one key of the graph: sent to the scheduler once, computed (unpickled)
    on one worker and copied to each other worker that needs it, once. Unlike data scattered
    with Client.scatter, a key of the graph is recomputed if the workers holding it die."""
    data = pickle.dumps(vectorizer, protocol=pickle.HIGHEST_PROTOCOL)
    name = f"khabar-vectorizer-{hashlib.sha1(data).hexdigest()}"
    return delayed(vectorizer, name=name, pure=True)


def _transform_partition(
    part: Any, partition: int, vectorizer: Vectorizer, n_threads: int
) -> sp.csr_matrix:
    docs = list(part)
    model: Any
    if isinstance(vectorizer, HashingVectorizer):
        model = vectorizer._model()
    else:
        model = vectorizer._fitted_model()

    def rows() -> sp.csr_matrix:
        parts = [
            _csr((model.transform_tokens if tokens else model.transform)(chunk, n_threads))
            for _, chunk, tokens in vectorizer._feed(docs, "transform")
        ]
        return parts[0] if len(parts) == 1 else sp.vstack(parts, format="csr")

    return _in_partition(partition, rows)


def transform(vectorizer: Vectorizer, docs: Documents, *, n_threads: int = 1) -> da.Array:
    """The rows of the documents as a ``dask.array`` of ``scipy.sparse.csr_matrix`` blocks, one
    per partition (row counts unknown until computed), equal to ``vectorizer.transform`` of
    all the documents in one process. The fitted vectorizer is one key of the task graph,
    shipped to each worker once, not with every task.

    >>> import dask, dask.bag as db
    >>> vec = TfidfVectorizer().fit(["بوتين في سوتشي", "الأسد في دمشق"])
    >>> docs = db.from_sequence(["بوتين في دمشق", "سوتشي"], npartitions=2)
    >>> with dask.config.set(scheduler="synchronous"):
    ...     X = transform(vec, docs).compute()
    >>> (X != vec.transform(["بوتين في دمشق", "سوتشي"])).nnz
    0
    """
    _check_threads(n_threads)
    if isinstance(vectorizer, HashingVectorizer):
        vectorizer._model()  # validates the parameters here
        n_features = int(vectorizer.n_features)
    elif isinstance(vectorizer, (TfidfVectorizer, CountVectorizer)):
        n_features = vectorizer._fitted_model().n_features  # NotFittedError here
    else:
        raise TypeError(f"expected a khabar vectorizer, got {type(vectorizer).__name__}")
    dtype = np.dtype(vectorizer.dtype)
    shipped = _shipped(vectorizer)
    meta = sp.csr_matrix((0, n_features), dtype=dtype)
    blocks = [
        da.from_delayed(
            delayed(_transform_partition, pure=True)(part, p, shipped, n_threads),
            shape=(np.nan, n_features),
            dtype=dtype,
            meta=meta,
        )
        for p, part in enumerate(_partitions(docs, "transform"))
    ]
    return da.concatenate(blocks, axis=0, allow_unknown_chunksizes=True)


def fit_transform(
    docs: Documents, *, split_every: int = 8, n_threads: int = 1, **params: Any
) -> tuple[TfidfVectorizer, da.Array]:
    """:func:`fit_tfidf`, then :func:`transform` of the same documents: the fitted vectorizer
    and the lazy rows. The documents are read twice (once per pass)."""
    vectorizer: Any = fit_tfidf(docs, split_every=split_every, n_threads=n_threads, **params)
    return vectorizer, transform(vectorizer, docs, n_threads=n_threads)


# --- neighbours ------------------------------------------------------------------------------


def _row_blocks(X: Any, name: str) -> tuple[list[Delayed], list[float]]:
    """The row blocks of a 2-d dask array (columns in one chunk) and their row counts (nan
    when unknown)."""
    if not isinstance(X, da.Array) or X.ndim != 2:
        raise TypeError(f"{name} must be a 2-dimensional dask.array, got {type(X).__name__}")
    if X.numblocks[1] != 1:
        X = X.rechunk({1: -1})
    return list(X.to_delayed().ravel()), list(X.chunks[0])


def _n_rows(block: Any) -> int:
    return int(block.shape[0])


def _starts(*sizes: int) -> list[int]:
    return np.concatenate([[0], np.cumsum(sizes, dtype=np.int64)])[:-1].tolist()


def _row_starts(blocks: list[Delayed], sizes: list[float]) -> list[Any]:
    """The first row of each block: ints when the sizes are known, else Delayed ints."""
    if not any(np.isnan(sizes)):
        return _starts(*(int(s) for s in sizes))
    starts = delayed(_starts, pure=True)(*[delayed(_n_rows, pure=True)(b) for b in blocks])
    return [starts[j] for j in range(len(blocks))]


def _block_top_k(
    x: Any, y: Any, y_start: int, k: int, threshold: float, diagonal: bool, n_threads: int
) -> tuple[np.ndarray, np.ndarray]:
    """Top-k of x's rows among y's, as global row numbers. On a diagonal block (x is y, and
    self-matches are excluded) khabar's own exclude_self applies."""
    if diagonal:
        indices, scores = _local_top_k(x, k=k, threshold=threshold, n_threads=n_threads)
    else:
        indices, scores = _local_top_k(x, y, k=k, threshold=threshold, n_threads=n_threads)
    # A block's k is capped at its rows of Y; padded back to k so the merge keeps k columns.
    pad = ((0, 0), (0, k - indices.shape[1]))
    indices = np.pad(indices, pad, constant_values=-1)
    scores = np.pad(scores, pad, constant_values=np.nan)
    return np.where(indices >= 0, indices + y_start, -1), scores


def _merge_top_k(*parts: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the k best of several top-k lists over disjoint rows of Y, in the order of
    khabar.top_k_similar: higher score first, ties by the lower index, padding (-1, nan) last.
    The lists are exact top-k lists of their parts, so the k best of their union are exact."""
    indices = np.concatenate([p[0] for p in parts], axis=1)
    scores = np.concatenate([p[1] for p in parts], axis=1)
    k = parts[0][0].shape[1]
    missing = indices < 0
    by_score = np.where(missing, np.inf, -scores)
    by_index = np.where(missing, np.iinfo(np.int64).max, indices)
    order = np.lexsort((by_index, by_score), axis=1)[:, :k]
    return np.take_along_axis(indices, order, axis=1), np.take_along_axis(scores, order, axis=1)


def top_k_similar(
    X: da.Array,
    Y: da.Array | None = None,
    k: int = 10,
    threshold: float = 0.0,
    *,
    exclude_self: bool = True,
    split_every: int = 8,
    n_threads: int = 1,
) -> tuple[da.Array, da.Array]:
    """For every row of X, its ``k`` most cosine-similar rows of Y (or of X), exactly: the
    result of :func:`khabar.top_k_similar` on the whole matrices, as two lazy dask arrays
    ``(indices, scores)`` of shape (rows, k), chunked like X's rows.

    Every pair of row blocks (X_i, Y_j) is scored on a worker by khabar's inverted-index top-k;
    the per-block lists of each X_i are merged in a tree (``split_every`` at a time), so no task
    and not the caller ever holds more than rows × k results. Cost: one task per block pair
    (blocks², so prefer fewer, larger blocks). Compute both arrays together:
    ``dask.compute(indices, scores)``.

    >>> import dask, dask.bag as db
    >>> docs = ["بوتين في سوتشي", "الأسد في سوتشي", "ترامب"]
    >>> vec = TfidfVectorizer().fit(docs)
    >>> X = transform(vec, db.from_sequence(docs, npartitions=2))
    >>> with dask.config.set(scheduler="synchronous"):
    ...     indices, scores = dask.compute(*top_k_similar(X, k=1, threshold=0.1))
    >>> indices.ravel().tolist()
    [1, 0, -1]
    """
    if not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError(f"k must be a positive int, got {k!r}")
    _check_threads(n_threads)
    x_blocks, x_sizes = _row_blocks(X, "X")
    y_blocks, y_sizes = (x_blocks, x_sizes) if Y is None else _row_blocks(Y, "Y")
    y_starts = _row_starts(y_blocks, y_sizes)
    excluding = exclude_self and Y is None
    indices, scores = [], []
    for i, x in enumerate(x_blocks):
        parts = [
            delayed(_block_top_k, pure=True, nout=2)(
                x, y, y_starts[j], int(k), float(threshold), excluding and i == j, n_threads
            )
            for j, y in enumerate(y_blocks)
        ]
        merged: Any = _tree_reduce(parts, _merge_top_k, split_every) if len(parts) > 1 else parts[0]
        rows = x_sizes[i]
        indices.append(da.from_delayed(merged[0], shape=(rows, int(k)), dtype=np.int64))
        scores.append(da.from_delayed(merged[1], shape=(rows, int(k)), dtype=np.float64))
    return (
        da.concatenate(indices, axis=0, allow_unknown_chunksizes=True),
        da.concatenate(scores, axis=0, allow_unknown_chunksizes=True),
    )


# --- near-duplicates -------------------------------------------------------------------------

# Documents are numbered partition << 32 | position until the partition sizes are known; the
# order of these numbers is the order of the concatenated collection.
_SHIFT = 32


class _Shingles:
    """One partition's MinHash results: band keys (documents × bands) and the shingle sets
    (hashes back to back, offsets), as the C++ NearDuplicates computed them."""

    __slots__ = ("band_keys", "hashes", "offsets")

    def __init__(self, band_keys: np.ndarray, hashes: np.ndarray, offsets: np.ndarray) -> None:
        self.band_keys, self.hashes, self.offsets = band_keys, hashes, offsets

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __reduce__(self) -> tuple[Any, tuple[np.ndarray, np.ndarray, np.ndarray]]:
        return (_Shingles, (self.band_keys, self.hashes, self.offsets))


def _minhash_partition(
    part: Any, partition: int, params: dict[str, Any], n_threads: int
) -> _Shingles:
    index = NearDuplicates(**params)._new_index()
    _in_partition(partition, lambda: index.add(part, n_threads))
    return _Shingles(index.band_keys(), *index.shingle_sets())


def _band_records(shingles: _Shingles, partition: int) -> pd.DataFrame:
    """(band, key, doc) for every band of every document that has shingles."""
    n, bands = shingles.band_keys.shape
    has_shingles = np.diff(shingles.offsets) > 0
    docs = (np.int64(partition) << _SHIFT) + np.arange(n, dtype=np.int64)
    return pd.DataFrame(
        {
            "band": np.tile(np.arange(bands, dtype=np.int64), int(has_shingles.sum())),
            "key": shingles.band_keys[has_shingles].ravel(),
            "doc": np.repeat(docs[has_shingles], bands),
        }
    )


def _bucket_pairs(records: pd.DataFrame) -> pd.DataFrame:
    """(a, b), a < b, for every two documents sharing a (band, key) bucket, as the local index
    enumerates them (duplicates across bands are removed later)."""
    order = np.lexsort(
        (records["doc"].to_numpy(), records["key"].to_numpy(), records["band"].to_numpy())
    )
    band = records["band"].to_numpy()[order]
    key = records["key"].to_numpy()[order]
    doc = records["doc"].to_numpy()[order]
    starts = np.flatnonzero(
        np.concatenate([[True], (band[1:] != band[:-1]) | (key[1:] != key[:-1]), [True]])
    )
    first, second = [], []
    for begin, end in itertools.pairwise(starts):
        if end - begin > 1:
            a, b = np.triu_indices(end - begin, k=1)
            first.append(doc[begin + a])
            second.append(doc[begin + b])
    empty = np.empty(0, dtype=np.int64)
    return pd.DataFrame(
        {
            "a": np.concatenate(first) if first else empty,
            "b": np.concatenate(second) if second else empty,
        }
    )


def _split_candidates(pairs: pd.DataFrame, n: int) -> tuple[tuple[np.ndarray, np.ndarray], ...]:
    """Candidate pairs (a, b) split by the partition holding b."""
    a, b = pairs["a"].to_numpy(), pairs["b"].to_numpy()
    target = b >> _SHIFT
    return tuple((a[target == t], b[target == t]) for t in range(n))


def _split_with_sets(pairs: tuple[np.ndarray, ...], n: int) -> tuple[tuple[np.ndarray, ...], ...]:
    """Pairs (a, b) with b's shingle sets split by the partition holding a."""
    a, b, hashes, offsets = pairs
    target = a >> _SHIFT
    out = []
    for t in range(n):
        rows = np.flatnonzero(target == t)
        out.append((a[rows], b[rows], *_take_sets(hashes, offsets, rows)))
    return tuple(out)


def _take_sets(
    hashes: np.ndarray, offsets: np.ndarray, rows: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The shingle sets of the given rows, back to back, with their offsets."""
    lengths = offsets[rows + 1] - offsets[rows]
    new_offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    positions = np.repeat(offsets[rows] - new_offsets[:-1], lengths) + np.arange(
        new_offsets[-1], dtype=np.int64
    )
    return hashes[positions], new_offsets


def _attach_second_sets(shingles: _Shingles, partition: int, *pieces: tuple) -> tuple:
    """Distinct candidate pairs whose b is in this partition, with b's shingle set."""
    a = np.concatenate([p[0] for p in pieces])
    b = np.concatenate([p[1] for p in pieces])
    if len(a):
        pairs = np.unique(np.stack([a, b], axis=1), axis=0)
        a, b = pairs[:, 0].copy(), pairs[:, 1].copy()
    local = b - (np.int64(partition) << _SHIFT)
    return (a, b, *_take_sets(shingles.hashes, shingles.offsets, local))


def _verify(
    shingles: _Shingles,
    partition: int,
    starts: list[int],
    threshold: float,
    n_threads: int,
    max_pairs: int,
    *pieces: tuple,
) -> tuple[pd.DataFrame, int]:
    """Exact Jaccard of the candidates whose a is in this partition: the first max_pairs of the
    pairs reaching the threshold, as (i, j, jaccard) in global document numbers, sorted, and
    how many pairs reach it."""
    a = np.concatenate([p[0] for p in pieces])
    b = np.concatenate([p[1] for p in pieces])
    hashes = np.concatenate([p[2] for p in pieces])
    lengths = np.concatenate([np.diff(p[3]) for p in pieces])
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    local = a - (np.int64(partition) << _SHIFT)
    jaccard = _core.shingle_jaccard(
        (shingles.hashes, shingles.offsets),
        np.ascontiguousarray(local, dtype=np.int64),
        (np.ascontiguousarray(hashes, dtype=np.uint64), offsets),
        np.arange(len(b), dtype=np.int64),
        n_threads,
    )
    kept = jaccard >= threshold
    bases = np.asarray(starts, dtype=np.int64)
    i = bases[partition] + local[kept]
    j = bases[b[kept] >> _SHIFT] + (b[kept] & ((np.int64(1) << _SHIFT) - 1))
    # This partition's pairs come after those of the partitions before it in (i, j) order, so
    # it can give at most max_pairs of the first max_pairs; the rest are only counted.
    order = np.lexsort((j, i))[:max_pairs]
    found = pd.DataFrame({"i": i[order], "j": j[order], "jaccard": jaccard[kept][order]})
    return found, int(kept.sum())


def _first_pairs(found: pd.DataFrame, before: int, max_pairs: int) -> pd.DataFrame:
    """A partition's share of the first max_pairs pairs, given how many come before it."""
    return found.head(max(0, max_pairs - before))


def near_duplicates(
    docs: Documents,
    threshold: float = 0.8,
    num_perm: int = 128,
    shingle_size: int = 5,
    seed: int = 1,
    *,
    normalize: Any = True,
    stopwords: Any = None,
    stemmer: str | None = None,
    n_threads: int = 1,
    max_pairs: int = DEFAULT_MAX_PAIRS,
    compute: bool = False,
) -> dd.DataFrame | pd.DataFrame:
    """The near-duplicate pairs of a Dask collection, as a lazy ``dask.dataframe`` with columns
    (i, j, jaccard), i < j, sorted by (i, j) across partitions: the pairs of
    ``khabar.NearDuplicates(...).fit(all documents).pairs(max_pairs)``, exactly.

    At most ``max_pairs`` pairs, the first in (i, j) order, as the local ``pairs`` keeps: each
    partition keeps its share of them in the graph, so computing the frame never brings more
    than ``max_pairs`` pairs to the caller (n copies of one text are n(n − 1)/2 pairs). A lazy
    frame cannot warn that pairs were left out (a warning raised in a task stays on the worker
    under ``distributed``, dask/dask#9393): ``compute=True`` returns the pandas DataFrame and
    warns with :class:`khabar.near_duplicates.TruncatedPairsWarning` when more pairs exist,
    as the local ``pairs`` does.

    1. MinHash signatures and shingle sets are computed on the workers, partition by partition
       (the permutations depend only on ``seed``, so partitions combine).
    2. Band keys ``(band, key, doc)`` are grouped with a Dask dataframe shuffle on the key; each
       bucket of two or more documents gives candidate pairs.
    3. Each candidate goes to the partition holding its second document, which attaches that
       document's shingle set, then to the partition holding its first document, which computes
       the exact Jaccard similarity there: shingle sets travel once per candidate, never
       the whole archive. Steps 3 route with one task per pair of partitions (partitions²).

    >>> import dask, dask.bag as db
    >>> base = " ".join(f"كلمة{i}" for i in range(30))
    >>> docs = db.from_sequence([base, "نص آخر مختلف تماما", base + " زيادة"], npartitions=2)
    >>> with dask.config.set(scheduler="synchronous"):
    ...     pairs = near_duplicates(docs, threshold=0.8).compute()
    >>> pairs[["i", "j"]].values.tolist()
    [[0, 2]]
    """
    _check_threads(n_threads)
    check_max_pairs(max_pairs)
    params = {
        "threshold": threshold,
        "num_perm": num_perm,
        "shingle_size": shingle_size,
        "seed": seed,
        "normalize": normalize,
        "stopwords": stopwords,
        "stemmer": stemmer,
    }
    NearDuplicates(**params)._new_index()  # invalid parameters fail here, not on a worker
    parts = _partitions(docs, "near-duplicates")
    n = len(parts)
    shingles = [
        delayed(_minhash_partition, pure=True)(part, p, params, n_threads)
        for p, part in enumerate(parts)
    ]
    starts = delayed(_starts, pure=True)(*[delayed(len, pure=True)(s) for s in shingles])

    records_meta = pd.DataFrame(
        {
            "band": pd.Series(dtype=np.int64),
            "key": pd.Series(dtype=np.uint64),
            "doc": pd.Series(dtype=np.int64),
        }
    )
    records = dd.from_delayed(
        [delayed(_band_records, pure=True)(s, p) for p, s in enumerate(shingles)],
        meta=records_meta,
        verify_meta=False,
    )
    pairs_meta = pd.DataFrame({"a": pd.Series(dtype=np.int64), "b": pd.Series(dtype=np.int64)})
    candidates = (
        records.shuffle(on="key", npartitions=n)
        .map_partitions(_bucket_pairs, meta=pairs_meta)
        .to_delayed()
    )

    by_second = [delayed(_split_candidates, pure=True, nout=n)(c, n) for c in candidates]
    with_sets = [
        delayed(_attach_second_sets, pure=True)(shingles[p], p, *[s[p] for s in by_second])
        for p in range(n)
    ]
    by_first = [delayed(_split_with_sets, pure=True, nout=n)(w, n) for w in with_sets]
    verified = [
        delayed(_verify, pure=True, nout=2)(
            shingles[p],
            p,
            starts,
            float(threshold),
            n_threads,
            max_pairs,
            *[s[p] for s in by_first],
        )
        for p in range(n)
    ]
    counts = [found for _, found in verified]
    before = delayed(_starts, pure=True)(*counts)
    kept = [
        delayed(_first_pairs, pure=True)(pairs, before[p], max_pairs)
        for p, (pairs, _) in enumerate(verified)
    ]
    meta = pd.DataFrame(
        {
            "i": pd.Series(dtype=np.int64),
            "j": pd.Series(dtype=np.int64),
            "jaccard": pd.Series(dtype=np.float64),
        }
    )
    frame = dd.from_delayed(kept, meta=meta, verify_meta=False)
    if not compute:
        return frame
    # The partitions as Delayed, not the frame: dask.compute warns when given both kinds.
    parts, total = dask.compute(kept, delayed(sum, pure=True)(counts))
    pairs = pd.concat(parts, ignore_index=True)
    if total > max_pairs:
        warnings.warn(
            f"{total} near-duplicate pairs; the first {max_pairs} are returned "
            "(raise max_pairs for more, or remove exact copies first)",
            TruncatedPairsWarning,
            stacklevel=2,
        )
    return pairs


# --- stories ---------------------------------------------------------------------------------


def _story_partition(
    part: pd.DataFrame,
    partition: int,
    columns: dict[str, str],
    vectorizer: TfidfVectorizer,
    name_cols: np.ndarray,
    options: dict[str, Any],
    carried: Any,
) -> tuple[pd.DataFrame, Any]:
    """Stories of one partition, continuing the stream from the window the previous partition
    left (``carried``: (StoryWindow, time of its last article))."""
    from khabar.stories import assign_stories

    earlier, last_time = carried if carried is not None else (None, -np.inf)
    dates = pd.to_datetime(part[columns["date"]], utc=True, errors="coerce")
    if dates.isna().any():
        row = int(np.flatnonzero(dates.isna().to_numpy())[0])
        raise ValueError(
            f"partition {partition}, row {row}: no date in {columns['date']!r} "
            f"({part[columns['date']].iloc[row]!r}); stories in a window need dates"
        )
    times = (dates - pd.Timestamp(0, tz="UTC")).dt.total_seconds().to_numpy()
    order = np.argsort(times, kind="stable")
    if len(times) and times[order[0]] < last_time:
        raise ValueError(
            f"partition {partition} starts at {dates.iloc[order[0]]}, before the last article of "
            "the partitions before it: partitions must be ordered by date"
        )
    texts = part[columns["text"]].tolist()
    X = _in_partition(partition, lambda: vectorizer.transform(texts))
    idf = vectorizer.idf_[name_cols]
    names = sp.csr_matrix((X[:, name_cols] > 0).astype(np.float64) @ sp.diags(idf))
    story, score, window = _in_partition(
        partition,
        lambda: assign_stories(X[order], times[order], names[order], earlier=earlier, **options),
    )
    stories_of = np.empty(len(times), dtype=np.int64)
    scores = np.empty(len(times))
    stories_of[order], scores[order] = story, score
    out = pd.DataFrame({"story": stories_of, "score": scores}, index=part.index)
    last = float(times[order[-1]]) if len(times) else last_time
    return out, (window, last)


def stories(
    frame: dd.DataFrame,
    window_days: float | None = 3,
    threshold: float = 0.24,
    *,
    name_weight: float = 0.3,
    size_penalty: float = 0.07,
    names: str | None = "auto",
    text: str = "text",
    date: str = "date",
    candidates: int = 10,
    split_every: int = 8,
    n_threads: int = 1,
    **params: Any,
) -> dd.DataFrame:
    """:meth:`khabar.Corpus.stories` for a ``dask.dataframe`` whose partitions are ordered by
    date (each partition's articles may come in any order, but none may be older than an
    article of an earlier partition): a lazy frame with the columns story and score, on the
    frame's index, equal to ``Corpus.stories(...).labels_`` and ``scores_`` on the whole frame.

    The TF-IDF model (``DEFAULT_TFIDF`` of khabar.corpus, updated by ``params``) is fitted on
    the workers (:func:`fit_tfidf`); then the partitions are clustered one after the other,
    each task handing the next one only the articles still inside the window (their rows,
    names, times and stories): the archive streams through once in date order, and no task
    holds more than one partition and one window.

    >>> import dask, dask.dataframe as dd, pandas as pd
    >>> frame = dd.from_pandas(pd.DataFrame({
    ...     "text": ["بوتين يستقبل الأسد في سوتشي", "الأسد يلتقي بوتين في سوتشي", "منتخب مصر"],
    ...     "date": ["2017-11-20", "2017-11-21", "2017-11-22"]}), npartitions=2)
    >>> with dask.config.set(scheduler="synchronous"):
    ...     stories(frame, threshold=0.2)["story"].compute().tolist()
    [0, 0, 1]
    """
    from khabar.corpus import DEFAULT_TFIDF
    from khabar.stories import name_columns

    if not isinstance(frame, dd.DataFrame):
        raise TypeError(f"expected a dask.dataframe.DataFrame, got {type(frame).__name__}")
    for column in (text, date):
        if column not in frame.columns:
            raise ValueError(f"no column {column!r} in {list(frame.columns)}")
    if window_days is None:
        raise ValueError("khabar.dask.stories needs a window: pass window_days (a number)")
    if names not in ("auto", None):
        raise ValueError(f'names must be "auto" or None, got {names!r}')
    tfidf = {**DEFAULT_TFIDF, **params}
    vectorizer = fit_tfidf(frame[text], split_every=split_every, n_threads=n_threads, **tfidf)
    assert isinstance(vectorizer, TfidfVectorizer)  # computed: compute=True
    if names is None:
        name_cols = np.empty(0, dtype=np.int64)
    else:
        n = int(frame.map_partitions(len).compute().sum())
        if not tfidf.get("use_idf", True):
            raise ValueError('names="auto" needs idf weights: pass names=None with use_idf=False')
        # document frequencies from idf = ln((1 + n) / (1 + df)) + 1, or ln(n / df) + 1
        smooth = 1 if tfidf.get("smooth_idf", True) else 0
        frequency = np.rint((smooth + n) * np.exp(1 - vectorizer.idf_) - smooth)
        frequency = frequency.astype(np.int64)
        name_cols = name_columns(list(vectorizer.get_feature_names_out()), frequency, n)
    options = {
        "window_days": window_days,
        "threshold": threshold,
        "name_weight": name_weight,
        "size_penalty": size_penalty,
        "candidates": candidates,
        "n_threads": n_threads,
    }
    shipped = _shipped(vectorizer)
    carried: Any = None
    results = []
    columns = {"text": text, "date": date}
    for p, part in enumerate(frame[[text, date]].to_delayed(optimize_graph=True)):
        step = delayed(_story_partition, pure=True, nout=2)(
            part, p, columns, shipped, name_cols, options, carried
        )
        results.append(step[0])
        carried = step[1]
    meta = pd.DataFrame(
        {"story": pd.Series(dtype=np.int64), "score": pd.Series(dtype=np.float64)},
        index=frame._meta.index,
    )
    return dd.from_delayed(results, meta=meta, verify_meta=False)
