"""A TfidfVectorizer that counts how often it is unpickled in this process. test_dask.py uploads
this module to the Dask workers to count how many times the vectorizer reaches each one."""

from __future__ import annotations

from typing import Any

import khabar

LOADS = 0


class CountingVectorizer(khabar.TfidfVectorizer):
    def __setstate__(self, state: dict[str, Any]) -> None:
        global LOADS
        LOADS += 1
        super().__setstate__(state)


def loads() -> int:
    return LOADS


def transform_partition(docs: Any, vectorizer: khabar.TfidfVectorizer) -> list[Any]:
    """What a naive map_partitions would do: the vectorizer passed into every task."""
    return [vectorizer.transform(list(docs))]
