"""A self-contained HTML report of a corpus (``khabar analyze``).

The analysis runs in stages, each one batch call into the C++ core over all articles (one TF-IDF
fit, one ``top_k_similar`` for every article's neighbours, one MinHash index for near-duplicates
and for the candidate pairs of shared passages), so memory stays O(articles × k) plus the
vectors; nothing builds the articles × articles matrix except the heatmap, which is drawn only
for up to ``HEATMAP_ARTICLES`` articles. The page is a list of sections (``SECTIONS``), each a
function of the finished ``Analysis``; tables that grow with the corpus show their first rows
and say how many were left out.
"""

from __future__ import annotations

import base64
import html
import re
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from khabar import __version__
from khabar.corpus import Corpus, displayable
from khabar.near_duplicates import DEFAULT_MAX_PAIRS, NearDuplicates
from khabar.tokenizer import Tokenizer

#: Up to this many articles the report draws the article × article similarity heatmap; beyond,
#: it shows the most similar pairs and the mean similarity between groups, readable at any size.
HEATMAP_ARTICLES = 40
#: Near-duplicates are pairs whose 5-word shingle sets have at least this Jaccard similarity.
DUPLICATE_JACCARD = 0.5
#: Candidate pairs for shared passages beyond ``ALL_PAIRS_ARTICLES`` articles: MinHash LSH at
#: this Jaccard (two otherwise different articles sharing only a short quote can be missed).
PASSAGE_CANDIDATE_JACCARD = 0.05
ALL_PAIRS_ARTICLES = 500
#: A metadata column groups the articles when it has between 2 and this many distinct values.
MAX_GROUPS = 30
#: Columns that identify or locate an article rather than group articles.
NOT_GROUPS = ("id", "title", "text", "path", "url", "date")
#: Rows shown of the tables that grow with the corpus.
SHOWN_PAIRS = 20
SHOWN_DUPLICATES = 100
SHOWN_PASSAGES = 50
SHOWN_INPUT_PROBLEMS = 200
NEIGHBOURS = 3
#: Articles listed in the open; a longer list is folded (<details>) at the end of the page.
OPEN_ARTICLES = 100

_STYLE = """
body { font-family: "DejaVu Sans", "Noto Naskh Arabic", sans-serif; margin: 2em auto;
       max-width: 70em; color: #222; }
h1, h2 { color: #1d3b5e; } table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
td, th { border: 1px solid #ccc; padding: 0.25em 0.6em; vertical-align: top; }
th { background: #eef2f7; } .ar { direction: rtl; text-align: right; }
mark { background: #ffe27a; } .passage { display: flex; gap: 1em; margin-bottom: 1.2em; }
.passage > div { flex: 1; border: 1px solid #ddd; padding: 0.6em; direction: rtl;
                 text-align: right; line-height: 1.7; }
.muted { color: #777; font-size: 0.9em; } img { max-width: 100%; height: auto; }
a { color: #1d3b5e; text-decoration: none; }
.truncated { background: #fff3cd; border: 1px solid #e0b000; padding: 0.5em 0.8em; }
"""


# --- progress ---------------------------------------------------------------------------------


class Stages:
    """One line per stage on ``stream`` (stderr): what ran, on how much, and how long it took.
    ``quiet`` prints nothing."""

    def __init__(self, stream: TextIO | None = None, quiet: bool = False) -> None:
        self.stream = sys.stderr if stream is None else stream
        self.quiet = quiet
        self.started = time.perf_counter()

    @contextmanager
    def __call__(self, what: str) -> Iterator[list[str]]:
        """Times the block; what the block appends to the yielded list ends the line."""
        if not self.quiet:
            self.stream.write(f"khabar: {what} …")
            self.stream.flush()
        start, note = time.perf_counter(), list[str]()
        try:
            yield note
        finally:
            if not self.quiet:
                done = f" {note[0]}" if note else ""
                self.stream.write(f"{done} ({time.perf_counter() - start:.1f} s)\n")
                self.stream.flush()

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self.started


