"""Ctrl-C during a long C++ call: a KeyboardInterrupt within a second, and objects still usable.

A real SIGINT is sent to the process while the call runs with the GIL released; every call here
would take many seconds if it were not stopped.
"""

import os
import signal
import threading
import time

import khabar
import numpy as np
import pytest
import scipy.sparse as sp

DELAY = 0.3  # seconds before the signal
LATENCY = 1.0  # the bound on reacting to it


@pytest.fixture(autouse=True)
def python_handles_sigint():
    """A process started with SIGINT ignored (``make test &`` in a script, nohup, cron) inherits
    SIG_IGN, and Python then installs no KeyboardInterrupt handler, so the signal these tests send
    would be dropped and each call would run to its end. What is tested is how khabar's C++ loops
    react when Python handles SIGINT, so each test installs Python's default handler and puts the
    inherited disposition back afterwards."""
    previous = signal.getsignal(signal.SIGINT)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        if previous is not None:  # None: a handler not set from Python, left as it is
            signal.signal(signal.SIGINT, previous)


@pytest.fixture(scope="module")
def many_docs(sochi_texts):
    return sochi_texts * 20_000  # ~600 MB of text, without copying the strings


def interrupted_after(call):
    """Seconds from the SIGINT to the KeyboardInterrupt raised by ``call``."""
    sent = []

    def send():
        time.sleep(DELAY)
        sent.append(time.perf_counter())
        os.kill(os.getpid(), signal.SIGINT)

    sender = threading.Thread(target=send)
    sender.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            call()
        return time.perf_counter() - sent[0]
    finally:
        sender.join()


CALLS = {
    "Tokenizer.count_tokens": lambda d: khabar.Tokenizer().count_tokens(d, n_threads=1),
    "Tokenizer.tokenize_many": lambda d: khabar.Tokenizer().tokenize_many(d),
    "TfidfVectorizer.fit_transform": lambda d: khabar.TfidfVectorizer().fit_transform(d),
    "CountVectorizer.fit": lambda d: khabar.CountVectorizer().fit(d),
    "HashingVectorizer.transform": lambda d: khabar.HashingVectorizer().transform(d),
    "BM25.fit": lambda d: khabar.BM25().fit(d),
}


@pytest.mark.parametrize("name", CALLS)
def test_ctrl_c_stops_a_long_call_within_a_second(name, many_docs):
    assert interrupted_after(lambda: CALLS[name](many_docs)) < LATENCY


def test_ctrl_c_stops_top_k_similar():
    X = sp.random(40_000, 2_000, density=0.02, format="csr", random_state=0)
    assert interrupted_after(lambda: khabar.top_k_similar(X, k=10, n_threads=2)) < LATENCY


def test_objects_are_usable_after_an_interrupted_call(many_docs, sochi_texts):
    vectorizer = khabar.TfidfVectorizer().fit(sochi_texts)
    expected = vectorizer.transform(sochi_texts)
    assert interrupted_after(lambda: vectorizer.transform(many_docs)) < LATENCY
    assert (vectorizer.transform(sochi_texts) != expected).nnz == 0

    near = khabar.NearDuplicates().fit(sochi_texts)
    signatures = near.signatures_.copy()
    assert interrupted_after(lambda: near.partial_fit(many_docs)) < LATENCY
    np.testing.assert_array_equal(near.signatures_, signatures)  # nothing half-added
    near.partial_fit(sochi_texts[:1])
    assert near.pairs()[["i", "j"]].values.tolist() == [[0, 5]]  # the re-added first article

    tokenizer = khabar.Tokenizer(stopwords="arabic")
    assert interrupted_after(lambda: tokenizer.tokenize_many(many_docs)) < LATENCY
    assert tokenizer.tokenize_many(sochi_texts) == [tokenizer.tokenize(t) for t in sochi_texts]


# One long document: work inside a single unit of a parallel loop polls the check too.
SINGLE_DOCUMENT_LATENCY = 0.5  # the issue asks ~0.2 s; margin for a machine shared by others


@pytest.fixture(scope="module")
def one_huge_doc(sochi_texts):
    return " ".join(sochi_texts * 3_000)  # one document of ~90 MB


def test_ctrl_c_stops_tokenizing_one_huge_document(one_huge_doc):
    tokenizer = khabar.Tokenizer(stopwords="arabic")
    assert interrupted_after(lambda: tokenizer.tokenize(one_huge_doc)) < SINGLE_DOCUMENT_LATENCY
    assert (
        interrupted_after(lambda: tokenizer.tokenize_with_spans(one_huge_doc))
        < SINGLE_DOCUMENT_LATENCY
    )
    assert tokenizer.tokenize("قال بوتين في سوتشي") == ["قال", "بوتين", "سوتشي"]


def test_ctrl_c_stops_normalizing_one_document_of_combining_marks():
    text = "a" + "\u0301\u064e" * 20_000_000  # 80 MB, one combining sequence
    assert interrupted_after(lambda: khabar.Tokenizer().tokenize(text)) < SINGLE_DOCUMENT_LATENCY


def test_ctrl_c_stops_shared_passages_of_two_repetitive_documents():
    # Two 1.2 MB documents of one repeated word, every maximal run asked for: minutes of work.
    text = " ".join(["سوريا"] * 200_000)
    assert (
        interrupted_after(lambda: khabar.shared_passages(text, text, max_passages=10**9))
        < SINGLE_DOCUMENT_LATENCY
    )
    assert len(khabar.shared_passages("a b c d", "x a b c d", min_words=2)) == 1
