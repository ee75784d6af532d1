"""khabar's vectorizers against scikit-learn's estimator conventions.

khabar's vectorizers take documents, not 2-D arrays, so they carry scikit-learn's text tags
(``input_tags.string``, not ``two_d_array``; HashingVectorizer ``requires_fit=False``), and
``check_estimator`` skips them as it skips scikit-learn's own text vectorizers. The checks of
``sklearn.utils.estimator_checks`` (scikit-learn 1.9) are therefore run here in three ways:

Run unchanged (they need no data): check_estimator_cloneable, check_estimator_tags_renamed,
check_valid_tag_types, check_estimator_repr, check_no_attributes_set_in_init,
check_do_not_raise_errors_in_init_or_set_params, check_mixin_order,
check_parameters_default_constructible, check_get_params_invariance, check_set_params,
check_transformer_n_iter; for the fitted vectorizers also check_estimators_unfitted and
check_transformers_unfitted.

Rewritten with documents (same assertions, text input; each test names its check):
check_fit_score_takes_y, check_estimators_fit_returns_self, check_estimators_overwrite_params,
check_dont_overwrite_parameters, check_dict_unchanged, check_fit_idempotent,
check_fit_check_is_fitted, check_estimators_empty_data_messages, check_fit2d_1sample (one
document), check_transformer_general, check_transformers_unfitted_stateless,
check_transformer_data_not_an_array and check_dtype_object (list, tuple, generator, object
array, pandas Series), check_methods_sample_order_invariance, check_methods_subset_invariance,
check_pipeline_consistency, check_estimators_pickle.

Do not apply, with the reason:
- check_readonly_memmap_input, check_f_contiguous_array_estimator, and the readonly_memmap
  variants of check_estimators_pickle and check_transformer_general: memory layouts of numeric
  arrays; documents are str or bytes objects.
- check_n_features_in, check_n_features_in_after_fitting, check_fit1d, check_fit2d_1feature,
  check_fit2d_predict1d: the shape contract of 2-D feature arrays; a list of documents has no
  input features (scikit-learn's text vectorizers set no n_features_in_ either).
- check_estimators_dtypes, check_complex_data, check_estimators_nan_inf,
  check_positive_only_tag_during_fit: numeric values (dtypes, complex, NaN/inf, negative) mean
  nothing for text; non-text documents raise TypeError naming the document (test_vectorizers).
- check_estimator_sparse_tag, check_estimator_sparse_array, check_estimator_sparse_matrix:
  sparse input; documents are not matrices.
- check_array_api_input: Array API namespaces hold numbers, not documents.
- check_transformer_preserve_dtypes: preserving the input's float dtype; the output dtype is the
  ``dtype`` parameter, compared with scikit-learn's in test_vectorizers.
- check_estimators_unfitted and check_transformers_unfitted for HashingVectorizer: it is
  stateless (requires_fit=False), as scikit-learn's; check_transformers_unfitted_stateless
  applies instead.
- check_estimators_empty_data_messages for HashingVectorizer: fitting learns nothing, so no
  documents is not an error (nor for scikit-learn's HashingVectorizer).
- Sample-weight, classifier, regressor, clustering and outlier checks: not transformers' checks.
"""

from __future__ import annotations

import copy
import inspect
import pickle
import warnings
from functools import partial

import joblib
import khabar
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
import sklearn.feature_extraction.text as sktext
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.utils import estimator_checks as checks
from sklearn.utils import get_tags
from sklearn.utils.validation import check_is_fitted

ESTIMATORS = {
    "TfidfVectorizer": khabar.TfidfVectorizer,
    "CountVectorizer": khabar.CountVectorizer,
    "HashingVectorizer": khabar.HashingVectorizer,
}
FITTED = ["TfidfVectorizer", "CountVectorizer"]  # those that learn from fit

# Non-default values for every kind of parameter, so that checks see more than the defaults.
SAMPLE_PARAMS = {
    "TfidfVectorizer": {"sublinear_tf": True, "ngram_range": (1, 2), "min_df": 1},
    "CountVectorizer": {"stopwords": "arabic", "binary": True, "max_features": 50},
    "HashingVectorizer": {"n_features": 2**12, "alternate_sign": False, "norm": "l1"},
}


