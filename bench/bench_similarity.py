"""Similarity, near-duplicates and search against their Python peers, in one run.

- top_k_similar(k=10) of 3,000 articles against all: scikit-learn NearestNeighbors
  (metric="cosine", algorithm="brute").
- NearDuplicates vs datasketch MinHash + MinHashLSH (same num_perm, threshold, shingles) on the
  corpus plus 1,000 planted edited copies: time and recall of the planted pairs.
- BM25 search_many of 1,000 queries vs rank_bm25's BM25Okapi on the same tokens.
Corpus: ANT multi-source (citation in bench/_corpus.py). Run with `make bench`.
"""

from __future__ import annotations

import random
import time

import khabar
import numpy as np
from _corpus import largest_jsonl, read_texts


def timed(run):
    start = time.perf_counter()
    result = run()
    return result, time.perf_counter() - start


def planted_corpus(texts, copies, rng):
    docs = list(texts)
    planted = []
    for source in rng.sample(range(len(texts)), copies):
        words = texts[source].split()
        for _ in range(max(1, len(words) // 100)):  # about 1% of the words replaced
            words[rng.randrange(len(words))] = "تعديل"
        planted.append((source, len(docs)))
        docs.append(" ".join(words))
    return docs, planted


def bench_top_k(texts):
    from sklearn.neighbors import NearestNeighbors

    X = khabar.TfidfVectorizer(sublinear_tf=True).fit_transform(texts)
    queries = X[:3000]
    (ours, _), t_ours = timed(lambda: khabar.top_k_similar(queries, X, k=10))
    nn = NearestNeighbors(n_neighbors=10, metric="cosine", algorithm="brute")
    (_distances, theirs), t_theirs = timed(lambda: nn.fit(X).kneighbors(queries))
    agree = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(ours, theirs, strict=True)])
    return t_theirs, t_ours, f"neighbour sets agree {agree:.3%}"


def bench_near_duplicates(texts, num_perm=128, threshold=0.8, shingle=5):
    from datasketch import MinHash, MinHashLSH

    rng = random.Random(42)
    docs, planted = planted_corpus(texts, 1000, rng)
    ours, t_ours = timed(
        lambda: khabar.NearDuplicates(threshold, num_perm, shingle).fit(docs).pairs()
    )
    found = set(map(tuple, ours[["i", "j"]].values.tolist()))
    recall_ours = np.mean([pair in found for pair in planted])

    tokens = khabar.Tokenizer().tokenize_many(docs)

    def datasketch_pairs():
        lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        signatures = []
        for d, words in enumerate(tokens):
            m = MinHash(num_perm=num_perm, seed=1)
            m.update_batch(
                [
                    " ".join(words[s : s + shingle]).encode()
                    for s in range(max(1, len(words) - shingle + 1))
                ]
            )
            lsh.insert(d, m)
            signatures.append(m)
        return {
            tuple(sorted((d, e))) for d, m in enumerate(signatures) for e in lsh.query(m) if e != d
        }

    theirs, t_theirs = timed(datasketch_pairs)
    recall_theirs = np.mean([pair in theirs for pair in planted])
    return (
        t_theirs,
        t_ours,
        f"recall of 1,000 planted copies: khabar {recall_ours:.3f}, datasketch {recall_theirs:.3f}",
    )


def bench_bm25(texts):
    from rank_bm25 import BM25Okapi

    rng = random.Random(3)
    tokenizer = khabar.Tokenizer()
    tokens = tokenizer.tokenize_many(texts)
    queries = [
        " ".join(rng.sample(tokens[d], min(4, len(tokens[d]))))
        for d in rng.sample(range(len(texts)), 1000)
    ]
    index = khabar.BM25().fit(texts)
    (indices, _), t_ours = timed(lambda: index.search_many(queries, k=10))
    peer = BM25Okapi(tokens)
    query_tokens = [tokenizer.tokenize(q) for q in queries]
    theirs, t_theirs = timed(
        lambda: [np.argsort(-peer.get_scores(q), kind="stable")[:10] for q in query_tokens]
    )
    top1 = np.mean([a[0] == b[0] for a, b in zip(indices, theirs, strict=True)])
    return t_theirs, t_ours, f"top hit agrees {top1:.1%} (rank_bm25's idf differs from Lucene's)"


def main():
    texts = read_texts(largest_jsonl())
    print(f"corpus: {largest_jsonl()} ({len(texts):,} articles)\n")
    print(f"{'task':38s} {'peer s':>8s} {'khabar s':>9s} {'speed-up':>9s}  notes")
    for name, run in [
        ("top_k_similar k=10, 3,000 queries", bench_top_k),
        ("near-duplicates (MinHash LSH 0.8/128)", bench_near_duplicates),
        ("BM25 search_many, 1,000 queries", bench_bm25),
    ]:
        peer, ours, notes = run(texts)
        print(f"{name:38s} {peer:8.2f} {ours:9.2f} {peer / ours:8.1f}x  {notes}", flush=True)


if __name__ == "__main__":
    main()