# --- the analysis -----------------------------------------------------------------------------


@dataclass
class Analysis:
    """Everything the report shows, computed once."""

    corpus: Corpus
    source: str
    min_words: int
    top: int
    lengths: np.ndarray
    top_columns: list[tuple[np.ndarray, np.ndarray]]
    feature_names: np.ndarray
    neighbours: tuple[np.ndarray, np.ndarray]
    most_similar: Any  # DataFrame (i, j, score): the most similar pairs overall
    duplicates: Any  # DataFrame (i, j, jaccard)
    passages: Any  # DataFrame of Corpus.shared_passages
    group: str | None
    group_reason: str
    group_similarity: Any = None
    cross_pairs: Any = None
    distinctive: Any = None
    heatmap: str = ""  # base64 PNG
    group_heatmap: str = ""
    #: The candidate pairs were cut at max_pairs (NearDuplicates.pairs): more exist.
    pairs_truncated: bool = False
    max_pairs: int = DEFAULT_MAX_PAIRS
    stories: Any = None  # khabar.Stories
    story_copies: Any = None  # DataFrame of Stories.provenance for the largest stories
    timeline: str = ""  # base64 PNG
    story_labels: dict[int, str] = field(default_factory=dict)  # as written, for those shown
    spellings: dict[str, str] = field(default_factory=dict)
    # The columns as lists, taken once (Corpus.ids/titles/texts copy a column on each access).
    ids: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.ids, self.titles, self.texts = self.corpus.ids, self.corpus.titles, self.corpus.texts

    def spelled(self, term: str) -> str:
        return self.spellings.get(term, term)

    def top_terms(self, i: int, n: int | None = None) -> list[str]:
        columns = self.top_columns[i][0][: self.top if n is None else n]
        return [self.spelled(self.feature_names[c]) for c in columns]


def choose_grouping(frame: Any) -> tuple[str | None, str]:
    """The metadata column to compare groups of articles by (outlets first, then categories,
    then any other column with 2 to ``MAX_GROUPS`` values), or None and the reason."""
    candidates = [c for c in ("source", "outlet", "category") if c in frame]
    candidates += [c for c in frame.columns if c not in candidates and c not in NOT_GROUPS]
    single = []
    for column in candidates:
        values = frame[column].dropna().astype(str)
        distinct = values.nunique()
        if 2 <= distinct <= MAX_GROUPS and len(values) == len(frame):
            return column, ""
        if distinct == 1:
            single.append(f"{column!r} has one value ({values.iloc[0]})")
    if single:
        return None, "; ".join(single) + ", and no other column groups the articles"
    if not candidates:
        return None, "the articles carry no metadata (a folder of .txt files has none)"
    return None, (
        f"no metadata column ({', '.join(map(repr, candidates))}) has between 2 and "
        f"{MAX_GROUPS} values on every article"
    )


