"""khabar's vectorizers against scikit-learn as the oracle, on the same tokens."""

from __future__ import annotations

import itertools

import khabar
import numpy as np
import pytest
import scipy.sparse as sp
import sklearn.feature_extraction.text as sktext
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import Pipeline

TOKENIZER_PARAMS = (
    "normalize",
    "stopwords",
    "stemmer",
    "stem_exclusion",
    "min_length",
    "ngram_range",
    "analyzer",
    "errors",
)


def sklearn_twin(vectorizer):
    """The scikit-learn vectorizer with the same parameters, fed khabar's tokens."""
    params = vectorizer.get_params()
    tokenizer = khabar.Tokenizer(**{k: params.pop(k) for k in TOKENIZER_PARAMS})
    for khabar_only in ("n_threads", "progress"):
        params.pop(khabar_only)
    cls = getattr(sktext, type(vectorizer).__name__)
    return cls(analyzer=tokenizer.tokenize, **params)


def assert_same_fit(ours, theirs, docs, atol=1e-12):
    X = ours.fit_transform(docs)
    Y = theirs.fit_transform(docs)
    assert ours.vocabulary_ == theirs.vocabulary_
    assert list(ours.get_feature_names_out()) == list(theirs.get_feature_names_out())
    if getattr(theirs, "use_idf", False):
        np.testing.assert_allclose(ours.idf_, theirs.idf_, rtol=0, atol=atol)
    assert X.shape == Y.shape
    assert X.dtype == Y.dtype
    assert abs(X - Y).max() <= atol if X.nnz or Y.nnz else True
    assert (X != 0).nnz == (Y != 0).nnz
    return X


@pytest.mark.parametrize(
    "smooth_idf,sublinear_tf,norm,binary,use_idf",
    list(
        itertools.product(
            [True, False], [True, False], ["l2", "l1", None], [False, True], [True, False]
        )
    ),
)
def test_tfidf_equals_scikit_learn_on_sochi(
    sochi_texts, smooth_idf, sublinear_tf, norm, binary, use_idf
):
    ours = khabar.TfidfVectorizer(
        smooth_idf=smooth_idf, sublinear_tf=sublinear_tf, norm=norm, binary=binary, use_idf=use_idf
    )
    assert_same_fit(ours, sklearn_twin(ours), sochi_texts)


@pytest.mark.parametrize(
    "params",
    [
        {"min_df": 2},
        {"min_df": 0.5, "max_df": 0.9},
        {"max_df": 3},
        {"ngram_range": (1, 2), "min_df": 2},
        {"ngram_range": (1, 2), "stopwords": "arabic", "stemmer": "light10"},
        {"analyzer": "char", "ngram_range": (2, 4)},
        {"analyzer": "char_wb", "ngram_range": (1, 3), "sublinear_tf": True},
        {"dtype": np.float32},
    ],
)
def test_tfidf_parameters_equal_scikit_learn(sochi_texts, params):
    ours = khabar.TfidfVectorizer(**params)
    atol = 1e-6 if params.get("dtype") == np.float32 else 1e-12
    assert_same_fit(ours, sklearn_twin(ours), sochi_texts, atol=atol)


def test_max_features_without_ties_at_the_cut_equals_scikit_learn(sochi_texts):
    counts = khabar.CountVectorizer().fit(sochi_texts)
    totals = np.asarray(counts.transform(sochi_texts).sum(axis=0)).ravel()
    ranked = np.sort(totals)[::-1]
    # Pick cut sizes where the k-th and (k+1)-th totals differ, so the kept set is unambiguous.
    cuts = [k for k in range(5, 200) if ranked[k - 1] != ranked[k]][:4]
    assert cuts
    for k in cuts:
        ours = khabar.TfidfVectorizer(max_features=k)
        assert_same_fit(ours, sklearn_twin(ours), sochi_texts)


def test_max_features_ties_are_broken_by_term_order():
    docs = ["ب ا ج", "ج ب ا", "د"]  # ا ب ج each counted twice, د once
    vec = khabar.CountVectorizer(max_features=2).fit(docs)
    assert list(vec.get_feature_names_out()) == ["ا", "ب"]


