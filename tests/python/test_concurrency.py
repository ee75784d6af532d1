"""Threads: one fitted vectorizer shared by Python threads (the GIL released during the C++
work), and n_threads far above the number of documents."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import khabar
import numpy as np
import pytest
import scipy.sparse as sp

JAWHARA = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "ant-jawharafm"


@pytest.fixture(scope="module")
def articles() -> list[str]:
    """The first 1,500 articles of the ANT Jawhara FM corpus (about 2.5 MB)."""
    with (JAWHARA / "articles.jsonl").open(encoding="utf-8") as lines:
        return [json.loads(line)["text"] for line in itertools.islice(lines, 1500)]


def assert_identical(a: sp.csr_matrix, b: sp.csr_matrix) -> None:
    assert a.shape == b.shape
    assert a.dtype == b.dtype
    np.testing.assert_array_equal(a.indptr, b.indptr)
    np.testing.assert_array_equal(a.indices, b.indices)
    np.testing.assert_array_equal(a.data, b.data)


VECTORIZERS = {
    "tfidf": lambda: khabar.TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), n_threads=2),
    "count": lambda: khabar.CountVectorizer(stopwords="arabic", min_df=2, n_threads=1),
    "hashing": lambda: khabar.HashingVectorizer(n_features=2**18, n_threads=2),
}


@pytest.mark.parametrize("name", VECTORIZERS)
def test_eight_threads_transforming_with_one_vectorizer_get_the_sequential_matrices(name, articles):
    vectorizer = VECTORIZERS[name]().fit(articles[:800])
    # Eight different (overlapping) inputs, then the same input eight times over.
    inputs = [articles[100 * i : 100 * i + 400] for i in range(8)] + [articles[200:600]] * 8
    expected = [vectorizer.transform(docs) for docs in inputs]
    start_together = threading.Barrier(8)

    def transform(docs: list[str]) -> sp.csr_matrix:
        start_together.wait(timeout=60)
        return vectorizer.transform(docs)

    for _round in range(2):
        with ThreadPoolExecutor(8) as pool:
            results = list(pool.map(transform, inputs))
        for got, want in zip(results, expected, strict=True):
            assert_identical(got, want)


def test_threads_fitting_their_own_vectorizers_get_the_sequential_results(articles):
    slices = [articles[150 * i : 150 * i + 300] for i in range(8)]
    expected = [khabar.TfidfVectorizer(n_threads=1).fit_transform(docs) for docs in slices]
    with ThreadPoolExecutor(8) as pool:
        results = list(
            pool.map(lambda docs: khabar.TfidfVectorizer(n_threads=2).fit_transform(docs), slices)
        )
    for got, want in zip(results, expected, strict=True):
        assert_identical(got, want)


def longest_pause(work) -> tuple[float, float]:
    """(seconds `work()` took, longest time a pure-Python counting thread made no progress
    meanwhile). A call that holds the GIL stalls the counter for its whole duration."""
    ticks: list[float] = []
    stop = threading.Event()

    def count() -> None:
        while not stop.is_set():
            ticks.append(time.perf_counter())

    counter = threading.Thread(target=count)
    counter.start()
    time.sleep(0.05)
    start = time.perf_counter()
    work()
    end = time.perf_counter()
    stop.set()
    counter.join()
    during = [t for t in ticks if start <= t <= end]
    return end - start, float(np.diff([start, *during, end]).max())


def test_transform_releases_the_gil(articles):
    vectorizer = khabar.TfidfVectorizer(n_threads=1).fit(articles)
    # Enough documents for about half a second of work on this machine, whatever its speed:
    # a fixed count took 0.08 s once transform got faster, too short to tell a pause from noise.
    start = time.perf_counter()
    vectorizer.transform(articles)
    once = time.perf_counter() - start
    docs = articles * max(3, int(0.5 / once) + 1)
    # The measure itself: sum() over a range runs in C holding the GIL.
    held, held_pause = longest_pause(lambda: sum(range(20_000_000)))
    assert held_pause > 0.8 * held
    took, pause = longest_pause(lambda: vectorizer.transform(docs))
    assert took > 0.1, "too little work to tell"
    assert pause < 0.25 * took, (pause, took)


# --- n_threads larger than the number of documents ----------------------------------------------


@pytest.mark.parametrize("n_threads", [64, 1000])
def test_tokenizer_with_more_threads_than_documents(n_threads, sochi_texts):
    tokenizer = khabar.Tokenizer(stemmer="light10")
    for docs in (sochi_texts[:3], sochi_texts[:1], []):
        expected = [tokenizer.tokenize(doc) for doc in docs]
        assert tokenizer.tokenize_many(docs, n_threads=n_threads) == expected
        counts = tokenizer.count_tokens(docs, n_threads=n_threads).tolist()
        assert counts == [len(tokens) for tokens in expected]


@pytest.mark.parametrize("n_threads", [64, 1000])
@pytest.mark.parametrize("cls", [khabar.TfidfVectorizer, khabar.CountVectorizer])
def test_vectorizers_with_more_threads_than_documents(cls, n_threads, sochi_texts):
    three, one = sochi_texts[:3], sochi_texts[:1]
    reference = cls(n_threads=1)
    expected = reference.fit_transform(three)
    many = cls(n_threads=n_threads)
    assert_identical(many.fit_transform(three), expected)
    assert many.vocabulary_ == reference.vocabulary_
    assert_identical(cls(n_threads=n_threads).fit(three).transform(three), expected)
    assert_identical(many.transform(one), reference.transform(one))
    assert many.transform([]).shape == (0, len(reference.vocabulary_))
    assert many.count_frequencies(three) == reference.count_frequencies(three)
    with pytest.raises(ValueError) as one_thread:
        cls(n_threads=1).fit([])
    with pytest.raises(ValueError, match=str(one_thread.value)):
        cls(n_threads=n_threads).fit([])
    fixed = cls(vocabulary=["سوريا", "بوتين", "روسيا"], n_threads=n_threads).fit(three)
    assert_identical(
        fixed.transform(three),
        cls(vocabulary=["سوريا", "بوتين", "روسيا"]).fit(three).transform(three),
    )
    hashing = khabar.HashingVectorizer(n_features=2**12, n_threads=n_threads)
    for docs in (three, one, []):
        assert_identical(
            hashing.transform(docs),
            khabar.HashingVectorizer(n_features=2**12, n_threads=1).transform(docs),
        )


@pytest.mark.parametrize("n_threads", [64, 1000])
def test_similarity_search_and_duplicates_with_more_threads_than_rows(n_threads, sochi_texts):
    X = khabar.TfidfVectorizer().fit_transform(sochi_texts[:3])
    for rows in (X, X[:1]):
        np.testing.assert_array_equal(
            khabar.cosine_similarity(rows, X, n_threads=n_threads),
            khabar.cosine_similarity(rows, X, n_threads=1),
        )
        for got, want in zip(
            khabar.top_k_similar(rows, X, k=2, n_threads=n_threads),
            khabar.top_k_similar(rows, X, k=2, n_threads=1),
            strict=True,
        ):
            np.testing.assert_array_equal(got, want)
    queries = ["بوتين", "سوريا روسيا", "ترامب"]
    for got, want in zip(
        khabar.BM25(n_threads=n_threads).fit(sochi_texts[:3]).search_many(queries, k=2),
        khabar.BM25(n_threads=1).fit(sochi_texts[:3]).search_many(queries, k=2),
        strict=True,
    ):
        np.testing.assert_array_equal(got, want)
    docs = [sochi_texts[0], sochi_texts[0] + " زيادة", sochi_texts[1]]
    pairs = khabar.NearDuplicates(n_threads=n_threads).fit(docs).pairs()
    assert pairs.equals(khabar.NearDuplicates(n_threads=1).fit(docs).pairs())
    assert pairs[["i", "j"]].values.tolist() == [[0, 1]]


PER_USED_THREAD = """
import resource, sys
import khabar

