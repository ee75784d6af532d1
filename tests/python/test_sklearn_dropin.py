"""khabar.sklearn against scikit-learn, the oracle: for every parameter combination and text
(English, French elisions, Arabic with diacritics, random Unicode) the same vocabulary, idf,
matrix, feature names, inverse transform and errors. Behaviours scikit-learn's own
sklearn/feature_extraction/tests/test_text.py checks through the public API are checked here on
khabar.sklearn the same way (the tests are written anew, the expected values computed by
scikit-learn in the same run or worked by hand)."""

from __future__ import annotations

import io
import pickle
import re
import unicodedata
import warnings

import khabar
import khabar.sklearn as ks
import numpy as np
import pytest
import scipy.sparse as sp
import sklearn.feature_extraction.text as st
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline
from sklearn.svm import LinearSVC

ENGLISH = [
    "The quick brown fox jumps over the lazy dog.",
    "The dog barks; the fox runs away, quickly!",
    "A lazy afternoon: dogs, foxes and cats sleeping_in the sun.",
    "Numbers like 2017 and 3.14 and snake_case_words count too.",
    "ÉCOLE, naïve café — Über résumé façade",
]
FRENCH = [
    "J'ai vu l'homme qu'il aimait, aujourd'hui.",
    "C'est l'été : n'est-ce pas l'évidence ? Qu'en dit-on d'habitude…",
    "L'Élysée a reçu l'ambassadeur d'Italie jusqu'à minuit.",
]
ARABIC = [
    "قالَ الرئيسُ بوتين إنّ المحادثاتِ في سوتشي كانت مثمرةً",
    "استقبل الرئيس الروسي فلاديمير بوتين نظيره السوري بشار الأسد في سوتشي",
    "أكّد الكرملين أنّ المباحثات تناولت التسوية السياسية في سوريا ٢٠١٧",
    "وقال المتحدث باسم الكرملين: «المحادثات مستمرة»",
]
MIXED = ENGLISH[:2] + FRENCH[:2] + ARABIC[:2] + ["ΣΊΣΥΦΟΣ Ὀδυσσεύς ß İstanbul ǅemal ﬁne ①②"]
CORPORA = {"english": ENGLISH, "french": FRENCH, "arabic": ARABIC, "mixed": MIXED}
NEW_DOCS = ["the fox and the café", "بوتين في سوتشي", "J'ai l'été", ""]

PAIRS = {
    "count": (ks.CountVectorizer, st.CountVectorizer),
    "tfidf": (ks.TfidfVectorizer, st.TfidfVectorizer),
}


def upper_tokenizer(doc):
    return doc.upper().split()


def first_letters(doc):
    return [w[:2] for w in doc.split()]


def strip_digits(doc):
    return re.sub(r"\d", "", doc).lower()


PARAMS = [
    {},
    {"lowercase": False},
    {"ngram_range": (1, 2)},
    {"ngram_range": (2, 3)},
    {"stop_words": "english"},
    {"stop_words": ["the", "and", "في"]},
    {"min_df": 2},
    {"max_df": 0.5},
    {"max_df": 1, "min_df": 1},
    {"max_features": 5},
    {"max_features": 4, "binary": True},
    {"binary": True},
    {"analyzer": "char", "ngram_range": (2, 4)},
    {"analyzer": "char_wb", "ngram_range": (1, 3)},
    {"analyzer": "char", "lowercase": False},
    {"strip_accents": "unicode"},
    {"strip_accents": "ascii"},
    {"strip_accents": lambda s: unicodedata.normalize("NFKC", s)},
    {"token_pattern": r"\b\w+\b"},
    {"token_pattern": r"(?u)\b\w+\b"},
    {"token_pattern": r"(\w)\w+"},
    {"token_pattern": r"[A-Za-z]+"},
    {"token_pattern": r"\S+", "ngram_range": (1, 2)},
    {"tokenizer": upper_tokenizer, "token_pattern": None, "lowercase": False},
    {"tokenizer": str.split, "token_pattern": None, "stop_words": ["the"]},
    {"preprocessor": strip_digits},
    {"analyzer": first_letters},
    {"vocabulary": ["the", "fox", "بوتين", "ai", "zzz"]},
    {"vocabulary": {"fox": 1, "the": 0, "سوتشي": 2}},
    {"vocabulary": {"dog", "the", "في"}},
]
TFIDF_ONLY = [
    {"norm": "l1"},
    {"norm": None},
    {"use_idf": False},
    {"smooth_idf": False},
    {"sublinear_tf": True},
    {"sublinear_tf": True, "smooth_idf": False, "norm": "l1", "ngram_range": (1, 2)},
    {"dtype": np.float32},
]


