"""khabar.dask on a real scheduler with two worker processes, compared exactly with single-process
khabar on the ANT multi-source corpus read from disk in many partitions.

Corpus: A. Chouigui, O. Ben Khiroun, B. Elayeb, "ANT Corpus: An Arabic News Text Collection for
Textual Classification", AICCSA 2017; and "An Arabic Multi-source News Corpus: Experimenting on
Single-document Extractive Summarization", Arabian J. Sci. Eng. 46(8), 2021
(https://antcorpus.github.io).
"""

from __future__ import annotations

import itertools
import json
import os
import signal
import time
from pathlib import Path

import _counting_vectorizer as counting
import dask
import dask.array as da
import dask.bag as db
import dask.dataframe as dd
import khabar
import khabar.dask
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from distributed import Client, LocalCluster
from sklearn.exceptions import NotFittedError

ARTICLES = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "ant-multisource"
ARTICLES = ARTICLES / "articles.jsonl"
BLOCKSIZE = 2_600_000  # bytes per partition: the 78 MB corpus in 30 partitions
PARAMS = {"min_df": 2, "max_df": 0.5, "sublinear_tf": True}


@pytest.fixture(scope="module")
def client():
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        Client(cluster) as client,
    ):
        client.upload_file(str(Path(counting.__file__)))
        yield client


@pytest.fixture(scope="module")
def texts() -> list[str]:
    with ARTICLES.open(encoding="utf-8") as lines:
        return [json.loads(line)["text"] for line in lines]


@pytest.fixture(scope="module")
def docs() -> db.Bag:
    """The whole corpus, streamed from disk by the workers."""
    return db.read_text(str(ARTICLES), blocksize=BLOCKSIZE).map(json.loads).pluck("text")


@pytest.fixture(scope="module")
def local(texts) -> khabar.TfidfVectorizer:
    return khabar.TfidfVectorizer(**PARAMS).fit(texts)


def assert_same_fit(fitted: khabar.TfidfVectorizer, expected: khabar.TfidfVectorizer) -> None:
    assert fitted.vocabulary_ == expected.vocabulary_
    # Same counts, same arithmetic: the idf is bit-identical, not merely close.
    np.testing.assert_array_equal(fitted.idf_, expected.idf_)


def assert_same_rows(X: sp.csr_matrix, expected: sp.csr_matrix) -> None:
    X = sp.csr_matrix(X)
    assert X.shape == expected.shape
    np.testing.assert_array_equal(X.indptr, expected.indptr)
    np.testing.assert_array_equal(X.indices, expected.indices)
    np.testing.assert_array_equal(X.data, expected.data)


def test_fit_equals_local_fit(client, docs, local):
    assert docs.npartitions >= 25
    assert_same_fit(khabar.dask.fit_tfidf(docs, **PARAMS), local)


@pytest.mark.parametrize(
    "params",
    [
        {"ngram_range": (1, 2), "min_df": 3, "max_features": 20_000},
        {"stopwords": "arabic", "stemmer": "light10", "binary": True, "smooth_idf": False},
    ],
)
def test_fit_with_pruning_ngrams_and_stemming_equals_local_fit(client, docs, texts, params):
    fitted = khabar.dask.fit_tfidf(docs, split_every=3, **params)
    assert_same_fit(fitted, khabar.TfidfVectorizer(**params).fit(texts))
    if "max_features" in params:
        assert len(fitted.vocabulary_) == 20_000


def test_many_jsonl_files_through_bag_and_dataframe(client, texts, tmp_path):
    # The first 6,000 articles spread over 6 files, read as a Bag and as a DataFrame column.
    with ARTICLES.open(encoding="utf-8") as source:
        lines = [next(source) for _ in range(6000)]
    for i in range(6):
        (tmp_path / f"part-{i:02d}.jsonl").write_text(
            "".join(lines[i * 1000 : (i + 1) * 1000]), encoding="utf-8"
        )
    pattern = str(tmp_path / "part-*.jsonl")
    expected = khabar.TfidfVectorizer(**PARAMS).fit(texts[:6000])
    bag = db.read_text(pattern, blocksize=500_000).map(json.loads).pluck("text")
    column = dd.read_json(pattern, lines=True, blocksize=500_000)["text"]
    assert bag.npartitions > 6 and column.npartitions > 6
    for collection in (bag, column):
        fitted = khabar.dask.fit_tfidf(collection, **PARAMS)
        assert_same_fit(fitted, expected)
        assert_same_rows(
            khabar.dask.transform(fitted, collection).compute(), expected.transform(texts[:6000])
        )


def test_transform_equals_local_transform(client, docs, local, texts):
    X = khabar.dask.transform(local, docs)
    assert X.numblocks == (docs.npartitions, 1)
    assert_same_rows(X.compute(), local.transform(texts))
    hashing = khabar.HashingVectorizer(n_features=2**18, norm="l1")
    assert_same_rows(khabar.dask.transform(hashing, docs).compute(), hashing.transform(texts))