def make(name: str):
    return ESTIMATORS[name](**SAMPLE_PARAMS[name])


def assert_identical(a: sp.csr_matrix, b: sp.csr_matrix) -> None:
    assert a.shape == b.shape
    assert a.dtype == b.dtype
    np.testing.assert_array_equal(a.indptr, b.indptr)
    np.testing.assert_array_equal(a.indices, b.indices)
    np.testing.assert_array_equal(a.data, b.data)


# --- scikit-learn's own checks ---------------------------------------------------------------

DATA_FREE_CHECKS = [
    checks.check_estimator_cloneable,
    checks.check_estimator_tags_renamed,
    checks.check_valid_tag_types,
    checks.check_estimator_repr,
    checks.check_no_attributes_set_in_init,
    checks.check_do_not_raise_errors_in_init_or_set_params,
    checks.check_mixin_order,
    checks.check_parameters_default_constructible,
    checks.check_get_params_invariance,
    checks.check_set_params,
    checks.check_transformer_n_iter,
]


@pytest.mark.parametrize("check", DATA_FREE_CHECKS, ids=lambda check: check.__name__)
@pytest.mark.parametrize("name", ESTIMATORS)
def test_scikit_learn_checks_that_need_no_data(name, check):
    for estimator in (ESTIMATORS[name](), make(name)):
        check(name, estimator)


@pytest.mark.parametrize(
    "check",
    [checks.check_estimators_unfitted, checks.check_transformers_unfitted],
    ids=lambda check: check.__name__,
)
@pytest.mark.parametrize("name", FITTED)
def test_scikit_learn_unfitted_checks(name, check):
    # They call transform on numbers: NotFittedError must come first.
    check(name, make(name))


@pytest.mark.parametrize("name", ESTIMATORS)
def test_tags_are_those_of_scikit_learns_text_vectorizers(name):
    ours, theirs = get_tags(ESTIMATORS[name]()), get_tags(getattr(sktext, name)())
    assert ours.input_tags == theirs.input_tags
    assert ours.input_tags.string and not ours.input_tags.two_d_array
    assert ours.requires_fit == theirs.requires_fit == (name != "HashingVectorizer")
    assert ours.transformer_tags is not None


@pytest.mark.parametrize("name", ESTIMATORS)
def test_check_estimator_skips_them_as_it_skips_scikit_learns(name):
    for estimator in (ESTIMATORS[name](), getattr(sktext, name)()):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            checks.check_estimator(estimator, on_skip="warn")
        assert any("Can't test estimator" in str(w.message) for w in caught)


# --- the same checks with documents -------------------------------------------------------------


@pytest.fixture(scope="module")
def docs(sochi_dir) -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted(sochi_dir.glob("*.txt"))]
    # The five articles and their paragraphs: 5 long and some short documents.
    return texts + [p for t in texts for p in t.split("\n") if len(p) > 40][:25]


@pytest.mark.parametrize("name", ESTIMATORS)
def test_fit_takes_y_and_returns_self(name, docs):
    """check_fit_score_takes_y, check_estimators_fit_returns_self."""
    estimator = make(name)
    for method in ("fit", "fit_transform", "partial_fit"):
        args = list(inspect.signature(getattr(estimator, method)).parameters)
        assert args[1] == "y", (method, args)
    assert estimator.fit(docs) is estimator
    assert estimator.fit(docs, [0] * len(docs)) is estimator
    assert_identical(estimator.fit_transform(docs, None), estimator.transform(docs))


@pytest.mark.parametrize("name", ESTIMATORS)
def test_fit_neither_changes_parameters_nor_adds_public_attributes(name, docs):
    """check_estimators_overwrite_params, check_dont_overwrite_parameters."""
    estimator = ESTIMATORS[name](
        normalize={"hamza": True},
        stopwords=["في", "من"],
        ngram_range=(1, 2),
        **({"vocabulary": ["سوريا", "بوتين"]} if name in FITTED else {}),
    )
    params = estimator.get_params()
    hashes = {key: joblib.hash(value) for key, value in params.items()}
    before = estimator.__dict__.copy()
    estimator.fit(docs)
    estimator.transform(docs)
    for key, value in estimator.get_params().items():
        assert joblib.hash(value) == hashes[key], key
        assert value is params[key], key
    public = [key for key in estimator.__dict__ if not key.startswith("_")]
    added = [key for key in public if key not in before]
    assert all(key.endswith("_") for key in added), added
    changed = [
        key for key in public if key in before and estimator.__dict__[key] is not before[key]
    ]
    assert changed == []


