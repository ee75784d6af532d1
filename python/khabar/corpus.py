"""Corpus: the notebook-facing object for a collection of articles."""

from __future__ import annotations

import html
import json
import os
from collections.abc import Iterable, Iterator
from itertools import combinations
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.sparse as sp

from khabar.distinctive import distinctive_terms
from khabar.near_duplicates import NearDuplicates
from khabar.passages import shared_passages
from khabar.search import BM25
from khabar.similarity import cosine_similarity, top_k_similar
from khabar.tokenizer import _SURROGATE, Tokenizer
from khabar.vectorizers import TfidfVectorizer

if TYPE_CHECKING:
    from khabar.stories import Stories

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


def displayable(text: str) -> str:
    """``text`` safe to write as UTF-8: a file name that was not valid UTF-8 reaches Python with
    its bytes as lone surrogates (PEP 383); each such byte is shown as U+FFFD."""
    if _SURROGATE.search(text) is None:
        return text
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:  # a surrogate that is not an escaped byte, e.g. from "\\ud800"
        return _SURROGATE.sub("\ufffd", text)


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
        given_ids = frame[id] if id else (frame["id"] if "id" in frame else None)
        frame["id"] = (
            [str(i) for i in range(len(frame))]
            if given_ids is None
            else [str(i) if _missing(v) else _id_text(v) for i, v in enumerate(given_ids)]
        )
        given = frame[title] if title and title in frame else frame.get("title")
        titles = [None] * len(frame) if given is None else given.tolist()
        # A record without a title (a JSONL line with no "title", a NaN cell) gets the one its
        # text suggests, as an article read from a file does.
        frame["title"] = [
            _title_of(body) if _missing(t) else str(t)
            for body, t in zip(frame["text"], titles, strict=True)
        ]
        return cls(frame)

    @classmethod
    def from_dir(
        cls,
        path: str | os.PathLike[str],
        pattern: str = "*.txt",
        errors: str = "strict",
        recursive: bool = False,
        max_bytes: int | None = None,
    ) -> Corpus:
        """One article per file (sorted by path): id from the file name (the relative path
        without suffix when ``recursive``), title = first non-empty line (the next one when the
        first is a short section label such as "الاخبار السياسية" followed by a headline).

        ``errors`` decides what happens to a file that is not valid UTF-8: ``"strict"`` raises
        ValueError naming the file and byte offset, ``"skip"`` leaves it out and lists it in
        ``corpus.skipped``, ``"replace"`` reads it with U+FFFD for the ill-formed bytes and
        lists it in ``corpus.replaced``. Broken links, unreadable files and (unless
        ``recursive``) sub-folders are always listed in ``corpus.skipped``, and so are files
        larger than ``max_bytes`` (not read at all). A file name that is not valid UTF-8 gives
        an id and path with U+FFFD for its undecodable bytes (listed in ``corpus.replaced``).
        """
        import pandas as pd

        _check_errors(errors, ("strict", "skip", "replace"))
        _check_max_bytes(max_bytes)
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
            shown = displayable(str(file))
            try:
                size = file.stat().st_size
                if max_bytes is not None and size > max_bytes:
                    skipped.append((shown, f"{size:,} bytes, over the limit of {max_bytes:,}"))
                    continue
                raw = file.read_bytes()
            except OSError as error:
                if errors == "strict":
                    raise
                skipped.append((shown, displayable(str(error))))
                continue
            text, problem = _decode(raw, errors)
            if problem is not None:
                if errors == "strict":
                    raise ValueError(f"{shown}: {problem}")
                (skipped if errors == "skip" else replaced).append((shown, problem))
                if errors == "skip":
                    continue
            name = str(file.relative_to(folder).with_suffix("") if recursive else file.stem)
            if displayable(name) != name:
                replaced.append((shown, "file name is not valid UTF-8: id and path show U+FFFD"))
            rows.append(
                {"id": displayable(name), "title": _title_of(text), "text": text, "path": shown}
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
        max_bytes: int | None = None,
    ) -> Corpus:
        """One JSON object per line; fields other than ``text`` are kept as metadata. A record
        without a title gets the first line of its text (as ``from_dir`` does).

        A line that is not valid UTF-8 or not a JSON object, or whose text is not a string
        (or holds a lone surrogate from a ``\\ud800`` escape), raises ValueError naming the line
        with ``errors="strict"``, is left out and listed in ``corpus.skipped`` with ``"skip"``,
        and with ``"replace"`` is read with U+FFFD where it was ill-formed (listed in
        ``corpus.replaced``; lines that are not JSON objects are skipped). A line longer than
        ``max_bytes`` is always skipped and listed, without being held in memory. Lone
        surrogates in the id or title are replaced by U+FFFD and listed in ``corpus.replaced``.
        """
        import pandas as pd

        _check_errors(errors, ("strict", "skip", "replace"))
        _check_max_bytes(max_bytes)
        records: list[dict[str, Any]] = []
        skipped: list[tuple[str, str]] = []
        replaced: list[tuple[str, str]] = []
        shown_path = displayable(str(path))
        with open(path, "rb") as lines:
            for number, raw in enumerate(_lines(lines, max_bytes), 1):
                where = f"{shown_path}, line {number}"
                if isinstance(raw, int):
                    skipped.append((where, f"{raw:,} bytes, over the limit of {max_bytes:,}"))
                    continue
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
                for field in (id, title):
                    value = record.get(field)
                    if isinstance(value, str) and _SURROGATE.search(value):
                        record[field] = _SURROGATE.sub("\ufffd", value)
                        replaced.append((where, f"lone surrogate in {field!r}, shown as U+FFFD"))
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
        title = self._frame["title"].iat[i]
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

    def _top_columns(self, n: int) -> list[tuple[np.ndarray, np.ndarray]]:
        """For every article, the columns of its ``n`` heaviest terms and their weights
        (heaviest first, ties by column, i.e. by term order)."""
        X = self.matrix
        rows = []
        for i in range(X.shape[0]):
            start, end = X.indptr[i], X.indptr[i + 1]
            columns, weights = X.indices[start:end], X.data[start:end]
            order = np.lexsort((columns, -weights))[:n]
            rows.append((columns[order], weights[order]))
        return rows

    def top_terms(self, n: int = 10) -> Any:
        """The ``n`` heaviest TF-IDF terms of every article: DataFrame (id, title, rank, term,
        weight)."""
        import pandas as pd

        names = self.vectorizer.get_feature_names_out()
        ids, titles = self.ids, self.titles  # each access copies a column
        rows = [
            (ids[i], titles[i], rank, names[column], weight)
            for i, (columns, weights) in enumerate(self._top_columns(n))
            for rank, (column, weight) in enumerate(zip(columns, weights, strict=True), 1)
        ]
        return pd.DataFrame(rows, columns=["id", "title", "rank", "term", "weight"])

    def spellings(self, terms: Iterable[str]) -> dict[str, str]:
        """Each term, as TF-IDF features are (normalized and stemmed) or normalized only, with
        its most frequent spelling in the articles, as people wrote it: diacritics, teh
        marbuta, hamza and case as in the text (ties go to the spelling first in code point
        order; a term never seen keeps its form).

        >>> corpus = Corpus.from_records([{"text": "سورية وسوريا"}, {"text": "زار سورية"}])
        >>> corpus.spellings(["سوريه", "سوري"])  # normalized; the khabar stemmer's stem
        {'سوريه': 'سورية', 'سوري': 'سورية'}
        """
        terms = list(terms)
        wanted = {word for term in terms for word in term.split(" ")}  # n-grams word by word
        if not wanted:
            return {}
        # Count the words as written (tokenized without normalization, counted in C++), then
        # normalize (and stem) each distinct written form once: about one more tokenization
        # pass, and memory bounded by the distinct forms.
        from khabar.vectorizers import CountVectorizer

        counted = CountVectorizer(normalize=False).count_frequencies(self.texts).to_dict()
        written = {form: total for form, (_, total) in counted.items()}
        forms = sorted(written)
        vectorizer = self.vectorizer
        readings = [Tokenizer(normalize=vectorizer.normalize).tokenize_many(forms)]
        if vectorizer.stemmer is not None:  # so that a stem finds the words it came from
            stemming = Tokenizer(
                normalize=vectorizer.normalize,
                stemmer=vectorizer.stemmer,
                stem_exclusion=vectorizer.stem_exclusion,
            )
            readings.append(stemming.tokenize_many(forms))
        best: dict[str, str] = {}
        for form, *tokenized in zip(forms, *readings, strict=True):
            for key in {tokens[0] for tokens in tokenized if len(tokens) == 1} & wanted:
                held = best.get(key)
                if held is None or written[form] > written[held]:  # forms in code point order
                    best[key] = form
        return {term: " ".join(best.get(w, w) for w in term.split(" ")) for term in terms}

    def similarity(self) -> Any:
        """Cosine similarity of every pair of articles, labelled by title. Its memory grows
        with the square of the articles (80 MB for 3,000): for a large corpus use
        ``neighbours``, ``group_similarity`` and ``cross_group_pairs``."""
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

    def neighbours(
        self, k: int = 5, threshold: float = 0.0, by: str | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """The ``k`` nearest articles of every article in batch calls: (indices, scores) of
        shape (articles, k) as ``khabar.top_k_similar`` gives them (ties by the lower index,
        padded with -1 / nan); memory O(articles × k). ``by`` (a metadata column) only changes
        how the work is split: within each group and against the other groups.

        >>> corpus = Corpus.from_records([
        ...     {"text": "بوتين يستقبل الأسد"},
        ...     {"text": "الأسد في سوتشي"},
        ...     {"text": "بوتين والأسد"},
        ... ])
        >>> corpus.neighbours(k=1)[0].ravel().tolist()  # والأسد is stemmed to الأسد's اسد
        [2, 2, 0]
        """
        if by is not None:
            return self._neighbours_by_group(by, k, k, threshold)[:2]
        return top_k_similar(self.matrix, k=max(1, min(k, len(self) - 1)), threshold=threshold)

    def _neighbours_by_group(
        self, by: str, k: int, n_across: int, threshold: float = 0.0
    ) -> tuple[np.ndarray, np.ndarray, Any]:
        """Every article's ``k`` nearest articles and the ``n_across`` best pairs of articles
        from different groups, from one ``top_k_similar`` of each group against itself and one
        against the other groups (together the work of one all-against-all call)."""
        import pandas as pd

        _, codes = self._groups(by)
        X, total = self.matrix, len(self)
        k = max(1, min(k, total - 1))
        indices = np.full((total, k), -1, dtype=np.int64)
        scores = np.full((total, k), np.nan)
        across_pairs = []
        for group in np.unique(codes):
            inside, outside = np.flatnonzero(codes == group), np.flatnonzero(codes != group)
            found_i, found_s = [], []
            if len(inside) > 1:
                near, near_scores = top_k_similar(
                    X[inside], k=min(k, len(inside) - 1), threshold=threshold
                )
                found_i.append(np.where(near >= 0, inside[near], -1))
                found_s.append(near_scores)
            if len(outside) > 0:
                far, far_scores = top_k_similar(
                    X[inside],
                    X[outside],
                    k=min(max(k, n_across), len(outside)),
                    threshold=threshold,
                )
                far = np.where(far >= 0, outside[far], -1)
                found_i.append(far)
                found_s.append(far_scores)
                kept = (far >= 0) & (far_scores > 0)
                i = np.broadcast_to(inside[:, None], far.shape)[kept]
                j = far[kept]
                across_pairs.append(
                    pd.DataFrame(
                        {"i": np.minimum(i, j), "j": np.maximum(i, j), "score": far_scores[kept]}
                    )
                )
            if not found_i:
                continue
            both_i, both_s = np.hstack(found_i), np.hstack(found_s)
            # best first, ties by the lower index, padding (-1 / nan) last: top_k_similar's order
            missing = both_i < 0
            order = np.lexsort(
                (np.where(missing, total, both_i), np.where(missing, np.inf, -both_s)), axis=1
            )[:, :k]
            indices[inside, : order.shape[1]] = np.take_along_axis(both_i, order, axis=1)
            scores[inside, : order.shape[1]] = np.take_along_axis(both_s, order, axis=1)
        columns = {"i": np.int64, "j": np.int64, "score": float}
        if across_pairs:
            pairs = pd.concat(across_pairs).sort_values(
                ["score", "i", "j"], ascending=[False, True, True]
            )
            pairs = pairs.drop_duplicates(["i", "j"]).head(n_across).reset_index(drop=True)
        else:
            pairs = pd.DataFrame({c: [] for c in columns})
        return indices, scores, pairs.astype(columns)

    def _groups(self, by: str) -> tuple[list[str], np.ndarray]:
        if by not in self._frame:
            raise ValueError(f"no column {by!r}; available: {list(self._frame.columns)}")
        labels = self._frame[by].astype(str).to_numpy()
        names, codes = np.unique(labels, return_inverse=True)
        return names.tolist(), codes

    def group_similarity(self, by: str = "source") -> Any:
        """Mean cosine similarity between the articles of each pair of groups (outlets,
        categories…), the diagonal over distinct articles of one group: a groups × groups
        DataFrame, exact, computed from the groups' summed vectors (rows are L2-normalized, so
        the mean of x·y over a × b is (Σ_a x)·(Σ_b y) / (|a| |b|)) without the articles ×
        articles matrix.

        >>> corpus = Corpus.from_records([
        ...     {"text": "بوتين في سوتشي", "source": "أ"},
        ...     {"text": "بوتين في سوتشي", "source": "ب"},
        ...     {"text": "مصر", "source": "ب"},
        ... ])
        >>> corpus.group_similarity("source").round(2).values.tolist()
        [[nan, 0.5], [0.5, 0.0]]
        """
        import pandas as pd
        import scipy.sparse as sp

        names, codes = self._groups(by)
        X = self.matrix
        membership = sp.csr_matrix(
            (np.ones(len(codes)), (codes, np.arange(len(codes)))), shape=(len(names), len(codes))
        )
        sums = membership @ X
        dots = (sums @ sums.T).toarray()
        sizes = np.bincount(codes, minlength=len(names)).astype(np.float64)
        squared_norms = np.bincount(
            codes, weights=np.asarray(X.multiply(X).sum(axis=1)).ravel(), minlength=len(names)
        )
        pairs = np.outer(sizes, sizes)
        np.fill_diagonal(dots, np.diag(dots) - squared_norms)  # leave out each x·x
        np.fill_diagonal(pairs, sizes * (sizes - 1))
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.where(pairs > 0, dots / pairs, np.nan)
        return pd.DataFrame(mean, index=names, columns=names)

    def cross_group_pairs(self, by: str = "source", n: int = 20) -> Any:
        """The ``n`` most cosine-similar pairs of articles from different groups (the same story
        told by two outlets): DataFrame (i, j, score), i < j, best first, score > 0. Exact: one
        ``top_k_similar`` of each group against the others with k = n, memory O(articles × n).

        >>> corpus = Corpus.from_records([
        ...     {"text": "بوتين يستقبل الأسد", "source": "سانا"},
        ...     {"text": "بوتين يستقبل الأسد في سوتشي", "source": "روسيا اليوم"},
        ...     {"text": "الأسد في سوتشي", "source": "سانا"},
        ... ])
        >>> corpus.cross_group_pairs("source", n=1)[["i", "j"]].values.tolist()
        [[0, 1]]
        """
        return self._neighbours_by_group(by, 1, n)[2]

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
        self,
        i: int | None = None,
        j: int | None = None,
        min_words: int = 8,
        progress: bool = False,
        pairs: Any = None,
    ) -> Any:
        """Passages articles ``i`` and ``j`` share word for word (a list of Passage), or, without
        ``i`` and ``j``, those of every pair as a DataFrame (i, j, n_words, text_i, text_j,
        offsets). Pairs are all pairs for up to 500 articles; beyond, the candidate pairs of
        NearDuplicates at Jaccard 0.05: two otherwise different articles that share only a short
        quote can then be missed; compare such a pair directly with ``i`` and ``j``. ``pairs``
        (a sequence of (i, j) or a DataFrame with columns i and j) compares those pairs only."""
        import pandas as pd

        if (i is None) != (j is None):
            raise TypeError("give both i and j, or neither")
        if i is not None and j is not None:
            return shared_passages(self.texts[i], self.texts[j], min_words=min_words)
        if pairs is not None:
            if hasattr(pairs, "columns"):
                pairs = zip(pairs["i"].tolist(), pairs["j"].tolist(), strict=True)
            pairs = [(int(a), int(b)) for a, b in pairs]
        elif len(self) <= 500:
            pairs = list(combinations(range(len(self)), 2))
        else:
            found = NearDuplicates(
                threshold=0.05, shingle_size=min(min_words, 5), progress=progress
            )
            candidates = found.fit(self.texts).pairs()
            pairs = list(zip(candidates["i"].tolist(), candidates["j"].tolist(), strict=True))
        rows = []
        texts = self.texts  # one list, not one per pair (the column is copied on each access)
        tokenizer = Tokenizer()  # one for all pairs: making one costs more than a comparison
        for a, b in pairs:
            for p in shared_passages(texts[a], texts[b], min_words=min_words, tokenizer=tokenizer):
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

    def stories(
        self,
        window_days: float | None = 3,
        threshold: float = 0.24,
        *,
        name_weight: float = 0.3,
        size_penalty: float = 0.07,
        names: str | Iterable[str] | None = "auto",
        date: str = "date",
        by: str = "source",
        candidates: int = 10,
        n_threads: int = 0,
        progress: bool = False,
    ) -> Stories:
        """Articles grouped into stories, visited once in date order (see khabar.Stories for the
        score): each joins the best-scoring story with an article at most ``window_days``
        older, if the score reaches ``threshold`` + ``size_penalty`` * ln(the story's articles
        inside the window), else it opens one. The defaults were chosen on half of the ANT
        multi-source archive (bench/bench_stories.py).

        ``date`` is the metadata column of publication times (anything pandas.to_datetime
        reads; naive times are taken as UTC); every article needs one, unless
        ``window_days=None`` (no window: an undated corpus is then read in its own order).
        ``by`` is the outlet column (first publisher, outlets per story). ``names``: "auto"
        (khabar.stories.name_columns on the TF-IDF vocabulary), None, or the names to use.

        >>> corpus = Corpus.from_records([
        ...     {"id": "a", "text": "بوتين يستقبل الأسد في سوتشي", "date": "2017-11-20"},
        ...     {"id": "b", "text": "الأسد يلتقي بوتين في سوتشي", "date": "2017-11-21"},
        ...     {"id": "c", "text": "منتخب مصر يتأهل إلى كأس العالم", "date": "2017-11-21"},
        ... ])
        >>> corpus.stories(threshold=0.2).labels_.tolist()
        [0, 0, 1]
        """
        import pandas as pd

        from khabar.stories import Stories, assign_stories, name_columns

        if window_days is not None and (
            isinstance(window_days, bool)
            or not isinstance(window_days, (int, float))
            or not window_days >= 0
        ):
            raise ValueError(f"window_days must be a number >= 0 or None, got {window_days!r}")
        frame = self._frame
        dates = None
        if date in frame:
            dates = pd.to_datetime(frame[date], utc=True, errors="coerce")
            bad = np.flatnonzero(dates.isna().to_numpy() & frame[date].notna().to_numpy())
            if len(bad):
                raise ValueError(
                    f"article {bad[0]} (id {self.ids[bad[0]]!r}): {date!r} value "
                    f"{frame[date].iloc[bad[0]]!r} is not a date"
                )
        missing = np.arange(len(self)) if dates is None else np.flatnonzero(dates.isna().to_numpy())
        if len(missing) and window_days is not None:
            where = f"no {date!r} column" if dates is None else f"{len(missing)} without a date"
            raise ValueError(
                f"stories within a window of {window_days} days need a date for every article: "
                f"{where} (first: article {missing[0]}, id {self.ids[missing[0]]!r}); pass "
                "window_days=None to cluster without a window, or date= to name the column"
            )
        if len(missing):
            times = np.zeros(len(self))  # undated: no window, the corpus order
            dates = None if dates is None or dates.isna().all() else dates
        else:
            times = (dates - pd.Timestamp(0, tz="UTC")).dt.total_seconds().to_numpy()
        order = np.argsort(times, kind="stable")
        X = self.matrix
        if names is None:
            name_matrix = None
        else:
            feature_names = self.vectorizer.get_feature_names_out()
            if isinstance(names, str) and names == "auto":
                frequency = np.bincount(X.indices, minlength=X.shape[1])
                columns = name_columns(list(feature_names), frequency, len(self))
            elif isinstance(names, str):
                raise ValueError(f'names must be "auto", None or a list of names, got {names!r}')
            else:
                analyzer = self.vectorizer.build_analyzer()
                vocabulary = self.vectorizer.vocabulary_
                columns = np.asarray(
                    sorted({vocabulary[t] for n in names for t in analyzer(n) if t in vocabulary}),
                    dtype=np.int64,
                )
            idf = self.vectorizer.idf_[columns] if len(columns) else np.empty(0)
            name_matrix = (X[:, columns] > 0).astype(np.float64) @ sp.diags(idf)
        ordered_X = X[order]
        ordered_names = None if name_matrix is None else sp.csr_matrix(name_matrix)[order]
        labels = np.empty(len(self), dtype=np.int64)
        scores = np.empty(len(self))
        batch = len(self) if not progress else 2048
        bar = None
        if progress:
            from tqdm.auto import tqdm

            bar = tqdm(total=len(self), unit="doc", desc="stories")
        window = None
        try:
            for start in range(0, len(self), batch):
                rows = order[start : start + batch]
                part, part_scores, window = assign_stories(
                    ordered_X[start : start + batch],
                    times[rows],
                    None if ordered_names is None else ordered_names[start : start + batch],
                    window_days=window_days,
                    threshold=threshold,
                    name_weight=name_weight,
                    size_penalty=size_penalty,
                    candidates=candidates,
                    earlier=window,
                    n_threads=n_threads,
                )
                labels[rows], scores[rows] = part, part_scores
                if bar is not None:
                    bar.update(len(rows))
        finally:
            if bar is not None:
                bar.close()
        outlets = frame[by].astype(str).tolist() if by in frame else None
        params = {
            "window_days": window_days,
            "threshold": threshold,
            "name_weight": name_weight,
            "size_penalty": size_penalty,
            "names": names if names is None or isinstance(names, str) else list(names),
            "candidates": candidates,
        }
        return Stories(
            self,
            labels,
            scores,
            order,
            None if dates is None else list(dates),
            outlets,
            params,
        )

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


