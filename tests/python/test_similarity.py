from __future__ import annotations

import math

import khabar
import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.metrics.pairwise import cosine_similarity as sk_cosine
from sklearn.neighbors import NearestNeighbors


@pytest.fixture(scope="module")
def sochi_matrix(sochi_texts):
    return khabar.TfidfVectorizer(ngram_range=(1, 2)).fit_transform(sochi_texts * 3)


def test_cosine_equals_scikit_learn(sochi_matrix):
    np.testing.assert_allclose(
        khabar.cosine_similarity(sochi_matrix), sk_cosine(sochi_matrix), atol=1e-12
    )
    Y = sochi_matrix[:4]
    np.testing.assert_allclose(
        khabar.cosine_similarity(sochi_matrix, Y), sk_cosine(sochi_matrix, Y), atol=1e-12
    )
    counts = khabar.CountVectorizer().fit_transform(["سوريا روسيا سوريا", "روسيا", ""])
    np.testing.assert_allclose(khabar.cosine_similarity(counts), sk_cosine(counts), atol=1e-12)
    dense = np.array([[1.0, -2.0], [0.5, 0.0]])
    np.testing.assert_allclose(khabar.cosine_similarity(dense), sk_cosine(dense), atol=1e-12)


def test_top_k_equals_brute_force_nearest_neighbours(sochi_texts):
    docs = [f"{t} {i}" for i, t in enumerate(sochi_texts * 20)]
    X = khabar.TfidfVectorizer().fit_transform(docs)
    indices, scores = khabar.top_k_similar(X, k=5, exclude_self=True)
    nn = NearestNeighbors(n_neighbors=6, metric="cosine", algorithm="brute").fit(X)
    distances, neighbours = nn.kneighbors(X)
    full = sk_cosine(X)
    np.fill_diagonal(full, -np.inf)
    for row in range(X.shape[0]):
        expected = sorted(range(X.shape[0]), key=lambda j: (-full[row, j], j))[:5]
        assert indices[row].tolist() == expected
        np.testing.assert_allclose(scores[row], full[row, expected], atol=1e-12)
        # scikit-learn agrees on the scores (its tie order may differ).
        theirs = 1 - distances[row][neighbours[row] != row][:5]
        np.testing.assert_allclose(np.sort(scores[row]), np.sort(theirs), atol=1e-12)


def test_top_k_threshold_padding_and_thread_invariance(sochi_matrix):
    indices, scores = khabar.top_k_similar(sochi_matrix, k=20, threshold=0.99)
    assert indices.dtype == np.int64 and scores.dtype == np.float64
    # Each article has two exact copies (similarity 1) and nothing else above 0.99.
    assert (indices[:, :2] >= 0).all() and (indices[:, 2:] == -1).all()
    assert np.isnan(scores[:, 2:]).all()
    for threads in (1, 2, 8):
        again = khabar.top_k_similar(sochi_matrix, k=3, n_threads=threads)
        assert np.array_equal(again[0], khabar.top_k_similar(sochi_matrix, k=3, n_threads=1)[0])


def test_top_k_with_a_query_matrix_and_bad_shapes(sochi_matrix):
    indices, _ = khabar.top_k_similar(sochi_matrix[:2], sochi_matrix, k=1)
    assert indices[:, 0].tolist() == [0, 1]  # not excluded: Y is a different matrix
    k_large, _ = khabar.top_k_similar(sochi_matrix, k=100)
    # k is capped at the rows of Y (15); each row's own is excluded, so its 15th is padding.
    assert k_large.shape == (15, 15) and (k_large[:, 14:] == -1).all()
    with pytest.raises(ValueError, match="Incompatible dimension"):
        khabar.top_k_similar(sochi_matrix, sp.csr_matrix((2, 3)))
    with pytest.raises(ValueError, match="k must be a positive int"):
        khabar.top_k_similar(sochi_matrix, k=0)


def test_bm25_hand_worked():
    index = khabar.BM25().fit(["سوريا روسيا سوريا", "روسيا تركيا", "سوريا"])
    hits = index.search("سوريا", k=5)
    idf = math.log(1 + (3 - 2 + 0.5) / (2 + 0.5))
    assert hits["doc"].tolist() == [2, 0]
    np.testing.assert_allclose(hits["score"], [idf * 2.2 / 1.75, idf * 4.4 / 3.65], rtol=1e-12)
    # Two query tokens add up; روسيا (idf ln 1.6 too) matches documents 0 and 1.
    both = index.search("سوريا روسيا", k=3)
    assert both["doc"].tolist()[0] == 0
    assert index.search("مصر").empty
    indices, _scores = index.search_many(["سوريا", "تركيا", "مصر"], k=2)
    assert indices.tolist() == [[2, 0], [1, -1], [-1, -1]]


def test_bm25_errors():
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        khabar.BM25().search("x")
    with pytest.raises(ValueError, match="'b' parameter must be a float in the range \\[0, 1\\]"):
        khabar.BM25(b=2).fit(["x"])
    with pytest.raises(TypeError, match="document 1"):
        khabar.BM25().fit(["x", None])


def test_shared_passages_find_the_quoted_kremlin_statement(sochi_texts):
    passages = khabar.shared_passages(sochi_texts[1], sochi_texts[2], min_words=8)
    assert passages, "the Egyptian and Gulf articles quote the same Kremlin statement"
    for p in passages:
        assert p.n_words >= 8
        assert sochi_texts[1][p.a_start : p.a_end] == p.text_a
        assert sochi_texts[2][p.b_start : p.b_end] == p.text_b
        tok = khabar.Tokenizer()
        assert tok.tokenize(p.text_a) == tok.tokenize(p.text_b)
        assert len(tok.tokenize(p.text_a)) == p.n_words
    assert [p.a_start for p in passages] == sorted(p.a_start for p in passages)


def test_shared_passages_are_maximal():
    a = "x y a b c d e z"
    b = "q a b c d e r"
    [p] = khabar.shared_passages(a, b, min_words=3)
    assert (p.text_a, p.n_words) == ("a b c d e", 5)
    assert khabar.shared_passages(a, b, min_words=6) == []
    assert khabar.shared_passages("", b, min_words=1) == []
    with pytest.raises(ValueError):
        khabar.shared_passages(a, b, min_words=0)