@pytest.mark.parametrize("name", ESTIMATORS)
def test_transform_leaves_the_estimator_unchanged(name, docs):
    """check_dict_unchanged."""
    estimator = make(name).fit(docs)
    before = estimator.__dict__.copy()
    estimator.transform(docs[:3])
    assert estimator.__dict__.keys() == before.keys()
    assert all(estimator.__dict__[key] is before[key] for key in before)


@pytest.mark.parametrize("name", ESTIMATORS)
def test_fitting_twice_gives_the_same_model(name, docs):
    """check_fit_idempotent: fit on other documents, then twice on the same."""
    estimator = make(name)
    estimator.fit(docs[::-1][:10])
    first = estimator.fit(docs).transform(docs)
    if name in FITTED:
        vocabulary = estimator.vocabulary_
        idf = getattr(estimator, "idf_", None)
    estimator.fit(docs[:5])
    second = estimator.fit(docs).transform(docs)
    assert_identical(first, second)
    if name in FITTED:
        assert estimator.vocabulary_ == vocabulary
        np.testing.assert_array_equal(getattr(estimator, "idf_", None), idf)


@pytest.mark.parametrize("name", ESTIMATORS)
def test_is_fitted_only_after_fit_and_fitted_attributes_end_with_underscore(name, docs):
    """check_fit_check_is_fitted, check_estimators_unfitted, check_transformers_unfitted
    (with documents), check_transformers_unfitted_stateless."""
    estimator = make(name)
    if name in FITTED:
        with pytest.raises(NotFittedError):
            check_is_fitted(estimator)
        for use in (
            lambda: estimator.transform(docs),
            lambda: estimator.get_feature_names_out(),
            lambda: estimator.vocabulary_,
            lambda: estimator.to_bytes(),
        ):
            with pytest.raises(NotFittedError, match="not fitted yet"):
                use()
        assert not hasattr(estimator, "vocabulary_") and not hasattr(estimator, "idf_")
    else:  # stateless: transform works without fit
        check_is_fitted(estimator)
        assert estimator.transform(docs).shape == (len(docs), 2**12)
    unfitted = set(estimator.__dict__)
    estimator.fit(docs)
    check_is_fitted(estimator)
    learned = [key for key in set(estimator.__dict__) - unfitted if not key.startswith("_")]
    assert all(key.endswith("_") for key in learned), learned
    if name == "TfidfVectorizer":
        # vocabulary_ and idf_ are properties over the C++ model (idf_ settable, as
        # scikit-learn's TfidfVectorizer.idf_ property is)
        assert sorted(learned) == ["fixed_vocabulary_"]
        assert estimator.vocabulary_ and len(estimator.idf_) == len(estimator.vocabulary_)


@pytest.mark.parametrize("name", FITTED)
def test_no_documents_is_a_value_error(name):
    """check_estimators_empty_data_messages."""
    with pytest.raises(ValueError):
        make(name).fit([])
    with pytest.raises(ValueError, match="Iterable over raw text documents expected"):
        make(name).fit("a single string")


@pytest.mark.parametrize("name", ESTIMATORS)
def test_one_document(name, docs):
    """check_fit2d_1sample, with one document."""
    X = make(name).fit_transform(docs[:1])
    assert X.shape[0] == 1 and X.nnz > 0


@pytest.mark.parametrize("name", ESTIMATORS)
def test_fit_transform_equals_fit_then_transform(name, docs):
    """check_transformer_general: fit_transform(X) == fit(X).transform(X), and fitting on
    other documents gives another model."""
    X = make(name).fit_transform(docs)
    assert_identical(make(name).fit(docs).transform(docs), X)
    assert X.shape[0] == len(docs)
    if name in FITTED:
        assert make(name).fit(docs[:2]).vocabulary_ != make(name).fit(docs).vocabulary_


