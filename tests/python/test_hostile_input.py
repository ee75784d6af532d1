"""Hostile input (issue 15): malformed matrices, huge requests, texts built to be slow.

Each case runs in a child process with a time limit and an address-space limit, so that a crash,
a hang or a runaway allocation fails the test instead of killing or stalling pytest. The child
prints what the call raised (or its result); the assertions are made here.
"""

import subprocess
import sys
import textwrap

import pytest

GIB = 1 << 30

PRELUDE = """
import resource, sys, time
resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))
import numpy as np
import scipy.sparse as sp
import khabar

def peak_rss_mb():
    # VmHWM is this process image's own peak: ru_maxrss would include pytest's RSS, which the
    # child inherits through subprocess's vfork + exec.
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024

def main():
{body}

try:
    print("returned", main())
except BaseException as error:
    print(f"{{type(error).__name__}}: {{error}}")
"""


def run_child(body: str, timeout: float = 120, memory: int = 4 * GIB) -> str:
    """What the child printed: ``returned <value>`` or ``<ExceptionType>: <message>``."""
    script = PRELUDE.format(limit=memory, body=textwrap.indent(textwrap.dedent(body), "    "))
    env = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "PATH": "/usr/bin:/bin"}
    try:
        done = subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"the child did not finish within {timeout} s")
    assert done.returncode == 0, (
        f"the child died (exit status {done.returncode}):\n{done.stderr[-3000:]}"
    )
    return done.stdout.strip().splitlines()[-1]


# ---------------------------------------------------------------------------------------------
# Crashes: malformed CSR matrices.

MALFORMED = {
    # name: (indptr, indices, n_cols, what the message says)
    "column index = n_cols": ([0, 1, 2], [0, 3], 3, "column index 3 at position 1"),
    "column index far beyond": ([0, 1, 2], [0, 1 << 30], 3, "outside [0, 3)"),
    "negative column index": ([0, 1, 2], [-5, 1], 3, "column index -5"),
    "decreasing indptr": ([0, 3, 1, 4], [0, 1, 2, 0], 3, "index pointer decreases at row 1"),
    "indptr beyond nnz": ([0, 1, 1 << 30], [0, 1], 3, "last index pointer is 1073741824"),
}


def test_malformed_csr_is_a_value_error():
    # All cases in one child (each would kill its process before the fix), both readers each.
    out = run_child(f"""
        outcomes = {{}}
        for case, (indptr, indices, n_cols, _) in {MALFORMED!r}.items():
            rows = len(indptr) - 1
            for function in ("cosine_similarity", "top_k_similar"):
                X = sp.csr_matrix(np.zeros((rows, n_cols)))
                # Corrupted after construction, as SciPy's constructor only checks lengths.
                X.indptr = np.array(indptr, dtype=np.int32)
                X.indices = np.array(indices, dtype=np.int32)
                X.data = np.ones(len(indices))
                try:
                    getattr(khabar, function)(X, sp.csr_matrix(np.ones((2, n_cols))))
                    outcomes[case, function] = "accepted"
                except ValueError as error:
                    outcomes[case, function] = str(error)
        return outcomes
    """)
    assert out.startswith("returned {"), out
    outcomes = eval(out.removeprefix("returned "))
    for case, (_, _, _, message) in MALFORMED.items():
        for function in ("cosine_similarity", "top_k_similar"):
            outcome = outcomes[case, function]
            assert outcome.startswith("X: malformed CSR matrix:"), (case, function, outcome)
            assert message in outcome, (case, function, outcome)


def test_malformed_y_is_named():
    out = run_child("""
        Y = sp.csr_matrix(np.eye(3))
        Y.indices[1] = 7
        return khabar.top_k_similar(sp.csr_matrix(np.eye(3)), Y, k=2)
    """)
    assert out.startswith("ValueError: Y: malformed CSR matrix: column index 7"), out


def test_int64_index_that_would_wrap_is_refused():
    # 2**32 + 1 narrowed to int32 is 1: the scores would be those of a different matrix.
    out = run_child("""
        X = sp.csr_matrix(
            (np.array([1.0, 1.0]), np.array([0, 2**32 + 1], dtype=np.int64),
             np.array([0, 1, 2], dtype=np.int64)), shape=(2, 3))
        assert X.indices.dtype == np.int64
        return khabar.cosine_similarity(X).tolist()
    """)
    assert out.startswith("ValueError: X: malformed CSR matrix: column index 4294967297"), out