def param_id(params):
    return ",".join(f"{k}={getattr(v, '__name__', v)}" for k, v in params.items()) or "defaults"


def assert_same_matrix(ours, theirs, rtol=1e-12):
    assert sp.issparse(ours) and ours.format == "csr"
    assert ours.shape == theirs.shape
    assert ours.dtype == theirs.dtype
    ours, theirs = ours.copy(), theirs.tocsr().copy()
    ours.sort_indices()
    theirs.sort_indices()
    assert ours.indptr.tolist() == theirs.indptr.tolist()
    assert ours.indices.tolist() == theirs.indices.tolist()
    np.testing.assert_allclose(ours.data, theirs.data, rtol=rtol, atol=1e-15)


def fit_both(kind, params, docs):
    ours_class, theirs_class = PAIRS[kind]
    with warnings.catch_warnings(record=True) as theirs_warnings:
        warnings.simplefilter("always")
        theirs = theirs_class(**params)
        theirs_error = None
        try:
            x_theirs = theirs.fit_transform(docs)
        except Exception as error:  # the oracle's error is the expected one
            theirs_error = error
    with warnings.catch_warnings(record=True) as ours_warnings:
        warnings.simplefilter("always")
        ours = ours_class(**params)
        if theirs_error is not None:
            with pytest.raises(type(theirs_error)) as info:
                ours.fit_transform(docs)
            assert str(info.value) == str(theirs_error)
            return None
        x_ours = ours.fit_transform(docs)
    assert sorted(str(w.message) for w in ours_warnings) == sorted(
        str(w.message) for w in theirs_warnings
    )
    return ours, theirs, x_ours, x_theirs


def assert_same_fitted(ours, theirs):
    assert ours.vocabulary_ == theirs.vocabulary_
    assert ours.fixed_vocabulary_ == theirs.fixed_vocabulary_
    names = ours.get_feature_names_out()
    assert names.dtype == object
    assert names.tolist() == theirs.get_feature_names_out().tolist()
    if hasattr(theirs, "idf_") and theirs.use_idf:
        assert ours.idf_.dtype == theirs.idf_.dtype
        np.testing.assert_allclose(ours.idf_, theirs.idf_, rtol=1e-12)


def tied_at_the_cut(params, docs):
    """The vocabulary max_features keeps by khabar's rule when terms tie at the cut (largest
    total count, ties by term order; scikit-learn's order there is NumPy's unstable argsort),
    or None when nothing ties there."""
    limit = params.get("max_features")
    if limit is None:
        return None
    full = st.CountVectorizer(**{k: v for k, v in params.items() if k != "max_features"})
    counts = full.fit_transform(docs)
    if params.get("binary"):
        counts.data[:] = 1
    totals = dict(zip(full.get_feature_names_out(), counts.sum(axis=0).A1.tolist(), strict=True))
    ranked = sorted(totals, key=lambda t: (-totals[t], t))
    if len(ranked) <= limit or totals[ranked[limit - 1]] != totals[ranked[limit]]:
        return None
    kept = sorted(ranked[:limit])
    return dict(zip(kept, range(limit), strict=True))


@pytest.mark.parametrize("corpus", CORPORA)
@pytest.mark.parametrize("params", PARAMS, ids=param_id)
@pytest.mark.parametrize("kind", PAIRS)
def test_same_results_as_scikit_learn(kind, params, corpus):
    tied = tied_at_the_cut(params, CORPORA[corpus])
    if tied is not None:
        assert PAIRS[kind][0](**params).fit(CORPORA[corpus]).vocabulary_ == tied
        return
    result = fit_both(kind, params, CORPORA[corpus])
    if result is None:
        return
    ours, theirs, x_ours, x_theirs = result
    assert_same_matrix(x_ours, x_theirs)
    assert_same_fitted(ours, theirs)
    assert_same_matrix(ours.transform(NEW_DOCS), theirs.transform(NEW_DOCS))
    ours_inverse = ours.inverse_transform(x_theirs)
    theirs_inverse = theirs.inverse_transform(x_theirs)
    assert [a.tolist() for a in ours_inverse] == [a.tolist() for a in theirs_inverse]
    assert [a.dtype.kind for a in ours_inverse] == [a.dtype.kind for a in theirs_inverse]


