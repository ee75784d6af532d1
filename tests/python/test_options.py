"""The estimators' parameters against the C++ option structs that define them.

Every C++ option (a field of the struct's ``describe``) must be a parameter of each estimator
that configures that struct, with the C++ default, unless the estimator fixes it on purpose
(listed here); every other parameter must be Python's own (input handling, threads,
progress). Validation errors are scikit-learn's InvalidParameterError where scikit-learn
raises one for the same bad value.
"""

from __future__ import annotations

import inspect

import khabar
import numpy as np
import pytest
import sklearn.feature_extraction.text as sklearn_text
from khabar import _core
from sklearn.utils._param_validation import InvalidParameterError

PYTHON_ONLY = {"input", "vocabulary", "n_threads", "progress"}
# scikit-learn's parameters that Python applies (decoding, callables, stop words merged into
# the C++ stopwords): the vectorizers' only.
SKLEARN_PYTHON_ONLY = {
    "encoding",
    "decode_error",
    "strip_accents",
    "preprocessor",
    "tokenizer",
    "stop_words",
}
VECTORIZERS_PYTHON_ONLY = PYTHON_ONLY | SKLEARN_PYTHON_ONLY
# Estimators that read text with the ICU word breaks only: no scikit-learn token patterns.
ICU_ONLY = {"token_pattern"}

# estimator → (the C++ options it fills, the C++ options it fixes rather than exposes)
ESTIMATORS = {
    # the Tokenizer reads text itself (ICU): patterns are the vectorizers', applied by re
    khabar.Tokenizer: (_core.TokenizerOptions, ICU_ONLY),
    khabar.CountVectorizer: (
        _core.VectorizerOptions.counts,
        {"use_idf", "smooth_idf", "sublinear_tf", "norm"},  # counts carry no weights
    ),
    khabar.TfidfVectorizer: (_core.VectorizerOptions, set()),
    khabar.HashingVectorizer: (_core.HashingOptions, set()),
    # BM25 ranks ICU words, folded as the normalizer says
    khabar.BM25: (_core.Bm25Options, {"ngram_range", "analyzer", "lowercase", *ICU_ONLY}),
    khabar.NearDuplicates: (
        _core.NearDuplicateOptions,
        # shingles are of all ICU words, folded as the normalizer says
        {"min_length", "ngram_range", "analyzer", "lowercase", *ICU_ONLY},
    ),
}


def cxx_fields(options) -> dict:
    """Every option of a struct by name, the tokenizer's flattened into it; the normalizer's
    flags are the Python parameter ``normalize``."""
    out = {}
    for name in type(options).fields:
        if name == "tokenizer":
            out.update(cxx_fields(options.tokenizer))
        elif name != "normalizer":
            out[name] = getattr(options, name)
    return out


def as_python_default(name, value):
    if name in ("stopwords", "stem_exclusion"):
        return None if value == [] else value
    if name == "dtype":
        return np.dtype(value).type
    if name == "token_pattern":
        return value or None  # None: ICU word breaks
    return value


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=lambda e: e.__name__)
def test_signature_matches_the_cxx_options(estimator):
    make_options, fixed = ESTIMATORS[estimator]
    defaults = cxx_fields(make_options())
    assert fixed <= set(defaults), f"{sorted(fixed - set(defaults))} are not C++ options"
    parameters = {
        name: p.default
        for name, p in inspect.signature(estimator.__init__).parameters.items()
        if name != "self"
    }
    exposed = set(defaults) - fixed
    python_only = VECTORIZERS_PYTHON_ONLY if "Vectorizer" in estimator.__name__ else PYTHON_ONLY
    assert set(parameters) - python_only == exposed, (
        f"C++ options without a Python parameter: {sorted(exposed - set(parameters))}; "
        f"Python parameters without a C++ option: {sorted(set(parameters) - exposed - python_only)}"
    )
    for name in exposed:
        assert parameters[name] == as_python_default(name, defaults[name]), name
        assert type(parameters[name]) is type(as_python_default(name, defaults[name])), name


def core_options(estimator):
    if hasattr(estimator, "_core_options"):
        return estimator._core_options()
    if isinstance(estimator, khabar.HashingVectorizer):
        return estimator._model().options
    if isinstance(estimator, khabar.BM25):
        return khabar._options.fill(_core.Bm25Options(), vars(estimator))
    return estimator._new_index().options


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=lambda e: e.__name__)
def test_default_estimators_configure_the_default_options(estimator):
    make_options, _ = ESTIMATORS[estimator]
    assert core_options(estimator()) == make_options()


def test_every_parameter_reaches_the_cxx_options():
    vec = khabar.TfidfVectorizer(
        normalize={"hamza": True},
        stopwords=["في"],
        stemmer="light10",
        min_length=2,
        ngram_range=(1, 2),
        max_df=0.5,
        min_df=2,
        max_features=10,
        binary=True,
        dtype=np.float32,
        norm="l1",
        use_idf=False,
        smooth_idf=False,
        sublinear_tf=True,
        errors="replace",
    )
    options = vec._core_options()
    assert options.tokenizer.normalizer.hamza is True
    assert options.tokenizer.normalizer.alef is True  # the other flags keep their defaults
    assert options.tokenizer.stopwords == ["في"]
    assert options.tokenizer.stemmer == "light10"
    assert options.tokenizer.min_length == 2
    assert options.tokenizer.ngram_range == (1, 2)
    assert options.tokenizer.errors == "replace"
    assert options.max_df == 0.5 and isinstance(options.max_df, float)
    assert options.min_df == 2 and isinstance(options.min_df, int)
    assert options.max_features == 10
    assert options.binary and not options.use_idf and not options.smooth_idf
    assert options.sublinear_tf and options.norm == "l1" and options.dtype == "float32"


