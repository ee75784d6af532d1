"""The Arabic examples in the docstrings are run, so they stay true."""

from __future__ import annotations

import doctest

import pytest

import khabar
import khabar.tokenizer
import khabar.vectorizers


@pytest.mark.parametrize("module", [khabar, khabar.tokenizer, khabar.vectorizers])
def test_docstring_examples(module):
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
    assert result.attempted > 0