@pytest.mark.parametrize("name", ESTIMATORS)
def test_every_kind_of_iterable_gives_the_same_matrix(name, docs):
    """check_transformer_data_not_an_array, check_dtype_object."""
    expected = make(name).fit_transform(docs)
    inputs = {
        "tuple": tuple(docs),
        "generator": (d for d in docs),
        "object array": np.array(docs, dtype=object),
        "str array": np.array(docs),
        "pandas Series": pd.Series(docs, index=range(100, 100 + len(docs))),
    }
    for kind, data in inputs.items():
        X = make(name).fit_transform(data)
        assert X.shape == expected.shape and (X != expected).nnz == 0, kind
        assert_identical(X, expected)
    fitted = make(name).fit(docs)
    assert_identical(fitted.transform(pd.Series(docs)), expected)


@pytest.mark.parametrize("name", ESTIMATORS)
def test_rows_do_not_depend_on_the_other_documents(name, docs):
    """check_methods_sample_order_invariance, check_methods_subset_invariance."""
    estimator = make(name).fit(docs)
    X = estimator.transform(docs)
    order = np.random.RandomState(0).permutation(len(docs))
    assert_identical(estimator.transform([docs[i] for i in order]), X[order])
    for batch in (slice(0, 3), slice(5, 17), slice(len(docs) - 1, None)):
        assert_identical(estimator.transform(docs[batch]), X[batch])
    for i in (0, 7):
        assert_identical(estimator.transform([docs[i]]), X[i])


@pytest.mark.parametrize("name", ESTIMATORS)
def test_a_pipeline_of_one_gives_the_same_result(name, docs):
    """check_pipeline_consistency."""
    assert_identical(make_pipeline(make(name)).fit_transform(docs), make(name).fit_transform(docs))
    pipeline = Pipeline([("vec", make(name))]).fit(docs)
    assert_identical(pipeline.transform(docs), make(name).fit(docs).transform(docs))


@pytest.mark.parametrize("name", ESTIMATORS)
def test_pickle_and_deepcopy_round_trip_fitted_and_unfitted(name, docs):
    """check_estimators_pickle, for fitted and unfitted estimators."""
    unfitted = make(name)
    for copied in (pickle.loads(pickle.dumps(unfitted)), copy.deepcopy(unfitted)):
        assert type(copied) is type(unfitted)
        assert copied.get_params() == unfitted.get_params()
        if name in FITTED:
            assert not hasattr(copied, "vocabulary_")
    fitted = make(name).fit(docs)
    expected = fitted.transform(docs)
    if name in FITTED:
        fitted.vocabulary_  # noqa: B018 (the cached dict must not break pickling)
    for protocol in (2, pickle.HIGHEST_PROTOCOL):
        copied = pickle.loads(pickle.dumps(fitted, protocol=protocol))
        assert copied.get_params() == fitted.get_params()
        assert_identical(copied.transform(docs), expected)
        if name in FITTED:
            assert copied.vocabulary_ == fitted.vocabulary_
            assert list(copied.get_feature_names_out()) == list(fitted.get_feature_names_out())
    assert_identical(copy.deepcopy(fitted).transform(docs), expected)


# --- clone, get_params, set_params, __init__ ---------------------------------------------------


@pytest.mark.parametrize("name", ESTIMATORS)
def test_init_stores_the_parameters_as_given(name):
    given = {
        "normalize": {"hamza": True, "digits": False},
        "stopwords": ["في", "من"],
        "ngram_range": (1, 3),
        "dtype": np.float32,
        "n_threads": 3,
        "progress": False,
    }
    if name in FITTED:
        given["vocabulary"] = {"سوريا": 0, "بوتين": 1}
        given["min_df"] = 0.1
    estimator = ESTIMATORS[name](**given)
    for key, value in given.items():
        assert getattr(estimator, key) is value, key
        assert estimator.get_params()[key] is value, key
    # Not even an invalid value is checked or changed before fit.
    odd = ESTIMATORS[name](ngram_range=(3, 1), n_threads=-1, analyzer="sentence")
    assert (odd.ngram_range, odd.n_threads, odd.analyzer) == ((3, 1), -1, "sentence")
    with pytest.raises(ValueError):
        odd.fit(["سوريا"])


