"""Corpus: the notebook-facing object for a collection of articles."""

from __future__ import annotations

import html
import json
import os
from collections.abc import Iterable
from itertools import combinations
from pathlib import Path
from typing import Any

import numpy as np

from khabar.distinctive import distinctive_terms
from khabar.near_duplicates import NearDuplicates
from khabar.passages import shared_passages
from khabar.search import BM25
from khabar.similarity import cosine_similarity, top_k_similar
from khabar.tokenizer import _SURROGATE, Tokenizer
from khabar.vectorizers import TfidfVectorizer

#: TF-IDF settings for reading articles: Arabic stopwords out, khabar's stemmer (names kept
#: whole; better than light10 and none on ANT kNN and BM25, see bench/stemming_eval.py),
#: one-letter tokens out, log tf.
DEFAULT_TFIDF = {"stopwords": "arabic", "stemmer": "khabar", "min_length": 2, "sublinear_tf": True}
#: BM25 settings of Corpus.search.
DEFAULT_BM25 = {"stopwords": "arabic", "stemmer": "khabar"}


def _check_errors(errors: str, allowed: tuple[str, ...]) -> None:
    if errors not in allowed:
        raise ValueError(f"errors must be one of {allowed}, got {errors!r}")


def _decode(raw: bytes, errors: str) -> tuple[str, str | None]:
    """UTF-8 text of ``raw`` and what was wrong with it (None when it is valid); with
    ``errors="replace"`` ill-formed bytes become U+FFFD, otherwise the text is empty."""
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as error:
        problem = f"invalid UTF-8 (byte 0x{raw[error.start]:02x}) at byte offset {error.start}"
        return (raw.decode("utf-8", "replace") if errors == "replace" else ""), problem