@pytest.mark.parametrize("corpus", CORPORA)
@pytest.mark.parametrize("params", TFIDF_ONLY + PARAMS[:6], ids=param_id)
def test_tfidf_weighting_as_scikit_learn(params, corpus):
    ours, theirs, x_ours, x_theirs = fit_both("tfidf", params, CORPORA[corpus])
    # float32: scikit-learn weighs in float32, khabar in float64 rounded once: within an ulp
    rtol = 1e-6 if x_theirs.dtype == np.float32 else 1e-12
    assert_same_matrix(x_ours, x_theirs, rtol)
    assert_same_fitted(ours, theirs)
    assert_same_matrix(
        ours.fit(CORPORA[corpus]).transform(NEW_DOCS), theirs.transform(NEW_DOCS), rtol
    )


HASHING_PARAMS = [
    {},
    {"n_features": 16},
    {"n_features": 2**10, "alternate_sign": False},
    {"norm": "l1", "binary": True},
    {"norm": None, "ngram_range": (1, 2)},
    {"analyzer": "char_wb", "ngram_range": (2, 3), "n_features": 64},
    {"stop_words": "english", "lowercase": False},
    {"token_pattern": r"\S+"},
    {"tokenizer": str.split, "token_pattern": None},
    {"analyzer": first_letters},
    {"dtype": np.float32},
]


@pytest.mark.parametrize("corpus", CORPORA)
@pytest.mark.parametrize("params", HASHING_PARAMS, ids=param_id)
def test_hashing_as_scikit_learn(params, corpus):
    docs = CORPORA[corpus]
    ours = ks.HashingVectorizer(**params)
    theirs = st.HashingVectorizer(**params)
    assert_same_matrix(ours.fit_transform(docs), theirs.fit_transform(docs))
    assert_same_matrix(ours.transform(NEW_DOCS), theirs.transform(NEW_DOCS))


# --- random text ------------------------------------------------------------------------------

