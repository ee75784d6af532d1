"""Matplotlib figures with Arabic labels shaped and laid out right-to-left."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np


def matplotlib_lays_out_text() -> bool:
    """True when matplotlib shapes and orders complex scripts itself (its FreeType text engine
    is built with libraqm, as from matplotlib 3.11)."""
    from matplotlib import ft2font

    return hasattr(ft2font, "__libraqm_version__")


def arabic_label(text: str) -> str:
    """Text for a matplotlib label. Older matplotlib draws characters left to right one by one,
    so Arabic letters are joined into their contextual forms (arabic-reshaper) and runs are
    reordered for display (python-bidi); a matplotlib with libraqm does both itself and gets
    the text unchanged (reshaping it again would reverse it).

    >>> arabic_label("abc")
    'abc'
    """
    if matplotlib_lays_out_text():
        return text
    import arabic_reshaper
    from bidi import get_display

    return get_display(arabic_reshaper.reshape(text))


#: Text drawn as given: a title such as "$\foo$" is a title, not TeX (matplotlib would parse it
#: as mathtext and fail on an unknown command), whatever the user's matplotlibrc says.
PLAIN_TEXT = {"parse_math": False, "usetex": False}

#: The widest figure drawn, in inches (at 110 dpi: 1,980 pixels).
MAX_WIDTH = 18.0


def _figure(width: float, height: float) -> Any:
    from matplotlib.figure import Figure

    return Figure(figsize=(min(width, MAX_WIDTH), min(height, MAX_WIDTH)), layout="constrained")


def plain_text(fig: Any) -> Any:
    """Every text of ``fig`` drawn literally (no mathtext, no TeX); returns ``fig``."""
    from matplotlib.text import Text

    for text in fig.findobj(Text):
        text.set_parse_math(False)
        text.set_usetex(False)
    return fig


def similarity_heatmap(
    matrix: np.ndarray,
    labels: Sequence[str],
    title: str = "",
    diagonal: bool = False,
    numbers: bool | None = None,
) -> Any:
    r"""A heatmap of a square similarity matrix with Arabic row and column labels.

    Without ``diagonal`` (an article's similarity to itself, always 1) the diagonal is left
    blank and the colour scale spans the other values, so that differences among them show.
    ``numbers`` writes each value in its cell (by default up to 12 rows).

    >>> fig = similarity_heatmap(np.array([[1.0, 0.2], [0.2, 1.0]]), ["$\\alpha$", "ب"])
    >>> [t.get_text() for t in fig.axes[0].get_xticklabels()][0]
    '$\\alpha$'
    """
    n = len(labels)
    values = np.array(matrix, dtype=np.float64)
    if not diagonal:
        np.fill_diagonal(values, np.nan)
    finite = values[np.isfinite(values)]
    low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    if high - low < 1e-9:
        low, high = low - 0.05, high + 0.05
    fig = _figure(2.5 + 0.55 * n, 2.0 + 0.45 * n)
    ax = fig.add_subplot()
    image = ax.imshow(np.ma.masked_invalid(values), cmap="viridis", vmin=low, vmax=high)
    ax.set_facecolor("#dddddd")
    shown = [arabic_label(label) for label in labels]
    ax.set_xticks(range(n), shown, rotation=45, ha="right", **PLAIN_TEXT)
    ax.set_yticks(range(n), shown, **PLAIN_TEXT)
    if numbers is None:
        numbers = n <= 12
    if numbers:
        middle = (low + high) / 2
        for i in range(n):
            for j in range(n):
                if np.isfinite(values[i, j]):
                    ax.text(
                        j,
                        i,
                        f"{values[i, j]:.2f}",
                        ha="center",
                        va="center",
                        color="white" if values[i, j] < middle else "black",
                        fontsize=8,
                        **PLAIN_TEXT,
                    )
    bar = fig.colorbar(image, ax=ax, shrink=0.8)
    bar.set_label("cosine similarity", **PLAIN_TEXT)
    if title:
        ax.set_title(arabic_label(title), **PLAIN_TEXT)
    return plain_text(fig)


def term_bars(terms: Sequence[str], weights: Sequence[float], title: str = "") -> Any:
    """Horizontal bars of term weights, the heaviest on top, with Arabic term labels."""
    fig = _figure(6, 0.35 * len(terms) + 1.2)
    ax = fig.add_subplot()
    positions = np.arange(len(terms))[::-1]
    ax.barh(positions, weights, color="#3b6ea5")
    ax.set_yticks(positions, [arabic_label(t) for t in terms], **PLAIN_TEXT)
    ax.set_xlabel("TF-IDF weight", **PLAIN_TEXT)
    if title:
        ax.set_title(arabic_label(title), **PLAIN_TEXT)
    return plain_text(fig)


def to_png(fig: Any, dpi: int = 110) -> bytes:
    """The figure as PNG bytes, its texts drawn literally."""
    import io

    from matplotlib import rc_context

    buffer = io.BytesIO()
    with rc_context({"text.usetex": False}):  # tick labels made while drawing
        plain_text(fig).savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()