def test_the_vectorizer_reaches_each_worker_once(client, docs, texts):
    vectorizer = counting.CountingVectorizer(max_features=2000).fit(texts)
    before = client.run(counting.loads)
    X = khabar.dask.transform(vectorizer, docs)
    graph = dict(X.__dask_graph__())
    assert len([key for key in graph if str(key).startswith("khabar-vectorizer-")]) == 1
    assert_same_rows(X.compute(), vectorizer.transform(texts))
    loads = {worker: n - before[worker] for worker, n in client.run(counting.loads).items()}
    assert all(n <= 1 for n in loads.values()) and sum(loads.values()) >= 1, loads

    # The counter does see per-task shipping: a vectorizer given to map_partitions travels
    # inside every one of the tasks.
    before = client.run(counting.loads)
    docs.map_partitions(counting.transform_partition, vectorizer).compute()
    naive = {worker: n - before[worker] for worker, n in client.run(counting.loads).items()}
    assert sum(naive.values()) >= docs.npartitions, naive


def test_top_k_equals_local_top_k(client, docs, local, texts):
    # The first 8 of the corpus's 30 blocks (read by the workers): 64 block pairs, where the
    # whole corpus's 900 tasks take minutes of scheduling that test nothing more.
    first_blocks = db.from_delayed(docs.to_delayed()[:8])
    sample = texts[: first_blocks.count().compute()]
    X = khabar.dask.transform(local, first_blocks).persist()
    indices, scores = dask.compute(*khabar.dask.top_k_similar(X, k=10, threshold=0.3))
    expected_indices, expected_scores = khabar.top_k_similar(
        local.transform(sample), k=10, threshold=0.3
    )
    np.testing.assert_array_equal(indices, expected_indices)
    np.testing.assert_array_equal(scores, expected_scores)  # NaN padding equal too
    assert (indices[:, 0] >= 0).mean() > 0.25  # not all padding: 29% have a neighbour above 0.3


def test_top_k_ties_zero_scores_and_a_query_matrix(client, texts):
    # Each article three times, the copies in different blocks: ties at score 1 are broken by
    # the lower index across blocks, as the local function does.
    copies = texts[:300] * 3
    vectorizer = khabar.TfidfVectorizer().fit(copies)
    X = khabar.dask.transform(vectorizer, db.from_sequence(copies, npartitions=7))
    local_X = vectorizer.transform(copies)
    for threshold in (0.0, 0.5):
        got = dask.compute(*khabar.dask.top_k_similar(X, k=4, threshold=threshold, split_every=2))
        expected = khabar.top_k_similar(local_X, k=4, threshold=threshold)
        np.testing.assert_array_equal(got[0], expected[0])
        np.testing.assert_array_equal(got[1], expected[1])
    assert got[0][0, :2].tolist() == [300, 600]

    # Rows sharing no term score 0: with threshold 0 they fill up k, lowest index first.
    words = [f"كلمة{i}" for i in range(12)]
    vectorizer = khabar.TfidfVectorizer().fit(words)
    X = khabar.dask.transform(vectorizer, db.from_sequence(words, npartitions=4))
    got = dask.compute(*khabar.dask.top_k_similar(X, k=5, threshold=0.0))
    expected = khabar.top_k_similar(vectorizer.transform(words), k=5, threshold=0.0)
    np.testing.assert_array_equal(got[0], expected[0])
    assert got[0][0].tolist() == [1, 2, 3, 4, 5]

    # A query matrix Y: nothing is excluded, an article finds itself.
    queries = khabar.dask.transform(vectorizer, db.from_sequence(words[:5], npartitions=2))
    got = dask.compute(*khabar.dask.top_k_similar(queries, X, k=2, threshold=0.1))
    expected = khabar.top_k_similar(
        vectorizer.transform(words[:5]), vectorizer.transform(words), k=2, threshold=0.1
    )
    np.testing.assert_array_equal(got[0], expected[0])
    assert got[0][:, 0].tolist() == [0, 1, 2, 3, 4]


@pytest.mark.parametrize(("threshold", "num_perm", "shingle_size"), [(0.8, 128, 5), (0.5, 64, 3)])
def test_near_duplicates_equal_local_pairs(client, docs, texts, threshold, num_perm, shingle_size):
    pairs = khabar.dask.near_duplicates(
        docs, threshold=threshold, num_perm=num_perm, shingle_size=shingle_size
    ).compute()
    expected = (
        khabar.NearDuplicates(threshold=threshold, num_perm=num_perm, shingle_size=shingle_size)
        .fit(texts)
        .pairs()
    )
    assert len(expected) > 40  # the corpus has syndicated copies across outlets
    pd.testing.assert_frame_equal(pairs.reset_index(drop=True), expected)


