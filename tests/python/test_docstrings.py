"""The Arabic examples in the docstrings are run, so they stay true."""

from __future__ import annotations

import doctest

import khabar
import khabar.corpus
import khabar.dask
import khabar.distinctive
import khabar.near_duplicates
import khabar.passages
import khabar.plots
import khabar.search
import khabar.similarity
import khabar.sklearn
import khabar.tokenizer
import khabar.vectorizers
import pytest

MODULES = [
    khabar,
    khabar.tokenizer,
    khabar.vectorizers,
    khabar.sklearn,
    khabar.similarity,
    khabar.search,
    khabar.passages,
    khabar.near_duplicates,
    khabar.distinctive,
    khabar.corpus,
    khabar.plots,
    khabar.dask,
]


@pytest.mark.parametrize("module", MODULES, ids=[m.__name__ for m in MODULES])
def test_docstring_examples(module):
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
    assert result.attempted > 0