def test_int64_indices_that_fit_give_the_scores_of_int32_ones():
    out = run_child("""
        from sklearn.metrics.pairwise import cosine_similarity
        X = sp.random(30, 50, density=0.2, format="csr", random_state=0)
        wide = sp.csr_matrix((X.data, X.indices.astype(np.int64), X.indptr.astype(np.int64)),
                             shape=X.shape)
        wide.indices = wide.indices.astype(np.int64)
        wide.indptr = wide.indptr.astype(np.int64)
        assert wide.indices.dtype == np.int64
        np.testing.assert_allclose(khabar.cosine_similarity(wide), cosine_similarity(X),
                                   atol=1e-12)
        return "same"
    """)
    assert out == "returned same"


# ---------------------------------------------------------------------------------------------
# Memory blow-ups.


def test_top_k_is_capped_at_the_rows_of_y():
    out = run_child(
        """
        X = sp.random(1000, 50, density=0.2, format="csr", random_state=0)
        Y = sp.random(20, 50, density=0.2, format="csr", random_state=1)
        indices, scores = khabar.top_k_similar(X, Y, k=10**5)
        from sklearn.metrics.pairwise import cosine_similarity
        expected = -np.sort(-cosine_similarity(X, Y), axis=1)
        np.testing.assert_allclose(np.nan_to_num(scores, nan=0.0), expected, atol=1e-12)
        return indices.shape, peak_rss_mb() < 600
    """,
        memory=3 * GIB,
    )
    assert out == "returned ((1000, 20), True)", out


def test_bm25_search_k_is_capped_at_the_corpus():
    out = run_child(
        """
        docs = [f"سوريا كلمة{i}" for i in range(1000)]
        index = khabar.BM25().fit(docs)
        start = time.perf_counter()
        indices, scores = index.search_many(["سوريا"], k=10**8)
        hits = index.search("كلمة5", k=10**8)
        return indices.shape, hits["doc"].tolist(), time.perf_counter() - start < 5
    """,
        memory=3 * GIB,
    )
    assert out == "returned ((1, 1000), [5], True)", out


def test_huge_dense_cosine_is_refused_with_what_it_needs():
    out = run_child("""
        X = sp.random(50_000, 100, density=0.01, format="csr", random_state=0)
        return khabar.cosine_similarity(X)
    """)
    # 50,000² doubles; refused on any machine with less than 40 GB of memory.
    assert out.startswith("MemoryError: cosine_similarity of 50000 x 50000 rows needs 20.0 GB"), out
    assert "use top_k_similar" in out


def test_hashed_features_cost_no_memory_per_column():
    out = run_child(
        """
        # The largest n_features scikit-learn allows (its interval is [1, 2**31 - 1)).
        hashing = khabar.HashingVectorizer(n_features=2**31 - 2)
        X = hashing.transform(["سوريا روسيا", "روسيا"])
        s = khabar.cosine_similarity(X)
        indices, scores = khabar.top_k_similar(X, k=1)
        return round(float(s[0, 1]), 12), indices.ravel().tolist(), peak_rss_mb() < 800
    """,
        memory=3 * GIB,
    )
    assert out == f"returned ({round(2**-0.5, 12)}, [1, 0], True)", out


def test_near_duplicates_with_a_million_permutations_is_refused():
    out = run_child(
        """
        start = time.perf_counter()
        try:
            khabar.NearDuplicates(num_perm=10**6).fit(["نص"])
        except ValueError as error:
            return str(error), time.perf_counter() - start < 5
    """,
        timeout=60,
    )
    assert (
        out == "returned (\"The 'num_perm' parameter must be an int <= 4096, got 1000000\", True)"
    ), out


def test_near_duplicate_candidates_are_not_kept_per_band():
    # 3,000 identical documents: 4,498,500 pairs (108 MB as C++ pairs); candidates listed per
    # band before de-duplication took bands × that.
    out = run_child(
        """
        nd = khabar.NearDuplicates(n_threads=2).fit(["بوتين يستقبل الاسد في سوتشي"] * 3000)
        bands = nd.bands_[0]
        pairs = nd.pairs()
        return len(pairs), bool((pairs["i"] < pairs["j"]).all()), bands > 5, peak_rss_mb() < 900
    """,
        timeout=300,
        memory=3 * GIB,
    )
    assert out == "returned (4498500, True, True, True)", out