WORDS = hs.text(
    alphabet=hs.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=0, max_size=12
)
DOCS = hs.lists(
    hs.lists(hs.one_of(WORDS, hs.sampled_from(["J'ai", "l'été", "قالَ", "الأسد", " ", "_"]))).map(
        " ".join
    ),
    min_size=1,
    max_size=8,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(DOCS)
def test_random_unicode_gives_scikit_learns_tfidf(docs):
    theirs = st.TfidfVectorizer()
    try:
        x_theirs = theirs.fit_transform(docs)
    except ValueError as error:
        with pytest.raises(ValueError, match=re.escape(str(error))):
            ks.TfidfVectorizer().fit_transform(docs)
        return
    ours = ks.TfidfVectorizer()
    assert_same_matrix(ours.fit_transform(docs), x_theirs)
    assert_same_fitted(ours, theirs)


@settings(max_examples=60, deadline=None)
@given(
    DOCS,
    hs.sampled_from(
        [
            {"analyzer": "char", "ngram_range": (1, 3)},
            {"ngram_range": (1, 2), "lowercase": False},
            {"analyzer": "char_wb", "ngram_range": (2, 4)},
        ]
    ),
)
def test_random_unicode_gives_scikit_learns_counts(docs, params):
    theirs = st.CountVectorizer(**params)
    try:
        x_theirs = theirs.fit_transform(docs)
    except ValueError as error:
        with pytest.raises(ValueError, match=re.escape(str(error))):
            ks.CountVectorizer(**params).fit_transform(docs)
        return
    ours = ks.CountVectorizer(**params)
    assert_same_matrix(ours.fit_transform(docs), x_theirs)
    assert ours.vocabulary_ == theirs.vocabulary_


# --- the public methods -----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["CountVectorizer", "TfidfVectorizer", "HashingVectorizer"])
def test_same_parameters_defaults_and_methods(name):
    ours, theirs = getattr(ks, name)(), getattr(st, name)()
    theirs_params = theirs.get_params()
    ours_params = ours.get_params()
    assert {k: ours_params[k] for k in theirs_params} == theirs_params
    public = {m for m in dir(theirs) if not m.startswith("_") and callable(getattr(theirs, m))}
    assert public <= {m for m in dir(ours) if not m.startswith("_")}
    assert not hasattr(theirs, "set_output") and not hasattr(ours, "set_output")
    assert not hasattr(getattr(khabar, name)(), "set_output")


def test_analysis_methods_behave_as_scikit_learns():
    text = "J'ai vu Élodie — À bientôt!"
    for params in ({}, {"strip_accents": "unicode"}, {"ngram_range": (1, 2)}, {"lowercase": False}):
        ours, theirs = ks.CountVectorizer(**params), st.CountVectorizer(**params)
        assert ours.build_preprocessor()(text) == theirs.build_preprocessor()(text)
        assert ours.build_tokenizer()(text) == theirs.build_tokenizer()(text)
        assert ours.build_analyzer()(text) == theirs.build_analyzer()(text)
        assert ours.decode(text.encode()) == theirs.decode(text.encode())
    assert ks.CountVectorizer(stop_words="english").get_stop_words() == (
        st.CountVectorizer(stop_words="english").get_stop_words()
    )
    assert ks.CountVectorizer(stop_words="english").get_stop_words() is st.ENGLISH_STOP_WORDS
    assert ks.CountVectorizer().get_stop_words() is None
    assert ks.CountVectorizer(stop_words=["a", "b"]).get_stop_words() == frozenset({"a", "b"})


def test_word_and_char_analyzers_by_hand():
    # sklearn test_text: test_word_analyzer_unigrams, test_char_ngram_analyzer, char_wb
    analyze = ks.CountVectorizer(strip_accents="ascii").build_analyzer()
    assert analyze("J'ai mangé du kangourou  ce midi, c'était pas très bon.") == [
        "ai", "mange", "du", "kangourou", "ce", "midi", "etait", "pas", "tres", "bon",
    ]  # fmt: skip
    analyze = ks.CountVectorizer(analyzer="char", ngram_range=(3, 6)).build_analyzer()
    assert analyze("This \n\tis a test")[:3] == ["thi", "his", "is "]
    analyze = ks.CountVectorizer(analyzer="char_wb", ngram_range=(3, 6)).build_analyzer()
    assert analyze("This is a test")[:4] == [" th", "thi", "his", "is "]
    analyze = ks.CountVectorizer(ngram_range=(1, 2)).build_analyzer()
    assert analyze("A b cc dd ee") == ["cc", "dd", "ee", "cc dd", "dd ee"]


def test_callables_are_called_per_document_and_their_errors_propagate():
    seen = []

    class Boom(RuntimeError):
        pass

    def analyzer(doc):
        seen.append(doc)
        if doc == "bad":
            raise Boom("no")
        return doc.split()

    ks.CountVectorizer(analyzer=analyzer).fit(["a b", "c"])
    assert seen == ["a b", "c"]
    for vec in (
        ks.CountVectorizer(analyzer=analyzer),
        ks.TfidfVectorizer(tokenizer=lambda d: analyzer(d), token_pattern=None),
        ks.HashingVectorizer(preprocessor=lambda d: analyzer(d) and d),
        khabar.TfidfVectorizer(analyzer=analyzer),
        khabar.CountVectorizer(preprocessor=lambda d: analyzer(d) and d),
    ):
        with pytest.raises(Boom, match="no"):
            vec.fit_transform(["ok", "bad"])
    # sklearn test_text: test_callable_analyzer_error — a file-reading analyzer's own error
    with pytest.raises(FileNotFoundError):
        ks.CountVectorizer(analyzer=lambda path: open(path).read().split(), input="content").fit(
            ["/nonexistent/khabar/file"]
        )


def test_vocabulary_is_usable_without_fit():
    vocabulary = {"pizza": 0, "beer": 1}
    ours, theirs = (
        ks.CountVectorizer(vocabulary=vocabulary),
        st.CountVectorizer(vocabulary=vocabulary),
    )
    docs = ["pizza beer pizza", "salad"]
    assert_same_matrix(ours.transform(docs), theirs.transform(docs))
    assert ours.get_feature_names_out().tolist() == ["pizza", "beer"]
    assert ours.fixed_vocabulary_ is True
    assert khabar.CountVectorizer(vocabulary=["سوريا"]).transform(
        ["سوريا سوريا"]
    ).toarray().tolist() == [[2]]
    with pytest.raises(NotFittedError):
        ks.TfidfVectorizer(vocabulary=vocabulary).transform(docs)
    with pytest.raises(NotFittedError):
        ks.CountVectorizer().transform(docs)


@pytest.mark.parametrize(
    "vocabulary",
    [{"a": 0, "b": 0}, {"a": 0, "b": 2}, ["a", "a"], [], {}],
    ids=["repeated-index", "gap", "duplicate-term", "empty-list", "empty-dict"],
)
def test_bad_vocabularies_fail_as_in_scikit_learn(vocabulary):
    with pytest.raises(ValueError) as theirs:
        st.CountVectorizer(vocabulary=vocabulary).fit(["a b"])
    with pytest.raises(ValueError) as ours:
        ks.CountVectorizer(vocabulary=vocabulary).fit(["a b"])
    assert str(ours.value) == str(theirs.value)


def test_settable_idf_is_used_by_transform():
    docs = ["the fox", "the dog", "a fox and a dog"]
    ours, theirs = ks.TfidfVectorizer().fit(docs), st.TfidfVectorizer().fit(docs)
    idf = np.arange(1, len(theirs.idf_) + 1, dtype=float)
    ours.idf_ = idf
    theirs.idf_ = idf
    np.testing.assert_array_equal(ours.idf_, idf)
    assert_same_matrix(ours.transform(docs), theirs.transform(docs))
    with pytest.raises(ValueError, match="idf length = 2 must be equal to vocabulary size"):
        ours.idf_ = [1.0, 2.0]
    with pytest.raises(ValueError, match="`idf_` cannot be set when `user_idf=False`"):
        ks.TfidfVectorizer(use_idf=False).fit(docs).idf_ = idf
    # sklearn test_text: test_idf_setter — idf_ transferred to a vectorizer of that vocabulary
    copy = ks.TfidfVectorizer(vocabulary=theirs.vocabulary_)
    copy.idf_ = theirs.idf_
    assert_same_matrix(copy.transform(docs), theirs.transform(docs))


def test_invalid_parameters_raise_scikit_learns_errors():
    cases = [
        {"strip_accents": "_gabbledegook_"},
        {"token_pattern": r"(\w)(\w)"},
        {"analyzer": "words"},
        {"input": "url"},
        {"max_df": 2.0},
        {"min_df": 1.5},
        {"ngram_range": (2, 1)},
        {"stop_words": "french"},
        {"encoding": 3},
        {"decode_error": "hush"},
        {"lowercase": "yes"},
        {"tokenizer": "split"},
    ]
    for kind in ("CountVectorizer", "TfidfVectorizer", "HashingVectorizer"):
        for params in cases:
            with pytest.raises(Exception) as theirs:
                getattr(st, kind)(**params).fit_transform(ENGLISH)
            with pytest.raises(type(theirs.value)) as ours:
                getattr(ks, kind)(**params).fit_transform(ENGLISH)
            assert type(ours.value) is type(theirs.value), (kind, params)


def test_a_string_instead_of_documents_is_refused_as_in_scikit_learn():
    for kind in ("CountVectorizer", "TfidfVectorizer", "HashingVectorizer"):
        for method in ("fit", "fit_transform"):
            with pytest.raises(ValueError, match="Iterable over raw text documents expected"):
                getattr(getattr(ks, kind)(), method)("a string")
            with pytest.raises(ValueError, match="Iterable over raw text documents expected"):
                getattr(getattr(st, kind)(), method)("a string")
    with pytest.raises(ValueError, match="Iterable over raw text documents expected"):
        khabar.HashingVectorizer().fit("a string")


def test_empty_vocabulary_errors_as_in_scikit_learn():
    for params, docs in [
        ({}, ["a", "b"]),
        ({"stop_words": ["hello"]}, ["hello hello"]),
        ({"min_df": 5}, ["one two", "two"]),
        ({"max_df": 0.4, "min_df": 0.9}, ["one two", "two"]),
    ]:
        with pytest.raises(ValueError) as theirs:
            st.CountVectorizer(**params).fit(docs)
        with pytest.raises(ValueError) as ours:
            ks.CountVectorizer(**params).fit(docs)
        assert str(ours.value) == str(theirs.value)


def test_decoding_and_input_as_scikit_learn(tmp_path):
    latin1 = ["café crème".encode("latin-1"), "naïve".encode("latin-1")]
    for params in (
        {"encoding": "latin-1"},
        {"decode_error": "ignore"},
        {"decode_error": "replace"},
    ):
        ours, theirs = ks.CountVectorizer(**params), st.CountVectorizer(**params)
        assert_same_matrix(ours.fit_transform(latin1), theirs.fit_transform(latin1))
        assert ours.vocabulary_ == theirs.vocabulary_
    with pytest.raises(UnicodeDecodeError):
        st.CountVectorizer().fit(latin1)
    with pytest.raises(UnicodeDecodeError):
        ks.CountVectorizer().fit(latin1)
    paths = []
    for i, text in enumerate(ENGLISH):
        paths.append(tmp_path / f"{i}.txt")
        paths[-1].write_text(text, encoding="utf-8")
    ours = ks.TfidfVectorizer(input="filename").fit_transform(paths)
    assert_same_matrix(ours, st.TfidfVectorizer(input="filename").fit_transform(paths))
    files = [io.BytesIO(t.encode()) for t in ENGLISH]
    files_again = [io.BytesIO(t.encode()) for t in ENGLISH]
    assert_same_matrix(
        ks.TfidfVectorizer(input="file").fit_transform(files),
        st.TfidfVectorizer(input="file").fit_transform(files_again),
    )
    with pytest.raises(ValueError, match=r"np\.nan is an invalid document"):
        ks.HashingVectorizer(token_pattern=r"\S+").transform(["a", np.nan])


@pytest.mark.parametrize("dtype", [np.int16, np.int32, np.int64, np.float16, np.float32])
def test_dtypes_as_scikit_learn(dtype):
    docs = ENGLISH
    for kind in ("CountVectorizer", "TfidfVectorizer", "HashingVectorizer"):
        with warnings.catch_warnings(record=True) as theirs_warnings:
            warnings.simplefilter("always")
            theirs = getattr(st, kind)(dtype=dtype)
            try:
                x_theirs = theirs.fit_transform(docs)
            except ValueError as error:  # SciPy has no float16 matrices
                with pytest.raises(ValueError, match=re.escape(str(error))):
                    getattr(ks, kind)(dtype=dtype).fit_transform(docs)
                continue
        with warnings.catch_warnings(record=True) as ours_warnings:
            warnings.simplefilter("always")
            ours = getattr(ks, kind)(dtype=dtype)
            x_ours = ours.fit_transform(docs)
        assert [str(w.message) for w in ours_warnings] == [str(w.message) for w in theirs_warnings]
        rtol = (
            1e-3
            if x_theirs.dtype == np.float16
            else 1e-6
            if x_theirs.dtype == np.float32
            else 1e-12
        )
        assert_same_matrix(x_ours, x_theirs, rtol=rtol)
        if kind == "TfidfVectorizer":
            assert ours.idf_.dtype == theirs.idf_.dtype


def test_stop_words_inconsistent_with_preprocessing_warn_as_in_scikit_learn():
    message = (
        r"Your stop_words may be inconsistent with your preprocessing\. Tokenizing the stop "
        r"words generated tokens \['and', 'll', 've'\] not in stop_words\."
    )
    for module in (st, ks):
        vec = module.CountVectorizer(stop_words=["you've", "you", "you'll", "AND"])
        with pytest.warns(UserWarning, match=message):
            vec.fit_transform(["hello world"])
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            vec.fit(["hello world"])  # checked once per stop list


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"tokenizer": str.split}, "'token_pattern' will not be used since 'tokenizer'"),
        ({"analyzer": str.split, "preprocessor": str.lower}, "'preprocessor' will not be used"),
        ({"analyzer": str.split, "ngram_range": (1, 2)}, "'ngram_range' will not be used"),
        ({"analyzer": "char", "stop_words": ["a"]}, "'stop_words' will not be used"),
        ({"analyzer": "char", "token_pattern": r"\w+"}, "'token_pattern' will not be used"),
        (
            {"analyzer": "char", "tokenizer": str.split, "token_pattern": None},
            "'tokenizer' will not be used",
        ),
    ],
)
def test_unused_parameters_warn_as_in_scikit_learn(params, message):
    for module in (st, ks):
        with pytest.warns(UserWarning, match=message):
            module.TfidfVectorizer(**params).fit(ENGLISH)


