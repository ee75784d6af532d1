"""What each group (outlet, date, category…) says more than the others."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp


def distinctive_terms(
    docs_or_X: Any,
    groups: Sequence[Any],
    top: int = 15,
    method: str = "log_odds",
    feature_names: Sequence[str] | None = None,
    prior_strength: float = 1.0,
    vectorizer: Any = None,
) -> Any:
    """Terms most over-represented in each group against all the other documents.

    Weighted log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi & Quinn,
    "Fightin' Words", Political Analysis 16(4), 2008): with counts y in the group (i) and in the
    rest (j), n their totals, and prior α_w = ``prior_strength`` × the corpus count of w (α0 the
    sum),

        δ_w = ln((y_wi + α_w) / (n_i + α0 − y_wi − α_w))
              − ln((y_wj + α_w) / (n_j + α0 − y_wj − α_w))
        z_w = δ_w / sqrt(1 / (y_wi + α_w) + 1 / (y_wj + α_w))

    ``docs_or_X`` is a list of texts (counted with ``vectorizer``, by default khabar's
    CountVectorizer with Arabic stopwords) or a count matrix with ``feature_names``. Returns a
    DataFrame (group, term, z, log_odds, count, count_rest), the ``top`` terms per group by z.

    >>> docs = ["الأسد الرئيس", "الرئيس بشار الأسد", "بوتين الرئيس", "الرئيس بوتين"]
    >>> table = distinctive_terms(docs, ["سانا", "سانا", "روسيا", "روسيا"], top=1)
    >>> table[["group", "term"]].values.tolist()
    [['روسيا', 'بوتين'], ['سانا', 'الاسد']]
    """
    import pandas as pd

    if method != "log_odds":
        raise ValueError(f"method must be 'log_odds', got {method!r}")
    if sp.issparse(docs_or_X) or isinstance(docs_or_X, np.ndarray):
        if feature_names is None:
            raise ValueError("a count matrix needs feature_names")
        counts, names = sp.csr_matrix(docs_or_X), np.asarray(feature_names, dtype=object)
    else:
        from khabar.vectorizers import CountVectorizer

        vec = (
            vectorizer
            if vectorizer is not None
            else CountVectorizer(stopwords="arabic", min_length=2)
        )
        counts = vec.fit_transform(list(docs_or_X))
        names = vec.get_feature_names_out()
    labels = np.asarray(list(groups), dtype=object)
    if labels.shape[0] != counts.shape[0]:
        raise ValueError(f"{counts.shape[0]} documents but {labels.shape[0]} group labels")
    if counts.shape[1] != len(names):
        raise ValueError(f"{counts.shape[1]} columns but {len(names)} feature names")
    total = np.asarray(counts.sum(axis=0), dtype=np.float64).ravel()
    alpha = prior_strength * total
    alpha0 = alpha.sum()
    rows = []
    for group in sorted(set(labels.tolist()), key=str):
        mask = labels == group
        in_group = np.asarray(counts[mask].sum(axis=0), dtype=np.float64).ravel()
        rest = total - in_group
        n_i, n_j = in_group.sum(), rest.sum()
        with np.errstate(divide="ignore", invalid="ignore"):
            delta = np.log((in_group + alpha) / (n_i + alpha0 - in_group - alpha)) - np.log(
                (rest + alpha) / (n_j + alpha0 - rest - alpha)
            )
            z = delta / np.sqrt(1.0 / (in_group + alpha) + 1.0 / (rest + alpha))
        z = np.where(np.isfinite(z), z, -np.inf)
        order = np.lexsort((names.astype(str), -z))[:top]
        for w in order:
            if in_group[w] == 0:
                continue
            rows.append((group, names[w], z[w], delta[w], int(in_group[w]), int(rest[w])))
    return pd.DataFrame(rows, columns=["group", "term", "z", "log_odds", "count", "count_rest"])
