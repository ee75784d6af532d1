from __future__ import annotations

import random

import khabar
import pytest
from datasketch.lsh import _optimal_param
from khabar import _core


@pytest.mark.parametrize("threshold", [0.3, 0.5, 0.8, 0.9])
@pytest.mark.parametrize("num_perm", [64, 128])
def test_lsh_bands_match_datasketch(threshold, num_perm):
    assert _core.lsh_bands(threshold, num_perm) == _optimal_param(threshold, num_perm, 0.5, 0.5)
    assert _core.lsh_bands(threshold, num_perm, 0.1, 0.9) == _optimal_param(
        threshold, num_perm, 0.1, 0.9
    )


def edited_copy(text: str, rng: random.Random, edits: int) -> str:
    words = text.split()
    for _ in range(edits):
        words[rng.randrange(len(words))] = "تعديل"
    return " ".join(words)


def test_planted_copies_are_found_with_their_exact_jaccard(sochi_texts):
    rng = random.Random(7)
    docs = list(sochi_texts)
    for i in range(5):
        docs.append(edited_copy(sochi_texts[i], rng, edits=2))
    nd = khabar.NearDuplicates(threshold=0.8).fit(docs)
    pairs = nd.pairs()
    assert sorted(map(tuple, pairs[["i", "j"]].values.tolist())) == [(i, i + 5) for i in range(5)]
    # Verified exactly: the Jaccard of the shingle sets, recomputed here from the tokens.
    tok = khabar.Tokenizer()
    for row in pairs.itertuples():
        a, b = (
            {tuple(t[s : s + 5]) for s in range(len(t) - 4)}
            for t in (tok(docs[row.i]), tok(docs[row.j]))
        )
        assert row.jaccard == pytest.approx(len(a & b) / len(a | b), abs=1e-12)
    hits = nd.query(docs[7])
    assert hits["doc"].tolist()[:2] == [7, 2]


def test_partial_fit_equals_fit(sochi_texts):
    whole = khabar.NearDuplicates().fit(sochi_texts)
    parts = khabar.NearDuplicates().partial_fit(sochi_texts[:2]).partial_fit(sochi_texts[2:])
    assert (whole.signatures_ == parts.signatures_).all()
    assert whole.signatures_.shape == (5, 128)
    assert whole.bands_ == _optimal_param(0.8, 128, 0.1, 0.9)


def test_errors():
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        khabar.NearDuplicates().pairs()
    with pytest.raises(ValueError, match="threshold"):
        khabar.NearDuplicates(threshold=1.5).fit(["x"])
    with pytest.raises(TypeError, match="document 1"):
        khabar.NearDuplicates().fit(["x", 3])
    empty = khabar.NearDuplicates().fit(["", "، ؟"])
    assert empty.pairs().empty
