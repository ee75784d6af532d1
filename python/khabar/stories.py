"""Stories: articles about the same event grouped across outlets and days, with who reported
first and who copied whom."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

from khabar import _core
from khabar.passages import shared_passages
from khabar.similarity import _csr_arrays
from khabar.tokenizer import Tokenizer

SECONDS_PER_DAY = 86400.0

# Arabic letters (and the tatweel): an agency name counts only as a whole word.
_LETTER = "\u0621-\u064a\u0671-\u06d3\u0640"
_ALONE_BEFORE, _ALONE_AFTER = f"(?<![{_LETTER}])", f"(?![{_LETTER}])"
_HARAKAT = "[\u064b-\u0652]*"


def _word(letters: str) -> str:
    """A pattern for a word written with optional diacritics between its letters."""
    return _HARAKAT.join(re.escape(letter) for letter in letters)


#: Agency credits as outlets print them: the agency and the patterns of its credit line.
AGENCIES: dict[str, re.Pattern[str]] = {
    name: re.compile(_ALONE_BEFORE + f"(?:{pattern})" + _ALONE_AFTER)
    for name, pattern in {
        # "أ ف ب", "(أ.ف.ب)", "ا ف ب" and the spelled-out name
        "أ ف ب": r"[أا][\s.]+ف[\s.]+ب|فرانس[\s-]*برس",
        "رويترز": _word("رويترز"),
        "سانا": _word("سانا"),
        "واس": _word("واس"),
        "وام": _word("وام"),
        "الأناضول": "(?:" + _word("الأناضول") + "|" + _word("الاناضول") + ")",
        "وكالات": _word("وكالات"),
    }.items()
}


def agency_credits(text: str) -> list[str]:
    """The agencies credited in ``text`` (names of :data:`AGENCIES`, in that order).

    >>> agency_credits("موسكو (أ ف ب، رويترز) - استقبل بوتين الأسد")
    ['أ ف ب', 'رويترز']
    >>> agency_credits("قالت وكالة سانا الرسمية"), agency_credits("حسانا")
    (['سانا'], [])
    """
    return [name for name, pattern in AGENCIES.items() if pattern.search(text)]


def name_columns(
    feature_names: Sequence[str], document_frequency: np.ndarray, n_documents: int
) -> np.ndarray:
    """Columns of a TF-IDF vocabulary that look like proper names, by a rule Arabic
    orthography allows without a tagger: a name (بوتين، سوريا، ترامب) never takes the article
    ال, and a name written with it (الأسد، السيسي، القاهره) is rarely seen without it, while a
    common noun is seen both ways (حكومه / الحكومه). So a term of three letters or more is a name
    when it has no digit or Latin letter, appears in at least 2 articles and at most 5% of
    them (frequent verbs like اعلن also never take ال), and either does not start with ال and
    ال + term is not in the vocabulary, or starts with ال and the rest is not.

    >>> names = ["بوتين", "الحكومه", "حكومه", "الاسد", "سوتشي"]
    >>> name_columns(names, np.array([2, 3, 2, 4, 1]), 100).tolist()
    [0, 3]
    """
    import pandas as pd

    terms = pd.Series(list(feature_names), dtype=object)
    frequency = np.asarray(document_frequency)
    limit = max(2, int(0.05 * n_documents))
    definite = terms.str.startswith("ال").to_numpy()
    plain = ~terms.str.contains(r"[0-9a-z]", regex=True).to_numpy()
    lengths = terms.str.len().to_numpy()
    with_article = ("ال" + terms).isin(terms).to_numpy()
    without_article = terms.str.slice(2).isin(terms).to_numpy()
    chosen = (
        (lengths >= 3)
        & (frequency >= 2)
        & (frequency <= limit)
        & plain
        & np.where(definite, (lengths >= 5) & ~without_article, ~with_article)
    )
    return np.flatnonzero(chosen).astype(np.int64)


def _empty_like(X: sp.csr_matrix) -> sp.csr_matrix:
    return sp.csr_matrix((0, X.shape[1]), dtype=np.float64)


@dataclass(frozen=True)
class StoryWindow:
    """The articles of a stream still inside the window after a batch, with their stories: what
    :func:`assign_stories` needs to continue the stream with the next batch."""

    terms: sp.csr_matrix
    names: sp.csr_matrix
    times: np.ndarray
    stories: np.ndarray
    next_story: int


def assign_stories(
    X: Any,
    times: np.ndarray,
    names: Any = None,
    *,
    window_days: float | None = 3,
    threshold: float = 0.3,
    name_weight: float = 0.3,
    size_penalty: float = 0.0,
    candidates: int = 10,
    earlier: StoryWindow | None = None,
    n_threads: int = 0,
) -> tuple[np.ndarray, np.ndarray, StoryWindow]:
    """Stories of articles in date order (rows of the TF-IDF matrix ``X``, ``times`` in seconds,
    non-decreasing), clustered in one pass by the C++ core: see :class:`Stories` for the
    score. ``names`` is an articles × names matrix of weights (None: no names). ``earlier``
    continues a stream: the StoryWindow returned for the previous batch.

    Returns (story per article, score with which it joined or nan, the StoryWindow after it).

    >>> X = sp.csr_matrix(np.array([[1.0, 0], [1, 1], [0, 1]]))
    >>> stories, scores, _ = assign_stories(X, np.array([0.0, 3600, 7200]), threshold=0.5)
    >>> stories.tolist(), scores.round(3).tolist()
    ([0, 0, 1], [nan, 0.707, nan])
    """
    if window_days is not None and not (isinstance(window_days, (int, float)) and window_days >= 0):
        raise ValueError(f"window_days must be a number >= 0 or None, got {window_days!r}")
    if not isinstance(candidates, (int, np.integer)) or candidates < 1:
        raise ValueError(f"candidates must be a positive int, got {candidates!r}")
    terms = sp.csr_matrix(X, dtype=np.float64)
    times = np.ascontiguousarray(times, dtype=np.float64)
    if times.shape != (terms.shape[0],):
        raise ValueError(f"{terms.shape[0]} articles but times of shape {times.shape}")
    names = (
        sp.csr_matrix((terms.shape[0], 0), dtype=np.float64)
        if names is None
        else sp.csr_matrix(names, dtype=np.float64)
    )
    window = np.inf if window_days is None else float(window_days) * SECONDS_PER_DAY
    if earlier is None:
        earlier = StoryWindow(
            _empty_like(terms), _empty_like(names), np.empty(0), np.empty(0, np.int64), 0
        )
    story, score, next_story = _core.assign_stories(
        _csr_arrays(earlier.terms, "earlier terms"),
        _csr_arrays(earlier.names, "earlier names"),
        earlier.times,
        earlier.stories,
        _csr_arrays(terms, "X"),
        _csr_arrays(names, "names"),
        times,
        int(earlier.next_story),
        float(threshold),
        window,
        float(name_weight),
        float(size_penalty),
        int(candidates),
        int(n_threads),
    )
    all_times = np.concatenate([earlier.times, times])
    keep = (
        np.flatnonzero(all_times >= all_times[-1] - window)
        if len(all_times)
        else np.empty(0, np.int64)
    )
    after = StoryWindow(
        sp.vstack([earlier.terms, terms], format="csr")[keep],
        sp.vstack([earlier.names, names], format="csr")[keep],
        all_times[keep],
        np.concatenate([earlier.stories, story])[keep],
        int(next_story),
    )
    return story, score, after


@dataclass(frozen=True)
class Story:
    """One story: its articles (corpus row numbers, in date order) and what a reader asks first."""

    story: int
    articles: list[int]
    ids: list[str]
    outlets: list[str]
    first: Any
    last: Any
    first_publisher: str | None
    label: str
    representative: int


class Stories:
    """Articles grouped into stories: the result of :meth:`khabar.Corpus.stories`.

    Articles are visited in date order; each joins the best-scoring story still open (one of
    whose articles is at most ``window_days`` older), if the score reaches
    ``threshold + size_penalty * ln(n)``, n the story's articles inside the window, else it opens
    a story (the penalty keeps a story that runs for weeks, a war or a tournament, from
    gathering every article near its broad centroid). The score of an article with a story is
    ``(1 - name_weight) * cosine(article, centroid) + name_weight * shared names``: the
    centroid is the sum of the TF-IDF rows of the story's articles inside the window, and
    shared names is the idf weight of the article's names (:func:`name_columns`) that the
    story's articles also mention, over the weight of all its names.

    ``stories.labels_`` holds the story of every article (corpus order), ``len(stories)`` the
    number of stories, ``stories[s]`` a :class:`Story`, ``summary()`` one row per story and
    ``to_pandas()`` one row per article.
    """

    def __init__(
        self,
        corpus: Any,
        labels: np.ndarray,
        scores: np.ndarray,
        order: np.ndarray,
        dates: Any,
        outlets: list[str] | None,
        params: dict[str, Any],
    ) -> None:
        self._corpus = corpus
        self.labels_ = labels
        self.scores_ = scores
        #: Corpus rows in the order they were clustered (date order).
        self.order_ = order
        self._dates = dates
        self._outlets = outlets
        self.params = params
        self._summary: Any = None

    def __len__(self) -> int:
        return int(self.labels_.max()) + 1 if len(self.labels_) else 0

    def __repr__(self) -> str:
        return f"Stories({len(self)} stories of {len(self.labels_)} articles)"

    def _members(self) -> list[list[int]]:
        """The corpus rows of each story, in date order."""
        members: list[list[int]] = [[] for _ in range(len(self))]
        for row in self.order_:
            members[self.labels_[row]].append(int(row))
        return members

    def _centroids(self) -> sp.csr_matrix:
        X = self._corpus.matrix
        n = len(self.labels_)
        membership = sp.csr_matrix((np.ones(n), (self.labels_, np.arange(n))), shape=(len(self), n))
        return (membership @ X).tocsr()

    def summary(self, label_terms: int = 4) -> Any:
        """One row per story, largest first: story, articles, outlets, sources, first, last,
        first_publisher, first_id, label (the heaviest terms of its centroid), representative
        (the corpus row of the article closest to the centroid), representative_id,
        representative_title."""
        import pandas as pd

        if self._summary is not None and self._summary[0] == label_terms:
            return self._summary[1].copy()
        X = self._corpus.matrix
        centroids = self._centroids()
        names = self._corpus.vectorizer.get_feature_names_out()
        # cosine of each article with its story's centroid, for the representative article
        norms = np.sqrt(np.asarray(centroids.multiply(centroids).sum(axis=1)).ravel())
        closeness = np.asarray(X.multiply(centroids[self.labels_]).sum(axis=1)).ravel()
        closeness = closeness / np.where(norms[self.labels_] > 0, norms[self.labels_], 1.0)
        ids, titles = self._corpus.ids, self._corpus.titles
        rows = []
        for story, members in enumerate(self._members()):
            start, end = centroids.indptr[story], centroids.indptr[story + 1]
            weights, columns = centroids.data[start:end], centroids.indices[start:end]
            top = np.lexsort((columns, -weights))[:label_terms]
            label = "، ".join(names[columns[k]] for k in top)
            representative = max(members, key=lambda r: (closeness[r], -r))
            sources = [] if self._outlets is None else [self._outlets[r] for r in members]
            first, last = members[0], members[-1]
            rows.append(
                (
                    story,
                    len(members),
                    len(set(sources)),
                    "، ".join(dict.fromkeys(sources)),
                    self._dates[first] if self._dates is not None else None,
                    self._dates[last] if self._dates is not None else None,
                    sources[0] if sources else None,
                    ids[first],
                    label,
                    representative,
                    ids[representative],
                    titles[representative],
                )
            )
        frame = pd.DataFrame(
            rows,
            columns=[
                "story",
                "articles",
                "outlets",
                "sources",
                "first",
                "last",
                "first_publisher",
                "first_id",
                "label",
                "representative",
                "representative_id",
                "representative_title",
            ],
        )
        frame = frame.sort_values(["articles", "story"], ascending=[False, True])
        frame = frame.reset_index(drop=True)
        self._summary = (label_terms, frame)
        return frame.copy()

    def __getitem__(self, story: int) -> Story:
        if not isinstance(story, (int, np.integer)) or not 0 <= story < len(self):
            raise IndexError(f"no story {story!r}; there are {len(self)}")
        row = self.summary().set_index("story").loc[int(story)]
        members = self._members()[int(story)]
        return Story(
            story=int(story),
            articles=members,
            ids=[self._corpus.ids[r] for r in members],
            outlets=[] if self._outlets is None else [self._outlets[r] for r in members],
            first=row["first"],
            last=row["last"],
            first_publisher=row["first_publisher"],
            label=row["label"],
            representative=int(row["representative"]),
        )

    def to_pandas(self) -> Any:
        """One row per article (corpus order): index (corpus row), story, id, title, source and
        date when the corpus has them, score (with which it joined its story; nan for the
        article that opened it), story_size, and agencies (credits read from the text, "، "
        between them)."""
        import pandas as pd

        sizes = np.bincount(self.labels_, minlength=len(self))
        frame = pd.DataFrame(
            {
                "index": np.arange(len(self.labels_)),
                "story": self.labels_,
                "id": self._corpus.ids,
                "title": self._corpus.titles,
            }
        )
        if self._outlets is not None:
            frame["source"] = self._outlets
        if self._dates is not None:
            frame["date"] = self._dates
        frame["score"] = self.scores_
        frame["story_size"] = sizes[self.labels_]
        frame["agencies"] = ["، ".join(agency_credits(t)) for t in self._corpus.texts]
        return frame

    def provenance(self, story: int, min_words: int = 8, copy_containment: float = 0.8) -> Any:
        """Who copied whom inside a story: every pair of its articles (earlier, later, by date)
        sharing passages of at least ``min_words`` words, with containment = the share of the
        later article's words that lie in passages found in the earlier one. A pair is a
        "copy" from ``copy_containment`` on, else a "partial copy". Rows ordered by the later
        article's time, then the earlier's; agencies are the credits read from each text.
        Costs one shared-passage comparison per pair of the story's articles."""
        import pandas as pd

        members = self[story].articles
        texts, ids = self._corpus.texts, self._corpus.ids
        tokenizer = Tokenizer()
        lengths = tokenizer.count_tokens([texts[r] for r in members])
        rows = []
        for b_rank, later in enumerate(members):
            if lengths[b_rank] == 0:
                continue
            for earlier in members[:b_rank]:
                passages = shared_passages(
                    texts[earlier], texts[later], min_words=min_words, tokenizer=tokenizer
                )
                if not passages:
                    continue
                covered = _covered_words(texts[later], passages, tokenizer)
                containment = covered / int(lengths[b_rank])
                rows.append(
                    (
                        int(story),
                        earlier,
                        later,
                        ids[earlier],
                        ids[later],
                        self._outlet(earlier),
                        self._outlet(later),
                        self._date(earlier),
                        self._date(later),
                        len(passages),
                        covered,
                        containment,
                        "copy" if containment >= copy_containment else "partial copy",
                        "، ".join(agency_credits(texts[earlier])),
                        "، ".join(agency_credits(texts[later])),
                    )
                )
        columns = [
            "story",
            "earlier",
            "later",
            "earlier_id",
            "later_id",
            "earlier_source",
            "later_source",
            "earlier_date",
            "later_date",
            "passages",
            "shared_words",
            "containment",
            "kind",
            "earlier_agencies",
            "later_agencies",
        ]
        return pd.DataFrame(rows, columns=columns)

    def _outlet(self, row: int) -> str | None:
        return None if self._outlets is None else self._outlets[row]

    def _date(self, row: int) -> Any:
        return None if self._dates is None else self._dates[row]

    def plot_timeline(
        self, top: int = 15, min_articles: int = 2, labels: dict[int, str] | None = None
    ) -> Any:
        """The ``top`` largest stories (with at least ``min_articles`` articles) × days ×
        outlets: one row per story, a marker per outlet and day sized by its articles. Rows are
        labelled by the story's label, or by ``labels[story]`` when given."""
        from khabar.plots import story_timeline

        if self._dates is None:
            raise ValueError("a timeline needs dates: the corpus has no date column")
        table = self.to_pandas()
        chosen = self.summary()
        chosen = chosen[chosen["articles"] >= min_articles].head(top)
        table = table[table["story"].isin(chosen["story"])]
        if self._outlets is None:
            table = table.assign(source="")
        shown = [
            (labels or {}).get(int(story), label)
            for story, label in zip(chosen["story"], chosen["label"], strict=True)
        ]
        return story_timeline(table[["story", "date", "source"]], chosen["story"].tolist(), shown)

    def _repr_html_(self) -> str:
        import html

        head = self.summary().head(10)
        body = "".join(
            f"<tr><td>{r.story}</td><td>{r.articles}</td><td>{html.escape(str(r.sources))}</td>"
            f"<td>{html.escape(str(r.first))}</td><td>{html.escape(str(r.first_publisher))}</td>"
            f"<td dir='rtl'>{html.escape(r.label)}</td></tr>"
            for r in head.itertuples()
        )
        return (
            f"<div><b>khabar.Stories</b>: {len(self)} stories of {len(self.labels_)} articles"
            "<table><tr><th>story</th><th>articles</th><th>sources</th><th>first</th>"
            f"<th>first publisher</th><th>label</th></tr>{body}</table></div>"
        )


def _covered_words(text: str, passages: Iterable[Any], tokenizer: Tokenizer) -> int:
    """Words of ``text`` inside the union of the passages' spans in it (the ``b`` side)."""
    spans = sorted((p.b_start, p.b_end) for p in passages)
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    pieces = [text[start:end] for start, end in merged]
    return int(tokenizer.count_tokens(pieces).sum())