def test_in_a_pipeline_and_grid_search_as_scikit_learn():
    docs = ENGLISH * 4
    y = [0, 1, 0, 1, 0] * 4
    grids = {}
    for module in (st, ks):
        pipeline = Pipeline([("vec", module.TfidfVectorizer()), ("svc", LinearSVC())])
        search = GridSearchCV(
            pipeline, {"vec__ngram_range": [(1, 1), (1, 2)], "vec__norm": ["l1", "l2"]}, cv=2
        )
        search.fit(docs, y)
        grids[module.__name__] = search.cv_results_["mean_test_score"].tolist()
    assert grids["khabar.sklearn"] == grids["sklearn.feature_extraction.text"]


def test_pickle_and_clone_keep_the_results():
    docs = FRENCH + ARABIC
    for kind in ("CountVectorizer", "TfidfVectorizer"):
        vec = getattr(ks, kind)(ngram_range=(1, 2), tokenizer=str.split, token_pattern=None)
        x = vec.fit_transform(docs)
        twin = pickle.loads(pickle.dumps(vec))
        assert_same_matrix(twin.transform(docs), x)
        assert twin.vocabulary_ == vec.vocabulary_
        fresh = clone(vec)
        assert fresh.get_params() == vec.get_params() and not hasattr(fresh, "vocabulary_")
    with pytest.raises(ValueError, match="callable"):
        ks.TfidfVectorizer(tokenizer=str.split, token_pattern=None).fit(docs).to_bytes()