def test_near_duplicates_across_partitions(client, texts):
    # Edited copies placed far from their originals, in other partitions.
    originals = texts[:200]
    edited = []
    for text in originals[:20]:
        words = text.split()
        words[len(words) // 2] = "تعديل"
        edited.append(" ".join(words))
    collection = originals + ["", "، ؟"] + edited
    pairs = khabar.dask.near_duplicates(
        db.from_sequence(collection, npartitions=5), threshold=0.7
    ).compute()
    expected = khabar.NearDuplicates(threshold=0.7).fit(collection).pairs()
    pd.testing.assert_frame_equal(pairs.reset_index(drop=True), expected)
    planted = {(i, 202 + i) for i in range(20)}
    assert planted <= set(zip(pairs.i, pairs.j, strict=True))


def _copies_and_others(texts):
    """Nine copies of one article at known places among eleven texts of words of their own
    (no shingle in common with any other), every copy pair at Jaccard 1: the pairs in (i, j)
    order are the 2-combinations of the copies' places."""
    places = [0, 1, 4, 7, 8, 11, 13, 17, 19]
    collection = [
        texts[0] if i in places else " ".join(f"خبر{i}س{w}" for w in range(40)) for i in range(20)
    ]
    return collection, list(itertools.combinations(places, 2))


@pytest.mark.parametrize("max_pairs", [1, 17, 36, 100])
def test_near_duplicates_keep_the_first_max_pairs_as_local_pairs(client, texts, max_pairs):
    collection, copy_pairs = _copies_and_others(texts)
    assert len(copy_pairs) == 36
    docs = db.from_sequence(collection, npartitions=4)
    lazy = khabar.dask.near_duplicates(docs, max_pairs=max_pairs)
    # No partition hands over more than its share of the first max_pairs.
    assert sum(lazy.map_partitions(len).compute()) == min(max_pairs, 36)
    if max_pairs < 36:
        with pytest.warns(
            khabar.near_duplicates.TruncatedPairsWarning,
            match=f"^36 near-duplicate pairs; the first {max_pairs} are returned",
        ):
            got = khabar.dask.near_duplicates(docs, max_pairs=max_pairs, compute=True)
        with pytest.warns(khabar.near_duplicates.TruncatedPairsWarning):
            expected = khabar.NearDuplicates().fit(collection).pairs(max_pairs=max_pairs)
    else:
        got = khabar.dask.near_duplicates(docs, max_pairs=max_pairs, compute=True)
        expected = khabar.NearDuplicates().fit(collection).pairs(max_pairs=max_pairs)
    assert list(zip(got.i, got.j, strict=True)) == copy_pairs[:max_pairs]
    assert (got.jaccard == 1.0).all()
    pd.testing.assert_frame_equal(got, expected)
    pd.testing.assert_frame_equal(lazy.compute().reset_index(drop=True), expected)


@pytest.mark.parametrize("max_pairs", [0, -1, True, 2.5, "10"])
def test_near_duplicates_refuse_a_max_pairs_that_is_not_a_positive_int(max_pairs):
    docs = db.from_sequence(["نص"], npartitions=1)
    with pytest.raises(ValueError, match=r"^max_pairs must be an int >= 1, got "):
        khabar.dask.near_duplicates(docs, max_pairs=max_pairs)


def _finished_counts(dask_scheduler) -> list[tuple[str, str]]:
    return [
        (str(ts.key), ws.address)
        for ts in dask_scheduler.tasks.values()
        if "_count_partition" in str(ts.key) and ts.state == "memory"
        for ws in ts.who_has
    ]


def _times_in_memory(key: str, dask_scheduler) -> int:
    return sum(1 for event in dask_scheduler.story(key) if event[2] == "memory")


def test_a_worker_killed_mid_fit_does_not_change_the_result(client, docs, local):
    # One merge for all partitions: every count stays needed until the last one is done.
    lazy = khabar.dask.fit_tfidf(docs, split_every=64, compute=False, **PARAMS)
    pids = client.run(os.getpid)
    future = client.compute(lazy)
    deadline = time.monotonic() + 120
    finished: list[tuple[str, str]] = []
    while not finished and time.monotonic() < deadline:
        finished = client.run_on_scheduler(_finished_counts)
        time.sleep(0.01)
    assert finished and not future.done()
    key, victim = finished[0]
    os.kill(pids[victim], signal.SIGKILL)

    assert_same_fit(future.result(timeout=300), local)
    # The lost count was computed again, on the surviving or the respawned worker.
    assert client.run_on_scheduler(_times_in_memory, key) >= 2
    client.wait_for_workers(2, timeout=120)
    assert set(client.run(os.getpid).values()) != set(pids.values())


def test_errors_name_the_partition_and_the_problem(client):
    with pytest.raises(TypeError, match="partition 1: document 0"):
        khabar.dask.fit_tfidf(db.from_sequence(["نص", 3], npartitions=2))
    with pytest.raises(TypeError, match="not a whole DataFrame"):
        khabar.dask.fit_tfidf(dd.from_pandas(pd.DataFrame({"text": ["نص"]}), npartitions=1))
    with pytest.raises(TypeError, match=r"dask\.bag\.Bag or dask\.dataframe\.Series"):
        khabar.dask.fit_tfidf(["نص"])
    with pytest.raises(ValueError, match="min_df"):
        khabar.dask.fit_tfidf(db.from_sequence(["نص"]), min_df=-1)
    with pytest.raises(NotFittedError):
        khabar.dask.transform(khabar.TfidfVectorizer(), db.from_sequence(["نص"]))
    with pytest.raises(ValueError, match="k must be a positive int"):
        khabar.dask.top_k_similar(da.zeros((2, 2)), k=0)