def test_shared_passages_of_repetitive_texts_are_bounded():
    # Two documents of one repeated word (200,000 times, 1.2 MB each): a maximal run starts at
    # every position, 400,000 runs of up to 200,000 words; before, 13.6 s for 560 KB and
    # 19 GiB of slices for Python. Now the first 1,000 (max_passages), sliced when read.
    out = run_child(
        """
        import warnings
        text = " ".join(["سوريا"] * 200_000)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            passages = khabar.shared_passages(text, text)
        first = passages[0]
        return (len(passages), first.n_words, passages[5].b_start, len(first.text_a),
                [w.category.__name__ for w in caught], peak_rss_mb() < 1500)
    """,
        timeout=240,
        memory=4 * GIB,
    )
    assert out == ("returned (1000, 200000, 30, 1199999, ['TruncatedPassagesWarning'], True)"), out


def test_combining_mark_texts_are_normalized_as_icu_would():
    # Canonical ordering done before ICU for long sequences: the result of Unicode's algorithm
    # (CPython's unicodedata as the oracle: NFKC, the fatha dropped, NFKC again).
    out = run_child("""
        import unicodedata
        tokenizer = khabar.Tokenizer()
        results = []
        for text in ["a" + "\u0301\u064e" * 100, "a" + "\u064e\u0301\u0316" * 50 + " b",
                     "a" + "\u0301" * 90 + "\u0640" * 90]:
            expected = unicodedata.normalize(
                "NFKC",
                unicodedata.normalize("NFKC", text).replace("\u064e", "").replace("\u0640", ""),
            )
            results.append(tokenizer.tokenize(text) == expected.split())
            spans = tokenizer.tokenize_with_spans(text)
            results.append(spans[0][1:] == (0, len(text.split()[0])))
        return results
    """)
    assert out == "returned [True, True, True, True, True, True]", out


@pytest.mark.parametrize(
    "text",
    ['"a" + "\u0301\u064e" * 1_000_000', '"a" + "\u0301" * 1_000_000 + "\u0640" * 1_000_000'],
)
def test_combining_mark_texts_take_linear_time(text):
    # 4 MB of marks: before, 250 KB took 8 s (marks) and 64k marks 2.6 s (tatweel), growing
    # as the square of the length, so this one document took minutes; now about a second.
    out = run_child(
        f"""
        text = {text}
        tokens = khabar.Tokenizer().tokenize_with_spans(text)
        passages = khabar.shared_passages(text + " x", text + " x", min_words=1)
        return len(tokens), tokens[0][1:], len(passages)
    """,
        timeout=240,
    )
    assert out == f"returned (1, (0, {len(eval(text))}), 1)", out


def test_near_duplicates_of_100_000_copies_stop_at_max_pairs():
    # 100,000 copies of one text are 4,999,950,000 pairs (120 GB as C++ pairs): before, pairs()
    # filled half the machine's memory before its MemoryError (in this child: bad_alloc). Now the
    # search stops after max_pairs, the first pairs in (i, j) order, with a warning.
    n, max_pairs = 100_000, 2_000_000
    # The max_pairs-th pair in (i, j) order: document i has partners i + 1 .. n - 1.
    i, before = 0, 0
    while before + (n - 1 - i) < max_pairs:
        before += n - 1 - i
        i += 1
    last = (i, i + max_pairs - before)
    out = run_child(
        f"""
        import warnings
        from khabar.near_duplicates import TruncatedPairsWarning
        nd = khabar.NearDuplicates(n_threads=2).fit(["بوتين يستقبل الاسد في سوتشي"] * {n})
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            pairs = nd.pairs(max_pairs={max_pairs})
        few = nd.pairs(max_pairs=3)  # stops at once: the first three pairs
        warned = [type(w.message).__name__ for w in caught]
        return (
            len(pairs), tuple(int(x) for x in pairs.iloc[-1][["i", "j"]]),
            bool(pairs["i"].is_monotonic_increasing), bool((pairs["jaccard"] == 1.0).all()),
            few[["i", "j"]].values.tolist(), warned, peak_rss_mb() < 700,
        )
    """,
        timeout=300,
        memory=2 * GIB,
    )
    assert out == (
        f"returned ({max_pairs}, {last}, True, True, [[0, 1], [0, 2], [0, 3]], "
        "['TruncatedPairsWarning'], True)"
    ), out