@pytest.mark.parametrize("name", ESTIMATORS)
def test_clone_gives_an_unfitted_copy_with_the_same_parameters(name, docs):
    fitted = make(name).fit(docs)
    copied = clone(fitted)
    assert copied is not fitted
    assert copied.get_params() == fitted.get_params()
    assert type(copied) is type(fitted)
    if name in FITTED:
        for attribute in ("vocabulary_", "idf_", "fixed_vocabulary_", "_model"):
            assert not hasattr(copied, attribute), attribute
        with pytest.raises(NotFittedError):
            copied.transform(docs)
    assert_identical(copied.fit(docs).transform(docs), fitted.transform(docs))
    # Parameters are deep-copied by clone, not shared.
    original = ESTIMATORS[name](stopwords=["في"], normalize={"hamza": True})
    twin = clone(original)
    assert twin.stopwords == ["في"] and twin.stopwords is not original.stopwords
    assert twin.normalize == {"hamza": True} and twin.normalize is not original.normalize


@pytest.mark.parametrize("name", ESTIMATORS)
def test_get_params_and_set_params(name):
    estimator = ESTIMATORS[name]()
    params = estimator.get_params()
    assert list(params) == sorted(inspect.signature(ESTIMATORS[name]).parameters)
    assert estimator.get_params(deep=False) == params
    assert estimator.set_params(ngram_range=(1, 2), n_threads=1) is estimator
    assert estimator.get_params()["ngram_range"] == (1, 2) and estimator.n_threads == 1
    with pytest.raises(ValueError, match="Invalid parameter 'ngram'"):
        estimator.set_params(ngram=(1, 2))
    pipeline = Pipeline([("vec", ESTIMATORS[name]())])
    pipeline.set_params(vec__binary=True)
    assert pipeline.get_params()["vec__binary"] is True
    assert pipeline.named_steps["vec"].binary is True


def test_set_params_after_fit_takes_effect_on_the_next_fit(docs):
    estimator = khabar.TfidfVectorizer().fit(docs)
    n_unigrams = len(estimator.vocabulary_)
    estimator.set_params(ngram_range=(1, 2))
    assert len(estimator.vocabulary_) == n_unigrams  # the fitted model is unchanged until fit
    assert len(estimator.fit(docs).vocabulary_) > n_unigrams


@pytest.mark.parametrize("name", ESTIMATORS)
def test_grid_search_in_a_pipeline(name, docs):
    labels = [i % 2 for i in range(len(docs))]
    pipeline = Pipeline([("vec", ESTIMATORS[name]()), ("knn", KNeighborsClassifier(1))])
    grid = {"vec__binary": [True, False], "vec__ngram_range": [(1, 1), (1, 2)]}
    search = GridSearchCV(pipeline, grid, cv=2).fit(docs, labels)
    assert len(search.cv_results_["params"]) == 4
    best = search.best_estimator_.named_steps["vec"]
    assert best.get_params()["binary"] == search.best_params_["vec__binary"]
    assert search.predict(docs).shape == (len(docs),)


def test_the_checks_listed_cover_everything_check_estimator_would_run():
    """Every check scikit-learn would run on a 2-D-array transformer is in the module
    docstring: run unchanged, rewritten with documents, or listed as not applying."""

    class AsIfTwoDimensional(khabar.TfidfVectorizer):
        def __sklearn_tags__(self):
            tags = super().__sklearn_tags__()
            tags.input_tags.two_d_array, tags.input_tags.string = True, False
            return tags

    names = set()
    for check in checks._yield_all_checks(AsIfTwoDimensional(), legacy=True):
        while isinstance(check, partial):
            check = check.func
        names.add(check.__name__)
    documented = __doc__.replace("\n", " ")
    missing = sorted(name for name in names if name not in documented)
    assert missing == []