def test_options_classes_are_typed():
    options = _core.TokenizerOptions()
    with pytest.raises(InvalidParameterError, match="'min_length' parameter must be an int >= 0"):
        options.min_length = "3"
    with pytest.raises(InvalidParameterError, match="'normalize' parameter must be a bool"):
        options.normalize = 1
    with pytest.raises(InvalidParameterError, match="'analyzer' parameter must be one of"):
        options.analyzer = "words"
    with pytest.raises(InvalidParameterError, match="'frobnicate' parameter is unknown"):
        _core.TokenizerOptions(frobnicate=True)
    with pytest.raises(InvalidParameterError, match="'norm' parameter must be one of 'l1', 'l2'"):
        _core.VectorizerOptions(norm="l3")
    # Nested options are views: setting through them changes the owner.
    vectorizer = _core.VectorizerOptions()
    vectorizer.tokenizer.normalizer.hamza = True
    assert vectorizer.tokenizer.normalizer.hamza is True
    assert _core.VectorizerOptions.counts().dtype == "int64"


DOCS = ["سوريا روسيا سوريا", "روسيا تركيا", "سوريا"]

# Bad values scikit-learn's own vectorizers refuse with InvalidParameterError.
SKLEARN_REFUSES = [
    ("norm", "l3"),
    ("max_df", 1.5),
    ("max_df", -0.5),
    ("min_df", -1),
    ("min_df", 0),
    ("max_features", 0),
    ("max_features", 2.5),
    ("analyzer", "words"),
    ("input", "url"),
    ("binary", "yes"),
    ("use_idf", 1),
    ("ngram_range", [1, 2, 3]),
]


@pytest.mark.parametrize(("name", "value"), SKLEARN_REFUSES)
def test_invalid_parameters_fail_as_in_scikit_learn(name, value):
    with pytest.raises(InvalidParameterError):
        sklearn_text.TfidfVectorizer(**{name: value}).fit(DOCS)
    with pytest.raises(InvalidParameterError, match=name):
        khabar.TfidfVectorizer(**{name: value}).fit(DOCS)


@pytest.mark.parametrize(("name", "value"), [("n_features", 0), ("n_features", 1.5)])
def test_hashing_parameters_fail_as_in_scikit_learn(name, value):
    with pytest.raises(InvalidParameterError):
        sklearn_text.HashingVectorizer(**{name: value}).fit(DOCS)
    with pytest.raises(InvalidParameterError, match=name):
        khabar.HashingVectorizer(**{name: value}).transform(DOCS)


def test_n_features_must_fit_32_bit_column_indices():
    with pytest.raises(InvalidParameterError, match="n_features"):
        khabar.HashingVectorizer(n_features=2**31).transform(DOCS)


def test_a_reversed_ngram_range_is_a_plain_value_error_as_in_scikit_learn():
    with pytest.raises(ValueError) as theirs:
        sklearn_text.CountVectorizer(ngram_range=(2, 1)).fit(DOCS)
    assert not isinstance(theirs.value, InvalidParameterError)
    with pytest.raises(ValueError, match="ngram_range") as ours:
        khabar.CountVectorizer(ngram_range=(2, 1)).fit(DOCS)
    assert not isinstance(ours.value, InvalidParameterError)


# Numbers no option can hold (issue 15): before, 10**30 as max_df failed pybind11's cast to
# long long with a RuntimeError naming no parameter, and 2**60 was kept as a double and cast
# back to long long when the options were read.
@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("max_df", 10**30, r"must be a whole number of documents <= 2\*\*53 .*got 10{30}"),
        (
            "min_df",
            2**60,
            r"must be a whole number of documents <= 2\*\*53 .*got 1152921504606846976",
        ),
        (
            "min_df",
            2**53 + 1,
            r"must be a whole number of documents <= 2\*\*53 .*got 9007199254740993",
        ),
        ("max_df", -(10**30), r"must be a float in the range \[0.0, 1.0\] or an int in the range"),
        ("max_features", 2**64, "must be an int <= 18446744073709551615, got 18446744073709551616"),
        ("min_length", 10**30, "must be an int <= 18446744073709551615, got 10{30}"),
    ],
)
def test_numbers_out_of_every_range_name_the_parameter(name, value, message):
    # scikit-learn's own validation (which names the estimator) answers the negative one first.
    pattern = rf"The '{name}' parameter (of TfidfVectorizer )?{message}"
    with pytest.raises(InvalidParameterError, match=pattern):
        khabar.TfidfVectorizer(**{name: value}).fit(DOCS)


def test_the_largest_document_count_is_kept_exactly():
    params = khabar.TfidfVectorizer(min_df=1, max_df=2**53)._core_options().to_dict()
    assert params["max_df"] == 2**53 and isinstance(params["max_df"], int)