def test_hashing_vectorizer_is_stateless_and_nonnegative_with_alternate_sign_off():
    # sklearn test_text: test_nonnegative_hashing_vectorizer_result_indices
    x = ks.HashingVectorizer(n_features=2**6, alternate_sign=False, norm=None).transform(ENGLISH)
    assert (x.data > 0).all()
    assert_same_matrix(
        x, st.HashingVectorizer(n_features=2**6, alternate_sign=False, norm=None).transform(ENGLISH)
    )


def test_khabar_defaults_stay_arabic_aware():
    # khabar.* normalizes (diacritics, alef) and splits at ICU word breaks; khabar.sklearn
    # does neither, as scikit-learn.
    text = ["قالَ الرئيسُ إنّ أحمد"]
    khabar_terms = set(khabar.CountVectorizer().fit(text).vocabulary_)
    assert (
        khabar_terms == set(khabar.Tokenizer().tokenize(text[0])) == {"قال", "الرئيس", "ان", "احمد"}
    )
    assert ks.CountVectorizer().fit(text).vocabulary_ == st.CountVectorizer().fit(text).vocabulary_
    # re's \w is str.isalnum() or "_": the fatha (a combining mark) ends the word, as there
    assert "قال" in ks.CountVectorizer().fit(text).vocabulary_