def analyze(
    corpus: Corpus,
    source: str = "",
    min_words: int = 8,
    top: int = 10,
    stages: Stages | None = None,
    max_pairs: int = DEFAULT_MAX_PAIRS,
) -> Analysis:
    """Runs every stage of the report on ``corpus`` (progress on ``stages``); at most
    ``max_pairs`` candidate pairs of near-duplicates, the first in article order."""
    from khabar.plots import similarity_heatmap, to_png

    stages = stages or Stages(quiet=True)
    n = len(corpus)
    texts = corpus.texts
    with stages(f"tokens of {n:,} articles") as note:
        lengths = Tokenizer().count_tokens(texts)
        note.append(f"{int(lengths.sum()):,} tokens")
    with stages("tf-idf") as note:
        matrix = corpus.matrix
        note.append(f"{matrix.shape[0]:,} × {matrix.shape[1]:,}, {matrix.nnz:,} weights")
    with stages(f"top {top} terms of every article"):
        top_columns = corpus._top_columns(top)
        feature_names = corpus.vectorizer.get_feature_names_out()
    group, reason = choose_grouping(corpus.to_pandas())
    with stages(f"{NEIGHBOURS} nearest neighbours of every article") as note:
        cross_pairs = None
        if n < 2:
            neighbours = _no_neighbours(n)
        elif group is None:
            neighbours = corpus.neighbours(NEIGHBOURS)
        else:  # the same neighbours, found within each group and across: the best pairs across
            indices, scores, cross_pairs = corpus._neighbours_by_group(
                group, NEIGHBOURS, SHOWN_PAIRS
            )
            neighbours = (indices, scores)
        most_similar = _best_pairs(*neighbours, SHOWN_PAIRS)
        if not most_similar.empty:
            note.append(f"best cosine {most_similar.score.iloc[0]:.2f}")
    analysis = Analysis(
        corpus=corpus,
        source=source,
        min_words=min_words,
        top=top,
        lengths=lengths,
        top_columns=top_columns,
        feature_names=feature_names,
        neighbours=neighbours,
        most_similar=most_similar,
        duplicates=None,
        passages=None,
        group=group,
        group_reason=reason,
        cross_pairs=cross_pairs,
        max_pairs=max_pairs,
    )
    if group is not None:
        with stages(f"mean similarity between groups of {group!r}") as note:
            analysis.group_similarity = corpus.group_similarity(group)
            note.append(f"{len(analysis.group_similarity)} groups")
    with stages("near-duplicates (MinHash LSH)") as note:
        # One index serves both: its candidates at a low Jaccard are verified exactly, so the
        # near-duplicates are those at DUPLICATE_JACCARD or more, and beyond ALL_PAIRS_ARTICLES
        # all of them are the pairs compared for shared passages.
        index = NearDuplicates(threshold=PASSAGE_CANDIDATE_JACCARD, shingle_size=5)
        candidates, analysis.pairs_truncated = (
            index.fit(texts)._pairs(max_pairs) if n > 1 else (_no_pairs(), False)
        )
        duplicates = candidates[candidates.jaccard >= DUPLICATE_JACCARD]
        analysis.duplicates = duplicates.sort_values(
            ["jaccard", "i", "j"], ascending=[False, True, True]
        ).reset_index(drop=True)
        note.append(f"{len(duplicates):,} pairs, {len(candidates):,} candidate pairs")
        if analysis.pairs_truncated:
            note.append(f"more than {max_pairs:,} candidate pairs: the first kept")
    with stages(f"shared passages of {min_words}+ words") as note:
        pairs = None if n <= ALL_PAIRS_ARTICLES else candidates[["i", "j"]]
        analysis.passages = corpus.shared_passages(min_words=min_words, pairs=pairs)
        note.append(f"{len(analysis.passages):,} passages")
    if group is not None:
        with stages(f"distinctive terms per {group}"):
            analysis.distinctive = corpus.distinctive_terms(by=group, top=top)
    with stages("spellings of the terms shown") as note:
        shown = {feature_names[c] for columns, _ in top_columns for c in columns}
        if analysis.distinctive is not None:
            shown.update(analysis.distinctive.term)
        analysis.spellings = corpus.spellings(sorted(shown))
        note.append(f"{len(shown):,} terms")
    with stages("stories") as note:
        _find_stories(analysis)
        note.append(f"{len(analysis.stories):,} stories")
    with stages("figures"):
        if 1 < n <= HEATMAP_ARTICLES:
            from khabar.similarity import cosine_similarity

            labels = [_short(t, 22) for t in analysis.titles]
            figure = similarity_heatmap(cosine_similarity(corpus.matrix), labels)
            analysis.heatmap = base64.b64encode(to_png(figure)).decode()
        if group is not None:
            table = analysis.group_similarity
            figure = similarity_heatmap(
                table.to_numpy(), [_short(str(g), 22) for g in table.index], diagonal=True
            )
            analysis.group_heatmap = base64.b64encode(to_png(figure)).decode()
    return analysis


def _no_neighbours(n: int) -> tuple[np.ndarray, np.ndarray]:
    return np.full((n, 1), -1, dtype=np.int64), np.full((n, 1), np.nan)


