"""Passages two articles share word for word (syndicated copy, quoted statements)."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

from khabar import _core
from khabar.tokenizer import Tokenizer


@dataclass(frozen=True)
class Passage:
    """A shared run of words: ``a[a_start:a_end]`` is it as the first text wrote it,
    ``b[b_start:b_end]`` as the second did. ``text_a`` and ``text_b`` are sliced when read, not
    stored: repetitive texts share thousands of long passages, whose copies would not fit in
    memory."""

    a_start: int
    a_end: int
    b_start: int
    b_end: int
    n_words: int
    _a: str = field(repr=False, compare=False, default="")
    _b: str = field(repr=False, compare=False, default="")

    @property
    def text_a(self) -> str:
        return self._a[self.a_start : self.a_end]

    @property
    def text_b(self) -> str:
        return self._b[self.b_start : self.b_end]


class TruncatedPassagesWarning(UserWarning):
    """More shared passages exist than ``max_passages``: only the first were returned."""


def shared_passages(
    a: str,
    b: str,
    min_words: int = 8,
    tokenizer: Tokenizer | None = None,
    max_passages: int = 1000,
) -> list[Passage]:
    """Maximal runs of at least ``min_words`` consecutive normalized tokens found in both texts,
    sorted by position in ``a`` (then ``b``); offsets are ``str`` indices into the ORIGINAL
    texts. At most ``max_passages`` are returned, the first in that order, with a
    :class:`TruncatedPassagesWarning` when more exist: repetitive texts (one word repeated in
    both) hold a maximal run starting at every position, whose slices would not fit in memory.
    Time is linear in the texts' length plus the length of the runs returned.

    >>> a = "قال الكرملين إن بوتين بحث الأزمة السورية مع ترامب"
    >>> b = "وأضاف أن بوتينَ بحثَ الأزمة السورية مع ترامب هاتفيا"
    >>> [(p.text_a, p.text_b) for p in shared_passages(a, b, min_words=4)]
    [('إن بوتين بحث الأزمة السورية مع ترامب', 'أن بوتينَ بحثَ الأزمة السورية مع ترامب')]
    """
    if not isinstance(a, str) or not isinstance(b, str):
        raise TypeError("shared_passages compares two str texts")
    if not isinstance(min_words, int) or min_words < 1:
        raise ValueError(f"min_words must be an int >= 1, got {min_words!r}")
    if not isinstance(max_passages, int) or max_passages < 1:
        raise ValueError(f"max_passages must be an int >= 1, got {max_passages!r}")
    tokenizer = tokenizer if tokenizer is not None else Tokenizer()
    found, truncated = _core.shared_passages(a, b, min_words, tokenizer._core, max_passages)
    if truncated:
        warnings.warn(
            f"more than {max_passages} shared passages; the first {max_passages} are returned "
            "(raise max_passages for more)",
            TruncatedPassagesWarning,
            stacklevel=2,
        )
    return [Passage(a0, a1, b0, b1, n, a, b) for a0, a1, b0, b1, n in found]
