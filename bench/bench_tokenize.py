"""Tokenization throughput on the largest corpus under ../shared/corpus (MB/s of UTF-8 text).

Compares khabar's Tokenizer (normalization on; 1 thread and all threads) with scikit-learn's
default word analyzer and with a plain UTF-8 decode of the same bytes (the ceiling). Then, when
`make bench` has built it, runs build/cpp/bench/khabar_tokenize_speed: the same stages in C++
alone (no Python objects), with khabar's word-break scanner and with ICU's BreakIterator alone,
which must give bit-identical tokens, vocabulary and TF-IDF matrices (issue 17).
Run with `make bench`. Corpus citation: see bench/_corpus.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import khabar
from _corpus import largest_jsonl, read_texts
from sklearn.feature_extraction.text import CountVectorizer


def best_of(repeats: int, run) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    path = largest_jsonl()
    texts = read_texts(path)
    encoded = [t.encode() for t in texts]
    megabytes = sum(map(len, encoded)) / 1e6
    cores = os.cpu_count() or 1
    print(f"corpus: {path} ({len(texts):,} documents, {megabytes:.1f} MB of text), {cores} cores")

    tokenizer = khabar.Tokenizer()
    sklearn_analyzer = CountVectorizer().build_analyzer()
    runs = {
        "utf-8 decode (ceiling)": lambda: [b.decode() for b in encoded],
        "scikit-learn word analyzer": lambda: [sklearn_analyzer(t) for t in texts],
        "khabar, 1 thread": lambda: tokenizer.tokenize_many(texts, n_threads=1),
        f"khabar, {cores} threads": lambda: tokenizer.tokenize_many(texts, n_threads=0),
    }
    speeds = {name: megabytes / best_of(5, run) for name, run in runs.items()}
    baseline = speeds["scikit-learn word analyzer"]
    one_thread = speeds["khabar, 1 thread"]
    print(f"{'':30s} {'MB/s':>8s} {'vs sklearn':>11s}")
    for name, speed in speeds.items():
        print(f"{name:30s} {speed:8.1f} {speed / baseline:10.2f}x")
    print(
        f"khabar scaling, all threads vs 1: {speeds[f'khabar, {cores} threads'] / one_thread:.2f}x"
    )
    print(f"load average (1, 5, 15 min): {os.getloadavg()}")
    speed_tool = Path(__file__).resolve().parents[1] / "build/cpp/bench/khabar_tokenize_speed"
    if speed_tool.exists():
        print(f"\n{speed_tool.name} (C++ alone, 1 thread, best of 3):", flush=True)
        done = subprocess.run([str(speed_tool), str(path), "3"], check=False)
        if done.returncode:
            sys.exit("the word-break scanner changed the results")


if __name__ == "__main__":
    main()
