"""Article similarity: cosine similarity and exact top-k neighbours, in multi-threaded C++."""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

from khabar import _core


def _csr_arrays(X: Any, name: str) -> tuple:
    """(data, indices, indptr, shape) of X as float64 CSR, copying only when X is not already
    in that form. The index arrays keep SciPy's dtype (int32 or int64): the C++ core checks
    their structure as SciPy's ``check_format(full_check=True)`` and narrows int64 without
    letting a value wrap, so no SciPy routine walks them before they are checked."""
    if not sp.issparse(X):
        X = np.asarray(X)
        if X.ndim != 2:
            raise ValueError(f"{name} must be 2-dimensional, got shape {X.shape}")
        X = sp.csr_matrix(X)
    elif X.format != "csr":
        if X.format in ("csc", "bsr"):
            X.check_format(full_check=True)  # SciPy's conversion would trust the indices
        X = X.tocsr()
    data = np.ascontiguousarray(X.data, dtype=np.float64)
    indices, indptr = X.indices, X.indptr
    if indices.dtype != indptr.dtype:
        wide = np.promote_types(indices.dtype, indptr.dtype)
        indices, indptr = indices.astype(wide), indptr.astype(wide)
    return data, np.ascontiguousarray(indices), np.ascontiguousarray(indptr), X.shape


def _pair(X: Any, Y: Any) -> tuple[tuple, tuple]:
    x = _csr_arrays(X, "X")
    y = x if Y is None else _csr_arrays(Y, "Y")
    if x[3][1] != y[3][1]:
        raise ValueError(
            f"Incompatible dimension for X and Y matrices: X.shape[1] == {x[3][1]} while "
            f"Y.shape[1] == {y[3][1]}"
        )
    return x, y


def cosine_similarity(X: Any, Y: Any = None, n_threads: int = 0) -> np.ndarray:
    """Cosine similarity of the rows of X with the rows of Y (or X): a dense array with the
    values of scikit-learn's ``cosine_similarity``.

    >>> import khabar
    >>> docs = ["بوتين يستقبل الأسد", "بوتين يستقبل الأسد", "مصر"]
    >>> X = khabar.TfidfVectorizer().fit_transform(docs)
    >>> cosine_similarity(X).round(3).tolist()
    [[1.0, 1.0, 0.0], [1.0, 1.0, 0.0], [0.0, 0.0, 1.0]]
    """
    x, y = _pair(X, Y)
    return _core.cosine_similarity(x, y, n_threads)


def top_k_similar(
    X: Any,
    Y: Any = None,
    k: int = 10,
    threshold: float = 0.0,
    exclude_self: bool = True,
    n_threads: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """For every row of X, its ``k`` most cosine-similar rows of Y (or of X), exactly.

    Returns ``(indices, scores)``: int64 and float64 arrays of shape (rows, min(k, rows of Y)),
    best first, ties by the lower index, padded with -1 / nan where fewer rows reach
    ``threshold``. Rows are
    scored one at a time against an inverted index, so memory stays O(rows × k): the dense
    similarity matrix is never built. ``exclude_self`` applies when Y is None.

    >>> import khabar
    >>> X = khabar.TfidfVectorizer().fit_transform(["بوتين في سوتشي", "الأسد في سوتشي", "ترامب"])
    >>> indices, scores = top_k_similar(X, k=1, threshold=0.1)
    >>> indices.ravel().tolist()
    [1, 0, -1]
    """
    if not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError(f"k must be a positive int, got {k!r}")
    x, y = _pair(X, Y)
    return _core.top_k_similar(
        x, y, int(k), float(threshold), bool(exclude_self and Y is None), n_threads
    )