def _no_pairs() -> Any:
    import pandas as pd

    return pd.DataFrame({"i": [], "j": [], "jaccard": []}).astype(
        {"i": np.int64, "j": np.int64, "jaccard": float}
    )


def _best_pairs(indices: np.ndarray, scores: np.ndarray, n: int) -> Any:
    """The ``n`` most similar distinct pairs among every article's nearest neighbours: the
    best pairs overall, except that an article with more than k neighbours scoring higher
    contributes only its k best."""
    import pandas as pd

    kept = indices >= 0
    i = np.broadcast_to(np.arange(len(indices))[:, None], indices.shape)[kept]
    j = indices[kept]
    pairs = pd.DataFrame({"i": np.minimum(i, j), "j": np.maximum(i, j), "score": scores[kept]})
    pairs = pairs.sort_values(["score", "i", "j"], ascending=[False, True, True])
    return pairs.drop_duplicates(["i", "j"]).head(n).reset_index(drop=True)


# --- HTML -------------------------------------------------------------------------------------


def _e(text: Any) -> str:
    return html.escape(displayable(str(text)))


def _short(text: str, width: int) -> str:
    """``text`` cut at a word boundary to at most ``width`` characters (with "…")."""
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    cut = text[: width - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > width // 2 else cut).rstrip() + "…"


def _table(headers: list[str], rows: list[list[str]], rtl: frozenset[int] = frozenset()) -> str:
    """A table of cells already in HTML."""
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = "".join(
        "<tr>"
        + "".join(f"<td class='{'ar' if k in rtl else ''}'>{v}</td>" for k, v in enumerate(row))
        + "</tr>"
        for row in rows
    )
    return f"<table><tr>{head}</tr>{body}</table>"


def _article(a: Analysis, i: int, width: int = 60) -> str:
    """Article ``i`` named by its title (cut at a word), its id as the tooltip, linked to its
    row in the article list."""
    title = a.titles[i] or a.ids[i]
    return f"<a href='#a{i}' title='{_e(a.ids[i])}' dir='rtl'>{_e(_short(title, width))}</a>"


def _more(shown: int, total: int, what: str) -> str:
    return f"<p class='muted'>… and {total - shown:,} more {what}.</p>" if total > shown else ""


def in_context(text: str, start: int, end: int, margin: int = 120) -> str:
    """``text[start:end]`` highlighted, with up to ``margin`` characters either side cut at
    word boundaries (an excerpt never starts or ends inside a word)."""
    before_start = max(0, start - margin)
    before = text[before_start:start]
    if before_start > 0 and not text[before_start - 1].isspace():
        space = re.search(r"\s", before)
        before = before[space.end() :] if space else ""
    after_end = min(len(text), end + margin)
    after = text[end:after_end]
    if after_end < len(text) and not text[after_end].isspace():
        spaces = [m.start() for m in re.finditer(r"\s", after)]
        after = after[: spaces[-1]] if spaces else ""
    return (
        ("…" if start - len(before) > 0 else "")
        + _e(before)
        + f"<mark>{_e(text[start:end])}</mark>"
        + _e(after)
        + ("…" if end + len(after) < len(text) else "")
    )


def _image(name: str, png: str, alt: str) -> str:
    return f"<img id='{name}' alt='{_e(alt)}' src='data:image/png;base64,{png}'>"


def _overview(a: Analysis) -> str:
    corpus = a.corpus
    meta = [c for c in corpus.to_pandas().columns if c not in ("id", "title", "text", "path")]
    parts = [
        f"<h1>khabar report</h1><p class='muted'>{_e(a.source)} — khabar {__version__}</p>",
        "<h2>Corpus</h2>",
        f"<p>{len(corpus):,} articles, {int(a.lengths.sum()):,} tokens"
        + (f"; metadata: {_e(', '.join(meta))}" if meta else "; no metadata")
        + (f"; grouped by <b>{_e(a.group)}</b>" if a.group else "")
        + ".</p>",
    ]
    return "".join(parts)


def _input_problems(a: Analysis) -> str:
    if not a.corpus.skipped and not a.corpus.replaced:
        return ""
    parts = ["<h2>Input left out or changed</h2>"]
    for what, entries in (
        ("left out", a.corpus.skipped),
        ("read with U+FFFD replacements", a.corpus.replaced),
    ):
        if entries:
            rows = [[_e(where), _e(reason)] for where, reason in entries[:SHOWN_INPUT_PROBLEMS]]
            parts.append(f"<p>{len(entries):,} {what}:</p>")
            parts.append(_table(["file or line", "reason"], rows))
            parts.append(_more(len(rows), len(entries), "entries"))
    return "".join(parts)


def _weighting(vectorizer: Any) -> str:
    """How the TF-IDF features were made, read off the corpus's vectorizer."""
    steps = []
    if vectorizer.stopwords == "arabic":
        steps.append("Arabic stopwords removed")
    elif vectorizer.stopwords is not None:
        n = len(set(vectorizer.stopwords))
        steps.append(f"{n:,} stopword{'' if n == 1 else 's'} removed")
    if vectorizer.stemmer is not None:
        steps.append(f"words stemmed ({vectorizer.stemmer} stemmer)")
    if vectorizer.sublinear_tf:
        steps.append("log tf")
    return ", ".join(steps)


def _similarity(a: Analysis) -> str:
    weighting = _weighting(a.corpus.vectorizer)
    parts = [
        "<h2>Similarity</h2><p>Cosine similarity of TF-IDF vectors"
        + (f" ({_e(weighting)})" if weighting else "")
        + ".</p>"
    ]
    if a.heatmap:
        parts.append(_image("heatmap", a.heatmap, "similarity heatmap"))
        parts.append(
            "<p class='muted'>The colour scale spans the similarities between different "
            "articles; the diagonal (each article with itself) is left blank.</p>"
        )
    elif len(a.corpus) > HEATMAP_ARTICLES:
        parts.append(
            f"<p class='muted'>No article × article heatmap: {len(a.corpus):,} articles are "
            f"more than {HEATMAP_ARTICLES} (it would be unreadable); the pairs and groups below "
            "stand in for it.</p>"
        )
    if not a.most_similar.empty:
        parts.append(
            "<h3>Most similar pairs</h3><p class='muted'>Among each article's "
            f"{NEIGHBOURS} nearest neighbours.</p>"
        )
        rows = [
            [_article(a, r.i), _article(a, r.j), f"{r.score:.2f}"]
            for r in a.most_similar.itertuples()
        ]
        parts.append(_table(["article", "article", "cosine"], rows, frozenset({0, 1})))
    if a.group is not None:
        parts.append(
            f"<h3>Between groups of {_e(a.group)}</h3><p>Mean cosine similarity of the articles "
            f"of one {_e(a.group)} with those of another (the diagonal: between different "
            "articles of the same one).</p>"
        )
        parts.append(_image("group-heatmap", a.group_heatmap, f"mean similarity per {a.group}"))
        labels = a.corpus.to_pandas()[a.group].astype(str).tolist()
        rows = [
            [_article(a, r.i), _e(labels[r.i]), _article(a, r.j), _e(labels[r.j]), f"{r.score:.2f}"]
            for r in a.cross_pairs.itertuples()
        ]
        parts.append(f"<h3>Most similar pairs across groups of {_e(a.group)}</h3>")
        parts.append(
            _table(
                ["article", a.group, "article", a.group, "cosine"], rows, frozenset({0, 1, 2, 3})
            )
        )
    return "".join(parts)


def truncation_notice(a: Analysis) -> str:
    """What the page and the command line say when the candidate pairs were cut at max_pairs."""
    return (
        f"More than {a.max_pairs:,} pairs of articles share at least "
        f"{PASSAGE_CANDIDATE_JACCARD:.0%} of their 5-word shingles (Jaccard ≥ "
        f"{PASSAGE_CANDIDATE_JACCARD}); only the first {a.max_pairs:,}, in article order, were "
        "kept, so near-duplicates"
        + (" and shared passages" if len(a.corpus) > ALL_PAIRS_ARTICLES else "")
        + " of the later articles are missing. For all of them, run khabar analyze again with "
        "a larger --max-pairs (each pair kept costs about 60 bytes of memory), or remove exact "
        "copies first."
    )


def _truncated(a: Analysis) -> str:
    if not a.pairs_truncated:
        return ""
    return f"<p class='truncated'><b>Incomplete:</b> {_e(truncation_notice(a))}</p>"


def _near_duplicates(a: Analysis) -> str:
    parts = ["<h2>Near-duplicates</h2>", _truncated(a)]
    if a.duplicates.empty:
        parts.append(
            "<p>No pair of articles shares half or more of its 5-word shingles "
            f"(Jaccard ≥ {DUPLICATE_JACCARD}).</p>"
        )
        return "".join(parts)
    parts.append(
        f"<p>{len(a.duplicates):,} pairs share half or more of their 5-word shingles "
        f"(Jaccard ≥ {DUPLICATE_JACCARD}).</p>"
    )
    shown = a.duplicates.head(SHOWN_DUPLICATES)
    rows = [[_article(a, r.i), _article(a, r.j), f"{r.jaccard:.2f}"] for r in shown.itertuples()]
    parts.append(_table(["article", "article", "Jaccard"], rows, frozenset({0, 1})))
    parts.append(_more(len(shown), len(a.duplicates), "pairs"))
    return "".join(parts)


def _shared_passages(a: Analysis) -> str:
    passages = a.passages
    parts = [
        f"<h2>Shared passages</h2><p>Runs of at least {a.min_words} identical words (after "
        "normalization) found in two articles, highlighted as each outlet wrote them"
        + (
            f"; compared: the candidate pairs of MinHash LSH at Jaccard "
            f"{PASSAGE_CANDIDATE_JACCARD} (more than {ALL_PAIRS_ARTICLES} articles)"
            if len(a.corpus) > ALL_PAIRS_ARTICLES
            else "; every pair of articles compared"
        )
        + ".</p>"
    ]
    if len(a.corpus) > ALL_PAIRS_ARTICLES:
        parts.append(_truncated(a))
    if passages.empty:
        parts.append("<p>None.</p>")
        return "".join(parts)
    parts.append(
        f"<p>{len(passages):,} passages in {passages[['i', 'j']].drop_duplicates().shape[0]:,} "
        "pairs of articles, the longest first.</p>"
    )
    texts = a.texts
    shown = passages.sort_values(["n_words", "i", "j"], ascending=[False, True, True])
    for r in shown.head(SHOWN_PASSAGES).itertuples():
        parts.append(f"<p>{_article(a, r.i)} and {_article(a, r.j)}: {r.n_words} words</p>")
        parts.append(
            "<div class='passage'>"
            f"<div>{in_context(texts[r.i], r.i_start, r.i_end)}</div>"
            f"<div>{in_context(texts[r.j], r.j_start, r.j_end)}</div></div>"
        )
    parts.append(_more(min(SHOWN_PASSAGES, len(passages)), len(passages), "passages"))
    return "".join(parts)


def _distinctive_terms(a: Analysis) -> str:
    if a.group is None:
        return (
            "<h2>Distinctive terms</h2><p class='muted'>Left out: terms distinctive of a group "
            f"need groups to compare, and {_e(a.group_reason)}. The top terms of each article "
            "are in the list of articles.</p>"
        )
    parts = [
        f"<h2>Distinctive terms per {_e(a.group)}</h2><p>Weighted log-odds with an informative "
        "Dirichlet prior (Monroe, Colaresi &amp; Quinn 2008), z-scores.</p>"
    ]
    rows = [
        [
            _e(g),
            _e("، ".join(f"{a.spelled(t)} ({z:.1f})" for t, z in zip(d.term, d.z, strict=True))),
        ]
        for g, d in a.distinctive.groupby("group", sort=True)
    ]
    parts.append(_table([a.group, "over-represented terms (z)"], rows, frozenset({1})))
    return "".join(parts)


def _articles(a: Analysis) -> str:
    corpus, (indices, scores) = a.corpus, a.neighbours
    rows = []
    for i in range(len(corpus)):
        near = "; ".join(
            f"{_article(a, int(j), 40)} ({s:.2f})"
            for j, s in zip(indices[i], scores[i], strict=True)
            if j >= 0
        )
        title = a.titles[i] or a.ids[i]
        rows.append(
            [
                f"<span id='a{i}'>{i}</span>",
                f"<span title='{_e(a.ids[i])}'>{_e(title)}</span>",
                f"{int(a.lengths[i]):,}",
                _e("، ".join(a.top_terms(i))),
                near,
            ]
        )
    headers = ["#", "title (id on hover)", "tokens", f"top {a.top} TF-IDF terms", "most similar"]
    table = _table(headers, rows, frozenset({1, 3, 4}))
    if len(corpus) <= OPEN_ARTICLES:
        return f"<h2>Articles</h2>{table}"
    return (
        f"<h2>Articles</h2><details><summary>All {len(corpus):,} articles: title, tokens, top "
        f"terms, nearest neighbours</summary>{table}</details>"
    )


# --- stories (issue 19) ------------------------------------------------------------------------

#: Stories listed, and the largest of them (up to COPIES_MAX_ARTICLES articles, as the
#: comparison is per pair) whose copies are looked for.
SHOWN_STORIES = 15
COPIES_STORIES = 5
COPIES_MAX_ARTICLES = 30


def _find_stories(a: Analysis) -> None:
    """Stories in date order with a 3-day window when every article has a date, else one pass
    in corpus order without a window; the copies inside the largest; the timeline."""
    import pandas as pd

    from khabar.plots import to_png

    corpus = a.corpus
    frame = corpus.to_pandas()
    dated = "date" in frame and frame["date"].notna().all()
    try:
        a.stories = corpus.stories() if dated else corpus.stories(window_days=None)
    except ValueError:  # dates that do not parse: no window
        a.stories = corpus.stories(window_days=None)
    summary = a.stories.summary()
    several = summary[summary["articles"] >= 2]
    shown = several.head(SHOWN_STORIES)
    terms = {t: t for label in shown["label"] for t in label.split("، ")}
    spelled = corpus.spellings(sorted(terms)) if terms else {}
    a.story_labels = {
        int(r.story): "، ".join(spelled.get(t, t) for t in r.label.split("، "))
        for r in shown.itertuples()
    }
    chosen = several[several["articles"] <= COPIES_MAX_ARTICLES].head(COPIES_STORIES)
    copies = [a.stories.provenance(int(s)) for s in chosen["story"]]
    a.story_copies = (
        pd.concat(copies, ignore_index=True) if copies else a.stories.provenance(0).iloc[:0]
    )
    if a.stories._dates is not None and not several.empty:
        a.timeline = base64.b64encode(
            to_png(a.stories.plot_timeline(top=SHOWN_STORIES, labels=a.story_labels))
        ).decode()


def _stories(a: Analysis) -> str:
    stories = a.stories
    if stories is None:
        return ""
    dated = stories._dates is not None and stories.params["window_days"] is not None
    summary = stories.summary()
    several = summary[summary["articles"] >= 2]
    parts = [
        "<h2>Stories</h2>",
        f"<p>{len(several):,} stories of two or more articles ({len(stories):,} in all). Each "
        "article, "
        + (
            f"in date order, joins the best matching story with an article of the last "
            f"{stories.params['window_days']} days"
            if dated
            else "in corpus order (no dates, no window), joins the best matching story"
        )
        + " (cosine with the story's TF-IDF centroid and the names they share), or opens a new "
        "one.</p>",
    ]
    if several.empty:
        return "".join(parts)
    if a.timeline:
        parts.append(_image("timeline", a.timeline, "stories × days × outlets"))
    rows = [
        [
            str(r.story),
            str(r.articles),
            _e(r.sources),
            _e("" if r.first is None else str(r.first)[:16]),
            _e(r.first_publisher or ""),
            _e(a.story_labels.get(int(r.story), r.label)),
            _article(a, int(r.representative)),
        ]
        for r in several.head(SHOWN_STORIES).itertuples()
    ]
    parts.append(
        _table(
            ["story", "articles", "sources", "first", "first publisher", "label", "representative"],
            rows,
            frozenset({2, 4, 5, 6}),
        )
    )
    parts.append(_more(len(rows), len(several), "stories"))
    copies = a.story_copies
    if copies is not None and not copies.empty:
        parts.append(
            "<h3>Copies inside stories</h3><p>Later articles sharing passages of 8 or more words "
            "with an earlier one of the same story; containment is the share of the later "
            "article's words found in the earlier one (a copy from 0.8).</p>"
        )
        rows = [
            [
                str(r.story),
                _article(a, int(r.earlier)),
                _article(a, int(r.later)),
                str(r.shared_words),
                f"{r.containment:.2f}",
                _e(r.kind),
                _e(r.later_agencies),
            ]
            for r in copies.itertuples()
        ]
        parts.append(
            _table(
                [
                    "story",
                    "earlier",
                    "later",
                    "shared words",
                    "containment",
                    "kind",
                    "agencies credited by the later",
                ],
                rows,
                frozenset({1, 2, 6}),
            )
        )
    return "".join(parts)


#: The report's sections in page order, each a function of the Analysis returning HTML ("" to
#: leave it out).
SECTIONS: list[Callable[[Analysis], str]] = [
    _overview,
    _input_problems,
    _similarity,
    _stories,
    _near_duplicates,
    _shared_passages,
    _distinctive_terms,
    _articles,
]


def render(a: Analysis) -> str:
    body = "".join(section(a) for section in SECTIONS)
    return (
        "<!DOCTYPE html><html lang='ar'><head><meta charset='utf-8'><title>khabar report</title>"
        f"<style>{_STYLE}</style></head><body dir='ltr'>{body}</body></html>"
    )


def summary_of(a: Analysis) -> dict[str, Any]:
    """The findings in a few numbers (what the command line prints)."""
    corpus = a.corpus
    best = a.most_similar.iloc[0] if not a.most_similar.empty else None
    return {
        "articles": len(corpus),
        "tokens": int(a.lengths.sum()),
        "most_similar": (
            (a.ids[int(best.i)], a.ids[int(best.j)], float(best.score))
            if best is not None
            else None
        ),
        "shared_passages": len(a.passages),
        "longest_passage": int(a.passages["n_words"].max()) if not a.passages.empty else 0,
        "near_duplicates": len(a.duplicates),
        "pairs_truncated": truncation_notice(a) if a.pairs_truncated else None,
        "group": a.group,
        "skipped": len(corpus.skipped),
        "replaced": len(corpus.replaced),
        "top_terms": {a.ids[i]: a.top_terms(i, 5) for i in range(len(corpus))},
    }


def build_report(
    corpus: Corpus,
    source: str = "",
    min_words: int = 8,
    top: int = 10,
    stages: Stages | None = None,
    max_pairs: int = DEFAULT_MAX_PAIRS,
) -> tuple[str, dict[str, Any]]:
    """The report's HTML and a summary of its findings (for the command line)."""
    stages = stages or Stages(quiet=True)
    analysis = analyze(
        corpus, source=source, min_words=min_words, top=top, stages=stages, max_pairs=max_pairs
    )
    with stages("html"):
        page = render(analysis)
    return page, summary_of(analysis)


def write_report(
    corpus: Corpus, out: str | Path, source: str = "", stages: Stages | None = None
) -> dict[str, Any]:
    page, summary = build_report(corpus, source=source, stages=stages)
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    summary["bytes"] = path.stat().st_size
    return summary
