"""khabar/python_regex.hpp against the running Python: re's \\w and word patterns, str.lower().

The C++ tables are generated from the Python that built khabar; here the test hooks of
khabar._core are compared with `re` and `str.lower()` over every code point, in the contexts
that decide "Σ", on random strings and on the shared corpora.
"""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from khabar import _core

SHARED_CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
NATIVE_PATTERNS = [
    r"(?u)\b\w\w+\b",
    r"\b\w\w+\b",
    r"(?u)\b\w+\b",
    r"\b\w+\b",
    r"\w+",
    r"\w\w+",
    r"(?u)\w+",
    r"(?u)\w\w+",
]
CODE_POINTS = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]


def spans(text: str, pattern: str) -> list[tuple[int, int]]:
    found = _core._python_regex_find_all(text, pattern)
    assert found is not None, pattern
    return found


def first_difference(got: str, expected: str) -> str:
    at = next(
        (i for i, (a, b) in enumerate(zip(got, expected, strict=False)) if a != b),
        min(len(got), len(expected)),
    )
    return f"at char {at}: got {got[at - 5 : at + 5]!r}, Python gives {expected[at - 5 : at + 5]!r}"


def test_word_characters_are_re_word_characters_on_every_code_point():
    # Each code point alone between spaces (not \w): \w+ matches it exactly when re's \w does.
    found = spans(" ".join(CODE_POINTS), r"\w+")
    assert all(end == begin + 1 for begin, end in found)
    got = {begin // 2 for begin, _ in found}
    expected = {i for i, c in enumerate(CODE_POINTS) if re.fullmatch(r"\w", c)}
    wrong = sorted(got ^ expected)
    assert not wrong, "differ from re's \\w: " + ", ".join(
        f"U+{ord(CODE_POINTS[i]):04X}" for i in wrong[:20]
    )


def test_lower_is_str_lower_on_every_code_point():
    text = " ".join(CODE_POINTS)
    lowered, expected = _core._python_lower(text), text.lower()
    assert lowered == expected, first_difference(lowered, expected)


@pytest.mark.parametrize(
    "context",
    [
        "A{}\u03a3",  # cased before, then c: final unless c is neither ignorable nor cased
        "{}\u03a3",  # c alone before: final when c is cased and not case-ignorable
        "A\u03a3{}",  # c after: final when c is case-ignorable or not cased
        "A\u03a3{}a",  # an ignorable c is skipped to the cased "a"
        "{}\u03a3\u03a3{}",
    ],
)
def test_sigma_after_and_before_every_code_point(context: str):
    text = " ".join(context.format(c, c) for c in CODE_POINTS)
    lowered, expected = _core._python_lower(text), text.lower()
    assert lowered == expected, first_difference(lowered, expected)


HAND_WORKED = [
    (
        "The quick brown fox, isn't it? A 2nd_try.",
        ["The", "quick", "brown", "fox", "isn", "it", "2nd_try"],
    ),
    ("J'ai vu l'été à Paris.", ["ai", "vu", "été", "Paris"]),
    ("كَتَبَ الوَلَدُ", ["الو"]),  # harakat (Mn) are not \w
    ("قال الوزير: ٢٠١٨_ كـتب", ["قال", "الوزير", "٢٠١٨_", "كـتب"]),
    ("i̇stanbul", ["stanbul"]),  # "İstanbul".lower(): U+0307 is not \w
]


@pytest.mark.parametrize(("text", "tokens"), HAND_WORKED)
def test_scikit_learn_default_pattern_on_worked_examples(text: str, tokens: list[str]):
    assert [text[b:e] for b, e in spans(text, r"(?u)\b\w\w+\b")] == tokens
    assert re.findall(r"(?u)\b\w\w+\b", text) == tokens  # the examples are right about Python


def test_lower_worked_examples():
    assert _core._python_lower("İSTANBUL") == "i\u0307stanbul"
    assert _core._python_lower("ΟΔΟΣ ΟΔΟΣ.") == "οδο\u03c2 οδο\u03c2."
    assert _core._python_lower("ΣΑ Α'Σ") == "\u03c3α α'\u03c2"
    assert _core._python_lower("قال الوزير") == "قال الوزير"


@pytest.mark.parametrize(
    "pattern",
    [r"(?a)\b\w\w+\b", r"\b\w\w+", r"(?i)\b\w\w+\b", r"\b\w{2,}\b", r"[\w]+", r"\W+", "", r"(\w+)"],
)
def test_other_patterns_are_left_to_python(pattern: str):
    assert _core._python_regex_find_all("some text", pattern) is None


def test_hooks_refuse_what_is_not_a_str():
    with pytest.raises(TypeError, match="text: expected str, got bytes"):
        _core._python_regex_find_all(b"abc", r"\w+")
    with pytest.raises(TypeError, match="pattern: expected str, got bytes"):
        _core._python_regex_find_all("abc", rb"\w+")
    with pytest.raises(TypeError, match="text: expected str"):
        _core._python_lower(None)
    with pytest.raises(ValueError, match="lone surrogate at char offset 2"):
        _core._python_lower("ab\ud800")
    with pytest.raises(ValueError, match="lone surrogate at char offset 1"):
        _core._python_regex_find_all("a\udfff", r"\w+")


def check_like_python(text: str) -> None:
    lowered = text.lower()
    assert _core._python_lower(text) == lowered
    for pattern in NATIVE_PATTERNS:
        assert spans(text, pattern) == [m.span() for m in re.finditer(pattern, text)], pattern
    # scikit-learn's order: lowercase, then tokenize.
    pattern = NATIVE_PATTERNS[0]
    assert spans(lowered, pattern) == [m.span() for m in re.finditer(pattern, lowered)]


# Characters where \w, \b and Final_Sigma are decided, mixed into arbitrary Unicode.
TRICKY = list("ΣσςΑα'’.:_ -1٣½İIıßẞ\u0345\u0307\u064e\u0651\u0640\u200c\u200dاéÉ\t\n") + [
    "\U0001d400",
    "\U00010400",
    "\U0001f600",
]


@settings(max_examples=400, deadline=None)
@given(
    st.text(alphabet=st.one_of(st.characters(codec="utf-8"), st.sampled_from(TRICKY)), max_size=60)
)
def test_random_unicode_like_python(text: str):
    check_like_python(text)


def corpus_texts() -> list[str]:
    texts = []
    for path in sorted(SHARED_CORPUS.glob("*/articles.jsonl")):
        with path.open(encoding="utf-8") as lines:
            for line in itertools.islice(lines, 1500):
                article = json.loads(line)
                texts.append(article["title"] + "\n" + article["text"])
    # English and Latin-script text: the corpora's READMEs and licences.
    texts += [p.read_text(encoding="utf-8") for p in sorted(SHARED_CORPUS.glob("*/*.md"))]
    texts += [p.read_text(encoding="utf-8") for p in sorted(SHARED_CORPUS.glob("*/LICENSE*.txt"))]
    return texts


def test_corpus_text_like_python():
    texts = corpus_texts()
    assert len(texts) > 3000, f"the shared corpora are expected under {SHARED_CORPUS}"
    for text in texts:
        check_like_python(text)
    # The same texts upper-cased, so that every letter goes through the lowercase mappings.
    for text in texts[::10]:
        check_like_python(text.upper())