def test_near_duplicate_pairs_are_the_same_for_any_thread_count_when_truncated():
    # Rounds of tasks stop at their share of the pairs still wanted; whatever the threads, the
    # answer is the first max_pairs pairs of the full answer.
    out = run_child(
        """
        import warnings
        one, other = "بوتين يستقبل الاسد في سوتشي اليوم", "نص آخر عن روسيا وتركيا وسوريا"
        texts = [one] * 300 + [other] * 200
        texts = [texts[(k * 7) % 500] for k in range(500)]  # interleaved
        full = khabar.NearDuplicates(n_threads=1).fit(texts).pairs()
        results = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for n_threads in (1, 2, 3):
                for max_pairs in (1, 1000, 40_000, len(full) - 1):
                    got = khabar.NearDuplicates(n_threads=n_threads).fit(texts).pairs(max_pairs)
                    results.append(got.equals(full.iloc[:max_pairs].reset_index(drop=True)))
        return len(full), all(results)
    """,
        timeout=300,
    )
    # 300 copies and 200 copies: C(300, 2) + C(200, 2) pairs.
    assert out == f"returned ({300 * 299 // 2 + 200 * 199 // 2}, True)", out


def test_absurd_ngram_ranges_are_refused_before_allocating():
    # ngram_range (1, 10_000) on 20,000 words: 2·10⁸ n-grams of up to 10,000 words (about 10¹³
    # bytes); before, fit allocated until bad_alloc (or the time limit). Now a MemoryError at
    # once, naming the document and what it would need. Short documents are unchanged.
    out = run_child(
        """
        words = " ".join(f"كلمة{k}" for k in range(20_000))
        outcomes = []
        for make in (
            lambda: khabar.CountVectorizer(ngram_range=(1, 10_000)).fit(["قصير", words]),
            lambda: khabar.HashingVectorizer(ngram_range=(2, 2**40)).transform([words]),
            lambda: khabar.Tokenizer(ngram_range=(1, 10_000)).tokenize(words),
            lambda: khabar.CountVectorizer(analyzer="char", ngram_range=(1, 10_000)).fit([words]),
            lambda: khabar.CountVectorizer(analyzer="char_wb", ngram_range=(1, 10_000)).fit(
                [words.replace(" ", "")]
            ),
        ):
            start = time.perf_counter()
            try:
                make()
                outcomes.append("no error")
            except MemoryError as error:
                fast = time.perf_counter() - start < 5
                outcomes.append((str(error).split(" would make")[0], fast))
        return outcomes, peak_rss_mb() < 500
    """,
        timeout=120,
        memory=2 * GIB,
    )
    assert out == (
        "returned (["
        "('document 1: ngram_range (1, 10000)', True), "
        "('document 0: ngram_range (2, 1099511627776)', True), "
        "('document 0: ngram_range (1, 10000)', True), "
        "('document 0: ngram_range (1, 10000)', True), "
        "('document 0: ngram_range (1, 10000)', True)], True)"
    ), out


def test_wide_ngram_ranges_on_short_documents_are_as_in_scikit_learn():
    import khabar
    from sklearn.feature_extraction.text import CountVectorizer as SkCounts

    docs = [" ".join(f"كلمة{k % 37}" for k in range(60)), "سوريا روسيا تركيا"]
    tokenizer = khabar.Tokenizer()
    theirs = SkCounts(analyzer=lambda d: _word_ngrams(tokenizer.tokenize(d), 1, 10_000)).fit(docs)
    ours = khabar.CountVectorizer(ngram_range=(1, 10_000)).fit(docs)
    assert list(ours.get_feature_names_out()) == list(theirs.get_feature_names_out())
    assert (ours.transform(docs) != theirs.transform(docs)).nnz == 0


def _word_ngrams(tokens, low, high):
    # scikit-learn's _word_ngrams, written out: every n-gram of n = low .. high tokens.
    return [
        " ".join(tokens[i : i + n])
        for n in range(low, high + 1)
        for i in range(len(tokens) - n + 1)
    ]