def test_count_vectorizer_equals_scikit_learn(sochi_texts):
    for params in (
        {},
        {"binary": True},
        {"ngram_range": (2, 2), "max_features": 50},
        {"dtype": np.float64},
    ):
        ours = khabar.CountVectorizer(**params)
        X = ours.fit_transform(sochi_texts)
        Y = sklearn_twin(ours).fit_transform(sochi_texts)
        if "max_features" not in params:
            assert (X != Y).nnz == 0 and X.dtype == Y.dtype


def test_fixed_vocabulary(sochi_texts):
    vocabulary = {"سوريا": 1, "بوتين": 0, "مصر": 2}
    ours = khabar.TfidfVectorizer(vocabulary=vocabulary)
    X = assert_same_fit(ours, sklearn_twin(ours), sochi_texts)
    assert X.shape == (5, 3)
    with pytest.raises(ValueError, match="Duplicate term in vocabulary"):
        khabar.TfidfVectorizer(vocabulary=["a", "a"]).fit(["a"])
    with pytest.raises(ValueError, match="doesn't contain index 1"):
        khabar.TfidfVectorizer(vocabulary={"a": 0, "b": 2}).fit(["a"])


def test_edge_cases_match_scikit_learn():
    docs = ["سوريا روسيا", "", "روسيا"]
    X = khabar.TfidfVectorizer().fit_transform(docs)
    assert X[1].nnz == 0
    for cls in (khabar.TfidfVectorizer, khabar.CountVectorizer):
        with pytest.raises(ValueError, match="After pruning, no terms remain"):
            cls(min_df=3).fit(docs)
        with pytest.raises(ValueError, match="empty vocabulary; perhaps the documents only"):
            cls(stopwords=["سوريا"]).fit(["سوريا", "،"])
        with pytest.raises(ValueError, match="max_df corresponds to < documents than min_df"):
            cls(min_df=3, max_df=1).fit(docs)
        with pytest.raises(NotFittedError):
            cls().transform(docs)
        with pytest.raises(ValueError, match="string object received"):
            cls().fit("سوريا")
    vec = khabar.TfidfVectorizer().fit(docs)
    unseen = vec.transform(["مصر", "مصر سوريا"])
    assert unseen[0].nnz == 0 and unseen[1].nnz == 1


def test_bad_parameters_are_value_errors():
    for params in (
        {"min_df": -1},
        {"max_df": 1.5},
        {"max_features": 0},
        {"norm": "l3"},
        {"input": "url"},
    ):
        with pytest.raises(ValueError):
            khabar.TfidfVectorizer(**params).fit(["سوريا"])
    # An integer dtype is scikit-learn's warning and float64 weights, as there.
    with pytest.warns(UserWarning, match="'dtype' will be converted to np.float64"):
        X = khabar.TfidfVectorizer(dtype=np.int32).fit_transform(["سوريا"])
    assert X.dtype == np.float64
    assert khabar.CountVectorizer(dtype=np.int32).fit_transform(["سوريا سوريا"]).dtype == np.int32


def test_bad_documents_name_their_index():
    with pytest.raises(TypeError, match="document 2: expected str or bytes, got NoneType"):
        khabar.TfidfVectorizer().fit_transform(["a", "b", None])
    with pytest.raises(
        ValueError, match=r"document 1: invalid UTF-8 \(byte 0xff\) at byte offset 0"
    ):
        khabar.TfidfVectorizer().fit([b"ok", b"\xff"])
    docs = (["سوريا"] * 5000) + [b"\xc3"]
    with pytest.raises(ValueError, match="document 5000: invalid UTF-8"):
        khabar.TfidfVectorizer().fit_transform(iter(docs))
    with pytest.raises(TypeError, match="document 5000: expected str or bytes, got int"):
        khabar.TfidfVectorizer().fit_transform(iter(["سوريا"] * 5000 + [7]))
    with pytest.raises(ValueError, match="document 4097: lone surrogate at char offset 3"):
        khabar.TfidfVectorizer().fit_transform(iter(["سوريا"] * 4097 + ["سور\udc00يا"]))


@pytest.mark.parametrize("n_threads", [1, 2, 8])
def test_bit_identical_for_any_thread_count(sochi_texts, n_threads):
    docs = sochi_texts * 40
    reference = khabar.TfidfVectorizer(n_threads=1, ngram_range=(1, 2)).fit_transform(docs)
    vec = khabar.TfidfVectorizer(n_threads=n_threads, ngram_range=(1, 2))
    X = vec.fit_transform(docs)
    assert np.array_equal(X.indptr, reference.indptr)
    assert np.array_equal(X.indices, reference.indices)
    assert np.array_equal(X.data, reference.data)
    assert np.array_equal(vec.transform(docs).data, reference.data)