class Corpus:
    """Articles with their metadata (a pandas DataFrame with at least id, title and text), and
    the analyses a media researcher runs on them.

    >>> corpus = Corpus.from_records([
    ...     {"id": "a", "text": "بوتين يستقبل الأسد في سوتشي"},
    ...     {"id": "b", "text": "الأسد يلتقي بوتين في سوتشي"},
    ... ])
    >>> len(corpus), corpus.titles
    (2, ['بوتين يستقبل الأسد في سوتشي', 'الأسد يلتقي بوتين في سوتشي'])
    """

    def __init__(
        self,
        frame: Any,
        skipped: list[tuple[str, str]] | None = None,
        replaced: list[tuple[str, str]] | None = None,
    ) -> None:
        missing = {"id", "title", "text"} - set(frame.columns)
        if missing:
            raise ValueError(
                f"a Corpus frame needs the columns id, title and text; missing {sorted(missing)}"
            )
        self._frame = frame.reset_index(drop=True)
        #: (source, reason) of every file or line a loader left out.
        self.skipped = skipped or []
        #: (source, reason) of every file or line read with U+FFFD replacements.
        self.replaced = replaced or []
        self._vectorizer: TfidfVectorizer | None = None
        self._matrix: Any = None
        self._bm25: BM25 | None = None
        self._bm25_settings: dict[str, Any] = {}

    # --- loading ---------------------------------------------------------------------------

    @classmethod
    def from_records(cls, records: Iterable[dict[str, Any]], text: str = "text") -> Corpus:
        import pandas as pd

        return cls.from_pandas(pd.DataFrame(list(records)), text=text)

    @classmethod
    def from_pandas(
        cls, df: Any, text: str = "text", id: str | None = None, title: str | None = None
    ) -> Corpus:
        """Articles from a DataFrame; other columns are kept as metadata (source, date…)."""
        if text not in df.columns:
            raise ValueError(f"no text column {text!r} in {list(df.columns)}")
        frame = df.copy()
        frame["text"] = frame[text]
        bad = [i for i, t in enumerate(frame["text"]) if not isinstance(t, str)]
        if bad:
            raise TypeError(
                f"document {bad[0]}: text must be str, got {type(frame['text'][bad[0]]).__name__}"
            )
        frame["id"] = (
            frame[id].astype(str)
            if id
            else (frame["id"].astype(str) if "id" in frame else [str(i) for i in range(len(frame))])
        )
        if title and title in frame:
            frame["title"] = frame[title]
        elif "title" not in frame:
            frame["title"] = [_first_line(t) for t in frame["text"]]
        return cls(frame)

    @classmethod
    def from_dir(
        cls,
        path: str | os.PathLike[str],
        pattern: str = "*.txt",
        errors: str = "strict",
        recursive: bool = False,
    ) -> Corpus:
        """One article per file (sorted by path): id from the file name (the relative path
        without suffix when ``recursive``), title = first non-empty line.

        ``errors`` decides what happens to a file that is not valid UTF-8: ``"strict"`` raises
        ValueError naming the file and byte offset, ``"skip"`` leaves it out and lists it in
        ``corpus.skipped``, ``"replace"`` reads it with U+FFFD for the ill-formed bytes and
        lists it in ``corpus.replaced``. Broken links, unreadable files and (unless
        ``recursive``) sub-folders are always listed in ``corpus.skipped``.
        """
        import pandas as pd

        _check_errors(errors, ("strict", "skip", "replace"))
        folder = Path(path)
        if not folder.is_dir():
            raise FileNotFoundError(f"no folder at {folder}")
        rows: list[dict[str, str]] = []
        skipped: list[tuple[str, str]] = []
        replaced: list[tuple[str, str]] = []
        if not recursive:
            skipped += [
                (str(p), "sub-folder, not read (recursive=False)")
                for p in sorted(folder.iterdir())
                if p.is_dir()
            ]
        files = folder.rglob(pattern) if recursive else folder.glob(pattern)
        for file in sorted(files):
            if not file.is_file():
                if not file.is_dir():
                    skipped.append((str(file), "broken link or not a regular file"))
                continue
            try:
                raw = file.read_bytes()
            except OSError as error:
                if errors == "strict":
                    raise
                skipped.append((str(file), str(error)))
                continue
            text, problem = _decode(raw, errors)
            if problem is not None:
                if errors == "strict":
                    raise ValueError(f"{file}: {problem}")
                (skipped if errors == "skip" else replaced).append((str(file), problem))
                if errors == "skip":
                    continue
            name = file.relative_to(folder).with_suffix("") if recursive else file.stem
            rows.append(
                {"id": str(name), "title": _first_line(text), "text": text, "path": str(file)}
            )
        if not rows:
            raise ValueError(f"no readable {pattern} files in {folder}")
        return cls(pd.DataFrame(rows), skipped, replaced)

    @classmethod
    def from_jsonl(
        cls,
        path: str | os.PathLike[str],
        text: str = "text",
        id: str = "id",
        title: str = "title",
        errors: str = "strict",
    ) -> Corpus:
        """One JSON object per line; fields other than ``text`` are kept as metadata.

        A line that is not valid UTF-8 or not a JSON object, or whose text is not a string
        (or holds a lone surrogate from a ``\\ud800`` escape), raises ValueError naming the line
        with ``errors="strict"``, is left out and listed in ``corpus.skipped`` with ``"skip"``,
        and with ``"replace"`` is read with U+FFFD where it was ill-formed (listed in
        ``corpus.replaced``; lines that are not JSON objects are skipped).
        """
        import pandas as pd

        _check_errors(errors, ("strict", "skip", "replace"))
        records: list[dict[str, Any]] = []
        skipped: list[tuple[str, str]] = []
        replaced: list[tuple[str, str]] = []
        with open(path, "rb") as lines:
            for number, raw in enumerate(lines, 1):
                where = f"{path}, line {number}"
                line, problem = _decode(raw, "strict" if errors == "skip" else errors)
                try:
                    if problem is not None and errors != "replace":
                        raise ValueError(problem)
                    if not line.strip():
                        continue
                    try:
                        record = json.loads(line)
                    except json.JSONDecodeError as error:
                        raise ValueError(str(error)) from error
                    if not isinstance(record, dict):
                        raise ValueError(f"expected a JSON object, got {type(record).__name__}")
                    body = record.get(text)
                    if not isinstance(body, str):
                        raise ValueError(f"{text!r} must be a string, got {type(body).__name__}")
                    surrogate = _SURROGATE.search(body)
                    if surrogate and errors != "replace":
                        raise ValueError(f"lone surrogate at char offset {surrogate.start()}")
                except ValueError as error:
                    if errors == "strict":
                        raise ValueError(f"{where}: {error}") from None
                    skipped.append((where, str(error)))
                    continue
                if surrogate:
                    record[text] = _SURROGATE.sub("\ufffd", body)
                    problem = problem or f"lone surrogate at char offset {surrogate.start()}"
                if problem is not None:
                    replaced.append((where, problem))
                records.append(record)
        frame = pd.DataFrame(records)
        if frame.empty:
            raise ValueError(f"no readable records in {path}")
        corpus = cls.from_pandas(
            frame,
            text=text,
            id=id if id in frame else None,
            title=title if title in frame else None,
        )
        corpus.skipped, corpus.replaced = skipped, replaced
        return corpus

    def to_pandas(self) -> Any:
        return self._frame.copy()

    def __len__(self) -> int:
        return len(self._frame)

    @property
    def texts(self) -> list[str]:
        return self._frame["text"].tolist()

    @property
    def ids(self) -> list[str]:
        return self._frame["id"].tolist()

    @property
    def titles(self) -> list[str]:
        return self._frame["title"].tolist()

    def label(self, i: int, width: int = 28) -> str:
        title = self.titles[i]
        return title if len(title) <= width else title[: width - 1] + "…"

    # --- vectors -----------------------------------------------------------------------------

    def tfidf(self, progress: bool = False, **params: Any) -> Any:
        """Fits khabar's TfidfVectorizer (``DEFAULT_TFIDF`` unless overridden) on the articles;
        the matrix is kept for similarity, neighbours and top terms."""
        self._vectorizer = TfidfVectorizer(**{**DEFAULT_TFIDF, **params, "progress": progress})
        self._matrix = self._vectorizer.fit_transform(self.texts)
        return self._matrix

    @property
    def matrix(self) -> Any:
        if self._matrix is None:
            self.tfidf()
        return self._matrix

    @property
    def vectorizer(self) -> TfidfVectorizer:
        self.matrix  # noqa: B018  (fits on first use)
        assert self._vectorizer is not None
        return self._vectorizer

    def top_terms(self, n: int = 10) -> Any:
        """The ``n`` heaviest TF-IDF terms of every article: DataFrame (id, title, rank, term,
        weight)."""
        import pandas as pd

        X, names = self.matrix, self.vectorizer.get_feature_names_out()
        ids, titles = self.ids, self.titles  # each access copies a column
        rows = []
        for i in range(X.shape[0]):
            start, end = X.indptr[i], X.indptr[i + 1]
            order = np.lexsort((X.indices[start:end], -X.data[start:end]))[:n]
            for rank, k in enumerate(order, 1):
                rows.append(
                    (
                        ids[i],
                        titles[i],
                        rank,
                        names[X.indices[start + k]],
                        X.data[start + k],
                    )
                )
        return pd.DataFrame(rows, columns=["id", "title", "rank", "term", "weight"])

    def similarity(self) -> Any:
        """Cosine similarity of every pair of articles, labelled by title."""
        import pandas as pd

        labels = [self.label(i) for i in range(len(self))]
        return pd.DataFrame(cosine_similarity(self.matrix), index=labels, columns=labels)

    def nearest(self, i: int, k: int = 5) -> Any:
        """The ``k`` articles most similar to article ``i``."""
        import pandas as pd

        indices, scores = top_k_similar(self.matrix[i], self.matrix, k=k + 1)
        rows = [
            (j, self.ids[j], self.titles[j], s)
            for j, s in zip(indices[0], scores[0], strict=True)
            if j >= 0 and j != i
        ]
        return pd.DataFrame(rows[:k], columns=["index", "id", "title", "score"])

    def near_duplicates(
        self, threshold: float = 0.8, shingle_size: int = 5, num_perm: int = 128
    ) -> Any:
        """Pairs of articles whose ``shingle_size``-word shingle sets have a Jaccard similarity
        of at least ``threshold`` (MinHash LSH candidates, verified exactly; see
        khabar.NearDuplicates). DataFrame (i, j, jaccard), most similar first."""
        index = NearDuplicates(threshold=threshold, shingle_size=shingle_size, num_perm=num_perm)
        pairs = index.fit(self.texts).pairs()
        return pairs.sort_values(["jaccard", "i", "j"], ascending=[False, True, True]).reset_index(
            drop=True
        )

    def shared_passages(
        self, i: int | None = None, j: int | None = None, min_words: int = 8, progress: bool = False
    ) -> Any:
        """Passages articles ``i`` and ``j`` share word for word (a list of Passage), or, without
        ``i`` and ``j``, those of every pair as a DataFrame (i, j, n_words, text_i, text_j,
        offsets). Pairs are all pairs for up to 500 articles; beyond, the candidate pairs of
        NearDuplicates at Jaccard 0.05: two otherwise different articles that share only a short
        quote can then be missed; compare such a pair directly with ``i`` and ``j``."""
        import pandas as pd

        if (i is None) != (j is None):
            raise TypeError("give both i and j, or neither")
        if i is not None and j is not None:
            return shared_passages(self.texts[i], self.texts[j], min_words=min_words)
        if len(self) <= 500:
            pairs = list(combinations(range(len(self)), 2))
        else:
            found = NearDuplicates(
                threshold=0.05, shingle_size=min(min_words, 5), progress=progress
            )
            candidates = found.fit(self.texts).pairs()
            pairs = list(zip(candidates["i"].tolist(), candidates["j"].tolist(), strict=True))
        rows = []
        texts = self.texts  # one list, not one per pair (the column is copied on each access)
        for a, b in pairs:
            for p in shared_passages(texts[a], texts[b], min_words=min_words):
                rows.append(
                    (a, b, p.n_words, p.text_a, p.text_b, p.a_start, p.a_end, p.b_start, p.b_end)
                )
        columns = ["i", "j", "n_words", "text_i", "text_j", "i_start", "i_end", "j_start", "j_end"]
        return pd.DataFrame(rows, columns=columns)

    def search(self, query: str, k: int = 10, **params: Any) -> Any:
        """BM25 search over the articles: DataFrame (index, id, title, score). ``params``
        override ``DEFAULT_BM25`` (e.g. ``stemmer=None``, ``stem_exclusion=[...]``)."""
        settings = {**DEFAULT_BM25, **params}
        if self._bm25 is None or self._bm25_settings != settings:
            self._bm25 = BM25(**settings).fit(self.texts)
            self._bm25_settings = settings
        hits = self._bm25.search(query, k)
        hits.insert(1, "id", [self.ids[d] for d in hits["doc"]])
        hits.insert(2, "title", [self.titles[d] for d in hits["doc"]])
        return hits.rename(columns={"doc": "index"})

    def distinctive_terms(self, by: str = "source", top: int = 15) -> Any:
        """Terms each group over-uses relative to the rest (weighted log-odds, Monroe et al.
        2008). ``by`` is a metadata column; for a folder of articles without one, use "id"."""
        if by not in self._frame:
            raise ValueError(f"no column {by!r}; available: {list(self._frame.columns)}")
        return distinctive_terms(self.texts, self._frame[by].astype(str).tolist(), top=top)

    # --- pictures ----------------------------------------------------------------------------

    def plot_similarity(self) -> Any:
        """Heatmap of the pairwise cosine similarities (Arabic labels shaped, right to left)."""
        from khabar.plots import similarity_heatmap

        return similarity_heatmap(
            cosine_similarity(self.matrix), [self.label(i, 22) for i in range(len(self))]
        )

    def plot_terms(self, i: int, n: int = 15) -> Any:
        """Bars of article ``i``'s top TF-IDF terms."""
        from khabar.plots import term_bars

        top = self.top_terms(n)
        rows = top[top["id"] == self.ids[i]]
        return term_bars(rows["term"].tolist(), rows["weight"].tolist(), self.label(i, 40))

    def _repr_html_(self) -> str:
        lengths = Tokenizer().count_tokens(self.texts)
        meta = [c for c in self._frame.columns if c not in ("text", "title", "id", "path")]
        head = "".join(
            f"<tr><td>{html.escape(self.ids[i])}</td>"
            f"<td dir='rtl'>{html.escape(self.titles[i])}</td><td>{lengths[i]}</td></tr>"
            for i in range(min(len(self), 8))
        )
        more = f"<p>… and {len(self) - 8} more</p>" if len(self) > 8 else ""
        return (
            f"<div><b>khabar.Corpus</b>: {len(self)} articles, {int(lengths.sum()):,} tokens"
            f"{', metadata: ' + ', '.join(map(html.escape, meta)) if meta else ''}"
            f"<table><tr><th>id</th><th>title</th><th>tokens</th></tr>{head}</table>{more}</div>"
        )

    def __repr__(self) -> str:
        return f"Corpus({len(self)} articles)"


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")