@pytest.mark.parametrize(
    ("params", "in_cxx"),
    [
        ({}, True),
        ({"token_pattern": r"\b\w+\b", "ngram_range": (1, 3), "stop_words": "english"}, True),
        ({"lowercase": False, "min_df": 2}, True),
        ({"token_pattern": r"\S+"}, False),  # not a native pattern: Python's re
        ({"tokenizer": str.split, "token_pattern": None}, False),
        ({"strip_accents": "unicode"}, False),
    ],
    ids=lambda value: param_id(value) if isinstance(value, dict) else str(value),
)
def test_scikit_learns_default_pattern_is_tokenized_in_cxx(params, in_cxx):
    vec = ks.TfidfVectorizer(**params)
    assert (vec._analysis().tokens is None) == in_cxx
    docs = ENGLISH + FRENCH + ARABIC
    one, two = (ks.TfidfVectorizer(n_threads=n, **params).fit_transform(docs) for n in (1, 2))
    assert_same_matrix(one, two, rtol=0)
    assert_same_matrix(one, st.TfidfVectorizer(**params).fit_transform(docs))


def keep(text):
    return text


@pytest.mark.parametrize("normalize", [True, {"hamza": True, "lowercase": False}, False])
def test_khabar_with_a_pattern_tokenizes_alike_in_cxx_and_in_python(normalize):
    # khabar.* with a token_pattern: lowercase, then khabar's normalization, then the pattern,
    # whether C++ runs it (native pattern) or Python does (an identity strip_accents forces it).
    docs = MIXED + ARABIC + FRENCH
    params = {"token_pattern": r"(?u)\b\w\w+\b", "normalize": normalize, "ngram_range": (1, 2)}
    native = khabar.CountVectorizer(**params)
    python = khabar.CountVectorizer(strip_accents=keep, **params)
    assert native._analysis().tokens is None and python._analysis().tokens is not None
    assert_same_matrix(native.fit_transform(docs), python.fit_transform(docs), rtol=0)
    assert native.vocabulary_ == python.vocabulary_