def test_vocabulary_beyond_65536_terms_equals_scikit_learn():
    # Over 2^16 columns and rows of over 32 terms: rows are then sorted by radix passes over
    # three bytes of the column, and the workers' sorted term runs merge with many overlaps.
    rng = np.random.default_rng(2017)
    # Letters ب .. غ (U+0628 .. U+063A), which normalization leaves as they are.
    letters = rng.integers(0x0628, 0x063B, size=(120_000, 8)).tolist()
    lengths = rng.integers(3, 9, size=120_000).tolist()
    words = ["".join(map(chr, row[:n])) for row, n in zip(letters, lengths, strict=True)]
    picks = rng.integers(0, len(words), size=(2_000, 120)).tolist()
    sizes = rng.integers(20, 120, size=2_000).tolist()
    docs = [" ".join(words[i] for i in row[:n]) for row, n in zip(picks, sizes, strict=True)]
    ours = khabar.TfidfVectorizer(sublinear_tf=True, n_threads=2)
    X = assert_same_fit(ours, sklearn_twin(ours), docs)
    assert X.shape[1] > 2**16 and X.has_sorted_indices
    one_thread = khabar.TfidfVectorizer(sublinear_tf=True, n_threads=1).fit_transform(docs)
    assert np.array_equal(X.indices, one_thread.indices)
    assert np.array_equal(X.data, one_thread.data)


def test_generators_stream_in_chunks_with_progress(sochi_texts, capsys):
    docs = sochi_texts * 2000  # 10,000 documents: three chunks
    expected = khabar.TfidfVectorizer().fit_transform(docs)
    vec = khabar.TfidfVectorizer(progress=True)
    X = vec.fit_transform(d for d in docs)
    assert "doc" in capsys.readouterr().err
    assert (X != expected).nnz == 0
    assert (vec.transform(iter(docs)) != expected).nnz == 0
    fitted = khabar.TfidfVectorizer().fit(iter(docs))
    np.testing.assert_array_equal(fitted.idf_, vec.idf_)


def test_output_is_zero_copy_csr(sochi_texts):
    X = khabar.TfidfVectorizer().fit_transform(sochi_texts)
    assert isinstance(X, sp.csr_matrix) and X.has_sorted_indices
    assert X.indices.dtype == np.int32 and X.indptr.dtype == np.int32

    def owner(array):
        while isinstance(array, np.ndarray) and array.base is not None:
            array = array.base
        return type(array).__name__

    assert owner(X.data) == owner(X.indices) == owner(X.indptr) == "PyCapsule"


def test_partial_fit_and_merged_frequencies_equal_fit(sochi_texts):
    whole = khabar.TfidfVectorizer(min_df=2).fit(sochi_texts)
    parts = khabar.TfidfVectorizer(min_df=2)
    parts.partial_fit(sochi_texts[:2]).partial_fit(sochi_texts[2:])
    assert parts.vocabulary_ == whole.vocabulary_
    np.testing.assert_array_equal(parts.idf_, whole.idf_)
    counter = khabar.TfidfVectorizer()
    a = counter.count_frequencies(sochi_texts[:3])
    b = counter.count_frequencies(sochi_texts[3:])
    assert a + b == b + a == counter.count_frequencies(sochi_texts)
    assert (a + b).n_documents == 5
    merged = khabar.TfidfVectorizer.from_frequencies(a + b, min_df=2)
    assert merged.vocabulary_ == whole.vocabulary_
    np.testing.assert_array_equal(merged.idf_, whole.idf_)
    assert (merged.transform(sochi_texts) != whole.transform(sochi_texts)).nnz == 0


def test_input_filename_and_file(sochi_dir, sochi_texts):
    paths = sorted(sochi_dir.glob("*.txt"))
    expected = khabar.TfidfVectorizer().fit_transform(sochi_texts)
    assert (khabar.TfidfVectorizer(input="filename").fit_transform(paths) != expected).nnz == 0
    handles = [open(p, "rb") for p in paths]
    try:
        assert (khabar.TfidfVectorizer(input="file").fit_transform(handles) != expected).nnz == 0
    finally:
        for h in handles:
            h.close()


