"""A self-contained HTML report of a corpus (``khabar analyze``)."""

from __future__ import annotations

import base64
import html
from pathlib import Path
from typing import Any

from khabar import __version__
from khabar.corpus import Corpus
from khabar.plots import to_png
from khabar.tokenizer import Tokenizer

_STYLE = """
body { font-family: "DejaVu Sans", "Noto Naskh Arabic", sans-serif; margin: 2em auto;
       max-width: 70em; color: #222; }
h1, h2 { color: #1d3b5e; } table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
td, th { border: 1px solid #ccc; padding: 0.25em 0.6em; vertical-align: top; }
th { background: #eef2f7; } .ar { direction: rtl; text-align: right; }
mark { background: #ffe27a; } .passage { display: flex; gap: 1em; margin-bottom: 1.2em; }
.passage > div { flex: 1; border: 1px solid #ddd; padding: 0.6em; direction: rtl;
                 text-align: right; line-height: 1.7; }
.muted { color: #777; font-size: 0.9em; }
"""


def _e(text: Any) -> str:
    return html.escape(str(text))


def _table(
    headers: list[str], rows: list[list[Any]], rtl: frozenset[int] | set[int] = frozenset()
) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = "".join(
        "<tr>"
        + "".join(f"<td class='{'ar' if k in rtl else ''}'>{_e(v)}</td>" for k, v in enumerate(r))
        + "</tr>"
        for r in rows
    )
    return f"<table><tr>{head}</tr>{body}</table>"


def _in_context(text: str, start: int, end: int, margin: int = 120) -> str:
    before = text[max(0, start - margin) : start]
    after = text[end : end + margin]
    return (
        ("…" if start > margin else "")
        + _e(before)
        + f"<mark>{_e(text[start:end])}</mark>"
        + _e(after)
        + ("…" if end + margin < len(text) else "")
    )


def build_report(
    corpus: Corpus, source: str = "", min_words: int = 8, top: int = 10
) -> tuple[str, dict]:
    """The report's HTML and a summary of its findings (for the command line)."""
    lengths = Tokenizer().count_tokens(corpus.texts)
    top_terms = corpus.top_terms(top)
    similarity = corpus.similarity().to_numpy()
    passages = corpus.shared_passages(min_words=min_words)
    duplicates = corpus.near_duplicates(threshold=0.5)
    group = "source" if "source" in corpus.to_pandas() else "id"
    distinctive = corpus.distinctive_terms(by=group, top=top)
    heatmap = base64.b64encode(to_png(corpus.plot_similarity())).decode()

    parts = [f"<h1>khabar report</h1><p class='muted'>{_e(source)} — khabar {__version__}</p>"]
    parts.append("<h2>Corpus</h2>")
    parts.append(
        _table(
            ["#", "id", "title", "tokens"],
            [[i, corpus.ids[i], corpus.titles[i], int(lengths[i])] for i in range(len(corpus))],
            {2},
        )
    )
    parts.append(
        "<h2>Similarity</h2><p>Cosine similarity of TF-IDF vectors "
        "(Arabic stopwords removed, log tf).</p>"
    )
    parts.append(
        f"<img id='heatmap' alt='similarity heatmap' src='data:image/png;base64,{heatmap}'>"
    )
    parts.append("<h2>Top terms per article</h2>")
    rows = [
        [corpus.ids[i], "، ".join(top_terms[top_terms["id"] == corpus.ids[i]]["term"])]
        for i in range(len(corpus))
    ]
    parts.append(_table(["id", f"top {top} TF-IDF terms"], rows, {1}))
    parts.append("<h2>Nearest neighbours</h2>")
    rows = []
    for i in range(len(corpus)):
        near = corpus.nearest(i, k=min(2, len(corpus) - 1))
        rows.append(
            [corpus.ids[i], "; ".join(f"{r.id} ({r.score:.2f})" for r in near.itertuples())]
        )
    parts.append(_table(["article", "most similar (cosine)"], rows))
    parts.append("<h2>Near-duplicates</h2>")
    if duplicates.empty:
        parts.append(
            "<p>No pair of articles shares half or more of its 5-word shingles (Jaccard ≥ 0.5).</p>"
        )
    else:
        parts.append(
            _table(
                ["article", "article", "Jaccard"],
                [
                    [corpus.ids[r.i], corpus.ids[r.j], f"{r.jaccard:.2f}"]
                    for r in duplicates.itertuples()
                ],
            )
        )
    parts.append(
        f"<h2>Shared passages</h2><p>Runs of at least {min_words} identical words (after "
        "normalization) found in two articles, highlighted as each outlet wrote them.</p>"
    )
    if passages.empty:
        parts.append("<p>None.</p>")
    for r in passages.sort_values("n_words", ascending=False).itertuples():
        parts.append(
            f"<p><b>{_e(corpus.ids[r.i])}</b> and <b>{_e(corpus.ids[r.j])}</b>: "
            f"{r.n_words} words</p>"
        )
        parts.append(
            "<div class='passage'>"
            f"<div>{_in_context(corpus.texts[r.i], r.i_start, r.i_end)}</div>"
            f"<div>{_in_context(corpus.texts[r.j], r.j_start, r.j_end)}</div></div>"
        )
    parts.append(
        f"<h2>Distinctive terms per {_e(group)}</h2><p>Weighted log-odds with an informative "
        "Dirichlet prior (Monroe, Colaresi &amp; Quinn 2008), z-scores.</p>"
    )
    rows = [
        [g, "، ".join(f"{t} ({z:.1f})" for t, z in zip(d["term"], d["z"], strict=True))]
        for g, d in distinctive.groupby("group", sort=True)
    ]
    parts.append(_table([group, "over-represented terms (z)"], rows, {1}))
    page = (
        f"<!DOCTYPE html><html lang='ar'><head><meta charset='utf-8'><title>khabar report</title>"
        f"<style>{_STYLE}</style></head><body dir='ltr'>{''.join(parts)}</body></html>"
    )
    summary = {
        "articles": len(corpus),
        "tokens": int(lengths.sum()),
        "most_similar": _most_similar_pair(corpus, similarity),
        "shared_passages": len(passages),
        "longest_passage": int(passages["n_words"].max()) if not passages.empty else 0,
        "near_duplicates": len(duplicates),
        "top_terms": {
            corpus.ids[i]: rows_[1]
            for i, rows_ in enumerate(
                [
                    [
                        corpus.ids[i],
                        "، ".join(top_terms[top_terms["id"] == corpus.ids[i]]["term"][:5]),
                    ]
                    for i in range(len(corpus))
                ]
            )
        },
    }
    return page, summary


def _most_similar_pair(corpus: Corpus, similarity: Any) -> tuple[str, str, float]:
    best = (-1.0, 0, 0)
    for i in range(len(corpus)):
        for j in range(i + 1, len(corpus)):
            best = max(best, (float(similarity[i, j]), i, j))
    return corpus.ids[best[1]], corpus.ids[best[2]], best[0]


def write_report(corpus: Corpus, out: str | Path, source: str = "") -> dict:
    page, summary = build_report(corpus, source=source)
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    return summary