vocabulary = [f"ك{i}" for i in range(300_000)]
vectorizer = khabar.CountVectorizer(vocabulary=vocabulary, n_threads=1).fit(["ك1"])
with open("/proc/self/statm") as statm:
    mapped = int(statm.read().split()[0]) * resource.getpagesize()
limit = mapped + 2**30
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
vectorizer.n_threads = 256
X = vectorizer.transform(["ك1 ك5", "ك7", "ك299999"])
print(X.nnz, sorted(X.indices.tolist()))
"""


def test_unused_threads_allocate_nothing():
    # 256 workers each zeroing 24 bytes per column of a 300,000-term vocabulary would need
    # 1.8 GB; only the worker that gets the 3 documents may.
    done = subprocess.run(
        [sys.executable, "-c", PER_USED_THREAD], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["4", "[1,", "5,", "7,", "299999]"]


# --- threads fitting one estimator (issue 15) ----------------------------------------------------


@pytest.fixture()
def fine_switching():
    """Python threads switching every microsecond, so that races show within a few rounds."""
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(interval)


def test_threads_fitting_one_vectorizer_leave_one_fits_state(articles, fine_switching):
    # Eight corpora of different sizes: different vocabularies and idf.
    corpora = [articles[40 * i : 40 * i + 20 + 10 * i] for i in range(8)]
    fits = [khabar.TfidfVectorizer(n_threads=1).fit(docs) for docs in corpora]
    assert len({len(fit.vocabulary_) for fit in fits}) == 8
    shared = khabar.TfidfVectorizer(n_threads=1)
    for _round in range(30):
        start_together = threading.Barrier(8)

        def fit(docs: list[str], start_together: threading.Barrier = start_together) -> None:
            start_together.wait(timeout=60)
            shared.fit(docs)

        with ThreadPoolExecutor(8) as pool:
            list(pool.map(fit, corpora))
        sizes = [len(fit.vocabulary_) for fit in fits]
        winner = fits[sizes.index(len(shared.vocabulary_))]
        assert shared.vocabulary_ == winner.vocabulary_
        np.testing.assert_array_equal(shared.idf_, winner.idf_)
        assert shared.get_feature_names_out().tolist() == winner.get_feature_names_out().tolist()


def test_threads_calling_partial_fit_lose_no_documents(articles, fine_switching):
    docs = articles[:800]
    whole = khabar.TfidfVectorizer(n_threads=1).fit(docs)
    shared = khabar.TfidfVectorizer(n_threads=1)
    start_together = threading.Barrier(8)

    def partial_fits(part: int) -> None:
        start_together.wait(timeout=60)
        for first in range(100 * part, 100 * part + 100, 10):
            shared.partial_fit(docs[first : first + 10])

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(partial_fits, range(8)))
    assert shared.frequencies_.n_documents == 800
    assert shared.frequencies_ == whole.count_frequencies(docs)
    assert shared.vocabulary_ == whole.vocabulary_
    np.testing.assert_array_equal(shared.idf_, whole.idf_)