def test_scikit_learn_conventions(sochi_texts):
    vec = khabar.TfidfVectorizer(sublinear_tf=True, min_df=2)
    assert clone(vec).get_params() == vec.get_params()
    vec.set_params(min_df=1)
    assert vec.min_df == 1
    labels = [0, 1, 0, 1, 0] * 4
    pipe = Pipeline([("tfidf", khabar.TfidfVectorizer()), ("knn", KNeighborsClassifier(1))])
    search = GridSearchCV(pipe, {"tfidf__sublinear_tf": [True, False]}, cv=2)
    search.fit(sochi_texts * 4, labels)
    assert search.best_score_ == 1.0


arabic_docs = st.lists(
    st.text(
        alphabet=st.sampled_from(list("ابتثجحدرسعفقلمنهوي") + [" ", " ", "\n", "\u064e"]),
        max_size=40,
    ),
    min_size=1,
    max_size=12,
)


@settings(max_examples=60, deadline=None)
@given(
    docs=arabic_docs,
    sublinear_tf=st.booleans(),
    norm=st.sampled_from(["l2", "l1", None]),
    smooth_idf=st.booleans(),
    ngram_max=st.integers(1, 2),
)
def test_random_corpora_equal_scikit_learn(docs, sublinear_tf, norm, smooth_idf, ngram_max):
    ours = khabar.TfidfVectorizer(
        sublinear_tf=sublinear_tf, norm=norm, smooth_idf=smooth_idf, ngram_range=(1, ngram_max)
    )
    theirs = sklearn_twin(ours)
    try:
        theirs.fit(docs)
    except ValueError as error:
        with pytest.raises(ValueError, match=str(error).split(";")[0]):
            ours.fit(docs)
        return
    assert_same_fit(ours, theirs, docs)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"n_features": 2**8},
        {"n_features": 2**8, "alternate_sign": False, "norm": "l1"},
        {"n_features": 97, "binary": True},
        {"n_features": 2**10, "ngram_range": (1, 2), "norm": None},
        {"n_features": 2**12, "analyzer": "char_wb", "ngram_range": (2, 3)},
    ],
)
def test_hashing_equals_scikit_learn(sochi_texts, params):
    ours = khabar.HashingVectorizer(**params)
    X = ours.fit_transform(sochi_texts)
    Y = sklearn_twin(ours).fit_transform(sochi_texts)
    assert X.shape == Y.shape
    assert abs(X - Y).max() <= 1e-12


def test_murmurhash_equals_scikit_learn():
    from sklearn.utils import murmurhash3_32

    for token in ["", "a", "سوريا", "الرئيس بوتين", "2017م", "x" * 101]:
        assert _core_murmur(token) == murmurhash3_32(token.encode(), seed=0)


def _core_murmur(token):
    from khabar import _core

    return _core.murmurhash3_32(token)


@pytest.mark.parametrize("cls", [khabar.CountVectorizer, khabar.TfidfVectorizer])
def test_stemmer_and_stem_exclusion_parameters(cls, tmp_path):
    from sklearn.base import clone

    docs = ["لبنان ولبنان", "الوزير ووزير"]
    # light10: لبنان → لبن, ولبنان → لبن, الوزير → وزير, ووزير → وزير (one و, then nothing).
    plain = cls(stemmer="light10").fit(docs)
    assert sorted(plain.vocabulary_) == ["لبن", "وزير"]
    vec = cls(stemmer="light10", stem_exclusion=["لبنان"]).fit(docs)
    assert sorted(vec.vocabulary_) == ["لبن", "لبنان", "وزير"]  # ولبنان is not excluded
    assert clone(vec).get_params()["stem_exclusion"] == ["لبنان"]
    path = tmp_path / "model.khabar"
    vec.save(path)
    loaded = cls.load(path)
    assert loaded.get_params()["stem_exclusion"] == ["لبنان"]
    assert loaded.vocabulary_ == vec.vocabulary_
    assert (loaded.transform(["لبنان"]) != vec.transform(["لبنان"])).nnz == 0
    named = cls(stemmer="khabar").fit(docs)
    assert sorted(named.vocabulary_) == ["لبنان", "وزير"]
