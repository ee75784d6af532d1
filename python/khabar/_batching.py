"""Feeding documents to the C++ core in chunks, with an optional tqdm progress bar."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

#: Documents per C++ call when streaming an iterable or showing progress: large enough that the
#: GIL is released for most of the time, small enough that a generator is never held whole.
CHUNK = 4096


def chunks(items: Iterable[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def progress_bar(docs: Iterable[Any], progress: bool, label: str) -> Any:
    """A tqdm bar counting documents, or None when progress is off."""
    if not progress:
        return None
    from tqdm.auto import tqdm

    total = len(docs) if hasattr(docs, "__len__") else None  # type: ignore[arg-type]
    return tqdm(total=total, unit="doc", desc=label)


def check_documents(docs: Any, n_threads: int) -> None:
    if isinstance(docs, (str, bytes)):
        raise TypeError("expected an iterable of documents, not a single str or bytes")
    if not isinstance(n_threads, int) or isinstance(n_threads, bool) or n_threads < 0:
        raise ValueError(f"n_threads must be an int >= 0, got {n_threads!r}")


def document_chunks(docs: Iterable[Any], progress: bool, label: str) -> Iterator[tuple[int, list]]:
    """(index of the chunk's first document, chunk) over ``docs``; a plain list without a
    progress bar comes as one chunk, so that it costs a single C++ call."""
    if isinstance(docs, list) and not progress:
        yield 0, docs
        return
    bar = progress_bar(docs, progress, label)
    first = 0
    try:
        for chunk in chunks(docs):
            yield first, chunk
            first += len(chunk)
            if bar is not None:
                bar.update(len(chunk))
    finally:
        if bar is not None:
            bar.close()