def _missing(value: Any) -> bool:
    """True for an absent cell: None, or the NaN pandas puts where a record had no field."""
    return value is None or (isinstance(value, float) and value != value)


def _id_text(value: Any) -> str:
    # pandas stores integer ids as floats when some record has none (7 -> 7.0): shown as given.
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _check_max_bytes(max_bytes: int | None) -> None:
    if max_bytes is not None and (
        isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes < 1
    ):
        raise ValueError(f"max_bytes must be a positive int or None, got {max_bytes!r}")


def _lines(stream: Any, max_bytes: int | None) -> Iterator[bytes | int]:
    """The lines of a binary stream; a line longer than ``max_bytes`` is read past in blocks and
    given as its length (an int), so one huge line never sits in memory."""
    if max_bytes is None:
        yield from stream
        return
    while True:
        line = stream.readline(max_bytes + 1)
        if not line:
            return
        if line.endswith(b"\n") or len(line) <= max_bytes:  # at most max_bytes before "\n"
            yield line
            continue
        length = len(line)
        while not line.endswith(b"\n"):
            line = stream.readline(1 << 20)
            if not line:
                break
            length += len(line)
        yield length


#: A first line this short is taken for a section label ("الاخبار السياسية", "رياضة") when a
#: headline-like line follows it.
_LABEL_WORDS = 3
_HEADLINE_WORDS = range(4, 21)


def _title_of(text: str) -> str:
    """The headline of an article: its first non-empty line with letters, or the line after
    it when that one is a short section label followed by a headline-length line that does not
    end a sentence (lead paragraphs are longer and end with a full stop)."""
    lines = []
    for line in text.splitlines():
        line = line.strip()
        if any(c.isalpha() for c in line):
            lines.append(line)
            if len(lines) == 2:
                break
    if not lines:
        return _first_line(text)
    if (
        len(lines) == 2
        and len(lines[0].split()) <= _LABEL_WORDS
        and len(lines[1].split()) in _HEADLINE_WORDS
        and not lines[1].endswith((".", "。", "؟", "!"))
    ):
        return lines[1]
    return lines[0]


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")
