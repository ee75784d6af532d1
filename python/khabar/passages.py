"""Passages two articles share word for word (syndicated copy, quoted statements)."""

from __future__ import annotations

from dataclasses import dataclass

from khabar import _core
from khabar.tokenizer import Tokenizer


@dataclass(frozen=True)
class Passage:
    """A shared run of words: ``a[a_start:a_end]`` is it as the first text wrote it,
    ``b[b_start:b_end]`` as the second did."""

    a_start: int
    a_end: int
    b_start: int
    b_end: int
    text_a: str
    text_b: str
    n_words: int


def shared_passages(
    a: str, b: str, min_words: int = 8, tokenizer: Tokenizer | None = None
) -> list[Passage]:
    """Maximal runs of at least ``min_words`` consecutive normalized tokens found in both texts,
    sorted by position in ``a``; offsets are ``str`` indices into the ORIGINAL texts. Linear in
    the texts' length (plus the matches found).

    >>> a = "قال الكرملين إن بوتين بحث الأزمة السورية مع ترامب"
    >>> b = "وأضاف أن بوتينَ بحثَ الأزمة السورية مع ترامب هاتفيا"
    >>> [(p.text_a, p.text_b) for p in shared_passages(a, b, min_words=4)]
    [('إن بوتين بحث الأزمة السورية مع ترامب', 'أن بوتينَ بحثَ الأزمة السورية مع ترامب')]
    """
    if not isinstance(a, str) or not isinstance(b, str):
        raise TypeError("shared_passages compares two str texts")
    if not isinstance(min_words, int) or min_words < 1:
        raise ValueError(f"min_words must be an int >= 1, got {min_words!r}")
    tokenizer = tokenizer if tokenizer is not None else Tokenizer()
    return [
        Passage(a0, a1, b0, b1, a[a0:a1], b[b0:b1], n)
        for a0, a1, b0, b1, n in _core.shared_passages(a, b, min_words, tokenizer._core)
    ]
